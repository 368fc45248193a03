package org.spikekit.train.stdp;

/**
 * numpy's float32 pairwise summation, the order {@code np.sum} / {@code np.add.reduce} uses on a
 * contiguous float32 row (numpy {@code loops_utils.h.src} {@code FLOAT_pairwise_sum}), which the
 * SpikeNN original uses for the per-neuron L1 weight normalisation ({@code spikenn/_impl.py}
 * {@code weight_norm}: {@code np.absolute(weight).sum()}) and for its targets
 * ({@code spikenn/snn.py}: {@code self.weights.sum(1)}). Rules, all in float32: fewer than 8
 * values are added one by one from 0; up to 128 values go to 8 interleaved accumulators (value
 * k to accumulator k mod 8, for the largest multiple of 8), which are combined as
 * {@code ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))}, then the remaining values are added one by one;
 * longer runs are split at {@code n/2} rounded down to a multiple of 8 and the two halves' sums
 * added. The reduction starts from the identity 0, which leaves the result unchanged.
 *
 * <p>{@link #rows} computes it for every neuron of an input-major weight matrix at once
 * ({@code w[j·N + i]}), so the inner loops run over contiguous neurons; {@link #clippedAbsRows}
 * first clips each weight in place (numpy's {@code clip}) and sums the absolute values, the
 * original's clip-then-normalise in one pass over the matrix.
 */
final class PairwiseSum {
    private static final int BLOCK = 128;

    /** Whether the Vector API loops ({@link RowKernels}) can run in this JVM. */
    static final boolean VECTOR = org.spikekit.compute.VectorApi.available();

    private final int n;
    private final float[][] acc = new float[8][];
    private float[][] left = new float[0][], right = new float[0][];
    // the vector path: a block's 8 accumulators as one run of 8 rows (acc8[k·n + i] = accumulator k of
    // neuron i); the per-element steps, update mask and scale factors tiled over TILE rows (a whole
    // block when rows are short, so one call covers it)
    private final int tile;
    private final float[] acc8, f8;
    private final double[] d8;
    private final boolean[] upd8;
    private double[] stepDp, stepDm, stepSil;
    private float[] stepTn;
    // few updated neurons (NCG: one per class): their weights are stepped one by one in each tile
    // (stepLanes[0..stepCount)) and the tile's vector pass only rescales, clips and sums; many: the
    // steps are tiled per element (d8, upd8) and the vector pass does the step in double
    private final int[] stepLanes;
    private int stepCount;
    private boolean stepFew;
    private float[] stepPre;
    private boolean[] stepSpiked;
    private float[] stepTIn;

    /** Scratch for {@link #rows} over {@code n} neurons. */
    PairwiseSum(int n) {
        this.n = n;
        for (int k = 0; k < 8; k++) acc[k] = new float[n];
        tile = n <= 16 ? BLOCK : 8;
        acc8 = new float[8 * n];
        f8 = new float[tile * n];
        d8 = new double[tile * n];
        upd8 = new boolean[tile * n];
        stepLanes = new int[n];
    }

    /**
     * True when {@link #clippedAbsRows} and {@link #updatedClippedAbsRows} run the Vector API loops
     * for these bounds: the module is present and the lane-wise max/min gives the bits of
     * {@link #clip} for every finite x (they differ only on zeros of opposite sign: {@code lo} = −0
     * with x = +0; {@code hi} = +0 with y = −0; {@code hi} = −0).
     */
    static boolean vectorClip(float lo, float hi) {
        return VECTOR && Float.floatToRawIntBits(lo) != 0x80000000 && hi != 0f && !Float.isNaN(lo) && !Float.isNaN(hi);
    }

    /** Pairwise sum of {@code a[off .. off+len)} (signed values), as numpy. */
    static float sum(float[] a, int off, int len) {
        if (len < 8) {
            float res = 0f;
            for (int i = 0; i < len; i++) res += a[off + i];
            return res;
        }
        if (len <= BLOCK) {
            float r0 = a[off], r1 = a[off + 1], r2 = a[off + 2], r3 = a[off + 3];
            float r4 = a[off + 4], r5 = a[off + 5], r6 = a[off + 6], r7 = a[off + 7];
            int i = 8;
            for (; i < len - (len % 8); i += 8) {
                r0 += a[off + i];
                r1 += a[off + i + 1];
                r2 += a[off + i + 2];
                r3 += a[off + i + 3];
                r4 += a[off + i + 4];
                r5 += a[off + i + 5];
                r6 += a[off + i + 6];
                r7 += a[off + i + 7];
            }
            float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < len; i++) res += a[off + i];
            return res;
        }
        int n2 = len / 2;
        n2 -= n2 % 8;
        return sum(a, off, n2) + sum(a, off + n2, len - n2);
    }

    private boolean clip;
    private float clipLo, clipHi;

    /**
     * For every neuron i, the pairwise sum over inputs j of {@code w[j·n + i]} ({@code |w|} when
     * {@code abs}) into {@code dst[i]}; {@code d} inputs.
     */
    void rows(float[] w, int d, boolean abs, float[] dst) {
        clip = false;
        rows(w, 0, d, abs, dst, 0);
    }

    /**
     * Clips every weight in place to [lo, hi] ({@code max} with lo, then {@code min} with hi, as
     * numpy's {@code clip}), then as {@link #rows} with {@code abs}.
     */
    void clippedAbsRows(float[] w, int d, float lo, float hi, float[] dst) {
        clip = true;
        clipLo = lo;
        clipHi = hi;
        if (vectorClip(lo, hi)) mode = CLIP;
        preScale = false;
        rows(w, 0, d, true, dst, 0);
        mode = SCALAR;
    }

    /** numpy's clip of one value ({@code _NPY_MIN(_NPY_MAX(x, lo), hi)} without the NaN cases). */
    static float clip(float x, float lo, float hi) {
        float y = x > lo ? x : lo;
        return y < hi ? y : hi;
    }

    /**
     * One sample's additive STDP step fused with {@link #clippedAbsRows} (requires
     * {@link #vectorClip}): every weight of an updated neuron i (per-neuron {@code upd}) is first
     * stepped, {@code w ← float32(double(w) + Δ)} with Δ = {@code dp[i]} when input j spiked
     * ({@code spiked[j]}) at {@code tIn[j] ≤ tn[i]}, {@code dm[i]} when it spiked later, and
     * {@code sil[i]} when it did not spike; then clipped, and |w| summed as {@link #rows}. The
     * same operations on every weight as the step, the clip and the sum one after the other.
     */
    void updatedClippedAbsRows(float[] w, int d, float lo, float hi, float[] dst, boolean[] upd, double[] dp, double[] dm,
                               double[] sil, float[] tn, boolean[] spiked, float[] tIn) {
        updatedClippedAbsRows(w, d, null, lo, hi, dst, upd, dp, dm, sil, tn, spiked, tIn);
    }

    /**
     * As {@link #updatedClippedAbsRows(float[], int, float, float, float[], boolean[], double[], double[], double[], float[], boolean[], float[])}
     * (or, with {@code upd} null, as {@link #clippedAbsRows} on the vector loops), every weight first
     * rescaled {@code w[j·n + i] ← w[j·n + i] · pre[i]} (float32) when {@code pre} is not null: the
     * previous sample's L1 rescale ({@link #scaleRows}) done in the same pass.
     */
    void updatedClippedAbsRows(float[] w, int d, float[] pre, float lo, float hi, float[] dst, boolean[] upd, double[] dp,
                               double[] dm, double[] sil, float[] tn, boolean[] spiked, float[] tIn) {
        if (!vectorClip(lo, hi)) throw new IllegalStateException("PairwiseSum.updatedClippedAbsRows needs the Vector API and bounds "
                + "where its clip is exact (vectorClip), got [" + lo + ", " + hi + "]");
        preScale = pre != null;
        if (pre != null) for (int r = 0; r < tile; r++) System.arraycopy(pre, 0, f8, r * n, n);
        if (upd == null) {
            mode = CLIP;
            clipLo = lo;
            clipHi = hi;
            rows(w, 0, d, true, dst, 0);
            mode = SCALAR;
            return;
        }
        stepCount = 0;
        for (int i = 0; i < n; i++) if (upd[i]) stepLanes[stepCount++] = i;
        stepFew = stepCount * FEW <= n;
        if (stepFew) {
            // the stepped weights are already rescaled by pre: the vector pass rescales them by 1 (exact)
            if (pre != null) for (int r = 0; r < tile; r++) for (int k = 0; k < stepCount; k++) f8[r * n + stepLanes[k]] = 1f;
            stepPre = pre;
        } else {
            for (int r = 0; r < tile; r++) {
                System.arraycopy(upd, 0, upd8, r * n, n);
                System.arraycopy(sil, 0, d8, r * n, n);
            }
            markGroups(spiked, d);
        }
        stepDp = dp;
        stepDm = dm;
        stepSil = sil;
        stepTn = tn;
        stepSpiked = spiked;
        stepTIn = tIn;
        mode = UPDATE;
        clipLo = lo;
        clipHi = hi;
        rows(w, 0, d, true, dst, 0);
        mode = SCALAR;
        stepSpiked = null;
        stepPre = null;
    }

    /**
     * When at most one neuron in FEW is updated, the steps go weight by weight (scalar) rather than
     * through the double-precision vector pass over every weight: measured on 8-lane AVX2, s2stdp+ncg
     * (10 of 50 neurons) trains 1.9x faster that way, s2stdp (all 50) 1.7x slower.
     */
    private static final int FEW = 4;

    /** {@code w[j·n + i] *= f[i]} (float32) for every input j. */
    void scaleRows(float[] w, int d, float[] f) {
        if (!VECTOR) {
            for (int j = 0, row = 0; j < d; j++, row += n) {
                for (int i = 0; i < n; i++) w[row + i] *= f[i];
            }
            return;
        }
        for (int r = 0; r < 8; r++) System.arraycopy(f, 0, f8, r * n, n);
        int j = 0;
        for (; j + 8 <= d; j += 8) RowKernels.scale(w, j * n, f8, 0, 8 * n);
        for (; j < d; j++) RowKernels.scale(w, j * n, f8, 0, n);
    }

    private static final int SCALAR = 0, CLIP = 1, UPDATE = 2;
    private int mode = SCALAR;
    private boolean preScale;

    /**
     * Rows {@code [j0, j0 + rows)} of the vector modes (at most {@link #tile}), row r accumulated
     * into {@code acc[(r·n) mod accLen ..]} ({@code accLen} = 8n for whole groups of 8 rows, n for one row).
     */
    private void run(float[] w, int j0, int rows, float[] acc, int accLen) {
        final int n = this.n, len = rows * n;
        final float[] pre = preScale ? f8 : null;
        if (mode == CLIP) {
            RowKernels.clipAbsAdd(w, j0 * n, acc, 0, len, accLen, pre, clipLo, clipHi);
            return;
        }
        if (stepFew) {
            // w ← float32(double(w·pre) + Δ) for the updated neurons; then clip and sum every weight
            // (the others rescaled by pre, the stepped ones by 1)
            final int[] lanes = stepLanes;
            final int m = stepCount;
            final float[] sp = stepPre;
            for (int r = 0, row = j0 * n; r < rows; r++, row += n) {
                final boolean spiked = stepSpiked[j0 + r];
                final float tj = stepTIn[j0 + r];
                for (int k = 0; k < m; k++) {
                    final int i = lanes[k];
                    float x = w[row + i];
                    if (sp != null) x *= sp[i];
                    w[row + i] = (float) (x + (spiked ? (tj <= stepTn[i] ? stepDp[i] : stepDm[i]) : stepSil[i]));
                }
            }
            RowKernels.clipAbsAdd(w, j0 * n, acc, 0, len, accLen, pre, clipLo, clipHi);
            return;
        }
        if (!anySpiked(j0, rows)) {
            RowKernels.updateClipAbsAdd(w, j0 * n, acc, 0, len, accLen, pre, d8, upd8, clipLo, clipHi);
            return;
        }
        boolean patched = false;
        for (int r = 0; r < rows; r++) {
            if (!stepSpiked[j0 + r]) continue;
            final float tj = stepTIn[j0 + r];
            for (int i = 0, o = r * n; i < n; i++) d8[o + i] = tj <= stepTn[i] ? stepDp[i] : stepDm[i];
            patched = true;
        }
        RowKernels.updateClipAbsAdd(w, j0 * n, acc, 0, len, accLen, pre, d8, upd8, clipLo, clipHi);
        if (patched) {
            for (int r = 0; r < rows; r++) if (stepSpiked[j0 + r]) System.arraycopy(stepSil, 0, d8, r * n, n);
        }
    }

    /** Whether an input in {@code [j0, j0 + rows)} spiked ({@link #stepGroups}: one bit per 8 inputs). */
    private boolean anySpiked(int j0, int rows) {
        int g0 = j0 >>> 3, g1 = (j0 + rows - 1) >>> 3;
        for (int g = g0; g <= g1; g++) if ((stepGroups[g >>> 6] & (1L << g)) != 0) return true;
        return false;
    }

    private long[] stepGroups = new long[0];

    private void markGroups(boolean[] spiked, int d) {
        int words = ((d + 7) / 8 + 63) / 64;
        if (stepGroups.length < words) stepGroups = new long[words];
        java.util.Arrays.fill(stepGroups, 0L);
        for (int j = 0; j < d; j++) if (spiked[j]) stepGroups[(j >>> 3) >>> 6] |= 1L << (j >>> 3);
    }

    private void rows(float[] w, int lo, int len, boolean abs, float[] dst, int depth) {
        final int n = this.n;
        if (mode != SCALAR && len <= BLOCK) {
            if (len < 8) {
                java.util.Arrays.fill(dst, 0, n, 0f);
                for (int j = lo; j < lo + len; j++) run(w, j, 1, dst, n);
                return;
            }
            final float[] a = acc8;
            java.util.Arrays.fill(a, 0f);
            int j = 0;
            for (final int full = len - (len % 8); j < full; ) {
                int rows = Math.min(tile, full - j);
                run(w, lo + j, rows, a, 8 * n);
                j += rows;
            }
            for (int i = 0; i < n; i++) {
                dst[i] = ((a[i] + a[n + i]) + (a[2 * n + i] + a[3 * n + i])) + ((a[4 * n + i] + a[5 * n + i]) + (a[6 * n + i] + a[7 * n + i]));
            }
            for (; j < len; j++) run(w, lo + j, 1, dst, n);
            return;
        }
        if (len < 8) {
            java.util.Arrays.fill(dst, 0, n, 0f);
            for (int j = lo; j < lo + len; j++) add(w, j * n, abs, dst);
            return;
        }
        if (len <= BLOCK) {
            for (int k = 0; k < 8; k++) {
                float[] r = acc[k];
                java.util.Arrays.fill(r, 0f);
                add(w, (lo + k) * n, abs, r);                // 0 + x = x: the first 8 values
            }
            int j = 8;
            for (; j < len - (len % 8); j += 8) {
                for (int k = 0; k < 8; k++) add(w, (lo + j + k) * n, abs, acc[k]);
            }
            final float[] r0 = acc[0], r1 = acc[1], r2 = acc[2], r3 = acc[3], r4 = acc[4], r5 = acc[5], r6 = acc[6], r7 = acc[7];
            for (int i = 0; i < n; i++) dst[i] = ((r0[i] + r1[i]) + (r2[i] + r3[i])) + ((r4[i] + r5[i]) + (r6[i] + r7[i]));
            for (; j < len; j++) add(w, (lo + j) * n, abs, dst);
            return;
        }
        if (depth >= left.length) {
            left = java.util.Arrays.copyOf(left, depth + 1);
            right = java.util.Arrays.copyOf(right, depth + 1);
            left[depth] = new float[n];
            right[depth] = new float[n];
        }
        int n2 = len / 2;
        n2 -= n2 % 8;
        float[] a = left[depth], b = right[depth];
        rows(w, lo, n2, abs, a, depth + 1);
        rows(w, lo + n2, len - n2, abs, b, depth + 1);
        for (int i = 0; i < n; i++) dst[i] = a[i] + b[i];
    }

    private void add(float[] w, int row, boolean abs, float[] dst) {
        final int n = this.n;
        if (clip) {
            final float lo = clipLo, hi = clipHi;
            for (int i = 0; i < n; i++) {
                float x = w[row + i];
                float y = x > lo ? x : lo;
                y = y < hi ? y : hi;
                w[row + i] = y;
                dst[i] += Math.abs(y);
            }
        } else if (abs) {
            for (int i = 0; i < n; i++) dst[i] += Math.abs(w[row + i]);
        } else {
            for (int i = 0; i < n; i++) dst[i] += w[row + i];
        }
    }
}
