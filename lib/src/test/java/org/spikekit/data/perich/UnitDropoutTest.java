package org.spikekit.data.perich;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class UnitDropoutTest {
    static final UnitDropout D = UnitDropout.spikachu();

    @Test
    void densityIsTheTriangle() {
        assertEquals(0, D.density(29.9));
        assertEquals(1, D.density(30), 1e-12);
        assertEquals(4, D.density(100), 1e-12);
        assertEquals(2.5, D.density(200), 1e-12);
        assertEquals(1, D.density(300), 1e-12);
        assertEquals(1, D.density(1000), 1e-12);
        assertEquals(0.1, D.acceptance(30), 1e-12);
        assertEquals(0.4 * (1 - Math.log(0.4)), D.asReleased(true).acceptance(100), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new UnitDropout(30, 20, 300, 4, 10, 100, false));
        assertThrows(IllegalArgumentException.class, () -> new UnitDropout(30, 100, 300, 4, 3, 100, false));
    }

    /** Histogram of 40,000 kept counts (n = 1000 units, so no cap) against the density the sampler should follow. */
    @Test
    void keptCountsFollowTheDensityInBothModes() {
        for (UnitDropout d : new UnitDropout[] {D, D.asReleased(true)}) {
            SplittableRandom r = new SplittableRandom(11);
            int bins = 9, draws = 40_000;
            long[] hist = new long[bins];
            double mean = 0;
            for (int i = 0; i < draws; i++) {
                int c = d.sampleCount(1000, r);
                assertTrue(c >= 30 && c < 300, "count " + c);
                hist[(c - 30) / 30]++;
                mean += c;
            }
            mean /= draws;
            double[] p = binProbabilities(d::acceptance, bins);
            double chi2 = 0;
            for (int b = 0; b < bins; b++) {
                double e = p[b] * draws;
                chi2 += (hist[b] - e) * (hist[b] - e) / e;
            }
            assertTrue(chi2 < 30, (d.asReleased() ? "released" : "intended") + " chi² " + chi2 + " (8 dof, 0.1 % level 26.1)");
            double expectedMean = mean(d::acceptance) - 0.5;                         // floor() takes 0.5 on average
            assertEquals(expectedMean, mean, 1.0, "mean kept count");
        }
        // the two draws differ: the released one is flatter (more mass near min and max)
        assertTrue(mean(D::acceptance) < mean(D.asReleased(true)::acceptance) - 5);
    }

    /** P(x in each 30-unit bin of [30, 300)) for a proposal U(30, 300) accepted with probability acc(x). */
    private static double[] binProbabilities(DoubleUnaryOperator acc, int bins) {
        double[] p = new double[bins];
        double total = 0;
        for (int b = 0; b < bins; b++) {
            for (int s = 0; s < 3000; s++) p[b] += acc.applyAsDouble(30 + 30 * b + (s + 0.5) * 30 / 3000.0);
            total += p[b];
        }
        for (int b = 0; b < bins; b++) p[b] /= total;
        return p;
    }

    private static double mean(DoubleUnaryOperator acc) {
        double num = 0, den = 0;
        for (int s = 0; s < 270_000; s++) {
            double x = 30 + (s + 0.5) / 1000.0, w = acc.applyAsDouble(x);
            num += x * w;
            den += w;
        }
        return num / den;
    }

    @Test
    void smallSessionsKeepAllOrMost() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 100; i++) assertEquals(20, D.sampleCount(20, r));
        boolean[] all = D.keepMask(20, r);
        for (boolean b : all) assertTrue(b);
        // n = 60: every proposal at or above 60 keeps all; P = 1 − ∫_30^60 f / ∫_30^300 f = 1 − 49.29/675
        int keepAll = 0, draws = 20_000;
        for (int i = 0; i < draws; i++) if (D.sampleCount(60, r) == 60) keepAll++;
        assertEquals(1 - (1 + (1 + 3 * 30 / 70.0)) / 2 * 30 / 675, keepAll / (double) draws, 0.01);
    }

    @Test
    void keptUnitsAreAUniformRandomSubsetOfTheSampledSize() {
        SplittableRandom a = new SplittableRandom(9), b = new SplittableRandom(9);
        int n = 400, draws = 4000;
        double[] freq = new double[n];
        double meanKept = 0;
        for (int i = 0; i < draws; i++) {
            boolean[] m = D.keepMask(n, a);
            int kept = 0;
            for (int u = 0; u < n; u++) {
                if (m[u]) {
                    kept++;
                    freq[u]++;
                }
            }
            // same generator state: keepMask draws the count first, then the subset
            int count = D.sampleCount(n, b);
            assertEquals(count, kept);
            for (int q = 0; q < count; q++) b.nextInt(n - q);
            meanKept += kept;
        }
        meanKept /= draws;
        for (int u = 0; u < n; u++) {
            assertEquals(meanKept / n, freq[u] / draws, 0.05, "unit " + u + " kept too often or too rarely");
        }
        assertArrayEquals(D.keepMask(n, new SplittableRandom(1)), D.keepMask(n, new SplittableRandom(1)));
    }
}
