package org.spikekit.neuron;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops of {@link SingleSpikeLayer#forward}: the integration of one input row and the
 * firing check, lane by lane the same float32 operations as the scalar loops. The potentials
 * {@code v} and thresholds {@code te} are padded to a whole number of vectors ({@link #padded});
 * padding lanes hold threshold +∞, so they never fire. Only loaded when
 * {@code jdk.incubator.vector} is in the JVM ({@link org.spikekit.compute.VectorApi}).
 */
final class SingleSpikeKernels {
    private SingleSpikeKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** {@code n} rounded up to whole vectors. */
    static int padded(int n) { return (n + S.length() - 1) / S.length() * S.length(); }

    /** {@code v[i] += w[row + i]} for i in [0, n) (padding lanes of v add 0). */
    static void integrate(float[] v, float[] w, int row, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += S.length()) {
            FloatVector.fromArray(S, v, i).add(FloatVector.fromArray(S, w, row + i)).intoArray(v, i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, v, i).add(FloatVector.fromArray(S, w, row + i, m)).intoArray(v, i);
        }
    }

    /** {@code v[i] += w[row + i] · f[i]} for i in [0, n): the product rounded to float32, then the sum. */
    static void integrate(float[] v, float[] w, int row, float[] f, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += S.length()) {
            FloatVector.fromArray(S, v, i).add(FloatVector.fromArray(S, w, row + i).mul(FloatVector.fromArray(S, f, i))).intoArray(v, i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, v, i).add(FloatVector.fromArray(S, w, row + i, m).mul(FloatVector.fromArray(S, f, i, m))).intoArray(v, i);
        }
    }

    /**
     * The firing check over the padded length {@code np}: every neuron with {@code v > te} fires at
     * {@code t} (time and potential recorded, threshold set to +∞); returns how many fired.
     */
    static int check(float[] v, float[] te, int np, float t, float[] tOut, float[] vOut) {
        int now = 0;
        for (int b = 0; b < np; b += S.length()) {
            VectorMask<Float> m = FloatVector.fromArray(S, v, b).compare(VectorOperators.GT, FloatVector.fromArray(S, te, b));
            if (!m.anyTrue()) continue;
            now += fire(v, te, b, b + S.length(), t, tOut, vOut);
        }
        return now;
    }

    /**
     * Neurons {@code from ≤ i < to} with {@code v > te} fire at {@code t}: time and potential
     * recorded, threshold set to +∞ (strict V > θ; fired or silenced neurons have θ = +∞, so they
     * never fire again). Returns how many fired.
     */
    static int fire(float[] v, float[] te, int from, int to, float t, float[] tOut, float[] vOut) {
        int now = 0;
        for (int i = from; i < to; i++) {
            if (v[i] > te[i]) {
                tOut[i] = t;
                vOut[i] = v[i];
                te[i] = Float.POSITIVE_INFINITY;
                now++;
            }
        }
        return now;
    }

    /**
     * The event loop of {@link SingleSpikeLayer#forward} for IF neurons when all {@code n} neurons fit
     * one vector ({@code n ≤ S.length()}): the potentials stay in a register between events (no
     * store and reload per input spike). Same events, checks and float32 operations as the
     * general loop; {@code scale} (or null) multiplies each weight first (a product by 1 is exact).
     * Writes {@code v} (the final potentials), the fired neurons' outputs, {@code out.fired} and
     * {@code out.truncated}.
     */
    static void forwardOneVector(int[] idx, float[] ts, int from, int to, float[] w, float[] scale, int n, float tMax,
                                 boolean stopAtFirst, int active, float[] v, float[] te, SingleSpikeLayer.Output out) {
        final float[] tOut = out.times, vOut = out.potentials;
        final VectorMask<Float> in = S.indexInRange(0, n);
        final FloatVector sc = scale == null ? FloatVector.broadcast(S, 1f) : FloatVector.fromArray(S, scale, 0, in);
        FloatVector vv = FloatVector.zero(S);
        FloatVector tev = FloatVector.fromArray(S, te, 0);
        int fired = 0;
        boolean truncated = false;
        float tPrev = to > from ? ts[from] : 0f;
        final int last = to - 1;
        for (int k = from; k < to; k++) {
            final float t = ts[k];
            if (t != tPrev || k == last) {
                if (vv.compare(VectorOperators.GT, tev).anyTrue()) {
                    vv.intoArray(v, 0);
                    int now = fire(v, te, 0, n, tPrev, tOut, vOut);
                    tev = FloatVector.fromArray(S, te, 0);
                    tPrev = t;
                    fired += now;
                    active -= now;
                    if (active == 0) break;
                    if (stopAtFirst) {
                        truncated = true;
                        break;
                    }
                } else {
                    tPrev = t;
                }
            }
            if (t >= tMax) break;
            vv = vv.add(FloatVector.fromArray(S, w, idx[k] * n, in).mul(sc));
        }
        vv.intoArray(v, 0);
        out.fired = fired;
        out.truncated = truncated;
    }

    /**
     * {@link #forwardOneVector} for {@code S.length() < n ≤ 4·S.length()}: the potentials of the four
     * vectors of neurons stay in registers between events; the padding lanes (threshold +∞, weights
     * not loaded) never fire.
     */
    static void forwardFourVectors(int[] idx, float[] ts, int from, int to, float[] w, float[] scale, int n, float tMax,
                                   boolean stopAtFirst, int active, float[] v, float[] te, SingleSpikeLayer.Output out) {
        final float[] tOut = out.times, vOut = out.potentials;
        final int l = S.length();
        final VectorMask<Float> m1 = S.indexInRange(l, n), m2 = S.indexInRange(2 * l, n), m3 = S.indexInRange(3 * l, n);
        final FloatVector one = FloatVector.broadcast(S, 1f);
        final FloatVector s0 = scale == null ? one : FloatVector.fromArray(S, scale, 0);
        final FloatVector s1 = scale == null ? one : FloatVector.fromArray(S, scale, l, m1);
        final FloatVector s2 = scale == null ? one : FloatVector.fromArray(S, scale, 2 * l, m2);
        final FloatVector s3 = scale == null ? one : FloatVector.fromArray(S, scale, 3 * l, m3);
        FloatVector v0 = FloatVector.zero(S), v1 = v0, v2 = v0, v3 = v0;
        FloatVector t0 = FloatVector.fromArray(S, te, 0), t1 = FloatVector.fromArray(S, te, l);
        FloatVector t2 = FloatVector.fromArray(S, te, 2 * l), t3 = FloatVector.fromArray(S, te, 3 * l);
        int fired = 0;
        boolean truncated = false;
        float tPrev = to > from ? ts[from] : 0f;
        final int last = to - 1;
        for (int k = from; k < to; k++) {
            final float t = ts[k];
            if (t != tPrev || k == last) {
                VectorMask<Float> any = v0.compare(VectorOperators.GT, t0).or(v1.compare(VectorOperators.GT, t1))
                        .or(v2.compare(VectorOperators.GT, t2)).or(v3.compare(VectorOperators.GT, t3));
                if (any.anyTrue()) {
                    v0.intoArray(v, 0);
                    v1.intoArray(v, l);
                    v2.intoArray(v, 2 * l);
                    v3.intoArray(v, 3 * l);
                    int now = fire(v, te, 0, n, tPrev, tOut, vOut);
                    t0 = FloatVector.fromArray(S, te, 0);
                    t1 = FloatVector.fromArray(S, te, l);
                    t2 = FloatVector.fromArray(S, te, 2 * l);
                    t3 = FloatVector.fromArray(S, te, 3 * l);
                    tPrev = t;
                    fired += now;
                    active -= now;
                    if (active == 0) break;
                    if (stopAtFirst) {
                        truncated = true;
                        break;
                    }
                } else {
                    tPrev = t;
                }
            }
            if (t >= tMax) break;
            final int row = idx[k] * n;
            v0 = v0.add(FloatVector.fromArray(S, w, row).mul(s0));
            v1 = v1.add(FloatVector.fromArray(S, w, row + l, m1).mul(s1));
            v2 = v2.add(FloatVector.fromArray(S, w, row + 2 * l, m2).mul(s2));
            v3 = v3.add(FloatVector.fromArray(S, w, row + 3 * l, m3).mul(s3));
        }
        v0.intoArray(v, 0);
        v1.intoArray(v, l);
        v2.intoArray(v, 2 * l);
        v3.intoArray(v, 3 * l);
        out.fired = fired;
        out.truncated = truncated;
    }
}
