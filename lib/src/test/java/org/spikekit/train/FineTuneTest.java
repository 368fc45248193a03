package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.SequenceSet;
import org.spikekit.model.Rsnn;

/** Stage presets (epochs vs T_max) and pretrain → fine-tune with a fresh optimiser and schedule. */
class FineTuneTest {
    final Backend be = new CpuBackend();
    // "pretraining sessions" and one "session" to fine-tune on: same task, other draws
    final SequenceSet pre = TinyTask.velocity(24, 60, 12, 30L), preVal = TinyTask.velocity(6, 60, 12, 31L);
    final SequenceSet train = TinyTask.velocity(16, 60, 12, 40L), val = TinyTask.velocity(6, 60, 12, 41L);

    @TempDir
    Path dir;

    @Test
    void stagePresetsSeparateEpochsFromTMax() {
        Trainer.Config p = Trainer.Config.rsnnPretrain(1L), f = Trainer.Config.rsnnFineTune(1L), r = Trainer.Config.rsnnRetrain(1L);
        assertEquals(100, p.epochs());
        assertEquals(200, p.tMax());
        assertEquals(200, f.epochs());
        assertEquals(200, f.tMax());
        assertEquals(100, r.epochs());
        assertEquals(100, r.tMax());
        assertEquals(250, p.batchSize());
        assertEquals(2e-3f, f.lr());
        assertEquals(1e-16f, f.eps());
        // pretraining stops at the cosine midpoint: last epoch's rate ≈ 1e-3
        CosineAnnealing c = new CosineAnnealing(p.lr(), p.tMax());
        assertEquals(1.0e-3, c.lr(99), 2e-5);
        assertEquals(1.0e-3, c.lr(100), 1e-9);
        assertEquals(25, Trainer.Config.rsnn(25, 1L).tMax(), "cosineTMax 0 means T_max = epochs");
    }

    private Rsnn fresh(long seed) { return TinyTask.model(be, train, 16, seed); }

    @Test
    void fineTuneLoadsPretrainedStateAndRestartsTheSchedule() {
        // stage 1 at tiny scale: 4 epochs on a cosine of T_max 8 (half way, like 100 of 200)
        Rsnn p = TinyTask.model(be, pre, 16, 2L);
        Trainer.Config preCfg = TinyTask.config(4, 7L).withCosineTMax(8);
        Trainer.History hp = new Trainer(preCfg).fit(p, pre, preVal, null);
        CosineAnnealing c8 = new CosineAnnealing(preCfg.lr(), 8);
        for (Trainer.Epoch e : hp.epochs()) assertEquals(c8.lr(e.epoch()), e.lr(), 0.0);
        assertTrue(hp.last().lr() > preCfg.lr() / 2, "pretraining ends before the cosine midpoint");
        Checkpoint state = Checkpoint.of(p);
        double pretrainedOnSession = Trainer.evaluate(p, val, 8);

        // stage 2: a fresh model (another init seed), the pretrained state, a new optimiser from lr0
        Trainer.Config ftCfg = TinyTask.config(4, 8L).withCosineTMax(8);
        FineTune.Result<Rsnn> ft = FineTune.run(() -> fresh(99L), state, train, val, ftCfg, null);
        assertEquals(pretrainedOnSession, ft.history().initialValR2(), 0.0, "training started from the pretrained weights");
        assertEquals(ftCfg.lr(), ft.history().epochs().get(0).lr(), 0.0, "the learning rate starts again from lr0");
        for (Trainer.Epoch e : ft.history().epochs()) assertEquals(c8.lr(e.epoch()), e.lr(), 0.0);

        // the same as building, loading and fitting by hand with a brand-new trainer
        Rsnn byHand = fresh(99L);
        state.loadInto(byHand);
        Trainer.History hh = new Trainer(ftCfg).fit(byHand, train, val, null);
        assertEquals(hh, ft.history());
        assertEquals(Checkpoint.of(byHand).parameters(), Checkpoint.of(ft.model()).parameters());

        // in-memory map form
        FineTune.Result<Rsnn> viaMap = FineTune.run(() -> fresh(5L), state.parameters(), train, val, ftCfg, null);
        assertEquals(hh, viaMap.history());
    }

    @Test
    void pretrainedRunCheckpointGivesOnlyItsParameters() {
        Rsnn p = TinyTask.model(be, pre, 16, 2L);
        Trainer.Run run = new Trainer(TinyTask.config(2, 7L)).start(p, pre, null);
        run.runTo(2, null);
        Path file = run.save(dir.resolve("pretrained.ckpt"));
        Rsnn m = FineTune.load(() -> fresh(3L), Checkpoint.read(file));
        assertEquals(Checkpoint.of(p).parameters(), Checkpoint.of(m).parameters());
        // the fine-tuning optimiser is new even though the file holds SMORMS3 moments
        FineTune.Result<Rsnn> ft = FineTune.run(() -> fresh(3L), Checkpoint.read(file), train, null, TinyTask.config(1, 1L), null);
        assertEquals(TinyTask.config(1, 1L).lr(), ft.history().last().lr(), 0.0);
    }

    @Test
    void resumableFineTuneContinuesFromItsOwnCheckpoint() {
        Checkpoint state = Checkpoint.of(TinyTask.model(be, pre, 16, 2L));
        Trainer.Config cfg = TinyTask.config(3, 4L);
        FineTune.Result<Rsnn> ref = FineTune.run(() -> fresh(1L), state, train, val, cfg, null);
        Path ck = dir.resolve("ft.ckpt");
        assertThrows(IllegalStateException.class, () -> FineTune.run(() -> fresh(1L), state, train, val, cfg,
                (m, e) -> { if (e.epoch() == 1) throw new IllegalStateException("killed"); return Map.of(); }, ck, 1));
        FineTune.Result<Rsnn> again = FineTune.run(() -> fresh(1L), state, train, val, cfg, null, ck, 1);
        assertEquals(ref.history(), again.history());
        assertEquals(Checkpoint.of(ref.model()).parameters(), Checkpoint.of(again.model()).parameters());
    }

    @Test
    void aStateOfAnotherShapeIsRefusedByName() {
        Checkpoint wide = Checkpoint.of(TinyTask.model(be, pre, 32, 2L));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> FineTune.run(() -> fresh(1L), wide, train, null, TinyTask.config(1, 1L), null));
        assertTrue(e.getMessage().contains("hidden.w") && e.getMessage().contains("[12, 32]") && e.getMessage().contains("[12, 16]"), e.getMessage());
    }
}
