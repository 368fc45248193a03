package org.spikekit.core;

import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;

/**
 * Seeded parameter initialisation through the backend's counter-based RNG, so the same seed gives
 * the same weights on every backend. Fan-in is the first dimension of a {@code [in, out]} weight.
 * Use {@link #seedFor(long, String)} to derive one independent seed per parameter name.
 */
public final class Init {
    private Init() {}

    /** A seed for one named parameter, derived from a model seed (stable across runs and backends). */
    public static long seedFor(long modelSeed, String parameterName) {
        return CounterRng.child(modelSeed, parameterName.hashCode());
    }

    public static void uniform(Tensor t, long seed, float lo, float hi) {
        if (!(hi > lo)) throw new IllegalArgumentException("uniform init needs lo < hi, got [" + lo + ", " + hi + ")");
        t.backend().randUniform(t, seed, lo, hi);
    }

    public static void normal(Tensor t, long seed, float mean, float std) {
        if (!(std >= 0)) throw new IllegalArgumentException("normal init needs std >= 0, got " + std);
        t.backend().randNormal(t, seed, mean, std);
    }

    /** {@code U(−gain/√fanIn, gain/√fanIn)} (PyTorch's Linear default with gain 1). */
    public static void fanInUniform(Tensor t, long seed, float gain) {
        float bound = gain / (float) Math.sqrt(fanIn(t));
        t.backend().randUniform(t, seed, -bound, bound);
    }

    /** {@code N(0, (gain/√fanIn)²)}. */
    public static void fanInNormal(Tensor t, long seed, float gain) {
        t.backend().randNormal(t, seed, 0f, gain / (float) Math.sqrt(fanIn(t)));
    }

    public static void constant(Tensor t, float value) {
        t.backend().fill(t, value);
    }

    /** Fan-in of a weight {@code [in, out]} (first dimension); of a vector, its length. */
    public static int fanIn(Tensor t) {
        if (t.rank() == 0) throw new IllegalArgumentException("fan-in of a scalar is undefined");
        int f = t.dim(0);
        if (f <= 0) throw new IllegalArgumentException("fan-in must be > 0 for " + t);
        return f;
    }

    /** New tensor filled by {@link #fanInUniform}. */
    public static Tensor fanInUniform(Backend be, long seed, float gain, int... shape) {
        Tensor t = be.zeros(shape);
        fanInUniform(t, seed, gain);
        return t;
    }
}
