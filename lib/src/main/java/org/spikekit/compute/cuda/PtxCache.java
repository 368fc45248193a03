package org.spikekit.compute.cuda;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * On-disk cache of NVRTC output: {@code <dir>/<sha256>.ptx}, keyed by the CUDA source, the target
 * architecture, the compiler options and the NVRTC version, so a change to any of them compiles
 * afresh. The default directory is {@code ${user.home}/.cache/spikekit/ptx}. A cache that cannot
 * be read or written only costs a compile (logged), never a failure.
 */
final class PtxCache {
    private static final Logger LOG = LoggerFactory.getLogger(PtxCache.class);

    private final Path dir;

    PtxCache(Path dir) { this.dir = dir; }

    static PtxCache userDefault() {
        return new PtxCache(Path.of(System.getProperty("user.home"), ".cache", "spikekit", "ptx"));
    }

    Path dir() { return dir; }

    static String key(String source, String arch, List<String> options, String compilerVersion) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(source.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(arch.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(String.join(" ", options).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(compilerVersion.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JDK", e);
        }
    }

    Path file(String key) { return dir.resolve(key + ".ptx"); }

    /** Cached PTX for this input, else {@code compile.get()} (then stored). */
    String getOrCompile(String source, String arch, List<String> options, String compilerVersion, Supplier<String> compile) {
        Path f = file(key(source, arch, options, compilerVersion));
        try {
            if (Files.isRegularFile(f)) {
                String ptx = Files.readString(f, StandardCharsets.UTF_8);
                if (ptx.contains(".entry")) return ptx;
                LOG.warn("ignoring unusable cached PTX {}", f);
            }
        } catch (IOException e) {
            LOG.warn("cannot read cached PTX {}: {}", f, e.toString());
        }
        String ptx = compile.get();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "ptx-", ".tmp");
            Files.writeString(tmp, ptx, StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("cannot write PTX cache {}: {}", f, e.toString());
        }
        return ptx;
    }
}
