package org.spikekit.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Windows and batches for decoders of the Perich sessions (spikachu.md §1.1 "Sampling" and
 * "Augmentation"; POYO's samplers).
 * <ul>
 *   <li><b>Training</b> ({@link #trainEpoch}): fixed-length windows (default 1.0 s) inside the
 *       train intervals. An interval of length L &ge; w holds {@code n = ⌊L/w⌋} non-overlapping
 *       windows laid end to end from a random offset in {@code [0, L − n·w]}; intervals shorter
 *       than a window are skipped; every window lies inside one train interval. One epoch is all
 *       those windows of all sessions, shuffled: {@code Σ ⌊L/w⌋} windows, i.e. about the total
 *       train length divided by the window length (POYO's {@code RandomFixedWindowSampler}
 *       likewise yields ⌊L/w⌋ windows per interval). With several sessions each session therefore
 *       contributes in proportion to its train length; each window comes from one session.
 *       Seeded: the same seed and epoch give the same windows in the same order.</li>
 *   <li><b>Evaluation</b> ({@link #evalWindows}): sequential non-overlapping windows over each
 *       valid or test interval, in session order then time (step = window). A trailing part
 *       shorter than a window gets a window of its own whose steps after the interval's end are
 *       padding (no spikes, weight 0, label {@link DecodingBatch#PAD}); together the windows cover
 *       every interval exactly once.</li>
 *   <li><b>Batches</b> ({@link #batch}): {@link DecodingBatch}, time-major {@code [T, B, ...]} with
 *       10 ms bins. A bin's target is the velocity sample whose timestamp falls in the bin (the
 *       first one if several); if none does, the nearest earlier sample (the first sample for bins
 *       before the recording). Its weight and label are that sample's. Spike counts are given for
 *       single-session batches only; the token lists (global unit ids) always.</li>
 *   <li><b>Unit dropout</b> (training only, optional): per window a {@link UnitDropout} subset of
 *       the session's units is kept; dropped units' spikes vanish from counts and tokens.</li>
 * </ul>
 * Global unit ids: session i's units are {@code unitOffset(i) .. unitOffset(i) + units − 1}, the
 * offsets accumulating the unit counts in the order of the session list (for
 * {@link #of(PerichData)} the same as {@link PerichData#unitOffset}).
 *
 * <pre>{@code
 * DecodingWindows w = DecodingWindows.of(PerichData.load(dataDir, DataChoice.AUTO, RunMode.QUICK).subset(List.of(id)));
 * for (List<DecodingWindows.Window> ws : DecodingWindows.chunks(w.trainEpoch(42, epoch), 64))
 *     train(w.batch(ws, UnitDropout.spikachu(), seed));
 * }</pre>
 */
public final class DecodingWindows {
    /** Spikachu's bin width, seconds (10 ms). */
    public static final double BIN_S = 0.01;
    /** Spikachu's window length, seconds. */
    public static final double WINDOW_S = 1.0;

    private final List<PerichSession> sessions;
    private final int[] offsets;
    private final int totalUnits;
    private final double windowS;
    private final double binS;
    private final int steps;

    /**
     * A window of one session: data in {@code [start, end)}; {@code end = start + window length} for
     * training windows, possibly earlier for the last evaluation window of an interval (the steps
     * from {@code end} on are padding).
     *
     * @param session index into {@link #sessions()}
     */
    public record Window(int session, double start, double end) {}

    /** Which intervals {@link #evalWindows} covers. */
    public enum Split {
        /** The validation trials. */
        VALID,
        /** The test trials. */
        TEST
    }

    /** Windows of 1.0 s in 10 ms bins over {@code sessions}. */
    public DecodingWindows(List<PerichSession> sessions) { this(sessions, WINDOW_S, BIN_S); }

    /**
     * Windows of {@code windowS} seconds in bins of {@code binS} over {@code sessions} (the window
     * must be a whole number of bins).
     */
    public DecodingWindows(List<PerichSession> sessions, double windowS, double binS) {
        if (sessions.isEmpty()) throw new IllegalArgumentException("DecodingWindows: no sessions");
        if (!(binS > 0) || !(windowS >= binS)) throw new IllegalArgumentException("DecodingWindows: need 0 < bin <= window, got " + binS + ", " + windowS);
        long t = Math.round(windowS / binS);
        if (Math.abs(t * binS - windowS) > 1e-9 * windowS) {
            throw new IllegalArgumentException("DecodingWindows: the window (" + windowS + " s) must be a whole number of bins (" + binS + " s)");
        }
        this.sessions = List.copyOf(sessions);
        this.windowS = windowS;
        this.binS = binS;
        this.steps = (int) t;
        this.offsets = new int[sessions.size()];
        int off = 0;
        for (int i = 0; i < sessions.size(); i++) {
            offsets[i] = off;
            off += sessions.get(i).units();
        }
        this.totalUnits = off;
    }

    /** Windows of 1.0 s in 10 ms bins over the sessions of {@code data}, in its order. */
    public static DecodingWindows of(PerichData data) { return new DecodingWindows(data.sessions()); }

    /** The sessions, in the order that defines session indices and unit offsets. */
    public List<PerichSession> sessions() { return sessions; }

    /** Window length in seconds. */
    public double windowS() { return windowS; }

    /** Bin width in seconds. */
    public double binS() { return binS; }

    /** Time steps per window, T. */
    public int steps() { return steps; }

    /** Global id of session {@code i}'s unit 0. */
    public int unitOffset(int i) { return offsets[i]; }

    /** Units over all sessions (the size of a multi-session unit vocabulary). */
    public int totalUnits() { return totalUnits; }

    // ================================================================== windows

    /** Windows in one training epoch: {@code Σ ⌊L/w⌋} over the train intervals of every session. */
    public int epochSize() {
        int n = 0;
        for (PerichSession s : sessions) {
            for (int i = 0; i < s.train().size(); i++) n += (int) Math.floor(s.train().length(i) / windowS);
        }
        return n;
    }

    /**
     * The training windows of one epoch, shuffled (see the class comment); deterministic for a
     * {@code (seed, epoch)} pair.
     */
    public List<Window> trainEpoch(long seed, int epoch) {
        SplittableRandom r = new SplittableRandom(ReachGenerator.mix(seed, epoch, 0x5A3));
        List<Window> out = new ArrayList<>(epochSize());
        for (int si = 0; si < sessions.size(); si++) {
            Intervals tr = sessions.get(si).train();
            for (int i = 0; i < tr.size(); i++) {
                double a = tr.start(i), b = tr.end(i), len = b - a;
                int n = (int) Math.floor(len / windowS);
                if (n == 0) continue;
                double offset = Math.max(0, len - n * windowS) * r.nextDouble();
                for (int j = 0; j < n; j++) {
                    double s = Math.min(a + offset + j * windowS, b - (n - j) * windowS);
                    out.add(new Window(si, s, s + windowS));
                }
            }
        }
        for (int i = out.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Window tmp = out.get(i);
            out.set(i, out.get(j));
            out.set(j, tmp);
        }
        return out;
    }

    /** Sequential evaluation windows over every session's valid or test intervals (see the class comment). */
    public List<Window> evalWindows(Split split) {
        List<Window> out = new ArrayList<>();
        for (int si = 0; si < sessions.size(); si++) {
            PerichSession s = sessions.get(si);
            Intervals iv = split == Split.VALID ? s.valid() : s.test();
            for (int i = 0; i < iv.size(); i++) {
                double a = iv.start(i), b = iv.end(i);
                int n = (int) Math.ceil((b - a) / windowS - 1e-9);
                for (int j = 0; j < n; j++) {
                    double s0 = a + j * windowS;
                    out.add(new Window(si, s0, Math.min(b, s0 + windowS)));
                }
            }
        }
        return out;
    }

    /** Consecutive sublists of at most {@code size} elements (the last may be shorter). */
    public static <T> List<List<T>> chunks(List<T> list, int size) {
        if (size < 1) throw new IllegalArgumentException("chunks: size must be >= 1, got " + size);
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) out.add(list.subList(i, Math.min(list.size(), i + size)));
        return out;
    }

    // ================================================================== batches

    /** A batch without unit dropout (evaluation). */
    public DecodingBatch batch(List<Window> windows) { return batch(windows, null, 0); }

    /**
     * The batch of {@code windows} (see {@link DecodingBatch} for the layout). With a
     * {@code dropout}, window j keeps the units of {@code dropout.keepMask(units, rng)} with rng
     * seeded from {@code (seed, j)}.
     */
    public DecodingBatch batch(List<Window> windows, UnitDropout dropout, long seed) {
        int bsz = windows.size();
        if (bsz == 0) throw new IllegalArgumentException("DecodingWindows.batch: no windows");
        int tt = steps, rows = tt * bsz;
        int[] sessionOf = new int[bsz];
        double[] starts = new double[bsz];
        boolean single = true;
        for (int b = 0; b < bsz; b++) {
            Window w = windows.get(b);
            if (w.session() < 0 || w.session() >= sessions.size()) {
                throw new IllegalArgumentException("DecodingWindows.batch: window " + b + " names session " + w.session()
                        + ", expected 0.." + (sessions.size() - 1));
            }
            if (!(w.end() > w.start()) || w.end() > w.start() + windowS + 1e-9) {
                throw new IllegalArgumentException("DecodingWindows.batch: window " + b + " [" + w.start() + ", " + w.end()
                        + ") must be non-empty and at most " + windowS + " s long");
            }
            sessionOf[b] = w.session();
            starts[b] = w.start();
            if (w.session() != windows.get(0).session()) single = false;
        }
        int n = single ? sessions.get(sessionOf[0]).units() : 0;
        float[] counts = single ? new float[Math.multiplyExact(rows, n)] : null;
        float[] target = new float[2 * rows], weight = new float[rows];
        byte[] label = new byte[rows];
        int[] rowCount = new int[rows + 1];
        int[] tokRow = new int[1024], tokUnit = new int[1024];
        int tokens = 0;

        for (int b = 0; b < bsz; b++) {
            Window w = windows.get(b);
            PerichSession s = sessions.get(w.session());
            int off = offsets[w.session()];
            boolean[] keep = dropout == null ? null : dropout.keepMask(s.units(), new SplittableRandom(ReachGenerator.mix(seed, b, 0xD0)));
            double a = w.start(), e = w.end();
            int valid = Math.min(tt, (int) Math.ceil((e - a) / binS - 1e-9));

            // spikes in [a, e)
            double[] st = s.spikeTimes();
            int[] su = s.spikeUnits();
            for (int i = s.firstSpikeAtOrAfter(a); i < st.length && st[i] < e; i++) {
                int u = su[i];
                if (keep != null && !keep[u]) continue;
                int j = (int) ((st[i] - a) / binS);
                if (j >= valid) j = valid - 1;
                int r = j * bsz + b;
                if (counts != null) counts[r * n + u] += 1f;
                if (tokens == tokRow.length) {
                    tokRow = Arrays.copyOf(tokRow, 2 * tokens);
                    tokUnit = Arrays.copyOf(tokUnit, 2 * tokens);
                }
                tokRow[tokens] = r;
                tokUnit[tokens++] = off + u;
                rowCount[r + 1]++;
            }

            // targets, weights, labels
            double[] t = s.t(), vel = s.velocity();
            float[] wts = s.weights();
            byte[] lab = s.labels();
            int k = t.length;
            int idx = s.firstSampleAtOrAfter(a);
            for (int j = 0; j < tt; j++) {
                int r = j * bsz + b;
                if (j >= valid) {
                    label[r] = DecodingBatch.PAD;
                    continue;
                }
                double b0 = a + j * binS, b1 = b0 + binS;
                while (idx < k && t[idx] < b0) idx++;
                int q = idx < k && t[idx] < b1 ? idx : Math.max(0, idx - 1);
                target[2 * r] = (float) vel[2 * q];
                target[2 * r + 1] = (float) vel[2 * q + 1];
                weight[r] = wts[q];
                label[r] = lab[q];
            }
        }

        // CSR by row, keeping each row's tokens in spike-time order (stable counting sort)
        for (int r = 0; r < rows; r++) rowCount[r + 1] += rowCount[r];
        int[] offsetsOut = rowCount.clone();
        int[] fill = Arrays.copyOf(rowCount, rows);
        int[] units = new int[tokens];
        for (int i = 0; i < tokens; i++) units[fill[tokRow[i]]++] = tokUnit[i];
        return new DecodingBatch(tt, bsz, binS, sessionOf, starts, n, counts, offsetsOut, units, target, weight, label);
    }
}
