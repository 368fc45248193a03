package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.model.ReleasedRsnn;
import org.spikekit.model.Rsnn;
import org.spikekit.nir.NirExport;
import org.spikekit.nir.NirGraph;
import org.spikekit.testing.ReferenceSets;
import tech.tablesaw.api.Table;

/** The tables of notebook 50: the kit's own reading of an export is exact, NIR's differs, every example file runs. */
class NirInteropTest {
    final Backend be = new CpuBackend();

    @Test
    void readingsExamplesAndModels() {
        Path ck = ReferenceSets.set("rsnn-released").resolve("models/indy02/tinyRSNN-2.pth");
        Rsnn m = ReleasedRsnn.load(be, ck).model();
        NirGraph g = NirExport.rsnn(m);
        Tensor x = NirInterop.bernoulli(be, 800, 1, 96, 0.08, 3);
        List<NirInterop.Reading> rs = NirInterop.readings(be, g, x);
        Table t = NirInterop.compare(m, x, rs);
        assertEquals(3, t.rowCount());
        assertEquals(0, t.intColumn("spikes_differing").get(0), "the kit's reading is the model");
        assertEquals(0.0, t.doubleColumn("max_abs_pred_diff").get(0), 0.0);
        assertTrue(t.intColumn("kit_spikes").get(0) > 0);
        assertTrue(t.intColumn("spikes_differing").get(1) > 0, "NIR's same-step reset changes the spikes");

        Table ex = NirInterop.examples(be, ReferenceSets.set("nir"), 1e-4, 300, 1);
        assertEquals(5, ex.rowCount());
        assertEquals(2, ex.stringColumn("cycle").countOccurrences("yes"), "the two Braille graphs are recurrent");

        Table graph = NirInterop.graph(g);
        assertEquals(g.nodes().size(), graph.rowCount());
        Table models = NirInterop.modelsTable();
        assertEquals(2 + NirExport.NOT_EXPORTABLE.size(), models.rowCount());
    }
}
