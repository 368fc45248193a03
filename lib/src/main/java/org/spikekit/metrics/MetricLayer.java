package org.spikekit.metrics;

import java.util.Arrays;
import java.util.Objects;
import org.spikekit.compute.Tensor;

/**
 * One synaptic connection as the metrics see it: a weight matrix applied to one input vector per
 * call, independent of the model class that owns it.
 *
 * <p>Conventions (those of NeuroBench on PyTorch layers):
 * <ul>
 *   <li>{@code weight} has shape {@code [fanOut, fanIn]} for {@link Kind#LINEAR} and
 *       {@link Kind#RECURRENT} (PyTorch {@code nn.Linear.weight}); for {@link Kind#CONV} any shape,
 *       with {@code fanIn}/{@code fanOut} given so that one call costs {@code fanIn × fanOut} dense
 *       operations.</li>
 *   <li>{@code bias} (may be null) never counts as an operation; it counts in the footprint, and in
 *       connection sparsity only for {@link Kind#RECURRENT} (NeuroBench includes RNN-family biases,
 *       excludes Linear/Conv biases).</li>
 *   <li>{@code input} says what the layer is declared to receive; workload metrics classify each
 *       observed input by its values (all in {-1, 0, 1} → accumulates) as NeuroBench does, the
 *       declaration is used by static estimates only.</li>
 *   <li>{@code internalSteps}: calls per output sample (SNN3 runs its layers 7 times per 4-ms
 *       output step; 1 for step-by-step models).</li>
 * </ul>
 * A recurrent LIF layer is described as two layers: the input connection ({@code LINEAR}) and the
 * recurrent connection ({@code RECURRENT}, input = the layer's own spikes of the previous step).
 */
public record MetricLayer(String name, Kind kind, Tensor weight, Tensor bias, int fanIn, int fanOut,
                          InputKind input, int internalSteps) {

    /** Connection type, as NeuroBench distinguishes PyTorch module families. */
    public enum Kind { LINEAR, RECURRENT, CONV }

    /** Declared kind of the layer input. */
    public enum InputKind {
        /** Binary or ternary events: operations are accumulates (ACs). */
        SPIKES,
        /** Real values: operations are multiply-accumulates (MACs). */
        REAL
    }

    public MetricLayer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(input, "input");
        if (fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("layer '" + name + "': fanIn and fanOut must be positive, got "
                    + fanIn + ", " + fanOut);
        }
        if (internalSteps <= 0) {
            throw new IllegalArgumentException("layer '" + name + "': internalSteps must be positive, got " + internalSteps);
        }
        if (kind != Kind.CONV) {
            int[] s = weight.shape();
            if (s.length != 2 || s[0] != fanOut || s[1] != fanIn) {
                throw new IllegalArgumentException("layer '" + name + "': weight shape " + Arrays.toString(s)
                        + " is not [fanOut, fanIn] = [" + fanOut + ", " + fanIn + "]");
            }
        }
        if (bias != null && kind != Kind.CONV && bias.size() != fanOut) {
            throw new IllegalArgumentException("layer '" + name + "': bias has " + bias.size()
                    + " elements, expected fanOut = " + fanOut);
        }
    }

    /** A fully connected layer, weight {@code [out, in]}, one call per sample. */
    public static MetricLayer linear(String name, Tensor weight, Tensor bias, InputKind input) {
        return new MetricLayer(name, Kind.LINEAR, weight, bias, weight.dim(1), weight.dim(0), input, 1);
    }

    /** A recurrent connection (square or not), weight {@code [out, in]}, one call per sample. */
    public static MetricLayer recurrent(String name, Tensor weight, Tensor bias, InputKind input) {
        return new MetricLayer(name, Kind.RECURRENT, weight, bias, weight.dim(1), weight.dim(0), input, 1);
    }

    /** The same layer called {@code steps} times per output sample. */
    public MetricLayer withInternalSteps(int steps) {
        return new MetricLayer(name, kind, weight, bias, fanIn, fanOut, input, steps);
    }

    /** Dense operations per output sample: {@code fanIn × fanOut × internalSteps}. */
    public long denseOpsPerSample() {
        return (long) fanIn * fanOut * internalSteps;
    }

    /** Weight plus bias elements. */
    public long numel() {
        return weight.size() + (bias == null ? 0 : bias.size());
    }
}
