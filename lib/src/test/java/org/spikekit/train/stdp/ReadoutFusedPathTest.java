package org.spikekit.train.stdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.data.spiking.SpikingDataset;
import org.spikekit.data.spiking.SyntheticSpiking;

/**
 * {@link ReadoutTrainer#trainEpoch} folds each sample's L1 rescale into the next sample's forward
 * and weight pass (w_norm configs); one {@link ReadoutTrainer#trainSample} call at a time, and an
 * epoch with an observer, write it out after every sample. All must give the same bits.
 */
class ReadoutFusedPathTest {

    private static SpikeNnConfig scaled(String name, double spikes) {
        SpikeNnConfig c = SpikeNnConfig.resource("STDP-CSNN/MNIST/" + name + ".json");
        SpikeNnConfig.Network n = c.network();
        float theta = (float) Math.rint(0.5 * spikes * n.wInitMean());
        return new SpikeNnConfig(new SpikeNnConfig.Network(n.nNeurons(), theta, n.wInitNormal(), n.wInitMean(), n.wInitStd(), n.wNorm(),
                n.wMin(), n.wMax(), n.leakTau()), c.optimizer(), c.regularizer(), c.trainer());
    }

    @Test
    void epochWithDeferredRescaleEqualsSampleBySampleTraining() {
        int d = 301;                                        // not a multiple of 8: blocks with a remainder
        SyntheticSpiking gen = new SyntheticSpiking(d, 10, 40, 0.3, 1);
        SpikingDataset train = gen.sample(120, 2), test = gen.sample(60, 3);
        double spikes = train.totalSpikes() / (double) train.size();
        for (String name : new String[] {"s2stdp", "s2stdp+ncg", "s2stdp+ncg-cr-drop"}) {
            SpikeNnConfig cfg = scaled(name, spikes);
            assertTrue(cfg.network().wNorm(), name);
            ReadoutTrainer epoch = new ReadoutTrainer(cfg, d, 10, train.maxCount(), 3, false);
            ReadoutTrainer single = new ReadoutTrainer(cfg, d, 10, train.maxCount(), 3, false);
            ReadoutTrainer observed = new ReadoutTrainer(cfg, d, 10, train.maxCount(), 3, false);
            int[] seen = new int[1];
            observed.setObserver((y, thr, out, win) -> seen[0]++);
            int[] idx = new int[train.maxCount()];
            float[] ts = new float[train.maxCount()];
            // the first epoch sample by sample (a later one would also need trainEpoch's CR-2 reset)
            double a = epoch.trainEpoch(train);
            int ok = 0;
            for (int s = 0; s < train.size(); s++) {
                int c = train.copySample(s, idx, ts);
                if (single.trainSample(idx, ts, c, train.label(s))) ok++;
            }
            assertEquals(a, ok / (double) train.size(), 0.0, name);
            assertArrayEquals(single.weightsByNeuron(), epoch.weightsByNeuron(), 0f, name);
            assertEquals(single.accuracy(test), epoch.accuracy(test), 0.0, name);
            // with an observer every epoch writes each rescale at once
            assertEquals(a, observed.trainEpoch(train), 0.0, name);
            for (int e = 1; e < 3; e++) {
                assertEquals(epoch.trainEpoch(train), observed.trainEpoch(train), 0.0, name + " epoch " + e);
                assertArrayEquals(observed.weightsByNeuron(), epoch.weightsByNeuron(), 0f, name + " epoch " + e);
                assertEquals(observed.accuracy(test), epoch.accuracy(test), 0.0, name + " epoch " + e);
            }
            assertEquals(3 * train.size(), seen[0]);
        }
    }
}
