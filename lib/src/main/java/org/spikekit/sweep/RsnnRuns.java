package org.spikekit.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.spikekit.compute.Backends;
import org.spikekit.config.Configs;
import org.spikekit.data.RunMode;
import org.spikekit.data.reaching.ODohertyData;
import org.spikekit.model.Rsnn;
import org.spikekit.paper.RsnnPaper;
import org.spikekit.paper.RsnnRun;
import org.spikekit.paper.RsnnTables;

/**
 * Sweep driver of the RSNN paper ({@link RsnnPaper}): models {@code tinyRSNN, bigRSNN, SNN2, SNN3},
 * sessions {@code I1 … L3} (or their file names), any seed. tinyRSNN/bigRSNN runs with pretraining
 * need {@code pretrain-<monkey>} (same model, seed and overrides) in phase 0. Results go to
 * {@code <resultsDir>/rsnn} (no overrides) or {@code <resultsDir>/rsnn/<overridesTag>}, i.e. for the
 * kit sweep exactly where notebooks 11–13 look. Settings are the paper's for the mode
 * ({@link RsnnPaper.Settings#of}) with the overrides applied ({@code Configs.override});
 * {@code model.<path>=value} overrides edit tinyRSNN/bigRSNN's {@code Rsnn.Config} the same way
 * ({@link RsnnPaper#withRsnnConfig}), so e.g. {@code --set model.hidden=128} sweeps a wider network
 * whose runs are keyed, and stored, apart from the paper's.
 */
final class RsnnRuns implements PaperRuns {
    static final RsnnRuns INSTANCE = new RsnnRuns();
    static final String PRETRAIN = "pretrain-";

    /** Prefix of the overrides that edit the tinyRSNN / bigRSNN model configuration. */
    static final String MODEL = "model.";

    private static final Map<String, String> KEYS = new LinkedHashMap<>();
    static {
        KEYS.put("pretrain", "pretraining epochs (0: none)");
        KEYS.put("pretrainTMax", "cosine T_max of pretraining");
        KEYS.put("finetune", "fine-tuning (baselines: training) epochs");
        KEYS.put("finetuneTMax", "cosine T_max of fine-tuning");
        KEYS.put("prune", "retraining epochs per pruning trial (0: no pruning)");
        KEYS.put("fp16", "float16 export and evaluation (true/false)");
        KEYS.put("batch", "samples per batch");
        KEYS.put("extend", "the released five overlapping tilings (true/false)");
        KEYS.put("paperText", "the text's split and 10 Hz bound instead of the released code's (true/false)");
        KEYS.put("lr", "initial learning rate of every stage");
        KEYS.put("context", "history steps in front of every sample, trained as burn-in (SNN3 only; default 49 for SNN3, else 0)");
        KEYS.put(MODEL + "<path>", "a field of tinyRSNN/bigRSNN's Rsnn.Config by dotted path, e.g. model.hidden=128, model.lif.tauMemS=0.03"
                + " (Configs.override; part of every run key)");
    }

    /** The settings fields a key sets, where its name is not the field's. */
    private static final Map<String, List<String>> FIELDS = Map.of("prune", List.of("pruneEpochs"), "batch", List.of("batchSize"));

    private RsnnRuns() {}

    @Override public String paper() { return "rsnn"; }

    @Override public Map<String, String> overrideKeys() { return KEYS; }

    @Override
    public List<RunSpec> kitRuns(RunMode mode) {
        List<RunSpec> out = new ArrayList<>();
        for (RsnnPaper.Model m : List.of(RsnnPaper.Model.TINY, RsnnPaper.Model.BIG, RsnnPaper.Model.SNN2, RsnnPaper.Model.SNN3)) {
            for (long seed : RsnnPaper.Settings.of(m, mode).seeds()) {
                for (String s : RsnnTables.SESSIONS) out.add(new RunSpec(paper(), m.label, s, seed));
            }
        }
        return out;
    }

    static RsnnPaper.Model model(RunSpec spec) { return Overrides.named(spec, RsnnPaper.Model::parse, spec.model()); }

    @Override
    public void check(RunSpec spec) {
        RsnnPaper.Model m = model(spec);
        if (spec.session().startsWith(PRETRAIN)) {
            String monkey = spec.session().substring(PRETRAIN.length());
            if (!ODohertyData.MONKEYS.contains(monkey)) {
                throw new IllegalArgumentException("run " + spec.id() + ": no monkey '" + monkey + "', expected one of " + ODohertyData.MONKEYS);
            }
            if (m != RsnnPaper.Model.TINY && m != RsnnPaper.Model.BIG) {
                throw new IllegalArgumentException("run " + spec.id() + ": pretraining is for tinyRSNN/bigRSNN, not " + m.label);
            }
        } else {
            try {
                RsnnPaper.label(RsnnPaper.session(spec.session()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("run " + spec.id() + ": session " + e.getMessage() + " or a label " + RsnnTables.SESSIONS);
            }
        }
        settings(spec, null);
    }

    /**
     * The paper's settings of the spec's model and mode with its overrides. Seeds: the paper's list
     * when it holds the spec's seed, else the seeds the sweep gives this model with these overrides
     * (the first seed writes the decoded trace).
     */
    static RsnnPaper.Settings settings(RunSpec spec, Sweep sweep) {
        RsnnPaper.Model m = model(spec);
        RunMode mode = sweep == null ? RunMode.QUICK : sweep.runMode();
        RsnnPaper.Settings d = RsnnPaper.Settings.of(m, mode);
        Overrides.requireKnown(spec, "RSNN", KEYS, MODEL);
        boolean rsnn = m == RsnnPaper.Model.TINY || m == RsnnPaper.Model.BIG;
        List<String> edits = modelEdits(spec);
        if (!edits.isEmpty()) {
            if (!rsnn) {
                throw new IllegalArgumentException("run " + spec.id() + " (overrides " + spec.overridesText() + "): " + MODEL
                        + "* overrides edit tinyRSNN/bigRSNN's Rsnn.Config, not " + m.label);
            }
            try {
                Configs.override(RsnnPaper.Model.TINY == m ? Rsnn.Config.tiny(96) : Rsnn.Config.big(96), edits);
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException("run " + spec.id() + " (overrides " + spec.overridesText() + "): " + x.getMessage(), x);
            }
        }
        RsnnPaper.Settings o = Overrides.apply(spec, d, KEYS, FIELDS);
        if (o.context() > 0 && rsnn) {
            throw new IllegalArgumentException("run " + spec.id() + " (overrides " + spec.overridesText() + "): context " + o.context()
                    + " is for the window-based baseline SNN3 (and SNN2), not " + m.label);
        }
        List<Long> seeds = d.seeds();
        if (!seeds.contains(spec.seed())) {
            TreeSet<Long> s = new TreeSet<>();
            s.add(spec.seed());
            if (sweep != null) {
                for (RunSpec r : sweep.runs()) {
                    if (r.paper().equals(spec.paper()) && model(r) == m && r.overrides().equals(spec.overrides())) s.add(r.seed());
                }
            }
            seeds = List.copyOf(s);
        }
        return o.withSeeds(seeds);
    }

    /** The spec's {@code model.<path>=value} overrides as {@code <path>=value} assignments for {@link Configs#override}. */
    static List<String> modelEdits(RunSpec spec) {
        List<String> out = new ArrayList<>();
        spec.overrides().forEach((k, v) -> {
            if (k.startsWith(MODEL)) out.add(k.substring(MODEL.length()) + "=" + v);
        });
        return out;
    }

    @Override
    public List<RunSpec> prerequisites(RunSpec spec, Sweep sweep) {
        RsnnPaper.Model m = model(spec);
        if (spec.session().startsWith(PRETRAIN) || (m != RsnnPaper.Model.TINY && m != RsnnPaper.Model.BIG)) return List.of();
        if (settings(spec, sweep).pretrain() == 0) return List.of();
        String monkey = RsnnPaper.session(spec.session()).substring(0, 4);
        return List.of(new RunSpec(paper(), spec.model(), PRETRAIN + monkey, spec.seed(), spec.overrides()));
    }

    static Path resultsDir(RunSpec spec, Context ctx) {
        Path p = ctx.sweep().resultsRoot(ctx.root()).resolve("rsnn");
        return spec.overrides().isEmpty() ? p : p.resolve(spec.overridesTag());
    }

    /** The paper's driver; only a run computes, so only a run starts the sweep's backend (a login node may have no GPU). */
    static RsnnPaper driver(RunSpec spec, Context ctx, java.util.function.Consumer<String> log, boolean computes) {
        RsnnPaper p = new RsnnPaper(ODohertyData.at(ctx.root().resolve("data")), ctx.data(), ctx.mode(), Backends.get(computes ? ctx.backend() : "cpu"),
                resultsDir(spec, ctx), log);
        List<String> edits = modelEdits(spec);
        return edits.isEmpty() ? p : p.withRsnnConfig(c -> Configs.override(c, edits));
    }

    @Override
    public boolean done(RunSpec spec, Context ctx) {
        RsnnPaper.Settings s = settings(spec, ctx.sweep());
        RsnnPaper p = driver(spec, ctx, x -> {}, false);
        if (spec.session().startsWith(PRETRAIN)) {
            return Files.exists(p.pretrainedFile(model(spec), spec.session().substring(PRETRAIN.length()), spec.seed(), s));
        }
        return p.kept(model(spec), spec.session(), spec.seed(), s) != null;
    }

    @Override
    public String run(RunSpec spec, Context ctx, Progress progress) {
        RsnnPaper.Settings s = settings(spec, ctx.sweep());
        RsnnPaper p = driver(spec, ctx, System.out::println, true).withProgress(progress::epoch);
        RsnnPaper.Model m = model(spec);
        if (spec.session().startsWith(PRETRAIN)) {
            String monkey = spec.session().substring(PRETRAIN.length());
            p.pretrained(m, monkey, spec.seed(), s);
            return "pretrained " + m.label + " " + monkey + " seed " + spec.seed();
        }
        RsnnRun r = p.run(m, spec.session(), spec.seed(), s);
        return String.format(Locale.ROOT, "test R2 %.4f, act. sparsity %.4f, conn. sparsity %.3f", r.r2(), r.actSparsity(), r.connSparsity());
    }

    @Override
    public List<String> columns() {
        return List.of("data", "variant", "stages", "r2", "r2x", "r2y", "footprint_bytes", "conn_sparsity", "act_sparsity",
                "dense_synops", "eff_macs", "eff_acs", "backend");
    }

    @Override
    public Map<String, String> row(RunSpec spec, Context ctx) throws IOException {
        if (spec.session().startsWith(PRETRAIN)) return null;
        RsnnRun r = driver(spec, ctx, x -> {}, false).kept(model(spec), spec.session(), spec.seed(), settings(spec, ctx.sweep()));
        if (r == null) return null;
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data", r.data());
        m.put("variant", r.variant());
        StringBuilder st = new StringBuilder();
        r.stages().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> st.append(st.isEmpty() ? "" : " ").append(e.getKey()).append('=').append(e.getValue()));
        m.put("stages", st.toString());
        m.put("r2", Double.toString(r.r2()));
        m.put("r2x", Double.toString(r.r2x()));
        m.put("r2y", Double.toString(r.r2y()));
        m.put("footprint_bytes", Double.toString(r.footprintBytes()));
        m.put("conn_sparsity", Double.toString(r.connSparsity()));
        m.put("act_sparsity", Double.toString(r.actSparsity()));
        m.put("dense_synops", Double.toString(r.dense()));
        m.put("eff_macs", Double.toString(r.effMacs()));
        m.put("eff_acs", Double.toString(r.effAcs()));
        m.put("backend", r.backend());
        return m;
    }
}
