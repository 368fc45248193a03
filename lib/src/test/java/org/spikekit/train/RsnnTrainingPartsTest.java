package org.spikekit.train;

import org.spikekit.data.SequenceSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.FluctuationInit;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.LifState;
import org.spikekit.neuron.RecurrentLifLayer;
import org.spikekit.neuron.ResetMode;
import org.spikekit.neuron.Surrogate;
import org.spikekit.neuron.Timescales;

/** SMORMS3, cosine schedule, spike regularisers, fluctuation-driven init, R² and shuffling. */
class RsnnTrainingPartsTest {
    final Backend be = new CpuBackend();

    @Test
    void smorms3FirstStepsMatchHandValues() {
        Parameter p = new Parameter("p", be.fromHost(new float[] {1f, 1f, 3f}, 3), true);
        Module m = () -> List.of(p);
        Smorms3 opt = new Smorms3(m, 2e-3f, 1e-16f);
        be.copy(be.fromHost(new float[] {0.5f, -2f, 0f}, 3), p.grad());
        opt.step();
        // step 1: r = 1/2, g = grad/2, g2 = grad²/2, x = 1/2, Δ = grad·lr/(|grad|/√2) = √2·lr·sign(grad)
        float[] v = be.toHost(p.value());
        assertEquals(1 - 0.5 * 0.002 / Math.sqrt(0.125), v[0], 1e-7);
        assertEquals(1 + 2 * 0.002 / Math.sqrt(2.0), v[1], 1e-7);
        assertEquals(3f, v[2], 0f, "zero gradient leaves the weight unchanged");
        opt.step();
        // step 2, grad 0.5 again: mem = 1.5, r = 0.4, g = 0.35, g2 = 0.175, x = 0.7 → Δ = 0.5·lr/√0.175
        v = be.toHost(p.value());
        assertEquals(1 - 0.5 * 0.002 / Math.sqrt(0.125) - 0.5 * 0.002 / Math.sqrt(0.175), v[0], 1e-7);
        assertTrue(be.allFinite(p.value()));
        // with a large lr the step is limited by x = g²/g2: lr 1, grad −2 → Δ = 2·0.5/√2
        Parameter q = new Parameter("q", be.fromHost(new float[] {0f}, 1), true);
        Smorms3 big = new Smorms3(() -> List.of(q), 1f, 1e-16f);
        be.fill(q.grad(), -2f);
        big.step();
        assertEquals(1 / Math.sqrt(2), be.toHost(q.value())[0], 1e-6);
        assertEquals(2, opt.steps());
    }

    @Test
    void smorms3AgreesWithScalarLoop() {
        float[] grads = {0.3f, -0.1f, 0.7f, 0.2f, -0.4f};
        Parameter p = new Parameter("p", be.fromHost(new float[] {0.5f}, 1), true);
        Smorms3 opt = new Smorms3(() -> List.of(p), 0.05f, 1e-16f);
        double w = 0.5, mem = 1, g = 0, g2 = 0;
        for (float gr : grads) {
            be.fill(p.grad(), gr);
            opt.step();
            double r = 1 / (mem + 1);
            g = (1 - r) * g + r * gr;
            g2 = (1 - r) * g2 + r * gr * gr;
            double x = g * g / (g2 + 1e-16);
            w -= gr * Math.min(0.05, x) / (Math.sqrt(g2) + 1e-16);
            mem = 1 + mem * (1 - x);
            assertEquals(w, be.toHost(p.value())[0], 1e-6);
        }
    }

    @Test
    void cosineScheduleValues() {
        CosineAnnealing c = new CosineAnnealing(2e-3, 200);
        assertEquals(2e-3, c.lr(0), 1e-15);
        assertEquals(1e-3, c.lr(100), 1e-12);
        assertEquals(0.0, c.lr(200), 1e-15);
        assertEquals(2e-3 * (1 + Math.cos(Math.PI / 200)) / 2, c.lr(1), 1e-15);
        assertEquals(1e-3 * (1 + Math.cos(Math.PI * 0.25)) / 2, new CosineAnnealing(1e-3, 4).lr(1), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealing(0, 10));
    }

    @Test
    void regularizerPresetsOnHandExamples() {
        // silent population: lower = 100·(1e-3)² = 1e-4, gradient −2·100·1e-3/(B·N) on every step
        Tensor silent = be.zeros(4, 2, 3);
        Tensor g = be.zeros(4, 2, 3);
        SpikeRegularizer.Result r = SpikeRegularizer.tinyRsnn().apply(silent, g);
        assertEquals(1e-4, r.lower(), 1e-10);
        assertEquals(0.0, r.upper());
        for (float v : be.toHost(g)) assertEquals(-0.2 / 6, v, 1e-7);
        // every neuron fires every step of 20: c = 20, upper = 0.01·(20 − 10)² = 1
        Tensor busy = be.zeros(20, 2, 3);
        be.fill(busy, 1f);
        r = SpikeRegularizer.tinyRsnn().apply(busy, null);
        assertEquals(0.0, r.lower());
        assertEquals(1.0, r.upper(), 1e-9);
        assertEquals(0.0, SpikeRegularizer.bigRsnn().apply(busy, null).upper());
        // text variant: 10 Hz over 500 steps of 4 ms = 20 spikes
        assertEquals(20.0, SpikeRegularizer.tinyRsnn().withUpperRateHz(10, 500, 4e-3).upperThreshold(), 1e-9);
        assertEquals(0.0, SpikeRegularizer.tinyRsnn().withUpperRateHz(10, 20, 1.0 / 10).apply(busy, null).upper(), 1e-12);
    }

    @Test
    void regularizerGradientsMatchFiniteDifferences() {
        int t = 5, b = 3, n = 4;
        float[] s = new float[t * b * n];
        for (int k = 0; k < s.length; k++) s[k] = (float) (0.6 * ((k * 0.6180339887) % 1.0));
        // thresholds chosen so both terms are active for some but not all entries
        for (SpikeRegularizer reg : List.of(new SpikeRegularizer(2.0, 1.5, 0, 0), new SpikeRegularizer(0, 0, 0.5, 1.4))) {
            Tensor x = be.fromHost(s, t, b, n), g = be.zeros(t, b, n);
            double l0 = reg.apply(x, g).total();
            assertTrue(l0 > 0, reg + " should be active");
            float[] an = be.toHost(g);
            for (int k = 0; k < s.length; k++) {
                float keep = s[k];
                double h = 1e-3;
                s[k] = (float) (keep + h); double lp = reg.apply(be.fromHost(s, t, b, n), null).total();
                s[k] = (float) (keep - h); double lm = reg.apply(be.fromHost(s, t, b, n), null).total();
                s[k] = keep;
                assertEquals((lp - lm) / (2 * h), an[k], 2e-4 + 2e-3 * Math.abs(an[k]), reg + " grad[" + k + "]");
            }
        }
        // gradients add into an existing buffer
        Tensor g = be.zeros(t, b, n);
        be.fill(g, 1f);
        new SpikeRegularizer(0, 0, 0, 0).apply(be.fromHost(s, t, b, n), g);
        for (float v : be.toHost(g)) assertEquals(1f, v);
    }

    @Test
    void fluctuationSigmaOnHandExample() {
        double dt = 4e-3, a = Math.exp(-dt / 20e-3), bs = Math.exp(-dt / 10e-3);
        // closed form of Σ k² for k[m+1] = (1−a)(a^m − b^m)/(a − b)
        double c = (1 - a) / (a - bs);
        double sumSq = c * c * (1 / (1 - a * a) - 2 / (1 - a * bs) + 1 / (1 - bs * bs));
        double eps = FluctuationInit.epsilonHat(20e-3, 10e-3, dt);
        assertEquals(sumSq * dt, eps, 1e-9 * eps);
        double[] k = FluctuationInit.pspKernel(20e-3, 10e-3, dt);
        assertEquals(0.0, k[0]); assertEquals(0.0, k[1]); assertEquals(1 - a, k[2], 1e-12);
        // σ_w² = s·σ_u²/(N·ν·ε̂): s = 0.9, σ_u = 0.5, N = 96, ν = 20 Hz
        double sd = FluctuationInit.sigma(0.9, 0.5, 96, 20, eps);
        assertEquals(Math.sqrt(0.9 * 0.25 / (96 * 20 * eps)), sd, 1e-12);
        Tensor w = be.zeros(400, 50);
        double got = FluctuationInit.init(w, 3L, 0.9, 0.5, 20, eps, null);
        assertEquals(FluctuationInit.sigma(0.9, 0.5, 400, 20, eps), got, 1e-12);
        assertEquals(got * got, be.dot(w, w) / w.size(), 0.1 * got * got);
        // row divisor (Loco channels 97–192): rows scaled down by their divisor
        Tensor w1 = be.zeros(2, 3), w2 = be.zeros(2, 3);
        FluctuationInit.init(w1, 9L, 1, 0.5, 20, eps, null);
        FluctuationInit.init(w2, 9L, 1, 0.5, 20, eps, new double[] {1, 4});
        float[] h1 = be.toHost(w1), h2 = be.toHost(w2);
        for (int i = 0; i < 3; i++) { assertEquals(h1[i], h2[i]); assertEquals(h1[3 + i] / 4, h2[3 + i], 1e-7); }
    }

    @Test
    void fluctuationInitGivesTargetMembraneSd() {
        int in = 200, n = 24, b = 2, t = 500, burn = 100;
        double nu = 20, dt = 4e-3, sigmaU = 0.5;
        LifParams lp = new LifParams(20e-3, 10e-3, dt, 1e9f, ResetMode.ZERO, true, Surrogate.superSpike(20f), true, false);
        RecurrentLifLayer l = new RecurrentLifLayer(be, "ff", in, n, false, lp, 1L);
        be.fill(l.tauMemRaw().value(), Timescales.RAW_FOR_BASE);
        be.fill(l.tauSynRaw().value(), Timescales.RAW_FOR_BASE);
        FluctuationInit.init(l.w().value(), 5L, 1.0, sigmaU, nu, FluctuationInit.epsilonHat(20e-3, 10e-3, dt), null);
        Tensor x = be.zeros(t, b, in);
        be.randBernoulli(x, 11L, (float) (nu * dt));
        LifState s = LifState.zeros(be, b, n);
        double[] sum = new double[b * n], sq = new double[b * n];
        for (int k = 0; k < t; k++) {
            s = l.step(x.slice0(k), s).state();
            if (k < burn) continue;
            float[] u = be.toHost(s.u());
            for (int j = 0; j < u.length; j++) { sum[j] += u[j]; sq[j] += (double) u[j] * u[j]; }
        }
        int m = t - burn;
        double var = 0;
        for (int j = 0; j < sum.length; j++) var += sq[j] / m - (sum[j] / m) * (sum[j] / m);
        double sd = Math.sqrt(var / sum.length);
        double expected = sigmaU * Math.sqrt(1 - nu * dt);   // Bernoulli inputs per step
        assertEquals(expected, sd, 0.2 * expected, "temporal membrane s.d. " + sd);
    }

    @Test
    void shuffleIsSeededPermutation() {
        int[] a = {0, 1, 2, 3, 4, 5, 6, 7}, b = a.clone();
        Trainer.shuffle(a, 3L);
        Trainer.shuffle(b, 3L);
        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, sorted);
    }

    @Test
    void sequenceSetBatchesTimeMajor() {
        // 2 samples, 3 steps, 1 input: x[s][t] = 10s + t
        SequenceSet set = new SequenceSet(new float[] {0, 1, 2, 10, 11, 12}, new float[12], 2, 3, 1, 2);
        assertArrayEquals(new float[] {10, 0, 11, 1, 12, 2}, be.toHost(set.batch(be, new int[] {1, 0}).x()));
        assertThrows(IllegalArgumentException.class, () -> new SequenceSet(new float[5], new float[12], 2, 3, 1, 2));
    }
}
