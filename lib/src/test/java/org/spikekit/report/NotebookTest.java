package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataRecord;
import org.spikekit.data.RunMode;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class NotebookTest {
    @TempDir Path root;

    @BeforeEach
    void project() throws IOException {
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.createDirectories(root.resolve("notebooks/sub"));
    }

    private Notebook begin(Map<String, String> env) {
        return Notebook.begin("01_demo", "demo", env::get, root.resolve("notebooks/sub"));
    }

    private static Table table() {
        return Table.create("t", StringColumn.create("session", "I1", "I2"),
                DoubleColumn.create("r2", 0.75, 0.55));
    }

    @Test
    void readsSettingsFromEnvironmentWithDefaults() {
        Notebook nb = begin(Map.of());
        assertEquals(RunMode.QUICK, nb.mode());
        assertEquals(DataChoice.AUTO, nb.data());
        assertEquals("cpu", nb.backend());
        assertEquals(1, nb.seed());
        assertEquals(root.toAbsolutePath().normalize(), nb.root(), "root found by walking up from the cwd");

        Notebook full = begin(Map.of("MODE", "FULL", "DATA", "synthetic", "BACKEND", "nd4j", "SEED", "42"));
        assertEquals(RunMode.FULL, full.mode());
        assertEquals(DataChoice.SYNTHETIC, full.data());
        assertEquals("nd4j", full.backend());
        assertEquals(42, full.seed());
    }

    @Test
    void badSettingsNameTheVariableAndTheChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> begin(Map.of("MODE", "fast")));
        assertTrue(e.getMessage().contains("MODE") && e.getMessage().contains("quick"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> begin(Map.of("DATA", "maybe")));
        assertTrue(e.getMessage().contains("DATA") && e.getMessage().contains("synthetic"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> begin(Map.of("SEED", "one")));
        assertTrue(e.getMessage().contains("SEED"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Notebook.begin("Bad Name", "g", k -> null, root));
        assertTrue(e.getMessage().contains("Bad Name"), e.getMessage());
    }

    @Test
    void missingRootIsAClearError(@TempDir Path elsewhere) {
        var e = assertThrows(IllegalStateException.class,
                () -> Notebook.begin("x", "x", k -> null, elsewhere));
        assertTrue(e.getMessage().contains("SPIKEKIT_HOME"), e.getMessage());
    }

    @Test
    void tableWritesCsvAndProvenance() throws IOException {
        Notebook nb = begin(Map.of("SEED", "7")).config("hidden", 64).device("test-device");
        nb.dataFile(new DataRecord("indy_20160622_01", "synthetic", "data/synthetic/x.mat", "ab".repeat(32), "gen v1"));
        Path csv = nb.table("table1_r2", table());
        assertEquals(root.resolve("results/demo/table1_r2.csv"), csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(List.of("session,r2", "I1,0.75", "I2,0.55"), lines);

        Provenance p = Provenance.read(root.resolve("results/demo/table1_r2.provenance.json"));
        assertEquals("01_demo", p.notebook());
        assertEquals("table1_r2", p.section());
        assertEquals("quick", p.mode());
        assertEquals("cpu", p.backend());
        assertEquals("test-device", p.device());
        assertEquals(7, p.seed());
        assertEquals(64, p.config().get("hidden"));
        assertEquals(1, p.dataFiles().size());
        assertEquals("synthetic", p.dataFiles().get(0).source());
        assertFalse(p.gitCommit().isBlank());
        assertFalse(p.kitVersion().isBlank());
        assertTrue(p.jvm().contains(System.getProperty("java.version")));
        assertTrue(p.cores() >= 1);
        assertEquals(List.of(csv, csv.resolveSibling("table1_r2.provenance.json")), nb.written());
    }

    @Test
    void figureWritesPngSvgAndProvenanceAndReturnsTheImage() throws IOException {
        Notebook nb = begin(Map.of());
        XYChart c = new XYChartBuilder().width(320).height(200).title("t").build();
        c.addSeries("s", new double[] {0, 1, 2}, new double[] {0, 1, 4});
        var img = nb.figure("fig_demo", c);
        assertEquals(320, img.getWidth());
        Path dir = root.resolve("figures/demo");
        byte[] png = Files.readAllBytes(dir.resolve("fig_demo.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(Files.readString(dir.resolve("fig_demo.svg")).contains("<svg"));
        assertEquals("fig_demo", Provenance.read(dir.resolve("fig_demo.provenance.json")).section());
    }

    @Test
    void failedTableWriteLeavesNothingInResults() throws IOException {
        Notebook nb = begin(Map.of());
        // A folder where the CSV should go makes the final rename fail after the content was written.
        Files.createDirectories(root.resolve("results/demo/broken.csv/child"));
        assertThrows(RuntimeException.class, () -> nb.table("broken", table()));
        try (var s = Files.list(root.resolve("results/demo"))) {
            assertEquals(List.of(root.resolve("results/demo/broken.csv")), s.toList(),
                    "no temporary file and no provenance may be left");
        }
        assertTrue(nb.written().isEmpty());
    }

    @Test
    void badSectionNameIsRejectedBeforeWriting() {
        Notebook nb = begin(Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> nb.table("../escape", table()));
        assertTrue(e.getMessage().contains("../escape"));
        assertFalse(Files.exists(root.resolve("results")));
    }
}
