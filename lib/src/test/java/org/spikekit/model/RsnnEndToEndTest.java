package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.SequenceSet;
import org.spikekit.train.SpikeRegularizer;
import org.spikekit.train.Trainer;

/**
 * A small RSNN learns a synthetic velocity-decoding task: a smooth random 2-D velocity drives
 * Poisson (Bernoulli per 4-ms step) spikes of cosine-tuned channels; the model decodes the velocity.
 */
class RsnnEndToEndTest {
    final Backend be = new CpuBackend();

    static SequenceSet synthetic(int samples, int steps, int channels, long seed) {
        float[] x = new float[samples * steps * channels], y = new float[samples * steps * 2];
        double dt = 4e-3, base = 40, gain = 1.0;
        for (int s = 0; s < samples; s++) {
            long ss = CounterRng.child(seed, s);
            // velocity = sum of two sinusoids per axis with random frequency (0.5–2 Hz) and phase
            double[] f = new double[4], ph = new double[4];
            for (int k = 0; k < 4; k++) {
                f[k] = 0.5 + 1.5 * CounterRng.uniform(ss, k);
                ph[k] = 2 * Math.PI * CounterRng.uniform(ss, 10 + k);
            }
            for (int t = 0; t < steps; t++) {
                double tt = t * dt;
                double vx = 0.5 * (Math.sin(2 * Math.PI * f[0] * tt + ph[0]) + Math.sin(2 * Math.PI * f[1] * tt + ph[1]));
                double vy = 0.5 * (Math.sin(2 * Math.PI * f[2] * tt + ph[2]) + Math.sin(2 * Math.PI * f[3] * tt + ph[3]));
                y[(s * steps + t) * 2] = (float) vx;
                y[(s * steps + t) * 2 + 1] = (float) vy;
                for (int c = 0; c < channels; c++) {
                    double pref = 2 * Math.PI * c / channels;
                    double rate = base * (1 + gain * (vx * Math.cos(pref) + vy * Math.sin(pref)));
                    double p = Math.max(0, rate) * dt;
                    x[(s * steps + t) * channels + c] = CounterRng.uniform(ss, 1000 + (long) t * channels + c) < p ? 1f : 0f;
                }
            }
        }
        return new SequenceSet(x, y, samples, steps, channels, 2);
    }

    @Test
    void smallRsnnLearnsSyntheticVelocityDecoding() {
        int channels = 32, steps = 150;
        SequenceSet train = synthetic(32, steps, channels, 1L), val = synthetic(8, steps, channels, 2L);
        Rsnn m = new Rsnn(be, Rsnn.Config.tiny(channels).withHidden(32), 7L);
        double nu = m.initFromData(train, 7L);
        Trainer.Config cfg = new Trainer.Config(15, 8, 1e-2f, 1e-16f, 0, SpikeRegularizer.tinyRsnn(), true, 3L);
        Trainer.History h = new Trainer(cfg).fit(m, train, val, null);
        StringBuilder log = new StringBuilder("nu " + String.format("%.1f", nu) + " Hz, initial val R2 " + String.format("%.3f", h.initialValR2()));
        for (Trainer.Epoch e : h.epochs()) {
            log.append(String.format("%n epoch %d lr %.4f loss %.4f train R2 %.3f val R2 %.3f", e.epoch(), e.lr(), e.loss(), e.trainR2(), e.valR2()));
        }
        System.out.println(log);
        assertTrue(h.last().valR2() > 0.3 && h.last().valR2() > h.initialValR2() + 0.3, log.toString());
    }
}
