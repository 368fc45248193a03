package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.BlocksData;
import org.spikekit.data.ShdFile;
import org.spikekit.model.AlifNet;
import org.spikekit.report.DataRecord;
import org.spikekit.report.RunMode;

class BlocksSupervisedTest {
    @Test
    void setupsFollowThePaperInFullMode() {
        var s = BlocksSupervised.shdSetup(RunMode.FULL);
        assertEquals(2.0, s.dtMs());
        assertEquals(600, s.steps());
        assertEquals(256, s.hidden());
        assertEquals(40, s.training().epochs());
        assertEquals(15, s.training().decayEpoch());
        assertEquals(64, s.training().batch());
        assertEquals(1e-5f, s.training().eps());
        var n = BlocksSupervised.nmnistSetup(RunMode.FULL);
        assertEquals(400, n.steps());
        assertTrue(n.fold());
        assertEquals(20, n.training().epochs());
        assertTrue(s.describe().contains("dt=2.0ms steps=600 hidden=2x256"), s.describe());
        assertEquals(2, s.layers());
    }

    @Test
    void shdRunTrainsBothKinds() {
        ShdFile.ShdSet tr = ShdFile.synthetic(new ShdFile.Config(3, 60, 0.4, 60, 1.5, 0.002), 0);
        ShdFile.ShdSet te = ShdFile.synthetic(new ShdFile.Config(3, 40, 0.4, 60, 1.5, 0.002), 1);
        DataRecord r = new DataRecord("shd", "synthetic", "-", "", "", "");
        var data = new BlocksData.Shd(tr, te, r, r);
        var setup = BlocksSupervised.shdSetup(RunMode.QUICK);
        var setupSmall = new BlocksSupervised.Setup("shd", 4, 110, 16, true, false, true, setup.training().withBatch(20));
        var runs = new java.util.ArrayList<BlocksSupervised.Run>();
        for (AlifNet.Kind k : AlifNet.Kind.values()) {
            var run = BlocksSupervised.shd(new CpuBackend(), data, setupSmall, k, k == AlifNet.Kind.BLOCKS ? 5 : 0, 1L, null);
            assertEquals(setup.training().epochs(), run.result().epochs().size());
            assertTrue(run.result().last().trainLoss() < run.result().epochs().get(0).trainLoss(), k + ": " + run.result().epochs());
            assertTrue(run.model().contains(k.name()));
            runs.add(run);
        }
        // a standard run at a Blocks ARP is not a Fig. 4 row; Blocks at 5 steps x 4 ms = 20 ms has the paper's SHD value
        runs.add(BlocksSupervised.shd(new CpuBackend(), data, setupSmall.withLayers(2), AlifNet.Kind.STANDARD, 5, 1L, null));
        var fig4 = BlocksSupervised.figure4Table(runs);
        assertEquals(2, fig4.rowCount(), fig4.print());
        assertEquals("blocks", fig4.stringColumn("neuron").get(0));
        assertEquals(20.0, fig4.doubleColumn("arp_ms").get(0), 1e-12);
        assertEquals(0.86, fig4.doubleColumn("paper_test_acc").get(0), 1e-12);
        assertEquals(0.875, fig4.doubleColumn("paper_test_acc").get(1), 1e-12);
        assertEquals(265, fig4.doubleColumn("paper_epoch_s").get(1), 1e-12);
        BlocksSupervised.figure4("shd", fig4);
        assertEquals(java.util.List.of(10, 20, 30, 40, 50), BlocksSupervised.arps("shd", RunMode.FULL));
        assertEquals(3, BlocksSupervised.seeds(RunMode.FULL, 1).size());
    }
}
