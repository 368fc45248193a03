package org.spikekit.data.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataException;
import org.spikekit.data.images.ImageSet;

class NMnistFileTest {
    @TempDir Path dir;

    /** Ten 28x28 "digits": a filled box whose position and size depend on the class. */
    static ImageSet boxes() {
        byte[] px = new byte[10 * 784];
        int[] labels = new int[10];
        for (int c = 0; c < 10; c++) {
            labels[c] = c;
            int x0 = 4 + c, y0 = 6 + (c % 3) * 3, w = 6 + c % 4, h = 8;
            for (int y = y0; y < y0 + h; y++) for (int x = x0; x < x0 + w; x++) px[c * 784 + y * 28 + x] = (byte) 230;
        }
        return new ImageSet("boxes", 28, 28, 1, px, labels, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), "test");
    }

    @Test
    void encodeDecodeRoundTrip() {
        NMnistFile.Events e = new NMnistFile.Events(new int[] {0, 33, 5}, new int[] {0, 12, 33}, new int[] {1, 0, 1},
                new int[] {0, 70000, NMnistFile.MAX_TS}, 3);
        NMnistFile.Events r = NMnistFile.decode(NMnistFile.encode(e), Path.of("mem.bin"));
        assertArrayEquals(e.x(), r.x());
        assertArrayEquals(e.y(), r.y());
        assertArrayEquals(e.p(), r.p());
        assertArrayEquals(e.ts(), r.ts());
        assertEquals(-1, r.label());
    }

    @Test
    void bitLayoutMatchesTheSpec() {
        // x=7, y=9, polarity 1, ts = 0x12345 µs: byte2 = 0x80 | 0x01, byte3 = 0x23, byte4 = 0x45
        byte[] b = {7, 9, (byte) 0x81, 0x23, 0x45};
        NMnistFile.Events e = NMnistFile.decode(b, Path.of("x.bin"));
        assertEquals(7, e.x()[0]);
        assertEquals(9, e.y()[0]);
        assertEquals(1, e.p()[0]);
        assertEquals(0x12345, e.ts()[0]);
        assertArrayEquals(b, NMnistFile.encode(e));
    }

    @Test
    void overflowMarkerAdds2To13ToLaterEvents() {
        byte[] b = {1, 1, 0, 0, 10, 0, (byte) 240, 0, 0, 0, 2, 2, 0, 0, 20, 0, (byte) 240, 0, 0, 0, 3, 3, 0, 0, 30};
        NMnistFile.Events e = NMnistFile.decode(b, Path.of("o.bin"));
        assertEquals(3, e.size());
        assertArrayEquals(new int[] {10, 20 + 8192, 30 + 16384}, e.ts());
        assertArrayEquals(new int[] {1, 2, 3}, e.x());
    }

    @Test
    void missingTruncatedEmptyAndBadValuesAreNamed() throws Exception {
        Path missing = dir.resolve("none.bin");
        DataException e1 = assertThrows(DataException.class, () -> NMnistFile.read(missing));
        assertTrue(e1.getMessage().contains("N-MNIST file not found") && e1.getMessage().contains(missing.toString()), e1.getMessage());

        Path f = dir.resolve("t.bin");
        NMnistFile.write(f, new NMnistFile.Events(new int[] {1, 2}, new int[] {1, 2}, new int[] {0, 1}, new int[] {5, 6}, 0));
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, 7));
        DataException e2 = assertThrows(DataException.class, () -> NMnistFile.read(f));
        assertTrue(e2.getMessage().contains("not a multiple of 5") && e2.getMessage().contains(f.toString()), e2.getMessage());

        Files.write(f, new byte[0]);
        assertTrue(assertThrows(DataException.class, () -> NMnistFile.read(f)).getMessage().contains("no events"));

        Files.write(f, new byte[] {1, 1, 0, 0, 1, 34, 2, 0, 0, 2});
        DataException e3 = assertThrows(DataException.class, () -> NMnistFile.read(f));
        assertTrue(e3.getMessage().contains("event 1 (byte offset 5) has x = 34"), e3.getMessage());

        Files.write(f, new byte[] {1, 100, 0, 0, 1});
        assertTrue(assertThrows(DataException.class, () -> NMnistFile.read(f)).getMessage().contains("y = 100"));

        assertThrows(IllegalArgumentException.class, () -> NMnistFile.encode(
                new NMnistFile.Events(new int[] {0}, new int[] {0}, new int[] {0}, new int[] {1 << 23}, 0)));
    }

    @Test
    void folderLayoutErrors() throws Exception {
        DataException e = assertThrows(DataException.class, () -> NMnistFile.readFolder(dir.resolve("Train"), 0));
        assertTrue(e.getMessage().contains("N-MNIST folder not found"), e.getMessage());
        Files.createDirectories(dir.resolve("Empty").resolve("x"));
        DataException e2 = assertThrows(DataException.class, () -> NMnistFile.readFolder(dir.resolve("Empty"), 0));
        assertTrue(e2.getMessage().contains("no digit folders"), e2.getMessage());
    }

    @Test
    void standInSimulatesThreeSaccadesAndRoundTripsThroughFolders() {
        ImageSet d = boxes();
        NMnistFile.Config cfg = NMnistFile.Config.standard(11);
        List<NMnistFile.Events> s = NMnistFile.synthetic(d, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, cfg);
        for (NMnistFile.Events e : s) {
            assertTrue(e.size() > 300 && e.size() < 20000, NMnistFile.summary(e));
            int max = Arrays.stream(e.ts()).max().getAsInt();
            assertTrue(max > 250_000 && max <= 300_000, NMnistFile.summary(e));
            for (int k = 1; k < e.size(); k++) assertTrue(e.ts()[k] >= e.ts()[k - 1]);
            long on = Arrays.stream(e.p()).filter(p -> p == 1).count();
            assertTrue(on > e.size() / 5 && on < e.size() * 4 / 5, "both polarities: " + on + " of " + e.size());
            // events in each of the three saccades
            for (int q = 0; q < 3; q++) {
                int lo = q * 100_000, hi = lo + 100_000;
                assertTrue(Arrays.stream(e.ts()).filter(t -> t >= lo && t < hi).count() > 50, "saccade " + q);
            }
        }
        NMnistFile.Events again = NMnistFile.simulate(d, 3, 3, cfg);
        assertArrayEquals(s.get(3).ts(), again.ts());
        Path root = dir.resolve("N-MNIST").resolve("Train");
        NMnistFile.writeFolder(root, s);
        List<NMnistFile.Events> r = NMnistFile.readFolder(root, 0);
        assertEquals(10, r.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, r.get(i).label());
            assertArrayEquals(s.get(i).ts(), r.get(i).ts());
            assertArrayEquals(s.get(i).x(), r.get(i).x());
        }
    }

    @Test
    void framesUsePolarityPlanesOrFold() {
        NMnistFile.Events e = new NMnistFile.Events(new int[] {2, 2, 2, 3}, new int[] {1, 1, 1, 0}, new int[] {1, 0, 0, 1},
                new int[] {400, 1600, 1700, 999_000}, 4);
        float[] f = NMnistFile.frames(List.of(e), 1.0, 3, false, false);
        assertEquals(3 * 2312, f.length);
        assertEquals(1f, f[0 * 2312 + 1156 + 34 + 2]);    // 0.4 ms -> step 0, ON plane
        assertEquals(2f, f[2 * 2312 + 34 + 2]);           // 1.6 and 1.7 ms -> step 2, OFF plane, counted
        float[] g = NMnistFile.frames(List.of(e), 1.0, 3, true, true);
        assertEquals(3 * 1156, g.length);
        assertEquals(1f, g[2 * 1156 + 34 + 2]);
        assertEquals(2f, sum(g));                         // late event dropped
    }

    private static float sum(float[] a) { float s = 0; for (float v : a) s += v; return s; }
}
