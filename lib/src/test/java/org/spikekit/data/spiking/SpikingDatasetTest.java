package org.spikekit.data.spiking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataException;

class SpikingDatasetTest {
    @TempDir Path dir;

    static SpikingDataset small() {
        float[] dense = {
            0.5f, 1.0f, 0.2f, 0.2f,      // sample 0: j2 and j3 tie at 0.2, j1 silent
            1.0f, 1.0f, 1.0f, 1.0f,      // sample 1: no spike
            0.0f, 0.9f, 1.5f, 0.3f,      // sample 2: 1.5 ≥ maxTime → no spike
        };
        return SpikingDataset.fromDense(dense, 3, 4, new int[] {7, 3, 7}, 1f);
    }

    @Test
    void fromDenseSortsByTimeThenIndexAndDropsSilentInputs() {
        SpikingDataset d = small();
        assertEquals(3, d.size());
        assertEquals(4, d.inputSize());
        assertEquals(3, d.count(0));
        int[] idx = new int[4];
        float[] ts = new float[4];
        d.copySample(0, idx, ts);
        assertArrayEquals(new int[] {2, 3, 0}, Arrays.copyOf(idx, 3));
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.5f}, Arrays.copyOf(ts, 3));
        assertEquals(0, d.count(1));
        d.copySample(2, idx, ts);
        assertArrayEquals(new int[] {0, 3, 1}, Arrays.copyOf(idx, 3));
        float[] back = d.toDense();
        assertEquals(1f, back[2 * 4 + 2]);
        assertEquals(0.9f, back[2 * 4 + 1]);
    }

    @Test
    void labelsAreRemappedByRank() {
        SpikingDataset d = small();
        assertEquals(2, d.numClasses());
        assertEquals(1, d.label(0));
        assertEquals(0, d.label(1));
        assertEquals(7, d.classValue(1));
        SpikingDataset e = SpikingDataset.fromDense(new float[4], 1, 4, new int[] {7}, 1f, new int[] {3, 7, 9});
        assertEquals(1, e.label(0));
        assertEquals(3, e.numClasses());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> SpikingDataset.fromDense(new float[4], 1, 4, new int[] {5}, 1f, new int[] {3, 7}));
        assertTrue(x.getMessage().contains("label 5"), x.getMessage());
    }

    @Test
    void badInputsNameTheProblem() {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> SpikingDataset.fromDense(new float[] {0f, Float.NaN}, 1, 2, new int[] {0}, 1f));
        assertTrue(x.getMessage().contains("row 0, column 1"), x.getMessage());
        x = assertThrows(IllegalArgumentException.class, () -> SpikingDataset.fromDense(new float[5], 1, 4, new int[] {0}, 1f));
        assertTrue(x.getMessage().contains("n*d"), x.getMessage());
        x = assertThrows(IllegalArgumentException.class, () -> SpikingDataset.of(4, 1f, 2, new int[] {0}, new int[] {0, 2},
                new int[] {1, 2}, new float[] {0.5f, 0.4f}));
        assertTrue(x.getMessage().contains("non-decreasing"), x.getMessage());
    }

    @Test
    void writeReadRoundTrip() throws Exception {
        SpikingDataset d = small();
        Path f = d.write(dir.resolve("a.spk"));
        SpikingDataset r = SpikingDataset.read(f);
        assertEquals(d.digest(), r.digest());
        assertArrayEquals(d.toDense(), r.toDense());
        assertEquals(7, r.classValue(1));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());                     // no temporary file left behind
        }
    }

    @Test
    void truncatedBadMagicAndCorruptFilesAreRefused() throws Exception {
        Path f = small().write(dir.resolve("a.spk"));
        byte[] b = Files.readAllBytes(f);
        Path t = dir.resolve("t.spk");
        Files.write(t, Arrays.copyOf(b, b.length - 5));
        DataException e = assertThrows(DataException.class, () -> SpikingDataset.read(t));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("t.spk"), e.getMessage());
        Files.write(t, Arrays.copyOf(b, 5));
        e = assertThrows(DataException.class, () -> SpikingDataset.read(t));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] m = b.clone();
        m[1] = 'X';
        Files.write(t, m);
        e = assertThrows(DataException.class, () -> SpikingDataset.read(t));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
        byte[] c = b.clone();
        c[c.length - 8] ^= 1;                                // flip a bit of the last time
        Files.write(t, c);
        e = assertThrows(DataException.class, () -> SpikingDataset.read(t));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
        e = assertThrows(DataException.class, () -> SpikingDataset.read(dir.resolve("missing.spk")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void subsetConcatAndDigest() {
        SpikingDataset d = small();
        SpikingDataset s = d.subset(new int[] {2, 0});
        assertEquals(2, s.size());
        assertEquals(d.label(2), s.label(0));
        assertEquals(d.count(0), s.count(1));
        SpikingDataset c = SpikingDataset.concat(d.range(0, 1), d.range(1, 3));
        assertEquals(d.digest(), c.digest());
        assertArrayEquals(d.toDense(), c.toDense());
        assertNotEquals(d.digest(), s.digest());
        SpikingDataset other = SpikingDataset.fromDense(new float[4], 1, 4, new int[] {0}, 1f);
        assertThrows(IllegalArgumentException.class, () -> SpikingDataset.concat(d, other));
        SpikingSplit split = new SpikingSplit(d, d.range(0, 0), d.subset(new int[] {1}));
        assertEquals(4, split.inputSize());
        assertThrows(IllegalArgumentException.class, () -> new SpikingSplit(d, other, d));
    }

    @Test
    void syntheticStandInIsSeededAndSparse() {
        SyntheticSpiking g = new SyntheticSpiking(4608, 10, 300, 0.3, 1);
        SpikingDataset a = g.sample(50, 5), b = g.sample(50, 5);
        assertEquals(a.digest(), b.digest());
        double mean = a.totalSpikes() / 50.0;
        assertTrue(mean > 250 && mean <= 300, "spikes per sample " + mean);
        assertNotEquals(a.digest(), g.sample(50, 6).digest());
    }
}
