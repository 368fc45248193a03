package org.spikekit.train;

/**
 * A checkpoint could not be written, read or applied: missing or truncated file, wrong magic or
 * version, checksum mismatch, a parameter missing or of the wrong shape, a trainer configuration
 * that does not match. The message names the file (or {@code <in-memory>}), the field and what was
 * expected; an I/O failure is attached as the cause.
 */
public final class CheckpointException extends RuntimeException {
    public CheckpointException(String message) { super(message); }

    public CheckpointException(String message, Throwable cause) { super(message, cause); }
}
