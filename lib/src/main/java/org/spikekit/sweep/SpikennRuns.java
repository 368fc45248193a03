package org.spikekit.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.spikekit.data.RunMode;
import org.spikekit.data.images.ImageData;
import org.spikekit.io.AtomicFiles;
import org.spikekit.paper.SpikeNn;
import org.spikekit.paper.SpikeNnRun;
import org.spikekit.paper.SpikennPaper;
import org.spikekit.report.RunKey;

/**
 * Sweep driver of the SpikeNN paper's K-fold protocol ({@link SpikennPaper}): a run is one fold of
 * one readout config on one data set: {@code model} = the authors' config name (e.g.
 * {@code s2stdp+ncg}), {@code session} = {@code mnist} or {@code fashion-mnist}, {@code seed} = the
 * fold index k (the protocol trains fold k with seed k). Phase 0 extracts each fold's STDP-CSNN
 * features once ({@code model = features}). The readout run is the notebook's own
 * ({@link SpikennPaper#foldRun}, same run file), so notebooks 31–32 find it done; results go to
 * {@code <resultsDir>/spikenn/runs/<mode>} (with overrides: {@code <resultsDir>/spikenn/<overridesTag>/runs/<mode>}).
 * A finished step leaves a small marker ({@code …/sweep/<run>.done}) naming its run file, the
 * library's fingerprint and the data set's file ({@link RunKey}), so checking a sweep needs no
 * features in memory; a step counts as done only while the library and the data file are the same
 * (the run file's own key covers the readout config, the features and the seed). Runs last
 * minutes, so a killed one starts over.
 */
final class SpikennRuns implements PaperRuns {
    static final SpikennRuns INSTANCE = new SpikennRuns();
    static final String FEATURES = "features";

    private static final Map<String, String> KEYS = new LinkedHashMap<>();
    static {
        KEYS.put("folds", "K of the K-fold protocol");
        KEYS.put("trainPerClass", "training images per class (0: all)");
        KEYS.put("testPerClass", "test images per class (0: all)");
        KEYS.put("csnnEpochs", "STDP-CSNN training epochs");
        KEYS.put("readoutEpochs", "cap on the readout's epochs (0: the config's)");
    }

    /** One driver per results folder and settings in this JVM (it caches the folds' features). */
    private static final Map<String, SpikennPaper> DRIVERS = new ConcurrentHashMap<>();

    private SpikennRuns() {}

    @Override public String paper() { return "spikenn"; }

    @Override public Map<String, String> overrideKeys() { return KEYS; }

    static List<String> configs() {
        LinkedHashSet<String> c = new LinkedHashSet<>(SpikennPaper.TABLE1);
        c.addAll(SpikennPaper.ABLATION.values());
        return List.copyOf(c);
    }

    @Override
    public List<RunSpec> kitRuns(RunMode mode) {
        List<RunSpec> out = new ArrayList<>();
        int folds = SpikennPaper.Settings.of(mode).folds();
        for (String d : SpikennPaper.DATASETS) for (String c : configs()) for (int k = 0; k < folds; k++) out.add(new RunSpec(paper(), c, d, k));
        return out;
    }

    @Override
    public void check(RunSpec spec) {
        if (!SpikennPaper.DATASETS.contains(spec.session())) {
            throw new IllegalArgumentException("run " + spec.id() + ": data set '" + spec.session() + "', expected one of " + SpikennPaper.DATASETS);
        }
        SpikennPaper.Settings s = settings(spec, RunMode.QUICK);
        if (!spec.model().equals(FEATURES)) {
            try {
                SpikennPaper.configFolder(spec.session());
                org.spikekit.train.stdp.SpikeNnConfig.resource("STDP-CSNN/" + SpikennPaper.configFolder(spec.session()) + "/" + spec.model() + ".json");
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("run " + spec.id() + ": no SpikeNN config '" + spec.model() + "' for " + spec.session()
                        + " (" + e.getMessage() + "); the kit's configs: " + configs());
            }
        }
        if (spec.seed() >= s.folds()) {
            throw new IllegalArgumentException("run " + spec.id() + ": seed = fold index " + spec.seed() + ", but the protocol has " + s.folds() + " folds");
        }
    }

    static SpikennPaper.Settings settings(RunSpec spec, RunMode mode) {
        Overrides.requireKnown(spec, "SpikeNN", KEYS);
        return Overrides.apply(spec, SpikennPaper.Settings.of(mode), KEYS, Map.of());
    }

    @Override
    public List<RunSpec> prerequisites(RunSpec spec, Sweep sweep) {
        if (spec.model().equals(FEATURES)) return List.of();
        return List.of(new RunSpec(paper(), FEATURES, spec.session(), spec.seed(), spec.overrides()));
    }

    static Path base(RunSpec spec, Context ctx) {
        Path p = ctx.sweep().resultsRoot(ctx.root()).resolve("spikenn");
        return spec.overrides().isEmpty() ? p : p.resolve(spec.overridesTag());
    }

    static Path marker(RunSpec spec, Context ctx) {
        return base(spec, ctx).resolve("sweep").resolve(ctx.mode().id() + "-" + ctx.data().name().toLowerCase(Locale.ROOT)).resolve(spec.id() + ".done");
    }

    private static SpikennPaper driver(RunSpec spec, Context ctx) {
        Path runs = base(spec, ctx).resolve("runs").resolve(ctx.mode().id());
        return DRIVERS.computeIfAbsent(runs + "|" + ctx.data(), k -> {
            int threads = Runtime.getRuntime().availableProcessors();
            return new SpikennPaper(ImageData.at(ctx.root().resolve("data")), ctx.data(), settings(spec, ctx.mode()),
                    ctx.root().resolve("data").resolve("features"), new SpikeNn(runs, threads, true, System.out::println), threads, System.out::println);
        });
    }

    /** What a marker holds besides its first line: the library's fingerprint and the data set's file. */
    private static List<String> stamp(RunSpec spec, Context ctx) {
        return List.of("library " + RunKey.Library.current().classes(),
                "data " + RunKey.dataLine(driver(spec, ctx).images(spec.session()).record()));
    }

    @Override
    public boolean done(RunSpec spec, Context ctx) {
        Path m = marker(spec, ctx);
        if (!Files.isRegularFile(m)) return false;
        try {
            List<String> lines = Files.readAllLines(m);
            if (lines.isEmpty() || !RunKey.Library.current().readable() || !lines.subList(1, lines.size()).equals(stamp(spec, ctx))) return false;
            return spec.model().equals(FEATURES) || Files.isRegularFile(m.getParent().resolve(lines.get(0).strip()).normalize());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String run(RunSpec spec, Context ctx, Progress progress) throws IOException {
        SpikennPaper p = driver(spec, ctx);
        int k = Math.toIntExact(spec.seed());
        Path m = marker(spec, ctx);
        if (spec.model().equals(FEATURES)) {
            progress.epoch("features " + spec.session() + " fold " + k, 0, 1);
            p.fold(spec.session(), k);
            AtomicFiles.writeString(m, "features\n" + String.join("\n", stamp(spec, ctx)) + "\n");
            return "features of " + spec.session() + " fold " + k + " ready";
        }
        progress.epoch("readout " + spec.model(), 0, 1);
        SpikeNnRun r = p.foldRun(spec.session(), spec.model(), k);
        Path file = p.runner().runsDir().resolve(r.fileName());
        AtomicFiles.writeString(m, m.getParent().relativize(file) + "\n" + String.join("\n", stamp(spec, ctx)) + "\n");
        return String.format(Locale.ROOT, "test accuracy %.2f %% after %d epochs (%s)", 100 * r.testAcc(), r.epochs(), r.stop());
    }

    @Override
    public List<String> columns() {
        return List.of("test_acc", "val_acc", "train_acc", "epochs", "best_val_epoch", "stop", "run_key");
    }

    @Override
    public Map<String, String> row(RunSpec spec, Context ctx) throws IOException {
        if (spec.model().equals(FEATURES) || !done(spec, ctx)) return null;
        Path m = marker(spec, ctx);
        SpikeNnRun r = SpikeNnRun.read(m.getParent().resolve(Files.readAllLines(m).get(0).strip()).normalize());
        Map<String, String> row = new LinkedHashMap<>();
        row.put("test_acc", Double.toString(r.testAcc()));
        row.put("val_acc", Double.toString(r.valAcc()));
        row.put("train_acc", Double.toString(r.trainAcc()));
        row.put("epochs", Integer.toString(r.epochs()));
        row.put("best_val_epoch", Integer.toString(r.bestValEpoch()));
        row.put("stop", r.stop().name());
        row.put("run_key", r.key());
        return row;
    }
}
