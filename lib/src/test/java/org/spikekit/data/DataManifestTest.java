package org.spikekit.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.reaching.ODohertyFile;
import org.spikekit.data.reaching.ODohertyFileTest;

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

    // md5("hello\n"), computed with md5sum
    static final String HELLO_MD5 = "b1946ac92492d2347c6235b4d2611184";

    @Test
    void checksumColumnForms() throws IOException {
        DataManifest m = manifest("a\ta\t" + HELLO + "\t6\tmanual\tp\n"
                + "b\tb\tsha256:" + HELLO + "\t6\tmanual\tp\n"
                + "c\tc\tmd5:b1946ac9\t-\turl:https://example.org/c\tp\n"
                + "d\td\tmd5:" + HELLO_MD5 + "\t6\tmanual\tp\n"
                + "e\te\t-\t-\tmanual\tp\n");
        assertEquals(new Checksum("sha256", HELLO), m.entry("a").orElseThrow().checksum());
        assertEquals(new Checksum("sha256", HELLO), m.entry("b").orElseThrow().checksum());
        var c = m.entry("c").orElseThrow();
        assertTrue(c.checksum().prefix());
        assertEquals(-1, c.bytes());
        assertEquals("https://example.org/c", c.url().orElseThrow());
        assertFalse(m.entry("d").orElseThrow().checksum().prefix());
        assertFalse(m.entry("e").orElseThrow().checksum().known());
        assertEquals("md5:b1946ac9", c.checksum().toString());
        assertEquals("-", Checksum.UNKNOWN.toString());
    }

    @Test
    void badChecksumFields() {
        for (String bad : List.of("md5:b194", "md5:B1946AC9", "md5:" + HELLO, "sha1:b1946ac9", "crc:1", "", "b1946ac9")) {
            var e = assertThrows(IllegalArgumentException.class, () -> manifest("x\ty\t" + bad + "\t6\tmanual\tp\n"));
            assertTrue(e.getMessage().contains("manifest:3") && e.getMessage().contains("checksum"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> manifest("x\ty\t-\t-1\tmanual\tp\n"));
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> manifest("x\ty\t-\t-\tmanual\tp\nx\tz\t-\t-\tmanual\tp\n"));
        assertTrue(e.getMessage().contains("already listed at line 3"), e.getMessage());
    }

    @Test
    void md5PrefixMatchAndMismatch() throws IOException {
        Path raw = dir.resolve("raw");
        Files.createDirectories(raw);
        Files.writeString(raw.resolve("hello.txt"), "hello\n");
        var ok = manifest("hello\thello.txt\tmd5:b1946ac9\t-\tmanual\tp\n").check(raw).get(0);
        assertEquals(DataManifest.State.OK, ok.state());
        assertEquals(DataManifest.Verification.PREFIX, ok.verification());
        assertEquals("md5 prefix matches (8 hex digits known)", ok.message());
        assertEquals("real (md5 prefix matches (8 hex digits known))", ok.summary());
        assertEquals(HELLO, ok.digests().sha256());

        var full = manifest("hello\thello.txt\tmd5:" + HELLO_MD5 + "\t6\tmanual\tp\n").check(raw).get(0);
        assertEquals(DataManifest.Verification.FULL, full.verification());
        assertEquals("md5 verified", full.message());
        var sha = manifest("hello\thello.txt\t" + HELLO + "\t6\tmanual\tp\n").check(raw).get(0);
        assertEquals("sha256 verified", sha.message());

        var bad = manifest("hello\thello.txt\tmd5:c33d5fff\t-\tmanual\tp\n").check(raw).get(0);
        assertEquals(DataManifest.State.CHECKSUM_MISMATCH, bad.state());
        assertTrue(bad.bad());
        for (String part : List.of(raw.resolve("hello.txt").toString(), "md5 " + HELLO_MD5,
                "expected md5 prefix c33d5fff (8 hex digits known)", "data/manifest:3")) {
            assertTrue(bad.message().contains(part), "'" + part + "' not in " + bad.message());
        }
    }

    @Test
    void unknownChecksumIsReportedAsUnverified() throws IOException {
        Path raw = dir.resolve("raw");
        Files.createDirectories(raw);
        Files.writeString(raw.resolve("hello.txt"), "hello\n");
        var st = manifest("hello\thello.txt\t-\t-\tmanual\tp\n").check(raw).get(0);
        assertEquals(DataManifest.State.OK, st.state());
        assertEquals(DataManifest.Verification.NONE, st.verification());
        assertTrue(st.message().startsWith("unverified checksum"), st.message());
        // a known size still counts
        var sized = manifest("hello\thello.txt\t-\t7\tmanual\tp\n").check(raw).get(0);
        assertEquals(DataManifest.State.TRUNCATED, sized.state());
    }

    @Test
    void odohertyEntriesWithoutChecksumMustReadAsTheLayout() throws IOException {
        Path raw = dir.resolve("raw");
        DataManifest m = manifest("s\todoherty/indy_20160622_01.mat\t-\t-\tmanual\trsnn\n");
        Path f = raw.resolve("odoherty/indy_20160622_01.mat");
        ODohertyFile.write(ODohertyFileTest.session(""), f);
        var st = m.check(raw).get(0);
        assertEquals(DataManifest.State.OK, st.state());
        assertEquals("unverified checksum (none known); reads as an O'Doherty session (MATLAB v7.3 / HDF5)", st.message());

        var w = ODohertyFile.layout(ODohertyFileTest.session(""));
        w.root().remove("spikes");
        w.write(f);
        st = m.check(raw).get(0);
        assertEquals(DataManifest.State.BAD_LAYOUT, st.state());
        assertTrue(st.message().contains(f.toString()) && st.message().contains("'spikes'")
                && st.message().contains("does not read as an O'Doherty session"), st.message());
        assertEquals("BAD: bad layout", st.summary());
    }

    @Test
    void digestCacheIsUsedOnlyForUnchangedFiles() throws IOException, InterruptedException {
        Path raw = dir.resolve("raw");
        Files.createDirectories(raw);
        Path f = raw.resolve("hello.txt");
        Files.writeString(f, "hello\n");
        assumeTrue(DigestCache.identity(f) != null, "file system without ctime: nothing is cached");
        // make the file old enough not to be "racy": its ctime cannot be set, so hash it 2+ s later
        DataManifest m = manifest("hello\thello.txt\t" + HELLO + "\t6\tmanual\tp\n");
        Path cacheFile = dir.resolve(".cache/digests.tsv");
        assertEquals(DataManifest.State.OK, m.check(raw).get(0).state());
        assertTrue(Files.isRegularFile(cacheFile), "cache written next to raw/");
        DigestCache c = DigestCache.at(cacheFile);
        assertNull(c.lookup(f), "a file hashed within 2 s of its last change is not trusted from the cache");
        Thread.sleep(2100);
        assertEquals(DataManifest.State.OK, m.check(raw).get(0).state());
        c = DigestCache.at(cacheFile);
        assertNotNull(c.lookup(f));
        assertEquals(HELLO, c.lookup(f).digests().sha256());
        // same size, old mtime restored: ctime still changes, the cache entry is not used
        var mtime = Files.getLastModifiedTime(f);
        Files.writeString(f, "jello\n");
        Files.setLastModifiedTime(f, mtime);
        assertNull(DigestCache.at(cacheFile).lookup(f));
        assertEquals(DataManifest.State.CHECKSUM_MISMATCH, m.check(raw).get(0).state());
        // a damaged cache is ignored
        Files.writeString(cacheFile, "garbage\tline\n\u0000");
        assertEquals(DataManifest.State.CHECKSUM_MISMATCH, m.check(raw).get(0).state());
    }

    @Test
    void projectManifestIsValid() {
        Path m = Path.of("..", "data", "manifest");
        if (Files.exists(m)) assertFalse(DataManifest.read(m).entries().isEmpty());
        else fail("data/manifest missing (tests run from lib/)");
    }
}
