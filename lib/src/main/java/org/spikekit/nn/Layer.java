package org.spikekit.nn;

import org.spikekit.core.Tape;

import org.spikekit.compute.Tensor;
import org.spikekit.core.Differentiable;

/**
 * A differentiable map on tensors whose last dimension is the feature axis. See the package
 * documentation for the tape contract.
 */
public interface Layer extends Differentiable<Tensor> {

    /**
     * Runs the layer. When {@code tape.keeps()} is true, pushes exactly what {@link #backward}
     * needs; in training mode ({@code tape.training()}) dropout and batch statistics are live.
     */
    Tensor forward(Tensor x, Tape tape);

    /**
     * Pops this layer's record from {@code tape}, ADDS parameter gradients and returns
     * dL/d(input) (same shape as the input of the matching forward call).
     */
    Tensor backward(Tensor gradOut, Tape tape);

    /** A short description for model summaries, e.g. {@code Linear(128→256)}. */
    default String describe() { return getClass().getSimpleName(); }
}
