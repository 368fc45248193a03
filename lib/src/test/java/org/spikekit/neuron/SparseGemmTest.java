package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * {@link SparseGemm} against the cpu backend's gemm, bit for bit: spike-like A (0, 1 and dropout-scaled
 * values, some rows all zero), depths below, at and above one gemm block (256: 300 and 600 are cut into
 * 2 and 3 blocks), column counts with and without a vector tail, C overwritten and accumulated, and
 * {@code A·Bᵀ} of small depth.
 */
class SparseGemmTest {

    static Tensor spikes(Backend be, int rows, int cols, float density, long seed) {
        Tensor a = be.zeros(rows, cols);
        be.randBernoulli(a, seed, density);
        Tensor scale = be.zeros(rows, cols);
        be.randBernoulli(scale, seed + 1, 0.5f);
        be.affine(scale, 1f / 0.7f - 1f, 1f, scale);             // 1 or 1/0.7
        float[] A = be.toHost(a), S = be.toHost(scale);
        for (int i = 0; i < A.length; i++) A[i] *= S[i];
        for (int c = 0; c < cols; c++) A[3 * cols + c] = 0f;      // an all-zero row
        return be.fromHost(A, rows, cols);
    }

    static void assertBits(Tensor want, Tensor got, Backend be, String what) {
        float[] w = be.toHost(want), g = be.toHost(got);
        assertEquals(w.length, g.length);
        for (int i = 0; i < w.length; i++) {
            int ii = i;
            assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(g[i]), () -> what + " element " + ii + ": " + w[ii] + " vs " + g[ii]);
        }
    }

    @ParameterizedTest(name = "m={0} k={1} n={2} density={3}")
    @CsvSource({"40,96,64,0.05", "33,96,1024,0.03", "50,7,37,0.4", "41,300,17,0.1", "20,600,33,0.02", "64,64,2,0.03",
            "10,1024,10,0.05", "9,5,1,0.5"})
    void sparseProductsMatchTheGemm(int m, int k, int n, float density) {
        Backend be = new CpuBackend();
        Tensor a = spikes(be, m, k, density, 11L * k + n);
        Tensor b = be.zeros(k, n);
        be.randNormal(b, 5L, 0f, 1f);
        // C = A·B and C += A·B
        Tensor want = be.zeros(m, n), got = be.zeros(m, n);
        be.gemm(false, false, 1f, a, b, 0f, want);
        SparseGemm.sparseTimesDense(a, b, got, false);
        assertBits(want, got, be, "A·B");
        Tensor c0 = be.zeros(m, n);
        be.randNormal(c0, 6L, 0f, 1f);
        want = be.zeros(m, n); got = be.zeros(m, n);
        be.copy(c0, want); be.copy(c0, got);
        be.gemm(false, false, 1f, a, b, 1f, want);
        SparseGemm.sparseTimesDense(a, b, got, true);
        assertBits(want, got, be, "C + A·B");
        // C += Aᵀ·D with A [k', m'] as spikes over the rows: here A [m, k] is the [T·B, in] input
        Tensor d = be.zeros(m, n);
        be.randNormal(d, 7L, 0f, 1f);
        Tensor gw = be.zeros(k, n), gg = be.zeros(k, n);
        be.randNormal(gw, 8L, 0f, 1f);
        be.copy(gw, gg);
        be.gemm(true, false, 1f, a, d, 1f, gw);
        SparseGemm.sparseTransposedTimesDense(a, d, gg);
        assertBits(gw, gg, be, "C + Aᵀ·D");
    }

    @ParameterizedTest(name = "rows={0} depth={1} n={2}")
    @CsvSource({"1000,2,64", "77,10,1024", "5,1,17", "64,2,2", "33,256,40"})
    void shallowTransposedProductMatchesTheGemm(int rows, int depth, int n) {
        Backend be = new CpuBackend();
        Tensor a = be.zeros(rows, depth), b = be.zeros(n, depth);
        be.randNormal(a, 1L, 0f, 1f);
        be.randNormal(b, 2L, 0f, 1f);
        Tensor want = be.zeros(rows, n), got = be.zeros(rows, n);
        be.gemm(false, true, 1f, a, b, 0f, want);
        SparseGemm.timesTransposedShallow(a, b, got);
        assertBits(want, got, be, "A·Bᵀ");
    }

    @ParameterizedTest(name = "k={0}")
    @CsvSource({"1", "255", "256", "257", "512", "513", "1024"})
    void depthBlockIsTheGemmsEvenSplit(int k) {
        int kc = SparseGemm.depthBlock(k), blocks = (k + kc - 1) / kc;
        assertEquals((k + 255) / 256, blocks);
        assertTrue(kc <= 256);
    }

    @org.junit.jupiter.api.Test
    void denseOperandsKeepTheGemm() {
        Backend be = new CpuBackend();
        Tensor dense = be.zeros(50, 40);
        be.randNormal(dense, 3L, 0f, 1f);
        assertFalse(SparseGemm.sparseOperand(be, dense));
        assertTrue(SparseGemm.sparseOperand(be, spikes(be, 50, 40, 0.05f, 4L)));
    }
}
