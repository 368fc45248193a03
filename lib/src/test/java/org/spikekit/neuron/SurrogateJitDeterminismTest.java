package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * The fused LIF backward's vectorised surrogate derivatives must give the bits of
 * {@link Surrogate#grad} in every JIT tier (see compute.JitDeterminismTest): the sigmoid family
 * needs exp, which the Vector API computes differently once C2 has compiled it.
 */
class SurrogateJitDeterminismTest {
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;

    @Test
    void vectorisedSurrogatesEqualTheScalarFormulaBeforeAndAfterWarmUp() {
        Surrogate[] all = {Surrogate.sigmoid(5f), Surrogate.smoothSigmoid(10f), Surrogate.superSpike(10f), Surrogate.triangle(0.5f),
                Surrogate.multiGaussian(0.5f), Surrogate.boxcar(0.5f)};
        float[] x = new float[SP.length() * 37];
        for (int i = 0; i < x.length; i++) x[i] = (i * 0.7548776f % 1f - 0.5f) * 6f;
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                for (int w = 0; w < 20_000; w++) HostLifKernel.surrogateGrad(all[w % all.length], FloatVector.fromArray(SP, x, (w % 37) * SP.length()));
            }
            for (Surrogate s : all) {
                if (s.kind() == Surrogate.Kind.SUPERSPIKE || s.kind() == Surrogate.Kind.TRIANGLE) continue;  // rational formulas, no exp
                for (int j = 0; j < x.length; j += SP.length()) {
                    float[] got = HostLifKernel.surrogateGrad(s, FloatVector.fromArray(SP, x, j)).toArray();
                    for (int l = 0; l < got.length; l++) {
                        assertEquals(Float.floatToIntBits(s.grad(x[j + l])), Float.floatToIntBits(got[l]),
                                s.kind() + " at " + x[j + l] + (round == 0 ? " (cold)" : " (after warm-up)"));
                    }
                }
            }
        }
    }
}
