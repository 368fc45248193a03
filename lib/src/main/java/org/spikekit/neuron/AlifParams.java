package org.spikekit.neuron;

/**
 * Configuration of a layer of adaptive LIF neurons as in the Blocks paper (Taylor, King, Harper,
 * NeurIPS 2023; notebooks/papers/blocks.md §4; authors' code {@code src/snn/snn.py} {@code SNN.process} and
 * {@code src/snn/block/blocks.py} {@code Blocks.process}). Immutable.
 *
 * <p>The absolute refractory period {@code arp} (in steps, the code's {@code t_latency}) fixes
 * three things at once: after a spike the input current is forced to 0 for {@code arp} steps; the
 * recurrent input arrives {@code arp + 1} steps after the spike that causes it; and the Blocks
 * reformulation cuts time into blocks of {@code L = arp + 1} steps, within which each neuron fires
 * at most once. {@code arp = 0} is the paper's "standard" baseline (no refractory period, 1-step
 * recurrent delay; blocks of one step).
 *
 * <p>Gradient semantics are the authors' default {@code detach_spike_grad=True}: the reset factor,
 * the refractory mask and the spikes fed back through the recurrent weights are not
 * differentiated; the adaptation {@code a = p·a + S} of the standard model is.
 *
 * @param arp absolute refractory period in steps, ≥ 0 (paper: 10…100 in the speed sweep)
 * @param surrogate spike function; must have the binary forward {@code x > 0} ({@link Surrogate.Forward#STEP}), since Blocks detects
 *                  the first threshold crossing of a block exactly (paper: {@link Surrogate#multiGaussian}(0.5))
 */
public record AlifParams(int arp, Surrogate surrogate) {

    public AlifParams {
        if (arp < 0) throw new IllegalArgumentException("AlifParams.arp must be >= 0 steps, got " + arp);
        if (surrogate == null) throw new IllegalArgumentException("AlifParams.surrogate must not be null");
        if (surrogate.forward() != Surrogate.Forward.STEP) {
            throw new IllegalArgumentException("AlifParams.surrogate must have the binary forward x > 0 (Forward.STEP, Blocks' input.gt(0)), got "
                    + surrogate + ": Blocks finds the first crossing of a block exactly (notebooks/papers/blocks.md §4.2 step 4)");
        }
    }

    /** The paper's setting: multi-Gaussian surrogate ("mg", σ = 0.5) and the given refractory period. */
    public static AlifParams paper(int arp) { return new AlifParams(arp, Surrogate.multiGaussian(0.5f)); }

    /** Block length {@code L = arp + 1} of the Blocks reformulation (the code's {@code t_len_block}). */
    public int blockLength() { return arp + 1; }

    /** Steps between a spike and the recurrent input it causes: {@code arp + 1}. */
    public int recurrentDelay() { return arp + 1; }

    public AlifParams withArp(int a) { return new AlifParams(a, surrogate); }

    public AlifParams withSurrogate(Surrogate s) { return new AlifParams(arp, s); }
}
