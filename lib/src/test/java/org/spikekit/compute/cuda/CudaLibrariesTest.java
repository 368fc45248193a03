package org.spikekit.compute.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaLibrariesTest {

    @TempDir Path tmp;

    private static Path touch(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), "not a real library");
    }

    private CudaLibraries.Search search(Map<String, String> env) {
        return new CudaLibraries.Search(env, List.of(tmp.resolve("usr/lib64"), tmp.resolve("nvidia/lib64")),
                tmp.resolve("usr/local"), soname -> false);
    }

    @Test
    void nothingInstalledNamesEveryLibraryAndEveryPlaceSearched() throws IOException {
        Files.createDirectories(tmp.resolve("usr/local/cuda-12.4"));
        CudaLibraries.Result r = CudaLibraries.locate(search(Map.of("LD_LIBRARY_PATH", tmp.resolve("ld").toString(),
                "CUDA_HOME", tmp.resolve("home").toString())));
        assertFalse(r.complete());
        String why = r.missingReason();
        assertTrue(why.contains("CUDA driver libcuda.so.1 not found"), why);
        assertTrue(why.contains("system loader (dlopen \"libcuda.so.1\")"), why);
        assertTrue(why.contains(tmp.resolve("ld/libcuda.so.1").toString()), why);
        assertTrue(why.contains(tmp.resolve("usr/lib64/libcuda.so.1").toString()), why);
        assertTrue(why.contains(tmp.resolve("nvidia/lib64/libcuda.so.1").toString()), why);
        assertTrue(why.contains("cuBLAS libcublas.so.13 or libcublas.so.12 not found"), why);
        assertTrue(why.contains(tmp.resolve("home/lib64/libcublas.so.13").toString()), why);
        assertTrue(why.contains(tmp.resolve("ld/libcublas.so.12").toString()), why);
        assertTrue(why.contains(tmp.resolve("usr/local/cuda/lib64/libcublas.so.13").toString()), why);
        assertTrue(why.contains(tmp.resolve("usr/local/cuda-12.4/lib64/libcublas.so.12").toString()), why);
        assertTrue(why.contains("NVRTC libnvrtc.so.13 or libnvrtc.so.12 not found"), why);
        assertTrue(why.contains(tmp.resolve("usr/local/cuda-12.4/lib64/libnvrtc.so.13").toString()), why);
        assertTrue(why.contains("system loader (dlopen \"libnvrtc.so.12\")"), why);
    }

    @Test
    void findsFakeInstallAndPrefersCudaHomeThenNewestMajor() throws IOException {
        Path drv = touch(tmp.resolve("nvidia/lib64"), "libcuda.so.1");
        touch(tmp.resolve("usr/local/cuda-13.0/lib64"), "libcublas.so.13");
        touch(tmp.resolve("usr/local/cuda-13.0/lib64"), "libnvrtc.so.13");
        Path home12 = touch(tmp.resolve("home/lib64"), "libcublas.so.12");
        touch(tmp.resolve("home/lib64"), "libnvrtc.so.12");
        Path home13 = touch(tmp.resolve("home/lib64"), "libnvrtc.so.13");

        CudaLibraries.Result r = CudaLibraries.locate(search(Map.of("CUDA_HOME", tmp.resolve("home").toString())));
        assertTrue(r.complete(), r.missingReason());
        assertNull(r.missingReason());
        assertEquals(drv.toString(), r.driver().path());
        assertEquals(home12.toString(), r.cublas().path(), "CUDA_HOME decides the toolkit");
        assertEquals(home13.toString(), r.nvrtc().path(), ".13 before .12 in the same directory");

        CudaLibraries.Result noHome = CudaLibraries.locate(search(Map.of()));
        assertEquals(tmp.resolve("usr/local/cuda-13.0/lib64/libcublas.so.13").toString(), noHome.cublas().path());
    }

    @Test
    void ldLibraryPathBeatsFixedDirectoriesAndSystemLoaderBeatsBoth() throws IOException {
        touch(tmp.resolve("usr/lib64"), "libcuda.so.1");
        Path ld = touch(tmp.resolve("ld"), "libcuda.so.1");
        Map<String, String> env = Map.of("LD_LIBRARY_PATH", "/nonexistent:" + tmp.resolve("ld"));
        assertEquals(ld.toString(), CudaLibraries.locate(search(env)).driver().path());

        CudaLibraries.Search sys = new CudaLibraries.Search(env, List.of(), tmp.resolve("usr/local"),
                soname -> soname.equals("libcuda.so.1") || soname.equals("libnvrtc.so.12"));
        CudaLibraries.Result r = CudaLibraries.locate(sys);
        assertTrue(r.driver().viaSystemLoader());
        assertEquals("libcuda.so.1", r.driver().path());
        assertNotNull(r.nvrtc());
        assertEquals("libnvrtc.so.12", r.nvrtc().path());
        assertNull(r.cublas());
        assertTrue(r.missingReason().startsWith("cuBLAS"), r.missingReason());
    }

    @Test
    void toolkitNoNewerThanTheDriverIsPreferredWhenAsked() throws IOException {
        touch(tmp.resolve("nvidia/lib64"), "libcuda.so.1");
        touch(tmp.resolve("home/lib64"), "libcublas.so.13");
        touch(tmp.resolve("home/lib64"), "libnvrtc.so.13");
        Path old = touch(tmp.resolve("usr/local/cuda-12.8/lib64"), "libcublas.so.12");
        touch(tmp.resolve("usr/local/cuda-12.8/lib64"), "libnvrtc.so.12");
        CudaLibraries.Search s = search(Map.of("CUDA_HOME", tmp.resolve("home").toString()));
        assertEquals("libcublas.so.13", CudaLibraries.locate(s).cublas().name());
        assertEquals("libcublas.so.13", CudaLibraries.locate(s, 13).cublas().name());
        CudaLibraries.Result r12 = CudaLibraries.locate(s, 12);
        assertEquals(old.toString(), r12.cublas().path());
        assertEquals("libnvrtc.so.12", r12.nvrtc().name());
        // Only a newer toolkit present: still found (the driver error will say why it fails).
        assertEquals("libcublas.so.13", CudaLibraries.locate(s, 11).cublas().name());
        assertEquals(13, CudaLibraries.major("libnvrtc.so.13"));
        assertEquals(12, CudaLibraries.major("/x/libcublas.so.12.8.1"));
        assertEquals(0, CudaLibraries.major("libfoo.so"));
    }

    @Test
    void versionedInstallsNewestFirst() throws IOException {
        for (String v : List.of("cuda-12.4", "cuda-13.0", "cuda-12.10", "cuda-11.8")) Files.createDirectories(tmp.resolve(v));
        Files.writeString(tmp.resolve("cuda-14.0"), "a file, not an install");
        List<String> names = CudaLibraries.versionedInstalls(tmp).stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("cuda-13.0", "cuda-12.10", "cuda-12.4", "cuda-11.8"), names);
    }

    @Test
    void fakeLibrariesAreFoundButFailToLoadWithAClearReason() throws IOException {
        touch(tmp.resolve("nvidia/lib64"), "libcuda.so.1");
        touch(tmp.resolve("home/lib64"), "libcublas.so.13");
        touch(tmp.resolve("home/lib64"), "libnvrtc.so.13");
        CudaRuntime.Outcome o = CudaRuntime.load(search(Map.of("CUDA_HOME", tmp.resolve("home").toString())));
        assertNull(o.runtime());
        String why = o.unavailableReason();
        assertTrue(why.contains("could not load"), why);
        assertTrue(why.contains(tmp.resolve("nvidia/lib64/libcuda.so.1").toString()), why);
    }
}
