package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;
import org.spikekit.core.Losses;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.neuron.LeakyReadout;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.LifState;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.RecurrentLifLayer;

/** Losses (value + gradient vs finite differences), Adam, clipping, init, registry, and a tiny RSNN fit. */
class TrainBasicsTest {
    final Backend be = new CpuBackend();

    interface LossFn { double apply(Tensor pred, Tensor grad); }

    private void gradCheck(String what, Tensor pred, LossFn f, double tol) {
        Tensor g = be.zeros(pred.shape());
        f.apply(pred, g);
        float[] p = be.toHost(pred), an = be.toHost(g);
        for (int i = 0; i < p.length; i++) {
            float keep = p[i];
            double h = 1e-2;
            p[i] = (float) (keep + h); double lp = f.apply(be.fromHost(p, pred.shape()), null);
            p[i] = (float) (keep - h); double lm = f.apply(be.fromHost(p, pred.shape()), null);
            p[i] = keep;
            double fd = (lp - lm) / (2 * h);
            assertEquals(fd, an[i], tol * Math.max(1, Math.abs(fd)), what + " grad[" + i + "]");
        }
    }

    @Test
    void lossesValuesAndGradients() {
        Tensor pred = be.fromHost(new float[] {1, 2, 3, -1, 0.5f, 2}, 2, 3);
        Tensor tgt = be.fromHost(new float[] {0, 2, 1, -1, 1.5f, 0}, 2, 3);
        assertEquals((1 + 0 + 4 + 0 + 1 + 4) / 6.0, Losses.mse(pred, tgt, null), 1e-6);
        assertEquals(Math.sqrt(10 / 6.0), Losses.rmse(pred, tgt, null), 1e-6);
        gradCheck("mse", pred, (p, g) -> Losses.mse(p, tgt, g), 1e-3);
        gradCheck("rmse", pred, (p, g) -> Losses.rmse(p, tgt, g), 1e-3);
        int[] labels = {2, 0};
        // row 0: logits 1,2,3 -> lse = 3 + log(1 + e^-1 + e^-2); loss0 = lse - 3
        double lse0 = 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2));
        double lse1 = 2 + Math.log(Math.exp(-3) + Math.exp(-1.5) + 1);
        assertEquals(((lse0 - 3) + (lse1 + 1)) / 2, Losses.crossEntropy(pred, labels, null), 1e-6);
        gradCheck("cross-entropy", pred, (p, g) -> Losses.crossEntropy(p, labels, g), 1e-3);
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(pred, new int[] {3, 0}, null));
        assertThrows(IllegalArgumentException.class, () -> Losses.mse(pred, be.zeros(3, 2), null));
    }

    @Test
    void adamFirstStepMovesEachWeightByLr() {
        Parameter p = new Parameter("p", be.fromHost(new float[] {1, -2, 3}, 3), true);
        be.copy(be.fromHost(new float[] {0.5f, -4f, 1e-3f}, 3), p.grad());
        Module m = () -> List.of(p);
        Adam adam = new Adam(m, AdamConfig.defaults().withLr(0.1f));
        adam.step();
        // bias-corrected first step: Δ = −lr·g/(|g| + eps) ≈ −lr·sign(g)
        float[] v = be.toHost(p.value());
        assertEquals(0.9f, v[0], 1e-5);
        assertEquals(-1.9f, v[1], 1e-5);
        assertEquals(2.9f, v[2], 1e-4);
        assertEquals(1, adam.steps());
    }

    @Test
    void clippingAndRegistry() {
        Parameter a = new Parameter("a", be.zeros(2), true), b = new Parameter("b", be.zeros(1), true);
        Parameter c = new Parameter("c", be.zeros(1), false);
        be.copy(be.fromHost(new float[] {3, 0}, 2), a.grad());
        be.copy(be.fromHost(new float[] {4}, 1), b.grad());
        Module m = Module.of(() -> List.of(a, b), () -> List.of(c));
        assertEquals(List.of("a", "b", "c"), List.copyOf(m.byName().keySet()));
        assertEquals(2, m.trainableParameters().size());
        assertEquals(4, m.numel());
        assertEquals(5.0, GradClip.clipGlobalNorm(m, 1.0), 1e-6);
        assertEquals(1.0, GradClip.globalNorm(m.trainableParameters()), 1e-5);
        assertArrayEquals(new float[] {0.6f, 0f}, be.toHost(a.grad()), 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> Module.of(() -> List.of(a), () -> List.of(a)));
        m.zeroGrad();
        assertEquals(0.0, GradClip.globalNorm(m.parameters()));
    }

    @Test
    void initIsSeededAndFanInScaled() {
        Tensor t1 = Init.fanInUniform(be, 42, 1f, 400, 50), t2 = Init.fanInUniform(be, 42, 1f, 400, 50);
        assertArrayEquals(be.toHost(t1), be.toHost(t2));
        float max = 0;
        for (float v : be.toHost(t1)) max = Math.max(max, Math.abs(v));
        assertTrue(max <= 0.05f && max > 0.045f, "bound 1/sqrt(400) = 0.05, max " + max);
        Tensor n = be.zeros(400, 50);
        Init.fanInNormal(n, 7, 1f);
        double var = be.dot(n, n) / n.size();
        assertEquals(1.0 / 400, var, 0.1 / 400);
        assertTrue(Init.seedFor(1, "a.w") != Init.seedFor(1, "a.v"));
    }

    @Test
    void tinyRecurrentNetworkLearnsWithAdam() {
        int t = 80, b = 4, in = 6, n = 16;     // the first 5 outputs cannot respond (x[n] reaches the prediction at n+5)
        RecurrentLifLayer hidden = new RecurrentLifLayer(be, "hidden", in, n, true, LifParams.rsnn(), 1L);
        be.affine(hidden.w().value(), 3f, 0f, hidden.w().value());
        LeakyReadout ro = new LeakyReadout(be, "readout", n, 2, ReadoutParams.tinyRsnn(), 2L);
        Module model = Module.of(hidden, ro);
        assertEquals(List.of("hidden.w", "hidden.v", "hidden.tauMemRaw", "hidden.tauSynRaw", "hidden.threshold",
                "readout.w", "readout.tauMemRaw", "readout.tauSynRaw"), List.copyOf(model.byName().keySet()));
        Tensor x = be.zeros(t, b, in);
        be.randBernoulli(x, 5, 0.3f);
        float[] tg = new float[t * b * 2];
        for (int k = 0; k < tg.length; k += 2) { tg[k] = 0.3f; tg[k + 1] = -0.2f; }   // constant velocity
        Tensor target = be.fromHost(tg, t, b, 2);
        Adam adam = new Adam(model, AdamConfig.defaults().withLr(1e-2f));
        double first = 0, last = 0;
        for (int it = 0; it < 30; it++) {
            model.zeroGrad();
            var h = hidden.forward(x, LifState.zeros(be, b, n), true);
            var y = ro.forward(h.spikes(), ro.initialState(b), true);
            Tensor gy = be.zeros(t, b, 2);
            double loss = Losses.rmse(y.y(), target, gy);
            var gs = ro.backward(y.tape(), gy, null);
            hidden.backward(h.tape(), gs.gradInput(), null);
            GradClip.clipGlobalNorm(model, 10.0);
            adam.step();
            if (it == 0) first = loss;
            last = loss;
            for (Parameter p : model.parameters()) assertTrue(be.allFinite(p.grad()), p.name() + " grad finite");
        }
        assertTrue(last < 0.5 * first, "RMSE should drop: first " + first + ", last " + last);
    }
}
