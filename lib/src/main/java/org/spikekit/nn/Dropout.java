package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;

/**
 * Inverted dropout: in training, each element is kept with probability {@code 1 − p} and scaled by
 * {@code 1/(1 − p)}; the identity in evaluation or when p = 0. Masks come from the tape's next seed.
 *
 * <p>{@link #sharedOverTime} draws one mask over the trailing axes of a time-major input
 * {@code [T, ...]} per forward pass and applies it at every step, as SpikingJelly's multi-step
 * {@code layer.Dropout} (used throughout Spikachu, notebooks/papers/spikachu.md §4.2): a dropped neuron stays silent
 * for the whole sequence.
 */
public final class Dropout implements Layer {
    private final float p;
    private final boolean shared;

    /** Independent masks for every element. */
    public Dropout(float p) { this(p, false); }

    private Dropout(float p, boolean shared) {
        String name = shared ? "Dropout.sharedOverTime" : "Dropout";
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException(name + ": p must be in [0, 1), got " + p);
        this.p = p;
        this.shared = shared;
    }

    /** One mask per forward pass shared by every step of the first (time) axis. */
    public static Dropout sharedOverTime(float p) { return new Dropout(p, true); }

    public float p() { return p; }

    public boolean shared() { return shared; }

    @Override
    public List<Parameter> parameters() { return List.of(); }

    private record Rec(float[] mask) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        if (shared && (x == null || x.rank() < 2)) {
            throw new IllegalArgumentException("Dropout.sharedOverTime: expected a time-major input [T, ...], got "
                    + (x == null ? "null" : Arrays.toString(x.shape())));
        }
        if (!tape.training() || p == 0f) {
            tape.push(new Rec(null));
            return x;
        }
        Backend be = x.backend();
        long seed = tape.nextSeed();
        float keep = 1f - p, scale = 1f / keep;
        float[] v = be.toHost(x);
        int steps = shared ? x.dim(0) : 1, n = steps == 0 ? 0 : v.length / steps;
        float[] m = new float[n];
        for (int i = 0; i < n; i++) m[i] = CounterRng.uniform(seed, i) < keep ? scale : 0f;
        applyPeriodic(v, m);
        tape.push(new Rec(m));
        return be.fromHost(v, x.shape());
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        if (r.mask() == null) return gradOut;
        Backend be = gradOut.backend();
        float[] g = be.toHost(gradOut);
        applyPeriodic(g, r.mask());
        return be.fromHost(g, gradOut.shape());
    }

    /** Multiplies consecutive blocks of {@code v} of the mask's length by the mask. */
    private static void applyPeriodic(float[] v, float[] m) {
        int n = m.length;
        if (n == 0) return;
        for (int o = 0; o + n <= v.length; o += n) {
            for (int i = 0; i < n; i++) v[o + i] *= m[i];
        }
    }

    @Override
    public String describe() { return (shared ? "Dropout.sharedOverTime(" : "Dropout(") + p + ")"; }
}
