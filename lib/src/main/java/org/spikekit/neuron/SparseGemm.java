package org.spikekit.neuron;

import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.HostStorage;
import org.spikekit.compute.Tensor;

/**
 * Products with a spike (mostly zero) operand, and products of small depth, on host arrays, giving the
 * same bits as the {@code cpu} backend's gemm ({@code compute.Sgemm}, alpha = 1). That gemm sums every
 * element of C over k in a fixed order whatever its blocking of M and N: k is cut into
 * {@code ceil(k/256)} equal blocks ({@link #depthBlock}); within a block {@code acc = fma(a_p, b_p, acc)}
 * from +0 in ascending p; C is the first block's acc (beta 0) or {@code C + acc} (beta 1), then
 * {@code C + acc} for each later block. Here the terms with {@code a_p = 0} are skipped, which changes no
 * bit for finite B: starting from +0, an fma chain never holds −0 (an exact zero sum rounds to +0), and
 * {@code fma(0, b, acc) = acc} for every other acc. Every block still adds its (possibly +0) acc to C,
 * as the gemm does. (With an infinite or NaN weight the gemm would give NaN where this gives the sum of
 * the other terms.) Event-driven sums as in {@code model.StreamingDecoder}, used by
 * {@link RecurrentLifLayer} and {@link LeakyReadout} when the backend is {@code cpu} (other backends
 * keep their own gemm).
 *
 * <p>Measured on the RSNN training step (see {@code bench/RsnnBench}): with inputs at a few percent
 * density and hidden spikes at 1–3 %, these replace dense gemms of {@code [T·B, 96]·[96, N]},
 * {@code [T·B, N]·[N, units]}, their weight gradients and the readout's {@code dh·W_roᵀ} (depth 2 or 10).
 */
final class SparseGemm {
    private SparseGemm() {}

    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    /** Depth block of the cpu gemm ({@code Sgemm.KC}); {@code SparseGemmTest} holds these sums to the gemm. */
    static final int GEMM_KC = 256;
    /** Rows per parallel task. */
    private static final int ROWS_PER_TASK = 512;

    /** True when {@code be}'s gemm is the one these sums reproduce. */
    static boolean applies(Backend be) { return be instanceof CpuBackend; }

    /**
     * True when {@code be}'s gemm is the one these sums reproduce and at most a quarter of {@code a}'s
     * entries are non-zero (else the dense gemm is faster; both give the same bits).
     */
    static boolean sparseOperand(Backend be, Tensor a) {
        if (!applies(be)) return false;
        float[] A = data(a);
        int o = off(a), size = Math.toIntExact(a.size());
        int samples = Math.min(size, 8192), nz = 0;               // a strided sample: only the speed depends on it
        long stride = Math.max(1, size / Math.max(1, samples));
        for (int q = 0; q < samples; q++) if (A[o + (int) (q * stride)] != 0f) nz++;
        return nz <= samples / 4;
    }

    /** Int lanes of the same count as {@link #SP} (null if none): index lists are written by compressing lane indices. */
    private static final VectorSpecies<Integer> ISP = IntVector.SPECIES_PREFERRED.length() == SP.length()
            ? IntVector.SPECIES_PREFERRED : null;
    private static final IntVector IOTA = ISP == null ? null : IntVector.zero(ISP).addIndex(1);

    /**
     * Lists (ascending) the positions p of {@code a[o + p] ≠ 0} for {@code 0 ≤ p < len}; returns their count.
     * {@code idx} needs room for {@code len + SP.length()} entries ({@link #indexRoom}): each vector of
     * {@code a} stores a whole vector of indices (branch-free, the non-zero lanes' positions packed first).
     */
    static int nonZeros(float[] a, int o, int len, int[] idx) {
        final int L = SP.length(), bound = SP.loopBound(len);
        int cnt = 0, p = 0;
        if (IOTA != null) {
            for (; p < bound; p += L) {
                VectorMask<Float> nz = FloatVector.fromArray(SP, a, o + p).compare(VectorOperators.NE, 0f);
                IOTA.add(p).compress(nz.cast(ISP)).intoArray(idx, cnt);
                cnt += nz.trueCount();
            }
        }
        for (; p < bound; p += L) {
            long bits = FloatVector.fromArray(SP, a, o + p).compare(VectorOperators.NE, 0f).toLong();
            while (bits != 0) {
                idx[cnt++] = p + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
            }
        }
        for (; p < len; p++) if (a[o + p] != 0f) idx[cnt++] = p;
        return cnt;
    }

    /** Length of an index array for {@link #nonZeros} over {@code len} values. */
    static int indexRoom(int len) { return len + SP.length(); }

    /** {@code kc} of the cpu gemm for depth k: k split into ceil(k/256) equal blocks. */
    static int depthBlock(int k) {
        int blocks = (k + GEMM_KC - 1) / GEMM_KC;
        return (k + blocks - 1) / blocks;
    }

    static float[] data(Tensor t) { return ((HostStorage) t.storage()).data(); }

    static int off(Tensor t) { return Math.toIntExact(t.offset()); }

    /**
     * {@code C = A·B} (or {@code C += A·B} with {@code accumulate}) for A {@code [m, k]} with mostly zero
     * entries, B {@code [k, n]}, C {@code [m, n]}, all row-major and contiguous: per row of A, the
     * non-zero entries only. Parallel over rows (the result does not depend on it).
     */
    static void sparseTimesDense(Tensor a, Tensor b, Tensor c, boolean accumulate) {
        final int k = b.dim(0), n = b.dim(1);
        final int m = Math.toIntExact(a.size() / k);
        final float[] A = data(a), B = data(b), C = data(c);
        final int ao = off(a), bo = off(b), co = off(c), kc = depthBlock(k);
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream.range(0, tasks).parallel().forEach(tk -> {
            int[] idx = new int[indexRoom(k)];
            float[] val = new float[k];
            int r1 = Math.min(m, (tk + 1) * ROWS_PER_TASK);
            for (int r = tk * ROWS_PER_TASK; r < r1; r++) {
                int ar = ao + r * k, cnt = nonZeros(A, ar, k, idx);
                for (int q = 0; q < cnt; q++) val[q] = A[ar + idx[q]];
                rowTimesDense(idx, val, cnt, k, kc, B, bo, n, C, co + r * n, accumulate);
            }
        });
    }

    /** One row: {@code C[cr..cr+n) (+)= Σ_q val_q·B[idx_q, :]} in the gemm's block order. */
    private static void rowTimesDense(int[] idx, float[] val, int cnt, int k, int kc, float[] B, int bo, int n,
                                      float[] C, int cr, boolean accumulate) {
        final int L = SP.length(), bound = SP.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            int q = 0;
            for (int b0 = 0; b0 < k; b0 += kc) {
                int b1 = Math.min(k, b0 + kc);
                FloatVector acc = FloatVector.zero(SP);
                for (; q < cnt && idx[q] < b1; q++) {
                    acc = FloatVector.broadcast(SP, val[q]).fma(FloatVector.fromArray(SP, B, bo + idx[q] * n + j), acc);
                }
                if (b0 == 0 && !accumulate) acc.intoArray(C, cr + j);           // C = first block's sum
                else FloatVector.fromArray(SP, C, cr + j).add(acc).intoArray(C, cr + j);
            }
        }
        for (; j < n; j++) {
            float c = 0f;
            int q = 0;
            for (int b0 = 0; b0 < k; b0 += kc) {
                int b1 = Math.min(k, b0 + kc);
                float acc = 0f;
                for (; q < cnt && idx[q] < b1; q++) acc = Math.fma(val[q], B[bo + idx[q] * n + j], acc);
                if (b0 == 0) c = accumulate ? C[cr + j] + acc : acc;
                else c = c + acc;
            }
            C[cr + j] = c;
        }
    }

    /**
     * {@code C += Aᵀ·B} for A {@code [k, m]} with mostly zero entries (k = T·B rows of spikes), B
     * {@code [k, n]}, C {@code [m, n]}: the weight gradient {@code dW += xᵀ·dh}. Per depth block of rows,
     * {@code acc[p, :] = fma(A[row, p], B[row, :], acc[p, :])} over the rows with {@code A[row, p] ≠ 0}, then
     * {@code C += acc} for every p. Parallel over column ranges of C.
     */
    static void sparseTransposedTimesDense(Tensor a, Tensor b, Tensor c) {
        final int m = a.dim(a.rank() - 1), n = b.dim(b.rank() - 1);
        final int k = Math.toIntExact(a.size() / m);
        final float[] A = data(a), B = data(b), C = data(c);
        final int ao = off(a), bo = off(b), co = off(c), kc = depthBlock(k);
        final int L = SP.length();
        // column ranges of whole vectors; at most one range per core (the sums do not depend on it)
        int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), n / (4 * L)));
        IntStream.range(0, parts).parallel().forEach(pt -> {
            int j0 = pt == 0 ? 0 : (int) ((long) n * pt / parts / L * L);
            int j1 = pt == parts - 1 ? n : (int) ((long) n * (pt + 1) / parts / L * L);
            int w = j1 - j0;
            float[] acc = new float[m * w];
            int[] idx = new int[indexRoom(m)];
            for (int b0 = 0; b0 < k; b0 += kc) {
                int b1 = Math.min(k, b0 + kc);
                java.util.Arrays.fill(acc, 0f);
                for (int row = b0; row < b1; row++) {
                    int ar = ao + row * m, cnt = nonZeros(A, ar, m, idx);
                    int br = bo + row * n + j0;
                    for (int q = 0; q < cnt; q++) {
                        int p = idx[q];
                        axpy(A[ar + p], B, br, acc, p * w, w);
                    }
                }
                for (int p = 0; p < m; p++) addRow(C, co + p * n + j0, acc, p * w, w);
            }
        });
    }

    /** {@code y[yo..yo+w) = fma(s, x[xo..], y)}. */
    private static void axpy(float s, float[] x, int xo, float[] y, int yo, int w) {
        int j = 0, bound = SP.loopBound(w);
        FloatVector sv = FloatVector.broadcast(SP, s);
        for (; j < bound; j += SP.length()) {
            sv.fma(FloatVector.fromArray(SP, x, xo + j), FloatVector.fromArray(SP, y, yo + j)).intoArray(y, yo + j);
        }
        for (; j < w; j++) y[yo + j] = Math.fma(s, x[xo + j], y[yo + j]);
    }

    /** {@code c[co..co+w) = c + a[ao..]}. */
    private static void addRow(float[] c, int co, float[] a, int ao, int w) {
        int j = 0, bound = SP.loopBound(w);
        for (; j < bound; j += SP.length()) {
            FloatVector.fromArray(SP, c, co + j).add(FloatVector.fromArray(SP, a, ao + j)).intoArray(c, co + j);
        }
        for (; j < w; j++) c[co + j] = c[co + j] + a[ao + j];
    }

    /**
     * {@code C = A·Bᵀ} for A {@code [m, k]}, B {@code [n, k]} with a small depth {@code k ≤ 256} (one gemm
     * block): {@code C[r, i] = fma chain over u of A[r, u]·B[i, u]} from +0, vectorised over i with
     * {@code Bᵀ}. The readout's {@code dS = dh·W_roᵀ} (k = 2 or 10).
     */
    static void timesTransposedShallow(Tensor a, Tensor b, Tensor c) {
        final int n = b.dim(0), k = b.dim(1);
        if (k > GEMM_KC) throw new IllegalArgumentException("timesTransposedShallow: depth " + k + " > " + GEMM_KC);
        final int m = Math.toIntExact(a.size() / k);
        final float[] A = data(a), B = data(b), C = data(c);
        final int ao = off(a), bo = off(b), co = off(c);
        final float[] bt = new float[k * n];
        for (int i = 0; i < n; i++) for (int u = 0; u < k; u++) bt[u * n + i] = B[bo + i * k + u];
        final int L = SP.length(), bound = SP.loopBound(n);
        int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream.range(0, tasks).parallel().forEach(tk -> {
            int r1 = Math.min(m, (tk + 1) * ROWS_PER_TASK);
            for (int r = tk * ROWS_PER_TASK; r < r1; r++) {
                int ar = ao + r * k, cr = co + r * n;
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector acc = FloatVector.zero(SP);
                    for (int u = 0; u < k; u++) {
                        acc = FloatVector.broadcast(SP, A[ar + u]).fma(FloatVector.fromArray(SP, bt, u * n + i), acc);
                    }
                    acc.intoArray(C, cr + i);
                }
                for (; i < n; i++) {
                    float acc = 0f;
                    for (int u = 0; u < k; u++) acc = Math.fma(A[ar + u], bt[u * n + i], acc);
                    C[cr + i] = acc;
                }
            }
        });
    }
}
