package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.reaching.ODohertyData;

/** The paper pipeline on quick synthetic sessions with a one-epoch recipe. */
class RsnnPaperTest {

    static RsnnPaper.Settings tiny() {
        return new RsnnPaper.Settings(RunMode.QUICK, List.of(3L), 1, 2, 1, 1, 1, true, 64, false, false);
    }

    @Test
    void tinyRunIsComputedOnceThenReadBackAndCarriesNeuroBenchNumbers(@TempDir Path root) throws Exception {
        List<String> log = new ArrayList<>();
        RsnnPaper p = new RsnnPaper(ODohertyData.at(root.resolve("data")), DataChoice.AUTO, RunMode.QUICK, new CpuBackend(),
                root.resolve("results/rsnn"), log::add);
        RsnnRun r = p.run(RsnnPaper.Model.TINY, "I1", 3L, tiny());
        assertEquals("tinyRSNN", r.model());
        assertEquals("I1", r.session());
        assertEquals("indy_20160622_01", r.sessionFile());
        assertEquals("synthetic", r.data());
        assertEquals(21000, r.footprintBytes(), 0, "tinyRSNN Indy footprint in float16 (notebooks/papers/rsnn.md §7.2)");
        assertEquals(10368, r.dense(), 0, "tinyRSNN Indy dense SynOps");
        assertEquals(0, r.effMacs(), 0, "spike inputs only: no MACs");
        assertTrue(r.actSparsity() > 0.5 && r.actSparsity() < 1, "activation sparsity " + r.actSparsity());
        assertTrue(r.variant().contains("eval=float16 emulated") && r.variant().contains("dynamics=as-released"), r.variant());
        assertTrue(r.extra().containsKey("test_r2_fp16_weights_fp32_state"));
        assertTrue(r.extra().containsKey("pruned_fraction"));
        assertTrue(Files.exists(p.runsDir().resolve("tinyRSNN_I1_seed3.json")));
        assertTrue(Files.exists(p.tracesDir().resolve("tinyRSNN_I1.csv")));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("pretrained tinyRSNN indy seed 3")), String.join("\n", log));
        // same settings: read back, not retrained
        RsnnRun again = p.run(RsnnPaper.Model.TINY, "I1", 3L, tiny());
        assertEquals(r, again);
        assertTrue(log.get(log.size() - 1).startsWith("kept tinyRSNN_I1_seed3.json"), log.get(log.size() - 1));
        assertEquals(List.of(r), p.runs());
        // a kept run whose trace was deleted is run again (deterministic: same numbers) and writes it
        Files.delete(p.tracesDir().resolve("tinyRSNN_I1.csv"));
        RsnnRun rerun = p.run(RsnnPaper.Model.TINY, "I1", 3L, tiny());
        assertEquals(r.r2(), rerun.r2(), 0, "same seed, same result");
        assertTrue(Files.exists(p.tracesDir().resolve("tinyRSNN_I1.csv")));
        double[][] tr = p.trace("tinyRSNN", "I1");
        assertEquals(5, tr.length);
        assertTrue(tr[0].length > 1000);
    }

    @Test
    void sessionLabelsAndModelsAreChecked() {
        assertEquals("loco_20170301_05", RsnnPaper.session("L3"));
        assertEquals("L1", RsnnPaper.label("loco_20170210_03"));
        var e = assertThrows(IllegalArgumentException.class, () -> RsnnPaper.session("indy_20160624_03"));
        assertTrue(e.getMessage().contains("six NeuroBench sessions"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RsnnPaper.Model.parse("midRSNN"));
        assertTrue(e.getMessage().contains("tinyRSNN"), e.getMessage());
        assertEquals(RsnnPaper.Model.BIG, RsnnPaper.Model.parse("bigRSNN"));
        assertTrue(RsnnPaper.Settings.of(RsnnPaper.Model.TINY, RunMode.FULL).variant().contains("as-released"));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), RsnnPaper.Settings.of(RsnnPaper.Model.BIG, RunMode.FULL).seeds());
    }

    @Test
    void aLearningRateOtherThanTheRecipesIsRecordedInTheStages() {
        var full = RsnnPaper.Settings.of(RsnnPaper.Model.BIG, RunMode.FULL);
        assertEquals(RsnnPaper.Settings.RECIPE_LR, full.lr());
        assertFalse(full.stages().containsKey("lr_1e-5"), "the paper's own rate needs no label");
        var quick = RsnnPaper.Settings.of(RsnnPaper.Model.BIG, RunMode.QUICK);
        assertEquals(400, quick.stages().get("lr_1e-5"));
        assertNotEquals(full.withLr(5e-3f).stages(), full.stages(), "a run kept with another rate must not be reused");
        var e = assertThrows(IllegalArgumentException.class, () -> full.withLr(Float.NaN));
        assertTrue(e.getMessage().contains("lr"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> full.withLr(0f));
    }

    @Test
    void snn3TrainsWithAFullWindowOfHistoryAsBurnIn() {
        int window = org.spikekit.model.Snn3.Config.neuroBench(96).window();
        for (RunMode mode : RunMode.values()) {
            var s = RsnnPaper.Settings.of(RsnnPaper.Model.SNN3, mode);
            assertEquals(window - 1, s.context(), mode + ": SNN3 never sees the newest of its 50 rows");
            assertEquals(window - 1, s.stages().get("context"), "the context is part of the run's stages");
            for (RsnnPaper.Model m : List.of(RsnnPaper.Model.SNN2, RsnnPaper.Model.TINY, RsnnPaper.Model.BIG)) {
                assertEquals(0, RsnnPaper.Settings.of(m, mode).context());
                assertFalse(RsnnPaper.Settings.of(m, mode).stages().containsKey("context"));
            }
        }
        var quick2 = RsnnPaper.Settings.of(RsnnPaper.Model.SNN2, RunMode.QUICK);
        var quick3 = RsnnPaper.Settings.of(RsnnPaper.Model.SNN3, RunMode.QUICK);
        assertEquals(quick2.withContext(quick3.context()), quick3, "quick mode trains both baselines on the same schedule");
        assertThrows(IllegalArgumentException.class, () -> quick3.withContext(-1));
    }

    @Test
    void contextIsRefusedForTheRsnns(@org.junit.jupiter.api.io.TempDir Path dir) {
        RsnnPaper p = new RsnnPaper(ODohertyData.at(dir.resolve("data")), org.spikekit.data.DataChoice.SYNTHETIC, RunMode.QUICK,
                new org.spikekit.compute.CpuBackend(), dir.resolve("results"), null);
        var s = RsnnPaper.Settings.of(RsnnPaper.Model.TINY, RunMode.QUICK).withContext(10);
        var e = assertThrows(IllegalArgumentException.class, () -> p.run(RsnnPaper.Model.TINY, "I1", 1L, s));
        assertTrue(e.getMessage().contains("context 10") && e.getMessage().contains("tinyRSNN"), e.getMessage());
    }
}
