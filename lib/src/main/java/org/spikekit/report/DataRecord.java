package org.spikekit.report;

/**
 * One data file a result was computed from.
 *
 * @param name data set name, e.g. {@code indy_20160622_01}
 * @param source {@code real} or {@code synthetic}
 * @param path path relative to the project root
 * @param sha256 checksum of the file as read
 * @param generator for synthetic data, the generator and its parameters; empty for real data
 */
public record DataRecord(String name, String source, String path, String sha256, String generator) {}
