/**
 * Training: one gradient loop ({@link org.spikekit.train.Fit}) that every gradient trainer is a
 * recipe over, optimisers (Adam, LAMB, SMORMS3, behind {@link org.spikekit.train.Optimizer}),
 * learning-rate schedules ({@link org.spikekit.train.LrSchedule}), pruning, fine-tuning,
 * checkpoints, float16 export ({@code Half}), interrupts, epoch logs and per-epoch listeners
 * ({@link org.spikekit.train.EpochListener}).
 *
 * <h2>One model contract</h2>
 * Every model trained by gradient implements the kit's one autograd contract,
 * {@link org.spikekit.core.Differentiable}: {@code forward(input, tape)} runs the model on a
 * {@link org.spikekit.core.Tape} (training: dropout live, masks from the tape's seed; records kept
 * for backward), {@code backward(dOut, tape)} pops the records, adds the parameter gradients and
 * returns dL/d(input) or null. Side outputs a loss reads besides the output (the hidden spikes of an
 * activity regulariser) are published on the tape, and their gradients handed back to it before
 * backward. The loop sees a pass through {@link org.spikekit.train.Fit.Step} ({@code loss()},
 * {@code backward()}), which a recipe's {@link org.spikekit.train.Fit.Loss} builds from the
 * contract. Models with fused kernels push their own pass object as their record, so the arithmetic
 * is that of their kernels. How each family implements it:
 * <ul>
 *   <li>{@code core.SequenceModel} (Rsnn with a LIF or ALIF hidden layer, Snn2, Snn3; trained by
 *       {@link org.spikekit.train.Trainer}, hence {@link org.spikekit.train.FineTune} and
 *       {@link org.spikekit.train.Pruning}): {@code forward(x, tape)} → prediction {@code [T, B, outputs]},
 *       the model's {@code Pass} as the record, the hidden spikes published as
 *       {@code SequenceModel.SPIKES}; {@code backward(dPrediction, tape)} adds the regulariser's
 *       {@code tape.gradient(SPIKES)} and returns null. {@code Tape.evalWithGrad()} runs without
 *       dropout and keeps the record; the float16 view {@code HalfRsnn} is inference only;</li>
 *   <li>{@code model.WindowDecoder} (Spikachu and the MLP/RNN/GRU/LSTM baselines, built from
 *       {@code nn.Layer}s, each a {@code Differentiable}): {@code forward(batch, tape)} → prediction,
 *       one record per layer; {@code backward(dPrediction, tape)} returns null (a batch record takes no
 *       gradient) — trained by {@link org.spikekit.train.DecoderTrainer};</li>
 *   <li>{@code model.AlifNet} (Blocks supervised) and {@code model.EphysNeurons} (Blocks e-phys),
 *       over their fused ALIF kernels: AlifNet's {@code forward(x [T, B, inputs], tape)} → logits
 *       {@code [B, classes]}, the last hidden layer's spikes published as {@code AlifNet.SPIKES};
 *       EphysNeurons' {@code forward(x [T, rows, cells], tape)} → spikes {@code [T, rows, cells]}. Both
 *       push their {@code Pass} (with the kernels' tapes) only when the tape keeps; neither has dropout,
 *       so every tape mode computes the same numbers. {@code backward(dOut, tape)} adds the parameter
 *       gradients (AlifNet also those of a gradient handed back for {@code SPIKES}, a loss on the
 *       spikes as the Blocks reference set uses) and returns null; {@code AlifNet.backward(dLogits,
 *       tape, true)} also returns dL/dx (one more gemm) — trained by
 *       {@link org.spikekit.train.AlifNetTrainer} (cross-entropy on the logits) and
 *       {@link org.spikekit.train.EphysFitter} (van Rossum loss on the spikes).</li>
 * </ul>
 * Below the contract the RSNN family keeps its pass-level methods ({@code forward(x, training, seed)}
 * → {@code Pass}, {@code backward(pass, dPrediction, dSpikes)}) for the kernels' tests, the benchmarks
 * and the NeuroBench workload, which need the pass object itself; AlifNet and EphysNeurons keep theirs
 * ({@code forward(x, keepTape)}, {@code backward(pass, …)}, {@code AlifNet.backwardHidden}) for code
 * that reads the kernels' tapes (the Blocks golden parity test). The trainers use only the contract.
 *
 * <h2>One loop and its recipe</h2>
 * {@link org.spikekit.train.Fit#fit Fit.fit(model, data, recipe, hooks) → Fit.Result}. A
 * {@link org.spikekit.train.Fit.Recipe} holds: a name (interrupt messages, errors); the epochs; the
 * loss (the training forward and its loss, including whatever output smoothing, burn-in and
 * activity regularisers the recipe scores); the optimiser factory; the per-epoch schedule (or none);
 * the global-norm gradient clip; the batch seeds (dropout); and the
 * {@link org.spikekit.train.Fit.Selection} (evaluator, cadence, whether the initial weights are a
 * candidate, and the key whose lowest value is kept and restored — or none, to only record the
 * evaluations). {@link org.spikekit.train.Fit.Hooks} carry the rest: pruning masks around every step
 * ({@link org.spikekit.train.Fit.Hooks#masks}), per-epoch callbacks, logs and checkpoints
 * ({@code afterEpoch}, which sees the resumable {@link org.spikekit.train.Fit.State}), and an early
 * end after a forward pass ({@code afterForward}). Interrupts are checked before every batch.
 * A run resumes from a {@code Fit.State} (epochs done, records, kept snapshot) on a fresh model whose
 * parameters and optimiser state the trainer restores from its checkpoint.
 *
 * <p>The trainers as recipes (each keeps its public API; the numbers are bit-identical to their
 * former loops):
 * <ul>
 *   <li>{@link org.spikekit.train.Trainer} (RSNN): RMSE over the steps after the burn-in plus the
 *       activity regularisers; SMORMS3; cosine annealing; pruning masks as hooks; validation R²
 *       recorded every epoch (no selection); its own checkpoint format and resume.</li>
 *   <li>{@link org.spikekit.train.DecoderTrainer} (Spikachu, baselines): smoothed weighted MSE; LAMB
 *       over all or chosen parameters (none: forward-only statistics); constant-then-cosine; selection
 *       by the kit's or the released cadence, the best restored; checkpoint/resume as hooks.</li>
 *   <li>{@link org.spikekit.train.AlifNetTrainer} (Blocks supervised): cross-entropy weighted by batch
 *       size; Adam; a step decay as a schedule; test accuracy recorded every epoch.</li>
 *   <li>{@link org.spikekit.train.EphysFitter} (Blocks e-phys): one full-batch step per epoch, van
 *       Rossum loss per cell, Adam; per-cell best epochs and early stops as hooks.</li>
 * </ul>
 * Trainers with a local learning rule (STDP: {@code train.stdp.ReadoutTrainer},
 * {@code features.StdpCsnn.Trainer}) keep their update rules and share the shape
 * {@link org.spikekit.train.Fitter} ({@code fit(data) → result}).
 *
 * <p>Layer: above {@code model}; below {@code report}. Its sub-package {@code train.stdp} shares the
 * layer. The package order is checked by {@code LayeringTest}
 * (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.train;
