package org.spikekit.data.format.hdf5;

import static org.junit.jupiter.api.Assertions.*;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.checksum.ChecksumUtils;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hdf5WriterTest {
    @TempDir Path dir;

    @Test
    void lookup3MatchesJhdfChecksumForAllTailLengths() {
        Random r = new Random(1);
        for (int len = 0; len <= 40; len++) {
            byte[] b = new byte[len];
            r.nextBytes(b);
            assertEquals(ChecksumUtils.checksum(b), Lookup3.hash(b, 0, len), "length " + len);
        }
    }

    @Test
    void matlabHeaderAndSuperblockAt512() throws IOException {
        Hdf5Writer w = Hdf5Writer.matlab73("GLNXA64", ZonedDateTime.of(2017, 5, 26, 12, 0, 0, 0, ZoneOffset.UTC));
        w.root().float64("x", new long[] {1, 1}, new double[] {1});
        Path f = dir.resolve("h.mat");
        w.write(f);
        byte[] b = Files.readAllBytes(f);
        String text = new String(b, 0, 116, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Fri May 26 12:00:00 2017 HDF5 schema 1.00 ."), text);
        assertEquals("IM", new String(b, 126, 2, StandardCharsets.US_ASCII));
        assertEquals(0x89, b[512] & 0xff);
        assertEquals("HDF", new String(b, 513, 3, StandardCharsets.US_ASCII));
        try (HdfFile h = new HdfFile(f)) {
            assertEquals(512, h.getUserBlockSize());
            assertArrayEquals(new double[][] {{1}}, (double[][]) h.getDatasetByPath("x").getData());
        }
        try (var ls = Files.list(dir)) {
            assertEquals(List.of(f), ls.toList(), "no temporary file left behind");
        }
    }

    @Test
    void everyStructureReadsBackWithJhdf() throws IOException {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group root = w.root();
        Hdf5Writer.Group refs = root.group("#refs#");
        Hdf5Writer.Dataset a = refs.float64("a", new long[] {1, 3}, new double[] {0.5, 1.5, 2.5});
        a.attribute("MATLAB_class", "double");
        Hdf5Writer.Dataset c = refs.uint16("b", new long[] {2, 1}, "M1".toCharArray());
        c.attribute("MATLAB_class", "char").int32Attribute("MATLAB_int_decode", 2);
        Hdf5Writer.Dataset e = refs.uint64("c", new long[] {2}, new long[] {0, 0});
        e.attribute("MATLAB_class", "double").uint8Attribute("MATLAB_empty", 1);
        refs.float64("z", new long[] {0, 3}, new double[0]);
        root.references("cells", new long[] {1, 3}, List.of(a, c, e)).attribute("MATLAB_class", "cell");
        root.float64("m", new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6});
        Path f = dir.resolve("s.h5");
        w.write(f);
        try (HdfFile h = new HdfFile(f)) {
            assertEquals(List.of("#refs#", "cells", "m"), List.copyOf(h.getChildren().keySet()));
            assertTrue(h.getChild("#refs#") instanceof Group);
            Dataset m = h.getDatasetByPath("m");
            assertArrayEquals(new int[] {2, 3}, m.getDimensions());
            assertInstanceOf(FloatingPoint.class, m.getDataType());
            assertArrayEquals(new double[][] {{1, 2, 3}, {4, 5, 6}}, (double[][]) m.getData());
            Dataset cells = h.getDatasetByPath("cells");
            assertInstanceOf(Reference.class, cells.getDataType());
            assertEquals("cell", cells.getAttribute("MATLAB_class").getData());
            long[] addr = (long[]) cells.getDataFlat();
            Node na = h.getNodeByAddress(addr[0]);
            assertEquals(h.getDatasetByPath("#refs#/a").getAddress(), na.getAddress());
            assertArrayEquals(new double[][] {{0.5, 1.5, 2.5}}, (double[][]) ((Dataset) na).getData());
            assertEquals("double", na.getAttribute("MATLAB_class").getData());
            Dataset nc = (Dataset) h.getNodeByAddress(addr[1]);
            FixedPoint fp = (FixedPoint) nc.getDataType();
            assertFalse(fp.isSigned());
            assertEquals(2, fp.getSize());
            assertEquals("char", nc.getAttribute("MATLAB_class").getData());
            assertEquals(2, ((Number) nc.getAttribute("MATLAB_int_decode").getData()).intValue());
            Object chars = nc.getDataFlat();
            assertEquals('M', ((Number) java.lang.reflect.Array.get(chars, 0)).intValue());
            assertEquals('1', ((Number) java.lang.reflect.Array.get(chars, 1)).intValue());
            Dataset ne = (Dataset) h.getNodeByAddress(addr[2]);
            assertArrayEquals(new int[] {2}, ne.getDimensions());
            assertEquals(8, ne.getDataType().getSize());
            assertEquals(1, ((Number) ne.getAttribute("MATLAB_empty").getData()).intValue());
            Dataset z = h.getDatasetByPath("#refs#/z");
            assertArrayEquals(new int[] {0, 3}, z.getDimensions());
            assertEquals(0, z.getSize());
        }
    }

    @Test
    void referenceToUnlinkedObjectIsRefused() {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer other = new Hdf5Writer();
        Hdf5Writer.Dataset x = other.root().float64("x", new long[] {1, 1}, new double[] {1});
        w.root().references("r", new long[] {1, 1}, List.of(x));
        assertThrows(IllegalStateException.class, w::toBytes);
    }

    @Test
    void failedWriteLeavesNothingBehind() throws IOException {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer other = new Hdf5Writer();
        Hdf5Writer.Dataset x = other.root().float64("x", new long[] {1, 1}, new double[] {1});
        w.root().references("r", new long[] {1, 1}, List.of(x));
        Path f = dir.resolve("bad.h5");
        assertThrows(IllegalStateException.class, () -> w.write(f));
        try (var ls = Files.list(dir)) {
            assertEquals(0, ls.count());
        }
    }

    @Test
    void shapeMustMatchData() {
        Hdf5Writer w = new Hdf5Writer();
        assertThrows(IllegalArgumentException.class, () -> w.root().float64("x", new long[] {2, 2}, new double[3]));
    }
}
