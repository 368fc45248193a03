package org.spikekit.metrics;

/**
 * NeuroBench footprint in bytes: Σ over parameters of numel × element size of the model's parameter
 * type, plus Σ over buffers of numel × the buffer's own element size. Halves when the parameters
 * are stored as float16.
 */
public final class Footprint implements StaticMetric<Long> {

    @Override
    public Long of(MetricModel model) {
        long bytes = new ParameterCount().of(model) * model.parameterType().bytes();
        for (Buffer b : model.buffers()) bytes += b.bytes();
        return bytes;
    }
}
