package org.spikekit.nn;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.train.Parameter;

/**
 * Inverted dropout: in training, each element is kept with probability {@code 1 − p} and scaled by
 * {@code 1/(1 − p)}; the identity in evaluation or when p = 0. Masks come from the tape's next seed.
 */
public final class Dropout implements Layer {
    private final float p;

    public Dropout(float p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        this.p = p;
    }

    public float p() { return p; }

    @Override
    public List<Parameter> parameters() { return List.of(); }

    private record Rec(float[] mask) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        if (!tape.training() || p == 0f) {
            tape.push(new Rec(null));
            return x;
        }
        Backend be = x.backend();
        long seed = tape.nextSeed();
        float keep = 1f - p, scale = 1f / keep;
        float[] v = be.toHost(x), m = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            m[i] = CounterRng.uniform(seed, i) < keep ? scale : 0f;
            v[i] *= m[i];
        }
        tape.push(new Rec(m));
        return be.fromHost(v, x.shape());
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        if (r.mask() == null) return gradOut;
        Backend be = gradOut.backend();
        float[] g = be.toHost(gradOut);
        for (int i = 0; i < g.length; i++) g[i] *= r.mask()[i];
        return be.fromHost(g, gradOut.shape());
    }

    @Override
    public String describe() { return "Dropout(" + p + ")"; }
}
