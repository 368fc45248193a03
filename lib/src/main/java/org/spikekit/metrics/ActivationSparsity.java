package org.spikekit.metrics;

import org.spikekit.compute.Tensor;

/**
 * NeuroBench activation sparsity: 1 − (# non-zero outputs) / (# outputs) over every spiking-neuron
 * layer output, all time steps and all samples. Feed each spiking layer's output tensor (any shape,
 * e.g. {@code [T, B, N]} or one step {@code [B, N]}) through {@link #observe}. Non-spiking layers
 * (readouts, LayerNorm) must not be fed.
 */
public final class ActivationSparsity implements WorkloadMetric<Double> {
    private long nonZero, total;

    /** Counts the outputs of one spiking layer (any shape). */
    public void observe(Tensor spikingOutput) {
        observe(spikingOutput.backend().toHost(spikingOutput));
    }

    /** Host form of {@link #observe(Tensor)}. */
    public void observe(float[] spikingOutput) {
        long nz = 0;
        for (float v : spikingOutput) if (v != 0f) nz++;
        nonZero += nz;
        total += spikingOutput.length;
    }

    @Override
    public Double compute() {
        if (total == 0) throw new IllegalStateException("ActivationSparsity: no activations observed");
        return 1.0 - (double) nonZero / total;
    }

    public long nonZero() { return nonZero; }

    public long total() { return total; }

    @Override
    public void reset() {
        nonZero = 0;
        total = 0;
    }
}
