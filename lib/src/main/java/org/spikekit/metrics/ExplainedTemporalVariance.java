package org.spikekit.metrics;

import java.util.List;

/**
 * Explained temporal variance (ETV), the Blocks paper's neural-fitting metric (notebooks/papers/blocks.md §6):
 * <ul>
 *   <li>each spike train (one per test epoch) is smoothed with a unit-area Gaussian of σ samples
 *       (truncated at ±4σ, zero outside the epoch), and the smoothed epochs of one trial are
 *       concatenated;</li>
 *   <li>{@code EV(x, y) = (var x + var y − var(x − y)) / (var x + var y)} (population variances;
 *       1 for identical traces, 0 for uncorrelated ones; defined as 0 when both are constant);</li>
 *   <li>raw score = mean over the recorded trials of {@code EV(trial, model)}; noise ceiling =
 *       mean over the trials of {@code EV(trial, trial average)}; ETV = raw / ceiling.</li>
 * </ul>
 * The paper's figures use σ = 150 samples (15 ms on the 0.1-ms grid); τ ∈ {50, 100, 150} were reported.
 */
public final class ExplainedTemporalVariance {
    private ExplainedTemporalVariance() {}

    /** The σ of the paper's figures: 150 samples of the 0.1-ms grid. */
    public static final double PAPER_SIGMA = 150;

    /** ETV and its two parts. */
    public record Score(double etv, double raw, double ceiling) {}

    /** Gaussian smoothing of one train (same length; unit-area kernel truncated at ±4σ). */
    public static double[] smooth(float[] train, double sigma) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) throw new IllegalArgumentException("ETV: sigma must be a positive number of samples, got " + sigma);
        int h = (int) Math.ceil(4 * sigma);
        double[] k = new double[2 * h + 1];
        double s = 0;
        for (int i = -h; i <= h; i++) s += k[i + h] = Math.exp(-0.5 * (i / sigma) * (i / sigma));
        for (int i = 0; i < k.length; i++) k[i] /= s;
        int n = train.length;
        double[] out = new double[n];
        for (int t = 0; t < n; t++) {
            float v = train[t];
            if (Float.isNaN(v)) throw new IllegalArgumentException("ETV: NaN in a spike train at sample " + t);
            if (v == 0f) continue;
            int lo = Math.max(0, t - h), hi = Math.min(n - 1, t + h);
            for (int u = lo; u <= hi; u++) out[u] += v * k[u - t + h];
        }
        return out;
    }

    /** Smooths each epoch and concatenates them. */
    public static double[] smoothConcat(List<float[]> epochs, double sigma) {
        int total = 0;
        for (float[] e : epochs) total += e.length;
        double[] out = new double[total];
        int o = 0;
        for (float[] e : epochs) {
            double[] s = smooth(e, sigma);
            System.arraycopy(s, 0, out, o, s.length);
            o += s.length;
        }
        return out;
    }

    /** Explained variance of two equally long traces. */
    public static double ev(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("ETV: traces differ in length (" + x.length + " vs " + y.length + ")");
        double vx = variance(x, null), vy = variance(y, null), vd = variance(x, y);
        double den = vx + vy;
        return den == 0 ? 0 : (vx + vy - vd) / den;
    }

    private static double variance(double[] a, double[] minus) {
        int n = a.length;
        if (n == 0) return 0;
        double m = 0;
        for (int i = 0; i < n; i++) m += a[i] - (minus == null ? 0 : minus[i]);
        m /= n;
        double v = 0;
        for (int i = 0; i < n; i++) {
            double d = a[i] - (minus == null ? 0 : minus[i]) - m;
            v += d * d;
        }
        return v / n;
    }

    /**
     * ETV of a model prediction against recorded trials.
     *
     * @param trials per trial, its epochs' spike trains (every trial the same epoch lengths)
     * @param model the model's spike trains for the same epochs
     * @param sigma Gaussian σ in samples
     */
    public static Score score(List<List<float[]>> trials, List<float[]> model, double sigma) {
        if (trials.size() < 2) throw new IllegalArgumentException("ETV: need at least 2 recorded trials for the noise ceiling, got " + trials.size());
        double[] m = smoothConcat(model, sigma);
        double[][] tr = new double[trials.size()][];
        for (int i = 0; i < tr.length; i++) {
            tr[i] = smoothConcat(trials.get(i), sigma);
            if (tr[i].length != m.length) {
                throw new IllegalArgumentException("ETV: trial " + i + " has " + tr[i].length + " samples, the model " + m.length);
            }
        }
        double[] avg = new double[m.length];
        for (double[] t : tr) for (int i = 0; i < avg.length; i++) avg[i] += t[i] / tr.length;
        double raw = 0, ceil = 0;
        for (double[] t : tr) {
            raw += ev(t, m) / tr.length;
            ceil += ev(t, avg) / tr.length;
        }
        return new Score(ceil == 0 ? Double.NaN : raw / ceil, raw, ceil);
    }
}
