package org.spikekit.nn;

import org.spikekit.core.Tape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

class MovingAverageTest {
    private final Backend be = new CpuBackend();

    /** Direct definition: zero padding, weights 1/taps, window [t − back, t + ahead]. */
    private static float[] reference(float[] x, int steps, int width, int taps, int ahead) {
        int back = taps - 1 - ahead;
        float[] y = new float[x.length];
        for (int t = 0; t < steps; t++) {
            for (int j = 0; j < width; j++) {
                double s = 0;
                for (int u = t - back; u <= t + ahead; u++) if (u >= 0 && u < steps) s += x[u * width + j];
                y[t * width + j] = (float) (s / taps);
            }
        }
        return y;
    }

    @Test
    void trailingAndCentredMatchTheirDefinitions() {
        Tensor x = LayerCheck.randn(be, 3, 1f, 37, 2, 3);
        float[] xv = be.toHost(x);
        for (int taps : new int[] {1, 4, 20, 45}) {
            MovingAverage tr = new MovingAverage(taps, MovingAverage.Alignment.TRAILING);
            MovingAverage ce = new MovingAverage(taps, MovingAverage.Alignment.CENTRED);
            assertEquals(0, tr.lookAhead());
            float[] a = be.toHost(tr.forward(x, Tape.inference())), ea = reference(xv, 37, 6, taps, 0);
            float[] c = be.toHost(ce.forward(x, Tape.inference())), ec = reference(xv, 37, 6, taps, ce.lookAhead());
            for (int i = 0; i < a.length; i++) {
                assertEquals(ea[i], a[i], 1e-5, "trailing taps " + taps);
                assertEquals(ec[i], c[i], 1e-5, "centred taps " + taps);
            }
        }
        // PyTorch padding='same' with an even kernel of 20 pads 9 left and 10 right: 10 future bins
        assertEquals(10, new MovingAverage(20, MovingAverage.Alignment.CENTRED).lookAhead());
        assertEquals(2, new MovingAverage(5, MovingAverage.Alignment.CENTRED).lookAhead());
    }

    @Test
    void trailingIsCausalCentredIsNot() {
        float[] v = new float[30];
        v[15] = 1f;
        Tensor x = be.fromHost(v, 30, 1, 1);
        float[] tr = be.toHost(new MovingAverage(20, MovingAverage.Alignment.TRAILING).forward(x, Tape.inference()));
        float[] ce = be.toHost(new MovingAverage(20, MovingAverage.Alignment.CENTRED).forward(x, Tape.inference()));
        for (int t = 0; t < 15; t++) assertEquals(0f, tr[t]);
        assertEquals(0.05f, tr[15], 1e-7);
        assertEquals(0.05f, ce[5], 1e-7);   // sees the impulse 10 steps ahead
        assertEquals(0f, ce[4]);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (MovingAverage.Alignment a : MovingAverage.Alignment.values()) {
            LayerCheck.check(new MovingAverage(6, a), LayerCheck.randn(be, 4, 1f, 15, 2, 2), () -> Tape.training(1), 1e-2, 1e-3, 60, true);
        }
    }
}
