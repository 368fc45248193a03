package org.spikekit.data.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataException;

/**
 * {@link TorchCheckpoint}: files written by PyTorch 1.13 (fixtures of
 * {@code src/test/resources/org/spikekit/data/torch/}, made by {@code make_fixtures.py} there; the
 * expected values are the formulas of that script, recomputed here) and hand-made archives for the
 * error paths. The released tinyRSNN checkpoints are read by {@code ReleasedTinyRsnnParityTest}.
 */
class TorchCheckpointTest {

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(TorchCheckpointTest.class.getResource("torch/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource org/spikekit/data/torch/" + name + " missing", e);
        }
    }

    // ---- files written by PyTorch -----------------------------------------------------------------

    @Test
    void readsEveryDtypeWrittenByTorch() {
        for (String f : List.of("dtypes.pth", "proto4.pth")) {   // protocol 2 and protocol 4 pickles
            TorchCheckpoint ck = TorchCheckpoint.read(fixture(f));
            assertEquals(List.of("f32", "f64", "f16", "bf16", "i64", "i32", "i16", "i8", "u8", "bool", "scalar"), ck.keys(), f);
            assertEquals(3, ck.formatVersion());

            TorchCheckpoint.Entry f32 = ck.get("f32");
            assertEquals(TorchCheckpoint.DType.FLOAT32, f32.dtype());
            assertArrayEquals(new int[] {2, 3}, f32.shape());
            float[] v = f32.floats();
            for (int i = 0; i < 6; i++) assertEquals(i / 4f - 1, v[i], 0f);

            double[] d = ck.get("f64").doubles();
            assertEquals(TorchCheckpoint.DType.FLOAT64, ck.get("f64").dtype());
            for (int i = 0; i < 3; i++) assertEquals(i / 3.0, d[i], 0.0);

            TorchCheckpoint.Entry f16 = ck.get("f16");
            assertEquals(TorchCheckpoint.DType.FLOAT16, f16.dtype());
            assertArrayEquals(new int[] {2, 3}, f16.shape());
            double[] src = {-0.5, 0.25, Math.pow(2, -20), 65504.0, -0.0, 1 / 3.0};
            float[] h = f16.floats();
            short[] bits = f16.float16Bits();
            for (int i = 0; i < src.length; i++) {
                short want = Float.floatToFloat16((float) src[i]);
                assertEquals(want, bits[i], "f16 bits " + i);
                assertEquals(Float.floatToRawIntBits(Float.float16ToFloat(want)), Float.floatToRawIntBits(h[i]), "f16 " + i);
            }
            assertTrue(Float.floatToRawIntBits(h[4]) == Float.floatToRawIntBits(-0f), "negative zero kept");

            float[] bf = ck.get("bf16").floats();
            float[] bfSrc = {1.5f, -0.25f, (float) (1 / 3.0)};
            for (int i = 0; i < 3; i++) assertEquals(bf16(bfSrc[i]), bf[i], 0f, "bf16 " + i);

            assertArrayEquals(new long[] {-(1L << 40), -1, 0, 7}, ck.get("i64").longs());
            assertArrayEquals(new long[] {0, -3, -6, -9}, ck.get("i32").longs());
            assertArrayEquals(new long[] {-300, 300}, ck.get("i16").longs());
            assertArrayEquals(new long[] {-128, 127}, ck.get("i8").longs());
            assertArrayEquals(new long[] {0, 255, 9}, ck.get("u8").longs());
            assertEquals(TorchCheckpoint.DType.BOOL, ck.get("bool").dtype());
            assertArrayEquals(new long[] {1, 0, 0, 1, 1}, ck.get("bool").longs());

            TorchCheckpoint.Entry s = ck.get("scalar");
            assertEquals(0, s.shape().length);
            assertEquals(1, s.numel());
            assertArrayEquals(new float[] {2.5f}, s.floats());

            DataException wrongType = assertThrows(DataException.class, () -> ck.get("i64").floats());
            assertTrue(wrongType.getMessage().contains("'i64' is INT64"), wrongType.getMessage());
            assertThrows(DataException.class, () -> ck.get("f32").longs());
            DataException missing = assertThrows(DataException.class, () -> ck.get("nope"));
            assertTrue(missing.getMessage().contains("no tensor 'nope'"), missing.getMessage());
        }
    }

    /** Round to nearest even bfloat16, from the float32 bits. */
    static float bf16(float x) {
        int b = Float.floatToRawIntBits(x);
        int r = (b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000;
        return Float.intBitsToFloat(r);
    }

    @Test
    void viewsOfOneStorageAreMaterialisedAndAliasesFound() {
        TorchCheckpoint ck = TorchCheckpoint.read(fixture("views.pth"));
        float[][] base = new float[3][4];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) base[r][c] = 4 * r + c;

        TorchCheckpoint.Entry t = ck.get("t");
        assertArrayEquals(new int[] {4, 3}, t.shape());
        assertArrayEquals(new long[] {1, 4}, t.stride());
        assertFalse(t.contiguous());
        assertTrue(ck.get("base").contiguous());
        float[] tv = t.floats();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) assertEquals(base[j][i], tv[i * 3 + j], 0f);

        assertEquals(4, ck.get("row").storageOffset());
        assertArrayEquals(base[1], ck.get("row").floats(), 0f);
        float[] col = ck.get("col").floats();
        for (int r = 0; r < 3; r++) assertEquals(base[r][2], col[r], 0f);
        assertArrayEquals(new long[] {8, 2}, ck.get("stepped").stride());
        assertArrayEquals(new float[] {base[0][1], base[0][3], base[2][1], base[2][3]}, ck.get("stepped").floats(), 0f);

        // the views share the storage of "base"; "alias" is the same view; "copy" has its own storage
        for (String k : List.of("t", "row", "col", "stepped", "alias")) {
            assertEquals(ck.get("base").storage().key(), ck.get(k).storage().key(), k);
        }
        assertTrue(ck.get("alias").sameView(ck.get("base")));
        assertFalse(ck.get("t").sameView(ck.get("base")));
        assertFalse(ck.get("copy").sameView(ck.get("base")));
        assertArrayEquals(ck.get("base").floats(), ck.get("copy").floats(), 0f);
        assertEquals(Map.of("alias", "base"), ck.aliases());
    }

    @Test
    void parametersKeepTheirFlags() {
        TorchCheckpoint ck = TorchCheckpoint.read(fixture("params.pth"));
        assertEquals(List.of("weight", "bias", "frozen"), ck.keys());
        TorchCheckpoint.Entry w = ck.get("weight");
        assertTrue(w.parameter());
        assertTrue(w.requiresGrad());
        assertArrayEquals(new int[] {2, 3}, w.shape());
        float[] v = w.floats();
        for (int o = 0; o < 2; o++) for (int i = 0; i < 3; i++) assertEquals(o - i / 4f, v[o * 3 + i], 0f);
        assertArrayEquals(new float[] {0f, 0.5f}, ck.get("bias").floats(), 0f);
        assertTrue(ck.get("frozen").parameter());
        assertFalse(ck.get("frozen").requiresGrad());
    }

    // ---- error paths --------------------------------------------------------------------------------

    @Test
    void refusesFilesThatAreNotZipCheckpoints() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.pth"), "hello, not a checkpoint");
        assertMessage(() -> TorchCheckpoint.read(text), "notes.pth", "not a PyTorch zip checkpoint");

        assertMessage(() -> TorchCheckpoint.read(fixture("legacy.pth")), "legacy.pth", "legacy (non-zip) torch.save format");

        Path noPkl = zip("nopkl.pth", Map.of("a/data/0", new byte[4]));
        assertMessage(() -> TorchCheckpoint.read(noPkl), "nopkl.pth", "without '<name>/data.pkl'");

        Path absent = tmp.resolve("absent.pth");
        assertMessage(() -> TorchCheckpoint.read(absent), "absent.pth", "no such file");

        byte[] good = Files.readAllBytes(fixture("views.pth"));
        Path cut = Files.write(tmp.resolve("cut.pth"), java.util.Arrays.copyOf(good, good.length / 2));
        assertMessage(() -> TorchCheckpoint.read(cut), "cut.pth", "not a readable zip archive");
    }

    @Test
    void handMadeArchiveReads() throws IOException {
        Path ok = archive("ok.pth", tensorDict("w", "FloatStorage", 4, 0, new long[] {2, 2}, new long[] {2, 1}), floats(1, 2, 3, 4), "little");
        TorchCheckpoint ck = TorchCheckpoint.read(ok);
        assertEquals(List.of("w"), ck.keys());
        assertArrayEquals(new float[] {1, 2, 3, 4}, ck.get("w").floats(), 0f);
        assertEquals("ok", ck.archiveName());
        // a transposed view of the same bytes
        Path tr = archive("tr.pth", tensorDict("w", "FloatStorage", 4, 0, new long[] {2, 2}, new long[] {1, 2}), floats(1, 2, 3, 4), "little");
        assertArrayEquals(new float[] {1, 3, 2, 4}, TorchCheckpoint.read(tr).get("w").floats(), 0f);
    }

    @Test
    void refusesUnknownGlobalsAndOpcodes() throws IOException {
        Pickle evil = new Pickle().proto().global("os", "system").str("echo hi").tuple1().reduce().stop();
        Path p1 = archive("evil.pth", evil, new byte[0], "little");
        assertMessage(() -> TorchCheckpoint.read(p1), "evil.pth", "evil/data.pkl", "refusing global 'os.system'");

        Pickle numpy = new Pickle().proto().global("numpy.core.multiarray", "_reconstruct").stop();
        Path p2 = archive("np.pth", numpy, new byte[0], "little");
        assertMessage(() -> TorchCheckpoint.read(p2), "refusing global 'numpy.core.multiarray._reconstruct'");

        Pickle newobj = new Pickle().proto().op(0x81).stop();   // NEWOBJ
        Path p3 = archive("op.pth", newobj, new byte[0], "little");
        assertMessage(() -> TorchCheckpoint.read(p3), "op.pth", "unsupported pickle opcode 0x81", "at byte 2");

        Pickle noStop = new Pickle().proto().global("collections", "OrderedDict").emptyTuple().reduce();
        Path p4 = archive("nostop.pth", noStop, new byte[16], "little");
        assertMessage(() -> TorchCheckpoint.read(p4), "truncated pickle");

        // a storage class where a callable is expected is not executed either
        Pickle callStorage = new Pickle().proto().global("torch", "FloatStorage").emptyTuple().reduce().stop();
        Path p5 = archive("cs.pth", callStorage, new byte[0], "little");
        assertMessage(() -> TorchCheckpoint.read(p5), "global torch.FloatStorage cannot be called");
    }

    @Test
    void refusesBadStoragesAndValues() throws IOException {
        Pickle four = tensorDict("w", "FloatStorage", 4, 0, new long[] {4}, new long[] {1});
        Path shortData = archive("short.pth", four, new byte[12], "little");
        assertMessage(() -> TorchCheckpoint.read(shortData), "short.pth", "short/data/0", "has 12 bytes", "needs 16", "truncated");

        Path big = archive("big.pth", four, new byte[16], "big");
        assertMessage(() -> TorchCheckpoint.read(big), "big.pth", "byteorder", "'big'", "little-endian");

        Path noData = archive("nodata.pth", four, null, "little");
        assertMessage(() -> TorchCheckpoint.read(noData), "storage '0' of tensor 'w' is missing");

        Pickle past = tensorDict("w", "FloatStorage", 4, 2, new long[] {3}, new long[] {1});
        Path p = archive("past.pth", past, new byte[16], "little");
        assertMessage(() -> TorchCheckpoint.read(p), "tensor 'w'", "reaches element 4", "has 4");

        Pickle unknownType = tensorDict("w", "ComplexFloatStorage", 4, 0, new long[] {4}, new long[] {1});
        Path ct = archive("complex.pth", unknownType, new byte[32], "little");
        assertMessage(() -> TorchCheckpoint.read(ct), "refusing global 'torch.ComplexFloatStorage'");

        Pickle epoch = new Pickle().proto().emptyDict().str("epoch").int1(3).setitem().stop();
        Path e = archive("epoch.pth", epoch, null, "little");
        assertMessage(() -> TorchCheckpoint.read(e), "value of key 'epoch' is a int, not a tensor");

        Pickle list = new Pickle().proto().emptyList().stop();
        Path l = archive("list.pth", list, null, "little");
        assertMessage(() -> TorchCheckpoint.read(l), "holds a list, not a dict of tensors");

        Path v9 = archive("v9.pth", four, new byte[16], "little", "9");
        assertMessage(() -> TorchCheckpoint.read(v9), "version' is 9");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        DataException e = assertThrows(DataException.class, call);
        for (String s : parts) assertTrue(e.getMessage().contains(s), "message lacks '" + s + "': " + e.getMessage());
    }

    static byte[] floats(float... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    /** {@code OrderedDict([(key, _rebuild_tensor_v2(storage '0', offset, size, stride, False, OrderedDict()))])}. */
    static Pickle tensorDict(String key, String storageClass, long numel, long offset, long[] size, long[] stride) {
        Pickle p = new Pickle().proto().global("collections", "OrderedDict").emptyTuple().reduce().mark();
        p.str(key).global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", storageClass).str("0").str("cpu").int1((int) numel).tuple().binpersid()
                .int1((int) offset).intTuple(size).intTuple(stride).op(0x89)
                .global("collections", "OrderedDict").emptyTuple().reduce()
                .tuple().reduce();
        return p.setitems().stop();
    }

    Path archive(String name, Pickle pkl, byte[] storage0, String byteorder) throws IOException {
        return archive(name, pkl, storage0, byteorder, "3");
    }

    Path archive(String name, Pickle pkl, byte[] storage0, String byteorder, String version) throws IOException {
        String stem = name.substring(0, name.indexOf('.'));
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put(stem + "/data.pkl", pkl.bytes.toByteArray());
        e.put(stem + "/byteorder", byteorder.getBytes(StandardCharsets.US_ASCII));
        if (storage0 != null) e.put(stem + "/data/0", storage0);
        e.put(stem + "/version", (version + "\n").getBytes(StandardCharsets.US_ASCII));
        return zip(name, e);
    }

    Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path f = tmp.resolve(name);
        try (OutputStream os = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(os)) {
            for (var kv : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(kv.getKey()));
                z.write(kv.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    /** Hand-written pickle bytes (protocol 2 opcodes). */
    static final class Pickle {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Pickle op(int b) { bytes.write(b); return this; }
        Pickle proto() { return op(0x80).op(2); }
        Pickle stop() { return op('.'); }
        Pickle mark() { return op('('); }
        Pickle tuple() { return op('t'); }
        Pickle tuple1() { return op(0x85); }
        Pickle emptyTuple() { return op(')'); }
        Pickle emptyDict() { return op('}'); }
        Pickle emptyList() { return op(']'); }
        Pickle reduce() { return op('R'); }
        Pickle setitem() { return op('s'); }
        Pickle setitems() { return op('u'); }
        Pickle binpersid() { return op('Q'); }
        Pickle int1(int v) { return op('K').op(v); }

        Pickle str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            for (int i = 0; i < 4; i++) op((u.length >>> (8 * i)) & 0xff);
            bytes.writeBytes(u);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            bytes.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle intTuple(long[] v) {
            mark();
            for (long x : v) int1((int) x);
            return tuple();
        }
    }
}
