package org.spikekit.compute.cuda;

import java.lang.foreign.SymbolLookup;

/**
 * The loaded driver, cuBLAS and NVRTC of this process. Native libraries are process-wide, so they
 * are located and opened once (on first use) and never unloaded; the outcome, library or error, is
 * immutable afterwards.
 */
final class CudaRuntime {
    final CudaLibraries.Result located;
    final CudaDriver driver;
    final Cublas cublas;
    final Nvrtc nvrtc;

    private CudaRuntime(CudaLibraries.Result located, CudaDriver driver, Cublas cublas, Nvrtc nvrtc) {
        this.located = located;
        this.driver = driver;
        this.cublas = cublas;
        this.nvrtc = nvrtc;
    }

    /** Either a runtime whose driver is initialised and has at least one device, or why not. */
    record Outcome(CudaRuntime runtime, String unavailableReason) {}

    private static final class Holder {
        static final Outcome OUTCOME = load(CudaLibraries.Search.system());
    }

    static Outcome get() { return Holder.OUTCOME; }

    /** Locates, opens and binds the libraries, then runs {@code cuInit} and counts devices. */
    static Outcome load(CudaLibraries.Search search) {
        CudaLibraries.Result r = CudaLibraries.locate(search);
        String missing = r.missingReason();
        if (missing != null) return new Outcome(null, missing);
        CudaDriver driver;
        Cublas cublas;
        Nvrtc nvrtc;
        try {
            driver = new CudaDriver(open(r.driver()), r.driver().path());
            // Prefer a toolkit no newer than the driver (cuDriverGetVersion needs no cuInit).
            int driverMajor = driver.driverVersion() / 1000;
            if (CudaLibraries.major(r.cublas().name()) > driverMajor || CudaLibraries.major(r.nvrtc().name()) > driverMajor) {
                CudaLibraries.Result older = CudaLibraries.locate(search, driverMajor);
                if (older.complete()) r = older;
            }
            cublas = new Cublas(open(r.cublas()), r.cublas().path());
            nvrtc = new Nvrtc(open(r.nvrtc()), r.nvrtc().path());
        } catch (RuntimeException e) {
            return new Outcome(null, "found " + r.driver().path() + ", " + r.cublas().path() + ", " + r.nvrtc().path()
                    + " but could not load them: " + e.getMessage());
        }
        try {
            driver.init();
            int n = driver.deviceCount();
            if (n < 1) return new Outcome(null, "CUDA driver " + r.driver().path() + " reports no CUDA device");
        } catch (RuntimeException e) {
            return new Outcome(null, "CUDA driver " + r.driver().path() + " loaded but " + e.getMessage()
                    + " (no usable GPU, or the driver and kernel module do not match)");
        }
        return new Outcome(new CudaRuntime(r, driver, cublas, nvrtc), null);
    }

    private static SymbolLookup open(CudaLibraries.Found f) {
        try {
            return NativeLibs.open(f);
        } catch (IllegalArgumentException e) {
            throw new CudaException("cannot open " + f.path() + ": " + e.getMessage(), e);
        }
    }
}
