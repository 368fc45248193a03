package org.spikekit.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs one sweep run in a JVM of its own ({@code SweepCli run-one}): this
 * JVM's java binary and class path, the flags the kit needs, a heap limit and a processor count,
 * so each run sees the cores it was given (results do not depend on it; speed does).
 */
final class ChildJvm {
    private ChildJvm() {}

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> command(Path sweepFile, String runId, long memMb, int cpus) {
        List<String> c = new ArrayList<>();
        c.add(javaBinary());
        c.addAll(flags(memMb, cpus));
        c.add("org.spikekit.sweep.SweepCli");
        c.add("run-one");
        c.add(sweepFile.toAbsolutePath().toString());
        c.add(runId);
        return c;
    }

    static List<String> flags(long memMb, int cpus) {
        return List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xmx" + memMb + "m", "-XX:ActiveProcessorCount=" + cpus, "-cp", System.getProperty("java.class.path"));
    }
}
