package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.DataRecord;
import org.spikekit.data.RunMode;
import org.spikekit.data.spiking.BlocksData;
import org.spikekit.data.spiking.ShdFile;
import org.spikekit.model.AlifNet;

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
    void paperSetupsUseCountFramesAndTheReleasedArpReading() {
        for (RunMode m : RunMode.values()) {
            for (var s : java.util.List.of(BlocksSupervised.shdSetup(m), BlocksSupervised.nmnistSetup(m))) {
                assertFalse(s.binary(), s.describe());
                assertEquals("counts", s.frames());
                assertEquals(BlocksSupervised.ArpReading.RELEASED_MS_TO_STEPS, s.arpReading());
                assertTrue(s.describe().contains("count-frames") && s.describe().contains("arp-reading=released-ms-to-steps"), s.describe());
                var b = s.withBinary(true).withArpReading(BlocksSupervised.ArpReading.FIGURE_LABELS);
                assertEquals("binary", b.frames());
                assertTrue(b.describe().contains("binary-frames") && b.describe().contains("arp-reading=figure-labels"), b.describe());
            }
        }
    }

    @Test
    void arpReadingsTurnTheAuthorsArgumentIntoSteps() {
        var released = BlocksSupervised.ArpReading.RELEASED_MS_TO_STEPS;
        var figure = BlocksSupervised.ArpReading.FIGURE_LABELS;
        var shd = BlocksSupervised.shdSetup(RunMode.FULL);
        var refacs = BlocksSupervised.absRefacs("shd", RunMode.FULL);
        assertEquals(java.util.List.of(10, 20, 30, 40, 50), refacs);
        // released scripts/supervised/train.py: int(abs_refac / dt) at dt 2 ms -> 5..25 steps = 10..50 ms
        assertEquals(java.util.List.of(5, 10, 15, 20, 25), refacs.stream().map(shd::arpSteps).toList());
        // the figure notebook: ARP = abs_refac * dt -> 10..50 steps = 20..100 ms
        assertEquals(java.util.List.of(10, 20, 30, 40, 50), refacs.stream().map(shd.withArpReading(figure)::arpSteps).toList());
        assertEquals(20.0, figure.ms("shd", 10), 0);
        assertEquals(10.0, released.ms("shd", 10), 0);
        // N-MNIST: the figure's dt is 1 ms, so both readings agree
        var nm = BlocksSupervised.nmnistSetup(RunMode.FULL);
        for (int a : BlocksSupervised.absRefacs("nmnist", RunMode.FULL)) {
            assertEquals(a, nm.arpSteps(a));
            assertEquals(a, nm.withArpReading(figure).arpSteps(a));
        }
        // quick mode: values that divide the quick time steps (SHD dt 4 ms, N-MNIST dt 5 ms)
        var shdQ = BlocksSupervised.shdSetup(RunMode.QUICK);
        assertEquals(java.util.List.of(5, 10), BlocksSupervised.absRefacs("shd", RunMode.QUICK).stream().map(shdQ::arpSteps).toList());
        assertEquals(java.util.List.of(10, 20), BlocksSupervised.absRefacs("shd", RunMode.QUICK).stream().map(shdQ.withArpReading(figure)::arpSteps).toList());
        var nmQ = BlocksSupervised.nmnistSetup(RunMode.QUICK);
        assertEquals(java.util.List.of(2, 4), BlocksSupervised.absRefacs("nmnist", RunMode.QUICK).stream().map(nmQ::arpSteps).toList());
        assertEquals(released, BlocksSupervised.ArpReading.of("released-ms-to-steps"));
        assertEquals(figure, BlocksSupervised.ArpReading.of("FIGURE_LABELS"));
        assertThrows(IllegalArgumentException.class, () -> BlocksSupervised.ArpReading.of("steps"));
        assertThrows(IllegalArgumentException.class, () -> BlocksSupervised.absRefacs("cifar", RunMode.QUICK));
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
            // abs_refac 20 (ms, released reading) = 5 steps at dt 4 ms
            var run = BlocksSupervised.shd(new CpuBackend(), data, setupSmall, k, k == AlifNet.Kind.BLOCKS ? 20 : 0, 1L, null);
            assertEquals(k == AlifNet.Kind.BLOCKS ? 5 : 0, run.arp());
            assertEquals(setup.training().epochs(), run.result().epochs().size());
            assertTrue(run.result().last().trainLoss() < run.result().epochs().get(0).trainLoss(), k + ": " + run.result().epochs());
            assertTrue(run.model().contains(k.name()));
            runs.add(run);
        }
        // a standard run at a Blocks ARP is not a Fig. 4 row
        runs.add(BlocksSupervised.shd(new CpuBackend(), data, setupSmall.withLayers(2), AlifNet.Kind.STANDARD, 20, 1L, null));
        // the figure's reading: abs_refac 10 = 10 steps at 2 ms = 20 ms = 5 steps at 4 ms, the bar labelled 20 ms
        runs.add(BlocksSupervised.shd(new CpuBackend(), data, setupSmall.withArpReading(BlocksSupervised.ArpReading.FIGURE_LABELS),
                AlifNet.Kind.BLOCKS, 10, 1L, null));
        var fig4 = BlocksSupervised.figure4Table(runs);
        assertEquals(3, fig4.rowCount(), fig4.print());
        // sorted: blocks figure-labels, blocks released, standard
        assertEquals(java.util.List.of("blocks", "blocks", "standard"), fig4.stringColumn("neuron").asList());
        assertEquals(java.util.List.of("figure-labels", "released-ms-to-steps", "released-ms-to-steps"), fig4.stringColumn("arp_reading").asList());
        assertEquals(java.util.List.of("binary", "binary", "binary"), fig4.stringColumn("frames").asList());
        assertEquals(java.util.List.of(10, 20, 0), fig4.intColumn("abs_refac").asList());
        assertEquals(java.util.List.of(5, 5, 0), fig4.intColumn("arp_steps").asList());
        assertEquals(20.0, fig4.doubleColumn("arp_ms").get(0), 1e-12);
        assertEquals(20.0, fig4.doubleColumn("arp_ms").get(1), 1e-12);
        assertEquals(20.0, fig4.doubleColumn("paper_arp_ms_label").get(0), 1e-12);
        assertEquals(40.0, fig4.doubleColumn("paper_arp_ms_label").get(1), 1e-12);   // bar "40 ms" ran 20 ms under the released reading
        assertEquals(0.86, fig4.doubleColumn("paper_test_acc").get(0), 1e-12);
        assertEquals(0.84, fig4.doubleColumn("paper_test_acc").get(1), 1e-12);
        assertEquals(0.875, fig4.doubleColumn("paper_test_acc").get(2), 1e-12);
        assertEquals(265, fig4.doubleColumn("paper_epoch_s").get(2), 1e-12);
        var chart = BlocksSupervised.figure4("shd", fig4);
        assertTrue(chart.getSeriesMap().containsKey("Blocks (paper ≈, ARP as figure-labels)"), chart.getSeriesMap().keySet().toString());
        assertTrue(chart.getSeriesMap().containsKey("Blocks (paper ≈, ARP as released-ms-to-steps)"), chart.getSeriesMap().keySet().toString());
        var table = BlocksSupervised.table(runs);
        assertEquals(runs.size(), table.rowCount());
        assertTrue(table.columnNames().containsAll(java.util.List.of("arp_reading", "frames", "abs_refac", "arp", "arp_ms")), table.columnNames().toString());
        assertEquals(java.util.List.of(10, 20, 30, 40, 50), BlocksSupervised.absRefacs("shd", RunMode.FULL));
        assertEquals(3, BlocksSupervised.seeds(RunMode.FULL, 1).size());
    }
}
