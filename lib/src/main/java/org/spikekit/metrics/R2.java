package org.spikekit.metrics;

import java.util.Arrays;
import org.spikekit.compute.Tensor;

/**
 * Coefficient of determination as NeuroBench computes it for regression benchmarks: per output
 * dimension d, over ALL samples of the whole test set (every update since the last reset),
 * <pre>
 *   SSE_d = Σ (y_d − ŷ_d)²,   SST_d = Σ (y_d − ȳ_d)² = N · Var_pop(y_d)   (ȳ_d: mean over all samples)
 *   R²_d  = 1 − SSE_d / SST_d,   R² = mean over d of R²_d
 * </pre>
 * This is not the mean of per-window (per-batch) R² values: the target mean is global.
 *
 * <p>Streaming and numerically careful: SSE is a compensated (Neumaier) double sum, SST is kept as
 * Welford's M2 merged batch by batch with Chan's formula, so results do not depend on how the test
 * sequence is split into updates and do not suffer from Σy² − Nȳ² cancellation. A constant target
 * (SST = 0) gives −∞ (or NaN when also SSE = 0), as the floating-point formula does.
 */
public final class R2 implements StreamingMetric<Double> {
    private int dims = -1;
    private long n;
    private double[] mean, m2, sse, sseComp;

    @Override
    public void update(Tensor prediction, Tensor target) {
        if (!prediction.sameShape(target)) {
            throw new IllegalArgumentException("prediction shape " + Arrays.toString(prediction.shape())
                    + " differs from target shape " + Arrays.toString(target.shape()));
        }
        if (prediction.rank() == 0) throw new IllegalArgumentException("R2 needs at least one dimension");
        update(prediction.backend().toHost(prediction), target.backend().toHost(target), prediction.dim(-1));
    }

    /**
     * Host-array form: {@code prediction} and {@code target} hold samples × {@code dims} values,
     * row-major (the last dimension is the output dimension).
     */
    public void update(float[] prediction, float[] target, int dims) {
        if (dims <= 0) throw new IllegalArgumentException("dims must be positive, got " + dims);
        if (prediction.length != target.length) {
            throw new IllegalArgumentException("prediction has " + prediction.length + " values, target " + target.length);
        }
        if (prediction.length % dims != 0) {
            throw new IllegalArgumentException(prediction.length + " values are not a multiple of dims = " + dims);
        }
        if (this.dims < 0) init(dims);
        else if (this.dims != dims) {
            throw new IllegalArgumentException("output dimension changed from " + this.dims + " to " + dims);
        }
        int rows = prediction.length / dims;
        if (rows == 0) return;
        for (int d = 0; d < dims; d++) {
            // batch mean and M2 of the target, then Chan's merge into the running ones
            double bMean = 0;
            for (int r = 0; r < rows; r++) bMean += target[r * dims + d];
            bMean /= rows;
            double bM2 = 0;
            double s = sse[d], c = sseComp[d];
            for (int r = 0; r < rows; r++) {
                double y = target[r * dims + d];
                double dy = y - bMean;
                bM2 += dy * dy;
                double e = y - prediction[r * dims + d];
                double term = e * e;
                double t = s + term;                       // Neumaier compensated sum
                c += Math.abs(s) >= Math.abs(term) ? (s - t) + term : (term - t) + s;
                s = t;
            }
            sse[d] = s;
            sseComp[d] = c;
            double delta = bMean - mean[d];
            long total = n + rows;
            mean[d] += delta * rows / total;
            m2[d] += bM2 + delta * delta * ((double) n * rows / total);
        }
        n += rows;
    }

    private void init(int d) {
        dims = d;
        mean = new double[d];
        m2 = new double[d];
        sse = new double[d];
        sseComp = new double[d];
    }

    /** Mean of {@link #perDimension()}. */
    @Override
    public Double compute() {
        double[] r = perDimension();
        double s = 0;
        for (double v : r) s += v;
        return s / r.length;
    }

    /** R²_d for each output dimension. */
    public double[] perDimension() {
        if (n == 0) throw new IllegalStateException("R2: no samples seen");
        double[] r = new double[dims];
        for (int d = 0; d < dims; d++) r[d] = 1.0 - sse(d) / m2[d];
        return r;
    }

    /** Samples seen (rows, not values). */
    public long count() { return n; }

    /** Σ (y_d − ŷ_d)² so far. */
    public double sse(int d) { return sse[d] + sseComp[d]; }

    /** Σ (y_d − ȳ_d)² so far, ȳ_d the mean of all targets seen. */
    public double sst(int d) { return m2[d]; }

    @Override
    public void reset() {
        dims = -1;
        n = 0;
        mean = m2 = sse = sseComp = null;
    }
}
