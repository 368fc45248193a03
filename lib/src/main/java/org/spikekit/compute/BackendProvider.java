package org.spikekit.compute;

/** Service-provider entry for a backend, listed in {@code META-INF/services}. */
public interface BackendProvider {
    String name();

    /** Null when the backend can start here; otherwise why not (what was searched, what is missing). */
    String unavailableReason();

    Backend create();
}
