package org.spikekit.metrics;

/**
 * NeuroBench "Dense" synaptic operations per output sample, from the description alone:
 * Σ over layers of fanIn × fanOut × internalSteps (every input and weight taken as non-zero,
 * biases not counted). Equals the Dense that {@link SynapticOperations} measures on data.
 */
public final class DenseOperations implements StaticMetric<Long> {

    @Override
    public Long of(MetricModel model) {
        long n = 0;
        for (MetricLayer l : model.layers()) n += l.denseOpsPerSample();
        return n;
    }
}
