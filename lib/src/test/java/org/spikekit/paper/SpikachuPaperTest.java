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
import org.spikekit.data.PerichData;
import org.spikekit.data.PerichGenerator;
import org.spikekit.data.PerichNwb;
import org.spikekit.data.PerichPrep;
import org.spikekit.report.DataChoice;
import org.spikekit.report.RunMode;
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
            assertEquals(r.model().equals("gru") ? 2 : 1, r.epochs());
            assertEquals(r.model().equals("spikachu-released") ? "no" : "yes", r.causalLeak() == 0 ? "yes" : "no", r.model() + " causality");
        }
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
        assertEquals(List.of(CO, RT, "mean"), r2.stringColumn("session").asList());
        assertEquals(List.of("session", "spikachu", "spikachu-released", "gru"), r2.columnNames());
        Table e = SpikachuTables.energy(all, PublishedNumbers.load("spikachu"));
        assertEquals(1.0, e.doubleColumn("x_spikachu_energy").get(0), 1e-12);
        assertEquals(2.26, e.doubleColumn("paper_ratio_min").get(2), 0);
        Table c = SpikachuTables.causality(all);
        assertEquals(List.of("yes", "no", "yes"), c.stringColumn("causal").asList());
        SpikachuTables.r2Chart(all);
        SpikachuTables.energyChart(all);
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
    }

    @Test
    void paperSizeEnergyUnderBothCountingRules(@TempDir Path dir) {
        SpikachuPaper p = new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir, tiny(), null);
        Table t = p.paperSizeEnergy(RT);
        assertEquals(12, t.rowCount());
        for (int i = 0; i < t.rowCount(); i++) {
            assertTrue(t.doubleColumn("uJ_per_window").get(i) > 0, t.row(i).toString());
            if (t.stringColumn("model").get(i).equals("spikachu")) assertEquals(1.0, t.doubleColumn("x_spikachu_energy").get(i), 1e-12);
        }
        // the baselines' counts are analytic: the same under both rules
        assertEquals(t.doubleColumn("macs_per_step").get(8), t.doubleColumn("macs_per_step").get(9), 0);
        assertTrue(t.longColumn("parameters").get(0) > 3_000_000, "paper-size Spikachu " + t.longColumn("parameters").get(0));
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
