package org.spikekit.compute.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where {@code nvcc} is installed (no GPU needed), compiles every kernel source to PTX for sm_90
 * with the options NVRTC gets, and checks each kernel the backend launches is an entry point.
 */
class NvccPtxTest {

    @TempDir Path tmp;

    private static String nvcc() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "nvcc"))) return Path.of(dir, "nvcc").toString();
        }
        for (String p : List.of("/usr/local/cuda/bin/nvcc")) if (Files.isExecutable(Path.of(p))) return p;
        return null;
    }

    @Test
    void kernelSourcesCompileForSm90() throws IOException, InterruptedException {
        String nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc not installed");
        for (String f : CudaSources.FILES) {
            Path cu = Files.writeString(tmp.resolve(f), CudaSources.read(f));
            Path ptx = tmp.resolve(f + ".ptx");
            List<String> cmd = new ArrayList<>(List.of(nvcc, "-ptx", "-arch=sm_90"));
            cmd.addAll(CudaBackend.NVRTC_OPTIONS);
            cmd.addAll(List.of(cu.toString(), "-o", ptx.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nvcc timed out on " + f);
            assertEquals(0, p.exitValue(), f + ":\n" + out);
            assertTrue(out.isBlank(), "nvcc warnings for " + f + ":\n" + out);
            String text = Files.readString(ptx);
            for (String k : CudaSources.kernelNames(CudaSources.read(f))) {
                assertTrue(text.contains(".entry " + k + "("), k + " not an entry point of " + f);
            }
        }
    }
}
