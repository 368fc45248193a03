package org.spikekit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;

class WorkloadAndEnergyTest {
    private final Backend be = new CpuBackend(1);

    @Test
    void activationSparsityOverLayersStepsAndSamples() {
        ActivationSparsity a = new ActivationSparsity();
        assertThrows(IllegalStateException.class, a::compute);
        a.observe(be.fromHost(new float[] {0, 1, 0, 0, 0, 0}, 2, 3));   // [T=2, N=3]: 1 of 6
        a.observe(new float[] {1, 0, 0, 1, 0, 0});                      // another layer: 2 of 6
        assertEquals(1.0 - 3.0 / 12, a.compute(), 1e-15);
        assertEquals(3, a.nonZero());
        a.reset();
        a.observe(new float[4]);
        assertEquals(1.0, a.compute(), 0.0);
    }

    @Test
    void energyFromAccumulatesAndMacs() {
        // tinyRSNN I1 mean Eff. ACs 299 per 4-ms step: 299 · 0.9 pJ = 269.1 pJ; at 250 steps/s 67.275 nW
        EnergyEstimate e = EnergyEstimate.of(new SynapticOperations.Ops(10_368, 0, 299, 1), EnergyConstants.HOROWITZ_45NM, 250);
        assertEquals(269.1, e.picojoulePerSample(), 1e-9);
        assertEquals(6.7275e-8, e.wattsAverage(), 1e-18);
        // SNN3 Indy: 21,504 MACs + 6,321 ACs → 21,504 · 4.6 + 6,321 · 0.9 = 98,918.4 + 5,688.9 pJ
        EnergyEstimate s3 = EnergyEstimate.of(6_321, 21_504, EnergyConstants.HOROWITZ_45NM, 250);
        assertEquals(104_607.3, s3.picojoulePerSample(), 1e-6);
        assertEquals(s3.wattsAverage(), s3.joulePerSecond(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> EnergyEstimate.of(1, 1, EnergyConstants.HOROWITZ_45NM, 0));
        assertThrows(IllegalArgumentException.class, () -> new EnergyConstants(-1, 1, "x", "y"));
    }
}
