package org.spikekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure-Java parts of make bench-peers: checkout discovery and commit, the CSV, the line protocol. */
class PeerBenchTest {
    static final String SHA = "abaf846866e82550eb9a1bfe489a26145e53fb80", SHA2 = "b3d18651eaac25ccacaee770bbb6b5e1c3fca934";
    static final List<String> FILES = List.of("src/models.py", "src/snn/snn.py");

    static Path repo(Path dir, List<String> files) throws IOException {
        for (String f : files) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.writeString(dir.resolve(f), "# stub\n");
        }
        return dir;
    }

    @Test
    void absentCheckoutIsEmptyAndCandidatesNameTheLayouts(@TempDir Path peers) {
        assertEquals(Optional.empty(), PeerCheckout.find(peers, "webstorms/Blocks", FILES));
        assertEquals(List.of(peers.resolve("Blocks"), peers.resolve("webstorms/Blocks"), peers.resolve("webstorms+Blocks")),
                PeerCheckout.candidates(peers, "webstorms/Blocks"));
        assertThrows(IllegalArgumentException.class, () -> PeerCheckout.candidates(peers, "Blocks"));
    }

    @Test
    void checkoutLackingAFileIsNamedWithWhatWasExpected(@TempDir Path peers) throws IOException {
        repo(peers.resolve("Blocks"), List.of("src/models.py"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerCheckout.find(peers, "webstorms/Blocks", FILES));
        assertTrue(e.getMessage().contains("webstorms/Blocks") && e.getMessage().contains("src/snn/snn.py")
                && !e.getMessage().contains("src/models.py,"), e.getMessage());
    }

    @Test
    void commitFromLooseRefPackedRefsDetachedHeadAndCommitFile(@TempDir Path peers) throws IOException {
        Path d = repo(peers.resolve("webstorms/Blocks"), FILES);
        assertEquals("unknown", PeerCheckout.find(peers, "webstorms/Blocks", FILES).orElseThrow().commit());
        Files.writeString(d.resolve(PeerCheckout.COMMIT_FILE), SHA2 + "\n");
        assertEquals("webstorms/Blocks@b3d18651eaac", PeerCheckout.find(peers, "webstorms/Blocks", FILES).orElseThrow().label());
        Path git = Files.createDirectories(d.resolve(".git"));       // git metadata wins over the file
        Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
        Files.writeString(git.resolve("packed-refs"), "# pack-refs with: peeled\n" + SHA + " refs/heads/main\n");
        assertEquals(SHA, PeerCheckout.commit(d));
        Files.createDirectories(git.resolve("refs/heads"));
        Files.writeString(git.resolve("refs/heads/main"), SHA2 + "\n");
        assertEquals(SHA2, PeerCheckout.commit(d));
        Files.writeString(git.resolve("HEAD"), SHA.toUpperCase() + "\n");
        assertEquals(SHA, PeerCheckout.commit(d));
    }

    @Test
    void commitThroughAGitFileAndCommondir(@TempDir Path tmp) throws IOException {
        Path main = Files.createDirectories(tmp.resolve("main.git"));
        Path wt = Files.createDirectories(main.resolve("worktrees/b"));
        Files.writeString(wt.resolve("HEAD"), "ref: refs/heads/b\n");
        Files.writeString(wt.resolve("commondir"), "../..\n");
        Files.createDirectories(main.resolve("refs/heads"));
        Files.writeString(main.resolve("refs/heads/b"), SHA + "\n");
        Path co = Files.createDirectories(tmp.resolve("co"));
        Files.writeString(co.resolve(".git"), "gitdir: " + wt + "\n");
        assertEquals(SHA, PeerCheckout.commit(co));
    }

    @Test
    void malformedCommitIdIsAnErrorNamingTheFile(@TempDir Path d) throws IOException {
        Files.writeString(d.resolve(PeerCheckout.COMMIT_FILE), "main\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerCheckout.commit(d));
        assertTrue(e.getMessage().contains(".peer-commit") && e.getMessage().contains("'main'"), e.getMessage());
    }

    @Test
    void csvRowHasOneFieldPerColumnMediansAndRatio() {
        PeerCsv.Row r = new PeerCsv.Row("blocks", "standard ALIF fwd+bwd", "N=128 B=32", "AlifKernel.standard", "webstorms/Blocks@abaf846",
                new double[] {30, 10, 20}, new double[] {100, 300, 200}, 2, "2026-01-01T00:00:00Z", "CPU X, 2 cores",
                "make bench-peers PEERS=/p", "a \"quoted\" note, with a comma");
        assertEquals(20, r.kitMedian());
        assertEquals(200, r.peerMedian());
        assertEquals(10, r.ratio(), 1e-12);
        String line = PeerCsv.line(r);
        List<String> fields = splitCsv(line);
        List<String> header = List.of(PeerCsv.HEADER.split(","));
        assertEquals(header.size(), fields.size(), line);
        assertEquals("10.00", fields.get(header.indexOf("ratio_peer_over_kit")));
        assertEquals("3", fields.get(header.indexOf("repeats")));
        assertEquals("a \"quoted\" note, with a comma", fields.get(header.indexOf("note")));
        assertTrue(PeerCsv.format(List.of(r, r)).startsWith(PeerCsv.HEADER + "\n"));
        assertThrows(IllegalArgumentException.class, () -> new PeerCsv.Row("p", "c", "s", "k", "q", new double[] {1}, new double[] {1, 2},
                1, "d", "m", "c", "n"));
    }

    @Test
    void cpuModelFromProcCpuinfo() {
        assertEquals(Optional.of("AMD EPYC 7B13 64-Core"),
                PeerCsv.cpuModel(List.of("processor\t: 0", "model name\t: AMD EPYC  7B13 64-Core", "model name\t: other")));
        assertEquals(Optional.empty(), PeerCsv.cpuModel(List.of("processor\t: 0")));
    }

    @Test
    void protocolAnswersErrorsAndMilliseconds() {
        assertEquals("torch 1.13 threads=2", PeerProcess.parseAnswer("hello torch 1.13 threads=2", "hello", "h.py"));
        assertEquals("", PeerProcess.parseAnswer("ready", "ready", "h.py"));
        PeerProcess.PeerException e = assertThrows(PeerProcess.PeerException.class,
                () -> PeerProcess.parseAnswer("error ModuleNotFoundError: No module named 'src'", "ready", "blocks_peer.py"));
        assertEquals("blocks_peer.py: ModuleNotFoundError: No module named 'src'", e.getMessage());
        assertThrows(PeerProcess.PeerException.class, () -> PeerProcess.parseAnswer("ms 3.0", "ready", "h.py"));
        assertEquals(12.5, PeerProcess.parseMs("12.5", "h.py"));
        assertThrows(PeerProcess.PeerException.class, () -> PeerProcess.parseMs("nan", "h.py"));
        assertThrows(PeerProcess.PeerException.class, () -> PeerProcess.parseMs("-1", "h.py"));
        assertThrows(PeerProcess.PeerException.class, () -> PeerProcess.parseMs("fast", "h.py"));
    }

    @Test
    void optionsArePairs() {
        assertEquals(Map.of("peers", "/p", "repeats", "3"), PeerBench.options(new String[] {"--peers", "/p", "--repeats", "3"}));
        assertThrows(IllegalArgumentException.class, () -> PeerBench.options(new String[] {"--peers"}));
        assertThrows(IllegalArgumentException.class, () -> PeerBench.options(new String[] {"peers", "/p"}));
    }

    /** Splits one CSV line with RFC 4180 quoting. */
    static List<String> splitCsv(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean q = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (q) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { f.append('"'); i++; }
                else if (c == '"') q = false;
                else f.append(c);
            } else if (c == '"') q = true;
            else if (c == ',') { out.add(f.toString()); f.setLength(0); }
            else f.append(c);
        }
        out.add(f.toString());
        return out;
    }
}
