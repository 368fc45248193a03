package org.spikekit.compute.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CUDA C sources of the backend's kernels: {@code src/main/cuda/*.cu}, packaged as classpath
 * resources under {@code cuda/}.
 */
final class CudaSources {
    private CudaSources() {}

    /** Source files, each compiled by NVRTC into one module. */
    static final List<String> FILES = List.of("elementwise.cu", "reduce.cu", "random.cu", "optim.cu");

    private static final Pattern KERNEL = Pattern.compile("extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(");

    static String read(String file) {
        String res = "/cuda/" + file;
        try (InputStream in = CudaSources.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("CUDA source " + res + " is not on the classpath (lib/src/main/cuda)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CUDA source " + res, e);
        }
    }

    /** Names of the {@code extern "C" __global__} kernels defined in {@code source}. */
    static List<String> kernelNames(String source) {
        List<String> out = new ArrayList<>();
        Matcher m = KERNEL.matcher(source);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
