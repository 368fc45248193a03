package org.spikekit.metrics;

/**
 * A metric of the computation a model performs on the test data (NeuroBench workload metrics).
 * Implementations are fed with layer inputs or neuron outputs through their own observe methods,
 * then {@link #compute} gives the value over everything observed.
 *
 * @param <R> result type
 */
public interface WorkloadMetric<R> {

    R compute();

    void reset();
}
