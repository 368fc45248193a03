package org.spikekit.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.spikekit.compute.Backends;
import org.spikekit.config.Configs;
import org.spikekit.data.RunMode;
import org.spikekit.data.perich.PerichData;
import org.spikekit.data.perich.PerichGenerator;
import org.spikekit.paper.SpikachuPaper;
import org.spikekit.paper.SpikachuRun;

/**
 * Sweep driver of the Spikachu paper's single-session comparison ({@link SpikachuPaper#single}):
 * models {@code spikachu, spikachu-released, mlp, rnn, gru, lstm} and the released baselines
 * {@code mlp-released, rnn-released, gru-released, lstm-released}, sessions by Perich id, any seed.
 * The {@code evalEvery} override applies to the kit's models; the released ones keep the released
 * cadence (every 25 epochs, from epoch 0).
 * Settings are the paper's for the mode ({@link SpikachuPaper.Settings#of}) with the seed and the
 * overrides; results go to {@code <resultsDir>/spikachu} when both are the paper's (the kit sweep:
 * where notebooks 21–22 look) and to {@code <resultsDir>/spikachu/<overridesTag>_seed<k>} otherwise.
 * Each run checkpoints every epoch and resumes from there. The multi-subject and few-shot runs of
 * notebook 23 are one model over all sessions and stay with the notebook.
 */
final class SpikachuRuns implements PaperRuns {
    static final SpikachuRuns INSTANCE = new SpikachuRuns();

    private static final Map<String, String> KEYS = new LinkedHashMap<>();
    static {
        KEYS.put("epochs", "training epochs (Spikachu and baselines)");
        KEYS.put("lr", "LAMB learning rate (Spikachu and baselines)");
        KEYS.put("batch", "training batch size (Spikachu and baselines)");
        KEYS.put("evalEvery", "epochs between checkpoint-selection evaluations");
        KEYS.put("paperSizes", "paper-size models instead of the quick ones (true/false)");
    }

    /** One load of the Perich sessions per data folder, choice and mode in this JVM. */
    private static final Map<String, PerichData> DATA = new ConcurrentHashMap<>();

    private SpikachuRuns() {}

    @Override public String paper() { return "spikachu"; }

    @Override public Map<String, String> overrideKeys() { return KEYS; }

    @Override
    public List<RunSpec> kitRuns(RunMode mode) {
        SpikachuPaper.Settings s = SpikachuPaper.Settings.of(mode);
        List<String> sessions = s.singleSessions().isEmpty() ? PerichGenerator.sessionIds(mode) : s.singleSessions();
        List<RunSpec> out = new ArrayList<>();
        // the released baselines are opt-in in quick mode (SpikachuPaper#releasedExtrasByDefault)
        List<SpikachuPaper.Model> models = new ArrayList<>(List.of(SpikachuPaper.Model.SPIKACHU, SpikachuPaper.Model.SPIKACHU_RELEASED));
        models.addAll(SpikachuPaper.Model.baselines(mode == RunMode.FULL));
        for (String ses : sessions) for (SpikachuPaper.Model m : models) out.add(new RunSpec(paper(), m.label, ses, s.seed()));
        return out;
    }

    static SpikachuPaper.Model model(RunSpec spec) { return Overrides.named(spec, SpikachuPaper.Model::parse, spec.model()); }

    @Override
    public void check(RunSpec spec) {
        model(spec);
        if (!spec.session().matches("[a-z]_[0-9]{8}_[a-z_]+")) {
            throw new IllegalArgumentException("run " + spec.id() + ": session '" + spec.session()
                    + "' is not a Perich session id (<monkey>_<yyyymmdd>_<task>, e.g. c_20150311_center_out_reaching)");
        }
        settings(spec, RunMode.QUICK);
    }

    static SpikachuPaper.Settings settings(RunSpec spec, RunMode mode) {
        SpikachuPaper.Settings d = Configs.override(SpikachuPaper.Settings.of(mode), "seed=" + spec.seed());
        Overrides.requireKnown(spec, "Spikachu", KEYS);
        return Overrides.apply(spec, d, KEYS, FIELDS);
    }

    /** The settings fields a key sets (the others set the field of their name). */
    private static final Map<String, List<String>> FIELDS = Map.of("epochs", List.of("spikachuEpochs", "baselineEpochs"),
            "batch", List.of("spikachuBatch", "baselineBatch"), "lr", List.of("spikachuLr", "baselineLr"));

    @Override
    public List<RunSpec> prerequisites(RunSpec spec, Sweep sweep) { return List.of(); }

    static Path resultsDir(RunSpec spec, Context ctx) {
        Path p = ctx.sweep().resultsRoot(ctx.root()).resolve("spikachu");
        boolean paper = spec.overrides().isEmpty() && spec.seed() == SpikachuPaper.Settings.of(ctx.mode()).seed();
        return paper ? p : p.resolve(spec.overridesTag() + "_seed" + spec.seed());
    }

    private static SpikachuPaper driver(RunSpec spec, Context ctx, boolean computes) {
        Path dataDir = ctx.root().resolve("data");
        PerichData data = DATA.computeIfAbsent(dataDir + "|" + ctx.data() + "|" + ctx.mode(), k -> PerichData.load(dataDir, ctx.data(), ctx.mode()));
        return new SpikachuPaper(data, ctx.data(), ctx.mode(), Backends.get(computes ? ctx.backend() : "cpu"), resultsDir(spec, ctx),
                settings(spec, ctx.mode()), computes ? System.out::println : null);
    }

    @Override
    public boolean done(RunSpec spec, Context ctx) {
        return driver(spec, ctx, false).kept(model(spec), spec.session()) != null;
    }

    @Override
    public String run(RunSpec spec, Context ctx, Progress progress) {
        SpikachuPaper p = driver(spec, ctx, true).withProgress((done, total) -> progress.epoch("train", done, total));
        SpikachuRun r = p.single(model(spec), spec.session());
        return String.format(Locale.ROOT, "test R2 %.4f, %.1f uJ/window, causal leak %.3g", r.r2(), r.joulesPerWindow() * 1e6, r.causalLeak());
    }

    @Override
    public List<String> columns() {
        return List.of("data", "variant", "cadence", "reportable", "epochs", "kept_epoch", "train_windows", "units", "r2", "r2_released_test_py",
                "r2_released_test_ms", "mse", "sign_agreement", "parameters", "macs", "acs", "mean_rate", "j_per_window", "j_per_window_profiled",
                "j_per_step_profiled", "causal_leak", "batch_leak", "backend");
    }

    @Override
    public Map<String, String> row(RunSpec spec, Context ctx) {
        SpikachuRun r = driver(spec, ctx, false).kept(model(spec), spec.session());
        if (r == null) return null;
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data", r.data());
        m.put("variant", r.variant());
        m.put("cadence", r.cadence());
        m.put("reportable", Boolean.toString(r.reportable()));
        m.put("epochs", Integer.toString(r.epochs()));
        m.put("kept_epoch", Integer.toString(r.keptEpoch()));
        m.put("train_windows", Integer.toString(r.trainWindows()));
        m.put("units", Integer.toString(r.units()));
        m.put("r2", Double.toString(r.r2()));
        m.put("r2_released_test_py", Double.toString(r.r2TestPy()));
        m.put("r2_released_test_ms", Double.toString(r.r2TestMs()));
        m.put("mse", Double.toString(r.mse()));
        m.put("sign_agreement", Double.toString(r.signAgreement()));
        m.put("parameters", Long.toString(r.parameters()));
        m.put("macs", Double.toString(r.macs()));
        m.put("acs", Double.toString(r.acs()));
        m.put("mean_rate", Double.toString(r.meanRate()));
        m.put("j_per_window", Double.toString(r.joulesPerWindow()));
        m.put("j_per_window_profiled", Double.toString(r.profiledJoulesPerWindow()));
        m.put("j_per_step_profiled", Double.toString(r.profiledJoulesPerStep()));
        m.put("causal_leak", Double.toString(r.causalLeak()));
        m.put("batch_leak", Double.toString(r.batchLeak()));
        m.put("backend", r.backend());
        return m;
    }
}
