package org.spikekit.data.perich;

import java.util.Arrays;
import org.spikekit.data.Intervals;
import org.spikekit.data.perich.PerichNwb.Task;

/**
 * One Perich session after the Spikachu preprocessing ({@link PerichPrep}, notebooks/papers/spikachu.md §3.2
 * steps 1–5): spikes as events, z-scored cursor velocity with a behaviour label and a loss weight per
 * sample, and the train/valid/test sampling intervals.
 *
 * <p>Arrays are shared, not copied: treat them as read-only.
 *
 * @param id session id, e.g. {@code c_20150311_center_out_reaching}
 * @param subject subject id
 * @param task center-out or random-target
 * @param source {@code real} (a DANDI file under {@code data/raw/perich/}) or {@code synthetic}
 *     (a {@link PerichGenerator} stand-in)
 * @param units number of units; unit indices are {@code 0..units−1} in the file's unit order
 * @param spikeTimes every spike of the session in seconds, ascending (ties in unit order)
 * @param spikeUnits the unit index of each spike, parallel to {@code spikeTimes}
 * @param t velocity sample times in seconds, strictly increasing ({@code k})
 * @param velocity z-scored cursor velocity {@code [k, 2]} row-major (x0, y0, x1, ...), with the
 *     global scaler of {@link PerichPrep.Scaler}
 * @param labels behaviour label per sample ({@link PerichPrep#RANDOM} .. {@link PerichPrep#OUTLIER})
 * @param weights loss weight per sample (subtask weight of its label: REACH 5, others 1 by default)
 * @param domain the recording's time span {@code [t[0], t[k−1])} (POYO's automatic domain)
 * @param train training sampling intervals: the domain minus the dilated valid and test trials
 * @param valid validation trials {@code [start_time, stop_time)}
 * @param test test trials {@code [start_time, stop_time)}
 * @param validTrials number of trials that passed the validity rules (train + valid + test trials)
 */
public record PerichSession(String id, String subject, Task task, String source, int units, double[] spikeTimes,
                            int[] spikeUnits, double[] t, double[] velocity, byte[] labels, float[] weights, Intervals domain,
                            Intervals train, Intervals valid, Intervals test, int validTrials) {
    /** Checks that the per-sample and per-spike arrays have matching lengths. */
    public PerichSession {
        int k = t.length;
        if (velocity.length != 2 * k || labels.length != k || weights.length != k) {
            throw new IllegalArgumentException("PerichSession " + id + ": velocity needs 2·k, labels and weights k values (k = " + k + ")");
        }
        if (spikeTimes.length != spikeUnits.length) {
            throw new IllegalArgumentException("PerichSession " + id + ": spikeTimes and spikeUnits differ in length");
        }
        if (units < 1) throw new IllegalArgumentException("PerichSession " + id + ": needs at least one unit");
    }

    /** Number of velocity samples k. */
    public int samples() { return t.length; }

    /** Number of spikes. */
    public int spikeCount() { return spikeTimes.length; }

    /** Whether the session comes from a real DANDI file. */
    public boolean real() { return source.equals("real"); }

    /** Index of the first spike at or after {@code time} (binary search; {@link #spikeCount()} if none). */
    public int firstSpikeAtOrAfter(double time) { return lowerBound(spikeTimes, time); }

    /** Index of the first velocity sample at or after {@code time} ({@link #samples()} if none). */
    public int firstSampleAtOrAfter(double time) { return lowerBound(t, time); }

    static int lowerBound(double[] a, double x) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Number of samples carrying each label 0..5. */
    public int[] labelCounts() {
        int[] c = new int[PerichPrep.LABEL_NAMES.size()];
        for (byte b : labels) c[b]++;
        return c;
    }

    @Override
    public String toString() {
        return "PerichSession[" + id + ", " + source + ", " + units + " units, " + spikeTimes.length + " spikes, " + t.length
                + " samples, " + validTrials + " valid trials, labels " + Arrays.toString(labelCounts()) + ", train "
                + String.format(java.util.Locale.ROOT, "%.1f s, valid %.1f s, test %.1f s]", train.totalLength(),
                valid.totalLength(), test.totalLength());
    }
}
