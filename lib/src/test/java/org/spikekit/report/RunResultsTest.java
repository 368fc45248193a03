package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class RunResultsTest {

    @TempDir Path dir;

    static RunResult result(String paper, String model, Long seed, Map<String, Double> metrics) {
        return new RunResult(paper, model, "single", "s1", seed, "quick", "synthetic", "x synthetic sha256=00", "k", "{}", null, "released",
                metrics, 2.5, "cpu", "abc");
    }

    static Map<String, Double> metrics(Object... nameValue) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) m.put((String) nameValue[i], (Double) nameValue[i + 1]);
        return m;
    }

    @Test
    void tableHasTheCommonColumnsThenTheUnionOfMetricsInFirstSeenOrder() {
        RunResult a = result("rsnn", "tinyRSNN", 1L, metrics("r2", 0.7, "eff_acs", 300.0));
        RunResult b = result("spikenn", "S2-STDP", null, metrics("test_acc", 0.9, "r2", 0.5));
        Table t = RunResults.table(List.of(a, b));
        assertEquals("run_results", t.name());
        assertEquals(List.of("paper", "model", "setting", "dataset", "seed", "mode", "data", "semantics", "wall_s", "r2", "eff_acs", "test_acc",
                "backend", "code", "key", "data_checksums", "config", "recipe"), t.columnNames());
        assertEquals(2, t.rowCount());
        assertEquals("rsnn", t.stringColumn("paper").get(0));
        assertEquals("S2-STDP", t.stringColumn("model").get(1));
        assertEquals(1L, t.longColumn("seed").get(0));
        assertTrue(t.longColumn("seed").isMissing(1), "a run without seed has an empty seed cell");
        assertEquals(0.7, t.doubleColumn("r2").get(0));
        assertEquals(0.5, t.doubleColumn("r2").get(1));
        assertEquals(300.0, t.doubleColumn("eff_acs").get(0));
        assertTrue(t.doubleColumn("eff_acs").isMissing(1), "a metric the run lacks is missing");
        assertTrue(t.doubleColumn("test_acc").isMissing(0));
        assertEquals(0.9, t.doubleColumn("test_acc").get(1));
        assertEquals(2.5, t.doubleColumn("wall_s").get(0));
        assertTrue(t.stringColumn("recipe").isMissing(0), "a null field is an empty cell");
    }

    @Test
    void theOverviewLeavesOutTheLongColumns() {
        RunResult a = result("rsnn", "tinyRSNN", 1L, metrics("r2", 0.7));
        Table o = RunResults.overview(List.of(a));
        assertEquals(List.of("paper", "model", "setting", "dataset", "seed", "mode", "data", "semantics", "wall_s", "r2", "backend", "code", "key"),
                o.columnNames());
        assertEquals(0.7, o.doubleColumn("r2").get(0));
    }

    @Test
    void anEmptyListGivesTheCommonColumnsAndNoRows() {
        Table t = RunResults.table(List.of());
        assertEquals(RunResult.COLUMNS, t.columnNames());
        assertEquals(0, t.rowCount());
    }

    @Test
    void metricsKeepTheirOrderAndCannotBeChanged() {
        RunResult r = result("rsnn", "m", 1L, metrics("z", 1.0, "a", 2.0, "m", 3.0));
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(r.metrics().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> r.metrics().put("b", 1.0));
        assertEquals(2.0, r.metric("a"));
        assertTrue(Double.isNaN(r.metric("absent")));
        assertSame(r, r.runResult());
    }

    @Test
    void badMetricNamesAreRefusedNamingTheRunAndTheMetric() {
        Map<String, Double> nullName = new HashMap<>();
        nullName.put(null, 1.0);
        var e = assertThrows(IllegalArgumentException.class, () -> result("rsnn", "tinyRSNN", 1L, nullName));
        assertTrue(e.getMessage().contains("rsnn/tinyRSNN") && e.getMessage().contains("metric name must be non-blank, got null"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> result("rsnn", "tinyRSNN", 1L, metrics(" ", 1.0)));
        assertTrue(e.getMessage().contains("non-blank, got ' '"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> result("rsnn", "tinyRSNN", 1L, metrics("r2", 1.0, "R2", 2.0)));
        assertTrue(e.getMessage().contains("metric 'R2' is given twice (as 'r2'; names are matched ignoring case)"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new RunResult.Metrics("spikenn/x").put("test_acc", 1).put("test_acc", 2));
        assertEquals("RunResult.metrics of spikenn/x: metric 'test_acc' is given twice", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> result("rsnn", "tinyRSNN", 1L, metrics("Seed", 1.0)));
        assertTrue(e.getMessage().contains("metric 'Seed' has the name of a common column"), e.getMessage());

        Map<String, Double> nullValue = new HashMap<>();
        nullValue.put("r2", null);
        e = assertThrows(IllegalArgumentException.class, () -> result("rsnn", "tinyRSNN", 1L, nullValue));
        assertTrue(e.getMessage().contains("metric 'r2' has no value (null)"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> result("rsnn", "tinyRSNN", 1L, null));
        assertTrue(e.getMessage().contains("RunResult.metrics of rsnn/tinyRSNN must not be null"), e.getMessage());
    }

    @Test
    void aRunWithoutPaperOrModelIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> result(null, "m", 1L, Map.of()));
        assertEquals("RunResult.paper must be a non-blank label, got null (run of m)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> result("rsnn", "", 1L, Map.of()));
        assertEquals("RunResult.model must be a non-blank label, got '' (run of rsnn)", e.getMessage());
    }

    @Test
    void badListsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> RunResults.table(null));
        assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
        List<RunResult> withNull = Arrays.asList(result("rsnn", "m", 1L, Map.of()), null);
        e = assertThrows(IllegalArgumentException.class, () -> RunResults.table(withNull));
        assertEquals("RunResults.table: run 1 of 2 is null", e.getMessage());
        RunResults.Source none = () -> null;
        e = assertThrows(IllegalArgumentException.class, () -> RunResults.table(List.of(none)));
        assertTrue(e.getMessage().startsWith("RunResults.table: run 0 (") && e.getMessage().endsWith("gave no result (null)"), e.getMessage());
        // metric names that differ only in case, across runs: one table cannot hold both
        e = assertThrows(IllegalArgumentException.class,
                () -> RunResults.table(List.of(result("rsnn", "a", 1L, metrics("r2", 1.0)), result("spikachu", "b", 1L, metrics("R2", 1.0)))));
        assertTrue(e.getMessage().contains("metric 'R2' of run 1 (spikachu/b) differs only in case from metric 'r2' of an earlier run"), e.getMessage());
    }

    @Test
    void csvIsWrittenWholeWithEmptyCellsForMissingValues() throws Exception {
        RunResult a = result("rsnn", "tinyRSNN", 1L, metrics("r2", 0.75));
        RunResult b = result("spikenn", "S2-STDP", null, metrics("test_acc", 0.5));
        Path f = RunResults.writeCsv(dir.resolve("runs.csv"), List.of(a, b));
        assertEquals(dir.resolve("runs.csv"), f);
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        assertEquals(3, lines.size());
        assertEquals("paper,model,setting,dataset,seed,mode,data,semantics,wall_s,r2,test_acc,backend,code,key,data_checksums,config,recipe", lines.get(0));
        assertEquals("rsnn,tinyRSNN,single,s1,1,quick,synthetic,released,2.5,0.75,,cpu,abc,k,x synthetic sha256=00,{},", lines.get(1));
        assertEquals("spikenn,S2-STDP,single,s1,,quick,synthetic,released,2.5,,0.5,cpu,abc,k,x synthetic sha256=00,{},", lines.get(2));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary file is left beside it");
        }
        assertEquals(String.join("\n", lines) + "\n", Files.readString(RunResults.writeCsv(dir.resolve("again.csv"), RunResults.table(List.of(a, b)))),
                "the list and the table forms write the same text");
    }
}
