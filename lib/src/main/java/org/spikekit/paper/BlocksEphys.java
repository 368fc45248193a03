package org.spikekit.paper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.knowm.xchart.XYChart;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Tape;
import org.spikekit.data.RunMode;
import org.spikekit.data.allen.AllenData;
import org.spikekit.data.allen.EphysPrep;
import org.spikekit.metrics.ExplainedTemporalVariance;
import org.spikekit.model.AlifNet;
import org.spikekit.model.EphysNeurons;
import org.spikekit.report.Charts;
import org.spikekit.report.RunResult;
import org.spikekit.report.RunResults;
import org.spikekit.train.EphysFitter;
import org.spikekit.train.EpochLog;
import org.spikekit.train.TrainingInterruptedException;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The neural-fitting experiment of the Blocks paper (notebooks/papers/blocks.md §3.5 data, §5.3 fits,
 * §6 ETV, §7.3 Fig. 5): one adaptive LIF neuron per recorded cell fitted to its spikes under the
 * "Noise 1" current (training: the three 1-s epochs of the first sweep as one batch) and scored
 * by ETV on the four "Noise 2" repeats, with the standard (step-by-step) and the Blocks kernel,
 * over refractory periods and time steps. What notebook {@code 42_blocks_ephys} calls:
 * <pre>{@code
 * var cells = AllenData.load(nb, 10_000, setup.cells());                  // real or stand-in, recorded
 * var blocks = BlocksEphys.fit(be, cells.cells(), AlifNet.Kind.BLOCKS, 1, 2.0, setup, null);
 * var standard = BlocksEphys.fit(be, cells.cells(), AlifNet.Kind.STANDARD, 1, 2.0, setup, null);
 * BlocksEphys.summary(List.of(blocks, standard));
 * }</pre>
 * All cells of one setting are fitted together as independent neurons of one layer (each cell's
 * fit is the one it would get alone, see {@link EphysFitter}); the time per cell is the fit's wall
 * time divided by the cells, not a separate timing of each cell as in the paper.
 */
public final class BlocksEphys {
    private BlocksEphys() {}

    /**
     * @param cells at most this many cells (0 = all usable ones)
     * @param arpMs refractory period of the main comparison (paper 2 ms)
     * @param arpSweepMs refractory periods of the ARP panel (Blocks, dt 0.1 ms)
     * @param dsSweep time steps of the DT panel, in 0.1-ms samples (Blocks, ARP {@code arpMs})
     * @param fit the fitter's settings (paper: {@link EphysFitter.Settings#paper()})
     * @param sigma ETV smoothing σ in samples (paper figures: 150)
     */
    public record Setup(int cells, double arpMs, List<Double> arpSweepMs, List<Integer> dsSweep, EphysFitter.Settings fit, double sigma) {
        public Setup {
            arpSweepMs = List.copyOf(arpSweepMs);
            dsSweep = List.copyOf(dsSweep);
            if (cells < 0) throw new IllegalArgumentException("BlocksEphys.Setup.cells must be >= 0 (0 = all), got " + cells);
        }

        public String describe() {
            return String.format(Locale.ROOT, "cells=%s arp=%.1fms arp-sweep=%s dt-sweep=%s ms %s etv-sigma=%.0f samples",
                    cells == 0 ? "all" : String.valueOf(cells), arpMs, arpSweepMs,
                    dsSweep.stream().map(d -> String.format(Locale.ROOT, "%.1f", d * EphysNeurons.GRID_MS)).toList(), fit.describe(), sigma);
        }
    }

    /**
     * FULL: the paper (all usable cells, ARP 1/2/4/6/8/16 ms, dt 0.1/0.5/1/2/4/8 ms, Adam 1e-4, ≤ 200
     * epochs, patience 5). QUICK: the same fits on at most 3 cells, ARP 1/2/4/8 ms, dt 0.1/1/4 ms.
     * Both also run the 0.05-ms control ({@link #fitFine}) of the DT panel.
     */
    public static Setup setup(RunMode mode) {
        return mode == RunMode.FULL
                ? new Setup(0, 2, List.of(1.0, 2.0, 4.0, 6.0, 8.0, 16.0), List.of(1, 5, 10, 20, 40, 80), EphysFitter.Settings.paper(), ExplainedTemporalVariance.PAPER_SIGMA)
                : new Setup(3, 2, List.of(1.0, 2.0, 4.0, 8.0), List.of(1, 10, 40), EphysFitter.Settings.paper(), ExplainedTemporalVariance.PAPER_SIGMA);
    }

    /** The paper's numbers (notebooks/papers/blocks.md §7.3, Fig. 5; ≈ = read off the figure, exact = notebook output). */
    public static final double PAPER_ETV_BLOCKS = 0.80, PAPER_ETV_STANDARD = 0.79;
    public static final double PAPER_FIT_S_BLOCKS = 15.56, PAPER_FIT_S_STANDARD = 108.36;
    public static final Map<Double, Double> PAPER_ETV_VS_ARP_MS = orderedMap(new double[] {1, 2, 4, 6, 8, 16}, new double[] {0.80, 0.79, 0.78, 0.77, 0.76, 0.72});
    public static final Map<Double, Double> PAPER_ETV_VS_DT_MS = orderedMap(new double[] {0.05, 0.1, 0.5, 1, 2, 4, 8}, new double[] {0.78, 0.80, 0.76, 0.74, 0.71, 0.67, 0.64});

    private static Map<Double, Double> orderedMap(double[] k, double[] v) {
        Map<Double, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < k.length; i++) m.put(k[i], v[i]);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** One cell's fit: its test score, fitted parameters and prediction of the three Noise 2 epochs (0.1-ms grid). */
    public record CellFit(long specimenId, double etv, double raw, double ceiling, double trainLoss, int epochs, int bestEpoch,
                          EphysNeurons.Fitted fitted, List<float[]> prediction) {}

    /** All cells of one setting. */
    public record Fit(AlifNet.Kind kind, int ds, double dtMs, double arpMs, String model, List<CellFit> cells, double seconds, double kernelSeconds)
            implements RunResults.Source {
        /** The paper's main setting: dt 0.1 ms (ARP is checked separately). */
        boolean fineGrid() { return Math.abs(dtMs - EphysNeurons.GRID_MS) < 1e-9; }
        public double secondsPerCell() { return seconds / cells.size(); }
        public double[] etvs() { return cells.stream().mapToDouble(CellFit::etv).toArray(); }
        public double medianEtv() { return median(etvs()); }

        /** {@code ephys, dt=… ms, arp=… ms}: the setting of {@link #runResult} and {@link #cellResults}. */
        private String setting() { return String.format(Locale.ROOT, "ephys, dt=%.2f ms, arp=%.1f ms", dtMs, arpMs); }

        /**
         * This setting's fit in the common shape: paper {@code blocks}, the neuron kind as model,
         * {@code ephys, dt=… ms, arp=… ms} as setting, {@code allen, N cells} as data set; metrics as
         * in {@link BlocksEphys#summary}: {@code etv_median, etv_se, fit_s_per_cell, kernel_s_per_cell,
         * epoch_ms_all_cells}; wall time the fit's. The fit has no seed, mode, data source, key or
         * configuration JSON (null).
         */
        @Override
        public RunResult runResult() {
            String k = kind.name().toLowerCase(Locale.ROOT);
            double[] e = etvs();
            RunResult.Metrics m = new RunResult.Metrics("blocks/" + k + "/" + setting()).put("etv_median", median(e))
                    .put("etv_se", e.length > 1 ? 1.2533 * sd(e) / Math.sqrt(e.length) : Double.NaN).put("fit_s_per_cell", secondsPerCell())
                    .put("kernel_s_per_cell", kernelSeconds / cells.size())
                    .put("epoch_ms_all_cells", 1e3 * seconds / cells.stream().mapToInt(CellFit::epochs).max().orElse(1));
            return new RunResult("blocks", k, setting(), "allen, " + cells.size() + " cells", null, null, null, null, null, null, null, null,
                    m.map(), seconds, null, null);
        }

        /**
         * One result per cell, in order: as {@link #runResult} with {@code allen specimen <id>} as data
         * set, metrics as in {@link BlocksEphys#cells(List)}: {@code etv, etv_raw, noise_ceiling, train_van_rossum};
         * wall time the fit's per cell (the cells are fitted together).
         */
        public List<RunResult> cellResults() {
            String k = kind.name().toLowerCase(Locale.ROOT);
            List<RunResult> out = new ArrayList<>();
            for (CellFit c : cells) {
                RunResult.Metrics m = new RunResult.Metrics("blocks/" + k + "/" + setting() + "/" + c.specimenId()).put("etv", c.etv())
                        .put("etv_raw", c.raw()).put("noise_ceiling", c.ceiling()).put("train_van_rossum", c.trainLoss());
                out.add(new RunResult("blocks", k, setting(), "allen specimen " + c.specimenId(), null, null, null, null, null, null, null, null,
                        m.map(), secondsPerCell(), null, null));
            }
            return out;
        }
    }

    /** The normalised input current of the paper: I / (100·max I), max over the cell's training epochs (taken of |I|). */
    static float[][] normalised(float[][] currentPa, double maxPa) {
        float[][] out = new float[currentPa.length][];
        for (int r = 0; r < currentPa.length; r++) {
            out[r] = new float[currentPa[r].length];
            for (int i = 0; i < out[r].length; i++) out[r][i] = (float) (currentPa[r][i] / (100 * maxPa));
        }
        return out;
    }

    /** max |I| over the cell's training epochs (the stand-in's generator normalises with the same value). */
    static double maxCurrent(EphysPrep.Cell c) {
        double m = EphysPrep.maxAbsCurrent(c.train());
        if (!(m > 0)) throw new IllegalArgumentException("BlocksEphys: cell " + c.specimenId() + " has no training current (max |I| = " + m + " pA)");
        return m;
    }

    /**
     * Fits every cell with {@code kind} at time step {@code ds}·0.1 ms and refractory period
     * {@code arpMs}, then scores it on the Noise 2 trials.
     */
    public static Fit fit(Backend be, List<EphysPrep.Cell> cells, AlifNet.Kind kind, int ds, double arpMs, Setup s,
                          Consumer<EphysFitter.Epoch> log) {
        return fit(be, cells, cells, EphysNeurons.Config.paper(cells.size(), kind, ds, arpMs), arpMs, s, log, EpochLog.byDefault());
    }

    /**
     * The paper's 0.05-ms control: the neurons run on {@code cells20k}'s 20-kHz current (the same
     * cells prepared at 20 kHz, {@code AllenData.load(nb, 20_000, …)}), their spikes max-pooled onto
     * the 0.1-ms grid of {@code cells}, where loss and ETV are computed.
     */
    public static Fit fitFine(Backend be, List<EphysPrep.Cell> cells, List<EphysPrep.Cell> cells20k, AlifNet.Kind kind, double arpMs, Setup s,
                              Consumer<EphysFitter.Epoch> log) {
        if (cells20k.size() != cells.size()) throw new IllegalArgumentException("BlocksEphys.fitFine: " + cells.size() + " cells but " + cells20k.size() + " at 20 kHz");
        for (int i = 0; i < cells.size(); i++) {
            EphysPrep.Cell a = cells.get(i), b = cells20k.get(i);
            if (a.specimenId() != b.specimenId() || Math.abs(b.train().dtMs() * 2 - a.train().dtMs()) > 1e-9) {
                throw new IllegalArgumentException("BlocksEphys.fitFine: cell " + i + " is " + a.specimenId() + " at " + a.train().dtMs() + " ms but "
                        + b.specimenId() + " at " + b.train().dtMs() + " ms; expected the same cells at half the time step");
            }
        }
        return fit(be, cells, cells20k, EphysNeurons.Config.paperFine(cells.size(), kind, arpMs), arpMs, s, log, EpochLog.byDefault());
    }

    /** A fit; besides {@code log} (may be null), progress lines go to {@code progress} (the public fits: {@link EpochLog#byDefault()}). */
    private static Fit fit(Backend be, List<EphysPrep.Cell> cells, List<EphysPrep.Cell> inputs, EphysNeurons.Config cfg, double arpMs, Setup s,
                           Consumer<EphysFitter.Epoch> log, EpochLog progress) {
        if (cells.isEmpty()) throw new IllegalArgumentException("BlocksEphys.fit: no cells");
        int c = cells.size();
        float[][][] cur = new float[c][][], spk = new float[c][][], testCur = new float[c][][];
        for (int i = 0; i < c; i++) {
            EphysPrep.Cell cell = cells.get(i);
            double max = maxCurrent(cell);
            cur[i] = normalised(inputs.get(i).train().currentPa(), max);
            spk[i] = cell.train().spikes();
            testCur[i] = normalised(inputs.get(i).test().getFirst().currentPa(), max);
        }
        EphysNeurons model = new EphysNeurons(be, cfg);
        String label = String.format(Locale.ROOT, "blocks ephys %s %d cells dt %.2f ms arp %.1f ms", cfg.kind(), c, cfg.dtMs(), arpMs);
        EpochLog.Run lines = progress.start(label, s.fit().maxEpochs());
        Consumer<EphysFitter.Epoch> each = e -> {
            double sum = 0;
            for (double v : e.loss()) sum += v;
            lines.epoch(e.epoch() + 1, sum / e.loss().length, null, Double.NaN, e.seconds(),
                    "cells still fitting " + e.active() + "/" + e.loss().length + " (at most " + s.fit().maxEpochs() + " epochs, patience "
                            + s.fit().patience() + ")", e.active() == 0);
            if (log != null) log.accept(e);
        };
        EphysFitter.Result r;
        try {
            r = EphysFitter.fit(model, cur, spk, s.fit(), each);
        } catch (TrainingInterruptedException e) {
            throw e.note(label + ": nothing written (fits are kept in memory); run again to fit from the start");
        }
        Tensor p = model.forward(model.pool(testCur), Tape.inference());
        List<CellFit> out = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            EphysPrep.Cell cell = cells.get(i);
            int n = cell.test().getFirst().spikes()[0].length;
            List<float[]> pred = new ArrayList<>();
            for (int e = 0; e < testCur[i].length; e++) pred.add(Arrays.copyOf(model.spikesOnGrid(p, i, e), n));
            List<List<float[]>> trials = new ArrayList<>();
            for (EphysPrep.Epochs t : cell.test()) trials.add(Arrays.asList(t.spikes()));
            ExplainedTemporalVariance.Score sc = ExplainedTemporalVariance.score(trials, pred, s.sigma());
            out.add(new CellFit(cell.specimenId(), sc.etv(), sc.raw(), sc.ceiling(), r.bestLoss()[i], r.epochs()[i], r.bestEpoch()[i],
                    model.fitted(i), pred));
        }
        return new Fit(cfg.kind(), cfg.ds(), cfg.dtMs(), arpMs, cfg.describe(), List.copyOf(out), r.seconds(), r.kernelSeconds());
    }

    /**
     * Runs a few epochs of both kernels and discards them, so that the timed fits that follow do not
     * include the JIT compilation of whichever kernel runs first (the first fit of a fresh JVM ran
     * about twice as long per epoch as the same fit later).
     */
    public static void warmUp(Backend be, List<EphysPrep.Cell> cells, Setup s) {
        Setup w = new Setup(s.cells(), s.arpMs(), s.arpSweepMs(), s.dsSweep(), s.fit().withMaxEpochs(8).withPatience(8), s.sigma());
        for (int k = 0; k < 2; k++) {
            for (AlifNet.Kind kind : new AlifNet.Kind[] {AlifNet.Kind.BLOCKS, AlifNet.Kind.STANDARD}) {
                fit(be, cells, cells, EphysNeurons.Config.paper(cells.size(), kind, 1, s.arpMs()), s.arpMs(), w, null, EpochLog.silent());
            }
        }
    }

    // ------------------------------------------------------------------ tables

    /** One row per cell and setting. */
    public static Table cells(List<Fit> fits) {
        StringColumn kind = StringColumn.create("neuron");
        DoubleColumn dt = DoubleColumn.create("dt_ms"), arp = DoubleColumn.create("arp_ms");
        LongColumn id = LongColumn.create("specimen_id");
        DoubleColumn etv = DoubleColumn.create("etv"), raw = DoubleColumn.create("etv_raw"), ceil = DoubleColumn.create("noise_ceiling");
        DoubleColumn loss = DoubleColumn.create("train_van_rossum");
        IntColumn ep = IntColumn.create("epochs"), best = IntColumn.create("best_epoch");
        DoubleColumn w = DoubleColumn.create("w"), tm = DoubleColumn.create("tau_mem_ms"), ta = DoubleColumn.create("tau_adapt_ms"), b = DoubleColumn.create("b");
        for (Fit f : fits) {
            for (CellFit c : f.cells()) {
                kind.append(f.kind().name().toLowerCase(Locale.ROOT));
                dt.append(f.dtMs());
                arp.append(f.arpMs());
                id.append(c.specimenId());
                etv.append(c.etv());
                raw.append(c.raw());
                ceil.append(c.ceiling());
                loss.append(c.trainLoss());
                ep.append(c.epochs());
                best.append(c.bestEpoch());
                w.append(c.fitted().w());
                tm.append(c.fitted().tauMemMs());
                ta.append(c.fitted().tauAdaptMs());
                b.append(c.fitted().b());
            }
        }
        return Table.create("ephys_cells").addColumns(kind, dt, arp, id, etv, raw, ceil, loss, ep, best, w, tm, ta, b);
    }

    /**
     * One row per setting: median ETV ± its standard error (1.2533·sd/√n, the median's large-sample
     * SE), mean fit seconds per cell (cells stop at different epochs, so this mixes speed and epochs),
     * wall time per epoch of the joint fit (the like-for-like speed of the two kernels), and the
     * paper's value where it reports one.
     */
    public static Table summary(List<Fit> fits) {
        StringColumn kind = StringColumn.create("neuron"), model = StringColumn.create("model");
        DoubleColumn dt = DoubleColumn.create("dt_ms"), arp = DoubleColumn.create("arp_ms");
        IntColumn n = IntColumn.create("cells");
        DoubleColumn med = DoubleColumn.create("etv_median"), se = DoubleColumn.create("etv_se");
        DoubleColumn secs = DoubleColumn.create("fit_s_per_cell"), ker = DoubleColumn.create("kernel_s_per_cell");
        DoubleColumn epochMs = DoubleColumn.create("epoch_ms_all_cells");
        DoubleColumn pe = DoubleColumn.create("paper_etv"), ps = DoubleColumn.create("paper_fit_s_per_cell");
        for (Fit f : fits) {
            double[] e = f.etvs();
            kind.append(f.kind().name().toLowerCase(Locale.ROOT));
            dt.append(f.dtMs());
            arp.append(f.arpMs());
            n.append(e.length);
            med.append(median(e));
            se.append(e.length > 1 ? 1.2533 * sd(e) / Math.sqrt(e.length) : Double.NaN);
            secs.append(f.secondsPerCell());
            ker.append(f.kernelSeconds() / f.cells().size());
            epochMs.append(1e3 * f.seconds() / f.cells().stream().mapToInt(CellFit::epochs).max().orElse(1));
            pe.append(paperEtv(f));
            boolean main = f.fineGrid() && f.arpMs() == 2;
            ps.append(!main ? Double.NaN : f.kind() == AlifNet.Kind.BLOCKS ? PAPER_FIT_S_BLOCKS : PAPER_FIT_S_STANDARD);
            model.append(f.model());
        }
        return Table.create("ephys_summary").addColumns(kind, dt, arp, n, med, se, pe, secs, ker, epochMs, ps, model);
    }

    /** The paper's ETV for this setting (NaN where it reports none). */
    static double paperEtv(Fit f) {
        boolean blocks = f.kind() == AlifNet.Kind.BLOCKS;
        if (f.fineGrid() && f.arpMs() == 2) return blocks ? PAPER_ETV_BLOCKS : PAPER_ETV_STANDARD;
        if (!blocks) return Double.NaN;
        if (f.fineGrid()) return PAPER_ETV_VS_ARP_MS.getOrDefault(f.arpMs(), Double.NaN);
        if (f.arpMs() == 2) return PAPER_ETV_VS_DT_MS.getOrDefault(Math.round(f.dtMs() * 100) / 100.0, Double.NaN);
        return Double.NaN;
    }

    /** Stand-in only: fitted against true parameters of each cell. */
    public static Table recovery(Fit f, Map<Long, AllenData.Truth> truth) {
        LongColumn id = LongColumn.create("specimen_id");
        DoubleColumn tw = DoubleColumn.create("w_true"), fw = DoubleColumn.create("w_fit");
        DoubleColumn tm = DoubleColumn.create("tau_mem_true_ms"), fm = DoubleColumn.create("tau_mem_fit_ms");
        DoubleColumn tad = DoubleColumn.create("tau_adapt_true_ms"), fa = DoubleColumn.create("tau_adapt_fit_ms");
        DoubleColumn tb = DoubleColumn.create("b_true"), fb = DoubleColumn.create("b_fit");
        DoubleColumn etv = DoubleColumn.create("etv");
        for (CellFit c : f.cells()) {
            AllenData.Truth t = truth.get(c.specimenId());
            if (t == null) continue;
            id.append(c.specimenId());
            tw.append(t.w());
            fw.append(c.fitted().w());
            tm.append(t.tauMemMs());
            fm.append(c.fitted().tauMemMs());
            tad.append(t.tauAdaptMs());
            fa.append(c.fitted().tauAdaptMs());
            tb.append(t.b());
            fb.append(c.fitted().b());
            etv.append(c.etv());
        }
        return Table.create("ephys_recovery").addColumns(id, tw, fw, tm, fm, tad, fa, tb, fb, etv);
    }

    // ------------------------------------------------------------------ figures

    /**
     * Fig. 5b style: the recorded Noise 2 trials of one cell and the models' predictions, the three
     * test epochs side by side (epoch e drawn from e·epoch length).
     */
    public static XYChart example(EphysPrep.Cell cell, Map<String, CellFit> models) {
        Charts.requireOrdered("example", models);
        EphysPrep.Epochs first = cell.test().getFirst();
        double dt = first.dtMs(), len = first.spikes()[0].length * dt;
        XYChart c = new org.knowm.xchart.XYChartBuilder().width(900).height(380)
                .title("Cell " + cell.specimenId() + ", the three Noise 2 epochs: recorded trials and fitted neurons")
                .xAxisTitle("time (ms; epochs placed one after another)").yAxisTitle("").build();
        c.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(5);
        c.getStyler().setYAxisMin(-0.5).setYAxisMax(cell.test().size() + models.size() - 0.5);
        int row = 0;
        for (int t = 0; t < cell.test().size(); t++) addRaster(c, "recorded trial " + (t + 1), Arrays.asList(cell.test().get(t).spikes()), dt, len, row++);
        for (var e : models.entrySet()) addRaster(c, e.getKey(), e.getValue().prediction(), dt, len, row++);
        return Charts.finish(c);
    }

    private static void addRaster(XYChart c, String name, List<float[]> epochs, double dt, double len, int row) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int e = 0; e < epochs.size(); e++) {
            float[] s = epochs.get(e);
            for (int i = 0; i < s.length; i++) if (s[i] > 0) { xs.add(e * len + i * dt); ys.add((double) row); }
        }
        if (xs.isEmpty()) { xs.add(0.0); ys.add(Double.NaN); }
        c.addSeries(name, xs, ys);
    }

    /** Fig. 5c/5d style: per-cell ETV of one fit against another's. */
    public static XYChart etvScatter(Fit x, Fit y) {
        double[][] pts = new double[2][x.cells().size()];
        for (int i = 0; i < pts[0].length; i++) {
            pts[0][i] = x.cells().get(i).etv();
            pts[1][i] = y.cells().get(i).etv();
        }
        Map<String, double[][]> m = new LinkedHashMap<>();
        m.put("cells", pts);
        m.put("diagonal", new double[][] {{0, 1}, {0, 1}});
        return Charts.scatter("Per-cell ETV", label(x), label(y), false, m);
    }

    private static String label(Fit f) {
        return String.format(Locale.ROOT, "ETV %s dt %.2f ms ARP %.0f ms", f.kind().name().toLowerCase(Locale.ROOT), f.dtMs(), f.arpMs());
    }

    /** Fig. 5e/5f style: median ETV along a sweep, ours and the paper's (≈ read off its figure). */
    public static XYChart sweep(String title, String xLabel, List<Fit> fits, boolean byArp) {
        double[] x = fits.stream().mapToDouble(f -> byArp ? f.arpMs() : f.dtMs()).toArray();
        double[] ours = fits.stream().mapToDouble(Fit::medianEtv).toArray();
        Map<Double, Double> paper = byArp ? PAPER_ETV_VS_ARP_MS : PAPER_ETV_VS_DT_MS;
        double[] px = paper.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        double[] py = paper.values().stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, double[][]> m = new LinkedHashMap<>();
        m.put("Blocks (SpikeKit, median over cells)", new double[][] {x, ours});
        m.put("Blocks (paper ≈, Fig. 5)", new double[][] {px, py});
        XYChart c = Charts.scatter(title, xLabel, "median ETV", !byArp, m);
        c.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line);
        return c;
    }

    /** Supplementary figure: histogram of fitted membrane time constants (τ = −dt/ln β, below 30 ms as in the paper). */
    public static org.knowm.xchart.CategoryChart tauHistogram(List<Fit> fits) {
        int bins = 15;
        double width = 30.0 / bins;
        List<String> cats = new ArrayList<>();
        for (int i = 0; i < bins; i++) cats.add(String.format(Locale.ROOT, "%.0f-%.0f", i * width, (i + 1) * width));
        Map<String, double[]> series = new LinkedHashMap<>();
        for (Fit f : fits) {
            double[] h = new double[bins];
            for (CellFit c : f.cells()) {
                double t = c.fitted().tauMemMs();
                if (t >= 0 && t < 30) h[(int) (t / width)]++;
            }
            series.put(label(f).replace("ETV ", ""), h);
        }
        var c = Charts.bars("Fitted membrane time constants (< 30 ms)", "cells", cats, series, null);
        c.setXAxisTitle("tau_mem (ms)");
        return c;
    }

    // ------------------------------------------------------------------ helpers

    static double median(double[] v) {
        double[] s = Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
        if (s.length == 0) return Double.NaN;
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    static double sd(double[] v) {
        double m = Arrays.stream(v).average().orElse(Double.NaN), q = 0;
        for (double x : v) q += (x - m) * (x - m);
        return Math.sqrt(q / Math.max(1, v.length - 1));
    }
}
