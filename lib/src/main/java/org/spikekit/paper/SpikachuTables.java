package org.spikekit.paper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.spikekit.data.perich.DecodingWindows;
import org.spikekit.data.perich.DecodingWindows.Split;
import org.spikekit.data.perich.PerichData;
import org.spikekit.data.perich.PerichSession;
import org.spikekit.report.Charts;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The Spikachu paper's tables and figures built from {@link SpikachuRun} files. The paper's own
 * tables could not be retrieved (notebooks/papers/spikachu.md §7); where the abstract states a number (the
 * 2.26×–418.81× energy ratio) it stands beside the kit's.
 */
public final class SpikachuTables {
    private SpikachuTables() {}

    /** Model order of every table. */
    public static final List<String> MODELS = List.of("spikachu", "spikachu-released", "mlp", "rnn", "gru", "lstm",
            "mlp-released", "rnn-released", "gru-released", "lstm-released");

    /** The three readings of a run's R² ({@link SpikachuRun}). */
    public enum Reading {
        KIT("kit: test split, windows end to end with a padded last one, batch 32", SpikachuRun::r2),
        TEST_PY("released test.py: valid split, POYO windows (overlapping full last one), batch 32", SpikachuRun::r2TestPy),
        TEST_MS("released testMS.py: test split, POYO windows (overlapping full last one), batch 128", SpikachuRun::r2TestMs);

        public final String label;
        private final java.util.function.ToDoubleFunction<SpikachuRun> f;

        Reading(String label, java.util.function.ToDoubleFunction<SpikachuRun> f) {
            this.label = label;
            this.f = f;
        }

        /** The run's R² in this reading; NaN for a run that is not {@link SpikachuRun#reportable()}. */
        public double of(SpikachuRun r) { return r.reportable() ? f.applyAsDouble(r) : Double.NaN; }
    }

    /**
     * The sessions: subject, task, units, length, valid trials, 1-s windows per split, mean firing
     * rate, and what the released sampling meets in them: the windows (of the released evaluation
     * windows of both splits and one released training epoch) whose velocity samples are not one
     * per bin (more than 100 shift the position-paired targets of the later windows of a batch;
     * {@link DecodingWindows#census}), and the evaluation intervals shorter than a window (the
     * released sampler asserts on them).
     */
    public static Table sessions(PerichData data) {
        Table t = Table.create("sessions");
        StringColumn id = StringColumn.create("session"), subj = StringColumn.create("subject"), task = StringColumn.create("task"),
                src = StringColumn.create("source");
        IntColumn units = IntColumn.create("units"), trials = IntColumn.create("valid_trials"), tr = IntColumn.create("train_windows"),
                va = IntColumn.create("valid_windows"), te = IntColumn.create("test_windows"),
                notT = IntColumn.create("released_windows_not_100_samples"), overT = IntColumn.create("released_windows_over_100_samples"),
                shortIv = IntColumn.create("eval_intervals_under_1s");
        DoubleColumn minutes = DoubleColumn.create("minutes"), rate = DoubleColumn.create("mean_rate_hz");
        for (PerichSession s : data.sessions()) {
            DecodingWindows w = new DecodingWindows(List.of(s));
            DecodingWindows rel = w.released();
            List<DecodingWindows.Window> all = new ArrayList<>(rel.trainEpoch(42, 0));
            all.addAll(rel.evalWindows(Split.VALID));
            all.addAll(rel.evalWindows(Split.TEST));
            DecodingWindows.Census c = rel.census(all);
            notT.append(c.fewer() + c.more());
            overT.append(c.more());
            shortIv.append(w.shortIntervals(Split.VALID) + w.shortIntervals(Split.TEST));
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
        t.addColumns(id, subj, task, src, units, minutes, trials, tr, va, te, rate, notT, overT, shortIv);
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

    /**
     * Single-session R² per reading ({@link Reading}: the kit's, then the released {@code test.py} and
     * {@code testMS.py} readings), session (rows, plus a mean row per reading) and model (columns; NaN
     * where not run or not reportable).
     */
    public static Table singleSessionR2(List<SpikachuRun> runs) {
        Table t = Table.create("single_session_r2");
        List<String> sessions = sessionsOf(runs, "single"), models = modelsOf(runs, "single");
        StringColumn reading = StringColumn.create("reading"), session = StringColumn.create("session");
        List<DoubleColumn> cols = new ArrayList<>();
        for (String m : models) cols.add(DoubleColumn.create(m));
        for (Reading rd : Reading.values()) {
            for (String s : sessions) {
                reading.append(rd.label);
                session.append(s);
            }
            reading.append(rd.label);
            session.append("mean");
            for (int i = 0; i < models.size(); i++) {
                String m = models.get(i);
                double sum = 0;
                int n = 0;
                for (String s : sessions) {
                    double v = find(runs, "single", m, s).map(rd::of).orElse(Double.NaN);
                    cols.get(i).append(v);
                    if (Double.isFinite(v)) {
                        sum += v;
                        n++;
                    }
                }
                cols.get(i).append(n == sessions.size() && n > 0 ? sum / n : Double.NaN);
            }
        }
        t.addColumns(reading, session);
        for (DoubleColumn c : cols) t.addColumns(c);
        return t;
    }

    /**
     * Energy per model (mean over its single-session runs): parameters, MACs, ACs and spikes per
     * 10-ms step, mean spike rate, µJ per 10-ms step and per 1-s window, how many times Spikachu's
     * energy it spends, the same under the released profiler's reading (its count and conditions:
     * one training window, batch 1, training mode; per step is the released CSV's unit) with the
     * ratio to Spikachu and to released Spikachu (the like-for-like released comparison), latency
     * per step, and the abstract's claimed range of the ratio. Runs that are not
     * {@link SpikachuRun#reportable()} are left out.
     */
    public static Table energy(List<SpikachuRun> runs, PublishedNumbers paper) {
        Table t = Table.create("energy");
        StringColumn model = StringColumn.create("model"), variant = StringColumn.create("variant");
        LongColumn params = LongColumn.create("parameters");
        DoubleColumn macs = DoubleColumn.create("macs_per_step"), acs = DoubleColumn.create("acs_per_step"), spikes = DoubleColumn.create("spikes_per_step"),
                rate = DoubleColumn.create("mean_spike_rate"), uj = DoubleColumn.create("uJ_per_window"), ratio = DoubleColumn.create("x_spikachu_energy"),
                lat = DoubleColumn.create("latency_ms_per_step"), ujp = DoubleColumn.create("uJ_per_window_released_profiler"),
                ratiop = DoubleColumn.create("x_spikachu_energy_released_profiler"), pmin = DoubleColumn.create("paper_ratio_min"), pmax = DoubleColumn.create("paper_ratio_max"),
                ujs = DoubleColumn.create("uJ_per_step"), ujps = DoubleColumn.create("uJ_per_step_released_profiler"),
                ratePr = DoubleColumn.create("mean_spike_rate_released_profiler"), ratioRel = DoubleColumn.create("x_spikachu_released_energy_released_profiler");
        Map<String, double[]> mean = new LinkedHashMap<>();
        for (String m : modelsOf(runs, "single")) {
            List<SpikachuRun> rs = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals(m) && r.reportable()).toList();
            if (rs.isEmpty()) continue;   // only untrained released runs: not reported
            mean.put(m, new double[] {avg(rs, SpikachuRun::macs), avg(rs, SpikachuRun::acs), avg(rs, SpikachuRun::spikes), avg(rs, SpikachuRun::meanRate),
                    avg(rs, SpikachuRun::joulesPerWindow) * 1e6, avg(rs, SpikachuRun::latencyMsPerStep), avg(rs, r -> r.parameters()),
                    avg(rs, SpikachuRun::profiledJoulesPerWindow) * 1e6, avg(rs, SpikachuRun::joulesPerStep) * 1e6,
                    avg(rs, SpikachuRun::profiledJoulesPerStep) * 1e6, avg(rs, SpikachuRun::profiledMeanRate)});
            variant.append(rs.getFirst().variant());
        }
        double ref = mean.containsKey("spikachu") ? mean.get("spikachu")[4] : Double.NaN;
        double refP = mean.containsKey("spikachu") ? mean.get("spikachu")[7] : Double.NaN;
        double refRel = mean.containsKey("spikachu-released") ? mean.get("spikachu-released")[7] : Double.NaN;
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
            ujs.append(v[8]);
            ujps.append(v[9]);
            ratePr.append(v[10] < 0 ? Double.NaN : v[10]);
            ratioRel.append(v[7] / refRel);
            boolean base = !e.getKey().startsWith("spikachu");
            pmin.append(base ? paper.value("energy_ratio_min", "baselines", "all") : Double.NaN);
            pmax.append(base ? paper.value("energy_ratio_max", "baselines", "all") : Double.NaN);
        }
        t.addColumns(model, params, macs, acs, spikes, rate, ujs, uj, ratio, ratePr, ujps, ujp, ratiop, ratioRel, lat, pmin, pmax, variant);
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
     * held-out session decoded by the multi-subject model after unit-identification fine-tuning
     * (the kit's, intended procedure), after the released fine-tune (nothing trained, BatchNorm
     * statistics only; when run), and by a model trained from scratch on the same windows.
     */
    public static Table multiSubject(List<SpikachuRun> runs) {
        Table t = Table.create("multi_subject");
        StringColumn setting = StringColumn.create("setting"), session = StringColumn.create("session");
        IntColumn windows = IntColumn.create("train_windows_per_epoch");
        StringColumn variant = StringColumn.create("variant");
        DoubleColumn single = DoubleColumn.create("single_session_r2"), r2 = DoubleColumn.create("r2"), gain = DoubleColumn.create("gain_over_single");
        for (SpikachuRun r : runs) {
            if (!r.model().equals("spikachu") || r.setting().equals("single")) continue;
            double s = find(runs, "single", "spikachu", r.session()).map(SpikachuRun::r2).orElse(Double.NaN);
            if (r.setting().startsWith("fewshot-unitid")) s = find(runs, "fewshot-scratch", "spikachu", r.session()).map(SpikachuRun::r2).orElse(Double.NaN);
            setting.append(r.setting());
            session.append(r.session());
            windows.append(r.trainWindows());
            single.append(r.setting().equals("fewshot-scratch") ? Double.NaN : s);
            r2.append(r.r2());
            gain.append(r.setting().equals("fewshot-scratch") ? Double.NaN : r.r2() - s);
            variant.append(r.variant());
        }
        t.addColumns(setting, session, windows, r2, single, gain, variant);
        return t;
    }

    private static final List<String> BASELINES = List.of("mlp", "rnn", "gru", "lstm");

    private static String f3(double v) { return String.format(java.util.Locale.ROOT, "%.3f", v); }

    private static String f2(double v) { return String.format(java.util.Locale.ROOT, "%.2f", v); }

    /** Mean single-session R² (kit reading) of a model over the sessions it ran on (NaN if none). */
    private static double meanR2(List<SpikachuRun> runs, String model) { return meanR2(runs, model, Reading.KIT); }

    /** Mean single-session R² of a model in a reading (NaN if none, or if a run is not reportable). */
    private static double meanR2(List<SpikachuRun> runs, String model, Reading reading) {
        return avg(runs.stream().filter(r -> r.setting().equals("single") && r.model().equals(model)).toList(), reading::of);
    }

    /**
     * The paper's qualitative claims (notebooks/papers/spikachu.md §1 and §7; the targets) checked
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
     * <p>The {@code reading} column says whose behaviour a row judges: {@code kit} rows use the kit's
     * models and reading; the {@code released ...} rows compare the {@code *-released} models like
     * for like (released Spikachu against the released baselines, both readings of the released
     * evaluation scripts; the released profiler's energy; the released few-shot fine-tune, which
     * trains nothing). Runs that are not {@link SpikachuRun#reportable()} count as not run.
     *
     * @param paperSizeEnergy {@link SpikachuPaper#paperSizeEnergy}'s table, or null to leave those rows out
     */
    public static Table claims(List<SpikachuRun> runs, Table paperSizeEnergy) {
        Table t = Table.create("claims");
        StringColumn claim = StringColumn.create("claim"), kit = StringColumn.create("kit"), paper = StringColumn.create("paper"),
                rule = StringColumn.create("rule"), holds = StringColumn.create("holds"), reading = StringColumn.create("reading");
        String[] currentReading = {"kit"};
        java.util.function.Consumer<String[]> row = v -> {
            claim.append(v[0]);
            kit.append(v[1]);
            paper.append(v[2]);
            rule.append(v[3]);
            holds.append(v[4]);
            reading.append(currentReading[0]);
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
            currentReading[0] = profiler ? "released profiler (" + SpikachuPaper.PROFILE_CONDITIONS + "), kit models" : "kit";
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
                currentReading[0] = rl.startsWith("released") ? "released profiler (" + SpikachuPaper.PROFILE_CONDITIONS + "), paper sizes" : "kit, paper sizes";
                energyRow(row, "paper sizes, untrained Spikachu rates, " + rl, ratios, true);
            }
        }
        currentReading[0] = "kit";
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

        // ---- the released code, like for like
        double spR = Double.NaN;
        for (Reading rd : List.of(Reading.TEST_PY, Reading.TEST_MS)) {
            currentReading[0] = rd.label;
            spR = meanR2(runs, "spikachu-released", rd);
            double gruR = meanR2(runs, "gru-released", rd), lstmR = meanR2(runs, "lstm-released", rd);
            double bestR = Math.max(Double.isNaN(gruR) ? Double.NEGATIVE_INFINITY : gruR, Double.isNaN(lstmR) ? Double.NEGATIVE_INFINITY : lstmR);
            boolean haveR = !Double.isNaN(spR) && Double.isFinite(bestR);
            row.accept(new String[] {"R² competitive with GRU/LSTM, as released (single session, like for like)",
                    "mean R²: spikachu-released " + f3(spR) + ", gru-released " + f3(gruR) + ", lstm-released " + f3(lstmR)
                            + (haveR ? "; gap to the better " + f3(spR - bestR) : ""),
                    "beats the causal baselines", "spikachu-released ≥ max(gru-released, lstm-released) − " + COMPETITIVE_MARGIN,
                    !haveR ? "not run" : spR >= bestR - COMPETITIVE_MARGIN ? "yes" : "no"});
            double bestAllR = Double.NEGATIVE_INFINITY;
            StringBuilder allR = new StringBuilder();
            for (String b : BASELINES) {
                double v = meanR2(runs, b + "-released", rd);
                if (Double.isNaN(v)) continue;
                bestAllR = Math.max(bestAllR, v);
                allR.append(allR.isEmpty() ? "" : ", ").append(b).append("-released ").append(f3(v));
            }
            boolean haveAllR = !Double.isNaN(spR) && Double.isFinite(bestAllR);
            row.accept(new String[] {"beats every baseline, as released (single session, like for like)",
                    "mean R²: spikachu-released " + f3(spR) + (allR.isEmpty() ? "" : "; " + allR),
                    "beats the causal baselines", "spikachu-released > every released baseline", !haveAllR ? "not run" : spR > bestAllR ? "yes" : "no"});
        }
        currentReading[0] = "released profiler (" + SpikachuPaper.PROFILE_CONDITIONS + "), released models";
        List<SpikachuRun> relOwn = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals("spikachu-released") && r.reportable()).toList();
        double relRef = avg(relOwn, SpikachuRun::profiledJoulesPerWindow);
        List<Double> relRatios = new ArrayList<>();
        for (String b : BASELINES) {
            List<SpikachuRun> rs = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals(b + "-released") && r.reportable()).toList();
            if (!rs.isEmpty()) relRatios.add(avg(rs, SpikachuRun::profiledJoulesPerWindow) / relRef);
        }
        energyRow(row, "released models, released profiler", relRatios, !relOwn.isEmpty());
        currentReading[0] = "released few-shot fine-tune (nothing trained, BatchNorm statistics only)";
        Optional<SpikachuRun> relUid = runs.stream().filter(r -> r.setting().equals("fewshot-unitid-released")).findFirst();
        Optional<SpikachuRun> relScratch = relUid.flatMap(u -> find(runs, "fewshot-scratch", u.model(), u.session()));
        row.accept(new String[] {"few-shot transfer to an unseen session, as released",
                relUid.isEmpty() || relScratch.isEmpty() ? "not run"
                        : "R² on " + relUid.get().session() + " from " + relUid.get().trainWindows() + " windows: released unit identification "
                                + f3(relUid.get().r2()) + ", from scratch " + f3(relScratch.get().r2()),
                "enables few-shot transfer", "released unit identification > from scratch",
                relUid.isEmpty() || relScratch.isEmpty() ? "not run" : relUid.get().r2() > relScratch.get().r2() ? "yes" : "no"});
        t.addColumns(claim, kit, paper, rule, holds, reading);
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

    /**
     * The parameters of {@code model} grouped by the first {@code depth} dot-separated parts of their
     * names (e.g. depth 3: {@code spikachu.core.ssa}), in the model's order: tensors, values,
     * trainable values, mean |value|.
     */
    public static Table parameterGroups(org.spikekit.core.Module model, int depth) {
        if (depth < 1) throw new IllegalArgumentException("parameterGroups: depth must be >= 1, got " + depth);
        java.util.Set<org.spikekit.core.Parameter> trainable = new java.util.HashSet<>(model.trainableParameters());
        Map<String, double[]> groups = new LinkedHashMap<>();   // tensors, values, trainable values, sum |value|
        for (org.spikekit.core.Parameter p : model.parameters()) {
            String[] parts = p.name().split("\\.");
            String g = String.join(".", java.util.Arrays.copyOf(parts, Math.min(depth, parts.length)));
            double[] a = groups.computeIfAbsent(g, k -> new double[4]);
            a[0]++;
            a[1] += p.numel();
            if (trainable.contains(p)) a[2] += p.numel();
            for (float f : p.backend().toHost(p.value())) a[3] += Math.abs(f);
        }
        StringColumn name = StringColumn.create("group");
        IntColumn tensors = IntColumn.create("tensors");
        LongColumn values = LongColumn.create("values"), tr = LongColumn.create("trainable_values");
        DoubleColumn mag = DoubleColumn.create("mean_abs");
        groups.forEach((g, a) -> {
            name.append(g);
            tensors.append((int) a[0]);
            values.append((long) a[1]);
            tr.append((long) a[2]);
            mag.append(a[1] == 0 ? Double.NaN : a[3] / a[1]);
        });
        return Table.create("parameters by group").addColumns(name, tensors, values, tr, mag);
    }

    /**
     * The training curve of a {@link org.spikekit.train.DecoderTrainer} run: the mean training loss
     * per epoch and, on the selection epochs, the selection loss (weighted MSE of the smoothed
     * prediction); the kept epoch is named in the title.
     */
    public static XYChart trainingCurve(String title, org.spikekit.train.DecoderTrainer.History h) {
        int n = h.epochs().size();
        double[] x = new double[n], train = new double[n], sel = new double[n];
        for (int e = 0; e < n; e++) {
            var ep = h.epochs().get(e);
            x[e] = ep.epoch() + 1;
            train[e] = ep.trainLoss();
            sel[e] = ep.selectionLoss();
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("training loss", train);
        if (java.util.Arrays.stream(sel).anyMatch(Double::isFinite)) series.put("selection loss", sel);
        String kept = h.keptEpoch() < 0 ? "the initial weights kept" : "epoch " + (h.keptEpoch() + 1) + " kept";
        return Charts.lines(title + " (" + kept + ")", "epoch", "weighted MSE", x, series);
    }

    /**
     * Several {@link org.spikekit.train.DecoderTrainer} runs' curves in one chart, e.g. the few-shot
     * fine-tune against the model from scratch ({@link SpikachuPaper.MultiWalk}): per run, in the
     * order given, the mean training loss per epoch and, marked on the selection epochs, the selection loss.
     * Runs of different lengths share the epoch axis (a shorter run's missing epochs are left empty).
     */
    public static XYChart trainingCurves(String title, Map<String, org.spikekit.train.DecoderTrainer.History> runs) {
        int n = runs.values().stream().mapToInt(h -> h.epochs().size()).max().orElse(0);
        double[] x = new double[n];
        for (int e = 0; e < n; e++) x[e] = e + 1;
        Map<String, double[]> series = new LinkedHashMap<>();
        for (var r : runs.entrySet()) {
            double[] train = new double[n], sel = new double[n];
            java.util.Arrays.fill(train, Double.NaN);
            java.util.Arrays.fill(sel, Double.NaN);
            for (var ep : r.getValue().epochs()) {
                train[ep.epoch()] = ep.trainLoss();
                sel[ep.epoch()] = ep.selectionLoss();
            }
            series.put(r.getKey() + " training loss", train);
            if (java.util.Arrays.stream(sel).anyMatch(Double::isFinite)) series.put(r.getKey() + " selection loss", sel);
        }
        XYChart c = Charts.lines(title, "epoch", "weighted MSE", x, series);
        // the selection loss is scored every few epochs only: a marker on each scored epoch
        for (String k : series.keySet()) if (k.endsWith(" selection loss")) c.getSeriesMap().get(k).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        return c;
    }

    /** One row per epoch of a {@link org.spikekit.train.DecoderTrainer} run: learning rate, training loss, selection loss and R², kept. */
    public static Table epochs(org.spikekit.train.DecoderTrainer.History h) {
        IntColumn ep = IntColumn.create("epoch");
        DoubleColumn lr = DoubleColumn.create("lr"), loss = DoubleColumn.create("train_loss"), sl = DoubleColumn.create("selection_loss"),
                sr = DoubleColumn.create("selection_r2");
        StringColumn kept = StringColumn.create("kept");
        for (var e : h.epochs()) {
            ep.append(e.epoch() + 1);
            lr.append(e.lr());
            loss.append(e.trainLoss());
            sl.append(e.selectionLoss());
            sr.append(e.selectionR2());
            kept.append(e.kept() ? "yes" : "");
        }
        return Table.create("epochs").addColumns(ep, lr, loss, sl, sr, kept);
    }

    /**
     * The spike counts of a single-session batch's windows laid end to end as a raster (a dot where a
     * unit spiked in a bin), e.g. {@link SpikachuPaper.Walk#testWindows()}.
     */
    public static XYChart inputRaster(String title, org.spikekit.data.perich.DecodingBatch b) {
        if (b.counts() == null) throw new IllegalArgumentException("inputRaster: the batch mixes sessions (no count matrix)");
        int steps = b.steps(), nb = b.batch(), n = b.units();
        float[] c = new float[steps * nb * n];
        for (int j = 0; j < nb; j++) for (int t = 0; t < steps; t++) System.arraycopy(b.counts(), b.row(t, j) * n, c, (j * steps + t) * n, n);
        return Charts.raster(title, c, steps * nb, n, b.binS() * 1e3);
    }

    /** The spike counts of a {@link SpikachuPaper.Trace} as a raster (a dot where a unit spiked in a bin). */
    public static XYChart inputRaster(String title, SpikachuPaper.Trace t) {
        return Charts.raster(title, t.counts(), t.steps(), t.units(), t.binS() * 1e3);
    }

    /**
     * The hidden layer of a {@link SpikachuPaper.Trace}: a raster when it spikes, else the activity of
     * its first {@code lines} units over time; null when the model names no hidden layer.
     */
    public static XYChart hiddenChart(String title, SpikachuPaper.Trace t, int lines) {
        if (t.hidden() == null) return null;
        if (t.spikes()) return Charts.raster(title, t.hidden(), t.steps(), t.hiddenUnits(), t.binS() * 1e3);
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int u = 0; u < Math.min(lines, t.hiddenUnits()); u++) {
            double[] v = new double[t.steps()];
            for (int k = 0; k < t.steps(); k++) v[k] = t.hidden()[k * t.hiddenUnits() + u];
            series.put("unit " + u, v);
        }
        return Charts.lines(title, "time (s)", "activity", t.time(), series);
    }

    /** Recorded and decoded velocity (dimension {@code dim}: 0 = x, 1 = y) of a {@link SpikachuPaper.Trace}, z-scored. */
    public static XYChart decodedChart(String title, SpikachuPaper.Trace t, int dim) {
        double[] rec = new double[t.steps()], dec = new double[t.steps()];
        for (int k = 0; k < t.steps(); k++) {
            rec[k] = t.recorded()[2 * k + dim];
            dec[k] = t.decoded()[2 * k + dim];
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("recorded", rec);
        series.put("decoded", dec);
        return Charts.lines(title, "time (s)", (dim == 0 ? "v_x" : "v_y") + " (z-scored)", t.time(), series);
    }

    /** Every run, one row each (the raw numbers behind the tables). */
    public static Table runs(List<SpikachuRun> runs) {
        Table t = Table.create("runs");
        StringColumn setting = StringColumn.create("setting"), model = StringColumn.create("model"), session = StringColumn.create("session"),
                variant = StringColumn.create("variant"), data = StringColumn.create("data"), cadence = StringColumn.create("cadence"),
                reportable = StringColumn.create("reportable");
        IntColumn epochs = IntColumn.create("epochs"), kept = IntColumn.create("kept_epoch"), units = IntColumn.create("units");
        DoubleColumn r2 = DoubleColumn.create("r2"), mse = DoubleColumn.create("mse"), sign = DoubleColumn.create("sign_agreement"),
                uj = DoubleColumn.create("uJ_per_window"), wall = DoubleColumn.create("wall_s"), r2py = DoubleColumn.create("r2_released_test_py"),
                r2ms = DoubleColumn.create("r2_released_test_ms"), ujp = DoubleColumn.create("uJ_per_step_released_profiler");
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
            cadence.append(r.cadence());
            reportable.append(r.reportable() ? "yes" : "no: the released cadence kept the untrained model");
            r2py.append(r.r2TestPy());
            r2ms.append(r.r2TestMs());
            ujp.append(r.profiledJoulesPerStep() * 1e6);
        }
        t.addColumns(setting, model, session, units, epochs, kept, cadence, reportable, r2, r2py, r2ms, mse, sign, uj, ujp, wall, data, variant);
        return t;
    }

    /** Single-session test R² (kit reading) per session, one bar per model (none for a run that is not reportable). */
    public static CategoryChart r2Chart(List<SpikachuRun> runs) {
        List<String> sessions = sessionsOf(runs, "single");
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String m : modelsOf(runs, "single")) {
            series.put(m, sessions.stream().mapToDouble(s -> find(runs, "single", m, s).map(Reading.KIT::of).orElse(Double.NaN)).toArray());
        }
        List<String> labels = sessions.stream().map(s -> s.replace("_reaching", "").replace("_", " ")).toList();
        return Charts.bars("Single-session test R² (hand velocity)", "R²", labels, series, null);
    }

    /** Energy per window (log scale) against test R², one point per single-session run. */
    public static XYChart energyChart(List<SpikachuRun> runs) {
        Map<String, double[][]> pts = new LinkedHashMap<>();
        for (String m : modelsOf(runs, "single")) {
            List<SpikachuRun> rs = runs.stream().filter(r -> r.setting().equals("single") && r.model().equals(m) && r.reportable()).toList();
            if (rs.isEmpty()) continue;
            pts.put(m, new double[][] {rs.stream().mapToDouble(r -> r.joulesPerWindow() * 1e6).toArray(), rs.stream().mapToDouble(SpikachuRun::r2).toArray()});
        }
        return Charts.scatter("Energy per 1-s window vs R² (45 nm estimate)", "µJ per window (log)", "test R²", true, pts);
    }
}
