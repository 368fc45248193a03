package org.spikekit.data.format;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataException;

class NpyTest {
    @TempDir Path dir;

    /** A v1.0 file written by hand: magic, version, header length, dict padded to 64 bytes, data. */
    static byte[] handWritten(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.write(header.length() & 0xFF);
        b.write(header.length() >> 8);
        b.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(data);
        return b.toByteArray();
    }

    @Test
    void readsHandWrittenLittleAndBigEndianFixtures() {
        // int16 little-endian, shape (2, 3): 1, -2, 300, 0, 32767, -32768
        byte[] le = {1, 0, (byte) 0xFE, (byte) 0xFF, 0x2C, 0x01, 0, 0, (byte) 0xFF, 0x7F, 0x00, (byte) 0x80};
        Npy.Array a = Npy.read(new ByteArrayInputStream(handWritten("<i2", "(2, 3)", le)), "le.npy");
        assertEquals(Npy.DType.INT16, a.dtype());
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new short[] {1, -2, 300, 0, 32767, -32768}, a.shorts());

        // float32 big-endian, shape (2,): 1.0 = 3F800000, -0.5 = BF000000
        byte[] be = {0x3F, (byte) 0x80, 0, 0, (byte) 0xBF, 0, 0, 0};
        Npy.Array f = Npy.read(new ByteArrayInputStream(handWritten(">f4", "(2,)", be)), "be.npy");
        assertArrayEquals(new float[] {1.0f, -0.5f}, f.floats());

        // uint8 with '|' order, scalar-free 1-D; values read unsigned
        Npy.Array u = Npy.read(new ByteArrayInputStream(handWritten("|u1", "(3,)", new byte[] {0, (byte) 200, (byte) 255})), "u.npy");
        assertArrayEquals(new int[] {0, 200, 255}, u.asInts());

        // int64 little-endian 2^40 + 5
        long v = (1L << 40) + 5;
        byte[] l = new byte[8];
        for (int i = 0; i < 8; i++) l[i] = (byte) (v >>> (8 * i));
        assertArrayEquals(new long[] {v}, Npy.read(new ByteArrayInputStream(handWritten("<i8", "(1,)", l)), "l.npy").longs());
    }

    @Test
    void float16KeepsBitPatternsAndRoundTrips() throws IOException {
        // <f2, shape (4,): 1.0 = 3C00, -2.0 = C000, 65504 = 7BFF, smallest subnormal 2^-24 = 0001
        byte[] le = {0x00, 0x3C, 0x00, (byte) 0xC0, (byte) 0xFF, 0x7B, 0x01, 0x00};
        Npy.Array h = Npy.read(new ByteArrayInputStream(handWritten("<f2", "(4,)", le)), "h.npy");
        assertEquals(Npy.DType.FLOAT16, h.dtype());
        assertArrayEquals(new short[] {0x3C00, (short) 0xC000, 0x7BFF, 0x0001}, h.float16Bits());
        assertArrayEquals(new float[] {1f, -2f, 65504f, (float) Math.pow(2, -24)}, h.float16AsFloats(), 0f);
        assertThrows(DataException.class, h::shorts);   // not int16
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, h, java.nio.ByteOrder.BIG_ENDIAN);
        Npy.Array back = Npy.read(new ByteArrayInputStream(out.toByteArray()), "back.npy");
        assertArrayEquals(h.float16Bits(), back.float16Bits());
        assertTrue(new String(out.toByteArray(), StandardCharsets.ISO_8859_1).contains("'descr': '>f2'"));
    }

    @Test
    void writerProducesTheBytesNumpyWould() throws IOException {
        // Header of np.save(np.zeros((2, 3), np.float32)): 128-byte aligned... NumPy >= 1.? pads to 64.
        var out = new ByteArrayOutputStream();
        Npy.write(out, Npy.Array.of(new float[6], 2, 3), ByteOrder.LITTLE_ENDIAN);
        byte[] b = out.toByteArray();
        assertEquals(128 + 24, b.length);
        String header = new String(b, 10, 118, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.strip());
        assertEquals('\n', header.charAt(header.length() - 1));
        assertEquals(118, (b[8] & 0xFF) | (b[9] & 0xFF) << 8);
        // one-dimensional shapes keep the trailing comma of a Python 1-tuple
        out.reset();
        Npy.write(out, Npy.Array.of(new int[] {7}, 1), ByteOrder.LITTLE_ENDIAN);
        assertTrue(new String(out.toByteArray(), StandardCharsets.US_ASCII).contains("'shape': (1,), }"));
    }

    @Test
    void roundTripsEveryTypeInBothByteOrders() {
        Npy.Array[] arrays = {
            Npy.Array.of(new float[] {0f, 1.5f, -3.25f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN}, 2, 3),
            Npy.Array.of(new double[] {Math.PI, -1e300}, 2),
            Npy.Array.of(new short[] {-1, 2, 3, 4}, 2, 1, 2),
            Npy.Array.of(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, 3),
            Npy.Array.of(new long[] {Long.MIN_VALUE, 42}, 2),
            Npy.Array.ofUint8(new byte[] {0, (byte) 128, (byte) 255, 1}, 4),
            Npy.Array.of(new float[0], 0, 4608),
        };
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (Npy.Array a : arrays) {
                Path p = dir.resolve(a.dtype() + "-" + order + ".npy");
                Npy.write(p, a, order);
                Npy.Array r = Npy.read(p);
                assertEquals(a.dtype(), r.dtype());
                assertArrayEquals(a.shape(), r.shape());
                switch (a.dtype()) {
                    case FLOAT32 -> assertArrayEquals(a.floats(), r.floats());
                    case FLOAT64 -> assertArrayEquals(a.doubles(), r.doubles());
                    case INT16 -> assertArrayEquals(a.shorts(), r.shorts());
                    case INT32 -> assertArrayEquals(a.ints(), r.ints());
                    case INT64 -> assertArrayEquals(a.longs(), r.longs());
                    case UINT8 -> assertArrayEquals(a.uint8(), r.uint8());
                }
            }
        }
    }

    @Test
    void largeArraysCrossChunkBoundaries() {
        float[] x = new float[100_003];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.5f;
        Path p = dir.resolve("big.npy");
        Npy.write(p, Npy.Array.of(x, 100_003));
        assertArrayEquals(x, Npy.read(p).floats());
    }

    @Test
    void versionTwoHeadersAreRead() {
        byte[] v1 = handWritten("<i4", "(1,)", new byte[] {9, 0, 0, 0});
        // re-frame as 2.0: 4-byte header length
        int hl = (v1[8] & 0xFF) | (v1[9] & 0xFF) << 8;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) hl, (byte) (hl >> 8), 0, 0});
        b.write(v1, 10, v1.length - 10);
        assertArrayEquals(new int[] {9}, Npy.read(new ByteArrayInputStream(b.toByteArray()), "v2.npy").ints());
    }

    private static DataException refused(byte[] bytes, String name) {
        return assertThrows(DataException.class, () -> Npy.read(new ByteArrayInputStream(bytes), name));
    }

    @Test
    void refusesBadInputWithMessagesNamingFileAndExpectation() throws IOException {
        byte[] good = handWritten("<f4", "(2,)", new byte[8]);
        DataException e = refused(Arrays.copyOf(good, good.length - 3), "trunc.npy");
        assertTrue(e.getMessage().contains("trunc.npy") && e.getMessage().contains("truncated"), e.getMessage());
        e = refused(Arrays.copyOf(good, 7), "short.npy");
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        byte[] bad = good.clone();
        bad[1] = 'X';
        e = refused(bad, "magic.npy");
        assertTrue(e.getMessage().contains("magic.npy") && e.getMessage().contains("\\x93NUMPY"), e.getMessage());

        e = refused(handWritten("|O", "(2,)", new byte[16]), "obj.npy");
        assertTrue(e.getMessage().contains("object array"), e.getMessage());

        String fortran = new String(handWritten("<f4", "(2,)", new byte[0]), StandardCharsets.ISO_8859_1)
                .replace("False", "True ");
        e = refused(fortran.getBytes(StandardCharsets.ISO_8859_1), "f.npy");
        assertTrue(e.getMessage().contains("Fortran") && e.getMessage().contains("C order"), e.getMessage());

        e = refused(handWritten("<c8", "(1,)", new byte[8]), "complex.npy");
        assertTrue(e.getMessage().contains("unsupported dtype '<c8'") && e.getMessage().contains("float32"), e.getMessage());

        e = refused(handWritten("<f4", "(1,)", new byte[8]), "long.npy");
        assertTrue(e.getMessage().contains("trailing bytes"), e.getMessage());

        byte[] v9 = good.clone();
        v9[6] = 9;
        assertTrue(refused(v9, "v9.npy").getMessage().contains("version 9.0"));

        // wrong dtype asked by the caller
        Path p = dir.resolve("ints.npy");
        Npy.write(p, Npy.Array.of(new int[] {1, 2}, 2));
        e = assertThrows(DataException.class, () -> Npy.read(p).floats());
        assertTrue(e.getMessage().contains("ints.npy") && e.getMessage().contains("expected dtype float32, found int32"), e.getMessage());
        e = assertThrows(DataException.class, () -> Npy.read(p).requireShape(-1, 4608));
        assertTrue(e.getMessage().contains("expected shape [*, 4608]"), e.getMessage());

        Path missing = dir.resolve("nope.npy");
        e = assertThrows(DataException.class, () -> Npy.read(missing));
        assertEquals(missing, e.file());
        Files.writeString(dir.resolve("x"), "");
    }
}
