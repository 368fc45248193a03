package org.spikekit.paper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Tables 1 and 2 of the RSNN paper rebuilt from run files, each kit number beside the published
 * one. Conventions of the paper (checked against its per-seed numbers in {@code rsnn_published.csv},
 * see the tests): a session cell is the mean ± population s.d. (numpy's default, ddof = 0) over
 * seeds; the "mean" row is the mean over sessions of the session means ± the population s.d.
 * across sessions.
 */
public final class RsnnTables {
    private RsnnTables() {}

    /** Session labels in the paper's order. */
    public static final List<String> SESSIONS = List.of("I1", "I2", "I3", "L1", "L2", "L3");

    /**
     * The training curve of one stage: validation R² (epoch 0 = before the first step) and the
     * epoch's training R² (as the RSNN code reports it, the mean of per-batch values), per epoch.
     */
    public static org.knowm.xchart.XYChart trainingCurve(String title, org.spikekit.train.Trainer.History h) {
        int n = h.epochs().size();
        double[] x = new double[n + 1], val = new double[n + 1], train = new double[n + 1];
        x[0] = 0;
        val[0] = h.initialValR2();
        train[0] = Double.NaN;
        for (int e = 0; e < n; e++) {
            var ep = h.epochs().get(e);
            x[e + 1] = e + 1;
            val[e + 1] = ep.valR2();
            train[e + 1] = ep.trainR2Batches();
        }
        var series = new LinkedHashMap<String, double[]>();
        series.put("validation R²", val);
        series.put("training R² (per-batch mean)", train);
        return org.spikekit.report.Charts.lines(title, "epoch", "R²", x, series);
    }

    /** One row per pruning trial: fraction p, weights pruned, R² right after pruning and after retraining, sparsity, accepted. */
    public static Table pruningTrials(org.spikekit.train.Pruning.Result r) {
        DoubleColumn p = DoubleColumn.create("p"), v0 = DoubleColumn.create("val_r2_pruned"), tr = DoubleColumn.create("train_r2_retrained"),
                v1 = DoubleColumn.create("val_r2_retrained"), sp = DoubleColumn.create("sparsity");
        IntColumn pruned = IntColumn.create("weights_pruned");
        StringColumn acc = StringColumn.create("accepted");
        for (var t : r.trials()) {
            p.append(t.p());
            pruned.append((int) t.pruned());
            v0.append(t.valR2Pruned());
            tr.append(t.trainR2());
            v1.append(t.valR2());
            sp.append(t.sparsity());
            acc.append(t.accepted() ? "yes" : "no");
        }
        return Table.create("pruning trials (train R2 before pruning " + String.format(java.util.Locale.ROOT, "%.3f", r.trainR2Before()) + ")")
                .addColumns(p, pruned, v0, tr, v1, sp, acc);
    }
    /** Models in the paper's column order. */
    public static final List<String> MODELS = List.of("SNN2", "SNN3", "tinyRSNN", "bigRSNN");

    /** Mean and population standard deviation of {@code n} values. */
    public record Stat(double mean, double sd, int n) {
        public static Stat of(double[] v) {
            if (v.length == 0) return new Stat(Double.NaN, Double.NaN, 0);
            double m = 0;
            for (double x : v) m += x;
            m /= v.length;
            double s = 0;
            for (double x : v) s += (x - m) * (x - m);
            return new Stat(m, Math.sqrt(s / v.length), v.length);
        }
    }

    /** Per model and session, the statistic of {@code f} over seeds; plus the "mean" row over the sessions present. */
    static Map<String, Map<String, Stat>> stats(List<RsnnRun> runs, ToDoubleFunction<RsnnRun> f) {
        Map<String, Map<String, Stat>> out = new LinkedHashMap<>();
        for (String m : MODELS) {
            Map<String, Stat> row = new LinkedHashMap<>();
            List<Double> sessionMeans = new ArrayList<>();
            for (String s : SESSIONS) {
                double[] v = runs.stream().filter(r -> r.model().equals(m) && r.session().equals(s)).mapToDouble(f).toArray();
                Stat st = Stat.of(v);
                row.put(s, st);
                if (st.n() > 0) sessionMeans.add(st.mean());
            }
            row.put("mean", Stat.of(sessionMeans.stream().mapToDouble(Double::doubleValue).toArray()));
            out.put(m, row);
        }
        return out;
    }

    private static List<String> rows() {
        List<String> r = new ArrayList<>(SESSIONS);
        r.add("mean");
        return r;
    }

    /**
     * Table 1: R² per session and model. Columns per model: kit mean, s.d. over seeds, number of
     * seeds (for the mean row: of sessions), published value and published s.d.
     */
    public static Table table1(List<RsnnRun> runs, PublishedNumbers paper) {
        Table t = Table.create("table1_r2");
        t.addColumns(StringColumn.create("session", rows()));
        var st = stats(runs, RsnnRun::r2);
        for (String m : MODELS) {
            DoubleColumn mean = DoubleColumn.create(m), sd = DoubleColumn.create(m + "_sd"),
                    pub = DoubleColumn.create(m + "_paper"), pubSd = DoubleColumn.create(m + "_paper_sd");
            IntColumn n = IntColumn.create(m + "_n");
            for (String s : rows()) {
                Stat x = st.get(m).get(s);
                mean.append(x.mean());
                sd.append(x.sd());
                n.append(x.n());
                pub.append(paper.value("r2", m, s));
                pubSd.append(paper.sd("r2", m, s));
            }
            t.addColumns(mean, sd, n, pub, pubSd);
        }
        return t;
    }

    /** Metrics of Table 2: column name, accessor, published metric name. */
    private record Metric(String name, ToDoubleFunction<RsnnRun> f, String published) {}

    private static final List<Metric> T2 = List.of(
            new Metric("footprint_bytes", RsnnRun::footprintBytes, "footprint"),
            new Metric("conn_sparsity", RsnnRun::connSparsity, "conn_sparsity"),
            new Metric("act_sparsity", RsnnRun::actSparsity, "act_sparsity"),
            new Metric("dense", RsnnRun::dense, "dense"),
            new Metric("eff_macs", RsnnRun::effMacs, "eff_macs"),
            new Metric("eff_acs", RsnnRun::effAcs, "eff_acs"));

    /**
     * Table 2: computational demand per model and session (rows only for models that have runs).
     * Per metric: kit mean, s.d., published value; the mean rows also carry the recomputed
     * published means where the README's mean row is wrong ({@code *_paper_recomputed}).
     */
    public static Table table2(List<RsnnRun> runs, PublishedNumbers paper) {
        Table t = Table.create("table2_demand");
        StringColumn model = StringColumn.create("model"), session = StringColumn.create("session");
        IntColumn seeds = IntColumn.create("n");
        t.addColumns(model, session, seeds);
        Map<String, Map<String, Map<String, Stat>>> all = new LinkedHashMap<>();
        for (Metric m : T2) all.put(m.name(), stats(runs, m.f()));
        List<DoubleColumn[]> cols = new ArrayList<>();
        for (Metric m : T2) {
            DoubleColumn[] c = {DoubleColumn.create(m.name()), DoubleColumn.create(m.name() + "_sd"),
                    DoubleColumn.create(m.name() + "_paper"), DoubleColumn.create(m.name() + "_paper_recomputed")};
            cols.add(c);
            t.addColumns(c);
        }
        for (String mo : MODELS) {
            if (runs.stream().noneMatch(r -> r.model().equals(mo))) continue;
            for (String s : rows()) {
                Stat first = all.get(T2.get(0).name()).get(mo).get(s);
                if (first.n() == 0) continue;
                model.append(mo);
                session.append(s);
                seeds.append(first.n());
                for (int k = 0; k < T2.size(); k++) {
                    Metric m = T2.get(k);
                    Stat x = all.get(m.name()).get(mo).get(s);
                    cols.get(k)[0].append(x.mean());
                    cols.get(k)[1].append(x.sd());
                    cols.get(k)[2].append(paper.value(m.published(), mo, s));
                    cols.get(k)[3].append(paper.value(m.published() + "_recomputed", mo, s));
                }
            }
        }
        return t;
    }

    /** One row per run (model, session, seed and every metric), for listing what a notebook trained. */
    public static Table runs(List<RsnnRun> runs) {
        Table t = Table.create("runs");
        StringColumn model = StringColumn.create("model"), session = StringColumn.create("session"),
                data = StringColumn.create("data"), variant = StringColumn.create("variant");
        IntColumn seed = IntColumn.create("seed");
        DoubleColumn r2 = DoubleColumn.create("r2"), r2x = DoubleColumn.create("r2_x"), r2y = DoubleColumn.create("r2_y"),
                fp = DoubleColumn.create("footprint_bytes"), cs = DoubleColumn.create("conn_sparsity"),
                as = DoubleColumn.create("act_sparsity"), dense = DoubleColumn.create("dense"),
                macs = DoubleColumn.create("eff_macs"), acs = DoubleColumn.create("eff_acs"), wall = DoubleColumn.create("wall_s");
        for (RsnnRun r : runs) {
            model.append(r.model());
            session.append(r.session());
            seed.append((int) r.seed());
            data.append(r.data());
            r2.append(r.r2());
            r2x.append(r.r2x());
            r2y.append(r.r2y());
            fp.append(r.footprintBytes());
            cs.append(r.connSparsity());
            as.append(r.actSparsity());
            dense.append(r.dense());
            macs.append(r.effMacs());
            acs.append(r.effAcs());
            wall.append(r.wallTimeS());
            variant.append(r.variant());
        }
        t.addColumns(model, session, seed, data, r2, r2x, r2y, fp, cs, as, dense, macs, acs, wall, variant);
        return t;
    }

    /**
     * Mean R² over sessions per model (models with runs), kit and paper, with the rank of each
     * (1 = best) — the paper's ordering is bigRSNN ≥ tinyRSNN ≥ SNN3 ≥ SNN2.
     */
    public static Table ordering(List<RsnnRun> runs, PublishedNumbers paper) {
        var st = stats(runs, RsnnRun::r2);
        List<String> present = MODELS.stream().filter(m -> st.get(m).get("mean").n() > 0).toList();
        double[] kit = present.stream().mapToDouble(m -> st.get(m).get("mean").mean()).toArray();
        double[] pub = present.stream().mapToDouble(m -> paper.value("r2", m, "mean")).toArray();
        Table t = Table.create("model_ordering");
        t.addColumns(StringColumn.create("model", present), DoubleColumn.create("kit_mean_r2", kit),
                IntColumn.create("kit_rank", ranks(kit)), IntColumn.create("sessions", present.stream().mapToInt(m -> st.get(m).get("mean").n()).toArray()),
                DoubleColumn.create("paper_mean_r2", pub), IntColumn.create("paper_rank", ranks(pub)));
        return t;
    }

    /** Ordering of {@link #ordering(List, PublishedNumbers)} with the published numbers of this paper. */
    public static Table ordering(List<RsnnRun> runs) { return ordering(runs, PublishedNumbers.load("rsnn")); }

    private static int[] ranks(double[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = 1;
            for (double x : v) if (x > v[i]) r[i]++;
        }
        return r;
    }

    /** R² per session: kit mean with s.d. over seeds, and the published value, per model with runs. */
    public static org.knowm.xchart.CategoryChart r2BarChart(List<RsnnRun> runs, PublishedNumbers paper) {
        var st = stats(runs, RsnnRun::r2);
        Map<String, double[]> series = new LinkedHashMap<>(), err = new LinkedHashMap<>();
        for (String m : MODELS) {
            if (st.get(m).get("mean").n() == 0) continue;
            series.put(m + " (kit)", SESSIONS.stream().mapToDouble(s -> st.get(m).get(s).mean()).toArray());
            err.put(m + " (kit)", SESSIONS.stream().mapToDouble(s -> st.get(m).get(s).sd()).toArray());
            series.put(m + " (paper)", SESSIONS.stream().mapToDouble(s -> paper.value("r2", m, s)).toArray());
        }
        String data = runs.stream().map(RsnnRun::data).distinct().sorted().reduce((a, b) -> a + "+" + b).orElse("");
        return org.spikekit.report.Charts.bars("R² per session (kit on " + data + " data vs paper)", "R²", SESSIONS, series, err);
    }

    /** R² vs effective synaptic operations (ACs + MACs per 4-ms step, log axis), per session, kit and paper. */
    public static org.knowm.xchart.XYChart tradeoffChart(List<RsnnRun> runs, PublishedNumbers paper) {
        var r2 = stats(runs, RsnnRun::r2);
        var ops = stats(runs, r -> r.effAcs() + r.effMacs());
        Map<String, double[][]> pts = new LinkedHashMap<>();
        for (String m : MODELS) {
            if (r2.get(m).get("mean").n() > 0) {
                pts.put(m + " (kit)", new double[][] {
                        SESSIONS.stream().mapToDouble(s -> ops.get(m).get(s).mean()).toArray(),
                        SESSIONS.stream().mapToDouble(s -> r2.get(m).get(s).mean()).toArray()});
            }
            pts.put(m + " (paper)", new double[][] {
                    SESSIONS.stream().mapToDouble(s -> paper.value("eff_acs", m, s) + paper.value("eff_macs", m, s)).toArray(),
                    SESSIONS.stream().mapToDouble(s -> paper.value("r2", m, s)).toArray()});
        }
        return org.spikekit.report.Charts.scatter("Decoding accuracy vs cost per 4-ms step", "effective ACs + MACs (log)", "R²", true, pts);
    }
}
