package org.spikekit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.data.spiking.SpikingDataset;
import org.spikekit.data.spiking.SyntheticSpiking;
import org.spikekit.train.stdp.ReadoutTrainer;
import org.spikekit.train.stdp.SpikeNnConfig;

/**
 * Speed of the SpikeNN readout (notebooks/papers/spikenn.md §4–5): the event-driven single-spike layer with
 * online STDP, pure Java, so rows are written for the cpu backend only.
 *
 * <p>Data: {@link SyntheticSpiking} with D = 4608 inputs (the STDP-CSNN feature count on MNIST),
 * C = 10, {@value #SPIKES} spikes drawn per sample (≈ 6 % of the inputs after merging duplicates).
 * Configs: the shipped MNIST configs ({@code s2stdp}, {@code s2stdp+ncg}, {@code sstdp+ncg},
 * {@code rstdp-20n}), with the firing threshold scaled to the synthetic input (θ = half the summed
 * initial weight of a sample's spikes) so neurons fire mid-sample as they do on real features; the
 * paper's θ would keep every neuron silent on a few hundred spikes.
 *
 * <p>Rows: {@code train <config> 1 thread}: training samples per second over one epoch of the
 * training set (forward + regulation + weight update); the note gives the time of a 54000-sample
 * epoch (a K-fold train split) at that rate. {@code infer}: inference samples per second (decision
 * rule, stops at the first firing). {@code parallel <k> runs}: k independent runs (seeds 0..k−1,
 * as K-fold / grid-search points) trained for one epoch on k threads, aggregate samples per second,
 * and the speed-up over the same k runs one after the other.
 *
 * <p>Size: quick (default) 2000 training samples, full 10000.
 */
public final class SpikeNnBench {
    private SpikeNnBench() {}

    static final int INPUTS = 4608, CLASSES = 10, SPIKES = 300;

    public static List<BenchRow> run(Backend be, int repeats) {
        List<BenchRow> rows = new ArrayList<>();
        if (!be.name().equals("cpu")) return rows;         // pure Java: one set of rows is enough
        boolean full = RsnnBench.full();
        int nTrain = full ? 10_000 : 2_000;
        SyntheticSpiking gen = new SyntheticSpiking(INPUTS, CLASSES, SPIKES, 0.3, 1);
        SpikingDataset train = gen.sample(nTrain, 2), test = gen.sample(nTrain / 2, 3);
        double spikes = train.totalSpikes() / (double) train.size();
        String data = String.format(Locale.ROOT, "D=%d, %.0f spikes/sample, %d train samples", INPUTS, spikes, nTrain);
        for (String name : List.of("s2stdp", "s2stdp+ncg", "sstdp+ncg", "rstdp-20n")) {
            SpikeNnConfig cfg = scaled(name, spikes);
            double[] sps = new double[repeats], inf = new double[repeats];
            ReadoutTrainer tr = new ReadoutTrainer(cfg, INPUTS, CLASSES, train.maxCount(), 0, false);
            tr.trainEpoch(train.range(0, Math.min(500, nTrain)));  // warm-up
            tr.accuracy(test.range(0, Math.min(500, test.size())));
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                tr.trainEpoch(train);
                long t1 = System.nanoTime();
                tr.accuracy(test);
                long t2 = System.nanoTime();
                sps[r] = nTrain / ((t1 - t0) * 1e-9);
                inf[r] = test.size() / ((t2 - t1) * 1e-9);
            }
            String note = String.format(Locale.ROOT, "N=%d, θ=%.0f (scaled); %s; 54000-sample epoch ≈ %.2f s at this rate",
                    cfg.network().nNeurons(), cfg.network().firingThreshold(), data, 54000 / RsnnBench.median(sps));
            rows.add(row("train " + name + " 1 thread", "samples/s", sps, note));
            rows.add(row("infer " + name + " 1 thread", "samples/s", inf, note));
        }
        int k = Runtime.getRuntime().availableProcessors();
        SpikeNnConfig cfg = scaled("s2stdp+ncg", spikes);
        double[] par = new double[repeats], speed = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < k; s++) new ReadoutTrainer(cfg, INPUTS, CLASSES, train.maxCount(), s, false).trainEpoch(train);
            long t1 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(k);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int s = 0; s < k; s++) {
                    long seed = s;
                    fs.add(pool.submit(() -> new ReadoutTrainer(cfg, INPUTS, CLASSES, train.maxCount(), seed, false).trainEpoch(train)));
                }
                for (Future<?> f : fs) f.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdownNow();
            }
            long t2 = System.nanoTime();
            par[r] = (double) k * nTrain / ((t2 - t1) * 1e-9);
            speed[r] = (double) (t1 - t0) / (t2 - t1);
        }
        String note = String.format(Locale.ROOT, "s2stdp+ncg N=50; %d independent runs (seeds 0..%d) on %d threads; %s", k, k - 1, k, data);
        rows.add(row("train s2stdp+ncg parallel " + k + " runs", "samples/s", par, note));
        rows.add(row("train s2stdp+ncg parallel " + k + " runs speed-up", "x", speed, note + "; vs the same runs one after the other"));
        return rows;
    }

    /** The shipped MNIST config with θ scaled to the synthetic sample size. */
    static SpikeNnConfig scaled(String name, double spikesPerSample) {
        SpikeNnConfig c = SpikeNnConfig.resource("STDP-CSNN/MNIST/" + name + ".json");
        SpikeNnConfig.Network n = c.network();
        float theta = (float) Math.rint(0.5 * spikesPerSample * n.wInitMean());
        SpikeNnConfig.Network m = new SpikeNnConfig.Network(n.nNeurons(), theta, n.wInitNormal(), n.wInitMean(), n.wInitStd(),
                n.wNorm(), n.wMin(), n.wMax(), n.leakTau());
        return new SpikeNnConfig(m, c.optimizer(), c.regularizer(), c.trainer());
    }

    private static BenchRow row(String name, String unit, double[] v, String note) {
        double lo = Arrays.stream(v).min().orElse(0), hi = Arrays.stream(v).max().orElse(0);
        return new BenchRow("spikenn", "cpu", name, unit, RsnnBench.median(v), (hi - lo) / 2, v.length, note);
    }

    /** Prints the rows as CSV: {@code java ... org.spikekit.bench.SpikeNnBench [repeats]}. */
    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        try (Backend be = Backends.get("cpu")) {
            System.out.print(BenchCsv.format(run(be, repeats)));
        }
    }
}
