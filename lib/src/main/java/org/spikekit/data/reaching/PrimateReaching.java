package org.spikekit.data.reaching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spikekit.data.SequenceSet;

/**
 * NeuroBench {@code PrimateReaching} preprocessing of one {@link ReachSession}, and the RSNN
 * paper's train/validation/test cut of it.
 *
 * <p><b>Definition followed.</b> {@code notebooks/papers/rsnn.md} §3.2–3.3, checked against NeuroBench
 * {@code neurobench/datasets/primate_reaching.py} (class {@code PrimateReaching}, v2 with
 * {@code train_ratio}, {@code stride}, {@code bin_width}, {@code offset = 0}) and, for the RSNN
 * cut, {@code fmi-basel/neural-decoding-RSNN} {@code challenge/data.py} ({@code DatasetLoader}).
 * Written from those descriptions, not copied. Steps, with SAMPLING_RATE = 0.004 s:
 * <ol>
 *   <li>Edges {@code new_t = arange(t[0] − bin_width, t[−1], 0.004)} (numpy semantics: length
 *       {@code ceil((stop − start)/step)}, values {@code start + i·((start + step) − start)}).</li>
 *   <li>For every unit slot and channel, a numpy histogram of the spike times on those edges
 *       (bins {@code [e_i, e_{i+1})}, the last bin closed, times outside dropped); each non-empty
 *       bin b sets a 1 at index b + 1 of a length-{@code len(new_t)} binary train. An empty cell
 *       stored as [0, 0] contributes nothing because 0 lies before {@code new_t[0]} when
 *       {@code t[0] > bin_width}.</li>
 *   <li>{@code spikeSorting = false} (default): OR over the unit slots of a channel. {@code true}:
 *       one feature per (channel, slot) in the order channel·slots + slot, all-zero features
 *       dropped. (NeuroBench reshapes with {@code t.shape[1]}, which fails on its squeezed 1-D
 *       {@code t}; the evident intent, a reshape to {@code len(new_t)} rows, is implemented.)</li>
 *   <li>ratio = round-half-even(bin_width / 0.004); if ratio &gt; 1 each feature is convolved with
 *       ones(ratio), 'valid' mode: sample i is the count over train indices i … i + ratio − 1.</li>
 *   <li>Labels: float32 {@code cursor_pos}, {@code torch.gradient} along time with unit spacing
 *       (central differences, one-sided at both ends) → mm per 4 ms sample.</li>
 *   <li>{@code biologicalDelay} d &gt; 0: samples lose their last d columns and labels their first
 *       d, so sample i is paired with the velocity at i + d.</li>
 *   <li>Segments: flags f = indices i with {@code target_pos[:, i+1] ≠ target_pos[:, i]} (the last
 *       sample of the old target); segments {@code [0, f1), [f1, f2), …, [fm, k)} (a flag at 0
 *       makes the empty segment [0, 0), which still counts). With
 *       {@code removeSegmentsInactive}, segments of length ≥ maxSegmentLength are skipped.</li>
 *   <li>Split (split_num = 1): S segments, train = the first floor(trainRatio·S), val = the next
 *       floor((S − train)/2), test = the rest; indices {@code arange(start, end, stride)} per
 *       segment with stride = int(stride / 0.004). Indices beyond the delayed arrays are dropped
 *       (NeuroBench would fail on them).</li>
 * </ol>
 * Defaults are NeuroBench's class defaults (bin_width 0.028, train_ratio 0.8); {@link
 * Options#benchmark()} is what SNN2/SNN3 and the RSNN paper use (bin_width 0.004, train_ratio 0.5).
 */
public final class PrimateReaching {
    public static final double SAMPLING_RATE = 0.004;

    /**
     * NeuroBench constructor arguments (split_num fixed at 1, num_steps at 1); the steps they enter
     * are listed in the class comment.
     *
     * @param binWidth width of the spike-count window in seconds, ≥ 0.004 (NeuroBench default 0.028;
     *     the benchmarks and the RSNN paper 0.004); round-half-even(binWidth / 0.004) 4-ms bins are summed
     * @param stride step between the sample indices taken from each segment, in seconds, ≥ 0.004
     *     (int(stride / 0.004) samples; default 0.004, every sample)
     * @param trainRatio fraction of the segments (in time order) for training, in [0, 1]; the rest is
     *     halved into validation and test (NeuroBench default 0.8; the benchmarks and the RSNN paper 0.5)
     * @param biologicalDelay d, in 4-ms samples, ≥ 0: sample i is paired with the velocity at i + d
     *     (default 0)
     * @param spikeSorting one feature per (channel, unit slot) instead of one per channel (default false)
     * @param removeSegmentsInactive skip segments of {@code maxSegmentLength} samples or longer
     *     (default false)
     * @param maxSegmentLength the segment length, in 4-ms samples, from which {@code removeSegmentsInactive}
     *     skips a segment, ≥ 0 (0: none skipped; default 2000)
     */
    public record Options(double binWidth, double stride, double trainRatio, int biologicalDelay,
                          boolean spikeSorting, boolean removeSegmentsInactive, int maxSegmentLength) {
        public Options {
            if (!(binWidth >= SAMPLING_RATE) || !Double.isFinite(binWidth)) {
                throw new IllegalArgumentException("PrimateReaching.Options.binWidth must be >= 0.004 s, got " + binWidth);
            }
            if (!(stride >= SAMPLING_RATE) || !Double.isFinite(stride)) {
                throw new IllegalArgumentException("PrimateReaching.Options.stride must be >= 0.004 s, got " + stride);
            }
            if (!(trainRatio >= 0 && trainRatio <= 1)) {
                throw new IllegalArgumentException("PrimateReaching.Options.trainRatio must be in [0, 1], got " + trainRatio);
            }
            if (biologicalDelay < 0) throw new IllegalArgumentException("PrimateReaching.Options.biologicalDelay must be >= 0, got " + biologicalDelay);
            if (maxSegmentLength < 0) throw new IllegalArgumentException("PrimateReaching.Options.maxSegmentLength must be >= 0, got " + maxSegmentLength);
        }

        /** NeuroBench class defaults: bin 28 ms, stride 4 ms, train_ratio 0.8. */
        public static Options defaults() {
            return new Options(0.028, 0.004, 0.8, 0, false, false, 2000);
        }

        /** As in the SNN2/SNN3 benchmarks and the RSNN paper: 4 ms binary trains, train_ratio 0.5. */
        public static Options benchmark() {
            return new Options(0.004, 0.004, 0.5, 0, false, false, 2000);
        }

        public Options withBinWidth(double b) {
            return new Options(b, stride, trainRatio, biologicalDelay, spikeSorting, removeSegmentsInactive, maxSegmentLength);
        }

        public Options withTrainRatio(double r) {
            return new Options(binWidth, stride, r, biologicalDelay, spikeSorting, removeSegmentsInactive, maxSegmentLength);
        }

        public Options withStride(double s) {
            return new Options(binWidth, s, trainRatio, biologicalDelay, spikeSorting, removeSegmentsInactive, maxSegmentLength);
        }

        public Options withBiologicalDelay(int d) {
            return new Options(binWidth, stride, trainRatio, d, spikeSorting, removeSegmentsInactive, maxSegmentLength);
        }

        public Options withSpikeSorting(boolean s) {
            return new Options(binWidth, stride, trainRatio, biologicalDelay, s, removeSegmentsInactive, maxSegmentLength);
        }

        public Options withRemoveSegmentsInactive(boolean r, int maxLen) {
            return new Options(binWidth, stride, trainRatio, biologicalDelay, spikeSorting, r, maxLen);
        }

        /** round-half-even(binWidth / 0.004), as {@code int(np.round(...))}. */
        public int ratio() { return (int) Math.rint(binWidth / SAMPLING_RATE); }
    }

    /**
     * One span of samples, time-major: {@code inputs[i]} is the feature vector and
     * {@code velocity[i]} = (v_x, v_y) in mm per 4 ms of sample index {@code indices[i]}.
     */
    public record Split(int[] indices, float[][] inputs, float[][] velocity) {
        public int steps() { return indices.length; }
    }

    /**
     * How the RSNN paper cuts the data ({@code challenge/data.py}, {@code conf/data/data-default.yaml}).
     *
     * @param ratioVal validation fraction of the whole session (0.1)
     * @param valSplit {@link ValSplit#AS_RELEASED} (default) or {@link ValSplit#PAPER_TEXT}
     * @param sampleSteps training sample length in 4 ms steps (500 = 2 s)
     * @param extend overlapping tilings at offsets 0, tileStep, … &lt; sampleSteps ("extend_data")
     * @param tileStep offset between tilings (100)
     * @param context  history steps put in front of every train and validation sample (0 = the paper):
     *                 sample {@code q} then holds the {@code context} steps before its own
     *                 {@code sampleSteps}, taken from the same span (zero inputs, and the span's first
     *                 target, where the span has no earlier step). Meant for models that see a window
     *                 of past inputs, trained with as many burn-in steps
     *                 ({@code Trainer.Config#burnIn}), so every scored step sees a full window
     */
    public record RsnnOptions(double ratioVal, ValSplit valSplit, int sampleSteps, boolean extend, int tileStep, int context) {
        public RsnnOptions(double ratioVal, ValSplit valSplit, int sampleSteps, boolean extend, int tileStep) {
            this(ratioVal, valSplit, sampleSteps, extend, tileStep, 0);
        }

        public RsnnOptions {
            if (context < 0) throw new IllegalArgumentException("RsnnOptions.context must be >= 0, got " + context);
            if (!(ratioVal > 0 && ratioVal < 0.75)) throw new IllegalArgumentException("RsnnOptions.ratioVal must be in (0, 0.75), got " + ratioVal);
            if (valSplit == null) throw new IllegalArgumentException("RsnnOptions.valSplit must not be null");
            if (sampleSteps < 1) throw new IllegalArgumentException("RsnnOptions.sampleSteps must be >= 1, got " + sampleSteps);
            if (tileStep < 1) throw new IllegalArgumentException("RsnnOptions.tileStep must be >= 1, got " + tileStep);
        }

        public static RsnnOptions defaults() { return new RsnnOptions(0.1, ValSplit.AS_RELEASED, 500, true, 100); }

        public RsnnOptions withValSplit(ValSplit v) { return new RsnnOptions(ratioVal, v, sampleSteps, extend, tileStep, context); }

        public RsnnOptions withSampleSteps(int s) { return new RsnnOptions(ratioVal, valSplit, s, extend, tileStep, context); }

        public RsnnOptions withExtend(boolean e) { return new RsnnOptions(ratioVal, valSplit, sampleSteps, e, tileStep, context); }

        public RsnnOptions withContext(int steps) { return new RsnnOptions(ratioVal, valSplit, sampleSteps, extend, tileStep, steps); }
    }

    /** notebooks/papers/rsnn.md §8 item 2. */
    public enum ValSplit {
        /**
         * Code as released: n_val = round(len(all indices) · ratioVal / 0.75), taken from the end
         * of train+val; with ratioVal 0.1 about 61.7 / 13.3 / 25 % train / val / test.
         */
        AS_RELEASED,
        /** The text's intent: n_val = round(len(all indices) · ratioVal), about 65 / 10 / 25 %. */
        PAPER_TEXT
    }

    /** Train and validation as 2 s samples, test as one continuous sequence (samples = 1). */
    public record RsnnData(SequenceSet train, SequenceSet val, SequenceSet test, int[] trainIndices, int[] valIndices, int[] testIndices) {}

    private final String name;
    private final Options options;
    private final int features;
    private final int steps;           // length of the (delayed) sample series
    private final short[][] samples;   // [feature][step]
    private final float[][] labels;    // [2][step]
    private final int[] featureIds;    // channel, or channel·slots + slot with spike sorting
    private final int[][] segments;
    private final int[] train, val, test;

    private PrimateReaching(String name, Options options, short[][] samples, float[][] labels, int[] featureIds,
                            int[][] segments, int[] train, int[] val, int[] test) {
        this.name = name;
        this.options = options;
        this.samples = samples;
        this.labels = labels;
        this.featureIds = featureIds;
        this.features = samples.length;
        this.steps = Math.min(samples.length == 0 ? labels[0].length : samples[0].length, labels[0].length);
        this.segments = segments;
        this.train = train;
        this.val = val;
        this.test = test;
    }

    /** Preprocesses {@code s} with NeuroBench's steps (see the class comment). */
    public static PrimateReaching of(ReachSession s, Options o) {
        double[] t = s.t();
        int k = t.length;
        if (k < 2) throw new IllegalArgumentException(s.name() + ": needs at least 2 time samples, got " + k);
        double[] edges = arange(t[0] - o.binWidth(), t[k - 1], SAMPLING_RATE);
        int len = edges.length;
        int slots = s.unitSlots(), chans = s.channels();

        List<byte[]> trains = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        if (!o.spikeSorting()) {
            for (int c = 0; c < chans; c++) {
                byte[] tr = new byte[len];
                for (int u = 0; u < slots; u++) markBins(s.spikeTimes()[u][c], edges, tr);
                trains.add(tr);
                ids.add(c);
            }
        } else {
            for (int c = 0; c < chans; c++) {
                for (int u = 0; u < slots; u++) {
                    byte[] tr = new byte[len];
                    if (markBins(s.spikeTimes()[u][c], edges, tr)) {
                        trains.add(tr);
                        ids.add(c * slots + u);
                    }
                }
            }
        }
        int ratio = o.ratio();
        int outLen = Math.max(0, len - ratio + 1);
        short[][] samp = new short[trains.size()][];
        for (int f = 0; f < samp.length; f++) samp[f] = validBoxcar(trains.get(f), ratio);
        float[][] lab = gradient(s.cursorPos());

        int d = o.biologicalDelay();
        if (d > 0) {
            for (int f = 0; f < samp.length; f++) samp[f] = Arrays.copyOf(samp[f], Math.max(0, outLen - d));
            for (int j = 0; j < 2; j++) lab[j] = Arrays.copyOfRange(lab[j], Math.min(d, k), k);
        }
        int[][] segs = segments(s.targetPos());
        int usable = Math.min(samp.length == 0 ? lab[0].length : samp[0].length, lab[0].length);
        int[][] split = split(segs, o, usable);
        return new PrimateReaching(s.name(), o, samp, lab, ids.stream().mapToInt(Integer::intValue).toArray(),
                segs, split[0], split[1], split[2]);
    }

    // ------------------------------------------------------------------ steps (package-private for tests)

    /** numpy {@code arange(start, stop, step)} for doubles. */
    static double[] arange(double start, double stop, double step) {
        long n = (long) Math.ceil((stop - start) / step);
        if (n <= 0) return new double[0];
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("arange too long: " + n);
        double[] a = new double[(int) n];
        double delta = (start + step) - start;
        for (int i = 0; i < n; i++) a[i] = start + i * delta;
        if (n > 0) a[0] = start;
        return a;
    }

    /**
     * Histogram of {@code times} on {@code edges} (numpy rules); sets {@code train[b + 1] = 1} for
     * every non-empty bin b. Returns whether any bin was set.
     */
    static boolean markBins(double[] times, double[] edges, byte[] train) {
        int nb = edges.length - 1;
        if (nb < 1) return false;
        boolean any = false;
        double lo = edges[0], hi = edges[nb];
        for (double x : times) {
            if (!(x >= lo && x <= hi)) continue;
            int b;
            if (x == hi) b = nb - 1;
            else {
                // number of edges <= x, minus one
                int pos = Arrays.binarySearch(edges, x);
                if (pos >= 0) {
                    while (pos + 1 < edges.length && edges[pos + 1] == x) pos++;
                    b = pos;
                } else b = -pos - 2;
            }
            train[b + 1] = 1;
            any = true;
        }
        return any;
    }

    /** 'valid' convolution with ones(ratio): out[i] = sum of train[i .. i+ratio-1]. */
    static short[] validBoxcar(byte[] train, int ratio) {
        if (ratio <= 1) {
            short[] o = new short[train.length];
            for (int i = 0; i < o.length; i++) o[i] = train[i];
            return o;
        }
        int n = Math.max(0, train.length - ratio + 1);
        short[] o = new short[n];
        int acc = 0;
        for (int i = 0; i < train.length; i++) {
            acc += train[i];
            if (i >= ratio) acc -= train[i - ratio];
            if (i >= ratio - 1) o[i - ratio + 1] = (short) acc;
        }
        return o;
    }

    /** {@code torch.gradient(float32(pos), dim=1)} with unit spacing. */
    static float[][] gradient(double[][] pos) {
        int k = pos[0].length;
        float[][] g = new float[pos.length][k];
        for (int d = 0; d < pos.length; d++) {
            float[] p = new float[k];
            for (int i = 0; i < k; i++) p[i] = (float) pos[d][i];
            if (k == 1) continue;
            g[d][0] = p[1] - p[0];
            g[d][k - 1] = p[k - 1] - p[k - 2];
            for (int i = 1; i < k - 1; i++) g[d][i] = (p[i + 1] - p[i - 1]) / 2f;
        }
        return g;
    }

    /** Segments [start, end) from target changes (see the class comment, step 7). */
    static int[][] segments(double[][] target) {
        int k = target[0].length;
        List<Integer> flags = new ArrayList<>();
        for (int i = 0; i + 1 < k; i++) {
            double s = 0;
            for (double[] row : target) s += Math.abs(row[i + 1] - row[i]);
            if (s != 0) flags.add(i);
        }
        int[][] seg = new int[flags.size() + 1][2];
        int prev = 0;
        for (int j = 0; j < flags.size(); j++) {
            seg[j][0] = prev;
            seg[j][1] = flags.get(j);
            prev = flags.get(j);
        }
        seg[flags.size()][0] = prev;
        seg[flags.size()][1] = k;
        return seg;
    }

    /** Train / val / test indices; {@code usable} bounds the indices kept. */
    static int[][] split(int[][] segs, Options o, int usable) {
        int total = segs.length;
        int trainLen = (int) Math.floor(o.trainRatio() * total);
        int valLen = (total - trainLen) / 2;
        int stride = (int) (o.stride() / SAMPLING_RATE);
        if (stride < 1) stride = 1;
        List<int[]> parts = new ArrayList<>(List.of(new int[0], new int[0], new int[0]));
        int[][] buf = new int[3][];
        int[] n = new int[3];
        for (int j = 0; j < 3; j++) buf[j] = new int[16];
        for (int i = 0; i < total; i++) {
            int len = segs[i][1] - segs[i][0];
            if (o.removeSegmentsInactive() && o.maxSegmentLength() > 0 && len >= o.maxSegmentLength()) continue;
            int which = i < trainLen ? 0 : i < trainLen + valLen ? 1 : 2;
            for (int x = segs[i][0]; x < segs[i][1]; x += stride) {
                if (x >= usable) break;
                if (n[which] == buf[which].length) buf[which] = Arrays.copyOf(buf[which], 2 * n[which]);
                buf[which][n[which]++] = x;
            }
        }
        for (int j = 0; j < 3; j++) parts.set(j, Arrays.copyOf(buf[j], n[j]));
        return new int[][] {parts.get(0), parts.get(1), parts.get(2)};
    }

    // ------------------------------------------------------------------ accessors

    public String name() { return name; }

    public Options options() { return options; }

    /** Input features: channels (96 / 192), or non-empty (channel, slot) pairs with spike sorting. */
    public int features() { return features; }

    /** Length of the sample series (after the 'valid' convolution and the delay). */
    public int steps() { return steps; }

    /** Feature ids: the channel, or channel·slots + slot with spike sorting. */
    public int[] featureIds() { return featureIds.clone(); }

    /** Segments as [start, end) sample indices. */
    public int[][] segments() {
        int[][] c = new int[segments.length][];
        for (int i = 0; i < c.length; i++) c[i] = segments[i].clone();
        return c;
    }

    public int[] trainIndices() { return train.clone(); }

    public int[] valIndices() { return val.clone(); }

    public int[] testIndices() { return test.clone(); }

    /** {@code len(dataset)}: all train, val and test indices. */
    public int size() { return train.length + val.length + test.length; }

    /** Count of feature f at sample index i. */
    public int sample(int f, int i) { return samples[f][i]; }

    /** Velocity label (0 = x, 1 = y) at index i, mm per 4 ms. */
    public float label(int d, int i) { return labels[d][i]; }

    public Split train() { return span(train); }

    public Split val() { return span(val); }

    public Split test() { return span(test); }

    /** The samples and labels at {@code idx}, time-major. */
    public Split span(int[] idx) {
        float[][] x = new float[idx.length][features];
        float[][] y = new float[idx.length][2];
        for (int i = 0; i < idx.length; i++) {
            int j = idx[i];
            for (int f = 0; f < features; f++) x[i][f] = samples[f][j];
            y[i][0] = labels[0][j];
            y[i][1] = labels[1][j];
        }
        return new Split(idx.clone(), x, y);
    }

    // ------------------------------------------------------------------ RSNN cut

    /** Number of validation indices the RSNN cut takes from the end of train+val. */
    public int rsnnValCount(RsnnOptions r) {
        double v = r.valSplit() == ValSplit.AS_RELEASED ? size() * (r.ratioVal() / 0.75) : size() * r.ratioVal();
        return (int) Math.rint(v);
    }

    /**
     * The RSNN paper's data: train+val merged, the last {@link #rsnnValCount} indices as
     * validation; both cut into {@code sampleSteps}-step samples by {@link #tile}; test = the
     * whole test span as one sequence.
     */
    public RsnnData rsnn(RsnnOptions r) {
        int[] tv = new int[train.length + val.length];
        System.arraycopy(train, 0, tv, 0, train.length);
        System.arraycopy(val, 0, tv, train.length, val.length);
        int nVal = rsnnValCount(r);
        if (nVal <= 0 || nVal >= tv.length) {
            throw new IllegalArgumentException(name + ": RSNN validation count " + nVal + " must be in 1.." + (tv.length - 1)
                    + " (train+val has " + tv.length + " indices)");
        }
        int[] tr = Arrays.copyOf(tv, tv.length - nVal);
        int[] va = Arrays.copyOfRange(tv, tv.length - nVal, tv.length);
        return new RsnnData(tile(tr, r), tile(va, r), sequence(test), tr, va, test.clone());
    }

    /** Offsets of the tilings: 0, tileStep, … &lt; sampleSteps ({@code range(0, chunks, 100)}), or just 0. */
    static int[] tileOffsets(RsnnOptions r) {
        if (!r.extend()) return new int[] {0};
        int n = (r.sampleSteps() + r.tileStep() - 1) / r.tileStep();
        int[] o = new int[n];
        for (int i = 0; i < n; i++) o[i] = i * r.tileStep();
        return o;
    }

    /**
     * Samples one tiling at {@code offset} yields from a span of {@code length} steps, as released:
     * {@code np.split(x[offset:], arange(n, L, n))[:-1]} always drops the last piece, even when it
     * is complete, so the count is max(0, ceil(L/n) − 1) with L = length − offset.
     */
    static int tileCount(int length, int offset, int n) {
        int l = length - offset;
        if (l <= n) return 0;
        return (l + n - 1) / n - 1;
    }

    /**
     * Cuts the span {@code idx} into samples (see {@link #tileCount}), each preceded by
     * {@link RsnnOptions#context} steps of history (the sequences then have context + sampleSteps steps).
     */
    public SequenceSet tile(int[] idx, RsnnOptions r) {
        int n = r.sampleSteps(), ctx = r.context(), len = ctx + n;
        int[] offs = tileOffsets(r);
        int total = 0;
        for (int o : offs) total += tileCount(idx.length, o, n);
        if (total == 0) {
            throw new IllegalArgumentException(name + ": a span of " + idx.length + " steps holds no complete sample of "
                    + n + " steps");
        }
        float[] x = new float[total * len * features];
        float[] y = new float[total * len * 2];
        int s = 0;
        for (int o : offs) {
            int c = tileCount(idx.length, o, n);
            for (int q = 0; q < c; q++, s++) {
                for (int step = 0; step < len; step++) {
                    int at = o + q * n + step - ctx;
                    int base = s * len + step;
                    int j = idx[Math.max(0, at)];
                    if (at >= 0) {
                        for (int f = 0; f < features; f++) x[base * features + f] = samples[f][j];
                    }
                    y[base * 2] = labels[0][j];
                    y[base * 2 + 1] = labels[1][j];
                }
            }
        }
        return new SequenceSet(x, y, total, len, features, 2);
    }

    /** The span {@code idx} as one sequence (samples = 1). */
    public SequenceSet sequence(int[] idx) {
        float[] x = new float[idx.length * features];
        float[] y = new float[idx.length * 2];
        for (int i = 0; i < idx.length; i++) {
            int j = idx[i];
            for (int f = 0; f < features; f++) x[i * features + f] = samples[f][j];
            y[2 * i] = labels[0][j];
            y[2 * i + 1] = labels[1][j];
        }
        return new SequenceSet(x, y, 1, idx.length, features, 2);
    }
}
