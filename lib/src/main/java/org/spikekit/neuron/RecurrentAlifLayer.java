package org.spikekit.neuron;

import java.util.ArrayList;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;
import org.spikekit.core.Parameter;

/**
 * A trainable layer of N adaptive LIF neurons ({@link AlifNeuron}) with an input projection and
 * optional all-to-all recurrence, trained by backpropagation through time with the kernel's
 * surrogate gradient ({@link AlifKernel}: standard or Blocks). Per batch row, from rest:
 * <pre>
 *   X[t] = Σ_j x_j[t]·W_ji                                      input current (no bias)
 *   S    = ALIF(X; R, β, p, b, arp)                              {@link AlifKernel}
 *   β = clamp(β_raw, 0.001, 0.999),  p = min(|p_raw|, 0.999),  b = clamp(|b_raw|, 0.001, 1)   {@link AlifCoeffs#fromRaw}
 * </pre>
 * Parameters (named {@code <name>.w}, {@code .v}, {@code .betaRaw}, {@code .pRaw}, {@code .bRaw}):
 * W {@code [in, N]}, V = R {@code [N(pre), N(post)]} (only when recurrent), β_raw, p_raw, b_raw
 * {@code [N]}, all trainable. Sequences are time-major: x {@code [T, B, in]}, spikes {@code [T, B, N]}.
 * The recurrent input of a spike arrives {@code arp + 1} steps later ({@link AlifParams#recurrentDelay()});
 * the input current enters the same step (no synaptic delay).
 *
 * <p>The kernel has no dropout mask on the recurrent spikes: a model that drops hidden spikes can
 * only drop them on their way to the next layer.
 */
public final class RecurrentAlifLayer implements RecurrentLayer {
    private final Backend be;
    private final String name;
    private final int inputs, neurons;
    private final HiddenNeuron.Alif neuron;
    private final AlifKernel kernel;
    private final Parameter w, v, betaRaw, pRaw, bRaw;

    /**
     * Initialisation: W, V ~ U(±1/√fan-in) (write into {@link Parameter#value()} for another
     * initialiser); β_raw = exp(−Δt/τ_mem), p_raw = exp(−Δt/τ_adapt), b_raw = b₀ from {@code neuron}.
     *
     * @param dtS time step, s
     */
    public RecurrentAlifLayer(Backend be, String name, int inputs, int neurons, boolean recurrent, HiddenNeuron.Alif neuron,
                              double dtS, long seed) {
        if (inputs <= 0 || neurons <= 0) {
            throw new IllegalArgumentException(name + ": inputs and neurons must be > 0, got " + inputs + ", " + neurons);
        }
        if (neuron == null) throw new IllegalArgumentException(name + ": neuron must not be null");
        if (!(dtS > 0)) throw new IllegalArgumentException(name + ": time step dtS must be > 0 s, got " + dtS);
        this.be = be;
        this.name = name;
        this.inputs = inputs;
        this.neurons = neurons;
        this.neuron = neuron;
        this.kernel = neuron.blocks() ? AlifKernel.blocks(be) : AlifKernel.standard(be);
        w = new Parameter(name + ".w", Init.fanInUniform(be, Init.seedFor(seed, name + ".w"), 1f, inputs, neurons), true);
        v = recurrent
                ? new Parameter(name + ".v", Init.fanInUniform(be, Init.seedFor(seed, name + ".v"), 1f, neurons, neurons), true)
                : null;
        betaRaw = new Parameter(name + ".betaRaw", filled((float) Math.exp(-dtS / neuron.tauMemS())), true);
        pRaw = new Parameter(name + ".pRaw", filled((float) Math.exp(-dtS / neuron.tauAdaptS())), true);
        bRaw = new Parameter(name + ".bRaw", filled(neuron.b0()), true);
    }

    private Tensor filled(float x) {
        Tensor t = be.zeros(neurons);
        be.fill(t, x);
        return t;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> l = new ArrayList<>(List.of(w));
        if (v != null) l.add(v);
        l.addAll(neuronParameters());
        return List.copyOf(l);
    }

    @Override public List<Parameter> neuronParameters() { return List.of(betaRaw, pRaw, bRaw); }
    @Override public String name() { return name; }
    @Override public int inputs() { return inputs; }
    @Override public int neurons() { return neurons; }
    @Override public HiddenNeuron.Alif neuron() { return neuron; }
    public AlifParams params() { return neuron.params(); }
    public AlifKernel kernel() { return kernel; }
    @Override public Parameter w() { return w; }
    @Override public Parameter v() { return v; }
    public Parameter betaRaw() { return betaRaw; }
    public Parameter pRaw() { return pRaw; }
    public Parameter bRaw() { return bRaw; }

    /** The clamped coefficients from the current raw parameters. */
    public AlifCoeffs coefficients() { return AlifCoeffs.fromRaw(be, betaRaw.value(), pRaw.value(), bRaw.value()); }

    /** Result of {@link #forward}: spikes {@code [T, B, N]} and the tape (null without one). */
    public record Output(Tensor spikes, Tape tape) {}

    /** What {@link #backward} needs: the input (by reference) and the kernel tape. */
    public record Tape(Tensor x, AlifTape kernelTape) {
        public long retainedBytes() { return kernelTape.retainedBytes(); }
    }

    /**
     * Runs the layer over a sequence from rest.
     *
     * @param x input {@code [T, B, inputs]}; kept by reference in the tape, do not modify before backward
     */
    public Output forward(Tensor x, boolean keepTape) {
        if (x.rank() != 3 || x.dim(2) != inputs) {
            throw new IllegalArgumentException(name + ": input must be [T, B, " + inputs + "], got " + x);
        }
        Tensor cur = be.zeros(x.dim(0), x.dim(1), neurons);
        if (SparseGemm.sparseOperand(be, x)) SparseGemm.sparseTimesDense(x, w.value(), cur, false);
        else be.gemm(false, false, 1f, x, w.value(), 0f, cur);
        AlifKernel.AlifForward f = kernel.forward(neuron.params(), coefficients(), cur, v == null ? null : v.value(), keepTape);
        return new Output(f.spikes(), keepTape ? new Tape(x, f.tape()) : null);
    }

    /**
     * Backpropagation through time; ADDS the parameter gradients into {@link Parameter#grad()}.
     *
     * @param gradSpikes dL/dS {@code [T, B, N]}, or null
     * @param inputGrad whether to return dL/dx (else null)
     */
    public Tensor backward(Tape tape, Tensor gradSpikes, boolean inputGrad) {
        if (tape == null) throw new IllegalArgumentException(name + ": backward needs the tape of forward(..., keepTape=true)");
        AlifKernel.AlifGrads g = kernel.backward(neuron.params(), tape.kernelTape(), gradSpikes);
        Tensor x = tape.x();
        if (SparseGemm.sparseOperand(be, x)) SparseGemm.sparseTransposedTimesDense(x, g.gradCurrent(), w.grad());
        else be.gemm(true, false, 1f, x, g.gradCurrent(), 1f, w.grad());        // dW += xᵀ·dX
        if (v != null) be.axpby(1f, g.gradRec(), 1f, v.grad());
        Tensor[] raw = AlifCoeffs.rawGrads(be, betaRaw.value(), pRaw.value(), bRaw.value(), g.gradBeta(), g.gradP(), g.gradB());
        be.axpby(1f, raw[0], 1f, betaRaw.grad());
        be.axpby(1f, raw[1], 1f, pRaw.grad());
        be.axpby(1f, raw[2], 1f, bRaw.grad());
        if (!inputGrad) return null;
        Tensor gx = be.zeros(x.shape());
        be.gemm(false, true, 1f, g.gradCurrent(), w.value(), 0f, gx);          // dx = dX·Wᵀ
        return gx;
    }
}
