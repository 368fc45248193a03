package org.spikekit.data.perich;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.spikekit.data.Intervals;
import org.spikekit.data.perich.PerichNwb.Recording;
import org.spikekit.data.perich.PerichNwb.Task;
import org.spikekit.data.perich.PerichNwb.Trials;

/**
 * The Spikachu preprocessing of the Perich sessions (notebooks/papers/spikachu.md §3.2, the released
 * {@code data_preprocessing/prepare_data.py}), steps 1–5:
 * <ol>
 *   <li><b>Trial validity</b> ({@link #validTrials}). Center-out: {@code result == "R"} and
 *       {@code target_id} not NaN and {@code stop − start < 6 s}. Random-target:
 *       {@code result == "R"} and {@code num_attempted == 4} and {@code stop − start < 10 s}.</li>
 *   <li><b>Behaviour label per velocity sample</b> ({@link #labels}; POYO's REACHING enum
 *       {@link #RANDOM}=0, {@link #HOLD}=1, {@link #REACH}=2, {@link #RETURN}=3, {@link #INVALID}=4,
 *       {@link #OUTLIER}=5). Default RANDOM. For each valid center-out trial, in table order:
 *       samples in {@code [target_on, go_cue)} HOLD, then {@code [go_cue, stop)} REACH, then
 *       {@code [start, target_on)} RETURN (later assignments overwrite earlier ones, a NaN bound
 *       selects nothing). For each valid random-target trial: {@code [start, first go cue)} HOLD
 *       (first go cue = {@code go_cue_time_array[:, 0]}, see {@link Trials#firstGoCue}). Then
 *       OUTLIER where |acceleration| &gt; 1500 cm/s² (mask dilated with a 2-sample structuring
 *       element) and where the cursor x or y is outside [−10, 10] cm (mask dilated with a 400-sample
 *       then eroded with a 100-sample element), with {@code scipy.ndimage} semantics (see
 *       {@link #dilate}, {@link #erode}). The released code never assigns INVALID; neither does
 *       this.</li>
 *   <li><b>Velocity z-score</b> ({@link Scaler#fit}): one per-dimension mean and (population)
 *       standard deviation over the concatenated cursor velocity of <em>all</em> sessions
 *       prepared together (sklearn's {@code StandardScaler}), applied to every session.</li>
 *   <li><b>Splits</b> ({@link #splitTrials}): the valid trials are shuffled with seed 42 and split
 *       70/10/20 at the trial level; train = the recording's domain minus the valid and test
 *       trials each dilated by 3.0 s; valid and test = those trial intervals. The shuffle is the
 *       kit's own (Fisher–Yates with {@link SplittableRandom}), <em>not numpy's</em>: the same
 *       proportions, but not the same trials as the released code's split.</li>
 *   <li><b>Spikes</b> stay event times (unit index, time); binning happens in
 *       {@link DecodingWindows}.</li>
 * </ol>
 * Loss weights per sample ({@link Options#labelWeights}): the subtask weights of
 * notebooks/papers/spikachu.md §5.1, REACH 5.0 and every other label 1.0 — OUTLIER and INVALID included, as in the released
 * config; pass other weights through {@link Options} (e.g. 0 for OUTLIER) to exclude them.
 *
 * <pre>{@code
 * PerichPrep.Prepared p = PerichPrep.prepareAll(recordings, sources, PerichPrep.Options.spikachu());
 * PerichSession s = p.sessions().get(0);      // z-scored with p.scaler(), fitted on all recordings
 * }</pre>
 */
public final class PerichPrep {
    private PerichPrep() {}

    /** Label: outside any labelled period. */
    public static final byte RANDOM = 0;
    /** Label: center-out hold (target on → go cue); random-target hold (start → first go cue). */
    public static final byte HOLD = 1;
    /** Label: center-out reach (go cue → trial end). */
    public static final byte REACH = 2;
    /** Label: center-out return (trial start → target on). */
    public static final byte RETURN = 3;
    /** Label: invalid trial (in POYO's enum; never assigned by the released Spikachu code). */
    public static final byte INVALID = 4;
    /** Label: acceleration or position outlier. */
    public static final byte OUTLIER = 5;
    /** Label names by value. */
    public static final List<String> LABEL_NAMES = List.of("RANDOM", "HOLD", "REACH", "RETURN", "INVALID", "OUTLIER");

    /**
     * Every setting of the preprocessing; {@link #spikachu()} holds the released values.
     *
     * @param coMaxDurationS center-out validity: trial shorter than this (6 s)
     * @param rtMaxDurationS random-target validity: trial shorter than this (10 s)
     * @param rtAttempts random-target validity: {@code num_attempted} equal to this (4)
     * @param accelerationLimit outlier when |acceleration| exceeds this, cm/s² (1500)
     * @param accelerationDilation size of the structuring element dilating that mask (2 samples)
     * @param positionLimit outlier when |x| or |y| exceeds this, cm (10)
     * @param positionDilation size of the element dilating the position mask (400 samples)
     * @param positionErosion size of the element then eroding it (100 samples)
     * @param trainFraction fraction of valid trials for training (0.7)
     * @param validFraction fraction of valid trials for validation (0.1)
     * @param testFraction fraction of valid trials for test (0.2)
     * @param splitSeed seed of the trial shuffle (42)
     * @param heldOutDilationS valid and test trials are widened by this before being removed from
     *     the training domain, seconds (3.0)
     * @param labelWeights loss weight per label 0..5 ({1, 1, 5, 1, 1, 1})
     */
    public record Options(double coMaxDurationS, double rtMaxDurationS, int rtAttempts, double accelerationLimit,
                          int accelerationDilation, double positionLimit, int positionDilation, int positionErosion,
                          double trainFraction, double validFraction, double testFraction, long splitSeed,
                          double heldOutDilationS, float[] labelWeights) {
        /** Validates the settings and copies the weights. */
        public Options {
            if (!(coMaxDurationS > 0) || !(rtMaxDurationS > 0) || !(accelerationLimit > 0) || !(positionLimit > 0)) {
                throw new IllegalArgumentException("PerichPrep.Options: durations and limits must be > 0");
            }
            if (accelerationDilation < 1 || positionDilation < 1 || positionErosion < 1) {
                throw new IllegalArgumentException("PerichPrep.Options: structuring elements need at least 1 sample");
            }
            if (!(trainFraction >= 0 && validFraction >= 0 && testFraction >= 0)
                    || Math.abs(trainFraction + validFraction + testFraction - 1) > 1e-9) {
                throw new IllegalArgumentException("PerichPrep.Options: split fractions must be >= 0 and sum to 1, got "
                        + trainFraction + " + " + validFraction + " + " + testFraction);
            }
            if (!(heldOutDilationS >= 0)) throw new IllegalArgumentException("PerichPrep.Options.heldOutDilationS must be >= 0");
            if (labelWeights == null || labelWeights.length != LABEL_NAMES.size()) {
                throw new IllegalArgumentException("PerichPrep.Options.labelWeights needs one weight per label " + LABEL_NAMES);
            }
            labelWeights = labelWeights.clone();
        }

        /** The released Spikachu values (notebooks/papers/spikachu.md §3.2, §5.1). */
        public static Options spikachu() {
            return new Options(6.0, 10.0, 4, 1500.0, 2, 10.0, 400, 100, 0.7, 0.1, 0.2, 42, 3.0,
                    new float[] {1f, 1f, 5f, 1f, 1f, 1f});
        }

        /** These options with other loss weights per label. */
        public Options withLabelWeights(float... w) {
            return new Options(coMaxDurationS, rtMaxDurationS, rtAttempts, accelerationLimit, accelerationDilation, positionLimit,
                    positionDilation, positionErosion, trainFraction, validFraction, testFraction, splitSeed, heldOutDilationS, w);
        }

        /** These options with another split seed. */
        public Options withSplitSeed(long seed) {
            return new Options(coMaxDurationS, rtMaxDurationS, rtAttempts, accelerationLimit, accelerationDilation, positionLimit,
                    positionDilation, positionErosion, trainFraction, validFraction, testFraction, seed, heldOutDilationS, labelWeights);
        }

        /** A copy of the weights per label. */
        @Override
        public float[] labelWeights() { return labelWeights.clone(); }

        @Override
        public boolean equals(Object o) {
            return o instanceof Options x && x.toString().equals(toString());
        }

        @Override
        public int hashCode() { return toString().hashCode(); }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "PerichPrep.Options[coMax=%s s, rtMax=%s s, rtAttempts=%d, acc>%s dil %d, |pos|>%s dil %d ero %d, "
                            + "split %s/%s/%s seed %d, held-out dilation %s s, weights %s]", coMaxDurationS, rtMaxDurationS, rtAttempts,
                    accelerationLimit, accelerationDilation, positionLimit, positionDilation, positionErosion, trainFraction,
                    validFraction, testFraction, splitSeed, heldOutDilationS, Arrays.toString(labelWeights));
        }
    }

    // ================================================================== 1. validity

    /** Step 1: whether each trial is valid (see the class comment). */
    public static boolean[] validTrials(Recording r, Options o) {
        Trials tr = r.trials();
        boolean[] v = new boolean[tr.size()];
        for (int i = 0; i < v.length; i++) {
            boolean rewarded = "R".equals(tr.result()[i]);
            double d = tr.duration(i);
            v[i] = r.task() == Task.CENTER_OUT
                    ? rewarded && !Double.isNaN(tr.targetId()[i]) && d < o.coMaxDurationS()
                    : rewarded && tr.numAttempted()[i] == o.rtAttempts() && d < o.rtMaxDurationS();
        }
        return v;
    }

    // ================================================================== 2. labels

    /** Step 2: the behaviour label of every velocity sample (see the class comment). */
    public static byte[] labels(Recording r, boolean[] valid, Options o) {
        double[] t = r.t();
        byte[] lab = new byte[t.length];   // RANDOM = 0
        Trials tr = r.trials();
        for (int i = 0; i < tr.size(); i++) {
            if (!valid[i]) continue;
            if (r.task() == Task.CENTER_OUT) {
                fill(lab, t, tr.targetOn()[i], tr.goCue()[i], HOLD);
                fill(lab, t, tr.goCue()[i], tr.stop()[i], REACH);
                fill(lab, t, tr.start()[i], tr.targetOn()[i], RETURN);
            } else {
                fill(lab, t, tr.start()[i], tr.firstGoCue(i), HOLD);
            }
        }
        boolean[] out = outliers(r, o);
        for (int i = 0; i < lab.length; i++) if (out[i]) lab[i] = OUTLIER;
        return lab;
    }

    /** Labels the samples with {@code a <= t < b}; nothing when a bound is NaN. */
    private static void fill(byte[] lab, double[] t, double a, double b, byte value) {
        if (Double.isNaN(a) || Double.isNaN(b)) return;
        for (int i = PerichSession.lowerBound(t, a); i < t.length && t[i] < b; i++) lab[i] = value;
    }

    /** The OUTLIER mask: acceleration outliers or position outliers (see the class comment). */
    public static boolean[] outliers(Recording r, Options o) {
        boolean[] a = accelerationOutliers(r.acc(), o.accelerationLimit(), o.accelerationDilation());
        boolean[] p = positionOutliers(r.pos(), o.positionLimit(), o.positionDilation(), o.positionErosion());
        for (int i = 0; i < a.length; i++) a[i] |= p[i];
        return a;
    }

    /** |acceleration| (Euclidean norm of the {@code [k, 2]} rows) above {@code limit}, dilated with a {@code dilation}-sample element. */
    public static boolean[] accelerationOutliers(double[] acc, double limit, int dilation) {
        boolean[] m = new boolean[acc.length / 2];
        for (int i = 0; i < m.length; i++) m[i] = Math.hypot(acc[2 * i], acc[2 * i + 1]) > limit;
        return dilate(m, dilation);
    }

    /** x or y of the {@code [k, 2]} positions outside [−limit, limit], dilated then eroded. */
    public static boolean[] positionOutliers(double[] pos, double limit, int dilation, int erosion) {
        boolean[] m = new boolean[pos.length / 2];
        for (int i = 0; i < m.length; i++) {
            double x = pos[2 * i], y = pos[2 * i + 1];
            m[i] = x < -limit || x > limit || y < -limit || y > limit;
        }
        return erode(dilate(m, dilation), erosion);
    }

    /**
     * Binary dilation with a flat structuring element of {@code size} samples, as
     * {@code scipy.ndimage.binary_dilation(m, np.ones(size))} (origin 0, outside = false): with
     * {@code c = size / 2}, {@code out[i]} is true when some {@code m[i + j]} is, for
     * {@code j ∈ [−(size − 1 − c), c]}. For size 2 a true sample also marks the sample before it.
     */
    public static boolean[] dilate(boolean[] m, int size) {
        if (size < 1) throw new IllegalArgumentException("dilate: size must be >= 1, got " + size);
        int c = size / 2, lo = -(size - 1 - c), hi = c;
        boolean[] out = new boolean[m.length];
        // out[i] = any m[i+lo .. i+hi]: mark, for each true m[p], the range [p − hi, p − lo]
        int last = -1;
        for (int p = 0; p < m.length; p++) {
            if (!m[p]) continue;
            int a = Math.max(Math.max(0, p - hi), last + 1), b = Math.min(m.length - 1, p - lo);
            for (int i = a; i <= b; i++) out[i] = true;
            last = Math.max(last, b);
        }
        return out;
    }

    /**
     * Binary erosion with a flat structuring element of {@code size} samples, as
     * {@code scipy.ndimage.binary_erosion(m, np.ones(size))} (origin 0, border value 0): with
     * {@code c = size / 2}, {@code out[i]} is true when every {@code m[i + j]} is, for
     * {@code j ∈ [−c, size − 1 − c]}, samples outside the array counting as false.
     */
    public static boolean[] erode(boolean[] m, int size) {
        if (size < 1) throw new IllegalArgumentException("erode: size must be >= 1, got " + size);
        int c = size / 2, lo = -c, hi = size - 1 - c;
        boolean[] out = new boolean[m.length];
        // run lengths of true: out[i] iff the run holding i covers [i+lo, i+hi] inside the array
        int i = 0;
        while (i < m.length) {
            if (!m[i]) {
                i++;
                continue;
            }
            int s = i;
            while (i < m.length && m[i]) i++;
            int e = i - 1;                         // run [s, e]
            for (int q = s - lo; q <= e - hi; q++) out[q] = true;
        }
        return out;
    }

    // ================================================================== 3. scaler

    /**
     * Per-dimension z-score of cursor velocity: {@code (v − mean) / std} with the population
     * standard deviation (sklearn's {@code StandardScaler}; a zero std is replaced by 1, as
     * sklearn does).
     *
     * @param mean mean velocity (x, y), cm/s
     * @param std standard deviation (x, y), cm/s
     * @param samples number of samples fitted on
     */
    public record Scaler(double[] mean, double[] std, long samples) {
        /** Checks the dimensions and copies the arrays. */
        public Scaler {
            if (mean.length != 2 || std.length != 2) throw new IllegalArgumentException("Scaler: 2-D mean and std expected");
            mean = mean.clone();
            std = std.clone();
        }

        /** Fits on the concatenated {@code [k, 2]} velocities of every recording (two passes, double precision). */
        public static Scaler fit(List<double[]> velocities) {
            long n = 0;
            double[] sum = new double[2];
            for (double[] v : velocities) {
                for (int i = 0; i < v.length; i += 2) {
                    sum[0] += v[i];
                    sum[1] += v[i + 1];
                }
                n += v.length / 2;
            }
            if (n == 0) throw new IllegalArgumentException("Scaler.fit: no velocity samples");
            double[] mean = {sum[0] / n, sum[1] / n};
            double[] ss = new double[2];
            for (double[] v : velocities) {
                for (int i = 0; i < v.length; i += 2) {
                    double dx = v[i] - mean[0], dy = v[i + 1] - mean[1];
                    ss[0] += dx * dx;
                    ss[1] += dy * dy;
                }
            }
            double[] std = {Math.sqrt(ss[0] / n), Math.sqrt(ss[1] / n)};
            for (int d = 0; d < 2; d++) if (std[d] == 0) std[d] = 1;
            return new Scaler(mean, std, n);
        }

        /** A copy of the mean (x, y). */
        @Override
        public double[] mean() { return mean.clone(); }

        /** A copy of the standard deviation (x, y). */
        @Override
        public double[] std() { return std.clone(); }

        /** The z-scored copy of a {@code [k, 2]} velocity array. */
        public double[] transform(double[] v) {
            double[] z = new double[v.length];
            for (int i = 0; i < v.length; i += 2) {
                z[i] = (v[i] - mean[0]) / std[0];
                z[i + 1] = (v[i + 1] - mean[1]) / std[1];
            }
            return z;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Scaler[mean (%.6g, %.6g) cm/s, std (%.6g, %.6g) cm/s, %d samples]", mean[0], mean[1],
                    std[0], std[1], samples);
        }
    }

    // ================================================================== 4. splits

    /**
     * Positions (into the list of valid trials) of the train, valid and test trials, each ascending.
     */
    public record Split(int[] train, int[] valid, int[] test) {}

    /**
     * Step 4, the trial-level split of {@code n} valid trials: a Fisher–Yates shuffle of
     * {@code 0..n−1} driven by {@code new SplittableRandom(o.splitSeed())}, then the first
     * {@code n − nValid − nTest} go to train, the next {@code nValid = round(validFraction·n)} to
     * valid and the last {@code nTest = round(testFraction·n)} to test (round half up). Not
     * numpy's shuffle (see the class comment).
     */
    public static Split splitTrials(int n, Options o) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        SplittableRandom r = new SplittableRandom(o.splitSeed());
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
        int nValid = (int) Math.round(o.validFraction() * n), nTest = (int) Math.round(o.testFraction() * n);
        if (nValid + nTest > n) nTest = n - nValid;
        int nTrain = n - nValid - nTest;
        int[] train = Arrays.copyOfRange(idx, 0, nTrain), valid = Arrays.copyOfRange(idx, nTrain, nTrain + nValid),
                test = Arrays.copyOfRange(idx, nTrain + nValid, n);
        Arrays.sort(train);
        Arrays.sort(valid);
        Arrays.sort(test);
        return new Split(train, valid, test);
    }

    // ================================================================== all steps

    /** Sessions prepared together and the scaler fitted on all of them. */
    public record Prepared(List<PerichSession> sessions, Scaler scaler) {}

    /**
     * Steps 1–5 for recordings prepared together: the scaler is fitted on all of them.
     *
     * @param sources per recording, {@code real} or {@code synthetic}
     */
    public static Prepared prepareAll(List<Recording> recordings, List<String> sources, Options o) {
        if (recordings.size() != sources.size()) throw new IllegalArgumentException("prepareAll: one source per recording");
        List<double[]> vel = new ArrayList<>();
        for (Recording r : recordings) vel.add(r.vel());
        Scaler s = Scaler.fit(vel);
        List<PerichSession> out = new ArrayList<>();
        for (int i = 0; i < recordings.size(); i++) out.add(prepare(recordings.get(i), s, o, sources.get(i)));
        return new Prepared(List.copyOf(out), s);
    }

    /** Steps 1, 2, 4 and 5 for one recording, z-scored with the given (global) scaler. */
    public static PerichSession prepare(Recording r, Scaler scaler, Options o, String source) {
        boolean[] valid = validTrials(r, o);
        byte[] labels = labels(r, valid, o);
        float[] lw = o.labelWeights();
        float[] weights = new float[labels.length];
        for (int i = 0; i < labels.length; i++) weights[i] = lw[labels[i]];

        Trials tr = r.trials();
        int nValid = 0;
        for (boolean v : valid) if (v) nValid++;
        int[] validIdx = new int[nValid];
        for (int i = 0, j = 0; i < valid.length; i++) if (valid[i]) validIdx[j++] = i;
        Split split = splitTrials(nValid, o);
        Intervals validSet = trialIntervals(tr, validIdx, split.valid());
        Intervals testSet = trialIntervals(tr, validIdx, split.test());
        double[] t = r.t();
        Intervals domain = Intervals.of(t[0], t[t.length - 1]);
        Intervals train = domain.difference(validSet.union(testSet).dilate(o.heldOutDilationS()));

        // spikes as one time-sorted event list
        int n = (int) r.spikeCount();
        double[] times = new double[n];
        int[] units = new int[n];
        mergeSpikes(r.spikes(), times, units);
        return new PerichSession(r.id(), r.subject(), r.task(), source, r.units(), times, units, t, scaler.transform(r.vel()),
                labels, weights, domain, train, validSet, testSet, nValid);
    }

    private static Intervals trialIntervals(Trials tr, int[] validIdx, int[] chosen) {
        double[] s = new double[chosen.length], e = new double[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            s[i] = tr.start()[validIdx[chosen[i]]];
            e[i] = tr.stop()[validIdx[chosen[i]]];
        }
        return Intervals.of(s, e);
    }

    /** K-way merge of per-unit ascending spike trains into one list sorted by time (ties by unit). */
    static void mergeSpikes(double[][] spikes, double[] times, int[] units) {
        int u = spikes.length;
        // binary heap of unit indices keyed by their next spike time
        int[] heap = new int[u], pos = new int[u];
        int size = 0;
        for (int i = 0; i < u; i++) {
            if (spikes[i].length > 0) heap[size++] = i;
        }
        for (int i = size / 2 - 1; i >= 0; i--) siftDown(heap, size, i, spikes, pos);
        int k = 0;
        while (size > 0) {
            int top = heap[0];
            times[k] = spikes[top][pos[top]];
            units[k++] = top;
            pos[top]++;
            if (pos[top] == spikes[top].length) heap[0] = heap[--size];
            siftDown(heap, size, 0, spikes, pos);
        }
    }

    private static boolean less(int a, int b, double[][] s, int[] pos) {
        double ta = s[a][pos[a]], tb = s[b][pos[b]];
        return ta < tb || (ta == tb && a < b);
    }

    private static void siftDown(int[] heap, int size, int i, double[][] s, int[] pos) {
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && less(heap[l], heap[m], s, pos)) m = l;
            if (r < size && less(heap[r], heap[m], s, pos)) m = r;
            if (m == i) return;
            int tmp = heap[i];
            heap[i] = heap[m];
            heap[m] = tmp;
            i = m;
        }
    }
}
