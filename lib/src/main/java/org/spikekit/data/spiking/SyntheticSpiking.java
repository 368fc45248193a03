package org.spikekit.data.spiking;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded synthetic stand-in for STDP-CSNN features (notebooks/papers/spikenn.md §3.3): C classes over D inputs,
 * each class with a fixed random set of preferred inputs that tend to fire early; every sample has
 * about {@code spikesPerSample} distinct input spikes, a fraction {@code signal} of them drawn
 * from its class's preferred set with times in {@code [0.05, 0.65)}, the rest from all inputs with
 * times in {@code [0.2, 1)}. Separable for signal ≳ 0.3; used by tests, the benchmark and the quick
 * notebooks when real features are absent. Labels cycle 0, 1, …, C−1 through the samples.
 */
public final class SyntheticSpiking {
    private final int inputs, classes, spikesPerSample;
    private final double signal;
    private final int[][] preferred;

    /**
     * @param inputs          D
     * @param classes         C
     * @param spikesPerSample spikes drawn per sample (duplicates merged, so a few less)
     * @param signal          fraction of spikes drawn from the class's preferred inputs, in [0, 1]
     * @param seed            fixes the preferred sets (the "feature extractor")
     */
    public SyntheticSpiking(int inputs, int classes, int spikesPerSample, double signal, long seed) {
        if (inputs < 2 || classes < 1 || spikesPerSample < 1 || spikesPerSample > inputs) {
            throw new IllegalArgumentException("SyntheticSpiking: need inputs >= 2, classes >= 1, 1 <= spikesPerSample <= inputs; got "
                    + inputs + ", " + classes + ", " + spikesPerSample);
        }
        if (!(signal >= 0 && signal <= 1)) throw new IllegalArgumentException("SyntheticSpiking.signal must be in [0, 1], got " + signal);
        this.inputs = inputs;
        this.classes = classes;
        this.spikesPerSample = spikesPerSample;
        this.signal = signal;
        SplittableRandom r = new SplittableRandom(seed);
        int size = Math.max(1, Math.min(inputs, 2 * spikesPerSample));
        preferred = new int[classes][];
        int[] perm = new int[inputs];
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < inputs; j++) perm[j] = j;
            for (int j = 0; j < size; j++) {
                int k = j + r.nextInt(inputs - j);
                int t = perm[j];
                perm[j] = perm[k];
                perm[k] = t;
            }
            preferred[c] = Arrays.copyOf(perm, size);
        }
    }

    /** {@code n} samples drawn with {@code seed}. */
    public SpikingDataset sample(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] labels = new int[n];
        int[] off = new int[n + 1];
        int[] idx = new int[n * spikesPerSample];
        float[] ts = new float[n * spikesPerSample];
        float[] best = new float[inputs];
        Arrays.fill(best, Float.POSITIVE_INFINITY);
        int[] used = new int[spikesPerSample];
        long[] keys = new long[spikesPerSample];
        int at = 0;
        for (int s = 0; s < n; s++) {
            int c = s % classes;
            labels[s] = c;
            int u = 0;
            for (int k = 0; k < spikesPerSample; k++) {
                int j;
                float t;
                if (r.nextDouble() < signal) {
                    j = preferred[c][r.nextInt(preferred[c].length)];
                    t = (float) (0.05 + 0.6 * r.nextDouble());
                } else {
                    j = r.nextInt(inputs);
                    t = (float) (0.2 + 0.8 * r.nextDouble());
                }
                if (t >= 1f) t = Math.nextDown(1f);
                if (best[j] == Float.POSITIVE_INFINITY) used[u++] = j;
                if (t < best[j]) best[j] = t;
            }
            for (int k = 0; k < u; k++) {
                keys[k] = ((long) Float.floatToIntBits(best[used[k]]) << 32) | used[k];
                best[used[k]] = Float.POSITIVE_INFINITY;
            }
            Arrays.sort(keys, 0, u);
            for (int k = 0; k < u; k++, at++) {
                idx[at] = (int) keys[k];
                ts[at] = Float.intBitsToFloat((int) (keys[k] >>> 32));
            }
            off[s + 1] = at;
        }
        return SpikingDataset.of(inputs, 1f, classes, labels, off, Arrays.copyOf(idx, at), Arrays.copyOf(ts, at));
    }

    /** Train / val / test drawn with seeds {@code seed}, {@code seed+1}, {@code seed+2}. */
    public SpikingSplit split(int nTrain, int nVal, int nTest, long seed) {
        return new SpikingSplit(sample(nTrain, seed), sample(nVal, seed + 1), sample(nTest, seed + 2));
    }
}
