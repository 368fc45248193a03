package org.spikekit.neuron;

import java.util.ArrayList;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;
import org.spikekit.core.Parameter;

/**
 * A layer of N current-based LIF neurons with an input projection and optional all-to-all
 * recurrence, trained by backpropagation through time with a surrogate gradient (stork
 * {@code CustomLIFGroup}; notebooks/papers/rsnn.md §4.1).
 *
 * <p>Per batch row, neuron i, step n = 0..T−1 (Δt = {@code dtS} seconds; U, I, θ in membrane units;
 * d = {@link LifParams#synapticDelay()}; m an optional dropout mask on the spikes the recurrent
 * connection sees, 1 without one):
 * <pre>
 *   S_i[n]     = Θ(U_i[n] − θ_i)                                 spike from the membrane before the update
 *   c_i[n]     = Σ_j x_j[n]·W_ji + Σ_k m_k[n]·S_k[n]·V_ki          synaptic input emitted at step n
 *   I_i[n+1]   = β_syn,i·I_i[n] + c_i[n + 1 − d]
 *   U_i[n+1]   = (β_mem,i·U_i[n] + (1 − β_mem,i)·I_i[n])·(1 − S_i[n])     ResetMode.ZERO (default)
 *   U_i[n+1]   =  β_mem,i·U_i[n] + (1 − β_mem,i)·I_i[n] − θ_i·S_i[n]       ResetMode.SUBTRACT
 *   β_mem,i    = exp(−Δt/τ_mem,i),  τ_mem,i = tauMemS·softplus(p_i);   β_syn,i likewise with tauSynS, q_i
 * </pre>
 * The backward pass uses {@link Surrogate#grad} for dS/dU; with {@link LifParams#detachReset()} the
 * factor {@code (1 − S)} (or {@code θ·S}) is treated as a constant. An input spike x[n] first
 * reaches the membrane U[n+d+1] and the output S[n+d+1]; a spike S[n] first reaches the other
 * neurons' spikes at n+d+1. With d = 2 (stork as the RSNN authors ran it) that is x[n] → S[n+3]
 * and a recurrent loop of 3 steps; with d = 1, x[n] → S[n+2] and 2 steps. The state carries the
 * input still on its way ({@link LifState#pending()}), so a sequence cut in two and run in two calls
 * gives the same result as one call.
 *
 * <p>Parameters (named {@code <name>.w}, {@code .v}, {@code .tauMemRaw}, {@code .tauSynRaw},
 * {@code .threshold}): W {@code [in, N]}, V {@code [N(pre), N(post)]} (only when recurrent),
 * p, q, θ {@code [N]}. Shapes of sequences are time-major: x {@code [T, B, in]}, spikes {@code [T, B, N]}.
 *
 * <pre>{@code
 * var layer = new RecurrentLifLayer(be, "hidden", 96, 64, true, LifParams.rsnn(), 42L);
 * var out = layer.forward(x, LifState.zeros(be, batch, 64), true);     // out.spikes() [T, B, 64]
 * var g = layer.backward(out.tape(), gradSpikes, null);                 // adds into parameter grads
 * }</pre>
 */
public final class RecurrentLifLayer implements RecurrentLayer {
    private final Backend be;
    private final String name;
    private final int inputs, neurons;
    private final LifParams params;
    private final LifKernel kernel;
    private final Parameter w, v, tauMemRaw, tauSynRaw, threshold;

    /** With the backend's fused kernel, see {@link LifKernel#forBackend}. */
    public RecurrentLifLayer(Backend be, String name, int inputs, int neurons, boolean recurrent, LifParams params,
                             long seed) {
        this(be, name, inputs, neurons, recurrent, params, seed, LifKernel.forBackend(be));
    }

    /**
     * Initialisation: W, V ~ U(±1/√fan-in) (replace with a paper's initialiser by writing into
     * {@link Parameter#value()}); p, q ~ U(0, 1) as in the RSNN code; θ = {@code params.threshold()}.
     */
    public RecurrentLifLayer(Backend be, String name, int inputs, int neurons, boolean recurrent, LifParams params,
                             long seed, LifKernel kernel) {
        if (inputs <= 0 || neurons <= 0) {
            throw new IllegalArgumentException(name + ": inputs and neurons must be > 0, got " + inputs + ", " + neurons);
        }
        this.be = be;
        this.name = name;
        this.inputs = inputs;
        this.neurons = neurons;
        this.params = params;
        this.kernel = kernel;
        w = new Parameter(name + ".w", Init.fanInUniform(be, Init.seedFor(seed, name + ".w"), 1f, inputs, neurons), true);
        v = recurrent
                ? new Parameter(name + ".v", Init.fanInUniform(be, Init.seedFor(seed, name + ".v"), 1f, neurons, neurons), true)
                : null;
        Tensor p = be.zeros(neurons), q = be.zeros(neurons), th = be.zeros(neurons);
        Init.uniform(p, Init.seedFor(seed, name + ".tauMemRaw"), 0f, 1f);
        Init.uniform(q, Init.seedFor(seed, name + ".tauSynRaw"), 0f, 1f);
        be.fill(th, params.threshold());
        tauMemRaw = new Parameter(name + ".tauMemRaw", p, params.learnTimescales());
        tauSynRaw = new Parameter(name + ".tauSynRaw", q, params.learnTimescales());
        threshold = new Parameter(name + ".threshold", th, params.learnThreshold());
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> l = new ArrayList<>(List.of(w));
        if (v != null) l.add(v);
        l.add(tauMemRaw);
        l.add(tauSynRaw);
        l.add(threshold);
        return List.copyOf(l);
    }

    @Override public List<Parameter> neuronParameters() { return List.of(tauMemRaw, tauSynRaw, threshold); }
    @Override public HiddenNeuron.Lif neuron() { return new HiddenNeuron.Lif(); }
    @Override public String name() { return name; }
    @Override public int inputs() { return inputs; }
    @Override public int neurons() { return neurons; }
    public boolean recurrent() { return v != null; }
    public LifParams params() { return params; }
    public LifKernel kernel() { return kernel; }
    @Override public Parameter w() { return w; }
    /** Recurrent weights, or null for a feed-forward layer. */
    @Override public Parameter v() { return v; }
    public Parameter tauMemRaw() { return tauMemRaw; }
    public Parameter tauSynRaw() { return tauSynRaw; }
    public Parameter threshold() { return threshold; }

    /** Decays and thresholds from the current parameter values. */
    public LifCoeffs coefficients() {
        return new LifCoeffs(Timescales.betas(be, tauMemRaw.value(), params.tauMemS(), params.dtS()),
                Timescales.betas(be, tauSynRaw.value(), params.tauSynS(), params.dtS()),
                threshold.value());
    }

    /** Result of {@link #forward}: spikes {@code [T, B, N]}, final state, and the tape (null without one). */
    public record Output(Tensor spikes, LifState last, Tape tape) {}

    /** What {@link #backward} needs: the input (by reference), the coefficients used, the kernel tape. */
    public record Tape(Tensor x, LifCoeffs coeffs, LifTape kernelTape) {
        /** Bytes retained for backward beyond the caller's input and the parameters. */
        public long retainedBytes() { return kernelTape.retainedBytes(); }
    }

    /** Result of {@link #backward}: dL/dx {@code [T, B, in]} and dL/d(initial state). */
    public record Grads(Tensor gradInput, LifState gradState0) {}

    /** One step of the dynamics, see {@link #step}. */
    public record Step(Tensor spikes, LifState state) {}

    /**
     * Runs the layer over a sequence.
     *
     * @param x input {@code [T, B, inputs]}; kept by reference in the tape, do not modify before backward
     * @param s0 initial state {@code [B, N]} (not modified)
     * @param keepTape true when {@link #backward} will follow
     */
    public Output forward(Tensor x, LifState s0, boolean keepTape) { return forward(x, null, s0, keepTape); }

    /**
     * As {@link #forward(Tensor, LifState, boolean)} with a dropout mask on the spikes the recurrent
     * connection sees (stork's group dropout: the mask applies to the spikes every outgoing connection
     * reads, while the returned spikes are the undropped ones).
     *
     * @param recurrentMask {@code [T, B, N]} factors (0 or 1/(1 − p)), or null; kept by reference in the tape
     */
    public Output forward(Tensor x, Tensor recurrentMask, LifState s0, boolean keepTape) {
        if (x.rank() != 3 || x.dim(2) != inputs) {
            throw new IllegalArgumentException(name + ": input must be [T, B, " + inputs + "], got " + x);
        }
        int t = x.dim(0), b = x.dim(1);
        s0.u().requireShape(name + " initial state", b, neurons);
        LifCoeffs c = coefficients();
        Tensor h = be.zeros(t, b, neurons);
        // all T input projections in one product; spike inputs on the cpu backend: their non-zeros only, same bits
        if (SparseGemm.sparseOperand(be, x)) SparseGemm.sparseTimesDense(x, w.value(), h, false);
        else be.gemm(false, false, 1f, x, w.value(), 0f, h);
        LifKernel.LifForward f = kernel.forward(params, c, h, v == null ? null : v.value(), recurrentMask, s0, keepTape);
        return new Output(f.spikes(), f.last(), keepTape ? new Tape(x, c, f.tape()) : null);
    }

    /**
     * Backpropagation through time; ADDS the parameter gradients into {@link Parameter#grad()}.
     *
     * @param tape from {@link #forward} with {@code keepTape}; parameters must not have changed since
     * @param gradSpikes dL/dS {@code [T, B, N]}, or null
     * @param gradLast dL/d(final state), or null
     */
    public Grads backward(Tape tape, Tensor gradSpikes, LifState gradLast) { return backward(tape, gradSpikes, gradLast, true); }

    /**
     * As {@link #backward(Tape, Tensor, LifState)}; without {@code inputGrad} dL/dx is not computed
     * ({@link Grads#gradInput()} is null), e.g. when x is the data.
     */
    public Grads backward(Tape tape, Tensor gradSpikes, LifState gradLast, boolean inputGrad) {
        if (tape == null) throw new IllegalArgumentException(name + ": backward needs the tape of forward(..., keepTape=true)");
        LifKernel.LifGrads g = kernel.backward(params, tape.kernelTape(), gradSpikes, gradLast);
        Tensor x = tape.x();
        if (SparseGemm.sparseOperand(be, x)) SparseGemm.sparseTransposedTimesDense(x, g.gradH(), w.grad());
        else be.gemm(true, false, 1f, x, g.gradH(), 1f, w.grad());     // dW += xᵀ·dh
        Tensor gx = null;
        if (inputGrad) {
            gx = be.zeros(x.shape());
            be.gemm(false, true, 1f, g.gradH(), w.value(), 0f, gx);      // dx = dh·Wᵀ
        }
        if (v != null) be.axpby(1f, g.gradV(), 1f, v.grad());
        LifCoeffs c = tape.coeffs();
        Timescales.backward(be, tauMemRaw.value(), c.betaMem(), params.tauMemS(), params.dtS(), g.gradBetaMem(), tauMemRaw.grad());
        Timescales.backward(be, tauSynRaw.value(), c.betaSyn(), params.tauSynS(), params.dtS(), g.gradBetaSyn(), tauSynRaw.grad());
        be.axpby(1f, g.gradTheta(), 1f, threshold.grad());
        return new Grads(gx, g.gradState0());
    }

    /**
     * One step as a pure function (composed from Backend primitives; allocates, never writes into
     * {@code s}). {@link #forward} is the fast path of the same math.
     *
     * @param x input at step n {@code [B, inputs]}
     * @param s state U[n], I[n] and the pending input
     * @return S[n] {@code [B, N]} and the state U[n+1], I[n+1], pending
     */
    public Step step(Tensor x, LifState s) {
        int b = x.dim(0);
        Tensor h = be.zeros(1, b, neurons);
        be.gemm(false, false, 1f, x, w.value(), 0f, h);
        LifKernel.LifForward f = new ReferenceLifKernel(be).forward(params, coefficients(), h,
                v == null ? null : v.value(), s, false);
        return new Step(f.spikes().reshape(b, neurons), f.last());
    }
}
