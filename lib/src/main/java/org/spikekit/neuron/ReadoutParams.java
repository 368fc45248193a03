package org.spikekit.neuron;

import java.util.List;

/**
 * Configuration of a non-spiking leaky-integrator readout with one or more heads (immutable).
 * Every head has {@code outputs} units with its own base time constants; unit
 * {@code u = head·outputs + o}. Per-unit learnable raw parameters r give
 * {@code τ = tau0·softplus(r)} (stork {@code CustomReadoutGroup}, notebooks/papers/rsnn.md §4.2).
 *
 * @param heads base time constants per head (at least one)
 * @param dtS simulation step, seconds
 * @param y0 initial output Y[0] of every unit (RSNN: −0.01)
 * @param rawInit initial raw time-constant parameter (RSNN: 1, i.e. τ = 1.3133·tau0)
 * @param learnTimescales whether the raw time-constant parameters are trainable
 * @param synapticDelay steps from an input spike S[n] to the synaptic current: 1 — S[n] enters I[n+1];
 *        2 — I[n+2] (stork as the RSNN authors ran it, see {@link LifParams#synapticDelay()}; RSNN: 2)
 */
public record ReadoutParams(List<Head> heads, double dtS, float y0, float rawInit, boolean learnTimescales,
                            int synapticDelay) {

    /** A readout whose input delivers in one step ({@code synapticDelay = 1}). */
    public ReadoutParams(List<Head> heads, double dtS, float y0, float rawInit, boolean learnTimescales) {
        this(heads, dtS, y0, rawInit, learnTimescales, 1);
    }

    /**
     * One head's base time constants.
     *
     * @param tauMemS output (membrane) time constant, seconds
     * @param tauSynS synaptic time constant, seconds
     */
    public record Head(double tauMemS, double tauSynS) {
        public Head {
            if (!(tauMemS > 0) || !Double.isFinite(tauMemS)) throw new IllegalArgumentException("Head.tauMemS must be > 0 s, got " + tauMemS);
            if (!(tauSynS > 0) || !Double.isFinite(tauSynS)) throw new IllegalArgumentException("Head.tauSynS must be > 0 s, got " + tauSynS);
        }
    }

    public ReadoutParams {
        if (heads == null || heads.isEmpty()) throw new IllegalArgumentException("ReadoutParams.heads must list at least one head");
        heads = List.copyOf(heads);
        if (!(dtS > 0) || !Double.isFinite(dtS)) throw new IllegalArgumentException("ReadoutParams.dtS must be > 0 s, got " + dtS);
        if (!Float.isFinite(y0)) throw new IllegalArgumentException("ReadoutParams.y0 must be finite, got " + y0);
        if (!Float.isFinite(rawInit)) throw new IllegalArgumentException("ReadoutParams.rawInit must be finite, got " + rawInit);
        if (synapticDelay != 1 && synapticDelay != 2) {
            throw new IllegalArgumentException("ReadoutParams.synapticDelay must be 1 or 2 steps, got " + synapticDelay);
        }
    }

    /** tinyRSNN: one head, τ_mem 50 ms, τ_syn 10 ms, Δt 4 ms, Y[0] = −0.01, synaptic delay 2 steps. */
    public static ReadoutParams tinyRsnn() {
        return new ReadoutParams(List.of(new Head(50e-3, 10e-3)), 4e-3, -0.01f, 1f, true, 2);
    }

    /** bigRSNN: five heads, (τ_syn, τ_mem) = (10, 50), (5, 20), (20, 20), (10, 30), (30, 100) ms. */
    public static ReadoutParams bigRsnn() {
        return new ReadoutParams(List.of(new Head(50e-3, 10e-3), new Head(20e-3, 5e-3), new Head(20e-3, 20e-3),
                new Head(30e-3, 10e-3), new Head(100e-3, 30e-3)), 4e-3, -0.01f, 1f, true, 2);
    }

    /** The same readout with another synaptic delay (1 or 2 steps). */
    public ReadoutParams withSynapticDelay(int steps) {
        return new ReadoutParams(heads, dtS, y0, rawInit, learnTimescales, steps);
    }

    public int headCount() { return heads.size(); }
}
