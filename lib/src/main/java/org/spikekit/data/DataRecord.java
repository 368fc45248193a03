package org.spikekit.data;

/**
 * One data file a result was computed from.
 *
 * @param name data set name, e.g. {@code indy_20160622_01}
 * @param source {@code real} or {@code synthetic}
 * @param path path relative to the project root
 * @param sha256 checksum of the file as read
 * @param generator for synthetic data, the generator and its parameters; empty for real data
 * @param verification how the file was checked, e.g. {@code sha256 verified},
 *     {@code md5 prefix matches (8 hex digits known)}, {@code unverified checksum (none known); ...}
 *     for real files, {@code generated (stored generator config matches)} for stand-ins; empty if
 *     not recorded
 */
public record DataRecord(String name, String source, String path, String sha256, String generator, String verification) {
    public DataRecord {
        verification = verification == null ? "" : verification;
    }

    /** A record without a verification note. */
    public DataRecord(String name, String source, String path, String sha256, String generator) {
        this(name, source, path, sha256, generator, "");
    }
}
