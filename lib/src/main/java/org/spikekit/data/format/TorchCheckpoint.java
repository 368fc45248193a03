package org.spikekit.data.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.spikekit.data.DataException;

/**
 * Reader of PyTorch {@code state_dict} checkpoints in the zip format {@code torch.save} writes since
 * PyTorch 1.6 (own implementation; no Python, no PyTorch).
 *
 * <p>Layout of the archive (all entries under one top-level folder {@code <name>/}, the file's stem
 * at save time or {@code archive}):
 * <ul>
 *   <li>{@code <name>/data.pkl} — a pickle (protocol 2 as {@code torch.save} writes it) of an
 *       {@code OrderedDict} (or dict) mapping each key to a tensor;</li>
 *   <li>{@code <name>/data/<key>} — one raw storage per storage key, its elements back to back in
 *       the byte order of {@code <name>/byteorder} (only {@code little} is read; absent means
 *       little, as PyTorch assumes);</li>
 *   <li>{@code <name>/version} — the format version (1 to 3 are read).</li>
 * </ul>
 * Each tensor is pickled as {@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
 * stride, requires_grad, backward_hooks[, metadata])} (or wrapped by {@code _rebuild_parameter} for
 * {@code nn.Parameter}s), the storage as a persistent id {@code ('storage', torch.HalfStorage, key,
 * location, numel)} resolved by {@code BINPERSID}. Several tensors may view the same storage (the
 * stork library's checkpoints hold each time-constant tensor under several keys); {@link
 * Entry#sameView} tells them apart from copies. Views with any offset and strides are materialised
 * element by element (a view reaching past its storage is refused).
 *
 * <p>The pickle is interpreted by a small stack machine that knows only the opcodes a state dict
 * needs and only a whitelist of globals ({@code collections.OrderedDict}, the {@code torch._utils}
 * rebuild functions above and the typed storage classes {@code torch.<Type>Storage}); it never
 * imports or runs anything. Everything else — an unknown global or opcode, a legacy (pre-1.6, non
 * zip) checkpoint, a missing or truncated storage, big-endian data, a value that is not a tensor —
 * is a {@link DataException} naming the file and the entry, opcode, global or key.
 *
 * <pre>{@code
 * TorchCheckpoint ck = TorchCheckpoint.read(Path.of("tinyRSNN-1.pth"));
 * TorchCheckpoint.Entry w = ck.get("con1.op.weight");   // dtype FLOAT16, shape [64, 96]
 * float[] values = w.floats();                             // row-major, exact
 * }</pre>
 */
public final class TorchCheckpoint {

    /** Element types of typed PyTorch storages, with their storage class name. */
    public enum DType {
        FLOAT16("HalfStorage", 2, true), BFLOAT16("BFloat16Storage", 2, true), FLOAT32("FloatStorage", 4, true),
        FLOAT64("DoubleStorage", 8, true), INT64("LongStorage", 8, false), INT32("IntStorage", 4, false),
        INT16("ShortStorage", 2, false), INT8("CharStorage", 1, false), UINT8("ByteStorage", 1, false),
        BOOL("BoolStorage", 1, false);

        private final String storageClass;
        private final int bytes;
        private final boolean floating;

        DType(String storageClass, int bytes, boolean floating) {
            this.storageClass = storageClass;
            this.bytes = bytes;
            this.floating = floating;
        }

        /** PyTorch's storage class in module {@code torch}, e.g. {@code HalfStorage}. */
        public String storageClass() { return storageClass; }

        /** Bytes per element. */
        public int bytes() { return bytes; }

        /** True for the floating-point types. */
        public boolean floating() { return floating; }

        static DType ofStorageClass(String name) {
            for (DType d : values()) if (d.storageClass.equals(name)) return d;
            return null;
        }
    }

    /**
     * One storage of the archive.
     *
     * @param key      its name under {@code <name>/data/}
     * @param dtype    element type
     * @param location device it was saved from ({@code cpu}, {@code cuda:0}, …; informative only)
     * @param numel    element count
     */
    public record Storage(String key, DType dtype, String location, long numel) {}

    /** One named tensor: a view (offset, shape, strides in elements) of a storage. */
    public static final class Entry {
        private final String name;
        private final Storage storage;
        private final ByteBuffer bytes;
        private final long offset;
        private final int[] shape;
        private final long[] stride;
        private final boolean requiresGrad;
        private final boolean parameter;
        private final Path source;

        Entry(String name, Storage storage, ByteBuffer bytes, long offset, int[] shape, long[] stride,
              boolean requiresGrad, boolean parameter, Path source) {
            this.name = name;
            this.storage = storage;
            this.bytes = bytes;
            this.offset = offset;
            this.shape = shape;
            this.stride = stride;
            this.requiresGrad = requiresGrad;
            this.parameter = parameter;
            this.source = source;
        }

        /** The state-dict key. */
        public String name() { return name; }
        public DType dtype() { return storage.dtype(); }
        public Storage storage() { return storage; }
        /** Shape (empty for a 0-dim tensor). */
        public int[] shape() { return shape.clone(); }
        /** Strides in elements, one per dimension. */
        public long[] stride() { return stride.clone(); }
        /** Offset of element 0 in the storage, in elements. */
        public long storageOffset() { return offset; }
        /** The {@code requires_grad} flag as saved. */
        public boolean requiresGrad() { return requiresGrad; }
        /** True when saved as an {@code nn.Parameter} ({@code _rebuild_parameter}). */
        public boolean parameter() { return parameter; }

        /** Element count (product of the shape; 1 for a 0-dim tensor). */
        public int numel() {
            long n = 1;
            for (int d : shape) n *= d;
            return (int) n;
        }

        /** True when the view is row-major contiguous (strides of a C-ordered array of this shape). */
        public boolean contiguous() {
            long expect = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (shape[d] != 1 && stride[d] != expect) return false;
                expect *= shape[d];
            }
            return true;
        }

        /**
         * True when {@code other} is the same view of the same storage (same storage key, offset,
         * shape and strides): the two keys name one tensor, as PyTorch aliases do.
         */
        public boolean sameView(Entry other) {
            return storage.key().equals(other.storage.key()) && offset == other.offset
                    && Arrays.equals(shape, other.shape) && Arrays.equals(stride, other.stride);
        }

        /** Values in row-major order, exactly, for FLOAT16, BFLOAT16 and FLOAT32 tensors. */
        public float[] floats() {
            DType d = dtype();
            if (d != DType.FLOAT16 && d != DType.BFLOAT16 && d != DType.FLOAT32) {
                throw new DataException(source, source + ": tensor '" + name + "' is " + d
                        + "; floats() reads FLOAT16, BFLOAT16 and FLOAT32 (use doubles() or longs())");
            }
            long[] idx = indices();
            float[] out = new float[idx.length];
            for (int i = 0; i < idx.length; i++) {
                int at = (int) (idx[i] * d.bytes());
                out[i] = switch (d) {
                    case FLOAT16 -> Float.float16ToFloat(bytes.getShort(at));
                    case BFLOAT16 -> Float.intBitsToFloat((bytes.getShort(at) & 0xffff) << 16);
                    default -> bytes.getFloat(at);
                };
            }
            return out;
        }

        /** Values in row-major order as doubles: exact for every floating type and for integers up to 2^53. */
        public double[] doubles() {
            DType d = dtype();
            if (d == DType.FLOAT64) {
                long[] idx = indices();
                double[] out = new double[idx.length];
                for (int i = 0; i < idx.length; i++) out[i] = bytes.getDouble((int) (idx[i] * 8));
                return out;
            }
            if (d.floating()) {
                float[] f = floats();
                double[] out = new double[f.length];
                for (int i = 0; i < f.length; i++) out[i] = f[i];
                return out;
            }
            long[] l = longs();
            double[] out = new double[l.length];
            for (int i = 0; i < l.length; i++) out[i] = l[i];
            return out;
        }

        /** Values in row-major order for the integer types and BOOL (0 or 1). */
        public long[] longs() {
            DType d = dtype();
            if (d.floating()) {
                throw new DataException(source, source + ": tensor '" + name + "' is " + d
                        + "; longs() reads the integer and bool types (use floats() or doubles())");
            }
            long[] idx = indices();
            long[] out = new long[idx.length];
            for (int i = 0; i < idx.length; i++) {
                int at = (int) (idx[i] * d.bytes());
                out[i] = switch (d) {
                    case INT64 -> bytes.getLong(at);
                    case INT32 -> bytes.getInt(at);
                    case INT16 -> bytes.getShort(at);
                    case INT8 -> bytes.get(at);
                    case UINT8 -> bytes.get(at) & 0xff;
                    case BOOL -> bytes.get(at) == 0 ? 0 : 1;
                    default -> throw new AssertionError(d);
                };
            }
            return out;
        }

        /** The IEEE binary16 bit patterns in row-major order, for a FLOAT16 tensor. */
        public short[] float16Bits() {
            if (dtype() != DType.FLOAT16) {
                throw new DataException(source, source + ": tensor '" + name + "' is " + dtype() + ", not FLOAT16");
            }
            long[] idx = indices();
            short[] out = new short[idx.length];
            for (int i = 0; i < idx.length; i++) out[i] = bytes.getShort((int) (idx[i] * 2));
            return out;
        }

        /** Storage element index of every element of the view, row-major. */
        private long[] indices() {
            int n = numel();
            long[] out = new long[n];
            int[] pos = new int[shape.length];
            for (int i = 0; i < n; i++) {
                long at = offset;
                for (int d = 0; d < shape.length; d++) at += pos[d] * stride[d];
                out[i] = at;
                for (int d = shape.length - 1; d >= 0; d--) {
                    if (++pos[d] < shape[d]) break;
                    pos[d] = 0;
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return name + " " + dtype() + Arrays.toString(shape) + " (storage " + storage.key() + ", offset " + offset
                    + ", stride " + Arrays.toString(stride) + ")";
        }
    }

    private final Path file;
    private final String archiveName;
    private final int version;
    private final Map<String, Entry> entries;

    private TorchCheckpoint(Path file, String archiveName, int version, Map<String, Entry> entries) {
        this.file = file;
        this.archiveName = archiveName;
        this.version = version;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** The file read. */
    public Path file() { return file; }

    /** The archive's top-level folder name. */
    public String archiveName() { return archiveName; }

    /** The format version of {@code <name>/version} (0 when absent). */
    public int formatVersion() { return version; }

    /** The keys, in the order of the file. */
    public List<String> keys() { return List.copyOf(entries.keySet()); }

    /** Every entry by key, in the order of the file. */
    public Map<String, Entry> entries() { return entries; }

    /** True when the checkpoint has {@code key}. */
    public boolean has(String key) { return entries.containsKey(key); }

    /** The entry of {@code key}; fails naming the file and the keys present. */
    public Entry get(String key) {
        Entry e = entries.get(key);
        if (e == null) throw new DataException(file, file + ": no tensor '" + key + "' (keys: " + entries.keySet() + ")");
        return e;
    }

    /**
     * The keys that name the same tensor as an earlier key ({@link Entry#sameView}), each mapped
     * to that first key; keys viewing a storage differently are not aliases.
     */
    public Map<String, String> aliases() {
        Map<String, String> out = new LinkedHashMap<>();
        List<Entry> firsts = new ArrayList<>();
        for (Entry e : entries.values()) {
            Entry first = null;
            for (Entry f : firsts) if (f.sameView(e)) { first = f; break; }
            if (first == null) firsts.add(e);
            else out.put(e.name(), first.name());
        }
        return out;
    }

    // ---- reading ----------------------------------------------------------------------------------

    private static final int MAX_VERSION = 3;

    /** Reads a checkpoint; see the class comment for what is accepted. */
    public static TorchCheckpoint read(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) throw new DataException(file, file + ": no such file (expected a PyTorch .pth checkpoint)");
        byte[] head = new byte[512];
        int got;
        try (InputStream in = Files.newInputStream(file)) {
            got = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot read: " + e.getMessage(), e);
        }
        if (got < 4 || !(head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) && (head[3] == 4 || head[3] == 6))) {
            if (got >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
                throw new DataException(file, file + ": legacy (non-zip) torch.save format (PyTorch < 1.6 or "
                        + "_use_new_zipfile_serialization=False) is not read; load it with PyTorch and save it again "
                        + "with torch.save(state_dict, path)");
            }
            if (got >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                throw new DataException(file, file + ": tar-based legacy torch.save format (PyTorch < 0.4) is not read; "
                        + "re-save it with a recent PyTorch");
            }
            throw new DataException(file, file + ": not a PyTorch zip checkpoint (the file does not start with a zip "
                    + "header 'PK\\3\\4'; first bytes " + hex(head, Math.min(got, 8)) + ")");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return read(file, zip);
        } catch (IOException e) {
            throw new DataException(file, file + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
    }

    private static TorchCheckpoint read(Path file, ZipFile zip) throws IOException {
        String pkl = null;
        for (var it = zip.entries(); it.hasMoreElements(); ) {
            String n = it.nextElement().getName();
            if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                if (pkl != null) {
                    throw new DataException(file, file + ": two pickles '" + pkl + "' and '" + n + "' in one archive");
                }
                pkl = n;
            }
        }
        if (pkl == null) {
            throw new DataException(file, file + ": zip archive without '<name>/data.pkl': not a torch.save checkpoint");
        }
        String prefix = pkl.substring(0, pkl.length() - "data.pkl".length());
        String archiveName = prefix.substring(0, prefix.length() - 1);

        String byteOrder = text(file, zip, prefix + "byteorder");
        if (byteOrder != null && !byteOrder.equals("little")) {
            throw new DataException(file, file + ": entry '" + prefix + "byteorder' says '" + byteOrder
                    + "'; only little-endian checkpoints are read");
        }
        int version = 0;
        String v = text(file, zip, prefix + "version");
        if (v != null) {
            try {
                version = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new DataException(file, file + ": entry '" + prefix + "version' is '" + v + "', not a number");
            }
            if (version < 1 || version > MAX_VERSION) {
                throw new DataException(file, file + ": entry '" + prefix + "version' is " + version
                        + "; format versions 1 to " + MAX_VERSION + " are read");
            }
        }

        String where = file + "!" + pkl;
        Unpickler up = new Unpickler(file, where, bytes(file, zip, pkl));
        Object top = up.load();
        Map<?, ?> dict = switch (top) {
            case OrderedDictObj o -> o.items;
            case Map<?, ?> m -> m;
            default -> throw new DataException(file, where + ": the pickle holds a " + typeName(top)
                    + ", not a dict of tensors (a state_dict)");
        };

        Map<String, ByteBuffer> data = new HashMap<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<?, ?> kv : dict.entrySet()) {
            if (!(kv.getKey() instanceof String key)) {
                throw new DataException(file, where + ": key " + kv.getKey() + " is a " + typeName(kv.getKey()) + ", not a string");
            }
            if (!(kv.getValue() instanceof TensorObj t)) {
                throw new DataException(file, where + ": value of key '" + key + "' is a " + typeName(kv.getValue())
                        + ", not a tensor (only flat state_dicts of tensors are read)");
            }
            StorageObj s = t.storage;
            ByteBuffer buf = data.get(s.key);
            if (buf == null) {
                String name = prefix + "data/" + s.key;
                ZipEntry ze = zip.getEntry(name);
                if (ze == null) {
                    throw new DataException(file, file + ": storage '" + s.key + "' of tensor '" + key + "' is missing (no entry '" + name + "')");
                }
                byte[] b = bytes(file, zip, name);
                long want = s.numel * s.dtype.bytes();
                if (b.length != want) {
                    throw new DataException(file, file + ": entry '" + name + "' has " + b.length + " bytes, storage '" + s.key
                            + "' (" + s.dtype.storageClass() + ", " + s.numel + " elements) needs " + want
                            + (b.length < want ? " (truncated)" : ""));
                }
                buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                data.put(s.key, buf);
            }
            long reach = t.offset;
            long n = 1;
            for (int d = 0; d < t.size.length; d++) {
                n *= t.size[d];
                if (t.size[d] > 0) reach += (t.size[d] - 1) * t.stride[d];
            }
            if (n > 0 && (t.offset < 0 || reach >= s.numel)) {
                throw new DataException(file, where + ": tensor '" + key + "' (offset " + t.offset + ", shape "
                        + Arrays.toString(t.size) + ", stride " + Arrays.toString(t.stride) + ") reaches element " + reach
                        + " of storage '" + s.key + "' which has " + s.numel);
            }
            entries.put(key, new Entry(key, new Storage(s.key, s.dtype, s.location, s.numel), buf, t.offset, t.size,
                    t.stride, t.requiresGrad, t.parameter, file));
        }
        return new TorchCheckpoint(file, archiveName, version, entries);
    }

    private static byte[] bytes(Path file, ZipFile zip, String name) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) throw new DataException(file, file + ": no entry '" + name + "'");
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new DataException(file, file + ": entry '" + name + "' cannot be read (" + ex.getMessage() + ")", ex);
        }
    }

    private static String text(Path file, ZipFile zip, String name) throws IOException {
        if (zip.getEntry(name) == null) return null;
        return new String(bytes(file, zip, name), StandardCharsets.UTF_8).strip();
    }

    private static String hex(byte[] b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append(String.format("%02x", b[i] & 0xff));
        return s.toString();
    }

    static String typeName(Object o) {
        if (o == NONE) return "None";
        return switch (o) {
            case null -> "None";
            case String s -> "str";
            case Long l -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case byte[] b -> "bytes";
            case Tuple t -> "tuple";
            case OrderedDictObj d -> "OrderedDict";
            case Map<?, ?> m -> "dict";
            case List<?> l -> "list";
            case TensorObj t -> "tensor";
            case StorageObj s -> "storage";
            case Global g -> "global " + g.qualified();
            default -> o.getClass().getSimpleName();
        };
    }

    // ---- the pickle machine -----------------------------------------------------------------------

    /** A Python tuple. */
    record Tuple(List<Object> items) {
        Object get(int i) { return items.get(i); }
        int size() { return items.size(); }
    }

    /** A whitelisted global (module + name). */
    record Global(String module, String name) {
        String qualified() { return module + "." + name; }
    }

    /** {@code collections.OrderedDict} with the attributes a {@code BUILD} gave it ({@code _metadata}). */
    static final class OrderedDictObj {
        final Map<Object, Object> items = new LinkedHashMap<>();
        final Map<Object, Object> attributes = new LinkedHashMap<>();
    }

    record StorageObj(String key, DType dtype, String location, long numel) {}

    record TensorObj(StorageObj storage, long offset, int[] size, long[] stride, boolean requiresGrad, boolean parameter) {}

    private enum Mark { MARK }

    /** Python's None inside the machine (Java null stays out of the collections). */
    static final Object NONE = new Object() {
        @Override public String toString() { return "None"; }
    };

    /** A restricted unpickler: state-dict opcodes, whitelisted globals, nothing is executed. */
    static final class Unpickler {
        private final Path file;
        private final String where;
        private final byte[] b;
        private int p;
        private int opAt;
        private final List<Object> stack = new ArrayList<>();
        private final List<Integer> marks = new ArrayList<>();
        private final Map<Long, Object> memo = new HashMap<>();
        private final Map<String, StorageObj> storages = new HashMap<>();

        Unpickler(Path file, String where, byte[] bytes) {
            this.file = file;
            this.where = where;
            this.b = bytes;
        }

        private DataException fail(String msg) {
            return new DataException(file, where + ": " + msg + " (pickle opcode at byte " + opAt + ")");
        }

        Object load() {
            while (true) {
                if (p >= b.length) throw fail("truncated pickle: ended without a STOP opcode");
                opAt = p;
                int op = b[p++] & 0xff;
                switch (op) {
                    case 0x80 -> { // PROTO
                        int v = u8();
                        if (v > 5) throw fail("pickle protocol " + v + " is not supported (0 to 5)");
                    }
                    case 0x95 -> skip(8);                                   // FRAME (a length hint)
                    case '.' -> { // STOP
                        if (stack.size() != 1 || !marks.isEmpty()) throw fail("malformed pickle: " + stack.size() + " values on the stack at STOP");
                        Object o = stack.get(0);
                        return o == NONE ? null : o;
                    }
                    case '(' -> marks.add(stack.size());                   // MARK
                    case '0' -> pop();                                      // POP
                    case '1' -> popMark();                                  // POP_MARK
                    case '2' -> push(peek());                               // DUP
                    case 'N' -> push(NONE);
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'J' -> push((long) le(4));                        // BININT
                    case 'K' -> push((long) u8());                         // BININT1
                    case 'M' -> push((long) (le(2) & 0xffff));            // BININT2
                    case 0x8a -> push(longN(u8()));                        // LONG1
                    case 0x8b -> push(longN(len4()));                      // LONG4
                    case 'G' -> push(Double.longBitsToDouble(be8()));      // BINFLOAT
                    case 'X' -> push(utf8(len4()));                        // BINUNICODE
                    case 0x8c -> push(utf8(u8()));                         // SHORT_BINUNICODE
                    case 0x8d -> push(utf8(len8()));                       // BINUNICODE8
                    case 'T' -> push(latin1(len4()));                      // BINSTRING
                    case 'U' -> push(latin1(u8()));                        // SHORT_BINSTRING
                    case 'B' -> push(raw(len4()));                         // BINBYTES
                    case 'C' -> push(raw(u8()));                           // SHORT_BINBYTES
                    case ')' -> push(new Tuple(List.of()));               // EMPTY_TUPLE
                    case 't' -> push(new Tuple(popMark()));                // TUPLE
                    case 0x85 -> push(tupleOf(1));                         // TUPLE1
                    case 0x86 -> push(tupleOf(2));                         // TUPLE2
                    case 0x87 -> push(tupleOf(3));                         // TUPLE3
                    case ']' -> push(new ArrayList<>());                   // EMPTY_LIST
                    case 'l' -> push(new ArrayList<>(popMark()));          // LIST
                    case 'a' -> { Object v = pop(); list(peek()).add(v); } // APPEND
                    case 'e' -> { List<Object> vs = popMark(); list(peek()).addAll(vs); } // APPENDS
                    case '}' -> push(new LinkedHashMap<>());               // EMPTY_DICT
                    case 'd' -> { List<Object> kv = popMark(); Map<Object, Object> m = new LinkedHashMap<>(); putPairs(m, kv); push(m); } // DICT
                    case 's' -> { Object v = pop(); Object k = pop(); dict(peek()).put(key(k), v); } // SETITEM
                    case 'u' -> { List<Object> kv = popMark(); putPairs(dict(peek()), kv); }          // SETITEMS
                    case 'c' -> push(global(line(), line()));              // GLOBAL
                    case 0x93 -> { // STACK_GLOBAL
                        Object name = pop(), module = pop();
                        if (!(module instanceof String m) || !(name instanceof String n)) throw fail("STACK_GLOBAL needs two strings");
                        push(global(m, n));
                    }
                    case 'R' -> { Object args = pop(); Object fn = pop(); push(reduce(fn, args)); } // REDUCE
                    case 'b' -> { Object state = pop(); build(peek(), state); }                    // BUILD
                    case 'Q' -> push(persistent(pop()));                   // BINPERSID
                    case 'q' -> memo.put((long) u8(), peek());             // BINPUT
                    case 'r' -> memo.put(len4(), peek());                  // LONG_BINPUT
                    case 0x94 -> memo.put((long) memo.size(), peek());     // MEMOIZE
                    case 'h' -> push(memoGet(u8()));                       // BINGET
                    case 'j' -> push(memoGet(len4()));                     // LONG_BINGET
                    default -> throw fail("unsupported pickle opcode 0x" + String.format("%02x", op)
                            + (op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : "")
                            + "; only the opcodes of a torch.save state_dict are read");
                }
            }
        }

        // -- globals and calls

        private Object global(String module, String name) {
            if (module.equals("collections") && name.equals("OrderedDict")) return new Global(module, name);
            if (module.equals("torch._utils") && (name.equals("_rebuild_tensor_v2") || name.equals("_rebuild_parameter")
                    || name.equals("_rebuild_parameter_with_state"))) return new Global(module, name);
            if (module.equals("torch") && DType.ofStorageClass(name) != null) return new Global(module, name);
            throw fail("refusing global '" + module + "." + name + "': only collections.OrderedDict, "
                    + "torch._utils._rebuild_tensor_v2 / _rebuild_parameter[_with_state] and the typed storage classes "
                    + "torch.<Type>Storage are allowed (the file holds something other than a plain state_dict)");
        }

        private Object reduce(Object fn, Object argsObj) {
            if (!(fn instanceof Global g)) throw fail("REDUCE on a " + typeName(fn) + ", not a global");
            if (!(argsObj instanceof Tuple args)) throw fail("REDUCE arguments of " + g.qualified() + " are a " + typeName(argsObj) + ", not a tuple");
            switch (g.qualified()) {
                case "collections.OrderedDict" -> {
                    OrderedDictObj d = new OrderedDictObj();
                    if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
                        for (Object pair : pairs) {
                            if (!(pair instanceof Tuple t) || t.size() != 2) throw fail("OrderedDict argument is not a list of pairs");
                            d.items.put(key(t.get(0)), t.get(1));
                        }
                    } else if (args.size() != 0) {
                        throw fail("OrderedDict called with " + args.size() + " arguments");
                    }
                    return d;
                }
                case "torch._utils._rebuild_tensor_v2" -> {
                    if (args.size() < 6 || args.size() > 7) throw fail("_rebuild_tensor_v2 with " + args.size() + " arguments, expected 6 or 7");
                    if (!(args.get(0) instanceof StorageObj s)) throw fail("_rebuild_tensor_v2: first argument is a " + typeName(args.get(0)) + ", not a storage");
                    long offset = integer(args.get(1), "storage offset");
                    long[] size = ints(args.get(2), "size");
                    long[] stride = ints(args.get(3), "stride");
                    if (size.length != stride.length) throw fail("_rebuild_tensor_v2: size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride) + " differ in length");
                    int[] shape = new int[size.length];
                    long n = 1;
                    for (int i = 0; i < size.length; i++) {
                        if (size[i] < 0 || stride[i] < 0) throw fail("_rebuild_tensor_v2: negative size or stride " + Arrays.toString(size) + " / " + Arrays.toString(stride));
                        n *= size[i];
                        if (size[i] > Integer.MAX_VALUE || n > Integer.MAX_VALUE) throw fail("_rebuild_tensor_v2: tensor of " + Arrays.toString(size) + " is too large (more than 2^31 - 1 elements)");
                        shape[i] = (int) size[i];
                    }
                    if (!(args.get(4) instanceof Boolean rg)) throw fail("_rebuild_tensor_v2: requires_grad is a " + typeName(args.get(4)));
                    requireEmpty(args.get(5), "backward_hooks");
                    if (args.size() == 7) requireEmpty(args.get(6), "metadata");
                    return new TensorObj(s, offset, shape, stride, rg, false);
                }
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                    boolean withState = g.name().endsWith("_with_state");
                    if (args.size() != (withState ? 4 : 3)) throw fail(g.name() + " with " + args.size() + " arguments");
                    if (!(args.get(0) instanceof TensorObj t)) throw fail(g.name() + ": data is a " + typeName(args.get(0)) + ", not a tensor");
                    if (!(args.get(1) instanceof Boolean rg)) throw fail(g.name() + ": requires_grad is a " + typeName(args.get(1)));
                    requireEmpty(args.get(2), "backward_hooks");
                    if (withState) requireEmpty(args.get(3), "parameter state");
                    return new TensorObj(t.storage(), t.offset(), t.size(), t.stride(), rg, true);
                }
                default -> throw fail("global " + g.qualified() + " cannot be called");
            }
        }

        private void requireEmpty(Object o, String what) {
            boolean empty = o == NONE
                    || (o instanceof OrderedDictObj d && d.items.isEmpty())
                    || (o instanceof Map<?, ?> m && m.isEmpty())
                    || (o instanceof Tuple t && t.size() == 0);
            if (!empty) throw fail(what + " must be empty, got a non-empty " + typeName(o));
        }

        private Object persistent(Object pid) {
            if (!(pid instanceof Tuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
                throw fail("persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
            }
            if (!(t.get(1) instanceof Global g) || !g.module().equals("torch") || DType.ofStorageClass(g.name()) == null) {
                throw fail("persistent id names storage type " + describe(t.get(1)) + ", not a torch.<Type>Storage");
            }
            if (!(t.get(2) instanceof String key) || !(t.get(3) instanceof String location)) {
                throw fail("persistent id: key and location must be strings, got " + describe(pid));
            }
            long numel = integer(t.get(4), "storage numel");
            if (numel < 0) throw fail("persistent id: negative numel " + numel);
            DType dt = DType.ofStorageClass(g.name());
            StorageObj prev = storages.get(key);
            if (prev != null) {
                if (prev.dtype() != dt || prev.numel() != numel) {
                    throw fail("storage '" + key + "' is declared twice differently: " + prev.dtype() + "×" + prev.numel()
                            + " and " + dt + "×" + numel);
                }
                return prev;
            }
            StorageObj s = new StorageObj(key, dt, location, numel);
            storages.put(key, s);
            return s;
        }

        private void build(Object target, Object state) {
            if (!(target instanceof OrderedDictObj d)) throw fail("BUILD on a " + typeName(target) + " (only an OrderedDict's attributes are set)");
            Object dictState = state instanceof Tuple t && t.size() == 2 ? t.get(0) : state;
            if (dictState == NONE) return;
            if (!(dictState instanceof Map<?, ?> m)) throw fail("BUILD state of an OrderedDict is a " + typeName(dictState));
            d.attributes.putAll(m);
        }

        // -- stack helpers

        private void push(Object o) { stack.add(o); }

        private Object pop() {
            if (stack.isEmpty() || (!marks.isEmpty() && marks.getLast() == stack.size())) throw fail("malformed pickle: pop from an empty stack");
            return stack.removeLast();
        }

        private Object peek() {
            if (stack.isEmpty()) throw fail("malformed pickle: empty stack");
            return stack.getLast();
        }

        private List<Object> popMark() {
            if (marks.isEmpty()) throw fail("malformed pickle: no MARK");
            int m = marks.removeLast();
            List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
            stack.subList(m, stack.size()).clear();
            return items;
        }

        private Tuple tupleOf(int n) {
            if (stack.size() < n) throw fail("malformed pickle: TUPLE" + n + " on " + stack.size() + " values");
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < n; i++) items.addFirst(pop());
            return new Tuple(items);
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object o) {
            if (o instanceof List<?> l) return (List<Object>) l;
            throw fail("APPEND to a " + typeName(o));
        }

        @SuppressWarnings("unchecked")
        private Map<Object, Object> dict(Object o) {
            if (o instanceof OrderedDictObj d) return d.items;
            if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
            throw fail("SETITEM on a " + typeName(o));
        }

        private void putPairs(Map<Object, Object> m, List<Object> kv) {
            if (kv.size() % 2 != 0) throw fail("malformed pickle: odd number of items for a dict");
            for (int i = 0; i < kv.size(); i += 2) m.put(key(kv.get(i)), kv.get(i + 1));
        }

        private Object key(Object k) {
            if (k instanceof String || k instanceof Long || k instanceof Tuple || k instanceof Boolean || k instanceof Double) return k;
            if (k == NONE) return NONE;
            throw fail("a " + typeName(k) + " cannot be a dict key");
        }

        private Object memoGet(long i) {
            if (!memo.containsKey(i)) throw fail("memo entry " + i + " was never stored");
            return memo.get(i);
        }

        private long integer(Object o, String what) {
            if (o instanceof Long l) return l;
            throw fail(what + " is a " + typeName(o) + ", not an int");
        }

        private long[] ints(Object o, String what) {
            if (!(o instanceof Tuple t)) throw fail(what + " is a " + typeName(o) + ", not a tuple");
            long[] out = new long[t.size()];
            for (int i = 0; i < out.length; i++) out[i] = integer(t.get(i), what + "[" + i + "]");
            return out;
        }

        private String describe(Object o) {
            if (o instanceof Tuple t) {
                StringBuilder s = new StringBuilder("(");
                for (int i = 0; i < t.size(); i++) s.append(i > 0 ? ", " : "").append(describe(t.get(i)));
                return s.append(t.size() == 1 ? ",)" : ")").toString();
            }
            if (o instanceof String s) return "'" + s + "'";
            if (o instanceof Global g) return g.qualified();
            if (o == NONE || o instanceof Long || o instanceof Boolean || o instanceof Double) return String.valueOf(o);
            return typeName(o);
        }

        // -- byte readers

        private void need(long n) {
            if (n < 0 || p + n > b.length) throw fail("truncated pickle: needs " + n + " more bytes at byte " + p + " of " + b.length);
        }

        private int u8() { need(1); return b[p++] & 0xff; }

        private int le(int n) {
            need(n);
            int v = 0;
            for (int i = 0; i < n; i++) v |= (b[p + i] & 0xff) << (8 * i);
            p += n;
            return v;
        }

        private long len4() { return le(4) & 0xffffffffL; }

        private long len8() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) v |= (long) (b[p + i] & 0xff) << (8 * i);
            p += 8;
            if (v < 0) throw fail("length " + v + " out of range");
            return v;
        }

        private long be8() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (b[p + i] & 0xff);
            p += 8;
            return v;
        }

        private void skip(int n) { need(n); p += n; }

        private long longN(long n) {
            if (n > 8) throw fail("integer of " + n + " bytes does not fit 64 bits");
            need(n);
            long v = 0;
            for (int i = 0; i < n; i++) v |= (long) (b[p + i] & 0xff) << (8 * i);
            if (n > 0 && n < 8 && (b[p + (int) n - 1] & 0x80) != 0) v |= -1L << (8 * n);   // sign-extend
            p += (int) n;
            return v;
        }

        private byte[] raw(long n) {
            need(n);
            byte[] out = Arrays.copyOfRange(b, p, p + (int) n);
            p += (int) n;
            return out;
        }

        private String utf8(long n) { return new String(raw(n), StandardCharsets.UTF_8); }

        private String latin1(long n) { return new String(raw(n), StandardCharsets.ISO_8859_1); }

        private String line() {
            int start = p;
            while (p < b.length && b[p] != '\n') p++;
            if (p >= b.length) throw fail("truncated pickle: GLOBAL without a newline");
            String s = new String(b, start, p - start, StandardCharsets.UTF_8);
            p++;
            return s;
        }
    }
}
