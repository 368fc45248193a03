package org.spikekit.model;

import org.spikekit.compute.Tensor;
import org.spikekit.core.SequenceModel;
import org.spikekit.metrics.DType;
import org.spikekit.metrics.MetricModel;

/**
 * A sequence model that NeuroBench-style metrics can be computed for ({@link NeuroBenchEval}):
 * it describes its connections, parameters and buffers ({@link #describe}) and, run on a test
 * sequence, reports what each connection received and what each spiking layer emitted
 * ({@link #run}). Implemented by {@link Rsnn}, {@link Snn2} and {@link Snn3}.
 */
public interface NeuroBenchModel extends SequenceModel {

    /**
     * Static description for footprint, parameter count, connection sparsity and dense operations.
     * Weight tensors are the model's own where the layout allows, otherwise snapshots; describe
     * again after the weights change (training, pruning).
     *
     * @param parameterType storage type every parameter is counted with (FLOAT16 for tinyRSNN as
     *                      evaluated in the paper, FLOAT32 otherwise)
     */
    MetricModel describe(DType parameterType);

    /**
     * Runs the model in evaluation mode (no dropout) on {@code x} {@code [T, B, inputs]} from its
     * reset state, each of the B sequences on its own, and returns the prediction with the
     * per-layer inputs and spiking outputs the workload metrics need.
     */
    Workload run(Tensor x);
}
