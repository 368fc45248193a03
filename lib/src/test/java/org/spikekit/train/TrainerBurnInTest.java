package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.data.SequenceSet;
import org.spikekit.model.Rsnn;

/** Trainer.Config.burnIn: leading steps fill the state but are neither trained on nor scored. */
class TrainerBurnInTest {
    final Backend be = new CpuBackend();
    final SequenceSet train = TinyTask.velocity(12, 30, 10, 1L), val = TinyTask.velocity(4, 30, 10, 2L);

    @TempDir
    Path dir;

    /** {@code set} with the targets of steps [0, k) replaced by large values. */
    private static SequenceSet scrambleHead(SequenceSet set, int k) {
        float[] y = set.y().clone();
        for (int s = 0; s < set.samples(); s++) {
            for (int t = 0; t < k; t++) {
                for (int o = 0; o < set.outputs(); o++) y[(s * set.steps() + t) * set.outputs() + o] = 7f + s - 3 * t + o;
            }
        }
        return new SequenceSet(set.x(), y, set.samples(), set.steps(), set.inputs(), set.outputs());
    }

    private float[] trainedWeights(SequenceSet tr, SequenceSet va, int burnIn, double[] valR2) {
        Rsnn m = TinyTask.model(be, train, 8, 5L);
        Trainer.History h = new Trainer(TinyTask.config(3, 9L).withBurnIn(burnIn)).fit(m, tr, va, null);
        valR2[0] = h.last().valR2();
        valR2[1] = h.last().trainR2();
        float[] all = new float[0];
        for (Parameter p : m.parameters()) {
            float[] v = be.toHost(p.value());
            float[] n = Arrays.copyOf(all, all.length + v.length);
            System.arraycopy(v, 0, n, all.length, v.length);
            all = n;
        }
        return all;
    }

    @Test
    void targetsInsideTheBurnInChangeNothing() {
        int k = 6;
        double[] a = new double[2], b = new double[2], c = new double[2];
        float[] clean = trainedWeights(train, val, k, a);
        float[] scrambled = trainedWeights(scrambleHead(train, k), scrambleHead(val, k), k, b);
        assertArrayEquals(clean, scrambled, 0f, "weights must not depend on the burn-in targets");
        assertEquals(a[0], b[0], 0.0, "validation R2 must ignore burn-in steps");
        assertEquals(a[1], b[1], 0.0, "training R2 must ignore burn-in steps");
        // control: without burn-in the same scrambling does change training
        float[] noBurn = trainedWeights(scrambleHead(train, k), val, 0, c);
        assertFalse(Arrays.equals(clean, noBurn));
    }

    @Test
    void evaluateScoresOnlyTheStepsAfterTheBurnIn() {
        Rsnn m = TinyTask.model(be, train, 8, 5L);
        int k = 10;
        // R2 over steps >= k of the whole set, computed by hand from one forward pass
        int[] idx = new int[val.samples()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        SequenceSet.Batch bt = val.batch(be, idx);
        Tensor pred = m.forward(bt.x(), false, 0L).prediction();
        float[] p = be.toHost(pred), y = be.toHost(bt.y());
        int from = k * val.samples() * 2;
        double r2 = 0;
        for (int d = 0; d < 2; d++) {
            double sse = 0, sum = 0, sumSq = 0;
            int n = 0;
            for (int i = from + d; i < y.length; i += 2) {
                sse += (y[i] - p[i]) * (y[i] - p[i]);
                sum += y[i];
                sumSq += y[i] * y[i];
                n++;
            }
            double mean = sum / n;
            r2 += (1 - sse / (sumSq - n * mean * mean)) / 2;
        }
        assertEquals(r2, Trainer.evaluate(m, val, 3, k), 1e-6);   // batches of 3 vs 4: float rounding of the gemm
        assertNotEquals(Trainer.evaluate(m, val, 3, 0), Trainer.evaluate(m, val, 3, k));
        assertEquals(Trainer.evaluate(m, val, 3), Trainer.evaluate(m, val, 3, 0), 0.0);
    }

    @Test
    void aBurnInThatLeavesNothingToScoreIsRefused() {
        Rsnn m = TinyTask.model(be, train, 8, 5L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(TinyTask.config(1, 1L).withBurnIn(30)).fit(m, train, val, null));
        assertTrue(e.getMessage().contains("burnIn 30") && e.getMessage().contains("30 steps"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TinyTask.config(1, 1L).withBurnIn(-1));
        assertThrows(IllegalArgumentException.class, () -> Trainer.evaluate(m, val, 2, 30));
    }

    @Test
    void burnInIsKeptInCheckpointsAndAMismatchRefusesToResume() {
        Path ck = dir.resolve("run.ckpt");
        Rsnn m = TinyTask.model(be, train, 8, 5L);
        new Trainer(TinyTask.config(3, 9L).withBurnIn(4)).start(m, train, val).runTo(2, null, ck, 1);
        assertEquals(4, Checkpoint.read(ck).progress().config().burnIn());
        Rsnn again = TinyTask.model(be, train, 8, 5L);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> new Trainer(TinyTask.config(3, 9L).withBurnIn(5)).resume(ck, again, train, val));
        assertTrue(e.getMessage().contains("burnIn 4 vs 5"), e.getMessage());
        Trainer.History h = new Trainer(TinyTask.config(3, 9L).withBurnIn(4)).resume(ck, again, train, val).runTo(3, null);
        assertEquals(3, h.epochs().size());
    }
}
