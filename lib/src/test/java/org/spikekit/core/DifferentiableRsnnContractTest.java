package org.spikekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.model.BaselineDecoder;
import org.spikekit.model.Baselines;
import org.spikekit.model.HalfRsnn;
import org.spikekit.model.Rsnn;
import org.spikekit.model.Snn2;
import org.spikekit.model.Snn3;
import org.spikekit.model.SpikachuCore;
import org.spikekit.model.SpikachuDecoder;
import org.spikekit.neuron.HiddenNeuron;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.ResetMode;
import org.spikekit.neuron.Surrogate;
import org.spikekit.nn.Homogenizer;

/**
 * The RSNN family (Rsnn with a LIF and an ALIF hidden layer, Snn2, Snn3) and the Spikachu decoders
 * (SpikachuDecoder, BaselineDecoder) driven only through {@link Differentiable}: forward on a
 * training tape with a fixed seed, a random output gradient (and, for sequence models, a random
 * gradient of the published hidden spikes), backward, nothing left on the tape; the parameter
 * gradients against central differences of the same seeded loss
 * {@code L = Σ gradOut·output + Σ gradSpikes·spikes} (float forward, double sums, a few sampled
 * entries per trainable tensor). Spiking models use a smooth spike so that the loss is
 * differentiable; the ALIF kernel requires the binary spike, so there only the readout (which the
 * spikes do not depend on) is checked by differences and the hidden layer by bit-identity with
 * the pass-level path. The contract's gradients of Rsnn are bit-identical to the pass-level path's.
 */
class DifferentiableRsnnContractTest {
    private final Backend be = new CpuBackend();

    // ---- models --------------------------------------------------------------------------------

    /** A small LIF RSNN with a smooth spike (differentiable forward), dropout on input and hidden spikes. */
    private Rsnn lifRsnn() {
        LifParams lp = LifParams.rsnn().withSurrogate(Surrogate.smoothSigmoid(4f)).withReset(ResetMode.ZERO, false);
        Rsnn m = new Rsnn(be, new Rsnn.Config(3, 5, 2, lp, ReadoutParams.tinyRsnn(), 0.3f, 0.4f), 4L);
        be.affine(m.weights().get("input").value(), 3f, 0f, m.weights().get("input").value());
        be.affine(m.weights().get("recurrent").value(), 3f, 0f, m.weights().get("recurrent").value());
        return m;
    }

    /** A small ALIF RSNN whose hidden layer fires (binary spikes), dropout on both. */
    private Rsnn alifRsnn() {
        Rsnn m = new Rsnn(be, new Rsnn.Config(4, 6, 2, LifParams.rsnn(), ReadoutParams.tinyRsnn(), 0.2f, 0.4f,
                HiddenNeuron.Alif.rsnn().withArp(1)), 3L);
        be.affine(m.weights().get("input").value(), 4f, 0.3f, m.weights().get("input").value());
        return m;
    }

    private Tensor spikesIn(int t, int b, int in, long seed) {
        Tensor x = be.zeros(t, b, in);
        be.randBernoulli(x, seed, 0.4f);
        return x;
    }

    private Tensor uniformIn(int t, int b, int in, long seed) {
        float[] v = new float[t * b * in];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((CounterRng.bits(seed, i) >>> 11) * 0x1.0p-53);
        return be.fromHost(v, t, b, in);
    }

    private Tensor randn(long seed, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = CounterRng.normal(seed, i);
        return be.fromHost(v, shape);
    }

    // ---- the check ------------------------------------------------------------------------------

    /** Σ a·b in double. */
    private static double dot(Tensor a, float[] b) {
        float[] v = a.backend().toHost(a);
        double s = 0;
        for (int i = 0; i < v.length; i++) s += (double) v[i] * b[i];
        return s;
    }

    /** The seeded loss through the contract only: a fresh tape from {@code tapes}, forward, Σ g·y (+ Σ gs·spikes). */
    private static <I> double loss(Differentiable<I> m, I input, Supplier<Tape> tapes, float[] g, float[] gs) {
        Tape tape = tapes.get();
        double l = dot(m.forward(input, tape), g);
        if (gs != null) l += dot(tape.output(SequenceModel.SPIKES), gs);
        return l;
    }

    /**
     * Forward/backward through the contract, then for every trainable parameter whose name passes
     * {@code checked}: up to {@code probes} sampled entries against central differences of step
     * {@code h}; per tensor, max |analytic − numeric| must be at most {@code tol}·max(max |numeric|,
     * {@code floor}). Returns the number of tensors checked.
     */
    private <I> int check(String what, Differentiable<I> m, I input, Supplier<Tape> tapes, Tensor gradOut, Tensor gradSpikes,
                          java.util.function.Predicate<String> checked, int probes, double h, double tol, double floor) {
        Tape tape = tapes.get();
        Tensor y = m.forward(input, tape);
        assertArrayEquals(gradOut.shape(), y.shape(), what + ": output shape");
        if (gradSpikes != null) {
            assertNotNull(tape.output(SequenceModel.SPIKES), what + ": hidden spikes published");
            tape.addGradient(SequenceModel.SPIKES, gradSpikes);
        }
        m.zeroGrad();
        assertNull(m.backward(gradOut, tape), what + ": backward returns null (no dL/dinput)");
        assertEquals(0, tape.pending(), what + ": records left on the tape after backward");
        float[] g = be.toHost(gradOut), gs = gradSpikes == null ? null : be.toHost(gradSpikes);
        int tensors = 0;
        double worstRatio = 0;
        for (Parameter p : m.trainableParameters()) {
            if (!checked.test(p.name())) continue;
            float[] ana = be.toHost(p.grad()), val = be.toHost(p.value());
            int n = val.length;
            double maxNum = 0, maxErr = 0;
            for (int k = 0; k < Math.min(probes, n); k++) {
                int i = n <= probes ? k : (int) Math.floorMod(CounterRng.bits(5, k), (long) n);
                float keep = val[i];
                val[i] = (float) (keep + h);
                be.copy(be.fromHost(val, p.shape()), p.value());
                double lp = loss(m, input, tapes, g, gs);
                val[i] = (float) (keep - h);
                be.copy(be.fromHost(val, p.shape()), p.value());
                double lm = loss(m, input, tapes, g, gs);
                val[i] = keep;
                be.copy(be.fromHost(val, p.shape()), p.value());
                double num = (lp - lm) / (2 * h);
                maxNum = Math.max(maxNum, Math.abs(num));
                maxErr = Math.max(maxErr, Math.abs(num - ana[i]));
            }
            if (!(maxErr <= tol * Math.max(maxNum, floor))) {
                fail(what + ": dL/d" + p.name() + " |numeric − analytic| " + maxErr + ", max |numeric| " + maxNum);
            }
            tensors++;
            worstRatio = Math.max(worstRatio, maxErr / Math.max(maxNum, floor));
        }
        System.out.printf("contract grad-check %s: worst ratio %.3e (tol %.1e)%n", what, worstRatio, tol);
        return tensors;
    }

    // ---- sequence models ------------------------------------------------------------------------

    @Test
    void lifRsnnGradientsMatchFiniteDifferencesThroughTheContract() {
        Rsnn m = lifRsnn();
        int t = 12, b = 2;
        Tensor x = spikesIn(t, b, 3, 5L);
        int n = check("Rsnn LIF", m, x, () -> Tape.training(21L), randn(1, t, b, 2), randn(2, t, b, 5), name -> true,
                3, 1e-2, 1e-2, 1e-2);
        assertEquals(m.trainableParameters().size(), n);
    }

    @Test
    void alifRsnnReadoutGradientsMatchFiniteDifferencesThroughTheContract() {
        Rsnn m = alifRsnn();
        int t = 30, b = 2;
        Tensor x = spikesIn(t, b, 4, 5L);
        Tape probe = Tape.training(17L);
        m.forward(x, probe);
        assertTrue(be.sum(probe.output(SequenceModel.SPIKES)) > 0, "the ALIF hidden layer spikes");
        // binary spikes: only the readout is a differentiable function of its parameters
        int n = check("Rsnn ALIF", m, x, () -> Tape.training(17L), randn(1, t, b, 2), randn(2, t, b, 6),
                name -> name.startsWith("readout"), 1000, 1e-2, 1e-2, 1e-2);
        assertTrue(n >= 3, "readout tensors checked: " + n);
    }

    @Test
    void snn2GradientsMatchFiniteDifferencesThroughTheContract() {
        Snn2 m = new Snn2(be, new Snn2.Config(3, 4, 2, 0.96f, 1f, Surrogate.smoothSigmoid(4f), 0.3f, false), 1L);
        be.affine(m.fc1().value(), 3f, 0.5f, m.fc1().value());
        int t = 10, b = 2;
        Tensor x = uniformIn(t, b, 3, 7L);
        int n = check("Snn2", m, x, () -> Tape.training(21L), randn(1, t, b, 2), randn(2, t, b, 4), name -> true,
                1000, 1e-2, 1e-2, 1e-2);
        assertEquals(2, n);
    }

    @Test
    void snn3GradientsMatchFiniteDifferencesThroughTheContractAndItPublishesNoSpikes() {
        Snn3 m = new Snn3(be, new Snn3.Config(3, 4, 5, 7, 3, 0.5f, 0.5f, 0.5f, Surrogate.smoothSigmoid(4f), 1e-5f, false), 5L);
        int t = 12, b = 2;
        Tensor x = uniformIn(t, b, 3, 9L);
        Tape tape = Tape.training(17L);
        m.forward(x, tape);
        assertNull(tape.output(SequenceModel.SPIKES), "SNN3 has no per-step hidden spike sequence");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tape.addGradient(SequenceModel.SPIKES, be.zeros(t, b, 4)));
        assertTrue(e.getMessage().contains("spikes"), e.getMessage());
        int n = check("Snn3", m, x, () -> Tape.training(17L), randn(1, t, b, 2), null, name -> true, 4, 1e-2, 1e-2, 1e-2);
        assertEquals(m.trainableParameters().size(), n);
    }

    /** The contract and the pass-level path: the same prediction, spikes and parameter gradients, bit for bit. */
    @Test
    void rsnnContractGradientsAreBitIdenticalToThePassLevelPath() {
        for (Rsnn m : List.of(lifRsnn(), alifRsnn())) {
            int in = m.inputs(), hid = m.config().hidden(), t = 20, b = 3;
            Tensor x = spikesIn(t, b, in, 3L), g = randn(4, t, b, 2), gs = randn(6, t, b, hid);
            long seed = 99L;
            m.zeroGrad();
            Rsnn.Pass p = m.forward(x, true, seed);
            m.backward(p, g, gs);
            List<float[]> want = grads(m);

            m.zeroGrad();
            Tape tape = Tape.training(seed);
            Tensor y = m.forward(x, tape);
            assertArrayEquals(be.toHost(p.prediction()), be.toHost(y), "prediction");
            assertArrayEquals(be.toHost(p.spikes()), be.toHost(tape.output(SequenceModel.SPIKES)), "published spikes");
            tape.addGradient(SequenceModel.SPIKES, gs);
            m.backward(g, tape);
            assertEquals(0, tape.pending());
            List<float[]> got = grads(m);
            for (int k = 0; k < want.size(); k++) assertArrayEquals(want.get(k), got.get(k), m.parameters().get(k).name());
            assertTrue(want.stream().anyMatch(a -> { for (float v : a) if (v != 0) return true; return false; }), "non-zero gradients");

            // without a spikes gradient: the prediction term alone, also bit-identical
            m.zeroGrad();
            m.backward(m.forward(x, true, seed), g, null);
            want = grads(m);
            m.zeroGrad();
            Tape t2 = Tape.training(seed);
            m.forward(x, t2);
            m.backward(g, t2);
            got = grads(m);
            for (int k = 0; k < want.size(); k++) assertArrayEquals(want.get(k), got.get(k), m.parameters().get(k).name());
        }
    }

    private List<float[]> grads(Module m) {
        List<float[]> l = new ArrayList<>();
        for (Parameter p : m.parameters()) l.add(be.toHost(p.grad()));
        return l;
    }

    /**
     * An evaluation tape that keeps records: no dropout (the prediction of {@link Rsnn#predict}), the
     * record kept, and the gradients of the deterministic model ({@code forward(x, false, 0, true)}).
     * The float16 view refuses it and training tapes, naming the tape.
     */
    @Test
    void evalWithGradRunsWithoutDropoutAndKeepsTheRecord() {
        Rsnn m = lifRsnn();
        Tensor x = spikesIn(15, 2, 3, 8L), g = randn(3, 15, 2, 2);
        Tape tape = Tape.evalWithGrad();
        Tensor y = m.forward(x, tape);
        assertArrayEquals(be.toHost(m.predict(x)), be.toHost(y), "no dropout");
        assertEquals(1, tape.pending());
        m.zeroGrad();
        m.backward(g, tape);
        assertEquals(0, tape.pending());
        List<float[]> got = grads(m);
        m.zeroGrad();
        m.backward(m.forward(x, false, 0L, true), g, null);
        List<float[]> want = grads(m);
        for (int k = 0; k < want.size(); k++) assertArrayEquals(want.get(k), got.get(k), m.parameters().get(k).name());
        // an inference tape keeps nothing but still publishes the spikes
        Tape inf = Tape.inference();
        m.forward(x, inf);
        assertEquals(0, inf.pending());
        assertArrayEquals(be.toHost(m.forward(x, false, 0L, false).spikes()), be.toHost(inf.output(SequenceModel.SPIKES)));

        for (SequenceModel s : List.<SequenceModel>of(new Snn2(be, Snn2.Config.neuroBench(3), 1L),
                new Snn3(be, new Snn3.Config(3, 4, 5, 7, 3, 0.5f, 0.5f, 0.5f, Surrogate.smoothSigmoid(4f), 1e-5f, false), 5L))) {
            Tensor xs = uniformIn(12, 2, 3, 4L);
            Tape e = Tape.evalWithGrad();
            Tensor ys = s.forward(xs, e);
            assertArrayEquals(be.toHost(s.forward(xs, Tape.inference())), be.toHost(ys), s.getClass().getSimpleName() + ": no dropout");
            s.backward(randn(5, 12, 2, 2), e);
            assertEquals(0, e.pending());
        }

        HalfRsnn half = new HalfRsnn(m, false);
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, () -> half.forward(x, Tape.evalWithGrad()));
        assertTrue(u.getMessage().contains("Tape.evalWithGrad"), u.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> half.forward(x, Tape.training(1L)));
        assertArrayEquals(be.toHost(half.forward(x, false, 0L).prediction()), be.toHost(half.forward(x, Tape.inference())));
    }

    // ---- window decoders ------------------------------------------------------------------------

    private static final int UNITS = 7, T = 5, B = 2;

    /** One single-session batch of T 5 bins × B 2 windows over 7 units, counts and tokens agreeing. */
    private static DecodingBatch batch(long seed) {
        int rows = T * B;
        float[] counts = new float[rows * UNITS];
        int[] off = new int[rows + 1];
        List<Integer> tokens = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < UNITS; u++) {
                int c = Math.floorMod(CounterRng.bits(seed, r * UNITS + u), 5) == 0 ? 1 + Math.floorMod(CounterRng.bits(seed + 1, r * UNITS + u), 2) : 0;
                counts[r * UNITS + u] = c;
                for (int k = 0; k < c; k++) tokens.add(u);
            }
            off[r + 1] = tokens.size();
        }
        float[] target = new float[rows * 2], weight = new float[rows];
        for (int i = 0; i < target.length; i++) target[i] = CounterRng.normal(seed + 2, i);
        java.util.Arrays.fill(weight, 1f);
        return new DecodingBatch(T, B, 0.01, new int[B], new double[B], UNITS, counts, off,
                tokens.stream().mapToInt(Integer::intValue).toArray(), target, weight, new byte[rows]);
    }

    @Test
    void spikachuDecoderGradientsMatchFiniteDifferencesThroughTheContract() {
        SpikachuCore.Config core = new SpikachuCore.Config(5, List.of(1.5, 4.0), 0.5f, 4, 4, 2, 0.2f,
                4, 2, 2f, 0.2f, 0.2f,
                5, 2f, List.of(1.5, 3.0), 2, 2,
                2f, 2, Surrogate.spikingJellyAtan(1f).asSmooth(), true, false);
        SpikachuDecoder m = new SpikachuDecoder(be, "spikachu", new SpikachuDecoder.Config(new Homogenizer.Config(UNITS, 4, 3, 5, 2, 0.1f, 0.1f, 0.1f), core), 3);
        DecodingBatch bt = batch(11L);
        assertTrue(bt.tokenCount() > 0);
        int n = check("SpikachuDecoder", m, bt, () -> Tape.training(9L), randn(1, T, B, 2), null, name -> true, 3, 3e-3, 6e-2, 0.05);
        assertEquals(m.trainableParameters().size(), n);
    }

    @Test
    void baselineDecoderGradientsMatchFiniteDifferencesThroughTheContract() {
        BaselineDecoder m = new BaselineDecoder(be, Baselines.recurrent(be,
                new Baselines.RecurrentConfig(Baselines.Kind.GRU, UNITS, 1, 2, 6, 2, 0.2f), 3L));
        int n = check("BaselineDecoder GRU", m, batch(12L), () -> Tape.training(9L), randn(1, T, B, 2), null, name -> true,
                3, 1e-2, 1e-2, 1e-2);
        assertEquals(m.trainableParameters().size(), n);
    }

    @Test
    void sequenceModelsCheckTheirTapeAndRecord() {
        Rsnn m = lifRsnn();
        Tensor x = spikesIn(6, 1, 3, 1L);
        assertThrows(IllegalArgumentException.class, () -> m.forward(x, (Tape) null));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.backward(be.zeros(6, 1, 2), Tape.training(1L)));
        assertTrue(e.getMessage().contains("Pass"), e.getMessage());
        Tape inf = Tape.inference();
        m.forward(x, inf);
        assertThrows(IllegalStateException.class, () -> m.backward(be.zeros(6, 1, 2), inf));
        // another model's record on the tape is refused, naming the expected one
        Tape mixed = Tape.training(1L);
        new Snn2(be, Snn2.Config.neuroBench(3), 1L).forward(x, mixed);
        e = assertThrows(IllegalStateException.class, () -> m.backward(be.zeros(6, 1, 2), mixed));
        assertTrue(e.getMessage().contains("Pass") && e.getMessage().contains("out of order"), e.getMessage());
        assertFalse(m.parameters().isEmpty());
    }
}
