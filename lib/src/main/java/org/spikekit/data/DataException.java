package org.spikekit.data;

import java.nio.file.Path;

/**
 * A data file cannot be used: missing where real data was required, corrupt, truncated, of the
 * wrong layout, or failing its checksum. The message names the file, what was expected and how to
 * fix it.
 */
public class DataException extends RuntimeException {
    private final transient Path file;

    public DataException(Path file, String message) {
        super(message);
        this.file = file;
    }

    public DataException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The file concerned (may be null). */
    public Path file() { return file; }
}
