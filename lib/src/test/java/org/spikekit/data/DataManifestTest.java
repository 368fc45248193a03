package org.spikekit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataManifestTest {
    @TempDir Path dir;

    // sha256("hello\n"), computed with sha256sum
    static final String HELLO = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    private DataManifest manifest(String body) throws IOException {
        Path m = dir.resolve("manifest");
        Files.writeString(m, "# comment\n\n" + body);
        return DataManifest.read(m);
    }

    @Test
    void parsesEntries() throws IOException {
        DataManifest m = manifest("hello\tsub/hello.txt\t" + HELLO + "\t6\tnpm:hello@1.0.0\trsnn\n");
        assertEquals(1, m.entries().size());
        var e = m.entry("hello").orElseThrow();
        assertEquals("sub/hello.txt", e.path());
        assertEquals(6, e.bytes());
        assertEquals(3, e.line());
    }

    @Test
    void checksOkMissingTruncatedAndCorrupt() throws IOException {
        DataManifest m = manifest("hello\thello.txt\t" + HELLO + "\t6\tmanual\trsnn\n");
        Path raw = dir.resolve("raw");
        Files.createDirectories(raw);
        assertEquals(DataManifest.State.MISSING, m.check(raw).get(0).state());

        Files.writeString(raw.resolve("hello.txt"), "hel");
        var st = m.check(raw).get(0);
        assertEquals(DataManifest.State.TRUNCATED, st.state());
        assertTrue(st.message().contains("3 bytes, expected 6"), st.message());

        Files.writeString(raw.resolve("hello.txt"), "jello\n");
        st = m.check(raw).get(0);
        assertEquals(DataManifest.State.CHECKSUM_MISMATCH, st.state());
        assertTrue(st.message().contains(HELLO), st.message());

        Files.writeString(raw.resolve("hello.txt"), "hello\n");
        assertEquals(DataManifest.State.OK, m.check(raw).get(0).state());
    }

    @Test
    void malformedLinesNameFileAndLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> manifest("x\ty\tnothex\t6\tmanual\tp\n"));
        assertTrue(e.getMessage().contains("manifest:3") && e.getMessage().contains("sha256"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> manifest("x\ty\t" + HELLO + "\n"));
        assertTrue(e.getMessage().contains("expected 6 tab-separated fields"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> manifest("x\t../y\t" + HELLO + "\t6\tmanual\tp\n"));
        assertTrue(e.getMessage().contains("relative to data/raw"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> manifest("x\ty\t" + HELLO + "\tsix\tmanual\tp\n"));
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DataManifest.read(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void projectManifestIsValid() {
        Path m = Path.of("..", "data", "manifest");
        if (Files.exists(m)) assertFalse(DataManifest.read(m).entries().isEmpty());
        else fail("data/manifest missing (tests run from lib/)");
    }
}
