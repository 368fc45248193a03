package org.spikekit.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.spikekit.io.AtomicFiles;

/**
 * Remembers the digests of large real data files (and whether they passed a layout check) so that
 * {@code make data} and notebooks do not re-hash gigabytes on every run. Stored as
 * {@code data/.cache/digests.tsv} (git-ignored; delete it at any time).
 *
 * <p>An entry is reused only while the file's size, modification time, status-change time (ctime)
 * and file key (device, inode) are exactly those recorded, and only if the ctime was at least
 * {@link #RACY_MARGIN_NS} older than the moment hashing started (a file changed within the
 * timestamp granularity of its hashing could otherwise look unchanged — git's "racy" rule). Any
 * write to a file, even one that restores the old modification time, sets its ctime to now. On
 * file systems without a ctime nothing is cached. A cache that cannot be read or written is
 * ignored: it only saves time, it never decides.
 */
public final class DigestCache {
    static final long RACY_MARGIN_NS = TimeUnit.SECONDS.toNanos(2);

    /** Digests of a file as recorded, and whether it read as its format. */
    public record Known(Digests digests, boolean layoutOk) {}

    private record Line(String identity, long hashedAtNs, Digests digests, boolean layoutOk) {}

    private final Path file;
    private final Map<String, Line> lines = new LinkedHashMap<>();
    private boolean dirty;

    private DigestCache(Path file) {
        this.file = file;
    }

    /** A cache that remembers nothing. */
    public static DigestCache none() {
        return new DigestCache(null);
    }

    /** The cache at {@code file}, loaded if it exists. */
    public static DigestCache at(Path file) {
        DigestCache c = new DigestCache(file);
        try {
            if (Files.isRegularFile(file)) {
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] f = l.split("\t");
                    if (f.length != 6 || l.startsWith("#")) continue;
                    try {
                        c.lines.put(f[0], new Line(f[1], Long.parseLong(f[2]), new Digests(f[3], f[4]), f[5].equals("1")));
                    } catch (NumberFormatException e) {
                        // a damaged line is forgotten
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            c.lines.clear();
        }
        return c;
    }

    /** The default cache for a {@code data/raw} folder: {@code data/.cache/digests.tsv}. */
    public static DigestCache forRawDir(Path rawDir) {
        Path parent = rawDir.toAbsolutePath().normalize().getParent();
        return parent == null ? none() : at(parent.resolve(".cache").resolve("digests.tsv"));
    }

    /** The recorded digests of {@code p} if it is unchanged since they were computed, else null. */
    public Known lookup(Path p) {
        if (file == null) return null;
        String key = key(p);
        Line l = lines.get(key);
        if (l == null) return null;
        String id = identity(p);
        if (id == null || !id.equals(l.identity()) || racy(id, l.hashedAtNs())) return null;
        return new Known(l.digests(), l.layoutOk());
    }

    /** Digests of {@code p}: recorded ones if still valid, else computed now (and recorded). */
    public Digests digests(Path p) throws IOException {
        Known k = lookup(p);
        if (k != null) return k.digests();
        String before = identity(p);
        long startNs = nowNs();
        Digests d = Digests.of(p);
        if (file != null && before != null && storable(key(p)) && before.equals(identity(p))) {
            lines.put(key(p), new Line(before, startNs, d, false));
            dirty = true;
        }
        return d;
    }

    /** Records that {@code p} (with digests {@code d}, as just computed) read as its format. */
    public void layoutOk(Path p, Digests d) {
        if (file == null) return;
        Line l = lines.get(key(p));
        if (l != null && l.digests().equals(d) && !l.layoutOk() && l.identity().equals(identity(p))) {
            lines.put(key(p), new Line(l.identity(), l.hashedAtNs(), d, true));
            dirty = true;
        }
    }

    /** Writes the cache if anything changed; failures are ignored (the cache only saves time). */
    public void save() {
        if (file == null || !dirty) return;
        StringBuilder sb = new StringBuilder("# SpikeKit digest cache (see DigestCache); safe to delete\n");
        for (var e : lines.entrySet()) {
            Line l = e.getValue();
            sb.append(String.join("\t", List.of(e.getKey(), l.identity(), Long.toString(l.hashedAtNs()),
                    l.digests().md5(), l.digests().sha256(), l.layoutOk() ? "1" : "0"))).append('\n');
        }
        try {
            AtomicFiles.writeString(file, sb.toString());
            dirty = false;
        } catch (IOException | RuntimeException e) {
            // ignored: the next run hashes again
        }
    }

    private static boolean storable(String key) {
        return !key.contains("\t") && !key.contains("\n");
    }

    private static String key(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    /** size|mtime|ctime|fileKey, or null when the file system does not give all of them. */
    static String identity(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:size,lastModifiedTime,ctime,ino,dev");
            Object ctime = a.get("ctime");
            if (!(ctime instanceof FileTime ct)) return null;
            String id = a.get("size") + "|" + ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS)
                    + "|" + ct.to(TimeUnit.NANOSECONDS) + "|" + a.get("dev") + ":" + a.get("ino");
            return id.contains("\t") || id.contains("\n") ? null : id;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean racy(String identity, long hashedAtNs) {
        long ctime = Long.parseLong(identity.split("\\|")[2]);
        return ctime >= hashedAtNs - RACY_MARGIN_NS;
    }

    private static long nowNs() {
        return TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    }
}
