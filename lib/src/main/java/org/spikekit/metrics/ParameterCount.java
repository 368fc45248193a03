package org.spikekit.metrics;

import org.spikekit.compute.Tensor;

/** Number of parameter elements: layer weights, biases and extra parameters (each tensor once). */
public final class ParameterCount implements StaticMetric<Long> {

    @Override
    public Long of(MetricModel model) {
        long n = 0;
        for (Tensor t : model.parameterTensors()) n += t.size();
        return n;
    }
}
