package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.core.SequenceModel;
import org.spikekit.data.RunMode;
import org.spikekit.data.SequenceSet;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.data.perich.DecodingWindows;
import org.spikekit.data.perich.PerichGenerator;
import org.spikekit.data.perich.PerichNwb;
import org.spikekit.data.perich.PerichPrep;
import org.spikekit.data.perich.UnitDropout;
import org.spikekit.data.spiking.ShdFile;
import org.spikekit.data.spiking.SpikingSplit;
import org.spikekit.data.spiking.SyntheticSpiking;
import org.spikekit.model.AlifNet;
import org.spikekit.model.BaselineDecoder;
import org.spikekit.model.Baselines;
import org.spikekit.model.Rsnn;
import org.spikekit.nn.MovingAverage;
import org.spikekit.train.stdp.ReadoutTrainer;
import org.spikekit.train.stdp.SpikeNnConfig;

/**
 * A training loop interrupted from another thread (a notebook's ■ sets the cell thread's interrupt
 * flag) stops before its next batch with a {@link TrainingInterruptedException} that says where it
 * stopped and what it left; checkpoints stay readable, no temporary file is left, and a resumed run
 * ends as an uninterrupted one. Each test stops the training thread at a hook inside the loop until
 * the test thread has interrupted it, then counts what still ran.
 */
class TrainingInterruptTest {
    static final Backend BE = new CpuBackend();

    @TempDir
    Path dir;

    /**
     * The hook the training thread passes at every unit of work (batch, sample, epoch end): at its
     * {@code k}-th pass it lets the test thread know and waits there until the test thread has
     * interrupted it; every later pass is counted in {@link #after}.
     */
    static final class Hook {
        final int k;
        final CountDownLatch reached = new CountDownLatch(1);
        int passes, after;

        Hook(int k) { this.k = k; }

        void pass() {
            passes++;
            if (passes > k) {
                after++;
                return;
            }
            if (passes < k) return;
            reached.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) Thread.onSpinWait();
        }
    }

    /** Runs {@code training} on a new thread, interrupts it from this one at the hook, and returns what it threw. */
    static Throwable interruptAt(Hook hook, Runnable training) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                training.run();
            } catch (Throwable x) {
                thrown.set(x);
            }
        }, "training");
        t.start();
        assertTrue(hook.reached.await(120, TimeUnit.SECONDS), "the training reached the hook");
        t.interrupt();
        t.join(120_000);
        assertFalse(t.isAlive(), "the training thread ended after the interrupt");
        assertNotNull(thrown.get(), "the interrupted training threw");
        return thrown.get();
    }

    static List<Path> partFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    /** An RSNN whose training forward passes go through a hook (one per batch). */
    static final class Hooked implements SequenceModel {
        final Rsnn m;
        final Hook hook;

        Hooked(Rsnn m, Hook hook) {
            this.m = m;
            this.hook = hook;
        }

        public int inputs() { return m.inputs(); }
        public int outputs() { return m.outputs(); }
        public List<Parameter> parameters() { return m.parameters(); }

        public Pass forward(Tensor x, boolean training, long seed) {
            if (training) hook.pass();
            return m.forward(x, training, seed);
        }

        public void backward(Pass pass, Tensor gradPrediction, Tensor gradSpikes) { m.backward(pass, gradPrediction, gradSpikes); }
    }

    final SequenceSet train = TinyTask.velocity(20, 40, 12, 1L), val = TinyTask.velocity(6, 40, 12, 2L);

    @Test
    void trainerStopsBeforeTheNextBatchKeepsItsCheckpointAndResumesBitIdentically() throws Exception {
        Trainer.Config cfg = TinyTask.config(5, 11L);                     // 20 samples, batch 8: 3 batches per epoch
        Rsnn ref = TinyTask.model(BE, train, 16, 5L);
        Trainer.History whole = new Trainer(cfg).fit(ref, train, val, null);

        Path ck = dir.resolve("run.ckpt");
        Hook hook = new Hook(3 * 2 + 2);                                    // epoch 3, batch 2
        Hooked m = new Hooked(TinyTask.model(BE, train, 16, 5L), hook);
        Throwable t = interruptAt(hook, () -> new Trainer(cfg).fitOrResume(ck, m, train, val, null, 1));
        TrainingInterruptedException e = assertInstanceOf(TrainingInterruptedException.class, t);
        assertEquals(0, hook.after, "no batch started after the interrupt");
        assertEquals("Trainer epoch 3/5, before batch 3/3", e.where());
        assertTrue(e.getMessage().startsWith("interrupted: Trainer epoch 3/5, before batch 3/3; checkpoint " + ck + " holds epochs 1-2 of 5"),
                e.getMessage());
        assertEquals(2, Checkpoint.read(ck).progress().epochsDone(), "the last complete epoch is checkpointed");
        assertEquals(List.of(), partFiles(dir));

        // the same call on a fresh model resumes from the checkpoint and ends as the uninterrupted run
        Rsnn fresh = TinyTask.model(BE, train, 16, 77L);
        Trainer.History resumed = new Trainer(cfg).fitOrResume(ck, fresh, train, val, null, 1);
        assertEquals(whole, resumed);
        for (int i = 0; i < ref.parameters().size(); i++) {
            Parameter a = ref.parameters().get(i), b = fresh.parameters().get(i);
            assertArrayEquals(BE.toHost(a.value()), BE.toHost(b.value()), 0f, a.name());
        }
    }

    @Test
    void anInterruptBetweenEpochsLeavesAWholeCheckpoint() throws Exception {
        Trainer.Config cfg = TinyTask.config(4, 3L);
        Rsnn ref = TinyTask.model(BE, train, 12, 1L);
        Trainer.History whole = new Trainer(cfg).fit(ref, train, null, null);
        Path ck = dir.resolve("job.ckpt");
        Hook hook = new Hook(2);                                            // the callback of epoch 2, before its checkpoint is written
        Rsnn m = TinyTask.model(BE, train, 12, 1L);
        Throwable t = interruptAt(hook, () -> new Trainer(cfg).fitOrResume(ck, m, train, null, (model, ep) -> {
            hook.pass();
            return null;
        }, 1));
        TrainingInterruptedException e = assertInstanceOf(TrainingInterruptedException.class, t);
        int held = Checkpoint.read(ck).progress().epochsDone();
        if (e.where().startsWith("Trainer writing")) {
            // where file channels are interruptible, the interrupt cuts the write of epoch 2 short: epoch 1's file stays
            assertEquals("Trainer writing the checkpoint after epoch 2/4", e.where());
            assertNotNull(e.getCause());
            assertEquals(1, held);
        } else {
            // Java 25's file streams are not interruptible: epoch 2's checkpoint is written whole, epoch 3 never starts
            assertEquals("Trainer epoch 3/4, before batch 1/3", e.where());
            assertEquals(2, held);
        }
        assertTrue(e.getMessage().contains("checkpoint " + ck + " holds epochs 1-" + held + " of 4"), e.getMessage());
        assertEquals(List.of(), partFiles(dir), "no temporary file is left");
        Rsnn fresh = TinyTask.model(BE, train, 12, 9L);
        assertEquals(whole, new Trainer(cfg).fitOrResume(ck, fresh, train, null, null, 1));
    }

    @Test
    void decoderTrainerStopsBeforeTheNextBatchAndResumesFromItsCheckpoint() throws Exception {
        PerichNwb.Recording rec = PerichGenerator.generate(
                PerichGenerator.config("c_20150311_center_out_reaching", RunMode.QUICK).withDurationS(60).withUnits(12));
        DecodingWindows w = new DecodingWindows(PerichPrep.prepareAll(List.of(rec), List.of("synthetic"), PerichPrep.Options.spikachu()).sessions());
        List<DecodingBatch> valid = DecodingWindows.chunks(w.evalWindows(DecodingWindows.Split.VALID), 32).stream().map(w::batch).toList();
        DecoderTrainer.Config cfg = DecoderTrainer.Config.baseline(3, MovingAverage.Alignment.TRAILING, 5).withEvalEvery(1);
        DecoderTrainer.Batches plain = e -> DecodingWindows.chunks(w.trainEpoch(11, e), 8).stream()
                .map(ws -> w.batch(ws, UnitDropout.spikachu(), 100L * e + ws.size())).toList();
        int perEpoch = plain.epoch(0).size();
        assertTrue(perEpoch >= 2, "at least two batches per epoch, got " + perEpoch);

        BaselineDecoder ref = BaselineDecoder.quick(BE, Baselines.Kind.GRU, 12, 3);
        DecoderTrainer.History whole = new DecoderTrainer(cfg).fit(ref, plain, valid, null, null);

        Hook hook = new Hook(perEpoch + 1);                                 // epoch 2, batch 1
        DecoderTrainer.Batches hooked = e -> {
            List<DecodingBatch> b = plain.epoch(e);
            return new AbstractList<>() {
                public DecodingBatch get(int i) {
                    hook.pass();
                    return b.get(i);
                }

                public int size() { return b.size(); }
            };
        };
        Path ck = dir.resolve("decoder.partial.ckpt");
        List<String> lines = new ArrayList<>();
        BaselineDecoder m = BaselineDecoder.quick(BE, Baselines.Kind.GRU, 12, 3);
        Throwable t = interruptAt(hook, () -> new DecoderTrainer(cfg).fit(m, hooked, valid, null, lines::add, ck, null));
        TrainingInterruptedException e = assertInstanceOf(TrainingInterruptedException.class, t);
        assertEquals(0, hook.after, "no batch started after the interrupt");
        assertEquals("DecoderTrainer gru epoch 2/3, before batch 2/" + perEpoch, e.where());
        assertTrue(e.getMessage().contains("checkpoint " + ck + " holds epochs 1-1 of 3"), e.getMessage());
        assertEquals("1", Checkpoint.read(ck).meta().get("decoder.epochsDone"));
        assertEquals(List.of(), partFiles(dir));
        assertEquals(1, lines.size(), "one progress line for the finished epoch: " + lines);
        assertTrue(lines.get(0).startsWith("  gru: epoch 1/3 | loss "), lines.get(0));

        BaselineDecoder fresh = BaselineDecoder.quick(BE, Baselines.Kind.GRU, 12, 4);
        DecoderTrainer.History resumed = new DecoderTrainer(cfg).fit(fresh, plain, valid, null, null, ck, null);
        assertEquals(whole.epochs(), resumed.epochs());
        assertEquals(whole.keptEpoch(), resumed.keptEpoch());
        for (int i = 0; i < ref.parameters().size(); i++) {
            Parameter a = ref.parameters().get(i), b = fresh.parameters().get(i);
            assertArrayEquals(BE.toHost(a.value()), BE.toHost(b.value()), 0f, a.name());
        }
    }

    @Test
    void alifNetTrainerStopsBeforeTheNextBatch() throws Exception {
        ShdFile.Config sc = new ShdFile.Config(3, 40, 0.4, 60, 1.5, 0.002);
        AlifNetTrainer.Frames train0 = AlifNetTrainer.shd(ShdFile.synthetic(sc, 0), 0.004, 60, false);
        AlifNetTrainer.Frames test = AlifNetTrainer.shd(ShdFile.synthetic(new ShdFile.Config(3, 10, 0.4, 60, 1.5, 0.002), 1), 0.004, 60, false);
        Hook hook = new Hook(4 + 3);                                        // 40 samples, batch 10: epoch 2, batch 3
        AlifNetTrainer.Frames train = new AlifNetTrainer.Frames() {
            public int size() { return train0.size(); }
            public int label(int i) { return train0.label(i); }
            public int steps() { return train0.steps(); }
            public int units() { return train0.units(); }

            public float[] frames(int[] index) {
                hook.pass();
                return train0.frames(index);
            }
        };
        AlifNet net = new AlifNet(BE, AlifNet.Config.paper(700, 16, 20, true, AlifNet.Kind.BLOCKS, 2, 4), 1L);
        List<AlifNetTrainer.Epoch> seen = new ArrayList<>();
        Throwable t = interruptAt(hook, () -> AlifNetTrainer.fit(net, train, test, AlifNetTrainer.Settings.paper(3, 1L).withBatch(10), seen::add));
        TrainingInterruptedException e = assertInstanceOf(TrainingInterruptedException.class, t);
        assertEquals(0, hook.after, "no batch started after the interrupt");
        assertEquals("AlifNetTrainer epoch 2/3, before batch 4/4", e.where());
        assertEquals(1, seen.size(), "the finished epoch was reported");
    }

    @Test
    void stdpReadoutStopsBeforeTheNextSample() throws Exception {
        SpikingSplit split = new SyntheticSpiking(200, 4, 40, 0.25, 7).split(80, 20, 20, 11);
        String json = """
            {"network": [{"n_neurons": 8, "firing_threshold": 5.0, "w_init_normal": true, "w_init_mean": 0.3,
                          "w_init_std": 0.01, "w_norm": true, "w_min": 0.0, "w_max": 1.0}],
             "optimizer": {"method": "s2stdp", "stdp": "additive", "ap": 0.05, "am": -0.05, "annealing": 0.98, "t_gap": 0.05},
             "trainer": {"epochs": 4, "early_stopping": 10}}
            """;
        ReadoutTrainer tr = new ReadoutTrainer(SpikeNnConfig.parse(json, "test"), 200, 4, 100, 0, false);
        Hook hook = new Hook(80 + 30);                                      // epoch 2, sample 30
        tr.setObserver((label, thr, out, winner) -> hook.pass());
        List<Integer> epochs = new ArrayList<>();
        Throwable t = interruptAt(hook, () -> tr.fit(split, false, (ep, a, v, te) -> epochs.add(ep)));
        TrainingInterruptedException e = assertInstanceOf(TrainingInterruptedException.class, t);
        assertEquals(0, hook.after, "no sample trained after the interrupt");
        assertEquals("SpikeNN readout training before sample 31/80", e.where());
        assertTrue(e.getMessage().endsWith("; in epoch 2/4 of the readout (the trainer holds a partly trained epoch)"), e.getMessage());
        assertEquals(List.of(1), epochs);
    }

    @Test
    void parallelReadoutRunsStopTheirWorkersAndWriteNoRunFile() throws Exception {
        List<SpikingSplit> folds = List.of(new SyntheticSpiking(200, 4, 40, 0.25, 7).split(200, 20, 20, 11),
                new SyntheticSpiking(200, 4, 40, 0.25, 8).split(200, 20, 20, 12));
        SpikeNnConfig cfg = SpikeNnConfig.parse("""
            {"network": [{"n_neurons": 8, "firing_threshold": 5.0, "w_init_normal": true, "w_init_mean": 0.3,
                          "w_init_std": 0.01, "w_norm": true, "w_min": 0.0, "w_max": 1.0}],
             "optimizer": {"method": "s2stdp", "stdp": "additive", "ap": 0.05, "am": -0.05, "annealing": 0.98, "t_gap": 0.05},
             "trainer": {"epochs": 100000, "early_stopping": 0}}
            """, "test");
        Path runs = dir.resolve("runs");
        CountDownLatch firstEpoch = new CountDownLatch(1);
        org.spikekit.paper.SpikeNn nn = new org.spikekit.paper.SpikeNn(runs, 2, false, line -> {
            if (line.contains(": epoch ")) firstEpoch.countDown();
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread cell = new Thread(() -> {
            try {
                nn.kfold("t", cfg, folds);
            } catch (Throwable x) {
                thrown.set(x);
            }
        }, "cell");
        cell.start();
        assertTrue(firstEpoch.await(120, TimeUnit.SECONDS), "a worker finished an epoch");
        cell.interrupt();
        cell.join(120_000);
        assertFalse(cell.isAlive());
        TrainingInterruptedException e = assertInstanceOf(TrainingInterruptedException.class, thrown.get());
        assertEquals("interrupted: SpikeNn: 2 readout run(s) on 2 threads (workers stopped); finished runs are kept in " + runs
                + " (one file each, written whole); the others run on the next call", e.getMessage());
        try (Stream<Path> f = Files.list(runs)) {
            assertEquals(List.of(), f.toList(), "no run finished, none written");
        } catch (java.nio.file.NoSuchFileException none) {
            // the folder is made with the first run file
        }
    }

    @Test
    void epochLinesShowEpochLossMetricAndTimeAboutTenTimesPerRun() {
        List<String> out = new ArrayList<>();
        EpochLog.Run r = EpochLog.to(out::add).start("tinyRSNN I2 seed 5 finetune", 25);
        for (int e = 1; e <= 25; e++) r.epoch(e, 0.5 / e, "val R2", e == 7 ? Double.NaN : 0.01 * e, 2.5, "lr 1.00e-03", e == 4);
        // the first, every 3rd (⌈25/10⌉), the marked 4th and the last
        List<Integer> shown = out.stream().map(l -> Integer.parseInt(l.replaceAll(".*: epoch (\\d+)/25.*", "$1"))).toList();
        assertEquals(List.of(1, 3, 4, 6, 9, 12, 15, 18, 21, 24, 25), shown);
        assertEquals("tinyRSNN I2 seed 5 finetune: epoch 3/25 | loss 0.1667 | val R2 0.0300 | 2.50 s/epoch | lr 1.00e-03", out.get(1));
        assertEquals("x: epoch 7/9 | loss 1.000e-03 | 0.25 s/epoch", EpochLog.format("x", 7, 9, 1e-3, "val R2", Double.NaN, 0.25, null));
        List<String> every = new ArrayList<>();
        EpochLog.Run one = EpochLog.to(every::add).every(1).start("r", 3);
        for (int e = 1; e <= 3; e++) one.epoch(e, Double.NaN, "val acc", 0.9, Double.NaN, null, false);
        assertEquals(3, every.size());
        assertTrue(every.get(2).matches("r: epoch 3/3 \\| val acc 0\\.9000 \\| \\d+\\.\\d\\d s/epoch"), every.get(2));
        assertTrue(EpochLog.silent().isSilent());
        EpochLog.silent().start("quiet", 2).epoch(1, 1, "m", 1);           // prints nowhere, throws nothing
    }
}
