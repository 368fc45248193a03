package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class RsnnTablesTest {
    final PublishedNumbers paper = PublishedNumbers.load("rsnn");

    static RsnnRun run(String model, String session, long seed, double r2, double acs) {
        return new RsnnRun(model, session, session + "_file", seed, "synthetic", "quick", "split=as-released",
                Map.of("finetune", 3), r2, r2, r2, 21000, 0.45, 0.98, 10368, 0, acs, Map.of(), 1.0, "cpu", "abc", null);
    }

    @Test
    void publishedConventionIsPopulationSdOverSeedsThenAcrossSessions() {
        // the per-seed tinyRSNN/bigRSNN R² reproduce the published "mean ± s.d." cells of Table 1
        for (String m : List.of("tinyRSNN", "bigRSNN")) {
            List<RsnnRun> runs = new ArrayList<>();
            for (String s : RsnnTables.SESSIONS) {
                for (int k = 1; k <= 5; k++) runs.add(run(m, s, k, paper.value("r2_seed" + k, m, s), 0));
            }
            Table t = RsnnTables.table1(runs, paper);
            for (int row = 0; row < t.rowCount(); row++) {
                String s = t.stringColumn("session").get(row);
                assertEquals(paper.value("r2", m, s), t.doubleColumn(m).get(row), 0.0011, m + " " + s + " mean");
                assertEquals(paper.sd("r2", m, s), t.doubleColumn(m + "_sd").get(row), 0.0011, m + " " + s + " sd");
            }
        }
    }

    @Test
    void table1HasPaperColumnsAndNanForMissingRuns() {
        List<RsnnRun> runs = List.of(run("tinyRSNN", "I1", 1, 0.5, 100), run("tinyRSNN", "I1", 2, 0.7, 300), run("tinyRSNN", "L2", 1, 0.4, 10));
        Table t = RsnnTables.table1(runs, paper);
        assertEquals(7, t.rowCount());
        assertEquals(0.6, t.doubleColumn("tinyRSNN").get(0), 1e-12);
        assertEquals(0.1, t.doubleColumn("tinyRSNN_sd").get(0), 1e-12);
        assertEquals(2, t.intColumn("tinyRSNN_n").get(0));
        assertTrue(t.doubleColumn("tinyRSNN").isMissing(1), "no run: missing value");
        assertEquals(0.5, t.doubleColumn("tinyRSNN").get(6), 1e-12, "mean over the sessions present");
        assertEquals(2, t.intColumn("tinyRSNN_n").get(6));
        assertEquals(0.6774136, t.doubleColumn("SNN2_paper").get(0), 0);
        assertEquals(0, t.intColumn("bigRSNN_n").get(0));
    }

    @Test
    void table2RowsOnlyForModelsRunWithRecomputedMeans() {
        List<RsnnRun> runs = List.of(run("tinyRSNN", "I1", 1, 0.5, 100), run("tinyRSNN", "I1", 2, 0.7, 300));
        Table t = RsnnTables.table2(runs, paper);
        assertEquals(2, t.rowCount()); // I1 and mean
        assertEquals(200, t.doubleColumn("eff_acs").get(0), 1e-12);
        assertEquals(100, t.doubleColumn("eff_acs_sd").get(0), 1e-12);
        assertEquals(299, t.doubleColumn("eff_acs_paper").get(0), 0);
        assertEquals(213, t.doubleColumn("eff_acs_paper").get(1), 0);
        assertEquals(304.15, t.doubleColumn("eff_acs_paper_recomputed").get(1), 0);
    }

    @Test
    void runFilesRoundTripAndMerge(@TempDir Path dir) throws IOException {
        RsnnRun a = run("tinyRSNN", "I1", 1, 0.5, 100), b = run("bigRSNN", "L3", 2, 0.6, 1000);
        b.write(dir);
        Path pa = a.write(dir);
        assertEquals("tinyRSNN_I1_seed1.json", pa.getFileName().toString());
        assertEquals(List.of(b, a), RsnnRun.readAll(dir));
        assertEquals(List.of(), RsnnRun.readAll(dir.resolve("absent")));
        Files.writeString(dir.resolve("broken.json"), "{\"model\": \"tiny");
        IOException e = assertThrows(IOException.class, () -> RsnnRun.readAll(dir));
        assertTrue(e.getMessage().contains("broken.json"), e.getMessage());
    }

    @Test
    void badRunValuesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> run("tiny/RSNN", "I1", 1, 0.5, 0));
        assertTrue(e.getMessage().contains("model"));
        e = assertThrows(IllegalArgumentException.class, () -> run("tinyRSNN", "I1", 1, Double.NaN, 0));
        assertTrue(e.getMessage().contains("r2"));
    }

    @Test
    void publishedCsvErrorsNameTheLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> PublishedNumbers.parse("x", "metric,model\n", "x.csv"));
        assertTrue(e.getMessage().startsWith("x.csv:1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PublishedNumbers.parse("x",
                "metric,model,session,value,sd,source\nr2,a,b,zz,,s\n", "x.csv"));
        assertTrue(e.getMessage().startsWith("x.csv:2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PublishedNumbers.load("nopaper"));
        assertTrue(e.getMessage().contains("nopaper"));
    }
}
