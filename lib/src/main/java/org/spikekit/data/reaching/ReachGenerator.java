package org.spikekit.data.reaching;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Seeded synthetic stand-in for the O'Doherty et al. (2017) self-paced reaching sessions (Zenodo
 * 583331), used when the real {@code .mat} files are absent. It produces a {@link ReachSession}
 * with the same fields and conventions as the real files (see {@code notebooks/papers/rsnn.md} §3.1).
 *
 * <p>Model, in order:
 * <ol>
 *   <li><b>Task.</b> Targets on a {@code gridN × gridN} grid spanning ±{@code workspaceMm}. A new
 *       target (uniform among the other grid points) appears when the previous one has been held;
 *       {@code target_pos} is piecewise constant and its changes mark reaches. There is no delay
 *       period: after a reaction time (normal, truncated at 0.1 s; with probability
 *       {@code pauseProb} an extra exponential pause, the "inactive" segments of the real data)
 *       the cursor moves with a minimum-jerk profile {@code x0 + (x1−x0)(10τ³−15τ⁴+6τ⁵)} of
 *       duration {@code movementBaseS + movementPerMmS·distance} (±{@code movementJitter}
 *       relative), lands within {@code endpointSdMm} of the target and holds for
 *       U({@code holdMeanS}/2, 3·{@code holdMeanS}/2).</li>
 *   <li><b>Signals.</b> {@code t} at 250 Hz from {@code tStartS}; {@code cursor_pos} in mm;
 *       {@code finger_pos} rows (z, −x, −y) in cm so that x_mm = −10·f[1], y_mm = −10·f[2]; z is a
 *       slowly varying hand height around {@code fingerZMm}.</li>
 *   <li><b>Units.</b> Per channel a hash (unsorted) unit in slot 0 and 0–{@code maxSortedUnits}
 *       sorted units in slots 1.. (a channel is silent with probability {@code deadChannelFraction};
 *       its cells are then empty). Rate of a unit, with kinematics read {@code lead} seconds ahead
 *       (M1 leads movement by ≈{@code m1LeadS}, S1 lags by {@code s1LeadS} &lt; 0):
 *       {@code λ = g(t)·b·max(0, 1 + m·(v·p̂)/vRef + s·|v|/vRef + q·(x·p̂ₓ)/workspace)} with baseline
 *       b (log-normal), cosine tuning depth m, speed gain s, position gain q, preferred directions
 *       p̂ (velocity) and p̂ₓ (position), and a slow within-session gain g(t) = 1 + a·sin(2πt/P + φ).
 *       Hash units are tuned {@code hashTuningScale} as strongly (they mix neurons).
 *       Spikes: inhomogeneous Poisson with an absolute refractory period (exact time rescaling of
 *       the piecewise-constant 4 ms rate, dead time after each spike).</li>
 *   <li><b>Drift.</b> Tuning belongs to the monkey ({@code monkeySeed}) and drifts across
 *       recording days ({@code day}): preferred direction, log baseline and unit presence follow
 *       per-day Gaussian random walks ({@code driftPdRadPerDay}, {@code driftLogRatePerDay},
 *       {@code driftPresencePerDay}), so sessions close in time have similar tuning.
 *       Kinematics and spike noise come from {@code seed}.</li>
 * </ol>
 * The whole {@link Config} (every parameter and both seeds) is stored in
 * {@link ReachSession#generator()}; the same config always gives the same session.
 */
public final class ReachGenerator {
    static final double DT = 0.004;
    static final int UNIT_SLOTS = 5;

    private ReachGenerator() {}

    /** Length preset for {@link #neuroBenchSession}. */
    public enum Mode {
        /** Two minutes per session: for tests and quick runs. */
        QUICK(120.0),
        /** Ten minutes per session, a nominal real-session length (the real ones vary). */
        FULL(600.0);

        public final double durationS;

        Mode(double durationS) { this.durationS = durationS; }
    }

    /** The six NeuroBench sessions, in the order of notebooks/papers/rsnn.md §3.1 (I1, I2, I3, L1, L2, L3). */
    public static final List<String> NEUROBENCH_SESSIONS = List.of(
            "indy_20160622_01", "indy_20160630_01", "indy_20170131_02",
            "loco_20170210_03", "loco_20170215_02", "loco_20170301_05");

    /**
     * Every generator parameter. Times in seconds, positions in mm, rates in Hz. The values quoted as
     * "indy-like" are {@link #indyLike()}'s, which every NeuroBench stand-in session starts from (the
     * kit's choices for a plausible stand-in, not fitted to the real data); {@link #locoLike()}
     * differs only in monkey, monkey seed and channels.
     *
     * @param monkey lower-case monkey name ({@code indy}, {@code loco}); part of the stored description
     * @param monkeySeed seed of the monkey's units (tuning and its drift), shared by its sessions
     * @param seed session seed (kinematics, finger height and spike noise); a named NeuroBench session
     *     uses the FNV-1a hash of its name
     * @param day recording day, ≥ 0: days since the monkey's first session (drives the drift)
     * @param durationS recording length, ≥ 1 s (indy-like 120; {@link Mode} QUICK 120, FULL 600)
     * @param tStartS time of the first sample, ≥ 0.01 s so that empty cells stored as [0, 0] fall
     *     before the first bin (indy-like 5)
     * @param m1Channels M1 channels, 0..999 (indy-like 96)
     * @param s1Channels S1 channels, 0..999, after the M1 ones (indy-like 0; loco-like 96)
     * @param gridN targets lie on a {@code gridN × gridN} grid, ≥ 2 (indy-like 8)
     * @param workspaceMm the grid spans ±{@code workspaceMm} on both axes; also scales the position
     *     term of the rate (indy-like 80)
     * @param reactionMeanS mean of the normal reaction time, truncated at 0.1 s (indy-like 0.25)
     * @param reactionSdS s.d. of the reaction time (indy-like 0.06)
     * @param pauseProb probability of an extra pause before a reach (indy-like 0.02)
     * @param pauseMeanS mean of that exponential pause (indy-like 4)
     * @param movementBaseS movement duration independent of distance (indy-like 0.35)
     * @param movementPerMmS movement duration added per mm of distance, s/mm (indy-like 0.004)
     * @param movementJitter relative jitter of the movement duration, in [0, 0.5): the duration is
     *     multiplied by 1 + {@code movementJitter}·z, z standard normal clamped to ±2 (indy-like 0.1)
     * @param endpointSdMm s.d. of the landing point around the target on each axis (indy-like 2)
     * @param holdMeanS the hold after a reach is uniform in [0.5, 1.5)·{@code holdMeanS} (indy-like 0.3)
     * @param fingerZMm mean hand height; {@code finger_pos} z adds slow 3 mm and 1.5 mm sinusoids
     *     (periods 37 s and 5.3 s) and is stored in cm (indy-like 30)
     * @param maxSortedUnits sorted-unit slots 1..{@code maxSortedUnits} a channel may fill, 0..4
     *     (slot 0 is the hash unit; indy-like 4)
     * @param sortedUnitProb probability that each of those slots holds a unit (on day 0; presence
     *     then drifts; indy-like 0.4)
     * @param deadChannelFraction probability that a channel is silent, all its cells empty (indy-like 0.04)
     * @param unitRateHz median baseline rate of sorted units (log-normal; indy-like 8)
     * @param hashRateHz median baseline rate of hash units (indy-like 16)
     * @param rateLogSd s.d. of the log baseline rate across units (indy-like 0.6)
     * @param tunedFraction fraction of units tuned to the kinematics; the rest have m = s = q = 0
     *     (indy-like 0.8)
     * @param depthMin lower end of the uniform cosine-tuning depth m of tuned units (indy-like 0.3)
     * @param depthMax upper end of m, ≥ {@code depthMin} (indy-like 1.0)
     * @param speedGain speed gain s of a tuned unit is uniform in [0, {@code speedGain}) (indy-like 0.3)
     * @param positionGain position gain q of a tuned unit is uniform in [0, {@code positionGain})
     *     (indy-like 0.2)
     * @param hashTuningScale factor on m, s and q of hash units (indy-like 0.4)
     * @param vRefMmS reference speed vRef the velocity is divided by in the rate, mm/s (indy-like 200)
     * @param m1LeadS mean lead of the kinematics an M1 unit's rate reads, within ±1 s (indy-like 0.1)
     * @param s1LeadS the same for S1 units, negative for a lag, within ±1 s (indy-like −0.05)
     * @param leadSdS s.d. of the lead across units; each unit's lead is rounded to 4-ms samples
     *     (indy-like 0.03)
     * @param refractoryS absolute dead time after each spike, in [0, 0.004) s (indy-like 0.0015)
     * @param gainDrift amplitude a of the within-session gain g(t) = 1 + a·sin(2πt/P + φ), in [0, 1)
     *     (P uniform in 120–600 s per unit; indy-like 0.15)
     * @param driftPdRadPerDay s.d. of the daily random-walk step of each unit's preferred direction,
     *     radians (indy-like 0.02)
     * @param driftLogRatePerDay s.d. of the daily step of each unit's log baseline rate (indy-like 0.02)
     * @param driftPresencePerDay s.d. of the daily step of each unit's latent presence, which starts
     *     N(0, 1) and decides whether a sorted slot holds a unit (indy-like 0.03)
     */
    public record Config(String monkey, long monkeySeed, long seed, int day, double durationS,
                         double tStartS, int m1Channels, int s1Channels,
                         int gridN, double workspaceMm, double reactionMeanS, double reactionSdS,
                         double pauseProb, double pauseMeanS, double movementBaseS, double movementPerMmS,
                         double movementJitter, double endpointSdMm, double holdMeanS, double fingerZMm,
                         int maxSortedUnits, double sortedUnitProb, double deadChannelFraction,
                         double unitRateHz, double hashRateHz, double rateLogSd, double tunedFraction,
                         double depthMin, double depthMax, double speedGain, double positionGain,
                         double hashTuningScale, double vRefMmS, double m1LeadS, double s1LeadS,
                         double leadSdS, double refractoryS, double gainDrift,
                         double driftPdRadPerDay, double driftLogRatePerDay, double driftPresencePerDay) {
        public Config {
            if (monkey == null || !monkey.matches("[a-z][a-z0-9]*")) {
                throw new IllegalArgumentException("ReachGenerator.Config.monkey must be a lower-case name like 'indy', got " + monkey);
            }
            positive("durationS", durationS);
            if (durationS < 1.0) throw new IllegalArgumentException("ReachGenerator.Config.durationS must be at least 1 s, got " + durationS);
            if (!(tStartS >= 0.01) || !Double.isFinite(tStartS)) {
                throw new IllegalArgumentException("ReachGenerator.Config.tStartS must be >= 0.01 s (so empty cells stored as [0, 0] fall before the first bin), got " + tStartS);
            }
            if (day < 0) throw new IllegalArgumentException("ReachGenerator.Config.day must be >= 0, got " + day);
            if (m1Channels < 0 || s1Channels < 0 || m1Channels + s1Channels == 0 || m1Channels > 999 || s1Channels > 999) {
                throw new IllegalArgumentException("ReachGenerator.Config needs 0..999 M1 and S1 channels and at least one in total, got m1Channels="
                        + m1Channels + ", s1Channels=" + s1Channels);
            }
            if (gridN < 2) throw new IllegalArgumentException("ReachGenerator.Config.gridN must be >= 2, got " + gridN);
            positive("workspaceMm", workspaceMm);
            positive("reactionMeanS", reactionMeanS);
            nonNegative("reactionSdS", reactionSdS);
            probability("pauseProb", pauseProb);
            nonNegative("pauseMeanS", pauseMeanS);
            positive("movementBaseS", movementBaseS);
            nonNegative("movementPerMmS", movementPerMmS);
            if (!(movementJitter >= 0 && movementJitter < 0.5)) {
                throw new IllegalArgumentException("ReachGenerator.Config.movementJitter must be in [0, 0.5), got " + movementJitter);
            }
            nonNegative("endpointSdMm", endpointSdMm);
            positive("holdMeanS", holdMeanS);
            if (!Double.isFinite(fingerZMm)) throw new IllegalArgumentException("ReachGenerator.Config.fingerZMm must be finite");
            if (maxSortedUnits < 0 || maxSortedUnits > UNIT_SLOTS - 1) {
                throw new IllegalArgumentException("ReachGenerator.Config.maxSortedUnits must be in 0.." + (UNIT_SLOTS - 1) + " (5 unit slots incl. hash), got " + maxSortedUnits);
            }
            probability("sortedUnitProb", sortedUnitProb);
            probability("deadChannelFraction", deadChannelFraction);
            positive("unitRateHz", unitRateHz);
            positive("hashRateHz", hashRateHz);
            nonNegative("rateLogSd", rateLogSd);
            probability("tunedFraction", tunedFraction);
            nonNegative("depthMin", depthMin);
            if (!(depthMax >= depthMin)) throw new IllegalArgumentException("ReachGenerator.Config.depthMax must be >= depthMin, got " + depthMax + " < " + depthMin);
            nonNegative("speedGain", speedGain);
            nonNegative("positionGain", positionGain);
            nonNegative("hashTuningScale", hashTuningScale);
            positive("vRefMmS", vRefMmS);
            if (Math.abs(m1LeadS) > 1 || Math.abs(s1LeadS) > 1) throw new IllegalArgumentException("ReachGenerator.Config leads must be within ±1 s");
            nonNegative("leadSdS", leadSdS);
            if (!(refractoryS >= 0 && refractoryS < DT)) {
                throw new IllegalArgumentException("ReachGenerator.Config.refractoryS must be in [0, 0.004) s, got " + refractoryS);
            }
            if (!(gainDrift >= 0 && gainDrift < 1)) throw new IllegalArgumentException("ReachGenerator.Config.gainDrift must be in [0, 1), got " + gainDrift);
            nonNegative("driftPdRadPerDay", driftPdRadPerDay);
            nonNegative("driftLogRatePerDay", driftLogRatePerDay);
            nonNegative("driftPresencePerDay", driftPresencePerDay);
        }

        private static void positive(String f, double v) {
            if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException("ReachGenerator.Config." + f + " must be > 0 and finite, got " + v);
        }

        private static void nonNegative(String f, double v) {
            if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException("ReachGenerator.Config." + f + " must be >= 0 and finite, got " + v);
        }

        private static void probability(String f, double v) {
            if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("ReachGenerator.Config." + f + " must be in [0, 1], got " + v);
        }

        /** Indy-like: 96 M1 channels, two minutes. */
        public static Config indyLike() {
            return new Config("indy", 0x1D1L, 1L, 0, 120.0, 5.0, 96, 0,
                    8, 80.0, 0.25, 0.06, 0.02, 4.0, 0.35, 0.004,
                    0.1, 2.0, 0.3, 30.0,
                    4, 0.4, 0.04,
                    8.0, 16.0, 0.6, 0.8,
                    0.3, 1.0, 0.3, 0.2,
                    0.4, 200.0, 0.1, -0.05,
                    0.03, 0.0015, 0.15,
                    0.02, 0.02, 0.03);
        }

        /** Loco-like: 96 M1 + 96 S1 channels, two minutes. */
        public static Config locoLike() {
            return indyLike().withMonkey("loco", 0x10C0L).withChannels(96, 96);
        }

        public Config withDurationS(double d) {
            return new Config(monkey, monkeySeed, seed, day, d, tStartS, m1Channels, s1Channels, gridN, workspaceMm,
                    reactionMeanS, reactionSdS, pauseProb, pauseMeanS, movementBaseS, movementPerMmS, movementJitter,
                    endpointSdMm, holdMeanS, fingerZMm, maxSortedUnits, sortedUnitProb, deadChannelFraction, unitRateHz,
                    hashRateHz, rateLogSd, tunedFraction, depthMin, depthMax, speedGain, positionGain, hashTuningScale,
                    vRefMmS, m1LeadS, s1LeadS, leadSdS, refractoryS, gainDrift, driftPdRadPerDay, driftLogRatePerDay,
                    driftPresencePerDay);
        }

        /** Session seed (kinematics and spike noise); tuning is unchanged. */
        public Config withSeed(long s) {
            return new Config(monkey, monkeySeed, s, day, durationS, tStartS, m1Channels, s1Channels, gridN, workspaceMm,
                    reactionMeanS, reactionSdS, pauseProb, pauseMeanS, movementBaseS, movementPerMmS, movementJitter,
                    endpointSdMm, holdMeanS, fingerZMm, maxSortedUnits, sortedUnitProb, deadChannelFraction, unitRateHz,
                    hashRateHz, rateLogSd, tunedFraction, depthMin, depthMax, speedGain, positionGain, hashTuningScale,
                    vRefMmS, m1LeadS, s1LeadS, leadSdS, refractoryS, gainDrift, driftPdRadPerDay, driftLogRatePerDay,
                    driftPresencePerDay);
        }

        /** Recording day (days since the monkey's first session): drives tuning drift. */
        public Config withDay(int d) {
            return new Config(monkey, monkeySeed, seed, d, durationS, tStartS, m1Channels, s1Channels, gridN, workspaceMm,
                    reactionMeanS, reactionSdS, pauseProb, pauseMeanS, movementBaseS, movementPerMmS, movementJitter,
                    endpointSdMm, holdMeanS, fingerZMm, maxSortedUnits, sortedUnitProb, deadChannelFraction, unitRateHz,
                    hashRateHz, rateLogSd, tunedFraction, depthMin, depthMax, speedGain, positionGain, hashTuningScale,
                    vRefMmS, m1LeadS, s1LeadS, leadSdS, refractoryS, gainDrift, driftPdRadPerDay, driftLogRatePerDay,
                    driftPresencePerDay);
        }

        /** Another monkey: its own tuning pool. */
        public Config withMonkey(String name, long mSeed) {
            return new Config(name, mSeed, seed, day, durationS, tStartS, m1Channels, s1Channels, gridN, workspaceMm,
                    reactionMeanS, reactionSdS, pauseProb, pauseMeanS, movementBaseS, movementPerMmS, movementJitter,
                    endpointSdMm, holdMeanS, fingerZMm, maxSortedUnits, sortedUnitProb, deadChannelFraction, unitRateHz,
                    hashRateHz, rateLogSd, tunedFraction, depthMin, depthMax, speedGain, positionGain, hashTuningScale,
                    vRefMmS, m1LeadS, s1LeadS, leadSdS, refractoryS, gainDrift, driftPdRadPerDay, driftLogRatePerDay,
                    driftPresencePerDay);
        }

        public Config withChannels(int m1, int s1) {
            return new Config(monkey, monkeySeed, seed, day, durationS, tStartS, m1, s1, gridN, workspaceMm,
                    reactionMeanS, reactionSdS, pauseProb, pauseMeanS, movementBaseS, movementPerMmS, movementJitter,
                    endpointSdMm, holdMeanS, fingerZMm, maxSortedUnits, sortedUnitProb, deadChannelFraction, unitRateHz,
                    hashRateHz, rateLogSd, tunedFraction, depthMin, depthMax, speedGain, positionGain, hashTuningScale,
                    vRefMmS, m1LeadS, s1LeadS, leadSdS, refractoryS, gainDrift, driftPdRadPerDay, driftLogRatePerDay,
                    driftPresencePerDay);
        }

        /** Number of 250 Hz samples. */
        public int samples() { return (int) Math.round(durationS / DT); }

        public int channels() { return m1Channels + s1Channels; }

        /** The string stored in {@link ReachSession#generator()}: class name and every parameter. */
        public String describe() {
            // the class's name before data was split into sub-packages: kept, so that stored stand-ins stay up to date
            return "org.spikekit.data.ReachGenerator v1 " + toString();
        }
    }

    /** Generates the session {@code name} from {@code cfg}. */
    public static ReachSession generate(String name, Config cfg) {
        int k = cfg.samples();
        double[] t = new double[k];
        for (int i = 0; i < k; i++) t[i] = cfg.tStartS() + i * DT;
        double[][] cursor = new double[2][k];
        double[][] target = new double[2][k];
        kinematics(cfg, new SplittableRandom(mix(cfg.seed(), 0x6B696EL, 0)), cursor, target);
        double[][] finger = finger(cfg, new SplittableRandom(mix(cfg.seed(), 0x66696EL, 0)), cursor);

        // velocity in mm/s (central differences) for the rate model
        double[][] vel = new double[2][k];
        for (int d = 0; d < 2; d++) {
            for (int i = 0; i < k; i++) {
                int a = Math.max(0, i - 1), b = Math.min(k - 1, i + 1);
                vel[d][i] = b == a ? 0 : (cursor[d][b] - cursor[d][a]) / ((b - a) * DT);
            }
        }
        int n = cfg.channels();
        List<String> names = new ArrayList<>(n);
        for (int c = 0; c < cfg.m1Channels(); c++) names.add(String.format(Locale.ROOT, "M1 %03d", c + 1));
        for (int c = 0; c < cfg.s1Channels(); c++) names.add(String.format(Locale.ROOT, "S1 %03d", c + 1));
        double[][][] spikes = new double[UNIT_SLOTS][n][];
        IntStream.range(0, n).parallel().forEach(c -> {
            for (int u = 0; u < UNIT_SLOTS; u++) {
                Unit unit = unit(cfg, c, u);
                spikes[u][c] = unit == null ? new double[0]
                        : spikeTrain(cfg, unit, t, cursor, vel, new SplittableRandom(mix(cfg.seed(), c, u)));
            }
        });
        return new ReachSession(name, t, cursor, finger, target, names, spikes, cfg.describe());
    }

    /**
     * One of the six NeuroBench sessions: monkey from the name prefix, seed from the name, drift day
     * from the date in the name (days since the monkey's first Zenodo session: Indy 2016-04-07, Loco
     * 2017-02-10), 96 (indy) or 96+96 (loco) channels.
     */
    public static ReachSession neuroBenchSession(String name, Mode mode) {
        return generate(name, neuroBenchConfig(name, mode));
    }

    /** The config {@link #neuroBenchSession} uses; any {@code monkey_yyyymmdd_nn} name is accepted. */
    public static Config neuroBenchConfig(String name, Mode mode) {
        if (name == null || !name.matches("(indy|loco)_\\d{8}_\\d{2}")) {
            throw new IllegalArgumentException("session name must look like indy_20160622_01 or loco_20170210_03, got " + name);
        }
        boolean indy = name.startsWith("indy");
        LocalDate date = LocalDate.of(Integer.parseInt(name.substring(5, 9)), Integer.parseInt(name.substring(9, 11)),
                Integer.parseInt(name.substring(11, 13)));
        LocalDate first = indy ? LocalDate.of(2016, 4, 7) : LocalDate.of(2017, 2, 10);
        long day = ChronoUnit.DAYS.between(first, date);
        if (day < 0) throw new IllegalArgumentException(name + " is dated before the monkey's first session " + first);
        Config base = indy ? Config.indyLike() : Config.locoLike();
        return base.withDay((int) day).withSeed(fnv(name)).withDurationS(mode.durationS);
    }

    // ---------------------------------------------------------------- kinematics

    private static void kinematics(Config c, SplittableRandom r, double[][] cursor, double[][] target) {
        int k = cursor[0].length;
        int g = c.gridN();
        int cur = r.nextInt(g * g);
        double x = gridPos(c, cur % g), y = gridPos(c, cur / g);
        int i = 0;
        while (i < k) {
            int next = r.nextInt(g * g - 1);
            if (next >= cur) next++;
            cur = next;
            double tx = gridPos(c, cur % g), ty = gridPos(c, cur / g);
            double react = Math.max(0.1, c.reactionMeanS() + c.reactionSdS() * r.nextGaussian());
            if (r.nextDouble() < c.pauseProb()) react += -c.pauseMeanS() * Math.log(1 - r.nextDouble());
            double ex = tx + c.endpointSdMm() * r.nextGaussian(), ey = ty + c.endpointSdMm() * r.nextGaussian();
            double dist = Math.hypot(ex - x, ey - y);
            double dur = (c.movementBaseS() + c.movementPerMmS() * dist) * (1 + c.movementJitter() * clamp(r.nextGaussian(), -2, 2));
            double hold = c.holdMeanS() * (0.5 + r.nextDouble());
            int nReact = (int) Math.round(react / DT), nMove = Math.max(2, (int) Math.round(dur / DT)), nHold = (int) Math.round(hold / DT);
            int total = nReact + nMove + nHold;
            for (int j = 0; j < total && i < k; j++, i++) {
                target[0][i] = tx;
                target[1][i] = ty;
                double s;
                if (j < nReact) s = 0;
                else if (j < nReact + nMove) {
                    double tau = (double) (j - nReact) / nMove;
                    s = tau * tau * tau * (10 - 15 * tau + 6 * tau * tau);
                } else s = 1;
                cursor[0][i] = x + (ex - x) * s;
                cursor[1][i] = y + (ey - y) * s;
            }
            x = ex;
            y = ey;
        }
    }

    private static double gridPos(Config c, int j) {
        return -c.workspaceMm() + 2 * c.workspaceMm() * j / (c.gridN() - 1);
    }

    private static double[][] finger(Config c, SplittableRandom r, double[][] cursor) {
        int k = cursor[0].length;
        double[][] f = new double[3][k];
        double p1 = r.nextDouble() * 2 * Math.PI, p2 = r.nextDouble() * 2 * Math.PI;
        for (int i = 0; i < k; i++) {
            double tt = i * DT;
            double z = c.fingerZMm() + 3 * Math.sin(2 * Math.PI * tt / 37.0 + p1) + 1.5 * Math.sin(2 * Math.PI * tt / 5.3 + p2);
            f[0][i] = z / 10;
            f[1][i] = -cursor[0][i] / 10;
            f[2][i] = -cursor[1][i] / 10;
        }
        return f;
    }

    // ---------------------------------------------------------------- units

    /** Tuning of one unit on one recording day. */
    record Unit(double baseHz, double depth, double pdX, double pdY, double speedGain, double posGain,
                double ppX, double ppY, int leadSamples, double driftPeriodS, double driftPhase) {}

    /**
     * The unit in slot {@code u} of channel {@code ch} on {@code c.day()}, or null when the slot is
     * empty that day. Depends only on the monkey seed, the channel, the slot and the day.
     */
    static Unit unit(Config c, int ch, int u) {
        SplittableRandom r = new SplittableRandom(mix(c.monkeySeed(), ch, u));
        boolean s1 = ch >= c.m1Channels();
        boolean dead = r.nextDouble() < c.deadChannelFraction();
        // day-0 values
        double presence = r.nextGaussian();
        double logRate = c.rateLogSd() * r.nextGaussian();
        double pd = 2 * Math.PI * r.nextDouble();
        double pp = 2 * Math.PI * r.nextDouble();
        boolean tuned = r.nextDouble() < c.tunedFraction();
        double depth = tuned ? c.depthMin() + (c.depthMax() - c.depthMin()) * r.nextDouble() : 0;
        double speed = tuned ? c.speedGain() * r.nextDouble() : 0;
        double pos = tuned ? c.positionGain() * r.nextDouble() : 0;
        double lead = (s1 ? c.s1LeadS() : c.m1LeadS()) + c.leadSdS() * r.nextGaussian();
        double period = 120 + 480 * r.nextDouble(), phase = 2 * Math.PI * r.nextDouble();
        // random walks over days (the same stream for every day, so day d extends day d-1)
        for (int d = 0; d < c.day(); d++) {
            presence += c.driftPresencePerDay() * r.nextGaussian();
            logRate += c.driftLogRatePerDay() * r.nextGaussian();
            pd += c.driftPdRadPerDay() * r.nextGaussian();
        }
        if (dead) return null;
        if (u > 0) {
            // present iff the latent presence is above the quantile giving P = sortedUnitProb for
            // slots 1..maxSortedUnits
            if (u > c.maxSortedUnits() || presence < quantileAbove(c.sortedUnitProb())) return null;
        }
        double scale = u == 0 ? c.hashTuningScale() : 1.0;
        double base = (u == 0 ? c.hashRateHz() : c.unitRateHz()) * Math.exp(logRate);
        return new Unit(base, depth * scale, Math.cos(pd), Math.sin(pd), speed * scale, pos * scale,
                Math.cos(pp), Math.sin(pp), (int) Math.round(lead / DT), period, phase);
    }

    /** z with P(N(0,1) > z) = p (bisection on erfc; p in [0, 1]). */
    private static double quantileAbove(double p) {
        if (p <= 0) return Double.POSITIVE_INFINITY;
        if (p >= 1) return Double.NEGATIVE_INFINITY;
        double lo = -10, hi = 10;
        for (int i = 0; i < 80; i++) {
            double mid = 0.5 * (lo + hi);
            if (upperTail(mid) > p) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    private static double upperTail(double z) {
        // Abramowitz–Stegun 7.1.26 erfc, |error| < 1.5e-7
        double x = Math.abs(z) / Math.sqrt(2);
        double tt = 1 / (1 + 0.3275911 * x);
        double erfc = tt * (0.254829592 + tt * (-0.284496736 + tt * (1.421413741 + tt * (-1.453152027 + tt * 1.061405429))))
                * Math.exp(-x * x);
        return z >= 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
    }

    /** Rate of {@code u} in the 4 ms bin starting at sample {@code i}. */
    static double rate(Config c, Unit u, int i, double tRel, double[][] cursor, double[][] vel) {
        int k = cursor[0].length;
        int j = Math.min(k - 1, Math.max(0, i + u.leadSamples()));
        double vx = vel[0][j], vy = vel[1][j];
        double drive = 1 + u.depth() * (vx * u.pdX() + vy * u.pdY()) / c.vRefMmS()
                + u.speedGain() * Math.hypot(vx, vy) / c.vRefMmS()
                + u.posGain() * (cursor[0][j] * u.ppX() + cursor[1][j] * u.ppY()) / c.workspaceMm();
        double gain = 1 + c.gainDrift() * Math.sin(2 * Math.PI * tRel / u.driftPeriodS() + u.driftPhase());
        return gain * u.baseHz() * Math.max(0, drive);
    }

    /**
     * Inhomogeneous Poisson spikes with absolute dead time: with the rate constant within each 4 ms
     * bin, the next spike is where the integrated rate since the end of the dead time reaches an
     * Exp(1) draw.
     */
    private static double[] spikeTrain(Config c, Unit u, double[] t, double[][] cursor, double[][] vel, SplittableRandom r) {
        int k = t.length;
        double[] out = new double[64];
        int n = 0;
        double need = -Math.log(1 - r.nextDouble());
        double blockedUntil = t[0];
        for (int i = 0; i < k; i++) {
            double lam = rate(c, u, i, i * DT, cursor, vel);
            double a = Math.max(t[i], blockedUntil), b = t[0] + (i + 1) * DT;
            while (a < b) {
                if (lam <= 0) break;
                double avail = (b - a) * lam;
                if (avail < need) {
                    need -= avail;
                    break;
                }
                double s = a + need / lam;
                if (n == out.length) out = java.util.Arrays.copyOf(out, 2 * n);
                out[n++] = s;
                need = -Math.log(1 - r.nextDouble());
                blockedUntil = s + c.refractoryS();
                a = blockedUntil;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    // ---------------------------------------------------------------- seeds

    /**
     * A 64-bit seed derived from {@code seed} and two indices (murmur3 finalizer mixing), so that
     * every (session, unit, trial…) draw has its own stream; also used by the Perich stand-in and
     * the decoding-window sampler.
     */
    public static long mix(long seed, long a, long b) {
        long h = seed * 0x9E3779B97F4A7C15L + a;
        h = murmur(h) * 0xC2B2AE3D27D4EB4FL + b;
        return murmur(h);
    }

    private static long murmur(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    /** FNV-1a 64 of the name: the session seed of a named session. */
    public static long fnv(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001B3L;
        }
        return h;
    }

    private static double clamp(double v, double lo, double hi) { return Math.max(lo, Math.min(hi, v)); }
}
