package org.spikekit.data.perich;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.spikekit.data.Intervals;
import org.spikekit.data.reaching.ReachGenerator;

/**
 * Windows and batches for decoders of the Perich sessions (notebooks/papers/spikachu.md §3.3;
 * POYO's samplers).
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
 * <p><b>Released sampling</b> ({@link #released()}; the kit's behaviour above stays the default):
 * what the released Spikachu code does through POYO (neuro-galaxy/poyo {@code poyo/data/sampler.py}
 * at 63d8b6c; IoannisAsmanis/spikachu {@code models/model_wrapper.py}):
 * <ul>
 *   <li><b>training</b> ({@code RandomFixedWindowSampler}, lines 78-127): per train interval of
 *       length L &ge; w a random offset {@code U·w}, U ∈ [0, 1), windows from {@code start + offset}
 *       every w while they end inside the interval, plus one more window when the unused time at
 *       the two ends adds up to a window: anchored at the interval's end if more is left there,
 *       else at its start (it may overlap the others); ⌊L/w⌋ windows in all; shuffled;</li>
 *   <li><b>evaluation</b> ({@code SequentialFixedWindowSampler}, lines 166-192): windows of w from
 *       the interval's start every w while they fit, plus, when the interval does not divide, one
 *       <em>full</em> last window {@code [end − w, end)} that overlaps the one before: the samples
 *       they share are scored twice, and the tail is decoded with up to w of context. The released
 *       sampler asserts on an interval shorter than a window (it has no released reading); such an
 *       interval keeps the kit's padded window here ({@link #shortIntervals});</li>
 *   <li><b>targets by position</b> ({@code model_wrapper.forward}, lines 733-745): the velocity
 *       samples with timestamps in {@code [start, end)} of every window of the batch are chained
 *       (window 0's, then window 1's, …); bin t of window b (t &lt; its sample count n_b, at most T)
 *       takes chained sample {@code Σ_{b'<b} min(n_b', T) + t}. With n_b = T for every window this
 *       is the kit's pairing (for regularly sampled velocity); a window with more than T samples
 *       shifts the targets of every later window of its batch by the excess; bins t &ge; n_b are
 *       not scored (weight 0). {@link #census} counts the windows with other than T samples.</li>
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
    private final boolean released;

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
    public DecodingWindows(List<PerichSession> sessions, double windowS, double binS) { this(sessions, windowS, binS, false); }

    private DecodingWindows(List<PerichSession> sessions, double windowS, double binS, boolean released) {
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
        this.released = released;
    }

    /** The same sessions and sizes with the released code's sampling and target pairing (see the class comment). */
    public DecodingWindows released() { return released ? this : new DecodingWindows(sessions, windowS, binS, true); }

    /** Whether this samples and pairs targets as the released code does. */
    public boolean isReleased() { return released; }

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
                if (released) {
                    releasedTrainWindows(si, a, b, r.nextDouble() * windowS, out);
                    continue;
                }
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

    /** POYO's {@code RandomFixedWindowSampler} on one interval {@code [a, b)} of length >= w with left offset {@code off} in [0, w). */
    private void releasedTrainWindows(int si, double a, double b, double off, List<Window> out) {
        double last = Double.NaN;
        for (int k = 0; ; k++) {
            double t = a + off + k * windowS;
            if (!(t < b) || !(t + windowS <= b)) break;
            out.add(new Window(si, t, t + windowS));
            last = t + windowS;
        }
        double right = Double.isNaN(last) ? b - a - off : b - last;
        if (right + off >= windowS) out.add(right > off ? new Window(si, b - windowS, b) : new Window(si, a, a + windowS));
    }

    /**
     * Sequential evaluation windows over every session's valid or test intervals (see the class
     * comment: the kit's padded last window, or the released overlapping one).
     */
    public List<Window> evalWindows(Split split) {
        List<Window> out = new ArrayList<>();
        for (int si = 0; si < sessions.size(); si++) {
            PerichSession s = sessions.get(si);
            Intervals iv = split == Split.VALID ? s.valid() : s.test();
            for (int i = 0; i < iv.size(); i++) {
                double a = iv.start(i), b = iv.end(i);
                if (released && b - a >= windowS) {
                    // SequentialFixedWindowSampler: arange(start, end, w) while t + w <= end, then [end − w, end) if the end is not covered
                    double covered = a;
                    for (int k = 0; ; k++) {
                        double t = a + k * windowS;
                        if (!(t < b) || !(t + windowS <= b)) break;
                        out.add(new Window(si, t, t + windowS));
                        covered = t + windowS;
                    }
                    if (covered < b) out.add(new Window(si, b - windowS, b));
                    continue;
                }
                int n = (int) Math.ceil((b - a) / windowS - 1e-9);
                for (int j = 0; j < n; j++) {
                    double s0 = a + j * windowS;
                    out.add(new Window(si, s0, Math.min(b, s0 + windowS)));
                }
            }
        }
        return out;
    }

    /**
     * Valid or test intervals shorter than a window: the released sampler asserts on them (so the
     * released code has no reading of them); the kit, in both modes, gives each a padded window.
     */
    public int shortIntervals(Split split) {
        int n = 0;
        for (PerichSession s : sessions) {
            Intervals iv = split == Split.VALID ? s.valid() : s.test();
            for (int i = 0; i < iv.size(); i++) if (iv.end(i) - iv.start(i) < windowS) n++;
        }
        return n;
    }

    /** Velocity samples with timestamps in {@code [start, end)} of a window (the released target list of that window). */
    public int samplesIn(Window w) {
        PerichSession s = sessions.get(w.session());
        return s.firstSampleAtOrAfter(w.end()) - s.firstSampleAtOrAfter(w.start());
    }

    /**
     * How many of {@code windows} hold fewer, exactly or more velocity samples than the window has
     * bins (T): the windows whose released, position-paired targets differ from the kit's
     * ({@code more} shift the targets of the later windows of their batch).
     */
    public record Census(int windows, int fewer, int exact, int more) {}

    /** {@link Census} of {@code windows}. */
    public Census census(List<Window> windows) {
        int fewer = 0, exact = 0, more = 0;
        for (Window w : windows) {
            int n = samplesIn(w);
            if (n < steps) fewer++;
            else if (n == steps) exact++;
            else more++;
        }
        return new Census(windows.size(), fewer, exact, more);
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
        if (windows == null) throw new IllegalArgumentException("DecodingWindows.batch: windows is null");
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

            // targets, weights, labels (released: by position, after the loop)
            if (released) continue;
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

        if (released) pairByPosition(windows, target, weight, label);

        // CSR by row, keeping each row's tokens in spike-time order (stable counting sort)
        for (int r = 0; r < rows; r++) rowCount[r + 1] += rowCount[r];
        int[] offsetsOut = rowCount.clone();
        int[] fill = Arrays.copyOf(rowCount, rows);
        int[] units = new int[tokens];
        for (int i = 0; i < tokens; i++) units[fill[tokRow[i]]++] = tokUnit[i];
        return new DecodingBatch(tt, bsz, binS, sessionOf, starts, n, counts, offsetsOut, units, target, weight, label);
    }

    /** The released pairing of targets with bins (class comment): chained samples by position. */
    private void pairByPosition(List<Window> windows, float[] target, float[] weight, byte[] label) {
        int bsz = windows.size();
        int[] first = new int[bsz], count = new int[bsz], chainStart = new int[bsz + 1];
        for (int b = 0; b < bsz; b++) {
            Window w = windows.get(b);
            PerichSession s = sessions.get(w.session());
            first[b] = s.firstSampleAtOrAfter(w.start());
            count[b] = s.firstSampleAtOrAfter(w.end()) - first[b];
            chainStart[b + 1] = chainStart[b] + count[b];
        }
        int cut = 0;
        for (int b = 0; b < bsz; b++) {
            for (int j = 0; j < steps; j++) {
                int r = j * bsz + b;
                if (j >= count[b]) {
                    label[r] = DecodingBatch.PAD;
                    continue;
                }
                int c = cut + j;
                int src = 0;
                while (chainStart[src + 1] <= c) src++;
                PerichSession s = sessions.get(windows.get(src).session());
                int q = first[src] + c - chainStart[src];
                target[2 * r] = (float) s.velocity()[2 * q];
                target[2 * r + 1] = (float) s.velocity()[2 * q + 1];
                weight[r] = s.weights()[q];
                label[r] = s.labels()[q];
            }
            cut += Math.min(count[b], steps);
        }
    }
}
