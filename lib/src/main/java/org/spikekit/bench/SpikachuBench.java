package org.spikekit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.spikekit.compute.Backend;
import org.spikekit.core.Losses;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.model.BaselineDecoder;
import org.spikekit.model.Baselines;
import org.spikekit.model.SpikachuDecoder;
import org.spikekit.model.WindowDecoder;
import org.spikekit.nn.MovingAverage;
import org.spikekit.core.Tape;
import org.spikekit.train.Lamb;

/**
 * Training-step time of the Spikachu paper's decoders (notebooks/papers/spikachu.md §4–5): one batch of 1-s
 * windows (T = 100 bins of 10 ms) through forward with tape, 20-bin trailing smoothing, weighted
 * MSE, backward and a LAMB step, in milliseconds per batch; and batch-1 inference latency per
 * 10-ms step. Inputs: a seeded random batch of N = 100 units firing Poisson-like at 12 Hz (the
 * stand-in's rate), as tokens for Spikachu and binned counts for the baselines.
 *
 * <p>Quick (default, or {@code -Dspikekit.bench.mode=quick}): the quick models at batch 16 (the
 * quick recipe); full: the paper-size models at batch 64 (Spikachu) and 128 (baselines). Value =
 * median over repeats, spread = half the range.
 */
public final class SpikachuBench {
    private SpikachuBench() {}

    static final int UNITS = 100, STEPS = 100;
    static final double RATE_HZ = 12, BIN_S = 0.01;

    /** A random batch: spikes as tokens and counts, z-scored-like targets, weight 1. */
    static DecodingBatch batch(int b, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int rows = STEPS * b;
        float[] counts = new float[rows * UNITS];
        int[] off = new int[rows + 1];
        int[] tok = new int[(int) (rows * UNITS * RATE_HZ * BIN_S * 2) + 16];
        int n = 0;
        for (int row = 0; row < rows; row++) {
            off[row] = n;
            for (int u = 0; u < UNITS; u++) {
                if (r.nextDouble() < RATE_HZ * BIN_S) {
                    counts[row * UNITS + u] = 1;
                    if (n == tok.length) tok = Arrays.copyOf(tok, 2 * n);
                    tok[n++] = u;
                }
            }
        }
        off[rows] = n;
        float[] target = new float[2 * rows], weight = new float[rows];
        for (int i = 0; i < target.length; i++) target[i] = (float) r.nextGaussian();
        Arrays.fill(weight, 1f);
        int[] sess = new int[b];
        double[] start = new double[b];
        return new DecodingBatch(STEPS, b, BIN_S, sess, start, UNITS, counts, off, Arrays.copyOf(tok, n), target, weight, new byte[rows]);
    }

    public static List<BenchRow> run(Backend be, int repeats) {
        boolean full = RsnnBench.full();
        List<BenchRow> rows = new ArrayList<>();
        List<WindowDecoder> models = new ArrayList<>();
        models.add(new SpikachuDecoder(be, "spikachu", full ? SpikachuDecoder.Config.paper(UNITS) : SpikachuDecoder.Config.quick(UNITS), 1));
        models.add(new SpikachuDecoder(be, "spikachu-released", (full ? SpikachuDecoder.Config.paper(UNITS) : SpikachuDecoder.Config.quick(UNITS)).released(), 1));
        for (Baselines.Kind k : Baselines.Kind.values()) {
            models.add(full ? BaselineDecoder.paper(be, k, UNITS, 1) : BaselineDecoder.quick(be, k, UNITS, 1));
        }
        MovingAverage smooth = new MovingAverage(20, MovingAverage.Alignment.TRAILING);
        for (WindowDecoder m : models) {
            boolean spiking = m instanceof SpikachuDecoder;
            int b = full ? (spiking ? 64 : 128) : 16;
            DecodingBatch x = batch(b, 5), one = batch(1, 6);
            Lamb opt = new Lamb(m.trainableParameters(), Lamb.Config.spikachu(1e-3));
            double[] ms = new double[repeats], lat = new double[repeats];
            for (int rep = -2; rep < repeats; rep++) {
                long t0 = System.nanoTime();
                m.zeroGrad();
                Tape tape = Tape.training(rep + 100);
                var pred = smooth.forward(m.forward(x, tape), tape);
                var g = be.zeros(pred.shape());
                Losses.weightedMse(pred, be.fromHost(x.target(), pred.shape()), x.weight(), g);
                m.backward(smooth.backward(g, tape), tape);
                opt.step();
                double t = (System.nanoTime() - t0) / 1e6;
                long t1 = System.nanoTime();
                m.forward(one, Tape.inference());
                double l = (System.nanoTime() - t1) / 1e6 / STEPS;
                if (rep >= 0) {
                    ms[rep] = t;
                    lat[rep] = l;
                }
            }
            String size = (full ? "paper" : "quick") + " " + m.kind();
            rows.add(row(be, "train step " + size + " B=" + b + " T=100", "ms/batch", ms,
                    String.format(Locale.ROOT, "%,d parameters; forward+smoothing+loss+backward+LAMB", m.numel())));
            rows.add(row(be, "latency " + size + " B=1 T=100", "ms/step", lat, "batch-1 forward over a 1-s window divided by 100 steps"));
        }
        return rows;
    }

    private static BenchRow row(Backend be, String name, String unit, double[] v, String note) {
        double[] s = v.clone();
        Arrays.sort(s);
        return new BenchRow("spikachu", be.name(), name, unit, s[s.length / 2], (s[s.length - 1] - s[0]) / 2, s.length, note);
    }
}
