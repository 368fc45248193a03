package org.spikekit.metrics;

/**
 * The van Rossum distance between two spike trains on a common grid, as the Blocks paper's
 * neural-fitting loss (notebooks/papers/blocks.md §5.3; van Rossum 2001):
 * <pre>
 *   e[t] = model[t] − data[t]
 *   f[t] = Σ_{j≤t} exp(−(t−j)/τ)·e[j]          (causal exponential kernel, τ in samples)
 *   D    = sqrt((1/τ)·Σ_t f[t]²)                 (the paper's dt/τ with dt = 1 sample)
 * </pre>
 * computed with the recursion {@code f[t] = d·f[t−1] + e[t]}, {@code d = exp(−1/τ)}, in double
 * precision. The gradient with respect to the model train is the same kernel run backwards:
 * {@code ∂D/∂model[j] = Σ_{t≥j} d^{t−j}·f[t]/(τ·D)} (0 when D = 0: the distance is not
 * differentiable there and the trains agree).
 */
public final class VanRossum {
    private VanRossum() {}

    /** The paper's τ: 100 samples of the 0.1-ms grid = 10 ms. */
    public static final double PAPER_TAU = 100;

    /**
     * Distance of one pair of trains.
     *
     * @param model spikes (or any real values) of the model, length T
     * @param data recorded spikes, length T
     * @param tau kernel time constant in samples, &gt; 0
     * @param grad if not null, receives ∂D/∂model (length T; overwritten)
     */
    public static double distance(float[] model, int mo, float[] data, int dOff, int n, double tau, float[] grad, int go) {
        if (!(tau > 0) || !Double.isFinite(tau)) throw new IllegalArgumentException("VanRossum: tau must be a positive number of samples, got " + tau);
        if (n < 0 || mo < 0 || dOff < 0 || mo + n > model.length || dOff + n > data.length || (grad != null && (go < 0 || go + n > grad.length))) {
            throw new IllegalArgumentException("VanRossum: range of " + n + " samples does not fit the arrays (model " + model.length
                    + " from " + mo + ", data " + data.length + " from " + dOff + (grad == null ? "" : ", grad " + grad.length + " from " + go) + ")");
        }
        double d = Math.exp(-1 / tau), f = 0, sum = 0;
        double[] fs = grad == null ? null : new double[n];
        for (int t = 0; t < n; t++) {
            double e = (double) model[mo + t] - data[dOff + t];
            if (Double.isNaN(e)) throw new IllegalArgumentException("VanRossum: NaN at sample " + t);
            f = d * f + e;
            sum += f * f;
            if (fs != null) fs[t] = f;
        }
        double dist = Math.sqrt(sum / tau);
        if (grad != null) {
            if (dist == 0) {
                java.util.Arrays.fill(grad, go, go + n, 0f);
            } else {
                double scale = 1 / (tau * dist), lam = 0;
                for (int t = n - 1; t >= 0; t--) {
                    lam = d * lam + fs[t];
                    grad[go + t] = (float) (lam * scale);
                }
            }
        }
        return dist;
    }

    /** Distance of two whole trains of equal length. */
    public static double distance(float[] model, float[] data, double tau) {
        if (model.length != data.length) {
            throw new IllegalArgumentException("VanRossum: trains differ in length (model " + model.length + ", data " + data.length + ")");
        }
        return distance(model, 0, data, 0, model.length, tau, null, 0);
    }
}
