package org.spikekit.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** MD5 and SHA-256 of one file, computed in one pass (lower-case hex). */
public record Digests(String md5, String sha256) {

    /** Hex digest for {@code algorithm} ({@code md5} or {@code sha256}). */
    public String hex(String algorithm) {
        return switch (algorithm) {
            case "md5" -> md5;
            case "sha256" -> sha256;
            default -> throw new IllegalArgumentException("unknown checksum algorithm '" + algorithm + "'");
        };
    }

    public static Digests of(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return of(in);
        }
    }

    /** Digests of everything {@code in} delivers (it is read to its end, not closed). */
    public static Digests of(InputStream in) throws IOException {
        Hasher h = new Hasher();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) h.update(buf, 0, n);
        return h.finish();
    }

    /** Incremental form, for hashing while copying. */
    static final class Hasher {
        private final MessageDigest md5 = digest("MD5");
        private final MessageDigest sha = digest("SHA-256");
        private long bytes;

        void update(byte[] b, int off, int len) {
            md5.update(b, off, len);
            sha.update(b, off, len);
            bytes += len;
        }

        long bytes() { return bytes; }

        Digests finish() {
            return new Digests(HexFormat.of().formatHex(md5.digest()), HexFormat.of().formatHex(sha.digest()));
        }

        private static MessageDigest digest(String alg) {
            try {
                return MessageDigest.getInstance(alg);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(alg + " is not available in this JDK", e);
            }
        }
    }
}
