package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.SequenceSet;
import org.spikekit.model.Rsnn;

/**
 * The two readings of an epoch's training R²: over the whole epoch, and as the RSNN code reports it
 * (per batch against the batch's own target mean, rounded to 3 decimals, averaged over batches),
 * recomputed by hand from the training predictions of a model that does not change (a learning rate too small to move a weight, no dropout).
 */
class TrainerR2ReadingsTest {
    final Backend be = new CpuBackend();

    @Test
    void batchMeanReadingIsTheMeanOfRoundedPerBatchR2() {
        SequenceSet train = TinyTask.velocity(10, 40, 10, 3L);
        Rsnn m = TinyTask.model(be, train, 8, 2L);
        Rsnn frozen = new Rsnn(be, m.config().withDropout(0f, 0f), 2L);
        for (var p : m.parameters()) be.copy(p.value(), frozen.byName().get(p.name()).value());
        Trainer.Config cfg = new Trainer.Config(1, 4, Float.MIN_VALUE, 1e-8f, 0, SpikeRegularizer.none(), false, 9L);   // steps too small to move a weight
        Trainer.Epoch e = new Trainer(cfg).fit(frozen, train, null, null).last();
        // by hand: batches [0..3], [4..7], [8, 9] in file order
        int[][] batches = {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}};
        double sum = 0;
        org.spikekit.metrics.R2 all = new org.spikekit.metrics.R2();
        for (int[] idx : batches) {
            SequenceSet.Batch bt = train.batch(be, idx);
            float[] pred = be.toHost(frozen.predict(bt.x())), y = be.toHost(bt.y());
            org.spikekit.metrics.R2 r = new org.spikekit.metrics.R2();
            r.update(pred, y, 2);
            all.update(pred, y, 2);
            double rounded = Math.rint(r.compute() * 1000) / 1000;
            assertEquals(rounded, Trainer.rounded3(r.compute()), 1e-7, "3 decimals");
            sum += rounded;
        }
        assertEquals(all.compute(), e.trainR2(), 1e-12, "whole-epoch reading");
        assertEquals(sum / batches.length, e.trainR2Batches(), 1e-7, "as released: mean of rounded per-batch R²");
        assertNotEquals(e.trainR2(), e.trainR2Batches(), "the two readings differ here");
        assertEquals(e.trainR2Batches(), Pruning.TrainR2.AS_RELEASED.of(e));
        assertEquals(e.trainR2(), Pruning.TrainR2.EPOCH.of(e));
        assertEquals(Pruning.TrainR2.AS_RELEASED, Pruning.Schedule.rsnn().reading());
    }
}
