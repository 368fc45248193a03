package org.spikekit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.format.Hdf5Files;
import org.spikekit.data.perich.PerichGenerator;
import org.spikekit.data.perich.PerichNwb;
import org.spikekit.data.reaching.ODohertyDataTest;
import org.spikekit.data.reaching.ODohertyFile;

class DataCliTest {
    @TempDir Path root;

    static final String I1 = "indy_20160622_01";
    static final String HELLO = DataManifestTest.HELLO;

    record Run(int status, String out, String err) {}

    private Run cli(Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int st = DataCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env::get);
        return new Run(st, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run cli(String... args) {
        return cli(Map.of(), args);
    }

    private void manifest(String body) throws IOException {
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/manifest"), "# test\n" + body);
    }

    private static void assertMentions(String text, String... parts) {
        for (String p : parts) assertTrue(text.contains(p), "'" + p + "' not in:\n" + text);
    }

    @Test
    void verifyReportsEachPresentFileAndSummarisesAbsentOnes() throws IOException {
        manifest("hello\tnpm/hello.txt\t" + HELLO + "\t6\tnpm:hello@1\tp\n"
                + I1 + "\todoherty/" + I1 + ".mat\tmd5:c33d5fff\t-\turl:https://zenodo.org/record/583331/files/" + I1 + ".mat\trsnn\n"
                + "indy_20160624_03\todoherty/indy_20160624_03.mat\t-\t-\turl:https://zenodo.org/record/583331/files/indy_20160624_03.mat\trsnn\n");
        Run r = cli("verify", root.toString());
        assertEquals(0, r.status(), r.err());
        assertMentions(r.out(), "absent  3 file(s)", "npm/ 1", "odoherty/ 2", "synthetic stand-ins are used");

        Path hello = root.resolve("data/raw/npm/hello.txt");
        Files.createDirectories(hello.getParent());
        Files.writeString(hello, "hello\n");
        Path other = root.resolve("data/raw/odoherty/indy_20160624_03.mat");
        ODohertyFile.write(ODohertyDataTest.realLike("indy_20160624_03"), other);
        r = cli("verify", root.toString());
        assertEquals(0, r.status(), r.err());
        assertMentions(r.out(), "real    hello", "sha256 verified", "real    indy_20160624_03", "unverified checksum (none known); reads as an O'Doherty session",
                "absent  1 file(s)");

        Path i1 = root.resolve("data/raw/odoherty/" + I1 + ".mat");
        ODohertyFile.write(ODohertyDataTest.realLike(I1), i1);
        r = cli("verify", root.toString());
        assertEquals(1, r.status());
        assertMentions(r.out(), "BAD     " + I1, i1.toString(), "md5 " + Digests.of(i1).md5(), "expected md5 prefix c33d5fff (8 hex digits known)");
        assertMentions(r.err(), "1 data file(s) failed verification");
    }

    @Test
    void synthWritesTheModesSessionsOnceAndSkipsRealOnes() throws IOException {
        manifest("");
        ODohertyFile.write(ODohertyDataTest.realLike(I1), root.resolve("data/raw/odoherty/" + I1 + ".mat"));
        Run r = cli(Map.of("MODE", "quick"), "synth", "odoherty", root.toString());
        assertEquals(0, r.status(), r.err());
        assertMentions(r.out(), "wrote   data/synthetic/odoherty/loco_20170210_03.mat (missing;", "real    " + I1,
                "synth odoherty (quick): 10 sessions: 9 written, 0 up to date, 1 with a real file");
        r = cli("synth", "odoherty", "--mode", "quick", root.toString());
        assertMentions(r.out(), "0 written, 9 up to date, 1 with a real file");
        assertFalse(r.out().contains("wrote"), r.out());
        Run bad = cli("synth", "odoherty", "--mode", "huge", root.toString());
        assertEquals(2, bad.status());
        assertMentions(bad.err(), "unknown mode 'huge'", "usage:");
    }

    @Test
    void synthPerichWritesTheModesStandInsOnce() throws IOException {
        manifest("");
        Run r = cli(Map.of("MODE", "quick"), "synth", "perich", root.toString());
        assertEquals(0, r.status(), r.err());
        assertMentions(r.out(), "wrote   data/synthetic/perich/c_20150311_center_out_reaching.nwb (missing;",
                "synth perich (quick): 6 sessions: 6 written, 0 up to date, 0 with a real file");
        for (String id : PerichGenerator.sessionIds(org.spikekit.data.RunMode.QUICK)) {
            assertTrue(Files.isRegularFile(root.resolve("data/synthetic/perich/" + id + ".nwb")), id);
        }
        r = cli("synth", "perich", "--mode", "quick", root.toString());
        assertMentions(r.out(), "0 written, 6 up to date, 0 with a real file");
        assertFalse(r.out().contains("wrote"), r.out());
        Run bad = cli("synth", "nothing", root.toString());
        assertEquals(2, bad.status());
        assertMentions(bad.err(), "'odoherty', 'images' and 'perich'", "synth perich");
    }

    @Test
    void fetchOfflineSaysWhereToPlaceTheFilesAndSucceeds() throws IOException {
        manifest(I1 + "\todoherty/" + I1 + ".mat\tmd5:c33d5fff\t-\turl:https://zenodo.org/record/583331/files/" + I1 + ".mat\trsnn\n"
                + "indy_20160624_03\todoherty/indy_20160624_03.mat\t-\t-\turl:https://zenodo.org/record/583331/files/indy_20160624_03.mat\trsnn\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = cli(Map.of("SPIKEKIT_ODOHERTY_BASE", "http://127.0.0.1:" + port + "/"), "fetch", "odoherty", "--timeout", "2", root.toString());
        assertEquals(0, r.status(), r.err());
        assertMentions(r.out(), "OFFLINE", "1 more file(s) not tried", root.resolve("data/raw/odoherty").toString(),
                "synthetic stand-ins in data/synthetic/odoherty/ are used");
        assertFalse(Files.exists(root.resolve("data/raw/odoherty")));
    }

    @Test
    void fetchFromAMirrorChecksAndPlaces() throws IOException {
        Path mirror = root.resolve("mirror");
        ODohertyFile.write(ODohertyDataTest.realLike(I1), mirror.resolve(I1 + ".mat"));
        String md5 = Digests.of(mirror.resolve(I1 + ".mat")).md5();
        manifest(I1 + "\todoherty/" + I1 + ".mat\tmd5:" + md5.substring(0, 8) + "\t-\turl:https://zenodo.org/record/583331/files/" + I1 + ".mat\trsnn\n");
        Run r = cli("fetch", "odoherty", "--base", mirror.toUri().toString(), root.toString());
        assertEquals(0, r.status(), r.err());
        assertMentions(r.out(), "fetched", "md5 prefix matches (8 hex digits known)");
        assertTrue(Files.isRegularFile(root.resolve("data/raw/odoherty/" + I1 + ".mat")));

        Files.delete(root.resolve("data/raw/odoherty/" + I1 + ".mat"));
        manifest(I1 + "\todoherty/" + I1 + ".mat\tmd5:00000000\t-\turl:https://zenodo.org/record/583331/files/" + I1 + ".mat\trsnn\n");
        r = cli("fetch", "odoherty", "--base", mirror.toUri().toString(), root.toString());
        assertEquals(1, r.status());
        assertMentions(r.out(), "refused", "md5 " + md5, "expected md5 prefix 00000000");
        assertMentions(r.err(), "nothing was written");
        assertFalse(Files.exists(root.resolve("data/raw/odoherty/" + I1 + ".mat")));
    }

    @Test
    void usageErrors() throws IOException {
        manifest("");
        assertEquals(2, cli().status());
        assertEquals(2, cli("frobnicate").status());
        assertEquals(2, cli("synth", "cifar", root.toString()).status());
        assertEquals(2, cli("verify", "--colour", root.toString()).status());
        Run r = cli("fetch", "odoherty", "--only", "indy_20990101_01", root.toString());
        assertEquals(2, r.status());
        assertMentions(r.err(), "indy_20990101_01", "not an O'Doherty entry");
        r = cli("verify", root.resolve("nowhere").toString());
        assertEquals(1, r.status());
        assertMentions(r.err(), "data manifest not found", "nowhere");
    }

    /** make test-hdf5's first half: one small stand-in per HDF5 layout, each with the JSON of what the kit reads back. */
    @Test
    void standinsWritesEveryHdf5LayoutWithWhatTheKitReadsBack() throws IOException {
        Path dir = root.resolve("standins");
        Run r = cli("standins", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertMentions(r.out(), "standins: 6 HDF5 files");
        var json = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        Map<String, String> files = Map.of(
                "odoherty/indy_20160622_01.mat", "spikes", "odoherty/loco_20170210_03.mat", "chan_names",
                "perich/sub-C_ses-CO-20150309_behavior+ecephys.nwb", "trials",
                "perich/sub-T_ses-RT-20130830_behavior+ecephys.nwb", "spike_times",
                "shd/shd_train.h5", "times", "allen/ephys.nwb", "sweeps");
        for (var e : files.entrySet()) {
            Path f = dir.resolve(e.getKey());
            byte[] b = Files.readAllBytes(f);
            int sb = e.getKey().endsWith(".mat") ? 512 : 0;
            assertEquals(b.length, Hdf5Files.endOfFile(java.nio.ByteBuffer.wrap(b, sb, 64).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN)),
                    f + ": absolute end of file address");
            var j = json.readTree(dir.resolve(e.getKey() + ".json").toFile());
            assertTrue(j.has(e.getValue()) && !j.get(e.getValue()).isEmpty(), f + ".json lacks " + e.getValue());
            assertFalse(j.get("generator").asText().isEmpty(), f + ".json: the stand-in's generator");
        }
        var co = json.readTree(dir.resolve("perich/sub-C_ses-CO-20150309_behavior+ecephys.nwb.json").toFile());
        assertEquals(PerichNwb.read(dir.resolve("perich/sub-C_ses-CO-20150309_behavior+ecephys.nwb")).samples(), co.get("timestamps").size());
        assertTrue(co.get("trials").get("num_attempted").get(0).isNumber() && Double.isNaN(co.get("trials").get("num_attempted").get(0).asDouble()),
                "NaN is written as a number token, not a string");
        assertEquals(2, cli("standins").status(), "the folder is required");
    }
}
