package org.spikekit.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.spikekit.compute.CounterRng;
import org.spikekit.core.Parameter;
import org.spikekit.core.SequenceModel;
import org.spikekit.data.SequenceSet;

/**
 * Iterative magnitude pruning with retraining, stage 3 of the tinyRSNN recipe (notebooks/papers/rsnn.md §5;
 * {@code prune_retrain_model_iterate} of the released code):
 * <ol>
 *   <li>W0 = the fine-tuned model; R²_before = its last training-epoch R².</li>
 *   <li>For p = 0.40, 0.50, 0.60, … ({@link Schedule}): reload W0, zero in every weight matrix
 *       (input, recurrent, readout; time constants are not pruned) its ⌊p·numel⌋ smallest-|w|
 *       entries ({@link #magnitude}), retrain with the masks held ({@link Trainer} with
 *       {@link Masks}; a new optimiser and a cosine schedule with T_max = retrain epochs,
 *       {@link Trainer.Config#rsnnRetrain}).</li>
 *   <li>Accept when train R² ≥ R²_before − |tolerance·R²_before| (= (1 − 0.02)·R²_before for a
 *       positive R²). On the first failure step back one step and continue with the next, finer
 *       step (0.10 → 0.05, i.e. try p_failed − 0.10 + 0.05); stop at a failure with no finer step
 *       left, or when p > 0.80.</li>
 *   <li>Keep the last accepted model (W0 when none was accepted).</li>
 * </ol>
 * The schedule is a pure state machine ({@link Walk}, {@link #plan}) that the driver ({@link #run})
 * feeds with outcomes, so the sequence of tried fractions can be tested without training.
 *
 * <p>Count per matrix: ⌊p·numel⌋ (floor), as the released code's {@code int(numel·p)}; ties in |w|
 * are broken by flat index (lower index pruned first). p is held exactly, in units of 1e-4: the
 * released code adds floats (0.4 + 0.1 + 0.1 + 0.1 + 0.1 = 0.7999999999999999), which can prune one
 * entry fewer when p·numel is an integer (e.g. 3 instead of 4 of 5 entries at p = 0.8). Each trial
 * retrains with the seed {@code child(retrain.seed, trial index)}, so a fraction tried twice (after a
 * step back) gets fresh shuffling and dropout draws, as the released (unseeded-per-trial) code does.
 *
 * <pre>{@code
 * Pruning.Result r = Pruning.run(model, model.weights().values(), train, val,
 *         fineTune.last().trainR2(), Trainer.Config.rsnnRetrain(seed), Pruning.Schedule.rsnn(), null, null);
 * r.kept();     // last accepted trial (p, sparsity, R²), or null
 * }</pre>
 */
public final class Pruning {
    private Pruning() {}

    /** Fractions are held as integers in units of 1/UNITS. */
    static final long UNITS = 10_000;

    static long units(String what, double x) {
        long u = Math.round(x * UNITS);
        if (!Double.isFinite(x) || Math.abs(u - x * UNITS) > 1e-6) {
            throw new IllegalArgumentException("Pruning: " + what + " must be a multiple of 0.0001, got " + x);
        }
        return u;
    }

    /** Entries pruned from a matrix of {@code numel} entries at fraction {@code p}: ⌊p·numel⌋, exact. */
    public static long prunedCount(long numel, double p) {
        long u = units("fraction", p);
        if (u < 0 || u > UNITS) throw new IllegalArgumentException("Pruning: fraction must be in [0, 1], got " + p);
        return Math.floorDiv(numel * u, UNITS);
    }

    /**
     * Magnitude masks: for each weight matrix separately, the ⌊p·numel⌋ entries of smallest |w|
     * (ties: lower flat index first) get mask 0, the others 1.
     *
     * @param weights the matrices to prune (e.g. {@code Rsnn.weights().values()})
     * @param p fraction in [0, 1], a multiple of 0.0001
     */
    public static Masks magnitude(Collection<Parameter> weights, double p) {
        Map<String, HostArray> out = new LinkedHashMap<>();
        for (Parameter w : weights) {
            float[] v = w.backend().toHost(w.value());
            int k = Math.toIntExact(prunedCount(v.length, p));
            // key = bits of |w| (ordered like the values for non-negative floats) above the index
            long[] key = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                if (Float.isNaN(v[i])) throw new IllegalArgumentException("Pruning: weight '" + w.name() + "' is NaN at index " + i);
                key[i] = ((long) Float.floatToIntBits(Math.abs(v[i])) << 32) | i;
            }
            java.util.Arrays.sort(key);
            float[] m = new float[v.length];
            java.util.Arrays.fill(m, 1f);
            for (int i = 0; i < k; i++) m[(int) key[i]] = 0f;
            if (out.put(w.name(), new HostArray(w.shape(), m)) != null) {
                throw new IllegalArgumentException("Pruning: weight '" + w.name() + "' listed twice");
            }
        }
        return new Masks(out);
    }

    /** NeuroBench connection sparsity of {@code weights}: exactly-zero entries / all entries. */
    public static double connectionSparsity(Collection<Parameter> weights) {
        long zero = 0, all = 0;
        for (Parameter w : weights) {
            for (float x : w.backend().toHost(w.value())) if (x == 0f) zero++;
            all += w.numel();
        }
        return all == 0 ? 0 : (double) zero / all;
    }

    // ---- schedule ---------------------------------------------------------------------------

    /**
     * The accept/step-back schedule.
     *
     * @param start first fraction tried (RSNN 0.40)
     * @param steps increments, coarse to fine (RSNN 0.10 then 0.05); each failure moves to the next
     * @param max largest fraction tried (RSNN 0.80)
     * @param tolerance relative train-R² drop accepted (RSNN 0.02)
     * @param reading which training R² the tolerance compares ({@link TrainR2#AS_RELEASED} for the RSNN)
     */
    public record Schedule(double start, List<Double> steps, double max, double tolerance, TrainR2 reading) {
        public Schedule {
            if (reading == null) throw new IllegalArgumentException("Pruning.Schedule.reading must not be null");
            steps = List.copyOf(steps);
            if (steps.isEmpty()) throw new IllegalArgumentException("Pruning.Schedule.steps must list at least one increment");
            long s = units("Schedule.start", start), m = units("Schedule.max", max);
            if (s <= 0 || s > UNITS) throw new IllegalArgumentException("Pruning.Schedule.start must be in (0, 1], got " + start);
            if (m < s || m > UNITS) throw new IllegalArgumentException("Pruning.Schedule.max must be in [start, 1], got " + max);
            for (double d : steps) {
                if (units("Schedule.steps", d) <= 0) throw new IllegalArgumentException("Pruning.Schedule.steps must be > 0, got " + steps);
            }
            if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
                throw new IllegalArgumentException("Pruning.Schedule.tolerance must be >= 0, got " + tolerance);
            }
        }

        /** A schedule comparing the whole-epoch training R² ({@link TrainR2#EPOCH}). */
        public Schedule(double start, List<Double> steps, double max, double tolerance) {
            this(start, steps, max, tolerance, TrainR2.EPOCH);
        }

        /**
         * The released tinyRSNN settings: start 0.40, steps 0.10 then 0.05, max 0.80, tolerance 0.02
         * on the training R² as the authors' code reports it ({@link TrainR2#AS_RELEASED}).
         */
        public static Schedule rsnn() { return new Schedule(0.40, List.of(0.10, 0.05), 0.80, 0.02, TrainR2.AS_RELEASED); }

        /** {@code trainR2 ≥ before − |tolerance·before|}. */
        public boolean accepts(double trainR2, double before) {
            return trainR2 - before >= -Math.abs(tolerance * before);
        }

        /** A new walk through this schedule. */
        public Walk walk() { return new Walk(this); }
    }

    /**
     * The schedule as a state machine: {@link #p()} is the fraction to try next while
     * {@link #done()} is false; {@link #report} gives its outcome.
     */
    public static final class Walk {
        private final long[] steps;
        private final long max;
        private long p, kept = -1;
        private int level;
        private boolean done;
        private final List<Double> tried = new ArrayList<>();

        private Walk(Schedule s) {
            steps = new long[s.steps().size()];
            for (int i = 0; i < steps.length; i++) steps[i] = units("step", s.steps().get(i));
            max = units("max", s.max());
            p = units("start", s.start());
        }

        public boolean done() { return done; }

        /** The next fraction to try. */
        public double p() {
            if (done) throw new IllegalStateException("Pruning.Walk: the schedule is finished");
            return (double) p / UNITS;
        }

        /** Outcome of trying {@link #p()}. */
        public void report(boolean accepted) {
            double now = p();
            tried.add(now);
            if (accepted) {
                kept = p;
                p += steps[level];
            } else if (level + 1 < steps.length) {
                p = p - steps[level] + steps[level + 1];
                level++;
            } else {
                done = true;
            }
            if (p > max || p <= 0) done = true;
        }

        /** Last accepted fraction, NaN when none. */
        public double kept() { return kept < 0 ? Double.NaN : (double) kept / UNITS; }

        /** Fractions tried so far, in order. */
        public List<Double> tried() { return Collections.unmodifiableList(tried); }
    }

    /**
     * Which fractions are tried and which one is kept.
     *
     * @param tried fractions in the order tried (a fraction can appear twice after a step back)
     * @param kept last accepted fraction, NaN when none
     */
    public record Plan(List<Double> tried, double kept) {
        public Plan { tried = List.copyOf(tried); }
    }

    /**
     * Pure schedule logic: walks {@code schedule} with the given outcomes, one per tried fraction.
     *
     * @throws IllegalArgumentException when the outcomes run out before the schedule ends, or some are left over
     */
    public static Plan plan(Schedule schedule, List<Boolean> outcomes) {
        Walk w = schedule.walk();
        int k = 0;
        while (!w.done()) {
            if (k >= outcomes.size()) {
                throw new IllegalArgumentException("Pruning.plan: " + outcomes.size() + " outcomes given, the schedule also tries p = " + w.p());
            }
            w.report(outcomes.get(k++));
        }
        if (k < outcomes.size()) {
            throw new IllegalArgumentException("Pruning.plan: the schedule ended after " + k + " trials, " + outcomes.size() + " outcomes given");
        }
        return new Plan(w.tried(), w.kept());
    }

    /** Which training R² of an epoch the accept test compares. */
    public enum TrainR2 {
        /** Over every step of the epoch ({@link Trainer.Epoch#trainR2()}). */
        EPOCH,
        /**
         * As fmi-basel/neural-decoding-RSNN reports it and its pruning compares ({@code train.py}:
         * {@code history['r2'][-1]}): the mean over batches of each batch's R², rounded to 3 decimals per
         * batch ({@link Trainer.Epoch#trainR2Batches()}).
         */
        AS_RELEASED;

        /** This reading of {@code e}. */
        public double of(Trainer.Epoch e) { return this == EPOCH ? e.trainR2() : e.trainR2Batches(); }
    }

    // ---- driver -----------------------------------------------------------------------------

    /**
     * One pruning trial.
     *
     * @param index 0-based trial number
     * @param p fraction pruned per matrix
     * @param pruned entries masked over all matrices
     * @param valR2Pruned validation R² right after pruning, before retraining (NaN without validation)
     * @param trainR2 last retraining epoch's train R² in the schedule's reading (the acceptance criterion)
     * @param valR2 validation R² after retraining
     * @param sparsity connection sparsity of the weight matrices after retraining
     * @param accepted whether the criterion held
     * @param history the retraining history
     */
    public record Trial(int index, double p, long pruned, double valR2Pruned, double trainR2, double valR2,
                        double sparsity, boolean accepted, Trainer.History history) {}

    /**
     * Result of {@link #run}. The model passed in holds the kept state when this returns.
     *
     * @param trainR2Before the reference train R² of the unpruned model
     * @param trials every trial in order
     * @param kept the last accepted trial, or null (the model is then back at W0)
     * @param masks the kept trial's masks ({@link Masks#none()} when none)
     * @param state parameters and masks of the kept model
     */
    public record Result(double trainR2Before, List<Trial> trials, Trial kept, Masks masks, Checkpoint state) {
        public Result { trials = List.copyOf(trials); }

        /** The kept fraction, 0 when no trial was accepted. */
        public double keptFraction() { return kept == null ? 0 : kept.p(); }

        /** The plan the trials followed. */
        public Plan plan() {
            return new Plan(trials.stream().map(Trial::p).toList(), kept == null ? Double.NaN : kept.p());
        }
    }

    /**
     * Runs the schedule on {@code model} (trained in place; on return it holds the kept state).
     *
     * @param weights the matrices to prune, parameters of {@code model}
     * @param val validation set for the reported R², or null
     * @param trainR2Before reference train R² (the fine-tuning run's last epoch, in the schedule's reading)
     * @param retrain configuration of each retraining (its epochs and T_max; seed per trial derived from it)
     * @param epochCallback per retraining epoch, or null
     * @param onTrial called after each trial (progress, logging), or null
     */
    public static Result run(SequenceModel model, Collection<Parameter> weights, SequenceSet train, SequenceSet val,
                             double trainR2Before, Trainer.Config retrain, Schedule schedule,
                             Trainer.EpochCallback epochCallback, Consumer<Trial> onTrial) {
        return run(model, weights, train, val, trainR2Before, retrain, schedule, epochCallback, onTrial, null);
    }

    /**
     * Resumable {@link #run(SequenceModel, Collection, SequenceSet, SequenceSet, double, Trainer.Config, Schedule,
     * Trainer.EpochCallback, Consumer)}: with a {@code stateDir}, the unpruned state is saved as
     * {@code w0.ckpt}, every retraining epoch as {@code trial<i>.partial.ckpt} and every finished trial as
     * {@code trial<i>.ckpt}. Called again on a freshly built model after the process died at any point,
     * it reads W0 from the folder (the {@code model}'s own parameters are then ignored), replays the
     * finished trials' outcomes through the schedule without retraining, resumes the interrupted
     * trial from its last epoch and ends with the same weights, trials and histories, bit for bit,
     * as an uninterrupted run. {@code onTrial} is called for replayed trials too. The caller deletes
     * the folder when the result is safely stored.
     *
     * @param stateDir folder for the run's pruning state, or null for an in-memory run
     */
    public static Result run(SequenceModel model, Collection<Parameter> weights, SequenceSet train, SequenceSet val,
                             double trainR2Before, Trainer.Config retrain, Schedule schedule,
                             Trainer.EpochCallback epochCallback, Consumer<Trial> onTrial, Path stateDir) {
        Map<String, Parameter> byName = model.byName();
        for (Parameter w : weights) {
            if (byName.get(w.name()) != w) {
                throw new IllegalArgumentException("Pruning.run: weight '" + w.name() + "' is not a parameter of the model");
            }
        }
        if (!Double.isFinite(trainR2Before)) throw new IllegalArgumentException("Pruning.run: trainR2Before must be finite, got " + trainR2Before);
        Checkpoint w0;
        Path w0File = stateDir == null ? null : stateDir.resolve("w0.ckpt");
        if (w0File != null && Files.exists(w0File)) {
            w0 = Checkpoint.read(w0File);
        } else {
            w0 = Checkpoint.of(model);
            if (w0File != null) w0.write(w0File);
        }
        Checkpoint keptState = w0;
        Masks keptMasks = Masks.none();
        Trial kept = null;
        List<Trial> trials = new ArrayList<>();
        Walk walk = schedule.walk();
        while (!walk.done()) {
            double p = walk.p();
            int index = trials.size();
            Trainer trainer = new Trainer(retrain.withSeed(CounterRng.child(retrain.seed(), index)));
            Path done = stateDir == null ? null : stateDir.resolve("trial" + index + ".ckpt");
            Path partial = stateDir == null ? null : stateDir.resolve("trial" + index + ".partial.ckpt");
            Masks masks;
            Trainer.History h;
            try {
                if (done != null && Files.exists(done)) {                 // finished before the process died: replay
                    Trainer.Run r = trainer.resume(done, model, train, val);
                    masks = r.masks();
                    h = r.history();
                } else if (partial != null && Files.exists(partial)) {    // interrupted mid-retraining: continue
                    Trainer.Run r = trainer.resume(partial, model, train, val);
                    masks = r.masks();
                    h = r.runTo(retrain.epochs(), epochCallback, partial, 1);
                } else {
                    w0.loadInto(model);
                    masks = magnitude(weights, p);
                    Trainer.Run r = trainer.start(model, train, val, masks);
                    h = r.runTo(retrain.epochs(), epochCallback, partial, 1);
                }
            } catch (TrainingInterruptedException e) {
                throw e.note(String.format(java.util.Locale.ROOT, "pruning trial %d (p=%.2f) retraining; ", index, p)
                        + (stateDir == null ? "in-memory pruning keeps no state (the model holds the partly retrained trial)"
                        : "the " + index + " finished trial(s) and W0 are kept in " + stateDir + ", the same call resumes"));
            }
            if (done != null && !Files.exists(done)) {
                try {
                    Files.move(partial, done, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException("Pruning: cannot store finished trial " + done + ": " + e.getMessage(), e);
                }
            }
            double trainR2 = schedule.reading().of(h.last());
            boolean ok = schedule.accepts(trainR2, trainR2Before);
            Trial t = new Trial(index, p, masks.pruned(), h.initialValR2(), trainR2, h.last().valR2(),
                    connectionSparsity(weights), ok, h);
            trials.add(t);
            if (ok) {
                kept = t;
                keptMasks = masks;
                keptState = Checkpoint.of(model).withMasks(masks);
            }
            if (onTrial != null) onTrial.accept(t);
            walk.report(ok);
        }
        keptState.loadInto(model);
        return new Result(trainR2Before, trials, kept, keptMasks,
                keptState.withMeta("pruning.fraction", Double.toString(kept == null ? 0 : kept.p())));
    }
}
