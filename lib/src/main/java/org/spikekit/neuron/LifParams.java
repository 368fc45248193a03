package org.spikekit.neuron;

/**
 * Configuration of a layer of current-based leaky integrate-and-fire neurons (immutable).
 *
 * <p>Per neuron i the time constants are heterogeneous and learnable through raw parameters
 * {@code p_i}, {@code q_i} (stork {@code CustomLIFGroup}):
 * {@code τ_mem,i = tauMemS·softplus(p_i)}, {@code τ_syn,i = tauSynS·softplus(q_i)},
 * {@code β = exp(−dtS/τ)}. With {@code p = q = softplus⁻¹(1)} all neurons share the base values.
 *
 * @param tauMemS base membrane time constant, seconds (RSNN: 20e-3)
 * @param tauSynS base synaptic time constant, seconds (RSNN: 10e-3)
 * @param dtS simulation step, seconds (RSNN: 4e-3)
 * @param threshold firing threshold θ, in membrane units (RSNN: 1)
 * @param reset reset rule (RSNN: {@link ResetMode#ZERO}, multiplicative)
 * @param detachReset when true the reset term is not differentiated (RSNN: true)
 * @param surrogate spike function and its pseudo-derivative (RSNN: SuperSpike, β = 20)
 * @param learnTimescales whether {@code p, q} are trainable (RSNN: true)
 * @param learnThreshold whether the per-neuron threshold is trainable (RSNN: false)
 * @param synapticDelay steps from a presynaptic event to the synaptic current it drives, the same for
 *        the input and the recurrent connection: 1 — x[n] and S[n] enter I[n+1]; 2 — they enter I[n+2]
 *        (stork as the RSNN authors ran it: every group evolves on the input gathered in the previous
 *        step before spikes are propagated, {@code stork/models.py} {@code evolve_all} then
 *        {@code propagate_all}; RSNN: 2)
 */
public record LifParams(double tauMemS, double tauSynS, double dtS, float threshold, ResetMode reset,
                        boolean detachReset, Surrogate surrogate, boolean learnTimescales,
                        boolean learnThreshold, int synapticDelay) {

    /** A layer whose connections deliver in one step ({@code synapticDelay = 1}). */
    public LifParams(double tauMemS, double tauSynS, double dtS, float threshold, ResetMode reset,
                     boolean detachReset, Surrogate surrogate, boolean learnTimescales, boolean learnThreshold) {
        this(tauMemS, tauSynS, dtS, threshold, reset, detachReset, surrogate, learnTimescales, learnThreshold, 1);
    }

    public LifParams {
        if (!(tauMemS > 0) || !Double.isFinite(tauMemS)) throw new IllegalArgumentException("LifParams.tauMemS must be > 0 s, got " + tauMemS);
        if (!(tauSynS > 0) || !Double.isFinite(tauSynS)) throw new IllegalArgumentException("LifParams.tauSynS must be > 0 s, got " + tauSynS);
        if (!(dtS > 0) || !Double.isFinite(dtS)) throw new IllegalArgumentException("LifParams.dtS must be > 0 s, got " + dtS);
        if (!Float.isFinite(threshold)) throw new IllegalArgumentException("LifParams.threshold must be finite, got " + threshold);
        if (reset == null) throw new IllegalArgumentException("LifParams.reset must not be null");
        if (surrogate == null) throw new IllegalArgumentException("LifParams.surrogate must not be null");
        if (surrogate.forward() == Surrogate.Forward.STEP_AT_ZERO) {
            throw new IllegalArgumentException("LifParams.surrogate must fire at x > 0 (Forward.STEP, stork) or be SMOOTH, got "
                    + surrogate + ": the LIF kernels compare U − θ > 0");
        }
        if (synapticDelay != 1 && synapticDelay != 2) {
            throw new IllegalArgumentException("LifParams.synapticDelay must be 1 or 2 steps, got " + synapticDelay);
        }
    }

    /**
     * The RSNN paper's hidden layer as the authors ran it (stork {@code CustomLIFGroup},
     * fmi-basel/neural-decoding-RSNN {@code conf/model/tinyRSNN.yaml}): τ_mem 20 ms, τ_syn 10 ms, Δt 4 ms,
     * threshold 1, multiplicative reset not differentiated, SuperSpike β = 20, synaptic delay 2 steps.
     */
    public static LifParams rsnn() {
        return new LifParams(20e-3, 10e-3, 4e-3, 1f, ResetMode.ZERO, true, Surrogate.superSpike(20f), true, false, 2);
    }

    /** Decay factors of the base time constants. */
    public Discretised discretised() { return Discretised.of(tauMemS, tauSynS, dtS); }

    public LifParams withReset(ResetMode r, boolean detach) {
        return new LifParams(tauMemS, tauSynS, dtS, threshold, r, detach, surrogate, learnTimescales, learnThreshold, synapticDelay);
    }

    public LifParams withSurrogate(Surrogate s) {
        return new LifParams(tauMemS, tauSynS, dtS, threshold, reset, detachReset, s, learnTimescales, learnThreshold, synapticDelay);
    }

    public LifParams withTimescales(double tauMemS, double tauSynS, double dtS) {
        return new LifParams(tauMemS, tauSynS, dtS, threshold, reset, detachReset, surrogate, learnTimescales, learnThreshold, synapticDelay);
    }

    public LifParams withLearning(boolean timescales, boolean thresholdLearnable) {
        return new LifParams(tauMemS, tauSynS, dtS, threshold, reset, detachReset, surrogate, timescales, thresholdLearnable, synapticDelay);
    }

    /** The same layer with another synaptic delay (1 or 2 steps). */
    public LifParams withSynapticDelay(int steps) {
        return new LifParams(tauMemS, tauSynS, dtS, threshold, reset, detachReset, surrogate, learnTimescales, learnThreshold, steps);
    }
}
