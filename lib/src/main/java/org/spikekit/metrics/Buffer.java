package org.spikekit.metrics;

import java.util.Objects;

/**
 * Non-parameter state that a framework stores with the model and NeuroBench's footprint counts
 * (PyTorch {@code module.buffers()}): e.g. snnTorch's per-neuron-layer {@code beta},
 * {@code threshold} and {@code reset_mechanism_val} tensors, or an input FIFO.
 *
 * @param name  unique, descriptive name
 * @param numel element count
 * @param dtype element type (its own: an int64 buffer in an fp32 model takes 8 bytes per element)
 */
public record Buffer(String name, long numel, DType dtype) {
    public Buffer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        if (numel < 0) throw new IllegalArgumentException("buffer '" + name + "': negative numel " + numel);
    }

    /** Storage size in bytes. */
    public long bytes() { return numel * dtype.bytes(); }
}
