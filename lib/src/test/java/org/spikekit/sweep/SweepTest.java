package org.spikekit.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.paper.RsnnPaper;

/** Sweep specs, files, phases, the RSNN driver's checks and the SLURM submission chain (with a stand-in sbatch). */
class SweepTest {

    static final Map<String, String> SHORT = Map.of("pretrain", "1", "finetune", "3", "prune", "1");

    static Sweep small() {
        return Sweep.grid("small", RunMode.QUICK, "rsnn", List.of("tinyRSNN", "SNN2"), List.of("I1", "I2", "L1"), List.of(1L, 2L), SHORT);
    }

    @Test
    void runIdsNameEveryFieldAndAStableTagOfTheOverrides() {
        RunSpec r = new RunSpec("rsnn", "tinyRSNN", "I1", 1, Map.of("prune", "1", "finetune", "3"));
        // the tag is the first 4 bytes of SHA-256("finetune=3,prune=1"): the same in every JVM and on every machine
        assertEquals("rsnn_tinyRSNN_I1_seed1_of06566c6", r.id());
        assertEquals("finetune=3,prune=1", r.overridesText());
        assertEquals("rsnn_SNN2_L1_seed7", new RunSpec("rsnn", "SNN2", "L1", 7).id());
        assertEquals(Map.of("a", "1", "b", "x"), RunSpec.parseOverrides("b=x, a=1"));
    }

    @Test
    void badSpecsAreRefusedNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RunSpec("rsnn", "tiny RSNN", "I1", 1)).getMessage().contains("model 'tiny RSNN'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RunSpec("rsnn", "SNN2", "I1", -1)).getMessage().contains("seed"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RunSpec("rsnn", "SNN2", "I1", 1, Map.of("9x", "1"))).getMessage().contains("override key '9x'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RunSpec("rsnn", "SNN2", "I1", 1, Map.of("lr", "1,2"))).getMessage().contains("override lr"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunSpec.parseOverrides("lr")).getMessage().contains("key=value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunSpec.parseOverrides("lr=1,lr=2")).getMessage().contains("twice"));
    }

    @Test
    void theRsnnDriverChecksModelsSessionsAndOverrides() {
        PaperRuns p = PaperRuns.of("rsnn");
        p.check(new RunSpec("rsnn", "bigRSNN", "indy_20160630_01", 1));
        String m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "hugeRSNN", "I1", 1))).getMessage();
        assertTrue(m.contains("hugeRSNN") && m.contains("tinyRSNN"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "SNN2", "I9", 1))).getMessage();
        assertTrue(m.contains("I9") && m.contains("I1"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "SNN2", "I1", 1, Map.of("epochs", "3")))).getMessage();
        assertTrue(m.contains("unknown RSNN override 'epochs'") && m.contains("finetune"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "SNN2", "I1", 1, Map.of("finetune", "three")))).getMessage();
        assertTrue(m.contains("(overrides finetune=three): override finetune=three: $.finetune (RsnnPaper.Settings.finetune, int): expected an integer, got \"three\""), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "SNN2", "I1", 1, Map.of("fp16", "maybe")))).getMessage();
        assertTrue(m.contains("$.fp16 (RsnnPaper.Settings.fp16, boolean): expected true or false, got \"maybe\""), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "SNN2", "I1", 1, Map.of("lr", "NaN")))).getMessage();
        assertTrue(m.contains("override lr='NaN' must be finite"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "SNN2", "I1", 1, Map.of("finetune", "0")))).getMessage();
        assertTrue(m.contains("finetune > 0"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "SNN2", "pretrain-indy", 1))).getMessage();
        assertTrue(m.contains("pretraining is for tinyRSNN/bigRSNN"), m);
        assertThrows(IllegalArgumentException.class, () -> PaperRuns.of("nope"));
        assertTrue(p.overrideKeys().containsKey("lr"));
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "tinyRSNN", "I1", 1, Map.of("context", "20")))).getMessage();
        assertTrue(m.contains("context 20") && m.contains("not tinyRSNN"), m);
        assertEquals(0, RsnnRuns.settings(new RunSpec("rsnn", "SNN3", "I1", 1, Map.of("context", "0")), null).context());
        assertEquals(49, RsnnRuns.settings(new RunSpec("rsnn", "SNN3", "I1", 1), null).context());
    }

    @Test
    void overridesChangeTheSettingsAndTheSeedsFollowTheSweep() {
        Sweep sw = Sweep.grid("s", RunMode.QUICK, "rsnn", List.of("tinyRSNN"), List.of("I1"), List.of(7L, 3L),
                Map.of("finetune", "5", "fp16", "false", "lr", "1e-3"));
        RsnnPaper.Settings s = RsnnRuns.settings(sw.runs().get(0), sw);
        RsnnPaper.Settings d = RsnnPaper.Settings.of(RsnnPaper.Model.TINY, RunMode.QUICK);
        assertEquals(5, s.finetune());
        assertFalse(s.fp16());
        assertEquals(1e-3f, s.lr());
        assertEquals(d.pretrain(), s.pretrain());
        assertEquals(List.of(3L, 7L), s.seeds(), "seeds outside the paper's list: the sweep's, so the smallest writes the trace");
        Sweep kitSeeds = Sweep.grid("k", RunMode.QUICK, "rsnn", List.of("tinyRSNN"), List.of("I1"), List.of(1L), Map.of());
        assertEquals(d.seeds(), RsnnRuns.settings(kitSeeds.runs().get(0), kitSeeds).seeds(), "a seed of the paper's list keeps the paper's list");
    }

    /** The sweep sets fields of tinyRSNN's model configuration as notebooks do ({@code Configs.override}), and every run key holds them. */
    @Test
    void modelOverridesEditTheRsnnConfigurationOfEveryRun(@TempDir Path root) {
        PaperRuns p = PaperRuns.of("rsnn");
        RunSpec wide = new RunSpec("rsnn", "tinyRSNN", "I1", 1, Map.of("model.hidden", "128", "model.lif.tauMemS", "0.03", "batch", "16", "fp16", "no"));
        p.check(wide);
        assertEquals(List.of("hidden=128", "lif.tauMemS=0.03"), RsnnRuns.modelEdits(wide));
        Sweep sw = new Sweep("w", "quick", null, List.of(wide));
        RsnnPaper.Settings s = RsnnRuns.settings(wide, sw);
        assertEquals(16, s.batchSize());
        assertFalse(s.fp16(), "'no' still reads as false");
        RsnnPaper d = RsnnRuns.driver(wide, new PaperRuns.Context(root, sw, DataChoice.SYNTHETIC, "cpu"), x -> {}, false);
        var c = d.rsnnConfig(RsnnPaper.Model.TINY, 96);
        assertEquals(128, c.hidden());
        assertEquals(0.03, c.lif().tauMemS());
        assertEquals(org.spikekit.model.Rsnn.Config.tiny(96).readout(), c.readout());
        String m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "tinyRSNN", "I1", 1, Map.of("model.hiden", "1"))))
                .getMessage();
        assertTrue(m.contains("Rsnn.Config has no field 'hiden'; its fields: inputs, hidden, outputs, lif, readout"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "SNN2", "I1", 1, Map.of("model.hidden", "128")))).getMessage();
        assertTrue(m.contains("model.* overrides edit tinyRSNN/bigRSNN's Rsnn.Config, not SNN2"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("rsnn", "tinyRSNN", "I1", 1, Map.of("hidden", "128")))).getMessage();
        assertTrue(m.contains("unknown RSNN override 'hidden'") && m.contains("and model.<field>"), m);
        assertTrue(p.overrideKeys().containsKey("model.<path>"));
    }

    @Test
    void pretrainingIsAPreparatoryPhaseSharedPerMonkeyAndSeed() {
        Sweep sw = small();
        assertEquals(12, sw.runs().size());
        List<List<RunSpec>> ph = sw.phases();
        assertEquals(List.of("rsnn_tinyRSNN_pretrain-indy_seed1_" + sw.runs().get(0).overridesTag(),
                "rsnn_tinyRSNN_pretrain-loco_seed1_" + sw.runs().get(0).overridesTag(),
                "rsnn_tinyRSNN_pretrain-indy_seed2_" + sw.runs().get(0).overridesTag(),
                "rsnn_tinyRSNN_pretrain-loco_seed2_" + sw.runs().get(0).overridesTag()), ph.get(0).stream().map(RunSpec::id).toList());
        assertEquals(sw.runs(), ph.get(1));
        Sweep noPre = Sweep.grid("n", RunMode.QUICK, "rsnn", List.of("tinyRSNN"), List.of("I1"), List.of(1L), Map.of("pretrain", "0"));
        assertTrue(noPre.phases().get(0).isEmpty());
        Sweep kit = Sweep.kit("rsnn", RunMode.QUICK);
        assertEquals("results", kit.resultsDir());
        assertEquals(6 * (1 + 1 + 1 + 1), kit.runs().size(), "quick: every model 1 seed, 6 sessions");
        assertEquals(2 + 2, kit.phases().get(0).size(), "pretraining: tinyRSNN and bigRSNN, 1 seed x 2 monkeys each");
    }

    @Test
    void sweepFilesRoundTripAndBadOnesAreNamed(@TempDir Path dir) throws IOException {
        Sweep sw = small();
        Path f = sw.write(dir.resolve("sweep.json"));
        assertEquals(sw, Sweep.read(f));
        assertEquals("results/sweeps/small", sw.resultsDir());
        assertTrue(assertThrows(IOException.class, () -> Sweep.read(dir.resolve("none.json"))).getMessage().contains("none.json: no such sweep file"));
        Files.writeString(dir.resolve("bad.json"), Files.readString(f).replaceFirst("\\{", "{\"colour\": 1,"));
        String m = assertThrows(IOException.class, () -> Sweep.read(dir.resolve("bad.json"))).getMessage();
        assertTrue(m.contains("bad.json: not a readable sweep file") && m.contains("colour"), m);
        assertThrows(IllegalArgumentException.class, () -> new Sweep("x", "quick", "../elsewhere", sw.runs()));
        assertThrows(IllegalArgumentException.class, () -> new Sweep("x", "fast", null, sw.runs()));
        RunSpec r = sw.runs().get(0);
        String dup = assertThrows(IllegalArgumentException.class, () -> new Sweep("x", "quick", null, List.of(r, r))).getMessage();
        assertTrue(dup.contains("twice"), dup);
    }

    @Test
    void slurmSubmissionChainsPhasesAndTheMergeJob(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("data"));
        Path calls = root.resolve("calls.txt");
        Path sbatch = root.resolve("sbatch");
        // stand-in sbatch: records its arguments, answers job ids 101, 102, 103
        Files.writeString(sbatch, "#!/bin/bash\necho \"$@\" >> " + calls + "\nn=$(wc -l < " + calls + ")\necho $((100 + n))\n");
        Files.setPosixFilePermissions(sbatch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Sweep sw = small();
        Path f = sw.write(sw.file(root));
        PaperRuns.Context ctx = new PaperRuns.Context(root, sw, DataChoice.SYNTHETIC, "cuda");
        var opt = new SlurmExecutor.Options("gpu", 2, 2048, "01:00:00", 4, List.of("--account=lab"), sbatch.toString());
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        SlurmExecutor se = new SlurmExecutor(ctx, f, opt, new PrintStream(bo, true, StandardCharsets.UTF_8));
        SlurmExecutor.Submitted s = se.submit();
        assertEquals(List.of("101", "102"), s.arrays());
        assertEquals("103", s.merge());
        assertEquals(List.of(4, 12), s.tasks());
        List<String> c = Files.readAllLines(calls);
        assertTrue(c.get(0).startsWith("--parsable ") && c.get(0).endsWith("phase0.sbatch"), c.get(0));
        assertTrue(c.get(1).contains("--dependency=afterok:101 --kill-on-invalid-dep=yes") && c.get(1).endsWith("phase1.sbatch"), c.get(1));
        assertTrue(c.get(2).contains("--dependency=afterany:102") && c.get(2).endsWith("merge.sbatch"), c.get(2));
        String p1 = Files.readString(sw.dir(root).resolve("slurm/phase1.sbatch"));
        for (String want : List.of("#SBATCH --array=0-11%4", "#SBATCH --requeue", "#SBATCH --gres=gpu:1", "#SBATCH --partition=gpu",
                "#SBATCH --time=01:00:00", "#SBATCH --account=lab", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=3072M",
                "#SBATCH --open-mode=append", "export DATA=synthetic", "export SPIKEKIT_BACKEND=cuda", "-Xmx2048m",
                "-XX:ActiveProcessorCount=2", "SweepCli run-one", sw.runs().get(11).id())) {
            assertTrue(p1.contains(want), want + " missing from\n" + p1);
        }
        assertTrue(Files.readString(sw.dir(root).resolve("slurm/merge.sbatch")).contains("SweepCli merge"));
        assertFalse(Files.readString(sw.dir(root).resolve("slurm/phase0.sbatch")).contains(sw.runs().get(0).id() + " "), "phase 0 holds only the pretraining steps");
    }

    @Test
    void aFailingSbatchIsReportedWithItsOutput(@TempDir Path root) throws Exception {
        Path sbatch = root.resolve("sbatch");
        Files.writeString(sbatch, "#!/bin/bash\necho 'sbatch: error: invalid partition specified: gpu' >&2\nexit 1\n");
        Files.setPosixFilePermissions(sbatch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Sweep sw = Sweep.grid("f", RunMode.QUICK, "rsnn", List.of("SNN2"), List.of("I1"), List.of(1L), Map.of());
        Path f = sw.write(sw.file(root));
        var se = new SlurmExecutor(new PaperRuns.Context(root, sw, DataChoice.SYNTHETIC, "cpu"), f,
                new SlurmExecutor.Options(null, 1, 1024, null, 0, List.of(), sbatch.toString()), new PrintStream(new ByteArrayOutputStream()));
        String m = assertThrows(IOException.class, se::submit).getMessage();
        assertTrue(m.contains("invalid partition specified") && m.contains("phase1.sbatch"), m);
        var missing = new SlurmExecutor(new PaperRuns.Context(root, sw, DataChoice.SYNTHETIC, "cpu"), f,
                new SlurmExecutor.Options(null, 1, 1024, null, 0, List.of(), root.resolve("no-sbatch").toString()), new PrintStream(new ByteArrayOutputStream()));
        assertTrue(assertThrows(IOException.class, missing::submit).getMessage().contains("is SLURM installed"));
        assertThrows(IllegalArgumentException.class, () -> new SlurmExecutor.Options(null, 1, 1024, null, 0, List.of("account=lab"), null));
    }

    @Test
    void cliOptionsAreCheckedAndProgressLinesParsed() {
        assertThrows(IllegalArgumentException.class, () -> SweepCli.Options.parse(new String[] {"--parallel"}));
        var o = SweepCli.Options.parse(new String[] {"--parallel", "2", "--colour", "red"});
        assertEquals(2, o.integer("parallel", 0));
        assertTrue(assertThrows(IllegalArgumentException.class, o::done).getMessage().contains("--colour"));
        var s = SweepCli.Options.parse(new String[] {"--sbatch-arg=--account=lab", "--sbatch-arg", "--qos=long", "--no-wait"});
        assertEquals(List.of("--account=lab", "--qos=long"), s.all("sbatch-arg"));
        assertTrue(s.flag("no-wait"));
        s.done();
        assertEquals(new SweepCli.Progress(3, 8, "prune p"), SweepCli.Progress.parse("@@progress 3 8 prune p"));
        assertEquals(null, SweepCli.Progress.parse("epoch 3"));
        assertEquals("\"a,b\"", SweepTable.quote("a,b"));
    }

    @Test
    void theSpikachuDriverChecksItsRunsAndKnowsTheNotebooksRuns() {
        PaperRuns p = PaperRuns.of("spikachu");
        p.check(new RunSpec("spikachu", "gru", "c_20150311_center_out_reaching", 42, Map.of("epochs", "3", "paperSizes", "true")));
        String m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("spikachu", "transformer", "c_20150311_center_out_reaching", 42))).getMessage();
        assertTrue(m.contains("transformer") && m.contains("lstm"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("spikachu", "gru", "I1", 42))).getMessage();
        assertTrue(m.contains("not a Perich session id"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("spikachu", "gru", "c_20150311_center_out_reaching", 42, Map.of("finetune", "3")))).getMessage();
        assertTrue(m.contains("unknown Spikachu override 'finetune'") && m.contains("epochs"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("spikachu", "gru", "c_20150311_center_out_reaching", 42, Map.of("epochs", "0")))).getMessage();
        assertTrue(m.contains(">= 1"), m);
        var s = SpikachuRuns.settings(new RunSpec("spikachu", "mlp", "c_20150311_center_out_reaching", 5, Map.of("epochs", "7", "lr", "1e-3")), RunMode.QUICK);
        assertEquals(7, s.spikachuEpochs());
        assertEquals(7, s.baselineEpochs());
        assertEquals(1e-3, s.baselineLr());
        assertEquals(5L, s.seed());
        Sweep kit = Sweep.kit("spikachu", RunMode.QUICK);
        assertEquals(6, kit.runs().size(), "quick: the six models on the one single-session comparison session");
        assertTrue(kit.phases().get(0).isEmpty());
        assertEquals(14 * 10, PaperRuns.of("spikachu").kitRuns(RunMode.FULL).size(), "full: every stand-in session, the released baselines too");
        p.check(new RunSpec("spikachu", "gru-released", "c_20150311_center_out_reaching", 42));
    }

    @Test
    void theSpikennDriverRunsFoldsAfterTheirFeatures() {
        PaperRuns p = PaperRuns.of("spikenn");
        RunSpec r = new RunSpec("spikenn", "s2stdp+ncg", "fashion-mnist", 1, Map.of("readoutEpochs", "3"));
        p.check(r);
        assertEquals("spikenn_s2stdp+ncg_fashion-mnist_seed1_" + r.overridesTag(), r.id());
        Sweep sw = new Sweep("n", "quick", null, List.of(r, new RunSpec("spikenn", "sstdp", "fashion-mnist", 1, Map.of("readoutEpochs", "3"))));
        assertEquals(List.of("spikenn_features_fashion-mnist_seed1_" + r.overridesTag()), sw.phases().get(0).stream().map(RunSpec::id).toList(),
                "one feature extraction per data set and fold, shared by the configs");
        String m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("spikenn", "s2stdp", "cifar10", 0))).getMessage();
        assertTrue(m.contains("cifar10") && m.contains("mnist"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("spikenn", "s2stdp", "mnist", 2))).getMessage();
        assertTrue(m.contains("fold index 2") && m.contains("2 folds"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("spikenn", "nope", "mnist", 0))).getMessage();
        assertTrue(m.contains("no SpikeNN config 'nope'"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("spikenn", "s2stdp", "mnist", 0, Map.of("lr", "1")))).getMessage();
        assertTrue(m.contains("unknown SpikeNN override 'lr'") && m.contains("readoutEpochs"), m);
        m = assertThrows(IllegalArgumentException.class, () -> p.check(new RunSpec("spikenn", "s2stdp", "mnist", 0, Map.of("folds", "1")))).getMessage();
        assertTrue(m.contains("folds must be >= 2"), m);
        Sweep kit = Sweep.kit("spikenn", RunMode.QUICK);
        assertEquals(2 * 11 * 2, kit.runs().size(), "quick: 2 data sets x 11 distinct configs (Table 1 and ablation) x 2 folds");
        assertEquals(2 * 2, kit.phases().get(0).size(), "features per data set and fold");
    }
}
