package org.spikekit.train;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.io.AtomicFiles;

/**
 * Everything needed to continue a training run exactly, or to hand a trained model on: every
 * parameter by name with its shape, optionally the pruning masks, the optimiser state (SMORMS3
 * moments, step count, learning rate), and the trainer's progress (configuration incl. seed, epochs
 * done = position of the cosine schedule, initial validation R², the per-epoch history), plus free
 * text metadata (model configuration, model seed, data source …).
 *
 * <p>File format, version {@value #VERSION}, all numbers big-endian:
 * <pre>
 *   0      8 bytes   magic 89 53 4B 43 4B 50 54 0A  ("\x89SKCKPT\n")
 *   8      int32     format version
 *   12     int64     payload length L
 *   20     L bytes   payload
 *   20+L   int32     CRC-32 of the payload
 *
 *   payload:    meta, arrays (parameters), arrays (masks), optimiser?, progress?
 *   string    = int32 byte count + UTF-8 bytes
 *   meta      = int32 n, n × (string key, string value)
 *   arrays    = int32 n, n × (string name, int8 dtype (1 = float32, 2 = float16), int8 rank,
 *               rank × int32 dims, values)
 *   optimiser = int8 present; string kind, int32 n × (string, float64) scalars, arrays buffers
 *   progress  = int8 present; config, int32 epochs done, float64 initial val R², int32 n × epoch
 *   config    = int32 epochs, int32 batch size, float32 lr, float32 eps, int32 cosine T_max,
 *               4 × float64 regulariser, int8 shuffle, int64 seed, int32 burn-in steps (version 2;
 *               absent in version 1 files, which are still read, with burn-in 0)
 *   epoch     = int32 index, 6 × float64 (lr, loss, rmse, regulariser, train R², val R²),
 *               float64 train R² as the RSNN code reports it (mean over batches of per-batch values
 *               rounded to 3 decimals; version 3, NaN when read from older files),
 *               int32 n × (string, float64) metrics
 * </pre>
 * float16 is IEEE binary16 (what {@link Float#floatToFloat16} writes); it is used only for the
 * parameters and only when asked ({@link Precision#FP16}, see {@link Half}). Files are written
 * atomically ({@link AtomicFiles}): a crash leaves the previous checkpoint or the new one, never a
 * part. Reading checks magic, version, length and checksum first, so a truncated or damaged file is
 * refused with a message naming it.
 *
 * <pre>{@code
 * Checkpoint.of(model).withMeta("model", "tinyRSNN").write(path);   // parameters only
 * Checkpoint.read(path).loadInto(freshModel);                        // strict: names and shapes
 * }</pre>
 */
public final class Checkpoint {
    /** The format version this build writes (it also reads versions 1 and 2). */
    public static final int VERSION = 3;

    static final byte[] MAGIC = {(byte) 0x89, 'S', 'K', 'C', 'K', 'P', 'T', '\n'};
    static final int HEADER_BYTES = 8 + 4 + 8, TRAILER_BYTES = 4;
    private static final byte FP32 = 1, FP16 = 2;
    private static final String IN_MEMORY = "<in-memory checkpoint>";

    /** How parameter values are stored. Optimiser state and masks are always float32. */
    public enum Precision {
        /** 4 bytes per value, exact. */
        FP32,
        /** 2 bytes per value, IEEE binary16, round-to-nearest-even; exact for fp16-representable values. */
        FP16
    }

    /**
     * Optimiser state by buffer name.
     *
     * @param kind optimiser name, e.g. {@code "smorms3"}
     * @param scalars e.g. {@code lr}, {@code eps}, {@code steps}
     * @param buffers per-parameter moments, named {@code <parameter>/<moment>}
     */
    public record Optimizer(String kind, Map<String, Double> scalars, Map<String, HostArray> buffers) {
        public Optimizer {
            if (kind == null || kind.isBlank()) throw new IllegalArgumentException("Checkpoint.Optimizer.kind must not be blank");
            scalars = unmodifiable(scalars);
            buffers = unmodifiable(buffers);
        }

        /** The scalar {@code name}; throws naming {@code source} when absent. */
        public double scalar(String name, String source) {
            Double v = scalars.get(name);
            if (v == null) throw new CheckpointException(source + ": optimiser '" + kind + "' has no scalar '" + name + "' (has " + scalars.keySet() + ")");
            return v;
        }

        /** The scalar {@code name} as a non-negative integer (a step count); throws naming {@code source} otherwise. */
        public int count(String name, String source) {
            double d = scalar(name, source);
            if (!(d >= 0) || d != Math.rint(d) || d > Integer.MAX_VALUE) {
                throw new CheckpointException(source + ": optimiser scalar '" + name + "' must be a non-negative integer, got " + d);
            }
            return (int) d;
        }

        /**
         * Checks that this state holds exactly one buffer {@code <parameter>/<moment>} of the
         * parameter's shape for every parameter and moment, and no other; throws naming {@code source},
         * the buffer and the shapes otherwise. Checked before an optimiser writes anything.
         */
        public void requireBuffers(String source, List<Parameter> params, String... moments) {
            java.util.Set<String> expected = new java.util.LinkedHashSet<>();
            for (Parameter p : params) {
                for (String m : moments) {
                    String key = p.name() + "/" + m;
                    expected.add(key);
                    HostArray a = buffers.get(key);
                    if (a == null) {
                        throw new CheckpointException(source + ": optimiser buffer '" + key + "' (expected shape "
                                + java.util.Arrays.toString(p.shape()) + ") is missing");
                    }
                    if (!a.sameShape(p.shape())) {
                        throw new CheckpointException(source + ": optimiser buffer '" + key + "' has shape " + a.shapeString()
                                + ", parameter '" + p.name() + "' has " + java.util.Arrays.toString(p.shape()));
                    }
                }
            }
            for (String key : buffers.keySet()) {
                if (!expected.contains(key)) {
                    throw new CheckpointException(source + ": optimiser buffer '" + key + "' belongs to no trainable parameter of the model");
                }
            }
        }
    }

    /**
     * Where a {@link Trainer} run stands.
     *
     * @param config the run's trainer configuration (incl. the seed of shuffling and dropout)
     * @param epochsDone epochs completed = index of the next epoch = position of the cosine schedule
     * @param initialValR2 validation R² before the first step
     * @param history one record per completed epoch
     */
    public record Progress(Trainer.Config config, int epochsDone, double initialValR2, List<Trainer.Epoch> history) {
        public Progress {
            if (config == null) throw new IllegalArgumentException("Checkpoint.Progress.config must not be null");
            history = List.copyOf(history);
            if (epochsDone != history.size()) {
                throw new IllegalArgumentException("Checkpoint.Progress: epochsDone " + epochsDone + " but " + history.size() + " history records");
            }
        }
    }

    private final String source;
    private final Map<String, String> meta;
    private final Map<String, HostArray> parameters;
    private final Map<String, HostArray> masks;
    private final Optimizer optimizer;
    private final Progress progress;

    private Checkpoint(String source, Map<String, String> meta, Map<String, HostArray> parameters,
                       Map<String, HostArray> masks, Optimizer optimizer, Progress progress) {
        this.source = source;
        this.meta = unmodifiable(meta);
        this.parameters = unmodifiable(parameters);
        this.masks = unmodifiable(masks);
        this.optimizer = optimizer;
        this.progress = progress;
    }

    private static <V> Map<String, V> unmodifiable(Map<String, V> m) {
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** A snapshot (host copies) of every parameter of {@code model}, trainable or not. */
    public static Checkpoint of(Module model) {
        Map<String, HostArray> p = new LinkedHashMap<>();
        for (Parameter q : model.parameters()) p.put(q.name(), HostArray.of(q.value()));
        return new Checkpoint(IN_MEMORY, null, p, null, null, null);
    }

    /** A parameters-only checkpoint from host arrays by parameter name (e.g. weights from elsewhere). */
    public static Checkpoint ofArrays(Map<String, HostArray> parameters) {
        return new Checkpoint(IN_MEMORY, null, parameters, null, null, null);
    }

    public Checkpoint withMeta(String key, String value) {
        if (key == null || value == null) throw new IllegalArgumentException("Checkpoint meta key and value must not be null");
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.put(key, value);
        return new Checkpoint(source, m, parameters, masks, optimizer, progress);
    }

    public Checkpoint withMeta(Map<String, String> entries) {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.putAll(entries);
        return new Checkpoint(source, m, parameters, masks, optimizer, progress);
    }

    public Checkpoint withMasks(Masks m) {
        return new Checkpoint(source, meta, parameters, m == null ? null : m.arrays(), optimizer, progress);
    }

    public Checkpoint withOptimizer(Optimizer o) { return new Checkpoint(source, meta, parameters, masks, o, progress); }

    public Checkpoint withProgress(Progress p) { return new Checkpoint(source, meta, parameters, masks, optimizer, p); }

    /** The file this was read from, or {@code <in-memory checkpoint>}; used in error messages. */
    public String source() { return source; }
    public Map<String, String> meta() { return meta; }
    public Map<String, HostArray> parameters() { return parameters; }
    /** Pruning masks by parameter name (empty when none). */
    public Map<String, HostArray> maskArrays() { return masks; }
    /** The masks, or {@link Masks#none()}. */
    public Masks masks() { return masks.isEmpty() ? Masks.none() : new Masks(masks); }
    /** Optimiser state, or null. */
    public Optimizer optimizer() { return optimizer; }
    /** Trainer progress, or null for a parameters-only checkpoint. */
    public Progress progress() { return progress; }

    /** Number of parameter values. */
    public long parameterCount() {
        long n = 0;
        for (HostArray a : parameters.values()) n += a.numel();
        return n;
    }

    // ---- applying -------------------------------------------------------------------------------

    /**
     * Copies every parameter into {@code model} by name. Strict: each model parameter must be present
     * with the same shape and the checkpoint must hold no other parameters; everything is checked
     * before anything is written, so a failed load leaves the model unchanged.
     */
    public void loadInto(Module model) {
        requireFits(model);
        for (Parameter p : model.parameters()) parameters.get(p.name()).copyTo(p.value());
    }

    /**
     * Checks what {@link #loadInto} needs without changing anything: every parameter of
     * {@code model} present with its shape, no other parameters.
     *
     * @throws CheckpointException naming the source, the parameter and the expected shape
     */
    public void requireFits(Module model) {
        Map<String, Parameter> byName = model.byName();
        for (Parameter p : byName.values()) {
            HostArray a = parameters.get(p.name());
            if (a == null) {
                throw new CheckpointException(source + ": parameter '" + p.name() + "' (expected shape "
                        + Arrays.toString(p.shape()) + ") is missing; the checkpoint has " + parameters.keySet());
            }
            if (!a.sameShape(p.shape())) {
                throw new CheckpointException(source + ": parameter '" + p.name() + "' has shape " + a.shapeString()
                        + ", the model expects " + Arrays.toString(p.shape()));
            }
        }
        for (Map.Entry<String, HostArray> e : parameters.entrySet()) {
            if (!byName.containsKey(e.getKey())) {
                throw new CheckpointException(source + ": parameter '" + e.getKey() + "' " + e.getValue().shapeString()
                        + " is not a parameter of the model; the model has " + byName.keySet());
            }
        }
    }

    // ---- writing --------------------------------------------------------------------------------

    /** Writes with float32 parameters. */
    public Path write(Path file) { return write(file, Precision.FP32); }

    /**
     * Writes atomically (temporary file, then rename); on failure the target is left as it was.
     *
     * @param precision of the parameter values; {@link Precision#FP16} rounds to nearest even and
     *                  refuses values beyond the float16 range (±65504)
     */
    public Path write(Path file, Precision precision) {
        byte[] payload;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            writeMeta(out);
            writeArrays(out, parameters, precision == Precision.FP16, file);
            writeArrays(out, masks, false, file);
            out.writeByte(optimizer == null ? 0 : 1);
            if (optimizer != null) {
                writeString(out, optimizer.kind());
                out.writeInt(optimizer.scalars().size());
                for (Map.Entry<String, Double> e : optimizer.scalars().entrySet()) {
                    writeString(out, e.getKey());
                    out.writeDouble(e.getValue());
                }
                writeArrays(out, optimizer.buffers(), false, file);
            }
            out.writeByte(progress == null ? 0 : 1);
            if (progress != null) writeProgress(out, progress);
            out.flush();
            payload = bytes.toByteArray();
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + file + ": could not encode: " + e.getMessage(), e);
        }
        CRC32 crc = new CRC32();
        crc.update(payload);
        int checksum = (int) crc.getValue();
        try {
            return AtomicFiles.write(file, os -> {
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os, 1 << 16));
                out.write(MAGIC);
                out.writeInt(VERSION);
                out.writeLong(payload.length);
                out.write(payload);
                out.writeInt(checksum);
                out.flush();
            });
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + file + ": could not write: " + e.getMessage(), e);
        }
    }

    private void writeMeta(DataOutputStream out) throws IOException {
        out.writeInt(meta.size());
        for (Map.Entry<String, String> e : meta.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static void writeArrays(DataOutputStream out, Map<String, HostArray> arrays, boolean fp16, Path file) throws IOException {
        out.writeInt(arrays.size());
        for (Map.Entry<String, HostArray> e : arrays.entrySet()) {
            HostArray a = e.getValue();
            writeString(out, e.getKey());
            out.writeByte(fp16 ? FP16 : FP32);
            if (a.shape().length > 127) throw new IOException("array '" + e.getKey() + "' has rank " + a.shape().length + " > 127");
            out.writeByte(a.shape().length);
            for (int d : a.shape()) out.writeInt(d);
            float[] v = a.data();
            ByteBuffer buf = ByteBuffer.allocate(v.length * (fp16 ? 2 : 4));
            if (fp16) {
                for (int i = 0; i < v.length; i++) {
                    short h = Float.floatToFloat16(v[i]);
                    if (Float.isFinite(v[i]) && !Float.isFinite(Float.float16ToFloat(h))) {
                        throw new CheckpointException("checkpoint " + file + ": parameter '" + e.getKey() + "' value " + v[i]
                                + " at index " + i + " is beyond the float16 range (|x| <= 65504)");
                    }
                    buf.putShort(h);
                }
            } else {
                buf.asFloatBuffer().put(v);
            }
            out.write(buf.array());
        }
    }

    private static void writeProgress(DataOutputStream out, Progress p) throws IOException {
        Trainer.Config c = p.config();
        out.writeInt(c.epochs());
        out.writeInt(c.batchSize());
        out.writeFloat(c.lr());
        out.writeFloat(c.eps());
        out.writeInt(c.cosineTMax());
        SpikeRegularizer r = c.regularizer();
        out.writeDouble(r.lowerStrength());
        out.writeDouble(r.lowerThreshold());
        out.writeDouble(r.upperStrength());
        out.writeDouble(r.upperThreshold());
        out.writeByte(c.shuffle() ? 1 : 0);
        out.writeLong(c.seed());
        out.writeInt(c.burnIn());
        out.writeInt(p.epochsDone());
        out.writeDouble(p.initialValR2());
        out.writeInt(p.history().size());
        for (Trainer.Epoch e : p.history()) {
            out.writeInt(e.epoch());
            out.writeDouble(e.lr());
            out.writeDouble(e.loss());
            out.writeDouble(e.rmse());
            out.writeDouble(e.regularizer());
            out.writeDouble(e.trainR2());
            out.writeDouble(e.valR2());
            out.writeDouble(e.trainR2Batches());
            Map<String, Double> m = e.metrics() == null ? Map.of() : e.metrics();
            out.writeInt(m.size());
            for (Map.Entry<String, Double> x : new java.util.TreeMap<>(m).entrySet()) {
                writeString(out, x.getKey());
                out.writeDouble(x.getValue());
            }
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    // ---- reading --------------------------------------------------------------------------------

    /**
     * Reads and validates a checkpoint file.
     *
     * @throws CheckpointException naming the file when it is missing, truncated, not a checkpoint,
     *                             of another format version, or fails its checksum
     */
    public static Checkpoint read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + file + ": file not found", e);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + file + ": could not read: " + e.getMessage(), e);
        }
        String src = "checkpoint " + file;
        if (all.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new CheckpointException(src + ": not a SpikeKit checkpoint (expected the magic bytes \\x89SKCKPT\\n at offset 0"
                    + (all.length < MAGIC.length ? "; the file has only " + all.length + " bytes)" : ")"));
        }
        if (all.length < HEADER_BYTES + TRAILER_BYTES) {
            throw new CheckpointException(src + ": truncated: " + all.length + " bytes, a checkpoint has at least "
                    + (HEADER_BYTES + TRAILER_BYTES));
        }
        ByteBuffer head = ByteBuffer.wrap(all);
        head.position(MAGIC.length);
        int version = head.getInt();
        if (version < 1 || version > VERSION) {
            throw new CheckpointException(src + ": format version " + version + ", this build reads versions 1 to " + VERSION
                    + (version > VERSION ? " (written by a newer SpikeKit)" : ""));
        }
        long len = head.getLong();
        long expected = HEADER_BYTES + len + TRAILER_BYTES;
        if (len < 0 || expected != all.length) {
            throw new CheckpointException(src + ": " + (len >= 0 && all.length < expected ? "truncated" : "length mismatch")
                    + ": header declares a " + len + "-byte payload (file of " + expected + " bytes), the file has " + all.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(all, HEADER_BYTES, (int) len);
        int stored = ByteBuffer.wrap(all, HEADER_BYTES + (int) len, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw new CheckpointException(src + ": corrupt: CRC-32 of the payload is " + Integer.toHexString((int) crc.getValue())
                    + ", the file records " + Integer.toHexString(stored));
        }
        ByteBuffer in = ByteBuffer.wrap(all, HEADER_BYTES, (int) len).slice();
        try {
            Map<String, String> meta = new LinkedHashMap<>();
            int nm = count(in, src, "meta");
            for (int i = 0; i < nm; i++) meta.put(readString(in, src), readString(in, src));
            Map<String, HostArray> params = readArrays(in, src, "parameters");
            Map<String, HostArray> masks = readArrays(in, src, "masks");
            Optimizer opt = null;
            if (in.get() != 0) {
                String kind = readString(in, src);
                Map<String, Double> sc = new LinkedHashMap<>();
                int ns = count(in, src, "optimiser scalars");
                for (int i = 0; i < ns; i++) sc.put(readString(in, src), in.getDouble());
                opt = new Optimizer(kind, sc, readArrays(in, src, "optimiser buffers"));
            }
            Progress prog = in.get() != 0 ? readProgress(in, src, version) : null;
            if (in.hasRemaining()) throw new CheckpointException(src + ": corrupt: " + in.remaining() + " unread payload bytes");
            return new Checkpoint(src, meta, params, masks, opt, prog);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CheckpointException(src + ": corrupt payload: " + (e.getMessage() == null ? "ends early" : e.getMessage()), e);
        }
    }

    private static int count(ByteBuffer in, String src, String what) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) throw new CheckpointException(src + ": corrupt: " + what + " count " + n);
        return n;
    }

    private static String readString(ByteBuffer in, String src) {
        int n = count(in, src, "string length");
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Map<String, HostArray> readArrays(ByteBuffer in, String src, String section) {
        int n = count(in, src, section);
        Map<String, HostArray> out = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) {
            String name = readString(in, src);
            byte dtype = in.get();
            if (dtype != FP32 && dtype != FP16) {
                throw new CheckpointException(src + ": " + section + " '" + name + "': unknown dtype code " + dtype + " (1 = float32, 2 = float16)");
            }
            int rank = in.get();
            if (rank < 0) throw new CheckpointException(src + ": " + section + " '" + name + "': negative rank " + rank);
            int[] shape = new int[rank];
            long numel = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = in.getInt();
                if (shape[d] < 0) throw new CheckpointException(src + ": " + section + " '" + name + "': negative dimension " + shape[d]);
                numel *= shape[d];
            }
            int width = dtype == FP16 ? 2 : 4;
            if (numel * width > in.remaining()) {
                throw new CheckpointException(src + ": corrupt: " + section + " '" + name + "' " + Arrays.toString(shape)
                        + " needs " + numel * width + " bytes, " + in.remaining() + " left");
            }
            float[] v = new float[(int) numel];
            if (dtype == FP16) {
                for (int i = 0; i < v.length; i++) v[i] = Float.float16ToFloat(in.getShort());
            } else {
                in.asFloatBuffer().get(v);
                in.position(in.position() + 4 * v.length);
            }
            if (out.put(name, new HostArray(shape, v)) != null) {
                throw new CheckpointException(src + ": corrupt: " + section + " name '" + name + "' appears twice");
            }
        }
        return out;
    }

    private static Progress readProgress(ByteBuffer in, String src, int version) {
        int epochs = in.getInt(), batch = in.getInt();
        float lr = in.getFloat(), eps = in.getFloat();
        int tmax = in.getInt();
        SpikeRegularizer reg = new SpikeRegularizer(in.getDouble(), in.getDouble(), in.getDouble(), in.getDouble());
        boolean shuffle = in.get() != 0;
        long seed = in.getLong();
        int burnIn = version >= 2 ? in.getInt() : 0;
        Trainer.Config cfg = new Trainer.Config(epochs, batch, lr, eps, tmax, reg, shuffle, seed, burnIn);
        int done = in.getInt();
        double initial = in.getDouble();
        int n = count(in, src, "history");
        List<Trainer.Epoch> hist = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int idx = in.getInt();
            double elr = in.getDouble(), loss = in.getDouble(), rmse = in.getDouble(), r = in.getDouble(),
                    tr = in.getDouble(), va = in.getDouble();
            double trb = version >= 3 ? in.getDouble() : Double.NaN;
            int nm = count(in, src, "epoch metrics");
            Map<String, Double> m = new LinkedHashMap<>();
            for (int j = 0; j < nm; j++) m.put(readString(in, src), in.getDouble());
            hist.add(new Trainer.Epoch(idx, elr, loss, rmse, r, tr, trb, va, Map.copyOf(m)));
        }
        return new Progress(cfg, done, initial, hist);
    }
}
