package org.spikekit.train.stdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.spikekit.data.spiking.SpikingDataset;
import org.spikekit.data.spiking.SpikingSplit;
import org.spikekit.neuron.SingleSpikeLayer;
import org.spikekit.train.Fitter;
import org.spikekit.train.Interrupts;
import org.spikekit.train.TrainingInterruptedException;
import org.spikekit.train.stdp.SpikeNnConfig.Method;

/**
 * Online training of the SpikeNN readout (notebooks/papers/spikenn.md §4–5; original {@code ggoupy/SpikeNN}
 * {@code spikenn/train.py}, {@code spikenn/_impl.py}, {@code spikenn/snn.py}, {@code app/readout.py}):
 * one {@link SingleSpikeLayer} of N = C·M neurons, neuron i of class ⌊i/M⌋, trained one sample at a
 * time with S2-STDP / SSTDP, R-STDP or S4NN, optionally with neuronal competition groups (NCG),
 * labelling (L), competition regulation (CR-1, CR-2) and dropout.
 *
 * <p><b>Per training sample</b> (label y), in this order ({@code app/readout.py} {@code fit}):
 * output then input dropout masks → training thresholds (CR-2: θ with the adaptive thresholds on
 * the target neurons of class y; CR-1: the training vector; else θ) → forward → prediction
 * (global winner) → {@linkplain #setObserver observer} → competition regulation → weight update
 * → clip <em>every</em> row to [w_min, w_max] → with {@code w_norm}, rescale <em>every</em> row to its
 * L1 target (also when no neuron was updated, as the original's optimizers do after each sample).
 *
 * <p><b>Semantics of the released code</b> (the default; {@link Variant} lists the kit's earlier
 * readings, kept as labelled options): input dropout only hides the dropped spikes from the STDP
 * update, they still drive the membranes ({@code _impl.py} {@code forward_fc}: {@code mask_in}
 * only gates {@code in_spks}); output-dropped neurons cannot fire (time t_max, potential 0) but
 * still take part in every ranking (prediction, NCG winners, CR) and, without NCG, in the S2-STDP
 * / S4NN update ({@code s2stdp} updates {@code np.arange(n_neurons)}); without class inhibition
 * the S2-STDP target count is n_t = M, the neurons per class ({@code s2stdp}:
 * {@code n_target_neurons = n_neurons_per_class}).
 *
 * <p><b>Arithmetic</b> (for bit-exact replay of the original, checked against its golden outputs
 * by {@code SpikeNnParityTest}): weights, potentials, times and thresholds are float32; rates,
 * gaps and annealing are doubles (Python floats); the S2-STDP gaps, base time and error are
 * computed in double and the error rounded once to float32; a weight step is
 * {@code w ← float32(double(w) + double(|e|)·rate)}; the L1 normalisation divides the float32
 * target by numpy's float32 {@linkplain PairwiseSum pairwise} sum of |w| and multiplies in float32;
 * CR winner {@code θ̂ ← float32(double(θ̂) + η(k−1)/k)}, losers {@code θ̂ − float32(η/k)}.
 *
 * <p><b>Randomness.</b> One {@link SplittableRandom} seeded with the run seed draws the initial
 * weights (neuron by neuron, input by input, Box–Muller with {@link StrictMath}); a second one,
 * {@code split()} from it afterwards, draws the dropout masks (per sample: N output draws, then
 * one draw per input spike). Results depend only on (config, data, seed, variants), never on
 * threads or machine; numpy RNG parity is not attempted — {@link #setInitialWeights} takes the
 * original's initial weights when a replay needs them.
 *
 * <p>Not thread-safe; one trainer per run. Stops before the next sample when its thread is
 * interrupted ({@link Interrupts}).
 */
public final class ReadoutTrainer implements Fitter<SpikingSplit, ReadoutTrainer.History> {

    /**
     * The kit's earlier readings of the original, kept only as labelled options (each differs from
     * the released code {@code ggoupy/SpikeNN} @ b3d1865; none is used unless asked for).
     */
    public enum Variant {
        /**
         * Input dropout removes the dropped spikes from the forward pass too (the released code
         * keeps them in the forward pass and hides them from the STDP update only).
         */
        INPUT_DROPOUT_IN_FORWARD("input-dropout-in-forward"),
        /**
         * Output-dropped neurons are left out of the prediction, the NCG and CR rankings and the
         * S2-STDP / S4NN updates (the released code ranks and updates them as silent neurons).
         */
        OUTPUT_DROPOUT_EXCLUDED("output-dropout-excluded"),
        /**
         * Without class inhibition, n_t = M − nt_neurons, the target-labelled neurons of a class
         * (the released code uses n_t = M).
         */
        NT_TARGET_LABELLED("nt-target-labelled");

        /** Short id used in labels and run keys. */
        public final String id;

        Variant(String id) { this.id = id; }
    }

    /** The label of the released semantics (no {@link Variant}). */
    public static final String RELEASED = "released";

    /**
     * A label for the semantics a set of variants gives: {@value #RELEASED}, or
     * {@code kit-variant:<id>+<id>} (enum order).
     */
    public static String semanticsLabel(Set<Variant> variants) {
        if (variants == null || variants.isEmpty()) return RELEASED;
        StringBuilder sb = new StringBuilder("kit-variant:");
        boolean first = true;
        for (Variant v : Variant.values()) {
            if (!variants.contains(v)) continue;
            sb.append(first ? "" : "+").append(v.id);
            first = false;
        }
        return sb.toString();
    }

    /**
     * Sees every training sample's forward pass (training thresholds, dropout applied) before
     * the competition regulation and the weight update — the original's {@code outputs} of the
     * sample. The arrays are the trainer's live scratch: read or copy them during the call, never
     * modify them.
     */
    @FunctionalInterface
    public interface SampleObserver {
        /**
         * @param label      the sample's class y
         * @param thresholds the per-neuron thresholds used by this forward pass
         * @param out        spike time (t_max: none) and potential per neuron; never truncated while an
         *                   observer is set
         * @param winner     the predicted neuron (the decision rule over all neurons)
         */
        void sample(int label, float[] thresholds, SingleSpikeLayer.Output out, int winner);
    }

    private final SpikeNnConfig cfg;
    private final int inputs, classes, perClass, nt, n;
    private final SingleSpikeLayer layer;
    private final float tMax;
    private final float[] theta;          // decision thresholds θ
    private final float thrMin;           // CR-2 floor: min θ at construction (train.py CompetitionRegularizerTwo.thr_min)
    private final float[] thetaTrain;     // CR-2: adaptive θ̂; CR-1: the single training vector
    private final float[] wNorm;          // per-neuron L1 target (w_norm)
    private final Set<Variant> variants;
    private final boolean fwdDrop, exclSilenced, ntLabelled;
    private double thrLr;
    private double baseAp, baseAm, baseAntiAp, baseAntiAm, lr;
    private double ap, am, antiAp, antiAm;
    private final SplittableRandom dropRng;
    private final boolean recordStats;
    private SampleObserver observer;
    private boolean needFullClip;         // some weight may lie outside [w_min, w_max] (set directly)
    // scratch
    private int[] idx;
    private float[] ts;
    private int[] idxDrop;
    private float[] tsDrop;
    private final SingleSpikeLayer.Output out;
    private final boolean[] silenced;
    private final float[] thrSample;
    private final int[] groupWinner;
    private final int[] lanes;
    private final double[] dp, dm, ds;
    private final float[] tn, acc, rowSum;
    private float[] factor;
    private final PairwiseSum pairwise;
    // with w_norm on the vector path the STDP step is applied in the constraint pass
    // (PairwiseSum.updatedClippedAbsRows): per-neuron step pending until constrain()
    private final boolean fusedStep;
    private boolean stepPending;
    // within trainEpoch on the vector path with w_norm, the L1 rescale of sample s is folded into the
    // forward and the weight pass of sample s+1 (pendingScale) and written out when the epoch ends
    private boolean lazyScale, scalePending;
    private float[] pendingScale;
    private final boolean[] updN;
    private final double[] dpN, dmN, dsN;
    private final float[] tnN;
    private final boolean[] spiked;
    private final float[] tIn;
    // per-epoch statistics
    private final int[] tWins, ntWins, wins, correctWins;
    private final List<int[]> tWinsTrace = new ArrayList<>(), ntWinsTrace = new ArrayList<>(), winsTrace = new ArrayList<>();
    private final List<double[]> precTrace = new ArrayList<>();
    private final List<float[]> thrTrainTrace = new ArrayList<>(), thrTrace = new ArrayList<>();

    /**
     * A fresh readout with the released semantics: weights initialised, thresholds θ =
     * {@code firing_threshold}.
     *
     * @param inputs      D
     * @param classes     C; {@code n_neurons} must be a multiple
     * @param maxSpikes   longest sample expected (scratch size; grows when a longer one comes)
     * @param seed        run seed (the fold index in the K-fold protocol)
     * @param recordStats keep {@link TrainStats}
     */
    public ReadoutTrainer(SpikeNnConfig cfg, int inputs, int classes, int maxSpikes, long seed, boolean recordStats) {
        this(cfg, inputs, classes, maxSpikes, seed, recordStats, Set.of());
    }

    /**
     * As {@link #ReadoutTrainer(SpikeNnConfig, int, int, int, long, boolean)} with some of the
     * kit's {@link Variant}s instead of the released semantics (empty or null: released).
     */
    public ReadoutTrainer(SpikeNnConfig cfg, int inputs, int classes, int maxSpikes, long seed, boolean recordStats,
                          Set<Variant> variants) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
        if (inputs <= 0) throw new IllegalArgumentException("ReadoutTrainer: inputs must be > 0, got " + inputs);
        this.inputs = inputs;
        this.classes = classes;
        this.perClass = cfg.neuronsPerClass(classes);
        this.nt = cfg.trainer().ntNeurons();
        this.n = cfg.network().nNeurons();
        this.variants = variants == null || variants.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(variants));
        this.fwdDrop = this.variants.contains(Variant.INPUT_DROPOUT_IN_FORWARD);
        this.exclSilenced = this.variants.contains(Variant.OUTPUT_DROPOUT_EXCLUDED);
        this.ntLabelled = this.variants.contains(Variant.NT_TARGET_LABELLED);
        SpikeNnConfig.Network net = cfg.network();
        float[] tau = null;
        if (net.leaky()) {
            tau = new float[n];
            Arrays.fill(tau, net.leakTau());
        }
        this.tMax = 1f;
        this.layer = new SingleSpikeLayer(inputs, n, tau, tMax);
        this.theta = new float[n];
        Arrays.fill(theta, net.firingThreshold());
        this.thrMin = net.firingThreshold();
        this.thetaTrain = theta.clone();
        this.thrLr = cfg.regularizer() == null ? 0 : cfg.regularizer().thrLr();
        SpikeNnConfig.Optimizer o = cfg.optimizer();
        baseAp = o.ap();
        baseAm = o.am();
        baseAntiAp = o.antiAp();
        baseAntiAm = o.antiAm();
        lr = o.lr();
        if (o.method() == Method.RSTDP && o.adaptiveLr()) {
            double meanAcc = 1.0 / classes;                   // train.py RSTDPOptimizer.__init__
            ap = baseAp * (1 - meanAcc);
            am = baseAm * (1 - meanAcc);
            antiAp = baseAntiAp * meanAcc;
            antiAm = baseAntiAm * meanAcc;
        } else {
            ap = baseAp;
            am = baseAm;
            antiAp = baseAntiAp;
            antiAm = baseAntiAm;
        }
        this.recordStats = recordStats;
        int cap = Math.max(1, maxSpikes);
        idx = new int[cap];
        ts = new float[cap];
        idxDrop = new int[cap];
        tsDrop = new float[cap];
        out = new SingleSpikeLayer.Output(n);
        silenced = new boolean[n];
        thrSample = new float[n];
        groupWinner = new int[classes];
        lanes = new int[n];
        dp = new double[n];
        dm = new double[n];
        ds = new double[n];
        tn = new float[n];
        acc = new float[n];
        rowSum = new float[n];
        factor = new float[n];
        pendingScale = new float[n];
        pairwise = new PairwiseSum(n);
        fusedStep = net.wNorm() && PairwiseSum.vectorClip(net.wMin(), net.wMax());
        updN = new boolean[n];
        dpN = new double[n];
        dmN = new double[n];
        dsN = new double[n];
        tnN = new float[n];
        spiked = new boolean[inputs];
        tIn = new float[inputs];
        tWins = new int[n];
        ntWins = new int[n];
        wins = new int[n];
        correctWins = new int[n];
        this.wNorm = new float[n];
        SplittableRandom init = new SplittableRandom(seed);
        initWeights(init);
        this.dropRng = init.split();
    }

    /**
     * The original's init order ({@code spikenn/snn.py} {@code SpikingLayer.__init__}): draw
     * N(μ, σ) (or uniform on [w_min, w_max] when {@code w_init_normal} is false) as float32; with
     * {@code w_norm}, the target of each neuron is the pairwise float32 sum of its drawn row and
     * the row is normalised to it; then clip to [w_min, w_max].
     */
    private void initWeights(SplittableRandom r) {
        SpikeNnConfig.Network net = cfg.network();
        float[] w = layer.weights();
        double spare = Double.NaN;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < inputs; j++) {
                float x;
                if (net.wInitNormal()) {
                    double g;
                    if (!Double.isNaN(spare)) {
                        g = spare;
                        spare = Double.NaN;
                    } else {
                        double u1 = 1.0 - r.nextDouble(), u2 = r.nextDouble();    // u1 in (0, 1]
                        double rad = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
                        g = rad * StrictMath.cos(2 * Math.PI * u2);
                        spare = rad * StrictMath.sin(2 * Math.PI * u2);
                    }
                    x = (float) (net.wInitMean() + net.wInitStd() * g);
                } else {
                    x = (float) (net.wMin() + (net.wMax() - (double) net.wMin()) * r.nextDouble());
                }
                w[j * n + i] = x;
            }
        }
        if (net.wNorm()) {
            pairwise.rows(w, inputs, false, wNorm);              // snn.py: self.weights.sum(1)
            normaliseAll(false);
        }
        clipAll();
    }

    private static float clip(float x, float lo, float hi) {
        return PairwiseSum.clip(x, lo, hi);              // numpy clip: min(max(x, lo), hi)
    }

    /**
     * Replaces the initial weights, e.g. with the original's arrays for a replay. Call before
     * training. Values are used as given: pass the weights <em>after</em> the original's init
     * (draw → normalise → clip, its {@code Fc.weights}); values outside [w_min, w_max] are
     * clipped, as in the original, by the first update.
     *
     * @param weights neuron-major, {@code N × D} (row i = neuron i), the layout of the original's
     *                {@code (n_neurons, input_size)} float32 array
     * @param wNorm   the per-neuron L1 targets of the {@code w_norm} renormalisation (the
     *                original's {@code SpikingLayer.w_norm}, the sums of the rows as drawn);
     *                required when the config has {@code w_norm}, must be null otherwise
     */
    public void setInitialWeights(float[] weights, float[] wNorm) {
        Objects.requireNonNull(weights, "weights");
        if (weights.length != n * inputs) {
            throw new IllegalArgumentException("setInitialWeights: weights has " + weights.length + " values, expected N × D = "
                    + n + " × " + inputs + " = " + n * inputs + " (neuron-major)");
        }
        boolean norm = cfg.network().wNorm();
        if (norm && wNorm == null) throw new IllegalArgumentException("setInitialWeights: the config has network.w_norm, so the "
                + "per-neuron L1 targets wNorm are required");
        if (!norm && wNorm != null) throw new IllegalArgumentException("setInitialWeights: wNorm given but the config has no "
                + "network.w_norm");
        if (norm && wNorm.length != n) throw new IllegalArgumentException("setInitialWeights: wNorm has " + wNorm.length
                + " values, expected one per neuron (" + n + ")");
        float lo = cfg.network().wMin(), hi = cfg.network().wMax();
        float[] w = layer.weights();
        boolean outside = false;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < inputs; j++) {
                float x = weights[i * inputs + j];
                if (!Float.isFinite(x)) throw new IllegalArgumentException("setInitialWeights: weight of neuron " + i + ", input " + j + " is " + x);
                outside |= x < lo || x > hi;
                w[j * n + i] = x;
            }
        }
        if (norm) {
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(wNorm[i])) throw new IllegalArgumentException("setInitialWeights: wNorm[" + i + "] is " + wNorm[i]);
            }
            System.arraycopy(wNorm, 0, this.wNorm, 0, n);
        }
        needFullClip = outside;
    }

    /** The per-neuron L1 targets of {@code w_norm} (a copy; zeros without {@code w_norm}). */
    public float[] wNorm() { return cfg.network().wNorm() ? wNorm.clone() : new float[n]; }

    /** Weights neuron-major ({@code N × D}, row i = neuron i; a copy), the layout of {@link #setInitialWeights}. */
    public float[] weightsByNeuron() {
        float[] w = layer.weights(), o = new float[n * inputs];
        for (int j = 0; j < inputs; j++) for (int i = 0; i < n; i++) o[i * inputs + j] = w[j * n + i];
        return o;
    }

    /** Sets (or with null removes) the observer of the training forward passes. */
    public void setObserver(SampleObserver observer) { this.observer = observer; }

    // ---- accessors ------------------------------------------------------------------------------

    public SingleSpikeLayer layer() { return layer; }

    public SpikeNnConfig config() { return cfg; }

    /** The kit variants this trainer uses (empty: the released semantics). */
    public Set<Variant> variants() { return variants; }

    /** {@link #semanticsLabel} of this trainer's variants. */
    public String semantics() { return semanticsLabel(variants); }

    /** Decision thresholds θ (live). */
    public float[] thresholds() { return theta; }

    /** Training thresholds (CR-2 adaptive θ̂ / CR-1 vector; θ without CR; live). */
    public float[] trainThresholds() { return thetaTrain; }

    /** Current STDP rates {a⁺, a⁻, anti a⁺, anti a⁻} after annealing / adaptation. */
    public double[] rates() { return new double[] {ap, am, antiAp, antiAm}; }

    /** Current S4NN learning rate. */
    public double learningRate() { return lr; }

    /** Current η_θ. */
    public double thresholdRate() { return thrLr; }

    /** Class of neuron i (the decision map). */
    public int classOf(int i) { return i / perClass; }

    /** True when neuron i is labelled target (its in-group index is ≥ nt_neurons). */
    public boolean isTarget(int i) { return i % perClass >= nt; }

    /** Neurons per class M. */
    public int perClass() { return perClass; }

    // ---- inference ------------------------------------------------------------------------------

    /** Predicted class of sample s with the decision thresholds, no dropout (decision rule, notebooks/papers/spikenn.md §4.2). */
    public int predict(SpikingDataset ds, int s) {
        int c = ds.copySample(s, idx, ts);
        layer.forward(idx, ts, 0, c, theta, null, true, out);
        return classOf(SingleSpikeLayer.winner(out.times, out.potentials, 0, n, null));
    }

    /**
     * The test-mode forward pass of sample s (decision thresholds, no dropout), complete (never
     * truncated) into {@code result}; returns the winning neuron (its class is {@link #classOf}).
     */
    public int evaluate(SpikingDataset ds, int s, SingleSpikeLayer.Output result) {
        checkData(ds);
        if (result.times.length != n) throw new IllegalArgumentException("evaluate: output holds " + result.times.length + " neurons, expected " + n);
        int c = ds.copySample(s, idx, ts);
        layer.forward(idx, ts, 0, c, theta, null, false, result);
        return SingleSpikeLayer.winner(result.times, result.potentials, 0, n, null);
    }

    /** Top-1 accuracy on {@code ds} (NaN when empty). */
    public double accuracy(SpikingDataset ds) {
        checkData(ds);
        if (ds.size() == 0) return Double.NaN;
        int ok = 0;
        for (int s = 0; s < ds.size(); s++) {
            Interrupts.check("SpikeNN readout evaluation", 0, 0, "sample", s, ds.size());
            if (predict(ds, s) == ds.label(s)) ok++;
        }
        return ok / (double) ds.size();
    }

    private void checkData(SpikingDataset ds) {
        if (ds.inputSize() != inputs || ds.numClasses() != classes) {
            throw new IllegalArgumentException("data has input size " + ds.inputSize() + " and " + ds.numClasses()
                    + " classes; this readout was built for " + inputs + " and " + classes);
        }
        if (ds.size() > 0 && ds.maxCount() > idx.length) grow(ds.maxCount());
    }

    /** Enlarges the per-sample scratch arrays. */
    private void grow(int cap) {
        idx = new int[cap];
        ts = new float[cap];
        idxDrop = new int[cap];
        tsDrop = new float[cap];
    }

    // ---- training -------------------------------------------------------------------------------

    /** Resets θ̂ at the start of an epoch (CR-2). Called by {@link #trainEpoch}. */
    private void startEpoch() {
        if (cfg.cr2()) System.arraycopy(theta, 0, thetaTrain, 0, n);
        Arrays.fill(tWins, 0);
        Arrays.fill(ntWins, 0);
        Arrays.fill(wins, 0);
        Arrays.fill(correctWins, 0);
    }

    /**
     * One epoch over {@code train} in its fixed order, then the end-of-epoch steps (rate annealing
     * and R-STDP adaptation, η_θ annealing, CR-1 θ ← training thresholds).
     *
     * @return training accuracy of the epoch (predictions of the training-mode forward passes)
     */
    public double trainEpoch(SpikingDataset train) {
        checkData(train);
        startEpoch();
        int ok = 0;
        lazyScale = fusedStep && observer == null;
        try {
            for (int s = 0; s < train.size(); s++) {
                Interrupts.check("SpikeNN readout training", 0, 0, "sample", s, train.size());
                int c = train.copySample(s, idx, ts);
                if (trainSample(idx, ts, c, train.label(s))) ok++;
            }
        } finally {
            lazyScale = false;
            writePendingScale();
        }
        double acc = train.size() == 0 ? Double.NaN : ok / (double) train.size();
        endEpoch(acc);
        return acc;
    }

    /**
     * The end-of-epoch steps; {@code trainAcc} (the fraction of the epoch's samples whose winner
     * had the label's class) drives the R-STDP adaptive rates ({@code train.py}
     * {@code RSTDPOptimizer.anneal}: a = a₀·(1 − acc), anti = anti₀·acc after a₀ ← a₀·annealing).
     */
    void endEpoch(double trainAcc) {
        SpikeNnConfig.Optimizer o = cfg.optimizer();
        double a = o.annealing();
        baseAp *= a;
        baseAm *= a;
        baseAntiAp *= a;
        baseAntiAm *= a;
        lr *= a;
        if (o.method() == Method.RSTDP && o.adaptiveLr()) {
            ap = baseAp * (1 - trainAcc);
            am = baseAm * (1 - trainAcc);
            antiAp = baseAntiAp * trainAcc;
            antiAm = baseAntiAm * trainAcc;
        } else {
            ap = baseAp;
            am = baseAm;
            antiAp = baseAntiAp;
            antiAm = baseAntiAm;
        }
        if (cfg.regularizer() != null) {
            thrLr *= cfg.regularizer().thrAnneal();
            if (cfg.cr1()) System.arraycopy(thetaTrain, 0, theta, 0, n);
        }
        if (recordStats) {
            tWinsTrace.add(tWins.clone());
            ntWinsTrace.add(ntWins.clone());
            winsTrace.add(wins.clone());
            double[] p = new double[n];
            for (int i = 0; i < n; i++) p[i] = wins[i] == 0 ? Double.NaN : correctWins[i] / (double) wins[i];
            precTrace.add(p);
            thrTrainTrace.add(cfg.regularizer() == null ? theta.clone() : thetaTrain.clone());
            thrTrace.add(theta.clone());
        }
    }

    /** Statistics so far (null unless recorded). */
    public TrainStats stats() {
        if (!recordStats) return null;
        return new TrainStats(tWinsTrace, ntWinsTrace, winsTrace, precTrace, thrTrainTrace, thrTrace);
    }

    /**
     * One training step on one sample (spikes {@code [0, count)} of the arrays, ascending times).
     * Exposed for tests and custom loops; {@link #trainEpoch} is the usual way.
     *
     * @return whether the training-mode prediction was correct
     */
    public boolean trainSample(int[] sIdx, float[] sTs, int count, int y) {
        if (count > idxDrop.length) grow(count);
        if (y < 0 || y >= classes) throw new IllegalArgumentException("label " + y + " outside 0.." + (classes - 1));
        SpikeNnConfig.Trainer tr = cfg.trainer();
        SpikeNnConfig.Optimizer o = cfg.optimizer();
        // 1. dropout masks; xi/xt/cnt: the input spikes the STDP update sees
        if (tr.dropoutOut() > 0) {
            for (int i = 0; i < n; i++) silenced[i] = dropRng.nextDouble() < tr.dropoutOut();
        }
        int[] xi = sIdx;
        float[] xt = sTs;
        int cnt = count;
        if (tr.dropoutIn() > 0) {
            int c = 0;
            for (int k = 0; k < count; k++) {
                if (dropRng.nextDouble() >= tr.dropoutIn()) {
                    idxDrop[c] = sIdx[k];
                    tsDrop[c] = sTs[k];
                    c++;
                }
            }
            xi = idxDrop;
            xt = tsDrop;
            cnt = c;
        }
        boolean[] sil = tr.dropoutOut() > 0 ? silenced : null;
        boolean[] ex = exclSilenced ? sil : null;               // neurons left out of the rankings
        // 2. thresholds
        float[] thr;
        if (cfg.cr2()) {
            for (int i = 0; i < n; i++) thrSample[i] = classOf(i) == y && isTarget(i) ? thetaTrain[i] : theta[i];
            thr = thrSample;
        } else if (cfg.cr1()) {
            thr = thetaTrain;
        } else {
            thr = theta;
        }
        // 3. forward: all spikes (released) or the kept ones (variant); R-STDP without CR,
        //    statistics or observer needs only the first firing
        boolean first = o.method() == Method.RSTDP && cfg.regularizer() == null && !recordStats && observer == null;
        float[] scale = scalePending ? pendingScale : null;
        if (fwdDrop) layer.forward(xi, xt, 0, cnt, thr, sil, first, out, scale);
        else layer.forward(sIdx, sTs, 0, count, thr, sil, first, out, scale);
        final float[] t = out.times, v = out.potentials;
        // 4. prediction
        int win = SingleSpikeLayer.winner(t, v, 0, n, ex);
        boolean correct = win >= 0 && classOf(win) == y;
        if (observer != null) observer.sample(y, thr, out, win);
        if (recordStats && win >= 0) {
            wins[win]++;
            if (correct) correctWins[win]++;
        }
        boolean needGroups = o.classInhib() || recordStats;
        if (needGroups) {
            for (int c = 0; c < classes; c++) {
                int g = SingleSpikeLayer.winner(t, v, c * perClass, (c + 1) * perClass, ex);
                groupWinner[c] = g;
                if (recordStats && g >= 0) {
                    if (c == y) tWins[g]++;
                    else ntWins[g]++;
                }
            }
        }
        // 5. competition regulation
        if (cfg.regularizer() != null) regulate(y, t, v, ex);
        // 6. weight update, then the layer constraints (every row, as the original)
        switch (o.method()) {
            case S2STDP -> s2stdp(y, t, ex, xi, xt, cnt);
            case RSTDP -> rstdp(y, win, t, xi, xt, cnt);
            case S4NN -> s4nn(y, t, ex, xi, xt, cnt);
        }
        constrain();
        return correct;
    }

    /**
     * CR-1 / CR-2 ({@code train.py} {@code CompetitionRegularizerOne/Two.__call__}): nothing when
     * η_θ ≤ 0; G = the target-labelled neurons of class y (with
     * {@link Variant#OUTPUT_DROPOUT_EXCLUDED}: those not silenced); if |G| = k ≥ 2, winner of G
     * (first spike, ties larger V, then lower index): θ̂ ← float32(double(θ̂) + η(k−1)/k), the
     * others θ̂ ← θ̂ − float32(η/k); CR-2 then floors at min θ (never below the decision threshold).
     */
    private void regulate(int y, float[] t, float[] v, boolean[] ex) {
        if (!(thrLr > 0)) return;
        int lo = y * perClass + nt, hi = (y + 1) * perClass;
        int k = 0;
        for (int i = lo; i < hi; i++) if (ex == null || !ex[i]) k++;
        if (k < 2) return;
        int w = SingleSpikeLayer.winner(t, v, lo, hi, ex);
        double up = thrLr * (k - 1) / k;
        float down = (float) (thrLr * 1 / k);
        for (int i = lo; i < hi; i++) {
            if (ex != null && ex[i]) continue;
            if (i == w) thetaTrain[i] = (float) (thetaTrain[i] + up);
            else thetaTrain[i] = thetaTrain[i] - down;
            if (cfg.cr2() && thetaTrain[i] < thrMin) thetaTrain[i] = thrMin;
        }
    }

    /** Collects the updated set U into {@link #lanes}; returns its size. */
    private int updatedSet(boolean[] ex) {
        int m = 0;
        if (cfg.optimizer().classInhib()) {
            for (int c = 0; c < classes; c++) if (groupWinner[c] >= 0) lanes[m++] = groupWinner[c];
        } else {
            for (int i = 0; i < n; i++) if (ex == null || !ex[i]) lanes[m++] = i;
        }
        return m;
    }

    /**
     * S2-STDP and SSTDP ({@code _impl.py} {@code s2stdp}): U and n_t: with NCG the C group
     * winners and n_t = 1; without, every neuron and n_t = M (with
     * {@link Variant#NT_TARGET_LABELLED}: M − nt_neurons); |U| in the gaps is C resp. N from the
     * config, never reduced by dropout. In double: g_nt = g·(n_t/|U|), g_t = g·((|U| − n_t)/|U|);
     * base T̄ = t_max − g_nt when no neuron of U fired, else min(mean, t_max − g_nt) with mean the
     * float32 running sum of the fired times (neuron order) divided by their count and rounded to
     * float32; desired T_i = T̄ − g_t (target-labelled neuron of class y) or T̄ + g_nt; SSTDP time
     * ranges T_i = min(t_i, T_i) / max(t_i, T_i); e_i = float32((t_i − T_i)/t_max), skipped when
     * 0. Step |e_i|·(a⁺, a⁻) when e_i &gt; 0 (STDP), |e_i|·(−a⁺, −a⁻) when e_i &lt; 0 (anti-STDP).
     */
    private void s2stdp(int y, float[] t, boolean[] ex, int[] xi, float[] xt, int cnt) {
        SpikeNnConfig.Optimizer o = cfg.optimizer();
        int m = updatedSet(ex);
        int nU = o.classInhib() ? classes : n;
        int nT = o.classInhib() ? 1 : (ntLabelled ? perClass - nt : perClass);
        double g = o.tGap();
        double gNt = g * ((double) nT / nU), gT = g * ((double) (nU - nT) / nU);
        float sum = 0f;
        int fired = 0;
        for (int k = 0; k < m; k++) {
            float ti = t[lanes[k]];
            if (ti < tMax) {
                sum += ti;
                fired++;
            }
        }
        double base = tMax - gNt;
        if (fired > 0) base = Math.min((float) ((double) sum / fired), base);
        int u = 0;
        for (int k = 0; k < m; k++) {
            int i = lanes[k];
            float ti = t[i];
            boolean target = classOf(i) == y && isTarget(i);
            double desired = target ? base - gT : base + gNt;
            if (o.useTimeRanges()) desired = target ? Math.min(ti, desired) : Math.max(ti, desired);
            float e = (float) ((ti - desired) / tMax);
            if (e == 0f) continue;
            lanes[u] = i;
            dp[u] = (double) e * ap;                        // = |e|·(−a⁺) when e < 0
            dm[u] = (double) e * am;
            tn[u] = ti;
            u++;
        }
        applyStdp(u, xi, xt, cnt, o.ignoreSilent());
    }

    /**
     * R-STDP ({@code train.py} {@code RSTDPOptimizer.__call__}): only the global winner is
     * updated, with error 1 and STDP (a⁺, a⁻) when it is a target-labelled neuron of the label's
     * class, else with the anti rates (anti_a⁺, anti_a⁻).
     */
    private void rstdp(int y, int win, float[] t, int[] xi, float[] xt, int cnt) {
        if (win < 0) return;                                 // only when every neuron is excluded (variant)
        boolean reward = classOf(win) == y && isTarget(win);
        lanes[0] = win;
        dp[0] = reward ? ap : antiAp;
        dm[0] = reward ? am : antiAm;
        tn[0] = t[win];
        applyStdp(1, xi, xt, cnt, cfg.optimizer().ignoreSilent());
    }

    /**
     * S4NN ({@code _impl.py} {@code s4nn}; no golden replay of this rule): base = the earliest
     * spike time over U (float32), t_max − g if base + g &gt; t_max; targets T = base (true class,
     * target-labelled) or base + g, with time ranges T = min(t_i, base) / max(t_i, base + g);
     * e_i = float32((t_i − T_i)/t_max), divided by the L2 norm of e over U (computed in double and
     * rounded; the original's float32 {@code np.linalg.norm} may differ in the last bit);
     * w_ij += e_i·lr for every input with t_j ≤ t_i — which includes the silent inputs of a neuron
     * that did not fire — and no change elsewhere.
     */
    private void s4nn(int y, float[] t, boolean[] ex, int[] xi, float[] xt, int cnt) {
        SpikeNnConfig.Optimizer o = cfg.optimizer();
        int m = updatedSet(ex);
        double g = o.tGap();
        float tb = tMax;
        for (int k = 0; k < m; k++) tb = Math.min(tb, t[lanes[k]]);
        double base = tb + g > tMax ? tMax - g : tb;
        double sq = 0;
        for (int k = 0; k < m; k++) {
            int i = lanes[k];
            float ti = t[i];
            boolean target = classOf(i) == y && isTarget(i);
            double desired = target ? base : base + g;
            if (o.useTimeRanges()) desired = target ? Math.min(ti, desired) : Math.max(ti, desired);
            float e = (float) ((ti - desired) / tMax);
            acc[k] = e;
            sq += (double) e * e;
        }
        float norm = (float) Math.sqrt(sq);
        int u = 0;
        for (int k = 0; k < m; k++) {
            float e = norm != 0 ? acc[k] / norm : acc[k];
            if (e == 0f) continue;
            int i = lanes[k];
            lanes[u] = i;
            dp[u] = (double) e * lr;
            dm[u] = 0;
            tn[u] = t[i];
            u++;
        }
        applyStdp(u, xi, xt, cnt, false);
    }

    /**
     * The additive STDP kernel ({@code _impl.py} {@code stdp_additive}) on neurons
     * {@code lanes[0..m)}: for every input j, {@code w_ij ← float32(double(w_ij) + (t_j ≤ t_i ? dp : dm))}
     * where silent inputs (and inputs hidden by input dropout) have {@code t_j = t_max}, so they
     * are causal only for a neuron that did not fire; then clipped to [w_min, w_max]. With
     * {@code ignoreSilent} the silent inputs get no {@code dm} step (the original's LTD bound
     * {@code in_spks < max_time}) but still the {@code dp} step of a neuron that did not fire.
     * The L1 renormalisation follows in {@link #constrain}.
     */
    private void applyStdp(int m, int[] xi, float[] xt, int cnt, boolean ignoreSilent) {
        if (m == 0) return;
        SpikeNnConfig.Network net = cfg.network();
        final float lo = net.wMin(), hi = net.wMax();
        final float[] w = layer.weights();
        final int n = this.n;
        for (int k = 0; k < cnt; k++) {
            spiked[xi[k]] = true;
            tIn[xi[k]] = xt[k];
        }
        // step of a silent input (t_j = t_max): causal only for a neuron that did not fire
        final double[] dsil = ds;
        for (int k = 0; k < m; k++) dsil[k] = tMax <= tn[k] ? dp[k] : (ignoreSilent ? 0 : dm[k]);
        if (fusedStep) {                      // applied weight by weight in constrain(), same operations
            for (int k = 0; k < m; k++) {
                int i = lanes[k];
                updN[i] = true;
                dpN[i] = dp[k];
                dmN[i] = dm[k];
                dsN[i] = dsil[k];
                tnN[i] = tn[k];
            }
            stepPending = true;
            return;
        }
        // each weight is stepped once, so the order is free: row by row (the updated neurons' weights of
        // one input share cache lines), or down the column for a single neuron (R-STDP)
        final boolean[] sp = spiked;
        final float[] ti = tIn;
        if (m > 1) {
            for (int j = 0; j < inputs; j++) {
                final int row = j * n;
                if (sp[j]) {
                    final float tj = ti[j];
                    for (int k = 0; k < m; k++) {
                        int a = row + lanes[k];
                        w[a] = clip((float) (w[a] + (tj <= tn[k] ? dp[k] : dm[k])), lo, hi);
                    }
                } else {
                    for (int k = 0; k < m; k++) {
                        int a = row + lanes[k];
                        w[a] = clip((float) (w[a] + dsil[k]), lo, hi);
                    }
                }
            }
        } else {
            final int k = 0;
            final double p = dp[k], q = dm[k], z = dsil[k];
            final float tk = tn[k];
            for (int j = 0, a = lanes[k]; j < inputs; j++, a += n) {
                final double step = sp[j] ? (ti[j] <= tk ? p : q) : z;
                w[a] = clip((float) (w[a] + step), lo, hi);
            }
        }
        for (int k = 0; k < cnt; k++) spiked[xi[k]] = false;
    }

    /**
     * The layer constraints after every training sample ({@code snn.py} {@code clip_weights},
     * {@code normalize_weights}): with {@code w_norm}, every weight is clipped to
     * [w_min, w_max] and every row rescaled, w ← w·(target / Σ|w|) in float32 with Σ numpy's
     * pairwise float32 sum (a row whose Σ is 0 is left as is, where the original would divide by
     * zero); rows are not clipped again after the rescaling (the next sample's clip does it).
     * Without {@code w_norm} the updated weights were clipped by the kernel and the other rows
     * are unchanged, hence already in range (unless set out of range by {@link #setInitialWeights}).
     */
    private void constrain() {
        if (cfg.network().wNorm()) {
            normaliseAll(true);
        } else if (needFullClip) {
            clipAll();
        }
    }

    private void clipAll() {
        final float lo = cfg.network().wMin(), hi = cfg.network().wMax();
        final float[] w = layer.weights();
        for (int a = 0; a < w.length; a++) w[a] = clip(w[a], lo, hi);
        needFullClip = false;
    }

    /**
     * Rescales every row to its L1 target; with {@code clipFirst}, every weight is clipped to
     * [w_min, w_max] in the same pass that sums the row (the original's clip, then normalise).
     */
    private void normaliseAll(boolean clipFirst) {
        final float[] w = layer.weights(), f = factor;
        final int n = this.n;
        final float lo = cfg.network().wMin(), hi = cfg.network().wMax();
        final float[] pre = scalePending ? pendingScale : null;   // the previous rescale, not written yet
        if (stepPending) {
            pairwise.updatedClippedAbsRows(w, inputs, pre, lo, hi, rowSum, updN, dpN, dmN, dsN, tnN, spiked, tIn);
            needFullClip = false;
            stepPending = false;
            Arrays.fill(updN, false);
            Arrays.fill(spiked, false);
        } else if (clipFirst) {
            if (pre != null) pairwise.updatedClippedAbsRows(w, inputs, pre, lo, hi, rowSum, null, null, null, null, null, null, null);
            else pairwise.clippedAbsRows(w, inputs, lo, hi, rowSum);
            needFullClip = false;
        } else {
            writePendingScale();
            pairwise.rows(w, inputs, true, rowSum);
        }
        scalePending = false;
        for (int i = 0; i < n; i++) f[i] = rowSum[i] == 0f ? 1f : wNorm[i] / rowSum[i];
        if (lazyScale) {                      // written by the next sample's pass (and forward), or at the epoch's end
            factor = pendingScale;
            pendingScale = f;
            scalePending = true;
        } else {
            pairwise.scaleRows(w, inputs, f);
        }
    }

    /** Writes a rescale left pending by {@link #normaliseAll} into the weights. */
    private void writePendingScale() {
        if (!scalePending) return;
        pairwise.scaleRows(layer.weights(), inputs, pendingScale);
        scalePending = false;
    }

    // ---- the run --------------------------------------------------------------------------------

    /** Why training stopped. */
    public enum Stop { EPOCHS, EARLY_STOPPING, GRIDSEARCH_STOP_ACC }

    /**
     * Per-epoch outcome of {@link #fit}.
     *
     * @param epochs       epochs run
     * @param trainAcc     training accuracy per epoch (training-mode predictions)
     * @param valAcc       validation accuracy after each epoch (NaN without a validation set)
     * @param testAcc      test accuracy after each epoch (NaN without a test set)
     * @param bestValEpoch 1-based epoch of the best validation accuracy (0 without validation)
     * @param stop         why it stopped
     */
    public record History(int epochs, double[] trainAcc, double[] valAcc, double[] testAcc, int bestValEpoch, Stop stop) {
        /** Accuracy reported by the protocol: the test accuracy after the last epoch run. */
        public double finalTest() { return testAcc[epochs - 1]; }

        public double finalVal() { return valAcc[epochs - 1]; }

        public double finalTrain() { return trainAcc[epochs - 1]; }
    }

    /**
     * The training loop (notebooks/papers/spikenn.md §5.5): up to {@code epochs} epochs; after each, validation and
     * test accuracy. Early stopping with patience {@code early_stopping} on validation accuracy
     * (the counter resets only on a strict improvement) stops <em>after</em> the epoch where the
     * counter reaches the patience; weights are not rolled back, the reported test accuracy is the
     * one after that last epoch. With {@code gridsearch}, a run whose train or val accuracy is below
     * {@code gridsearch_stop_acc} after epoch 3 is aborted.
     *
     * @param progress called after each epoch with (epoch, train, val, test), or null
     */
    public History fit(SpikingSplit split, boolean gridsearch, EpochListener progress) {
        SpikeNnConfig.Trainer tr = cfg.trainer();
        int epochs = tr.epochs();
        double[] trA = new double[epochs], vaA = new double[epochs], teA = new double[epochs];
        double best = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0, wait = 0, e = 0;
        Stop stop = Stop.EPOCHS;
        while (e < epochs) {
            try {
                trA[e] = trainEpoch(split.train());
                vaA[e] = accuracy(split.val());
                teA[e] = accuracy(split.test());
            } catch (TrainingInterruptedException x) {
                throw x.note("in epoch " + (e + 1) + "/" + epochs + " of the readout (the trainer holds a partly trained epoch)");
            }
            e++;
            if (progress != null) progress.epoch(e, trA[e - 1], vaA[e - 1], teA[e - 1]);
            if (split.val().size() > 0) {
                if (vaA[e - 1] > best) {
                    best = vaA[e - 1];
                    bestEpoch = e;
                    wait = 0;
                } else {
                    wait++;
                }
                if (tr.earlyStopping() > 0 && wait >= tr.earlyStopping()) {
                    stop = Stop.EARLY_STOPPING;
                    break;
                }
            }
            if (gridsearch && e == 3 && tr.gridsearchStopAcc() > 0
                    && (trA[2] < tr.gridsearchStopAcc() || (split.val().size() > 0 && vaA[2] < tr.gridsearchStopAcc()))) {
                stop = Stop.GRIDSEARCH_STOP_ACC;
                break;
            }
        }
        return new History(e, Arrays.copyOf(trA, e), Arrays.copyOf(vaA, e), Arrays.copyOf(teA, e), bestEpoch, stop);
    }

    /**
     * The kit's common trainer shape ({@link Fitter}): {@link #fit(SpikingSplit, boolean, EpochListener)}
     * as a single run (no gridsearch abort), without progress callback.
     */
    @Override
    public History fit(SpikingSplit split) { return fit(split, false, null); }

    /** Progress callback of {@link #fit}. */
    @FunctionalInterface
    public interface EpochListener {
        void epoch(int epoch, double trainAcc, double valAcc, double testAcc);
    }
}
