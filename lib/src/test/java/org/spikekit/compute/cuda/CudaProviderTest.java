package org.spikekit.compute.cuda;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The provider is registered next to cpu, and without a GPU it says why instead of starting. */
class CudaProviderTest {

    @Test
    void registeredBesideCpu() {
        assertTrue(Backends.names().contains("cpu"), Backends.names().toString());
        assertTrue(Backends.names().contains("cuda"), Backends.names().toString());
    }

    @Test
    void availabilityAgreesWithReason() {
        String why = new CudaBackend.Provider().unavailableReason();
        assertEquals(why == null, Backends.available("cuda"));
    }

    @Test
    void withoutCudaGetThrowsWithTheReason() {
        assumeFalse(Backends.available("cuda"), "a usable GPU is present");
        String why = new CudaBackend.Provider().unavailableReason();
        assertNotNull(why);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get("cuda"));
        assertTrue(e.getMessage().startsWith("backend 'cuda' cannot start: "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new CudaBackend.Provider().create());
        // The reason names what is missing and where it looked.
        assertTrue(why.contains("libcuda.so.1") || why.contains("libcublas") || why.contains("libnvrtc")
                || why.contains("CUDA driver"), why);
        if (why.contains("not found")) assertTrue(why.contains("searched: "), why);
    }

    @Test
    void withCudaNoReason() {
        assumeFalse(!Backends.available("cuda"), "no usable GPU here");
        assertNull(new CudaBackend.Provider().unavailableReason());
    }
}
