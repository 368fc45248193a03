package org.spikekit.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.spikekit.data.format.hdf5.Hdf5Writer;

/**
 * Downloads {@code url:} entries of {@code data/manifest} into {@code data/raw/}. A download goes
 * to a hidden {@code .tmp} file beside the target, is hashed while it streams, checked against the
 * manifest (size and checksum where known, else the format's layout) and only then renamed into
 * place: a failed, interrupted or refused download never leaves a file at the target path.
 *
 * <p>Offline machines fail fast: connecting and every wait for data are bounded by {@code timeout}, and after
 * the first address that cannot be reached the remaining files are not tried (each is reported
 * with how to place it by hand). {@code file:} addresses are read directly (a local mirror; also
 * how the tests exercise the success path).
 */
public final class DataFetch {
    /** What happened to one entry. */
    public enum Outcome {
        /** A file is already at the target path (not touched; {@code DataCli verify} checks it). */
        PRESENT,
        /** Downloaded, checked and placed. */
        FETCHED,
        /** The address could not be reached (offline, DNS, refused, timeout); nothing written. */
        UNREACHABLE,
        /** Not tried: an earlier address was unreachable. */
        SKIPPED,
        /** The server answered but the download failed (HTTP error, interrupted); nothing written. */
        FAILED,
        /** Downloaded but refused by the manifest check (checksum, size, layout); nothing written. */
        REFUSED
    }

    /** The outcome for one entry with a message naming the file and, on failure, what to do. */
    public record Result(DataManifest.Entry entry, Outcome outcome, Path target, URI source, String message) {}

    private final Path rawDir;
    private final Duration timeout;
    private final String base;
    private final PrintStream log;

    /**
     * @param rawDir the {@code data/raw} folder
     * @param timeout bound on connecting and on each wait for data (a stalled download fails)
     * @param base when not null, replaces everything before the file name in each manifest URL
     *     (a mirror, or a test server); e.g. {@code file:///mnt/mirror/} or {@code http://host/files/}
     * @param log progress lines (may be null)
     */
    public DataFetch(Path rawDir, Duration timeout, String base, PrintStream log) {
        this.rawDir = rawDir;
        this.timeout = timeout;
        this.base = base == null || base.isBlank() ? null : (base.endsWith("/") ? base : base + "/");
        this.log = log;
    }

    /** Where {@code e} is downloaded from (its manifest URL, or the same file name under the base). */
    public URI source(DataManifest.Entry e) {
        String url = e.url().orElseThrow(() -> new IllegalArgumentException(
                e.name() + ": fetch is '" + e.fetch() + "', not url:<address>; nothing to download"));
        if (base == null) return URI.create(url);
        return URI.create(base + url.substring(url.lastIndexOf('/') + 1));
    }

    /** Fetches every entry; after the first unreachable address the rest are {@link Outcome#SKIPPED}. */
    public List<Result> fetchAll(List<DataManifest.Entry> entries) {
        List<Result> out = new ArrayList<>();
        boolean offline = false;
        for (DataManifest.Entry e : entries) {
            Path target = rawDir.resolve(e.path());
            if (Files.exists(target)) {
                out.add(say(new Result(e, Outcome.PRESENT, target, null, target + " already present")));
            } else if (offline) {
                out.add(new Result(e, Outcome.SKIPPED, target, source(e), "not tried (offline); place it by hand at " + target));
            } else {
                Result r = say(fetch(e));
                out.add(r);
                offline = r.outcome() == Outcome.UNREACHABLE;
            }
        }
        return out;
    }

    private Result say(Result r) {
        if (log != null) log.println(r.outcome().name().toLowerCase(Locale.ROOT) + "  " + r.message());
        return r;
    }

    /** Fetches one entry (a file already at the target is left alone). */
    public Result fetch(DataManifest.Entry e) {
        Path target = rawDir.resolve(e.path());
        URI src = source(e);
        if (Files.exists(target)) return new Result(e, Outcome.PRESENT, target, src, target + " already present");
        Opened opened;
        try {
            opened = open(src);
        } catch (Unreachable u) {
            return new Result(e, Outcome.UNREACHABLE, target, src, "cannot reach " + src + " (" + u.getMessage() + "). "
                    + "Place the file by hand at " + target + " (download it from " + src + " on a machine with internet);"
                    + " until then the synthetic stand-in is used");
        } catch (IOException ex) {
            return new Result(e, Outcome.FAILED, target, src, "download of " + src + " failed: " + ex.getMessage()
                    + "; nothing written to " + target);
        }
        Path tmp = null;
        try (InputStream in = opened.in()) {
            Files.createDirectories(target.getParent());
            tmp = Hdf5Writer.createTemp(target.getParent(), target.getFileName().toString());
            Digests.Hasher h = new Digests.Hasher();
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    h.update(buf, 0, n);
                }
            }
            if (opened.length().isPresent() && opened.length().getAsLong() != h.bytes()) {
                return new Result(e, Outcome.FAILED, target, src, "incomplete download of " + src + ": got " + h.bytes()
                        + " of " + opened.length().getAsLong() + " bytes; nothing written to " + target);
            }
            DataManifest.Status st = DataManifest.checkFile(tmp, e, DigestCache.none(), h.finish(),
                    "not placed at " + target);
            if (!st.ok()) {
                return new Result(e, Outcome.REFUSED, target, src, "downloaded " + src + " but refused it: "
                        + st.message().replace(tmp.toString(), target.getFileName() + " (download)"));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(tmp, target);
            }
            tmp = null;
            return new Result(e, Outcome.FETCHED, target, src, "fetched " + src + " -> " + target + " (" + h.bytes()
                    + " bytes, " + st.message() + ")");
        } catch (IOException ex) {
            return new Result(e, Outcome.FAILED, target, src, "download of " + src + " failed: " + ex.getMessage()
                    + "; nothing written to " + target);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort; a leftover hidden .tmp file is never read as data
                }
            }
        }
    }

    private record Opened(InputStream in, OptionalLong length) {}

    /** The address could not be reached at all (as opposed to an error answer). */
    static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Opened open(URI src) throws IOException {
        String scheme = src.getScheme() == null ? "" : src.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "file" -> {
                Path p = Path.of(src);
                try {
                    return new Opened(Files.newInputStream(p), OptionalLong.of(Files.size(p)));
                } catch (NoSuchFileException ex) {
                    throw new IOException("no such file " + p);
                }
            }
            case "http", "https" -> {
                return openHttp(src);
            }
            default -> throw new IOException("unsupported address scheme '" + scheme + "' (http, https or file)");
        }
    }

    /**
     * HTTP(S) with {@link HttpURLConnection}: its connect timeout bounds reaching the server and
     * its read timeout bounds every wait for data, so a stalled download fails instead of hanging.
     * Redirects are followed (Zenodo redirects record URLs to its file store).
     */
    private Opened openHttp(URI src) throws IOException {
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        URI at = src;
        for (int hop = 0; ; hop++) {
            HttpURLConnection c = (HttpURLConnection) at.toURL().openConnection();
            c.setConnectTimeout(ms);
            c.setReadTimeout(ms);
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("User-Agent", "SpikeKit DataFetch");
            int code;
            try {
                code = c.getResponseCode();
            } catch (UnknownHostException ex) {
                throw new Unreachable("host name " + at.getHost() + " does not resolve", ex);
            } catch (SocketTimeoutException ex) {
                throw new Unreachable("no answer within " + ms / 1000.0 + " s", ex);
            } catch (ConnectException | NoRouteToHostException ex) {
                throw new Unreachable(ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()), ex);
            }
            if (code / 100 == 3 && c.getHeaderField("Location") != null && hop < 10) {
                URI next = at.resolve(c.getHeaderField("Location"));
                c.disconnect();
                if ("https".equalsIgnoreCase(at.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                    throw new IOException("refusing the redirect from " + at + " to the insecure " + next);
                }
                at = next;
                continue;
            }
            if (code != 200) {
                c.disconnect();
                throw new IOException("HTTP " + code + " from " + at);
            }
            long len = c.getContentLengthLong();
            return new Opened(c.getInputStream(), len >= 0 ? OptionalLong.of(len) : OptionalLong.empty());
        }
    }
}
