package org.spikekit.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.metrics.EnergyConstants;
import org.spikekit.neuron.Surrogate;
import org.spikekit.nn.Layer;
import org.spikekit.nn.Linear;
import org.spikekit.nn.ParametricLif;
import org.spikekit.nn.Sequential;
import org.spikekit.core.Tape;

/**
 * The spiking core of Spikachu (Mentzelopoulos et al., NeurIPS 2025; notebooks/papers/spikachu.md §4.2 B–F): from
 * real-valued "virtual channels" {@code x [T, B, C]} (one 10-ms bin per step, produced by the causal
 * homogenizer, step A, which is not part of this class) to velocity predictions {@code [T, B, 2]}
 * (before the output smoothing G, which is applied elsewhere).
 * <ol type="A" start="2">
 *   <li>Multi-scale SNN: S parallel branches with initial time constants {@code scaleTaus}, each
 *       {@code [LIF → Linear C→H → BN] → residual block(s) of [LIF → Linear → BN (→ dropout)]
 *       → [LIF → Linear → BN]}, stacked to {@code [T, B, S, H]}.</li>
 *   <li>Spiking self-attention block over the S scale tokens ({@link SpikachuCoreSsa}).</li>
 *   <li>Feed-forward: flatten S·H → {@code LIF(τ0 ffTau) → Linear → BN} to {@code ff}.</li>
 *   <li>Integrator: a second multi-scale SNN of width {@code ff} with branches {@code integratorTaus}
 *       (no input/output projection since the sizes match), flattened to {@code S'·ff}.</li>
 *   <li>Readout: a non-spiking leaky integrator (ParametricLIF membrane output, {@code V_th = 0},
 *       never resets, learnable τ0 {@code readoutTau}) → Linear to {@code outputs} per step.</li>
 * </ol>
 * Every spiking neuron of B, D and E is an LTLIF ({@link ParametricLif.Options#ltlif}: learnable τ
 * and threshold, {@code decay_input = false}, hard reset to 0, ATan surrogate α = 2).
 *
 * <p>{@link Config#asReleased()} switches the SSA block to the released code's behaviour (its
 * attention returns the input; its MLP neurons run over the flattened T·B axis); the kit default is
 * the intended, strictly causal model. In both modes outputs at step t depend only on inputs at
 * steps ≤ t (in evaluation; training-mode batch statistics see the whole window); in the released
 * mode a sample's output at step t also depends on the samples before it in the batch.
 *
 * <pre>{@code
 * SpikachuCore core = new SpikachuCore(be, "spikachu", SpikachuCore.Config.paper(), 42);
 * Tape tape = Tape.inference();
 * Tensor v = core.forward(channels, tape);                  // [T, B, 2]
 * SpikachuCore.Energy e = core.energy(tape, channels.dim(0)); // spikachu.md §6.2, per step and sample
 * }</pre>
 */
public final class SpikachuCore implements Layer {

    /**
     * All sizes and switches of the core.
     *
     * @param channels         C, virtual channels in
     * @param scaleTaus        initial τ (steps, &gt; 1) of each multi-scale branch; S = their number
     * @param vth0             initial LTLIF threshold in B, D and E
     * @param hidden           H, branch width = SSA dimension
     * @param scaleLayers      layers per multi-scale branch (2 of them project C→H and H→H)
     * @param scaleSkip        layers per residual block (0: no residual)
     * @param dropout          time-shared dropout inside residual blocks (B and E)
     * @param qkv              q/k/v width of the SSA
     * @param heads            attention heads (head dim = qkv/heads, scale 1/√head dim)
     * @param mlpRatio         SSA MLP hidden width = hidden·mlpRatio
     * @param attnDropout      dropout on the attention matrix
     * @param mlpDropout       dropout after the SSA MLP
     * @param ff               feed-forward output width = integrator width
     * @param ffTau            initial τ of the feed-forward LIF
     * @param integratorTaus   initial τ of each integrator branch
     * @param integratorLayers layers per integrator branch
     * @param integratorSkip   layers per integrator residual block
     * @param readoutTau       initial τ of the readout integrator
     * @param outputs          predictions per step (2: v_x, v_y)
     * @param spike            spike function of every spiking neuron (ATan α 2; smooth for gradient checks)
     * @param trainThresholds  learnable LTLIF thresholds (false: frozen at vth0)
     * @param asReleased       SSA as in the released code (see the class documentation)
     */
    public record Config(int channels, List<Double> scaleTaus, float vth0, int hidden, int scaleLayers, int scaleSkip, float dropout,
                         int qkv, int heads, float mlpRatio, float attnDropout, float mlpDropout,
                         int ff, float ffTau, List<Double> integratorTaus, int integratorLayers, int integratorSkip,
                         float readoutTau, int outputs, Surrogate spike, boolean trainThresholds, boolean asReleased) {

        public Config {
            scaleTaus = taus("scaleTaus", scaleTaus);
            integratorTaus = taus("integratorTaus", integratorTaus);
            positive("channels", channels);
            if (!(vth0 >= 0.1f) || !Float.isFinite(vth0)) bad("vth0", "a finite value >= 0.1 (the LTLIF clamp)", vth0);
            positive("hidden", hidden);
            layers("scaleLayers", "scaleSkip", scaleLayers, scaleSkip, channels != hidden);
            prob("dropout", dropout);
            positive("qkv", qkv);
            positive("heads", heads);
            if (qkv % heads != 0) bad("qkv", "a multiple of heads " + heads, qkv);
            if (!(mlpRatio > 0) || (int) (hidden * mlpRatio) < 1) bad("mlpRatio", "> 0 with hidden·mlpRatio >= 1", mlpRatio);
            prob("attnDropout", attnDropout);
            prob("mlpDropout", mlpDropout);
            positive("ff", ff);
            tau("ffTau", ffTau);
            layers("integratorLayers", "integratorSkip", integratorLayers, integratorSkip, false);
            tau("readoutTau", readoutTau);
            positive("outputs", outputs);
            if (spike == null) bad("spike", "a Surrogate", null);
        }

        private static void bad(String field, String expected, Object got) {
            throw new IllegalArgumentException("SpikachuCore.Config." + field + ": expected " + expected + ", got " + got);
        }

        private static void positive(String field, int v) { if (v < 1) bad(field, ">= 1", v); }

        private static void prob(String field, float p) { if (!(p >= 0 && p < 1)) bad(field, "a probability in [0, 1)", p); }

        private static void tau(String field, double t) { if (!(t > 1) || !Double.isFinite(t)) bad(field, "a finite time constant > 1 step", t); }

        /** Checks a list of initial time constants and returns an unmodifiable copy. */
        private static List<Double> taus(String field, List<Double> ts) {
            if (ts == null || ts.isEmpty()) bad(field, "at least one time constant", ts);
            for (Double t : ts) if (t == null || !(t > 1) || t.isInfinite()) bad(field, "finite time constants > 1 step", ts);
            return List.copyOf(ts);
        }

        private static void layers(String field, String skipField, int layers, int skip, boolean project) {
            if (layers < 1) bad(field, ">= 1", layers);
            if (skip < 0) bad(skipField, ">= 0 (0: no residual blocks)", skip);
            if (layers == 1) return;
            if (project && layers < 2) bad(field, ">= 2 when input and hidden widths differ", layers);
            int inner = project ? layers - 2 : layers;
            if (skip > 0 && inner % skip != 0) {
                bad(field, "a number whose hidden layers (" + (project ? "layers − 2 projections" : "layers") + ") divide into blocks of " + skipField + " = " + skip, layers);
            }
        }

        /** The paper's sizes (configs/spikachu.yaml, notebooks/papers/spikachu.md §4.2), kit-default SSA. */
        public static Config paper() {
            return new Config(128, List.of(1.1, 10.0, 20.0), 0.75f, 256, 4, 2, 0.1f,
                    512, 8, 4f, 0.1f, 0.1f,
                    384, 2f, List.of(1.111, 10.0), 4, 2,
                    2f, 2, Surrogate.spikingJellyAtan(), true, false);
        }

        /** A scaled-down core with every stage of {@link #paper()} (C 32, H 64, qkv 64 / 2 heads, ff 96). */
        public static Config quick() {
            return new Config(32, List.of(1.1, 10.0, 20.0), 0.75f, 64, 4, 2, 0.1f,
                    64, 2, 4f, 0.1f, 0.1f,
                    96, 2f, List.of(1.111, 10.0), 4, 2,
                    2f, 2, Surrogate.spikingJellyAtan(), true, false);
        }

        /** Number of multi-scale branches S (= SSA tokens). */
        public int scales() { return scaleTaus.size(); }

        /**
         * As released: {@link #asReleased()} and frozen thresholds — the released config trains with
         * SpikingJelly's CuPy backend, whose ParametricLIF kernel returns no gradient for the threshold,
         * so the "learnable" thresholds stay at their initial values.
         */
        public Config released() { return withAsReleased(true).withTrainThresholds(false); }

        public Config withAsReleased(boolean r) {
            return new Config(channels, scaleTaus, vth0, hidden, scaleLayers, scaleSkip, dropout, qkv, heads, mlpRatio, attnDropout, mlpDropout,
                    ff, ffTau, integratorTaus, integratorLayers, integratorSkip, readoutTau, outputs, spike, trainThresholds, r);
        }

        public Config withTrainThresholds(boolean t) {
            return new Config(channels, scaleTaus, vth0, hidden, scaleLayers, scaleSkip, dropout, qkv, heads, mlpRatio, attnDropout, mlpDropout,
                    ff, ffTau, integratorTaus, integratorLayers, integratorSkip, readoutTau, outputs, spike, t, asReleased);
        }

        public Config withSpike(Surrogate s) {
            return new Config(channels, scaleTaus, vth0, hidden, scaleLayers, scaleSkip, dropout, qkv, heads, mlpRatio, attnDropout, mlpDropout,
                    ff, ffTau, integratorTaus, integratorLayers, integratorSkip, readoutTau, outputs, s, trainThresholds, asReleased);
        }

        /** The same model with every dropout probability set to {@code p}. */
        public Config withDropout(float p) {
            return new Config(channels, scaleTaus, vth0, hidden, scaleLayers, scaleSkip, p, qkv, heads, mlpRatio, p, p,
                    ff, ffTau, integratorTaus, integratorLayers, integratorSkip, readoutTau, outputs, spike, trainThresholds, asReleased);
        }
    }

    /**
     * The theoretical 45-nm energy of notebooks/papers/spikachu.md §6.2 for one inference pass, per time step and
     * sample: a Linear fed by a LIF costs {@code in·out·r} ACs (r = that LIF's spike rate on the
     * tape), any other Linear {@code in·out} MACs; a bias adds {@code out} ACs; a BatchNorm
     * {@code 6·F} MACs; each LIF {@code F·r} spikes at E_AC each; the SSA's products q·kᵀ and A·v
     * count {@code heads·S·S·head_dim} MACs each. Modules inside the SSA block process S tokens per
     * step and sample and count S times. Energy = MACs·E_MAC + (ACs + spikes)·E_AC. The
     * readout integrator is not a spiking layer and costs nothing itself; its Linear counts MACs.
     *
     * <p>Where this follows the rules of notebooks/papers/spikachu.md §6.2 literally and the released {@code network_profiling.py}
     * does not ({@link #energyAsProfiled} is that script's reading): the released script pairs a
     * Linear with the module counted just before it (a LIF: ACs at its rate; anything else: MACs),
     * not the LIF feeding it, so the SSA's k/v projections and the MLP's first Linear, whose input
     * is a LayerNorm output, are ACs there; it lets every BatchNorm repeat the ACs of the Linear
     * before it; it counts every module once per step, not once per scale token (here SSA modules
     * count S times); and it does not count the attention products (class name {@code SSA} does not
     * match its "attention" test). With {@link Config#asReleased()} the discarded attention path
     * still runs and is counted, as the released code computes it.
     *
     * @param entries per module, in model order
     * @param macs    MACs per step and sample
     * @param acs     ACs per step and sample
     * @param spikes  spikes (synaptic events of the spiking-energy term) per step and sample
     * @param joules  energy per step and sample, J
     * @param steps   time steps of the window ({@link #joulesPerWindow()})
     */
    public record Energy(List<Entry> entries, double macs, double acs, double spikes, double joules, int steps, EnergyConstants constants) {

        /** One module: spike rate (LIF, or the rate of the LIF feeding a Linear; else 0) and its counts per step and sample. */
        public record Entry(String module, String kind, double rate, double macs, double acs, double spikes) {}

        /** Energy of one sample's whole window of {@code steps} steps, J. */
        public double joulesPerWindow() { return joules * steps; }

        public double macJoules() { return macs * constants.macPicojoule() * 1e-12; }

        public double acJoules() { return acs * constants.acPicojoule() * 1e-12; }

        public double spikeJoules() { return spikes * constants.acPicojoule() * 1e-12; }

        /** Mean of the per-LIF spike rates, silent LIFs included. */
        public double meanRate() { return lifRates().average().orElse(0); }

        /**
         * Mean of the rates of the LIFs that spiked: the released profile's {@code spike_rate_mean}
         * ({@code network_profiling.py} lines 589-595 keep only entries with a rate above 0).
         */
        public double meanActiveRate() { return lifRates().filter(r -> r > 0).average().orElse(0); }

        /** Population standard deviation of the per-LIF spike rates. */
        public double rateStd() {
            double m = meanRate();
            return Math.sqrt(lifRates().map(r -> (r - m) * (r - m)).average().orElse(0));
        }

        private java.util.stream.DoubleStream lifRates() {
            return entries.stream().filter(e -> e.kind().equals("LIF")).mapToDouble(Entry::rate);
        }
    }

    private final String name;
    private final Config cfg;
    private final SpikachuCoreMultiScale multiScale, integrator;
    private final SpikachuCoreSsa ssa;
    private final Sequential feedForward;
    private final ParametricLif readoutLif;
    private final Linear readoutFc;
    private final List<Parameter> params;
    private final List<SpikachuCoreOps.Op> ops;

    /**
     * @param name parameter prefix (e.g. {@code spikachu}: {@code spikachu.ms.b0.in.lif.w}, ...)
     * @param seed model seed; each weight's seed derives from it and the weight's name
     */
    public SpikachuCore(Backend be, String name, Config cfg, long seed) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("SpikachuCore: name must not be blank");
        if (cfg == null) throw new IllegalArgumentException("SpikachuCore " + name + ": config must not be null");
        this.name = name;
        this.cfg = cfg;
        SpikachuCoreOps ledger = new SpikachuCoreOps();
        var spec = new SpikachuCoreMultiScale.UnitSpec(cfg.vth0(), cfg.spike(), cfg.trainThresholds(), seed);
        int s = cfg.scales();
        multiScale = new SpikachuCoreMultiScale(be, name + ".ms", cfg.channels(), cfg.hidden(), cfg.hidden(), cfg.scaleLayers(), cfg.scaleSkip(),
                cfg.scaleTaus(), cfg.dropout(), spec, ledger);
        ssa = new SpikachuCoreSsa(be, name + ".ssa", cfg.hidden(), cfg.qkv(), cfg.heads(), (int) (cfg.hidden() * cfg.mlpRatio()),
                cfg.attnDropout(), cfg.mlpDropout(), cfg.spike(), cfg.trainThresholds(), cfg.asReleased(), seed, s, ledger);
        feedForward = SpikachuCoreMultiScale.unit(be, name + ".ff", s * cfg.hidden(), cfg.ff(), cfg.ffTau(), 0f, spec, ledger);
        integrator = new SpikachuCoreMultiScale(be, name + ".int", cfg.ff(), cfg.ff(), cfg.ff(), cfg.integratorLayers(), cfg.integratorSkip(),
                cfg.integratorTaus(), cfg.dropout(), spec, ledger);
        int pre = cfg.integratorTaus().size() * cfg.ff();
        readoutLif = new ParametricLif(be, name + ".readout.lif", pre, ParametricLif.Options.readout(cfg.readoutTau()));
        readoutFc = new Linear(be, name + ".readout.fc", pre, cfg.outputs(), true, seed);
        ledger.linear(name + ".readout.fc", pre, cfg.outputs(), true, 1, null);
        params = Module.of(multiScale, ssa, feedForward, integrator, readoutLif, readoutFc).parameters();
        ops = ledger.ops();
    }

    public Config config() { return cfg; }

    public String name() { return name; }

    @Override
    public List<Parameter> parameters() { return params; }

    /**
     * Trainable parameters per stage: {@code multiScale}, {@code ssa}, {@code ssaAttention} (the part
     * of {@code ssa} that the released code never uses), {@code feedForward}, {@code integrator},
     * {@code readout}, {@code total}.
     */
    public Map<String, Long> stageParameters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("multiScale", trainable(multiScale));
        m.put("ssa", trainable(ssa));
        m.put("ssaAttention", ssa.attentionParameters());
        m.put("feedForward", trainable(feedForward));
        m.put("integrator", trainable(integrator));
        m.put("readout", trainable(readoutLif) + trainable(readoutFc));
        m.put("total", trainable(this));
        return m;
    }

    private static long trainable(Module m) { return m.trainableParameters().stream().mapToLong(Parameter::numel).sum(); }

    private record Rec(int[] shape) {}

    /** {@code x [T, B, C]} virtual channels → {@code [T, B, outputs]} predictions. */
    @Override
    public Tensor forward(Tensor x, Tape tape) {
        if (x == null) throw new IllegalArgumentException("SpikachuCore " + name + ": input is null");
        int[] s = x.shape();
        if (s.length != 3 || s[2] != cfg.channels() || s[0] < 1 || s[1] < 1) {
            throw new IllegalArgumentException("SpikachuCore " + name + ": expected virtual channels [T, B, " + cfg.channels() + "] with T, B >= 1, got " + Arrays.toString(s));
        }
        int t = s[0], b = s[1];
        Tensor h = multiScale.forward(x, tape);                                  // [T, B, S, H]
        h = ssa.forward(h, tape);                                                // [T, B, S, H]
        h = feedForward.forward(h.reshape(t, b, cfg.scales() * cfg.hidden()), tape);   // [T, B, ff]
        h = integrator.forward(h, tape);                                         // [T, B, S', ff]
        h = readoutLif.forward(h.reshape(t, b, cfg.integratorTaus().size() * cfg.ff()), tape);
        tape.push(new Rec(s));
        return readoutFc.forward(h, tape);
    }

    /**
     * The spikes of the feed-forward stage's LIF ({@code <name>.ff.lif}: the neurons that read the
     * SSA block's output of every scale, {@code S·H} of them) for {@code x [T, B, C]}, in an
     * inference pass: {@code [T, B, S·H]} of 0/1. The same layers and arithmetic as {@link #forward}
     * up to that LIF; a separate pass that changes no parameter or statistic.
     */
    public Tensor hiddenSpikes(Tensor x) {
        if (x == null || x.shape().length != 3) throw new IllegalArgumentException("SpikachuCore " + name + ".hiddenSpikes: expected virtual channels [T, B, " + cfg.channels() + "]");
        int t = x.dim(0), b = x.dim(1);
        Tape tape = Tape.inference();
        Tensor h = ssa.forward(multiScale.forward(x, tape), tape);
        return feedForward.layers().getFirst().forward(h.reshape(t, b, cfg.scales() * cfg.hidden()), tape);
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Tensor g = readoutFc.backward(gradOut, tape);
        Rec r = tape.pop(Rec.class);
        int t = r.shape()[0], b = r.shape()[1];
        g = readoutLif.backward(g, tape);
        g = integrator.backward(g.reshape(t, b, cfg.integratorTaus().size(), cfg.ff()), tape);
        g = feedForward.backward(g, tape);
        g = ssa.backward(g.reshape(t, b, cfg.scales(), cfg.hidden()), tape);
        return multiScale.backward(g, tape);
    }

    /** {@link #energy(Tape, int, EnergyConstants)} with Horowitz' 45-nm constants (E_AC 0.9 pJ, E_MAC 4.6 pJ). */
    public Energy energy(Tape tape, int steps) { return energy(tape, steps, EnergyConstants.HOROWITZ_45NM); }

    /**
     * The notebooks/papers/spikachu.md §6.2 energy estimate from the spike rates an inference pass of this core recorded on
     * {@code tape}; counts are per time step and sample, {@code steps} (the window length T) scales
     * them to {@link Energy#joulesPerWindow()}.
     */
    public Energy energy(Tape tape, int steps, EnergyConstants c) {
        if (tape == null) throw new IllegalArgumentException("SpikachuCore.energy: tape is null");
        if (steps < 1) throw new IllegalArgumentException("SpikachuCore.energy: steps must be >= 1, got " + steps);
        if (c == null) throw new IllegalArgumentException("SpikachuCore.energy: energy constants are null");
        List<Energy.Entry> es = new ArrayList<>();
        double macs = 0, acs = 0, spikes = 0;
        for (SpikachuCoreOps.Op op : ops) {
            double tok = op.tokens(), rate = 0, m = 0, a = 0, sp = 0;
            switch (op.kind()) {
                case LIF -> {
                    rate = rate(tape, op.module());
                    sp = (double) op.in() * tok * rate;
                }
                case LINEAR -> {
                    double io = (double) op.in() * op.out() * tok;
                    if (op.rateOf() != null) {
                        rate = rate(tape, op.rateOf());
                        a = io * rate;
                    } else {
                        m = io;
                    }
                    if (op.bias()) a += (double) op.out() * tok;
                }
                case BATCHNORM -> m = 6.0 * op.out() * tok;
                case ATTENTION -> m = 2.0 * op.out() * tok * tok * op.in();
            }
            es.add(new Energy.Entry(op.module(), op.kind().name(), rate, m, a, sp));
            macs += m;
            acs += a;
            spikes += sp;
        }
        double joules = (macs * c.macPicojoule() + (acs + spikes) * c.acPicojoule()) * 1e-12;
        return new Energy(List.copyOf(es), macs, acs, spikes, joules, steps, c);
    }

    /**
     * The released profiler's count, as IoannisAsmanis/spikachu {@code network_profiling.py}
     * ({@code construct_module_specs}, lines 443-514, and {@code estimate_energy_snn}) computes it
     * from a model's modules in registration order (for this core the same as its forward order):
     * <ul>
     *   <li>a LIF: {@code F·r} spikes (F its width, even inside the SSA, whose released neurons run
     *       over the folded T·B axis with the S tokens as batch);</li>
     *   <li>a Linear: {@code in·out·r} ACs when the module counted <em>immediately</em> before it is a
     *       LIF (r that LIF's rate), else {@code in·out} MACs; a bias adds {@code out} ACs. So the
     *       SSA's q projection (after the multi-scale output BatchNorm) and the readout Linear
     *       (after the integrator's last BatchNorm; the readout neuron is not an LTLIF and is not
     *       counted) are MACs, and the k and v projections are ACs at the q and k neurons' rates;</li>
     *   <li>a BatchNorm: {@code 6·F} MACs, and — because that branch sets only its MACs and the
     *       entry is written with the other fields left from the module before — the ACs, and the
     *       neuron count and rate (so spikes), of that module again: every {@code Linear → BN} pair
     *       counts the Linear's ACs twice;</li>
     *   <li>the attention products: not counted (class {@code SSA} fails the "attention" name
     *       test), and not a "module before" either;</li>
     *   <li>every module once per step and sample, not once per scale token.</li>
     * </ul>
     * Counts are per 10-ms step and sample, the unit of the released CSV (µJ per step); spike rates
     * come from {@code tape}. {@link Energy#meanActiveRate()} is the released {@code spike_rate_mean}
     * (silent LIFs left out). The released script profiles one training window at batch size 1 with
     * the model left in training mode; the caller chooses the tape (see {@code SpikachuPaper}).
     */
    public Energy energyAsProfiled(Tape tape, int steps, EnergyConstants c) {
        if (tape == null) throw new IllegalArgumentException("SpikachuCore.energyAsProfiled: tape is null");
        if (steps < 1) throw new IllegalArgumentException("SpikachuCore.energyAsProfiled: steps must be >= 1, got " + steps);
        if (c == null) throw new IllegalArgumentException("SpikachuCore.energyAsProfiled: energy constants are null");
        List<Energy.Entry> es = new ArrayList<>();
        double macs = 0, acs = 0, spikes = 0;
        String prevLif = null;                 // the module counted just before, when it is a LIF
        double carriedAcs = 0, carriedSpikes = 0, carriedRate = 0;   // fields a BatchNorm entry inherits
        for (SpikachuCoreOps.Op op : ops) {
            double rate = 0, m = 0, a = 0, sp = 0;
            switch (op.kind()) {
                case LIF -> {
                    rate = rate(tape, op.module());
                    sp = op.in() * rate;
                }
                case LINEAR -> {
                    double io = (double) op.in() * op.out();
                    if (prevLif != null) {
                        rate = rate(tape, prevLif);
                        a = io * rate;
                    } else {
                        m = io;
                    }
                    if (op.bias()) a += op.out();
                }
                case BATCHNORM -> {
                    m = 6.0 * op.out();
                    a = carriedAcs;
                    sp = carriedSpikes;
                    rate = carriedRate;
                }
                case ATTENTION -> {
                    continue;
                }
            }
            es.add(new Energy.Entry(op.module(), op.kind().name(), rate, m, a, sp));
            macs += m;
            acs += a;
            spikes += sp;
            prevLif = op.kind() == SpikachuCoreOps.Kind.LIF ? op.module() : null;
            carriedAcs = a;
            carriedSpikes = sp;
            // a Linear entry's spiking_rate is 0 (its "rate" here is the feeding LIF's, for the ACs)
            carriedRate = op.kind() == SpikachuCoreOps.Kind.LINEAR ? 0 : rate;
        }
        double joules = (macs * c.macPicojoule() + (acs + spikes) * c.acPicojoule()) * 1e-12;
        return new Energy(List.copyOf(es), macs, acs, spikes, joules, steps, c);
    }

    private static double rate(Tape tape, String lif) {
        Tape.Activity a = tape.activity(lif);
        if (a == null) {
            throw new IllegalArgumentException("SpikachuCore.energy: the tape has no spike record of " + lif
                    + "; pass the tape of a forward pass of this core");
        }
        return a.rate();
    }

    @Override
    public String describe() {
        return "SpikachuCore(" + cfg.channels() + " channels → " + multiScale.describe() + " → " + ssa.describe() + " → FF(" + cfg.ff()
                + ") → Integrator(" + cfg.integratorTaus().size() + " × " + cfg.ff() + ") → readout " + cfg.outputs()
                + (cfg.asReleased() ? ", as released" : "") + ")";
    }
}
