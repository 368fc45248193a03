package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The single-spike IF/LIF layer (the fused event kernel, with its one-vector, four-vector and
 * generic paths) equals the pure event step iterated, bit for bit: firing times, potentials and the
 * count of neurons that fired. Inputs repeat timestamps (groups) and cover tMax.
 */
class SingleSpikeNeuronTest {

    @ParameterizedTest(name = "neurons={0} leak={1}")
    @CsvSource({"3,none", "3,uniform", "20,none", "20,mixed", "50,none", "50,uniform"})
    void layerEqualsIteratedStep(int n, String leak) {
        int d = 30;
        Random g = new Random(17 + n);
        float[] tau = switch (leak) {
            case "none" -> null;
            case "uniform" -> { float[] a = new float[n]; Arrays.fill(a, 0.4f); yield a; }
            default -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = 0.2f + 0.5f * g.nextFloat(); yield a; }
        };
        SingleSpikeLayer layer = new SingleSpikeLayer(d, n, tau, 1f);
        for (int j = 0; j < d; j++) for (int i = 0; i < n; i++) layer.setWeight(i, j, (float) (g.nextGaussian() * 0.3 + 0.05));
        SingleSpikeNeuron.Params p = new SingleSpikeNeuron.Params(tau, 1f);
        int totalFired = 0;
        for (int sample = 0; sample < 20; sample++) {
            int m = 40;
            int[] idx = new int[m];
            float[] ts = new float[m];
            for (int k = 0; k < m; k++) {
                idx[k] = g.nextInt(d);
                ts[k] = Math.round(g.nextFloat() * 24) / 24f * 1.05f;           // repeated timestamps, some ≥ tMax
            }
            Integer[] order = new Integer[m];
            for (int k = 0; k < m; k++) order[k] = k;
            Arrays.sort(order, (a, b) -> Float.compare(ts[a], ts[b]));
            int[] idxS = new int[m];
            float[] tsS = new float[m];
            for (int k = 0; k < m; k++) { idxS[k] = idx[order[k]]; tsS[k] = ts[order[k]]; }
            float[] th = new float[n];
            for (int i = 0; i < n; i++) th[i] = 0.3f + 0.5f * g.nextFloat();
            boolean[] silenced = new boolean[n];
            silenced[sample % n] = sample % 3 == 0;
            SingleSpikeLayer.Output out = new SingleSpikeLayer.Output(n);
            layer.forward(idxS, tsS, 0, m, th, silenced, false, out);
            SingleSpikeNeuron.State s = SingleSpikeNeuron.run(p, idxS, tsS, 0, m, layer.weights(), th, silenced);
            assertArrayEquals(out.times, s.times(), "firing times, sample " + sample);
            assertArrayEquals(out.potentials, SingleSpikeNeuron.finalPotentials(s), "potentials, sample " + sample);
            assertEquals(out.fired, s.fired(), "fired, sample " + sample);
            totalFired += s.fired();
        }
        assertTrue(totalFired > 5 && totalFired < 20 * n, "the check covers firing and silence: " + totalFired);
    }

    @ParameterizedTest
    @CsvSource({"0", "-1"})
    void badParametersAreNamed(float bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SingleSpikeNeuron.Params(null, bad));
        assertTrue(e.getMessage().contains("tMax"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SingleSpikeNeuron.Params(new float[] {1f, bad}, 1f));
        assertTrue(e.getMessage().contains("leakTau[1]"), e.getMessage());
    }
}
