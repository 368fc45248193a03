package org.spikekit.neuron;

import org.spikekit.compute.Tensor;

/**
 * Per-neuron constants of one forward pass, each {@code [N]}: decays derived from the learnable
 * time constants, and the threshold.
 *
 * @param betaMem {@code exp(−dt/τ_mem,i)}
 * @param betaSyn {@code exp(−dt/τ_syn,i)}
 * @param theta threshold θ_i
 */
public record LifCoeffs(Tensor betaMem, Tensor betaSyn, Tensor theta) {
    public LifCoeffs {
        if (betaMem.size() != betaSyn.size() || betaMem.size() != theta.size()) {
            throw new IllegalArgumentException("LifCoeffs: betaMem " + betaMem + ", betaSyn " + betaSyn
                    + " and theta " + theta + " must have one value per neuron");
        }
    }

    public int neurons() { return betaMem.sizeInt(); }
}
