package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * State of a layer of current-based LIF neurons between two steps: membrane {@code u}, synaptic
 * current {@code i}, and the synaptic input already on its way, {@code pending}, each {@code [B, N]}
 * (membrane units). The spike of the next step is a function of {@code u}, so it is not stored.
 * Functions that take a state never write into it.
 *
 * <p>{@code pending} is what enters the current at the next update: with a synaptic delay of 2
 * steps ({@link LifParams#synapticDelay()}) the input and recurrent currents of the last step,
 * {@code W·x[n] + V·S[n]}; with a delay of 1 it is zero after every sequence (and, when non-zero in
 * an initial state, is added to the first step's input).
 *
 * @param u membrane potential U[n], [B, N]
 * @param i synaptic current I[n], [B, N]
 * @param pending synaptic input that enters I at the next update, [B, N]
 */
public record LifState(Tensor u, Tensor i, Tensor pending) {
    public LifState {
        if (u == null || i == null || pending == null) {
            throw new IllegalArgumentException("LifState: u, i and pending must not be null");
        }
        if (!u.sameShape(i) || !u.sameShape(pending) || u.rank() != 2) {
            throw new IllegalArgumentException("LifState: u " + u + ", i " + i + " and pending " + pending + " must all be [B, N]");
        }
    }

    /** A state with nothing pending. */
    public LifState(Tensor u, Tensor i) {
        this(u, i, u == null ? null : u.backend().zeros(u.shape()));
    }

    /** The resting state U = I = 0, nothing pending. */
    public static LifState zeros(Backend be, int batch, int neurons) {
        return new LifState(be.zeros(batch, neurons), be.zeros(batch, neurons), be.zeros(batch, neurons));
    }

    public int batch() { return u.dim(0); }

    public int neurons() { return u.dim(1); }

    /** A deep copy on the same backend. */
    public LifState copy() {
        Backend be = u.backend();
        Tensor u2 = be.zeros(u.shape()), i2 = be.zeros(i.shape()), p2 = be.zeros(pending.shape());
        be.copy(u, u2);
        be.copy(i, i2);
        be.copy(pending, p2);
        return new LifState(u2, i2, p2);
    }
}
