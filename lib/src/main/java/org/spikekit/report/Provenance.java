package org.spikekit.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.spikekit.data.DataRecord;
import org.spikekit.io.AtomicFiles;

/**
 * Everything needed to rebuild one result: which code (kit version, git commit, dirty flag), how
 * it ran (mode, backend, device, seed, configuration), on what data (file checksums), where
 * (JVM, OS, architecture, cores) and when. Written as {@code <result>.provenance.json} beside every
 * table and figure.
 */
public record Provenance(
        String kitVersion,
        String gitCommit,
        boolean gitDirty,
        String notebook,
        String section,
        String createdAt,
        double wallTimeS,
        String mode,
        String data,
        String backend,
        String device,
        long seed,
        Map<String, Object> config,
        List<DataRecord> dataFiles,
        String jvm,
        String os,
        String arch,
        int cores) {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public Provenance {
        Objects.requireNonNull(kitVersion, "kitVersion");
        Objects.requireNonNull(gitCommit, "gitCommit");
        Objects.requireNonNull(createdAt, "createdAt");
        config = config == null ? Map.of() : Map.copyOf(config);
        dataFiles = dataFiles == null ? List.of() : List.copyOf(dataFiles);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("provenance is not serialisable: " + e.getMessage(), e);
        }
    }

    public static Provenance fromJson(String json) {
        try {
            return JSON.readValue(json, Provenance.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a provenance record: " + e.getOriginalMessage(), e);
        }
    }

    public static Provenance read(Path file) {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading provenance " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes this record atomically to {@code file}. */
    public Path write(Path file) throws IOException {
        return AtomicFiles.writeString(file, toJson() + "\n");
    }

    /**
     * Fields that differ between two records, one line each ({@code field: a -> b}); the time
     * stamp and wall time are left out since they always differ.
     */
    public static List<String> diff(Provenance a, Provenance b) {
        Map<String, Object> ma = JSON.convertValue(a, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
        Map<String, Object> mb = JSON.convertValue(b, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(ma.keySet());
        keys.addAll(mb.keySet());
        for (String k : keys) {
            if (k.equals("createdAt") || k.equals("wallTimeS")) continue;
            Object va = ma.get(k), vb = mb.get(k);
            if (!Objects.equals(va, vb)) out.add(k + ": " + va + " -> " + vb);
        }
        return out;
    }
}
