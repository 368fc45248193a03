package org.spikekit.compute;

/**
 * Counter-based random numbers: the value for (seed, index) is a pure function, so a draw is the
 * same on every backend, in any thread order, and any element can be recomputed alone.
 *
 * <p>Definition (any backend must follow it bit for bit): {@code h = mix64(seed * 0x9E3779B97F4A7C15
 * + index)} with the SplitMix64 finaliser {@code mix64}; uniform = top 24 bits of h times 2^-24,
 * in [0, 1). Normal values use Box–Muller on the uniforms of counters {@code 2i} and {@code 2i+1}
 * (the cosine branch).
 */
public final class CounterRng {
    private CounterRng() {}

    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** SplitMix64 finaliser (Steele, Lea &amp; Flood 2014). */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long bits(long seed, long index) {
        return mix64(seed * GOLDEN + index);
    }

    /** Uniform float in [0, 1) with 24 random bits. */
    public static float uniform(long seed, long index) {
        return (bits(seed, index) >>> 40) * 0x1.0p-24f;
    }

    /** Standard normal from counters 2i and 2i+1. */
    public static float normal(long seed, long index) {
        double u1 = ((bits(seed, 2 * index) >>> 40) + 1) * 0x1.0p-24; // (0, 1]
        double u2 = (bits(seed, 2 * index + 1) >>> 40) * 0x1.0p-24;
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
    }

    /** Derives an independent child seed, e.g. one per layer or per epoch. */
    public static long child(long seed, long stream) {
        return mix64(seed ^ mix64(stream + GOLDEN));
    }
}
