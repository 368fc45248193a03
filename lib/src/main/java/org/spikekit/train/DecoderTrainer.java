package org.spikekit.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Losses;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.metrics.R2;
import org.spikekit.model.WindowDecoder;
import org.spikekit.nn.MovingAverage;
import org.spikekit.core.Tape;

/**
 * The one trainer of the Spikachu paper's decoders (Spikachu and the MLP/RNN/GRU/LSTM baselines,
 * notebooks/papers/spikachu.md §5): per batch of 1-s windows, prediction → 20-tap output smoothing → weighted MSE
 * against the z-scored cursor velocity (REACH samples weight 5) → backward → LAMB step; the learning
 * rate constant for 75 % of the epochs, then cosine-annealed ({@link ConstantThenCosine}); every
 * {@code evalEvery} epochs (and after the last) the model is evaluated on the selection set and the
 * parameters with the lowest selection loss are kept and restored at the end.
 *
 * <p>Which split selects the checkpoint is the caller's choice: the kit's default passes the
 * validation windows; the released code used the test windows ("Switched to test set for
 * validation"), which {@code SpikachuPaper} reproduces only in its as-released variants.
 *
 * <p>When the selection runs is {@link Cadence}: the kit's ({@link Cadence#KIT}) scores the weights
 * after every {@code evalEvery}-th epoch and after the last one; the released loop
 * ({@link Cadence#RELEASED}, IoannisAsmanis/spikachu {@code utils.py} {@code train()}) scores them
 * before epochs 0, 25, 50, … only, so the untrained model is a candidate, the final weights never
 * are, and a run of 25 epochs or fewer returns its initialisation.
 *
 * <p>The decoder runs through the kit's autograd contract ({@link WindowDecoder} is a
 * {@link org.spikekit.core.Differentiable}): per batch {@code forward(batch, Tape.training(seed))}, the
 * smoothing on the same tape, then both backward passes; a backward that leaves records on the tape
 * is refused. Evaluation runs on {@link Tape#inference()}.
 *
 * <p>A recipe over the kit's one loop ({@link Fit}): the loss is the smoothed weighted MSE, the
 * optimiser LAMB over the chosen parameters, the schedule {@link ConstantThenCosine}, the selection
 * rule the {@link Cadence}'s; checkpoints and the progress lines are loop hooks.
 *
 * <p>Deterministic for a seed: the training batches of an epoch come from the caller as a pure
 * function of the epoch, and each batch's dropout masks from {@code (seed, epoch, batch)}.
 *
 * <p>Progress: with a {@code log}, one {@link EpochLog} line per epoch or per few (every selection
 * epoch among them). Interrupting the training thread stops it before the next batch with a
 * {@link TrainingInterruptedException} naming the checkpoint that holds the last complete epoch
 * ({@link Interrupts}).
 */
public final class DecoderTrainer {

    /**
     * @param epochs epochs (an epoch = the batches {@link Batches#epoch} returns)
     * @param lr LAMB learning rate (Spikachu 1e-3, baselines 2e-3)
     * @param weightDecay LAMB weight decay (1e-4)
     * @param evalEvery epochs between selection evaluations (released: 25)
     * @param smoothingTaps output smoothing width (20)
     * @param smoothing TRAILING (causal, kit default) or CENTRED (released)
     * @param gradClip max global gradient norm, or 0 for none (the recipe has none)
     * @param seed seed of dropout masks
     * @param cadence when the selection runs, how its loss is averaged and the cosine's T_max ({@link Cadence})
     */
    public record Config(int epochs, double lr, double weightDecay, int evalEvery, int smoothingTaps,
                         MovingAverage.Alignment smoothing, double gradClip, long seed, Cadence cadence) {
        public Config {
            if (cadence == null) throw new IllegalArgumentException("DecoderTrainer.Config.cadence must not be null");
            if (epochs < 1) throw new IllegalArgumentException("DecoderTrainer.Config.epochs must be >= 1, got " + epochs);
            if (!(lr > 0)) throw new IllegalArgumentException("DecoderTrainer.Config.lr must be > 0, got " + lr);
            if (evalEvery < 1) throw new IllegalArgumentException("DecoderTrainer.Config.evalEvery must be >= 1, got " + evalEvery);
            if (smoothingTaps < 1) throw new IllegalArgumentException("DecoderTrainer.Config.smoothingTaps must be >= 1, got " + smoothingTaps);
            if (smoothing == null) throw new IllegalArgumentException("DecoderTrainer.Config.smoothing must not be null");
            if (!(gradClip >= 0)) throw new IllegalArgumentException("DecoderTrainer.Config.gradClip must be >= 0, got " + gradClip);
        }

        /** Spikachu's recipe: LAMB lr 1e-3, weight decay 1e-4, selection every 25 epochs, 20 taps. */
        public static Config spikachu(int epochs, MovingAverage.Alignment smoothing, long seed) {
            return new Config(epochs, 1e-3, 1e-4, 25, 20, smoothing, 0, seed, Cadence.KIT);
        }

        /** The baselines' recipe: as {@link #spikachu} with lr 2e-3. */
        public static Config baseline(int epochs, MovingAverage.Alignment smoothing, long seed) {
            return new Config(epochs, 2e-3, 1e-4, 25, 20, smoothing, 0, seed, Cadence.KIT);
        }

        public Config withEpochs(int e) { return new Config(e, lr, weightDecay, evalEvery, smoothingTaps, smoothing, gradClip, seed, cadence); }
        public Config withLr(double l) { return new Config(epochs, l, weightDecay, evalEvery, smoothingTaps, smoothing, gradClip, seed, cadence); }
        public Config withEvalEvery(int n) { return new Config(epochs, lr, weightDecay, n, smoothingTaps, smoothing, gradClip, seed, cadence); }
        public Config withGradClip(double c) { return new Config(epochs, lr, weightDecay, evalEvery, smoothingTaps, smoothing, c, seed, cadence); }
        public Config withCadence(Cadence c) { return new Config(epochs, lr, weightDecay, evalEvery, smoothingTaps, smoothing, gradClip, seed, c); }

        /** The learning-rate schedule of this config ({@link ConstantThenCosine}; T_max floored as released under {@link Cadence#RELEASED}). */
        public ConstantThenCosine schedule() {
            return cadence == Cadence.RELEASED ? ConstantThenCosine.released(lr, epochs) : ConstantThenCosine.spikachu(lr, epochs);
        }

        public MovingAverage smoother() { return new MovingAverage(smoothingTaps, smoothing); }
    }

    /**
     * When checkpoint selection runs and what it compares.
     */
    public enum Cadence {
        /**
         * The kit's: the selection set scores the weights after epochs {@code evalEvery},
         * {@code 2·evalEvery}, … and after the last epoch; its loss is the weighted MSE pooled over
         * all rows (batches weighted by their Σw); the cosine's {@code T_max = 0.25·epochs}.
         */
        KIT,
        /**
         * The released loop (IoannisAsmanis/spikachu {@code utils.py} {@code train()}, lines 361 and
         * 644): the selection set scores the model at the <em>start</em> of epochs 0,
         * {@code evalEvery}, {@code 2·evalEvery}, … below {@code epochs}, i.e. the initialisation
         * and the weights after {@code evalEvery·k} epochs; the weights after the last epoch are
         * never scored; the best is restored at the end. A run of {@code epochs ≤ evalEvery}
         * therefore returns its initial weights ({@link History#keptEpoch()} −1). The selection loss
         * is the unweighted mean of the per-batch losses (torcheval {@code Mean} over batches,
         * {@link Evaluation#batchMeanLoss()}); the cosine's {@code T_max = int(0.25·epochs)}
         * ({@code train.py} line 324, {@link ConstantThenCosine#released}).
         */
        RELEASED
    }

    /** The training batches of each epoch (a pure function of the epoch index, for reproducibility). */
    @FunctionalInterface
    public interface Batches {
        List<DecodingBatch> epoch(int epoch);
    }

    /** One epoch's record; selection fields are NaN on epochs without a selection evaluation. */
    public record Epoch(int epoch, double lr, double trainLoss, double selectionLoss, double selectionR2, boolean kept) {
        String text() { return epoch + " " + lr + " " + trainLoss + " " + selectionLoss + " " + selectionR2 + " " + kept; }

        static Epoch parse(String t, String source) {
            String[] f = t == null ? new String[0] : t.split(" ");
            if (f.length != 6) throw new CheckpointException(source + ": damaged epoch record '" + t + "'");
            return new Epoch(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Boolean.parseBoolean(f[5]));
        }
    }

    private void save(Path file, WindowDecoder model, Lamb opt, Map<String, HostArray> best, double bestLoss, int bestEpoch, List<Epoch> hist) {
        Map<String, HostArray> arrays = new LinkedHashMap<>();
        snapshot(model).forEach((k, v) -> arrays.put("model/" + k, v));
        if (best != null) best.forEach((k, v) -> arrays.put("best/" + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("decoder.config", cfg.toString());
        meta.put("decoder.epochsDone", Integer.toString(hist.size()));
        meta.put("decoder.bestEpoch", Integer.toString(bestEpoch));
        meta.put("decoder.bestLoss", Double.toString(bestLoss));
        for (Epoch e : hist) meta.put("decoder.epoch." + e.epoch(), e.text());
        Checkpoint.ofArrays(arrays).withOptimizer(opt.state()).withMeta(meta).write(file);
    }

    /**
     * The run: per-epoch records, the epoch whose parameters were kept (−1: the initial weights, which
     * only {@link Cadence#RELEASED} scores), the best selection loss, and wall time.
     */
    public record History(List<Epoch> epochs, int keptEpoch, double bestSelectionLoss, double seconds) {
        public History { epochs = List.copyOf(epochs); }
    }

    /**
     * Scores of one evaluation: loss (weighted MSE pooled over every row), the unweighted mean over
     * batches of each batch's weighted MSE (the released selection loss), R² per session and their
     * mean, MSE per dimension, sign agreement.
     */
    public record Evaluation(double loss, double batchMeanLoss, Map<Integer, Double> r2BySession, Map<Integer, Long> scoredBySession,
                             double meanSessionR2, double[] msePerDim, double signAgreement, long scoredSamples) {}

    private final Config cfg;

    public DecoderTrainer(Config cfg) {
        if (cfg == null) throw new IllegalArgumentException("DecoderTrainer: config must not be null");
        this.cfg = cfg;
    }

    public Config config() { return cfg; }

    /**
     * Trains {@code model} in place.
     *
     * @param only names of the parameters to optimise (e.g. only the unit embeddings for the
     *             few-shot unit-identification fine-tune), or null for every trainable parameter;
     *             an empty set trains nothing: every batch still runs forward in training mode
     *             (dropout live, BatchNorm normalising with and updating its running statistics)
     *             and its loss is recorded, but nothing is back-propagated or stepped — what the
     *             released few-shot fine-tune amounts to, since its optimiser holds no live tensor
     * @param selection windows that pick the kept checkpoint (validation by default), or null to keep the last
     * @param log progress lines, or null
     */
    public History fit(WindowDecoder model, Batches train, List<DecodingBatch> selection, Set<String> only, Consumer<String> log) {
        return fit(model, train, selection, only, log, null, null);
    }

    /** Told after every epoch: epochs done and in all. */
    @FunctionalInterface
    public interface Progress {
        void epoch(int done, int total);
    }

    /**
     * {@link #fit(WindowDecoder, Batches, List, Set, Consumer)}, resumable: with a {@code checkpoint}
     * path the whole training state (all parameters incl. running statistics, LAMB moments and step,
     * the kept parameters and their selection loss, the history) is written there after every
     * epoch; when the file exists at the start, training continues from it on the freshly built
     * {@code model} and ends bit-identical to an uninterrupted run (each epoch's batches and dropout
     * masks are functions of the seed and the epoch). The caller deletes the file when done.
     *
     * @param checkpoint resumable state, or null
     * @param progress   told after every epoch, or null
     */
    public History fit(WindowDecoder model, Batches train, List<DecodingBatch> selection, Set<String> only, Consumer<String> log,
                       Path checkpoint, Progress progress) {
        return fit(model, train, selection, only, log, checkpoint, progress, null);
    }

    /**
     * {@link #fit(WindowDecoder, Batches, List, Set, Consumer, Path, Progress)}, telling
     * {@code listener} (null: none) after every epoch trained in this call its {@code loss} (mean
     * training loss), {@code selection loss} and {@code selection R2} (NaN on epochs without a
     * selection evaluation) and {@code lr}. The listener only watches: the history and the model
     * are the same without it.
     */
    public History fit(WindowDecoder model, Batches train, List<DecodingBatch> selection, Set<String> only, Consumer<String> log,
                       Path checkpoint, Progress progress, EpochListener listener) {
        long t0 = System.nanoTime();
        List<Parameter> params = new ArrayList<>();
        for (Parameter p : model.trainableParameters()) if (only == null || only.contains(p.name())) params.add(p);
        boolean statisticsOnly = only != null && only.isEmpty();
        if (params.isEmpty() && !statisticsOnly) throw new IllegalArgumentException("DecoderTrainer: no parameter to train (only = " + only + ")");
        if (only != null) {
            Set<String> names = model.byName().keySet();
            for (String n : only) if (!names.contains(n)) throw new IllegalArgumentException("DecoderTrainer: model has no parameter '" + n + "' (has " + names + ")");
        }
        Lamb.Config lamb = new Lamb.Config(cfg.lr(), 0.9, 0.999, 1e-8, cfg.weightDecay(), false);
        boolean released = cfg.cadence() == Cadence.RELEASED;
        MovingAverage smooth = cfg.smoother();
        List<Epoch> hist = new ArrayList<>();
        Fit.State<Scored> from = Fit.State.fresh();
        Checkpoint ck = null;
        Map<String, HostArray> cur = new LinkedHashMap<>();
        if (checkpoint != null && Files.exists(checkpoint)) {
            ck = Checkpoint.read(checkpoint);
            String src = ck.source();
            String fp = ck.meta().get("decoder.config");
            if (!cfg.toString().equals(fp)) {
                throw new CheckpointException(src + ": saved by a trainer with config " + fp + ", this one has " + cfg + "; delete the file to start over");
            }
            Map<String, HostArray> saved = new LinkedHashMap<>();
            ck.parameters().forEach((k, v) -> {
                if (k.startsWith("model/")) cur.put(k.substring(6), v);
                else if (k.startsWith("best/")) saved.put(k.substring(5), v);
            });
            for (Parameter p : model.parameters()) {
                HostArray a = cur.get(p.name());
                if (a == null || a.numel() != p.numel()) throw new CheckpointException(src + ": lacks or mis-sizes parameter '" + p.name() + "'");
            }
            int start = Integer.parseInt(ck.meta().get("decoder.epochsDone"));
            int bestEpoch = Integer.parseInt(ck.meta().get("decoder.bestEpoch"));
            double bestLoss = Double.parseDouble(ck.meta().get("decoder.bestLoss"));
            List<Fit.Epoch<Scored>> records = new ArrayList<>();
            for (int e = 0; e < start; e++) {
                Epoch ep = Epoch.parse(ck.meta().get("decoder.epoch." + e), src);
                hist.add(ep);
                Scored sc = Double.isNaN(ep.selectionLoss()) && Double.isNaN(ep.selectionR2()) ? null : new Scored(ep.selectionLoss(), ep.selectionR2());
                records.add(new Fit.Epoch<>(ep.epoch(), ep.lr(), ep.trainLoss(), 0, sc, ep.kept()));
            }
            from = new Fit.State<>(start, records, saved.isEmpty() ? null : saved, bestLoss, bestEpoch);
        }
        // the recipe: training forward on a tape (dropout from (seed, epoch, batch)), output smoothing,
        // weighted MSE; LAMB on the chosen parameters; constant-then-cosine; selection by the cadence
        Fit.Loss<WindowDecoder, DecodingBatch> loss = (m, batch, seed) -> {
            Tape tape = Tape.training(seed);
            Tensor pred = m.forward(batch, tape);
            Tensor sm = smooth.forward(pred, tape);
            Backend be = pred.backend();
            Tensor g = be.zeros(sm.shape());
            double l = Losses.weightedMse(sm, be.fromHost(batch.target(), sm.shape()), batch.weight(), g);
            return new Fit.Step() {
                @Override public double loss() { return l; }
                @Override public void backward() {
                    m.backward(smooth.backward(g, tape), tape);
                    if (tape.pending() != 0) {
                        throw new IllegalStateException("DecoderTrainer: " + m.kind() + ".backward left " + tape.pending()
                                + " record(s) on the tape (its forward and backward must push and pop the same records)");
                    }
                }
            };
        };
        // kit: after every evalEvery-th epoch and after the last; released: at the start of epoch
        // e + 1 when (e + 1) % evalEvery == 0 and e + 1 < epochs (same weights, scored there)
        Fit.Cadence when = released
                ? (e, n) -> (e + 1) % cfg.evalEvery() == 0 && e + 1 < n
                : (e, n) -> (e + 1) % cfg.evalEvery() == 0 || e == n - 1;
        Fit.Selection<WindowDecoder, Scored> select = selection == null ? null : new Fit.Selection<>(m -> {
            Evaluation ev = evaluate(m, selection, smooth);
            return new Scored(released ? ev.batchMeanLoss() : ev.loss(), ev.meanSessionR2());
        }, when, released, Scored::loss);
        String what = "DecoderTrainer " + model.kind();
        Fit.Recipe<WindowDecoder, DecodingBatch, Scored> recipe = new Fit.Recipe<>(what, cfg.epochs(), loss, m -> new Lamb(params, lamb),
                cfg.schedule(), cfg.gradClip(), (e, b) -> CounterRng.child(CounterRng.child(cfg.seed(), e), b), select);
        EpochLog.Run lines = EpochLog.to(log).start("  " + model.kind(), cfg.epochs());
        int start = from.epochsDone();
        if (start > 0) lines.note("resuming from " + checkpoint + " after epoch " + start + "/" + cfg.epochs());
        int[] saved = {start};
        Lamb[] opt = new Lamb[1];
        Fit.Hooks<DecodingBatch, Scored> hooks = new Fit.Hooks<>() {
            @Override
            public void initial(Scored ev) {
                // the released loop scores the model before its first epoch: the initialisation is a candidate
                if (log != null) {
                    log.accept(String.format(Locale.ROOT, "  %s before epoch 1 | selection loss %.4f R2 %.3f (kept)", model.kind(), ev.loss(), ev.r2()));
                }
            }

            @Override
            public void afterEpoch(Fit.Epoch<Scored> fe, Fit.State<Scored> st) {
                int e = fe.epoch();
                boolean evalNow = fe.evaluation() != null;
                double selLoss = evalNow ? fe.evaluation().loss() : Double.NaN, selR2 = evalNow ? fe.evaluation().r2() : Double.NaN;
                boolean kept = fe.kept();
                hist.add(new Epoch(e, fe.lr(), fe.loss(), selLoss, selR2, kept));
                if (checkpoint != null) {
                    try {
                        save(checkpoint, model, opt[0], st.best(), st.bestKey(), st.bestEpoch(), hist);
                    } catch (RuntimeException x) {
                        throw Interrupts.translate(x, "DecoderTrainer " + model.kind() + " writing the checkpoint after epoch " + (e + 1) + "/" + cfg.epochs());
                    }
                    saved[0] = e + 1;
                }
                if (progress != null) progress.epoch(e + 1, cfg.epochs());
                lines.epoch(e + 1, fe.loss(), "selection R2", selR2, Double.NaN, String.format(Locale.ROOT, "lr %.2e%s", fe.lr(),
                        evalNow ? String.format(Locale.ROOT, ", selection loss %.4f%s", selLoss, kept ? " (kept)" : "") : ""), evalNow);
                if (listener != null) {
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    metrics.put("loss", fe.loss());
                    metrics.put("selection loss", selLoss);
                    metrics.put("selection R2", selR2);
                    metrics.put("lr", fe.lr());
                    listener.epoch(e + 1, metrics);
                }
            }
        };
        Fit.Run<WindowDecoder, DecodingBatch, Scored> run = Fit.start(model, train::epoch, recipe, hooks, from);
        opt[0] = (Lamb) run.optimizer();
        if (ck != null) {
            restore(model, cur);
            opt[0].restore(ck.optimizer(), ck.source());
        }
        Fit.Result<Scored> res;
        try {
            res = run.finish();
        } catch (TrainingInterruptedException x) {
            throw x.note(checkpoint == null ? "no checkpoint (the model holds a partly trained state)"
                    : saved[0] > 0 ? "checkpoint " + checkpoint + " holds epochs 1-" + saved[0] + " of " + cfg.epochs() + " (the same call resumes from it)"
                    : "checkpoint " + checkpoint + " not written yet (a new call starts over)");
        }
        return new History(hist, res.keptEpoch(), res.bestKey(), (System.nanoTime() - t0) / 1e9);
    }

    /** A selection evaluation as the trainer records it: the selection loss of the cadence, and the mean session R². */
    record Scored(double loss, double r2) {}

    /**
     * Evaluates on fixed windows: loss as in training, and R² per session as the released code
     * scores it (torcheval R2Score over all windows of the session, per dimension, averaged over x
     * and y): only REACH samples (weight 5) when the session has any, else every sample of weight > 0.
     */
    public static Evaluation evaluate(WindowDecoder model, List<DecodingBatch> windows, MovingAverage smooth) {
        return evaluate(model, windows, smooth, null);
    }

    /**
     * {@link #evaluate(WindowDecoder, List, MovingAverage)} whose forward passes all record their
     * spike activity on {@code activity} (an inference tape, e.g. for {@link WindowDecoder#energy}),
     * or each on a fresh inference tape when it is null.
     */
    public static Evaluation evaluate(WindowDecoder model, List<DecodingBatch> windows, MovingAverage smooth, Tape activity) {
        return evaluate(model, windows, smooth, activity, SampleRule.PER_SESSION);
    }

    /** Which samples an evaluation's R² scores. */
    public enum SampleRule {
        /** The kit's: REACH samples (weight ≥ 5) when the session has any, else every sample of weight > 0. */
        PER_SESSION,
        /**
         * The released {@code evaluate} (IoannisAsmanis/spikachu {@code utils.py} lines 64-71): decided per
         * batch — its REACH samples, or every weighted sample when the batch has no REACH sample.
         */
        PER_BATCH
    }

    /** {@link #evaluate(WindowDecoder, List, MovingAverage, Tape)} with the given {@link SampleRule}. */
    public static Evaluation evaluate(WindowDecoder model, List<DecodingBatch> windows, MovingAverage smooth, Tape activity, SampleRule rule) {
        if (windows == null || windows.isEmpty()) throw new IllegalArgumentException("evaluate: no windows");
        if (rule == null) throw new IllegalArgumentException("evaluate: sample rule is null");
        boolean perBatch = rule == SampleRule.PER_BATCH;
        if (activity != null && activity.keeps()) throw new IllegalArgumentException("evaluate: the activity tape must be an inference tape");
        // two pools per session: REACH rows and all weighted rows
        Map<Integer, List<float[]>> reachP = new TreeMap<>(), reachY = new TreeMap<>(), allP = new TreeMap<>(), allY = new TreeMap<>();
        double lossSum = 0, wSum = 0, sign = 0, n = 0, batchLossSum = 0;
        int weighted = 0;
        double[] mse = new double[2];
        int bi = 0;
        String what = "DecoderTrainer evaluation " + model.kind();
        for (DecodingBatch b : windows) {
            Interrupts.check(what, 0, 0, bi++, windows.size());
            Tape tape = activity != null ? activity : Tape.inference();
            Tensor sm = smooth.forward(model.forward(b, tape), tape);
            float[] p = sm.backend().toHost(sm), y = b.target(), w = b.weight();
            double bw = 0;
            for (float v : w) bw += v;
            double bl = Losses.weightedMse(sm, sm.backend().fromHost(y, sm.shape()), w, null);
            lossSum += bl * bw;
            wSum += bw;
            if (bw > 0) {
                batchLossSum += bl;
                weighted++;
            }
            int rows = w.length, bsz = b.batch();
            boolean batchReach = false;
            for (float v : w) batchReach |= v >= 5f;
            for (int r = 0; r < rows; r++) {
                if (w[r] <= 0) continue;
                int sess = b.sessionOf()[r % bsz];
                float[] pr = {p[2 * r], p[2 * r + 1]}, yr = {y[2 * r], y[2 * r + 1]};
                allP.computeIfAbsent(sess, k -> new ArrayList<>()).add(pr);
                allY.computeIfAbsent(sess, k -> new ArrayList<>()).add(yr);
                // per batch: the rows chosen go to the "reach" pool, which is then always used
                if (perBatch ? !batchReach || w[r] >= 5f : w[r] >= 5f) {
                    reachP.computeIfAbsent(sess, k -> new ArrayList<>()).add(pr);
                    reachY.computeIfAbsent(sess, k -> new ArrayList<>()).add(yr);
                }
            }
        }
        Map<Integer, Double> r2 = new LinkedHashMap<>();
        Map<Integer, Long> counts = new LinkedHashMap<>();
        long scored = 0;
        for (int s : allP.keySet()) {
            if (perBatch && !reachP.containsKey(s)) continue;   // none of its rows chosen (only in batches mixing sessions)
            boolean reach = perBatch || reachP.containsKey(s);
            List<float[]> ps = reach ? reachP.get(s) : allP.get(s), ys = reach ? reachY.get(s) : allY.get(s);
            R2 m = new R2();
            float[] fp = flat(ps), fy = flat(ys);
            m.update(fp, fy, 2);
            r2.put(s, m.compute());
            counts.put(s, (long) ps.size());
            scored += ps.size();
            for (int i = 0; i < ps.size(); i++) {
                for (int d = 0; d < 2; d++) {
                    double e = fp[2 * i + d] - fy[2 * i + d];
                    mse[d] += e * e;
                    if (Math.signum(fp[2 * i + d]) == Math.signum(fy[2 * i + d])) sign++;
                    n++;
                }
            }
        }
        double mean = r2.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        mse[0] /= Math.max(1, scored);
        mse[1] /= Math.max(1, scored);
        return new Evaluation(wSum > 0 ? lossSum / wSum : Double.NaN, weighted > 0 ? batchLossSum / weighted : Double.NaN, r2, counts, mean, mse, n > 0 ? sign / n : Double.NaN, scored);
    }

    private static float[] flat(List<float[]> rows) {
        float[] f = new float[rows.size() * 2];
        for (int i = 0; i < rows.size(); i++) {
            f[2 * i] = rows.get(i)[0];
            f[2 * i + 1] = rows.get(i)[1];
        }
        return f;
    }

    static Map<String, HostArray> snapshot(Module m) { return Fit.snapshot(m); }

    static void restore(Module m, Map<String, HostArray> s) { Fit.restore(m, s); }
}
