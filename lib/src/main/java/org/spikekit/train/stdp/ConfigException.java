package org.spikekit.train.stdp;

/**
 * A SpikeNN config file or value is not usable: unknown key, wrong type, out-of-range value,
 * missing required key. The message names the file (or source), the section and key, what was
 * found and what was expected.
 */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
