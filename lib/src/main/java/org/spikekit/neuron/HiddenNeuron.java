package org.spikekit.neuron;

/**
 * Which neuron a model's recurrent hidden layer is made of, as a configuration choice (e.g.
 * {@code model.Rsnn.Config.neuron}): a model that takes one builds a {@link RecurrentLifLayer} for
 * {@link Lif} and a {@link RecurrentAlifLayer} for {@link Alif}, both seen through
 * {@link RecurrentLayer}. In configuration JSON it is an object with {@code "@type"} naming the
 * record; a model field of this type left null means the model's default neuron (written by
 * leaving the field out, see {@code config.Configs}).
 */
public sealed interface HiddenNeuron permits HiddenNeuron.Lif, HiddenNeuron.Alif {

    /** The current-based LIF neuron, with the parameters the model configures elsewhere (e.g. {@code Rsnn.Config.lif}). */
    record Lif() implements HiddenNeuron {}

    /**
     * The adaptive LIF neuron ({@link AlifNeuron}, {@link RecurrentAlifLayer}):
     * {@code V[t] = β·V̂[t−1] + M[t]·(X[t] + S[t−arp−1]·R)}, threshold {@code 1 + b·a[t−1]},
     * {@code a[t] = p·a[t−1] + S[t]}, with learnable per-neuron β, p, b through the Blocks paper's clamps
     * ({@link AlifCoeffs#fromRaw}).
     *
     * @param params refractory period (steps) and surrogate
     * @param tauMemS initial membrane time constant, s (β₀ = exp(−Δt/τ_mem), Δt the model's time step)
     * @param tauAdaptS initial adaptation time constant, s (p₀ = exp(−Δt/τ_adapt))
     * @param b0 initial adaptation strength (raw; the clamp makes it |b₀| limited to [0.001, 1])
     * @param blocks run it with the Blocks kernel ({@link AlifKernel#blocks}: same spikes, the
     *               reformulated graph's gradients) instead of the standard one
     */
    record Alif(AlifParams params, double tauMemS, double tauAdaptS, float b0, boolean blocks) implements HiddenNeuron {
        public Alif {
            if (params == null) throw new IllegalArgumentException("HiddenNeuron.Alif.params must not be null (e.g. AlifParams.paper(0))");
            if (!(tauMemS > 0) || !Double.isFinite(tauMemS)) throw new IllegalArgumentException("HiddenNeuron.Alif.tauMemS must be a finite time > 0 s, got " + tauMemS);
            if (!(tauAdaptS > 0) || !Double.isFinite(tauAdaptS)) throw new IllegalArgumentException("HiddenNeuron.Alif.tauAdaptS must be a finite time > 0 s, got " + tauAdaptS);
            if (!Float.isFinite(b0)) throw new IllegalArgumentException("HiddenNeuron.Alif.b0 must be finite, got " + b0);
        }

        /**
         * ALIF in place of the RSNN's LIF: no refractory period (arp 0, the standard kernel), the
         * RSNN's SuperSpike surrogate (scale 20), τ_mem 20 ms as the RSNN's LIF, τ_adapt 150 ms and
         * b₀ = 1 (the Blocks paper's values; its raw b₀ = 1.8 clamps to 1 but then gets no gradient).
         */
        public static Alif rsnn() {
            return new Alif(new AlifParams(0, LifParams.rsnn().surrogate()), 0.02, 0.15, 1f, false);
        }

        public Alif withArp(int arp) { return new Alif(params.withArp(arp), tauMemS, tauAdaptS, b0, blocks); }

        public Alif withBlocks(boolean b) { return new Alif(params, tauMemS, tauAdaptS, b0, b); }
    }
}
