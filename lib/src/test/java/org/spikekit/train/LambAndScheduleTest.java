package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Parameter;

class LambAndScheduleTest {
    private final Backend be = new CpuBackend();

    @Test
    void lambStepMatchesHandArithmetic() {
        Parameter p = new Parameter("w", be.fromHost(new float[] {3f, 4f}, 2), true);   // ‖θ‖ = 5
        be.copy(be.fromHost(new float[] {0.5f, -1f}, 2), p.grad());
        Lamb opt = new Lamb(List.of(p), new Lamb.Config(0.1, 0.9, 0.999, 1e-8, 0.0, false));
        opt.step();
        // m = 0.1 g, v = 0.001 g², u = m/√v = g·0.1/(|g|·√0.001) = sign(g)·3.16228; ‖u‖ = 4.47214; r = 5/4.47214
        double u = 0.1 / Math.sqrt(0.001), r = 5 / (u * Math.sqrt(2));
        float[] th = be.toHost(p.value());
        assertEquals(3 - 0.1 * r * u, th[0], 1e-5);
        assertEquals(4 + 0.1 * r * u, th[1], 1e-5);
        assertEquals(1, opt.steps());
    }

    @Test
    void lambTrustRatioUsesWeightNormClampedAtTenAndWeightDecay() {
        Parameter p = new Parameter("w", be.fromHost(new float[] {30f, 40f}, 2), true);  // ‖θ‖ = 50 → 10
        be.copy(be.fromHost(new float[] {1f, 1f}, 2), p.grad());
        Lamb opt = new Lamb(List.of(p), new Lamb.Config(0.01, 0.9, 0.999, 1e-8, 1e-2, false));
        opt.step();
        double g = 0.1 / Math.sqrt(0.001);
        double u0 = g + 0.3, u1 = g + 0.4, un = Math.hypot(u0, u1), r = 10 / un;
        float[] th = be.toHost(p.value());
        assertEquals(30 - 0.01 * r * u0, th[0], 1e-4);
        assertEquals(40 - 0.01 * r * u1, th[1], 1e-4);
    }

    @Test
    void lambMinimisesAQuadraticAndRestoresItsState() {
        Parameter p = new Parameter("w", be.fromHost(new float[] {2f, -1f, 0.5f}, 3), true);
        Lamb opt = new Lamb(List.of(p), Lamb.Config.spikachu(0.05));
        for (int i = 0; i < 300; i++) {
            float[] th = be.toHost(p.value());
            float[] g = new float[3];
            for (int j = 0; j < 3; j++) g[j] = 2 * (th[j] - 1f);
            be.copy(be.fromHost(g, 3), p.grad());
            opt.step();
        }
        for (float v : be.toHost(p.value())) assertEquals(1f, v, 0.05);
        Checkpoint.Optimizer s = opt.state();
        Lamb other = new Lamb(List.of(p), Lamb.Config.spikachu(0.05));
        other.restore(s, "test");
        assertEquals(300, other.steps());
        assertThrows(CheckpointException.class, () -> other.restore(new Checkpoint.Optimizer("adam", java.util.Map.of(), java.util.Map.of()), "f"));
    }

    @Test
    void scheduleIsConstantThenCosineToZero() {
        ConstantThenCosine s = ConstantThenCosine.spikachu(1e-3, 100);
        for (int e = 0; e <= 76; e++) assertEquals(1e-3, s.lr(e), 1e-15, "epoch " + e);
        // steps happen at the end of epochs 76..99; epoch 77 runs after 1 step of a T_max 25 cosine
        assertEquals(1e-3 * (1 + Math.cos(Math.PI / 25)) / 2, s.lr(77), 1e-15);
        assertEquals(1e-3 * (1 + Math.cos(Math.PI * 23 / 25)) / 2, s.lr(99), 1e-15);
        assertTrue(s.lr(99) > 1e-5 && s.lr(99) < 2e-5);   // 23 of 25 steps taken: the released schedule never reaches 0
        ConstantThenCosine one = ConstantThenCosine.spikachu(2e-3, 1);
        assertEquals(2e-3, one.lr(0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> ConstantThenCosine.spikachu(0, 10));
    }

    @Test
    void releasedScheduleFloorsTMax() {
        // train.py: CosineAnnealingLR(T_max=int(0.25·E)); 30 epochs: steps after epochs 23..28, T_max 7 (not 7.5)
        ConstantThenCosine rel = ConstantThenCosine.released(1e-3, 30), kit = ConstantThenCosine.spikachu(1e-3, 30);
        assertEquals(7.0, rel.tMax(), 0);
        assertEquals(7.5, kit.tMax(), 0);
        assertEquals(1e-3 * (1 + Math.cos(Math.PI * 6 / 7)) / 2, rel.lr(29), 1e-15);
        assertEquals(1e-3 * (1 + Math.cos(Math.PI * 6 / 7.5)) / 2, kit.lr(29), 1e-15);
        for (int e = 0; e <= 23; e++) assertEquals(kit.lr(e), rel.lr(e), 0, "constant phase, epoch " + e);
        // epochs divisible by 4: the same schedule
        ConstantThenCosine r100 = ConstantThenCosine.released(1e-3, 100), k100 = ConstantThenCosine.spikachu(1e-3, 100);
        for (int e = 0; e < 100; e++) assertEquals(k100.lr(e), r100.lr(e), 0, "epoch " + e);
    }
}
