package org.spikekit.neuron;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Surrogate#grad} over arrays in SIMD lanes: the same double-precision expressions as
 * {@link Surrogate#gradD}, operation for operation, rounded to float at the end. Kinds without
 * {@code exp} (superspike, triangle, boxcar) give the scalar bits exactly; for the multi-Gaussian
 * and the sigmoids, {@code exp} is {@link #expInPlace}, a polynomial of IEEE operations only, within
 * about 1 ulp (double) of {@link Math#exp}, so a float result differs from the scalar one only
 * when the double value lies within an ulp or so of a float rounding boundary (measured: 0 of 2²⁴
 * multi-Gaussian values over ±8, see {@code SurrogateLanesTest}; a differing value is 1 float ulp off).
 *
 * <p>Why not {@code VectorOperators.EXP}: its compiled form calls SVML-style stubs whose last bit
 * differs from the interpreter's per-lane fallback, so results would depend on JIT timing
 * ({@code VectorKernels.scalarOnly}). The operations used here (add, mul, fma, min, max, integer
 * shifts, reinterpretation, float↔double conversion) are exactly specified, so every JIT tier and
 * every thread count gives the same bits.
 */
final class SurrogateLanes {
    private SurrogateLanes() {}

    static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    // exp: x = k·ln2 + r, |r| ≤ ln2/2; e^r by its Taylor series to degree 13 (truncation < 4e-18); 2^k in two factors
    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;  // fdlibm split
    private static final double ROUND = 0x1.8p52;                     // x + ROUND − ROUND rounds to an integer (|x| < 2^51)
    private static final long ROUND_BITS = Double.doubleToRawLongBits(ROUND);
    /** 1/m! (m! exact in double up to 13!, one rounding in the division). */
    private static final double F2 = 1.0 / 2, F3 = 1.0 / 6, F4 = 1.0 / 24, F5 = 1.0 / 120, F6 = 1.0 / 720, F7 = 1.0 / 5040,
            F8 = 1.0 / 40320, F9 = 1.0 / 362880, F10 = 1.0 / 3628800, F11 = 1.0 / 39916800, F12 = 1.0 / 479001600,
            F13 = 1.0 / 6227020800.0;

    /** Elements per pass; {@link #grad} needs a work array of {@link #WORK} doubles. */
    static final int CHUNK = 128, WORK = 4 * CHUNK;

    /**
     * {@code out[oo + j] = sur.grad(x[xo + j])} for j in [0, n), using {@code work} (at least
     * {@link #WORK} doubles, per thread) as scratch. Passes over chunks of {@link #CHUNK}: widen to
     * double, the arguments of exp, exp in place, combine, round to float; each pass a loop whose
     * vectors stay inside one method (a vector passed to a method C2 does not inline is boxed).
     */
    static void grad(Surrogate sur, float[] x, int xo, float[] out, int oo, int n, double[] work) {
        switch (sur.kind()) {
            case MULTI_GAUSSIAN, SUPERSPIKE, SIGMOID -> {
                if (work.length < WORK) throw new IllegalArgumentException("SurrogateLanes.grad: work must hold " + WORK + " doubles, got " + work.length);
                for (int c = 0; c < n; c += CHUNK) chunk(sur, x, xo + c, out, oo + c, Math.min(CHUNK, n - c), work);
            }
            default -> {                                                     // triangle, boxcar, atan: no exp, scalar is cheap
                for (int j = 0; j < n; j++) out[oo + j] = sur.grad(x[xo + j]);
            }
        }
    }

    private static void chunk(Surrogate sur, float[] x, int xo, float[] out, int oo, int m, double[] w) {
        final double s = sur.scale();
        for (int j = 0; j < m; j++) w[j] = x[xo + j];                      // w[0, m): x as double
        switch (sur.kind()) {
            case MULTI_GAUSSIAN -> {
                double wide = Surrogate.MG_WIDTH_RATIO * s;
                mgArgs(w, m, s, wide);                                       // w[C..4C): −z²/2 of the three Gaussians
                expInPlace(w, CHUNK, 3 * CHUNK);
                mgCombine(w, m, Math.sqrt(2 * Math.PI) * s, Math.sqrt(2 * Math.PI) * wide);
            }
            case SUPERSPIKE -> superSpike(w, m, s);
            default -> {                                                     // sigmoid: s·σ·(1 − σ), σ = 1/(1 + e^{−s·x})
                for (int j = 0; j < m; j++) w[CHUNK + j] = -s * w[j];
                expInPlace(w, CHUNK, CHUNK);
                sigmoidCombine(w, m, s);
            }
        }
        for (int j = 0; j < m; j++) out[oo + j] = (float) w[j];
    }

    /** {@code w[C + j], w[2C + j], w[3C + j] = −0.5·z·z} with {@code z = (x − μ)/σ} for (μ, σ) = (0, s), (s, wide), (−s, wide). */
    private static void mgArgs(double[] w, int m, double s, double wide) {
        final int lanes = DS.length(), bound = m - m % lanes;
        int j = 0;
        for (; j < bound; j += lanes) {
            DoubleVector v = DoubleVector.fromArray(DS, w, j);
            DoubleVector z0 = v.sub(0.0).div(s), z1 = v.sub(s).div(wide), z2 = v.sub(-s).div(wide);
            z0.mul(-0.5).mul(z0).intoArray(w, CHUNK + j);
            z1.mul(-0.5).mul(z1).intoArray(w, 2 * CHUNK + j);
            z2.mul(-0.5).mul(z2).intoArray(w, 3 * CHUNK + j);
        }
        for (; j < m; j++) {
            double v = w[j], z0 = (v - 0.0) / s, z1 = (v - s) / wide, z2 = (v - -s) / wide;
            w[CHUNK + j] = -0.5 * z0 * z0;
            w[2 * CHUNK + j] = -0.5 * z1 * z1;
            w[3 * CHUNK + j] = -0.5 * z2 * z2;
        }
    }

    /** {@code w[j] = γ·((1 + h)·e0/d0 − h·e1/dw − h·e2/dw)}: {@link Surrogate#gradD}'s sum, in its order. */
    private static void mgCombine(double[] w, int m, double d0, double dw) {
        final double h = Surrogate.MG_HEIGHT, g = Surrogate.MG_GAIN;
        final int lanes = DS.length(), bound = m - m % lanes;
        int j = 0;
        for (; j < bound; j += lanes) {
            DoubleVector e0 = DoubleVector.fromArray(DS, w, CHUNK + j).div(d0);
            DoubleVector e1 = DoubleVector.fromArray(DS, w, 2 * CHUNK + j).div(dw);
            DoubleVector e2 = DoubleVector.fromArray(DS, w, 3 * CHUNK + j).div(dw);
            e0.mul(1.0 + h).sub(e1.mul(h)).sub(e2.mul(h)).mul(g).intoArray(w, j);
        }
        for (; j < m; j++) {
            w[j] = g * ((1.0 + h) * (w[CHUNK + j] / d0) - h * (w[2 * CHUNK + j] / dw) - h * (w[3 * CHUNK + j] / dw));
        }
    }

    /** {@code w[j] = 1/(s·|x| + 1)²}. */
    private static void superSpike(double[] w, int m, double s) {
        final int lanes = DS.length(), bound = m - m % lanes;
        int j = 0;
        for (; j < bound; j += lanes) {
            DoubleVector d = DoubleVector.fromArray(DS, w, j).abs().mul(s).add(1.0);
            DoubleVector.broadcast(DS, 1.0).div(d.mul(d)).intoArray(w, j);
        }
        for (; j < m; j++) {
            double d = s * Math.abs(w[j]) + 1.0;
            w[j] = 1.0 / (d * d);
        }
    }

    /** {@code w[j] = s·σ·(1 − σ)} with {@code σ = 1/(1 + w[C + j])}, {@code w[C + j] = e^{−s·x}}. */
    private static void sigmoidCombine(double[] w, int m, double s) {
        final int lanes = DS.length(), bound = m - m % lanes;
        int j = 0;
        for (; j < bound; j += lanes) {
            DoubleVector sg = DoubleVector.broadcast(DS, 1.0).div(DoubleVector.fromArray(DS, w, CHUNK + j).add(1.0));
            sg.mul(s).mul(DoubleVector.broadcast(DS, 1.0).sub(sg)).intoArray(w, j);
        }
        for (; j < m; j++) {
            double sg = 1.0 / (1.0 + w[CHUNK + j]);
            w[j] = s * sg * (1.0 - sg);
        }
    }

    /**
     * {@code w[i] = e^{w[i]}} for i in [from, from + len), len a multiple of the lane count: NaN for
     * NaN, 0 below about −745.1, +∞ above about 709.8 (as {@link Math#exp}); within about 1 ulp of
     * Math.exp. x = k·ln2 + r, |r| ≤ ln2/2 (Cody–Waite, fdlibm's split of ln2); e^r by its Taylor
     * series to degree 13 (truncation below 4e−18 relative) in Horner form; 2^k as two factors
     * so that subnormal results come out right.
     */
    static void expInPlace(double[] w, int from, int len) {
        final int lanes = DS.length();
        for (int i = from; i < from + len; i += lanes) {
            DoubleVector x = DoubleVector.fromArray(DS, w, i).max(-746.0).min(710.0);   // NaN stays NaN
            DoubleVector kr = x.mul(LOG2E).add(ROUND);
            DoubleVector k = kr.sub(ROUND);                                  // nearest integer to x/ln2
            DoubleVector r = k.fma(DoubleVector.broadcast(DS, -LN2_HI), x);
            r = k.fma(DoubleVector.broadcast(DS, -LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(DS, F13);
            p = p.fma(r, DoubleVector.broadcast(DS, F12));
            p = p.fma(r, DoubleVector.broadcast(DS, F11));
            p = p.fma(r, DoubleVector.broadcast(DS, F10));
            p = p.fma(r, DoubleVector.broadcast(DS, F9));
            p = p.fma(r, DoubleVector.broadcast(DS, F8));
            p = p.fma(r, DoubleVector.broadcast(DS, F7));
            p = p.fma(r, DoubleVector.broadcast(DS, F6));
            p = p.fma(r, DoubleVector.broadcast(DS, F5));
            p = p.fma(r, DoubleVector.broadcast(DS, F4));
            p = p.fma(r, DoubleVector.broadcast(DS, F3));
            p = p.fma(r, DoubleVector.broadcast(DS, F2));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0));
            p = p.fma(r, DoubleVector.broadcast(DS, 1.0));
            LongVector ki = kr.reinterpretAsLongs().sub(ROUND_BITS);         // k as an integer, |k| ≤ 1077
            LongVector k1 = ki.lanewise(VectorOperators.ASHR, 1), k2 = ki.sub(k1);
            DoubleVector s1 = k1.add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector s2 = k2.add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            p.mul(s1).mul(s2).intoArray(w, i);
        }
    }
}
