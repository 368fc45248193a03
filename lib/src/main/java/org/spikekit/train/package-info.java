/**
 * Trainers ({@code Trainer}, {@code DecoderTrainer}, {@code AlifNetTrainer}, {@code EphysFitter}),
 * optimisers (Adam, LAMB, SMORMS3), learning-rate schedules, pruning, fine-tuning, checkpoints,
 * float16 export ({@code Half}), interrupts and epoch logs.
 *
 * <p>Layer: above {@code model}; below {@code report}. Its sub-package {@code train.stdp} shares the
 * layer. The package order is checked by {@code LayeringTest}
 * (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.train;
