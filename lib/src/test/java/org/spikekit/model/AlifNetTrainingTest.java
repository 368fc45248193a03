package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.images.ImageSet;
import org.spikekit.data.spiking.NMnistFile;
import org.spikekit.data.spiking.ShdFile;
import org.spikekit.train.AlifNetTrainer;

/** Blocks vs standard ALIF in {@link AlifNet} on tiny SHD / N-MNIST stand-ins. */
class AlifNetTrainingTest {
    final Backend be = new CpuBackend();

    static ShdFile.ShdSet shd(int n, int stream) {
        return ShdFile.synthetic(new ShdFile.Config(3, n, 0.4, 60, 1.5, 0.002), stream);
    }

    @Test
    void blocksAndStandardGiveIdenticalOutputsAtInitialisationWhenTheModelsAgree() {
        ShdFile.ShdSet s = shd(8, 0);
        var f = AlifNetTrainer.shd(s, 0.004, 110, false);
        int[] idx = {0, 1, 2, 3, 4, 5, 6, 7};
        var x = be.fromHost(f.frames(idx), 110, 8, 700);
        for (int arp : new int[] {0, 1, 5, 12}) {
            for (boolean recurrent : new boolean[] {true, false}) {
                AlifNet std = new AlifNet(be, AlifNet.Config.paper(700, 24, 20, recurrent, AlifNet.Kind.STANDARD, arp, 4), 9L);
                AlifNet blk = new AlifNet(be, AlifNet.Config.paper(700, 24, 20, recurrent, AlifNet.Kind.BLOCKS, arp, 4), 9L);
                for (AlifNet n : new AlifNet[] {std, blk}) be.fill(n.byName().get("in.b").value(), 0.3f);   // drive: spikes at init
                AlifNet.Pass a = std.forward(x, false), b = blk.forward(x, false);
                float[] sa = be.toHost(a.spikes());
                double spikes = 0;
                for (float v : sa) spikes += v;
                assertTrue(spikes > 50, "the hidden layer should spike, got " + spikes);
                assertArrayEquals(sa, be.toHost(b.spikes()), "spikes arp=" + arp);
                assertArrayEquals(be.toHost(a.logits()), be.toHost(b.logits()), "logits arp=" + arp);
            }
        }
    }

    @Test
    void blocksReachesAccuracyComparableToStandardOnTheShdStandIn() {
        var train = AlifNetTrainer.shd(shd(200, 0), 0.004, 110, false);
        var test = AlifNetTrainer.shd(shd(100, 1), 0.004, 110, false);
        var settings = AlifNetTrainer.Settings.paper(5, 1L).withBatch(25).withLr(2e-3f);
        AlifNet std = new AlifNet(be, AlifNet.Config.paper(700, 32, 20, true, AlifNet.Kind.STANDARD, 0, 4), 1L);
        AlifNet blk = new AlifNet(be, AlifNet.Config.paper(700, 32, 20, true, AlifNet.Kind.BLOCKS, 5, 4), 1L);
        var rs = AlifNetTrainer.fit(std, train, test, settings, null);
        var rb = AlifNetTrainer.fit(blk, train, test, settings, null);
        double as = rs.selected().testAccuracy(), ab = rb.selected().testAccuracy();
        assertEquals(5, rs.epochs().size());
        assertTrue(rs.last().trainLoss() < rs.epochs().get(0).trainLoss(), "standard training loss should fall");
        assertTrue(rb.last().trainLoss() < rb.epochs().get(0).trainLoss(), "Blocks training loss should fall");
        assertTrue(as > 0.5 && ab > 0.5, "both well above chance (0.05): standard " + as + ", Blocks " + ab);
        assertTrue(Math.abs(as - ab) <= 0.2, "comparable: standard " + as + ", Blocks " + ab);
    }

    @Test
    void nmnistStandInTrains() {
        ImageSet digits = org.spikekit.data.spiking.NMnistFileTestAccess.boxes();
        int[] tr = new int[60], te = new int[20];
        for (int i = 0; i < tr.length; i++) tr[i] = i % 10;
        for (int i = 0; i < te.length; i++) te[i] = i % 10;
        List<NMnistFile.Events> a = NMnistFile.synthetic(digits, tr, NMnistFile.Config.standard(1));
        List<NMnistFile.Events> b = NMnistFile.synthetic(digits, te, NMnistFile.Config.standard(2));
        var train = AlifNetTrainer.nmnist(a, 5, 60, false, true);
        var test = AlifNetTrainer.nmnist(b, 5, 60, false, true);
        AlifNet blk = new AlifNet(be, AlifNet.Config.paper(2312, 24, 10, false, AlifNet.Kind.BLOCKS, 3, 5), 2L);
        var r = AlifNetTrainer.fit(blk, train, test, AlifNetTrainer.Settings.paper(4, 2L).withBatch(20).withLr(3e-3f), null);
        assertTrue(r.last().trainLoss() < r.epochs().get(0).trainLoss(), "loss should fall: " + r.epochs());
        assertTrue(r.selected().testAccuracy() > 0.3, "above chance (0.1): " + r.selected());
    }
}
