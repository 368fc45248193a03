package org.spikekit.nn;

import org.spikekit.core.Tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

class DropoutSharedOverTimeTest {
    private final Backend be = new CpuBackend();

    @Test
    void maskIsSharedAcrossTimeScaledAndSeeded() {
        Dropout d = Dropout.sharedOverTime(0.5f);
        Tensor x = be.zeros(5, 40, 10);
        be.fill(x, 1f);
        float[] a = be.toHost(d.forward(x, Tape.training(3))), b = be.toHost(d.forward(x, Tape.training(3)));
        int kept = 0;
        for (int i = 0; i < 400; i++) {
            for (int t = 0; t < 5; t++) {
                assertEquals(a[i], a[t * 400 + i], "same mask at every step");
                assertEquals(a[t * 400 + i], b[t * 400 + i], "same seed, same mask");
            }
            assertTrue(a[i] == 0f || a[i] == 2f);
            if (a[i] > 0) kept++;
        }
        assertTrue(kept > 160 && kept < 240, "kept " + kept);
        assertSame(x, d.forward(x, Tape.inference()));
        LayerCheck.check(d, LayerCheck.randn(be, 1, 1f, 4, 6), () -> Tape.training(3), 1e-2, 1e-3, 24, true);
        assertThrows(IllegalArgumentException.class, () -> Dropout.sharedOverTime(1f));
        assertThrows(IllegalArgumentException.class, () -> d.forward(be.zeros(4), Tape.training(1)));
    }

    @Test
    void residualAddsTheInputAndItsGradient() {
        Residual r = new Residual(new Sequential(new Linear(be, "a", 3, 3, true, 1), new Activation(Activation.Kind.TANH)));
        LayerCheck.check(r, LayerCheck.randn(be, 2, 1f, 4, 3), () -> Tape.training(1), 1e-2, 3e-3, 30, true);
        Residual bad = new Residual(new Linear(be, "b", 3, 2, true, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.forward(be.zeros(2, 3), Tape.inference()));
        assertTrue(e.getMessage().contains("Residual"), e.getMessage());
    }
}
