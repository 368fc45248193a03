package org.spikekit.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;

/**
 * Hand-derived values. Samples (x, y) targets and predictions:
 * <pre>
 *   target x: 0 2 4 6   pred x: 1 2 3 6   mean 3, SST = 9+1+1+9 = 20, SSE = 1+0+1+0 = 2 → R²x = 0.9
 *   target y: 1 1 3 3   pred y: 1 2 3 2   mean 2, SST = 1+1+1+1 = 4,  SSE = 0+1+0+1 = 2 → R²y = 0.5
 *   R² = (0.9 + 0.5) / 2 = 0.7
 * </pre>
 */
class R2Test {
    private final Backend be = new CpuBackend(1);

    static final float[] TARGET = {0, 1, 2, 1, 4, 3, 6, 3};   // rows (x, y)
    static final float[] PRED = {1, 1, 2, 2, 3, 3, 6, 2};

    @Test
    void handDerivedValues() {
        R2 r2 = new R2();
        r2.update(PRED, TARGET, 2);
        assertArrayEquals(new double[] {0.9, 0.5}, r2.perDimension(), 1e-15);
        assertEquals(0.7, r2.compute(), 1e-15);
        assertEquals(4, r2.count());
        assertEquals(2.0, r2.sse(0), 0.0);
        assertEquals(20.0, r2.sst(0), 0.0);
        assertEquals(4.0, r2.sst(1), 0.0);
    }

    @Test
    void tensorUpdateFlattensLeadingDimensions() {
        R2 r2 = new R2();
        // [T=2, B=2, D=2]
        r2.update(be.fromHost(PRED, 2, 2, 2), be.fromHost(TARGET, 2, 2, 2));
        assertEquals(0.7, r2.compute(), 1e-15);
    }

    @Test
    void resultDoesNotDependOnHowTheSequenceIsSplit() {
        R2 r2 = new R2();
        r2.update(slice(PRED, 0, 1), slice(TARGET, 0, 1), 2);
        r2.update(slice(PRED, 1, 4), slice(TARGET, 1, 4), 2);
        assertArrayEquals(new double[] {0.9, 0.5}, r2.perDimension(), 1e-15);
    }

    /**
     * The global R² is not the mean of per-window R². x only, windows {0, 2} and {4, 6}: each window
     * has mean 1 resp. 5, SST = 2, SSE = 1 → R² = 0.5 per window, mean 0.5; globally 0.9.
     */
    @Test
    void differsFromAveragingPerWindowR2() {
        float[] y = {0, 2, 4, 6}, p = {1, 2, 3, 6};
        R2 global = new R2();
        global.update(p, y, 1);
        R2 window = new R2();
        double sum = 0;
        for (int w = 0; w < 2; w++) {
            window.reset();
            window.update(slice1(p, 2 * w, 2 * w + 2), slice1(y, 2 * w, 2 * w + 2), 1);
            assertEquals(0.5, window.compute(), 1e-15);
            sum += window.compute();
        }
        assertEquals(0.9, global.compute(), 1e-15);
        assertEquals(0.5, sum / 2, 1e-15);
        assertNotEquals(global.compute(), sum / 2);
    }

    /** A large offset (1e7, exactly representable in float) must not cost precision in SST. */
    @Test
    void stableUnderLargeOffsetAndManySmallUpdates() {
        float off = 1e7f;
        R2 r2 = new R2();
        float[] y = {0, 2, 4, 6}, p = {1, 2, 3, 6};
        for (int rep = 0; rep < 1000; rep++) {
            for (int i = 0; i < 4; i++) r2.update(new float[] {off + p[i]}, new float[] {off + y[i]}, 1);
        }
        // 1000 repetitions: SSE = 2000, SST = 1000 · 20 (the mean is the same)
        assertEquals(20_000.0, r2.sst(0), 1e-6);
        assertEquals(0.9, r2.compute(), 1e-12);
    }

    @Test
    void perfectPredictionIsOneAndMeanPredictionIsZero() {
        R2 r2 = new R2();
        float[] y = {0, 2, 4, 6};
        r2.update(y, y, 1);
        assertEquals(1.0, r2.compute(), 0.0);
        r2.reset();
        r2.update(new float[] {3, 3, 3, 3}, y, 1);
        assertEquals(0.0, r2.compute(), 0.0);
    }

    @Test
    void rejectsMismatchesAndEmpty() {
        R2 r2 = new R2();
        assertThrows(IllegalStateException.class, r2::perDimension);
        assertThrows(IllegalArgumentException.class, () -> r2.update(new float[4], new float[3], 1));
        r2.update(new float[4], new float[4], 2);
        assertThrows(IllegalArgumentException.class, () -> r2.update(new float[3], new float[3], 3));
        assertThrows(IllegalArgumentException.class,
                () -> r2.update(be.zeros(2, 2), be.zeros(4, 1)));
    }

    private static float[] slice(float[] a, int fromRow, int toRow) {
        return java.util.Arrays.copyOfRange(a, 2 * fromRow, 2 * toRow);
    }

    private static float[] slice1(float[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }
}
