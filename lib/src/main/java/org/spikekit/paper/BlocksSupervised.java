package org.spikekit.paper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.spikekit.compute.Backend;
import org.spikekit.data.BlocksData;
import org.spikekit.model.AlifNet;
import org.spikekit.model.AlifNetTrainer;
import org.spikekit.report.RunMode;

/**
 * The supervised experiment of the Blocks paper (blocks.md §2.3, Fig. 4): the same classifier
 * trained with the standard ALIF kernel and with Blocks, accuracy and mean epoch time compared.
 * What a notebook ({@code 41_blocks_supervised}) calls:
 * <pre>{@code
 * var shd = BlocksData.shd(nb);                                   // real or stand-in, recorded
 * var s = BlocksSupervised.shd(be, shd, BlocksSupervised.shdSetup(nb.mode()), AlifNet.Kind.STANDARD, 0, 1L, log);
 * var b = BlocksSupervised.shd(be, shd, BlocksSupervised.shdSetup(nb.mode()), AlifNet.Kind.BLOCKS, 20, 1L, log);
 * s.result().selected().testAccuracy();  s.result().meanEpochSeconds();
 * }</pre>
 * The paper's network: two recurrent ALIF layers (input → ALIF → ALIF → leaky readout). Differences
 * from the paper, deliberate and recorded in {@link Setup#describe}: quick mode uses fewer neurons, coarser time steps and fewer
 * epochs. The paper's standard baseline uses ARP 0; Blocks ARP 10…50 steps.
 */
public final class BlocksSupervised {
    private BlocksSupervised() {}

    /**
     * @param dtMs time step; {@code steps} bins of it are fed to the network
     * @param fold N-MNIST only: fold the two polarities into 1156 inputs (the Blocks code's unit mod 1156)
     */
    public record Setup(String dataset, double dtMs, int steps, int hidden, int layers, boolean recurrent, boolean fold, boolean binary,
                        AlifNetTrainer.Settings training) {
        public Setup {
            if (layers < 1) throw new IllegalArgumentException("BlocksSupervised.Setup.layers must be >= 1, got " + layers);
        }

        /** One hidden layer. */
        public Setup(String dataset, double dtMs, int steps, int hidden, boolean recurrent, boolean fold, boolean binary,
                     AlifNetTrainer.Settings training) {
            this(dataset, dtMs, steps, hidden, 1, recurrent, fold, binary, training);
        }

        public Setup withLayers(int l) { return new Setup(dataset, dtMs, steps, hidden, l, recurrent, fold, binary, training); }

        public String describe() {
            return String.format(Locale.ROOT, "%s dt=%.1fms steps=%d hidden=%dx%d%s%s %s epochs=%d batch=%d lr=%.1e eps=%.0e decay@%d×%.2f",
                    dataset, dtMs, steps, layers, hidden, recurrent ? " recurrent" : "", fold ? " folded-polarity" : "",
                    binary ? "binary-frames" : "count-frames", training.epochs(), training.batch(), training.lr(), training.eps(),
                    training.decayEpoch(), training.decay());
        }
    }

    /** FULL: the paper (dt 2 ms, 600 steps = 1.2 s, 2×256 recurrent neurons, 40 epochs, ×0.1 at 15); QUICK: dt 4 ms, 150 steps, 2×64 neurons, 8 epochs. */
    public static Setup shdSetup(RunMode mode) {
        return mode == RunMode.FULL
                ? new Setup("shd", 2, 600, 256, 2, true, false, true, AlifNetTrainer.Settings.paper(40, 1L).withDecay(15, 0.1f))
                : new Setup("shd", 4, 150, 64, 2, true, false, true, AlifNetTrainer.Settings.paper(8, 1L).withBatch(32).withLr(2e-3f));
    }

    /** FULL: the paper (dt 1 ms, 400 steps, 1156 folded inputs, 2×256 recurrent neurons, 20 epochs); QUICK: dt 5 ms, 60 steps, 2×64 neurons, 8 epochs. */
    public static Setup nmnistSetup(RunMode mode) {
        return mode == RunMode.FULL
                ? new Setup("nmnist", 1, 400, 256, 2, true, true, true, AlifNetTrainer.Settings.paper(20, 1L))
                : new Setup("nmnist", 5, 60, 64, 2, true, true, true, AlifNetTrainer.Settings.paper(8, 1L).withBatch(32).withLr(2e-3f));
    }

    /** One trained network: what was run and the per-epoch results. */
    public record Run(Setup setup, AlifNet.Kind kind, int arp, long seed, String model, AlifNetTrainer.Result result) {}

    public static Run shd(Backend be, BlocksData.Shd data, Setup s, AlifNet.Kind kind, int arp, long seed, Consumer<AlifNetTrainer.Epoch> log) {
        var train = AlifNetTrainer.shd(data.train(), s.dtMs() * 1e-3, s.steps(), s.binary());
        var test = AlifNetTrainer.shd(data.test(), s.dtMs() * 1e-3, s.steps(), s.binary());
        return run(be, s, train, test, 20, kind, arp, seed, log);
    }

    public static Run nmnist(Backend be, BlocksData.NMnist data, Setup s, AlifNet.Kind kind, int arp, long seed, Consumer<AlifNetTrainer.Epoch> log) {
        var train = AlifNetTrainer.nmnist(data.train(), s.dtMs(), s.steps(), s.fold(), s.binary());
        var test = AlifNetTrainer.nmnist(data.test(), s.dtMs(), s.steps(), s.fold(), s.binary());
        return run(be, s, train, test, 10, kind, arp, seed, log);
    }

    private static Run run(Backend be, Setup s, AlifNetTrainer.Frames train, AlifNetTrainer.Frames test, int classes, AlifNet.Kind kind,
                           int arp, long seed, Consumer<AlifNetTrainer.Epoch> log) {
        AlifNet.Config cfg = AlifNet.Config.paper(train.units(), s.hidden(), classes, s.recurrent(), kind, arp, s.dtMs()).withLayers(s.layers());
        AlifNet net = new AlifNet(be, cfg, seed);
        AlifNetTrainer.Settings t = s.training();
        t = new AlifNetTrainer.Settings(t.epochs(), t.batch(), t.lr(), t.eps(), seed, t.decayEpoch(), t.decay());
        return new Run(s, kind, arp, seed, cfg.describe(), AlifNetTrainer.fit(net, train, test, t, log));
    }

    /**
     * Blocks refractory periods (steps) of Fig. 4a: FULL the paper's (SHD 10…50 steps = 20…100 ms at
     * dt 2 ms; N-MNIST 10…50 ms at dt 1 ms); QUICK two of them at the quick time steps (SHD 5 and 10
     * steps = 20 and 40 ms; N-MNIST 2 and 4 steps = 10 and 20 ms).
     */
    public static List<Integer> arps(String dataset, RunMode mode) {
        if (mode == RunMode.FULL) return List.of(10, 20, 30, 40, 50);
        return dataset.equals("shd") ? List.of(5, 10) : List.of(2, 4);
    }

    /** Seeds per setting from {@code base}: FULL the paper's 3 ({@code base, base+1, base+2}), QUICK 1. */
    public static List<Long> seeds(RunMode mode, long base) { return mode == RunMode.FULL ? List.of(base, base + 1, base + 2) : List.of(base); }

    /** The paper's Fig. 4 (blocks.md §2.5, ≈ read off the figure): ARP ms → Blocks accuracy; standard (ARP 0) accuracy; epoch seconds. */
    public static final Map<Double, Double> PAPER_NMNIST_BLOCKS_ACC = ordered(new double[] {10, 20, 30, 40, 50}, new double[] {0.97, 0.96, 0.95, 0.91, 0.92});
    public static final Map<Double, Double> PAPER_SHD_BLOCKS_ACC = ordered(new double[] {20, 40, 60, 80, 100}, new double[] {0.86, 0.84, 0.85, 0.82, 0.81});
    public static final double PAPER_NMNIST_STANDARD_ACC = 0.98, PAPER_SHD_STANDARD_ACC = 0.875;
    public static final Map<Double, Double> PAPER_NMNIST_BLOCKS_EPOCH_S = ordered(new double[] {10, 20, 30, 40, 50}, new double[] {330, 192, 192, 192, 192});
    public static final Map<Double, Double> PAPER_SHD_BLOCKS_EPOCH_S = ordered(new double[] {20, 40, 60, 80, 100}, new double[] {65, 38, 27, 22, 19});
    public static final double PAPER_NMNIST_STANDARD_EPOCH_S = 2000, PAPER_SHD_STANDARD_EPOCH_S = 265;

    private static Map<Double, Double> ordered(double[] k, double[] v) {
        Map<Double, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < k.length; i++) m.put(k[i], v[i]);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Fig. 4 as a table: one row per data set, neuron and ARP (ms): mean ± sd test accuracy over
     * seeds, mean of the runs' median epoch times, and the paper's values (≈ from its figure; N-MNIST
     * Blocks epoch time ≈185–200 s at 20–50 ms is entered as 192). Standard rows: ARP 0 only
     * (the paper's baseline); standard runs at a Blocks ARP are in {@link #table}.
     */
    public static tech.tablesaw.api.Table figure4Table(List<Run> runs) {
        var ds = tech.tablesaw.api.StringColumn.create("dataset");
        var kind = tech.tablesaw.api.StringColumn.create("neuron");
        var arpMs = tech.tablesaw.api.DoubleColumn.create("arp_ms");
        var n = tech.tablesaw.api.IntColumn.create("seeds");
        var acc = tech.tablesaw.api.DoubleColumn.create("test_acc_mean");
        var sd = tech.tablesaw.api.DoubleColumn.create("test_acc_sd");
        var ep = tech.tablesaw.api.DoubleColumn.create("epoch_s");
        var pacc = tech.tablesaw.api.DoubleColumn.create("paper_test_acc");
        var pep = tech.tablesaw.api.DoubleColumn.create("paper_epoch_s");
        Map<String, List<Run>> groups = new java.util.TreeMap<>();
        for (Run r : runs) {
            if (r.kind() == AlifNet.Kind.STANDARD && r.arp() != 0) continue;
            groups.computeIfAbsent(r.setup().dataset() + "|" + r.kind() + "|" + String.format(Locale.ROOT, "%08.2f", r.arp() * r.setup().dtMs()),
                    k -> new ArrayList<>()).add(r);
        }
        for (List<Run> g : groups.values()) {
            Run r0 = g.getFirst();
            double ms = r0.arp() * r0.setup().dtMs();
            double[] a = g.stream().mapToDouble(r -> r.result().selected().testAccuracy()).toArray();
            double mean = java.util.Arrays.stream(a).average().orElse(Double.NaN), q = 0;
            for (double x : a) q += (x - mean) * (x - mean);
            boolean shd = r0.setup().dataset().equals("shd"), blocks = r0.kind() == AlifNet.Kind.BLOCKS;
            ds.append(r0.setup().dataset());
            kind.append(r0.kind().name().toLowerCase(Locale.ROOT));
            arpMs.append(ms);
            n.append(g.size());
            acc.append(mean);
            sd.append(a.length > 1 ? Math.sqrt(q / (a.length - 1)) : Double.NaN);
            ep.append(g.stream().mapToDouble(r -> r.result().medianEpochSeconds()).average().orElse(Double.NaN));
            if (blocks) {
                pacc.append((shd ? PAPER_SHD_BLOCKS_ACC : PAPER_NMNIST_BLOCKS_ACC).getOrDefault(ms, Double.NaN));
                pep.append((shd ? PAPER_SHD_BLOCKS_EPOCH_S : PAPER_NMNIST_BLOCKS_EPOCH_S).getOrDefault(ms, Double.NaN));
            } else {
                pacc.append(shd ? PAPER_SHD_STANDARD_ACC : PAPER_NMNIST_STANDARD_ACC);
                pep.append(shd ? PAPER_SHD_STANDARD_EPOCH_S : PAPER_NMNIST_STANDARD_EPOCH_S);
            }
        }
        return tech.tablesaw.api.Table.create("figure4").addColumns(ds, kind, arpMs, n, acc, sd, ep, pacc, pep);
    }

    /** Fig. 4a style: Blocks accuracy vs ARP (ms) with the standard ALIF (ARP 0) as a flat line, ours and the paper's. */
    public static org.knowm.xchart.XYChart figure4(String dataset, tech.tablesaw.api.Table fig4) {
        var t = fig4.where(fig4.stringColumn("dataset").isEqualTo(dataset));
        var blocks = t.where(t.stringColumn("neuron").isEqualTo("blocks"));
        var std = t.where(t.stringColumn("neuron").isEqualTo("standard"));
        double[] x = blocks.doubleColumn("arp_ms").asDoubleArray(), y = blocks.doubleColumn("test_acc_mean").asDoubleArray();
        Map<Double, Double> paper = dataset.equals("shd") ? PAPER_SHD_BLOCKS_ACC : PAPER_NMNIST_BLOCKS_ACC;
        double paperStd = dataset.equals("shd") ? PAPER_SHD_STANDARD_ACC : PAPER_NMNIST_STANDARD_ACC;
        double[] px = paper.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        double[] py = paper.values().stream().mapToDouble(Double::doubleValue).toArray();
        double lo = Math.min(x.length > 0 ? x[0] : px[0], px[0]), hi = Math.max(x.length > 0 ? x[x.length - 1] : px[px.length - 1], px[px.length - 1]);
        Map<String, double[][]> m = new LinkedHashMap<>();
        m.put("Blocks (SpikeKit)", new double[][] {x, y});
        if (std.rowCount() > 0) {
            double s = std.doubleColumn("test_acc_mean").get(0);
            m.put("standard ALIF, ARP 0 (SpikeKit)", new double[][] {{lo, hi}, {s, s}});
        }
        m.put("Blocks (paper ≈)", new double[][] {px, py});
        m.put("standard ALIF (paper ≈)", new double[][] {{lo, hi}, {paperStd, paperStd}});
        var c = org.spikekit.report.Charts.scatter(dataset.toUpperCase(Locale.ROOT) + ": test accuracy vs refractory period", "ARP (ms)", "test accuracy", false, m);
        c.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line);
        return c;
    }

    /**
     * The comparison as a table: one row per run (data set, model, kind, ARP, seed), accuracy of the
     * epoch with the lowest training loss (the one reported) and of the last epoch, median epoch
     * time and the part of it inside the ALIF kernel.
     */
    public static tech.tablesaw.api.Table table(java.util.List<Run> runs) {
        var ds = tech.tablesaw.api.StringColumn.create("dataset");
        var kind = tech.tablesaw.api.StringColumn.create("neuron");
        var setup = tech.tablesaw.api.StringColumn.create("setup");
        var arp = tech.tablesaw.api.IntColumn.create("arp");
        var seed = tech.tablesaw.api.IntColumn.create("seed");
        var sel = tech.tablesaw.api.IntColumn.create("selected_epoch");
        var acc = tech.tablesaw.api.DoubleColumn.create("test_acc");
        var last = tech.tablesaw.api.DoubleColumn.create("test_acc_last_epoch");
        var ep = tech.tablesaw.api.DoubleColumn.create("epoch_s_median");
        var ker = tech.tablesaw.api.DoubleColumn.create("kernel_s_median");
        for (Run r : runs) {
            ds.append(r.setup().dataset());
            kind.append(r.kind().name().toLowerCase(Locale.ROOT));
            setup.append(r.setup().describe());
            arp.append(r.arp());
            seed.append((int) r.seed());
            sel.append(r.result().selected().epoch());
            acc.append(r.result().selected().testAccuracy());
            last.append(r.result().last().testAccuracy());
            ep.append(r.result().medianEpochSeconds());
            ker.append(r.result().medianKernelSeconds());
        }
        return tech.tablesaw.api.Table.create("supervised").addColumns(ds, kind, arp, seed, sel, acc, last, ep, ker, setup);
    }

    /**
     * Runs the comparison on the project's data: {@code main quick|full|timing shd|nmnist arp...}
     * (standard ARP 0, standard at each ARP, Blocks at each ARP); prints one line per epoch and a
     * summary. {@code timing}: the paper's network and time step (FULL setup) for 3 epochs on the
     * quick data, to compare epoch times. System property {@code spikekit.data} overrides the data folder.
     */
    public static void main(String[] args) {
        boolean timing = args.length > 0 && args[0].equals("timing");
        RunMode mode = args.length > 0 && args[0].equals("full") ? RunMode.FULL : RunMode.QUICK;
        String ds = args.length > 1 ? args[1] : "shd";
        int[] arps = args.length > 2 ? java.util.Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {5};
        Backend be = new org.spikekit.compute.CpuBackend();
        String dd = System.getProperty("spikekit.data");
        BlocksData d = dd != null ? BlocksData.at(java.nio.file.Path.of(dd)) : BlocksData.locate();
        Setup s = ds.equals("shd") ? shdSetup(timing ? RunMode.FULL : mode) : nmnistSetup(timing ? RunMode.FULL : mode);
        if (timing) {
            AlifNetTrainer.Settings t = s.training();
            s = new Setup(s.dataset(), s.dtMs(), s.steps(), s.hidden(), s.layers(), s.recurrent(), s.fold(), s.binary(),
                    new AlifNetTrainer.Settings(3, t.batch(), t.lr(), t.eps(), t.seed(), -1, 1f));
        }
        BlocksData.Shd shd = ds.equals("shd") ? d.shd(org.spikekit.report.DataChoice.AUTO, mode) : null;
        BlocksData.NMnist nm = ds.equals("shd") ? null : d.nmnist(org.spikekit.report.DataChoice.AUTO, mode);
        System.out.println(s.describe() + " data=" + (shd != null ? shd.trainRecord() : nm.record()));
        java.util.List<int[]> runs = new java.util.ArrayList<>();
        runs.add(new int[] {0, 0});
        for (int a : arps) runs.add(new int[] {0, a});
        for (int a : arps) runs.add(new int[] {1, a});
        for (int[] r : runs) {
            AlifNet.Kind k = r[0] == 0 ? AlifNet.Kind.STANDARD : AlifNet.Kind.BLOCKS;
            Consumer<AlifNetTrainer.Epoch> log = e -> System.out.printf(Locale.ROOT, "  %s arp=%d epoch %d loss %.4f train %.3f test %.3f %.2fs (kernel %.2fs)%n",
                    k, r[1], e.epoch(), e.trainLoss(), e.trainAccuracy(), e.testAccuracy(), e.seconds(), e.kernelSeconds());
            Run run = shd != null ? shd(be, shd, s, k, r[1], 1L, log) : nmnist(be, nm, s, k, r[1], 1L, log);
            System.out.printf(Locale.ROOT, "%s arp=%d: test accuracy %.3f (epoch %d, lowest train loss), last %.3f, epoch time median %.2fs mean %.2fs, ALIF kernel median %.2fs%n",
                    k, r[1], run.result().selected().testAccuracy(), run.result().selected().epoch(), run.result().last().testAccuracy(),
                    run.result().medianEpochSeconds(), run.result().meanEpochSeconds(), run.result().medianKernelSeconds());
        }
    }
}
