package org.spikekit.train;

import org.spikekit.data.SequenceSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Losses;
import org.spikekit.core.SequenceModel;
import org.spikekit.core.Tape;
import org.spikekit.metrics.R2;

/**
 * Sequence-regression training as in the RSNN paper (notebooks/papers/rsnn.md §5): per epoch, shuffled
 * mini-batches; loss = RMSE over batch × time × outputs + activity regularisers on the hidden
 * spikes; SMORMS3 step; cosine-annealed learning rate stepped once per epoch; validation R² every
 * epoch. Deterministic for a seed: each epoch's permutation and each batch's dropout masks are
 * pure functions of {@code (seed, epoch, batch)} (see {@link Run}), so a run saved to a
 * {@link Checkpoint} and resumed on a fresh model continues bit-identically.
 *
 * <p>The model runs through the kit's autograd contract ({@link SequenceModel}, a
 * {@link org.spikekit.core.Differentiable}): each batch is {@code model.forward(x, Tape.training(seed))},
 * the regularisers read the published hidden spikes ({@link SequenceModel#SPIKES}) and hand their
 * gradient back with {@link Tape#addGradient}, then {@code model.backward(dPrediction, tape)};
 * evaluation runs on {@link Tape#inference()}.
 *
 * <p>Stages of the RSNN recipe: {@link Config#rsnnPretrain} (100 epochs on a cosine of T_max 200, so
 * the rate only reaches the midpoint), {@link Config#rsnnFineTune} (200 epochs, T_max 200, a fresh
 * optimiser from lr 2e-3, see {@link FineTune}), {@link Config#rsnnRetrain} (100 epochs, T_max 100,
 * after each pruning step, see {@link Pruning}). Pruning masks ({@link Masks}) are applied to the
 * gradients before and to the weights after every optimiser step.
 *
 * <p>R² here is the NeuroBench definition: per output dimension d, {@code 1 − SSE_d/(N·Var_pop(y_d))}
 * over all samples and steps, then the mean over dimensions, computed by the kit's one R²
 * ({@link R2}: compensated SSE, Welford/Chan SST, no Σy² − Nȳ² cancellation). Training R² is accumulated from the
 * training forward passes of the epoch (with dropout on, as stork reports it), in two readings:
 * {@link Epoch#trainR2()} over the whole epoch, and {@link Epoch#trainR2Batches()} as the RSNN code
 * reports it (each batch's R² against that batch's own target mean, rounded to 3 decimals —
 * fmi-basel/neural-decoding-RSNN {@code challenge/custom/loss.py} {@code get_R2} — and averaged over the
 * batches, stork's {@code train_epoch}), which its pruning tolerance compares.
 *
 * <p>Interrupting the training thread (a notebook's ■) stops the run before its next batch (or
 * validation batch) with a {@link TrainingInterruptedException} whose message names the epoch and
 * batch and the checkpoint it leaves: the last complete one, written atomically, from which
 * {@link #fitOrResume} continues bit-identically ({@link Interrupts}).
 *
 * <pre>{@code
 * var h = new Trainer(Trainer.Config.rsnn(200, 1L)).fit(model, train, val, null);
 * // long runs: checkpoint every 10 epochs; after a crash the same call continues where it stopped
 * var h2 = new Trainer(cfg).fitOrResume(Path.of("run.ckpt"), model, train, val, null, 10);
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
     * @param burnIn leading steps of every training and validation sequence that only fill the model's
     *               state: their predictions count in neither the loss nor R² (0: every step counts).
     *               For models that see a window of past inputs, with sequences that carry that much
     *               history in front (e.g. {@code PrimateReaching.RsnnOptions#context}), so every step
     *               that is scored sees a full window, as in the continuous test stream.
     */
    public record Config(int epochs, int batchSize, float lr, float eps, int cosineTMax, SpikeRegularizer regularizer,
                         boolean shuffle, long seed, int burnIn) {
        public Config {
            if (epochs <= 0 || batchSize <= 0) throw new IllegalArgumentException("Trainer.Config: epochs and batchSize must be > 0, got " + epochs + ", " + batchSize);
            if (cosineTMax < 0) throw new IllegalArgumentException("Trainer.Config.cosineTMax must be >= 0, got " + cosineTMax);
            if (regularizer == null) throw new IllegalArgumentException("Trainer.Config.regularizer must not be null (use SpikeRegularizer.none())");
            if (burnIn < 0) throw new IllegalArgumentException("Trainer.Config.burnIn must be >= 0, got " + burnIn);
        }

        /** A configuration without burn-in (every step of every sequence is scored). */
        public Config(int epochs, int batchSize, float lr, float eps, int cosineTMax, SpikeRegularizer regularizer,
                      boolean shuffle, long seed) {
            this(epochs, batchSize, lr, eps, cosineTMax, regularizer, shuffle, seed, 0);
        }

        /** RSNN recipe: batch 250, SMORMS3 lr 2e-3 / eps 1e-16, cosine T_max = epochs, tinyRSNN regularisers. */
        public static Config rsnn(int epochs, long seed) {
            return new Config(epochs, 250, 2e-3f, 1e-16f, 0, SpikeRegularizer.tinyRsnn(), true, seed);
        }

        /** Stage 1 of the RSNN recipe: {@link #rsnn} for 100 epochs on a cosine of T_max 200 (lr ends near 1e-3). */
        public static Config rsnnPretrain(long seed) { return rsnn(100, seed).withCosineTMax(200); }

        /** Stage 2: 200 epochs, T_max 200, a new optimiser starting again from lr 2e-3. */
        public static Config rsnnFineTune(long seed) { return rsnn(200, seed).withCosineTMax(200); }

        /** Stage 3 retraining after each pruning step: 100 epochs, T_max 100 (new optimiser per trial). */
        public static Config rsnnRetrain(long seed) { return rsnn(100, seed).withCosineTMax(100); }

        public Config withBatchSize(int b) { return new Config(epochs, b, lr, eps, cosineTMax, regularizer, shuffle, seed, burnIn); }
        public Config withLr(float l) { return new Config(epochs, batchSize, l, eps, cosineTMax, regularizer, shuffle, seed, burnIn); }
        public Config withRegularizer(SpikeRegularizer r) { return new Config(epochs, batchSize, lr, eps, cosineTMax, r, shuffle, seed, burnIn); }
        public Config withCosineTMax(int t) { return new Config(epochs, batchSize, lr, eps, t, regularizer, shuffle, seed, burnIn); }
        public Config withEpochs(int e) { return new Config(e, batchSize, lr, eps, cosineTMax, regularizer, shuffle, seed, burnIn); }
        public Config withSeed(long s) { return new Config(epochs, batchSize, lr, eps, cosineTMax, regularizer, shuffle, s, burnIn); }
        public Config withEps(float e) { return new Config(epochs, batchSize, lr, e, cosineTMax, regularizer, shuffle, seed, burnIn); }
        public Config withBurnIn(int steps) { return new Config(epochs, batchSize, lr, eps, cosineTMax, regularizer, shuffle, seed, steps); }

        /** The cosine schedule's T_max: {@code cosineTMax}, or {@code epochs} when that is 0. */
        public int tMax() { return cosineTMax > 0 ? cosineTMax : epochs; }
    }

    /**
     * Per-epoch record; {@code metrics} holds what the callback returned.
     *
     * @param trainR2        training R² over every step of the epoch (NeuroBench definition)
     * @param trainR2Batches training R² as the RSNN code reports it: the mean over batches of each batch's
     *                       R² (its own target mean), rounded to 3 decimals per batch (NaN in histories read
     *                       from checkpoints older than format 3)
     */
    public record Epoch(int epoch, double lr, double loss, double rmse, double regularizer, double trainR2,
                        double trainR2Batches, double valR2, Map<String, Double> metrics) {}

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

    public Trainer(Config cfg) {
        if (cfg == null) throw new IllegalArgumentException("Trainer: config must not be null");
        this.cfg = cfg;
    }

    public Config config() { return cfg; }

    /**
     * Trains {@code model} in place for {@link Config#epochs()} epochs.
     *
     * @param val validation set, or null
     * @param callback per-epoch callback, or null
     */
    public History fit(SequenceModel model, SequenceSet train, SequenceSet val, EpochCallback callback) {
        return start(model, train, val).runTo(cfg.epochs(), callback);
    }

    /**
     * As {@link #fit(SequenceModel, SequenceSet, SequenceSet, EpochCallback)}, writing a
     * {@link Checkpoint} of the whole run to {@code checkpoint} after every {@code everyEpochs}-th
     * epoch and after the last; {@link #resume(Path, SequenceModel, SequenceSet, SequenceSet, EpochCallback, int)}
     * continues from it exactly.
     */
    public History fit(SequenceModel model, SequenceSet train, SequenceSet val, EpochCallback callback,
                       Path checkpoint, int everyEpochs) {
        return start(model, train, val).runTo(cfg.epochs(), callback, checkpoint, everyEpochs);
    }

    /**
     * Continues the run saved in {@code checkpoint} (parameters, masks, optimiser state, schedule
     * position, history) on a freshly built {@code model} up to {@link Config#epochs()}, saving to
     * the same file as {@link #fit(SequenceModel, SequenceSet, SequenceSet, EpochCallback, Path, int)}
     * does. The result is bit-identical to an uninterrupted run. Returns the whole history.
     */
    public History resume(Path checkpoint, SequenceModel model, SequenceSet train, SequenceSet val,
                          EpochCallback callback, int everyEpochs) {
        return resume(Checkpoint.read(checkpoint), model, train, val).runTo(cfg.epochs(), callback, checkpoint, everyEpochs);
    }

    /** {@link #resume} when {@code checkpoint} exists, otherwise {@link #fit} from the start: for jobs that may be re-run after dying. */
    public History fitOrResume(Path checkpoint, SequenceModel model, SequenceSet train, SequenceSet val,
                               EpochCallback callback, int everyEpochs) {
        return Files.exists(checkpoint)
                ? resume(checkpoint, model, train, val, callback, everyEpochs)
                : fit(model, train, val, callback, checkpoint, everyEpochs);
    }

    /** A new run at epoch 0: fresh optimiser, schedule at its start, validation R² measured now. */
    public Run start(SequenceModel model, SequenceSet train, SequenceSet val) {
        return start(model, train, val, Masks.none());
    }

    /**
     * A new run whose {@code masks} are applied now (pruned weights set to zero) and after every
     * optimiser step (and to the gradients before it); the initial validation R² is that of the
     * masked model.
     */
    public Run start(SequenceModel model, SequenceSet train, SequenceSet val, Masks masks) {
        Run r = new Run(model, train, val, masks, "Trainer.start", List.of());
        if (r.bound != null) r.bound.maskValues();
        r.initialValR2 = val == null ? Double.NaN : evaluate(model, val, cfg.batchSize(), cfg.burnIn());
        return r;
    }

    /** Reads {@code checkpoint} and continues from it, see {@link #resume(Checkpoint, SequenceModel, SequenceSet, SequenceSet)}. */
    public Run resume(Path checkpoint, SequenceModel model, SequenceSet train, SequenceSet val) {
        return resume(Checkpoint.read(checkpoint), model, train, val);
    }

    /**
     * A run restored from a checkpoint written by {@link Run#checkpoint()}: loads the parameters into
     * {@code model} (strict names and shapes), the masks, the optimiser state, and the progress. The
     * checkpoint's trainer configuration must equal this trainer's except for {@code epochs}, which
     * may grow as long as the cosine T_max stays the same.
     *
     * @throws CheckpointException naming the file and the field on any mismatch
     */
    public Run resume(Checkpoint ck, SequenceModel model, SequenceSet train, SequenceSet val) {
        Checkpoint.Progress pr = ck.progress();
        if (pr == null) {
            throw new CheckpointException(ck.source() + ": holds no trainer progress (a parameters-only checkpoint);"
                    + " load it with Checkpoint.loadInto and start a new run to fine-tune");
        }
        String diff = differences(pr.config(), cfg);
        if (!diff.isEmpty()) throw new CheckpointException(ck.source() + ": trainer config differs from this trainer's: " + diff);
        if (pr.epochsDone() > cfg.epochs()) {
            throw new CheckpointException(ck.source() + ": " + pr.epochsDone() + " epochs done, more than this trainer's " + cfg.epochs());
        }
        if (ck.optimizer() == null) throw new CheckpointException(ck.source() + ": holds trainer progress but no optimiser state");
        ck.requireFits(model);
        Masks masks = ck.masks();
        try {
            masks.bind(model, ck.source());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        Run r = new Run(model, train, val, masks, ck.source(), pr.history());
        r.opt.restore(ck.optimizer(), ck.source());             // checks everything before writing into the new optimiser
        ck.loadInto(model);
        if (r.bound != null) r.bound.maskValues();           // no-op for a consistent file: saved weights are masked
        r.initialValR2 = pr.initialValR2();
        return r;
    }

    /** Field-by-field differences that forbid resuming; empty when compatible. */
    static String differences(Config saved, Config now) {
        List<String> d = new ArrayList<>();
        if (saved.batchSize() != now.batchSize()) d.add("batchSize " + saved.batchSize() + " vs " + now.batchSize());
        if (Float.compare(saved.lr(), now.lr()) != 0) d.add("lr " + saved.lr() + " vs " + now.lr());
        if (Float.compare(saved.eps(), now.eps()) != 0) d.add("eps " + saved.eps() + " vs " + now.eps());
        if (saved.tMax() != now.tMax()) d.add("cosine T_max " + saved.tMax() + " vs " + now.tMax());
        if (!saved.regularizer().equals(now.regularizer())) d.add("regularizer " + saved.regularizer() + " vs " + now.regularizer());
        if (saved.shuffle() != now.shuffle()) d.add("shuffle " + saved.shuffle() + " vs " + now.shuffle());
        if (saved.seed() != now.seed()) d.add("seed " + saved.seed() + " vs " + now.seed());
        if (saved.burnIn() != now.burnIn()) d.add("burnIn " + saved.burnIn() + " vs " + now.burnIn());
        return String.join("; ", d) + (d.isEmpty() ? "" : " (checkpoint vs trainer)");
    }

    /**
     * One training run in progress: the model, its optimiser, the schedule position, the masks and
     * the history so far. Every epoch is a pure function of this state and {@code (seed, epoch)}:
     * the epoch's permutation is drawn from {@code child(seed, epoch)} starting from the identity,
     * and each batch's dropout masks from {@code child(child(seed, epoch), 1000 + batch)}, so a run
     * restored from {@link #checkpoint()} continues bit-identically.
     */
    public final class Run {
        private final SequenceModel model;
        private final SequenceSet train, val;
        private final Backend be;
        private final Smorms3 opt;
        private final Masks masks;
        private final Masks.Bound bound;
        private final List<Epoch> epochs = new ArrayList<>();
        private final int[] order;
        private double initialValR2;
        private final Fit.Run<SequenceModel, int[], Double> fit;
        // the epoch's tallies, filled by the recipe's loss and hooks
        private R2 r2;
        private double rmseSum, regSum, batchR2Sum, lastRmse, lastReg;
        private Tensor lastPred, lastTarget;

        private Run(SequenceModel model, SequenceSet train, SequenceSet val, Masks masks, String source, List<Epoch> prior) {
            check(model, train, "train");
            if (val != null) check(model, val, "validation");
            for (SequenceSet set : new SequenceSet[] {train, val}) {
                if (set != null && cfg.burnIn() >= set.steps()) {
                    throw new IllegalArgumentException("Trainer: burnIn " + cfg.burnIn() + " leaves no scored step in sequences of "
                            + set.steps() + " steps (" + (set == train ? "train" : "validation") + " set)");
                }
            }
            this.model = model;
            this.train = train;
            this.val = val;
            this.be = model.parameters().get(0).backend();
            this.masks = masks == null ? Masks.none() : masks;
            this.bound = this.masks.isEmpty() ? null : this.masks.bind(model, source);
            this.order = new int[train.samples()];
            this.epochs.addAll(prior);
            List<Fit.Epoch<Double>> done = new ArrayList<>();
            for (Epoch ep : prior) done.add(new Fit.Epoch<>(ep.epoch(), ep.lr(), ep.loss(), 0, val == null ? null : ep.valR2(), false));
            this.fit = Fit.start(model, this::epochBatches, recipe(), hooks(), new Fit.State<>(done.size(), done, null, Double.POSITIVE_INFINITY, -1));
            this.opt = (Smorms3) fit.optimizer();
        }

        /**
         * The RSNN recipe over the kit's one loop ({@link Fit}): RMSE over the scored steps (after the
         * burn-in) plus the activity regularisers on the hidden spikes; SMORMS3; cosine annealing;
         * validation R² recorded after every epoch (no selection: the run ends on its last epoch).
         */
        private Fit.Recipe<SequenceModel, int[], Double> recipe() {
            Fit.Loss<SequenceModel, int[]> loss = (m, idx, seed) -> {
                SequenceSet.Batch bt = train.batch(be, idx);
                Tape tape = Tape.training(seed);
                Tensor prediction = m.forward(bt.x(), tape);
                Tensor gp = be.zeros(prediction.shape());
                int b0 = cfg.burnIn(), scored = train.steps() - b0;
                Tensor pred = b0 == 0 ? prediction : prediction.narrow0(b0, scored);
                Tensor target = b0 == 0 ? bt.y() : bt.y().narrow0(b0, scored);
                double rmse = Losses.rmse(pred, target, b0 == 0 ? gp : gp.narrow0(b0, scored));
                double reg = 0;
                Tensor spikes = tape.output(SequenceModel.SPIKES);
                if (spikes != null && (cfg.regularizer().lowerStrength() > 0 || cfg.regularizer().upperStrength() > 0)) {
                    Tensor gs = be.zeros(spikes.shape());
                    reg = cfg.regularizer().apply(spikes, gs).total();
                    tape.addGradient(SequenceModel.SPIKES, gs);
                }
                lastPred = pred;
                lastTarget = target;
                lastRmse = rmse;
                lastReg = reg;
                double total = rmse + reg;
                return new Fit.Step() {
                    @Override public double loss() { return total; }
                    @Override public void backward() {
                        m.backward(gp, tape);
                        if (tape.pending() != 0) {
                            throw new IllegalStateException("Trainer: " + m.getClass().getSimpleName() + ".backward left " + tape.pending()
                                    + " record(s) on the tape (its forward and backward must push and pop the same records)");
                        }
                    }
                };
            };
            Fit.Selection<SequenceModel, Double> valR2 = val == null ? null
                    : Fit.Selection.record(m -> evaluate(m, val, cfg.batchSize(), cfg.burnIn()));
            return new Fit.Recipe<>("Trainer", cfg.epochs(), loss, m -> new Smorms3(m, cfg.lr(), cfg.eps()),
                    new CosineAnnealing(cfg.lr(), cfg.tMax()), 0,
                    (e, b) -> CounterRng.child(CounterRng.child(cfg.seed(), e), 1000 + b), valR2);
        }

        /** The epoch's batches: the identity order, shuffled from {@code child(seed, epoch)}, in chunks of the batch size. */
        private List<int[]> epochBatches(int e) {
            for (int i = 0; i < order.length; i++) order[i] = i;
            if (cfg.shuffle()) shuffle(order, CounterRng.child(cfg.seed(), e));
            r2 = new R2();
            rmseSum = regSum = batchR2Sum = 0;
            List<int[]> out = new ArrayList<>();
            for (int start = 0; start < order.length; start += cfg.batchSize()) {
                out.add(java.util.Arrays.copyOfRange(order, start, Math.min(order.length, start + cfg.batchSize())));
            }
            return out;
        }

        /** Pruning masks around every optimiser step; after it, the batch's training R² tallies. */
        private Fit.Hooks<int[], Double> hooks() {
            return new Fit.Hooks<>() {
                @Override
                public void beforeStep() {
                    if (bound != null) bound.maskGrads();
                }

                @Override
                public void afterStep() {
                    if (bound != null) bound.maskValues();
                    float[] ph = be.toHost(lastPred), th = be.toHost(lastTarget);
                    r2.update(ph, th, train.outputs());
                    R2 br = new R2();
                    br.update(ph, th, train.outputs());
                    batchR2Sum += rounded3(br.compute());
                    rmseSum += lastRmse;
                    regSum += lastReg;
                }
            };
        }

        public SequenceModel model() { return model; }
        public Smorms3 optimizer() { return opt; }
        public Masks masks() { return masks; }
        public Trainer trainer() { return Trainer.this; }

        /** Epochs completed (= index of the next epoch). */
        public int epochsDone() { return epochs.size(); }

        public History history() { return new History(initialValR2, epochs); }

        /** Runs the next epoch. */
        public Epoch runEpoch(EpochCallback callback) {
            int e = epochs.size();
            if (e >= cfg.epochs()) throw new IllegalStateException("Trainer.Run: all " + cfg.epochs() + " epochs are done");
            Fit.Epoch<Double> fe = fit.epoch();
            int batches = fe.batches();
            double valR2 = val == null ? Double.NaN : fe.evaluation();
            Epoch ep = new Epoch(e, fe.lr(), fe.loss(), rmseSum / batches, regSum / batches, r2.compute(),
                    batchR2Sum / batches, valR2, Map.of());
            if (callback != null) {
                Map<String, Double> m = callback.onEpoch(model, ep);
                if (m != null && !m.isEmpty()) {
                    ep = new Epoch(e, fe.lr(), ep.loss(), ep.rmse(), ep.regularizer(), ep.trainR2(), ep.trainR2Batches(), valR2,
                            Map.copyOf(m));
                }
            }
            epochs.add(ep);
            return ep;
        }

        /** Runs epochs until {@code untilEpochs} are done (at most {@link Config#epochs()}). */
        public History runTo(int untilEpochs, EpochCallback callback) { return runTo(untilEpochs, callback, null, 0); }

        /**
         * Runs epochs until {@code untilEpochs} are done; with a {@code checkpoint} path, saves the run
         * there after every epoch whose count is a multiple of {@code everyEpochs} and after the last.
         */
        public History runTo(int untilEpochs, EpochCallback callback, Path checkpoint, int everyEpochs) {
            if (untilEpochs < epochs.size() || untilEpochs > cfg.epochs()) {
                throw new IllegalArgumentException("Trainer.Run.runTo: untilEpochs must be in [" + epochs.size() + ", " + cfg.epochs() + "], got " + untilEpochs);
            }
            if (checkpoint != null && everyEpochs <= 0) {
                throw new IllegalArgumentException("Trainer: checkpoint every N epochs needs N > 0, got " + everyEpochs);
            }
            int startedAt = epochs.size(), saved = -1;
            try {
                while (epochs.size() < untilEpochs) {
                    runEpoch(callback);
                    int done = epochs.size();
                    if (checkpoint != null && (done % everyEpochs == 0 || done == untilEpochs)) {
                        try {
                            save(checkpoint);
                        } catch (RuntimeException x) {
                            throw Interrupts.translate(x, "Trainer writing the checkpoint after epoch " + done + "/" + cfg.epochs());
                        }
                        saved = done;
                    }
                }
            } catch (TrainingInterruptedException x) {
                throw x.note(checkpointNote(checkpoint, everyEpochs, startedAt, saved));
            }
            return history();
        }

        /** What an interrupted {@link #runTo} leaves in {@code checkpoint}. */
        private String checkpointNote(Path checkpoint, int everyEpochs, int startedAt, int saved) {
            if (checkpoint == null) return "no checkpoint (the model holds a partly trained epoch)";
            if (saved >= 0) {
                return "checkpoint " + checkpoint + " holds epochs 1-" + saved + " of " + cfg.epochs()
                        + " (the same call, e.g. fitOrResume, resumes from it)";
            }
            if (Files.exists(checkpoint) && startedAt > 0) {
                return "checkpoint " + checkpoint + " is as this call found it (the run resumed after epoch " + startedAt + " of "
                        + cfg.epochs() + "; saves every " + everyEpochs + " epoch(s)), the same call resumes from it";
            }
            return "checkpoint " + checkpoint + " not written yet (a new call starts over)";
        }

        /** A snapshot of the whole run: parameters, masks, optimiser state, progress. */
        public Checkpoint checkpoint() {
            return Checkpoint.of(model)
                    .withMasks(masks)
                    .withOptimizer(opt.state())
                    .withProgress(new Checkpoint.Progress(cfg, epochs.size(), initialValR2, epochs))
                    .withMeta("model.class", model.getClass().getName())
                    .withMeta("trainer.epochsDone", Integer.toString(epochs.size()));
        }

        /** Writes {@link #checkpoint()} atomically. */
        public Path save(Path file) { return checkpoint().write(file); }
    }

    /** NeuroBench R² of the model's predictions (no dropout) over all samples and steps of {@code set}. */
    public static double evaluate(SequenceModel model, SequenceSet set, int batchSize) {
        return evaluate(model, set, batchSize, 0);
    }

    /**
     * NeuroBench R² of the model's predictions (no dropout) over all samples of {@code set} and their
     * steps from {@code burnIn} on (see {@link Config#burnIn()}).
     */
    public static double evaluate(SequenceModel model, SequenceSet set, int batchSize, int burnIn) {
        if (burnIn < 0 || burnIn >= set.steps()) {
            throw new IllegalArgumentException("Trainer.evaluate: burnIn must be in [0, " + set.steps() + ") for sequences of "
                    + set.steps() + " steps, got " + burnIn);
        }
        Backend be = model.parameters().get(0).backend();
        R2 r2 = new R2();
        int nBatches = (set.samples() + batchSize - 1) / batchSize;
        for (int start = 0; start < set.samples(); start += batchSize) {
            Interrupts.check("Trainer evaluation", 0, 0, start / batchSize, nBatches);
            int n = Math.min(batchSize, set.samples() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = start + i;
            SequenceSet.Batch bt = set.batch(be, idx);
            Tensor pred = model.forward(bt.x(), Tape.inference());
            Tensor y = bt.y();
            if (burnIn > 0) {
                pred = pred.narrow0(burnIn, set.steps() - burnIn);
                y = y.narrow0(burnIn, set.steps() - burnIn);
            }
            r2.update(be.toHost(pred), be.toHost(y), set.outputs());
        }
        return r2.compute();
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
     * An R² rounded to 3 decimals as numpy rounds a float32 value (the RSNN code's {@code get_R2}
     * rounds the float32 mean of the per-dimension R²): to float32, ×1000, round half to even, ÷1000,
     * each in float32.
     */
    static double rounded3(double r2) {
        float mean = (float) r2;
        return (float) Math.rint(mean * 1000f) / 1000f;
    }
}
