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
}
