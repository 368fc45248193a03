package org.spikekit.metrics;

import java.util.ArrayList;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.metrics.MetricLayer.InputKind;

/**
 * Metric descriptions of the primate-reaching models of notebooks/papers/rsnn.md §4.3 and §4.5, with all weights set
 * to a non-zero constant (the trained values are not needed for static metrics and dense ops).
 */
final class GoldenModels {
    static final double STEPS_PER_SECOND = 250.0;   // 4-ms steps

    private final Backend be;

    GoldenModels(Backend be) { this.be = be; }

    static int inputs(String session) {
        return switch (session) {
            case "indy" -> 96;
            case "loco" -> 192;
            default -> throw new IllegalArgumentException("session " + session);
        };
    }

    MetricModel model(String name, String session) {
        int in = inputs(session);
        return switch (name) {
            case "tinyRSNN" -> rsnn(name, in, 64, 1, DType.FLOAT16);
            case "bigRSNN" -> rsnn(name, in, 1024, 5, DType.FLOAT32);
            case "SNN2" -> snn2(in);
            case "SNN3" -> snn3(in);
            case "ANN" -> ann(in);
            default -> throw new IllegalArgumentException("model " + name);
        };
    }

    Tensor filled(float v, int... shape) {
        Tensor t = be.zeros(shape);
        be.fill(t, v);
        return t;
    }

    /**
     * rsnn.md §4: input and recurrent connection into H LIF neurons, `heads` readouts of 2 leaky
     * integrators; no biases; per-neuron learnable τ_mem and τ_syn (2·H) and per-readout-unit
     * τ_mem and τ_syn (2·2 per head).
     */
    MetricModel rsnn(String name, int in, int hidden, int heads, DType type) {
        List<MetricLayer> layers = new ArrayList<>();
        layers.add(MetricLayer.linear("hidden.in", filled(0.1f, hidden, in), null, InputKind.SPIKES));
        layers.add(MetricLayer.recurrent("hidden.rec", filled(0.1f, hidden, hidden), null, InputKind.SPIKES));
        List<Tensor> extra = new ArrayList<>(List.of(filled(1f, hidden), filled(1f, hidden)));
        for (int h = 0; h < heads; h++) {
            String ro = heads == 1 ? "readout" : "readout" + (h + 1);
            layers.add(MetricLayer.linear(ro, filled(0.1f, 2, hidden), null, InputKind.SPIKES));
            extra.add(filled(1f, 2));
            extra.add(filled(1f, 2));
        }
        return new MetricModel(name, type, layers, extra, List.of(), STEPS_PER_SECOND);
    }

    /**
     * snnTorch Leaky buffers as our reconstruction of NeuroBench's SNN2 footprint: beta, threshold,
     * graded_spikes_factor (float32 scalars), reset_mechanism_val (int64 scalar, torch.as_tensor of a
     * Python int) and a 1-element float32 mem state = 24 B per Leaky layer.
     */
    static List<Buffer> snnTorchLeakyBuffers(String layer) {
        return List.of(new Buffer(layer + ".beta", 1, DType.FLOAT32),
                new Buffer(layer + ".threshold", 1, DType.FLOAT32),
                new Buffer(layer + ".graded_spikes_factor", 1, DType.FLOAT32),
                new Buffer(layer + ".reset_mechanism_val", 1, DType.INT64),
                new Buffer(layer + ".mem", 1, DType.FLOAT32));
    }

    /** rsnn.md §4.5 SNN2: Linear(in→50, no bias) → Leaky → Linear(50→2, no bias) → Leaky. */
    MetricModel snn2(int in) {
        List<MetricLayer> layers = List.of(
                MetricLayer.linear("fc1", filled(0.1f, 50, in), null, InputKind.SPIKES),
                MetricLayer.linear("fc2", filled(0.1f, 2, 50), null, InputKind.SPIKES));
        List<Buffer> buffers = new ArrayList<>(snnTorchLeakyBuffers("lif1"));
        buffers.addAll(snnTorchLeakyBuffers("lif2"));
        return new MetricModel("SNN2", DType.FLOAT32, layers, List.of(), buffers, STEPS_PER_SECOND);
    }

    /**
     * rsnn.md §4.5 SNN3: LayerNorm(7·in) → 7 internal steps of Linear(in→32)+b → Leaky → Linear(32→48)+b →
     * Leaky → Linear(48→2)+b → Leaky; two output scalars. Buffers are not modelled (its footprint
     * is not reconstructed).
     */
    MetricModel snn3(int in) {
        List<MetricLayer> layers = List.of(
                MetricLayer.linear("fc1", filled(0.1f, 32, in), filled(0.1f, 32), InputKind.REAL).withInternalSteps(7),
                MetricLayer.linear("fc2", filled(0.1f, 48, 32), filled(0.1f, 48), InputKind.SPIKES).withInternalSteps(7),
                MetricLayer.linear("fc3", filled(0.1f, 2, 48), filled(0.1f, 2), InputKind.SPIKES).withInternalSteps(7));
        List<Tensor> extra = List.of(filled(1f, 7 * in), filled(0f, 7 * in), filled(1f, 1), filled(1f, 1));
        return new MetricModel("SNN3", DType.FLOAT32, layers, extra, List.of(), STEPS_PER_SECOND);
    }

    /** rsnn.md §4.5 baseline ANN: MLP in→32→48→2 (with biases). */
    MetricModel ann(int in) {
        List<MetricLayer> layers = List.of(
                MetricLayer.linear("fc1", filled(0.1f, 32, in), filled(0.1f, 32), InputKind.REAL),
                MetricLayer.linear("fc2", filled(0.1f, 48, 32), filled(0.1f, 48), InputKind.REAL),
                MetricLayer.linear("fc3", filled(0.1f, 2, 48), filled(0.1f, 2), InputKind.REAL));
        return new MetricModel("ANN", DType.FLOAT32, layers, List.of(), List.of(), STEPS_PER_SECOND);
    }
}
