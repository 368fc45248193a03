package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Parameter;
import org.spikekit.data.SequenceSet;
import org.spikekit.model.Rsnn;

/** Magnitude masks, masked training, the accept/step-back schedule, and a small pruning run. */
class PruningTest {
    final Backend be = new CpuBackend();
    final SequenceSet train = TinyTask.velocity(20, 40, 12, 1L), val = TinyTask.velocity(6, 40, 12, 2L);

    @TempDir
    Path dir;

    private static List<Boolean> outcomes(boolean... b) {
        List<Boolean> l = new ArrayList<>();
        for (boolean x : b) l.add(x);
        return l;
    }

    // ---- masks ------------------------------------------------------------------------------

    @Test
    void prunedCountIsTheFloorOfExactFraction() {
        assertEquals(2764, Pruning.prunedCount(96 * 64, 0.45));      // 2764.8
        assertEquals(2457, Pruning.prunedCount(96 * 64, 0.40));      // 2457.6
        assertEquals(2048, Pruning.prunedCount(64 * 64, 0.50));
        // exact p: the released code's accumulated 0.4+0.1+0.1+0.1+0.1 = 0.7999999999999999 gives int(5·p) = 3
        assertEquals(0.7999999999999999, 0.4 + 0.1 + 0.1 + 0.1 + 0.1, 0.0);
        assertEquals(4, Pruning.prunedCount(5, 0.80));
        assertEquals(0, Pruning.prunedCount(7, 0.0));
        assertEquals(7, Pruning.prunedCount(7, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Pruning.prunedCount(10, 0.123456));
    }

    @Test
    void magnitudeMasksPruneTheSmallestPerMatrix() {
        Parameter a = new Parameter("a", be.fromHost(new float[] {0.5f, -0.1f, 0.3f, -0.3f, 0f, 2f, -4f, 0.2f, 0.1f, 1f}, 2, 5), true);
        Parameter b = new Parameter("b", be.fromHost(new float[] {-9f, 1f, 3f, 2f}, 4), true);
        Masks m = Pruning.magnitude(List.of(a, b), 0.45);
        // a: ⌊4.5⌋ = 4 → 0 (idx 4), then |0.1| ties at 1 and 8 (lower index first), then 0.2 (idx 7) → {4, 1, 8, 7}
        assertArrayEquals(new float[] {1, 0, 1, 1, 0, 1, 1, 0, 0, 1}, m.arrays().get("a").data(), 0f);
        assertArrayEquals(new int[] {2, 5}, m.arrays().get("a").shape());
        // b: ⌊1.8⌋ = 1 → the smallest |w| is 1 (idx 1); -9 is large in magnitude
        assertArrayEquals(new float[] {1, 0, 1, 1}, m.arrays().get("b").data(), 0f);
        assertEquals(4, m.pruned("a"));
        assertEquals(5, m.pruned());
        assertEquals(14, m.numel());
    }

    @Test
    void rsnnMasksHaveTheExactZeroCountPerMatrix() {
        Rsnn model = TinyTask.model(be, train, 16, 3L);
        for (double p : new double[] {0.4, 0.45, 0.5, 0.75, 0.8}) {
            Masks m = Pruning.magnitude(model.weights().values(), p);
            for (Parameter w : model.weights().values()) {
                assertEquals((long) Math.floor(p * w.numel() + 1e-9), m.pruned(w.name()), w.name() + " at " + p);
            }
            assertEquals(3, m.names().size(), "input, recurrent and readout; no time constants");
        }
        // the kept entries are the largest: every kept |w| >= every pruned |w|
        Masks m = Pruning.magnitude(model.weights().values(), 0.5);
        for (Parameter w : model.weights().values()) {
            float[] v = be.toHost(w.value()), k = m.arrays().get(w.name()).data();
            float maxPruned = 0, minKept = Float.MAX_VALUE;
            for (int i = 0; i < v.length; i++) {
                if (k[i] == 0f) maxPruned = Math.max(maxPruned, Math.abs(v[i]));
                else minKept = Math.min(minKept, Math.abs(v[i]));
            }
            assertTrue(maxPruned <= minKept, w.name());
        }
    }

    @Test
    void prunedWeightsStayExactlyZeroThroughTrainingAndResume() {
        Rsnn model = TinyTask.model(be, train, 16, 3L);
        Masks masks = Pruning.magnitude(model.weights().values(), 0.5);
        Map<String, float[]> before = new java.util.HashMap<>();
        for (Parameter w : model.weights().values()) before.put(w.name(), be.toHost(w.value()));
        Trainer.Config cfg = TinyTask.config(4, 9L);
        Trainer.Run run = new Trainer(cfg).start(model, train, val, masks);
        run.runTo(2, null, dir.resolve("masked.ckpt"), 1);
        run.runTo(4, null);
        for (Parameter w : model.weights().values()) {
            float[] v = be.toHost(w.value()), k = masks.arrays().get(w.name()).data(), b0 = before.get(w.name());
            int changed = 0;
            for (int i = 0; i < v.length; i++) {
                if (k[i] == 0f) assertEquals(0, Float.floatToRawIntBits(v[i]), w.name() + "[" + i + "] must be +0.0");
                else if (v[i] != b0[i]) changed++;
            }
            assertTrue(changed > v.length / 4, w.name() + ": kept weights train (" + changed + " changed)");
        }
        assertEquals(0.5, Pruning.connectionSparsity(model.weights().values()), 0.01);
        // resuming the masked run restores the masks too and ends bit-identical
        Rsnn fresh = TinyTask.model(be, train, 16, 77L);
        Trainer.Run resumed = new Trainer(cfg).resume(dir.resolve("masked.ckpt"), fresh, train, val);
        assertEquals(masks.arrays(), resumed.masks().arrays());
        resumed.runTo(4, null);
        assertEquals(Checkpoint.of(model).parameters(), Checkpoint.of(fresh).parameters());
        assertEquals(run.history(), resumed.history());
    }

    @Test
    void masksNamingUnknownParametersAreRefused() {
        Rsnn model = TinyTask.model(be, train, 8, 3L);
        Masks bad = new Masks(Map.of("hidden.bias", new HostArray(new int[] {8}, new float[8])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(TinyTask.config(1, 1L)).start(model, train, null, bad));
        assertTrue(e.getMessage().contains("'hidden.bias'"), e.getMessage());
        Masks shape = new Masks(Map.of("hidden.w", new HostArray(new int[] {8}, new float[8])));
        e = assertThrows(IllegalArgumentException.class, () -> new Trainer(TinyTask.config(1, 1L)).start(model, train, null, shape));
        assertTrue(e.getMessage().contains("[8]") && e.getMessage().contains("[12, 8]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Masks(Map.of("x", new HostArray(new int[] {1}, new float[] {0.5f}))));
    }

    // ---- schedule -----------------------------------------------------------------------------

    @Test
    void scheduleAllAcceptedGoesInTenthsUpToTheMaximum() {
        Pruning.Plan p = Pruning.plan(Pruning.Schedule.rsnn(), outcomes(true, true, true, true, true));
        assertEquals(List.of(0.4, 0.5, 0.6, 0.7, 0.8), p.tried());
        assertEquals(0.8, p.kept(), 0.0);
    }

    @Test
    void scheduleStepsBackOnceThenStopsAtTheNextFailure() {
        // 0.40 ok, 0.50 fails → 0.45 ok → 0.50 (again, with fresh retraining) fails → stop, keep 0.45
        Pruning.Plan p = Pruning.plan(Pruning.Schedule.rsnn(), outcomes(true, false, true, false));
        assertEquals(List.of(0.4, 0.5, 0.45, 0.5), p.tried());
        assertEquals(0.45, p.kept(), 0.0);
        // 0.40 ok, 0.50 fails, 0.45 fails → keep 0.40
        p = Pruning.plan(Pruning.Schedule.rsnn(), outcomes(true, false, false));
        assertEquals(List.of(0.4, 0.5, 0.45), p.tried());
        assertEquals(0.4, p.kept(), 0.0);
        // 0.40, 0.50 ok, 0.60 fails → 0.55, 0.60 … in 0.05 steps up to 0.80
        p = Pruning.plan(Pruning.Schedule.rsnn(), outcomes(true, true, false, true, true, true, true, true, true));
        assertEquals(List.of(0.4, 0.5, 0.6, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8), p.tried());
        assertEquals(0.8, p.kept(), 0.0);
        // 0.40, 0.50 ok, 0.60 fails, 0.55 fails → keep 0.50
        p = Pruning.plan(Pruning.Schedule.rsnn(), outcomes(true, true, false, false));
        assertEquals(0.5, p.kept(), 0.0);
    }

    @Test
    void scheduleWhenTheFirstTrialFails() {
        Pruning.Plan p = Pruning.plan(Pruning.Schedule.rsnn(), outcomes(false, false));
        assertEquals(List.of(0.4, 0.35), p.tried());
        assertTrue(Double.isNaN(p.kept()), "nothing accepted: the unpruned model is kept");
        p = Pruning.plan(Pruning.Schedule.rsnn(), outcomes(false, true, true, false));
        assertEquals(List.of(0.4, 0.35, 0.4, 0.45), p.tried());
        assertEquals(0.4, p.kept(), 0.0);
        // a step back to p <= 0 ends the walk instead of trying an empty pruning
        Pruning.Schedule s = new Pruning.Schedule(0.1, List.of(0.1, 0.05), 0.8, 0.02);
        assertEquals(List.of(0.1, 0.05), Pruning.plan(s, outcomes(false, false)).tried());
        Pruning.Schedule tight = new Pruning.Schedule(0.05, List.of(0.1, 0.05), 0.8, 0.02);
        assertEquals(List.of(0.05), Pruning.plan(tight, outcomes(false)).tried());
    }

    @Test
    void scheduleOutcomeCountsMustMatch() {
        assertThrows(IllegalArgumentException.class, () -> Pruning.plan(Pruning.Schedule.rsnn(), outcomes(true, true)));
        assertThrows(IllegalArgumentException.class, () -> Pruning.plan(Pruning.Schedule.rsnn(), outcomes(false, false, true)));
        assertThrows(IllegalArgumentException.class, () -> new Pruning.Schedule(0.4, List.of(), 0.8, 0.02));
        assertThrows(IllegalArgumentException.class, () -> new Pruning.Schedule(0.9, List.of(0.1), 0.8, 0.02));
    }

    @Test
    void acceptanceIsRelativeToTheUnprunedTrainR2() {
        Pruning.Schedule s = Pruning.Schedule.rsnn();
        assertTrue(s.accepts(0.7350001, 0.75));
        assertTrue(s.accepts(0.7351, 0.75));
        assertTrue(!s.accepts(0.7349, 0.75));
        assertTrue(s.accepts(-0.102, -0.1), "released form: before − |tol·before| also for a negative R²");
    }

    // ---- end to end -----------------------------------------------------------------------------

    @Test
    void smallPruningRunFollowsTheScheduleAndKeepsTheLastAcceptedModel() {
        SequenceSet train = TinyTask.velocity(32, 100, 16, 11L), val = TinyTask.velocity(8, 100, 16, 12L);
        Rsnn model = TinyTask.model(be, train, 24, 4L);
        Trainer.History ft = new Trainer(TinyTask.config(15, 21L)).fit(model, train, val, null);
        Checkpoint w0 = Checkpoint.of(model);
        // a tolerance that lets the smaller fractions through and stops the larger ones on this task
        Pruning.Schedule schedule = new Pruning.Schedule(0.4, List.of(0.1, 0.05), 0.8, 0.05);
        Trainer.Config retrain = TinyTask.config(6, 5L);
        List<Pruning.Trial> seen = new ArrayList<>();
        Pruning.Result r = Pruning.run(model, model.weights().values(), train, val, ft.last().trainR2(), retrain, schedule,
                null, seen::add);
        StringBuilder log = new StringBuilder("fine-tuned train R2 " + ft.last().trainR2() + ", val R2 " + ft.last().valR2());
        for (Pruning.Trial t : r.trials()) {
            log.append(String.format("%n p %.2f pruned %d sparsity %.3f val R2 after pruning %.3f retrained train R2 %.3f val R2 %.3f %s",
                    t.p(), t.pruned(), t.sparsity(), t.valR2Pruned(), t.trainR2(), t.valR2(), t.accepted() ? "accepted" : "rejected"));
        }
        System.out.println(log);
        assertEquals(r.trials(), seen);
        // the driver walked exactly the pure schedule for its outcomes
        List<Boolean> oks = r.trials().stream().map(Pruning.Trial::accepted).toList();
        Pruning.Plan plan = Pruning.plan(schedule, oks);
        assertEquals(plan.tried(), r.trials().stream().map(Pruning.Trial::p).toList());
        for (Pruning.Trial t : r.trials()) {
            assertEquals(schedule.accepts(t.trainR2(), ft.last().trainR2()), t.accepted());
            assertEquals(retrain.epochs(), t.history().epochs().size());
            assertTrue(t.sparsity() >= t.p() - 0.01, "at least the pruned fraction is zero");
        }
        if (r.kept() == null) {
            assertEquals(w0.parameters(), Checkpoint.of(model).parameters(), log.toString());
        } else {
            assertEquals(plan.kept(), r.kept().p(), 0.0);
            assertEquals(r.state().parameters(), Checkpoint.of(model).parameters(), "the model holds the kept state");
            for (Parameter w : model.weights().values()) {
                float[] v = be.toHost(w.value()), k = r.masks().arrays().get(w.name()).data();
                for (int i = 0; i < v.length; i++) if (k[i] == 0f) assertEquals(0f, v[i], 0f);
            }
            assertEquals(r.kept().sparsity(), Pruning.connectionSparsity(model.weights().values()), 0.0);
            assertEquals(r.kept().valR2(), Trainer.evaluate(model, val, 8), 0.0);
            assertNotEquals(w0.parameters(), Checkpoint.of(model).parameters());
        }
        assertTrue(r.trials().size() >= 2, log.toString());
    }

    @Test
    void runRefusesForeignWeights() {
        Rsnn model = TinyTask.model(be, train, 8, 3L), other = TinyTask.model(be, train, 8, 3L);
        assertThrows(IllegalArgumentException.class, () -> Pruning.run(model, other.weights().values(), train, null, 0.5,
                TinyTask.config(1, 1L), Pruning.Schedule.rsnn(), null, null));
        Pruning.Result none = new Pruning.Result(0.5, List.of(), null, Masks.none(), Checkpoint.of(model));
        assertEquals(0.0, none.keptFraction());
        assertNull(none.kept());
    }
}
