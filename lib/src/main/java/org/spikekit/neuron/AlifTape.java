package org.spikekit.neuron;

import org.spikekit.compute.Tensor;

/** What an {@link AlifKernel} forward pass keeps for its backward pass; each kernel has its own layout. */
public interface AlifTape {
    /** Bytes held by this tape (not counting the parameters it refers to). */
    long retainedBytes();

    int steps();

    int batch();

    int neurons();

    /**
     * The membrane potential of every step, {@code [T, B, N]} (fresh tensor), what the authors'
     * layers return in {@code "val"} mode as {@code mem}: standard ALIF the potential V[t]
     * before the reset ({@code SNN.process} {@code new_mem}, {@code src/snn/snn.py}); Blocks the
     * block's no-reset potential Ṽ[t] ({@code Block} {@code int_mem}, {@code src/snn/block/block.py}),
     * equal to V[t] up to and including the block's first threshold crossing and not used after it.
     *
     * @throws UnsupportedOperationException for a kernel that does not keep it
     */
    default Tensor membrane() {
        throw new UnsupportedOperationException(getClass().getName() + " does not record membrane potentials");
    }

    /**
     * The firing threshold used at every step, θ[t] = 1 + b·a[t−1] ({@code [T, B, N]}, fresh): the
     * authors' {@code "val"}-mode {@code v_th} (for {@code SNN} rolled by one step so that
     * {@code v_th[t]} is the threshold step t is compared with).
     *
     * @throws UnsupportedOperationException for a kernel that does not keep it
     */
    default Tensor threshold() {
        throw new UnsupportedOperationException(getClass().getName() + " does not record thresholds");
    }
}
