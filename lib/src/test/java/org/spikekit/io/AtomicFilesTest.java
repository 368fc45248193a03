package org.spikekit.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void writesWholeFileAndCreatesFolders() throws IOException {
        Path f = dir.resolve("a/b/out.txt");
        AtomicFiles.writeString(f, "hello");
        assertEquals("hello", Files.readString(f));
        assertEquals(1, filesIn(f.getParent()), "no temporary file may remain");
    }

    @Test
    void failingWriterLeavesNoFileBehind() throws IOException {
        Path f = dir.resolve("out.csv");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("partial,row\n".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertFalse(Files.exists(f));
        assertEquals(0, filesIn(dir), "the temporary file must be deleted");
    }

    @Test
    void failingWriterKeepsThePreviousVersion() throws IOException {
        Path f = dir.resolve("out.csv");
        AtomicFiles.writeString(f, "old");
        assertThrows(RuntimeException.class, () -> AtomicFiles.write(f, out -> {
            out.write("new-but-broken".getBytes());
            throw new IllegalStateException("boom");
        }));
        assertEquals("old", Files.readString(f));
        assertEquals(1, filesIn(dir));
    }
}
