package org.spikekit.core;

import org.spikekit.compute.Tensor;

/**
 * A model mapping an input sequence {@code [T, B, inputs]} to a prediction sequence
 * {@code [T, B, outputs]} (time-major), trained by {@link org.spikekit.train.Trainer}. The forward pass returns a
 * {@link Pass} holding the prediction, the hidden spikes an activity regulariser reads, and whatever
 * the backward pass needs.
 */
public interface SequenceModel extends Module {

    int inputs();

    int outputs();

    /** Result of a forward pass. */
    interface Pass {
        /** {@code [T, B, outputs]}. */
        Tensor prediction();

        /** Hidden spikes {@code [T, B, N]} seen by activity regularisers (before any dropout), or null. */
        Tensor spikes();
    }

    /**
     * Runs the model.
     *
     * @param x input {@code [T, B, inputs]}; kept by reference until backward
     * @param training true: dropout is active (masks drawn from {@code seed}) and a tape is kept
     * @param seed seed of this step's dropout masks (ignored when not training)
     */
    Pass forward(Tensor x, boolean training, long seed);

    /**
     * Backpropagation through time; ADDS into {@link Parameter#grad()}.
     *
     * @param pass from {@link #forward} with {@code training} true (or a tape-keeping variant)
     * @param gradPrediction dL/d(prediction) {@code [T, B, outputs]}
     * @param gradSpikes extra dL/d(spikes) {@code [T, B, N]} from regularisers, or null
     */
    void backward(Pass pass, Tensor gradPrediction, Tensor gradSpikes);
}
