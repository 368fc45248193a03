package org.spikekit.paper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataRecord;
import org.spikekit.data.RunMode;
import org.spikekit.data.Splits;
import org.spikekit.data.images.ImageData;
import org.spikekit.data.images.ImageSet;
import org.spikekit.data.images.TrainTest;
import org.spikekit.data.spiking.SpikingDataset;
import org.spikekit.data.spiking.SpikingSplit;
import org.spikekit.features.CsnnConfig;
import org.spikekit.features.CsnnFeatures;
import org.spikekit.report.RunResult;
import org.spikekit.train.EpochLog;
import org.spikekit.train.stdp.SpikeNnConfig;

/**
 * The SpikeNN paper end to end (Goupy, Tirilly, Bilasco, NeurIPS 2024; {@code notebooks/papers/spikenn.md}):
 * real MNIST / Fashion-MNIST images → STDP-CSNN features re-trained on every fold's training part
 * (extractor seed = fold index, spikenn.md §3.2) → first-spike {@link SpikingDataset}s → readouts trained
 * with the authors' configs ({@code org/spikekit/spikenn/config/STDP-CSNN/<DATASET>/<name>.json})
 * → K-fold mean ± population std of the final test accuracies (spikenn.md §5.5, §6). Table 1 (the six
 * methods) and Table 2 (the ablation) are built from the per-run files of {@link SpikeNn}, so a
 * killed notebook re-runs only the runs that are missing.
 *
 * <p>QUICK mode: a class-balanced subset of the official training set ({@link Settings#trainPerClass}
 * per class) split by {@code StratifiedKFold(K=2, shuffle=False)} (so each fold trains on half
 * and validates on the other half, where the paper trains on 9/10), a class-balanced subset of the
 * official test set, the extractor trained for {@link Settings#csnnEpochs} epochs instead of 100
 * and the readouts capped at {@link Settings#readoutEpochs} epochs (early stopping as configured).
 * Every number is labelled with its mode, folds and sizes. FULL mode: the paper's protocol.
 */
public final class SpikennPaper {
    /** The data sets whose real images are obtainable here (CIFAR-10/100 have stand-ins only). */
    public static final List<String> DATASETS = List.of("mnist", "fashion-mnist");

    /** Table 1's methods in the paper's row order, as config file names. */
    public static final List<String> TABLE1 = List.of("rstdp-5n", "rstdp-20n", "sstdp", "sstdp+ncg", "s2stdp", "s2stdp+ncg");

    /** Table 2's rows (the original's README, "5.3 Ablation study"; notebooks/papers/spikenn.md §5.6) → config file names. */
    public static final Map<String, String> ABLATION;
    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("M-1", "s2stdp");
        m.put("M-5", "s2stdp+ncg-no-cr-no-nt");
        m.put("M-5+CR-1", "s2stdp+ncg-cr-1-thr-no-nt");
        m.put("M-5+CR-2", "s2stdp+ncg-no-nt");
        m.put("M-5+CR-1+L", "s2stdp+ncg-cr-1-thr");
        m.put("M-5+CR-2+L", "s2stdp+ncg");
        m.put("M-5+Drop+L", "s2stdp+ncg-cr-drop");
        ABLATION = java.util.Collections.unmodifiableMap(m);
    }

    /** Display names of Table 1's methods. */
    public static String methodName(String config) {
        return switch (config) {
            case "rstdp-5n" -> "R-STDP (5 neurons/class)";
            case "rstdp-20n" -> "R-STDP (20 neurons/class)";
            case "sstdp" -> "SSTDP";
            case "sstdp+ncg" -> "SSTDP+NCG";
            case "s2stdp" -> "S2-STDP";
            case "s2stdp+ncg" -> "S2-STDP+NCG";
            default -> config;
        };
    }

    /** The config folder name of a data set. */
    public static String configFolder(String dataset) {
        return switch (dataset) {
            case "mnist" -> "MNIST";
            case "fashion-mnist" -> "F-MNIST";
            default -> throw new IllegalArgumentException("no SpikeNN configs for data set '" + dataset + "'; expected one of " + DATASETS);
        };
    }

    /**
     * How much of the protocol runs.
     *
     * @param mode the run mode the protocol is sized for: it picks the size of the image data
     *     loaded (the full data sets or their QUICK stand-ins) and labels every number
     * @param folds          K of the stratified K-fold (paper: 10)
     * @param trainPerClass  training images per class taken from the official training set (0: all)
     * @param testPerClass   test images per class from the official test set (0: all)
     * @param csnnEpochs     STDP-CSNN training epochs (paper: 100)
     * @param readoutEpochs  cap on the readout's epochs (0: the config's, i.e. 100)
     */
    public record Settings(RunMode mode, int folds, int trainPerClass, int testPerClass, int csnnEpochs, int readoutEpochs) {
        public Settings {
            Objects.requireNonNull(mode, "mode");
            if (folds < 2) throw new IllegalArgumentException("SpikennPaper.Settings.folds must be >= 2, got " + folds);
            if (trainPerClass < 0 || testPerClass < 0 || csnnEpochs < 1 || readoutEpochs < 0) {
                throw new IllegalArgumentException("SpikennPaper.Settings: sizes and epochs must be >= 0 (csnnEpochs >= 1), got " + this);
            }
        }

        public static Settings of(RunMode mode) {
            return mode == RunMode.FULL ? new Settings(mode, 10, 0, 0, 100, 0) : new Settings(mode, 2, 300, 100, 5, 20);
        }

        /** A label that goes with every number this protocol produces. */
        public String label() {
            return String.format(Locale.ROOT, "%s: %d-fold, train %s/class, test %s/class, CSNN %d epochs, readout %s epochs",
                    mode.id(), folds, trainPerClass == 0 ? "all" : Integer.toString(trainPerClass),
                    testPerClass == 0 ? "all" : Integer.toString(testPerClass), csnnEpochs,
                    readoutEpochs == 0 ? "config (100)" : "<= " + readoutEpochs);
        }
    }

    private final ImageData images;
    private final DataChoice choice;
    private final Settings settings;
    private final Path featuresRoot;
    private final SpikeNn runner;
    private final int threads;
    private final Consumer<String> log;
    private final Map<String, TrainTest> loaded = new LinkedHashMap<>();
    private final Map<String, SpikingSplit> foldCache = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<DataRecord> used = new ArrayList<>();
    private final Map<String, java.util.function.UnaryOperator<SpikeNnConfig>> edits = new LinkedHashMap<>();

    /**
     * @param featuresRoot cache of extracted features ({@code data/features}); null: none
     * @param runner       the readout runner (its run files live in {@code results/spikenn/runs/<mode>})
     */
    public SpikennPaper(ImageData images, DataChoice choice, Settings settings, Path featuresRoot, SpikeNn runner, int threads,
                        Consumer<String> log) {
        this.images = Objects.requireNonNull(images, "images");
        this.choice = Objects.requireNonNull(choice, "choice");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.featuresRoot = featuresRoot;
        this.runner = Objects.requireNonNull(runner, "runner");
        this.threads = Math.max(1, threads);
        this.log = log == null ? s -> {} : log;
    }

    /** The paper for a notebook: its data choice and mode; run files in {@code results/spikenn/runs/<mode>}. */
    public static SpikennPaper of(org.spikekit.report.Notebook nb) {
        int threads = Runtime.getRuntime().availableProcessors();
        SpikeNn runner = new SpikeNn(nb.resultsDir().resolve("runs").resolve(nb.mode().id()), threads, true, nb.log());
        return new SpikennPaper(ImageData.at(nb.dataDir()), nb.data(), Settings.of(nb.mode()), nb.dataDir().resolve("features"),
                runner, threads, nb.log());
    }

    public Settings settings() { return settings; }

    public SpikeNn runner() { return runner; }

    /** Data files read so far (for provenance). */
    public List<DataRecord> dataRecords() { return List.copyOf(used); }

    /** Records every data file read so far in the notebook's provenance. */
    public void recordData(org.spikekit.report.Notebook nb) {
        for (DataRecord r : used) nb.dataFile(r);
    }

    /** The images of {@code dataset}, reduced to the settings' class-balanced subsets. */
    public TrainTest images(String dataset) {
        configFolder(dataset);
        return loaded.computeIfAbsent(dataset, d -> {
            TrainTest tt = images.load(d, choice, settings.mode());
            used.add(tt.record());
            ImageSet tr = tt.train(), te = tt.test();
            if (settings.trainPerClass() > 0) tr = tr.subset(Splits.balancedSubset(tr.labels(), settings.trainPerClass()), "train");
            if (settings.testPerClass() > 0) te = te.subset(Splits.balancedSubset(te.labels(), settings.testPerClass()), "test");
            log.accept(String.format(Locale.ROOT, "%s: %d train / %d test images (%s)", d, tr.n(), te.n(), tt.record().source()));
            return new TrainTest(tr, te, tt.record());
        });
    }

    /** The STDP-CSNN config of {@code dataset} with the settings' epochs. */
    public CsnnConfig csnn(String dataset) {
        return CsnnConfig.forDataset(dataset).withEpochs(settings.csnnEpochs());
    }

    /**
     * The K folds of {@code dataset} as spiking splits: fold k trains the extractor on its training
     * part with seed k, then encodes train / val / test (cached in {@code data/features}).
     */
    public List<SpikingSplit> folds(String dataset) {
        List<SpikingSplit> out = new ArrayList<>();
        for (int k = 0; k < settings.folds(); k++) out.add(fold(dataset, k));
        return List.copyOf(out);
    }

    /**
     * Fold {@code k} of the K-fold protocol on {@code dataset}: STDP-CSNN trained on the fold's
     * training part with seed k, features of its train/val/test extracted (cached in
     * {@code data/features/}), as first-spike datasets.
     */
    public SpikingSplit fold(String dataset, int k) {
        if (k < 0 || k >= settings.folds()) throw new IllegalArgumentException("fold " + k + " of a " + settings.folds() + "-fold protocol");
        return foldCache.computeIfAbsent(dataset + "|" + k, key -> {
            TrainTest tt = images(dataset);
            List<Splits.Split> parts = Splits.stratifiedKFold(tt.train().labels(), settings.folds());
            int[] classes = IntStream.range(0, tt.train().classNames().size()).toArray();
            CsnnFeatures.SplitFeatures f = CsnnFeatures.extract(tt, "kfold" + settings.folds() + "-" + k, parts.get(k), csnn(dataset), k,
                    featuresRoot, threads, EpochLog.to(log));
            log.accept(String.format(Locale.ROOT, "%s fold %d: %d features, %s in %.1f s", dataset, k, f.train().d(),
                    f.cached() ? "read from the cache" : "extractor trained and features extracted", f.seconds()));
            return spiking(f, classes);
        });
    }

    /**
     * Fold {@code k} of config {@code configName} on {@code dataset}, the unit a sweep runs: the same
     * run (and run file, {@code <dataset>_<config>_fold<k>-<key>.json}) as fold k of {@link #kfold(String, String)}.
     */
    public SpikeNnRun foldRun(String dataset, String configName, int k) {
        return runner.run(dataset + "_" + configName + "_fold" + k, config(dataset, configName), fold(dataset, k), k);
    }

    /**
     * Fold {@code k} of config {@code configName} on {@code dataset}, to be walked stage by stage
     * ({@link Walk}): the run {@link #foldRun} and fold k of {@link #kfold} compute, with the same
     * label, config, split, seed and key. Nothing runs until a stage is called; a stored run is not
     * read (the walk trains, and {@link Walk#record()} writes the run file the sweep then keeps).
     */
    public Walk walk(String dataset, String configName, int k) {
        configFolder(dataset);
        if (k < 0 || k >= settings.folds()) throw new IllegalArgumentException("fold " + k + " of a " + settings.folds() + "-fold protocol");
        return new Walk(dataset, configName, k, config(dataset, configName));
    }

    /** Test samples whose output spikes {@link Evaluated#outputs} shows. */
    public static final int TRACE_SAMPLES = 8;

    /**
     * The test-mode forward passes of the first test samples after training: per sample its true
     * and predicted class, the winning neuron and every output neuron's first spike time.
     *
     * @param perClass neurons per class M (neuron i belongs to class i / M)
     * @param ntNeurons the non-target-labelled neurons per group (in-group indices below it)
     * @param tMax     the time of a neuron that did not fire
     * @param times    {@code [samples][neurons]} first spike times ({@code tMax}: did not fire)
     */
    public record Outputs(int perClass, int ntNeurons, float tMax, int[] samples, int[] labels, int[] predicted, int[] winners,
                          float[][] times) {}

    /**
     * What a trained readout gives on the test split.
     *
     * @param scores    the run ({@link Walk#record()} writes it)
     * @param confusion {@code [true][predicted]} counts over the test split (decision rule as scored)
     * @param outputs   the output spikes of the first {@link #TRACE_SAMPLES} test samples
     */
    public record Evaluated(SpikeNnRun scores, int[][] confusion, Outputs outputs) {
        /** Per class: the fraction of its test samples predicted as it (NaN for a class without samples). */
        public double[] classAccuracy() {
            double[] a = new double[confusion.length];
            for (int c = 0; c < a.length; c++) {
                int n = 0;
                for (int v : confusion[c]) n += v;
                a[c] = n == 0 ? Double.NaN : confusion[c][c] / (double) n;
            }
            return a;
        }
    }

    /**
     * One fold of one config walked stage by stage: {@link #data()} (the fold's first-spike
     * features), {@link #config()}, {@link #trainer()} (the readout built from the seed),
     * {@link #train()} (epoch by epoch), {@link #evaluate()} (the run, a confusion matrix, output
     * spikes), {@link #record()} (the run file). Each stage runs the ones before it that have not run
     * and returns its earlier result when called again. Training goes through the same
     * {@link SpikeNn.Stages} as every run of the sweep, so the recorded run is the one
     * {@link #kfold} would compute, bit for bit, and the sweep keeps it.
     */
    public final class Walk {
        private final String dataset, configName;
        private final int fold;
        private final SpikeNnConfig cfg;
        private SpikeNn.Stages stages;
        private Evaluated evaluated;
        private SpikeNnRun run;

        private Walk(String dataset, String configName, int fold, SpikeNnConfig cfg) {
            this.dataset = dataset;
            this.configName = configName;
            this.fold = fold;
            this.cfg = cfg;
        }

        public String dataset() { return dataset; }

        public String configName() { return configName; }

        public int fold() { return fold; }

        /** The run's label, as fold {@code k} of the K-fold sweep names it. */
        public String label() { return dataset + "_" + configName + "_fold" + fold; }

        /** The readout config (edits and epoch cap applied). */
        public SpikeNnConfig config() { return cfg; }

        /** Stage 1: the fold's first-spike features (extractor trained with seed = fold, or read from the cache). */
        public SpikingSplit data() { return SpikennPaper.this.fold(dataset, fold); }

        private SpikeNn.Stages stages() {
            if (stages == null) stages = runner.stages(label(), cfg, data(), fold);
            return stages;
        }

        /** The run's key (what its file name holds). */
        public String key() { return stages().key(); }

        /** Stage 2: the readout built from the config, seeded with the fold index (trained in place by {@link #train()}). */
        public org.spikekit.train.stdp.ReadoutTrainer trainer() { return stages().trainer(); }

        /** Stage 3: training; per epoch the training, validation and test accuracy, why it stopped. */
        public org.spikekit.train.stdp.ReadoutTrainer.History train() { return train(null); }

        /**
         * {@link #train()}, telling {@code listener} (null: none) after every epoch its {@code train acc},
         * {@code val acc} and {@code test acc}; a second call tells nothing. The listener is not
         * configuration: the history, the run and its key are the same without it.
         */
        public org.spikekit.train.stdp.ReadoutTrainer.History train(org.spikekit.train.EpochListener listener) {
            return stages().fit(EpochLog.to(log), listener);
        }

        /** Stage 4: the run's scores, the test confusion matrix and the first test samples' output spikes. */
        public Evaluated evaluate() {
            if (evaluated != null) return evaluated;
            train();
            SpikeNnRun scores = stages().result();
            var tr = trainer();
            SpikingDataset test = data().test();
            int classes = test.numClasses();
            int[][] conf = new int[classes][classes];
            for (int s = 0; s < test.size(); s++) conf[test.label(s)][tr.predict(test, s)]++;
            int n = tr.thresholds().length, m = Math.min(TRACE_SAMPLES, test.size());
            int[] samples = new int[m], labels = new int[m], pred = new int[m], win = new int[m];
            float[][] times = new float[m][];
            var out = new org.spikekit.neuron.SingleSpikeLayer.Output(n);
            for (int s = 0; s < m; s++) {
                samples[s] = s;
                labels[s] = test.label(s);
                win[s] = tr.evaluate(test, s, out);
                pred[s] = tr.classOf(win[s]);
                times[s] = out.times.clone();
            }
            evaluated = new Evaluated(scores, conf, new Outputs(tr.perClass(), cfg.trainer().ntNeurons(), tr.layer().tMax(), samples, labels,
                    pred, win, times));
            return evaluated;
        }

        /** Stage 5: writes the run file that {@link #foldRun} and {@link #kfold} keep; the run as read back. */
        public SpikeNnRun record() {
            if (run != null) return run;
            run = runner.record(evaluate().scores());
            return run;
        }
    }

    /** First-spike datasets of a split's features (max_time 1, classes fixed so every split maps labels alike). */
    private static SpikingSplit spiking(CsnnFeatures.SplitFeatures f, int[] classes) {
        return new SpikingSplit(spiking(f.train(), classes), spiking(f.val(), classes), spiking(f.test(), classes));
    }

    private static SpikingDataset spiking(CsnnFeatures.FeatureSet f, int[] classes) {
        return SpikingDataset.fromDense(f.x(), f.n(), f.d(), f.y(), 1f, classes);
    }

    /**
     * The authors' config {@code name} for {@code dataset}, edited by {@link #withConfig} when an edit
     * is set for it, with the settings' epoch cap.
     */
    public SpikeNnConfig config(String dataset, String name) {
        SpikeNnConfig c = SpikeNnConfig.resource("STDP-CSNN/" + configFolder(dataset) + "/" + name + ".json");
        var edit = edits.get(name);
        if (edit != null) {
            c = edit.apply(c);
            if (c == null) throw new IllegalArgumentException("SpikennPaper.withConfig(\"" + name + "\"): the edit returned null; return the config");
        }
        return capEpochs(c, settings.readoutEpochs());
    }

    /**
     * Edits config {@code name} (of every data set) wherever this paper uses it — walks, Table 1,
     * the ablation, Fig. 2 — e.g. {@code withConfig("s2stdp+ncg", c -> Configs.override(c, "network.nNeurons=100"))}
     * for 10 neurons per class. The config is part of every run's key, so runs stored with another
     * config are not reused for it (the log says what differs). Replaces an earlier edit of that name; returns this.
     */
    public SpikennPaper withConfig(String name, java.util.function.UnaryOperator<SpikeNnConfig> edit) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(edit, "edit");
        for (String d : DATASETS) SpikeNnConfig.resource("STDP-CSNN/" + configFolder(d) + "/" + name + ".json");
        edits.put(name, edit);
        return this;
    }

    static SpikeNnConfig capEpochs(SpikeNnConfig c, int cap) {
        if (cap <= 0 || c.trainer().epochs() <= cap) return c;
        SpikeNnConfig.Trainer t = c.trainer();
        return new SpikeNnConfig(c.network(), c.optimizer(), c.regularizer(),
                new SpikeNnConfig.Trainer(cap, t.earlyStopping(), t.ntNeurons(), t.dropoutIn(), t.dropoutOut(), t.gridsearchStopAcc()));
    }

    /** One method on one data set, K-fold. */
    public SpikeNn.KFold kfold(String dataset, String configName) {
        return kfold(dataset, configName, config(dataset, configName));
    }

    /** A given config on one data set, K-fold; runs are labelled {@code <dataset>_<label>}. */
    public SpikeNn.KFold kfold(String dataset, String label, SpikeNnConfig cfg) {
        List<SpikingSplit> f = folds(dataset);
        SpikeNn.KFold r = runner.kfold(dataset + "_" + label, cfg, f);
        log.accept(String.format(Locale.ROOT, "%s %s: test accuracy %.2f ± %.2f %% over %d folds", dataset, label, 100 * r.mean(), 100 * r.std(),
                r.folds().size()));
        return r;
    }

    /** One row of a results table. */
    public record Row(String dataset, String method, String config, int neurons, SpikeNn.KFold result) {
        /**
         * Each fold's run in the common shape ({@link SpikeNnRun#runResult()}), with the method as
         * model and {@code <dataset> fold <k>} as data set, in fold order.
         */
        public List<RunResult> runResults() {
            List<RunResult> out = new ArrayList<>();
            for (SpikeNnRun run : result.folds()) out.add(run.runResult(method, dataset + " fold " + out.size()));
            return out;
        }
    }

    /** Every fold run behind {@code rows} in the common shape ({@link Row#runResults}), row by row. */
    public static List<RunResult> runResults(List<Row> rows) {
        List<RunResult> out = new ArrayList<>();
        for (Row r : rows) out.addAll(r.runResults());
        return out;
    }

    /** Table 1 on {@code datasets}: every method of {@link #TABLE1}. */
    public List<Row> table1(List<String> datasets) {
        List<Row> rows = new ArrayList<>();
        for (String d : datasets) {
            for (String c : TABLE1) {
                SpikeNnConfig cfg = config(d, c);
                rows.add(new Row(d, methodName(c), c, cfg.network().nNeurons(), kfold(d, c, cfg)));
            }
        }
        return rows;
    }

    /** Table 2 (ablation, S2-STDP) on {@code datasets}. */
    public List<Row> ablation(List<String> datasets) {
        List<Row> rows = new ArrayList<>();
        for (String d : datasets) {
            for (var e : ABLATION.entrySet()) {
                SpikeNnConfig cfg = config(d, e.getValue());
                rows.add(new Row(d, e.getKey(), e.getValue(), cfg.network().nNeurons(), kfold(d, e.getValue(), cfg)));
            }
        }
        return rows;
    }

    /**
     * The two runs of the paper's Fig. 2: S2-STDP+NCG with (CR-2) and without competition
     * regulation, both with the non-target-labelled neuron, on fold 0 of {@code dataset}
     * (the paper used CIFAR-10; here the data sets available), with per-epoch statistics. The CR-2
     * run is Table 1's fold-0 run (same label, config, split and seed as {@link #kfold}), read back
     * from its file when notebook 31 has run.
     */
    public Map<String, SpikeNnRun> competitionRuns(String dataset) {
        SpikeNnConfig with = config(dataset, "s2stdp+ncg");
        SpikeNnConfig without = new SpikeNnConfig(with.network(), with.optimizer(), null, with.trainer());
        SpikingSplit fold0 = folds(dataset).get(0);
        Map<String, SpikeNnRun> m = new LinkedHashMap<>();
        m.put("without CR", runner.run(dataset + "_s2stdp+ncg-no-cr_fold0", without, fold0, 0));
        m.put("with CR-2", runner.run(dataset + "_s2stdp+ncg_fold0", with, fold0, 0));
        return m;
    }

    /**
     * One fold at full scale, outside the notebooks: {@code java -cp ... org.spikekit.paper.SpikennPaper
     * <mnist|fashion-mnist> <config[,config...]> [fold=0] [readout epoch cap, 0 = the config's]}.
     * Uses the whole official training/test sets, 10-fold split, STDP-CSNN trained 100 epochs (seed =
     * fold), features cached in {@code data/features}; prints one line per config. Data folder:
     * {@code $SPIKEKIT_HOME/data}, else {@code ./data}.
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: SpikennPaper <mnist|fashion-mnist> <config[,config...]> [fold=0] [readoutEpochCap=0]");
            System.exit(2);
        }
        String dataset = args[0];
        int fold = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int cap = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        String home = System.getenv("SPIKEKIT_HOME");
        Path data = Path.of(home == null || home.isBlank() ? "." : home).resolve("data");
        int threads = Runtime.getRuntime().availableProcessors();
        TrainTest tt = ImageData.at(data).load(dataset, DataChoice.AUTO, RunMode.FULL);
        CsnnFeatures.SplitFeatures f = CsnnFeatures.kfold(tt, fold, CsnnConfig.forDataset(dataset), data.resolve("features"), threads);
        System.out.printf(Locale.ROOT, "%s fold %d (%s): %d/%d/%d samples, features %s in %.1f s%n", dataset, fold, tt.record().source(),
                f.train().n(), f.val().n(), f.test().n(), f.cached() ? "read from the cache" : "extracted", f.seconds());
        int[] classes = IntStream.range(0, tt.train().classNames().size()).toArray();
        SpikingSplit split = spiking(f, classes);
        for (String name : args[1].split(",")) {
            SpikeNnConfig cfg = capEpochs(SpikeNnConfig.resource("STDP-CSNN/" + configFolder(dataset) + "/" + name + ".json"), cap);
            long t0 = System.nanoTime();
            SpikeNnRun r = SpikeNn.train(dataset + "_" + name + "_fold" + fold, cfg, split, fold, false, false);
            System.out.printf(Locale.ROOT, "%s %s fold %d: test %.4f, val %.4f after %d epochs (best val epoch %d, %s), %.1f s%n",
                    dataset, name, fold, r.testAcc(), r.valAcc(), r.epochs(), r.bestValEpoch(), r.stop(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
