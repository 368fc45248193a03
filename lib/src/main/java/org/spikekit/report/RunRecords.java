package org.spikekit.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.spikekit.io.AtomicFiles;

/**
 * One-JSON-file-per-run storage of the paper drivers ({@code results/<paper>/runs/<mode>/*.json}):
 * atomic writes, strict reads (unknown or missing fields are errors) whose messages name the file,
 * and a sorted read of a whole folder.
 */
public final class RunRecords {
    private RunRecords() {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Writes {@code record} as {@code dir/fileName} atomically; returns the path. */
    public static Path write(Path dir, String fileName, Object record) throws IOException {
        byte[] bytes = JSON.writeValueAsString(record).getBytes(StandardCharsets.UTF_8);
        return AtomicFiles.write(dir.resolve(fileName), out -> out.write(bytes));
    }

    /**
     * Reads one record; a damaged or foreign file is reported as
     * {@code <file>: not a readable <what> (<reason>)<hint>}.
     */
    public static <T> T read(Path file, Class<T> type, String what, String hint) throws IOException {
        try {
            return JSON.readValue(Files.readString(file), type);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable " + what + " (" + e.getMessage().lines().findFirst().orElse("") + ")" + hint, e);
        }
    }

    /** Every {@code *.json} record in {@code dir} (none when it does not exist), in {@code order}. */
    public static <T> List<T> readAll(Path dir, Class<T> type, String what, String hint, Comparator<T> order) throws IOException {
        List<T> runs = new ArrayList<>();
        if (!Files.isDirectory(dir)) return runs;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) runs.add(read(p, type, what, hint));
        }
        runs.sort(order);
        return runs;
    }
}
