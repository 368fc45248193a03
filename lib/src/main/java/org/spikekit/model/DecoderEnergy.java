package org.spikekit.model;

import org.spikekit.metrics.EnergyConstants;

/**
 * Theoretical energy of one decoder per 10-ms step and sample (notebooks/papers/spikachu.md §6.2):
 * {@code E = MACs·E_MAC + (ACs + spikes)·E_AC} with {@link #constants()} (Horowitz 45 nm: 4.6 pJ,
 * 0.9 pJ). For the ANN baselines the counts are analytic and {@code spikes} is 0.
 *
 * @param kind model name
 * @param macs multiply-accumulates per step and sample
 * @param acs accumulates per step and sample
 * @param spikes spikes per step and sample (the per-LIF "spiking energy" term)
 * @param meanRate mean of the per-LIF spike rates, NaN for a non-spiking model
 * @param steps steps per window
 * @param constants energy per operation
 */
public record DecoderEnergy(String kind, double macs, double acs, double spikes, double meanRate, int steps, EnergyConstants constants) {
    public DecoderEnergy {
        if (!(macs >= 0) || !(acs >= 0) || !(spikes >= 0)) {
            throw new IllegalArgumentException("DecoderEnergy(" + kind + "): counts must be finite and >= 0, got MACs " + macs + ", ACs " + acs + ", spikes " + spikes);
        }
        if (steps < 1) throw new IllegalArgumentException("DecoderEnergy(" + kind + "): steps must be >= 1, got " + steps);
        if (constants == null) throw new IllegalArgumentException("DecoderEnergy(" + kind + "): energy constants are null");
    }

    /** Energy per step and sample, J. */
    public double joulesPerStep() { return (macs * constants.macPicojoule() + (acs + spikes) * constants.acPicojoule()) * 1e-12; }

    /** Energy of one sample's window of {@link #steps()} steps, J. */
    public double joulesPerWindow() { return joulesPerStep() * steps; }

    /** Synaptic operations per step (MACs + ACs). */
    public double synapticOps() { return macs + acs; }
}
