package org.spikekit.data;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.reaching.ODohertyDataTest;
import org.spikekit.data.reaching.ODohertyFile;

class DataFetchTest {
    @TempDir Path dir;
    HttpServer server;

    static final String I1 = "indy_20160622_01";
    static final String I2 = "indy_20160630_01";

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private Path raw() { return dir.resolve("data/raw"); }

    private List<DataManifest.Entry> entries(String i1Checksum, String i2Checksum) throws IOException {
        Path m = dir.resolve("manifest");
        Files.writeString(m, I1 + "\todoherty/" + I1 + ".mat\t" + i1Checksum + "\t-\turl:https://zenodo.org/record/583331/files/" + I1 + ".mat\trsnn\n"
                + I2 + "\todoherty/" + I2 + ".mat\t" + i2Checksum + "\t-\turl:https://zenodo.org/record/583331/files/" + I2 + ".mat\trsnn\n");
        return DataManifest.read(m).entries();
    }

    /** A mirror folder holding a real-like file for each name; returns the folder. */
    private Path mirror(String... names) throws IOException {
        Path d = dir.resolve("mirror");
        for (String n : names) ODohertyFile.write(ODohertyDataTest.realLike(n), d.resolve(n + ".mat"));
        return d;
    }

    /** Everything under data/raw: no file may appear there unless it was accepted. */
    private List<String> rawFiles() throws IOException {
        if (!Files.exists(raw())) return List.of();
        try (Stream<Path> s = Files.walk(raw())) {
            return s.filter(Files::isRegularFile).map(p -> raw().relativize(p).toString()).sorted().toList();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void assertMentions(String msg, String... parts) {
        for (String p : parts) assertTrue(msg.contains(p), "'" + p + "' not in: " + msg);
    }

    @Test
    void sourceIsTheManifestUrlOrTheSameNameUnderTheBase() throws IOException {
        var e = entries("-", "-").get(0);
        assertEquals("https://zenodo.org/record/583331/files/" + I1 + ".mat", new DataFetch(raw(), Duration.ofSeconds(1), null, null).source(e).toString());
        assertEquals("file:///m/" + I1 + ".mat", new DataFetch(raw(), Duration.ofSeconds(1), "file:///m", null).source(e).toString());
        assertEquals("http://h/x/" + I1 + ".mat", new DataFetch(raw(), Duration.ofSeconds(1), "http://h/x/", null).source(e).toString());
    }

    @Test
    void offlineFailsFastAndCleanlyAndSkipsTheRest() throws IOException {
        var es = entries("md5:c33d5fff", "-");
        DataFetch f = new DataFetch(raw(), Duration.ofSeconds(2), "http://127.0.0.1:" + closedPort() + "/files/", null);
        long t0 = System.nanoTime();
        var rs = f.fetchAll(es);
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "offline attempt must fail fast");
        assertEquals(DataFetch.Outcome.UNREACHABLE, rs.get(0).outcome());
        assertMentions(rs.get(0).message(), "cannot reach http://127.0.0.1:", "Place the file by hand at " + raw().resolve("odoherty/" + I1 + ".mat"),
                "synthetic stand-in is used");
        assertEquals(DataFetch.Outcome.SKIPPED, rs.get(1).outcome());
        assertEquals(List.of(), rawFiles());
    }

    @Test
    void fileMirrorSuccessPlacesTheVerifiedFileAtomically() throws IOException {
        Path m = mirror(I1, I2);
        String md5 = Digests.of(m.resolve(I1 + ".mat")).md5();
        var es = entries("md5:" + md5.substring(0, 8), "-");
        var rs = new DataFetch(raw(), Duration.ofSeconds(2), m.toUri().toString(), null).fetchAll(es);
        assertEquals(DataFetch.Outcome.FETCHED, rs.get(0).outcome(), rs.get(0).message());
        assertMentions(rs.get(0).message(), "md5 prefix matches (8 hex digits known)");
        assertEquals(DataFetch.Outcome.FETCHED, rs.get(1).outcome(), rs.get(1).message());
        assertMentions(rs.get(1).message(), "unverified checksum");
        assertEquals(List.of("odoherty/" + I1 + ".mat", "odoherty/" + I2 + ".mat"), rawFiles());
        assertArrayEquals(Files.readAllBytes(m.resolve(I1 + ".mat")), Files.readAllBytes(raw().resolve("odoherty/" + I1 + ".mat")));
        // a second run leaves present files alone
        rs = new DataFetch(raw(), Duration.ofSeconds(2), m.toUri().toString(), null).fetchAll(es);
        assertEquals(DataFetch.Outcome.PRESENT, rs.get(0).outcome());
    }

    @Test
    void checksumMismatchIsRefusedAndNothingIsWritten() throws IOException {
        Path m = mirror(I1);
        String md5 = Digests.of(m.resolve(I1 + ".mat")).md5();
        var e = entries("md5:00000000", "-").get(0);
        var r = new DataFetch(raw(), Duration.ofSeconds(2), m.toUri().toString(), null).fetch(e);
        assertEquals(DataFetch.Outcome.REFUSED, r.outcome());
        assertMentions(r.message(), I1 + ".mat", "md5 " + md5, "expected md5 prefix 00000000 (8 hex digits known)", "not placed at");
        assertEquals(List.of(), rawFiles());
    }

    @Test
    void missingMirrorFileFails() throws IOException {
        var e = entries("-", "-").get(0);
        var r = new DataFetch(raw(), Duration.ofSeconds(2), dir.resolve("nowhere").toUri().toString(), null).fetch(e);
        assertEquals(DataFetch.Outcome.FAILED, r.outcome());
        assertMentions(r.message(), "no such file", "nothing written to");
        assertEquals(List.of(), rawFiles());
    }

    private String serve(byte[] body, int declaredLength, int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/files/", x -> {
            x.sendResponseHeaders(status, declaredLength);
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            } catch (IOException ignored) {
                // the client may give up
            }
            x.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/files/";
    }

    @Test
    void httpSuccess() throws IOException {
        byte[] b = Files.readAllBytes(mirror(I1).resolve(I1 + ".mat"));
        String base = serve(b, b.length, 200);
        var e = entries("md5:" + Digests.of(new java.io.ByteArrayInputStream(b)).md5(), "-").get(0);
        var r = new DataFetch(raw(), Duration.ofSeconds(5), base, null).fetch(e);
        assertEquals(DataFetch.Outcome.FETCHED, r.outcome(), r.message());
        assertMentions(r.message(), "md5 verified");
        assertArrayEquals(b, Files.readAllBytes(raw().resolve("odoherty/" + I1 + ".mat")));
    }

    @Test
    void interruptedHttpDownloadLeavesNothing() throws IOException {
        byte[] b = Files.readAllBytes(mirror(I1).resolve(I1 + ".mat"));
        byte[] half = java.util.Arrays.copyOf(b, b.length / 2);
        String base = serve(half, b.length, 200); // promises the whole file, sends half, then stalls
        var e = entries("-", "-").get(0);
        var r = new DataFetch(raw(), Duration.ofSeconds(1), base, null).fetch(e);
        assertEquals(DataFetch.Outcome.FAILED, r.outcome(), r.message());
        assertMentions(r.message(), "nothing written to " + raw().resolve("odoherty/" + I1 + ".mat"));
        assertEquals(List.of(), rawFiles());
    }

    @Test
    void httpErrorAndWrongContent() throws IOException {
        byte[] page = "<html>Not Found</html>".getBytes(StandardCharsets.UTF_8);
        String base = serve(page, page.length, 404);
        var es = entries("-", "-");
        var rs = new DataFetch(raw(), Duration.ofSeconds(5), base, null).fetchAll(es);
        assertEquals(DataFetch.Outcome.FAILED, rs.get(0).outcome());
        assertMentions(rs.get(0).message(), "HTTP 404");
        assertEquals(DataFetch.Outcome.FAILED, rs.get(1).outcome(), "an error answer is not 'offline': the next file is tried");
        server.stop(0);
        // a 200 answer that is not an O'Doherty file (no checksum known): refused by the layout check
        base = serve(page, page.length, 200);
        var r = new DataFetch(raw(), Duration.ofSeconds(5), base, null).fetch(es.get(0));
        assertEquals(DataFetch.Outcome.REFUSED, r.outcome());
        assertMentions(r.message(), "does not read as an O'Doherty session", "not an HDF5 file");
        assertEquals(List.of(), rawFiles());
    }
}
