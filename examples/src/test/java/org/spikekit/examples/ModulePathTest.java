package org.spikekit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The module descriptor of org.spikekit at work: a child JVM with spikekit and its runtime
 * dependencies on the module path, the probe on the class path, and no
 * {@code --add-modules jdk.incubator.vector}. {@code --add-modules ALL-MODULE-PATH} is needed
 * because tablesaw-core is an automatic module: it declares none of its own dependencies
 * (classgraph, RoaringBitmap, ...), so nothing else would resolve them.
 */
class ModulePathTest {
    @Test
    void spikekitRunsAsANamedModule() throws Exception {
        Path runtime = Path.of("target", "runtime-classpath.txt");
        assertTrue(Files.isRegularFile(runtime), runtime + " missing: maven-dependency-plugin writes it (examples/pom.xml)");
        String modulePath = Files.readString(runtime).strip();
        String classPath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + Path.of("target", "test-classes").toAbsolutePath();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.awt.headless=true", "--module-path", modulePath,
                "--add-modules", "ALL-MODULE-PATH", "-cp", classPath, ModulePathProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish:\n" + out);
        System.out.println(out);
        assertEquals(0, p.exitValue(), "probe failed:\n" + out);
        assertTrue(out.contains("module org.spikekit automatic=false"), "spikekit was not loaded as its named module:\n" + out);
        assertTrue(out.contains("vector true"), "jdk.incubator.vector was not resolved through the descriptor:\n" + out);
        assertTrue(out.contains("backends [cpu, nd4j, cuda]"), "service providers (provides ... with) missing:\n" + out);
        assertTrue(out.contains("nd4j ND4J is not on the classpath"), "nd4j should be reported absent (optional dependency):\n" + out);
        assertTrue(out.contains("sweep round trip true"), "Jackson could not (de)serialise the sweep records:\n" + out);
        assertTrue(out.contains("tablesaw rows 2"), "tablesaw did not work on the module path:\n" + out);
        assertTrue(out.matches("(?s).*\\nxchart image [1-9]\\d*\\R.*"), "xchart did not render on the module path:\n" + out);
        assertTrue(out.matches("(?s).*\\nr2 -?\\d+\\.\\d{3}\\R.*"), "the example did not run:\n" + out);
    }
}
