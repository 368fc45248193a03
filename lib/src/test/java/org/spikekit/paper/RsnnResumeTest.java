package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.reaching.ODohertyData;

/**
 * A run of the RSNN recipe stopped after any epoch (pretraining, fine-tuning, a pruning trial) and
 * started again by a fresh driver, as a new process would, ends with the same run record and trace,
 * bit for bit, as an uninterrupted run.
 */
class RsnnResumeTest {

    /** Thrown by the progress listener to stop a run the way a killed process stops: nothing after it runs. */
    static final class Killed extends RuntimeException {
        Killed(String stage, int epoch) { super("killed after " + stage + " epoch " + epoch); }
    }

    static RsnnPaper.Settings settings(RsnnPaper.Model m) {
        return m == RsnnPaper.Model.TINY
                ? new RsnnPaper.Settings(RunMode.QUICK, List.of(5L), 2, 4, 3, 3, 2, true, 64, false, false)
                : new RsnnPaper.Settings(RunMode.QUICK, List.of(5L), 0, 0, 3, 3, 0, false, 32, false, false, 5e-3f);
    }

    static RsnnPaper paper(Path root, List<String> stages, int killAfter) {
        RsnnPaper p = new RsnnPaper(ODohertyData.at(root.resolve("data")), DataChoice.AUTO, RunMode.QUICK, new CpuBackend(),
                root.resolve("results/rsnn"), s -> {});
        int[] seen = {0};
        return p.withProgress((stage, done, total) -> {
            stages.add(stage + " " + done + "/" + total);
            if (++seen[0] == killAfter) throw new Killed(stage, done);
        });
    }

    /** The record without its wall time (the only field that may differ). */
    static RsnnRun timeless(RsnnRun r) {
        return new RsnnRun(r.model(), r.session(), r.sessionFile(), r.seed(), r.data(), r.mode(), r.variant(), r.stages(), r.r2(),
                r.r2x(), r.r2y(), r.footprintBytes(), r.connSparsity(), r.actSparsity(), r.dense(), r.effMacs(), r.effAcs(),
                r.extra(), 0, r.backend(), r.gitCommit(), r.key());
    }

    @Test
    void tinyRsnnKilledInEveryStageResumesToTheUninterruptedResult(@TempDir Path tmp) throws Exception {
        RsnnPaper.Model m = RsnnPaper.Model.TINY;
        List<String> ref = new ArrayList<>();
        RsnnRun whole = paper(tmp.resolve("a"), ref, -1).run(m, "I2", 5L, settings(m));
        // epochs told: 2 pretraining, 3 fine-tuning, then 2 per pruning trial
        assertEquals("pretrain indy 1/2", ref.get(0));
        assertEquals("finetune 1/3", ref.get(2));
        assertEquals("prune 1/2", ref.get(5));
        assertTrue(ref.size() >= 7, ref.toString());
        byte[] trace = Files.readAllBytes(tmp.resolve("a/results/rsnn/traces/quick/tinyRSNN_I2.csv"));

        Path b = tmp.resolve("b");
        // each attempt is stopped after its k-th epoch (a resumed attempt restarts at the first epoch not yet
        // checkpointed), so together they stop once in each stage, pruning twice
        List<String> killedIn = new ArrayList<>();
        for (int k : new int[] {1, 3, 3, 3, 2}) {
            List<String> seen = new ArrayList<>();
            Killed e = assertThrows(Killed.class, () -> paper(b, seen, k).run(m, "I2", 5L, settings(m)));
            killedIn.add(seen.get(seen.size() - 1));
            assertTrue(ref.contains(seen.get(seen.size() - 1)), e.getMessage());
        }
        assertTrue(killedIn.get(0).startsWith("pretrain") && killedIn.stream().anyMatch(x -> x.startsWith("finetune"))
                && killedIn.stream().filter(x -> x.startsWith("prune")).count() >= 2, killedIn.toString());
        RsnnPaper last = paper(b, new ArrayList<>(), -1);
        RsnnRun resumed = last.run(m, "I2", 5L, settings(m));
        assertEquals(timeless(whole), timeless(resumed));
        assertArrayEquals(trace, Files.readAllBytes(b.resolve("results/rsnn/traces/quick/tinyRSNN_I2.csv")));
        assertFalse(Files.exists(last.runStateDir(m, "I2", 5L, settings(m))), "the run's training state is removed once its file is written");
    }

    /**
     * A notebook's ■ on a cell running {@code paper.run(...)}: the kernel interrupts the cell's thread;
     * the run stops at its next batch, says so, keeps its training state (no temporary file), prints
     * a progress line per epoch until then, and running the cell again ends with the uninterrupted result.
     */
    @Test
    void interruptedFromAnotherThreadStopsKeepsItsStateAndResumes(@TempDir Path tmp) throws Exception {
        RsnnPaper.Model m = RsnnPaper.Model.SNN2;
        RsnnRun whole = paper(tmp.resolve("a"), new ArrayList<>(), -1).run(m, "L1", 5L, settings(m));
        Path b = tmp.resolve("b");
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch atEpoch1 = new java.util.concurrent.CountDownLatch(1);
        RsnnPaper p = new RsnnPaper(ODohertyData.at(b.resolve("data")), DataChoice.AUTO, RunMode.QUICK, new CpuBackend(),
                b.resolve("results/rsnn"), lines::add).withProgress((stage, done, total) -> {
                    if (done != 1) return;
                    atEpoch1.countDown();                                   // the cell thread waits here until it is interrupted
                    long deadline = System.nanoTime() + 120_000_000_000L;
                    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) Thread.onSpinWait();
                });
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread cell = new Thread(() -> {
            try {
                p.run(m, "L1", 5L, settings(m));
            } catch (Throwable x) {
                thrown.set(x);
            }
        }, "cell");
        cell.start();
        assertTrue(atEpoch1.await(120, java.util.concurrent.TimeUnit.SECONDS));
        cell.interrupt();
        cell.join(120_000);
        assertFalse(cell.isAlive(), "the cell's thread stopped");
        org.spikekit.train.TrainingInterruptedException e =
                org.junit.jupiter.api.Assertions.assertInstanceOf(org.spikekit.train.TrainingInterruptedException.class, thrown.get());
        Path state = p.runStateDir(m, "L1", 5L, settings(m));
        assertTrue(e.getMessage().startsWith("interrupted: Trainer epoch 2/3, before batch 1/"), e.getMessage());
        assertTrue(e.getMessage().endsWith("SNN2 L1 seed 5: no run file written; the training state is kept in " + state
                + ", run it again with the same settings to resume"), e.getMessage());
        assertEquals(1, org.spikekit.train.Checkpoint.read(state.resolve("train.ckpt")).progress().epochsDone());
        assertFalse(Files.exists(p.runsDir()) && Files.list(p.runsDir()).findAny().isPresent(), "no run file");
        try (var walk = Files.walk(b)) {
            assertEquals(List.of(), walk.filter(f -> f.getFileName().toString().endsWith(".part")).toList());
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("SNN2 L1 seed 5 train: epoch 1/3 \\| loss \\d+\\.\\d{4} \\| val R2 -?\\d+\\.\\d{4} \\| "
                + "\\d+\\.\\d\\d s/epoch \\| train R2 .*")), String.join("\n", lines));
        assertEquals(timeless(whole), timeless(paper(b, new ArrayList<>(), -1).run(m, "L1", 5L, settings(m))));
    }

    @Test
    void baselineKilledMidTrainingResumesToTheUninterruptedResult(@TempDir Path tmp) throws Exception {
        RsnnPaper.Model m = RsnnPaper.Model.SNN2;
        RsnnRun whole = paper(tmp.resolve("a"), new ArrayList<>(), -1).run(m, "L1", 5L, settings(m));
        Path b = tmp.resolve("b");
        assertThrows(Killed.class, () -> paper(b, new ArrayList<>(), 2).run(m, "L1", 5L, settings(m)));
        RsnnPaper p = paper(b, new ArrayList<>(), -1);
        assertTrue(Files.exists(p.runStateDir(m, "L1", 5L, settings(m)).resolve("train.ckpt")), "epoch 1 was checkpointed");
        assertEquals(timeless(whole), timeless(p.run(m, "L1", 5L, settings(m))));
    }
}
