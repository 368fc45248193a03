package org.spikekit.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/**
 * The kit's one gradient training loop: {@link #fit(Module, Data, Recipe, Hooks)} runs a
 * {@link Recipe} over a model and its data and returns a {@link Result}. Every gradient trainer of
 * the kit is a recipe over it ({@link EphysFitter}, {@link AlifNetTrainer}, {@link DecoderTrainer},
 * {@link Trainer}); see the package documentation for the model contract and the recipe fields.
 *
 * <p>One epoch, in this order (each trainer's former loop, unchanged):
 * <ol>
 *   <li>the schedule's learning rate for the epoch is set on the optimiser (when the recipe has a schedule);</li>
 *   <li>the epoch's batches are asked of {@link Data#epoch};</li>
 *   <li>per batch: interrupt check ({@link Interrupts}), {@code zeroGrad}, the recipe's {@link Loss}
 *       runs the training forward pass and its loss ({@link Step}); a non-finite loss stops the fit with
 *       an error; {@link Hooks#afterForward} may end the fit here (before the backward pass);
 *       {@link Step#backward()}; global-norm gradient clip; {@link Hooks#beforeStep} (e.g. masking the
 *       gradients of pruned weights); optimiser step; {@link Hooks#afterStep} (e.g. re-masking the
 *       weights). An optimiser with no parameters makes the epoch forward-only (no zeroGrad, backward
 *       or step: training-mode statistics only);</li>
 *   <li>the selection evaluation when its cadence says so; the lowest key is kept (a host snapshot
 *       of every parameter) when the selection keeps the best;</li>
 *   <li>{@link Hooks#afterEpoch} with the epoch's record (checkpoints, logs, callbacks).</li>
 * </ol>
 * At the end a kept snapshot is restored into the model.
 */
public final class Fit {
    private Fit() {}

    /** One training-mode forward pass of a batch with its loss, ready to back-propagate (the model contract's pass object). */
    public interface Step {
        /** The loss of the batch (checked finite by the loop). */
        double loss();

        /** Weight of this batch's loss in the epoch's mean loss (default 1: the mean over batches). */
        default double weight() { return 1; }

        /** Back-propagates the loss: ADDS into the gradients of the model's parameters. */
        void backward();
    }

    /** The recipe's loss: a training forward pass of {@code batch} (dropout etc. drawn from {@code seed}) and its loss. */
    @FunctionalInterface
    public interface Loss<M, B> {
        Step forward(M model, B batch, long seed);
    }

    /** The batches of each epoch, a pure function of the epoch (or of a generator the recipe owns). */
    @FunctionalInterface
    public interface Data<B> {
        List<B> epoch(int epoch);
    }

    /** Seed of a batch's random draws (dropout masks). */
    @FunctionalInterface
    public interface BatchSeeds {
        long seed(int epoch, int batch);

        static BatchSeeds none() { return (e, b) -> 0L; }
    }

    /** Scores the model as it stands (no gradient). */
    @FunctionalInterface
    public interface Evaluator<M, E> {
        E evaluate(M model);
    }

    /** When a selection evaluation runs: after epoch {@code epoch} (0-based) of {@code epochs}. */
    @FunctionalInterface
    public interface Cadence {
        boolean after(int epoch, int epochs);

        static Cadence everyEpoch() { return (e, n) -> true; }
    }

    /**
     * The evaluation between epochs and the rule that picks the returned parameters.
     *
     * @param evaluator scores the model
     * @param cadence after which epochs it runs
     * @param scoreInitial also score the weights before the first epoch, as a candidate
     * @param key the selection key of an evaluation, lower is better; null: evaluations are only
     *            recorded and the weights after the last epoch are returned
     */
    public record Selection<M, E>(Evaluator<M, E> evaluator, Cadence cadence, boolean scoreInitial,
                                  java.util.function.ToDoubleFunction<E> key) {
        public Selection {
            if (evaluator == null || cadence == null) throw new IllegalArgumentException("Fit.Selection: evaluator and cadence must not be null");
            if (scoreInitial && key == null) throw new IllegalArgumentException("Fit.Selection: scoring the initial weights needs a key");
        }

        /** Evaluations recorded every epoch, none selects. */
        public static <M, E> Selection<M, E> record(Evaluator<M, E> evaluator) {
            return new Selection<>(evaluator, Cadence.everyEpoch(), false, null);
        }

        boolean keepsBest() { return key != null; }
    }

    /**
     * What a fit does.
     *
     * @param name names the fit in interrupt messages and errors
     * @param epochs epochs to run (a hook may end the fit earlier)
     * @param loss the training loss per batch (with whatever regularisers, burn-in and output smoothing the recipe scores)
     * @param optimizer builds the optimiser over the model's (or a chosen subset of its) parameters
     * @param schedule learning rate per epoch, or null to leave the optimiser's
     * @param gradClip max global gradient norm over the optimiser's parameters, 0 for none
     * @param seeds seed of each batch's random draws
     * @param selection evaluation between epochs and the selection rule, or null for none
     */
    public record Recipe<M extends Module, B, E>(String name, int epochs, Loss<M, B> loss,
                                                 java.util.function.Function<M, Optimizer> optimizer, LrSchedule schedule,
                                                 double gradClip, BatchSeeds seeds, Selection<M, E> selection) {
        public Recipe {
            if (name == null || loss == null || optimizer == null || seeds == null) {
                throw new IllegalArgumentException("Fit.Recipe: name, loss, optimizer and seeds must not be null");
            }
            if (epochs < 1) throw new IllegalArgumentException("Fit.Recipe " + name + ": epochs must be >= 1, got " + epochs);
            if (!(gradClip >= 0)) throw new IllegalArgumentException("Fit.Recipe " + name + ": gradClip must be >= 0, got " + gradClip);
        }
    }

    /**
     * One epoch's record.
     *
     * @param lr the learning rate it ran at
     * @param loss the weighted mean of its batch losses ({@link Step#weight()})
     * @param evaluation the selection evaluation after it, or null when none ran
     * @param kept whether that evaluation made these the kept parameters
     */
    public record Epoch<E>(int epoch, double lr, double loss, int batches, E evaluation, boolean kept) {}

    /**
     * A fit's outcome.
     *
     * @param keptEpoch epoch whose parameters the model holds now: the selected one, −1 for the
     *                  initial weights, or the last epoch run when nothing was selected
     * @param bestKey the selection key of the kept parameters (+∞ when none was selected)
     * @param initial evaluation of the initial weights when the selection scores them, else null
     * @param stoppedEarly a hook ended the fit before its last epoch
     */
    public record Result<E>(List<Epoch<E>> epochs, int keptEpoch, double bestKey, E initial, boolean stoppedEarly, double seconds) {
        public Result { epochs = List.copyOf(epochs); }
    }

    /** Where a fit resumes: epochs done, their records, the kept snapshot and its key and epoch. */
    public record State<E>(int epochsDone, List<Epoch<E>> history, Map<String, HostArray> best, double bestKey, int bestEpoch) {
        public State { history = List.copyOf(history); }

        public static <E> State<E> fresh() { return new State<>(0, List.of(), null, Double.POSITIVE_INFINITY, -1); }
    }

    /** Optional callbacks of the loop; all do nothing by default. */
    public interface Hooks<B, E> {
        /** After the initial weights were scored (only when the selection scores them). */
        default void initial(E evaluation) {}

        /** After a batch's forward pass and loss; false ends the fit now, before this batch's backward pass. */
        default boolean afterForward(int epoch, int batch, B b, Step step) { return true; }

        /** After the backward pass (and clip), before the optimiser step: e.g. mask gradients. */
        default void beforeStep() {}

        /** After the optimiser step: e.g. re-apply pruning masks to the weights. */
        default void afterStep() {}

        /** After an epoch (and its evaluation): checkpoints, logs, callbacks; {@code state} is the resumable state now. */
        default void afterEpoch(Epoch<E> epoch, State<E> state) {}

        static <B, E> Hooks<B, E> none() { return new Hooks<>() {}; }

        /** Hooks that apply pruning masks: gradients before every step, weights after. */
        static <B, E> Hooks<B, E> masks(Masks.Bound bound) {
            return new Hooks<>() {
                @Override public void beforeStep() { bound.maskGrads(); }
                @Override public void afterStep() { bound.maskValues(); }
            };
        }
    }

    /** Runs {@code recipe} on {@code model} from its start. */
    public static <M extends Module, B, E> Result<E> fit(M model, Data<B> data, Recipe<M, B, E> recipe, Hooks<B, E> hooks) {
        return start(model, data, recipe, hooks, null).finish();
    }

    /** A run at the beginning ({@code from} null) or continuing from a saved {@link State}. */
    public static <M extends Module, B, E> Run<M, B, E> start(M model, Data<B> data, Recipe<M, B, E> recipe, Hooks<B, E> hooks, State<E> from) {
        return new Run<>(model, data, recipe, hooks == null ? Hooks.none() : hooks, from == null ? State.fresh() : from);
    }

    /** A fit in progress: epoch by epoch ({@link #epoch()}) or to its end ({@link #finish()}). */
    public static final class Run<M extends Module, B, E> {
        private final M model;
        private final Data<B> data;
        private final Recipe<M, B, E> r;
        private final Hooks<B, E> hooks;
        private final Optimizer opt;
        private final List<Epoch<E>> history;
        private Map<String, HostArray> best;
        private double bestKey;
        private int bestEpoch;
        private E initial;
        private boolean stopped, begun;
        private final long t0 = System.nanoTime();

        private Run(M model, Data<B> data, Recipe<M, B, E> r, Hooks<B, E> hooks, State<E> from) {
            this.model = model;
            this.data = data;
            this.r = r;
            this.hooks = hooks;
            this.opt = r.optimizer().apply(model);
            this.history = new ArrayList<>(from.history());
            if (from.epochsDone() != history.size()) {
                throw new IllegalArgumentException("Fit " + r.name() + ": resume state has " + from.epochsDone() + " epochs done but "
                        + history.size() + " records");
            }
            this.best = from.best();
            this.bestKey = from.bestKey();
            this.bestEpoch = from.bestEpoch();
        }

        public Optimizer optimizer() { return opt; }

        public M model() { return model; }

        /** Epochs completed (= index of the next). */
        public int epochsDone() { return history.size(); }

        /** Whether a hook ended the fit. */
        public boolean stopped() { return stopped; }

        public List<Epoch<E>> history() { return List.copyOf(history); }

        /** The resumable state now. */
        public State<E> state() { return new State<>(history.size(), history, best, bestKey, bestEpoch); }

        private void begin() {
            if (begun) return;
            begun = true;
            Selection<M, E> sel = r.selection();
            if (sel != null && sel.scoreInitial() && history.isEmpty()) {
                initial = sel.evaluator().evaluate(model);
                bestKey = sel.key().applyAsDouble(initial);
                bestEpoch = -1;
                best = snapshot(model);
                hooks.initial(initial);
            }
        }

        /** Runs the next epoch; returns its record, or null when a hook ended the fit during it. */
        public Epoch<E> epoch() {
            begin();
            int e = history.size();
            if (stopped || e >= r.epochs()) throw new IllegalStateException("Fit " + r.name() + ": the fit is over (" + e + "/" + r.epochs() + " epochs)");
            double lr = opt.lr();
            if (r.schedule() != null) {
                lr = r.schedule().lr(e);
                opt.setLr(lr);
            }
            List<B> batches = data.epoch(e);
            if (batches.isEmpty()) throw new IllegalStateException(r.name() + ": epoch " + e + " has no training batches");
            boolean forwardOnly = opt.parameters().isEmpty();
            double sum = 0, weights = 0;
            for (int b = 0; b < batches.size(); b++) {
                Interrupts.check(r.name(), e, r.epochs(), b, batches.size());
                B batch = batches.get(b);
                if (!forwardOnly) model.zeroGrad();
                Step step = r.loss().forward(model, batch, r.seeds().seed(e, b));
                double loss = step.loss();
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "%s: loss is %s at epoch %d batch %d (lr %.3g)", r.name(), loss, e, b, lr));
                }
                double w = step.weight();
                sum += loss * w;
                weights += w;
                if (!hooks.afterForward(e, b, batch, step)) {
                    stopped = true;
                    return null;
                }
                if (forwardOnly) continue;
                step.backward();
                if (r.gradClip() > 0) GradClip.clipGlobalNorm(opt::parameters, r.gradClip());
                hooks.beforeStep();
                opt.step();
                hooks.afterStep();
            }
            Selection<M, E> sel = r.selection();
            E ev = null;
            boolean kept = false;
            if (sel != null && sel.cadence().after(e, r.epochs())) {
                ev = sel.evaluator().evaluate(model);
                if (sel.keepsBest()) {
                    double k = sel.key().applyAsDouble(ev);
                    if (k < bestKey) {
                        bestKey = k;
                        bestEpoch = e;
                        best = snapshot(model);
                        kept = true;
                    }
                }
            }
            Epoch<E> rec = new Epoch<>(e, lr, sum / weights, batches.size(), ev, kept);
            history.add(rec);
            hooks.afterEpoch(rec, state());
            return rec;
        }

        /** Runs the remaining epochs (until a hook ends the fit), restores the kept parameters, and returns the result. */
        public Result<E> finish() {
            begin();
            while (!stopped && history.size() < r.epochs()) epoch();
            int kept = bestEpoch;
            if (best != null) restore(model, best);
            else kept = history.size() - 1;
            return new Result<>(history, kept, bestKey, initial, stopped, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** A host copy of every parameter of {@code m}, by name. */
    public static Map<String, HostArray> snapshot(Module m) {
        Map<String, HostArray> s = new LinkedHashMap<>();
        for (Parameter p : m.parameters()) s.put(p.name(), HostArray.of(p.value()));
        return s;
    }

    /** Copies a {@link #snapshot} back into {@code m}. */
    public static void restore(Module m, Map<String, HostArray> s) {
        for (Parameter p : m.parameters()) s.get(p.name()).copyTo(p.value());
    }
}
