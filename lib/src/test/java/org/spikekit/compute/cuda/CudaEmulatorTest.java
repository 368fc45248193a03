package org.spikekit.compute.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance tests without a GPU: {@code host_emulator.cpp} (built here with g++) stands in
 * for libcuda, cuBLAS and NVRTC and runs the real kernel sources on the CPU. This exercises the
 * library discovery, every FFM binding and argument list, the row-major to column-major gemm
 * mapping (the emulated SGEMM enforces cuBLAS's leading-dimension rules), the kernels' indexing
 * and reductions, and the PTX cache — everything but the GPU itself. Skipped where g++ is absent.
 */
class CudaEmulatorTest extends CudaConformance {

    private Path dir;

    @Override
    int[] reductionSizes() { return new int[] {1, 255, 257, 40_003}; }

    @Override
    CudaBackend open() throws IOException, InterruptedException {
        assumeTrue(onPath("g++"), "g++ not installed");
        dir = Files.createTempDirectory("spikekit-cuda-emulator");
        Path lib64 = Files.createDirectories(dir.resolve("lib64"));
        Path src = Files.createDirectories(dir.resolve("src"));
        for (String f : CudaSources.FILES) Files.writeString(src.resolve(f), CudaSources.read(f));
        Path emu = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                .resolve("src/test/java/org/spikekit/compute/cuda/host_emulator.cpp");
        Files.copy(emu, src.resolve("host_emulator.cpp"));
        Path so = lib64.resolve("libcuda.so.1");
        Process p = new ProcessBuilder("g++", "-std=c++17", "-O1", "-shared", "-fPIC", "-Wall", "-Wno-unused-function",
                src.resolve("host_emulator.cpp").toString(), "-o", so.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "g++ timed out");
        assertEquals(0, p.exitValue(), out);
        Files.createSymbolicLink(lib64.resolve("libcublas.so.13"), so.getFileName());
        Files.createSymbolicLink(lib64.resolve("libnvrtc.so.13"), so.getFileName());

        CudaRuntime.Outcome o = CudaRuntime.load(search());
        assertNotNull(o.runtime(), o.unavailableReason());
        CudaBackend b = new CudaBackend(o.runtime(), 0, new PtxCache(dir.resolve("ptx")));
        assertEquals("compute_90", b.arch());
        return b;
    }

    private CudaLibraries.Search search() {
        return new CudaLibraries.Search(Map.of("CUDA_HOME", dir.toString()), List.of(dir.resolve("lib64")),
                dir.resolve("no-usr-local"), soname -> false);
    }

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isBlank() && Files.isExecutable(Path.of(d, exe))) return true;
        }
        return false;
    }

    @AfterAll
    void deleteFiles() throws IOException {
        if (dir == null) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }

    @Test
    void deviceNameAndPtxCache() throws IOException {
        assertTrue(gpu.deviceName().startsWith("SpikeKit host emulator (compute capability 9.0, 2 SMs"), gpu.deviceName());
        List<Path> cached = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("ptx"))) { s.forEach(cached::add); }
        assertEquals(CudaSources.FILES.size(), cached.size(), cached.toString());
        // A second backend loads every module from the cache.
        try (CudaBackend again = new CudaBackend(CudaRuntime.load(search()).runtime(), 0, new PtxCache(dir.resolve("ptx")))) {
            assertEquals(0.0, again.sum(again.zeros(3)));
        }
    }

    @Test
    void driverErrorsNameTheCallAndTheError() {
        CudaException e = assertThrows(CudaException.class, () -> gpu.zeros(1 << 30, 2));
        assertTrue(e.getMessage().startsWith("cuMemAlloc_v2(8589934592 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory, code 2)"),
                e.getMessage());
        CudaDriver drv = CudaRuntime.load(search()).runtime().driver;
        CudaException bad = assertThrows(CudaException.class, () -> drv.device(3));
        assertTrue(bad.getMessage().startsWith("cuDeviceGet(3) failed: CUDA_ERROR_101 (unknown error, code 101)"), bad.getMessage());
        CudaException mod = assertThrows(CudaException.class, () -> drv.moduleLoadData("not ptx", "x.cu"));
        assertTrue(mod.getMessage().contains("CUDA_ERROR_INVALID_PTX"), mod.getMessage());
        assertTrue(mod.getMessage().contains("NVRTC"), mod.getMessage());
    }

    @Test
    void nvrtcCompileErrorCarriesTheLog() {
        Nvrtc nvrtc = CudaRuntime.load(search()).runtime().nvrtc;
        CudaException e = assertThrows(CudaException.class,
                () -> nvrtc.compile("#error nope\n", "broken.cu", List.of("--gpu-architecture=compute_90", "--fmad=false")));
        assertTrue(e.getMessage().startsWith("nvrtcCompileProgram(broken.cu, options [--gpu-architecture=compute_90, --fmad=false]) "
                + "failed: NVRTC_ERROR_COMPILATION (nvrtcResult 6)"), e.getMessage());
        assertTrue(e.getMessage().contains("broken.cu(1): error: #error directive"), e.getMessage());
        assertEquals("13.0", nvrtc.version());
    }

    @Test
    void closedBackendRefusesWork() {
        CudaBackend b = new CudaBackend(CudaRuntime.load(search()).runtime(), 0, new PtxCache(dir.resolve("ptx")));
        var t = b.zeros(10);
        b.close();
        b.close();
        assertThrows(IllegalStateException.class, () -> b.fill(t, 1f));
        t.storage().close(); // no-op after the backend freed everything
    }
}
