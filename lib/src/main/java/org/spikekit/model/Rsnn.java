package org.spikekit.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.core.FluctuationInit;
import org.spikekit.core.Init;
import org.spikekit.core.Parameter;
import org.spikekit.core.SequenceModel;
import org.spikekit.core.Tape;
import org.spikekit.data.SequenceSet;
import org.spikekit.metrics.DType;
import org.spikekit.metrics.MetricLayer;
import org.spikekit.metrics.MetricModel;
import org.spikekit.neuron.HiddenNeuron;
import org.spikekit.neuron.LeakyReadout;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.LifState;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.RecurrentAlifLayer;
import org.spikekit.neuron.RecurrentLayer;
import org.spikekit.neuron.RecurrentLifLayer;

/**
 * tinyRSNN / bigRSNN of Liu et al. 2024: input spikes → dropout (training) → recurrent
 * current-based LIF layer ({@link RecurrentLifLayer}) → dropout on the hidden spikes (training) →
 * leaky-integrator readout with one or five heads ({@link LeakyReadout}, output = mean of the
 * heads, Y[0] = −0.01), with the dynamics of the authors' released code (fmi-basel/neural-decoding-RSNN
 * run by stork @ 40c68fe).
 *
 * <p>Latency, as released: stork evolves every group on the input gathered in the previous step and
 * only then propagates spikes ({@code stork/models.py}: {@code evolve_all()} before
 * {@code propagate_all()}), so every connection delivers one step late — a synaptic delay of 2
 * steps in the kit's terms ({@link LifParams#synapticDelay()}, {@link ReadoutParams#synapticDelay()}).
 * An input spike at step n reaches the hidden spikes at n+3 and the prediction at n+5; the recurrent
 * loop takes 3 steps. (With delay 1 on both, the kit's semantics before it was checked against the
 * released models: n+2, n+3 and 2 steps.)
 *
 * <p>Dropout is inverted dropout (kept values scaled by 1/(1 − p), PyTorch's {@code nn.Dropout}),
 * masks drawn with the backend's counter RNG from the seed passed to {@link #forward}. The hidden
 * dropout mask applies to the spikes both outgoing connections read — the recurrent one and the
 * readout — as in stork, whose {@code CellGroup.evolve} stores the undropped spikes and then drops
 * {@code out}, which every {@code Connection} reads; the activity regularisers and the returned
 * spikes are the undropped ones.
 *
 * <p>Parameter count ({@link #trainableCount()}) excludes the hidden layer's fixed threshold
 * buffer ({@code hidden.threshold}, not trainable): tinyRSNN Indy 10,500, Loco 16,644; bigRSNN
 * Indy 1,159,188, Loco 1,257,492.
 *
 * <p>The hidden neuron is a configuration choice ({@link Config#neuron()}): null (the default, left
 * out of the JSON) or {@link HiddenNeuron.Lif} is the LIF above; {@link HiddenNeuron.Alif} makes the
 * hidden layer a {@link RecurrentAlifLayer} (adaptive threshold, standard or Blocks kernel), e.g.
 * {@code cfg.withNeuron(HiddenNeuron.Alif.rsnn())} or
 * {@code Configs.override(cfg, "neuron={\"@type\":\"Alif\", …}")}. With ALIF: the input current
 * enters the membrane the same step (no synaptic delay; {@code lif} then only gives the time step
 * {@code dtS}), the recurrent input arrives {@code arp + 1} steps after its spike, the hidden
 * dropout mask applies to the readout's input only (the ALIF kernel has no recurrent mask), the
 * fluctuation-driven init uses the ALIF membrane's PSP kernel β₀ⁿ, and the parts of the kit written
 * for the LIF ({@link #hiddenLayer()}: {@code HalfRsnn}, {@code StreamingDecoder}, NIR export,
 * {@code ReleasedRsnn}, {@code bench.NaiveRsnn}) refuse the model.
 *
 * <p>Training runs through the kit's autograd contract ({@link SequenceModel}, {@link org.spikekit.core.Differentiable}):
 * {@link #forward(Tensor, Tape)} pushes the {@link Pass} and publishes the hidden spikes as
 * {@link SequenceModel#SPIKES}; an evaluation tape that keeps records ({@link Tape#evalWithGrad()})
 * runs without dropout and keeps the record, for gradients of the deterministic model.
 *
 * <pre>{@code
 * Rsnn m = new Rsnn(be, Rsnn.Config.tiny(96), 1L);
 * m.initFromData(train, 1L);                       // fluctuation-driven init, ν from the data
 * Tape tape = Tape.training(stepSeed);
 * Tensor pred = m.forward(x, tape);                // [T, B, 2]; tape.output(SequenceModel.SPIKES) [T, B, 64]
 * tape.addGradient(SequenceModel.SPIKES, gradSpikes);
 * m.backward(gradPrediction, tape);
 * }</pre>
 */
public final class Rsnn implements NeuroBenchModel {

    /**
     * @param inputs input channels (96 Indy / 192 Loco)
     * @param hidden recurrent LIF neurons (64 tiny / 1024 big)
     * @param outputs outputs (2: v_x, v_y)
     * @param lif hidden-layer configuration
     * @param readout readout heads
     * @param inputDropout dropout probability on the inputs (0.3)
     * @param hiddenDropout dropout probability on the hidden spikes (0.3)
     * @param neuron the hidden neuron: null (default, not written to JSON) or {@link HiddenNeuron.Lif} for the
     *               LIF of {@code lif}; {@link HiddenNeuron.Alif} for adaptive LIF neurons (see the class comment)
     */
    public record Config(int inputs, int hidden, int outputs, LifParams lif, ReadoutParams readout,
                         float inputDropout, float hiddenDropout, HiddenNeuron neuron) {
        public Config {
            if (lif == null || readout == null) {
                throw new IllegalArgumentException("Rsnn.Config: lif and readout must not be null (lif gives the time step also with an ALIF neuron)");
            }
            if (inputs <= 0 || hidden <= 0 || outputs <= 0) {
                throw new IllegalArgumentException("Rsnn.Config: inputs, hidden, outputs must be > 0, got " + inputs + ", " + hidden + ", " + outputs);
            }
            if (!(inputDropout >= 0 && inputDropout < 1) || !(hiddenDropout >= 0 && hiddenDropout < 1)) {
                throw new IllegalArgumentException("Rsnn.Config: dropout must be in [0, 1), got " + inputDropout + ", " + hiddenDropout);
            }
        }

        /** With the default (LIF) hidden neuron. */
        public Config(int inputs, int hidden, int outputs, LifParams lif, ReadoutParams readout, float inputDropout, float hiddenDropout) {
            this(inputs, hidden, outputs, lif, readout, inputDropout, hiddenDropout, null);
        }

        /** tinyRSNN: 64 LIF, one readout head (τ_mem 50 ms, τ_syn 10 ms), dropout 0.3. */
        public static Config tiny(int inputs) {
            return new Config(inputs, 64, 2, LifParams.rsnn(), ReadoutParams.tinyRsnn(), 0.3f, 0.3f);
        }

        /** bigRSNN: 1024 LIF, five readout heads, dropout 0.3. */
        public static Config big(int inputs) {
            return new Config(inputs, 1024, 2, LifParams.rsnn(), ReadoutParams.bigRsnn(), 0.3f, 0.3f);
        }

        public Config withHidden(int n) { return new Config(inputs, n, outputs, lif, readout, inputDropout, hiddenDropout, neuron); }

        public Config withDropout(float in, float hid) { return new Config(inputs, hidden, outputs, lif, readout, in, hid, neuron); }

        /** The same model with another hidden neuron (null: the LIF of {@code lif}). */
        public Config withNeuron(HiddenNeuron n) { return new Config(inputs, hidden, outputs, lif, readout, inputDropout, hiddenDropout, n); }

        /** Whether the hidden neuron is the LIF of {@code lif} ({@link #neuron()} null or {@link HiddenNeuron.Lif}). */
        public boolean lifHidden() { return neuron == null || neuron instanceof HiddenNeuron.Lif; }

        /**
         * A label of the time semantics, for results and caches: e.g. {@code "dynamics=as-released(synaptic
         * delay 2 steps on input/recurrent/readout, hidden dropout on recurrent and readout)"}.
         */
        public String dynamicsLabel() {
            if (neuron instanceof HiddenNeuron.Alif a) {
                return "dynamics=ALIF(" + (a.blocks() ? "Blocks kernel, " : "") + "arp " + a.params().arp() + " steps, recurrent delay "
                        + a.params().recurrentDelay() + ", input delay 0, " + readout.synapticDelay()
                        + " on readout, hidden dropout on readout only)";
            }
            boolean released = lif.synapticDelay() == 2 && readout.synapticDelay() == 2;
            return "dynamics=" + (released ? "as-released" : "custom") + "(synaptic delay " + lif.synapticDelay() + " steps on input/recurrent, "
                    + readout.synapticDelay() + " on readout, hidden dropout on recurrent and readout)";
        }
    }

    private final Backend be;
    private final Config cfg;
    private final RecurrentLayer hiddenLayer;
    private final LeakyReadout readout;

    /** Builds the model; weights get the fluctuation-driven init with the config default ν = 20 Hz (use {@link #initFromData}). */
    public Rsnn(Backend be, Config cfg, long seed) {
        this.be = be;
        this.cfg = cfg;
        if (cfg == null) throw new IllegalArgumentException("Rsnn: config must not be null");
        hiddenLayer = cfg.neuron() instanceof HiddenNeuron.Alif a
                ? new RecurrentAlifLayer(be, "hidden", cfg.inputs(), cfg.hidden(), true, a, cfg.lif().dtS(), seed)
                : new RecurrentLifLayer(be, "hidden", cfg.inputs(), cfg.hidden(), true, cfg.lif(), seed);
        readout = new LeakyReadout(be, "readout", cfg.hidden(), cfg.outputs(), cfg.readout(), seed);
        initFluctuationDriven(20.0, null, seed);
    }

    public Config config() { return cfg; }
    public Backend backend() { return be; }
    /**
     * The LIF hidden layer, for the parts of the kit written for it (float16 view, streaming decoder,
     * NIR export, released weights, the naive benchmark); refused, naming the field, when the config's
     * hidden neuron is not the LIF. {@link #recurrentLayer()} is the layer whatever its neuron.
     */
    public RecurrentLifLayer hiddenLayer() {
        if (hiddenLayer instanceof RecurrentLifLayer l) return l;
        throw new IllegalArgumentException("Rsnn: this model's hidden neuron is " + cfg.neuron()
                + " (Rsnn.Config.neuron); this use of the RSNN (float16 view, streaming decoder, NIR export, released weights, "
                + "naive benchmark) supports only the LIF hidden layer: Rsnn.Config.neuron null or Lif");
    }

    /** The hidden layer, LIF or ALIF. */
    public RecurrentLayer recurrentLayer() { return hiddenLayer; }
    public LeakyReadout readout() { return readout; }
    @Override public int inputs() { return cfg.inputs(); }
    @Override public int outputs() { return cfg.outputs(); }
    public int headCount() { return cfg.readout().headCount(); }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> l = new ArrayList<>(hiddenLayer.parameters());
        l.addAll(readout.parameters());
        return List.copyOf(l);
    }

    /** Element count of the trainable parameters (the paper's parameter count). */
    public long trainableCount() {
        long n = 0;
        for (Parameter p : trainableParameters()) n += p.numel();
        return n;
    }

    /**
     * The synaptic weight matrices, for metrics (connection sparsity, synaptic operations, pruning):
     * {@code input} {@code [inputs, hidden]}, {@code recurrent} {@code [hidden, hidden]} (pre × post),
     * {@code readout} {@code [hidden, heads·outputs]} (columns {@code h·outputs .. h·outputs+outputs−1}
     * belong to head h). Each is applied once per time step.
     */
    public Map<String, Parameter> weights() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("input", hiddenLayer.w());
        m.put("recurrent", hiddenLayer.v());
        m.put("readout", readout.w());
        return m;
    }

    // ---- initialisation -------------------------------------------------------------------------

    /**
     * stork's fluctuation-driven init of the input and recurrent weights (σ_u = 0.5, α = 0.9, ε̂ of
     * the base τ's), readout ~ N(0, 1)/√hidden.
     *
     * @param nuHz presynaptic rate ν (Hz) used for both connections
     * @param inputRowDivisor per input channel divisor of its weights, or null (see {@link #initFromData})
     */
    public void initFluctuationDriven(double nuHz, double[] inputRowDivisor, long seed) {
        LifParams lp = cfg.lif();
        double eps;
        if (cfg.neuron() instanceof HiddenNeuron.Alif a) {
            // ALIF membrane V[n] = β·V[n−1] + X[n]: PSP kernel k[n] = βⁿ, ε̂ = Σ β²ⁿ·Δt = Δt/(1 − β²)
            double beta = Math.exp(-lp.dtS() / a.tauMemS());
            eps = lp.dtS() / (1 - beta * beta);
        } else {
            eps = FluctuationInit.epsilonHat(lp.tauMemS(), lp.tauSynS(), lp.dtS());
        }
        FluctuationInit.init(hiddenLayer.w().value(), Init.seedFor(seed, "hidden.w.fluct"), FluctuationInit.ALPHA,
                FluctuationInit.SIGMA_U, nuHz, eps, inputRowDivisor);
        FluctuationInit.init(hiddenLayer.v().value(), Init.seedFor(seed, "hidden.v.fluct"), 1 - FluctuationInit.ALPHA,
                FluctuationInit.SIGMA_U, nuHz, eps, null);
        Init.fanInNormal(readout.w().value(), Init.seedFor(seed, "readout.w.normal"), 1f);
    }

    /**
     * As {@link #initFluctuationDriven} with ν = mean rate of input channels 1–96 (or all, if fewer)
     * over the training data; with more than 96 channels (Loco), the weights of channels 97.. are
     * divided by (rate of channels 97..)/(rate of channels 1–96). Returns ν in Hz.
     */
    public double initFromData(SequenceSet train, long seed) {
        if (train.inputs() != cfg.inputs()) throw new IllegalArgumentException("initFromData: data has " + train.inputs() + " inputs, model " + cfg.inputs());
        double dt = cfg.lif().dtS();
        int first = Math.min(96, cfg.inputs());
        double nu = train.meanRateHz(0, first, dt);
        if (!(nu > 0)) throw new IllegalArgumentException("initFromData: input channels 1.." + first + " have no spikes");
        double[] div = null;
        if (cfg.inputs() > 96) {
            double ratio = train.meanRateHz(96, cfg.inputs(), dt) / nu;
            if (!(ratio > 0)) ratio = 1;
            div = new double[cfg.inputs()];
            for (int j = 0; j < div.length; j++) div[j] = j < 96 ? 1 : ratio;
        }
        initFluctuationDriven(nu, div, seed);
        return nu;
    }

    // ---- forward / backward -------------------------------------------------------------------

    /** Forward result; the tapes and masks are null when not kept. */
    public record Pass(Tensor prediction, Tensor spikes, Tensor hiddenMask, RecurrentLifLayer.Tape hiddenTape,
                       LeakyReadout.Tape readoutTape, RecurrentAlifLayer.Tape alifTape) implements SequenceModel.Pass {
        /** A pass of the LIF model. */
        public Pass(Tensor prediction, Tensor spikes, Tensor hiddenMask, RecurrentLifLayer.Tape hiddenTape, LeakyReadout.Tape readoutTape) {
            this(prediction, spikes, hiddenMask, hiddenTape, readoutTape, null);
        }
    }

    @Override
    public Pass forward(Tensor x, boolean training, long seed) { return forward(x, training, seed, training); }

    @Override
    public Class<Pass> passType() { return Pass.class; }

    /**
     * @param training dropout on (masks from {@code seed})
     * @param keepTape retain what {@link #backward} needs
     */
    @Override
    public Pass forward(Tensor x, boolean training, long seed, boolean keepTape) {
        if (x.rank() != 3 || x.dim(2) != cfg.inputs()) {
            throw new IllegalArgumentException("Rsnn: input must be [T, B, " + cfg.inputs() + "], got " + x);
        }
        int t = x.dim(0), b = x.dim(1);
        Tensor xin = x;
        if (training && cfg.inputDropout() > 0) {
            xin = be.zeros(x.shape());
            be.zip(BinaryOp.MUL, x, mask(x.shape(), CounterRng.child(seed, 1), cfg.inputDropout()), xin);
        }
        Tensor hmask = training && cfg.hiddenDropout() > 0
                ? mask(new int[] {t, b, cfg.hidden()}, CounterRng.child(seed, 2), cfg.hiddenDropout()) : null;
        Tensor s;
        RecurrentLifLayer.Tape lifTape = null;
        RecurrentAlifLayer.Tape alifTape = null;
        if (hiddenLayer instanceof RecurrentLifLayer lif) {
            RecurrentLifLayer.Output h = lif.forward(xin, hmask, LifState.zeros(be, b, cfg.hidden()), keepTape);
            s = h.spikes();
            lifTape = h.tape();
        } else {
            RecurrentAlifLayer.Output h = ((RecurrentAlifLayer) hiddenLayer).forward(xin, keepTape);   // no recurrent mask
            s = h.spikes();
            alifTape = h.tape();
        }
        Tensor sro = s;
        if (hmask != null) {
            sro = be.zeros(s.shape());
            be.zip(BinaryOp.MUL, s, hmask, sro);
        }
        LeakyReadout.Output r = readout.forward(sro, readout.initialState(b), keepTape);
        return new Pass(r.y(), s, hmask, lifTape, r.tape(), alifTape);
    }

    /** Prediction without dropout and without a tape. */
    public Tensor predict(Tensor x) { return forward(x, false, 0L, false).prediction(); }

    private Tensor mask(int[] shape, long seed, float p) {
        Tensor m = be.zeros(shape);
        be.randBernoulli(m, seed, 1f - p);
        be.affine(m, 1f / (1f - p), 0f, m);
        return m;
    }

    @Override
    public void backward(SequenceModel.Pass pass, Tensor gradPrediction, Tensor gradSpikes) {
        if (!(pass instanceof Pass p) || (p.hiddenTape() == null && p.alifTape() == null) || p.readoutTape() == null) {
            throw new IllegalArgumentException("Rsnn.backward needs the Pass of forward(..., keepTape = true)");
        }
        Tensor g = readout.backward(p.readoutTape(), gradPrediction, null).gradInput();
        if (p.hiddenMask() != null) be.zip(BinaryOp.MUL, g, p.hiddenMask(), g);
        if (gradSpikes != null) be.zip(BinaryOp.ADD, g, gradSpikes, g);
        if (hiddenLayer instanceof RecurrentLifLayer lif) {
            lif.backward(p.hiddenTape(), g, null, false);            // the mask is in the hidden tape; no dL/dx (x is data)
        } else {
            ((RecurrentAlifLayer) hiddenLayer).backward(p.alifTape(), g, false);
        }
    }

    // ---- NeuroBench ---------------------------------------------------------------------------

    /**
     * NeuroBench description (notebooks/papers/rsnn.md §6): {@code hidden.in} (LINEAR, input spikes),
     * {@code hidden.rec} (RECURRENT, the hidden spikes of the same step), one LINEAR readout per head
     * ({@code readout} for one head, else {@code readout1..readoutH}), no biases; the learnable τ
     * parameters of the hidden layer and the readout are extra parameters. The hidden layer's fixed
     * threshold is not counted (stork keeps it outside the parameters; the published counts 10,500 /
     * 16,644 / 1,159,188 / 1,257,492 exclude it). Weights are transposed snapshots in NeuroBench's
     * {@code [fanOut, fanIn]} layout: describe again after training or pruning.
     */
    @Override
    public MetricModel describe(DType parameterType) {
        List<MetricLayer> layers = new ArrayList<>();
        layers.add(MetricLayer.linear("hidden.in", TorchInit.transposed(be, hiddenLayer.w().value()), null, MetricLayer.InputKind.SPIKES));
        layers.add(MetricLayer.recurrent("hidden.rec", TorchInit.transposed(be, hiddenLayer.v().value()), null, MetricLayer.InputKind.SPIKES));
        float[] ro = be.toHost(readout.w().value());
        int heads = headCount(), o = cfg.outputs(), n = cfg.hidden(), units = heads * o;
        for (int h = 0; h < heads; h++) {
            float[] w = new float[o * n];
            for (int k = 0; k < o; k++) for (int i = 0; i < n; i++) w[k * n + i] = ro[i * units + h * o + k];
            layers.add(MetricLayer.linear(heads == 1 ? "readout" : "readout" + (h + 1), be.fromHost(w, o, n), null,
                    MetricLayer.InputKind.SPIKES));
        }
        List<Tensor> extra = new ArrayList<>();
        if (hiddenLayer instanceof RecurrentLifLayer lif) {
            extra.addAll(List.of(lif.tauMemRaw().value(), lif.tauSynRaw().value()));           // the fixed threshold is not counted
        } else {
            for (Parameter q : hiddenLayer.neuronParameters()) extra.add(q.value());      // ALIF β, p, b (all learnable)
        }
        extra.addAll(List.of(readout.tauMemRaw().value(), readout.tauSynRaw().value()));
        String name = cfg.hidden() == 64 && heads == 1 ? "tinyRSNN" : cfg.hidden() == 1024 && heads == 5 ? "bigRSNN" : "RSNN";
        if (!cfg.lifHidden()) name += " (ALIF)";
        return new MetricModel(name, parameterType, layers, extra, List.of(), 1.0 / cfg.lif().dtS());
    }

    /**
     * Evaluation run: {@code hidden.in} is applied to every input step x[n], {@code hidden.rec} and
     * every readout head to every hidden spike step S[n] (each connection once per step, whatever its
     * delay); the only spiking layer is the hidden one.
     */
    @Override
    public Workload run(Tensor x) {
        Pass p = forward(x, false, 0L, false);
        int b = x.dim(1);
        List<Workload.LayerInput> in = new ArrayList<>();
        in.add(new Workload.LayerInput("hidden.in", x, b));
        in.add(new Workload.LayerInput("hidden.rec", p.spikes(), b));
        for (int h = 0; h < headCount(); h++) {
            in.add(new Workload.LayerInput(headCount() == 1 ? "readout" : "readout" + (h + 1), p.spikes(), b));
        }
        return new Workload(p.prediction(), in, List.of(p.spikes()), (long) x.dim(0) * b);
    }
}
