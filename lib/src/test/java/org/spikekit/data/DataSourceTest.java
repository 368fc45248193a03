package org.spikekit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared "real if present, else the stand-in" rule and its stand-in bookkeeping. */
class DataSourceTest {
    @TempDir Path dir;

    private static DataSource<String> source(boolean present, List<String> asked) {
        return DataSource.of(() -> { asked.add("present"); return present; }, () -> "real",
                () -> new DataException(null, "not present"), () -> "standin");
    }

    @Test
    void choiceDecidesBetweenRealAndStandin() {
        List<String> asked = new ArrayList<>();
        assertEquals("real", source(true, asked).load(DataChoice.AUTO));
        assertEquals("standin", source(false, asked).load(DataChoice.AUTO));
        assertEquals("real", source(true, asked).load(DataChoice.REAL));
        DataException e = assertThrows(DataException.class, () -> source(false, asked).load(DataChoice.REAL));
        assertEquals("not present", e.getMessage());
        asked.clear();
        assertEquals("standin", source(true, asked).load(DataChoice.SYNTHETIC));
        assertTrue(asked.isEmpty(), "SYNTHETIC must not look for the real data");
    }

    @Test
    void oneFileStandinIsWrittenKeptAndRewritten() throws IOException {
        Path f = dir.resolve("sub/standin.txt");
        AtomicInteger writes = new AtomicInteger();
        DataSource.Writer write = t -> {
            writes.incrementAndGet();
            Files.createDirectories(t.getParent());
            Files.writeString(t, "cfg-1");
        };
        DataSource.Reader<String> read = Files::readString;
        var a = DataSource.standinFile(f, "cfg-1", read, s -> s, null, null, write);
        assertEquals("generated now (was missing)", a.how());
        assertEquals("cfg-1", a.value());
        var b = DataSource.standinFile(f, "cfg-1", read, s -> s, null, null, write);
        assertEquals("generated earlier (stored generator config matches)", b.how());
        assertEquals(1, writes.get());
        Files.writeString(f, "cfg-0");
        var c = DataSource.standinFile(f, "cfg-1", read, s -> s, null, null, write);
        assertEquals("regenerated (stored generator config differed)", c.how());
        assertEquals("cfg-1", Files.readString(f));
        var d = DataSource.standinFile(f, "cfg-1", read, s -> s, p -> true, "old layout", write);
        assertEquals("regenerated (old layout)", d.how());
        DataSource.Reader<String> broken = p -> {
            if (writes.get() < 5) throw new IOException("bad header");
            return Files.readString(p);
        };
        var e = DataSource.standinFile(f, "cfg-1", broken, s -> s, null, null, t -> { writes.set(5); write.write(t); });
        assertEquals("regenerated (the old file did not read: bad header)", e.how());
    }

    @Test
    void standinThatCannotBeWrittenNamesTheFile() {
        Path f = dir.resolve("x.bin");
        DataException e = assertThrows(DataException.class, () -> DataSource.standinFile(f, "cfg", p -> "cfg", s -> s, null, null,
                t -> { throw new IOException("disk full"); }));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("disk full"), e.getMessage());
    }

    @Test
    void folderStandinStoresItsConfigLast() throws IOException {
        Path d = dir.resolve("folder");
        AtomicInteger writes = new AtomicInteger();
        DataSource.Writer write = t -> {
            writes.incrementAndGet();
            Files.createDirectories(t);
            Files.writeString(t.resolve("a.txt"), "a");
        };
        assertEquals("generated now (was missing)", DataSource.standinFolder(d, "v1", "test stand-in", write));
        assertEquals("v1\n", Files.readString(d.resolve(DataSource.GENERATOR_FILE)));
        assertEquals("generated earlier (stored generator config matches)", DataSource.standinFolder(d, "v1", "test stand-in", write));
        Files.writeString(d.resolve("stray.txt"), "left from an older stand-in");
        assertEquals("regenerated (stored generator config differed)", DataSource.standinFolder(d, "v2", "test stand-in", write));
        assertFalse(Files.exists(d.resolve("stray.txt")), "the folder is emptied before it is written again");
        assertEquals(2, writes.get());
        DataException e = assertThrows(DataException.class,
                () -> DataSource.standinFolder(d, "v3", "test stand-in", t -> { throw new IOException("read-only"); }));
        assertTrue(e.getMessage().startsWith("test stand-in " + d) && e.getMessage().endsWith("read-only"), e.getMessage());
        assertFalse(Files.exists(d.resolve(DataSource.GENERATOR_FILE)), "a failed write leaves no config claiming the folder is up to date");
    }

    @Test
    void relativePathsAreFromTheProjectRoot() {
        Path data = dir.resolve("data");
        assertEquals("data/raw/x/y.h5", DataSource.relative(data, data.resolve("raw/x/y.h5")));
    }
}
