package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * State of a leaky-integrator readout: output Y[n] and synaptic current I[n], each
 * {@code [B, units]} with {@code units = heads·outputs}.
 */
public record ReadoutState(Tensor y, Tensor i) {
    public ReadoutState {
        if (y == null || i == null) throw new IllegalArgumentException("ReadoutState: y and i must not be null");
        if (!y.sameShape(i) || y.rank() != 2) {
            throw new IllegalArgumentException("ReadoutState: y " + y + " and i " + i + " must both be [B, units]");
        }
    }

    /** Y = y0, I = 0. */
    public static ReadoutState initial(Backend be, int batch, int units, float y0) {
        Tensor y = be.zeros(batch, units);
        be.fill(y, y0);
        return new ReadoutState(y, be.zeros(batch, units));
    }

    public ReadoutState copy() {
        Backend be = y.backend();
        Tensor y2 = be.zeros(y.shape()), i2 = be.zeros(i.shape());
        be.copy(y, y2);
        be.copy(i, i2);
        return new ReadoutState(y2, i2);
    }
}
