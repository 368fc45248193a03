package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.spikekit.data.RunMode;
import org.spikekit.data.spiking.SpikingSplit;
import org.spikekit.data.spiking.SyntheticSpiking;
import org.spikekit.train.stdp.SpikeNnConfig;
import tech.tablesaw.api.Table;

class SpikennPaperTest {

    @Test
    void everyTableAndAblationConfigLoadsForBothDataSets() {
        for (String d : SpikennPaper.DATASETS) {
            for (String c : SpikennPaper.TABLE1) {
                SpikeNnConfig cfg = SpikeNnConfig.resource("STDP-CSNN/" + SpikennPaper.configFolder(d) + "/" + c + ".json");
                assertEquals(c.contains("20n") ? 200 : c.contains("ncg") || c.contains("5n") ? 50 : 10, cfg.network().nNeurons(), d + " " + c);
            }
            for (String c : SpikennPaper.ABLATION.values()) {
                SpikeNnConfig cfg = SpikeNnConfig.resource("STDP-CSNN/" + SpikennPaper.configFolder(d) + "/" + c + ".json");
                assertEquals(c.equals("s2stdp") ? 1 : 5, cfg.neuronsPerClass(10), d + " " + c);
            }
        }
        assertEquals("s2stdp+ncg", SpikennPaper.ABLATION.get("M-5+CR-2+L"));
        var e = assertThrows(IllegalArgumentException.class, () -> SpikennPaper.configFolder("cifar10"));
        assertTrue(e.getMessage().contains("mnist"), e.getMessage());
    }

    @Test
    void settingsAreCheckedAndLabelEveryNumber() {
        var q = SpikennPaper.Settings.of(RunMode.QUICK);
        assertEquals(2, q.folds());
        assertTrue(q.label().startsWith("quick: 2-fold"), q.label());
        var f = SpikennPaper.Settings.of(RunMode.FULL);
        assertEquals(10, f.folds());
        assertTrue(f.label().contains("train all/class") && f.label().contains("config (100)"), f.label());
        assertThrows(IllegalArgumentException.class, () -> new SpikennPaper.Settings(RunMode.QUICK, 1, 0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SpikennPaper.Settings(RunMode.QUICK, 2, -1, 0, 1, 0));
    }

    @Test
    void theEpochCapOnlyLowersTheConfiguredEpochs() {
        SpikeNnConfig c = SpikeNnConfig.resource("STDP-CSNN/MNIST/s2stdp+ncg.json");
        assertEquals(100, c.trainer().epochs());
        SpikeNnConfig capped = SpikennPaper.capEpochs(c, 20);
        assertEquals(20, capped.trainer().epochs());
        assertEquals(c.trainer().earlyStopping(), capped.trainer().earlyStopping());
        assertEquals(c.regularizer(), capped.regularizer());
        assertSame(c, SpikennPaper.capEpochs(c, 0));
        assertSame(c, SpikennPaper.capEpochs(c, 500));
    }

    @Test
    void tablesAndFiguresComeFromTheRuns() {
        SpikingSplit split = new SyntheticSpiking(200, 10, 40, 0.8, 3).split(300, 100, 100, 4);
        SpikeNnConfig base = SpikeNnConfig.resource("STDP-CSNN/MNIST/s2stdp+ncg.json");
        // thresholds scaled to the small synthetic input (as the readout's own tests do)
        SpikeNnConfig.Network n = base.network();
        SpikeNnConfig cfg = SpikennPaper.capEpochs(new SpikeNnConfig(new SpikeNnConfig.Network(n.nNeurons(), 6f, n.wInitNormal(),
                n.wInitMean(), n.wInitStd(), n.wNorm(), n.wMin(), n.wMax(), n.leakTau()), base.optimizer(), base.regularizer(), base.trainer()), 4);
        SpikeNnRun r0 = SpikeNn.train("t_fold0", cfg, split, 0, false, true);
        SpikeNnRun r1 = SpikeNn.train("t_fold1", cfg, split, 1, false, true);
        SpikeNn.KFold k = SpikeNn.aggregate("t", List.of(r0, r1));
        var row = new SpikennPaper.Row("mnist", "S2-STDP+NCG", "s2stdp+ncg", 50, k);
        Table t = SpikennTables.summary("table1", List.of(row), SpikennPaper.Settings.of(RunMode.QUICK), "STDP-CSNN");
        assertEquals(1, t.rowCount());
        assertEquals(100 * (r0.testAcc() + r1.testAcc()) / 2, t.doubleColumn("accuracy_mean_pct").get(0), 1e-9);
        assertEquals(100 * Math.abs(r0.testAcc() - r1.testAcc()) / 2, t.doubleColumn("accuracy_std_pct").get(0), 1e-9);
        assertEquals(SpikennTables.PAPER_NOT_RETRIEVED, t.stringColumn("paper").get(0));
        assertEquals("released", t.stringColumn("semantics").get(0));
        Table runs = SpikennTables.runs(List.of(row));
        assertEquals(2, runs.rowCount());
        assertEquals(r1.testAcc(), runs.doubleColumn("test_acc").get(1));
        // a kit variant is labelled in both tables
        SpikeNnRun rv = SpikeNn.train("t_fold1", cfg, split, 1, false, true,
                java.util.Set.of(org.spikekit.train.stdp.ReadoutTrainer.Variant.OUTPUT_DROPOUT_EXCLUDED));
        var mixed = new SpikennPaper.Row("mnist", "S2-STDP+NCG", "s2stdp+ncg", 50, SpikeNn.aggregate("t", List.of(r0, rv)));
        assertEquals("released; kit-variant:output-dropout-excluded",
                SpikennTables.summary("table1", List.of(mixed), SpikennPaper.Settings.of(RunMode.QUICK), "STDP-CSNN").stringColumn("semantics").get(0));
        assertEquals("kit-variant:output-dropout-excluded", SpikennTables.runs(List.of(mixed)).stringColumn("semantics").get(1));
        assertNotEquals(r1.key(), rv.key(), "runs of other semantics never share a run file");

        var chart = SpikennTables.updatesChart("u", r0, 0, 20);
        assertEquals(5, chart.getSeriesMap().size(), "one line per neuron of the class group");
        double total = 0;
        for (var s : chart.getSeriesMap().values()) for (double y : s.getYData()) total += y;
        double expect = 0;
        for (int ep = 0; ep < r0.stats().epochs(); ep++) {
            int[] tw = r0.stats().targetWins().get(ep), nw = r0.stats().nonTargetWins().get(ep);
            for (int j = 0; j < 5; j++) expect += tw[j] + nw[j];
        }
        assertEquals(expect, total, 1e-9);
        assertTrue(total > 0, "class 0's neurons received updates");
        Map<String, SpikeNnRun> m = new LinkedHashMap<>();
        m.put("a", r0);
        Table bal = SpikennTables.updateBalance(m, 20);
        assertEquals(r0.stats().epochs(), bal.rowCount());
        for (double v : bal.doubleColumn("max_over_mean_target_updates")) assertTrue(v >= 1 - 1e-9 && v <= 5 + 1e-9, "ratio " + v);
        assertThrows(IllegalArgumentException.class, () -> SpikennTables.updatesChart("u", SpikeNn.train("nostats", cfg, split, 0, false, false), 0, 5));
    }
}
