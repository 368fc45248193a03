package org.spikekit.neuron;

/**
 * Per-step decay factors derived once from physical time constants: {@code β = exp(−Δt/τ)}.
 * Only the physical values are stored in configs; this record is computed, never configured.
 *
 * @param betaMem membrane decay per step, {@code exp(−dtS/tauMemS)}, in (0, 1)
 * @param betaSyn synaptic-current decay per step, {@code exp(−dtS/tauSynS)}, in (0, 1)
 */
public record Discretised(double betaMem, double betaSyn) {
    public Discretised {
        if (!(betaMem > 0 && betaMem < 1)) throw new IllegalArgumentException("betaMem must be in (0,1), got " + betaMem);
        if (!(betaSyn > 0 && betaSyn < 1)) throw new IllegalArgumentException("betaSyn must be in (0,1), got " + betaSyn);
    }

    /** Decay factors for time constants {@code tauMemS}, {@code tauSynS} (seconds) at step {@code dtS} (seconds). */
    public static Discretised of(double tauMemS, double tauSynS, double dtS) {
        return new Discretised(Math.exp(-dtS / tauMemS), Math.exp(-dtS / tauSynS));
    }
}
