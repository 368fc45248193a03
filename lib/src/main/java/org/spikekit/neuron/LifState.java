package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * State of a layer of current-based LIF neurons between two steps: membrane {@code u} and
 * synaptic current {@code i}, each {@code [B, N]} (membrane units). The spike of the next step is
 * a function of {@code u}, so it is not stored. Functions that take a state never write into it.
 *
 * @param u membrane potential U[n], [B, N]
 * @param i synaptic current I[n], [B, N]
 */
public record LifState(Tensor u, Tensor i) {
    public LifState {
        if (u == null || i == null) throw new IllegalArgumentException("LifState: u and i must not be null");
        if (!u.sameShape(i) || u.rank() != 2) {
            throw new IllegalArgumentException("LifState: u " + u + " and i " + i + " must both be [B, N]");
        }
    }

    /** The resting state U = I = 0. */
    public static LifState zeros(Backend be, int batch, int neurons) {
        return new LifState(be.zeros(batch, neurons), be.zeros(batch, neurons));
    }

    public int batch() { return u.dim(0); }

    public int neurons() { return u.dim(1); }

    /** A deep copy on the same backend. */
    public LifState copy() {
        Backend be = u.backend();
        Tensor u2 = be.zeros(u.shape()), i2 = be.zeros(i.shape());
        be.copy(u, u2);
        be.copy(i, i2);
        return new LifState(u2, i2);
    }
}
