package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/**
 * Every optimiser keeps the {@link Optimizer} contract: a run stopped after some steps and
 * restored from {@link Optimizer#state()} into a fresh optimiser continues bit-identically, and a
 * state of another kind or for other parameters is refused with a message naming the source.
 */
class OptimizerContractTest {
    static final Backend be = new CpuBackend();

    record Case(String name, Function<Module, Optimizer> make) {
        @Override public String toString() { return name; }
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of(new Case("adam", m -> new Adam(m, AdamConfig.defaults().withLr(0.05f)))),
                Arguments.of(new Case("lamb", m -> new Lamb(m.trainableParameters(), Lamb.Config.spikachu(0.05)))),
                Arguments.of(new Case("smorms3", m -> new Smorms3(m, 0.05f, 1e-16f))));
    }

    static Module module() {
        Parameter a = new Parameter("a", be.fromHost(new float[] {1, -2, 3, 0.5f}, 2, 2), true);
        Parameter b = new Parameter("b", be.fromHost(new float[] {0.25f, -1}, 2), true);
        return () -> List.of(a, b);
    }

    /** A deterministic gradient that depends on the step and the current values. */
    static void grads(Module m, int step) {
        for (Parameter p : m.parameters()) {
            float[] v = be.toHost(p.value()), g = new float[v.length];
            for (int i = 0; i < v.length; i++) g[i] = (float) (Math.sin(step + 1.3 * i) + 0.1 * v[i]);
            be.copy(be.fromHost(g, p.shape()), p.grad());
        }
    }

    static void run(Module m, Optimizer o, int from, int to, LrSchedule s) {
        for (int k = from; k < to; k++) {
            o.setLr(s.lr(k));
            grads(m, k);
            o.step();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void restoredRunContinuesBitIdentically(Case c) {
        LrSchedule sched = new CosineAnnealing(0.05, 10);
        Module straight = module();
        Optimizer o1 = c.make().apply(straight);
        run(straight, o1, 0, 10, sched);

        Module first = module();
        Optimizer o2 = c.make().apply(first);
        run(first, o2, 0, 4, sched);
        var saved = o2.state();
        Module second = module();
        for (int k = 0; k < 2; k++) be.copy(first.parameters().get(k).value(), second.parameters().get(k).value());
        Optimizer o3 = c.make().apply(second);
        o3.restore(saved, "saved.ckpt");
        assertEquals(4, o3.steps());
        assertEquals(o2.lr(), o3.lr(), 0.0);
        run(second, o3, 4, 10, sched);

        assertEquals(10, o1.steps());
        for (int k = 0; k < 2; k++) {
            assertArrayEquals(be.toHost(straight.parameters().get(k).value()), be.toHost(second.parameters().get(k).value()),
                    c + ": parameter " + k + " after a restored run");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void foreignStateIsRefusedNamingTheSource(Case c) {
        Optimizer o = c.make().apply(module());
        var other = c.name().equals("adam") ? new Lamb(module().trainableParameters(), Lamb.Config.spikachu(0.1)).state()
                : new Adam(module(), AdamConfig.defaults()).state();
        var e = assertThrows(CheckpointException.class, () -> o.restore(other, "run.ckpt"));
        assertTrue(e.getMessage().startsWith("run.ckpt: "), e.getMessage());

        Parameter wide = new Parameter("a", be.zeros(3, 2), true), b = new Parameter("b", be.zeros(2), true);
        Module misshapen = () -> List.of(wide, b);
        var wrongShape = c.make().apply(misshapen).state();
        var e2 = assertThrows(CheckpointException.class, () -> o.restore(wrongShape, "run.ckpt"));
        assertTrue(e2.getMessage().contains("'a"), e2.getMessage());
    }

    @Test
    void setLrRoundsToFloatWhereTheOptimiserKeepsFloat() {
        Optimizer adam = new Adam(module(), AdamConfig.defaults());
        adam.setLr(0.1);
        assertEquals((float) 0.1, adam.lr(), 0.0);
        Optimizer lamb = new Lamb(module().trainableParameters(), Lamb.Config.spikachu(0.1));
        lamb.setLr(0.1);
        assertEquals(0.1, lamb.lr(), 0.0);
    }

    @Test
    void constantSchedule() {
        LrSchedule s = LrSchedule.constant(3e-3);
        assertEquals(3e-3, s.lr(0), 0.0);
        assertEquals(3e-3, s.lr(99), 0.0);
        assertThrows(IllegalArgumentException.class, () -> s.lr(-1));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(Double.NaN));
    }
}
