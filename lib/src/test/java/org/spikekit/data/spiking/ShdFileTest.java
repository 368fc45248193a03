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
import org.spikekit.data.format.hdf5.Hdf5Writer;

class ShdFileTest {
    @TempDir Path dir;

    private static ShdFile.ShdSet small() {
        return ShdFile.synthetic(new ShdFile.Config(7, 40, 0.3, 60, 1.5, 0.002));
    }

    @Test
    void standInRoundTripsThroughTheKitsWriterAndJhdf() {
        ShdFile.ShdSet s = small();
        assertEquals(40, s.size());
        assertTrue(s.spikes() > 40 * 200, "spikes " + s.spikes());
        Path f = dir.resolve("shd_train.h5");
        ShdFile.write(f, s);
        ShdFile.ShdSet r = ShdFile.read(f);
        assertEquals("shd_train", r.name());
        assertArrayEquals(s.labels(), r.labels());
        assertArrayEquals(s.speakers(), r.speakers());
        assertEquals(ShdFile.KEYS, r.keys());
        assertEquals(s.generator(), r.generator());
        for (int i = 0; i < s.size(); i++) {
            assertArrayEquals(s.times()[i], r.times()[i], "times " + i);
            assertArrayEquals(s.units()[i], r.units()[i], "units " + i);
        }
    }

    @Test
    void generatorIsSeededAndClassesDiffer() {
        ShdFile.ShdSet a = small(), b = small();
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.times()[i], b.times()[i]);
        // mean channel of the first formant region differs between classes
        double[] mean = new double[ShdFile.CLASSES];
        int[] cnt = new int[ShdFile.CLASSES];
        for (int i = 0; i < a.size(); i++) {
            for (int u : a.units()[i]) if (u < 280) { mean[a.labels()[i]] += u; cnt[a.labels()[i]]++; }
        }
        long distinct = Arrays.stream(mean).map(m -> Math.round(m / 20)).distinct().count();
        assertTrue(distinct > 5, "class formant positions should differ");
    }

    @Test
    void framesBinByRoundingAndDropLateSpikes() {
        ShdFile.ShdSet s = new ShdFile.ShdSet("t", new float[][] {{0.0f, 0.0029f, 0.0031f, 0.0031f, 0.5f}, {0.001f}},
                new int[][] {{3, 5, 5, 5, 1}, {699}}, new int[] {1, 2}, null, List.of(), "");
        float[] counts = ShdFile.frames(s, new int[] {0, 1}, 0.002, 3, false);
        assertEquals(3 * 2 * 700, counts.length);
        assertEquals(1f, counts[(0 * 2 + 0) * 700 + 3]);
        assertEquals(1f, counts[(1 * 2 + 0) * 700 + 5]);   // 2.9 ms -> step 1
        assertEquals(2f, counts[(2 * 2 + 0) * 700 + 5]);   // 3.1 ms twice -> step 2, count 2
        assertEquals(1f, counts[(1 * 2 + 1) * 700 + 699]); // 1 ms -> round(0.5) = 1
        assertEquals(5f, sum(counts));                     // 0.5 s dropped
        float[] bin = ShdFile.frames(s, new int[] {0, 1}, 0.002, 3, true);
        assertEquals(1f, bin[(2 * 2 + 0) * 700 + 5]);
    }

    private static float sum(float[] a) { float s = 0; for (float v : a) s += v; return s; }

    // ------------------------------------------------------------------ error paths

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope.h5");
        DataException e = assertThrows(DataException.class, () -> ShdFile.read(f));
        assertTrue(e.getMessage().contains("SHD file not found") && e.getMessage().contains(f.toString()), e.getMessage());
        assertEquals(f, e.file());
    }

    @Test
    void truncatedFileIsRefused() throws Exception {
        Path f = dir.resolve("shd.h5");
        ShdFile.write(f, small());
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        DataException e = assertThrows(DataException.class, () -> ShdFile.read(f));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void notHdf5IsRefused() throws Exception {
        Path f = dir.resolve("x.h5");
        Files.writeString(f, "hello, not hdf5");
        DataException e = assertThrows(DataException.class, () -> ShdFile.read(f));
        assertTrue(e.getMessage().contains("not an HDF5 file"), e.getMessage());
    }

    @Test
    void missingDatasetIsNamed() throws Exception {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group sp = w.root().group("spikes");
        sp.vlenFloat32("times", new float[][] {{0.1f}});
        sp.vlenUint16("units", new char[][] {{3}});
        Path f = dir.resolve("nolabels.h5");
        w.write(f);
        DataException e = assertThrows(DataException.class, () -> ShdFile.read(f));
        assertTrue(e.getMessage().contains("/labels") && e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void badValuesAreNamedWithTheirField() throws Exception {
        assertBad(new float[][] {{0.1f}}, new char[][] {{700}}, new char[] {1}, "/spikes/units[0][0] = 700");
        assertBad(new float[][] {{-0.1f}}, new char[][] {{3}}, new char[] {1}, "/spikes/times[0][0]");
        assertBad(new float[][] {{Float.NaN}}, new char[][] {{3}}, new char[] {1}, "/spikes/times[0][0]");
        assertBad(new float[][] {{0.1f}}, new char[][] {{3}}, new char[] {20}, "/labels[0] = 20");
        assertBad(new float[][] {{0.1f, 0.2f}}, new char[][] {{3}}, new char[] {1}, "sample 0 has 2 entries");
        assertBad(new float[][] {{0.1f}, {0.2f}}, new char[][] {{3}, {4}}, new char[] {1}, "/labels 1");
    }

    private void assertBad(float[][] t, char[][] u, char[] labels, String expect) throws Exception {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group sp = w.root().group("spikes");
        sp.vlenFloat32("times", t);
        sp.vlenUint16("units", u);
        w.root().uint16("labels", new long[] {labels.length}, labels);
        Path f = dir.resolve("bad.h5");
        w.write(f);
        DataException e = assertThrows(DataException.class, () -> ShdFile.read(f));
        assertTrue(e.getMessage().contains(expect) && e.getMessage().contains(f.toString()), e.getMessage());
    }
}
