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
        assertTrue(s.describe().contains("dt=2.0ms steps=600"), s.describe());
    }

    @Test
    void shdRunTrainsBothKinds() {
        ShdFile.ShdSet tr = ShdFile.synthetic(new ShdFile.Config(3, 60, 0.4, 60, 1.5, 0.002), 0);
        ShdFile.ShdSet te = ShdFile.synthetic(new ShdFile.Config(3, 40, 0.4, 60, 1.5, 0.002), 1);
        DataRecord r = new DataRecord("shd", "synthetic", "-", "", "", "");
        var data = new BlocksData.Shd(tr, te, r, r);
        var setup = BlocksSupervised.shdSetup(RunMode.QUICK);
        var setupSmall = new BlocksSupervised.Setup("shd", 4, 110, 16, true, false, true, setup.training().withBatch(20));
        for (AlifNet.Kind k : AlifNet.Kind.values()) {
            var run = BlocksSupervised.shd(new CpuBackend(), data, setupSmall, k, k == AlifNet.Kind.BLOCKS ? 5 : 0, 1L, null);
            assertEquals(setup.training().epochs(), run.result().epochs().size());
            assertTrue(run.result().last().trainLoss() < run.result().epochs().get(0).trainLoss(), k + ": " + run.result().epochs());
            assertTrue(run.model().contains(k.name()));
        }
    }
}
