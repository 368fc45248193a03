package org.spikekit.nir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.model.Rsnn;
import org.spikekit.model.Snn2;
import org.spikekit.neuron.LeakyReadout;
import org.spikekit.neuron.LifCoeffs;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.RecurrentLifLayer;
import org.spikekit.neuron.ResetMode;

/**
 * NIR graphs of the kit's trained networks, for other simulators and chips.
 *
 * <h2>How the kit's discrete neurons become NIR nodes</h2>
 * The kit's models are defined in discrete time; NIR is continuous. Each decay β per step of Δt is
 * written as the time constant τ = Δt/(1 − β) that forward Euler at Δt turns back into β exactly
 * (1 − Δt/τ, rounded to float, is β to the last bit), and R, w_in are chosen so that an Euler step
 * adds the input as the kit does: LIF/LI R = τ/Δt (snnTorch's convention for its {@code Leaky}),
 * CubaLIF/CubaLI R = 1, w_in = τ_syn/Δt (the kit's U ← β·U + (1 − β)·I, I ← β_syn·I + input).
 * v_leak = v_reset = 0. The step, the reset timing and the model name go into the graph metadata
 * ({@value NirOptions#META_DT}, {@value NirOptions#META_RESET}, {@code spikekit_model}), which
 * {@link NirOptions#forGraph} reads back. An exporter that used the exact exponential, τ = −Δt/ln β,
 * would give another simulator using exp(−Δt/τ) the same β; forward Euler is what NIR's reference
 * implementation and snnTorch's importer (β = 1 − Δt/τ, {@code snntorch/import_nir.py}) do, so the kit writes that.
 *
 * <h2>What the kit's own reader computes, and what another simulator does</h2>
 * {@link NirNetwork} run with the metadata's options (Δt, {@code NEXT_STEP} reset) reproduces the
 * exported model bit for bit. A simulator that reads the file as NIR defines it — forward Euler at the
 * same Δt, reset in the step of the spike ({@code SAME_STEP}) — computes the same graph with one
 * difference: after a spike the kit's neurons drop the next step's update (the membrane is 0 there),
 * NIR's neurons integrate it from v_reset. Latencies are written out as Delay nodes, see
 * {@link #rsnn}, so they agree. {@code NirNetwork} with {@code SAME_STEP} shows the difference (notebook
 * 50). A simulator with another Δt, or without Delay nodes, drifts further.
 *
 * <h2>Models without a NIR form</h2>
 * See {@link #NOT_EXPORTABLE}: the graph must be made of NIR primitives, and the kit does not export
 * an approximation under the same name.
 */
public final class NirExport {
    private NirExport() {}

    /** Graph metadata key: which kit model the graph is. */
    public static final String META_MODEL = "spikekit_model";

    /** The kit's other models and why each has no NIR graph (NIR's primitives: {@link NirNode#SUPPORTED} and convolution/pooling). */
    public static final Map<String, String> NOT_EXPORTABLE;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("SNN3 (NeuroBench baseline)", "LayerNorm over the 7 sub-bins × inputs of each bin: normalisation by the "
                + "input's own mean and variance is no NIR primitive; its Leaky layers also reset by subtraction, and NIR "
                + "resets to v_reset only");
        m.put("Spikachu (SpikachuCore, SpikachuDecoder)", "the homogenizer's attention over unit tokens, spiking "
                + "self-attention (products of spike matrices) and LayerNorm have no NIR primitives");
        m.put("Blocks ALIF networks (AlifNet, EphysNeurons)", "adaptive thresholds (a second state raising the "
                + "threshold after each spike) and the Blocks single-spike-per-block kernel have no NIR primitive");
        m.put("SpikeNN readout (SingleSpikeLayer)", "event-driven neurons that fire at most once per sample, on "
                + "float timestamps with no time grid: NIR's neurons spike repeatedly and have no refractoriness");
        m.put("Spikachu ANN baselines (MLP, RNN, GRU, LSTM)", "non-spiking networks: ReLU/tanh, gates "
                + "(products of activations) and LayerNorm are not NIR primitives");
        m.put("HalfRsnn", "float16 arithmetic is a way of running a network, not part of it: export the wrapped "
                + "Rsnn, whose graph is the same");
        NOT_EXPORTABLE = java.util.Collections.unmodifiableMap(m);
    }

    // ------------------------------------------------------------------ RSNN

    /**
     * tinyRSNN / bigRSNN ({@link Rsnn}) as a NIR graph, inference path (no dropout):
     * <pre>
     *   input [in] → w_in (Linear) → [d_in] → lif (CubaLIF N) → spikes (Delay 1 step)
     *   spikes → w_rec (Linear N×N) → [d_rec] → lif                       recurrent loop
     *   spikes → w_out (Linear) → [d_out] → readout (CubaLI H·O) → [mean (Linear, 1/H)] → output [O]
     * </pre>
     * The Delay nodes carry the kit's latencies. {@code spikes}: the kit's neuron spikes from the
     * membrane before its update (S[n] = Θ(U[n] − θ), {@code RecurrentLifLayer}), one step after the
     * Euler CubaLIF, whose spike comes from the updated membrane. {@code d_in}, {@code d_rec}
     * ({@link org.spikekit.neuron.LifParams#synapticDelay()} = 2) and {@code d_out}
     * ({@link ReadoutParams#synapticDelay()} = 2): stork's one-step-late delivery of every connection in
     * the released dynamics; they are left out for a delay of 1. The readout's output Y at step n is its
     * state after the update, like CubaLI's v[n]. Its initial value Y[0] = y0 (−0.01) is no NIR
     * parameter: it is written as node metadata {@value NirOptions#META_INITIAL_V}, which other
     * simulators ignore (they start at 0; the difference decays as y0·β_mem^(n+1)). With several
     * readout heads the prediction is their mean ({@code mean}).
     *
     * @throws IllegalArgumentException for a reset by subtraction (NIR resets to v_reset) or Δt that
     *         differs between the hidden layer and the readout
     */
    public static NirGraph rsnn(Rsnn model) {
        if (!model.config().lifHidden()) {
            throw new IllegalArgumentException("NirExport.rsnn: NIR export is written for the LIF hidden layer (CubaLIF); this model's "
                    + "Rsnn.Config.neuron is " + model.config().neuron() + " (supported: null or Lif)");
        }
        Backend be = model.backend();
        RecurrentLifLayer h = model.hiddenLayer();
        LeakyReadout ro = model.readout();
        Rsnn.Config cfg = model.config();
        double dt = cfg.lif().dtS();
        if (cfg.lif().reset() != ResetMode.ZERO) {
            throw new IllegalArgumentException("NirExport.rsnn: the hidden layer resets by " + cfg.lif().reset()
                    + "; NIR's CubaLIF resets to v_reset only (ZERO)");
        }
        if (cfg.readout().dtS() != dt) {
            throw new IllegalArgumentException("NirExport.rsnn: hidden Δt " + dt + " s and readout Δt " + cfg.readout().dtS() + " s differ");
        }
        int in = cfg.inputs(), n = cfg.hidden(), o = cfg.outputs(), heads = model.headCount(), units = heads * o;
        boolean hDelay = cfg.lif().synapticDelay() == 2, rDelay = cfg.readout().synapticDelay() == 2;

        LifCoeffs c = h.coefficients();
        float[] bm = be.toHost(c.betaMem()), bs = be.toHost(c.betaSyn()), th = be.toHost(c.theta());
        double[] tauMem = taus(bm, dt, "hidden β_mem"), tauSyn = taus(bs, dt, "hidden β_syn");
        double[] thr = new double[n], wIn = new double[n];
        for (int j = 0; j < n; j++) {
            thr[j] = th[j];
            wIn[j] = tauSyn[j] / dt;
        }
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        List<NirGraph.Edge> edges = new ArrayList<>();
        nodes.put("input", new NirNode.Input(in));
        nodes.put("w_in", new NirNode.Linear(transposed(be, h.w().value())));
        if (hDelay) nodes.put("d_in", delay(dt, n));
        nodes.put("lif", new NirNode.CubaLif(NirArray.of(tauSyn), NirArray.of(tauMem), NirArray.filled(1, n), NirArray.filled(0, n),
                NirArray.of(thr), NirArray.filled(0, n), NirArray.of(wIn)));
        nodes.put("spikes", delay(dt, n));
        if (h.v() != null) {
            nodes.put("w_rec", new NirNode.Linear(transposed(be, h.v().value())));
            if (hDelay) nodes.put("d_rec", delay(dt, n));
        }
        nodes.put("w_out", new NirNode.Linear(transposed(be, ro.w().value())));
        if (rDelay) nodes.put("d_out", delay(dt, units));
        float[] rbm = be.toHost(ro.betaMem()), rbs = be.toHost(ro.betaSyn());
        double[] rTauMem = taus(rbm, dt, "readout β_mem"), rTauSyn = taus(rbs, dt, "readout β_syn"), rWin = new double[units];
        for (int j = 0; j < units; j++) rWin[j] = rTauSyn[j] / dt;
        float[] y0 = new float[units];
        java.util.Arrays.fill(y0, cfg.readout().y0());
        nodes.put("readout", new NirNode.CubaLi(NirArray.of(rTauSyn), NirArray.of(rTauMem), NirArray.filled(1, units),
                NirArray.filled(0, units), NirArray.of(rWin), Map.of(NirOptions.META_INITIAL_V, NirArray.float32(y0, units))));
        if (heads > 1) {
            float[] mean = new float[o * units];
            for (int hd = 0; hd < heads; hd++) for (int k = 0; k < o; k++) mean[k * units + hd * o + k] = 1f / heads;
            nodes.put("mean", new NirNode.Linear(NirArray.float32(mean, o, units)));
        }
        nodes.put("output", new NirNode.Output(o));

        edges.add(new NirGraph.Edge("input", "w_in"));
        if (hDelay) {
            edges.add(new NirGraph.Edge("w_in", "d_in"));
            edges.add(new NirGraph.Edge("d_in", "lif"));
        } else {
            edges.add(new NirGraph.Edge("w_in", "lif"));
        }
        edges.add(new NirGraph.Edge("lif", "spikes"));
        if (h.v() != null) {
            edges.add(new NirGraph.Edge("spikes", "w_rec"));
            if (hDelay) {
                edges.add(new NirGraph.Edge("w_rec", "d_rec"));
                edges.add(new NirGraph.Edge("d_rec", "lif"));
            } else {
                edges.add(new NirGraph.Edge("w_rec", "lif"));
            }
        }
        edges.add(new NirGraph.Edge("spikes", "w_out"));
        if (rDelay) {
            edges.add(new NirGraph.Edge("w_out", "d_out"));
            edges.add(new NirGraph.Edge("d_out", "readout"));
        } else {
            edges.add(new NirGraph.Edge("w_out", "readout"));
        }
        if (heads > 1) {
            edges.add(new NirGraph.Edge("readout", "mean"));
            edges.add(new NirGraph.Edge("mean", "output"));
        } else {
            edges.add(new NirGraph.Edge("readout", "output"));
        }
        String name = n == 64 && heads == 1 ? "tinyRSNN" : n == 1024 && heads == 5 ? "bigRSNN" : "RSNN";
        return new NirGraph(nodes, edges, metadata(name, dt, cfg.dynamicsLabel()));
    }

    // ------------------------------------------------------------------ SNN2

    /**
     * NeuroBench's SNN2 ({@link Snn2}) as a NIR graph, inference path (no dropout):
     * {@code input → fc1 (Linear) → lif1 (LIF) → fc_out (Linear) → lif_out (LI) → output}. lif1 is
     * snnTorch's {@code Leaky} (U = β·U + I, spike from the new membrane, reset to zero in the next
     * step: {@code NEXT_STEP}); lif_out resets never and its membrane is the prediction, which is NIR's
     * LI. τ = Δt/(1 − β), R = τ/Δt, so an Euler step is U ← β·U + I.
     *
     * @param dtS the step the model runs at (NeuroBench primate reaching: 4e-3 s)
     */
    public static NirGraph snn2(Snn2 model, double dtS) {
        if (!(dtS > 0)) throw new IllegalArgumentException("NirExport.snn2: Δt must be > 0 s, got " + dtS);
        Backend be = model.backend();
        Snn2.Config cfg = model.config();
        int in = cfg.inputs(), n = cfg.hidden(), o = cfg.outputs();
        double tau = taus(new float[] {cfg.beta()}, dtS, "SNN2 β")[0];
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        nodes.put("input", new NirNode.Input(in));
        nodes.put("fc1", new NirNode.Linear(NirArray.float32(be.toHost(model.fc1().value()), n, in)));
        nodes.put("lif1", new NirNode.Lif(NirArray.filled(tau, n), NirArray.filled(tau / dtS, n), NirArray.filled(0, n),
                NirArray.filled(cfg.threshold(), n), NirArray.filled(0, n)));
        nodes.put("fc_out", new NirNode.Linear(NirArray.float32(be.toHost(model.fcOut().value()), o, n)));
        nodes.put("lif_out", new NirNode.Li(NirArray.filled(tau, o), NirArray.filled(tau / dtS, o), NirArray.filled(0, o)));
        nodes.put("output", new NirNode.Output(o));
        List<NirGraph.Edge> edges = List.of(new NirGraph.Edge("input", "fc1"), new NirGraph.Edge("fc1", "lif1"),
                new NirGraph.Edge("lif1", "fc_out"), new NirGraph.Edge("fc_out", "lif_out"), new NirGraph.Edge("lif_out", "output"));
        return new NirGraph(nodes, edges, metadata("SNN2", dtS, "snnTorch 0.7 Leaky, reset to zero in the next step"));
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> metadata(String model, double dt, String dynamics) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(META_MODEL, model);
        m.put(NirOptions.META_DT, dt);
        m.put(NirOptions.META_RESET, NirOptions.ResetTiming.NEXT_STEP.label());
        m.put("spikekit_dynamics", dynamics);
        m.put("spikekit_note", "exported by SpikeKit: tau = dt/(1 - beta) for forward Euler at dt; Delay nodes carry the "
                + "kit's latencies; the kit's neurons reset in the step after a spike (next-step)");
        return m;
    }

    /** τ = Δt/(1 − β) per element (double); β must lie in [0, 1). */
    static double[] taus(float[] beta, double dt, String what) {
        double[] t = new double[beta.length];
        for (int j = 0; j < t.length; j++) {
            double b = beta[j];
            if (!(b >= 0 && b < 1)) throw new IllegalArgumentException("NirExport: " + what + "[" + j + "] = " + b + " is outside [0, 1): no time constant");
            t[j] = dt / (1 - b);
        }
        return t;
    }

    private static NirNode.Delay delay(double dt, int n) { return new NirNode.Delay(NirArray.filled(dt, n)); }

    /** A kit weight {@code [in, out]} as NIR's {@code [out, in]} float32. */
    private static NirArray transposed(Backend be, Tensor w) {
        int in = w.dim(0), out = w.dim(1);
        float[] a = be.toHost(w), t = new float[a.length];
        for (int i = 0; i < in; i++) for (int j = 0; j < out; j++) t[j * in + i] = a[i * out + j];
        return NirArray.float32(t, out, in);
    }
}
