package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.data.SequenceSet;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.LifState;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.train.SpikeRegularizer;
import org.spikekit.train.Trainer;

/** Parameter counts, latency, dropout determinism and gradients of the RSNN model. */
class RsnnTest {
    final Backend be = new CpuBackend();

    @Test
    void parameterCountsMatchThePaper() {
        assertEquals(10_500, new Rsnn(be, Rsnn.Config.tiny(96), 1L).trainableCount());
        assertEquals(16_644, new Rsnn(be, Rsnn.Config.tiny(192), 1L).trainableCount());
        assertEquals(1_159_188, new Rsnn(be, Rsnn.Config.big(96), 1L).trainableCount());
        assertEquals(1_257_492, new Rsnn(be, Rsnn.Config.big(192), 1L).trainableCount());
        Rsnn t = new Rsnn(be, Rsnn.Config.tiny(96), 1L);
        assertEquals(List.of("input", "recurrent", "readout"), List.copyOf(t.weights().keySet()));
        assertArrayEquals(new int[] {96, 64}, t.weights().get("input").shape());
        assertArrayEquals(new int[] {64, 64}, t.weights().get("recurrent").shape());
        assertArrayEquals(new int[] {64, 2}, t.weights().get("readout").shape());
        assertArrayEquals(new int[] {1024, 10}, new Rsnn(be, Rsnn.Config.big(96), 1L).weights().get("readout").shape());
        // the fixed threshold buffer is the only non-trainable parameter
        assertEquals(10_500 + 64, t.numel());
    }

    private Rsnn probe() {
        Rsnn m = new Rsnn(be, new Rsnn.Config(1, 3, 2, LifParams.rsnn(), ReadoutParams.tinyRsnn(), 0.3f, 0.3f), 1L);
        be.fill(m.weights().get("input").value(), 100f);
        be.fill(m.weights().get("recurrent").value(), 0f);
        be.fill(m.weights().get("readout").value(), 1f);
        return m;
    }

    @Test
    void inputReachesHiddenSpikesAfterThreeStepsAndPredictionAfterFive() {
        // the released semantics (stork): x[n] → hidden spike S[n+3] → prediction at n+5
        Rsnn m = probe();
        int t = 12;
        for (int n : new int[] {0, 4}) {
            Tensor x = be.zeros(t, 1, 1);
            be.fill(x.slice0(n), 1f);
            Rsnn.Pass p = m.forward(x, false, 0L, false);
            float[] s = be.toHost(p.spikes()), y = be.toHost(p.prediction());
            float[] y0 = be.toHost(m.predict(be.zeros(t, 1, 1)));
            for (int k = 0; k < t; k++) {
                if (k <= n + 3) assertEquals(k == n + 3 ? 1f : 0f, s[k * 3], "first hidden spike at step " + k + " for input at " + n);
                if (k <= n + 4) assertEquals(y0[2 * k], y[2 * k], 0f, "prediction unchanged at " + k);
            }
            assertNotEquals(y0[2 * (n + 5)], y[2 * (n + 5)], "prediction changes at input step + 5");
            assertEquals(-0.01f * (float) Math.exp(-4e-3 / (50e-3 * 1.3132616)), y0[0], 1e-6f, "Y[0] = −0.01 decays");
        }
    }

    @Test
    void dropoutIsSeededAndOnlyInTraining() {
        Rsnn m = new Rsnn(be, new Rsnn.Config(6, 8, 2, LifParams.rsnn(), ReadoutParams.bigRsnn(), 0.3f, 0.3f), 2L);
        Tensor x = be.zeros(30, 3, 6);
        be.randBernoulli(x, 4L, 0.3f);
        float[] a = be.toHost(m.forward(x, true, 7L).prediction()), b = be.toHost(m.forward(x, true, 7L).prediction());
        float[] c = be.toHost(m.forward(x, true, 8L).prediction());
        float[] e1 = be.toHost(m.forward(x, false, 7L).prediction()), e2 = be.toHost(m.forward(x, false, 8L).prediction());
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c), "another seed draws other masks");
        assertArrayEquals(e1, e2, "no dropout in evaluation");
    }

    @Test
    void readoutGradientsUnderDropoutMatchFiniteDifferences() {
        Rsnn m = new Rsnn(be, new Rsnn.Config(5, 6, 2, LifParams.rsnn(), ReadoutParams.bigRsnn(), 0.3f, 0.3f), 3L);
        be.affine(m.weights().get("input").value(), 4f, 0f, m.weights().get("input").value());
        Tensor x = be.zeros(25, 2, 5);
        be.randBernoulli(x, 9L, 0.4f);
        float[] rw = new float[25 * 2 * 2];
        for (int k = 0; k < rw.length; k++) rw[k] = (float) Math.sin(0.7 * k);
        Tensor r = be.fromHost(rw, 25, 2, 2);
        long seed = 11L;
        m.zeroGrad();
        Rsnn.Pass p = m.forward(x, true, seed);
        assertTrue(be.sum(p.spikes()) > 0, "hidden layer should spike");
        m.backward(p, r, null);
        checkAgainstFiniteDifferences(m, x, r, seed, List.of(m.readout().w(), m.readout().tauMemRaw(), m.readout().tauSynRaw()),
                3, fd -> 2e-3 * Math.max(1, Math.abs(fd)));
        for (Parameter par : m.trainableParameters()) assertTrue(be.allFinite(par.grad()), par.name());
        assertTrue(be.dot(m.weights().get("input").grad(), m.weights().get("input").grad()) > 0, "gradient reaches the input weights");
    }

    @Test
    void hiddenDropoutMaskReachesTheRecurrentConnection() {
        // stork's group dropout: the recurrent connection and the readout read the same dropped spikes
        Rsnn m = new Rsnn(be, new Rsnn.Config(4, 12, 2, LifParams.rsnn(), ReadoutParams.tinyRsnn(), 0f, 0.5f), 5L);
        be.affine(m.weights().get("input").value(), 6f, 0f, m.weights().get("input").value());
        be.affine(m.weights().get("recurrent").value(), 8f, 0f, m.weights().get("recurrent").value());
        Tensor x = be.zeros(40, 2, 4);
        be.randBernoulli(x, 3L, 0.3f);
        Rsnn.Pass p = m.forward(x, true, 17L);
        assertTrue(p.hiddenMask() != null && be.sum(p.spikes()) > 0);
        float[] withMask = be.toHost(m.hiddenLayer().forward(x, p.hiddenMask(), LifState.zeros(be, 2, 12), false).spikes());
        float[] noMask = be.toHost(m.hiddenLayer().forward(x, LifState.zeros(be, 2, 12), false).spikes());
        assertArrayEquals(withMask, be.toHost(p.spikes()), "training spikes = the layer run with the dropout mask on V");
        assertFalse(java.util.Arrays.equals(noMask, withMask), "the mask changes the recurrent input, hence the spikes");
    }

    @Test
    void allGradientsUnderDropoutMatchFiniteDifferencesWithASmoothSpike() {
        // a smooth spike makes the whole network differentiable: every weight's gradient through the masked
        // recurrent path, both synaptic delays, against central differences of the same training forward
        LifParams lp = LifParams.rsnn().withSurrogate(org.spikekit.neuron.Surrogate.smoothSigmoid(4f))
                .withReset(org.spikekit.neuron.ResetMode.ZERO, false);     // FD sees the reset: differentiate it
        Rsnn m = new Rsnn(be, new Rsnn.Config(3, 5, 2, lp, ReadoutParams.tinyRsnn(), 0.3f, 0.4f), 4L);
        be.affine(m.weights().get("input").value(), 3f, 0f, m.weights().get("input").value());
        be.affine(m.weights().get("recurrent").value(), 3f, 0f, m.weights().get("recurrent").value());
        Tensor x = be.zeros(12, 2, 3);
        be.randBernoulli(x, 5L, 0.5f);
        float[] rw = new float[12 * 2 * 2];
        for (int k = 0; k < rw.length; k++) rw[k] = (float) Math.cos(0.9 * k);
        Tensor r = be.fromHost(rw, 12, 2, 2);
        long seed = 21L;
        m.zeroGrad();
        m.backward(m.forward(x, true, seed), r, null);
        checkAgainstFiniteDifferences(m, x, r, seed, List.of(m.weights().get("input"), m.weights().get("recurrent"),
                m.hiddenLayer().tauMemRaw(), m.hiddenLayer().tauSynRaw()), 2, fd -> 3e-3 * Math.max(1e-2, Math.abs(fd)) + 2e-5);
    }

    /**
     * Every {@code stride}-th element of each parameter: the gradient in {@code grad()} against central
     * differences (h = 1e-2) of L = Σ r·prediction of the training forward with dropout seed {@code seed}.
     */
    private void checkAgainstFiniteDifferences(Rsnn m, Tensor x, Tensor r, long seed, List<Parameter> params, int stride,
                                               java.util.function.DoubleUnaryOperator tolerance) {
        for (Parameter par : params) {
            float[] v = be.toHost(par.value()), g = be.toHost(par.grad());
            for (int i = 0; i < v.length; i += stride) {
                float keep = v[i];
                double h = 1e-2;
                v[i] = (float) (keep + h); be.copy(be.fromHost(v, par.shape()), par.value());
                double lp = be.dot(m.forward(x, true, seed).prediction(), r);
                v[i] = (float) (keep - h); be.copy(be.fromHost(v, par.shape()), par.value());
                double lm = be.dot(m.forward(x, true, seed).prediction(), r);
                v[i] = keep; be.copy(be.fromHost(v, par.shape()), par.value());
                double fd = (lp - lm) / (2 * h);
                assertEquals(fd, g[i], tolerance.applyAsDouble(fd), par.name() + "[" + i + "]");
            }
        }
    }

    @Test
    void initFromDataUsesRatesAndLocoRescaling() {
        int s = 2, t = 50, in = 192;
        float[] x = new float[s * t * in];
        for (int r = 0; r < s * t; r++) {
            for (int i = 0; i < in; i++) x[r * in + i] = (i < 96 ? (r % 10 == 0) : (r % 5 == 0)) ? 1f : 0f;
        }
        SequenceSet set = new SequenceSet(x, new float[s * t * 2], s, t, in, 2);
        Rsnn m = new Rsnn(be, Rsnn.Config.tiny(in), 1L);
        double nu = m.initFromData(set, 5L);
        assertEquals(0.1 / 4e-3, nu, 1e-9);                        // one spike per 10 steps of 4 ms = 25 Hz
        float[] w = be.toHost(m.weights().get("input").value());
        double lo = 0, hi = 0;
        for (int j = 0; j < in; j++) for (int o = 0; o < 64; o++) {
            double v = w[j * 64 + o];
            if (j < 96) lo += v * v; else hi += v * v;
        }
        assertEquals(0.25, hi / lo, 0.06, "channels 97..192 fire twice as often: weights halved, variance quartered");
    }

    @Test
    void trainingIsDeterministicForASeed() {
        int s = 6, t = 20, in = 5;
        float[] x = new float[s * t * in], y = new float[s * t * 2];
        for (int k = 0; k < x.length; k++) x[k] = (k * 7 % 11) < 4 ? 1f : 0f;
        for (int k = 0; k < y.length; k++) y[k] = (float) Math.sin(0.1 * k);
        SequenceSet set = new SequenceSet(x, y, s, t, in, 2);
        Trainer.Config cfg = Trainer.Config.rsnn(2, 42L).withBatchSize(4).withRegularizer(SpikeRegularizer.tinyRsnn());
        double[][] losses = new double[2][];
        for (int run = 0; run < 2; run++) {
            Rsnn m = new Rsnn(be, Rsnn.Config.tiny(in).withHidden(8), 1L);
            var h = new Trainer(cfg).fit(m, set, set, (model, e) -> java.util.Map.of("epochPlusOne", e.epoch() + 1.0));
            losses[run] = h.epochs().stream().mapToDouble(Trainer.Epoch::loss).toArray();
            assertEquals(2.0, h.last().metrics().get("epochPlusOne"));
            assertEquals(2e-3 * (1 + Math.cos(Math.PI / 2)) / 2, h.last().lr(), 1e-9);
        }
        assertArrayEquals(losses[0], losses[1], 0.0);
    }
}
