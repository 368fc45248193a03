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
            for (int i = b, e = b + S.length(); i < e; i++) {
                if (v[i] > te[i]) {
                    tOut[i] = t;
                    vOut[i] = v[i];
                    te[i] = Float.POSITIVE_INFINITY;
                    now++;
                }
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
                    int now = 0;
                    for (int i = 0; i < n; i++) {
                        if (v[i] > te[i]) {
                            tOut[i] = tPrev;
                            vOut[i] = v[i];
                            te[i] = Float.POSITIVE_INFINITY;
                            now++;
                        }
                    }
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
}
