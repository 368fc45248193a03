package org.spikekit.train;

import org.spikekit.data.SequenceSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;

/**
 * Sequence-regression training as in the RSNN paper (rsnn.md §2.3): per epoch, shuffled
 * mini-batches; loss = RMSE over batch × time × outputs + activity regularisers on the hidden
 * spikes; SMORMS3 step; cosine-annealed learning rate stepped once per epoch; validation R² every
 * epoch. Deterministic for a seed: shuffling and dropout masks derive from {@link Config#seed()}.
 *
 * <p>R² here is the NeuroBench definition: per output dimension d, {@code 1 − SSE_d/(N·Var_pop(y_d))}
 * over all samples and steps, then the mean over dimensions. Training R² is accumulated from the
 * training forward passes of the epoch (with dropout on, as stork reports it).
 *
 * <pre>{@code
 * var h = new Trainer(Trainer.Config.rsnn(200, 1L)).fit(model, train, val, null);
 * }</pre>
 */
public final class Trainer {

    /**
     * @param epochs number of epochs (also the cosine T_max unless {@code cosineTMax > 0})
     * @param batchSize samples per batch (last batch may be smaller)
     * @param lr initial learning rate of SMORMS3
     * @param eps SMORMS3 epsilon
     * @param cosineTMax T_max of the cosine schedule (0: = epochs)
     * @param regularizer activity regularisers, or {@link SpikeRegularizer#none()}
     * @param shuffle shuffle training samples every epoch
     * @param seed seed of shuffling and dropout
     */
    public record Config(int epochs, int batchSize, float lr, float eps, int cosineTMax, SpikeRegularizer regularizer,
                         boolean shuffle, long seed) {
        public Config {
            if (epochs <= 0 || batchSize <= 0) throw new IllegalArgumentException("Trainer.Config: epochs and batchSize must be > 0, got " + epochs + ", " + batchSize);
            if (cosineTMax < 0) throw new IllegalArgumentException("Trainer.Config.cosineTMax must be >= 0, got " + cosineTMax);
            if (regularizer == null) throw new IllegalArgumentException("Trainer.Config.regularizer must not be null (use SpikeRegularizer.none())");
        }

        /** RSNN recipe: batch 250, SMORMS3 lr 2e-3 / eps 1e-16, cosine T_max = epochs, tinyRSNN regularisers. */
        public static Config rsnn(int epochs, long seed) {
            return new Config(epochs, 250, 2e-3f, 1e-16f, 0, SpikeRegularizer.tinyRsnn(), true, seed);
        }

        public Config withBatchSize(int b) { return new Config(epochs, b, lr, eps, cosineTMax, regularizer, shuffle, seed); }
        public Config withLr(float l) { return new Config(epochs, batchSize, l, eps, cosineTMax, regularizer, shuffle, seed); }
        public Config withRegularizer(SpikeRegularizer r) { return new Config(epochs, batchSize, lr, eps, cosineTMax, r, shuffle, seed); }
        public Config withCosineTMax(int t) { return new Config(epochs, batchSize, lr, eps, t, regularizer, shuffle, seed); }
    }

    /** Per-epoch record; {@code metrics} holds what the callback returned. */
    public record Epoch(int epoch, double lr, double loss, double rmse, double regularizer, double trainR2, double valR2,
                        Map<String, Double> metrics) {}

    /** Training history; {@code initialValR2} is the validation R² before the first step (NaN without validation). */
    public record History(double initialValR2, List<Epoch> epochs) {
        public History { epochs = List.copyOf(epochs); }
        public Epoch last() { return epochs.get(epochs.size() - 1); }
    }

    /** Called after every epoch; returns extra metrics to record (may return null or an empty map). */
    @FunctionalInterface
    public interface EpochCallback {
        Map<String, Double> onEpoch(SequenceModel model, Epoch epoch);
    }

    private final Config cfg;

    public Trainer(Config cfg) { this.cfg = cfg; }

    public Config config() { return cfg; }

    /**
     * Trains {@code model} in place.
     *
     * @param val validation set, or null
     * @param callback per-epoch callback, or null
     */
    public History fit(SequenceModel model, SequenceSet train, SequenceSet val, EpochCallback callback) {
        check(model, train, "train");
        if (val != null) check(model, val, "validation");
        Backend be = model.parameters().get(0).backend();
        Smorms3 opt = new Smorms3(model, cfg.lr(), cfg.eps());
        CosineAnnealing sched = new CosineAnnealing(cfg.lr(), cfg.cosineTMax() > 0 ? cfg.cosineTMax() : cfg.epochs());
        double initial = val == null ? Double.NaN : evaluate(model, val, cfg.batchSize());
        List<Epoch> out = new ArrayList<>();
        int[] order = new int[train.samples()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int e = 0; e < cfg.epochs(); e++) {
            double lr = sched.lr(e);
            opt.setLr((float) lr);
            long epochSeed = CounterRng.child(cfg.seed(), e);
            if (cfg.shuffle()) shuffle(order, epochSeed);
            R2 r2 = new R2(train.outputs());
            double lossSum = 0, rmseSum = 0, regSum = 0;
            int batches = 0;
            for (int start = 0; start < order.length; start += cfg.batchSize()) {
                int[] idx = java.util.Arrays.copyOfRange(order, start, Math.min(order.length, start + cfg.batchSize()));
                SequenceSet.Batch bt = train.batch(be, idx);
                model.zeroGrad();
                SequenceModel.Pass pass = model.forward(bt.x(), true, CounterRng.child(epochSeed, 1000 + batches));
                Tensor gp = be.zeros(pass.prediction().shape());
                double rmse = Losses.rmse(pass.prediction(), bt.y(), gp);
                double reg = 0;
                Tensor gs = null;
                if (pass.spikes() != null && (cfg.regularizer().lowerStrength() > 0 || cfg.regularizer().upperStrength() > 0)) {
                    gs = be.zeros(pass.spikes().shape());
                    reg = cfg.regularizer().apply(pass.spikes(), gs).total();
                }
                model.backward(pass, gp, gs);
                opt.step();
                r2.add(be.toHost(pass.prediction()), be.toHost(bt.y()));
                lossSum += rmse + reg;
                rmseSum += rmse;
                regSum += reg;
                batches++;
            }
            double valR2 = val == null ? Double.NaN : evaluate(model, val, cfg.batchSize());
            Epoch ep = new Epoch(e, lr, lossSum / batches, rmseSum / batches, regSum / batches, r2.value(), valR2, Map.of());
            if (callback != null) {
                Map<String, Double> m = callback.onEpoch(model, ep);
                if (m != null && !m.isEmpty()) ep = new Epoch(e, lr, ep.loss(), ep.rmse(), ep.regularizer(), ep.trainR2(), valR2, Map.copyOf(m));
            }
            out.add(ep);
        }
        return new History(initial, out);
    }

    /** NeuroBench R² of the model's predictions (no dropout) over all samples and steps of {@code set}. */
    public static double evaluate(SequenceModel model, SequenceSet set, int batchSize) {
        Backend be = model.parameters().get(0).backend();
        R2 r2 = new R2(set.outputs());
        for (int start = 0; start < set.samples(); start += batchSize) {
            int n = Math.min(batchSize, set.samples() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = start + i;
            SequenceSet.Batch bt = set.batch(be, idx);
            Tensor pred = model.forward(bt.x(), false, 0L).prediction();
            r2.add(be.toHost(pred), be.toHost(bt.y()));
        }
        return r2.value();
    }

    private static void check(SequenceModel model, SequenceSet s, String what) {
        if (s.inputs() != model.inputs() || s.outputs() != model.outputs()) {
            throw new IllegalArgumentException("Trainer: " + what + " set has " + s.inputs() + " inputs / " + s.outputs()
                    + " outputs, model " + model.inputs() + " / " + model.outputs());
        }
    }

    /** Fisher–Yates with the counter RNG (index i uses uniform(seed, i)). */
    static void shuffle(int[] a, long seed) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = (int) (CounterRng.uniform(seed, i) * (i + 1));
            if (j > i) j = i;
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
    }

    /**
     * NeuroBench R² accumulator (package-private; the official metric lives with the metrics code):
     * per dimension d, {@code 1 − Σ(y − ŷ)² / Σ(y − ȳ)²} over everything added, mean over d.
     */
    static final class R2 {
        private final int dims;
        private final double[] sse, sum, sumSq;
        private long n;

        R2(int dims) {
            this.dims = dims;
            sse = new double[dims];
            sum = new double[dims];
            sumSq = new double[dims];
        }

        /** Adds rows of {@code dims} values (any layout whose last dimension is the output). */
        void add(float[] pred, float[] target) {
            if (pred.length != target.length || pred.length % dims != 0) {
                throw new IllegalArgumentException("R2: prediction " + pred.length + " and target " + target.length + " values for " + dims + " dims");
            }
            for (int k = 0; k < pred.length; k++) {
                int d = k % dims;
                double y = target[k], e = y - pred[k];
                sse[d] += e * e;
                sum[d] += y;
                sumSq[d] += y * y;
            }
            n += pred.length / dims;
        }

        double perDim(int d) {
            double mean = sum[d] / n, sst = sumSq[d] - n * mean * mean;
            return 1 - sse[d] / sst;
        }

        double value() {
            double s = 0;
            for (int d = 0; d < dims; d++) s += perDim(d);
            return s / dims;
        }
    }
}
