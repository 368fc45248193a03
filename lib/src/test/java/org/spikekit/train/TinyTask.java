package org.spikekit.train;

import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.data.SequenceSet;
import org.spikekit.model.Rsnn;

/**
 * A small, quick decoding task for recipe tests: a smooth 2-D velocity (two slow sinusoids per axis,
 * random frequency and phase per sample) drives Bernoulli spikes (4-ms steps) of channels with
 * cosine tuning around evenly spread preferred directions.
 */
final class TinyTask {
    private TinyTask() {}

    static SequenceSet velocity(int samples, int steps, int channels, long seed) {
        float[] x = new float[samples * steps * channels], y = new float[samples * steps * 2];
        double dt = 4e-3;
        for (int s = 0; s < samples; s++) {
            long ss = CounterRng.child(seed, s);
            double[] f = new double[4], ph = new double[4];
            for (int k = 0; k < 4; k++) {
                f[k] = 0.7 + 1.3 * CounterRng.uniform(ss, k);
                ph[k] = 2 * Math.PI * CounterRng.uniform(ss, 10 + k);
            }
            for (int t = 0; t < steps; t++) {
                double tt = t * dt;
                double vx = 0.5 * (Math.sin(2 * Math.PI * f[0] * tt + ph[0]) + Math.sin(2 * Math.PI * f[1] * tt + ph[1]));
                double vy = 0.5 * (Math.sin(2 * Math.PI * f[2] * tt + ph[2]) + Math.sin(2 * Math.PI * f[3] * tt + ph[3]));
                int row = s * steps + t;
                y[row * 2] = (float) vx;
                y[row * 2 + 1] = (float) vy;
                for (int c = 0; c < channels; c++) {
                    double pref = 2 * Math.PI * c / channels;
                    double rate = 50 * (1 + vx * Math.cos(pref) + vy * Math.sin(pref));
                    x[row * channels + c] = CounterRng.uniform(ss, 1000 + (long) t * channels + c) < Math.max(0, rate) * dt ? 1f : 0f;
                }
            }
        }
        return new SequenceSet(x, y, samples, steps, channels, 2);
    }

    /** tinyRSNN cell types with {@code hidden} neurons, data-driven init. */
    static Rsnn model(Backend be, SequenceSet train, int hidden, long seed) {
        Rsnn m = new Rsnn(be, Rsnn.Config.tiny(train.inputs()).withHidden(hidden), seed);
        m.initFromData(train, seed);
        return m;
    }

    /** A short RSNN-recipe config for tests (higher lr so a few epochs learn something). */
    static Trainer.Config config(int epochs, long seed) {
        return Trainer.Config.rsnn(epochs, seed).withBatchSize(8).withLr(1e-2f);
    }
}
