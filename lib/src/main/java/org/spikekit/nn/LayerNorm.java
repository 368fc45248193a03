package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;

/**
 * Layer normalisation over the last axis, as PyTorch's {@code nn.LayerNorm(features)}:
 * {@code y = (x − mean)/sqrt(var + eps)·γ + β} with the biased variance, γ = 1, β = 0 at start.
 */
public final class LayerNorm implements Layer {
    private final String name;
    private final int features;
    private final float eps;
    private final Parameter gamma, beta;

    public LayerNorm(Backend be, String name, int features) { this(be, name, features, 1e-5f); }

    public LayerNorm(Backend be, String name, int features, float eps) {
        if (features < 1) throw new IllegalArgumentException("LayerNorm " + name + ": features must be >= 1, got " + features);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm " + name + ": eps must be > 0, got " + eps);
        this.name = name;
        this.features = features;
        this.eps = eps;
        Tensor g = be.zeros(features);
        be.fill(g, 1f);
        this.gamma = new Parameter(name + ".gamma", g, true);
        this.beta = new Parameter(name + ".beta", be.zeros(features), true);
    }

    @Override
    public List<Parameter> parameters() { return List.of(gamma, beta); }

    private record Rec(float[] xhat, float[] invStd, int[] shape) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        int[] s = Shapes.lastDim(x, features, "LayerNorm " + name);
        Backend be = x.backend();
        float[] v = be.toHost(x), g = be.toHost(gamma.value()), b = be.toHost(beta.value());
        int rows = v.length / features;
        float[] xhat = new float[v.length], inv = new float[rows], y = new float[v.length];
        HomogenizerKernels.layerNorm(v, g, b, eps, rows, features, y, xhat, inv);
        tape.push(new Rec(xhat, inv, s));
        return be.fromHost(y, s);
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        Backend be = gradOut.backend();
        float[] gy = be.toHost(gradOut), g = be.toHost(gamma.value()), xh = r.xhat();
        int rows = gy.length / features;
        double[] dgd = new double[features], dbd = new double[features];
        float[] gx = HomogenizerKernels.layerNormBackward(gy, xh, r.invStd(), g, rows, features, dgd, dbd);
        float[] dg = new float[features], db = new float[features];
        for (int j = 0; j < features; j++) {
            dg[j] = (float) dgd[j];
            db[j] = (float) dbd[j];
        }
        be.axpby(1f, be.fromHost(dg, features), 1f, gamma.grad());
        be.axpby(1f, be.fromHost(db, features), 1f, beta.grad());
        return be.fromHost(gx, r.shape());
    }

    @Override
    public String describe() { return "LayerNorm(" + features + ")"; }
}
