package org.spikekit.nn;

import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.HostStorage;
import org.spikekit.compute.LaneKernels;
import org.spikekit.compute.Tensor;

/**
 * Host-side loops of {@link Homogenizer}: zero-copy host access on the cpu backend, a row-range
 * splitter over the common fork-join pool (the convention of the host neuron kernels), dropout
 * masks indexed by a global element number, a threaded LayerNorm and a fast, vectorised GELU of the
 * exact (erf) form.
 *
 * <p>Every loop split by {@link #forRanges} writes disjoint output elements and computes each
 * element in a fixed order, so results do not depend on the number of threads.
 */
final class HomogenizerKernels {
    private HomogenizerKernels() {}

    /** A body over an index range [from, to). */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in at most one contiguous part per processor, each part at least
     * {@code grain} indices long; one part runs on the calling thread.
     */
    static void forRanges(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        long want = Math.max(1L, n / Math.max(1L, grain));
        int parts = (int) Math.min(Runtime.getRuntime().availableProcessors(), want);
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, parts).parallel()
                .forEach(p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
    }

    /**
     * The elements of {@code t}: its own heap array when it is a whole cpu tensor (writes then go
     * to the tensor), otherwise a copy. Callers that change the result wrap it again with
     * {@link #wrap} rather than relying on the write-through.
     */
    static float[] host(Tensor t) {
        if (t.storage() instanceof HostStorage h && t.offset() == 0 && h.data().length == t.size()) return h.data();
        return t.backend().toHost(t);
    }

    /** A tensor over {@code data}: the same array on the cpu backend, a copy on other backends. */
    static Tensor wrap(Backend be, float[] data, int... shape) {
        if (be instanceof CpuBackend) return Tensor.of(be, new HostStorage(data), 0, shape);
        return be.fromHost(data, shape);
    }

    /** Inverted-dropout factor of element {@code index}: {@code 1/keep} with probability keep, else 0. */
    static float mask(long seed, long index, float keep, float scale) {
        return CounterRng.uniform(seed, index) < keep ? scale : 0f;
    }

    // ---- dropout masks ------------------------------------------------------------------------

    /**
     * {@code dst[i] = (base == null ? 0 : base[bo + i]) + x[xo + i]·m_i} for i in [0, n), where
     * m_i = {@code mask(seed, index0 + i, keep, 1/keep)}, i.e. {@code CounterRng.uniform(seed,
     * index0 + i) < keep}; the draws in long lanes ({@link LaneKernels#uniformBelow}, same bits as
     * {@link org.spikekit.compute.CounterRng}). dst may alias x or base at the same offsets.
     */
    static void dropout(float[] x, int xo, float[] base, int bo, float[] dst, int dOff, int n, long seed, long index0, float keep) {
        float inv = 1f / keep;
        long threshold = LaneKernels.uniformThreshold(keep);
        VectorSpecies<Float> fs = LaneKernels.LF;
        int i = 0, lanes = LaneKernels.LS.length();
        FloatVector zero = FloatVector.zero(fs), vInv = FloatVector.broadcast(fs, inv);
        for (int upper = LaneKernels.LS.loopBound(n); i < upper; i += lanes) {
            FloatVector m = zero.blend(vInv, LaneKernels.uniformBelow(seed, index0 + i, threshold));
            FloatVector y = FloatVector.fromArray(fs, x, xo + i).mul(m);
            if (base != null) y = FloatVector.fromArray(fs, base, bo + i).add(y);
            y.intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            float y = x[xo + i] * mask(seed, index0 + i, keep, inv);
            dst[dOff + i] = base != null ? base[bo + i] + y : y;
        }
    }

    // ---- LayerNorm ----------------------------------------------------------------------------
    //
    // LayerNorm (biased variance, eps inside the root, double sums; nn.LayerNorm runs on these too) over many
    // rows, split across threads; the parameter gradients are summed per block of BLOCK rows and
    // the blocks added in order, so the bits do not depend on the thread count.

    static final int BLOCK = 512;

    /** y = (x − mean)/sqrt(var + eps)·γ + β per row of d; keeps x̂ and 1/σ when xhat != null. */
    static void layerNorm(float[] x, float[] gamma, float[] beta, float eps, int rows, int d, float[] y, float[] xhat, float[] invStd) {
        forRanges(rows, 256, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * d;
                double mean = 0;
                for (int j = 0; j < d; j++) mean += x[o + j];
                mean /= d;
                double var = 0;
                for (int j = 0; j < d; j++) {
                    double c = x[o + j] - mean;
                    var += c * c;
                }
                var /= d;
                float is = (float) (1 / Math.sqrt(var + eps));
                if (invStd != null) invStd[r] = is;
                for (int j = 0; j < d; j++) {
                    float h = (float) ((x[o + j] - mean) * is);
                    if (xhat != null) xhat[o + j] = h;
                    y[o + j] = h * gamma[j] + beta[j];
                }
            }
        });
    }

    /**
     * Backward of {@link #layerNorm}: returns dx and ADDS dγ, dβ into {@code dGamma}, {@code dBeta}.
     */
    static float[] layerNormBackward(float[] gy, float[] xhat, float[] invStd, float[] gamma, int rows, int d, double[] dGamma, double[] dBeta) {
        float[] gx = new float[gy.length];
        int blocks = (rows + BLOCK - 1) / BLOCK;
        double[][] part = new double[blocks][2 * d];
        forRanges(blocks, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                double[] acc = part[b];
                for (int r = b * BLOCK, end = Math.min(rows, r + BLOCK); r < end; r++) {
                    int o = r * d;
                    double sum = 0, sumXh = 0;
                    for (int j = 0; j < d; j++) {
                        float gh = gy[o + j] * gamma[j];
                        sum += gh;
                        sumXh += gh * xhat[o + j];
                        acc[j] += gy[o + j] * xhat[o + j];
                        acc[d + j] += gy[o + j];
                    }
                    double m = sum / d, mx = sumXh / d;
                    for (int j = 0; j < d; j++) gx[o + j] = (float) (invStd[r] * (gy[o + j] * gamma[j] - m - xhat[o + j] * mx));
                }
            }
        });
        for (double[] acc : part) {
            for (int j = 0; j < d; j++) {
                dGamma[j] += acc[j];
                dBeta[j] += acc[d + j];
            }
        }
        return gx;
    }

    // ---- GELU ---------------------------------------------------------------------------------
    //
    // GELU(x) = x·Φ(x) with Φ from erfc (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7) and one
    // exponential e = exp(−x²/2) per element, which also gives φ(x) = e/√(2π) for the derivative
    // Φ(x) + x·φ(x). Everything is float arithmetic written once for Vector API lanes and once for
    // scalars with the same operations in the same order (fma where the lanes use fma), so the
    // vector body and the scalar tail give identical bits, in every JIT tier (no transcendental
    // library call: exp is a range reduction plus a degree-7 polynomial).

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final float INV_SQRT2 = 0.70710678118654752f;
    private static final float INV_SQRT_2PI = 0.39894228040143268f;
    private static final float AS_P = 0.3275911f;
    private static final float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;  // 1.5·2^23: x + ROUND − ROUND rounds x to an integer
    private static final float EXP_MIN = -87f;
    private static final float E2 = 1f / 2, E3 = 1f / 6, E4 = 1f / 24, E5 = 1f / 120, E6 = 1f / 720, E7 = 1f / 5040;

    /** exp(a) for a ≤ 0 (a below −87 is taken as −87), relative error a few float ulps. */
    static float expNonPositive(float a) {
        a = Math.max(a, EXP_MIN);
        float kf = Math.fma(a, LOG2E, ROUND) - ROUND;
        float r = Math.fma(kf, -LN2_HI, a);
        r = Math.fma(kf, -LN2_LO, r);
        float p = Math.fma(r, E7, E6);
        p = Math.fma(p, r, E5);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat(((int) kf + 127) << 23);
    }

    /** Φ(x) given e = exp(−x²/2). */
    private static float cdf(float x, float e) {
        float z = Math.abs(x) * INV_SQRT2;
        float t = 1f / Math.fma(AS_P, z, 1f);
        float p = Math.fma(t, A5, A4);
        p = Math.fma(p, t, A3);
        p = Math.fma(p, t, A2);
        p = Math.fma(p, t, A1);
        float half = 0.5f * (p * t * e);
        return x >= 0 ? 1f - half : half;
    }

    /** GELU(x) = x·Φ(x) (the exact, erf-based form PyTorch uses by default). */
    static float gelu(float x) {
        float e = expNonPositive(x * x * -0.5f);
        return x * cdf(x, e);
    }

    /** d GELU / dx = Φ(x) + x·φ(x). */
    static float geluGrad(float x) {
        float e = expNonPositive(x * x * -0.5f);
        return Math.fma(x * e, INV_SQRT_2PI, cdf(x, e));
    }

    /**
     * {@code y[i] = GELU(x[i])} and, when {@code dy != null}, {@code dy[i] = GELU'(x[i])} for i in
     * [from, to).
     */
    static void gelu(float[] x, float[] y, float[] dy, int from, int to) {
        int i = from;
        FloatVector vLog2e = FloatVector.broadcast(S, LOG2E), vRound = FloatVector.broadcast(S, ROUND);
        FloatVector vHi = FloatVector.broadcast(S, -LN2_HI), vLo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector v2 = FloatVector.broadcast(S, E2), v3 = FloatVector.broadcast(S, E3), v4 = FloatVector.broadcast(S, E4);
        FloatVector v5 = FloatVector.broadcast(S, E5), v6 = FloatVector.broadcast(S, E6), v7 = FloatVector.broadcast(S, E7);
        FloatVector one = FloatVector.broadcast(S, 1f), asp = FloatVector.broadcast(S, AS_P);
        FloatVector a1 = FloatVector.broadcast(S, A1), a2 = FloatVector.broadcast(S, A2), a3 = FloatVector.broadcast(S, A3);
        FloatVector a4 = FloatVector.broadcast(S, A4), a5 = FloatVector.broadcast(S, A5);
        FloatVector invSqrt2Pi = FloatVector.broadcast(S, INV_SQRT_2PI);
        for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            // e = exp(−x²/2)
            FloatVector a = xv.mul(xv).mul(-0.5f).max(EXP_MIN);
            FloatVector kf = a.fma(vLog2e, vRound).sub(vRound);
            FloatVector r = kf.fma(vHi, a);
            r = kf.fma(vLo, r);
            FloatVector p = r.fma(v7, v6);
            p = p.fma(r, v5);
            p = p.fma(r, v4);
            p = p.fma(r, v3);
            p = p.fma(r, v2);
            p = p.fma(r, one);
            p = p.fma(r, one);
            IntVector k = (IntVector) kf.convert(VectorOperators.F2I, 0);
            FloatVector scale = k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(scale);
            // Φ(x)
            FloatVector z = xv.abs().mul(INV_SQRT2);
            FloatVector t = one.div(z.fma(asp, one));
            FloatVector q = t.fma(a5, a4);
            q = q.fma(t, a3);
            q = q.fma(t, a2);
            q = q.fma(t, a1);
            FloatVector half = q.mul(t).mul(e).mul(0.5f);
            FloatVector cdf = one.sub(half).blend(half, xv.compare(VectorOperators.LT, 0f));
            xv.mul(cdf).intoArray(y, i);
            if (dy != null) xv.mul(e).fma(invSqrt2Pi, cdf).intoArray(dy, i);
        }
        for (; i < to; i++) {
            float xi = x[i];
            float e = expNonPositive(xi * xi * -0.5f);
            float c = cdf(xi, e);
            y[i] = xi * c;
            if (dy != null) dy[i] = Math.fma(xi * e, INV_SQRT_2PI, c);
        }
    }
}
