package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Capability;
import org.spikekit.compute.Tensor;

/**
 * Forward and backward of current-based LIF dynamics over a whole sequence, given the input
 * currents. Implementations: {@link ReferenceLifKernel} (composed from {@link Backend}
 * primitives; the definition) and {@link HostLifKernel} (fused Vector-API loops for host-memory
 * backends). A device backend adds its own implementation and is picked in {@link #forBackend}.
 *
 * <p>Equations (per batch row b, neuron i, step n = 0..T−1; see {@link RecurrentLifLayer}), with
 * {@code c[n] = h[n] + (m[n] ⊙ S[n])·V} the synaptic input emitted at step n (h = W·x precomputed,
 * m the optional recurrent dropout mask, 1 without one) and d = {@link LifParams#synapticDelay()}:
 * <pre>
 *   S[n]   = spike(U[n] − θ)
 *   I[n+1] = β_syn·I[n] + c[n + 1 − d]                          c[−1] = pending of the initial state (d = 2)
 *   U[n+1] = (β_mem·U[n] + (1 − β_mem)·I[n])·(1 − S[n])         ResetMode.ZERO
 *   U[n+1] =  β_mem·U[n] + (1 − β_mem)·I[n] − θ·S[n]            ResetMode.SUBTRACT
 * </pre>
 * With d = 1 a non-zero pending of the initial state is added to c[0] and the final state's pending
 * is zero; with d = 2 the final pending is c[T−1].
 */
public interface LifKernel {

    /** Short name for provenance and benchmark notes, e.g. {@code host-fused}, {@code reference}. */
    String name();

    /**
     * Runs the sequence.
     *
     * @param params reset rule, detach flag and surrogate (time constants come via {@code c})
     * @param c per-neuron decays and thresholds
     * @param h input currents {@code [T, B, N]}; used as scratch (the recurrent input is added in place)
     * @param v recurrent weights {@code [N(pre), N(post)]}, or null for a feed-forward layer; must
     *          not change before {@link #backward} is called with the returned tape
     * @param s0 initial state (not modified)
     * @param keepTape whether to retain what {@link #backward} needs (false for inference)
     */
    default LifForward forward(LifParams params, LifCoeffs c, Tensor h, Tensor v, LifState s0, boolean keepTape) {
        return forward(params, c, h, v, null, s0, keepTape);
    }

    /**
     * As {@link #forward(LifParams, LifCoeffs, Tensor, Tensor, LifState, boolean)} with a dropout mask
     * on the spikes the recurrent connection sees.
     *
     * @param recurrentMask {@code [T, B, N]} factors applied to S[n] before V (inverted dropout: 0 or
     *          1/(1 − p)), or null; kept by reference in the tape, do not modify before backward
     */
    LifForward forward(LifParams params, LifCoeffs c, Tensor h, Tensor v, Tensor recurrentMask, LifState s0,
                       boolean keepTape);

    /**
     * Backpropagation through time.
     *
     * @param tape from {@link #forward} of this kernel with {@code keepTape}
     * @param gradSpikes dL/dS {@code [T, B, N]}, or null for zero
     * @param gradLast dL/d(final state), or null for zero
     */
    LifGrads backward(LifParams params, LifTape tape, Tensor gradSpikes, LifState gradLast);

    /** The fused kernel for this backend if it has one, else the reference. */
    static LifKernel forBackend(Backend be) {
        return be.has(Capability.HOST_MEMORY) ? new HostLifKernel(be) : new ReferenceLifKernel(be);
    }

    /** What forward returns: spikes {@code [T, B, N]}, final state U[T], I[T], pending, and the tape (or null). */
    record LifForward(Tensor spikes, LifState last, LifTape tape) {}

    /**
     * Gradients of one backward pass (fresh tensors, not accumulated).
     *
     * @param gradH dL/dh {@code [T, B, N]} (equals dL/dI[n+d])
     * @param gradV dL/dV {@code [N, N]} or null for a feed-forward layer
     * @param gradBetaMem dL/dβ_mem {@code [N]}
     * @param gradBetaSyn dL/dβ_syn {@code [N]}
     * @param gradTheta dL/dθ {@code [N]}
     * @param gradState0 dL/d(initial state), incl. its pending input
     */
    record LifGrads(Tensor gradH, Tensor gradV, Tensor gradBetaMem, Tensor gradBetaSyn, Tensor gradTheta,
                    LifState gradState0) {}
}
