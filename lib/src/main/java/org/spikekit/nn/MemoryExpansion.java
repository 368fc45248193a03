package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;

/**
 * The memory expansion of Spikachu's MLP baseline (notebooks/papers/spikachu.md §4.5): the input at step t becomes
 * the counts of steps t, t−1, …, t−m concatenated, {@code [T, B, N] → [T, B, N·(m+1)]} with
 * {@code y[t, b, k·N + n] = x[t − k, b, n]} for lag k = 0..m (lag-major blocks, as the released
 * code's {@code stack(..., dim=2)} followed by {@code (m n)} flattening).
 *
 * <p>Steps before the window start: by default zero (causal zero padding: the output at t depends
 * on steps ≤ t only). With {@code circular = true} the released behaviour is reproduced: the code
 * uses {@code torch.roll(x, shifts=k, dims=time)} inside each 1-s window, so {@code x[t − k]} wraps
 * to {@code x[T + t − k]} and the first m bins of a window see its last bins (a look-ahead leak).
 */
public final class MemoryExpansion implements Layer {
    private final int features, memory;
    private final boolean circular;

    /**
     * @param features N, units per step
     * @param memory m ≥ 0, number of previous steps appended
     * @param circular true for the released circular roll, false for causal zero padding
     */
    public MemoryExpansion(int features, int memory, boolean circular) {
        if (features < 1) throw new IllegalArgumentException("MemoryExpansion: features must be >= 1, got " + features);
        if (memory < 0) throw new IllegalArgumentException("MemoryExpansion: memory must be >= 0, got " + memory);
        this.features = features;
        this.memory = memory;
        this.circular = circular;
    }

    public int features() { return features; }

    public int memory() { return memory; }

    public boolean circular() { return circular; }

    /** Output feature size N·(m+1). */
    public int outFeatures() { return features * (memory + 1); }

    @Override
    public List<Parameter> parameters() { return List.of(); }

    private record Rec(int t, int b) {}

    /** Source step of lag k at step t, or −1 for zero padding. */
    private int source(int t, int k, int steps) {
        int s = t - k;
        if (s >= 0) return s;
        return circular ? Math.floorMod(s, steps) : -1;
    }

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        if (x == null) throw new IllegalArgumentException("MemoryExpansion: input is null");
        int[] s = x.shape();
        if (s.length != 3 || s[2] != features) {
            throw new IllegalArgumentException("MemoryExpansion: expected a time-major input [T, B, " + features + "], got " + Arrays.toString(s));
        }
        int steps = s[0], b = s[1], n = features, w = outFeatures();
        Backend be = x.backend();
        float[] v = be.toHost(x), y = new float[steps * b * w];
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k <= memory; k++) {
                int src = source(t, k, steps);
                if (src < 0) continue;
                for (int r = 0; r < b; r++) System.arraycopy(v, (src * b + r) * n, y, (t * b + r) * w + k * n, n);
            }
        }
        tape.push(new Rec(steps, b));
        return be.fromHost(y, steps, b, w);
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec rec = tape.pop(Rec.class);
        int steps = rec.t(), b = rec.b(), n = features, w = outFeatures();
        Backend be = gradOut.backend();
        if (gradOut.size() != (long) steps * b * w) {
            throw new IllegalArgumentException("MemoryExpansion: expected a gradient [" + steps + ", " + b + ", " + w + "], got " + Arrays.toString(gradOut.shape()));
        }
        float[] g = be.toHost(gradOut), dx = new float[steps * b * n];
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k <= memory; k++) {
                int src = source(t, k, steps);
                if (src < 0) continue;
                for (int r = 0; r < b; r++) {
                    int d = (src * b + r) * n, o = (t * b + r) * w + k * n;
                    for (int j = 0; j < n; j++) dx[d + j] += g[o + j];
                }
            }
        }
        return be.fromHost(dx, steps, b, n);
    }

    @Override
    public String describe() { return "MemoryExpansion(" + features + " × " + (memory + 1) + (circular ? ", circular as released" : ", causal") + ")"; }
}
