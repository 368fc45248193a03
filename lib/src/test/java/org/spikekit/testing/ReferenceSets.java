package org.spikekit.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the reference sets live for the {@code *ParityTest} classes: golden arrays made by running
 * the authors' code unmodified and the authors' released checkpoints, one folder per set
 * ({@code rsnn-released/}, {@code blocks-golden/}, {@code spikenn-golden/}) and other tools' files
 * ({@code nir/}: NIR example files), each with its README.
 *
 * <p>Default: the copy committed with the kit, {@code data/reference/} at the project root. Override
 * with {@code -Dspikekit.reference=DIR} (e.g. {@code mvn test -Dtest='*ParityTest'
 * -Dspikekit.reference=/data/other-reference}), a folder laid out the same way; a relative DIR is taken from the project root.
 */
public final class ReferenceSets {
    private ReferenceSets() {}

    /** The project root (set by the POM; the working directory's parent when run another way). */
    public static Path projectRoot() {
        String p = System.getProperty("spikekit.projectRoot");
        if (p != null && !p.isBlank()) return Path.of(p).toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        return Files.isDirectory(cwd.resolve("lib")) ? cwd : cwd.getParent();
    }

    /** The reference root folder; fails with a message naming the folder when it is absent. */
    public static Path root() {
        String p = System.getProperty("spikekit.reference");
        Path dir = p == null || p.isBlank() ? projectRoot().resolve("data/reference") : projectRoot().resolve(p);
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("reference sets folder " + dir + " does not exist"
                    + (p == null ? " (the kit commits it as data/reference/)" : " (from -Dspikekit.reference=" + p + ")"));
        }
        return dir;
    }

    /** One set's folder, e.g. {@code set("rsnn-released")}; fails naming it when absent. */
    public static Path set(String name) {
        Path d = root().resolve(name);
        if (!Files.isDirectory(d)) throw new IllegalStateException("reference set " + d + " does not exist");
        return d;
    }
}
