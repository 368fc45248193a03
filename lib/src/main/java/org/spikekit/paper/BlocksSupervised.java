package org.spikekit.paper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.spikekit.compute.Backend;
import org.spikekit.config.Configs;
import org.spikekit.data.RunMode;
import org.spikekit.data.spiking.BlocksData;
import org.spikekit.model.AlifNet;
import org.spikekit.report.RunResult;
import org.spikekit.report.RunResults;
import org.spikekit.train.AlifNetTrainer;
import org.spikekit.train.EpochLog;
import org.spikekit.train.TrainingInterruptedException;

/**
 * The supervised experiment of the Blocks paper (notebooks/papers/blocks.md §5.2, Fig. 4): the same classifier
 * trained with the standard ALIF kernel and with Blocks, accuracy and mean epoch time compared.
 * What a notebook ({@code 41_blocks_supervised}) calls:
 * <pre>{@code
 * var shd = BlocksData.shd(nb);                                   // real or stand-in, recorded
 * var setup = BlocksSupervised.shdSetup(nb.mode());              // count frames, released ARP reading
 * var s = BlocksSupervised.shd(be, shd, setup, AlifNet.Kind.STANDARD, 0, 1L, log);
 * var b = BlocksSupervised.shd(be, shd, setup, AlifNet.Kind.BLOCKS, 20, 1L, log);   // --abs_refac 20
 * s.result().selected().testAccuracy();  s.result().meanEpochSeconds();
 * }</pre>
 * The paper's network: two recurrent ALIF layers (input → ALIF → ALIF → leaky readout with a
 * trainable bias). Differences from the paper, deliberate and recorded in {@link Setup#describe}:
 * quick mode uses fewer neurons, coarser time steps and fewer epochs. The paper's standard baseline
 * uses ARP 0; Blocks sweeps the authors' {@code --abs_refac} 10…50, turned into steps by an
 * {@link ArpReading} (the released code and the figure disagree for SHD).
 *
 * <p>Input frames: the authors' {@code SpikeTensorBuilder} ({@code src/datasets/transforms.py})
 * makes an uncoalesced sparse tensor dense, which SUMS events that fall into the same (unit, step)
 * bin, so its frames hold event counts; the paper setups here use count frames
 * ({@code binary = false}); binary frames (a bin holds 1 however many events) stay an option,
 * labelled {@code binary-frames} in {@link Setup#describe} and {@code frames = binary} in the tables.
 */
public final class BlocksSupervised {
    private BlocksSupervised() {}

    /**
     * How the authors' {@code --abs_refac} argument becomes the refractory period in steps. The
     * released code and the figure disagree for SHD, so both readings are offered and every table
     * row names the one that produced it ({@code arp_reading}).
     */
    public enum ArpReading {
        /**
         * The released training script, {@code scripts/supervised/train.py} {@code get_model}:
         * {@code abs_refac = int(args.abs_refac / args.dt)}, i.e. the argument is in ms. SHD runs
         * launched with 10…50 at dt 2 ms have 5…25-step (10…50 ms) refractory periods. The default:
         * where released code and text disagree, the kit follows the released code.
         */
        RELEASED_MS_TO_STEPS("released-ms-to-steps"),
        /**
         * The figure notebook, {@code notebooks/supervised_benchmarks.ipynb} (cells 5–6:
         * {@code ARP = abs_refac · dt}, SHD loaded at dt 2 ms, N-MNIST at dt 1 ms): the argument is
         * in steps of the figure's time step, so SHD 10…50 is 20…100 ms, as Fig. 4a is labelled.
         */
        FIGURE_LABELS("figure-labels");

        private final String label;

        ArpReading(String label) { this.label = label; }

        /** The name used in tables and setup descriptions. */
        public String label() { return label; }

        /** By {@link #label()} (or the constant's name), case-insensitive. */
        public static ArpReading of(String s) {
            for (ArpReading r : values()) if (r.label.equalsIgnoreCase(s) || r.name().equalsIgnoreCase(s)) return r;
            throw new IllegalArgumentException("unknown ARP reading '" + s + "', expected one of released-ms-to-steps, figure-labels");
        }

        /** The refractory period in ms this reading assigns to {@code --abs_refac = absRefac}. */
        public double ms(String dataset, int absRefac) {
            return this == RELEASED_MS_TO_STEPS ? absRefac : absRefac * figureDtMs(dataset);
        }

        /**
         * The refractory period in steps of {@code dtMs}: released {@code int(absRefac / dtMs)} (the
         * script's truncation); figure labels {@code round(absRefac · figureDt / dtMs)} (= absRefac at
         * the figure's time step).
         */
        public int steps(String dataset, int absRefac, double dtMs) {
            if (absRefac < 0) throw new IllegalArgumentException("abs_refac must be >= 0, got " + absRefac);
            if (!(dtMs > 0)) throw new IllegalArgumentException("dt must be > 0 ms, got " + dtMs);
            return this == RELEASED_MS_TO_STEPS ? (int) (absRefac / dtMs) : (int) Math.round(absRefac * figureDtMs(dataset) / dtMs);
        }

        @Override public String toString() { return label; }
    }

    /**
     * The time step (ms) of the runs Fig. 4 shows: SHD 2 ms, N-MNIST 1 ms (the figure notebook's
     * {@code SHDDataset(dt=2)}, {@code NMNISTDataset(dt=1)}; both readings agree for N-MNIST).
     */
    public static double figureDtMs(String dataset) {
        return switch (dataset) {
            case "shd" -> 2.0;
            case "nmnist" -> 1.0;
            default -> throw new IllegalArgumentException("unknown data set '" + dataset + "', expected shd or nmnist");
        };
    }

    /**
     * @param dataset {@code shd} or {@code nmnist}
     * @param dtMs time step; {@code steps} bins of it are fed to the network
     * @param steps time steps per sample fed to the network (paper: SHD 600 at 2 ms = 1.2 s, N-MNIST 400 at 1 ms)
     * @param hidden ALIF neurons per hidden layer (paper 256)
     * @param layers hidden ALIF layers, ≥ 1 (paper 2)
     * @param recurrent whether the hidden layers have recurrent weights (paper: yes)
     * @param fold N-MNIST only: fold the two polarities into 1156 inputs (the Blocks code's unit mod 1156)
     * @param binary frames hold 1 per (unit, step) bin with any event instead of the event count
     *               (the authors' frames are counts; binary is the option)
     * @param arpReading how {@code --abs_refac} values become steps (default {@link ArpReading#RELEASED_MS_TO_STEPS})
     * @param training the optimiser settings (paper: Adam, see {@link AlifNetTrainer.Settings#paper})
     */
    public record Setup(String dataset, double dtMs, int steps, int hidden, int layers, boolean recurrent, boolean fold, boolean binary,
                        ArpReading arpReading, AlifNetTrainer.Settings training) {
        public Setup {
            figureDtMs(dataset);
            if (layers < 1) throw new IllegalArgumentException("BlocksSupervised.Setup.layers must be >= 1, got " + layers);
            if (arpReading == null) throw new IllegalArgumentException("BlocksSupervised.Setup.arpReading must not be null");
            if (training == null) throw new IllegalArgumentException("BlocksSupervised.Setup.training must not be null");
        }

        /** The released ARP reading. */
        public Setup(String dataset, double dtMs, int steps, int hidden, int layers, boolean recurrent, boolean fold, boolean binary,
                     AlifNetTrainer.Settings training) {
            this(dataset, dtMs, steps, hidden, layers, recurrent, fold, binary, ArpReading.RELEASED_MS_TO_STEPS, training);
        }

        /** One hidden layer, the released ARP reading. */
        public Setup(String dataset, double dtMs, int steps, int hidden, boolean recurrent, boolean fold, boolean binary,
                     AlifNetTrainer.Settings training) {
            this(dataset, dtMs, steps, hidden, 1, recurrent, fold, binary, ArpReading.RELEASED_MS_TO_STEPS, training);
        }

        public Setup withLayers(int l) { return new Setup(dataset, dtMs, steps, hidden, l, recurrent, fold, binary, arpReading, training); }
        public Setup withBinary(boolean b) { return new Setup(dataset, dtMs, steps, hidden, layers, recurrent, fold, b, arpReading, training); }
        public Setup withArpReading(ArpReading r) { return new Setup(dataset, dtMs, steps, hidden, layers, recurrent, fold, binary, r, training); }
        public Setup withTraining(AlifNetTrainer.Settings t) { return new Setup(dataset, dtMs, steps, hidden, layers, recurrent, fold, binary, arpReading, t); }

        /** {@code counts} or {@code binary}: what the input frames hold (table column {@code frames}). */
        public String frames() { return binary ? "binary" : "counts"; }

        /** Refractory period in steps for {@code --abs_refac = absRefac} under this setup's reading and time step. */
        public int arpSteps(int absRefac) { return arpReading.steps(dataset, absRefac, dtMs); }

        public String describe() {
            return String.format(Locale.ROOT, "%s dt=%.1fms steps=%d hidden=%dx%d%s%s %s arp-reading=%s epochs=%d batch=%d lr=%.1e eps=%.0e decay@%d×%.2f",
                    dataset, dtMs, steps, layers, hidden, recurrent ? " recurrent" : "", fold ? " folded-polarity" : "",
                    binary ? "binary-frames" : "count-frames", arpReading.label(), training.epochs(), training.batch(), training.lr(), training.eps(),
                    training.decayEpoch(), training.decay());
        }
    }

    /**
     * FULL: the paper (dt 2 ms, 600 steps = 1.2 s, 2×256 recurrent neurons, 40 epochs, ×0.1 at 15);
     * QUICK: dt 4 ms, 150 steps, 2×64 neurons, 8 epochs. Both: count frames, the released ARP reading.
     */
    public static Setup shdSetup(RunMode mode) {
        return mode == RunMode.FULL
                ? new Setup("shd", 2, 600, 256, 2, true, false, false, AlifNetTrainer.Settings.paper(40, 1L).withDecay(15, 0.1f))
                : new Setup("shd", 4, 150, 64, 2, true, false, false, AlifNetTrainer.Settings.paper(8, 1L).withBatch(32).withLr(2e-3f));
    }

    /**
     * FULL: the paper (dt 1 ms, 400 steps, 1156 folded inputs, 2×256 recurrent neurons, 20 epochs);
     * QUICK: dt 5 ms, 60 steps, 2×64 neurons, 8 epochs. Both: count frames, the released ARP reading
     * (the same steps as the figure's at dt 1 ms).
     */
    public static Setup nmnistSetup(RunMode mode) {
        return mode == RunMode.FULL
                ? new Setup("nmnist", 1, 400, 256, 2, true, true, false, AlifNetTrainer.Settings.paper(20, 1L))
                : new Setup("nmnist", 5, 60, 64, 2, true, true, false, AlifNetTrainer.Settings.paper(8, 1L).withBatch(32).withLr(2e-3f));
    }

    /**
     * One trained network: what was run and the per-epoch results.
     *
     * @param absRefac the authors' {@code --abs_refac} argument (the Fig. 4 bar it stands beside; 0 for the standard baseline)
     * @param arp the refractory period in steps that ran ({@code setup.arpSteps(absRefac)})
     */
    public record Run(Setup setup, AlifNet.Kind kind, int absRefac, int arp, long seed, String model, AlifNetTrainer.Result result)
            implements RunResults.Source {
        /** The refractory period that ran, in ms: {@code arp · dt}. */
        public double arpMs() { return arp * setup.dtMs(); }

        /**
         * This run in the common shape: paper {@code blocks}, the neuron kind as model
         * ({@code standard}, {@code blocks}), {@code supervised, abs_refac=A, arp=S steps} as setting,
         * the data set, the ARP reading and frames as semantics, the setup's canonical JSON
         * ({@link Configs#typed}) as configuration; metrics under the names of {@link BlocksSupervised#table}:
         * {@code test_acc, test_acc_last_epoch, epoch_s_median, kernel_s_median}; wall time the sum of
         * the epochs' times. The record holds no mode, data source, key or commit (null).
         */
        @Override
        public RunResult runResult() {
            String k = kind.name().toLowerCase(Locale.ROOT);
            String setting = String.format(Locale.ROOT, "supervised, abs_refac=%d, arp=%d steps", absRefac, arp);
            RunResult.Metrics m = new RunResult.Metrics("blocks/" + k + "/" + setup.dataset() + "/" + setting)
                    .put("test_acc", result.selected().testAccuracy()).put("test_acc_last_epoch", result.last().testAccuracy())
                    .put("epoch_s_median", result.medianEpochSeconds()).put("kernel_s_median", result.medianKernelSeconds());
            double wall = result.epochs().stream().mapToDouble(AlifNetTrainer.Epoch::seconds).sum();
            return new RunResult("blocks", k, setting, setup.dataset(), seed, null, null, null, null, Configs.typed(setup), null,
                    "arp-reading=" + setup.arpReading().label() + ", frames=" + setup.frames(), m.map(), wall, null, null);
        }
    }

    /**
     * Trains and tests on SHD.
     *
     * @param absRefac the authors' {@code --abs_refac} (e.g. one of {@link #absRefacs}); the steps
     *                 follow {@code s.arpReading()} at {@code s.dtMs()} ({@link Setup#arpSteps})
     */
    public static Run shd(Backend be, BlocksData.Shd data, Setup s, AlifNet.Kind kind, int absRefac, long seed, Consumer<AlifNetTrainer.Epoch> log) {
        var train = AlifNetTrainer.shd(data.train(), s.dtMs() * 1e-3, s.steps(), s.binary());
        var test = AlifNetTrainer.shd(data.test(), s.dtMs() * 1e-3, s.steps(), s.binary());
        return run(be, s, "shd", train, test, 20, kind, absRefac, seed, log);
    }

    /** Trains and tests on N-MNIST; {@code absRefac} as in {@link #shd}. */
    public static Run nmnist(Backend be, BlocksData.NMnist data, Setup s, AlifNet.Kind kind, int absRefac, long seed, Consumer<AlifNetTrainer.Epoch> log) {
        var train = AlifNetTrainer.nmnist(data.train(), s.dtMs(), s.steps(), s.fold(), s.binary());
        var test = AlifNetTrainer.nmnist(data.test(), s.dtMs(), s.steps(), s.fold(), s.binary());
        return run(be, s, "nmnist", train, test, 10, kind, absRefac, seed, log);
    }

    /**
     * One training run; besides {@code log} (may be null), each epoch prints a progress line to
     * {@link EpochLog#byDefault()} (the cell's output in a notebook, nothing elsewhere).
     */
    private static Run run(Backend be, Setup s, String dataset, AlifNetTrainer.Frames train, AlifNetTrainer.Frames test, int classes,
                           AlifNet.Kind kind, int absRefac, long seed, Consumer<AlifNetTrainer.Epoch> log) {
        int arp = s.arpSteps(absRefac);
        AlifNet.Config cfg = AlifNet.Config.paper(train.units(), s.hidden(), classes, s.recurrent(), kind, arp, s.dtMs()).withLayers(s.layers());
        AlifNet net = new AlifNet(be, cfg, seed);
        AlifNetTrainer.Settings t = s.training();
        t = new AlifNetTrainer.Settings(t.epochs(), t.batch(), t.lr(), t.eps(), seed, t.decayEpoch(), t.decay());
        String label = String.format(Locale.ROOT, "blocks %s %s arp %d seed %d", dataset, kind, arp, seed);
        EpochLog.Run lines = EpochLog.byDefault().start(label, t.epochs());
        Consumer<AlifNetTrainer.Epoch> each = e -> {
            lines.epoch(e.epoch() + 1, e.trainLoss(), "test acc", e.testAccuracy(), Double.NaN,
                    String.format(Locale.ROOT, "train acc %.4f, training %.2f s (ALIF kernel %.2f s)", e.trainAccuracy(), e.seconds(), e.kernelSeconds()),
                    false);
            if (log != null) log.accept(e);
        };
        try {
            return new Run(s, kind, absRefac, arp, seed, cfg.describe(), AlifNetTrainer.fit(net, train, test, t, each));
        } catch (TrainingInterruptedException e) {
            throw e.note(label + ": no checkpoint (runs are kept in memory); run again to train it from the start");
        }
    }

    /**
     * The Blocks sweep of Fig. 4a as the authors' {@code --abs_refac} arguments
     * ({@code scripts/supervised/run_blocks_*.py}): FULL 10…50 for both data sets; QUICK two of
     * them that divide the quick time steps (SHD 20 and 40; N-MNIST 10 and 20). Steps follow the
     * setup's {@link ArpReading}: SHD FULL 5…25 steps (released) or 10…50 (figure labels); SHD QUICK
     * at dt 4 ms 5 and 10 steps (released) or 10 and 20 (figure labels); N-MNIST FULL 10…50 steps and
     * QUICK at dt 5 ms 2 and 4 steps under both readings.
     */
    public static List<Integer> absRefacs(String dataset, RunMode mode) {
        figureDtMs(dataset);
        if (mode == RunMode.FULL) return List.of(10, 20, 30, 40, 50);
        return dataset.equals("shd") ? List.of(20, 40) : List.of(10, 20);
    }

    /** Seeds per setting from {@code base}: FULL the paper's 3 ({@code base, base+1, base+2}), QUICK 1. */
    public static List<Long> seeds(RunMode mode, long base) { return mode == RunMode.FULL ? List.of(base, base + 1, base + 2) : List.of(base); }

    /**
     * The paper's Fig. 4 (notebooks/papers/blocks.md §7.2, ≈ read off the figure), keyed by the authors'
     * {@code --abs_refac} of each bar (the figure's x label is {@code abs_refac · figureDtMs}: SHD
     * 20…100 ms, N-MNIST 10…50 ms): Blocks accuracy; standard (ARP 0) accuracy; epoch seconds.
     */
    public static final Map<Integer, Double> PAPER_NMNIST_BLOCKS_ACC = ordered(new int[] {10, 20, 30, 40, 50}, new double[] {0.97, 0.96, 0.95, 0.91, 0.92});
    public static final Map<Integer, Double> PAPER_SHD_BLOCKS_ACC = ordered(new int[] {10, 20, 30, 40, 50}, new double[] {0.86, 0.84, 0.85, 0.82, 0.81});
    public static final double PAPER_NMNIST_STANDARD_ACC = 0.98, PAPER_SHD_STANDARD_ACC = 0.875;
    public static final Map<Integer, Double> PAPER_NMNIST_BLOCKS_EPOCH_S = ordered(new int[] {10, 20, 30, 40, 50}, new double[] {330, 192, 192, 192, 192});
    public static final Map<Integer, Double> PAPER_SHD_BLOCKS_EPOCH_S = ordered(new int[] {10, 20, 30, 40, 50}, new double[] {65, 38, 27, 22, 19});
    public static final double PAPER_NMNIST_STANDARD_EPOCH_S = 2000, PAPER_SHD_STANDARD_EPOCH_S = 265;

    private static Map<Integer, Double> ordered(int[] k, double[] v) {
        Map<Integer, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < k.length; i++) m.put(k[i], v[i]);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Fig. 4 as a table: one row per data set, neuron, ARP reading, frame kind and {@code --abs_refac}:
     * the refractory period that ran (steps and ms), the figure's x label for that bar, mean ± sd
     * test accuracy over seeds, mean of the runs' median epoch times, and the paper's values
     * (≈ from its figure; N-MNIST Blocks epoch time ≈185–200 s at 20–50 ms is entered as 192), paired
     * by {@code --abs_refac}, i.e. by the run the bar shows. Standard rows: ARP 0 only (the paper's
     * baseline); standard runs at a Blocks ARP are in {@link #table}. Columns {@code arp_reading}
     * ({@code released-ms-to-steps} | {@code figure-labels}) and {@code frames} ({@code counts} |
     * {@code binary}) say which choice produced each number.
     */
    public static tech.tablesaw.api.Table figure4Table(List<Run> runs) {
        var ds = tech.tablesaw.api.StringColumn.create("dataset");
        var kind = tech.tablesaw.api.StringColumn.create("neuron");
        var reading = tech.tablesaw.api.StringColumn.create("arp_reading");
        var frames = tech.tablesaw.api.StringColumn.create("frames");
        var absRefac = tech.tablesaw.api.IntColumn.create("abs_refac");
        var arpSteps = tech.tablesaw.api.IntColumn.create("arp_steps");
        var arpMs = tech.tablesaw.api.DoubleColumn.create("arp_ms");
        var labelMs = tech.tablesaw.api.DoubleColumn.create("paper_arp_ms_label");
        var n = tech.tablesaw.api.IntColumn.create("seeds");
        var acc = tech.tablesaw.api.DoubleColumn.create("test_acc_mean");
        var sd = tech.tablesaw.api.DoubleColumn.create("test_acc_sd");
        var ep = tech.tablesaw.api.DoubleColumn.create("epoch_s");
        var pacc = tech.tablesaw.api.DoubleColumn.create("paper_test_acc");
        var pep = tech.tablesaw.api.DoubleColumn.create("paper_epoch_s");
        Map<String, List<Run>> groups = new java.util.TreeMap<>();
        for (Run r : runs) {
            if (r.kind() == AlifNet.Kind.STANDARD && r.arp() != 0) continue;
            groups.computeIfAbsent(String.format(Locale.ROOT, "%s|%s|%s|%s|%06d|%08.2f", r.setup().dataset(), r.kind(), r.setup().arpReading().label(),
                    r.setup().frames(), r.absRefac(), r.arpMs()), k -> new ArrayList<>()).add(r);
        }
        for (List<Run> g : groups.values()) {
            Run r0 = g.getFirst();
            double[] a = g.stream().mapToDouble(r -> r.result().selected().testAccuracy()).toArray();
            double mean = java.util.Arrays.stream(a).average().orElse(Double.NaN), q = 0;
            for (double x : a) q += (x - mean) * (x - mean);
            String dataset = r0.setup().dataset();
            boolean shd = dataset.equals("shd"), blocks = r0.kind() == AlifNet.Kind.BLOCKS;
            ds.append(dataset);
            kind.append(r0.kind().name().toLowerCase(Locale.ROOT));
            reading.append(r0.setup().arpReading().label());
            frames.append(r0.setup().frames());
            absRefac.append(r0.absRefac());
            arpSteps.append(r0.arp());
            arpMs.append(r0.arpMs());
            n.append(g.size());
            acc.append(mean);
            sd.append(a.length > 1 ? Math.sqrt(q / (a.length - 1)) : Double.NaN);
            ep.append(g.stream().mapToDouble(r -> r.result().medianEpochSeconds()).average().orElse(Double.NaN));
            if (blocks) {
                Map<Integer, Double> pa = shd ? PAPER_SHD_BLOCKS_ACC : PAPER_NMNIST_BLOCKS_ACC;
                labelMs.append(pa.containsKey(r0.absRefac()) ? r0.absRefac() * figureDtMs(dataset) : Double.NaN);
                pacc.append(pa.getOrDefault(r0.absRefac(), Double.NaN));
                pep.append((shd ? PAPER_SHD_BLOCKS_EPOCH_S : PAPER_NMNIST_BLOCKS_EPOCH_S).getOrDefault(r0.absRefac(), Double.NaN));
            } else {
                labelMs.append(0);
                pacc.append(shd ? PAPER_SHD_STANDARD_ACC : PAPER_NMNIST_STANDARD_ACC);
                pep.append(shd ? PAPER_SHD_STANDARD_EPOCH_S : PAPER_NMNIST_STANDARD_EPOCH_S);
            }
        }
        return tech.tablesaw.api.Table.create("figure4").addColumns(ds, kind, reading, frames, absRefac, arpSteps, arpMs, labelMs, n, acc, sd, ep,
                pacc, pep);
    }

    /**
     * Fig. 4a style: Blocks accuracy vs the ARP that ran (ms), one series per ARP reading and frame
     * kind in {@code fig4}; the paper's bars at the ARP the same reading gives them (released: the
     * bar of {@code --abs_refac} A at A ms; figure labels: at the figure's label); the standard ALIF
     * (ARP 0) as flat lines.
     */
    public static org.knowm.xchart.XYChart figure4(String dataset, tech.tablesaw.api.Table fig4) {
        var t = fig4.where(fig4.stringColumn("dataset").isEqualTo(dataset));
        var blocks = t.where(t.stringColumn("neuron").isEqualTo("blocks"));
        var std = t.where(t.stringColumn("neuron").isEqualTo("standard"));
        Map<Integer, Double> paper = dataset.equals("shd") ? PAPER_SHD_BLOCKS_ACC : PAPER_NMNIST_BLOCKS_ACC;
        double paperStd = dataset.equals("shd") ? PAPER_SHD_STANDARD_ACC : PAPER_NMNIST_STANDARD_ACC;
        java.util.Set<String> readings = new java.util.TreeSet<>(blocks.stringColumn("arp_reading").asList());
        if (readings.isEmpty()) readings.add(ArpReading.RELEASED_MS_TO_STEPS.label());
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        Map<String, double[][]> m = new LinkedHashMap<>();
        java.util.Set<String> series = new java.util.TreeSet<>();
        for (int i = 0; i < blocks.rowCount(); i++) series.add(blocks.stringColumn("arp_reading").get(i) + ", " + blocks.stringColumn("frames").get(i));
        for (String key : series) {
            String[] rf = key.split(", ");
            var sub = blocks.where(blocks.stringColumn("arp_reading").isEqualTo(rf[0]).and(blocks.stringColumn("frames").isEqualTo(rf[1])))
                    .sortAscendingOn("arp_ms");
            double[] x = sub.doubleColumn("arp_ms").asDoubleArray(), y = sub.doubleColumn("test_acc_mean").asDoubleArray();
            for (double v : x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
            m.put("Blocks (SpikeKit, " + key + ")", new double[][] {x, y});
        }
        for (String rd : readings) {
            ArpReading r = ArpReading.of(rd);
            double[] px = paper.keySet().stream().mapToDouble(a -> r.ms(dataset, a)).toArray();
            double[] py = paper.values().stream().mapToDouble(Double::doubleValue).toArray();
            lo = Math.min(lo, px[0]);
            hi = Math.max(hi, px[px.length - 1]);
            m.put("Blocks (paper ≈, ARP as " + rd + ")", new double[][] {px, py});
        }
        for (int i = 0; i < std.rowCount(); i++) {
            double s = std.doubleColumn("test_acc_mean").get(i);
            m.put("standard ALIF, ARP 0 (SpikeKit, " + std.stringColumn("frames").get(i) + ")", new double[][] {{lo, hi}, {s, s}});
        }
        m.put("standard ALIF (paper ≈)", new double[][] {{lo, hi}, {paperStd, paperStd}});
        var c = org.spikekit.report.Charts.scatter(dataset.toUpperCase(Locale.ROOT) + ": test accuracy vs refractory period", "ARP that ran (ms)",
                "test accuracy", false, m);
        c.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line);
        return c;
    }

    /**
     * The comparison as a table: one row per run (data set, model, kind, ARP, seed), accuracy of the
     * epoch with the lowest training loss (the one reported) and of the last epoch, median epoch
     * time and the part of it inside the ALIF kernel; {@code arp_reading} and {@code frames} say
     * which ARP reading and input frames produced the row, {@code abs_refac} the authors' argument.
     */
    public static tech.tablesaw.api.Table table(java.util.List<Run> runs) {
        var ds = tech.tablesaw.api.StringColumn.create("dataset");
        var kind = tech.tablesaw.api.StringColumn.create("neuron");
        var setup = tech.tablesaw.api.StringColumn.create("setup");
        var reading = tech.tablesaw.api.StringColumn.create("arp_reading");
        var frames = tech.tablesaw.api.StringColumn.create("frames");
        var absRefac = tech.tablesaw.api.IntColumn.create("abs_refac");
        var arp = tech.tablesaw.api.IntColumn.create("arp");
        var arpMs = tech.tablesaw.api.DoubleColumn.create("arp_ms");
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
            reading.append(r.setup().arpReading().label());
            frames.append(r.setup().frames());
            absRefac.append(r.absRefac());
            arp.append(r.arp());
            arpMs.append(r.arpMs());
            seed.append((int) r.seed());
            sel.append(r.result().selected().epoch());
            acc.append(r.result().selected().testAccuracy());
            last.append(r.result().last().testAccuracy());
            ep.append(r.result().medianEpochSeconds());
            ker.append(r.result().medianKernelSeconds());
        }
        return tech.tablesaw.api.Table.create("supervised").addColumns(ds, kind, reading, frames, absRefac, arp, arpMs, seed, sel, acc, last, ep,
                ker, setup);
    }

    /**
     * Runs the comparison on the project's data:
     * {@code main quick|full|timing shd|nmnist [abs_refac...] [figure-labels] [binary]} (standard
     * ARP 0, standard at each ARP, Blocks at each ARP; {@code abs_refac} as the authors' argument,
     * default 20; the released ARP reading and count frames unless named); prints one line per
     * epoch and a summary. {@code timing}: the paper's network and time step (FULL setup) for 3
     * epochs on the quick data, to compare epoch times. System property {@code spikekit.data}
     * overrides the data folder.
     */
    public static void main(String[] args) {
        boolean timing = args.length > 0 && args[0].equals("timing");
        RunMode mode = args.length > 0 && args[0].equals("full") ? RunMode.FULL : RunMode.QUICK;
        String ds = args.length > 1 ? args[1] : "shd";
        List<Integer> refacs = new ArrayList<>();
        ArpReading reading = ArpReading.RELEASED_MS_TO_STEPS;
        boolean binary = false;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("binary")) binary = true;
            else if (args[i].matches("\\d+")) refacs.add(Integer.parseInt(args[i]));
            else reading = ArpReading.of(args[i]);
        }
        if (refacs.isEmpty()) refacs.add(20);
        Backend be = new org.spikekit.compute.CpuBackend();
        String dd = System.getProperty("spikekit.data");
        BlocksData d = dd != null ? BlocksData.at(java.nio.file.Path.of(dd)) : BlocksData.locate();
        Setup s = (ds.equals("shd") ? shdSetup(timing ? RunMode.FULL : mode) : nmnistSetup(timing ? RunMode.FULL : mode))
                .withArpReading(reading).withBinary(binary);
        if (timing) {
            AlifNetTrainer.Settings t = s.training();
            s = s.withTraining(new AlifNetTrainer.Settings(3, t.batch(), t.lr(), t.eps(), t.seed(), -1, 1f));
        }
        BlocksData.Shd shd = ds.equals("shd") ? d.shd(org.spikekit.data.DataChoice.AUTO, mode) : null;
        BlocksData.NMnist nm = ds.equals("shd") ? null : d.nmnist(org.spikekit.data.DataChoice.AUTO, mode);
        System.out.println(s.describe() + " data=" + (shd != null ? shd.trainRecord() : nm.record()));
        java.util.List<int[]> runs = new java.util.ArrayList<>();
        runs.add(new int[] {0, 0});
        for (int a : refacs) runs.add(new int[] {0, a});
        for (int a : refacs) runs.add(new int[] {1, a});
        for (int[] r : runs) {
            AlifNet.Kind k = r[0] == 0 ? AlifNet.Kind.STANDARD : AlifNet.Kind.BLOCKS;
            int steps = s.arpSteps(r[1]);
            Consumer<AlifNetTrainer.Epoch> log = e -> System.out.printf(Locale.ROOT, "  %s arp=%d epoch %d loss %.4f train %.3f test %.3f %.2fs (kernel %.2fs)%n",
                    k, steps, e.epoch(), e.trainLoss(), e.trainAccuracy(), e.testAccuracy(), e.seconds(), e.kernelSeconds());
            Run run = shd != null ? shd(be, shd, s, k, r[1], 1L, log) : nmnist(be, nm, s, k, r[1], 1L, log);
            System.out.printf(Locale.ROOT, "%s abs_refac=%d arp=%d steps (%.1f ms, %s): test accuracy %.3f (epoch %d, lowest train loss), last %.3f, "
                            + "epoch time median %.2fs mean %.2fs, ALIF kernel median %.2fs%n",
                    k, r[1], run.arp(), run.arpMs(), reading.label(), run.result().selected().testAccuracy(), run.result().selected().epoch(),
                    run.result().last().testAccuracy(), run.result().medianEpochSeconds(), run.result().meanEpochSeconds(),
                    run.result().medianKernelSeconds());
        }
    }
}
