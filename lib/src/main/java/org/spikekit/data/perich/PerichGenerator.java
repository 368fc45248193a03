package org.spikekit.data.perich;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.spikekit.data.RunMode;
import org.spikekit.data.perich.PerichNwb.Recording;
import org.spikekit.data.perich.PerichNwb.Task;
import org.spikekit.data.perich.PerichNwb.Trials;
import org.spikekit.data.reaching.ReachGenerator;

/**
 * Seeded synthetic stand-in for the Perich et al. (2018) sessions of DANDI 000688, used when the
 * real NWB files are absent. It produces a {@link Recording} with the fields and conventions of
 * the real files (notebooks/papers/spikachu.md §3.1), written by {@link PerichNwb#write} and read back by
 * {@link PerichNwb#read}.
 *
 * <p>Model, in order:
 * <ol>
 *   <li><b>Task</b> (100 Hz, cursor in cm around the workspace centre). <em>Center-out</em>: a
 *       trial starts where the last one ended, the cursor returns to the centre (minimum-jerk,
 *       0.5–0.7 s) and holds; the target (one of 8 at {@code targetRadiusCm}) appears 1.0–1.4 s
 *       after the trial start ({@code target_on_time}); after an instructed delay of 0.5–1.0 s
 *       the go cue ({@code go_cue_time}); after a 0.2–0.35 s reaction a 0.45–0.6 s reach with
 *       0.3 cm endpoint scatter, a 0.5 s hold, reward ({@code stop_time}); then 0.3–0.8 s between
 *       trials. Outcomes: 'A' abort ({@code abortProb}; the cursor leaves the centre during the
 *       delay, or before the target appears — then {@code target_on_time} and {@code target_id}
 *       are NaN), 'F' fail ({@code failProb}; reach to a wrong target), 'I' incomplete
 *       ({@code incompleteProb}; no reach within 2 s of the go cue), else 'R'; with
 *       {@code slowProb} a rewarded trial gets a 3–4 s longer delay (over the 6 s validity
 *       limit). <em>Random-target</em>: after a 0.4–0.8 s hold, 4 targets uniform in
 *       ±{@code workspaceCm} (at least 3 cm apart) appear one after another, each reached after
 *       a 0.15–0.3 s reaction in 0.3 s + 0.025 s/cm and held 0.15–0.35 s; {@code go_cue_time_array}
 *       holds the 4 go cues, {@code num_attempted} 4 for 'R'; 'F' trials ({@code failProb}) end
 *       after 1–3 targets with an undershooting reach, 'A' trials ({@code abortProb}) before the
 *       first; with {@code slowProb} the first hold is 7 s longer (over the 10 s limit).</li>
 *   <li><b>Outliers.</b> About {@code glitchesPerMin} one-sample position glitches of 0.5–1 cm per
 *       minute (|acceleration| &gt; 1500 cm/s² around them), and about {@code excursionsPerMin}
 *       excursions per minute between trials where the cursor leaves the ±10 cm workspace for
 *       0.5–1.5 s. Recorded velocity and acceleration are central differences of the recorded
 *       position (glitches included).</li>
 *   <li><b>Units</b>: a pool of {@code poolSize} candidate units per subject ({@code subjectSeed});
 *       the session keeps the {@code units} candidates whose latent presence is highest on its
 *       recording {@code day}. Rate of a unit at sample i, with the smooth (glitch-free) velocity
 *       read {@code lead} ahead (motor cortex leads movement by ≈{@code leadS}):
 *       {@code λ = g(t)·b·max(0, 1 + m·(v·p̂)/vRef + s·|v|/vRef)}, baseline b log-normal around
 *       {@code rateHz}, cosine depth m ∈ [{@code depthMin}, {@code depthMax}], speed gain s,
 *       preferred direction p̂; a fraction 1 − {@code tunedFraction} of units is untuned
 *       (m = s = 0); a slow within-session gain g(t) = 1 + a·sin(2πt/P + φ). Spikes: Poisson counts
 *       per 10 ms sample at uniform times within it.</li>
 *   <li><b>Drift.</b> Preferred direction, log baseline and presence of each candidate follow
 *       per-day Gaussian random walks, so sessions close in time have similar tuning and share
 *       most units. Kinematics and spike noise come from {@code seed}.</li>
 * </ol>
 * The whole {@link Config} is stored in {@link Recording#generator()}; the same config always gives
 * the same recording.
 */
public final class PerichGenerator {
    /** Behaviour sampling step, seconds (100 Hz, as the real files). */
    public static final double DT = 0.01;

    private PerichGenerator() {}

    /**
     * Every generator parameter. Times in seconds, positions in cm, rates in Hz. The values quoted as
     * "stand-ins" are those {@link #config} gives every stand-in session (the kit's choices, not
     * measured on the real data).
     *
     * @param subject subject letter, lower case ({@code c}, {@code j}, {@code m}, {@code t})
     * @param subjectSeed seed of the subject's unit pool (tuning and its drift)
     * @param seed session seed (kinematics, trial outcomes, spike noise)
     * @param task center-out or random-target reaching (see the class comment)
     * @param date recording date {@code YYYYMMDD}
     * @param day days since the subject's first stand-in session (drives drift)
     * @param durationS recording length
     * @param units number of units recorded
     * @param tStartS time of the first sample
     * @param targetRadiusCm distance of the 8 center-out targets from the centre, in (0, 10) cm (stand-ins 7)
     * @param workspaceCm random-target targets are uniform in ±{@code workspaceCm} on both axes, in
     *     (3, 10) cm (stand-ins 8)
     * @param abortProb probability of an 'A' (abort) trial (stand-ins 0.08)
     * @param failProb probability of an 'F' (fail) trial (stand-ins 0.05)
     * @param incompleteProb probability of an 'I' (incomplete) center-out trial; random-target trials
     *     have no 'I' (stand-ins 0.02); {@code abortProb + failProb + incompleteProb} ≤ 1
     * @param slowProb probability that a rewarded trial is made slower than the validity limit
     *     (stand-ins 0.02)
     * @param glitchesPerMin one-sample position glitches per minute of recording (stand-ins 0.5)
     * @param excursionsPerMin about this many out-of-workspace excursions per minute, drawn between
     *     trials (stand-ins 0.25)
     * @param poolSize candidate units of the subject's pool, ≥ {@code units} (stand-ins 200)
     * @param rateHz median baseline rate b of the units, Hz (stand-ins 10; subject t, threshold
     *     crossings in the real set, 18)
     * @param rateLogSd s.d. of the log baseline rate across units (stand-ins 0.6)
     * @param tunedFraction fraction of units tuned to velocity; the rest have m = s = 0 (stand-ins 0.85)
     * @param depthMin lower end of the uniform cosine-tuning depth m of tuned units (stand-ins 0.4)
     * @param depthMax upper end of m, ≥ {@code depthMin} (stand-ins 1.0; subject t 0.8)
     * @param speedGain speed gain s of a tuned unit is uniform in [0, {@code speedGain}) (stand-ins 0.4)
     * @param vRefCmS reference speed vRef the velocity is divided by in the rate, cm/s (stand-ins 20)
     * @param leadS mean lead of the velocity a unit's rate reads, within ±0.5 s (stand-ins 0.1)
     * @param leadSdS s.d. of that lead across units, seconds; each unit's lead is rounded to 10-ms
     *     samples (stand-ins 0.03)
     * @param gainDrift amplitude a of the within-session gain g(t) = 1 + a·sin(2πt/P + φ), in [0, 1)
     *     (P uniform in 60–300 s per unit; stand-ins 0.1)
     * @param driftPdRadPerDay s.d. of the daily random-walk step of each unit's preferred direction,
     *     radians (stand-ins 0.02)
     * @param driftLogRatePerDay s.d. of the daily step of each unit's log baseline rate (stand-ins 0.01)
     * @param driftPresencePerDay s.d. of the daily step of each candidate's latent presence, which
     *     starts N(0, 1) and decides which candidates a session records (stand-ins 0.02)
     */
    public record Config(String subject, long subjectSeed, long seed, Task task, String date, int day, double durationS,
                         int units, double tStartS, double targetRadiusCm, double workspaceCm, double abortProb,
                         double failProb, double incompleteProb, double slowProb, double glitchesPerMin,
                         double excursionsPerMin, int poolSize, double rateHz, double rateLogSd, double tunedFraction,
                         double depthMin, double depthMax, double speedGain, double vRefCmS, double leadS, double leadSdS,
                         double gainDrift, double driftPdRadPerDay, double driftLogRatePerDay, double driftPresencePerDay) {
        /** Validates every parameter; throws {@link IllegalArgumentException} naming the first bad one. */
        public Config {
            if (subject == null || !subject.matches("[a-z]")) {
                throw new IllegalArgumentException("PerichGenerator.Config.subject must be one lower-case letter, got " + subject);
            }
            if (task == null) throw new IllegalArgumentException("PerichGenerator.Config.task is required");
            if (date == null || !date.matches("\\d{8}")) throw new IllegalArgumentException("PerichGenerator.Config.date must be YYYYMMDD, got " + date);
            if (day < 0) throw new IllegalArgumentException("PerichGenerator.Config.day must be >= 0, got " + day);
            if (!(durationS >= 30) || !Double.isFinite(durationS)) {
                throw new IllegalArgumentException("PerichGenerator.Config.durationS must be at least 30 s, got " + durationS);
            }
            if (units < 1 || units > poolSize) {
                throw new IllegalArgumentException("PerichGenerator.Config.units must be in 1..poolSize (" + poolSize + "), got " + units);
            }
            if (!(tStartS >= 0) || !Double.isFinite(tStartS)) throw new IllegalArgumentException("PerichGenerator.Config.tStartS must be >= 0, got " + tStartS);
            if (!(targetRadiusCm > 0 && targetRadiusCm < 10)) {
                throw new IllegalArgumentException("PerichGenerator.Config.targetRadiusCm must be in (0, 10) cm (inside the ±10 cm workspace), got " + targetRadiusCm);
            }
            if (!(workspaceCm > 3 && workspaceCm < 10)) {
                throw new IllegalArgumentException("PerichGenerator.Config.workspaceCm must be in (3, 10) cm, got " + workspaceCm);
            }
            for (double p : new double[] {abortProb, failProb, incompleteProb, slowProb, tunedFraction}) {
                if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("PerichGenerator.Config probabilities must be in [0, 1], got " + p);
            }
            if (!(abortProb + failProb + incompleteProb <= 1)) {
                throw new IllegalArgumentException("PerichGenerator.Config: abortProb + failProb + incompleteProb must be <= 1");
            }
            for (double v : new double[] {glitchesPerMin, excursionsPerMin, rateLogSd, depthMin, speedGain, leadSdS,
                    driftPdRadPerDay, driftLogRatePerDay, driftPresencePerDay}) {
                if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException("PerichGenerator.Config: rates, spreads and gains must be >= 0 and finite, got " + v);
            }
            if (!(rateHz > 0) || !(vRefCmS > 0) || !(depthMax >= depthMin)) {
                throw new IllegalArgumentException("PerichGenerator.Config: need rateHz > 0, vRefCmS > 0, depthMax >= depthMin");
            }
            if (!(Math.abs(leadS) <= 0.5)) throw new IllegalArgumentException("PerichGenerator.Config.leadS must be within ±0.5 s, got " + leadS);
            if (!(gainDrift >= 0 && gainDrift < 1)) throw new IllegalArgumentException("PerichGenerator.Config.gainDrift must be in [0, 1), got " + gainDrift);
        }

        /** The session id, {@code <subject>_<date>_<task id>}. */
        public String sessionId() { return subject + "_" + date + "_" + task.id(); }

        /** Number of 100 Hz samples. */
        public int samples() { return (int) Math.round(durationS / DT); }

        /** The string stored in {@link Recording#generator()}: class name, version and every parameter. */
        // the class's name before data was split into sub-packages: kept, so that stored stand-ins stay up to date
        public String describe() { return "org.spikekit.data.PerichGenerator v1 " + this; }

        /** The same session with another length. */
        public Config withDurationS(double d) {
            return new Config(subject, subjectSeed, seed, task, date, day, d, units, tStartS, targetRadiusCm, workspaceCm,
                    abortProb, failProb, incompleteProb, slowProb, glitchesPerMin, excursionsPerMin, poolSize, rateHz, rateLogSd,
                    tunedFraction, depthMin, depthMax, speedGain, vRefCmS, leadS, leadSdS, gainDrift, driftPdRadPerDay,
                    driftLogRatePerDay, driftPresencePerDay);
        }

        /** The same session with another number of units. */
        public Config withUnits(int n) {
            return new Config(subject, subjectSeed, seed, task, date, day, durationS, n, tStartS, targetRadiusCm, workspaceCm,
                    abortProb, failProb, incompleteProb, slowProb, glitchesPerMin, excursionsPerMin, poolSize, rateHz, rateLogSd,
                    tunedFraction, depthMin, depthMax, speedGain, vRefCmS, leadS, leadSdS, gainDrift, driftPdRadPerDay,
                    driftLogRatePerDay, driftPresencePerDay);
        }

        /** The same session with other outlier rates (tests). */
        public Config withOutliers(double glitches, double excursions) {
            return new Config(subject, subjectSeed, seed, task, date, day, durationS, units, tStartS, targetRadiusCm, workspaceCm,
                    abortProb, failProb, incompleteProb, slowProb, glitches, excursions, poolSize, rateHz, rateLogSd,
                    tunedFraction, depthMin, depthMax, speedGain, vRefCmS, leadS, leadSdS, gainDrift, driftPdRadPerDay,
                    driftLogRatePerDay, driftPresencePerDay);
        }
    }

    // ================================================================== the stand-in sessions

    /** One stand-in session: id, units, length in quick and full mode; {@code quick} whether quick mode has it. */
    record Spec(String id, int units, double quickS, double fullS, boolean quick) {}

    /** Each subject's first stand-in date (drift day 0) and pool seed. */
    private static final List<String> FIRST_DATE = List.of("c20131003", "j20160405", "m20140203", "t20130819");

    /**
     * The stand-in sessions. Quick mode: 6 sessions of 4–5.5 minutes (subjects c, m, t; both
     * tasks; 36–88 units). Full mode: 14 sessions of 10–20 minutes (all four subjects; up to 150
     * units). Ids are real-looking ({@code c_20150311_center_out_reaching} is one of the session ids
     * the released driver lists) but the content is synthetic.
     */
    static final List<Spec> SPECS = List.of(
            new Spec("c_20131003_center_out_reaching", 96, 0, 900, false),
            new Spec("c_20150309_center_out_reaching", 64, 300, 1200, true),
            new Spec("c_20150311_center_out_reaching", 70, 300, 1200, true),
            new Spec("c_20150312_random_target_reaching", 58, 270, 900, true),
            new Spec("c_20160915_center_out_reaching", 150, 0, 1200, false),
            new Spec("j_20160405_center_out_reaching", 48, 0, 600, false),
            new Spec("j_20160406_center_out_reaching", 52, 0, 600, false),
            new Spec("j_20160407_center_out_reaching", 45, 0, 720, false),
            new Spec("m_20140203_center_out_reaching", 42, 240, 900, true),
            new Spec("m_20140221_random_target_reaching", 36, 240, 900, true),
            new Spec("m_20150610_center_out_reaching", 120, 0, 1080, false),
            new Spec("t_20130819_center_out_reaching", 80, 0, 720, false),
            new Spec("t_20130830_random_target_reaching", 88, 330, 1200, true),
            new Spec("t_20130903_random_target_reaching", 84, 0, 1080, false));

    /** The session ids of a mode, sorted. */
    public static List<String> sessionIds(RunMode mode) {
        return SPECS.stream().filter(s -> mode == RunMode.FULL || s.quick()).map(Spec::id).sorted().toList();
    }

    /** The configs of a mode, sorted by session id. */
    public static List<Config> configs(RunMode mode) {
        return sessionIds(mode).stream().map(id -> config(id, mode)).toList();
    }

    /** The config of stand-in session {@code id} in {@code mode}. */
    public static Config config(String id, RunMode mode) {
        Spec spec = SPECS.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown Perich stand-in session '" + id + "': expected one of " + SPECS.stream().map(Spec::id).toList()));
        if (mode == RunMode.QUICK && !spec.quick()) {
            throw new IllegalArgumentException("Perich stand-in session " + id + " exists in full mode only; quick mode has " + sessionIds(RunMode.QUICK));
        }
        String subject = id.substring(0, 1);
        String date = id.substring(2, 10);
        Task task = Task.parse(id.substring(11));
        String first = FIRST_DATE.stream().filter(f -> f.startsWith(subject)).findFirst().orElseThrow().substring(1);
        int day = (int) ChronoUnit.DAYS.between(localDate(first), localDate(date));
        long subjectSeed = 0x9E1C_0000L + subject.charAt(0);
        boolean t = subject.equals("t");
        // Monkey T's data are threshold crossings in the real set: higher rates, weaker tuning.
        return new Config(subject, subjectSeed, ReachGenerator.fnv(id), task, date, day,
                mode == RunMode.FULL ? spec.fullS() : spec.quickS(), spec.units(), 0.0, 7.0, 8.0,
                0.08, 0.05, 0.02, 0.02, 0.5, 0.25,
                200, t ? 18.0 : 10.0, 0.6, 0.85, 0.4, t ? 0.8 : 1.0, 0.4, 20.0, 0.1, 0.03,
                0.1, 0.02, 0.01, 0.02);
    }

    private static LocalDate localDate(String yyyymmdd) {
        return LocalDate.of(Integer.parseInt(yyyymmdd.substring(0, 4)), Integer.parseInt(yyyymmdd.substring(4, 6)),
                Integer.parseInt(yyyymmdd.substring(6, 8)));
    }

    // ================================================================== generation

    /** Generates the recording of {@code c}. */
    public static Recording generate(Config c) {
        int k = c.samples();
        double[] t = new double[k];
        for (int i = 0; i < k; i++) t[i] = c.tStartS() + i * DT;
        double[] smooth = new double[2 * k];
        SplittableRandom r = new SplittableRandom(ReachGenerator.mix(c.seed(), 0x6B696EL, 1));
        Trials trials = new Kinematics(c, r, smooth).run();
        double[] pos = smooth.clone();
        glitches(c, r, pos);
        double[] vel = derivative(pos), acc = derivative(vel);
        double[] trueVel = derivative(smooth);
        double[][] spikes = spikes(c, t, trueVel);
        String subjectId = c.subject().toUpperCase(Locale.ROOT);
        return new Recording(c.sessionId(), subjectId, c.task(), c.date(), t, pos, vel, acc, trials, spikes, c.describe());
    }

    /** Central differences of a {@code [k, 2]} series sampled every {@link #DT} (one-sided at the ends). */
    static double[] derivative(double[] x) {
        int k = x.length / 2;
        double[] d = new double[x.length];
        for (int i = 0; i < k; i++) {
            int a = Math.max(0, i - 1), b = Math.min(k - 1, i + 1);
            for (int j = 0; j < 2; j++) d[2 * i + j] = b == a ? 0 : (x[2 * b + j] - x[2 * a + j]) / ((b - a) * DT);
        }
        return d;
    }

    private static void glitches(Config c, SplittableRandom r, double[] pos) {
        int k = pos.length / 2;
        long n = Math.round(c.glitchesPerMin() * c.durationS() / 60);
        for (long g = 0; g < n; g++) {
            int i = 3 + r.nextInt(k - 6);
            double a = 2 * Math.PI * r.nextDouble(), d = 0.5 + 0.5 * r.nextDouble();
            pos[2 * i] += d * Math.cos(a);
            pos[2 * i + 1] += d * Math.sin(a);
        }
    }

    /** Builds the cursor path sample by sample and the trials table. */
    private static final class Kinematics {
        final Config c;
        final SplittableRandom r;
        final double[] p;
        final int k;
        int i;              // next sample to write
        double x, y;        // current position
        final List<double[]> rows = new ArrayList<>();   // start, stop, targetId, targetOn, goCue, numAttempted, g0..g3
        final List<String> results = new ArrayList<>();

        Kinematics(Config c, SplittableRandom r, double[] p) {
            this.c = c;
            this.r = r;
            this.p = p;
            this.k = p.length / 2;
        }

        double now() { return c.tStartS() + i * DT; }

        double u(double a, double b) { return a + (b - a) * r.nextDouble(); }

        void hold(double s) {
            int n = Math.max(0, (int) Math.round(s / DT));
            for (int j = 0; j < n && i < k; j++, i++) {
                p[2 * i] = x;
                p[2 * i + 1] = y;
            }
        }

        /** Minimum-jerk movement to (tx, ty) lasting {@code s} seconds. */
        void move(double tx, double ty, double s) {
            int n = Math.max(2, (int) Math.round(s / DT));
            double x0 = x, y0 = y;
            for (int j = 1; j <= n && i < k; j++, i++) {
                double tau = (double) j / n, f = tau * tau * tau * (10 - 15 * tau + 6 * tau * tau);
                p[2 * i] = x0 + (tx - x0) * f;
                p[2 * i + 1] = y0 + (ty - y0) * f;
            }
            x = tx;
            y = ty;
        }

        Trials run() {
            hold(u(0.5, 1.0));
            double excursionProb = c.excursionsPerMin() / 60 * (c.task() == Task.CENTER_OUT ? 4.0 : 5.5);
            while (i < k) {
                int before = rows.size();
                if (c.task() == Task.CENTER_OUT) centerOut();
                else randomTarget();
                if (i >= k) {
                    // the recording ended inside this trial: it is not in the table
                    while (rows.size() > before) {
                        rows.removeLast();
                        results.removeLast();
                    }
                    break;
                }
                hold(u(0.3, 0.8));
                if (r.nextDouble() < excursionProb) excursion();
            }
            int n = rows.size();
            double[] start = new double[n], stop = new double[n], tid = new double[n], on = new double[n], go = new double[n],
                    na = new double[n];
            double[][] ga = c.task() == Task.RANDOM_TARGET ? new double[n][4] : null;
            for (int j = 0; j < n; j++) {
                double[] row = rows.get(j);
                start[j] = row[0];
                stop[j] = row[1];
                tid[j] = row[2];
                on[j] = row[3];
                go[j] = row[4];
                na[j] = row[5];
                if (ga != null) System.arraycopy(row, 6, ga[j], 0, 4);
            }
            return new Trials(start, stop, results.toArray(String[]::new), tid, na, on, go, ga);
        }

        void excursion() {
            double side = r.nextBoolean() ? 1 : -1;
            double ox = x, oy = y;
            if (r.nextBoolean()) move(side * u(11.5, 13.5), u(-5, 5), 0.6);
            else move(u(-5, 5), side * u(11.5, 13.5), 0.6);
            hold(u(0.5, 1.5));
            move(ox, oy, 0.6);
            hold(u(0.3, 0.6));
        }

        void record(double start, double stop, String result, double targetId, double targetOn, double goCue, double na, double[] goArr) {
            double[] row = new double[10];
            row[0] = start;
            row[1] = stop;
            row[2] = targetId;
            row[3] = targetOn;
            row[4] = goCue;
            row[5] = na;
            Arrays.fill(row, 6, 10, Double.NaN);
            if (goArr != null) System.arraycopy(goArr, 0, row, 6, 4);
            rows.add(row);
            results.add(result);
        }

        void centerOut() {
            double start = now();
            hold(u(0.05, 0.15));
            if (Math.hypot(x, y) > 0.5) move(0, 0, u(0.5, 0.7));
            hold(Math.max(0, start + u(1.0, 1.4) - now()));
            double roll = r.nextDouble();
            String result = roll < c.abortProb() ? "A" : roll < c.abortProb() + c.failProb() ? "F"
                    : roll < c.abortProb() + c.failProb() + c.incompleteProb() ? "I" : "R";
            double nan = Double.NaN;
            if (result.equals("A") && r.nextDouble() < 0.3) {       // left the centre before the target appeared
                double a = 2 * Math.PI * r.nextDouble();
                move(2.5 * Math.cos(a), 2.5 * Math.sin(a), 0.3);
                record(start, now(), "A", nan, nan, nan, nan, null);
                return;
            }
            double targetOn = now();
            int target = r.nextInt(8);
            double ta = 2 * Math.PI * target / 8, tx = c.targetRadiusCm() * Math.cos(ta), ty = c.targetRadiusCm() * Math.sin(ta);
            double delay = u(0.5, 1.0);
            if (result.equals("A")) {
                hold(u(0.1, delay));
                move(0.4 * tx, 0.4 * ty, 0.3);
                record(start, now(), "A", target, targetOn, nan, nan, null);
                return;
            }
            if (result.equals("R") && r.nextDouble() < c.slowProb()) delay += u(3.0, 4.0);
            hold(delay);
            double goCue = now();
            if (result.equals("I")) {
                hold(2.0);
                record(start, now(), "I", target, targetOn, goCue, nan, null);
                return;
            }
            hold(u(0.2, 0.35));
            if (result.equals("F")) {
                double wa = 2 * Math.PI * (target + 2 + r.nextInt(5)) / 8;
                move(c.targetRadiusCm() * Math.cos(wa), c.targetRadiusCm() * Math.sin(wa), u(0.45, 0.6));
                hold(u(0.1, 0.3));
                record(start, now(), "F", target, targetOn, goCue, nan, null);
                return;
            }
            move(tx + 0.3 * r.nextGaussian(), ty + 0.3 * r.nextGaussian(), u(0.45, 0.6));
            hold(0.5);
            record(start, now(), "R", target, targetOn, goCue, nan, null);
        }

        void randomTarget() {
            double start = now();
            double roll = r.nextDouble();
            String result = roll < c.abortProb() ? "A" : roll < c.abortProb() + c.failProb() ? "F" : "R";
            double firstHold = u(0.4, 0.8);
            if (result.equals("R") && r.nextDouble() < c.slowProb()) firstHold += 7.0;
            double nan = Double.NaN;
            if (result.equals("A")) {
                hold(u(0.1, firstHold));
                record(start, now(), "A", nan, nan, nan, 0, null);
                return;
            }
            hold(firstHold);
            int attempts = result.equals("R") ? 4 : 1 + r.nextInt(3);
            double[] go = {nan, nan, nan, nan};
            double w = c.workspaceCm();
            for (int j = 0; j < attempts; j++) {
                go[j] = now();
                double tx, ty;
                do {
                    tx = u(-w, w);
                    ty = u(-w, w);
                } while (Math.hypot(tx - x, ty - y) < 3);
                double dist = Math.hypot(tx - x, ty - y);
                hold(u(0.15, 0.3));
                if (result.equals("F") && j == attempts - 1) {
                    move(x + 0.5 * (tx - x), y + 0.5 * (ty - y), 0.3 + 0.0125 * dist);
                    hold(0.3);
                    break;
                }
                move(tx + 0.2 * r.nextGaussian(), ty + 0.2 * r.nextGaussian(), 0.3 + 0.025 * dist);
                hold(u(0.15, 0.35));
            }
            hold(0.05);
            record(start, now(), result, nan, go[0], go[0], attempts, go);
        }
    }

    // ================================================================== units

    /** Tuning of one candidate unit on one day. */
    record Unit(double baseHz, double depth, double pdX, double pdY, double speedGain, int leadSamples, double driftPeriodS,
                double driftPhase, double presence) {}

    /** Candidate {@code j} of the subject's pool on {@code c.day()}: depends only on the subject seed, j and the day. */
    static Unit unit(Config c, int j) {
        SplittableRandom r = new SplittableRandom(ReachGenerator.mix(c.subjectSeed(), j, 0x55));
        double presence = r.nextGaussian();
        double logRate = c.rateLogSd() * r.nextGaussian();
        double pd = 2 * Math.PI * r.nextDouble();
        boolean tuned = r.nextDouble() < c.tunedFraction();
        double depth = tuned ? c.depthMin() + (c.depthMax() - c.depthMin()) * r.nextDouble() : 0;
        double speed = tuned ? c.speedGain() * r.nextDouble() : 0;
        double lead = c.leadS() + c.leadSdS() * r.nextGaussian();
        double period = 60 + 240 * r.nextDouble(), phase = 2 * Math.PI * r.nextDouble();
        for (int d = 0; d < c.day(); d++) {   // the same stream for every day: day d extends day d − 1
            presence += c.driftPresencePerDay() * r.nextGaussian();
            logRate += c.driftLogRatePerDay() * r.nextGaussian();
            pd += c.driftPdRadPerDay() * r.nextGaussian();
        }
        return new Unit(c.rateHz() * Math.exp(logRate), depth, Math.cos(pd), Math.sin(pd), speed,
                (int) Math.round(lead / DT), period, phase, presence);
    }

    /** The units of the session: the {@code c.units()} candidates with the highest presence that day, in pool order. */
    static Unit[] sessionUnits(Config c) {
        Unit[] pool = new Unit[c.poolSize()];
        for (int j = 0; j < pool.length; j++) pool[j] = unit(c, j);
        Integer[] order = new Integer[pool.length];
        for (int j = 0; j < order.length; j++) order[j] = j;
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -pool[j].presence()));
        int[] chosen = new int[c.units()];
        for (int j = 0; j < chosen.length; j++) chosen[j] = order[j];
        Arrays.sort(chosen);
        Unit[] out = new Unit[chosen.length];
        for (int j = 0; j < chosen.length; j++) out[j] = pool[chosen[j]];
        return out;
    }

    private static double[][] spikes(Config c, double[] t, double[] vel) {
        Unit[] units = sessionUnits(c);
        int k = t.length;
        double[][] out = new double[units.length][];
        IntStream.range(0, units.length).parallel().forEach(u -> {
            Unit unit = units[u];
            SplittableRandom r = new SplittableRandom(ReachGenerator.mix(c.seed(), u, 0x5B));
            double[] s = new double[Math.max(16, (int) (unit.baseHz() * k * DT * 1.5))];
            int n = 0;
            for (int i = 0; i < k; i++) {
                int j = Math.min(k - 1, Math.max(0, i + unit.leadSamples()));
                double vx = vel[2 * j], vy = vel[2 * j + 1];
                double drive = 1 + unit.depth() * (vx * unit.pdX() + vy * unit.pdY()) / c.vRefCmS()
                        + unit.speedGain() * Math.hypot(vx, vy) / c.vRefCmS();
                double gain = 1 + c.gainDrift() * Math.sin(2 * Math.PI * (t[i] - t[0]) / unit.driftPeriodS() + unit.driftPhase());
                double mean = gain * unit.baseHz() * Math.max(0, drive) * DT;
                int cnt = poisson(r, mean);
                if (cnt == 0) continue;
                if (n + cnt > s.length) s = Arrays.copyOf(s, Math.max(2 * s.length, n + cnt));
                for (int q = 0; q < cnt; q++) s[n + q] = t[i] + DT * r.nextDouble();
                Arrays.sort(s, n, n + cnt);
                n += cnt;
            }
            out[u] = Arrays.copyOf(s, n);
        });
        return out;
    }

    private static int poisson(SplittableRandom r, double mean) {
        if (mean <= 0) return 0;
        double l = Math.exp(-mean), p = r.nextDouble();
        int n = 0;
        double term = l, cdf = l;
        while (p > cdf && n < 1000) {
            n++;
            term *= mean / n;
            cdf += term;
        }
        return n;
    }
}
