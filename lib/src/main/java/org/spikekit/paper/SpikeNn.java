package org.spikekit.paper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.spikekit.data.spiking.SpikingSplit;
import org.spikekit.report.RunKey;
import org.spikekit.train.EpochLog;
import org.spikekit.train.Interrupts;
import org.spikekit.train.TrainingInterruptedException;
import org.spikekit.train.stdp.ReadoutTrainer;
import org.spikekit.train.stdp.SpikeNnConfig;

/**
 * The SpikeNN readout paper (Goupy, Tirilly, Bilasco, NeurIPS 2024; {@code notebooks/papers/spikenn.md})
 * protocols, the entry point notebooks and the paper driver call:
 * <ul>
 *   <li>{@link #train}: one run (train / val / test, early stopping), nothing stored;</li>
 *   <li>{@link #run}: the same, kept as one {@link SpikeNnRun} JSON file under the runs folder and
 *       read back instead of recomputed when present;</li>
 *   <li>{@link #kfold}: one run per fold, seeded with the fold index (notebooks/papers/spikenn.md §5.5), mean ± population
 *       std of the final test accuracies;</li>
 *   <li>{@link #gridsearch}: every config of a grid ({@link SpikeNnConfig#readGrid}) on one split
 *       with one seed, runs aborted by {@code gridsearch_stop_acc}, ranked by validation
 *       accuracy.</li>
 * </ul>
 * Runs of one call execute in parallel on {@code threads} worker threads. Each run is
 * independent and deterministic (own trainer and RNG; data read-only), so the thread count never
 * changes a result; runs are merged by reading the files back, in the caller's order.
 *
 * <p>Every run trains with the released semantics of the authors' code unless the runner is built
 * with kit {@link ReadoutTrainer.Variant}s; each run records its semantics label
 * ({@link SpikeNnRun#semantics}), which is part of its key, so runs of different semantics never
 * share a file. The key also holds the library's fingerprint ({@link RunKey.Library}): a run file
 * computed by other code is not reused, and the log says which part of a run differs from the
 * stored run of the same label when one is computed again.
 */
public final class SpikeNn {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+=-]*");

    private final Path runsDir;
    private final int threads;
    private final boolean recordStats;
    private final Consumer<String> log;
    private final Set<ReadoutTrainer.Variant> variants;
    private volatile RunKey.Library library;

    /**
     * @param runsDir     folder of the run files (created when needed)
     * @param threads     worker threads (≥ 1), e.g. {@code Runtime.getRuntime().availableProcessors()}
     * @param recordStats keep per-epoch neuron statistics in every run (Fig. 2, appendix)
     * @param log         progress lines, or null
     */
    public SpikeNn(Path runsDir, int threads, boolean recordStats, Consumer<String> log) {
        this(runsDir, threads, recordStats, log, Set.of());
    }

    /**
     * As {@link #SpikeNn(Path, int, boolean, Consumer)}, every run with the given kit variants of
     * the released semantics (empty: released). Their runs are labelled with
     * {@link ReadoutTrainer#semanticsLabel} and keyed apart.
     */
    public SpikeNn(Path runsDir, int threads, boolean recordStats, Consumer<String> log, Set<ReadoutTrainer.Variant> variants) {
        this.runsDir = Objects.requireNonNull(runsDir, "runsDir");
        if (threads < 1) throw new IllegalArgumentException("SpikeNn.threads must be >= 1, got " + threads);
        this.threads = threads;
        this.recordStats = recordStats;
        this.log = log == null ? s -> {} : log;
        this.variants = variants == null ? Set.of() : Set.copyOf(variants);
    }

    /**
     * The protocols for a notebook: run files under {@code results/<group>/runs/<mode>/}, all
     * cores, progress printed.
     */
    public static SpikeNn of(org.spikekit.report.Notebook nb, boolean recordStats) {
        return new SpikeNn(nb.resultsDir().resolve("runs").resolve(nb.mode().id()), Runtime.getRuntime().availableProcessors(),
                recordStats, nb.log());
    }

    public Path runsDir() { return runsDir; }

    /** Worker threads. */
    public int threads() { return threads; }

    /** The kit variants of every run (empty: the released semantics). */
    public Set<ReadoutTrainer.Variant> variants() { return variants; }

    /**
     * Keys this runner's runs with {@code lib} instead of the library this JVM runs
     * ({@link RunKey.Library#current()}): for tests that check what a changed library does. Returns this.
     */
    public SpikeNn withLibrary(RunKey.Library lib) {
        this.library = Objects.requireNonNull(lib, "lib");
        return this;
    }

    /** The library fingerprint this runner's runs are keyed with. */
    public RunKey.Library library() { return library != null ? library : RunKey.Library.current(); }

    /** The semantics label of every run ({@link ReadoutTrainer#semanticsLabel}). */
    public String semantics() { return ReadoutTrainer.semanticsLabel(variants); }

    // ---- one run --------------------------------------------------------------------------------

    /**
     * One run with the released semantics, not stored.
     *
     * @param gridsearch apply {@code gridsearch_stop_acc} after epoch 3
     */
    public static SpikeNnRun train(String label, SpikeNnConfig cfg, SpikingSplit split, long seed, boolean gridsearch,
                                   boolean recordStats) {
        return train(label, cfg, split, seed, gridsearch, recordStats, Set.of());
    }

    /** One run with kit {@code variants} of the semantics (empty: released), not stored. */
    public static SpikeNnRun train(String label, SpikeNnConfig cfg, SpikingSplit split, long seed, boolean gridsearch,
                                   boolean recordStats, Set<ReadoutTrainer.Variant> variants) {
        return train(label, cfg, split, seed, gridsearch, recordStats, variants, null);
    }

    /**
     * {@link #train(String, SpikeNnConfig, SpikingSplit, long, boolean, boolean, Set)} with one progress line
     * per epoch (or per few) on {@code log} (null: none): validation accuracy, training and test accuracy.
     */
    public static SpikeNnRun train(String label, SpikeNnConfig cfg, SpikingSplit split, long seed, boolean gridsearch,
                                   boolean recordStats, Set<ReadoutTrainer.Variant> variants, EpochLog log) {
        return train(label, cfg, split, seed, gridsearch, recordStats, variants, log, RunKey.Library.current());
    }

    private static SpikeNnRun train(String label, SpikeNnConfig cfg, SpikingSplit split, long seed, boolean gridsearch,
                                    boolean recordStats, Set<ReadoutTrainer.Variant> variants, EpochLog log, RunKey.Library library) {
        Stages st = new Stages(label, cfg, split, seed, gridsearch, recordStats, variants, library);
        st.fit(log);
        return st.result();
    }

    /**
     * The stages of one run, in the order every run of this class goes through them ({@link #train},
     * {@link #run}, {@link #kfold}): {@link #trainer()} builds the readout (weights drawn from the
     * seed), {@link #fit} trains it epoch by epoch with validation and test accuracy after each,
     * {@link #result()} assembles the {@link SpikeNnRun} (not stored). Each stage runs the ones
     * before it that have not run and returns its earlier result when called again; the run's wall
     * time is the time spent in the stages. For a notebook that shows one run stage by stage
     * ({@link SpikeNn#stages}, {@code SpikennPaper.Walk}).
     */
    public static final class Stages {
        private final String label;
        private final SpikeNnConfig cfg;
        private final SpikingSplit split;
        private final long seed;
        private final boolean gridsearch, recordStats;
        private final Set<ReadoutTrainer.Variant> variants;
        private final RunKey.Library library;
        private long nanos;
        private ReadoutTrainer trainer;
        private ReadoutTrainer.History history;
        private SpikeNnRun result;

        Stages(String label, SpikeNnConfig cfg, SpikingSplit split, long seed, boolean gridsearch, boolean recordStats,
               Set<ReadoutTrainer.Variant> variants, RunKey.Library library) {
            checkLabel(label);
            this.label = label;
            this.cfg = Objects.requireNonNull(cfg, "cfg");
            this.split = Objects.requireNonNull(split, "split");
            this.seed = seed;
            this.gridsearch = gridsearch;
            this.recordStats = recordStats;
            this.variants = variants == null ? Set.of() : Set.copyOf(variants);
            this.library = Objects.requireNonNull(library, "library");
        }

        public String label() { return label; }

        public SpikeNnConfig config() { return cfg; }

        public SpikingSplit split() { return split; }

        public long seed() { return seed; }

        /** {@code single} or {@code gridsearch}. */
        public String protocol() { return gridsearch ? "gridsearch" : "single"; }

        /** The run's key ({@link SpikeNn#key}): what its file name holds. */
        public String key() { return SpikeNn.key(cfg, split, seed, protocol(), recordStats, ReadoutTrainer.semanticsLabel(variants), library); }

        /** Stage 1: the readout built from the config and the seed (trained in place by {@link #fit}). */
        public ReadoutTrainer trainer() {
            if (trainer != null) return trainer;
            long t0 = System.nanoTime();
            int maxSpikes = Math.max(split.train().maxCount(), Math.max(split.val().maxCount(), split.test().maxCount()));
            trainer = new ReadoutTrainer(cfg, split.inputSize(), split.numClasses(), maxSpikes, seed, recordStats, variants);
            nanos += System.nanoTime() - t0;
            return trainer;
        }

        /** True once {@link #fit} has run. */
        public boolean fitted() { return history != null; }

        /**
         * Stage 2: training, up to the config's epochs (early stopping, the gridsearch abort rule); per
         * epoch the training, validation and test accuracy. One line per epoch (or per few) on {@code log}
         * (null: none).
         */
        public ReadoutTrainer.History fit(EpochLog log) { return fit(log, null); }

        /**
         * {@link #fit(EpochLog)}, telling {@code listener} (null: none) after every epoch its
         * {@code train acc}, {@code val acc} and {@code test acc}; a second call tells nothing. The
         * listener only watches: the history and the run are the same without it.
         */
        public ReadoutTrainer.History fit(EpochLog log, org.spikekit.train.EpochListener listener) {
            if (history != null) return history;
            ReadoutTrainer tr = trainer();
            long t0 = System.nanoTime();
            EpochLog.Run lines = (log == null ? EpochLog.silent() : log).start("spikenn " + label + " seed " + seed, cfg.trainer().epochs());
            history = tr.fit(split, gridsearch, (e, train, val, test) -> {
                lines.epoch(e, Double.NaN, "val acc", val, Double.NaN,
                        String.format(java.util.Locale.ROOT, "train acc %.4f, test acc %.4f", train, test), false);
                if (listener != null) {
                    java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>();
                    metrics.put("train acc", train);
                    metrics.put("val acc", val);
                    metrics.put("test acc", test);
                    listener.epoch(e, metrics);
                }
            });
            nanos += System.nanoTime() - t0;
            return history;
        }

        /** Stage 3: the run (trains first, silently, when {@link #fit} has not run); not stored. */
        public SpikeNnRun result() {
            if (result != null) return result;
            ReadoutTrainer.History h = fit(null);
            String semantics = trainer.semantics();
            result = new SpikeNnRun(key(), label, protocol(), semantics, seed, split.digest(), cfg.toTree(),
                    split.inputSize(), split.numClasses(), new int[] {split.train().size(), split.val().size(), split.test().size()},
                    h.epochs(), h.bestValEpoch(), h.stop(), h.finalTrain(), h.finalVal(), h.finalTest(), h.trainAcc(), h.valAcc(),
                    h.testAcc(), trainer.stats(), nanos * 1e-9, library);
            return result;
        }
    }

    /**
     * The stages of the run {@link #run}{@code (label, cfg, split, seed)} computes when its file is
     * missing: same key, semantics, statistics and library; {@link #record} stores its result where
     * {@code run} and {@link #kfold} read it back.
     */
    public Stages stages(String label, SpikeNnConfig cfg, SpikingSplit split, long seed) {
        return new Stages(label, cfg, split, seed, false, recordStats, variants, library());
    }

    /** Writes {@code run} into the runs folder (as {@link #run} does) and returns it as read back from its file. */
    public SpikeNnRun record(SpikeNnRun run) {
        try {
            Path f = run.write(runsDir);
            log.accept(String.format(java.util.Locale.ROOT, "spikenn: %s seed %d: test %.4f val %.4f after %d epochs (%s, %.1f s), kept in %s",
                    run.label(), run.seed(), run.testAcc(), run.valAcc(), run.epochs(), run.stop(), run.wallTimeS(), f.getFileName()));
            return SpikeNnRun.read(f);
        } catch (IOException e) {
            throw new UncheckedIOException("SpikeNn: cannot write or read back the run file of " + run.label() + " in " + runsDir, e);
        }
    }

    /** {@link #key(SpikeNnConfig, SpikingSplit, long, String, boolean, String)} of a released-semantics run. */
    public static String key(SpikeNnConfig cfg, SpikingSplit split, long seed, String protocol, boolean stats) {
        return key(cfg, split, seed, protocol, stats, ReadoutTrainer.RELEASED);
    }

    /** {@link #key(SpikeNnConfig, SpikingSplit, long, String, boolean, String, RunKey.Library)} of a run by the library this JVM runs. */
    public static String key(SpikeNnConfig cfg, SpikingSplit split, long seed, String protocol, boolean stats, String semantics) {
        return key(cfg, split, seed, protocol, stats, semantics, RunKey.Library.current());
    }

    /**
     * The identity of a run: SHA-256 (first 16 hex digits) of the canonical config JSON, the data
     * digests, the seed, the protocol, whether statistics are recorded, the semantics label (runs
     * made before the label existed had other semantics and keys, so they are run again) and the
     * library's fingerprint (runs of other code, or of a kit before it was part of the key, are run again).
     */
    public static String key(SpikeNnConfig cfg, SpikingSplit split, long seed, String protocol, boolean stats, String semantics,
                             RunKey.Library library) {
        String text = cfg.canonicalJson() + "\n" + split.digest() + "\n" + seed + "\n" + protocol + "\n" + stats
                + "\nsemantics " + semantics + "\nlibrary " + library.classes();
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One run, reused from its file when present (stored otherwise). */
    public SpikeNnRun run(String label, SpikeNnConfig cfg, SpikingSplit split, long seed) {
        return runAll(List.of(new Job(label, cfg, split, seed, false))).get(0);
    }

    /** A run to do. */
    record Job(String label, SpikeNnConfig cfg, SpikingSplit split, long seed, boolean gridsearch) {}

    /**
     * Runs every job whose file is missing or unreadable, on the worker threads, then returns all
     * runs read back from their files, in job order.
     */
    List<SpikeNnRun> runAll(List<Job> jobs) {
        List<Path> files = new ArrayList<>();
        List<Job> todo = new ArrayList<>();
        for (Job j : jobs) {
            checkLabel(j.label());
            String key = key(j.cfg(), j.split(), j.seed(), j.gridsearch() ? "gridsearch" : "single", recordStats, semantics(), library());
            Path f = runsDir.resolve(SpikeNnRun.fileName(j.label(), key));
            files.add(f);
            if (readOrNull(f, key) == null) {
                todo.add(j);
                String why = whyNot(j, key);
                if (why != null) log.accept("spikenn: recomputing " + j.label() + ": " + why);
            }
        }
        log.accept("spikenn: " + (jobs.size() - todo.size()) + " of " + jobs.size() + " runs kept, " + todo.size() + " to run on "
                + Math.min(threads, Math.max(1, todo.size())) + " threads");
        if (!todo.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, todo.size()));
            try {
                List<Future<?>> fs = new ArrayList<>();
                EpochLog lines = EpochLog.to(log);
                for (Job j : todo) {
                    fs.add(pool.submit(() -> {
                        SpikeNnRun r = train(j.label(), j.cfg(), j.split(), j.seed(), j.gridsearch(), recordStats, variants, lines, library());
                        r.write(runsDir);
                        log.accept(String.format(java.util.Locale.ROOT, "spikenn: %s seed %d: test %.4f val %.4f after %d epochs (%s, %.1f s)",
                                j.label(), j.seed(), r.testAcc(), r.valAcc(), r.epochs(), r.stop(), r.wallTimeS()));
                        return null;
                    }));
                }
                for (Future<?> f : fs) f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                boolean ended = Interrupts.stopWorkers(pool, 30);
                throw new TrainingInterruptedException("SpikeNn: " + todo.size() + " readout run(s) on " + Math.min(threads, todo.size())
                        + " threads" + (ended ? " (workers stopped)" : " (some workers still stopping)"), e).note(keptNote());
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof TrainingInterruptedException ti) throw ti.note(keptNote());
                if (c instanceof RuntimeException re) throw re;
                if (c instanceof IOException io) throw new UncheckedIOException("SpikeNn: cannot write a run file in " + runsDir, io);
                throw new IllegalStateException(c);
            } finally {
                pool.shutdownNow();
            }
        }
        List<SpikeNnRun> out = new ArrayList<>();
        for (int k = 0; k < files.size(); k++) {
            SpikeNnRun r = readOrNull(files.get(k), null);
            if (r == null) throw new IllegalStateException("SpikeNn: run file " + files.get(k) + " missing or unreadable after running it");
            out.add(r);
        }
        return out;
    }

    /** What an interrupted {@link #runAll} leaves behind. */
    private String keptNote() {
        return "finished runs are kept in " + runsDir + " (one file each, written whole); the others run on the next call";
    }

    /**
     * Why the newest stored run with {@code job}'s label (another key) does not stand for it: what
     * differs — config, data, seed, protocol, semantics, library; null when no run of that label is stored.
     */
    private String whyNot(Job job, String key) {
        List<Path> same = new ArrayList<>();
        String prefix = job.label() + "-";
        if (!Files.isDirectory(runsDir)) return null;
        try (var ds = Files.newDirectoryStream(runsDir, "*.json")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.substring(prefix.length()).matches("[0-9a-f]{16}\\.json")) same.add(p);
            }
        } catch (IOException e) {
            return null;
        }
        same.sort(java.util.Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                return java.nio.file.attribute.FileTime.fromMillis(0);
            }
        }).thenComparing(Path::toString).reversed());
        for (Path p : same) {
            SpikeNnRun old = readOrNull(p, null);
            if (old == null) continue;
            List<String> out = new ArrayList<>();
            if (!old.parsedConfig().canonicalJson().equals(job.cfg().canonicalJson())) {
                out.add("config differs (" + RunKey.change(old.parsedConfig().canonicalJson(), job.cfg().canonicalJson()) + ")");
            }
            if (!java.util.Objects.equals(old.data(), job.split().digest())) out.add("data changed (" + RunKey.change(old.data(), job.split().digest()) + ")");
            if (old.seed() != job.seed()) out.add("seed " + old.seed() + " → " + job.seed());
            String protocol = job.gridsearch() ? "gridsearch" : "single";
            if (!protocol.equals(old.protocol())) out.add("protocol " + old.protocol() + " → " + protocol);
            if (!java.util.Objects.equals(old.semantics(), semantics())) out.add("semantics " + old.semantics() + " → " + semantics());
            String lib = library().differences(old.library());
            if (lib != null) out.add(lib);
            if (out.isEmpty()) out.add("statistics recorded: " + recordStats);
            return "stored " + p.getFileName() + " has another key, " + key + ": " + String.join("; ", out);
        }
        return null;
    }

    /** The run in {@code f}, or null when it is absent, unreadable, or of another key. */
    private static SpikeNnRun readOrNull(Path f, String key) {
        if (!Files.isRegularFile(f)) return null;
        try {
            SpikeNnRun r = SpikeNnRun.read(f);
            return key == null || r.key().equals(key) ? r : null;
        } catch (IOException | RuntimeException e) {
            return null;                    // a broken file is simply run again
        }
    }

    private static void checkLabel(String label) {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("SpikeNn run label must match " + LABEL.pattern() + ", got '" + label + "'");
        }
    }

    // ---- K-fold ---------------------------------------------------------------------------------

    /**
     * Outcome of {@link #kfold}.
     *
     * @param label label of the config
     * @param folds one run per fold, fold order
     * @param mean  mean of the folds' final test accuracies
     * @param std   population standard deviation of them (numpy default, ddof = 0)
     */
    public record KFold(String label, List<SpikeNnRun> folds, double mean, double std) {
        public KFold {
            folds = List.copyOf(folds);
        }

        /** Final test accuracy per fold. */
        public double[] testAccs() { return folds.stream().mapToDouble(SpikeNnRun::testAcc).toArray(); }
    }

    /**
     * K-fold protocol (notebooks/papers/spikenn.md §5.5, §6): fold k trained with seed k on {@code folds.get(k)};
     * score = mean ± population std of the final test accuracies. Run files are named
     * {@code <label>_fold<k>-<key>.json}.
     */
    public KFold kfold(String label, SpikeNnConfig cfg, List<SpikingSplit> folds) {
        if (folds.isEmpty()) throw new IllegalArgumentException("SpikeNn.kfold: no folds");
        List<Job> jobs = new ArrayList<>();
        for (int k = 0; k < folds.size(); k++) jobs.add(new Job(label + "_fold" + k, cfg, folds.get(k), k, false));
        List<SpikeNnRun> runs = runAll(jobs);
        return aggregate(label, runs);
    }

    /** Mean ± population std over the runs' final test accuracies. */
    public static KFold aggregate(String label, List<SpikeNnRun> runs) {
        double[] a = runs.stream().mapToDouble(SpikeNnRun::testAcc).toArray();
        double[] ms = meanStd(a);
        return new KFold(label, runs, ms[0], ms[1]);
    }

    /** {mean, population std} of {@code v}. */
    public static double[] meanStd(double[] v) {
        if (v.length == 0) return new double[] {Double.NaN, Double.NaN};
        double s = 0;
        for (double x : v) s += x;
        double m = s / v.length, q = 0;
        for (double x : v) q += (x - m) * (x - m);
        return new double[] {m, Math.sqrt(q / v.length)};
    }

    // ---- grid search ----------------------------------------------------------------------------

    /**
     * Outcome of one grid point.
     *
     * @param index position in the grid (cartesian order)
     * @param run   its run
     */
    public record GridPoint(int index, SpikeNnRun run) {}

    /**
     * Grid search (notebooks/papers/spikenn.md §5.6): every config of {@code grid} on {@code split} with
     * {@code seed} (0 in the paper, on the {@code gs/} split), with the gridsearch abort rule. Run
     * files are named {@code <label>_g<index>-<key>.json}. Returns the points ranked by final
     * validation accuracy (descending; ties and NaN by grid index) — the original's
     * {@code get_gs_best.py} ranks by validation accuracy.
     */
    public List<GridPoint> gridsearch(String label, List<SpikeNnConfig> grid, SpikingSplit split, long seed) {
        if (grid.isEmpty()) throw new IllegalArgumentException("SpikeNn.gridsearch: empty grid");
        List<Job> jobs = new ArrayList<>();
        for (int k = 0; k < grid.size(); k++) jobs.add(new Job(label + "_g" + k, grid.get(k), split, seed, true));
        List<SpikeNnRun> runs = runAll(jobs);
        List<GridPoint> pts = new ArrayList<>();
        for (int k = 0; k < runs.size(); k++) pts.add(new GridPoint(k, runs.get(k)));
        pts.sort(Comparator.comparingDouble((GridPoint p) -> Double.isNaN(p.run().valAcc()) ? Double.POSITIVE_INFINITY : -p.run().valAcc())
                .thenComparingInt(GridPoint::index));
        return pts;
    }

    /** Every readable run file in the runs folder (e.g. for tables that merge all runs). */
    public List<SpikeNnRun> storedRuns() {
        List<SpikeNnRun> out = new ArrayList<>();
        if (!Files.isDirectory(runsDir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runsDir, "*.json")) {
            List<Path> ps = new ArrayList<>();
            ds.forEach(ps::add);
            ps.sort(Comparator.naturalOrder());
            for (Path p : ps) {
                SpikeNnRun r = readOrNull(p, null);
                if (r != null) out.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("SpikeNn: cannot list " + runsDir, e);
        }
        return out;
    }
}
