package org.spikekit.paper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.spikekit.data.DecodingWindows;
import org.spikekit.data.DecodingWindows.Split;
import org.spikekit.data.PerichData;
import org.spikekit.data.PerichSession;
import org.spikekit.report.Charts;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The Spikachu paper's tables and figures built from {@link SpikachuRun} files. The paper's own
 * tables could not be retrieved (spikachu.md §1.6); where the abstract states a number (the
 * 2.26×–418.81× energy ratio) it stands beside the kit's.
 */
public final class SpikachuTables {
    private SpikachuTables() {}

    /** Model order of every table. */
    public static final List<String> MODELS = List.of("spikachu", "spikachu-released", "mlp", "rnn", "gru", "lstm");

    /** The sessions: subject, task, units, length, valid trials, 1-s windows per split, mean firing rate. */
    public static Table sessions(PerichData data) {
        Table t = Table.create("sessions");
        StringColumn id = StringColumn.create("session"), subj = StringColumn.create("subject"), task = StringColumn.create("task"),
                src = StringColumn.create("source");
        IntColumn units = IntColumn.create("units"), trials = IntColumn.create("valid_trials"), tr = IntColumn.create("train_windows"),
                va = IntColumn.create("valid_windows"), te = IntColumn.create("test_windows");
        DoubleColumn minutes = DoubleColumn.create("minutes"), rate = DoubleColumn.create("mean_rate_hz");
        for (PerichSession s : data.sessions()) {
            DecodingWindows w = new DecodingWindows(List.of(s));
            double dur = s.t()[s.samples() - 1] - s.t()[0];
            id.append(s.id());
            subj.append(s.subject());
            task.append(s.task().name());
            src.append(s.source());
            units.append(s.units());
            minutes.append(dur / 60);
            trials.append(s.validTrials());
            tr.append(w.epochSize());
            va.append(w.evalWindows(Split.VALID).size());
            te.append(w.evalWindows(Split.TEST).size());
            rate.append(s.spikeCount() / dur / s.units());
        }
        t.addColumns(id, subj, task, src, units, minutes, trials, tr, va, te, rate);
        return t;
    }

    private static Optional<SpikachuRun> find(List<SpikachuRun> runs, String setting, String model, String session) {
        return runs.stream().filter(r -> r.setting().equals(setting) && r.model().equals(model) && r.session().equals(session)).findFirst();
    }

    private static List<String> sessionsOf(List<SpikachuRun> runs, String setting) {
        return runs.stream().filter(r -> r.setting().equals(setting)).map(SpikachuRun::session).distinct().sorted().toList();
    }

    private static List<String> modelsOf(List<SpikachuRun> runs, String setting) {
        return MODELS.stream().filter(m -> runs.stream().anyMatch(r -> r.setting().equals(setting) && r.model().equals(m))).toList();
    }

    /** Single-session test R² per session (rows, plus a mean row) and model (columns; NaN where not run). */
    public static Table singleSessionR2(List<SpikachuRun> runs) {
        Table t = Table.create("single_session_r2");
        List<String> sessions = sessionsOf(runs, "single"), models = modelsOf(runs, "single");
        List<String> rows = new ArrayList<>(sessions);
        rows.add("mean");
        t.addColumns(StringColumn.create("session", rows));
        for (String m : models) {
            DoubleColumn c = DoubleColumn.create(m);
            double sum = 0;
            int n = 0;
            for (String s : sessions) {
                double v = find(runs, "single", m, s).map(SpikachuRun::r2).orElse(Double.NaN);
                c.append(v);
                if (Double.isFinite(v)) {
                    sum += v;
                    n++;
                }
            }
            c.append(n == sessions.size() && n > 0 ? sum / n : Double.NaN);
            t.addColumns(c);
        }
        return t;
    }

    /**
     * Energy per model (mean over its single-session runs): parameters, MACs, ACs and spikes per
     * 10-ms step, mean spike rate, µJ per 1-s window, how many times Spikachu's energy it spends,
     * latency per step, and the abstract's claimed range of that ratio.
     */
    public static Table energy(List<SpikachuRun> runs, PublishedNumbers paper) {
        Table t = Table.create("energy");
        StringColumn model = StringColumn.create("model"), variant = StringColumn.create("variant");
        LongColumn params = LongColumn.create("parameters");
        DoubleColumn macs = DoubleColumn.create("macs_per_step"), acs = DoubleColumn.create("acs_per_step"), spikes = DoubleColumn.create("spikes_per_step"),
                rate = DoubleColumn.create("mean_spike_rate"), uj = DoubleColumn.create("uJ_per_window"), ratio = DoubleColumn.create("x_spikachu_energy"),
                lat = DoubleColumn.create("latency_ms_per_step"), ujp = DoubleColumn.create("uJ_per_window_released_profiler"),
                ratiop = DoubleColumn.create("x_spikachu_energy_released_profiler"), pmin = DoubleColumn.create("paper_ratio_min"), pmax = DoubleColumn.create("paper_ratio_max");
        Map<String, double[]> mean = new LinkedHashMap<>();
        for (String m : modelsOf(runs, "single")) {
            List<SpikachuRun> rs = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals(m)).toList();
            mean.put(m, new double[] {avg(rs, SpikachuRun::macs), avg(rs, SpikachuRun::acs), avg(rs, SpikachuRun::spikes), avg(rs, SpikachuRun::meanRate),
                    avg(rs, SpikachuRun::joulesPerWindow) * 1e6, avg(rs, SpikachuRun::latencyMsPerStep), avg(rs, r -> r.parameters()),
                    avg(rs, SpikachuRun::profiledJoulesPerWindow) * 1e6});
            variant.append(rs.getFirst().variant());
        }
        double ref = mean.containsKey("spikachu") ? mean.get("spikachu")[4] : Double.NaN;
        double refP = mean.containsKey("spikachu") ? mean.get("spikachu")[7] : Double.NaN;
        for (var e : mean.entrySet()) {
            double[] v = e.getValue();
            model.append(e.getKey());
            params.append((long) v[6]);
            macs.append(v[0]);
            acs.append(v[1]);
            spikes.append(v[2]);
            rate.append(v[3] < 0 ? Double.NaN : v[3]);
            uj.append(v[4]);
            ratio.append(v[4] / ref);
            lat.append(v[5]);
            ujp.append(v[7]);
            ratiop.append(v[7] / refP);
            boolean base = !e.getKey().startsWith("spikachu");
            pmin.append(base ? paper.value("energy_ratio_min", "baselines", "all") : Double.NaN);
            pmax.append(base ? paper.value("energy_ratio_max", "baselines", "all") : Double.NaN);
        }
        t.addColumns(model, params, macs, acs, spikes, rate, uj, ratio, ujp, ratiop, lat, pmin, pmax, variant);
        return t;
    }

    private static double avg(List<SpikachuRun> rs, java.util.function.ToDoubleFunction<SpikachuRun> f) {
        return rs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /**
     * Causality per model: the largest change of any prediction before the bin where a spike was
     * added (0 = causal), and of the predictions of another window of the same batch (0 = windows
     * independent; the released T·B-flattened SSA state can move them), over every single-session
     * run, with the behaviour that produced it.
     */
    public static Table causality(List<SpikachuRun> runs) {
        Table t = Table.create("causality");
        StringColumn model = StringColumn.create("model"), variant = StringColumn.create("variant"), verdict = StringColumn.create("causal");
        DoubleColumn leak = DoubleColumn.create("max_change_before_input"), batch = DoubleColumn.create("max_change_other_window");
        for (String m : modelsOf(runs, "single")) {
            List<SpikachuRun> rs = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals(m)).toList();
            double l = rs.stream().mapToDouble(SpikachuRun::causalLeak).max().orElse(Double.NaN);
            model.append(m);
            leak.append(l);
            batch.append(rs.stream().mapToDouble(SpikachuRun::batchLeak).max().orElse(Double.NaN));
            verdict.append(l == 0 ? "yes" : "no");
            variant.append(rs.getFirst().variant());
        }
        t.addColumns(model, leak, verdict, batch, variant);
        return t;
    }

    /**
     * Multi-subject against single-session Spikachu per session, then the few-shot rows: the
     * held-out session decoded by the multi-subject model after unit-identification fine-tuning,
     * and by a model trained from scratch on the same windows.
     */
    public static Table multiSubject(List<SpikachuRun> runs) {
        Table t = Table.create("multi_subject");
        StringColumn setting = StringColumn.create("setting"), session = StringColumn.create("session");
        IntColumn windows = IntColumn.create("train_windows_per_epoch");
        DoubleColumn single = DoubleColumn.create("single_session_r2"), r2 = DoubleColumn.create("r2"), gain = DoubleColumn.create("gain_over_single");
        for (SpikachuRun r : runs) {
            if (!r.model().equals("spikachu") || r.setting().equals("single")) continue;
            double s = find(runs, "single", "spikachu", r.session()).map(SpikachuRun::r2).orElse(Double.NaN);
            if (r.setting().equals("fewshot-unitid")) s = find(runs, "fewshot-scratch", "spikachu", r.session()).map(SpikachuRun::r2).orElse(Double.NaN);
            setting.append(r.setting());
            session.append(r.session());
            windows.append(r.trainWindows());
            single.append(r.setting().equals("fewshot-scratch") ? Double.NaN : s);
            r2.append(r.r2());
            gain.append(r.setting().equals("fewshot-scratch") ? Double.NaN : r.r2() - s);
        }
        t.addColumns(setting, session, windows, r2, single, gain);
        return t;
    }

    private static final List<String> BASELINES = List.of("mlp", "rnn", "gru", "lstm");

    private static String f3(double v) { return String.format(java.util.Locale.ROOT, "%.3f", v); }

    private static String f2(double v) { return String.format(java.util.Locale.ROOT, "%.2f", v); }

    /** Mean single-session R² of a model over the sessions it ran on (NaN if none). */
    private static double meanR2(List<SpikachuRun> runs, String model) {
        return avg(runs.stream().filter(r -> r.setting().equals("single") && r.model().equals(model)).toList(), SpikachuRun::r2);
    }

    /**
     * The paper's qualitative claims (spikachu.md, headline claims; the targets) checked
     * on these runs, one row each: the claim, the kit's numbers, the paper's, the rule the kit
     * applies and whether it holds ({@code yes}, {@code no}, or {@code not run} when the runs
     * needed are missing). Rules: causal = no prediction before an added spike moves (kit-default
     * Spikachu); competitive = mean single-session R² at least the better of GRU and LSTM minus
     * {@link #COMPETITIVE_MARGIN} (the target); beats = above every baseline (the
     * abstract's claim); less energy = every ANN baseline spends more per window than
     * Spikachu (ratio ≥ 1), per counting rule and size; multi-session helps = multi-subject R²
     * above single-session R² on average over the sessions both decoded; few-shot = unit
     * identification above training from scratch on the same windows.
     *
     * @param paperSizeEnergy {@link SpikachuPaper#paperSizeEnergy}'s table, or null to leave those rows out
     */
    public static Table claims(List<SpikachuRun> runs, Table paperSizeEnergy) {
        Table t = Table.create("claims");
        StringColumn claim = StringColumn.create("claim"), kit = StringColumn.create("kit"), paper = StringColumn.create("paper"),
                rule = StringColumn.create("rule"), holds = StringColumn.create("holds");
        java.util.function.Consumer<String[]> row = v -> {
            claim.append(v[0]);
            kit.append(v[1]);
            paper.append(v[2]);
            rule.append(v[3]);
            holds.append(v[4]);
        };
        // causality
        List<SpikachuRun> own = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals("spikachu")).toList();
        double leak = own.stream().mapToDouble(SpikachuRun::causalLeak).max().orElse(Double.NaN);
        double leakRel = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals("spikachu-released"))
                .mapToDouble(SpikachuRun::causalLeak).max().orElse(Double.NaN);
        row.accept(new String[] {"causal decoding", "largest change before an added spike: spikachu " + leak
                        + (Double.isNaN(leakRel) ? "" : ", spikachu-released " + f3(leakRel) + " (centred smoothing)"),
                "causal", "kit-default Spikachu's change = 0", own.isEmpty() ? "not run" : leak == 0 ? "yes" : "no"});
        // accuracy against the recurrent baselines
        double sp = meanR2(runs, "spikachu"), gru = meanR2(runs, "gru"), lstm = meanR2(runs, "lstm");
        double best = Math.max(Double.isNaN(gru) ? Double.NEGATIVE_INFINITY : gru, Double.isNaN(lstm) ? Double.NEGATIVE_INFINITY : lstm);
        boolean haveR2 = !Double.isNaN(sp) && Double.isFinite(best);
        row.accept(new String[] {"R² competitive with GRU/LSTM (single session)",
                "mean R²: spikachu " + f3(sp) + ", gru " + f3(gru) + ", lstm " + f3(lstm) + (haveR2 ? "; gap to the better " + f3(sp - best) : ""),
                "beats the causal baselines", "spikachu ≥ max(gru, lstm) − " + COMPETITIVE_MARGIN,
                !haveR2 ? "not run" : sp >= best - COMPETITIVE_MARGIN ? "yes" : "no"});
        double bestAll = Double.NEGATIVE_INFINITY;
        StringBuilder all = new StringBuilder();
        for (String b : BASELINES) {
            double v = meanR2(runs, b);
            if (Double.isNaN(v)) continue;
            bestAll = Math.max(bestAll, v);
            all.append(all.isEmpty() ? "" : ", ").append(b).append(' ').append(f3(v));
        }
        boolean haveAll = !Double.isNaN(sp) && Double.isFinite(bestAll);
        row.accept(new String[] {"beats every causal baseline (single session)",
                "mean R²: spikachu " + f3(sp) + (all.isEmpty() ? "" : "; " + all),
                "beats the causal baselines", "spikachu > every baseline", !haveAll ? "not run" : sp > bestAll ? "yes" : "no"});
        // energy, quick/whatever size of the runs, both counting rules
        for (boolean profiler : new boolean[] {false, true}) {
            double ref = avg(own, profiler ? SpikachuRun::profiledJoulesPerWindow : SpikachuRun::joulesPerWindow);
            List<Double> ratios = new ArrayList<>();
            for (String b : BASELINES) {
                List<SpikachuRun> rs = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals(b)).toList();
                if (!rs.isEmpty()) ratios.add(avg(rs, SpikachuRun::joulesPerWindow) / ref);
            }
            energyRow(row, "these runs' models, " + (profiler ? "released profiler" : "spec (kit) counting"), ratios, !own.isEmpty());
        }
        if (paperSizeEnergy != null) {
            for (String rl : paperSizeEnergy.stringColumn("counting_rule").unique().asList()) {
                Table sub = paperSizeEnergy.where(paperSizeEnergy.stringColumn("counting_rule").isEqualTo(rl));
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < sub.rowCount(); i++) {
                    if (BASELINES.contains(sub.stringColumn("model").get(i))) ratios.add(sub.doubleColumn("x_spikachu_energy").get(i));
                }
                energyRow(row, "paper sizes, untrained Spikachu rates, " + rl, ratios, true);
            }
        }
        // multi-session and few-shot
        List<Double> gains = new ArrayList<>();
        for (SpikachuRun m : runs.stream().filter(r -> r.setting().equals("multi") && r.model().equals("spikachu")).toList()) {
            find(runs, "single", "spikachu", m.session()).ifPresent(s -> gains.add(m.r2() - s.r2()));
        }
        double g = gains.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        row.accept(new String[] {"multi-session training improves decoding",
                gains.isEmpty() ? "no session decoded by both" : "multi − single R², mean over " + gains.size() + " session(s): " + f3(g),
                "improves with sessions and subjects", "mean gain > 0", gains.isEmpty() ? "not run" : g > 0 ? "yes" : "no"});
        Optional<SpikachuRun> uid = runs.stream().filter(r -> r.setting().equals("fewshot-unitid")).findFirst();
        Optional<SpikachuRun> scratch = uid.flatMap(u -> find(runs, "fewshot-scratch", u.model(), u.session()));
        row.accept(new String[] {"few-shot transfer to an unseen session",
                uid.isEmpty() || scratch.isEmpty() ? "not run"
                        : "R² on " + uid.get().session() + " from " + uid.get().trainWindows() + " windows: unit identification "
                                + f3(uid.get().r2()) + ", from scratch " + f3(scratch.get().r2()),
                "enables few-shot transfer", "unit identification > from scratch",
                uid.isEmpty() || scratch.isEmpty() ? "not run" : uid.get().r2() > scratch.get().r2() ? "yes" : "no"});
        t.addColumns(claim, kit, paper, rule, holds);
        return t;
    }

    /** Margin of the "competitive with GRU/LSTM" rule, in R². */
    public static final double COMPETITIVE_MARGIN = 0.05;

    private static void energyRow(java.util.function.Consumer<String[]> row, String what, List<Double> ratios, boolean ran) {
        double lo = ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double hi = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        row.accept(new String[] {"less energy per inference than the ANN baselines (" + what + ")",
                ratios.isEmpty() ? "no baseline run" : "baseline energy ÷ Spikachu's: " + f2(lo) + "–" + f2(hi) + "×",
                "2.26–418.81×", "every ratio ≥ 1", !ran || ratios.isEmpty() ? "not run" : lo >= 1 ? "yes" : "no"});
    }

    /** Every run, one row each (the raw numbers behind the tables). */
    public static Table runs(List<SpikachuRun> runs) {
        Table t = Table.create("runs");
        StringColumn setting = StringColumn.create("setting"), model = StringColumn.create("model"), session = StringColumn.create("session"),
                variant = StringColumn.create("variant"), data = StringColumn.create("data");
        IntColumn epochs = IntColumn.create("epochs"), kept = IntColumn.create("kept_epoch"), units = IntColumn.create("units");
        DoubleColumn r2 = DoubleColumn.create("r2"), mse = DoubleColumn.create("mse"), sign = DoubleColumn.create("sign_agreement"),
                uj = DoubleColumn.create("uJ_per_window"), wall = DoubleColumn.create("wall_s");
        for (SpikachuRun r : runs) {
            setting.append(r.setting());
            model.append(r.model());
            session.append(r.session());
            units.append(r.units());
            epochs.append(r.epochs());
            kept.append(r.keptEpoch());
            r2.append(r.r2());
            mse.append(r.mse());
            sign.append(r.signAgreement());
            uj.append(r.joulesPerWindow() * 1e6);
            wall.append(r.wallTimeS());
            data.append(r.data());
            variant.append(r.variant());
        }
        t.addColumns(setting, model, session, units, epochs, kept, r2, mse, sign, uj, wall, data, variant);
        return t;
    }

    /** Single-session test R² per session, one bar per model. */
    public static CategoryChart r2Chart(List<SpikachuRun> runs) {
        List<String> sessions = sessionsOf(runs, "single");
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String m : modelsOf(runs, "single")) {
            series.put(m, sessions.stream().mapToDouble(s -> find(runs, "single", m, s).map(SpikachuRun::r2).orElse(Double.NaN)).toArray());
        }
        List<String> labels = sessions.stream().map(s -> s.replace("_reaching", "").replace("_", " ")).toList();
        return Charts.bars("Single-session test R² (hand velocity)", "R²", labels, series, null);
    }

    /** Energy per window (log scale) against test R², one point per single-session run. */
    public static XYChart energyChart(List<SpikachuRun> runs) {
        Map<String, double[][]> pts = new LinkedHashMap<>();
        for (String m : modelsOf(runs, "single")) {
            List<SpikachuRun> rs = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals(m)).toList();
            pts.put(m, new double[][] {rs.stream().mapToDouble(r -> r.joulesPerWindow() * 1e6).toArray(), rs.stream().mapToDouble(SpikachuRun::r2).toArray()});
        }
        return Charts.scatter("Energy per 1-s window vs R² (45 nm estimate)", "µJ per window (log)", "test R²", true, pts);
    }
}
