package org.spikekit.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The vectorised Bernoulli draw gives the bits of its scalar definition, {@code CounterRng.uniform(seed, i) < p}. */
class BernoulliKernelTest {

    private static float expected(long seed, long i, float p) { return CounterRng.uniform(seed, i) < p ? 1f : 0f; }

    @Test
    void everyElementIsTheCounterDrawComparedWithP() {
        float[] ps = {0f, 1e-3f, 0.05f, 0.25f, 0.5f, 0.8f, 0.999f, 1f, 1.5f, -0.1f, Float.NaN, 0x1.0p-24f, 0x1.8p-24f, 1f - 0x1.0p-24f};
        for (long seed : new long[] {0L, 7L, -3L, 0x123456789ABCDEFL}) {
            // and p at, just above and just below drawn values, where the comparison is decided by the last bit
            float[] at = new float[ps.length + 3 * 4];
            System.arraycopy(ps, 0, at, 0, ps.length);
            for (int k = 0; k < 4; k++) {
                float u = CounterRng.uniform(seed, 10 + 97 * k);
                at[ps.length + 3 * k] = u;
                at[ps.length + 3 * k + 1] = Math.nextUp(u);
                at[ps.length + 3 * k + 2] = Math.nextDown(u);
            }
            for (float p : at) {
                for (int[] r : new int[][] {{0, 1000}, {3, 1000}, {5, 6}, {7, 7}, {1, 37}}) {
                    float[] o = new float[1010];
                    java.util.Arrays.fill(o, -1f);
                    VectorKernels.bernoulli(o, 4, seed, p, r[0], r[1]);
                    for (int i = 0; i < o.length; i++) {
                        int k = i - 4;
                        float want = k >= r[0] && k < r[1] ? expected(seed, k, p) : -1f;
                        assertEquals(want, o[i], 0f, "seed " + seed + " p " + p + " range " + r[0] + ".." + r[1] + " element " + k);
                    }
                }
            }
        }
    }

    @Test
    void theBackendsDrawIsTheSameWithThreads() {
        int n = 1 << 17;
        for (CpuBackend be : new CpuBackend[] {new CpuBackend(1), new CpuBackend(3, 1000, 1L << 40)}) {
            Tensor t = Tensor.of(be, be.zeros(n + 5).storage(), 5, n);   // a view at offset 5: counters count from the view's start
            be.randBernoulli(t, 11L, 0.3f);
            float[] h = be.toHost(t);
            int ones = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(expected(11L, i, 0.3f), h[i], 0f, "element " + i);
                ones += (int) h[i];
            }
            assertEquals(0.3, ones / (double) n, 0.01);
        }
    }
}
