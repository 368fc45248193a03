package org.spikekit.data.format;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spikekit.data.DataException;
import org.spikekit.io.AtomicFiles;

/**
 * NumPy {@code .npy} files, format versions 1.0, 2.0 and 3.0 (the NumPy "format" module
 * specification, {@code numpy/lib/format.py}): the magic {@code \x93NUMPY}, major/minor version,
 * a little-endian header length (2 bytes in 1.0, 4 bytes in 2.0/3.0), an ASCII (3.0: UTF-8)
 * Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }} padded
 * with spaces to a multiple of 64 bytes and ending in a newline, then the raw array data.
 *
 * <p>Supported element types: {@link DType}: float32, float64, float16, int16, int32, int64, uint8, in
 * little ({@code <}), big ({@code >}) or not-applicable ({@code |}, one-byte types) byte order.
 * Only C (row-major) order is read; a Fortran-ordered array, an object array ({@code |O},
 * e.g. the pickled dicts of {@code SpikingDataset}) or a structured dtype is refused with a
 * {@link DataException} that names the file and what was expected. A file shorter than its
 * header announces is refused as truncated; trailing bytes after the data are refused too.
 *
 * <p>Writing ({@link #write(Path, Array)}) uses version 1.0 (2.0 when the header does not fit
 * 65535 bytes), little-endian unless asked otherwise, and is atomic: a temporary file in the same
 * folder is renamed over the target when complete.
 */
public final class Npy {
    private Npy() {}

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Element types the kit reads and writes, with their NumPy type code (kind + size). */
    public enum DType {
        FLOAT32("f4", 4), FLOAT64("f8", 8), FLOAT16("f2", 2), INT16("i2", 2), INT32("i4", 4), INT64("i8", 8), UINT8("u1", 1);

        final String code;
        final int size;

        DType(String code, int size) {
            this.code = code;
            this.size = size;
        }

        /** NumPy's name, e.g. {@code float32}. */
        public String numpyName() {
            return switch (this) {
                case FLOAT32 -> "float32";
                case FLOAT64 -> "float64";
                case FLOAT16 -> "float16";
                case INT16 -> "int16";
                case INT32 -> "int32";
                case INT64 -> "int64";
                case UINT8 -> "uint8";
            };
        }

        public int size() { return size; }

        static DType ofCode(String code) {
            for (DType d : values()) if (d.code.equals(code)) return d;
            return null;
        }
    }

    /**
     * An array read from or to be written to a {@code .npy} file: element type, shape (C order)
     * and the elements in a primitive Java array matching the type ({@code float[]},
     * {@code double[]}, {@code short[]}, {@code int[]}, {@code long[]}, or {@code byte[]} for
     * uint8, whose values are read unsigned with {@code b & 0xFF}; float16 elements are kept as
     * their IEEE binary16 bit patterns in a {@code short[]}).
     *
     * @param source where the array came from, for messages (a file path or a description)
     */
    public record Array(DType dtype, int[] shape, Object data, String source) {
        public Array {
            shape = shape.clone();
            long n = 1;
            for (int s : shape) {
                if (s < 0) throw new IllegalArgumentException(source + ": negative dimension in shape " + Arrays.toString(shape));
                n *= s;
            }
            int len = switch (dtype) {
                case FLOAT32 -> data instanceof float[] a ? a.length : -1;
                case FLOAT64 -> data instanceof double[] a ? a.length : -1;
                case INT16, FLOAT16 -> data instanceof short[] a ? a.length : -1;
                case INT32 -> data instanceof int[] a ? a.length : -1;
                case INT64 -> data instanceof long[] a ? a.length : -1;
                case UINT8 -> data instanceof byte[] a ? a.length : -1;
            };
            if (len < 0) {
                throw new IllegalArgumentException(source + ": dtype " + dtype.numpyName() + " needs a "
                        + javaType(dtype) + " array, got " + (data == null ? "null" : data.getClass().getSimpleName()));
            }
            if (len != n) {
                throw new IllegalArgumentException(source + ": shape " + Arrays.toString(shape) + " has " + n
                        + " elements but the data holds " + len);
            }
        }

        public static Array of(float[] data, int... shape) { return new Array(DType.FLOAT32, shape, data, "float32 array"); }

        public static Array of(double[] data, int... shape) { return new Array(DType.FLOAT64, shape, data, "float64 array"); }

        public static Array of(short[] data, int... shape) { return new Array(DType.INT16, shape, data, "int16 array"); }

        public static Array of(int[] data, int... shape) { return new Array(DType.INT32, shape, data, "int32 array"); }

        public static Array of(long[] data, int... shape) { return new Array(DType.INT64, shape, data, "int64 array"); }

        /** A float16 array from its IEEE binary16 bit patterns. */
        public static Array ofFloat16(short[] bits, int... shape) { return new Array(DType.FLOAT16, shape, bits, "float16 array"); }

        /** A uint8 array (values 0..255 stored in Java bytes). */
        public static Array ofUint8(byte[] data, int... shape) { return new Array(DType.UINT8, shape, data, "uint8 array"); }

        @Override
        public int[] shape() { return shape.clone(); }

        public int ndim() { return shape.length; }

        public long size() {
            long n = 1;
            for (int s : shape) n *= s;
            return n;
        }

        /** The float32 elements; a {@link DataException} naming the source if the array is another type. */
        public float[] floats() { return (float[]) expect(DType.FLOAT32); }

        public double[] doubles() { return (double[]) expect(DType.FLOAT64); }

        public short[] shorts() { return (short[]) expect(DType.INT16); }

        /** The IEEE binary16 bit patterns of a float16 array. */
        public short[] float16Bits() { return (short[]) expect(DType.FLOAT16); }

        /** A float16 array's values widened (exactly) to float. */
        public float[] float16AsFloats() {
            short[] b = float16Bits();
            float[] out = new float[b.length];
            for (int i = 0; i < b.length; i++) out[i] = Float.float16ToFloat(b[i]);
            return out;
        }

        public int[] ints() { return (int[]) expect(DType.INT32); }

        public long[] longs() { return (long[]) expect(DType.INT64); }

        /** The uint8 elements as Java bytes (read unsigned: {@code b & 0xFF}). */
        public byte[] uint8() { return (byte[]) expect(DType.UINT8); }

        /** Integer labels of any integer type (int16, int32, int64 within int range, uint8) as {@code int[]}. */
        public int[] asInts() {
            int n = Math.toIntExact(size());
            int[] out = new int[n];
            switch (dtype) {
                case INT16 -> { short[] a = (short[]) data; for (int i = 0; i < n; i++) out[i] = a[i]; }
                case INT32 -> System.arraycopy(data, 0, out, 0, n);
                case UINT8 -> { byte[] a = (byte[]) data; for (int i = 0; i < n; i++) out[i] = a[i] & 0xFF; }
                case INT64 -> {
                    long[] a = (long[]) data;
                    for (int i = 0; i < n; i++) {
                        if (a[i] != (int) a[i]) throw new DataException(null, source + ": element " + i + " = " + a[i] + " does not fit an int");
                        out[i] = (int) a[i];
                    }
                }
                default -> throw new DataException(null, source + ": expected an integer array (int16, int32, int64 or uint8), found "
                        + dtype.numpyName());
            }
            return out;
        }

        /** Throws unless the shape is {@code expected} ({@code -1} = any length on that axis). */
        public Array requireShape(int... expected) {
            boolean ok = expected.length == shape.length;
            for (int i = 0; ok && i < expected.length; i++) ok = expected[i] < 0 || expected[i] == shape[i];
            if (!ok) {
                throw new DataException(null, source + ": expected shape " + Arrays.toString(expected).replace("-1", "*")
                        + ", found " + Arrays.toString(shape));
            }
            return this;
        }

        private Object expect(DType want) {
            if (dtype != want) {
                throw new DataException(null, source + ": expected dtype " + want.numpyName() + ", found " + dtype.numpyName());
            }
            return data;
        }
    }

    private static String javaType(DType d) {
        return switch (d) {
            case FLOAT32 -> "float[]";
            case FLOAT64 -> "double[]";
            case INT16 -> "short[]";
            case FLOAT16 -> "short[] (IEEE binary16 bit patterns)";
            case INT32 -> "int[]";
            case INT64 -> "long[]";
            case UINT8 -> "byte[]";
        };
    }

    // ================================================================== reading

    /** Reads a {@code .npy} file; every error is a {@link DataException} naming the file. */
    public static Array read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), file);
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot read .npy file: " + e.getMessage(), e);
        }
    }

    /** Reads an array from a stream; {@code name} names it in messages. */
    public static Array read(InputStream in, String name) {
        try {
            return read(in, name, null);
        } catch (IOException e) {
            throw new DataException(null, name + ": cannot read .npy data: " + e.getMessage(), e);
        }
    }

    /** The parsed header. */
    record Header(DType dtype, ByteOrder order, boolean fortran, int[] shape, int major) {}

    private static Array read(InputStream in, String name, Path file) throws IOException {
        byte[] pre = readN(in, 8, name, file, "the 8-byte preamble (magic \\x93NUMPY + version)");
        for (int i = 0; i < 6; i++) {
            if (pre[i] != MAGIC[i]) {
                throw new DataException(file, name + ": not a .npy file: expected the magic bytes \\x93NUMPY at offset 0, found "
                        + hex(pre, 6));
            }
        }
        int major = pre[6] & 0xFF, minor = pre[7] & 0xFF;
        int hlen;
        if (major == 1) {
            byte[] l = readN(in, 2, name, file, "the header length");
            hlen = (l[0] & 0xFF) | (l[1] & 0xFF) << 8;
        } else if (major == 2 || major == 3) {
            byte[] l = readN(in, 4, name, file, "the header length");
            long v = (l[0] & 0xFFL) | (l[1] & 0xFFL) << 8 | (l[2] & 0xFFL) << 16 | (l[3] & 0xFFL) << 24;
            if (v > 1 << 24) throw new DataException(file, name + ": implausible .npy header length " + v);
            hlen = (int) v;
        } else {
            throw new DataException(file, name + ": unsupported .npy format version " + major + "." + minor
                    + " (expected 1.0, 2.0 or 3.0)");
        }
        byte[] hb = readN(in, hlen, name, file, "the " + hlen + "-byte header");
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(header, name, file, major);
        long count = 1;
        for (int s : h.shape) count = Math.multiplyExact(count, (long) s);
        long bytes = count * h.dtype.size;
        if (count > Integer.MAX_VALUE - 8) {
            throw new DataException(file, name + ": " + count + " elements do not fit one Java array (at most " + (Integer.MAX_VALUE - 8) + ")");
        }
        Object data = readData(in, h.dtype, h.order, (int) count, name, file, bytes);
        if (in.read() != -1) {
            throw new DataException(file, name + ": trailing bytes after the " + bytes + " data bytes that shape "
                    + Arrays.toString(h.shape) + " of " + h.dtype.numpyName() + " announces");
        }
        return new Array(h.dtype, h.shape, data, name);
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*('([^']*)'|\\[)");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    static Header parseHeader(String header, String name, Path file, int major) {
        String h = header.strip();
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw new DataException(file, name + ": .npy header is not a Python dict literal: " + abbreviate(h));
        }
        Matcher d = DESCR.matcher(h);
        if (!d.find()) throw new DataException(file, name + ": .npy header has no 'descr' entry: " + abbreviate(h));
        if (d.group(2) == null) {
            throw new DataException(file, name + ": structured dtype (a list 'descr') is not supported; expected one of "
                    + supported() + " in C order");
        }
        String descr = d.group(2);
        Matcher f = FORTRAN.matcher(h);
        if (!f.find()) throw new DataException(file, name + ": .npy header has no 'fortran_order' entry: " + abbreviate(h));
        Matcher s = SHAPE.matcher(h);
        if (!s.find()) throw new DataException(file, name + ": .npy header has no 'shape' tuple: " + abbreviate(h));
        if (descr.length() < 2) throw new DataException(file, name + ": bad dtype descr '" + descr + "'");
        char bo = descr.charAt(0);
        String code = descr.substring(1);
        if (code.startsWith("O")) {
            throw new DataException(file, name + ": object array (dtype '" + descr + "', pickled Python objects) cannot be read;"
                    + " expected a numeric array of " + supported() + " (e.g. SpikingDataset pickles must be exported as dense arrays)");
        }
        DType dt = DType.ofCode(code);
        if (dt == null || "<>|=".indexOf(bo) < 0) {
            throw new DataException(file, name + ": unsupported dtype '" + descr + "'; expected one of " + supported());
        }
        ByteOrder order = switch (bo) {
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> ByteOrder.LITTLE_ENDIAN;
        };
        if (bo == '|' && dt.size != 1) {
            throw new DataException(file, name + ": dtype '" + descr + "' has no byte order but is " + dt.size + " bytes wide");
        }
        if (f.group(1).equals("True")) {
            throw new DataException(file, name + ": Fortran-ordered (column-major) array; expected C order (fortran_order False)."
                    + " Save it with numpy.ascontiguousarray(a) first");
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            if (p.endsWith("L")) p = p.substring(0, p.length() - 1);
            try {
                long v = Long.parseLong(p);
                if (v < 0 || v > Integer.MAX_VALUE) throw new NumberFormatException();
                dims.add((int) v);
            } catch (NumberFormatException e) {
                throw new DataException(file, name + ": bad dimension '" + part.strip() + "' in shape (" + s.group(1) + ")");
            }
        }
        return new Header(dt, order, false, dims.stream().mapToInt(Integer::intValue).toArray(), major);
    }

    private static String supported() {
        List<String> out = new ArrayList<>();
        for (DType d : DType.values()) out.add(d.numpyName());
        return String.join(", ", out);
    }

    private static Object readData(InputStream in, DType dt, ByteOrder order, int count, String name, Path file, long bytes)
            throws IOException {
        byte[] chunk = new byte[1 << 16];
        ByteBuffer bb = ByteBuffer.wrap(chunk).order(order);
        Object out = switch (dt) {
            case FLOAT32 -> new float[count];
            case FLOAT64 -> new double[count];
            case INT16, FLOAT16 -> new short[count];
            case INT32 -> new int[count];
            case INT64 -> new long[count];
            case UINT8 -> new byte[count];
        };
        int per = chunk.length / dt.size;
        long done = 0;
        for (int at = 0; at < count; ) {
            int k = Math.min(per, count - at);
            int nb = k * dt.size;
            int got = in.readNBytes(chunk, 0, nb);
            if (got < nb) {
                throw new DataException(file, name + ": truncated: shape announces " + bytes + " data bytes of "
                        + dt.numpyName() + ", found only " + (done + got));
            }
            done += got;
            bb.clear();
            switch (dt) {
                case FLOAT32 -> bb.asFloatBuffer().get((float[]) out, at, k);
                case FLOAT64 -> bb.asDoubleBuffer().get((double[]) out, at, k);
                case INT16, FLOAT16 -> bb.asShortBuffer().get((short[]) out, at, k);
                case INT32 -> bb.asIntBuffer().get((int[]) out, at, k);
                case INT64 -> bb.asLongBuffer().get((long[]) out, at, k);
                case UINT8 -> System.arraycopy(chunk, 0, out, at, k);
            }
            at += k;
        }
        return out;
    }

    private static byte[] readN(InputStream in, int n, String name, Path file, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new DataException(file, name + ": truncated: the file ends inside " + what + " (" + b.length + " of " + n + " bytes)",
                    new EOFException());
        }
        return b;
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n && i < b.length; i++) sb.append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    // ================================================================== writing

    /** Writes {@code a} little-endian to {@code file} atomically (temporary file, then rename). */
    public static void write(Path file, Array a) {
        write(file, a, ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes {@code a} with the given byte order to {@code file} atomically. */
    public static void write(Path file, Array a, ByteOrder order) {
        try {
            AtomicFiles.write(file, out -> write(out, a, order));
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot write .npy file: " + e.getMessage(), e);
        }
    }

    /** Writes the whole {@code .npy} byte stream of {@code a} to {@code out}. */
    public static void write(OutputStream out, Array a, ByteOrder order) throws IOException {
        out.write(headerBytes(a.dtype(), a.shape(), order));
        byte[] chunk = new byte[1 << 16];
        ByteBuffer bb = ByteBuffer.wrap(chunk).order(order);
        int size = a.dtype().size;
        int per = chunk.length / size;
        int count = Math.toIntExact(a.size());
        Object data = a.data();
        for (int at = 0; at < count; ) {
            int k = Math.min(per, count - at);
            bb.clear();
            switch (a.dtype()) {
                case FLOAT32 -> bb.asFloatBuffer().put((float[]) data, at, k);
                case FLOAT64 -> bb.asDoubleBuffer().put((double[]) data, at, k);
                case INT16, FLOAT16 -> bb.asShortBuffer().put((short[]) data, at, k);
                case INT32 -> bb.asIntBuffer().put((int[]) data, at, k);
                case INT64 -> bb.asLongBuffer().put((long[]) data, at, k);
                case UINT8 -> System.arraycopy(data, at, chunk, 0, k);
            }
            out.write(chunk, 0, k * size);
            at += k;
        }
    }

    /** Magic, version, header length and the padded header dict (total a multiple of 64 bytes). */
    static byte[] headerBytes(DType dt, int[] shape, ByteOrder order) {
        char bo = dt.size == 1 ? '|' : order == ByteOrder.BIG_ENDIAN ? '>' : '<';
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sh.append(", ");
            sh.append(shape[i]);
        }
        if (shape.length == 1) sh.append(',');
        sh.append(')');
        String dict = "{'descr': '" + bo + dt.code + "', 'fortran_order': False, 'shape': " + sh + ", }";
        int major = dict.length() + 1 + 10 > 65535 ? 2 : 1;
        int pre = major == 1 ? 10 : 12;
        int total = pre + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream(pre + header.length());
        b.writeBytes(MAGIC);
        b.write(major);
        b.write(0);
        int hl = header.length();
        b.write(hl & 0xFF);
        b.write((hl >> 8) & 0xFF);
        if (major == 2) {
            b.write((hl >> 16) & 0xFF);
            b.write((hl >> 24) & 0xFF);
        }
        b.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        return b.toByteArray();
    }
}
