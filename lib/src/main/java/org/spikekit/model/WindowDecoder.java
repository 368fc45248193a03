package org.spikekit.model;

import org.spikekit.compute.Tensor;
import org.spikekit.core.Differentiable;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.core.Tape;

/**
 * A hand-velocity decoder of the Spikachu paper (Spikachu itself or one of its MLP/RNN/GRU/LSTM
 * baselines) as {@link org.spikekit.train.DecoderTrainer} trains it: one {@link DecodingBatch} of
 * 1-s windows in, raw velocity predictions {@code [T, B, 2]} out (before the output smoothing,
 * which the trainer applies to every model alike).
 */
public interface WindowDecoder extends Differentiable<DecodingBatch> {

    /** Short model name used in tables ({@code spikachu}, {@code gru}, ...). */
    String kind();

    /** Runs the decoder; pushes what {@link #backward} needs when {@code tape.keeps()}. */
    @Override
    Tensor forward(DecodingBatch batch, Tape tape);

    /**
     * Backpropagates dL/d(prediction) {@code [T, B, 2]}, adding into the parameter gradients;
     * returns null (a batch of windows takes no gradient).
     */
    @Override
    Tensor backward(Tensor gradPrediction, Tape tape);

    /**
     * Operation counts and energy per 10-ms step and sample (notebooks/papers/spikachu.md §6.2).
     *
     * @param inferenceTape the tape of inference passes of this model (spiking models read their
     *     spike rates from it; the ANN baselines' counts are analytic and ignore it)
     * @param meanTokensPerStep mean spikes per bin and sample over the same passes (the
     *     homogenizer's attention cost grows with it; ignored by the baselines)
     * @param steps time steps of a window (100 for 1 s of 10-ms bins)
     */
    DecoderEnergy energy(Tape inferenceTape, double meanTokensPerStep, int steps);

    /**
     * One hidden layer's activity over a batch, for showing what the model does inside.
     *
     * @param layer    which layer (a parameter-name prefix or a description)
     * @param spikes   whether the activity is spikes (0/1 per neuron and step) or real-valued
     * @param activity {@code [T, B, n]}, time-major like the batch
     */
    record Hidden(String layer, boolean spikes, Tensor activity) {}

    /**
     * The activity of one hidden layer in an inference pass over {@code batch} (no dropout, running
     * statistics; the model's parameters and statistics are left as they are), or null when the
     * model names none. A separate pass: training and scoring never call it.
     */
    default Hidden hidden(DecodingBatch batch) { return null; }
}
