package org.spikekit.neuron;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;

/**
 * The current-based LIF neuron (stork {@code CustomLIFGroup} semantics, the RSNN/tinyRSNN hidden
 * layer) as a {@link NeuronModel}: parameters {@link LifParams} with the per-neuron
 * {@link LifCoeffs} of one pass, state {@link LifState}, the equations of {@link LifKernel}.
 *
 * <p>This class holds the one written-out form of the dynamics; everything else calls it:
 * <ul>
 *   <li>{@link #fire}, {@link #advance} (forward) and {@link #adjoint} (backward) are the in-place
 *       per-step primitives composed from {@link Backend} operations. {@link ReferenceLifKernel}
 *       (the definition the fused kernels are tested against) and the benchmark's per-step naive
 *       RSNN iterate them; {@link #step} applies them to copies;</li>
 *   <li>{@link #membrane} and {@link #current} are the same update for one neuron in a
 *       {@link Precision} (float32 reproduces {@link #advance} bit for bit; float16 is the authors'
 *       {@code model.half()} evaluation, used by {@code model.HalfRsnn});</li>
 *   <li>{@link #fires}, {@link #spikeLanes}/{@link #firesLanes}, {@link #membraneLanes} and
 *       {@link #currentLanes} are the binary spike and the float32 update in SIMD lanes (Vector API),
 *       the same float operations as {@link #membrane}/{@link #current} with {@link Precision#FP32}
 *       (so the same bits), used by {@code model.StreamingDecoder};</li>
 *   <li>{@link HostLifKernel} is the fused sequence kernel ({@link #sequence}), tested against the
 *       reference in {@code LifKernelEquivalenceTest} and by finite differences in
 *       {@code LifGradientCheckTest}.</li>
 * </ul>
 *
 * @param params reset rule, synaptic delay, surrogate
 * @param coeffs per-neuron β_mem, β_syn, θ of this pass
 */
public record LifNeuron(LifParams params, LifCoeffs coeffs) implements NeuronModel<LifParams, LifState> {

    public LifNeuron {
        if (params == null) throw new IllegalArgumentException("LifNeuron.params must not be null");
        if (coeffs == null) throw new IllegalArgumentException("LifNeuron.coeffs must not be null");
    }

    @Override public String name() { return "lif"; }

    @Override
    public LifState initState(Backend be, int batch, int neurons) { return LifState.zeros(be, batch, neurons); }

    /**
     * One bin: {@code S = spike(U − θ)}; the emitted input {@code c = input + S·V} (with a delay of 1
     * the state's pending input is added to it first, as the kernels add an initial pending to the
     * first bin); the current consumes {@code c} (delay 1) or the pending input (delay 2, and
     * {@code c} becomes pending).
     */
    @Override
    public Step<LifState> step(LifState state, Tensor input, Tensor rec) {
        Backend be = input.backend();
        int b = state.batch(), n = state.neurons();
        input.requireShape("LIF step input", b, n);
        if (rec != null) rec.requireShape("LIF recurrent weights V", n, n);
        LifState s = state.copy();
        Tensor spikes = be.zeros(b, n), c = be.zeros(b, n), a = be.zeros(b, n), m = be.zeros(b, n), tmp = be.zeros(b, n);
        be.copy(input, c);
        boolean late = params.synapticDelay() == 2;
        if (!late) be.zip(BinaryOp.ADD, c, state.pending(), c);
        fire(be, params, coeffs, s.u(), a, spikes);
        if (rec != null) be.gemm(false, false, 1f, spikes, rec, 1f, c);
        advance(be, params.reset(), coeffs, oneMinusBetaMem(be, coeffs), s.u(), s.i(), spikes, late ? state.pending() : c, m, tmp);
        if (late) be.copy(c, s.pending()); else be.fill(s.pending(), 0f);
        return new Step<>(spikes, s);
    }

    /** The fused kernel of the input's backend ({@link LifKernel#forBackend}), inference. */
    @Override
    public Run<LifState> sequence(LifState s0, Tensor inputs, Tensor rec) {
        Backend be = inputs.backend();
        Tensor h = be.zeros(inputs.shape());
        be.copy(inputs, h);                                         // the kernels use h as scratch
        LifKernel.LifForward f = LifKernel.forBackend(be).forward(params, coeffs, h, rec, s0, false);
        return new Run<>(f.spikes(), f.last());
    }

    /** {@code 1 − β_mem} per neuron, as every LIF kernel computes it. */
    public static Tensor oneMinusBetaMem(Backend be, LifCoeffs c) {
        Tensor o = be.zeros(c.neurons());
        be.affine(c.betaMem(), -1f, 1f, o);
        return o;
    }

    /** {@code s = spike(u − θ)}; {@code a} is scratch {@code [B, N]}. */
    public static void fire(Backend be, LifParams p, LifCoeffs c, Tensor u, Tensor a, Tensor s) {
        be.zipRow(BinaryOp.SUB, u, c.theta(), a);
        p.surrogate().spikeRef(be, a, s);
    }

    /**
     * The update of one bin, in place: {@code M = β_mem·U + (1 − β_mem)·I}; {@code I ← β_syn·I + in};
     * {@code U ← M·(1 − S)} ({@link ResetMode#ZERO}) or {@code U ← M − θ·S} ({@link ResetMode#SUBTRACT}).
     * {@code in} must not alias {@code i}; {@code m}, {@code tmp} are scratch {@code [B, N]}.
     */
    public static void advance(Backend be, ResetMode reset, LifCoeffs c, Tensor oneMinusBm, Tensor u, Tensor i, Tensor s,
                               Tensor in, Tensor m, Tensor tmp) {
        be.zipRow(BinaryOp.MUL, u, c.betaMem(), m);
        be.zipRow(BinaryOp.MUL, i, oneMinusBm, tmp);
        be.zip(BinaryOp.ADD, m, tmp, m);
        be.zipRow(BinaryOp.MUL, i, c.betaSyn(), i);
        be.zip(BinaryOp.ADD, i, in, i);
        if (reset == ResetMode.ZERO) {
            be.affine(s, -1f, 1f, tmp);
            be.zip(BinaryOp.MUL, m, tmp, u);
        } else {
            be.zipRow(BinaryOp.MUL, s, c.theta(), tmp);
            be.zip(BinaryOp.SUB, m, tmp, u);
        }
    }

    /**
     * The adjoint of {@link #fire} and {@link #advance} for one bin, in place. On entry {@code dU},
     * {@code dI} hold dL/dU[k+1], dL/dI[k+1] and {@code dS} dL/dS[k] from outside the neuron (readout,
     * recurrence); on return {@code dU}, {@code dI} hold dL/dU[k], dL/dI[k]. Accumulates
     * {@code gBm += Σ_b dM·(U − I)}, {@code gBs += Σ_b dI[k+1]·I[k]} and {@code gThNeg += Σ_b (da − θ-reset terms)},
     * the NEGATED threshold gradient (callers negate once at the end). {@code u, i, s} are U[k], I[k], S[k];
     * {@code dS, dM, m, a, g, tmp, tmp2} are scratch {@code [B, N]} ({@code dS} is overwritten).
     */
    public static void adjoint(Backend be, LifParams p, LifCoeffs c, Tensor oneMinusBm, Tensor u, Tensor i, Tensor s,
                               Tensor dU, Tensor dI, Tensor dS, Tensor gBm, Tensor gBs, Tensor gThNeg,
                               Tensor dM, Tensor m, Tensor a, Tensor g, Tensor tmp, Tensor tmp2) {
        if (p.reset() == ResetMode.ZERO) {
            be.affine(s, -1f, 1f, tmp);
            be.zip(BinaryOp.MUL, dU, tmp, dM);                       // dM = dU·(1 − S)
            if (!p.detachReset()) {
                be.zipRow(BinaryOp.MUL, u, c.betaMem(), m);
                be.zipRow(BinaryOp.MUL, i, oneMinusBm, tmp);
                be.zip(BinaryOp.ADD, m, tmp, m);
                be.zip(BinaryOp.MUL, dU, m, tmp);
                be.axpby(-1f, tmp, 1f, dS);                          // dS −= dU·M
            }
        } else {
            be.copy(dU, dM);
            if (!p.detachReset()) {
                be.zipRow(BinaryOp.MUL, dU, c.theta(), tmp);
                be.axpby(-1f, tmp, 1f, dS);                          // dS −= θ·dU
            }
            be.zip(BinaryOp.MUL, dU, s, tmp);
            be.sumRows(tmp, 1f, gThNeg);                             // collects +dU·S (negated by the caller)
        }
        be.zipRow(BinaryOp.SUB, u, c.theta(), a);
        p.surrogate().gradRef(be, a, g, tmp);
        be.zip(BinaryOp.MUL, dS, g, g);                              // g = dL/da
        be.sumRows(g, 1f, gThNeg);                                   // collects +da (negated by the caller)
        be.zip(BinaryOp.SUB, u, i, tmp);
        be.zip(BinaryOp.MUL, tmp, dM, tmp);
        be.sumRows(tmp, 1f, gBm);                                    // dβ_mem += dM·(U − I)
        be.zip(BinaryOp.MUL, dI, i, tmp);
        be.sumRows(tmp, 1f, gBs);                                    // dβ_syn += dI[k+1]·I[k]
        // dU[k] = β_mem·dM + da ; dI[k] = β_syn·dI[k+1] + (1 − β_mem)·dM
        be.zipRow(BinaryOp.MUL, dM, c.betaMem(), tmp);
        be.zip(BinaryOp.ADD, tmp, g, dU);
        be.zipRow(BinaryOp.MUL, dI, c.betaSyn(), tmp);
        be.zipRow(BinaryOp.MUL, dM, oneMinusBm, tmp2);
        be.zip(BinaryOp.ADD, tmp, tmp2, dI);
    }

    /**
     * {@link #advance}'s membrane update for one neuron, every operation rounded by {@code pr}:
     * {@code r(r(r(β_mem·U) + r(oneMinusBm·I))·(1 − S))} or {@code r(M − r(θ·S))}. With {@code S = 0} it is
     * the leaky integrator of a readout.
     */
    public static double membrane(Precision pr, ResetMode reset, double betaMem, double oneMinusBm, double theta,
                                  double u, double i, double s) {
        double m = pr.round(pr.round(betaMem * u) + pr.round(oneMinusBm * i));
        return reset == ResetMode.ZERO ? pr.round(m * (1 - s)) : pr.round(m - pr.round(theta * s));
    }

    /** {@link #advance}'s current update for one neuron: {@code r(r(β_syn·I) + in)}. */
    public static double current(Precision pr, double betaSyn, double i, double in) {
        return pr.round(pr.round(betaSyn * i) + in);
    }

    /**
     * The binary spike of the LIF kernels (surrogate forward {@link Surrogate.Forward#STEP}, the only
     * binary one {@link LifParams} allows): {@code U − θ > 0}.
     */
    public static boolean fires(float u, float theta) {
        return u - theta > 0;
    }

    // ---- the same update in SIMD lanes, float32 --------------------------------------------------
    // Each is the scalar form above with Precision.FP32, operation for operation: a float32 +, −, · is
    // the double result rounded once, so the lanes give the scalar bits (held by LifNeuronTest). Small
    // and static so that the JIT inlines them into a caller's loop and keeps the vectors in registers.

    /** {@link #fires} per lane. */
    public static VectorMask<Float> firesLanes(FloatVector u, FloatVector theta) {
        return u.sub(theta).compare(VectorOperators.GT, 0f);
    }

    /** {@code S = Θ(U − θ)} per lane: 1 where {@link #fires}, else 0. */
    public static FloatVector spikeLanes(FloatVector u, FloatVector theta) {
        FloatVector zero = FloatVector.zero(u.species());
        return zero.blend(FloatVector.broadcast(u.species(), 1f), firesLanes(u, theta));
    }

    /**
     * {@link #membrane} with {@link Precision#FP32} per lane: {@code M = β_mem·U + (1 − β_mem)·I}, then
     * {@code M·(1 − S)} ({@link ResetMode#ZERO}) or {@code M − θ·S} ({@link ResetMode#SUBTRACT}).
     */
    public static FloatVector membraneLanes(ResetMode reset, FloatVector betaMem, FloatVector oneMinusBm, FloatVector theta,
                                            FloatVector u, FloatVector i, FloatVector s) {
        FloatVector m = u.mul(betaMem).add(i.mul(oneMinusBm));
        return reset == ResetMode.ZERO ? m.mul(FloatVector.broadcast(s.species(), 1f).sub(s)) : m.sub(theta.mul(s));
    }

    /** {@link #current} with {@link Precision#FP32} per lane: {@code β_syn·I + in}. */
    public static FloatVector currentLanes(FloatVector betaSyn, FloatVector i, FloatVector in) {
        return i.mul(betaSyn).add(in);
    }
}
