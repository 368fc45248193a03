package org.spikekit.metrics;

/**
 * A metric computed from the model description alone, without data (NeuroBench static metrics:
 * footprint, connection sparsity, parameter count, dense operations).
 *
 * @param <R> result type
 */
@FunctionalInterface
public interface StaticMetric<R> {

    R of(MetricModel model);
}
