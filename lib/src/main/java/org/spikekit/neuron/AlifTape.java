package org.spikekit.neuron;

/** What an {@link AlifKernel} forward pass keeps for its backward pass; each kernel has its own layout. */
public interface AlifTape {
    /** Bytes held by this tape (not counting the parameters it refers to). */
    long retainedBytes();

    int steps();

    int batch();

    int neurons();
}
