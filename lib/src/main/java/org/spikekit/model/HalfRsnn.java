package org.spikekit.model;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.core.SequenceModel;
import org.spikekit.metrics.DType;
import org.spikekit.metrics.MetricModel;
import org.spikekit.neuron.LeakyReadout;
import org.spikekit.neuron.LifNeuron;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.ReadoutNeuron;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.RecurrentLifLayer;
import org.spikekit.neuron.Precision;

/**
 * Inference of an {@link Rsnn} with emulated IEEE float16 arithmetic, as the RSNN authors computed
 * their headline tinyRSNN metrics: after pruning they call {@code model.half()} and evaluate the test
 * set cast to float16 on a GPU, states included (fmi-basel/neural-decoding-RSNN
 * {@code train-tinyRSNN.py}, {@code evaluate.py}). A view: it reads the wrapped model's current
 * parameters at every forward pass and never changes them; the float32 path of {@link Rsnn} is
 * untouched.
 *
 * <p>Emulation (the semantics of the reference forward pass committed as
 * {@code data/reference/rsnn-released/golden-*}, see its README): every operation is computed in higher
 * precision and its result rounded once to float16 (round to nearest even, {@code r} below):
 * softplus, ·τ0, −Δt/τ, exp, 1 − β, each product and each sum. A matrix–vector product is summed
 * exactly (in double: sums of float16 products with 0/1 spikes are exact there) and rounded once.
 * Per step, with c the synaptic input emitted at a step and d the layers' synaptic delay (2 as released):
 * <pre>
 *   β        = r(exp(r(−Δt / r(τ0·r(softplus(p))))))       per unit, once per pass (Δt, τ0 unrounded scalars)
 *   S[n]     = Θ(U[n] − θ)
 *   c[n]     = r(r(W·x[n]) + r(V·S[n]))                     input summed first, as stork gathers a group's input
 *   I[n+1]   = r(r(β_syn·I[n]) + c[n + 1 − d])
 *   U[n+1]   = r(r(r(β_mem·U[n]) + r(r(1 − β_mem)·I[n]))·(1 − S[n]))    (ResetMode.SUBTRACT: − r(θ·S[n]))
 *   readout:  c_o[n] = r(W_ro·S[n]);  I_o[n+1] = r(r(β_syn·I_o[n]) + c_o[n + 1 − d]);
 *             Y[n+1] = r(r(β_mem·Y[n]) + r(r(1 − β_mem)·I_o[n]));  output[n] = Y[n+1] (one head) or r(mean of heads)
 *   Y[0] = r(−0.01), everything else 0
 * </pre>
 * The neuron updates are {@link LifNeuron#membrane} and {@link LifNeuron#current} with the
 * {@link Precision#FP16} policy, and the readout's {@link ReadoutNeuron#output(Precision, double, double, double, double)}
 * and {@link ReadoutNeuron#current(Precision, double, double, double)} likewise.
 * The reference reports that these semantics are order-independent for its golden set (float32 and
 * float64 intermediates gave the same float16 results), which is why an emulation can reproduce a GPU
 * run's spikes exactly. With {@code half = false} the same loop runs in double precision without
 * rounding (a check that the loop computes what {@link Rsnn#predict} computes).
 *
 * <p>As a {@link org.spikekit.core.SequenceModel} it runs on inference tapes only
 * ({@code forward(x, Tape.inference())}, the prediction; the spikes published as
 * {@code SequenceModel.SPIKES}): a training tape and {@code Tape.evalWithGrad()} are refused.
 *
 * <pre>{@code
 * Half.roundParameters(model);                                   // weights exactly float16
 * double r2 = Trainer.evaluate(new HalfRsnn(model, true), test, 1);
 * }</pre>
 */
public final class HalfRsnn implements NeuroBenchModel {
    private final Rsnn model;
    private final boolean half;
    private final Precision precision;

    /**
     * @param model the model to evaluate (not modified)
     * @param half true: emulate float16; false: the same loop in double precision, unrounded
     */
    public HalfRsnn(Rsnn model, boolean half) {
        if (model == null) throw new IllegalArgumentException("HalfRsnn: model must not be null");
        if (!model.config().lifHidden()) {
            throw new IllegalArgumentException("HalfRsnn: the float16 view is written for the LIF hidden layer; this model's Rsnn.Config.neuron is "
                    + model.config().neuron() + " (supported: null or Lif)");
        }
        this.model = model;
        this.half = half;
        this.precision = half ? Precision.FP16 : Precision.FP64;
    }

    public Rsnn model() { return model; }

    public boolean half() { return half; }

    @Override public int inputs() { return model.inputs(); }

    @Override public int outputs() { return model.outputs(); }

    @Override public List<Parameter> parameters() { return model.parameters(); }

    private double r(double x) { return precision.round(x); }

    /** {@code β = exp(−Δt/(τ0·softplus(p)))} per unit, each operation rounded. */
    private double[] betas(float[] raw, double[] tau0, double dtS) {
        double[] b = new double[raw.length];
        for (int u = 0; u < raw.length; u++) {
            double p = r(raw[u]);
            double sp = r(Math.max(p, 0.0) + Math.log1p(Math.exp(-Math.abs(p))));
            double tau = r(tau0[u] * sp);                        // τ0 is a Python float: not rounded itself
            b[u] = r(Math.exp(r(-dtS / tau)));
        }
        return b;
    }

    /** The decays of the hidden layer, {@code [β_syn; β_mem]} per neuron, as this view computes them. */
    public double[][] hiddenBetas() {
        RecurrentLifLayer hl = model.hiddenLayer();
        LifParams lp = hl.params();
        Backend be = model.backend();
        int n = hl.neurons();
        double[] tm0 = new double[n], ts0 = new double[n];
        java.util.Arrays.fill(tm0, lp.tauMemS());
        java.util.Arrays.fill(ts0, lp.tauSynS());
        return new double[][] {betas(be.toHost(hl.tauSynRaw().value()), ts0, lp.dtS()),
                betas(be.toHost(hl.tauMemRaw().value()), tm0, lp.dtS())};
    }

    /** The decays of the readout, {@code [β_syn; β_mem]} per unit, as this view computes them. */
    public double[][] readoutBetas() {
        LeakyReadout ro = model.readout();
        ReadoutParams rp = ro.params();
        Backend be = model.backend();
        int units = ro.units(), outs = ro.outputs();
        double[] tm0 = new double[units], ts0 = new double[units];
        for (int hd = 0; hd < rp.headCount(); hd++) {
            for (int o = 0; o < outs; o++) {
                tm0[hd * outs + o] = rp.heads().get(hd).tauMemS();
                ts0[hd * outs + o] = rp.heads().get(hd).tauSynS();
            }
        }
        return new double[][] {betas(be.toHost(ro.tauSynRaw().value()), ts0, rp.dtS()),
                betas(be.toHost(ro.tauMemRaw().value()), tm0, rp.dtS())};
    }

    private double[] hostRounded(Tensor t) {
        float[] v = t.backend().toHost(t);
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = r(v[i]);
        return o;
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
        boolean hiddenLate = lp.synapticDelay() == 2, readoutLate = rp.synapticDelay() == 2;

        double[] w = hostRounded(hl.w().value()), v = hl.v() == null ? null : hostRounded(hl.v().value());
        double[] th = hostRounded(hl.threshold().value());
        double[][] hb = hiddenBetas(), rb = readoutBetas();
        double[] bs = hb[0], bm = hb[1], rbs = rb[0], rbm = rb[1];
        double[] wro = hostRounded(ro.w().value());
        double[] obm = new double[n], robm = new double[units];
        for (int i = 0; i < n; i++) obm[i] = r(1.0 - bm[i]);
        for (int u = 0; u < units; u++) robm[u] = r(1.0 - rbm[u]);

        float[] xs = be.toHost(x);
        float[] out = new float[t * b * outs];
        float[] spikes = new float[t * b * n];
        double y0 = r(rp.y0());
        double[] U = new double[n], I = new double[n], S = new double[n], c = new double[n], acc = new double[n], rec = new double[n];
        double[] Y = new double[units], IO = new double[units], co = new double[units], ain = new double[units];
        for (int row = 0; row < b; row++) {
            java.util.Arrays.fill(U, 0);
            java.util.Arrays.fill(I, 0);
            java.util.Arrays.fill(c, 0);
            java.util.Arrays.fill(Y, y0);
            java.util.Arrays.fill(IO, 0);
            java.util.Arrays.fill(co, 0);
            for (int k = 0; k < t; k++) {
                int xo = (k * b + row) * in;
                // spikes from the membrane before the update
                for (int i = 0; i < n; i++) S[i] = lp.surrogate().spike((float) (U[i] - th[i]));
                // c[k] = r(r(W·x[k]) + r(V·S[k])): each product summed exactly, rounded once; with a delay
                // of 2 the update below consumes c[k−1] (kept in c), else c[k]
                java.util.Arrays.fill(acc, 0);
                for (int j = 0; j < in; j++) {
                    double xj = r(xs[xo + j]);
                    if (xj == 0) continue;
                    int wr = j * n;
                    for (int i = 0; i < n; i++) acc[i] += xj * w[wr + i];
                }
                java.util.Arrays.fill(rec, 0);
                if (v != null) {
                    for (int j = 0; j < n; j++) {
                        if (S[j] == 0) continue;
                        int vr = j * n;
                        for (int i = 0; i < n; i++) rec[i] += S[j] * v[vr + i];
                    }
                }
                for (int i = 0; i < n; i++) {
                    double ck = v == null ? r(acc[i]) : r(r(acc[i]) + r(rec[i]));
                    double input = hiddenLate ? c[i] : ck;
                    c[i] = ck;
                    double u = LifNeuron.membrane(precision, lp.reset(), bm[i], obm[i], th[i], U[i], I[i], S[i]);
                    I[i] = LifNeuron.current(precision, bs[i], I[i], input);
                    U[i] = u;
                    spikes[(k * b + row) * n + i] = (float) S[i];
                }
                // readout: c_o[k] = r(W_ro·S[k]); the update consumes c_o[k−1] (delay 2) or c_o[k]
                java.util.Arrays.fill(ain, 0);
                for (int j = 0; j < n; j++) {
                    if (S[j] == 0) continue;
                    int wr = j * units;
                    for (int u = 0; u < units; u++) ain[u] += S[j] * wro[wr + u];
                }
                for (int u = 0; u < units; u++) {
                    double ck = r(ain[u]);
                    double input = readoutLate ? co[u] : ck;
                    co[u] = ck;
                    double y = ReadoutNeuron.output(precision, rbm[u], robm[u], Y[u], IO[u]);
                    IO[u] = ReadoutNeuron.current(precision, rbs[u], IO[u], input);
                    Y[u] = y;
                }
                int oo = (k * b + row) * outs;
                for (int o = 0; o < outs; o++) {
                    if (heads == 1) {
                        out[oo + o] = (float) Y[o];
                    } else {
                        double sum = 0;
                        for (int hd = 0; hd < heads; hd++) sum += Y[hd * outs + o];
                        out[oo + o] = (float) r(sum / heads);
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

    /** The wrapped model's description (same connections and parameters). */
    @Override
    public MetricModel describe(DType parameterType) { return model.describe(parameterType); }

    /**
     * The float16 run as a NeuroBench workload: the same connections as {@link Rsnn#run}, fed with
     * this run's inputs and hidden spikes, so activation sparsity and synaptic operations are those of
     * the float16 model, as in the authors' evaluation.
     */
    @Override
    public Workload run(Tensor x) {
        Pass p = forward(x, false, 0L);
        int b = x.dim(1), heads = model.headCount();
        List<Workload.LayerInput> in = new java.util.ArrayList<>();
        in.add(new Workload.LayerInput("hidden.in", x, b));
        in.add(new Workload.LayerInput("hidden.rec", p.spikes(), b));
        for (int h = 0; h < heads; h++) in.add(new Workload.LayerInput(heads == 1 ? "readout" : "readout" + (h + 1), p.spikes(), b));
        return new Workload(p.prediction(), in, List.of(p.spikes()), (long) x.dim(0) * b);
    }

    /** Not supported: an inference view. */
    @Override
    public void backward(Pass pass, Tensor gradPrediction, Tensor gradSpikes) {
        throw new UnsupportedOperationException("HalfRsnn is an inference view; train the wrapped Rsnn");
    }
}
