package org.spikekit.compute.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PtxCacheTest {

    @TempDir Path tmp;

    @Test
    void compilesOnceThenReadsTheFileKeyedBySourceArchOptionsAndCompiler() throws IOException {
        PtxCache c = new PtxCache(tmp.resolve("ptx"));
        AtomicInteger compiles = new AtomicInteger();
        List<String> opts = List.of("--fmad=false");
        String ptx = "// ptx\n.visible .entry k()\n{\n}\n";
        assertEquals(ptx, c.getOrCompile("src", "compute_90", opts, "13.0", () -> { compiles.incrementAndGet(); return ptx; }));
        assertEquals(ptx, c.getOrCompile("src", "compute_90", opts, "13.0", () -> { compiles.incrementAndGet(); return "x"; }));
        assertEquals(1, compiles.get());
        String key = PtxCache.key("src", "compute_90", opts, "13.0");
        assertEquals(64, key.length());
        assertTrue(Files.isRegularFile(tmp.resolve("ptx").resolve(key + ".ptx")));
        assertNotEquals(key, PtxCache.key("src", "compute_80", opts, "13.0"));
        assertNotEquals(key, PtxCache.key("src2", "compute_90", opts, "13.0"));
        assertNotEquals(key, PtxCache.key("src", "compute_90", List.of(), "13.0"));
        assertNotEquals(key, PtxCache.key("src", "compute_90", opts, "12.8"));
    }

    @Test
    void unusableCacheOnlyCostsACompile() throws IOException {
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        PtxCache c = new PtxCache(notADir.resolve("ptx"));
        assertEquals(".entry a", c.getOrCompile("s", "compute_90", List.of(), "13.0", () -> ".entry a"));
        // A truncated or empty cached file is ignored and replaced.
        PtxCache good = new PtxCache(tmp.resolve("ok"));
        Files.createDirectories(good.dir());
        Files.writeString(good.file(PtxCache.key("s", "compute_90", List.of(), "13.0")), "");
        assertEquals(".entry b", good.getOrCompile("s", "compute_90", List.of(), "13.0", () -> ".entry b"));
    }
}
