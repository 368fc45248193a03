package org.spikekit.compute;

/** What a backend can do, asked with {@link Backend#has(Capability)} instead of type checks. */
public enum Capability {
    /** Runs on an NVIDIA GPU through CUDA. */
    CUDA,
    /** Has fused (single-pass) neuron-dynamics kernels rather than the composed references. */
    FUSED_NEURON_KERNELS,
    /** Storage is plain Java heap memory: toHost/fromHost are copies of float[]. */
    HOST_MEMORY,
    /** Interoperates with ND4J INDArrays. */
    ND4J
}
