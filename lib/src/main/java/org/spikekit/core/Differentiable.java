package org.spikekit.core;

import org.spikekit.compute.Tensor;

/**
 * The kit's one autograd contract: every model or layer trained by gradient runs forward on a
 * {@link Tape} and back-propagates from the same tape. Spikachu's layers and the baselines
 * ({@code nn.Layer}), the window decoders ({@code model.WindowDecoder}), the RSNN family
 * ({@link SequenceModel}), the Blocks networks ({@code model.AlifNet}) and the e-phys neurons
 * ({@code model.EphysNeurons}) all implement it, so a loop, a gradient check or an attribution
 * written against this interface works on any of them.
 *
 * <p>The tape carries the mode ({@link Tape#training()}: dropout live, batch statistics; the
 * seed of the pass's random draws), the LIFO stack of records each forward pushes and its
 * backward pops, and named side outputs with their gradients (e.g. the hidden spikes an activity
 * regulariser reads: {@link Tape#output(String)}, {@link Tape#addGradient(String, Tensor)}).
 * Models with fused kernels push their own pass object as their record; the arithmetic is that
 * of their kernels, unchanged.
 *
 * @param <I> the input: a tensor for layers and sequence models, a batch record for decoders
 */
public interface Differentiable<I> extends Module {

    /**
     * Runs the model on {@code input}. When {@code tape.keeps()} is true, pushes exactly what
     * {@link #backward} needs; in training mode dropout and batch statistics are live.
     */
    Tensor forward(I input, Tape tape);

    /**
     * Pops this model's record from {@code tape}, ADDS the parameter gradients (including those
     * from gradients the caller added to the tape's side outputs) and returns dL/d(input), or null
     * when the input takes no gradient (a batch record, or a model that does not compute it).
     *
     * @param gradOut dL/d(output of the matching forward call), same shape as that output
     */
    Tensor backward(Tensor gradOut, Tape tape);
}
