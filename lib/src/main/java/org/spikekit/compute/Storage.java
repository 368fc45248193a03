package org.spikekit.compute;

/**
 * Backend-owned memory holding float32 elements. Closing frees native memory where a backend has
 * any; host storage is left to the garbage collector.
 */
public interface Storage extends AutoCloseable {
    /** Capacity in float elements. */
    long length();

    @Override
    default void close() {}
}
