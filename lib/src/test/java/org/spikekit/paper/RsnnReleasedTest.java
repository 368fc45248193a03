package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.reaching.ODohertyData;
import org.spikekit.model.ReleasedRsnn;
import org.spikekit.testing.ReferenceSets;
import tech.tablesaw.api.Table;

/** Notebook 14's tables: the released models' static metrics, the golden pass, and a decode on a stand-in. */
class RsnnReleasedTest {
    final CpuBackend be = new CpuBackend();
    final Path set = ReferenceSets.set("rsnn-released");

    @Test
    void staticMetricsAreAllPublishedAndTheGoldenPassIsExact() {
        Table t = RsnnReleased.staticMetrics(be, set);
        assertEquals(ReleasedRsnn.checkpoints(set).size(), t.rowCount());
        for (String c : List.of("footprint_published", "conn_sparsity_published", "dense_published")) {
            assertTrue(t.stringColumn(c).asList().stream().allMatch("yes"::equals), c);
        }
        assertTrue(t.stringColumn("published_entries").asList().stream().noneMatch(String::isEmpty), "every checkpoint matches an entry");
        Table m = RsnnReleased.staticMultisets(be, set);
        assertTrue(m.stringColumn("equal").asList().stream().allMatch("yes"::equals), m.print());
        Table g = RsnnReleased.golden(be, set);
        assertTrue(g.rowCount() >= 1);
        assertEquals(0, g.intColumn("spike_mismatches").sum(), 0.0);
        assertTrue(g.doubleColumn("max_abs_pred_diff").max() <= 1e-3);
    }

    @Test
    void decodesTheStandInOfItsSessionAndSaysSo(@TempDir Path root) {
        RsnnPaper paper = new RsnnPaper(ODohertyData.at(root.resolve("data")), DataChoice.AUTO, RunMode.QUICK, be,
                root.resolve("results/rsnn"), s -> {});
        Path ck = set.resolve("models/indy01/tinyRSNN-1.pth");
        RsnnReleased.Decoded d = RsnnReleased.decode(paper, be, set, ck);
        assertEquals("synthetic", d.data());
        assertEquals("I1", d.label());
        assertEquals(d.steps() * 64, d.spikes().length);
        assertEquals(d.steps() * 2, d.pred().length);
        assertTrue(Double.isFinite(d.r2()));
        assertTrue(d.activationSparsity() > 0 && d.activationSparsity() < 1, "the released model spikes on the stand-in");
        assertFalse(d.publishedR2().isEmpty());
        Table t = RsnnReleased.decodedTable(List.of(d));
        assertEquals("synthetic", t.stringColumn("data").get(0));
    }
}
