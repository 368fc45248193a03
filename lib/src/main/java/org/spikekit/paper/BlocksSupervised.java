package org.spikekit.paper;

import java.util.Locale;
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
