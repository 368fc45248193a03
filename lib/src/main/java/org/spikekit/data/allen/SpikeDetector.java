package org.spikekit.data.allen;

import java.util.Arrays;

/**
 * Spike detection on a membrane-potential trace after AllenSDK's {@code EphysSweepFeatureExtractor}
 * ({@code ephys_features.detect_putative_spikes}, {@code find_peak_indexes},
 * {@code filter_putative_spikes}, {@code find_upstroke_indexes},
 * {@code refine_threshold_indexes}); its "threshold_t" is what the Blocks paper bins into spike
 * trains (notebooks/papers/blocks.md §3.5). With {@code dV/dt[i] = (V[i+1] − V[i])·fs} in mV/ms (a forward
 * difference, index i, as {@code numpy.diff}):
 * <ol>
 *   <li>a putative spike is an upward crossing of the cutoff (20 mV/ms): {@code dV/dt[i] < cutoff
 *       ≤ dV/dt[i+1]}, at index i;</li>
 *   <li>its peak is the sample where dV/dt first turns negative after the crossing (the end of the
 *       rise), looked for within {@code peakWindowMs} (2 ms); if dV/dt stays non-negative that long,
 *       the largest V in the window;</li>
 *   <li>its upstroke is the largest dV/dt between the crossing and the peak;</li>
 *   <li>its threshold is found by walking back from the upstroke to the last index whose dV/dt is
 *       below {@code thresholdFraction} (5 %) of the upstroke's dV/dt, not past the previous
 *       spike's peak;</li>
 *   <li>it is dropped if the peak is below {@code minPeakMv} (−30 mV) or less than
 *       {@code minHeightMv} (2 mV) above the threshold.</li>
 * </ol>
 * Scanning resumes at the peak, so crossings during one rise count once (AllenSDK keeps a later
 * crossing only after dV/dt went negative).
 *
 * <p>Simplifications against AllenSDK, documented because they can move a threshold by a sample
 * or two on real recordings: (a) no low-pass filter before differentiating (AllenSDK filters V
 * with a 4-pole Bessel at 10 kHz, forwards and backwards; at 20 kHz it would refuse that filter);
 * (b) the 5 % threshold fraction is taken of each spike's own upstroke, not of the mean upstroke
 * of all spikes in the sweep; (c) the later consistency checks of {@code check_thresholds_and_peaks}
 * (clipped spikes at the sweep end, threshold re-detection across a too-long threshold-to-peak
 * interval) are not done; (d) the peak is the end of the rise rather than the maximum up to the
 * next putative spike.
 */
public final class SpikeDetector {
    private SpikeDetector() {}

    /**
     * Detection settings.
     *
     * @param cutoffMvPerMs dV/dt level whose upward crossing marks a putative spike (AllenSDK {@code dv_cutoff} 20)
     * @param thresholdFraction threshold at this fraction of the upstroke's dV/dt (AllenSDK {@code thresh_frac} 0.05)
     * @param minPeakMv peaks below this are not spikes (AllenSDK {@code min_peak} −30)
     * @param minHeightMv peak − threshold below this is not a spike (AllenSDK {@code min_height} 2)
     * @param peakWindowMs how long after the crossing the peak is looked for (2 ms)
     */
    public record Config(double cutoffMvPerMs, double thresholdFraction, double minPeakMv, double minHeightMv, double peakWindowMs) {
        public Config {
            if (!(cutoffMvPerMs > 0) || !(thresholdFraction > 0 && thresholdFraction < 1) || !Double.isFinite(minPeakMv)
                    || !(minHeightMv >= 0) || !(peakWindowMs > 0)) {
                throw new IllegalArgumentException("SpikeDetector.Config: expected cutoff > 0, fraction in (0, 1), finite min peak, "
                        + "min height >= 0, peak window > 0; got " + cutoffMvPerMs + ", " + thresholdFraction + ", " + minPeakMv
                        + ", " + minHeightMv + ", " + peakWindowMs);
            }
        }

        /** AllenSDK's defaults: 20 mV/ms, 5 %, −30 mV, 2 mV; peak within 2 ms. */
        public static Config allen() { return new Config(20, 0.05, -30, 2, 2); }
    }

    /**
     * Detected spikes, ascending.
     *
     * @param threshold sample index of each spike's threshold ("threshold_t" = index / fs)
     * @param peak sample index of each spike's peak
     * @param samplingRate Hz of the trace
     */
    public record Spikes(int[] threshold, int[] peak, double samplingRate) {
        public int count() { return threshold.length; }

        /** Threshold times in seconds from the first sample. */
        public double[] thresholdTimes() {
            double[] t = new double[threshold.length];
            for (int i = 0; i < t.length; i++) t[i] = threshold[i] / samplingRate;
            return t;
        }
    }

    /** Detects spikes in {@code voltageMv} (mV) sampled at {@code samplingRate} Hz with AllenSDK's defaults. */
    public static Spikes detect(float[] voltageMv, double samplingRate) {
        return detect(voltageMv, samplingRate, 1.0, Config.allen());
    }

    /**
     * Detects spikes in {@code voltage × toMv} (e.g. {@code toMv = 1000} for volts).
     *
     * @throws IllegalArgumentException for a non-positive rate or scale
     */
    public static Spikes detect(float[] voltage, double samplingRate, double toMv, Config cfg) {
        if (!(samplingRate > 0) || !Double.isFinite(samplingRate)) throw new IllegalArgumentException("SpikeDetector: sampling rate must be > 0 Hz, got " + samplingRate);
        if (!(toMv > 0) || !Double.isFinite(toMv)) throw new IllegalArgumentException("SpikeDetector: toMv must be > 0, got " + toMv);
        int n = voltage.length;
        if (n < 3) return new Spikes(new int[0], new int[0], samplingRate);
        double k = toMv * samplingRate / 1000.0; // volts-per-sample → mV/ms
        double[] dvdt = new double[n - 1];
        for (int i = 0; i < n - 1; i++) dvdt[i] = ((double) voltage[i + 1] - voltage[i]) * k;
        int window = Math.max(2, (int) Math.round(cfg.peakWindowMs() * samplingRate / 1000.0));
        double cut = cfg.cutoffMvPerMs();
        int[] thr = new int[16], pk = new int[16];
        int found = 0, lowerBound = 0;
        int i = 0;
        while (i + 1 < n - 1) {
            if (!(dvdt[i] < cut && dvdt[i + 1] >= cut)) {
                i++;
                continue;
            }
            int s = i;
            int limit = Math.min(n - 1, s + window);
            int p = s + 1;
            while (p < limit && dvdt[p] >= 0) p++;
            boolean rose = p < limit;
            if (!rose) {
                p = s;
                for (int j = s + 1; j <= limit; j++) if (voltage[j] > voltage[p]) p = j;
            }
            int u = s;
            for (int j = s + 1; j < Math.max(s + 1, p); j++) if (dvdt[j] > dvdt[u]) u = j;
            double target = cfg.thresholdFraction() * dvdt[u];
            int t = u;
            while (t > lowerBound && !(dvdt[t] < target)) t--;
            double peakMv = voltage[p] * toMv, thrMv = voltage[t] * toMv;
            if (peakMv >= cfg.minPeakMv() && peakMv - thrMv >= cfg.minHeightMv()) {
                if (found == thr.length) {
                    thr = Arrays.copyOf(thr, 2 * found);
                    pk = Arrays.copyOf(pk, 2 * found);
                }
                thr[found] = t;
                pk[found] = p;
                found++;
                lowerBound = p;
            }
            i = Math.max(p, s + 1);
        }
        return new Spikes(Arrays.copyOf(thr, found), Arrays.copyOf(pk, found), samplingRate);
    }
}
