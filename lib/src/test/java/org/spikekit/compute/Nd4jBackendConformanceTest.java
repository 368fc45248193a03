package org.spikekit.compute;

/** The nd4j backend (nd4j-native, OpenBLAS) held to the same scalar reference as cpu. */
class Nd4jBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() { return Backends.get("nd4j"); }
}
