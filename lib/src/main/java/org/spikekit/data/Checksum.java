package org.spikekit.data;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The checksum column of {@code data/manifest}: an algorithm and the hex digits known, which may
 * be only a prefix (published checksums are sometimes quoted shortened, e.g. "md5 c33d5fff…"), or
 * nothing ({@code -}).
 *
 * <p>Accepted spellings: {@code sha256:<64 hex>}, a bare {@code <64 hex>} (SHA-256), {@code
 * md5:<8..32 hex>}, {@code sha256:<8..64 hex>}, {@code -}. Hex is lower case. Fewer digits than the
 * algorithm's full length is a prefix: the file's checksum must start with it, and every message
 * says that only a prefix was checked.
 *
 * @param algorithm {@code sha256} or {@code md5}; empty when unknown
 * @param hex the known hex digits (full or prefix); empty when unknown
 */
public record Checksum(String algorithm, String hex) {
    public static final Checksum UNKNOWN = new Checksum("", "");

    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    static final int MIN_PREFIX = 8;

    public Checksum {
        if (!algorithm.isEmpty()) {
            int full = fullLength(algorithm);
            if (hex.length() < MIN_PREFIX || hex.length() > full || !HEX.matcher(hex).matches()) {
                throw new IllegalArgumentException(algorithm + " checksum must be " + MIN_PREFIX + ".." + full
                        + " lower-case hex digits, got '" + hex + "'");
            }
        } else if (!hex.isEmpty()) {
            throw new IllegalArgumentException("checksum digits without an algorithm: " + hex);
        }
    }

    /** Parses a manifest checksum field; {@code where} (file:line) starts the error message. */
    public static Checksum parse(String field, String where) {
        String s = field.strip();
        try {
            if (s.equals("-")) return UNKNOWN;
            if (s.length() == 64 && HEX.matcher(s).matches()) return new Checksum("sha256", s);
            int colon = s.indexOf(':');
            if (colon > 0) {
                String alg = s.substring(0, colon);
                if (alg.equals("sha256") || alg.equals("md5")) return new Checksum(alg, s.substring(colon + 1));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": checksum: " + e.getMessage());
        }
        throw new IllegalArgumentException(where + ": checksum must be sha256:<64 hex digits> (or the bare 64 digits),"
                + " md5:<8..32 hex digits> (fewer than 32 = a published prefix) or - (unknown), got '" + field + "'");
    }

    static int fullLength(String algorithm) {
        return switch (algorithm) {
            case "sha256" -> 64;
            case "md5" -> 32;
            default -> throw new IllegalArgumentException("unknown checksum algorithm '" + algorithm + "' (sha256 or md5)");
        };
    }

    public boolean known() { return !algorithm.isEmpty(); }

    /** True when only a prefix of the checksum is known. */
    public boolean prefix() { return known() && hex.length() < fullLength(algorithm); }

    /** Whether the full hex checksum {@code actual} of a file agrees with what is known. */
    public boolean matches(String actual) {
        return known() && actual.toLowerCase(Locale.ROOT).startsWith(hex);
    }

    /** "sha256 5891b5…" or "md5 prefix c33d5fff (8 hex digits known)". */
    public String describeExpected() {
        if (!known()) return "no checksum (unknown)";
        return prefix() ? algorithm + " prefix " + hex + " (" + hex.length() + " hex digits known)" : algorithm + " " + hex;
    }

    /** What an agreeing file has been shown to satisfy, e.g. "md5 prefix matches (8 hex digits known)". */
    public String describeMatch() {
        if (!known()) return "unverified checksum (none known)";
        return prefix() ? algorithm + " prefix matches (" + hex.length() + " hex digits known)" : algorithm + " verified";
    }

    /** The manifest spelling. */
    @Override
    public String toString() {
        return known() ? algorithm + ":" + hex : "-";
    }
}
