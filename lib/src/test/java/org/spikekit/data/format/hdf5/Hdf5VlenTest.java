package org.spikekit.data.format.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.lang.reflect.Array;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Variable-length sequences, float32 and fixed-length string datasets written by {@link Hdf5Writer}, read back by jhdf. */
class Hdf5VlenTest {
    @TempDir Path dir;

    @Test
    void vlenFloat32AndUint16RoundTripThroughJhdf() throws Exception {
        float[][] times = {{0.001f, 0.5f, 1.25f}, {}, {3f}, new float[1000]};
        for (int i = 0; i < 1000; i++) times[3][i] = i * 1e-3f;
        char[][] units = {{0, 699, 12}, {}, {65535}, new char[1000]};
        for (int i = 0; i < 1000; i++) units[3][i] = (char) (i % 700);
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group sp = w.root().group("spikes");
        sp.vlenFloat32("times", times);
        sp.vlenUint16("units", units);
        w.root().float32("f", new long[] {2, 2}, new float[] {1.5f, -2f, 3.25f, Float.MIN_VALUE});
        w.root().strings("keys", new String[] {"english-zero", "", "german-neun"});
        Path f = dir.resolve("v.h5");
        w.write(f);
        try (HdfFile h = new HdfFile(f)) {
            Object t = ((Dataset) h.getByPath("/spikes/times")).getData();
            Object u = ((Dataset) h.getByPath("/spikes/units")).getData();
            assertEquals(4, Array.getLength(t));
            assertEquals(4, Array.getLength(u));
            for (int i = 0; i < 4; i++) {
                Object ti = Array.get(t, i), ui = Array.get(u, i);
                assertEquals(times[i].length, Array.getLength(ti), "times row " + i);
                assertEquals(units[i].length, Array.getLength(ui), "units row " + i);
                for (int k = 0; k < times[i].length; k++) {
                    assertEquals(times[i][k], ((Number) Array.get(ti, k)).floatValue(), "times[" + i + "][" + k + "]");
                    assertEquals((int) units[i][k], ((Number) Array.get(ui, k)).intValue(), "units[" + i + "][" + k + "]");
                }
            }
            float[][] ff = (float[][]) ((Dataset) h.getByPath("/f")).getData();
            assertArrayEquals(new float[] {1.5f, -2f}, ff[0]);
            assertArrayEquals(new float[] {3.25f, Float.MIN_VALUE}, ff[1]);
            String[] keys = (String[]) ((Dataset) h.getByPath("/keys")).getData();
            assertArrayEquals(new String[] {"english-zero", "", "german-neun"}, keys);
        }
    }

    @Test
    void manyObjectsSpanSeveralHeapCollections() throws Exception {
        int n = Hdf5Writer.HEAP_OBJECTS + 10;
        char[][] units = new char[n][];
        for (int i = 0; i < n; i++) units[i] = new char[] {(char) (i & 0xffff), (char) 7};
        Hdf5Writer w = new Hdf5Writer();
        w.root().vlenUint16("u", units);
        Path f = dir.resolve("many.h5");
        w.write(f);
        try (HdfFile h = new HdfFile(f)) {
            Object u = ((Dataset) h.getByPath("/u")).getData();
            assertEquals(n, Array.getLength(u));
            for (int i : new int[] {0, 1, Hdf5Writer.HEAP_OBJECTS - 1, Hdf5Writer.HEAP_OBJECTS, n - 1}) {
                assertEquals(i & 0xffff, ((Number) Array.get(Array.get(u, i), 0)).intValue(), "row " + i);
            }
        }
    }

    /**
     * The reference HDF5 C library (h5dump of Debian's hdf5-tools) reads the same files, including
     * empty sequences and a dataset spread over two heap collections; skipped where h5dump is absent.
     */
    @Test
    void referenceLibraryReadsTheVlenDatasets() throws Exception {
        Path h5dump = Path.of("/usr/bin/h5dump");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(h5dump), "h5dump not installed");
        int n = Hdf5Writer.HEAP_OBJECTS + 3;
        char[][] units = new char[n][];
        float[][] times = new float[n][];
        for (int i = 0; i < n; i++) {
            units[i] = i == 1 ? new char[0] : new char[] {(char) (i % 700), (char) 699};
            times[i] = i == 1 ? new float[0] : new float[] {0.25f, 1.5f};
        }
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group sp = w.root().group("spikes");
        sp.vlenFloat32("times", times);
        sp.vlenUint16("units", units);
        Path f = dir.resolve("ref.h5");
        w.write(f);
        Process p = new ProcessBuilder(h5dump.toString(), "-d", "/spikes/units", "-s", (n - 1) + "", "-c", "1", f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        org.junit.jupiter.api.Assertions.assertTrue(out.contains("(" + ((n - 1) % 700) + ", 699)"), out);
        Process q = new ProcessBuilder(h5dump.toString(), "-d", "/spikes/times", "-s", "0", "-c", "3", f.toString())
                .redirectErrorStream(true).start();
        String out2 = new String(q.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, q.waitFor(), out2);
        org.junit.jupiter.api.Assertions.assertTrue(out2.contains("(0.25, 1.5), (), (0.25, 1.5)"), out2);
    }

    @Test
    void vlenStringsRoundTripThroughJhdfAndTheReferenceLibrary() throws Exception {
        String[] result = {"R", "A", "F", "", "Ünïcode"};
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group trials = w.root().group("intervals").group("trials");
        trials.vlenStrings("result", result);
        w.root().vlenString("session_start_time", "2015-03-11T00:00:00+00:00");
        Path f = dir.resolve("s.h5");
        w.write(f);
        try (HdfFile h = new HdfFile(f)) {
            Dataset d = (Dataset) h.getByPath("/intervals/trials/result");
            assertArrayEquals(new int[] {5}, d.getDimensions());
            assertArrayEquals(result, (String[]) d.getData());
            Dataset s = (Dataset) h.getByPath("/session_start_time");
            assertEquals(0, s.getDimensions().length);
            assertEquals("2015-03-11T00:00:00+00:00", s.getData());
        }
        Path h5dump = Path.of("/usr/bin/h5dump");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(h5dump), "h5dump not installed");
        Process p = new ProcessBuilder(h5dump.toString(), "-d", "/intervals/trials/result", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        org.junit.jupiter.api.Assertions.assertTrue(out.contains("STRSIZE H5T_VARIABLE") && out.contains("\"R\", \"A\", \"F\""), out);
        Process q = new ProcessBuilder(h5dump.toString(), "-d", "/session_start_time", f.toString()).redirectErrorStream(true).start();
        String out2 = new String(q.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, q.waitFor(), out2);
        org.junit.jupiter.api.Assertions.assertTrue(out2.contains("SCALAR") && out2.contains("\"2015-03-11T00:00:00+00:00\""), out2);
    }
}
