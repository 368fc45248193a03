package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Capability;
import org.spikekit.compute.Tensor;

/**
 * Forward and surrogate-gradient backward of a layer of adaptive LIF neurons over a whole
 * time-major sequence {@code [T, B, N]} of input currents, from rest (V = 0, a = 0, not
 * refractory). Two models with the same equations and four implementations:
 * <ul>
 *   <li>standard ALIF, step by step (notebooks/papers/blocks.md §4.1; authors' code
 *       {@code src/snn/snn.py} {@code SNN.process}): {@link HostAlifKernel} (fused) and
 *       {@link ReferenceAlifKernel} (composed from {@link Backend} primitives);</li>
 *   <li>Blocks ALIF (notebooks/papers/blocks.md §4.2; {@code src/snn/block/blocks.py},
 *       {@code block.py}): {@link HostBlocksKernel} (fused) and {@link ReferenceBlocksKernel}
 *       (composed, the paper's per-block convolutions).</li>
 * </ul>
 *
 * <p>Equations (batch row and neuron implicit; {@code d = arp + 1}; R is {@code [N(pre), N(post)]}):
 * <pre>
 *   I[t] = M[t]·(X[t] + S[t−d]·R)        M[t] = 0 for the arp steps after a spike, else 1
 *   V[t] = β·V̂[t−1] + I[t]              V̂[t] = V[t]·(1 − S[t])      (reset to 0, detached)
 *   θ[t] = 1 + b·a[t−1]                  S[t] = Θ(V[t] − θ[t])         (surrogate derivative)
 *   a[t] = p·a[t−1] + S[t]
 * </pre>
 * Blocks computes the same spikes (exactly, whenever b ≥ 0, which {@link AlifCoeffs#validate}
 * enforces) by cutting time into blocks of {@code L = arp + 1} steps, computing each block's
 * no-reset potential at once and keeping only the first threshold crossing per neuron and block.
 * Its backward is that of the reformulated graph (faulty spikes, ramp convolution, straight-through
 * {@code dS/dz = 1}), so the two models' gradients differ although their spikes agree; each
 * kernel is tested against a double-precision forward-mode reference of its own model.
 */
public interface AlifKernel {

    /** Short name for provenance and benchmark notes. */
    String name();

    /**
     * Runs the sequence from rest.
     *
     * @param params refractory period and surrogate
     * @param c per-neuron β, p, b (validated: finite, β ∈ (0, 1], p ∈ [0, 1], b ≥ 0)
     * @param current input currents X {@code [T, B, N]} (W·x + bias, precomputed); not modified
     * @param rec recurrent weights R {@code [N, N]} (pre, post), or null; must not change before
     *            {@link #backward} is called with the returned tape
     * @param keepTape whether to retain what {@link #backward} needs
     */
    AlifForward forward(AlifParams params, AlifCoeffs c, Tensor current, Tensor rec, boolean keepTape);

    /**
     * Backpropagation through time.
     *
     * @param tape from {@link #forward} of this kernel with {@code keepTape}
     * @param gradSpikes dL/dS {@code [T, B, N]}, or null for zero
     */
    AlifGrads backward(AlifParams params, AlifTape tape, Tensor gradSpikes);

    /** The fused standard kernel for host-memory backends, else the reference. */
    static AlifKernel standard(Backend be) {
        return be.has(Capability.HOST_MEMORY) ? new HostAlifKernel(be) : new ReferenceAlifKernel(be);
    }

    /** The fused Blocks kernel for host-memory backends, else the reference. */
    static AlifKernel blocks(Backend be) {
        return be.has(Capability.HOST_MEMORY) ? new HostBlocksKernel(be) : new ReferenceBlocksKernel(be);
    }

    /** What forward returns: spikes {@code [T, B, N]} and the tape (or null). */
    record AlifForward(Tensor spikes, AlifTape tape) {}

    /**
     * Gradients of one backward pass (fresh tensors).
     *
     * @param gradCurrent dL/dX {@code [T, B, N]}
     * @param gradRec dL/dR {@code [N, N]}, or null without recurrence
     * @param gradBeta dL/dβ {@code [N]}
     * @param gradP dL/dp {@code [N]}
     * @param gradB dL/db {@code [N]}
     */
    record AlifGrads(Tensor gradCurrent, Tensor gradRec, Tensor gradBeta, Tensor gradP, Tensor gradB) {}

    /** Shape and value checks shared by the four kernels; messages name the field and the expectation. */
    static void check(String who, AlifParams p, AlifCoeffs c, Tensor current, Tensor rec) {
        if (p == null) throw new IllegalArgumentException(who + ": params must not be null");
        if (c == null) throw new IllegalArgumentException(who + ": coefficients must not be null");
        if (current == null || current.rank() != 3) {
            throw new IllegalArgumentException(who + ": input current must be [T, B, N], got " + current);
        }
        int n = current.dim(2);
        if (c.neurons() != n) {
            throw new IllegalArgumentException(who + ": coefficients have " + c.neurons() + " neurons but the current "
                    + current + " has N = " + n);
        }
        if (rec != null) rec.requireShape(who + " recurrent weights R", n, n);
        if ((long) current.dim(0) * current.dim(1) * n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(who + ": " + current + " exceeds one Java array; split the sequence");
        }
        c.validate(who);
        Backend be = current.backend();
        if (!be.allFinite(current)) throw new IllegalArgumentException(who + ": input current contains NaN or infinite values");
        if (rec != null && !be.allFinite(rec)) throw new IllegalArgumentException(who + ": recurrent weights R contain NaN or infinite values");
    }
}
