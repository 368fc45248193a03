package org.spikekit.nir;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NIR primitives the kit reads, writes and runs (neuromorphs/NIR {@code nir/ir/*.py}, the
 * continuous-time definitions of the NIR paper, Pedersen et al., Nature Communications 2024). Each
 * record holds a node's parameters as in the file ({@link NirArray}, seconds for time constants) and
 * checks that they agree in shape; an error names the node type and the parameter.
 *
 * <p>Continuous-time equations (NIR {@code nir/ir/neuron.py}, {@code linear.py}, {@code delay.py},
 * {@code threshold.py}; I the input, v the state, z the output spikes):
 * <pre>
 *   Affine     y = W·x + b                  Linear  y = W·x          Scale  y = s ⊙ x
 *   Threshold  z = Θ(x − θ)                  Flatten reshape          Delay  y(t) = x(t − τ)
 *   I          v̇ = R·x                                    (Integrator, NIR type "I")
 *   LI         τ·v̇ = (v_leak − v) + R·x
 *   IF         v̇ = R·x;                     z = Θ(v − v_th), v ← v_reset on a spike
 *   LIF        τ·v̇ = (v_leak − v) + R·x;    z = Θ(v − v_th), v ← v_reset on a spike
 *   CubaLI     τ_syn·İ = −I + w_in·x;       τ_mem·v̇ = (v_leak − v) + R·I
 *   CubaLIF    τ_syn·İ = −I + w_in·x;       τ_mem·v̇ = (v_leak − v) + R·I;  z = Θ(v − v_th), v ← v_reset
 * </pre>
 * Θ(a) is 1 for a &gt; 0. {@code v_reset} is 0 when a file leaves it out (as NIR's reader does). How the
 * kit turns these into discrete steps is {@link NirNetwork}'s business; the nodes are only data.
 *
 * <p>Weights are {@code [out, in]} (PyTorch's layout, which NIR keeps); the kit's own layers store
 * {@code [in, out]} and {@link NirExport} transposes. Only two-dimensional weights are supported
 * (NIR allows leading batch dimensions).
 */
public sealed interface NirNode permits NirNode.Input, NirNode.Output, NirNode.Affine, NirNode.Linear, NirNode.Scale,
        NirNode.Threshold, NirNode.Flatten, NirNode.Integrator, NirNode.If, NirNode.Li, NirNode.Lif, NirNode.CubaLi,
        NirNode.CubaLif, NirNode.Delay, NirGraph {

    /** The NIR type name written in the file ({@code "CubaLIF"}, {@code "NIRGraph"}, ...). */
    String type();

    /** Shape of the input (without time and batch), or null when unknown (a Flatten without {@code input_type}). */
    int[] inputShape();

    /** Shape of the output, or null when unknown. */
    int[] outputShape();

    /** Node metadata (strings, numbers, {@link NirArray}s, nested maps); never needed to run a node. */
    Map<String, Object> metadata();

    /** The types the kit implements, in the order of NIR's list of primitives. */
    List<String> SUPPORTED = List.of("Input", "Output", "Affine", "Linear", "Scale", "Threshold", "Flatten",
            "I", "IF", "LI", "LIF", "CubaLI", "CubaLIF", "Delay", "NIRGraph");

    /** NIR primitives the kit knows of but cannot run (convolution and pooling have no kernel in the kit). */
    List<String> KNOWN_UNSUPPORTED = List.of("Conv1d", "Conv2d", "SumPool2d", "AvgPool2d");

    private static Map<String, Object> meta(Map<String, Object> m) {
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    private static int[] checkShape(int[] s, String what) {
        if (s == null) throw new IllegalArgumentException(what + " must not be null");
        for (int d : s) if (d <= 0) throw new IllegalArgumentException(what + " must have positive dimensions, got " + Arrays.toString(s));
        return s.clone();
    }

    private static NirArray req(NirArray a, String type, String name) {
        if (a == null) throw new IllegalArgumentException(type + ": parameter '" + name + "' is missing");
        for (double v : a.values()) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException(type + ": parameter '" + name + "' has a non-finite value " + v);
        }
        return a;
    }

    private static void positive(NirArray a, String type, String name) {
        for (double v : a.values()) {
            if (!(v > 0)) throw new IllegalArgumentException(type + ": parameter '" + name + "' must be > 0 (seconds), got " + v);
        }
    }

    /** A graph input of the given shape. */
    record Input(int[] shape, Map<String, Object> metadata) implements NirNode {
        public Input { shape = checkShape(shape, "Input.shape"); metadata = meta(metadata); }
        public Input(int... shape) { this(shape, null); }
        @Override public int[] shape() { return shape.clone(); }
        @Override public String type() { return "Input"; }
        @Override public boolean equals(Object o) { return o instanceof Input x && Arrays.equals(shape, x.shape) && metadata.equals(x.metadata); }
        @Override public int hashCode() { return Arrays.hashCode(shape); }
        @Override public String toString() { return "Input" + Arrays.toString(shape); }
        @Override public int[] inputShape() { return shape.clone(); }
        @Override public int[] outputShape() { return shape.clone(); }
    }

    /** A graph output of the given shape; what reaches it from its edges is summed. */
    record Output(int[] shape, Map<String, Object> metadata) implements NirNode {
        public Output { shape = checkShape(shape, "Output.shape"); metadata = meta(metadata); }
        public Output(int... shape) { this(shape, null); }
        @Override public int[] shape() { return shape.clone(); }
        @Override public String type() { return "Output"; }
        @Override public boolean equals(Object o) { return o instanceof Output x && Arrays.equals(shape, x.shape) && metadata.equals(x.metadata); }
        @Override public int hashCode() { return Arrays.hashCode(shape); }
        @Override public String toString() { return "Output" + Arrays.toString(shape); }
        @Override public int[] inputShape() { return shape.clone(); }
        @Override public int[] outputShape() { return shape.clone(); }
    }

    /** {@code y = W·x + b}, W {@code [out, in]}, b {@code [out]}. */
    record Affine(NirArray weight, NirArray bias, Map<String, Object> metadata) implements NirNode {
        public Affine {
            req(weight, "Affine", "weight");
            req(bias, "Affine", "bias");
            if (weight.rank() != 2) {
                throw new IllegalArgumentException("Affine: weight must be [out, in], got shape " + Arrays.toString(weight.shape())
                        + " (batched NIR weights are not supported)");
            }
            if (bias.numel() != weight.dim(0)) {
                throw new IllegalArgumentException("Affine: bias has shape " + Arrays.toString(bias.shape()) + ", weight "
                        + Arrays.toString(weight.shape()) + " needs " + weight.dim(0) + " values");
            }
            metadata = meta(metadata);
        }
        public Affine(NirArray weight, NirArray bias) { this(weight, bias, null); }
        @Override public String type() { return "Affine"; }
        @Override public int[] inputShape() { return new int[] {weight.dim(1)}; }
        @Override public int[] outputShape() { return new int[] {weight.dim(0)}; }
    }

    /** {@code y = W·x}, W {@code [out, in]}. */
    record Linear(NirArray weight, Map<String, Object> metadata) implements NirNode {
        public Linear {
            req(weight, "Linear", "weight");
            if (weight.rank() != 2) {
                throw new IllegalArgumentException("Linear: weight must be [out, in], got shape " + Arrays.toString(weight.shape())
                        + " (batched NIR weights are not supported)");
            }
            metadata = meta(metadata);
        }
        public Linear(NirArray weight) { this(weight, null); }
        @Override public String type() { return "Linear"; }
        @Override public int[] inputShape() { return new int[] {weight.dim(1)}; }
        @Override public int[] outputShape() { return new int[] {weight.dim(0)}; }
    }

    /** {@code y = s ⊙ x}. */
    record Scale(NirArray scale, Map<String, Object> metadata) implements NirNode {
        public Scale { req(scale, "Scale", "scale"); metadata = meta(metadata); }
        public Scale(NirArray scale) { this(scale, null); }
        @Override public String type() { return "Scale"; }
        @Override public int[] inputShape() { return scale.shape(); }
        @Override public int[] outputShape() { return scale.shape(); }
    }

    /** {@code z = Θ(x − θ)}. */
    record Threshold(NirArray threshold, Map<String, Object> metadata) implements NirNode {
        public Threshold { req(threshold, "Threshold", "threshold"); metadata = meta(metadata); }
        public Threshold(NirArray threshold) { this(threshold, null); }
        @Override public String type() { return "Threshold"; }
        @Override public int[] inputShape() { return threshold.shape(); }
        @Override public int[] outputShape() { return threshold.shape(); }
    }

    /**
     * Flattens dimensions {@code startDim..endDim} (inclusive; negative counts from the end) of its
     * input (NIR {@code nir/ir/flatten.py}, shapes without the batch dimension).
     *
     * @param inputShape the input's shape, or null when the file leaves it out (taken from the source)
     */
    record Flatten(int[] inputShape, int startDim, int endDim, Map<String, Object> metadata) implements NirNode {
        public Flatten {
            if (inputShape != null) {
                inputShape = checkShape(inputShape, "Flatten.input_type");
                flattened(inputShape, startDim, endDim);
            }
            metadata = meta(metadata);
        }
        public Flatten(int[] inputShape, int startDim, int endDim) { this(inputShape, startDim, endDim, null); }
        @Override public String type() { return "Flatten"; }
        @Override public boolean equals(Object o) {
            return o instanceof Flatten x && Arrays.equals(inputShape, x.inputShape) && startDim == x.startDim && endDim == x.endDim
                    && metadata.equals(x.metadata);
        }
        @Override public int hashCode() { return Arrays.hashCode(inputShape) * 31 + startDim * 7 + endDim; }
        @Override public String toString() { return "Flatten[" + Arrays.toString(inputShape) + ", " + startDim + ".." + endDim + "]"; }
        @Override public int[] inputShape() { return inputShape == null ? null : inputShape.clone(); }
        @Override public int[] outputShape() { return inputShape == null ? null : flattened(inputShape, startDim, endDim); }

        /** This node with its input shape set (from the source of its edge). */
        public Flatten withInputShape(int[] shape) { return new Flatten(shape, startDim, endDim, metadata); }

        /** The shape after flattening {@code [start, end]} of {@code in}. */
        public static int[] flattened(int[] in, int start, int end) {
            int r = in.length, s = start < 0 ? r + start : start, e = end < 0 ? r + end : end;
            if (s < 0 || e >= r || s > e) {
                throw new IllegalArgumentException("Flatten: start_dim " + start + " / end_dim " + end + " do not fit input shape " + Arrays.toString(in));
            }
            int[] out = new int[r - (e - s)];
            int k = 0;
            for (int i = 0; i < s; i++) out[k++] = in[i];
            int p = 1;
            for (int i = s; i <= e; i++) p *= in[i];
            out[k++] = p;
            for (int i = e + 1; i < r; i++) out[k++] = in[i];
            return out;
        }
    }

    /** Integrator {@code v̇ = R·x} (NIR type "I"); its output is v. */
    record Integrator(NirArray r, Map<String, Object> metadata) implements NirNode {
        public Integrator { req(r, "I", "r"); metadata = meta(metadata); }
        public Integrator(NirArray r) { this(r, null); }
        @Override public String type() { return "I"; }
        @Override public int[] inputShape() { return r.shape(); }
        @Override public int[] outputShape() { return r.shape(); }
    }

    /** Integrate-and-fire {@code v̇ = R·x}, spikes when v exceeds {@code vThreshold}, then v ← {@code vReset}. */
    record If(NirArray r, NirArray vThreshold, NirArray vReset, Map<String, Object> metadata) implements NirNode {
        public If {
            req(vThreshold, "IF", "v_threshold");
            int[] s = vThreshold.shape();
            r = req(r, "IF", "r").broadcastTo(s, "IF.r");
            vReset = vReset == null ? NirArray.filled(0, s) : req(vReset, "IF", "v_reset").broadcastTo(s, "IF.v_reset");
            metadata = meta(metadata);
        }
        public If(NirArray r, NirArray vThreshold, NirArray vReset) { this(r, vThreshold, vReset, null); }
        @Override public String type() { return "IF"; }
        @Override public int[] inputShape() { return vThreshold.shape(); }
        @Override public int[] outputShape() { return vThreshold.shape(); }
    }

    /** Leaky integrator {@code τ·v̇ = (v_leak − v) + R·x}; its output is v. */
    record Li(NirArray tau, NirArray r, NirArray vLeak, Map<String, Object> metadata) implements NirNode {
        public Li {
            positive(req(tau, "LI", "tau"), "LI", "tau");
            int[] s = tau.shape();
            r = req(r, "LI", "r").broadcastTo(s, "LI.r");
            vLeak = req(vLeak, "LI", "v_leak").broadcastTo(s, "LI.v_leak");
            metadata = meta(metadata);
        }
        public Li(NirArray tau, NirArray r, NirArray vLeak) { this(tau, r, vLeak, null); }
        @Override public String type() { return "LI"; }
        @Override public int[] inputShape() { return tau.shape(); }
        @Override public int[] outputShape() { return tau.shape(); }
    }

    /** Leaky integrate-and-fire {@code τ·v̇ = (v_leak − v) + R·x}, spike above {@code vThreshold}, v ← {@code vReset}. */
    record Lif(NirArray tau, NirArray r, NirArray vLeak, NirArray vThreshold, NirArray vReset, Map<String, Object> metadata)
            implements NirNode {
        public Lif {
            positive(req(tau, "LIF", "tau"), "LIF", "tau");
            int[] s = tau.shape();
            r = req(r, "LIF", "r").broadcastTo(s, "LIF.r");
            vLeak = req(vLeak, "LIF", "v_leak").broadcastTo(s, "LIF.v_leak");
            vThreshold = req(vThreshold, "LIF", "v_threshold").broadcastTo(s, "LIF.v_threshold");
            vReset = vReset == null ? NirArray.filled(0, s) : req(vReset, "LIF", "v_reset").broadcastTo(s, "LIF.v_reset");
            metadata = meta(metadata);
        }
        public Lif(NirArray tau, NirArray r, NirArray vLeak, NirArray vThreshold, NirArray vReset) {
            this(tau, r, vLeak, vThreshold, vReset, null);
        }
        @Override public String type() { return "LIF"; }
        @Override public int[] inputShape() { return tau.shape(); }
        @Override public int[] outputShape() { return tau.shape(); }
    }

    /** Current-based leaky integrator: synaptic current I into a leaky membrane v; its output is v. */
    record CubaLi(NirArray tauSyn, NirArray tauMem, NirArray r, NirArray vLeak, NirArray wIn, Map<String, Object> metadata)
            implements NirNode {
        public CubaLi {
            positive(req(tauMem, "CubaLI", "tau_mem"), "CubaLI", "tau_mem");
            int[] s = tauMem.shape();
            tauSyn = req(tauSyn, "CubaLI", "tau_syn").broadcastTo(s, "CubaLI.tau_syn");
            positive(tauSyn, "CubaLI", "tau_syn");
            r = req(r, "CubaLI", "r").broadcastTo(s, "CubaLI.r");
            vLeak = req(vLeak, "CubaLI", "v_leak").broadcastTo(s, "CubaLI.v_leak");
            wIn = wIn == null ? NirArray.filled(1, s) : req(wIn, "CubaLI", "w_in").broadcastTo(s, "CubaLI.w_in");
            metadata = meta(metadata);
        }
        public CubaLi(NirArray tauSyn, NirArray tauMem, NirArray r, NirArray vLeak, NirArray wIn) {
            this(tauSyn, tauMem, r, vLeak, wIn, null);
        }
        @Override public String type() { return "CubaLI"; }
        @Override public int[] inputShape() { return tauMem.shape(); }
        @Override public int[] outputShape() { return tauMem.shape(); }
    }

    /** Current-based leaky integrate-and-fire: synaptic current I into a leaky membrane that spikes and resets. */
    record CubaLif(NirArray tauSyn, NirArray tauMem, NirArray r, NirArray vLeak, NirArray vThreshold, NirArray vReset,
                   NirArray wIn, Map<String, Object> metadata) implements NirNode {
        public CubaLif {
            positive(req(tauMem, "CubaLIF", "tau_mem"), "CubaLIF", "tau_mem");
            int[] s = tauMem.shape();
            tauSyn = req(tauSyn, "CubaLIF", "tau_syn").broadcastTo(s, "CubaLIF.tau_syn");
            positive(tauSyn, "CubaLIF", "tau_syn");
            r = req(r, "CubaLIF", "r").broadcastTo(s, "CubaLIF.r");
            vLeak = req(vLeak, "CubaLIF", "v_leak").broadcastTo(s, "CubaLIF.v_leak");
            vThreshold = req(vThreshold, "CubaLIF", "v_threshold").broadcastTo(s, "CubaLIF.v_threshold");
            vReset = vReset == null ? NirArray.filled(0, s) : req(vReset, "CubaLIF", "v_reset").broadcastTo(s, "CubaLIF.v_reset");
            wIn = wIn == null ? NirArray.filled(1, s) : req(wIn, "CubaLIF", "w_in").broadcastTo(s, "CubaLIF.w_in");
            metadata = meta(metadata);
        }
        public CubaLif(NirArray tauSyn, NirArray tauMem, NirArray r, NirArray vLeak, NirArray vThreshold, NirArray vReset,
                       NirArray wIn) {
            this(tauSyn, tauMem, r, vLeak, vThreshold, vReset, wIn, null);
        }
        @Override public String type() { return "CubaLIF"; }
        @Override public int[] inputShape() { return tauMem.shape(); }
        @Override public int[] outputShape() { return tauMem.shape(); }
    }

    /** {@code y(t) = x(t − τ)}, τ in seconds per element. */
    record Delay(NirArray delay, Map<String, Object> metadata) implements NirNode {
        public Delay {
            req(delay, "Delay", "delay");
            for (double v : delay.values()) {
                if (v < 0) throw new IllegalArgumentException("Delay: parameter 'delay' must be >= 0 s, got " + v);
            }
            metadata = meta(metadata);
        }
        public Delay(NirArray delay) { this(delay, null); }
        @Override public String type() { return "Delay"; }
        @Override public int[] inputShape() { return delay.shape(); }
        @Override public int[] outputShape() { return delay.shape(); }
    }
}
