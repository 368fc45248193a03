package org.spikekit.data.format.hdf5;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal HDF5 writer for MATLAB v7.3-style files: groups, contiguous datasets of float64,
 * float32, unsigned/signed integers (int64 included), fixed-length strings, object references, one-dimensional
 * variable-length sequences (h5py {@code vlen_dtype}, as in the SHD files), variable-length UTF-8
 * strings (scalar or of any rank: pynwb's text, NIR's edge pairs), and scalar attributes (strings,
 * integers, float64).
 *
 * <p>What it writes (HDF5 File Format Specification 3.0 terms): an optional 512-byte user block
 * (MATLAB puts its 128-byte header text there); a <b>version 2 superblock</b> at the end of the
 * user block whose base address is the superblock's own offset, so every address in the file is
 * relative to it — except the superblock's end of file address, which is absolute (the file's
 * length, user block included), as the specification defines it and libhdf5 writes it; every object as a <b>version 2 object header</b> ("OHDR", one chunk, lookup3
 * checksum); groups as "new-style" compact groups (Link Info with no fractal heap, Group Info, and
 * one hard-link Link message per member); datasets with Dataspace (version 2, any rank, scalar
 * for rank 0), Datatype (version 1), Fill Value (version 3, no fill value) and Data Layout (version
 * 3, contiguous; a zero-size dataset has an undefined address) messages; attributes as version 3
 * Attribute messages with a scalar dataspace. Raw data follows its object header. All integers are
 * little-endian, offsets and lengths 8 bytes. No free space, no chunking, no filters. A
 * variable-length dataset's elements are (length, global heap collection address, object index);
 * its sequences live in global heap collections ("GCOL", version 1, at least 4096 bytes, at most
 * 65535 objects each, the rest described by free-space object 0) written right after the
 * elements.
 *
 * <p>Dataset shapes are given as HDF5 (C, row-major) dimensions, the order h5py and jhdf show;
 * data arrays are in that row-major order.
 *
 * <p>{@link #write} writes a temporary file in the target directory and renames it into place,
 * so a failed write never leaves a half-written file at the target path.
 */
public final class Hdf5Writer {
    /** Size of the user block MATLAB v7.3 files have. */
    public static final int USER_BLOCK_SIZE = 512;
    static final long UNDEFINED = -1L;
    static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    static final int SUPERBLOCK_SIZE = 48;

    private final byte[] userBlock;
    private final Group root = new Group();

    /** A writer for a plain HDF5 file without user block. */
    public Hdf5Writer() {
        this.userBlock = new byte[0];
    }

    private Hdf5Writer(byte[] userBlock) {
        this.userBlock = userBlock;
    }

    /**
     * A writer whose file starts with a MATLAB 7.3 MAT-file header in a 512-byte user block:
     * 116 bytes of text ({@code MATLAB 7.3 MAT-file, Platform: ..., Created on: ... HDF5 schema
     * 1.00 .} padded with spaces), 8 bytes subsystem-data offset (zero: none), version 0x0200 and
     * the endian indicator "IM" (little-endian); the rest of the user block is zero.
     */
    public static Hdf5Writer matlab73(String platform, ZonedDateTime created) {
        String date = created.withZoneSameInstant(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy", Locale.ROOT));
        String text = "MATLAB 7.3 MAT-file, Platform: " + platform + ", Created on: " + date + " HDF5 schema 1.00 .";
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        if (t.length > 116) throw new IllegalArgumentException("MATLAB header text longer than 116 bytes: " + text);
        byte[] ub = new byte[USER_BLOCK_SIZE];
        System.arraycopy(t, 0, ub, 0, t.length);
        for (int i = t.length; i < 116; i++) ub[i] = ' ';
        ub[124] = 0x00;
        ub[125] = 0x02;
        ub[126] = 'I';
        ub[127] = 'M';
        return new Hdf5Writer(ub);
    }

    public Group root() {
        return root;
    }

    // ------------------------------------------------------------------ datatypes

    /**
     * HDF5 datatype: class 0 fixed point, 1 floating point (IEEE float32 or float64), 3 string,
     * 7 object reference, 9 variable-length sequence of {@code base} (16-byte elements: length,
     * global heap collection address, object index).
     */
    record DType(int cls, int size, boolean signed, DType base, boolean string) {
        DType(int cls, int size, boolean signed) {
            this(cls, size, signed, null, false);
        }

        DType(int cls, int size, boolean signed, DType base) {
            this(cls, size, signed, base, false);
        }

        /** A variable-length UTF-8 string (h5py {@code string_dtype()}): a vlen of uint8 marked as a string. */
        static DType vlenString() {
            return new DType(9, VLEN_ELEMENT, false, UINT8, true);
        }

        static final DType FLOAT64 = new DType(1, 8, true);
        static final DType FLOAT32 = new DType(1, 4, true);
        static final DType UINT8 = new DType(0, 1, false);
        static final DType UINT16 = new DType(0, 2, false);
        static final DType INT32 = new DType(0, 4, true);
        static final DType UINT64 = new DType(0, 8, false);
        static final DType INT64 = new DType(0, 8, true);
        static final DType REFERENCE = new DType(7, 8, false);

        static DType string(int size) {
            return new DType(3, size, false);
        }

        void encode(Out o) {
            o.u8(0x10 | cls); // version 1
            switch (cls) {
                case 0 -> {
                    o.u8(signed ? 0x08 : 0x00).u8(0).u8(0).u32(size);
                    o.u16(0).u16(size * 8); // bit offset, precision
                }
                case 1 -> {
                    if (size == 8) {
                        // little-endian, implied-MSB mantissa normalisation, sign at bit 63
                        o.u8(0x20).u8(63).u8(0).u32(size);
                        o.u16(0).u16(64).u8(52).u8(11).u8(0).u8(52).u32(1023);
                    } else {
                        // IEEE binary32: sign at bit 31, exponent bits 23..30 (bias 127), mantissa 0..22
                        o.u8(0x20).u8(31).u8(0).u32(size);
                        o.u16(0).u16(32).u8(23).u8(8).u8(0).u8(23).u32(127);
                    }
                }
                case 3 -> o.u8(0x00).u8(0).u8(0).u32(size); // null-terminated, ASCII
                case 7 -> o.u8(0x00).u8(0).u8(0).u32(size); // object reference
                case 9 -> {
                    if (string) {
                        o.u8(0x01).u8(0x01).u8(0).u32(size); // type 1 = string, null-terminated padding, UTF-8
                    } else {
                        o.u8(0x00).u8(0).u8(0).u32(size); // type 0 = sequence, no padding/charset
                    }
                    base.encode(o);
                }
                default -> throw new IllegalStateException("datatype class " + cls);
            }
        }
    }

    record Attr(String name, DType type, byte[] value) {}

    // ------------------------------------------------------------------ nodes

    /** A group or dataset; both can carry scalar attributes. */
    public abstract static sealed class Node permits Group, Dataset {
        final Map<String, Attr> attributes = new LinkedHashMap<>();

        /** Adds a scalar fixed-length ASCII string attribute (null-terminated padding, like MATLAB_class). */
        public Node attribute(String name, String value) {
            byte[] v = value.getBytes(StandardCharsets.US_ASCII);
            return put(new Attr(name, DType.string(Math.max(1, v.length)), v.length == 0 ? new byte[1] : v));
        }

        /** Adds a scalar int32 attribute (MATLAB_int_decode). */
        public Node int32Attribute(String name, int value) {
            return put(new Attr(name, DType.INT32, new Out().u32(value).toBytes()));
        }

        /** Adds a scalar float64 attribute (NWB 1.x's {@code rate} of {@code starting_time}, {@code conversion} of {@code data}). */
        public Node float64Attribute(String name, double value) {
            return put(new Attr(name, DType.FLOAT64, new Out().u64(Double.doubleToRawLongBits(value)).toBytes()));
        }

        /** Adds a scalar uint8 attribute (MATLAB_empty). */
        public Node uint8Attribute(String name, int value) {
            if (value < 0 || value > 255) throw new IllegalArgumentException("uint8 out of range: " + value);
            return put(new Attr(name, DType.UINT8, new byte[] {(byte) value}));
        }

        private Node put(Attr a) {
            checkName(a.name());
            attributes.put(a.name(), a);
            return this;
        }
    }

    /** A group holding named hard links to other nodes, in insertion order. */
    public static final class Group extends Node {
        final Map<String, Node> links = new LinkedHashMap<>();

        /** A new empty subgroup. */
        public Group group(String name) {
            Group g = new Group();
            link(name, g);
            return g;
        }

        /** A float64 dataset of the given HDF5 dimensions, data in row-major order. */
        public Dataset float64(String name, long[] dims, double[] data) {
            Out o = new Out();
            for (double d : data) o.u64(Double.doubleToRawLongBits(d));
            return add(name, new Dataset(DType.FLOAT64, dims, o.toBytes(), null, data.length));
        }

        /** A float32 dataset of the given HDF5 dimensions, data in row-major order. */
        public Dataset float32(String name, long[] dims, float[] data) {
            Out o = new Out();
            for (float f : data) o.u32(Float.floatToRawIntBits(f));
            return add(name, new Dataset(DType.FLOAT32, dims, o.toBytes(), null, data.length));
        }

        /**
         * A one-dimensional dataset of variable-length float32 sequences (h5py
         * {@code vlen_dtype(float32)}), one per row; the sequences go into global heap
         * collections written right after the dataset's element descriptors.
         */
        public Dataset vlenFloat32(String name, float[][] rows) {
            List<byte[]> objs = new ArrayList<>(rows.length);
            for (float[] r : rows) {
                Out o = new Out();
                for (float f : r) o.u32(Float.floatToRawIntBits(f));
                objs.add(o.toBytes());
            }
            return add(name, Dataset.vlen(new DType(9, VLEN_ELEMENT, false, DType.FLOAT32), new long[] {objs.size()}, objs));
        }

        /** Like {@link #vlenFloat32} for uint16 sequences (values 0..65535 in each {@code char}). */
        public Dataset vlenUint16(String name, char[][] rows) {
            List<byte[]> objs = new ArrayList<>(rows.length);
            for (char[] r : rows) {
                Out o = new Out();
                for (char c : r) o.u16(c);
                objs.add(o.toBytes());
            }
            return add(name, Dataset.vlen(new DType(9, VLEN_ELEMENT, false, DType.UINT16), new long[] {objs.size()}, objs));
        }

        /**
         * A one-dimensional dataset of variable-length UTF-8 strings (h5py {@code string_dtype()},
         * what pynwb writes for text columns such as an NWB trials table's {@code result}).
         */
        public Dataset vlenStrings(String name, String[] values) {
            return vlenStrings(name, new long[] {values.length}, values);
        }

        /**
         * A dataset of variable-length UTF-8 strings of the given HDF5 dimensions, values in row-major
         * order (NIR's {@code edges}: {@code [E, 2]} (source, target) name pairs).
         */
        public Dataset vlenStrings(String name, long[] dims, String[] values) {
            List<byte[]> objs = new ArrayList<>(values.length);
            for (String v : values) objs.add(v.getBytes(StandardCharsets.UTF_8));
            return add(name, Dataset.vlen(DType.vlenString(), dims, objs));
        }

        /** A scalar variable-length UTF-8 string dataset (pynwb's {@code session_start_time}, {@code subject_id}). */
        public Dataset vlenString(String name, String value) {
            return add(name, Dataset.vlen(DType.vlenString(), new long[0], List.of(value.getBytes(StandardCharsets.UTF_8))));
        }

        /** A one-dimensional dataset of fixed-length, null-padded ASCII strings (h5py {@code S<n>}). */
        public Dataset strings(String name, String[] values) {
            int len = 1;
            for (String v : values) len = Math.max(len, v.getBytes(StandardCharsets.US_ASCII).length);
            Out o = new Out();
            for (String v : values) {
                byte[] b = v.getBytes(StandardCharsets.US_ASCII);
                o.bytes(b).bytes(new byte[len - b.length]);
            }
            return add(name, new Dataset(new DType(3, len, false), new long[] {values.length}, o.toBytes(), null, values.length));
        }

        /** A uint16 dataset (MATLAB char arrays store UTF-16 code units this way). */
        public Dataset uint16(String name, long[] dims, char[] data) {
            Out o = new Out();
            for (char c : data) o.u16(c);
            return add(name, new Dataset(DType.UINT16, dims, o.toBytes(), null, data.length));
        }

        /** A uint64 dataset (MATLAB stores an empty array as the uint64 dimensions [0, 0]). */
        public Dataset uint64(String name, long[] dims, long[] data) {
            Out o = new Out();
            for (long v : data) o.u64(v);
            return add(name, new Dataset(DType.UINT64, dims, o.toBytes(), null, data.length));
        }

        /** A signed int64 dataset (h5py's default for Python ints, e.g. NIR's {@code shape}). */
        public Dataset int64(String name, long[] dims, long[] data) {
            Out o = new Out();
            for (long v : data) o.u64(v);
            return add(name, new Dataset(DType.INT64, dims, o.toBytes(), null, data.length));
        }

        /** An object-reference dataset; every target must be linked somewhere in the file when it is written. */
        public Dataset references(String name, long[] dims, List<? extends Node> targets) {
            List<Node> t = List.copyOf(targets);
            return add(name, new Dataset(DType.REFERENCE, dims, null, t, t.size()));
        }

        /**
         * An object-reference dataset holding the given addresses verbatim (relative to the
         * superblock), whether or not an object is there. Meant for writing deliberately broken
         * files in tests of readers.
         */
        public Dataset rawReferences(String name, long[] dims, long[] addresses) {
            Out o = new Out();
            for (long a : addresses) o.u64(a);
            return add(name, new Dataset(DType.REFERENCE, dims, o.toBytes(), null, addresses.length));
        }

        /** Adds a hard link to an existing node (replacing any link of that name). */
        public <N extends Node> N link(String name, N node) {
            checkName(name);
            if (name.contains("/") || name.equals(".")) throw new IllegalArgumentException("bad link name: " + name);
            links.put(name, Objects.requireNonNull(node, "node"));
            return node;
        }

        /** Removes the link of that name; returns the node or null. */
        public Node remove(String name) {
            return links.remove(name);
        }

        public Node get(String name) {
            return links.get(name);
        }

        private Dataset add(String name, Dataset d) {
            return link(name, d);
        }
    }

    /** A contiguous dataset. */
    public static final class Dataset extends Node {
        final DType type;
        final long[] dims;
        final byte[] raw; // null for reference datasets resolved at write time
        final List<Node> targets;
        final List<byte[]> vlen; // sequences of a vlen dataset (their bytes), else null

        Dataset(DType type, long[] dims, byte[] raw, List<Node> targets, long elements) {
            this(type, dims, raw, targets, elements, null);
        }

        private Dataset(DType type, long[] dims, byte[] raw, List<Node> targets, long elements, List<byte[]> vlen) {
            this.vlen = vlen;
            this.type = type;
            this.dims = dims.clone();
            this.raw = raw;
            this.targets = targets;
            long n = 1;
            for (long d : dims) {
                if (d < 0) throw new IllegalArgumentException("negative dimension in " + java.util.Arrays.toString(dims));
                n = Math.multiplyExact(n, d);
            }
            if (n != elements) {
                throw new IllegalArgumentException("dimensions " + java.util.Arrays.toString(dims) + " hold " + n
                        + " elements, data has " + elements);
            }
        }

        /** A vlen dataset of type {@code type} (class 9) with one sequence per element, in row-major order. */
        static Dataset vlen(DType type, long[] dims, List<byte[]> objs) {
            return new Dataset(type, dims, null, null, objs.size(), List.copyOf(objs));
        }

        long dataSize() {
            if (vlen != null) return (long) VLEN_ELEMENT * vlen.size();
            return (long) type.size() * (targets != null ? targets.size() : raw.length / type.size());
        }

        /** Bytes of the global heap collections that follow the element descriptors (0 unless vlen). */
        long heapSize() {
            if (vlen == null) return 0;
            long total = 0;
            for (int c0 = 0; c0 < vlen.size(); c0 += HEAP_OBJECTS) total += collectionSize(vlen, c0);
            return total;
        }
    }

    /** Bytes of one vlen element: uint32 length, 8-byte collection address, uint32 object index. */
    static final int VLEN_ELEMENT = 16;
    /** Objects per global heap collection (object indices are 16-bit; index 0 is the free space). */
    static final int HEAP_OBJECTS = 65535;
    /** The HDF5 library's minimum collection size. */
    static final int MIN_COLLECTION = 4096;

    private static long pad8(long n) {
        return (n + 7) & ~7L;
    }

    /** Size of the collection holding objects {@code c0 ..} (at most HEAP_OBJECTS of them, empty ones excluded). */
    static long collectionSize(List<byte[]> objs, int c0) {
        long used = 16; // "GCOL", version, 3 reserved, collection size
        for (int i = c0; i < Math.min(objs.size(), c0 + HEAP_OBJECTS); i++) {
            if (objs.get(i).length > 0) used += 16 + pad8(objs.get(i).length);
        }
        long total = Math.max(MIN_COLLECTION, used);
        long free = total - used;
        if (free > 0 && free < 16) total += 16;
        return total;
    }

    /**
     * Writes the element descriptors of a vlen dataset whose heap collections start at
     * {@code heapAddr}, then the collections: objects numbered from 1, each with reference count
     * 1 and data padded to 8 bytes, then object 0 describing the free space (its size field counts
     * its own 16-byte header). An empty sequence is written as length 0, address 0, index 0.
     */
    static void writeVlen(Out o, List<byte[]> objs, long heapAddr, int elemSize) {
        long addr = heapAddr;
        for (int c0 = 0; c0 < objs.size(); c0 += HEAP_OBJECTS) {
            int idx = 1;
            for (int i = c0; i < Math.min(objs.size(), c0 + HEAP_OBJECTS); i++) {
                byte[] b = objs.get(i);
                if (b.length == 0) {
                    o.u32(0).u64(0).u32(0);
                } else {
                    o.u32(b.length / elemSize).u64(addr).u32(idx++);
                }
            }
            addr += collectionSize(objs, c0);
        }
        for (int c0 = 0; c0 < objs.size(); c0 += HEAP_OBJECTS) {
            long size = collectionSize(objs, c0);
            int start = o.size();
            o.bytes("GCOL".getBytes(StandardCharsets.US_ASCII)).u8(1).u8(0).u8(0).u8(0).u64(size);
            int idx = 1;
            for (int i = c0; i < Math.min(objs.size(), c0 + HEAP_OBJECTS); i++) {
                byte[] b = objs.get(i);
                if (b.length == 0) continue;
                o.u16(idx++).u16(1).u32(0).u64(b.length).bytes(b).bytes(new byte[(int) (pad8(b.length) - b.length)]);
            }
            long free = size - (o.size() - start);
            if (free > 0) {
                o.u16(0).u16(0).u32(0).u64(free).bytes(new byte[(int) free - 16]);
            }
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty name");
        if (name.getBytes(StandardCharsets.UTF_8).length > 0xffff) throw new IllegalArgumentException("name too long");
    }

    // ------------------------------------------------------------------ writing

    /** Writes the file atomically: a temporary file next to {@code file}, then a rename. */
    public void write(Path file) throws IOException {
        byte[] bytes = toBytes();
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = createTemp(dir, abs.getFileName().toString());
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /**
     * A new empty hidden file {@code .<name>.<random>.tmp} in {@code dir}, created with the default
     * permissions (the umask) — unlike {@link Files#createTempFile}, whose 0600 would carry over to
     * the renamed data file.
     */
    public static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    /** The complete file content. */
    public byte[] toBytes() {
        // Object order: depth-first from the root, each node once.
        List<Node> order = new ArrayList<>();
        collect(root, order, new IdentityHashMap<>());
        Map<Node, Long> addr = new IdentityHashMap<>();
        for (Node n : order) addr.put(n, 0L);
        for (Node n : order) {
            if (n instanceof Dataset d && d.targets != null) {
                for (Node t : d.targets) {
                    if (!addr.containsKey(t)) {
                        throw new IllegalStateException("a reference targets an object that is not linked into the file");
                    }
                }
            }
        }
        // Pass 1: sizes (addresses have a fixed width, so sizes do not depend on them).
        long cur = SUPERBLOCK_SIZE;
        Map<Node, Long> dataAddr = new IdentityHashMap<>();
        for (Node n : order) {
            long hdr = header(n, addr, dataAddr).length;
            addr.put(n, cur);
            cur += hdr;
            if (n instanceof Dataset d && d.dataSize() > 0) {
                dataAddr.put(n, cur);
                cur += d.dataSize() + d.heapSize();
            }
        }
        // The end of file address is absolute (spec: "the absolute address of the first byte past
        // the end of all HDF5 data"), user block included, as libhdf5 writes it (base + relative EOA).
        long eof = userBlock.length + cur;
        if (eof > Integer.MAX_VALUE - 8) throw new IllegalStateException("file too large for this writer");
        // Pass 2: bytes.
        Out o = new Out();
        o.bytes(userBlock);
        superblock(o, eof, addr.get(root));
        for (Node n : order) {
            if (o.size() - userBlock.length != addr.get(n)) throw new IllegalStateException("layout mismatch");
            o.bytes(header(n, addr, dataAddr));
            if (n instanceof Dataset d && d.dataSize() > 0) {
                if (d.targets != null) {
                    for (Node t : d.targets) o.u64(addr.get(t));
                } else if (d.vlen != null) {
                    long heapAddr = dataAddr.get(d) + d.dataSize();
                    int before = o.size();
                    writeVlen(o, d.vlen, heapAddr, d.type.base().size());
                    if (o.size() - before != d.dataSize() + d.heapSize()) throw new IllegalStateException("vlen layout mismatch");
                } else {
                    o.bytes(d.raw);
                }
            }
        }
        return o.toBytes();
    }

    private static void collect(Node n, List<Node> order, Map<Node, Boolean> seen) {
        if (seen.put(n, Boolean.TRUE) != null) return;
        order.add(n);
        if (n instanceof Group g) for (Node c : g.links.values()) collect(c, order, seen);
    }

    private void superblock(Out o, long eof, long rootAddr) {
        Out s = new Out();
        s.bytes(SIGNATURE).u8(2).u8(8).u8(8).u8(0);
        s.u64(userBlock.length); // base address = absolute offset of the superblock
        s.u64(UNDEFINED); // no superblock extension
        s.u64(eof);
        s.u64(rootAddr);
        byte[] b = s.toBytes();
        o.bytes(b).u32(Lookup3.hash(b, 0, b.length));
    }

    private static byte[] header(Node n, Map<Node, Long> addr, Map<Node, Long> dataAddr) {
        Out m = new Out();
        if (n instanceof Group g) {
            Out li = new Out().u8(0).u8(0).u64(UNDEFINED).u64(UNDEFINED);
            message(m, 0x0002, 0, li);
            message(m, 0x000A, 0, new Out().u8(0).u8(0));
            for (Map.Entry<String, Node> e : g.links.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                Out l = new Out().u8(1);
                if (name.length < 256) {
                    l.u8(0x10).u8(1).u8(name.length); // charset field present, 1-byte name length
                } else {
                    l.u8(0x11).u8(1).u16(name.length);
                }
                l.bytes(name).u64(addr.get(e.getValue()));
                message(m, 0x0006, 0, l);
            }
        } else {
            Dataset d = (Dataset) n;
            message(m, 0x0001, 0, dataspace(d.dims));
            Out t = new Out();
            d.type.encode(t);
            message(m, 0x0003, 0x01, t);
            // fill value v3: allocation time early, fill value write time never, no fill value
            message(m, 0x0005, 0x01, new Out().u8(3).u8(0x01 | (1 << 2)));
            Out lay = new Out().u8(3).u8(1);
            lay.u64(d.dataSize() > 0 ? dataAddr.getOrDefault(d, 0L) : UNDEFINED).u64(d.dataSize());
            message(m, 0x0008, 0, lay);
        }
        for (Attr a : n.attributes.values()) {
            byte[] name = a.name().getBytes(StandardCharsets.UTF_8);
            Out t = new Out();
            a.type().encode(t);
            Out sp = dataspace(new long[0]);
            Out at = new Out().u8(3).u8(0).u16(name.length + 1).u16(t.size()).u16(sp.size()).u8(1);
            at.bytes(name).u8(0).bytes(t.toBytes()).bytes(sp.toBytes()).bytes(a.value());
            message(m, 0x000C, 0, at);
        }
        byte[] body = m.toBytes();
        Out h = new Out();
        h.bytes("OHDR".getBytes(StandardCharsets.US_ASCII)).u8(2).u8(0x02).u32(body.length).bytes(body);
        byte[] hb = h.toBytes();
        h.u32(Lookup3.hash(hb, 0, hb.length));
        return h.toBytes();
    }

    private static Out dataspace(long[] dims) {
        Out s = new Out().u8(2).u8(dims.length).u8(0).u8(dims.length == 0 ? 0 : 1);
        for (long d : dims) s.u64(d);
        return s;
    }

    private static void message(Out m, int type, int flags, Out body) {
        if (body.size() > 0xffff) throw new IllegalStateException("header message too large");
        m.u8(type).u16(body.size()).u8(flags).bytes(body.toBytes());
    }

    /** Little-endian byte sink. */
    static final class Out {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Out u8(int v) {
            b.write(v);
            return this;
        }

        Out u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        Out u32(int v) {
            return u16(v).u16(v >>> 16);
        }

        Out u64(long v) {
            return u32((int) v).u32((int) (v >>> 32));
        }

        Out bytes(byte[] v) {
            b.writeBytes(v);
            return this;
        }

        int size() {
            return b.size();
        }

        byte[] toBytes() {
            return b.toByteArray();
        }
    }
}
