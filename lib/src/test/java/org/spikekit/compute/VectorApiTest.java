package org.spikekit.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cpu backend without {@code --add-modules jdk.incubator.vector}: a child JVM on this test's
 * class path, started without the flag, must get an {@link IllegalStateException} that names the
 * flag (not a {@code NoClassDefFoundError}); the same JVM with the flag must start the backend.
 */
class VectorApiTest {

    static String probe(boolean withFlag) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        if (withFlag) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), VectorApiProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");    // either could carry --add-modules
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish:\n" + out);
        assertEquals(0, p.exitValue(), "probe failed:\n" + out);
        return out;
    }

    @Test
    void withoutTheFlagTheCpuBackendSaysWhatToAdd() throws Exception {
        String out = probe(false);
        System.out.println(out);
        assertTrue(out.contains("available false"), out);
        assertTrue(out.contains("get java.lang.IllegalStateException: backend 'cpu' cannot start: the Vector API module "
                + "jdk.incubator.vector is not in this JVM"), out);
        assertTrue(out.contains("new java.lang.IllegalStateException: cpu backend: the Vector API module"), out);
        assertEquals(2, out.split("Add --add-modules jdk.incubator.vector to the java command line", -1).length - 1, out);
        assertFalse(out.contains("NoClassDefFoundError"), out);
    }

    @Test
    void withTheFlagTheCpuBackendStarts() throws Exception {
        String out = probe(true);
        assertTrue(out.contains("available true"), out);
        assertTrue(out.contains("get ok "), out);
        assertTrue(out.contains("new ok "), out);
    }
}
