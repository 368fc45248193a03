package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * State of a leaky-integrator readout: output Y[n], synaptic current I[n] and the input current on
 * its way ({@code pending}, see {@link LifState}), each {@code [B, units]} with
 * {@code units = heads·outputs}.
 */
public record ReadoutState(Tensor y, Tensor i, Tensor pending) {
    public ReadoutState {
        if (y == null || i == null || pending == null) {
            throw new IllegalArgumentException("ReadoutState: y, i and pending must not be null");
        }
        if (!y.sameShape(i) || !y.sameShape(pending) || y.rank() != 2) {
            throw new IllegalArgumentException("ReadoutState: y " + y + ", i " + i + " and pending " + pending
                    + " must all be [B, units]");
        }
    }

    /** A state with nothing pending. */
    public ReadoutState(Tensor y, Tensor i) {
        this(y, i, y == null ? null : y.backend().zeros(y.shape()));
    }

    /** Y = y0, I = 0, nothing pending. */
    public static ReadoutState initial(Backend be, int batch, int units, float y0) {
        Tensor y = be.zeros(batch, units);
        be.fill(y, y0);
        return new ReadoutState(y, be.zeros(batch, units), be.zeros(batch, units));
    }

    public ReadoutState copy() {
        Backend be = y.backend();
        Tensor y2 = be.zeros(y.shape()), i2 = be.zeros(i.shape()), p2 = be.zeros(pending.shape());
        be.copy(y, y2);
        be.copy(i, i2);
        be.copy(pending, p2);
        return new ReadoutState(y2, i2, p2);
    }
}
