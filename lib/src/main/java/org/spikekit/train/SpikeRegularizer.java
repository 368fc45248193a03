package org.spikekit.train;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;

/**
 * stork's activity regularisers on the hidden spike counts {@code c_{b,i} = Σ_t S[t, b, i]} of one
 * sample (notebooks/papers/rsnn.md §4.4):
 * <pre>
 *   lower = lowerStrength · mean_{b,i} relu(lowerThreshold − c_{b,i})²            per neuron (punishes silent neurons)
 *   upper = upperStrength · mean_b relu(mean_i c_{b,i} − upperThreshold)²         population mean per sample
 * </pre>
 * The gradient w.r.t. every S[t, b, i] equals dL/dc_{b,i}. Composed from Backend primitives.
 *
 * <p>Thresholds are spike counts per sample. As released (default): upper threshold 10 spikes per
 * 2-s sample (= 5 Hz); the paper text says 10 Hz, i.e. 20 spikes per 2-s sample
 * ({@link #withUpperRateHz}; notebooks/papers/rsnn.md §8 item 1).
 */
public record SpikeRegularizer(double lowerStrength, double lowerThreshold, double upperStrength, double upperThreshold) {

    public SpikeRegularizer {
        if (!(lowerStrength >= 0) || !(upperStrength >= 0)) {
            throw new IllegalArgumentException("SpikeRegularizer strengths must be >= 0, got " + lowerStrength + ", " + upperStrength);
        }
        if (!Double.isFinite(lowerThreshold) || !Double.isFinite(upperThreshold)) {
            throw new IllegalArgumentException("SpikeRegularizer thresholds must be finite");
        }
    }

    /** tinyRSNN as released: lower 100 / 1e-3, upper 0.01 / 10 spikes per sample. */
    public static SpikeRegularizer tinyRsnn() { return new SpikeRegularizer(100, 1e-3, 0.01, 10); }

    /** bigRSNN as released: lower 100 / 1e-3, upper strength 0. */
    public static SpikeRegularizer bigRsnn() { return new SpikeRegularizer(100, 1e-3, 0, 10); }

    /** No regularisation. */
    public static SpikeRegularizer none() { return new SpikeRegularizer(0, 0, 0, 0); }

    /**
     * The paper-text variant of the upper bound: a mean rate of {@code rateHz} over a sample of
     * {@code steps} steps of {@code dtS} seconds (10 Hz, 500 × 4 ms → 20 spikes).
     */
    public SpikeRegularizer withUpperRateHz(double rateHz, int steps, double dtS) {
        return new SpikeRegularizer(lowerStrength, lowerThreshold, upperStrength, rateHz * steps * dtS);
    }

    /** Value and gradient. */
    public record Result(double lower, double upper) {
        public double total() { return lower + upper; }
    }

    /**
     * Computes both terms for spikes {@code [T, B, N]}; when {@code grad} is not null, ADDS dL/dS into it.
     */
    public Result apply(Tensor spikes, Tensor grad) {
        if (spikes.rank() != 3) throw new IllegalArgumentException("SpikeRegularizer: spikes must be [T, B, N], got " + spikes);
        if (grad != null && !grad.sameShape(spikes)) throw new IllegalArgumentException("SpikeRegularizer: grad " + grad + " must match spikes " + spikes);
        Backend be = spikes.backend();
        int t = spikes.dim(0), b = spikes.dim(1), n = spikes.dim(2);
        Tensor c = be.zeros(b, n);
        be.sumRows(spikes.reshape(t, b * n), 0f, c.reshape(b * n));             // c[b, i] = Σ_t S
        Tensor dc = grad == null ? null : be.zeros(b, n);
        double lower = 0, upper = 0;
        if (lowerStrength > 0) {
            Tensor r = be.zeros(b, n);
            be.affine(c, -1f, (float) lowerThreshold, r);
            be.map(UnaryOp.RELU, r, r);                                       // relu(θ − c)
            lower = lowerStrength * be.dot(r, r) / ((double) b * n);
            if (dc != null) be.axpby((float) (-2 * lowerStrength / ((double) b * n)), r, 1f, dc);
        }
        if (upperStrength > 0) {
            Tensor m = be.zeros(b, 1);
            be.sumCols(c, 0f, m.reshape(b));
            be.affine(m, 1f / n, (float) -upperThreshold, m);
            be.map(UnaryOp.RELU, m, m);                                       // relu(mean_i c − θ)
            upper = upperStrength * be.dot(m, m) / b;
            if (dc != null) {
                Tensor ones = be.zeros(1, n);
                be.fill(ones, 1f);
                be.gemm(false, false, (float) (2 * upperStrength / ((double) b * n)), m, ones, 1f, dc);
            }
        }
        if (grad != null) {
            Tensor g2 = grad.reshape(t, b * n);
            be.zipRow(org.spikekit.compute.BinaryOp.ADD, g2, dc.reshape(b * n), g2);
        }
        return new Result(lower, upper);
    }
}
