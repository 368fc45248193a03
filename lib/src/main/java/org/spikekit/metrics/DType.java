package org.spikekit.metrics;

/** Element types whose storage size the footprint counts (PyTorch {@code element_size()}). */
public enum DType {
    FLOAT32(4), FLOAT16(2), BFLOAT16(2), FLOAT64(8), INT64(8), INT32(4), INT8(1), BOOL(1);

    private final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    /** Bytes per element. */
    public int bytes() { return bytes; }
}
