package org.spikekit.compute.cuda;

import org.spikekit.compute.Backends;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The conformance tests on a real GPU; skipped where the cuda backend cannot start. */
class CudaBackendGpuTest extends CudaConformance {
    @Override
    CudaBackend open() {
        assumeTrue(Backends.available("cuda"), () -> "no usable GPU: " + new CudaBackend.Provider().unavailableReason());
        return (CudaBackend) Backends.get("cuda");
    }
}
