package org.spikekit.nn;

import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.train.Parameter;

/**
 * Inverted dropout whose mask is shared along the first (time) axis, as SpikingJelly's multi-step
 * {@code layer.Dropout} (used throughout Spikachu, spikachu.md §1.2): for an input
 * {@code [T, ...]} one mask over the trailing axes is drawn per forward pass (kept with probability
 * {@code 1 − p}, scaled by {@code 1/(1 − p)}) and applied at every step, so a dropped neuron stays
 * silent for the whole sequence. The identity in evaluation or when p = 0. The mask comes from the
 * tape's next seed.
 */
public final class SharedDropout implements Layer {
    private final float p;

    public SharedDropout(float p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("SharedDropout: p must be in [0, 1), got " + p);
        this.p = p;
    }

    public float p() { return p; }

    @Override
    public List<Parameter> parameters() { return List.of(); }

    private record Rec(float[] mask) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        if (x == null || x.rank() < 2) {
            throw new IllegalArgumentException("SharedDropout: expected a time-major input [T, ...], got " + (x == null ? "null" : Arrays.toString(x.shape())));
        }
        if (!tape.training() || p == 0f) {
            tape.push(new Rec(null));
            return x;
        }
        Backend be = x.backend();
        long seed = tape.nextSeed();
        float keep = 1f - p, scale = 1f / keep;
        float[] v = be.toHost(x);
        int steps = x.dim(0), n = steps == 0 ? 0 : v.length / steps;
        float[] m = new float[n];
        for (int i = 0; i < n; i++) m[i] = CounterRng.uniform(seed, i) < keep ? scale : 0f;
        for (int t = 0; t < steps; t++) {
            int o = t * n;
            for (int i = 0; i < n; i++) v[o + i] *= m[i];
        }
        tape.push(new Rec(m));
        return be.fromHost(v, x.shape());
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        if (r.mask() == null) return gradOut;
        Backend be = gradOut.backend();
        float[] g = be.toHost(gradOut), m = r.mask();
        int n = m.length, steps = n == 0 ? 0 : g.length / n;
        for (int t = 0; t < steps; t++) {
            int o = t * n;
            for (int i = 0; i < n; i++) g[o + i] *= m[i];
        }
        return be.fromHost(g, gradOut.shape());
    }

    @Override
    public String describe() { return "SharedDropout(" + p + ")"; }
}
