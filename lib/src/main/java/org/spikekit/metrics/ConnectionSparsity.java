package org.spikekit.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.spikekit.compute.Tensor;

/**
 * NeuroBench connection sparsity: (# weights exactly equal to zero) / (# weights) over all
 * LINEAR, RECURRENT and CONV layers; biases are excluded except for RECURRENT layers (PyTorch
 * RNN-family biases are part of the layer's weights in NeuroBench). Extra parameters (time
 * constants) are not connections and do not count. {@link #of} rounds to 4 decimals like
 * NeuroBench (round-half-even on the exact double, as Python's {@code round(x, 4)});
 * {@link #exact} does not round.
 */
public final class ConnectionSparsity implements StaticMetric<Double> {

    @Override
    public Double of(MetricModel model) {
        return round4(exact(model));
    }

    /** Unrounded zero fraction; 0 for a model without layers. */
    public static double exact(MetricModel model) {
        long zeros = 0, total = 0;
        for (MetricLayer l : model.layers()) {
            zeros += countZeros(l.weight());
            total += l.weight().size();
            if (l.kind() == MetricLayer.Kind.RECURRENT && l.bias() != null) {
                zeros += countZeros(l.bias());
                total += l.bias().size();
            }
        }
        return total == 0 ? 0.0 : (double) zeros / total;
    }

    static long countZeros(Tensor t) {
        float[] h = t.backend().toHost(t);
        long z = 0;
        for (float v : h) if (v == 0f) z++;   // +0 and -0; NaN is not zero
        return z;
    }

    /** Python {@code round(x, 4)}: correctly rounded, ties to even, on the exact binary value. */
    static double round4(double x) {
        return new BigDecimal(x).setScale(4, RoundingMode.HALF_EVEN).doubleValue();
    }
}
