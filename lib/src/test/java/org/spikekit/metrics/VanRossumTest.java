package org.spikekit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VanRossumTest {

    @Test
    void distanceOfOneSpikeAgainstNothingIsTheKernelsNorm() {
        float[] a = new float[5000], b = new float[5000];
        a[10] = 1f;
        double tau = 100;
        // sqrt((1/τ)·Σ_k exp(−2k/τ)) over the remaining samples
        double s = 0;
        for (int k = 0; k < 4990; k++) s += Math.exp(-2.0 * k / tau);
        assertEquals(Math.sqrt(s / tau), VanRossum.distance(a, b, tau), 1e-9);
        assertEquals(0, VanRossum.distance(a, a, tau));
        // symmetric and shift-sensitive
        b[12] = 1f;
        double d = VanRossum.distance(a, b, tau);
        assertEquals(d, VanRossum.distance(b, a, tau), 1e-12);
        b[12] = 0f;
        b[60] = 1f;
        assertTrue(VanRossum.distance(a, b, tau) > d, "a spike further away is further");
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random r = new Random(4);
        int n = 300;
        float[] m = new float[n], d = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = r.nextFloat() < 0.05f ? 1f : 0.2f * (float) r.nextGaussian();
            d[i] = r.nextFloat() < 0.05f ? 1f : 0f;
        }
        double tau = 20;
        VanRossum.distance(m, 0, d, 0, n, tau, g, 0);
        for (int i = 0; i < n; i += 7) {
            float keep = m[i];
            double h = 1e-3;
            m[i] = (float) (keep + h);
            double up = VanRossum.distance(m, d, tau);
            m[i] = (float) (keep - h);
            double dn = VanRossum.distance(m, d, tau);
            m[i] = keep;
            double fd = (up - dn) / (2 * h);
            assertEquals(fd, g[i], 2e-4 + 2e-3 * Math.abs(fd), "sample " + i);
        }
    }

    @Test
    void badInputIsRejectedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> VanRossum.distance(new float[3], new float[4], 10));
        assertTrue(e.getMessage().contains("length"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VanRossum.distance(new float[3], new float[3], 0));
        assertTrue(e.getMessage().contains("tau"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VanRossum.distance(new float[] {Float.NaN}, new float[1], 5));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void etvIsOneForAPerfectPredictorOfNoiselessTrialsAndLowerForAWrongOne() {
        Random r = new Random(9);
        int n = 4000;
        float[] truth = new float[n];
        for (int i = 0; i < n; i++) truth[i] = r.nextFloat() < 0.01f ? 1f : 0f;
        List<List<float[]>> same = List.of(List.of(truth), List.of(truth), List.of(truth));
        var s = ExplainedTemporalVariance.score(same, List.of(truth), 150);
        assertEquals(1, s.etv(), 1e-12);
        assertEquals(1, s.ceiling(), 1e-12);
        float[] other = new float[n];
        for (int i = 0; i < n; i++) other[i] = r.nextFloat() < 0.01f ? 1f : 0f;
        var w = ExplainedTemporalVariance.score(same, List.of(other), 150);
        assertTrue(w.etv() < 0.5, "an unrelated train explains little: " + w);
        // jittered trials: ceiling below 1, the noiseless source scores about as well as the trial average
        List<List<float[]>> jit = new java.util.ArrayList<>();
        for (int k = 0; k < 4; k++) {
            float[] t = new float[n];
            for (int i = 0; i < n; i++) if (truth[i] > 0) t[Math.min(n - 1, Math.max(0, i + r.nextInt(41) - 20))] = 1f;
            jit.add(List.of(t));
        }
        var j = ExplainedTemporalVariance.score(jit, List.of(truth), 150);
        assertTrue(j.ceiling() < 1 && j.ceiling() > 0.8, j.toString());
        assertTrue(j.etv() > 0.9 && j.etv() < 1.1, j.toString());
    }

    @Test
    void evOfSmoothedTracesFollowsItsDefinition() {
        double[] x = {1, 2, 3, 4}, y = {1, 2, 3, 5};
        // var x = 1.25, var y = 2.1875, var(x−y) = 0.1875
        assertEquals((1.25 + 2.1875 - 0.1875) / (1.25 + 2.1875), ExplainedTemporalVariance.ev(x, y), 1e-12);
        double[] s = ExplainedTemporalVariance.smooth(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 2);
        double sum = 0;
        for (double v : s) sum += v;
        assertEquals(1, sum, 1e-9, "unit-area kernel away from the edges");
        assertThrows(IllegalArgumentException.class, () -> ExplainedTemporalVariance.score(List.of(List.of(new float[3])), List.of(new float[3]), 2));
    }
}
