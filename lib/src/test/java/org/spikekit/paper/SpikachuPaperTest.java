package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.perich.PerichData;
import org.spikekit.data.perich.PerichGenerator;
import org.spikekit.data.perich.PerichNwb;
import org.spikekit.data.perich.PerichPrep;
import tech.tablesaw.api.Table;

/** The Spikachu paper driver on three short stand-in sessions with one-epoch settings. */
class SpikachuPaperTest {
    static final String CO = "c_20150311_center_out_reaching", RT = "m_20140221_random_target_reaching", HELD = "c_20150312_random_target_reaching";
    static PerichData data;

    @BeforeAll
    static void data() {
        List<PerichNwb.Recording> recs = List.of(
                PerichGenerator.generate(PerichGenerator.config(CO, RunMode.QUICK).withDurationS(90).withUnits(20)),
                PerichGenerator.generate(PerichGenerator.config(RT, RunMode.QUICK).withDurationS(80).withUnits(14)),
                PerichGenerator.generate(PerichGenerator.config(HELD, RunMode.QUICK).withDurationS(80).withUnits(12)));
        data = PerichData.of(recs, List.of("synthetic", "synthetic", "synthetic"), PerichPrep.Options.spikachu());
    }

    static SpikachuPaper.Settings tiny() {
        return new SpikachuPaper.Settings(false, List.of(CO, RT), 1, 2, 3e-3, 5e-3, 16, 16, 1, 1, HELD, 4, 2, 7);
    }

    @Test
    void singleSessionRunsAreWrittenReusedAndTabulated(@TempDir Path dir) throws Exception {
        SpikachuPaper p = new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir.resolve("spikachu"), tiny(), null);
        List<SpikachuRun> runs = p.singleAll(List.of(SpikachuPaper.Model.SPIKACHU, SpikachuPaper.Model.SPIKACHU_RELEASED, SpikachuPaper.Model.GRU));
        assertEquals(6, runs.size());
        assertEquals(6, Files.list(p.runsDir()).count());
        for (SpikachuRun r : runs) {
            assertTrue(Double.isFinite(r.r2()) && r.joulesPerWindow() > 0 && r.scoredSamples() > 0, r.toString());
            assertTrue(Double.isFinite(r.r2TestPy()) && Double.isFinite(r.r2TestMs()), r.toString());
            assertEquals(r.model().equals("gru") ? 2 : 1, r.epochs());
            assertEquals(r.model().equals("spikachu-released") ? "no" : "yes", r.causalLeak() == 0 ? "yes" : "no", r.model() + " causality");
            assertEquals(r.profiledJoulesPerWindow(), 100 * r.profiledJoulesPerStep(), 1e-18);
            boolean rel = r.model().equals("spikachu-released");
            assertEquals(rel ? "released" : "kit", r.cadence());
            assertEquals(rel ? SpikachuPaper.RELEASED_EVAL_EVERY : 1, r.evalEvery());
            // one epoch under the released cadence: only the initialisation was scored, and kept
            assertTrue(rel ? r.keptEpoch() == -1 : r.keptEpoch() >= 0 && r.keptEpoch() < r.epochs(), r.model() + " kept " + r.keptEpoch());
            assertEquals(!rel, r.reportable(), r.model());
            assertTrue(r.variant().startsWith(rel ? "as released" : "kit default"), r.variant());
        }
        // the released run returned its initial weights (BatchNorm statistics included), bit for bit
        SpikachuRun relCo = runs.stream().filter(r -> r.model().equals("spikachu-released") && r.session().equals(CO)).findFirst().orElseThrow();
        var init = org.spikekit.train.Checkpoint.of(new org.spikekit.model.SpikachuDecoder(new CpuBackend(), "spikachu-released",
                org.spikekit.model.SpikachuDecoder.Config.quick(20).released(), tiny().seed())).parameters();
        var saved = org.spikekit.train.Checkpoint.read(p.checkpoint(relCo)).parameters();
        assertEquals(init.keySet(), saved.keySet());
        for (String k : init.keySet()) org.junit.jupiter.api.Assertions.assertArrayEquals(init.get(k).data(), saved.get(k).data(), k);
        // the checkpoint scores the same again (the released test.py equivalent)
        for (SpikachuRun r : runs) assertEquals(r.r2(), p.retest(r), 1e-9, r.model() + " " + r.session());
        // a second call reads the files back instead of training
        SpikachuRun again = p.single(SpikachuPaper.Model.GRU, CO);
        assertEquals(runs.stream().filter(r -> r.model().equals("gru") && r.session().equals(CO)).findFirst().orElseThrow(), again);
        // other settings retrain
        SpikachuPaper other = new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir.resolve("spikachu"),
                tiny().withEpochs(1, 1, 1), null);
        assertEquals(1, other.single(SpikachuPaper.Model.GRU, CO).epochs());

        List<SpikachuRun> all = p.runs();
        Table r2 = SpikachuTables.singleSessionR2(all);
        assertEquals(List.of(CO, RT, "mean", CO, RT, "mean", CO, RT, "mean"), r2.stringColumn("session").asList());
        assertEquals(List.of("reading", "session", "spikachu", "spikachu-released", "gru"), r2.columnNames());
        assertEquals(SpikachuTables.Reading.TEST_MS.label, r2.stringColumn("reading").get(8));
        double gruCo = all.stream().filter(r -> r.model().equals("gru") && r.session().equals(CO)).findFirst().orElseThrow().r2TestPy();
        assertEquals(gruCo, r2.doubleColumn("gru").get(3), 0);
        assertTrue(Double.isNaN(r2.doubleColumn("spikachu-released").getDouble(0)), "a released run of <= 25 epochs is not reported");
        Table e = SpikachuTables.energy(all, PublishedNumbers.load("spikachu"));
        // the one-epoch released runs kept their initialisation: not in the energy table
        assertEquals(List.of("spikachu", "gru"), e.stringColumn("model").asList());
        assertEquals(1.0, e.doubleColumn("x_spikachu_energy").get(0), 1e-12);
        assertEquals(2.26, e.doubleColumn("paper_ratio_min").get(1), 0);
        assertEquals(e.doubleColumn("uJ_per_window").get(1), 100 * e.doubleColumn("uJ_per_step").get(1), 1e-9);
        Table c = SpikachuTables.causality(all);
        assertEquals(List.of("yes", "no", "yes"), c.stringColumn("causal").asList());
        SpikachuTables.r2Chart(all);
        SpikachuTables.energyChart(all);

        // latency measured again from each checkpoint: every single-session run timed, all else as stored
        List<String> log = new java.util.ArrayList<>();
        SpikachuPaper logged = new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir.resolve("spikachu"), tiny(), log::add);
        List<SpikachuRun> timed = logged.withLatencyNow(runs);
        assertEquals(runs.size(), timed.size());
        for (int i = 0; i < runs.size(); i++) {
            SpikachuRun a = runs.get(i), t = timed.get(i);
            assertTrue(t.latencyMsPerStep() > 0 && Double.isFinite(t.latencyMsPerStep()), t.toString());
            assertEquals(a, t.withLatencyMsPerStep(a.latencyMsPerStep()), "only the latency changes");
        }
        assertEquals("latency measured again for 6 single-session run(s)", log.getLast());
        // a driver whose Spikachu is configured otherwise cannot rebuild those runs: they keep the stored latency
        log.clear();
        SpikachuPaper edited = new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir.resolve("spikachu"), tiny(), log::add)
                .withSpikachuConfig(k -> org.spikekit.config.Configs.override(k, "core.hidden=24"));
        List<SpikachuRun> kept = edited.withLatencyNow(runs);
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).model().startsWith("spikachu")) assertEquals(runs.get(i), kept.get(i));
        }
        assertEquals("latency measured again for 2 single-session run(s)", log.getLast());
        assertTrue(log.stream().anyMatch(l -> l.contains(relCo.fileName()) && l.contains("kept as stored")), log.toString());
        // a missing checkpoint is named
        Files.delete(p.checkpoint(relCo));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> p.withLatencyNow(runs));
        assertTrue(missing.getMessage().contains(p.checkpoint(relCo).toString()), missing.getMessage());
    }

    @Test
    void releasedBaselinesTrainAsReleased(@TempDir Path dir) {
        SpikachuPaper p = new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir.resolve("spikachu"), tiny(), null);
        assertEquals(List.of(SpikachuPaper.Model.MLP, SpikachuPaper.Model.RNN, SpikachuPaper.Model.GRU, SpikachuPaper.Model.LSTM), SpikachuPaper.Model.baselines(false));
        assertEquals(8, SpikachuPaper.Model.baselines(true).size());
        assertTrue(!p.releasedExtrasByDefault(), "quick mode: the released extras are opt-in");
        SpikachuRun mlp = p.single(SpikachuPaper.Model.MLP_RELEASED, CO);
        assertEquals("released", mlp.cadence());
        assertTrue(mlp.variant().contains("memory rolled circularly") && mlp.variant().contains("columns shifted"), mlp.variant());
        assertTrue(mlp.causalLeak() > 0, "centred smoothing and the rolled memory look ahead: " + mlp.causalLeak());
        assertEquals(mlp.r2(), p.retest(mlp), 1e-9);
        assertEquals(SpikachuPaper.Model.MLP_RELEASED, SpikachuPaper.Model.parse("mlp-released"));
        assertEquals(org.spikekit.model.Baselines.Kind.LSTM, SpikachuPaper.Model.LSTM_RELEASED.baseline());
    }

    @Test
    void multiSubjectLocksTrainingAndFewShotTouchesOnlyTheNewSession(@TempDir Path dir) {
        SpikachuPaper p = new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir.resolve("spikachu"), tiny(), null);
        List<SpikachuRun> runs = p.multiSubject();
        Set<String> multi = runs.stream().filter(r -> r.setting().equals("multi")).map(SpikachuRun::session).collect(Collectors.toSet());
        assertEquals(Set.of(CO, RT), multi);
        SpikachuRun ft = runs.stream().filter(r -> r.setting().equals("fewshot-unitid")).findFirst().orElseThrow();
        SpikachuRun sc = runs.stream().filter(r -> r.setting().equals("fewshot-scratch")).findFirst().orElseThrow();
        assertEquals(HELD, ft.session());
        assertEquals(4, ft.trainWindows());
        assertEquals(HELD, sc.session());
        Table t = SpikachuTables.multiSubject(p.runs());
        assertEquals(4, t.rowCount());
        // the released few-shot fine-tune, asked for later, starts from the stored multi-subject model
        List<SpikachuRun> withRel = p.multiSubject(true);
        assertEquals(5, withRel.size());
        assertEquals(runs, withRel.subList(0, 4), "the kit's runs are read back");
        SpikachuRun rel = withRel.get(4);
        assertEquals("fewshot-unitid-released", rel.setting());
        assertTrue(rel.variant().startsWith("as released"), rel.variant());
        SpikachuRun multiRun = runs.stream().filter(r -> r.setting().equals("multi")).findFirst().orElseThrow();
        var before = org.spikekit.train.Checkpoint.read(p.checkpoint(multiRun)).parameters();
        var after = org.spikekit.train.Checkpoint.read(p.checkpoint(rel)).parameters();
        int stats = 0;
        for (String k : before.keySet()) {
            boolean same = java.util.Arrays.equals(before.get(k).data(), after.get(k).data());
            if (k.endsWith(".runningMean") || k.endsWith(".runningVar")) {
                if (!same) stats++;
            } else {
                assertTrue(same, k + " must not be trained by the released few-shot fine-tune");
            }
        }
        assertTrue(stats > 0, "BatchNorm statistics adapt to the new session");
        assertEquals(5, SpikachuTables.multiSubject(p.runs()).rowCount());
        assertEquals(withRel, p.multiSubject(true), "all five read back");
    }

    @Test
    void paperSizeEnergyUnderBothCountingRules(@TempDir Path dir) {
        SpikachuPaper p = new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir, tiny(), null);
        Table t = p.paperSizeEnergy(RT);
        assertEquals(12, t.rowCount());
        for (int i = 0; i < t.rowCount(); i++) {
            assertTrue(t.doubleColumn("uJ_per_window").get(i) > 0, t.row(i).toString());
            assertEquals(t.doubleColumn("uJ_per_window").get(i), 100 * t.doubleColumn("uJ_per_step").get(i), 1e-9);
            assertEquals(t.stringColumn("counting_rule").get(i).equals("released profiler") ? SpikachuPaper.PROFILE_CONDITIONS : "all test windows, inference",
                    t.stringColumn("conditions").get(i));
            if (t.stringColumn("model").get(i).equals("spikachu")) assertEquals(1.0, t.doubleColumn("x_spikachu_energy").get(i), 1e-12);
        }
        // the baselines' counts are analytic: the same under both rules
        assertEquals(t.doubleColumn("macs_per_step").get(8), t.doubleColumn("macs_per_step").get(9), 0);
        assertTrue(t.longColumn("parameters").get(0) > 3_000_000, "paper-size Spikachu " + t.longColumn("parameters").get(0));
    }

    @Test
    void sessionsTableCountsWhatTheReleasedSamplingMeets() {
        Table t = SpikachuTables.sessions(data);
        assertEquals(3, t.rowCount());
        for (int i = 0; i < 3; i++) {
            org.spikekit.data.perich.PerichSession s = data.sessions().get(i);
            org.spikekit.data.perich.DecodingWindows rel = new org.spikekit.data.perich.DecodingWindows(List.of(s)).released();
            List<org.spikekit.data.perich.DecodingWindows.Window> ws = new java.util.ArrayList<>(rel.trainEpoch(42, 0));
            ws.addAll(rel.evalWindows(org.spikekit.data.perich.DecodingWindows.Split.VALID));
            ws.addAll(rel.evalWindows(org.spikekit.data.perich.DecodingWindows.Split.TEST));
            long off = ws.stream().filter(w -> rel.samplesIn(w) != 100).count(), over = ws.stream().filter(w -> rel.samplesIn(w) > 100).count();
            assertEquals(off, t.intColumn("released_windows_not_100_samples").getInt(i));
            assertEquals(over, t.intColumn("released_windows_over_100_samples").getInt(i));
            assertTrue(t.intColumn("eval_intervals_under_1s").getInt(i) >= 0);
        }
    }

    @Test
    void unknownSessionsAndModelsAreNamed(@TempDir Path dir) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK,
                new CpuBackend(), dir, tiny().withSingleSessions(List.of("x_20200101_center_out_reaching")), null));
        assertTrue(x.getMessage().contains("x_20200101"), x.getMessage());
        IllegalArgumentException y = assertThrows(IllegalArgumentException.class, () -> SpikachuPaper.Model.parse("transformer"));
        assertTrue(y.getMessage().contains("transformer"), y.getMessage());
    }
}
