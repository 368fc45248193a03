package org.spikekit.paper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.spikekit.data.spiking.SpikingDataset;
import org.spikekit.report.Charts;
import org.spikekit.train.stdp.TrainStats;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Tables and figures of the SpikeNN paper from {@link SpikennPaper} results. The paper's own
 * Table 1 / Table 2 numbers could not be retrieved with the tools of the kit's build machines
 * ({@code notebooks/papers/spikenn.md} §7, §9 item 1): the {@code paper} column says so instead of
 * showing a number; paste them from arXiv 2410.17066 into a user copy if needed.
 */
public final class SpikennTables {
    private SpikennTables() {}

    /** What the paper column holds while the published numbers are not retrieved. */
    public static final String PAPER_NOT_RETRIEVED = "not retrieved (arXiv 2410.17066)";

    /**
     * One row per data set × method (Table 1) or ablation row (Table 2): mean ± population std in
     * %; {@code semantics} names what trained the folds ({@code released}: the authors' code, else
     * the kit variants used, see {@link org.spikekit.train.stdp.ReadoutTrainer.Variant}).
     */
    public static Table summary(String name, List<SpikennPaper.Row> rows, SpikennPaper.Settings s, String extractor) {
        Table t = Table.create(name);
        StringColumn ds = StringColumn.create("dataset"), ex = StringColumn.create("extractor"), method = StringColumn.create("method"),
                cfg = StringColumn.create("config"), folds = StringColumn.create("fold_accuracies_pct"),
                paper = StringColumn.create("paper"), protocol = StringColumn.create("protocol"),
                semantics = StringColumn.create("semantics");
        IntColumn n = IntColumn.create("neurons"), k = IntColumn.create("folds");
        DoubleColumn mean = DoubleColumn.create("accuracy_mean_pct"), std = DoubleColumn.create("accuracy_std_pct");
        for (SpikennPaper.Row r : rows) {
            ds.append(r.dataset());
            ex.append(extractor);
            method.append(r.method());
            cfg.append(r.config());
            n.append(r.neurons());
            mean.append(100 * r.result().mean());
            std.append(100 * r.result().std());
            k.append(r.result().folds().size());
            StringBuilder sb = new StringBuilder();
            for (double a : r.result().testAccs()) sb.append(sb.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", 100 * a));
            folds.append(sb.toString());
            paper.append(PAPER_NOT_RETRIEVED);
            protocol.append(s.label());
            semantics.append(String.join("; ", r.result().folds().stream().map(SpikennTables::semantics).distinct().toList()));
        }
        t.addColumns(ds, ex, method, cfg, n, mean, std, k, folds, paper, protocol, semantics);
        return t;
    }

    /** A run's semantics label; runs stored before the label existed say so. */
    static String semantics(SpikeNnRun run) {
        return run.semantics() == null ? "unlabelled (earlier kit)" : run.semantics();
    }

    /** Every fold run behind {@code rows}. */
    public static Table runs(List<SpikennPaper.Row> rows) {
        Table t = Table.create("runs");
        StringColumn ds = StringColumn.create("dataset"), method = StringColumn.create("method"), stop = StringColumn.create("stop"),
                data = StringColumn.create("data"), semantics = StringColumn.create("semantics");
        IntColumn fold = IntColumn.create("fold"), seed = IntColumn.create("seed"), epochs = IntColumn.create("epochs"),
                best = IntColumn.create("best_val_epoch");
        DoubleColumn tr = DoubleColumn.create("train_acc"), va = DoubleColumn.create("val_acc"), te = DoubleColumn.create("test_acc"),
                wall = DoubleColumn.create("wall_s");
        for (SpikennPaper.Row r : rows) {
            int f = 0;
            for (SpikeNnRun run : r.result().folds()) {
                ds.append(r.dataset());
                method.append(r.method());
                fold.append(f++);
                seed.append((int) run.seed());
                data.append(run.data());
                epochs.append(run.epochs());
                best.append(run.bestValEpoch());
                stop.append(String.valueOf(run.stop()));
                tr.append(run.trainAcc());
                va.append(run.valAcc());
                te.append(run.testAcc());
                wall.append(run.wallTimeS());
                semantics.append(semantics(run));
            }
        }
        t.addColumns(ds, method, fold, seed, data, semantics, epochs, best, stop, tr, va, te, wall);
        return t;
    }

    /** Grouped bars of mean test accuracy (± std) per data set and method. */
    public static CategoryChart accuracyBars(String title, List<SpikennPaper.Row> rows) {
        List<String> methods = rows.stream().map(SpikennPaper.Row::method).distinct().toList();
        Map<String, double[]> mean = new LinkedHashMap<>(), err = new LinkedHashMap<>();
        for (String d : rows.stream().map(SpikennPaper.Row::dataset).distinct().toList()) {
            double[] m = new double[methods.size()], e = new double[methods.size()];
            java.util.Arrays.fill(m, Double.NaN);
            for (SpikennPaper.Row r : rows) {
                if (!r.dataset().equals(d)) continue;
                int i = methods.indexOf(r.method());
                m[i] = 100 * r.result().mean();
                e[i] = 100 * r.result().std();
            }
            mean.put(d, m);
            err.put(d, e);
        }
        CategoryChart c = Charts.bars(title, "test accuracy (%)", methods, mean, err);
        c.getStyler().setYAxisMin(50.0);
        c.getStyler().setXAxisLabelRotation(30);
        return c;
    }

    /** Per-sample statistics of spiking inputs: count, mean spikes per sample, fraction of inputs that never fire. */
    public static Table spikeStats(Map<String, SpikingDataset> sets) {
        Table t = Table.create("feature_spikes");
        StringColumn name = StringColumn.create("set");
        IntColumn n = IntColumn.create("samples"), d = IntColumn.create("inputs");
        DoubleColumn mean = DoubleColumn.create("spikes_per_sample"), silent = DoubleColumn.create("silent_fraction"),
                median = DoubleColumn.create("median_time");
        for (var e : sets.entrySet()) {
            SpikingDataset s = e.getValue();
            long total = s.size() == 0 ? 0 : s.end(s.size() - 1) - s.start(0);
            float[] times = new float[(int) total];
            for (int j = 0; j < times.length; j++) times[j] = s.time(s.start(0) + j);
            java.util.Arrays.sort(times);
            name.append(e.getKey());
            n.append(s.size());
            d.append(s.inputSize());
            mean.append((double) total / s.size());
            silent.append(1 - (double) total / ((double) s.size() * s.inputSize()));
            median.append(times.length == 0 ? Double.NaN : times[times.length / 2]);
        }
        t.addColumns(name, n, d, mean, silent, median);
        return t;
    }

    /** Histogram (20 bins on [0, max_time)) of the spike times of {@code sets}, as lines. */
    public static XYChart spikeTimeHistogram(String title, Map<String, SpikingDataset> sets) {
        Charts.requireOrdered("spikeTimeHistogram", sets);
        int bins = 20;
        double[] x = new double[bins];
        for (int b = 0; b < bins; b++) x[b] = (b + 0.5) / bins;
        Map<String, double[]> series = new LinkedHashMap<>();
        for (var e : sets.entrySet()) {
            SpikingDataset s = e.getValue();
            double[] h = new double[bins];
            long total = 0;
            for (int i = 0; i < s.size(); i++) {
                for (int j = s.start(i); j < s.end(i); j++) {
                    int b = (int) Math.min(bins - 1, Math.floor(s.time(j) / s.maxTime() * bins));
                    h[b]++;
                    total++;
                }
            }
            for (int b = 0; b < bins; b++) h[b] = total == 0 ? 0 : h[b] / total;
            series.put(e.getKey(), h);
        }
        return Charts.lines(title, "spike time (fraction of max_time)", "fraction of spikes", x, series);
    }

    /**
     * Paper Fig. 2: weight updates received per epoch by each neuron of class {@code cls}
     * (n1 … nM; with labelling, n1 = in-group index 0 is the non-target neuron). An update is
     * counted when the neuron was its group's intra-class winner, on a sample of its class or of
     * another class ({@code t_updates_trace} + {@code nt_updates_trace}); a zero temporal error
     * makes such an update empty, which the original counts too.
     */
    public static XYChart updatesChart(String title, SpikeNnRun run, int cls, int epochs) {
        TrainStats st = requireStats(run);
        int m = run.parsedConfig().neuronsPerClass(run.classes());
        int e = Math.min(epochs, st.epochs());
        double[] x = new double[e];
        Map<String, double[]> series = new LinkedHashMap<>();
        int nt = run.parsedConfig().trainer().ntNeurons();
        List<String> names = new java.util.ArrayList<>();
        for (int k = 0; k < m; k++) names.add("n" + (k + 1) + (k < nt ? " (non-target)" : ""));
        for (String s : names) series.put(s, new double[e]);
        for (int ep = 0; ep < e; ep++) {
            x[ep] = ep + 1;
            int[] tw = st.targetWins().get(ep), nw = st.nonTargetWins().get(ep);
            for (int k = 0; k < m; k++) series.get(names.get(k))[ep] = tw[cls * m + k] + nw[cls * m + k];
        }
        return Charts.lines(title, "epoch", "weight updates", x, series);
    }

    /** Training thresholds of the neurons of class {@code cls} at the end of every epoch. */
    public static XYChart thresholdsChart(String title, SpikeNnRun run, int cls) {
        TrainStats st = requireStats(run);
        int m = run.parsedConfig().neuronsPerClass(run.classes());
        double[] x = new double[st.epochs()];
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int k = 0; k < m; k++) series.put("n" + (k + 1), new double[st.epochs()]);
        for (int ep = 0; ep < st.epochs(); ep++) {
            x[ep] = ep + 1;
            float[] th = st.trainThresholds().get(ep);
            for (int k = 0; k < m; k++) series.get("n" + (k + 1))[ep] = th[cls * m + k];
        }
        return Charts.lines(title, "epoch", "training threshold", x, series);
    }

    /** Balance of the intra-class competition per epoch: max / mean of the target-sample updates inside each class group, averaged over classes (1 = perfectly balanced, M = one neuron takes all). */
    public static Table updateBalance(Map<String, SpikeNnRun> runs, int epochs) {
        Table t = Table.create("update_balance");
        StringColumn name = StringColumn.create("run");
        IntColumn ep = IntColumn.create("epoch");
        DoubleColumn ratio = DoubleColumn.create("max_over_mean_target_updates"), acc = DoubleColumn.create("test_acc");
        for (var e : runs.entrySet()) {
            SpikeNnRun run = e.getValue();
            TrainStats st = requireStats(run);
            int m = run.parsedConfig().neuronsPerClass(run.classes());
            for (int i = 0; i < Math.min(epochs, st.epochs()); i++) {
                int[] tw = st.targetWins().get(i);
                double sum = 0;
                double worst = 0;  // classes whose group received no target update do not count
                for (int c = 0; c < run.classes(); c++) {
                    double s = 0, mx = 0;
                    for (int k = 0; k < m; k++) {
                        s += tw[c * m + k];
                        mx = Math.max(mx, tw[c * m + k]);
                    }
                    if (s > 0) {
                        worst += mx / (s / m);
                        sum++;
                    }
                }
                name.append(e.getKey());
                ep.append(i + 1);
                ratio.append(sum == 0 ? Double.NaN : worst / sum);
                acc.append(run.testAccs()[i]);
            }
        }
        t.addColumns(name, ep, ratio, acc);
        return t;
    }

    /** Training, validation and test accuracy per epoch of a readout's training (a walk's {@code train()}). */
    public static XYChart trainingCurve(String title, org.spikekit.train.stdp.ReadoutTrainer.History h) {
        double[] x = new double[h.epochs()];
        for (int e = 0; e < x.length; e++) x[e] = e + 1;
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train", h.trainAcc());
        if (!allNaN(h.valAcc())) series.put("validation", h.valAcc());
        if (!allNaN(h.testAcc())) series.put("test", h.testAcc());
        return Charts.lines(title, "epoch", "accuracy", x, series);
    }

    private static boolean allNaN(double[] v) {
        for (double x : v) if (!Double.isNaN(x)) return false;
        return true;
    }

    /** One sample's input spikes: feature index against first-spike time. */
    public static XYChart inputSpikes(String title, SpikingDataset ds, int sample) {
        double[] t = new double[ds.count(sample)], f = new double[t.length];
        for (int j = ds.start(sample), k = 0; j < ds.end(sample); j++, k++) {
            t[k] = ds.time(j);
            f[k] = ds.index(j);
        }
        Map<String, double[][]> pts = new LinkedHashMap<>();
        pts.put(String.format(Locale.ROOT, "sample %d (class %d): %d of %d features fire", sample, ds.classValue(ds.label(sample)), t.length, ds.inputSize()),
                new double[][] {t, f});
        XYChart c = Charts.scatter(title, "first spike time (max_time " + ds.maxTime() + ")", "feature", false, pts);
        c.getStyler().setMarkerSize(3);
        return c;
    }

    /** The test confusion matrix of a walk's evaluation: counts per (true, predicted) class and each class's accuracy. */
    public static Table confusion(SpikennPaper.Evaluated ev) {
        int[][] m = ev.confusion();
        Table t = Table.create("confusion");
        IntColumn cls = IntColumn.create("true");
        for (int c = 0; c < m.length; c++) cls.append(c);
        t.addColumns(cls);
        for (int p = 0; p < m.length; p++) {
            IntColumn col = IntColumn.create("pred_" + p);
            for (int[] row : m) col.append(row[p]);
            t.addColumns(col);
        }
        t.addColumns(DoubleColumn.create("class_acc", ev.classAccuracy()));
        return t;
    }

    /**
     * The output layer of the first test samples beside the decision: per sample its true and
     * predicted class, the winning neuron and its spike time, and per class the first spike of its
     * neurons (empty: none fired before max_time).
     */
    public static Table decisions(SpikennPaper.Outputs o) {
        Table t = Table.create("decisions");
        IntColumn sample = IntColumn.create("sample"), label = IntColumn.create("true"), pred = IntColumn.create("predicted"),
                win = IntColumn.create("winner_neuron");
        DoubleColumn wt = DoubleColumn.create("winner_time");
        int classes = o.times().length == 0 ? 0 : o.times()[0].length / o.perClass();
        List<DoubleColumn> first = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) first.add(DoubleColumn.create("first_spike_c" + c));
        for (int s = 0; s < o.samples().length; s++) {
            sample.append(o.samples()[s]);
            label.append(o.labels()[s]);
            pred.append(o.predicted()[s]);
            win.append(o.winners()[s]);
            float w = o.times()[s][o.winners()[s]];
            wt.append(w >= o.tMax() ? Double.NaN : w);
            for (int c = 0; c < classes; c++) {
                double mn = Double.NaN;
                for (int k = 0; k < o.perClass(); k++) {
                    float v = o.times()[s][c * o.perClass() + k];
                    if (v < o.tMax() && !(mn <= v)) mn = v;
                }
                first.get(c).append(mn);
            }
        }
        t.addColumns(sample, label, pred, win, wt);
        first.forEach(t::addColumns);
        return t;
    }

    /**
     * Raster of the output layer for the first test samples: one row of dots per sample, each dot an
     * output neuron's first spike (x: time; y: sample + neuron / neurons, so each sample's neurons
     * stack in one band); the winner of each sample is drawn apart, and the legend gives true and
     * predicted classes.
     */
    public static XYChart outputRaster(String title, SpikennPaper.Outputs o) {
        Map<String, double[][]> pts = new LinkedHashMap<>();
        List<Double> xs = new java.util.ArrayList<>(), ys = new java.util.ArrayList<>();
        double[][] wins = new double[2][o.samples().length];
        StringBuilder legend = new StringBuilder();
        for (int s = 0; s < o.samples().length; s++) {
            float[] t = o.times()[s];
            for (int i = 0; i < t.length; i++) {
                if (t[i] >= o.tMax()) continue;
                xs.add((double) t[i]);
                ys.add(s + i / (double) t.length);
            }
            int w = o.winners()[s];
            wins[0][s] = t[w] >= o.tMax() ? Double.NaN : t[w];
            wins[1][s] = s + w / (double) t.length;
            legend.append(legend.isEmpty() ? "" : " ").append(o.labels()[s]).append(o.labels()[s] == o.predicted()[s] ? "" : "→" + o.predicted()[s]);
        }
        pts.put("output spikes", new double[][] {xs.stream().mapToDouble(Double::doubleValue).toArray(), ys.stream().mapToDouble(Double::doubleValue).toArray()});
        pts.put("winner (true→predicted: " + legend + ")", wins);
        return Charts.scatter(title, "first spike time", "test sample (neurons stacked by class)", false, pts);
    }

    private static TrainStats requireStats(SpikeNnRun run) {
        if (run.stats() == null) throw new IllegalArgumentException("run " + run.label() + " has no recorded statistics (run it with recordStats)");
        return run.stats();
    }
}
