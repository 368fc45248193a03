package org.spikekit.data.reaching;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spikekit.data.format.Hdf5Files;
import org.spikekit.data.format.hdf5.Hdf5Writer;

/**
 * Reads and writes one session of O'Doherty et al. (2017) in the file layout of the Zenodo record
 * 583331: a MATLAB v7.3 MAT-file, i.e. HDF5 with a 512-byte user block holding the MATLAB header.
 *
 * <p>Root datasets, with shapes as HDF5 / h5py / jhdf show them (MATLAB's arrays appear
 * transposed):
 * <ul>
 *   <li>{@code t}: float64 {@code 1 × k} in the real files (MATLAB column vector); {@code k × 1} is
 *       accepted too. Seconds, strictly increasing, finite.
 *   <li>{@code cursor_pos}, {@code target_pos}: float64 {@code 2 × k}, finite.
 *   <li>{@code finger_pos}: float64 {@code 3 × k} or {@code 6 × k}, finite; optional.
 *   <li>{@code chan_names}: object references, {@code 1 × n} (or {@code n × 1}), each to a uint16
 *       MATLAB char array.
 *   <li>{@code spikes}: object references {@code u × n} (unit slots × channels), each to a float64
 *       vector of spike times in seconds (finite). An empty cell is MATLAB's empty array: the
 *       2-element uint64 array [0, 0] (its dimensions) with attribute {@code MATLAB_empty} = 1; a
 *       2-element float64 [0, 0] and a zero-size array are also read as "no spikes".
 *   <li>{@code wf}: waveforms, ignored.
 *   <li>{@code spikekit_generator}: char array, written by SpikeKit for synthetic sessions only.
 * </ul>
 * Referenced arrays live in the group {@code #refs#}; arrays carry the {@code MATLAB_class}
 * attribute ("double", "char", "cell"), char arrays also {@code MATLAB_int_decode} = 2. The session
 * name is the file name without {@code .mat}.
 *
 * <p>{@link #read} refuses anything else with an {@link IOException} whose message names the file,
 * the field and what was expected.
 */
public final class ODohertyFile {
    private ODohertyFile() {}

    static final String GENERATOR = "spikekit_generator";

    // ================================================================== reading

    /** Reads a session; see the class comment for the layout and the checks. */
    public static ReachSession read(Path file) throws IOException {
        if (!Files.exists(file)) throw new IOException("O'Doherty file not found: " + file);
        if (!Files.isRegularFile(file)) throw new IOException("O'Doherty file is not a regular file: " + file);
        checkHdf5Container(file);
        String name = file.getFileName().toString().replaceFirst("\\.mat$", "");
        try (HdfFile h = new HdfFile(file)) {
            return new Reader(file, h).read(name);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot read as HDF5 (damaged file?): " + e.getMessage(), e);
        }
    }

    /**
     * Only the generator description of a SpikeKit synthetic session ({@code spikekit_generator}),
     * or "" when the file has none (real files); checks the container (signature, length) but not
     * the other fields. Cheap: used to decide whether a stand-in must be regenerated.
     */
    public static String readGenerator(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("O'Doherty file not found: " + file);
        checkHdf5Container(file);
        try (HdfFile h = new HdfFile(file)) {
            Reader r = new Reader(file, h);
            return r.child(GENERATOR) == null ? "" : r.chars(r.dataset(GENERATOR, true), GENERATOR);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot read as HDF5 (damaged file?): " + e.getMessage(), e);
        }
    }

    /** Finds the HDF5 signature (offset 0, 512, 1024, ...) and checks the file is as long as its superblock says. */
    private static void checkHdf5Container(Path file) throws IOException {
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file)) {
            for (long off = 0; off + 8 <= size; off = off == 0 ? 512 : off * 2) {
                ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(b, off);
                b.flip();
                if (b.remaining() < 8 || !Arrays.equals(Arrays.copyOf(b.array(), 8), HDF5_SIGNATURE)) continue;
                checkLength(file, size, off, b);
                return;
            }
        }
        String head;
        try (InputStream in = Files.newInputStream(file)) {
            head = new String(in.readNBytes(20), StandardCharsets.ISO_8859_1);
        }
        String hint = head.startsWith("MATLAB 5.0 MAT-file")
                ? " (it is a MATLAB v5 MAT-file; only v7.3 files are HDF5 — re-save with save -v7.3)"
                : " (expected a MATLAB v7.3 MAT-file, which is HDF5)";
        throw new IOException(file + ": not an HDF5 file: no HDF5 signature at offset 0, 512, 1024, ..." + hint);
    }

    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /**
     * True for a MATLAB file written by a kit version before the end of file address became
     * absolute: superblock at 512 whose end of file address is the file length − 512 (relative to
     * the base address). The kit reads such a file; libhdf5 does not read its last objects.
     */
    static boolean relativeEndOfFile(Path file) throws IOException {
        long size = Files.size(file);
        if (size <= 512 + 64) return false;
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b, 512 + b.position()) > 0) { /* fill */ }
            b.flip();
            if (b.remaining() < 8 || !Arrays.equals(Arrays.copyOf(b.array(), 8), HDF5_SIGNATURE)) return false;
            return Hdf5Files.endOfFile(b) == size - 512;
        }
    }

    /** The end of file address (absolute, see {@link Hdf5Files#endOfFile}) against the file's size. */
    private static void checkLength(Path file, long size, long off, ByteBuffer b) throws IOException {
        if (b.remaining() < 24) throw truncated(file, size, off + 64);
        long end = Hdf5Files.endOfFile(b);
        if (end > size) throw truncated(file, size, end);
    }

    private static IOException truncated(Path file, long size, long expected) {
        return new IOException(file + ": truncated HDF5 file: the superblock says it ends at byte " + expected
                + " but the file has " + size + " bytes (incomplete download?)");
    }

    /** Reads the fields of one open file; every message names the file and the field. */
    private static final class Reader {
        final Path file;
        final HdfFile h;

        Reader(Path file, HdfFile h) {
            this.file = file;
            this.h = h;
        }

        IOException err(String field, String what) {
            return new IOException(file + ": field '" + field + "': " + what);
        }

        ReachSession read(String name) throws IOException {
            Dataset tDs = dataset("t", true);
            int[] td = dims(tDs, "t", 2);
            if (td[0] != 1 && td[1] != 1) {
                throw err("t", "expected shape 1 × k (or k × 1), got " + shape(td));
            }
            double[] t = floats(tDs, "t");
            for (int i = 0; i < t.length; i++) {
                if (!Double.isFinite(t[i])) throw err("t", "expected finite times, got " + t[i] + " at index " + i);
                if (i > 0 && !(t[i] > t[i - 1])) {
                    throw err("t", "expected strictly increasing times, got t[" + (i - 1) + "] = " + t[i - 1]
                            + ", t[" + i + "] = " + t[i]);
                }
            }
            int k = t.length;
            double[][] cursor = matrix("cursor_pos", k, 2);
            double[][] target = matrix("target_pos", k, 2);
            double[][] finger = null;
            if (child("finger_pos") != null) finger = matrix("finger_pos", k, 3, 6);
            List<String> chans = channelNames();
            double[][][] spikes = spikes(chans.size());
            String generator = "";
            if (child(GENERATOR) != null) generator = chars(dataset(GENERATOR, true), GENERATOR);
            return new ReachSession(name, t, cursor, finger, target, chans, spikes, generator);
        }

        Node child(String name) {
            return h.getChildren().get(name);
        }

        Dataset dataset(String field, boolean required) throws IOException {
            Node n = child(field);
            if (n == null) {
                if (!required) return null;
                throw err(field, "missing (expected a root dataset '" + field + "')");
            }
            if (!(n instanceof Dataset d)) throw err(field, "expected a dataset, found a " + n.getType());
            return d;
        }

        int[] dims(Dataset d, String field, int rank) throws IOException {
            int[] dims = d.getDimensions();
            if (dims.length != rank) {
                throw err(field, "expected rank " + rank + ", got rank " + dims.length + " (shape " + shape(dims) + ")");
            }
            return dims;
        }

        double[] floats(Dataset d, String field) throws IOException {
            if (!(d.getDataType() instanceof FloatingPoint)) {
                throw err(field, "expected floating-point (float64) data, got " + typeName(d.getDataType()));
            }
            if (d.getSize() == 0) return new double[0];
            return toDoubles(d.getDataFlat());
        }

        double[][] matrix(String field, int k, int... rowsAllowed) throws IOException {
            Dataset d = dataset(field, true);
            int[] dims = dims(d, field, 2);
            boolean rowsOk = Arrays.stream(rowsAllowed).anyMatch(r -> r == dims[0]);
            if (!rowsOk || dims[1] != k) {
                String rows = Arrays.stream(rowsAllowed).mapToObj(Integer::toString)
                        .reduce((a, b) -> a + " or " + b).orElseThrow();
                throw err(field, "expected shape " + rows + " × k with k = " + k + " (length of t), got " + shape(dims));
            }
            double[] flat = floats(d, field);
            double[][] m = new double[dims[0]][k];
            for (int r = 0; r < dims[0]; r++) {
                for (int i = 0; i < k; i++) {
                    double v = flat[r * k + i];
                    if (!Double.isFinite(v)) {
                        throw err(field, "expected finite values, got " + v + " at row " + r + ", sample " + i);
                    }
                    m[r][i] = v;
                }
            }
            return m;
        }

        long[] references(Dataset d, String field) throws IOException {
            if (!(d.getDataType() instanceof Reference)) {
                throw err(field, "expected HDF5 object references (a MATLAB cell array), got " + typeName(d.getDataType()));
            }
            if (d.getSize() == 0) return new long[0];
            Object data = d.getDataFlat();
            long[] a = new long[Array.getLength(data)];
            for (int i = 0; i < a.length; i++) a[i] = ((Number) Array.get(data, i)).longValue();
            return a;
        }

        Dataset deref(long address, String where) throws IOException {
            Node n;
            try {
                n = h.getNodeByAddress(address);
            } catch (RuntimeException e) {
                throw err(where, "dangling object reference to address " + address + " (no object there: "
                        + e.getMessage() + ")");
            }
            if (!(n instanceof Dataset d)) {
                throw err(where, "object reference to address " + address + " is a " + n.getType() + ", expected a dataset");
            }
            return d;
        }

        List<String> channelNames() throws IOException {
            String f = "chan_names";
            Dataset d = dataset(f, true);
            int[] dims = dims(d, f, 2);
            if (dims[0] != 1 && dims[1] != 1) throw err(f, "expected shape 1 × n (or n × 1), got " + shape(dims));
            long[] refs = references(d, f);
            List<String> names = new ArrayList<>(refs.length);
            for (int i = 0; i < refs.length; i++) {
                String where = f + "[" + i + "]";
                names.add(chars(deref(refs[i], where), where));
            }
            return names;
        }

        String chars(Dataset d, String where) throws IOException {
            if (isMatlabEmpty(d)) return "";
            if (!(d.getDataType() instanceof FixedPoint fp) || fp.getSize() != 2 || fp.isSigned()) {
                throw err(where, "expected a MATLAB char array (uint16), got " + typeName(d.getDataType()));
            }
            if (d.getSize() == 0) return "";
            Object data = d.getDataFlat();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Array.getLength(data); i++) sb.append((char) ((Number) Array.get(data, i)).intValue());
            return sb.toString();
        }

        double[][][] spikes(int n) throws IOException {
            String f = "spikes";
            Dataset d = dataset(f, true);
            int[] dims = dims(d, f, 2);
            if (dims[1] != n || dims[0] < 1) {
                throw err(f, "expected shape u × n (unit slots × channels) with n = " + n
                        + " (length of chan_names), got " + shape(dims));
            }
            long[] refs = references(d, f);
            int u = dims[0];
            double[][][] s = new double[u][n][];
            for (int slot = 0; slot < u; slot++) {
                for (int c = 0; c < n; c++) {
                    String where = f + "[" + slot + "][" + c + "]";
                    s[slot][c] = spikeTimes(deref(refs[slot * n + c], where), where);
                }
            }
            return s;
        }

        double[] spikeTimes(Dataset d, String where) throws IOException {
            if (isMatlabEmpty(d) || d.getSize() == 0) return new double[0];
            int[] dims = d.getDimensions();
            DataType type = d.getDataType();
            if (type instanceof FixedPoint && d.getSize() == 2 && Arrays.equals(toDoubles(d.getDataFlat()), new double[2])) {
                return new double[0]; // MATLAB's empty array without the MATLAB_empty attribute
            }
            if (!(type instanceof FloatingPoint)) {
                throw err(where, "expected float64 spike times, got " + typeName(type));
            }
            long nonUnit = Arrays.stream(dims).filter(x -> x != 1).count();
            if (dims.length > 2 || nonUnit > 1) throw err(where, "expected a vector of spike times, got shape " + shape(dims));
            double[] v = toDoubles(d.getDataFlat());
            if (v.length == 2 && v[0] == 0 && v[1] == 0) return new double[0]; // the files' empty cell [0, 0]
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) throw err(where, "expected finite spike times, got " + v[i] + " at index " + i);
            }
            return v;
        }

        static boolean isMatlabEmpty(Dataset d) {
            Attribute a = d.getAttributes().get("MATLAB_empty");
            return a != null && a.getData() instanceof Number x && x.intValue() != 0;
        }
    }

    private static double[] toDoubles(Object data) {
        double[] a = new double[Array.getLength(data)];
        for (int i = 0; i < a.length; i++) a[i] = ((Number) Array.get(data, i)).doubleValue();
        return a;
    }

    private static String typeName(DataType t) {
        if (t instanceof FloatingPoint) return "float" + t.getSize() * 8;
        if (t instanceof FixedPoint fp) return (fp.isSigned() ? "int" : "uint") + t.getSize() * 8;
        if (t instanceof Reference) return "object references";
        return t.getClass().getSimpleName() + " (" + t.getSize() + " bytes)";
    }

    private static String shape(int[] dims) {
        if (dims.length == 0) return "scalar";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : " × ").append(dims[i]);
        return sb.toString();
    }

    // ================================================================== writing

    /**
     * Writes a session in the layout described in the class comment (atomically: temporary file,
     * then rename). Refuses sessions that {@link #read} would refuse (non-finite or non-increasing
     * {@code t}, non-finite positions or spike times).
     */
    public static void write(ReachSession s, Path file) throws IOException {
        write(s, file, ZonedDateTime.now());
    }

    /**
     * As {@link #write(ReachSession, Path)} with the header's "Created on" time given: with a fixed
     * time the same session always gives the same bytes (synthetic stand-ins use this).
     */
    public static void write(ReachSession s, Path file, ZonedDateTime created) throws IOException {
        validate(s);
        layout(s, created).write(file);
    }

    private static void validate(ReachSession s) {
        double[] t = s.t();
        for (int i = 0; i < t.length; i++) {
            if (!Double.isFinite(t[i]) || (i > 0 && !(t[i] > t[i - 1]))) {
                throw new IllegalArgumentException(s.name() + ": t must be finite and strictly increasing (index " + i + ")");
            }
        }
        finite(s, "cursor_pos", s.cursorPos());
        finite(s, "target_pos", s.targetPos());
        if (s.fingerPos() != null) finite(s, "finger_pos", s.fingerPos());
        for (double[][] slot : s.spikeTimes()) finite(s, "spikes", slot);
    }

    private static void finite(ReachSession s, String field, double[][] a) {
        for (double[] r : a) {
            for (double v : r) {
                if (!Double.isFinite(v)) throw new IllegalArgumentException(s.name() + ": " + field + " holds " + v);
            }
        }
    }

    /** The file content as an editable writer (tests, also the manifest's, break it on purpose). */
    public static Hdf5Writer layout(ReachSession s) {
        return layout(s, ZonedDateTime.now());
    }

    static Hdf5Writer layout(ReachSession s, ZonedDateTime created) {
        Hdf5Writer w = Hdf5Writer.matlab73("GLNXA64", created);
        Hdf5Writer.Group root = w.root();
        Hdf5Writer.Group refs = root.group("#refs#");
        int[] counter = {0};
        int k = s.samples();
        root.float64("t", new long[] {1, k}, s.t()).attribute("MATLAB_class", "double");
        matrix(root, "cursor_pos", s.cursorPos());
        if (s.fingerPos() != null) matrix(root, "finger_pos", s.fingerPos());
        matrix(root, "target_pos", s.targetPos());
        List<Hdf5Writer.Node> names = new ArrayList<>();
        for (String c : s.channelNames()) names.add(chars(refs, refName(counter[0]++), c));
        root.references("chan_names", new long[] {1, names.size()}, names).attribute("MATLAB_class", "cell");
        List<Hdf5Writer.Node> cells = new ArrayList<>();
        for (double[][] slot : s.spikeTimes()) {
            for (double[] times : slot) {
                String n = refName(counter[0]++);
                if (times.length == 0) {
                    cells.add(refs.uint64(n, new long[] {2}, new long[] {0, 0})
                            .attribute("MATLAB_class", "double").uint8Attribute("MATLAB_empty", 1));
                } else {
                    cells.add(refs.float64(n, new long[] {1, times.length}, times).attribute("MATLAB_class", "double"));
                }
            }
        }
        root.references("spikes", new long[] {s.unitSlots(), s.channels()}, cells).attribute("MATLAB_class", "cell");
        if (!s.generator().isEmpty()) chars(root, GENERATOR, s.generator());
        return w;
    }

    private static void matrix(Hdf5Writer.Group g, String name, double[][] rows) {
        int k = rows[0].length;
        double[] flat = new double[rows.length * k];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, flat, r * k, k);
        g.float64(name, new long[] {rows.length, k}, flat).attribute("MATLAB_class", "double");
    }

    /** A MATLAB 1 × m char array (h5py shape m × 1); an empty string is MATLAB's empty array. */
    private static Hdf5Writer.Node chars(Hdf5Writer.Group g, String name, String value) {
        if (value.isEmpty()) {
            return g.uint64(name, new long[] {2}, new long[] {0, 0}).attribute("MATLAB_class", "char")
                    .uint8Attribute("MATLAB_empty", 1);
        }
        return g.uint16(name, new long[] {value.length(), 1}, value.toCharArray())
                .attribute("MATLAB_class", "char").int32Attribute("MATLAB_int_decode", 2);
    }

    /** MATLAB-style names in {@code #refs#}: a, b, ..., z, ba, bb, ... (base 26, digit 'a' = 0). */
    static String refName(int i) {
        StringBuilder sb = new StringBuilder();
        do {
            sb.append((char) ('a' + i % 26));
            i /= 26;
        } while (i > 0);
        return sb.reverse().toString();
    }
}
