package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Losses;

class WeightedMseTest {
    private final Backend be = new CpuBackend();

    @Test
    void valueAndGradientMatchDefinitionAndFiniteDifferences() {
        float[] p = {1, 2, 0, -1, 3, 3}, y = {0, 2, 1, 1, 3, 0}, w = {5, 1, 0};
        Tensor pt = be.fromHost(p, 3, 1, 2), yt = be.fromHost(y, 3, 1, 2), g = be.zeros(3, 1, 2);
        double l = Losses.weightedMse(pt, yt, w, g);
        // rows: (1+0)/2 = 0.5 weight 5, (1+4)/2 = 2.5 weight 1, row 3 ignored
        assertEquals((5 * 0.5 + 2.5) / 6, l, 1e-9);
        float[] ga = be.toHost(g);
        for (int i = 0; i < p.length; i++) {
            float keep = p[i];
            p[i] = keep + 1e-3f;
            double lp = Losses.weightedMse(be.fromHost(p, 3, 1, 2), yt, w, null);
            p[i] = keep - 1e-3f;
            double lm = Losses.weightedMse(be.fromHost(p, 3, 1, 2), yt, w, null);
            p[i] = keep;
            assertEquals((lp - lm) / 2e-3, ga[i], 1e-3, "element " + i);
        }
        assertEquals(0, Losses.weightedMse(pt, yt, new float[3], g));
        assertThrows(IllegalArgumentException.class, () -> Losses.weightedMse(pt, yt, new float[2], null));
        assertThrows(IllegalArgumentException.class, () -> Losses.weightedMse(pt, yt, new float[] {1, Float.NaN, 1}, null));
    }
}
