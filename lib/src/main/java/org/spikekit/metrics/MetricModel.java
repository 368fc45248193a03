package org.spikekit.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/**
 * What the metrics need to know about a model, whatever its class.
 *
 * @param name            label for reports
 * @param parameterType   storage type of every parameter (FLOAT32; FLOAT16 for tinyRSNN as evaluated)
 * @param layers          the synaptic connections, one per weight matrix
 * @param extraParameters parameters that belong to no layer (e.g. per-neuron time constants),
 *                        counted in parameter count and footprint only
 * @param buffers         non-parameter state counted in the footprint
 * @param stepsPerSecond  output samples per second (250 for 4-ms steps), for rates such as power
 */
public record MetricModel(String name, DType parameterType, List<MetricLayer> layers,
                          List<Tensor> extraParameters, List<Buffer> buffers, double stepsPerSecond) {

    public MetricModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameterType, "parameterType");
        layers = List.copyOf(layers);
        extraParameters = List.copyOf(extraParameters);
        buffers = List.copyOf(buffers);
        if (!(stepsPerSecond > 0)) throw new IllegalArgumentException("stepsPerSecond must be positive, got " + stepsPerSecond);
        Set<String> names = new java.util.HashSet<>();
        for (MetricLayer l : layers) {
            if (!names.add(l.name())) throw new IllegalArgumentException("duplicate layer name '" + l.name() + "'");
        }
    }

    /**
     * Describes a {@link Module}: every parameter whose tensor is not a layer weight or bias becomes
     * an extra parameter, so the parameter count equals {@link Module#numel()}.
     */
    public static MetricModel fromModule(String name, Module module, List<MetricLayer> layers,
                                         List<Buffer> buffers, DType parameterType, double stepsPerSecond) {
        Set<Tensor> inLayers = Collections.newSetFromMap(new IdentityHashMap<>());
        for (MetricLayer l : layers) {
            inLayers.add(l.weight());
            if (l.bias() != null) inLayers.add(l.bias());
        }
        List<Tensor> extra = new ArrayList<>();
        for (Parameter p : module.parameters()) {
            if (!inLayers.contains(p.value())) extra.add(p.value());
        }
        return new MetricModel(name, parameterType, layers, extra, buffers, stepsPerSecond);
    }

    /** Every parameter tensor once (layer weights, biases, extras), in order, shared tensors once. */
    public List<Tensor> parameterTensors() {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Tensor> out = new ArrayList<>();
        for (MetricLayer l : layers) {
            if (seen.add(l.weight())) out.add(l.weight());
            if (l.bias() != null && seen.add(l.bias())) out.add(l.bias());
        }
        for (Tensor t : extraParameters) if (seen.add(t)) out.add(t);
        return out;
    }

    /** The layer of that name. */
    public MetricLayer layer(String layerName) {
        for (MetricLayer l : layers) if (l.name().equals(layerName)) return l;
        throw new IllegalArgumentException("no layer '" + layerName + "' in model '" + name + "'");
    }
}
