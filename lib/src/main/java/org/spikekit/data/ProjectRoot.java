package org.spikekit.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the SpikeKit project root, under which {@code data/}, {@code results/} and
 * {@code figures/} live. {@code org.spikekit.report.Notebook} and the command-line tools find it the
 * same way.
 */
public final class ProjectRoot {
    private ProjectRoot() {}

    /**
     * The project root: {@code home} (the value of {@code SPIKEKIT_HOME}) when set, else the first
     * folder at or above {@code cwd} holding {@code pom.xml} and {@code notebooks/}.
     *
     * @throws IllegalArgumentException if {@code home} is set but is not a directory
     * @throws IllegalStateException if {@code home} is unset and no folder above {@code cwd} qualifies
     */
    public static Path find(String home, Path cwd) {
        if (home != null && !home.isBlank()) {
            Path p = Path.of(home).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException("SPIKEKIT_HOME=" + home + " is not a directory");
            }
            return p;
        }
        for (Path p = cwd.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("notebooks"))) return p;
        }
        throw new IllegalStateException("cannot find the SpikeKit project root above " + cwd
                + " (a folder with pom.xml and notebooks/); set SPIKEKIT_HOME");
    }

    /** The project's data folder, the root found from {@code SPIKEKIT_HOME} or the working directory. */
    public static Path dataDir() {
        return find(System.getenv("SPIKEKIT_HOME"), Path.of("")).resolve("data");
    }
}
