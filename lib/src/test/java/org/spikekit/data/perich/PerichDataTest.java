package org.spikekit.data.perich;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataException;
import org.spikekit.data.DataRecord;
import org.spikekit.data.Digests;
import org.spikekit.data.RunMode;
import org.spikekit.data.perich.PerichNwb.Recording;

class PerichDataTest {
    @TempDir Path root;

    private Path data() { return root.resolve("data"); }

    private static void assertMentions(String text, String... parts) {
        for (String p : parts) assertTrue(text.contains(p), "'" + p + "' not in: " + text);
    }

    @Test
    void standInsAreWrittenOnceSortedAndNumberedGlobally() throws IOException {
        PerichData d = PerichData.load(data(), DataChoice.AUTO, RunMode.QUICK);
        assertEquals(PerichGenerator.sessionIds(RunMode.QUICK), d.ids());
        assertEquals(6, d.sessions().size());
        int offset = 0;
        for (PerichSession s : d.sessions()) {
            assertEquals("synthetic", s.source());
            assertEquals(offset, d.unitOffset(s));
            offset += s.units();
            DataRecord r = d.record(s.id());
            assertEquals("synthetic", r.source());
            assertEquals("data/synthetic/perich/" + s.id() + ".nwb", r.path());
            assertEquals(PerichGenerator.config(s.id(), RunMode.QUICK).describe(), r.generator());
            assertEquals("generated now (was missing)", r.verification());
            assertEquals(Digests.of(root.resolve(r.path())).sha256(), r.sha256());
        }
        assertEquals(offset, d.totalUnits());
        assertTrue(!d.real());
        long modified = Files.getLastModifiedTime(data().resolve("synthetic/perich/" + d.ids().getFirst() + ".nwb")).toMillis();

        PerichData again = PerichData.load(data(), DataChoice.AUTO, RunMode.QUICK);
        assertEquals("generated earlier (stored generator config matches)", again.records().getFirst().verification());
        assertEquals(modified, Files.getLastModifiedTime(data().resolve("synthetic/perich/" + d.ids().getFirst() + ".nwb")).toMillis());
        assertArrayEquals(d.scaler().mean(), again.scaler().mean());
        assertArrayEquals(d.sessions().get(2).velocity(), again.sessions().get(2).velocity());

        // a subset keeps the scaler fitted on all sessions and renumbers the units
        String last = d.ids().getLast();
        PerichData one = d.subset(List.of(last));
        assertEquals(List.of(last), one.ids());
        assertEquals(0, one.unitOffset(last));
        assertEquals(d.session(last).units(), one.totalUnits());
        assertArrayEquals(d.scaler().std(), one.scaler().std());
        assertEquals(1, one.records().size());
        assertEquals(d.unitOffset(last), DecodingWindows.of(d).unitOffset(d.ids().indexOf(last)));
        assertThrows(IllegalArgumentException.class, () -> d.session("x_20000101_center_out_reaching"));
    }

    @Test
    void synthesizeAllSkipsUpToDateAndRealSessions() throws IOException {
        String real = "m_20140221_random_target_reaching";
        Recording r = PerichFixtures.realLike(PerichGenerator.generate(PerichFixtures.small(real, 60, 8)));
        PerichNwb.write(r, data().resolve("raw/perich/sub-M").resolve(PerichNwb.dandiFileName(real)));
        List<PerichData.SynthResult> first = PerichData.synthesizeAll(data(), RunMode.QUICK);
        assertEquals(6, first.size());
        assertEquals(5, first.stream().filter(x -> x.action() == PerichData.SynthAction.WRITTEN).count());
        PerichData.SynthResult skipped = first.stream().filter(x -> x.id().equals(real)).findFirst().orElseThrow();
        assertEquals(PerichData.SynthAction.REAL_PRESENT, skipped.action());
        assertTrue(first.stream().allMatch(x -> x.action() != PerichData.SynthAction.WRITTEN || x.reason().equals("missing")));
        List<PerichData.SynthResult> second = PerichData.synthesizeAll(data(), RunMode.QUICK);
        assertEquals(5, second.stream().filter(x -> x.action() == PerichData.SynthAction.UP_TO_DATE).count());
        // a stand-in with another generator config is rewritten
        Path f = PerichData.syntheticFile(data(), "c_20150311_center_out_reaching");
        PerichNwb.write(PerichGenerator.generate(PerichFixtures.small("c_20150311_center_out_reaching", 40, 5)), f);
        PerichData.SynthResult redo = PerichData.synthesizeAll(data(), RunMode.QUICK).stream()
                .filter(x -> x.id().equals("c_20150311_center_out_reaching")).findFirst().orElseThrow();
        assertEquals(PerichData.SynthAction.WRITTEN, redo.action());
        assertEquals("generator config differs", redo.reason());
    }

    @Test
    void realFilesAreUsedWhenPresentAndCheckedAgainstTheManifest() throws IOException {
        Recording a = PerichFixtures.realLike(PerichGenerator.generate(PerichFixtures.small("c_20150311_center_out_reaching", 60, 9)));
        Recording b = PerichFixtures.realLike(PerichGenerator.generate(PerichFixtures.small("t_20130830_random_target_reaching", 60, 7)));
        Path fa = data().resolve("raw/perich/sub-C").resolve(PerichNwb.dandiFileName(a.id()));
        Path fb = data().resolve("raw/perich/sub-T").resolve(PerichNwb.dandiFileName(b.id()));
        PerichNwb.write(a, fa);
        PerichNwb.write(b, fb);
        assertEquals(List.of(fa, fb), PerichData.realFiles(data()));

        PerichData d = PerichData.load(data(), DataChoice.AUTO, RunMode.QUICK);
        assertEquals(List.of(a.id(), b.id()), d.ids());
        assertTrue(d.real());
        assertEquals(9 + 7, d.totalUnits());
        DataRecord rec = d.record(a.id());
        assertEquals("real", rec.source());
        assertEquals("data/raw/perich/sub-C/" + PerichNwb.dandiFileName(a.id()), rec.path());
        assertEquals(Digests.of(fa).sha256(), rec.sha256());
        assertMentions(rec.verification(), "not listed in data/manifest");
        assertTrue(!Files.exists(data().resolve("synthetic/perich")), "no stand-ins needed");
        // DATA=synthetic ignores them
        assertEquals(PerichGenerator.sessionIds(RunMode.QUICK), PerichData.load(data(), DataChoice.SYNTHETIC, RunMode.QUICK).ids());

        // listed with a checksum: verified; a wrong checksum is refused
        String rel = "perich/sub-C/" + PerichNwb.dandiFileName(a.id());
        Files.writeString(data().resolve("manifest"), "# test\nperich-c\t" + rel + "\tsha256:" + Digests.of(fa).sha256() + "\t-\tmanual\tspikachu\n");
        assertMentions(PerichData.load(data(), DataChoice.REAL, RunMode.QUICK).record(a.id()).verification(), "sha256 verified");
        Files.writeString(data().resolve("manifest"), "# test\nperich-c\t" + rel + "\tsha256:" + "0".repeat(64) + "\t-\tmanual\tspikachu\n");
        DataException e = assertThrows(DataException.class, () -> PerichData.load(data(), DataChoice.AUTO, RunMode.QUICK));
        assertMentions(e.getMessage(), fa.toString(), "expected sha256 " + "0".repeat(64));
        // listed without checksum: the layout is checked
        Files.writeString(data().resolve("manifest"), "# test\nperich-c\t" + rel + "\t-\t-\turl:" + PerichData.DANDI_URL + "\tspikachu\n");
        assertMentions(PerichData.load(data(), DataChoice.AUTO, RunMode.QUICK).record(a.id()).verification(), "reads as a Perich session");
        Files.delete(data().resolve("manifest"));

        // a stand-in placed among the real files is refused, never used as real data
        Path standIn = data().resolve("raw/perich/sub-M").resolve(PerichNwb.dandiFileName("m_20140203_center_out_reaching"));
        PerichNwb.write(PerichGenerator.generate(PerichFixtures.small("m_20140203_center_out_reaching", 40, 5)), standIn);
        e = assertThrows(DataException.class, () -> PerichData.load(data(), DataChoice.AUTO, RunMode.QUICK));
        assertMentions(e.getMessage(), standIn.toString(), "SpikeKit synthetic session");
        Files.delete(standIn);
        // two files of one session
        Path twin = data().resolve("raw/perich").resolve(a.id() + ".nwb");
        PerichNwb.write(a, twin);
        e = assertThrows(DataException.class, () -> PerichData.load(data(), DataChoice.AUTO, RunMode.QUICK));
        assertMentions(e.getMessage(), "two real files hold session " + a.id());
        Files.delete(twin);
        // a broken real file is an error, not silently replaced by a stand-in
        Files.writeString(fb, "broken");
        e = assertThrows(DataException.class, () -> PerichData.load(data(), DataChoice.AUTO, RunMode.QUICK));
        assertMentions(e.getMessage(), fb.toString(), "not an HDF5 file");
    }

    @Test
    void dataRealWithoutFilesSaysWhereToPutThem() {
        DataException e = assertThrows(DataException.class, () -> PerichData.load(data(), DataChoice.REAL, RunMode.QUICK));
        assertMentions(e.getMessage(), "DATA=real", data().resolve("raw/perich").toString(), "DANDI 000688", PerichData.DANDI_URL,
                "DATA=synthetic");
    }

    @Test
    void inMemorySessionsGetTheSameTreatment() {
        Recording a = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.RT, 40, 4));
        Recording b = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.CO, 40, 6));
        PerichData d = PerichData.of(List.of(a, b), List.of("synthetic", "synthetic"), PerichPrep.Options.spikachu());
        assertEquals(List.of(b.id(), a.id()), d.ids());       // sorted by id
        assertEquals(6, d.unitOffset(a.id()));
        assertEquals(80 * 100, d.scaler().samples());
    }
}
