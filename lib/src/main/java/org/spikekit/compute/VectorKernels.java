package org.spikekit.compute;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD loops over ranges of heap arrays for the cpu backend: one vector body
 * ({@code FloatVector.SPECIES_PREFERRED}, 16 lanes with AVX-512) and a scalar tail that applies
 * the reference definitions ({@link UnaryOp#apply}, {@link BinaryOp#apply}). Every method works
 * on {@code [from, to)} element ranges so callers can split large arrays across threads.
 */
final class VectorKernels {
    private VectorKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();

    static FloatVector apply(UnaryOp op, FloatVector v) {
        return switch (op) {
            case IDENTITY -> v;
            case NEG -> v.neg();
            case ABS -> v.abs();
            case SQUARE -> v.mul(v);
            case SQRT -> v.sqrt();
            case RECIPROCAL -> FloatVector.broadcast(S, 1f).div(v);
            case RELU -> FloatVector.zero(S).blend(v, v.compare(VectorOperators.GT, 0f));
            case HEAVISIDE -> FloatVector.zero(S).blend(1f, v.compare(VectorOperators.GT, 0f));
            case EXP, LOG, SIGMOID, TANH, SOFTPLUS -> throw new IllegalArgumentException(op + " runs scalar, see scalarOnly");
        };
    }

    static FloatVector apply(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case GREATER -> FloatVector.zero(S).blend(1f, a.compare(VectorOperators.GT, b));
        };
    }

    /**
     * Ops computed with the scalar reference ({@link UnaryOp#apply}, java.lang.Math) instead of the
     * Vector API: the Vector API's EXP/LOG/TANH/LOG1P give results that differ in the last bit
     * before and after C2 compiles the loop (the compiled form calls SVML-style stubs, the
     * interpreter a per-lane fallback), so results would depend on JIT timing and a training run
     * resumed from a checkpoint would not repeat an uninterrupted one bit for bit. java.lang.Math
     * gives the same bits in every tier.
     */
    static boolean scalarOnly(UnaryOp op) {
        return switch (op) {
            case EXP, LOG, SIGMOID, TANH, SOFTPLUS -> true;
            default -> false;
        };
    }

    /** Sum of the lanes from lane 0 up: {@code reduceLanes(ADD)} may change its order once compiled. */
    static double sumLanes(DoubleVector v) {
        double s = 0;
        for (double x : v.toArray()) s += x;
        return s;
    }

    /** {@code o[oo+i] = op(x[xo+i])} for i in [from, to). */
    static void map(UnaryOp op, float[] x, int xo, float[] o, int oo, int from, int to) {
        if (scalarOnly(op)) {
            for (int i = from; i < to; i++) o[oo + i] = op.apply(x[xo + i]);
            return;
        }
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            apply(op, FloatVector.fromArray(S, x, xo + i)).intoArray(o, oo + i);
        }
        for (; i < to; i++) o[oo + i] = op.apply(x[xo + i]);
    }

    static void zip(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            apply(op, FloatVector.fromArray(S, a, ao + i), FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        for (; i < to; i++) o[oo + i] = op.apply(a[ao + i], b[bo + i]);
    }

    /** Rows [r0, r1) of {@code o[m, n] = op(a[m, n], row[n])}. */
    static void zipRow(BinaryOp op, float[] a, int ao, float[] row, int ro, float[] o, int oo, int n, int r0, int r1) {
        int bound = S.loopBound(n);
        for (int r = r0; r < r1; r++) {
            int ar = ao + r * n, or = oo + r * n;
            int j = 0;
            for (; j < bound; j += L) {
                apply(op, FloatVector.fromArray(S, a, ar + j), FloatVector.fromArray(S, row, ro + j)).intoArray(o, or + j);
            }
            for (; j < n; j++) o[or + j] = op.apply(a[ar + j], row[ro + j]);
        }
    }

    /** {@code y = alpha x + beta y}; y is not read when beta is 0. */
    static void axpby(float alpha, float[] x, int xo, float beta, float[] y, int yo, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        if (beta == 0f) {
            for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).mul(alpha).intoArray(y, yo + i);
            for (; i < to; i++) y[yo + i] = alpha * x[xo + i];
        } else {
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, x, xo + i).mul(alpha)
                        .add(FloatVector.fromArray(S, y, yo + i).mul(beta)).intoArray(y, yo + i);
            }
            for (; i < to; i++) y[yo + i] = alpha * x[xo + i] + beta * y[yo + i];
        }
    }

    static void affine(float[] x, int xo, float scale, float shift, float[] o, int oo, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).mul(scale).add(shift).intoArray(o, oo + i);
        }
        for (; i < to; i++) o[oo + i] = scale * x[xo + i] + shift;
    }

    /** Sum of a[ao .. ao+n), each float widened to double before adding. */
    static double sum(float[] a, int ao, int n) {
        DoubleVector s0 = DoubleVector.zero(D), s1 = DoubleVector.zero(D);
        int i = 0;
        if (D.length() * 2 == L) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, a, ao + i);
                s0 = s0.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
                s1 = s1.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
            }
        }
        double s = sumLanes(s0.add(s1));
        for (; i < n; i++) s += a[ao + i];
        return s;
    }

    /** Sum of a[i]*b[i]; each product is exact in double. */
    static double dot(float[] a, int ao, float[] b, int bo, int n) {
        DoubleVector s0 = DoubleVector.zero(D), s1 = DoubleVector.zero(D);
        int i = 0;
        if (D.length() * 2 == L) {
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ao + i), vb = FloatVector.fromArray(S, b, bo + i);
                s0 = ((DoubleVector) va.convertShape(VectorOperators.F2D, D, 0))
                        .fma((DoubleVector) vb.convertShape(VectorOperators.F2D, D, 0), s0);
                s1 = ((DoubleVector) va.convertShape(VectorOperators.F2D, D, 1))
                        .fma((DoubleVector) vb.convertShape(VectorOperators.F2D, D, 1), s1);
            }
        }
        double s = sumLanes(s0.add(s1));
        for (; i < n; i++) s += (double) a[ao + i] * b[bo + i];
        return s;
    }

    /**
     * {@code o[oo + i] = CounterRng.uniform(seed, i) < p ? 1 : 0} for i in [from, to), the draws in
     * long lanes ({@link LaneKernels#uniformBelow}): the same bits as the scalar form.
     */
    static void bernoulli(float[] o, int oo, long seed, float p, int from, int to) {
        long threshold = LaneKernels.uniformThreshold(p);
        int i = from, lanes = LaneKernels.LS.length();
        FloatVector zero = FloatVector.zero(LaneKernels.LF), one = FloatVector.broadcast(LaneKernels.LF, 1f);
        for (int upper = from + LaneKernels.LS.loopBound(to - from); i < upper; i += lanes) {
            zero.blend(one, LaneKernels.uniformBelow(seed, i, threshold)).intoArray(o, oo + i);
        }
        for (; i < to; i++) o[oo + i] = CounterRng.uniform(seed, i) < p ? 1f : 0f;
    }

    /** Column sums of a [m, n] into acc[n] (double), for rows [r0, r1). */
    static void addRows(float[] a, int ao, int n, int r0, int r1, double[] acc) {
        boolean vec = D.length() * 2 == L;
        int bound = vec ? S.loopBound(n) : 0;
        int dl = D.length();
        for (int r = r0; r < r1; r++) {
            int ar = ao + r * n;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(S, a, ar + j);
                DoubleVector.fromArray(D, acc, j).add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).intoArray(acc, j);
                DoubleVector.fromArray(D, acc, j + dl).add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).intoArray(acc, j + dl);
            }
            for (; j < n; j++) acc[j] += a[ar + j];
        }
    }

    static boolean allFinite(float[] a, int ao, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            VectorMask<Float> finite = FloatVector.fromArray(S, a, ao + i).test(VectorOperators.IS_FINITE);
            if (!finite.allTrue()) return false;
        }
        for (; i < n; i++) if (!Float.isFinite(a[ao + i])) return false;
        return true;
    }

    /** Fused Adam over [from, to); see {@link Backend#adamStep}. */
    static void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int from, int to,
                     float b1, float b2, float c1, float c2, float lr, float eps, float wd) {
        float ob1 = 1 - b1, ob2 = 1 - b2, decay = 1 - lr * wd;
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            FloatVector mi = FloatVector.fromArray(S, m, mo + i).mul(b1).add(gv.mul(ob1));
            FloatVector vi = FloatVector.fromArray(S, v, vo + i).mul(b2).add(gv.mul(gv).mul(ob2));
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            FloatVector pv = FloatVector.fromArray(S, p, po + i);
            if (wd > 0) pv = pv.mul(decay);
            FloatVector step = mi.div(c1).mul(lr).div(vi.div(c2).sqrt().add(eps));
            pv.sub(step).intoArray(p, po + i);
        }
        for (; i < to; i++) {
            float gi = g[go + i];
            float mi = b1 * m[mo + i] + ob1 * gi;
            float vi = b2 * v[vo + i] + ob2 * (gi * gi);
            m[mo + i] = mi;
            v[vo + i] = vi;
            float pi = p[po + i];
            if (wd > 0) pi *= decay;
            p[po + i] = pi - (mi / c1) * lr / ((float) Math.sqrt(vi / c2) + eps);
        }
    }

    static void sgd(float[] p, int po, float[] g, int go, float[] w, int wo, int from, int to, float lr, float momentum) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector wv = FloatVector.fromArray(S, w, wo + i).mul(momentum).add(FloatVector.fromArray(S, g, go + i));
            wv.intoArray(w, wo + i);
            FloatVector.fromArray(S, p, po + i).sub(wv.mul(lr)).intoArray(p, po + i);
        }
        for (; i < to; i++) {
            float wi = momentum * w[wo + i] + g[go + i];
            w[wo + i] = wi;
            p[po + i] -= lr * wi;
        }
    }
}
