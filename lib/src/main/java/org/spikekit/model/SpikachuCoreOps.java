package org.spikekit.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The operation ledger behind {@link SpikachuCore#energy}: while the core is built, every module
 * that the energy model of notebooks/papers/spikachu.md §6.2 counts registers here with its sizes, the number of
 * tokens it processes per time step and sample, and (for a Linear) the spiking layer that feeds it.
 */
final class SpikachuCoreOps {

    enum Kind { LIF, LINEAR, BATCHNORM, ATTENTION }

    /**
     * One counted module.
     *
     * @param module  parameter prefix of the module (for a LIF also its activity key on the tape)
     * @param in      input width (LIF: width; ATTENTION: head dim)
     * @param out     output width (ATTENTION: heads)
     * @param tokens  rows per time step and sample (1, or the scale tokens S inside the SSA block)
     * @param rateOf  for a LINEAR: the LIF whose spikes are its input (ACs), or null (MACs)
     * @param bias    for a LINEAR: whether it adds a bias
     */
    record Op(String module, Kind kind, int in, int out, int tokens, String rateOf, boolean bias) {}

    private final List<Op> ops = new ArrayList<>();

    void lif(String module, int width, int tokens) { ops.add(new Op(module, Kind.LIF, width, width, tokens, null, false)); }

    void linear(String module, int in, int out, boolean bias, int tokens, String rateOf) {
        ops.add(new Op(module, Kind.LINEAR, in, out, tokens, rateOf, bias));
    }

    void batchNorm(String module, int features, int tokens) { ops.add(new Op(module, Kind.BATCHNORM, features, features, tokens, null, false)); }

    /** Spiking self-attention products q·kᵀ and A·v over {@code tokens} tokens. */
    void attention(String module, int heads, int headDim, int tokens) { ops.add(new Op(module, Kind.ATTENTION, headDim, heads, tokens, null, false)); }

    List<Op> ops() { return List.copyOf(ops); }
}
