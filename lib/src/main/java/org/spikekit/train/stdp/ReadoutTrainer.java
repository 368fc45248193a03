package org.spikekit.train.stdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.spikekit.data.SpikingDataset;
import org.spikekit.data.SpikingSplit;
import org.spikekit.neuron.SingleSpikeLayer;
import org.spikekit.train.stdp.SpikeNnConfig.Method;

/**
 * Online training of the SpikeNN readout (spikenn.md §1.2–1.3; original {@code spikenn/train.py},
 * {@code spikenn/_impl.py}, {@code app/readout.py}): one {@link SingleSpikeLayer} of N = C·M
 * neurons, neuron i of class ⌊i/M⌋, trained one sample at a time with S2-STDP / SSTDP, R-STDP or
 * S4NN, optionally with neuronal competition groups (NCG), labelling (L), competition regulation
 * (CR-1, CR-2) and dropout.
 *
 * <p><b>Per training sample</b> (label y), in this order: output then input dropout masks →
 * per-neuron thresholds (CR-2: θ̂ for class y, θ elsewhere; CR-1: the training vector; else θ) →
 * forward → prediction (global winner) → competition regulation → weight update.
 *
 * <p><b>Randomness.</b> One {@link SplittableRandom} seeded with the run seed draws the initial
 * weights (neuron by neuron, input by input, Box–Muller with {@link StrictMath}); a second one,
 * {@code split()} from it afterwards, draws the dropout masks (per sample: N output draws, then
 * one draw per input spike). Results depend only on (config, data, seed), never on threads or
 * machine; numpy RNG parity is not attempted.
 *
 * <p>Not thread-safe; one trainer per run.
 */
public final class ReadoutTrainer {
    private final SpikeNnConfig cfg;
    private final int inputs, classes, perClass, nt, n;
    private final SingleSpikeLayer layer;
    private final float tMax;
    private final float[] theta;          // decision thresholds θ
    private final float[] thetaTrain;     // CR-2: θ̂; CR-1: the single training vector
    private final float[] norm0;          // per-neuron L1 norm at init (w_norm)
    private float thrLr;
    private float baseAp, baseAm, baseAntiAp, baseAntiAm, lr;
    private float ap, am, antiAp, antiAm;
    private final SplittableRandom dropRng;
    private final boolean recordStats;
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
    private final float[] dp, dm, tn, acc;
    private final boolean[] spiked;
    private final float[] tIn;
    // per-epoch statistics
    private final int[] tWins, ntWins, wins, correctWins;
    private final List<int[]> tWinsTrace = new ArrayList<>(), ntWinsTrace = new ArrayList<>(), winsTrace = new ArrayList<>();
    private final List<double[]> precTrace = new ArrayList<>();
    private final List<float[]> thrTrainTrace = new ArrayList<>(), thrTrace = new ArrayList<>();

    /**
     * A fresh readout: weights initialised, thresholds θ = {@code firing_threshold}.
     *
     * @param inputs      D
     * @param classes     C; {@code n_neurons} must be a multiple
     * @param maxSpikes   longest sample expected (scratch size; grows when a longer one comes)
     * @param seed        run seed (the fold index in the K-fold protocol)
     * @param recordStats keep {@link TrainStats}
     */
    public ReadoutTrainer(SpikeNnConfig cfg, int inputs, int classes, int maxSpikes, long seed, boolean recordStats) {
        this.cfg = Objects.requireNonNull(cfg, "cfg");
        this.inputs = inputs;
        this.classes = classes;
        this.perClass = cfg.neuronsPerClass(classes);
        this.nt = cfg.trainer().ntNeurons();
        this.n = cfg.network().nNeurons();
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
        this.thetaTrain = theta.clone();
        this.thrLr = cfg.regularizer() == null ? 0f : cfg.regularizer().thrLr();
        SpikeNnConfig.Optimizer o = cfg.optimizer();
        baseAp = o.ap();
        baseAm = o.am();
        baseAntiAp = o.antiAp();
        baseAntiAm = o.antiAm();
        lr = o.lr();
        if (o.method() == Method.RSTDP && o.adaptiveLr()) {
            ap = baseAp * (1f - 1f / classes);
            am = baseAm * (1f - 1f / classes);
            antiAp = baseAntiAp * (1f / classes);
            antiAm = baseAntiAm * (1f / classes);
        } else {
            ap = baseAp;
            am = baseAm;
            antiAp = baseAntiAp;
            antiAm = baseAntiAm;
        }
        SplittableRandom init = new SplittableRandom(seed);
        initWeights(init);
        this.dropRng = init.split();
        this.norm0 = new float[n];
        if (net.wNorm()) {
            float[] w = layer.weights();
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < inputs; j++) s += Math.abs(w[j * n + i]);
                norm0[i] = (float) s;
            }
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
        dp = new float[n];
        dm = new float[n];
        tn = new float[n];
        acc = new float[n];
        spiked = new boolean[inputs];
        tIn = new float[inputs];
        tWins = new int[n];
        ntWins = new int[n];
        wins = new int[n];
        correctWins = new int[n];
    }

    /** Weights N(μ, σ) clipped to [w_min, w_max] (or uniform there when {@code w_init_normal} is false). */
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
                w[j * n + i] = clip(x, net.wMin(), net.wMax());
            }
        }
    }

    private static float clip(float x, float lo, float hi) {
        return x < lo ? lo : (x > hi ? hi : x);          // numpy clip: min(max(x, lo), hi)
    }

    // ---- accessors ------------------------------------------------------------------------------

    public SingleSpikeLayer layer() { return layer; }

    public SpikeNnConfig config() { return cfg; }

    /** Decision thresholds θ (live). */
    public float[] thresholds() { return theta; }

    /** Training thresholds (CR-2 θ̂ / CR-1 vector; live). */
    public float[] trainThresholds() { return thetaTrain; }

    /** Current STDP rates {a⁺, a⁻, anti a⁺, anti a⁻} after annealing / adaptation. */
    public float[] rates() { return new float[] {ap, am, antiAp, antiAm}; }

    /** Current η_θ. */
    public float thresholdRate() { return thrLr; }

    /** Class of neuron i (the decision map). */
    public int classOf(int i) { return i / perClass; }

    /** True when neuron i is labelled target (its in-group index is ≥ nt_neurons). */
    public boolean isTarget(int i) { return i % perClass >= nt; }

    /** Neurons per class M. */
    public int perClass() { return perClass; }

    // ---- inference ------------------------------------------------------------------------------

    /** Predicted class of sample s with the decision thresholds, no dropout (decision rule §1.2). */
    public int predict(SpikingDataset ds, int s) {
        int c = ds.copySample(s, idx, ts);
        layer.forward(idx, ts, 0, c, theta, null, true, out);
        return classOf(SingleSpikeLayer.winner(out.times, out.potentials, 0, n, null));
    }

    /** Top-1 accuracy on {@code ds} (NaN when empty). */
    public double accuracy(SpikingDataset ds) {
        checkData(ds);
        if (ds.size() == 0) return Double.NaN;
        int ok = 0;
        for (int s = 0; s < ds.size(); s++) if (predict(ds, s) == ds.label(s)) ok++;
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
        for (int s = 0; s < train.size(); s++) {
            int c = train.copySample(s, idx, ts);
            if (trainSample(idx, ts, c, train.label(s))) ok++;
        }
        double acc = train.size() == 0 ? Double.NaN : ok / (double) train.size();
        endEpoch(acc);
        return acc;
    }

    /** The end-of-epoch steps; {@code trainAcc} drives the R-STDP adaptive rates. */
    void endEpoch(double trainAcc) {
        SpikeNnConfig.Optimizer o = cfg.optimizer();
        float a = o.annealing();
        baseAp *= a;
        baseAm *= a;
        baseAntiAp *= a;
        baseAntiAm *= a;
        lr *= a;
        if (o.method() == Method.RSTDP && o.adaptiveLr()) {
            float accF = (float) trainAcc;
            ap = baseAp * (1f - accF);
            am = baseAm * (1f - accF);
            antiAp = baseAntiAp * accF;
            antiAm = baseAntiAm * accF;
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
        // 1. dropout masks
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
        // 2. thresholds
        float[] thr;
        if (cfg.cr2()) {
            for (int i = 0; i < n; i++) thrSample[i] = classOf(i) == y ? thetaTrain[i] : theta[i];
            thr = thrSample;
        } else if (cfg.cr1()) {
            thr = thetaTrain;
        } else {
            thr = theta;
        }
        // 3. forward (R-STDP without CR or statistics needs only the first firing)
        boolean first = o.method() == Method.RSTDP && cfg.regularizer() == null && !recordStats;
        layer.forward(xi, xt, 0, cnt, thr, sil, first, out);
        final float[] t = out.times, v = out.potentials;
        // 4. prediction
        int win = SingleSpikeLayer.winner(t, v, 0, n, sil);
        boolean correct = win >= 0 && classOf(win) == y;
        if (recordStats && win >= 0) {
            wins[win]++;
            if (correct) correctWins[win]++;
        }
        boolean needGroups = o.classInhib() || recordStats;
        if (needGroups) {
            for (int c = 0; c < classes; c++) {
                int g = SingleSpikeLayer.winner(t, v, c * perClass, (c + 1) * perClass, sil);
                groupWinner[c] = g;
                if (recordStats && g >= 0) {
                    if (c == y) tWins[g]++;
                    else ntWins[g]++;
                }
            }
        }
        // 5. competition regulation
        if (cfg.regularizer() != null) regulate(y, t, v, sil);
        // 6. weight update
        switch (o.method()) {
            case S2STDP -> s2stdp(y, t, sil, xi, xt, cnt);
            case RSTDP -> rstdp(y, win, t, xi, xt, cnt);
            case S4NN -> s4nn(y, t, sil, xi, xt, cnt);
        }
        return correct;
    }

    /**
     * CR-1 / CR-2 (spikenn.md §1.3): G = the target-labelled, not silenced neurons of class y;
     * if |G| ≥ 2, winner k of G (first spike, ties larger V, then lower index):
     * θ_k += η(|G|−1)/|G|, θ_l −= η/|G| for the others; CR-2 clips at θ (never below the decision
     * threshold).
     */
    private void regulate(int y, float[] t, float[] v, boolean[] sil) {
        int lo = y * perClass + nt, hi = (y + 1) * perClass;
        int mt = 0;
        for (int i = lo; i < hi; i++) if (sil == null || !sil[i]) mt++;
        if (mt < 2) return;
        int k = SingleSpikeLayer.winner(t, v, lo, hi, sil);
        float up = thrLr * (mt - 1) / mt, down = thrLr / mt;
        for (int i = lo; i < hi; i++) {
            if (sil != null && sil[i]) continue;
            if (i == k) thetaTrain[i] += up;
            else thetaTrain[i] -= down;
            if (cfg.cr2() && thetaTrain[i] < theta[i]) thetaTrain[i] = theta[i];
        }
    }

    /** Collects the updated set U into {@link #lanes}; returns its size. */
    private int updatedSet(boolean[] sil) {
        int m = 0;
        if (cfg.optimizer().classInhib()) {
            for (int c = 0; c < classes; c++) if (groupWinner[c] >= 0) lanes[m++] = groupWinner[c];
        } else {
            for (int i = 0; i < n; i++) if (sil == null || !sil[i]) lanes[m++] = i;
        }
        return m;
    }

    /**
     * S2-STDP and SSTDP (spikenn.md §1.3): desired times around the base time T̄ with gaps
     * g_t, g_nt; error e_i = (t_i − T_i)/t_max; Δw_ij = e_i·a⁺ (t_j ≤ t_i) or e_i·a⁻ (other inputs),
     * i.e. STDP scaled by |e| when late and anti-STDP when early. U and n_t: with NCG the C group
     * winners and n_t = 1; without, every neuron that is not silenced and n_t = M − nt_neurons (the
     * target-labelled neurons of a class); |U| in the gaps is C resp. N from the config, not
     * reduced by dropout (our reading).
     */
    private void s2stdp(int y, float[] t, boolean[] sil, int[] xi, float[] xt, int cnt) {
        SpikeNnConfig.Optimizer o = cfg.optimizer();
        int m = updatedSet(sil);
        int nU = o.classInhib() ? classes : n;
        int nT = o.classInhib() ? 1 : perClass - nt;
        float g = o.tGap();
        float gNt = g * nT / nU, gT = g * (nU - nT) / nU;
        float sum = 0f;
        int fired = 0;
        for (int k = 0; k < m; k++) {
            float ti = t[lanes[k]];
            if (ti < tMax) {
                sum += ti;
                fired++;
            }
        }
        float base = tMax - gNt;
        if (fired > 0) base = Math.min(sum / fired, base);
        int u = 0;
        for (int k = 0; k < m; k++) {
            int i = lanes[k];
            float ti = t[i];
            boolean target = classOf(i) == y && isTarget(i);
            float desired = target ? base - gT : base + gNt;
            if (o.useTimeRanges()) desired = target ? Math.min(ti, desired) : Math.max(ti, desired);
            float e = (ti - desired) / tMax;
            if (e == 0f) continue;
            lanes[u] = i;
            dp[u] = e * ap;
            dm[u] = e * am;
            tn[u] = ti;
            u++;
        }
        applyStdp(u, xi, xt, cnt, o.ignoreSilent());
    }

    /**
     * R-STDP (spikenn.md §1.3): only the global winner is updated, with STDP (a⁺, a⁻) when it is a
     * target-labelled neuron of the label's class, else with the anti rates (anti_a⁺, anti_a⁻).
     */
    private void rstdp(int y, int win, float[] t, int[] xi, float[] xt, int cnt) {
        if (win < 0) return;
        boolean reward = classOf(win) == y && isTarget(win);
        lanes[0] = win;
        dp[0] = reward ? ap : antiAp;
        dm[0] = reward ? am : antiAm;
        tn[0] = t[win];
        applyStdp(1, xi, xt, cnt, cfg.optimizer().ignoreSilent());
    }

    /**
     * S4NN (spikenn.md §1.3, appendix; our reading where the spec is short): base = min spike
     * time over U, at most t_max − g; targets T = base (true class, target-labelled) or base + g,
     * with time ranges T = min(t_i, base) / max(t_i, base + g); e_i = (t_i − T_i)/t_max, divided by
     * the L2 norm of e over U; Δw_ij = lr·e_i for inputs that spiked at t_j ≤ t_i; other inputs
     * unchanged.
     */
    private void s4nn(int y, float[] t, boolean[] sil, int[] xi, float[] xt, int cnt) {
        SpikeNnConfig.Optimizer o = cfg.optimizer();
        int m = updatedSet(sil);
        float g = o.tGap();
        float base = tMax;
        for (int k = 0; k < m; k++) base = Math.min(base, t[lanes[k]]);
        base = Math.min(base, tMax - g);
        double sq = 0;
        for (int k = 0; k < m; k++) {
            int i = lanes[k];
            float ti = t[i];
            boolean target = classOf(i) == y && isTarget(i);
            float desired = target ? base : base + g;
            if (o.useTimeRanges()) desired = target ? Math.min(ti, desired) : Math.max(ti, desired);
            float e = (ti - desired) / tMax;
            acc[k] = e;
            sq += (double) e * e;
        }
        float norm = (float) Math.sqrt(sq);
        int u = 0;
        for (int k = 0; k < m; k++) {
            float e = norm > 0 ? acc[k] / norm : 0f;
            if (e == 0f) continue;
            lanes[u] = lanes[k];
            dp[u] = lr * e;
            dm[u] = 0f;
            tn[u] = t[lanes[k]];
            u++;
        }
        applyStdp(u, xi, xt, cnt, true);
    }

    /**
     * The additive STDP kernel on neurons {@code lanes[0..m)}: for every input j,
     * {@code w_ij += (t_j ≤ t_i ? dp : dm)} where silent inputs have {@code t_j = t_max} (so they
     * are causal only for a neuron that did not fire), then clip to [w_min, w_max], then (w_norm)
     * rescale each updated neuron's weights to its initial L1 norm. With {@code ignoreSilent} the
     * silent inputs are left alone. Neurons outside the lanes are not touched.
     */
    private void applyStdp(int m, int[] xi, float[] xt, int cnt, boolean ignoreSilent) {
        if (m == 0) return;
        SpikeNnConfig.Network net = cfg.network();
        final float lo = net.wMin(), hi = net.wMax();
        final boolean norm = net.wNorm();
        final float[] w = layer.weights();
        final int n = this.n;
        for (int k = 0; k < cnt; k++) {
            spiked[xi[k]] = true;
            tIn[xi[k]] = xt[k];
        }
        // delta of a silent input (t_j = t_max): causal only for a neuron that did not fire
        final float[] ds = acc;
        for (int k = 0; k < m; k++) ds[k] = tMax <= tn[k] ? dp[k] : dm[k];
        double[] sums = norm ? new double[m] : null;
        for (int j = 0; j < inputs; j++) {
            final int row = j * n;
            if (spiked[j]) {
                final float tj = tIn[j];
                for (int k = 0; k < m; k++) {
                    int a = row + lanes[k];
                    float x = clip(w[a] + (tj <= tn[k] ? dp[k] : dm[k]), lo, hi);
                    w[a] = x;
                    if (norm) sums[k] += Math.abs(x);
                }
            } else if (!ignoreSilent) {
                for (int k = 0; k < m; k++) {
                    int a = row + lanes[k];
                    float x = clip(w[a] + ds[k], lo, hi);
                    w[a] = x;
                    if (norm) sums[k] += Math.abs(x);
                }
            } else if (norm) {
                for (int k = 0; k < m; k++) sums[k] += Math.abs(w[row + lanes[k]]);
            }
        }
        for (int k = 0; k < cnt; k++) spiked[xi[k]] = false;
        if (norm) {
            final float[] f = ds;                      // reuse: per-lane factor (1 for an all-zero row)
            for (int k = 0; k < m; k++) f[k] = sums[k] == 0 ? 1f : (float) (norm0[lanes[k]] / sums[k]);
            for (int j = 0, row = 0; j < inputs; j++, row += n) {
                for (int k = 0; k < m; k++) w[row + lanes[k]] *= f[k];
            }
        }
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
     * The training loop (spikenn.md §1.3): up to {@code epochs} epochs; after each, validation and
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
            trA[e] = trainEpoch(split.train());
            vaA[e] = accuracy(split.val());
            teA[e] = accuracy(split.test());
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

    /** Progress callback of {@link #fit}. */
    @FunctionalInterface
    public interface EpochListener {
        void epoch(int epoch, double trainAcc, double valAcc, double testAcc);
    }
}
