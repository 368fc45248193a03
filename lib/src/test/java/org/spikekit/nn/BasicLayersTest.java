package org.spikekit.nn;

import org.spikekit.core.Tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

class BasicLayersTest {
    private final Backend be = new CpuBackend();

    @Test
    void linearGradientsMatchFiniteDifferences() {
        Linear l = new Linear(be, "fc", 5, 3, true, 1);
        LayerCheck.check(l, LayerCheck.randn(be, 2, 1f, 4, 2, 5), () -> Tape.training(1), 1e-2, 2e-3, 60, true);
    }

    @Test
    void layerNormGradientsMatchFiniteDifferences() {
        LayerNorm ln = new LayerNorm(be, "ln", 6);
        be.randNormal(ln.parameters().get(0).value(), 3, 1f, 0.3f);
        be.randNormal(ln.parameters().get(1).value(), 4, 0f, 0.3f);
        LayerCheck.check(ln, LayerCheck.randn(be, 5, 2f, 3, 6), () -> Tape.training(1), 1e-2, 5e-3, 60, true);
    }

    @Test
    void layerNormNormalisesEachRow() {
        LayerNorm ln = new LayerNorm(be, "ln", 4);
        float[] y = be.toHost(ln.forward(be.fromHost(new float[] {1, 2, 3, 4, 10, 10, 10, 14}, 2, 4), Tape.inference()));
        double mean = (y[0] + y[1] + y[2] + y[3]) / 4, sq = 0;
        for (int j = 0; j < 4; j++) sq += y[j] * y[j];
        assertEquals(0, mean, 1e-6);
        assertEquals(4, sq, 1e-3);
        assertEquals(y[4], y[5], 1e-6);
    }

    @Test
    void activationsGradientsMatchFiniteDifferences() {
        for (Activation.Kind k : Activation.Kind.values()) {
            Tensor x = LayerCheck.randn(be, 7, 1.5f, 4, 5);
            LayerCheck.check(new Activation(k), x, () -> Tape.training(1), 1e-3, 5e-3, 20, true);
        }
    }

    @Test
    void geluMatchesKnownValues() {
        Activation g = new Activation(Activation.Kind.GELU);
        assertEquals(0.8413447, g.f(1f), 1e-6);      // 1·Φ(1)
        assertEquals(-0.04550026, g.f(-2f), 1e-6);   // −2·Φ(−2)
        assertEquals(2.9959502, g.f(3f), 1e-6);
        assertEquals(0.99532226501895, Activation.erf(2.0), 1e-11);
        assertEquals(-0.99997790950300, Activation.erf(-3.0), 1e-11);
        assertEquals(0.11246291601828, Activation.erf(0.1), 1e-11);
    }

    @Test
    void dropoutIsSeededScaledAndIdentityInEvaluation() {
        Dropout d = new Dropout(0.5f);
        Tensor x = be.zeros(1000);
        be.fill(x, 1f);
        float[] a = be.toHost(d.forward(x, Tape.training(3))), b = be.toHost(d.forward(x, Tape.training(3)));
        int kept = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i]);
            assertTrue(a[i] == 0f || a[i] == 2f);
            if (a[i] > 0) kept++;
        }
        assertTrue(kept > 430 && kept < 570, "kept " + kept);
        assertEquals(1f, be.toHost(d.forward(x, Tape.inference()))[0]);
        LayerCheck.check(d, LayerCheck.randn(be, 1, 1f, 20), () -> Tape.training(3), 1e-2, 1e-3, 20, true);
    }

    @Test
    void sequentialChainsAndChecksShapes() {
        Sequential s = new Sequential(new Linear(be, "a", 4, 8, true, 1), new Activation(Activation.Kind.TANH),
                new Linear(be, "b", 8, 2, true, 1));
        assertEquals(4 * 8 + 8 + 8 * 2 + 2, s.numel());
        LayerCheck.check(s, LayerCheck.randn(be, 9, 1f, 3, 4), () -> Tape.training(1), 1e-2, 3e-3, 40, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.forward(be.zeros(3, 5), Tape.inference()));
        assertTrue(e.getMessage().contains("Linear a") && e.getMessage().contains("[..., 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sequential(new Linear(be, "a", 4, 4, true, 1), new Linear(be, "a", 4, 4, true, 1)));
    }

    @Test
    void tapeRefusesOutOfOrderBackward() {
        Tape t = Tape.training(1);
        Linear l = new Linear(be, "l", 2, 2, true, 1);
        new Dropout(0.1f).forward(l.forward(be.zeros(1, 2), t), t);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> l.backward(be.zeros(1, 2), t));
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> l.backward(be.zeros(1, 2), Tape.inference()));
    }
}
