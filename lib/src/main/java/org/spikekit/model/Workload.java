package org.spikekit.model;

import java.util.List;
import java.util.Objects;
import org.spikekit.compute.Tensor;

/**
 * What a {@link NeuroBenchModel} did on one test input: the prediction, the input every
 * connection received (one entry per layer of {@link NeuroBenchModel#describe}), and the output of
 * every spiking-neuron layer.
 *
 * @param prediction     {@code [T, B, outputs]}
 * @param layerInputs    per connection, all its calls stacked as rows
 * @param spikingOutputs outputs of every spiking-neuron layer, any shape (activation sparsity counts
 *                       every element); non-spiking layers (readouts, LayerNorm) are not listed
 * @param samples        output samples (= T·B 4-ms steps), the divisor of per-sample operation counts
 */
public record Workload(Tensor prediction, List<LayerInput> layerInputs, List<Tensor> spikingOutputs, long samples) {

    /**
     * The inputs one connection received: {@code inputs} read as rows of {@code fanIn} values,
     * consecutive groups of {@code rowsPerCall} rows being one call of the layer (one time step, or
     * one internal step, of all B sequences). NeuroBench classifies the operations of each call as
     * accumulates or multiply-accumulates by looking at that call's input alone.
     *
     * @param layer       layer name as in the model description
     * @param inputs      {@code [..., fanIn]}, calls × rowsPerCall rows
     * @param rowsPerCall rows per call (the batch size B)
     */
    public record LayerInput(String layer, Tensor inputs, int rowsPerCall) {
        public LayerInput {
            Objects.requireNonNull(layer, "layer");
            Objects.requireNonNull(inputs, "inputs");
            if (rowsPerCall <= 0 || inputs.rows() % rowsPerCall != 0) {
                throw new IllegalArgumentException("Workload.LayerInput '" + layer + "': rowsPerCall must be > 0 and divide the "
                        + inputs.rows() + " rows of " + inputs + ", got " + rowsPerCall);
            }
        }

        /** Number of calls. */
        public int calls() { return inputs.rows() / rowsPerCall; }
    }

    public Workload {
        Objects.requireNonNull(prediction, "prediction");
        layerInputs = List.copyOf(layerInputs);
        spikingOutputs = List.copyOf(spikingOutputs);
        if (samples <= 0) throw new IllegalArgumentException("Workload.samples must be > 0, got " + samples);
    }
}
