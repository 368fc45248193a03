package org.spikekit.data.reaching;

import static org.junit.jupiter.api.Assertions.*;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.format.hdf5.Hdf5Writer;

public class ODohertyFileTest {
    @TempDir Path dir;

    static final int K = 50;

    /** 3 channels, 2 unit slots, k = 50, some empty cells, 6-D finger_pos. */
    public static ReachSession session(String generator) {
        double[] t = new double[K];
        double[][] cursor = new double[2][K];
        double[][] target = new double[2][K];
        double[][] finger = new double[6][K];
        for (int i = 0; i < K; i++) {
            t[i] = 100.0 + 0.004 * i;
            cursor[0][i] = Math.sin(i * 0.1) * 50;
            cursor[1][i] = -i * 0.25;
            target[0][i] = i < 25 ? 10 : -30;
            target[1][i] = i < 25 ? 20 : 40;
            for (int d = 0; d < 6; d++) finger[d][i] = d + i * 0.01;
        }
        double[][][] spikes = {
            {{100.01, 100.05, 100.1}, {}, {100.15}},
            {{}, {100.02, 100.19}, {}},
        };
        return new ReachSession("indy_test_01", t, cursor, finger, target, List.of("M1 001", "M1 002", "S1 012"),
                spikes, generator);
    }

    private Path written(ReachSession s) throws IOException {
        Path f = dir.resolve(s.name() + ".mat");
        ODohertyFile.write(s, f);
        return f;
    }

    static void assertSameSession(ReachSession a, ReachSession b) {
        assertEquals(a.name(), b.name());
        assertArrayEquals(a.t(), b.t());
        assertArrayEquals(a.cursorPos(), b.cursorPos());
        assertArrayEquals(a.targetPos(), b.targetPos());
        if (a.fingerPos() == null) assertNull(b.fingerPos());
        else assertArrayEquals(a.fingerPos(), b.fingerPos());
        assertEquals(a.channelNames(), b.channelNames());
        assertEquals(a.unitSlots(), b.unitSlots());
        for (int u = 0; u < a.unitSlots(); u++) assertArrayEquals(a.spikeTimes()[u], b.spikeTimes()[u]);
        assertEquals(a.generator(), b.generator());
    }

    @Test
    void roundTrip() throws IOException {
        ReachSession s = session("synthetic-reach v1 seed=7 channels=3");
        ReachSession r = ODohertyFile.read(written(s));
        assertSameSession(s, r);
    }

    @Test
    void roundTripWithoutFingerPosOrGenerator() throws IOException {
        ReachSession full = session("");
        ReachSession s = new ReachSession(full.name(), full.t(), full.cursorPos(), null, full.targetPos(),
                full.channelNames(), full.spikeTimes(), "");
        Path f = written(s);
        assertSameSession(s, ODohertyFile.read(f));
        try (HdfFile h = new HdfFile(f)) {
            assertNull(h.getChildren().get("finger_pos"));
            assertNull(h.getChildren().get(ODohertyFile.GENERATOR));
        }
    }

    @Test
    void matlabLayoutAndHeader() throws IOException {
        Path f = written(session("gen"));
        byte[] b = Files.readAllBytes(f);
        String header = new String(b, 0, 116, StandardCharsets.US_ASCII);
        assertTrue(header.matches("MATLAB 7\\.3 MAT-file, Platform: GLNXA64, Created on: .+ HDF5 schema 1\\.00 \\. *"), header);
        try (HdfFile h = new HdfFile(f)) {
            assertEquals(512, h.getUserBlockSize());
            assertArrayEquals(new int[] {1, K}, h.getDatasetByPath("t").getDimensions());
            assertArrayEquals(new int[] {2, K}, h.getDatasetByPath("cursor_pos").getDimensions());
            assertArrayEquals(new int[] {1, 3}, h.getDatasetByPath("chan_names").getDimensions());
            assertArrayEquals(new int[] {2, 3}, h.getDatasetByPath("spikes").getDimensions());
            assertEquals("cell", h.getDatasetByPath("spikes").getAttribute("MATLAB_class").getData());
            assertEquals("double", h.getDatasetByPath("t").getAttribute("MATLAB_class").getData());
            // empty cell spikes[0][1] = the second spike reference: MATLAB empty = uint64 [0, 0]
            long[] refs = (long[]) h.getDatasetByPath("spikes").getDataFlat();
            Dataset empty = (Dataset) h.getNodeByAddress(refs[1]);
            assertArrayEquals(new int[] {2}, empty.getDimensions());
            assertEquals(8, empty.getDataType().getSize());
            assertEquals(1, ((Number) empty.getAttribute("MATLAB_empty").getData()).intValue());
            Dataset name = (Dataset) h.getNodeByAddress(((long[]) h.getDatasetByPath("chan_names").getDataFlat())[0]);
            assertTrue(name.getPath().startsWith("/#refs#/") || name.getPath().contains("ADDRESS"), name.getPath());
            assertArrayEquals(new int[] {6, 1}, name.getDimensions());
            assertEquals("char", name.getAttribute("MATLAB_class").getData());
            assertEquals(2, ((Number) name.getAttribute("MATLAB_int_decode").getData()).intValue());
        }
    }

    @Test
    void emptyCellVariantsAreReadAsNoSpikes() throws IOException {
        ReachSession s = session("");
        Hdf5Writer w = ODohertyFile.layout(s);
        Hdf5Writer.Group refs = (Hdf5Writer.Group) w.root().get("#refs#");
        var dbl00 = refs.float64("e1", new long[] {1, 2}, new double[] {0, 0});
        var zero = refs.float64("e2", new long[] {0, 1}, new double[0]);
        var u00 = refs.uint64("e3", new long[] {2}, new long[] {0, 0}); // no MATLAB_empty attribute
        var one = refs.float64("e4", new long[] {3, 1}, new double[] {100.0, 100.1, 100.2}); // column layout
        var spikesNodes = List.<Hdf5Writer.Node>of(dbl00, zero, u00, one, dbl00, dbl00);
        w.root().references("spikes", new long[] {2, 3}, spikesNodes);
        Path f = dir.resolve("e.mat");
        w.write(f);
        ReachSession r = ODohertyFile.read(f);
        assertEquals(0, r.spikeTimes()[0][0].length);
        assertEquals(0, r.spikeTimes()[0][1].length);
        assertEquals(0, r.spikeTimes()[0][2].length);
        assertArrayEquals(new double[] {100.0, 100.1, 100.2}, r.spikeTimes()[1][0]);
    }

    @Test
    void tAsColumnIsAccepted() throws IOException {
        ReachSession s = session("");
        Hdf5Writer w = ODohertyFile.layout(s);
        w.root().float64("t", new long[] {K, 1}, s.t());
        Path f = dir.resolve("col.mat");
        w.write(f);
        assertArrayEquals(s.t(), ODohertyFile.read(f).t());
    }

    // ------------------------------------------------------------------ errors

    private IOException broken(Consumer<Hdf5Writer.Group> edit) throws IOException {
        Hdf5Writer w = ODohertyFile.layout(session(""));
        edit.accept(w.root());
        Path f = dir.resolve("broken.mat");
        w.write(f);
        return assertThrows(IOException.class, () -> ODohertyFile.read(f));
    }

    private static void assertMessage(IOException e, String... parts) {
        assertTrue(e.getMessage().contains("broken.mat"), e.getMessage());
        System.err.println("MSG " + e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }

    @Test
    void missingFile() {
        IOException e = assertThrows(IOException.class, () -> ODohertyFile.read(dir.resolve("nope.mat")));
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("nope.mat"), e.getMessage());
    }

    @Test
    void notHdf5() throws IOException {
        Path f = dir.resolve("v5.mat");
        byte[] b = new byte[2000];
        byte[] head = "MATLAB 5.0 MAT-file, Platform: GLNXA64".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, b, 0, head.length);
        Files.write(f, b);
        IOException e = assertThrows(IOException.class, () -> ODohertyFile.read(f));
        assertTrue(e.getMessage().contains("not an HDF5 file") && e.getMessage().contains("v7.3")
                && e.getMessage().contains("v5.mat"), e.getMessage());
        Files.write(f, new byte[0]);
        e = assertThrows(IOException.class, () -> ODohertyFile.read(f));
        assertTrue(e.getMessage().contains("not an HDF5 file"), e.getMessage());
    }

    @Test
    void missingDatasets() throws IOException {
        for (String field : List.of("t", "cursor_pos", "target_pos", "chan_names", "spikes")) {
            assertMessage(broken(r -> r.remove(field)), "'" + field + "'", "missing");
        }
    }

    @Test
    void wrongRankOrShape() throws IOException {
        assertMessage(broken(r -> r.float64("t", new long[] {K}, new double[K])), "'t'", "rank 2", "rank 1");
        assertMessage(broken(r -> r.float64("t", new long[] {2, K / 2}, new double[K])), "'t'", "1 × k", "2 × 25");
        assertMessage(broken(r -> r.float64("cursor_pos", new long[] {K, 2}, new double[2 * K])),
                "'cursor_pos'", "2 × k with k = 50", "50 × 2");
        assertMessage(broken(r -> r.float64("target_pos", new long[] {2, K - 1}, new double[2 * (K - 1)])),
                "'target_pos'", "49");
        assertMessage(broken(r -> r.float64("finger_pos", new long[] {4, K}, new double[4 * K])),
                "'finger_pos'", "3 or 6 × k");
        assertMessage(broken(r -> r.rawReferences("spikes", new long[] {3, 2}, new long[6])), "'spikes'", "u × n", "3 × 2");
    }

    @Test
    void wrongDatatype() throws IOException {
        assertMessage(broken(r -> r.uint16("t", new long[] {1, K}, new char[K])), "'t'", "float", "uint16");
        assertMessage(broken(r -> r.float64("chan_names", new long[] {1, 3}, new double[3])),
                "'chan_names'", "object references", "float64");
        assertMessage(broken(r -> r.references("chan_names", new long[] {1, 3}, List.of(r.get("t"), r.get("t"), r.get("t")))),
                "'chan_names[0]'", "char", "float64");
        assertMessage(broken(r -> {
            Hdf5Writer.Group refs = (Hdf5Writer.Group) r.get("#refs#");
            var bad = refs.uint16("bad", new long[] {1, 3}, new char[] {1, 2, 3});
            r.references("spikes", new long[] {2, 3}, List.of(bad, bad, bad, bad, bad, bad));
        }), "'spikes[0][0]'", "float64 spike times", "uint16");
        assertMessage(broken(r -> r.references("spikes", new long[] {2, 3}, List.of(r, r, r, r, r, r))),
                "'spikes[0][0]'", "expected a dataset");
    }

    @Test
    void danglingReference() throws IOException {
        assertMessage(broken(r -> r.rawReferences("spikes", new long[] {2, 3}, new long[] {7, 7, 7, 7, 7, 7})),
                "'spikes[0][0]'", "dangling", "7");
        assertMessage(broken(r -> r.rawReferences("chan_names", new long[] {1, 3}, new long[] {1 << 30, 0, 0})),
                "'chan_names[0]'", "dangling");
    }

    @Test
    void nonFiniteValues() throws IOException {
        double[] t = session("").t().clone();
        t[3] = Double.NaN;
        assertMessage(broken(r -> r.float64("t", new long[] {1, K}, t)), "'t'", "finite", "NaN", "index 3");
        double[] c = new double[2 * K];
        c[K + 4] = Double.NaN;
        assertMessage(broken(r -> r.float64("cursor_pos", new long[] {2, K}, c)), "'cursor_pos'", "NaN", "row 1, sample 4");
        double[] tp = new double[2 * K];
        tp[0] = Double.POSITIVE_INFINITY;
        assertMessage(broken(r -> r.float64("target_pos", new long[] {2, K}, tp)), "'target_pos'", "Infinity");
        assertMessage(broken(r -> r.float64("finger_pos", new long[] {3, K}, nanAt(3 * K, 5))), "'finger_pos'", "NaN");
        assertMessage(broken(r -> {
            Hdf5Writer.Group refs = (Hdf5Writer.Group) r.get("#refs#");
            var bad = refs.float64("bad", new long[] {1, 2}, new double[] {100.0, Double.NaN});
            r.references("spikes", new long[] {2, 3}, List.of(bad, bad, bad, bad, bad, bad));
        }), "'spikes[0][0]'", "finite spike times", "NaN");
    }

    private static double[] nanAt(int n, int i) {
        double[] a = new double[n];
        a[i] = Double.NaN;
        return a;
    }

    @Test
    void nonMonotonicT() throws IOException {
        double[] t = session("").t().clone();
        t[10] = t[9];
        assertMessage(broken(r -> r.float64("t", new long[] {1, K}, t)), "'t'", "strictly increasing", "t[10]");
    }

    @Test
    void writeRefusesWhatReadWouldRefuse() {
        ReachSession s = session("");
        s.t()[5] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> ODohertyFile.write(s, dir.resolve("x.mat")));
        assertFalse(Files.exists(dir.resolve("x.mat")));
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        Path f = written(session("g"));
        byte[] b = Files.readAllBytes(f);
        for (int len : new int[] {b.length - 1, b.length / 2, 600, 530}) {
            Path g = dir.resolve("cut.mat");
            Files.write(g, Arrays.copyOf(b, len));
            IOException e = assertThrows(IOException.class, () -> ODohertyFile.read(g), "length " + len);
            assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("cut.mat")
                    && e.getMessage().contains(String.valueOf(len)), e.getMessage());
        }
    }

    /** The superblock's end of file address is absolute (user block included), as libhdf5 writes it. */
    @Test
    void endOfFileAddressIsAbsolute() throws IOException {
        Path f = written(session("g"));
        byte[] b = Files.readAllBytes(f);
        assertEquals(2, b[512 + 8], "superblock version 2 after the user block");
        assertEquals(512L, le64(b, 512 + 12), "base address");
        assertEquals(b.length, le64(b, 512 + 28), "end of file address = file length");
    }

    /**
     * Files of earlier kit versions stored the end of file address relative to the base address
     * (file length − 512): they still read, and the same content as with the absolute address.
     */
    @Test
    void legacyRelativeEndOfFileAddressIsNotRefused() throws IOException {
        ReachSession s = session("g");
        Path f = written(s);
        byte[] b = Files.readAllBytes(f);
        long relative = b.length - 512;
        for (int i = 0; i < 8; i++) b[512 + 28 + i] = (byte) (relative >>> (8 * i));
        // the superblock checksum (lookup3 over the 44 bytes before it) must match the patched bytes
        int sum = org.spikekit.data.format.hdf5.Hdf5TestAccess.lookup3(b, 512, 44);
        for (int i = 0; i < 4; i++) b[512 + 44 + i] = (byte) (sum >>> (8 * i));
        Path g = dir.resolve("legacy.mat");
        Files.write(g, b);
        ReachSession r = ODohertyFile.read(g);
        assertArrayEquals(s.t(), r.t());
        assertTrue(Arrays.deepEquals(s.spikeTimes(), r.spikeTimes()));
        assertEquals("g", ODohertyFile.readGenerator(g));
        // a real truncation of such a file is still refused (by the length check or the HDF5 reader)
        Files.write(g, Arrays.copyOf(b, b.length / 2));
        IOException e = assertThrows(IOException.class, () -> ODohertyFile.read(g));
        assertTrue(e.getMessage().contains("legacy.mat"), e.getMessage());
    }

    private static long le64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[at + i] & 0xff);
        return v;
    }

    @Test
    void corruptedObjectHeaderIsRefusedClearly() throws IOException {
        Path f = written(session("g"));
        byte[] b = Files.readAllBytes(f);
        // flip one byte in every object header after the root group's: checksums no longer match
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int first = s.indexOf("OHDR");
        int second = s.indexOf("OHDR", first + 4);
        b[second + 12] ^= 0x55;
        Path g = dir.resolve("corrupt.mat");
        Files.write(g, b);
        IOException e = assertThrows(IOException.class, () -> ODohertyFile.read(g));System.err.println("MSG " + e.getMessage());
        assertTrue(e.getMessage().contains("corrupt.mat"), e.getMessage());
    }
}
