package org.spikekit.model;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;
import org.spikekit.neuron.LeakyReadout;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.RecurrentLifLayer;
import org.spikekit.neuron.ResetMode;
import org.spikekit.train.Parameter;
import org.spikekit.train.SequenceModel;

/**
 * Inference of an {@link Rsnn} with emulated IEEE float16 arithmetic, stage 4 of the tinyRSNN
 * recipe (rsnn.md §2.3: {@code model.half()}, test data cast to float16, evaluated in float16). A
 * view: it reads the wrapped model's current parameters at every forward pass and never changes
 * them, and the float32 path of {@link Rsnn} is untouched.
 *
 * <p>Emulation: every elementwise operation of the §2.2 equations is computed in float32 and its
 * result rounded to float16 (round-to-nearest-even), as PyTorch does for half tensors; each matrix
 * product accumulates in float32 and is rounded once (the cuBLAS default for half GEMM). Parameters,
 * inputs, decays, currents, membranes and outputs are therefore all float16 values. Per step n:
 * <pre>
 *   β = h(exp(h(−Δt / h(τ0·h(softplus(r))))))          per unit, once per pass;  h = round to float16
 *   S[n]   = Θ(U[n] − θ)
 *   I[n+1] = h(h(β_syn·I[n]) + h(h(W·x[n]) + h(V·S[n])))
 *   U[n+1] = h(h(h(β_mem·U[n]) + h(h(1 − β_mem)·I[n]))·(1 − S[n]))
 *   readout: I_o[n+1] = h(h(β_syn·I_o[n]) + h(W_ro·S[n])),  Y[n+1] = h(h(β_mem·Y[n]) + h(h(1 − β_mem)·I_o[n]))
 *   output = Y (one head) or h(mean over heads);  Y[0] = h(−0.01)
 * </pre>
 * The order of operations follows the equations; PyTorch's kernels may order sums differently, so
 * this reproduces a float16 run's precision, not its exact bits. With {@code half = false} the same
 * loop runs in float32 (a reference that matches {@link Rsnn#predict} up to summation order).
 *
 * <pre>{@code
 * Half.roundParameters(model);                                   // weights exactly float16
 * double r2 = Trainer.evaluate(new HalfRsnn(model, true), test, 1);
 * }</pre>
 */
public final class HalfRsnn implements SequenceModel {
    private final Rsnn model;
    private final boolean half;

    /**
     * @param model the model to evaluate (not modified)
     * @param half true: emulate float16; false: the same loop in float32
     */
    public HalfRsnn(Rsnn model, boolean half) {
        if (model == null) throw new IllegalArgumentException("HalfRsnn: model must not be null");
        this.model = model;
        this.half = half;
    }

    public Rsnn model() { return model; }

    public boolean half() { return half; }

    @Override public int inputs() { return model.inputs(); }

    @Override public int outputs() { return model.outputs(); }

    @Override public List<Parameter> parameters() { return model.parameters(); }

    private float h(float x) { return half ? Float.float16ToFloat(Float.floatToFloat16(x)) : x; }

    /** {@code β = exp(−Δt/(τ0·softplus(r)))} per unit, each operation rounded. */
    private float[] betas(float[] raw, float[] tau0, double dtS) {
        float[] b = new float[raw.length];
        for (int u = 0; u < raw.length; u++) {
            float sp = h(UnaryOp.SOFTPLUS.apply(h(raw[u])));
            float tau = h(tau0[u] * sp);
            float a = half ? h((float) -dtS / tau) : (float) -dtS * (1f / tau);
            b[u] = h(UnaryOp.EXP.apply(a));
        }
        return b;
    }

    private float[] hostRounded(Tensor t) {
        float[] v = t.backend().toHost(t);
        for (int i = 0; i < v.length; i++) v[i] = h(v[i]);
        return v;
    }

    /** Inference only: {@code training} must be false. */
    @Override
    public Pass forward(Tensor x, boolean training, long seed) {
        if (training) throw new UnsupportedOperationException("HalfRsnn is an inference view; train the wrapped Rsnn");
        if (x.rank() != 3 || x.dim(2) != model.inputs()) {
            throw new IllegalArgumentException("HalfRsnn: input must be [T, B, " + model.inputs() + "], got " + x);
        }
        Backend be = x.backend();
        int t = x.dim(0), b = x.dim(1), in = model.inputs();
        RecurrentLifLayer hl = model.hiddenLayer();
        LeakyReadout ro = model.readout();
        LifParams lp = hl.params();
        ReadoutParams rp = ro.params();
        int n = hl.neurons(), units = ro.units(), outs = ro.outputs(), heads = rp.headCount();

        float[] w = hostRounded(hl.w().value()), v = hl.v() == null ? null : hostRounded(hl.v().value());
        float[] th = hostRounded(hl.threshold().value());
        float[] tm0 = new float[n], ts0 = new float[n];
        java.util.Arrays.fill(tm0, (float) lp.tauMemS());
        java.util.Arrays.fill(ts0, (float) lp.tauSynS());
        float[] bm = betas(be.toHost(hl.tauMemRaw().value()), tm0, lp.dtS());
        float[] bs = betas(be.toHost(hl.tauSynRaw().value()), ts0, lp.dtS());
        float[] wro = hostRounded(ro.w().value());
        float[] rtm0 = new float[units], rts0 = new float[units];
        for (int hd = 0; hd < heads; hd++) {
            for (int o = 0; o < outs; o++) {
                rtm0[hd * outs + o] = (float) rp.heads().get(hd).tauMemS();
                rts0[hd * outs + o] = (float) rp.heads().get(hd).tauSynS();
            }
        }
        float[] rbm = betas(be.toHost(ro.tauMemRaw().value()), rtm0, rp.dtS());
        float[] rbs = betas(be.toHost(ro.tauSynRaw().value()), rts0, rp.dtS());
        float[] obm = new float[n], robm = new float[units];
        for (int i = 0; i < n; i++) obm[i] = h(1f - bm[i]);
        for (int u = 0; u < units; u++) robm[u] = h(1f - rbm[u]);
        boolean zeroReset = lp.reset() == ResetMode.ZERO;

        float[] xs = be.toHost(x);
        float[] out = new float[t * b * outs];
        float[] spikes = new float[t * b * n];
        float y0 = h(rp.y0());
        float[] U = new float[n], I = new float[n], S = new float[n], acc = new float[n], rec = new float[n];
        float[] Y = new float[units], IO = new float[units], ain = new float[units];
        for (int r = 0; r < b; r++) {
            java.util.Arrays.fill(U, 0f);
            java.util.Arrays.fill(I, 0f);
            java.util.Arrays.fill(Y, y0);
            java.util.Arrays.fill(IO, 0f);
            for (int k = 0; k < t; k++) {
                int xo = (k * b + r) * in;
                // spikes from the membrane before the update
                for (int i = 0; i < n; i++) S[i] = lp.surrogate().spike(U[i] - th[i]);
                // synaptic input: W·x and V·S, each accumulated in float32 and rounded once
                java.util.Arrays.fill(acc, 0f);
                for (int j = 0; j < in; j++) {
                    float xj = h(xs[xo + j]);
                    if (xj == 0f) continue;
                    int wr = j * n;
                    for (int i = 0; i < n; i++) acc[i] += xj * w[wr + i];
                }
                java.util.Arrays.fill(rec, 0f);
                if (v != null) {
                    for (int j = 0; j < n; j++) {
                        if (S[j] == 0f) continue;
                        int vr = j * n;
                        for (int i = 0; i < n; i++) rec[i] += S[j] * v[vr + i];
                    }
                }
                for (int i = 0; i < n; i++) {
                    float input = v == null ? h(acc[i]) : h(h(acc[i]) + h(rec[i]));
                    float m = h(h(bm[i] * U[i]) + h(obm[i] * I[i]));
                    I[i] = h(h(bs[i] * I[i]) + input);
                    U[i] = zeroReset ? h(m * (1f - S[i])) : h(m - h(th[i] * S[i]));
                    spikes[(k * b + r) * n + i] = S[i];
                }
                // readout from the same step's hidden spikes
                java.util.Arrays.fill(ain, 0f);
                for (int j = 0; j < n; j++) {
                    if (S[j] == 0f) continue;
                    int wr = j * units;
                    for (int u = 0; u < units; u++) ain[u] += S[j] * wro[wr + u];
                }
                for (int u = 0; u < units; u++) {
                    float y = h(h(rbm[u] * Y[u]) + h(robm[u] * IO[u]));
                    IO[u] = h(h(rbs[u] * IO[u]) + h(ain[u]));
                    Y[u] = y;
                }
                int oo = (k * b + r) * outs;
                for (int o = 0; o < outs; o++) {
                    if (heads == 1) {
                        out[oo + o] = Y[o];
                    } else {
                        float s = 0f;
                        for (int hd = 0; hd < heads; hd++) s += Y[hd * outs + o];
                        out[oo + o] = h(s / heads);
                    }
                }
            }
        }
        Tensor pred = be.fromHost(out, t, b, outs), sp = be.fromHost(spikes, t, b, n);
        return new Pass() {
            @Override public Tensor prediction() { return pred; }
            @Override public Tensor spikes() { return sp; }
        };
    }

    /** Not supported: an inference view. */
    @Override
    public void backward(Pass pass, Tensor gradPrediction, Tensor gradSpikes) {
        throw new UnsupportedOperationException("HalfRsnn is an inference view; train the wrapped Rsnn");
    }
}
