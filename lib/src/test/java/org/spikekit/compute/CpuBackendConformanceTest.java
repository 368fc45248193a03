package org.spikekit.compute;

/** The cpu backend held to the scalar reference. */
class CpuBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() { return Backends.get("cpu"); }
}
