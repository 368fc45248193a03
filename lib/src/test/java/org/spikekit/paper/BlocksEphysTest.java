package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.allen.AllenData;
import org.spikekit.data.allen.AllenStandin;
import org.spikekit.model.AlifNet;
import org.spikekit.train.EphysFitter;

class BlocksEphysTest {

    @Test
    void fitsStandInCellsWithBothKernelsAndTabulatesBesideThePaper(@TempDir Path dir) {
        var cells = AllenData.at(dir).load(DataChoice.SYNTHETIC, AllenStandin.Config.standard(5, 2), 10_000, 0);
        assertEquals(2, cells.cells().size());
        var q = BlocksEphys.setup(RunMode.QUICK);
        var s = new BlocksEphys.Setup(2, 2, q.arpSweepMs(), q.dsSweep(), EphysFitter.Settings.paper().withMaxEpochs(3), q.sigma());
        var be = new CpuBackend();
        var blocks = BlocksEphys.fit(be, cells.cells(), AlifNet.Kind.BLOCKS, 1, 2, s, null);
        var standard = BlocksEphys.fit(be, cells.cells(), AlifNet.Kind.STANDARD, 1, 2, s, null);
        var coarse = BlocksEphys.fit(be, cells.cells(), AlifNet.Kind.BLOCKS, 40, 2, s, null);
        for (var f : List.of(blocks, standard, coarse)) {
            for (var c : f.cells()) {
                assertTrue(Double.isFinite(c.etv()) && c.etv() < 1.5 && c.ceiling() > 0 && c.ceiling() <= 1, f.kind() + " " + c);
                assertEquals(3, c.prediction().size());
                assertEquals(10_000, c.prediction().getFirst().length);
                assertTrue(c.epochs() >= 1 && c.epochs() <= 3);
            }
        }
        var sum = BlocksEphys.summary(List.of(blocks, standard, coarse));
        assertEquals(3, sum.rowCount());
        assertEquals(0.80, sum.doubleColumn("paper_etv").get(0), 1e-12);
        assertEquals(0.79, sum.doubleColumn("paper_etv").get(1), 1e-12);
        assertEquals(0.67, sum.doubleColumn("paper_etv").get(2), 1e-12, "dt 4 ms on the DT panel");
        assertEquals(108.36, sum.doubleColumn("paper_fit_s_per_cell").get(1), 1e-12);
        assertTrue(sum.doubleColumn("paper_fit_s_per_cell").isMissing(2), "the paper times only the main setting");
        assertEquals(6, BlocksEphys.cells(List.of(blocks, standard, coarse)).rowCount());
        var rec = BlocksEphys.recovery(blocks, cells.truth());
        assertEquals(2, rec.rowCount());
        assertTrue(rec.doubleColumn("tau_adapt_true_ms").max() < 100, "stand-in truth stays within the model's clamp");
        assertEquals(4.0, coarse.dtMs(), 1e-12);
        assertEquals(1, coarse.ds() / 40);
        BlocksEphys.example(cells.cells().getFirst(), java.util.Map.of("blocks", blocks.cells().getFirst()));
        BlocksEphys.sweep("t", "x", List.of(blocks, coarse), false);
        // the 0.05-ms control: the same cells at 20 kHz drive the neurons, scored on the 0.1-ms grid
        var fine20k = AllenData.at(dir).load(DataChoice.SYNTHETIC, AllenStandin.Config.standard(5, 2), 20_000, 0);
        var fine = BlocksEphys.fitFine(be, cells.cells(), fine20k.cells(), AlifNet.Kind.BLOCKS, 2, s, null);
        assertEquals(0.05, fine.dtMs(), 1e-12);
        assertEquals(10_000, fine.cells().getFirst().prediction().getFirst().length);
        assertTrue(Double.isFinite(fine.cells().getFirst().etv()));
        assertEquals(0.78, BlocksEphys.summary(List.of(fine)).doubleColumn("paper_etv").get(0), 1e-12);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BlocksEphys.fitFine(be, cells.cells(), cells.cells(), AlifNet.Kind.BLOCKS, 2, s, null));
        assertTrue(e.getMessage().contains("half the time step"), e.getMessage());
    }
}
