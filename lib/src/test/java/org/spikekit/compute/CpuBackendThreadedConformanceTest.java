package org.spikekit.compute;

/**
 * The cpu backend with every size threshold at 1 and three threads, so each operation takes its
 * multi-threaded path (uneven splits included) and is held to the same reference.
 */
class CpuBackendThreadedConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() { return new CpuBackend(3, 1, 1); }
}
