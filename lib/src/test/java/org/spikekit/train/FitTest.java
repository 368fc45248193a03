package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/** The one loop on a two-weight quadratic: selection and restore, resume, early end, forward-only, bad loss. */
class FitTest {
    static final Backend BE = new CpuBackend();
    static final float[] TARGET = {1f, -2f};

    record Quad(Parameter w) implements Module {
        static Quad fresh() { return new Quad(new Parameter("w", BE.fromHost(new float[] {0.3f, 0.7f}, 2), true)); }

        public List<Parameter> parameters() { return List.of(w); }

        /** Σ (w − target − shift)² on the host. */
        double loss(float shift) {
            float[] v = BE.toHost(w.value());
            double l = 0;
            for (int i = 0; i < v.length; i++) l += Math.pow(v[i] - TARGET[i] - shift, 2);
            return l;
        }
    }

    /** Batches are shifts of the target (a different pair each epoch); the loss is the quadratic, its gradient written by backward. */
    static final Fit.Loss<Quad, Float> LOSS = (m, shift, seed) -> {
        double l = m.loss(shift);
        return new Fit.Step() {
            public double loss() { return l; }
            public void backward() {
                float[] v = BE.toHost(m.w().value()), g = new float[v.length];
                for (int i = 0; i < v.length; i++) g[i] = 2 * (v[i] - TARGET[i] - shift);
                BE.copy(BE.fromHost(g, g.length), m.w().grad());
            }
        };
    };
    static final Fit.Data<Float> DATA = e -> List.of(0.1f * (e % 3), -0.05f * e);

    static Fit.Recipe<Quad, Float, Double> recipe(int epochs, double lr) {
        return new Fit.Recipe<>("quad", epochs, LOSS, m -> new Adam(m, new AdamConfig((float) lr, 0.9f, 0.999f, 1e-8f, 0f)),
                e -> lr / (1 + e), 0, Fit.BatchSeeds.none(), new Fit.Selection<>(m -> m.loss(0f), Fit.Cadence.everyEpoch(), false, d -> d));
    }

    @Test
    void theKeptParametersAreTheBestScoredOnesAndAreRestored() {
        Quad q = Quad.fresh();
        Fit.Result<Double> r = Fit.fit(q, DATA, recipe(12, 0.9), null);   // a large step overshoots: scores are not monotone
        assertEquals(12, r.epochs().size());
        double best = r.epochs().stream().mapToDouble(Fit.Epoch::evaluation).min().orElseThrow();
        assertEquals(best, r.bestKey(), 0);
        assertEquals(best, r.epochs().get(r.keptEpoch()).evaluation(), 0);
        assertTrue(r.epochs().get(r.keptEpoch()).kept());
        assertEquals(best, q.loss(0f), 0, "the model holds the kept parameters");
        assertEquals(0.9 / 3, r.epochs().get(2).lr(), 0, "the schedule's rate of epoch 2");
    }

    @Test
    void aRunResumedFromItsStateEndsBitIdenticalToAnUninterruptedOne() {
        Quad whole = Quad.fresh();
        Fit.Result<Double> all = Fit.fit(whole, DATA, recipe(8, 0.3), null);
        Quad first = Quad.fresh();
        Fit.Run<Quad, Float, Double> run = Fit.start(first, DATA, recipe(8, 0.3), null, null);
        for (int e = 0; e < 3; e++) run.epoch();
        Fit.State<Double> st = run.state();
        float[] w = BE.toHost(first.w().value());
        Checkpoint.Optimizer opt = run.optimizer().state();
        Quad fresh = Quad.fresh();
        BE.copy(BE.fromHost(w, 2), fresh.w().value());
        Fit.Run<Quad, Float, Double> again = Fit.start(fresh, DATA, recipe(8, 0.3), null, st);
        again.optimizer().restore(opt, "test");
        Fit.Result<Double> rest = again.finish();
        assertArrayEquals(BE.toHost(whole.w().value()), BE.toHost(fresh.w().value()));
        assertEquals(all.epochs(), rest.epochs());
        assertEquals(all.keptEpoch(), rest.keptEpoch());
    }

    @Test
    void aHookEndsTheFitBeforeTheBackwardPassOfTheBatchItSaw() {
        Quad q = Quad.fresh();
        float[][] seen = new float[1][];
        Fit.Result<Double> r = Fit.fit(q, DATA, new Fit.Recipe<>("quad", 10, LOSS, m -> new Adam(m, AdamConfig.defaults()), null, 0,
                Fit.BatchSeeds.none(), null), new Fit.Hooks<>() {
                    @Override
                    public boolean afterForward(int epoch, int batch, Float b, Fit.Step step) {
                        if (epoch == 2 && batch == 1) {
                            seen[0] = BE.toHost(q.w().value());
                            return false;
                        }
                        return true;
                    }
                });
        assertTrue(r.stoppedEarly());
        assertEquals(2, r.epochs().size());
        assertEquals(1, r.keptEpoch(), "no selection: the last finished epoch");
        assertArrayEquals(seen[0], BE.toHost(q.w().value()), "no step after the hook said stop");
    }

    @Test
    void anOptimiserWithoutParametersMakesTheFitForwardOnly() {
        Quad q = Quad.fresh();
        float[] before = BE.toHost(q.w().value());
        Fit.Result<Double> r = Fit.fit(q, DATA, new Fit.Recipe<>("quad", 2, LOSS, m -> new Lamb(List.of(), new Lamb.Config(1e-2, 0.9, 0.999, 1e-8, 0, false)),
                null, 0, Fit.BatchSeeds.none(), null), null);
        assertArrayEquals(before, BE.toHost(q.w().value()));
        assertEquals(2, r.epochs().size());
        assertFalse(r.stoppedEarly());
        assertNull(r.initial());
    }

    @Test
    void aNonFiniteLossStopsTheFitNamingTheRecipe() {
        Fit.Loss<Quad, Float> nan = (m, b, s) -> new Fit.Step() {
            public double loss() { return Double.NaN; }
            public void backward() {}
        };
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> Fit.fit(Quad.fresh(), DATA,
                new Fit.Recipe<>("quad-nan", 2, nan, m -> new Adam(m, AdamConfig.defaults()), null, 0, Fit.BatchSeeds.none(), null), null));
        assertTrue(x.getMessage().startsWith("quad-nan: loss is NaN at epoch 0 batch 0"), x.getMessage());
    }
}
