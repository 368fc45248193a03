package org.spikekit.neuron;

/**
 * What a LIF forward pass keeps for its backward pass. Each kernel has its own layout; the fused
 * host kernel stores U[n] and I[n] as float32 and binary spikes as bits (1 bit per neuron-step,
 * rows padded to 64 bits).
 */
public interface LifTape {
    /** Bytes held by this tape (not counting the parameters it refers to). */
    long retainedBytes();

    int steps();

    int batch();

    int neurons();
}
