package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;

/**
 * The adaptive LIF neuron of the Blocks paper as a {@link NeuronModel}: parameters
 * {@link AlifParams} with the per-neuron {@link AlifCoeffs}, state {@link State}, the equations of
 * {@link AlifKernel}. One set of dynamics, two sequence kernels: {@link #standard} runs it step by
 * step ({@link AlifKernel#standard}), {@link #blocks} with the Blocks reformulation
 * ({@link AlifKernel#blocks}), whose spikes are the same (exactly, for b ≥ 0) and whose backward is
 * that of the reformulated graph. "An RSNN with Blocks neurons" is this record with another kernel.
 *
 * <p>{@link #advance} is the one written-out step (in-place, from {@link Backend} primitives);
 * {@link ReferenceAlifKernel} iterates it and {@link #step} applies it to copies. Gradients are
 * checked by finite differences and a forward-mode reference in {@code AlifGradientCheckTest}.
 *
 * @param params refractory period and surrogate
 * @param coeffs per-neuron β, p, b
 * @param blocks whether {@link #sequence} uses the Blocks kernel (true) or the standard one
 */
public record AlifNeuron(AlifParams params, AlifCoeffs coeffs, boolean blocks) implements NeuronModel<AlifParams, AlifNeuron.State> {

    public AlifNeuron {
        if (params == null) throw new IllegalArgumentException("AlifNeuron.params must not be null");
        if (coeffs == null) throw new IllegalArgumentException("AlifNeuron.coeffs must not be null");
    }

    /** Standard ALIF, sequence kernel {@link AlifKernel#standard}. */
    public static AlifNeuron standard(AlifParams p, AlifCoeffs c) { return new AlifNeuron(p, c, false); }

    /** The same neuron run by the Blocks kernel {@link AlifKernel#blocks}. */
    public static AlifNeuron blocks(AlifParams p, AlifCoeffs c) { return new AlifNeuron(p, c, true); }

    /**
     * State between two bins, each {@code [B, N]} unless noted.
     *
     * @param vHat membrane after reset V̂[t−1]
     * @param a adaptation a[t−1]
     * @param refractory refractory steps left
     * @param history the last {@code arp + 1} spike tensors {@code [arp + 1, B, N]}, oldest first
     *                (slot 0 is S[t − arp − 1], the spikes whose recurrent input arrives now)
     * @param steps bins since rest (the recurrent input exists from bin {@code arp + 1} on)
     */
    public record State(Tensor vHat, Tensor a, Tensor refractory, Tensor history, int steps) {
        public State {
            if (vHat == null || a == null || refractory == null || history == null) {
                throw new IllegalArgumentException("AlifNeuron.State: vHat, a, refractory and history must not be null");
            }
            if (vHat.rank() != 2 || !vHat.sameShape(a) || !vHat.sameShape(refractory) || history.rank() != 3
                    || history.dim(1) != vHat.dim(0) || history.dim(2) != vHat.dim(1)) {
                throw new IllegalArgumentException("AlifNeuron.State: vHat " + vHat + ", a " + a + ", refractory " + refractory
                        + " must be [B, N] and history " + history + " [arp + 1, B, N]");
            }
            if (steps < 0) throw new IllegalArgumentException("AlifNeuron.State.steps must be >= 0, got " + steps);
        }
    }

    @Override public String name() { return blocks ? "blocks" : "alif"; }

    @Override
    public State initState(Backend be, int batch, int neurons) {
        return new State(be.zeros(batch, neurons), be.zeros(batch, neurons), be.zeros(batch, neurons),
                be.zeros(params.recurrentDelay(), batch, neurons), 0);
    }

    @Override
    public Step<State> step(State state, Tensor input, Tensor rec) {
        Backend be = input.backend();
        int b = state.vHat().dim(0), n = state.vHat().dim(1), d = params.recurrentDelay();
        input.requireShape("ALIF step input", b, n);
        state.history().requireShape("ALIF state history", d, b, n);
        if (rec != null) rec.requireShape("ALIF recurrent weights R", n, n);
        Tensor vh = copy(be, state.vHat()), a = copy(be, state.a()), refr = copy(be, state.refractory());
        Tensor cur = copy(be, input), s = be.zeros(b, n);
        if (rec != null && state.steps() >= d) be.gemm(false, false, 1f, state.history().slice0(0), rec, 1f, cur);
        advance(be, params, coeffs, cur, vh, a, refr, s, be.zeros(b, n), be.zeros(b, n), be.zeros(b, n), be.zeros(b, n),
                null, null, null);
        Tensor hist = be.zeros(d, b, n);
        if (d > 1) be.copy(state.history().narrow0(1, d - 1), hist.narrow0(0, d - 1));
        be.copy(s, hist.slice0(d - 1));
        return new Step<>(s, new State(vh, a, refr, hist, state.steps() + 1));
    }

    /**
     * The fused kernel of the input's backend. The ALIF kernels start from rest and return the spikes
     * only, so {@code s0} must be a resting state ({@code steps == 0}) and {@link Run#last()} is null.
     */
    @Override
    public Run<State> sequence(State s0, Tensor inputs, Tensor rec) {
        if (s0.steps() != 0) throw new IllegalArgumentException("AlifNeuron.sequence: the ALIF kernels run from rest; got a state after "
                + s0.steps() + " steps");
        Backend be = inputs.backend();
        AlifKernel k = blocks ? AlifKernel.blocks(be) : AlifKernel.standard(be);
        return new Run<>(k.forward(params, coeffs, inputs, rec, false).spikes(), null);
    }

    private static Tensor copy(Backend be, Tensor t) {
        Tensor o = be.zeros(t.shape());
        be.copy(t, o);
        return o;
    }

    /**
     * One bin in place. On entry {@code cur} holds X[t] + S[t−d]·R; {@code vh}, {@code a}, {@code refr}
     * the state after bin t−1; on return they hold the state after bin t and {@code s} the spikes S[t]:
     * <pre>
     *   M = Θ(0.5 − refr);  I = M·cur;  V = β·V̂ + I;  θ = 1 + b·a
     *   S = spike(V − θ);  V̂ = V·(1 − S);  a = p·a + S;  refr = S·arp + (1 − S)·max(refr − 1, 0)
     * </pre>
     * {@code mask, v, th, tmp} are scratch {@code [B, N]}; when {@code tapeV}, {@code tapeA}, {@code tapeM}
     * are not null V, a[t−1] and M are copied there (what the backward pass needs).
     */
    public static void advance(Backend be, AlifParams p, AlifCoeffs c, Tensor cur, Tensor vh, Tensor a, Tensor refr, Tensor s,
                               Tensor mask, Tensor v, Tensor th, Tensor tmp, Tensor tapeV, Tensor tapeA, Tensor tapeM) {
        be.affine(refr, -1f, 0.5f, mask);
        be.map(UnaryOp.HEAVISIDE, mask, mask);                 // M = 1 when no refractory step is left
        be.zip(BinaryOp.MUL, cur, mask, cur);
        be.zipRow(BinaryOp.MUL, vh, c.beta(), v);
        be.zip(BinaryOp.ADD, v, cur, v);                        // V = β·V̂ + I
        be.zipRow(BinaryOp.MUL, a, c.b(), th);
        be.affine(th, 1f, 1f, th);                              // θ = 1 + b·a[t−1]
        if (tapeV != null) be.copy(v, tapeV);
        if (tapeA != null) be.copy(a, tapeA);
        if (tapeM != null) be.copy(mask, tapeM);
        be.zip(BinaryOp.SUB, v, th, tmp);
        p.surrogate().spikeRef(be, tmp, s);
        be.affine(s, -1f, 1f, tmp);
        be.zip(BinaryOp.MUL, v, tmp, vh);                       // V̂ = V·(1 − S)
        be.zipRow(BinaryOp.MUL, a, c.p(), a);
        be.zip(BinaryOp.ADD, a, s, a);                          // a = p·a + S
        // refr = S·arp + (1 − S)·max(refr − 1, 0)
        be.affine(refr, 1f, -1f, refr);
        be.map(UnaryOp.RELU, refr, refr);
        be.zip(BinaryOp.MUL, refr, tmp, refr);
        be.axpby(p.arp(), s, 1f, refr);
    }
}
