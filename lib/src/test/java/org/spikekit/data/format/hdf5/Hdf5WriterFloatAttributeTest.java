package org.spikekit.data.format.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scalar float64 attributes (NWB 1.x {@code rate}, {@code conversion}) and the tests' int16 datasets, read back by jhdf. */
class Hdf5WriterFloatAttributeTest {
    @TempDir Path dir;

    @Test
    void float64AttributesOnGroupsAndDatasetsReadBackExactly() throws Exception {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group g = w.root().group("acquisition");
        g.float64Attribute("rate", 200000.0);
        Hdf5Writer.Dataset d = g.float32("data", new long[] {3}, new float[] {1f, 2f, 3f});
        d.float64Attribute("conversion", 1e-12).attribute("unit", "A");
        d.float64Attribute("tiny", -Double.MIN_VALUE);
        w.root().float64Attribute("nan", Double.NaN);
        Path f = dir.resolve("a.h5");
        w.write(f);
        try (HdfFile h = new HdfFile(f)) {
            assertEquals(200000.0, ((Number) h.getByPath("/acquisition").getAttribute("rate").getData()).doubleValue());
            Dataset ds = (Dataset) h.getByPath("/acquisition/data");
            assertEquals(1e-12, ((Number) ds.getAttribute("conversion").getData()).doubleValue());
            assertEquals(-Double.MIN_VALUE, ((Number) ds.getAttribute("tiny").getData()).doubleValue());
            assertEquals("A", ds.getAttribute("unit").getData());
            assertEquals(Double.NaN, ((Number) h.getAttribute("nan").getData()).doubleValue());
            assertArrayEquals(new float[] {1f, 2f, 3f}, (float[]) ds.getData());
        }
    }

    @Test
    void int16DatasetsOfTheTestHelperReadAsShorts() throws Exception {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5TestAccess.int16(w.root(), "s", new long[] {4}, new short[] {-32768, -1, 0, 32767});
        Path f = dir.resolve("s.h5");
        w.write(f);
        try (HdfFile h = new HdfFile(f)) {
            assertArrayEquals(new short[] {-32768, -1, 0, 32767}, (short[]) ((Dataset) h.getByPath("/s")).getData());
        }
    }
}
