package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.SequenceModel;
import org.spikekit.data.SequenceSet;
import org.spikekit.train.SpikeRegularizer;
import org.spikekit.train.Trainer;

/**
 * SNN2 and SNN3, trained unchanged by the existing {@link Trainer} (RMSE, SMORMS3, cosine schedule,
 * no activity regulariser) on the synthetic velocity-decoding task of {@link RsnnEndToEndTest}
 * (cosine-tuned Bernoulli spikes driven by a smooth random 2-D velocity), clearly improve the
 * validation R².
 */
class SnnTrainingTest {
    final Backend be = new CpuBackend();
    static final int CHANNELS = 32, STEPS = 150;

    private Trainer.History train(SequenceModel m, int epochs, float lr) {
        SequenceSet tr = RsnnEndToEndTest.synthetic(32, STEPS, CHANNELS, 1L), val = RsnnEndToEndTest.synthetic(8, STEPS, CHANNELS, 2L);
        Trainer.Config cfg = new Trainer.Config(epochs, 8, lr, 1e-16f, 0, SpikeRegularizer.none(), true, 3L);
        long t0 = System.nanoTime();
        Trainer.History h = new Trainer(cfg).fit(m, tr, val, null);
        StringBuilder log = new StringBuilder(m.getClass().getSimpleName() + String.format(": initial val R2 %.3f", h.initialValR2()));
        for (Trainer.Epoch e : h.epochs()) {
            log.append(String.format("%n epoch %d lr %.4f loss %.4f train R2 %.3f val R2 %.3f", e.epoch(), e.lr(), e.loss(), e.trainR2(), e.valR2()));
        }
        log.append(String.format("%n %.1f s", (System.nanoTime() - t0) * 1e-9));
        System.out.println(log);
        return h;
    }

    @Test
    void snn2LearnsSyntheticVelocityDecoding() {
        Snn2 m = new Snn2(be, Snn2.Config.neuroBench(CHANNELS), 7L);
        Trainer.History h = train(m, 15, 1e-2f);
        assertTrue(h.last().valR2() > 0.3 && h.last().valR2() > h.initialValR2() + 0.3, "val R2 " + h.last().valR2());
    }

    @Test
    void snn3LearnsSyntheticVelocityDecoding() {
        Snn3 m = new Snn3(be, Snn3.Config.neuroBench(CHANNELS), 7L);
        Trainer.History h = train(m, 15, 1e-2f);
        assertTrue(h.last().valR2() > 0.3 && h.last().valR2() > h.initialValR2() + 0.3, "val R2 " + h.last().valR2());
    }
}
