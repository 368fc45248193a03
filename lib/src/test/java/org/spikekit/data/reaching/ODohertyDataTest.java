package org.spikekit.data.reaching;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataException;
import org.spikekit.data.DataManifest;
import org.spikekit.data.Digests;
import org.spikekit.data.RunMode;
import org.spikekit.data.format.hdf5.Hdf5Writer;

public class ODohertyDataTest {
    @TempDir Path root;

    static final String I1 = "indy_20160622_01";
    static final String L1 = "loco_20170210_03";

    /** A data root whose manifest lists I1 and L1 with the given checksum fields. */
    private ODohertyData data(String i1Checksum, String l1Checksum) throws IOException {
        Path d = root.resolve("data");
        Files.createDirectories(d);
        Files.writeString(d.resolve("manifest"), "# test manifest\n"
                + I1 + "\todoherty/" + I1 + ".mat\t" + i1Checksum + "\t-\turl:https://zenodo.org/record/583331/files/" + I1 + ".mat\trsnn\n"
                + L1 + "\todoherty/" + L1 + ".mat\t" + l1Checksum + "\t-\turl:https://zenodo.org/record/583331/files/" + L1 + ".mat\trsnn\n");
        return ODohertyData.at(d);
    }

    /** A small "recorded" session (no generator string, as in the real files); also used by the DataCli and DataFetch tests. */
    public static ReachSession realLike(String name) {
        ReachSession g = ReachGenerator.generate(name, ReachGenerator.Config.indyLike().withDurationS(6));
        return new ReachSession(name, g.t(), g.cursorPos(), g.fingerPos(), g.targetPos(), g.channelNames(), g.spikeTimes(), "");
    }

    private Path placeReal(ODohertyData d, String name) throws IOException {
        Path f = d.realFile(name);
        ODohertyFile.write(realLike(name), f);
        return f;
    }

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }

    // ------------------------------------------------------------------ session lists

    @Test
    void sessionLists() {
        assertEquals(40, ODohertyData.allSessions().size());
        assertEquals(30, ODohertyData.pretrainingSessions("indy", RunMode.FULL).size());
        assertEquals(10, ODohertyData.pretrainingSessions("loco", RunMode.FULL).size());
        List<String> quickIndy = ODohertyData.pretrainingSessions("indy", RunMode.QUICK);
        assertEquals(List.of("indy_20160622_01", "indy_20160624_03", "indy_20160627_01", "indy_20160630_01", "indy_20170131_02"), quickIndy);
        assertEquals(5, ODohertyData.pretrainingSessions("loco", RunMode.QUICK).size());
        assertEquals(10, ODohertyData.sessions(RunMode.QUICK).size());
        assertEquals(ODohertyData.challengeSessions(), ODohertyData.sessions(RunMode.QUICK).subList(0, 6));
        assertEquals(List.of("loco_20170210_03", "loco_20170215_02", "loco_20170301_05"), ODohertyData.challengeSessions("loco"));
        assertEquals(40, ODohertyData.allSessions().stream().distinct().count());
        var e = assertThrows(IllegalArgumentException.class, () -> ODohertyData.pretrainingSessions("rat", RunMode.QUICK));
        assertMentions(e, "rat", "indy");
    }

    /**
     * data/manifest of the project lists exactly the 40 sessions, with Zenodo URLs and the full md5
     * of the six challenge sessions as NeuroBench's loader publishes them (NeuroBench/neurobench,
     * neurobench/datasets/primate_reaching.py, {@code PrimateReaching.md5s}).
     */
    @Test
    void projectManifestListsEverySession() {
        DataManifest m = DataManifest.read(Path.of("..", "data", "manifest"));
        Map<String, String> neurobench = Map.of(
                "indy_20170131_02", "2790b1c869564afaa7772dbf9e42d784",
                "indy_20160630_01", "197413a5339630ea926cbd22b8b43338",
                "indy_20160622_01", "c33d5fff31320d709d23fe445561fb6e",
                "loco_20170301_05", "47342da09f9c950050c9213c3df38ea3",
                "loco_20170215_02", "739b70762d838f3a1f358733c426bb02",
                "loco_20170210_03", "4cae63b58c4cb9c8abd44929216c703b");
        assertEquals(neurobench.keySet(), Set.copyOf(ODohertyData.challengeSessions()));
        for (String s : ODohertyData.allSessions()) {
            var e = m.entryForPath("odoherty/" + s + ".mat").orElseThrow(() -> new AssertionError(s + " not in data/manifest"));
            assertEquals(s, e.name());
            assertEquals("url:" + ODohertyData.ZENODO_FILES + s + ".mat", e.fetch());
            assertEquals(-1, e.bytes());
            if (ODohertyData.challengeSessions().contains(s)) {
                assertEquals("md5:" + neurobench.get(s), e.checksum().toString(), s);
                assertFalse(e.checksum().prefix(), s + ": a full md5, not a prefix");
            } else {
                assertFalse(e.checksum().known());
            }
        }
        assertEquals(40, m.entries().stream().filter(e -> e.path().startsWith("odoherty/")).count());
    }

    // ------------------------------------------------------------------ synthetic

    @Test
    void autoWithoutRealFileGeneratesAndReadsTheStandIn() throws IOException {
        ODohertyData d = data("md5:c33d5fff", "-");
        var l = d.load(I1, DataChoice.AUTO, RunMode.QUICK);
        assertFalse(l.real());
        assertEquals(d.syntheticFile(I1), l.file());
        assertTrue(Files.isRegularFile(l.file()));
        assertEquals("synthetic", l.record().source());
        assertEquals("data/synthetic/odoherty/" + I1 + ".mat", l.record().path());
        assertEquals(DataManifest.sha256(l.file()), l.record().sha256());
        assertEquals(ODohertyData.generatorConfig(I1, RunMode.QUICK).describe(), l.record().generator());
        assertMentions(new RuntimeException(l.record().verification()), "generated now");
        assertEquals(96, l.session().channels());
        assertEquals(30000, l.session().samples()); // 120 s at 250 Hz
        // second load reuses the file
        long mtime = Files.getLastModifiedTime(l.file()).toMillis();
        var again = d.load(I1, DataChoice.SYNTHETIC, RunMode.QUICK);
        assertEquals(mtime, Files.getLastModifiedTime(again.file()).toMillis());
        assertMentions(new RuntimeException(again.record().verification()), "config matches");
    }

    @Test
    void standInIsRegeneratedWhenTheStoredConfigDiffersOrTheFileIsDamaged() throws IOException {
        ODohertyData d = data("-", "-");
        Path f = d.syntheticFile(I1);
        ODohertyFile.write(ReachGenerator.generate(I1, ReachGenerator.Config.indyLike().withDurationS(5)), f);
        var r = d.synthesize(I1, RunMode.QUICK);
        assertEquals(ODohertyData.SynthAction.WRITTEN, r.action());
        assertEquals("generator config differs", r.reason());
        assertEquals(ODohertyData.generatorConfig(I1, RunMode.QUICK).describe(), ODohertyFile.readGenerator(f));
        assertEquals(ODohertyData.SynthAction.UP_TO_DATE, d.synthesize(I1, RunMode.QUICK).action());
        // truncated stand-in: regenerated, by make data and by the resolver
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        r = d.synthesize(I1, RunMode.QUICK);
        assertEquals(ODohertyData.SynthAction.WRITTEN, r.action());
        assertMentions(new RuntimeException(r.reason()), "unreadable", "truncated");
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        var l = d.load(I1, DataChoice.AUTO, RunMode.QUICK);
        assertMentions(new RuntimeException(l.record().verification()), "regenerated", "truncated");
        assertArrayEquals(b, Files.readAllBytes(f));
    }

    @Test
    void standInsAreByteIdenticalForTheSameConfig() throws IOException {
        ODohertyData a = data("-", "-");
        ODohertyData b = ODohertyData.at(root.resolve("other"));
        a.synthesize(L1, RunMode.QUICK);
        b.synthesize(L1, RunMode.QUICK);
        byte[] first = Files.readAllBytes(a.syntheticFile(L1));
        assertArrayEquals(first, Files.readAllBytes(b.syntheticFile(L1)));
        Files.delete(a.syntheticFile(L1));
        a.synthesize(L1, RunMode.QUICK);
        assertArrayEquals(first, Files.readAllBytes(a.syntheticFile(L1)));
        assertEquals(192, ODohertyFile.read(a.syntheticFile(L1)).channels());
        // no temporary files left behind
        try (var s = Files.list(a.syntheticFile(L1).getParent())) {
            assertEquals(List.of(L1 + ".mat"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void synthesizeAllSkipsSessionsWithARealFile() throws IOException {
        ODohertyData d = data("-", "-");
        placeReal(d, I1);
        var rs = d.synthesizeAll(RunMode.QUICK);
        assertEquals(10, rs.size());
        var i1 = rs.stream().filter(r -> r.name().equals(I1)).findFirst().orElseThrow();
        assertEquals(ODohertyData.SynthAction.REAL_PRESENT, i1.action());
        assertFalse(Files.exists(d.syntheticFile(I1)));
        assertEquals(9, rs.stream().filter(r -> r.action() == ODohertyData.SynthAction.WRITTEN).count());
        assertTrue(d.synthesizeAll(RunMode.QUICK).stream().noneMatch(r -> r.action() == ODohertyData.SynthAction.WRITTEN));
    }

    // ------------------------------------------------------------------ real files

    @Test
    void realFileWithMatchingMd5PrefixIsUsed() throws IOException {
        ODohertyData d = data("-", "-");
        Path f = placeReal(d, I1);
        String md5 = Digests.of(f).md5();
        d = data("md5:" + md5.substring(0, 8), "-");
        for (DataChoice c : List.of(DataChoice.AUTO, DataChoice.REAL)) {
            var l = d.load(I1, c, RunMode.QUICK);
            assertTrue(l.real());
            assertEquals(f, l.file());
            assertEquals("real", l.record().source());
            assertEquals("data/raw/odoherty/" + I1 + ".mat", l.record().path());
            assertEquals("md5 prefix matches (8 hex digits known)", l.record().verification());
            assertEquals(DataManifest.sha256(f), l.record().sha256());
            assertEquals("", l.record().generator());
            ODohertyFileTest.assertSameSession(realLike(I1), l.session());
        }
        // SYNTHETIC ignores the real file
        assertFalse(d.load(I1, DataChoice.SYNTHETIC, RunMode.QUICK).real());
    }

    @Test
    void realFileWithoutKnownChecksumIsUsedAsUnverified() throws IOException {
        ODohertyData d = data("-", "-");
        placeReal(d, L1);
        var l = d.load(L1, DataChoice.REAL, RunMode.QUICK);
        assertTrue(l.real());
        assertMentions(new RuntimeException(l.record().verification()), "unverified checksum", "O'Doherty session");
    }

    /** A stand-in of an earlier kit version (relative end of file address) is rewritten, by make data and by the loader. */
    @Test
    void standInWithRelativeEndOfFileAddressIsRewritten() throws IOException {
        ODohertyData d = data("-", "-");
        Path f = d.syntheticFile(I1);
        assertEquals(ODohertyData.SynthAction.WRITTEN, d.synthesize(I1, RunMode.QUICK).action());
        byte[] good = Files.readAllBytes(f);
        assertFalse(ODohertyFile.relativeEndOfFile(f));
        byte[] old = good.clone();
        long relative = old.length - 512;
        for (int i = 0; i < 8; i++) old[512 + 28 + i] = (byte) (relative >>> (8 * i));
        int sum = org.spikekit.data.format.hdf5.Hdf5TestAccess.lookup3(old, 512, 44);
        for (int i = 0; i < 4; i++) old[512 + 44 + i] = (byte) (sum >>> (8 * i));
        Files.write(f, old);
        assertTrue(ODohertyFile.relativeEndOfFile(f));
        assertEquals(ODohertyData.generatorConfig(I1, RunMode.QUICK).describe(), ODohertyFile.readGenerator(f), "it still reads");
        var r = d.synthesize(I1, RunMode.QUICK);
        assertEquals(ODohertyData.SynthAction.WRITTEN, r.action());
        assertMentions(new RuntimeException(r.reason()), "earlier kit version", "end of file address");
        assertArrayEquals(good, Files.readAllBytes(f));
        assertEquals(ODohertyData.SynthAction.UP_TO_DATE, d.synthesize(I1, RunMode.QUICK).action());
        Files.write(f, old);
        var l = d.load(I1, DataChoice.AUTO, RunMode.QUICK);
        assertMentions(new RuntimeException(l.record().verification()), "regenerated", "end of file address");
        assertArrayEquals(good, Files.readAllBytes(f));
    }

    @Test
    void realRequiredButMissing() throws IOException {
        ODohertyData d = data("md5:c33d5fff", "-");
        var e = assertThrows(DataException.class, () -> d.load(I1, DataChoice.REAL, RunMode.QUICK));
        assertEquals(d.realFile(I1), e.file());
        assertMentions(e, "DATA=real", d.realFile(I1).toString(), "https://zenodo.org/record/583331/files/" + I1 + ".mat",
                "md5 prefix c33d5fff", "DATA=synthetic");
        assertFalse(Files.exists(d.syntheticFile(I1)), "REAL must not fall back to a stand-in");
    }

    @Test
    void checksumMismatchIsRefusedNamingFileExpectedAndActual() throws IOException {
        ODohertyData d = data("md5:00000000", "-");
        Path f = placeReal(d, I1);
        String actual = Digests.of(f).md5();
        for (DataChoice c : List.of(DataChoice.AUTO, DataChoice.REAL)) {
            var e = assertThrows(DataException.class, () -> d.load(I1, c, RunMode.QUICK));
            assertMentions(e, f.toString(), "md5 " + actual, "expected md5 prefix 00000000 (8 hex digits known)", "DATA=synthetic");
        }
        assertFalse(Files.exists(d.syntheticFile(I1)), "a bad real file is refused, not silently replaced");
    }

    @Test
    void truncatedRealFileIsRefused() throws IOException {
        ODohertyData d = data("-", "-");
        Path f = placeReal(d, I1);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 1000));
        var e = assertThrows(DataException.class, () -> d.load(I1, DataChoice.AUTO, RunMode.QUICK));
        assertMentions(e, f.toString(), "truncated", "superblock says it ends at byte");
        // with a known checksum the truncation shows as a mismatch
        ODohertyData d2 = data("md5:" + Digests.of(new java.io.ByteArrayInputStream(b)).md5(), "-");
        e = assertThrows(DataException.class, () -> d2.load(I1, DataChoice.REAL, RunMode.QUICK));
        assertMentions(e, f.toString(), "md5 ", "corrupt, truncated or a different version");
    }

    @Test
    void wrongLayoutIsRefused() throws IOException {
        ODohertyData d = data("-", "-");
        Hdf5Writer w = ODohertyFile.layout(realLike(I1));
        w.root().remove("spikes");
        Path f = d.realFile(I1);
        w.write(f);
        var e = assertThrows(DataException.class, () -> d.load(I1, DataChoice.AUTO, RunMode.QUICK));
        assertMentions(e, f.toString(), "'spikes'", "missing", "does not read as an O'Doherty session");
        // not HDF5 at all
        Files.writeString(f, "<html>404 Not Found</html>");
        e = assertThrows(DataException.class, () -> d.load(I1, DataChoice.REAL, RunMode.QUICK));
        assertMentions(e, f.toString(), "not an HDF5 file");
    }

    @Test
    void syntheticFilePlacedAsRealIsRefused() throws IOException {
        ODohertyData d = data("-", "-");
        d.synthesize(I1, RunMode.QUICK);
        Files.createDirectories(d.realFile(I1).getParent());
        Files.copy(d.syntheticFile(I1), d.realFile(I1));
        var e = assertThrows(DataException.class, () -> d.load(I1, DataChoice.AUTO, RunMode.QUICK));
        assertMentions(e, d.realFile(I1).toString(), "synthetic session", "not a real recording");
    }

    @Test
    void unknownSessionName() throws IOException {
        ODohertyData d = data("-", "-");
        for (String bad : List.of("indy_20990101_01", "rat_20160622_01", "")) {
            var e = assertThrows(IllegalArgumentException.class, () -> d.load(bad, DataChoice.AUTO, RunMode.QUICK));
            assertMentions(e, "unknown O'Doherty session '" + bad + "'", I1, "data/manifest");
        }
        assertThrows(IllegalArgumentException.class, () -> d.realFile("../etc/passwd"));
    }

    @Test
    void notebookFormUsesItsSettingsAndRecordsTheFile() throws IOException {
        data("-", "-");
        Files.createDirectories(root.resolve("notebooks"));
        var nb = org.spikekit.report.Notebook.begin("t", "t", java.util.Map.of("SPIKEKIT_HOME", root.toString(),
                "DATA", "synthetic", "MODE", "quick")::get, root);
        ReachSession s = ODohertyData.session(nb, L1);
        assertEquals(192, s.channels());
        var files = nb.provenance("x").dataFiles();
        assertEquals(1, files.size());
        assertEquals("synthetic", files.get(0).source());
        assertEquals("data/synthetic/odoherty/" + L1 + ".mat", files.get(0).path());
    }

    @Test
    void realFileWithoutManifestEntryIsUnverified() throws IOException {
        ODohertyData d = data("-", "-");
        placeReal(d, "indy_20160624_03"); // not in this test manifest
        var l = d.load("indy_20160624_03", DataChoice.REAL, RunMode.QUICK);
        assertTrue(l.real());
        assertMentions(new RuntimeException(l.record().verification()), "unverified checksum", "has no entry");
    }
}
