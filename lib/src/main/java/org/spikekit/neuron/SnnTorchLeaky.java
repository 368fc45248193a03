package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;


/**
 * snnTorch's first-order leaky integrate-and-fire neuron {@code snn.Leaky} as the NeuroBench
 * primate-reaching baselines run it (snnTorch 0.7.x, the version NeuroBench 1.0 pins as
 * {@code snntorch = "^0.7.0"}). Definition source: the snnTorch documentation of
 * {@code snntorch.Leaky} (snntorch.readthedocs.io, "snn.neurons": "U[t+1] = βU[t] + I_in[t+1] −
 * R·U_thr" for reset by subtraction, "U[t+1] = βU[t] + I_syn[t+1] − R(βU[t] + I_in[t+1])" for reset
 * to zero, R = 1 if the neuron spiked at the previous step) and the {@code Leaky} source of that
 * release.
 *
 * <p>Per neuron, step s = 0..steps−1, with U[−1] = 0 (snnTorch initialises the state to zeros of the
 * input's shape at the first call after a reset) and input current I[s]:
 * <pre>
 *   R[s] = Θ(U[s−1] − θ)                  reset flag from the PREVIOUS membrane; detached in snnTorch
 *   A[s] = β·U[s−1] + I[s]
 *   U[s] = A[s] − θ·R[s]                   {@link Reset#SUBTRACT}  (snnTorch "subtract", init_hidden=True form; SNN3)
 *   U[s] = A[s] − R[s]·A[s]                {@link Reset#ZERO}      (snnTorch "zero" in 0.7; SNN2)
 *   U[s] = A[s]                            {@link Reset#NONE}      (snnTorch "none"; output layers)
 *   S[s] = Θ(U[s] − θ)                     spike from the NEW membrane, no delay
 * </pre>
 * Θ(x) is 1 for x &gt; 0 (strictly), else 0; its backward is {@link Surrogate#gradD} rounded to float
 * (snnTorch factories: {@link Surrogate#snnTorchFastSigmoid}, {@link Surrogate#snnTorchAtan}). snnTorch
 * clamps β to [0, 1]; here β must lie in [0, 1]. The reset flag R is computed with the same spike
 * function and {@code .detach()}ed ({@code mem_reset}); {@code detachReset = false} differentiates it
 * too (only meaningful with a {@link Surrogate.Forward#SMOOTH} surrogate, for finite-difference checks).
 *
 * <p>Versions: snnTorch ≥ 0.8 computes reset to zero as {@code β(1 − R)U[s−1] + I[s]} (the input of
 * the reset step is kept), and the 0.7-era sources subtract on the {@code init_hidden=False} path as
 * {@code β(U[s−1] − θR) + I[s]}. Neither form is used by SNN2 (init_hidden False, reset zero / none)
 * or SNN3 (init_hidden True, reset subtract / none), so neither is implemented. The 0.7.0 release
 * file itself was not available to us; the forms above are read from 0.7-era snnTorch sources
 * (Leaky and the neurons modelled on it) and the documented equations, which agree on the paths
 * SNN2 and SNN3 use.
 *
 * <p>As a {@link NeuronModel} (SNN2/SNN3 use the array kernels directly): the record is its own
 * parameter record, the state is the membrane {@link State}, {@link #next} is the one written-out
 * update that {@link #step} and the sequence kernel {@link #forward} both call (so they agree bit for
 * bit), and {@link #backward} is checked against a double-precision forward-mode reference
 * ({@code model.SnnTorchLeakyTest}). No recurrence.
 *
 * <p>The kernels below run on host arrays, step-major: element k of step s is at {@code s·width + k}
 * for {@code width} independent neurons (e.g. batch × layer size).
 *
 * @param beta        membrane decay β ∈ [0, 1] (fixed, an snnTorch buffer)
 * @param threshold   θ (fixed)
 * @param reset       reset mechanism
 * @param spike       spike function and surrogate derivative
 * @param detachReset true (snnTorch): the reset flag is a constant in the backward pass
 */
public record SnnTorchLeaky(float beta, float threshold, Reset reset, Surrogate spike, boolean detachReset)
        implements NeuronModel<SnnTorchLeaky, SnnTorchLeaky.State> {

    /** snnTorch {@code reset_mechanism}. */
    public enum Reset { SUBTRACT, ZERO, NONE }

    public SnnTorchLeaky {
        if (!(beta >= 0 && beta <= 1)) throw new IllegalArgumentException("SnnTorchLeaky.beta must be in [0, 1], got " + beta);
        if (!Float.isFinite(threshold)) throw new IllegalArgumentException("SnnTorchLeaky.threshold must be finite, got " + threshold);
        if (reset == null) throw new IllegalArgumentException("SnnTorchLeaky.reset must not be null (SUBTRACT, ZERO or NONE)");
        if (spike == null) throw new IllegalArgumentException("SnnTorchLeaky.spike must not be null");
    }

    /** The same neuron with another reset mechanism. */
    public SnnTorchLeaky withReset(Reset r) { return new SnnTorchLeaky(beta, threshold, r, spike, detachReset); }

    /** The membrane of a layer between two steps, {@code [B, N]}; U[−1] = 0 at rest. */
    public record State(Tensor mem) {
        public State {
            if (mem == null || mem.rank() != 2) throw new IllegalArgumentException("SnnTorchLeaky.State.mem must be [B, N], got " + mem);
        }
    }

    /**
     * The update of one neuron: U[s] from U[s−1] and I[s] (the reset flag is that of U[s−1]).
     * The spike of the step is {@code spike.spike(U[s] − θ)}.
     */
    public float next(float prev, float cur) {
        float a = beta * prev + cur;
        return switch (reset) {
            case SUBTRACT -> a - threshold * spike.spike(prev - threshold);
            case ZERO -> a - spike.spike(prev - threshold) * a;    // snnTorch: base − reset·base
            case NONE -> a;
        };
    }

    @Override public String name() { return "snntorch-leaky"; }

    @Override public SnnTorchLeaky params() { return this; }

    @Override public State initState(Backend be, int batch, int neurons) { return new State(be.zeros(batch, neurons)); }

    /** One step: {@link #next} per neuron; the spikes are those of the new membrane. {@code rec} must be null. */
    @Override
    public Step<State> step(State state, Tensor input, Tensor rec) {
        if (rec != null) throw new IllegalArgumentException("SnnTorchLeaky: snnTorch Leaky has no recurrent weights; pass null");
        Backend be = input.backend();
        input.requireShape("SnnTorchLeaky step input", state.mem().dim(0), state.mem().dim(1));
        float[] m = be.toHost(state.mem()), c = be.toHost(input), u = new float[m.length], s = new float[m.length];
        for (int k = 0; k < m.length; k++) {
            u[k] = next(m[k], c[k]);
            s[k] = spike.spike(u[k] - threshold);
        }
        return new Step<>(be.fromHost(s, state.mem().shape()), new State(be.fromHost(u, state.mem().shape())));
    }

    /**
     * The sequence kernel {@link #forward} over {@code inputs [T, B, N]}; it starts at rest, so {@code s0}
     * must be all zeros (snnTorch resets the state before each sequence).
     */
    @Override
    public Run<State> sequence(State s0, Tensor inputs, Tensor rec) {
        if (rec != null) throw new IllegalArgumentException("SnnTorchLeaky: snnTorch Leaky has no recurrent weights; pass null");
        if (inputs == null || inputs.rank() != 3) throw new IllegalArgumentException("SnnTorchLeaky: inputs must be [T, B, N], got " + inputs);
        Backend be = inputs.backend();
        int t = inputs.dim(0), b = inputs.dim(1), n = inputs.dim(2);
        s0.mem().requireShape("SnnTorchLeaky initial state", b, n);
        for (float v : be.toHost(s0.mem())) {
            if (v != 0f) throw new IllegalArgumentException("SnnTorchLeaky.sequence starts at rest: the initial membrane must be 0, got " + v);
        }
        float[] mem = new float[t * b * n], spk = new float[t * b * n];
        forward(be.toHost(inputs), t, b * n, mem, spk);
        float[] last = new float[b * n];
        if (t > 0) System.arraycopy(mem, (t - 1) * b * n, last, 0, b * n);
        return new Run<>(be.fromHost(spk, t, b, n), new State(be.fromHost(last, b, n)));
    }

    /**
     * Runs {@code steps} steps from U[−1] = 0.
     *
     * @param cur input current I, {@code steps·width} values
     * @param mem out: U[s] after each update
     * @param spk out: S[s] (may be null when not needed)
     */
    public void forward(float[] cur, int steps, int width, float[] mem, float[] spk) {
        check("cur", cur, steps, width);
        check("mem", mem, steps, width);
        if (spk != null) check("spk", spk, steps, width);
        float th = threshold;
        if (spike.forward() == Surrogate.Forward.STEP && org.spikekit.compute.VectorApi.available()) {
            SnnTorchLeakyKernels.forwardStep(this, cur, steps, width, mem, spk);   // the same bits, 8–16 lanes at a time
            return;
        }
        for (int s = 0; s < steps; s++) {
            int o = s * width, p = o - width;
            for (int k = 0; k < width; k++) {
                float u = next(s == 0 ? 0f : mem[p + k], cur[o + k]);
                mem[o + k] = u;
                if (spk != null) spk[o + k] = spike.spike(u - th);
            }
        }
    }

    /**
     * Backpropagation through the {@code steps} steps of {@link #forward}.
     *
     * @param cur  the input current of the forward pass
     * @param mem  the membranes U the forward pass wrote
     * @param gSpk dL/dS[s] (or null)
     * @param gMem dL/dU[s] from outside the neuron, e.g. when U is the prediction (or null)
     * @param gCur out: dL/dI[s]
     */
    public void backward(float[] cur, float[] mem, int steps, int width, float[] gSpk, float[] gMem, float[] gCur) {
        check("cur", cur, steps, width);
        check("mem", mem, steps, width);
        check("gCur", gCur, steps, width);
        if (gSpk != null) check("gSpk", gSpk, steps, width);
        if (gMem != null) check("gMem", gMem, steps, width);
        float b = beta, th = threshold;
        float[] carry = new float[width];                       // dL/dU[s] through U[s+1]
        for (int s = steps - 1; s >= 0; s--) {
            int o = s * width, p = o - width;
            for (int k = 0; k < width; k++) {
                float u = mem[o + k];
                float g = carry[k];
                if (gMem != null) g += gMem[o + k];
                if (gSpk != null) g += gSpk[o + k] * (float) spike.gradD(u - th);
                float prev = s == 0 ? 0f : mem[p + k];
                float r = reset == Reset.NONE ? 0f : spike.spike(prev - th);
                float dA = reset == Reset.ZERO ? (1f - r) * g : g;
                gCur[o + k] = dA;
                float c = b * dA;
                if (!detachReset && reset != Reset.NONE) {
                    float dR = reset == Reset.ZERO ? -(b * prev + cur[o + k]) * g : -th * g;
                    c += dR * (float) spike.gradD(prev - th);
                }
                carry[k] = c;
            }
        }
    }

    private static void check(String what, float[] a, int steps, int width) {
        if (steps < 0 || width < 0) throw new IllegalArgumentException("SnnTorchLeaky: steps and width must be >= 0, got " + steps + ", " + width);
        if (a == null || a.length != steps * width) {
            throw new IllegalArgumentException("SnnTorchLeaky." + what + ": expected steps·width = " + steps + "·" + width + " = "
                    + (long) steps * width + " values, got " + (a == null ? "null" : a.length));
        }
    }
}
