package org.spikekit.compute;

/** Storage on the Java heap: a plain {@code float[]}. */
public record HostStorage(float[] data) implements Storage {
    @Override
    public long length() { return data.length; }
}
