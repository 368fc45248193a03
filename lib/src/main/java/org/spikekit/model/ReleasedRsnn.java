package org.spikekit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spikekit.compute.Backend;
import org.spikekit.core.Parameter;
import org.spikekit.data.DataException;
import org.spikekit.data.format.TorchCheckpoint;
import org.spikekit.metrics.ConnectionSparsity;
import org.spikekit.metrics.DType;
import org.spikekit.metrics.DenseOperations;
import org.spikekit.metrics.Footprint;
import org.spikekit.metrics.MetricModel;
import org.spikekit.metrics.ParameterCount;

/**
 * The authors' released tinyRSNN checkpoints ({@code fmi-basel/neural-decoding-RSNN},
 * {@code models/<session>/tinyRSNN-<seed>.pth}; committed in {@code data/reference/rsnn-released/})
 * loaded into the kit's {@link Rsnn}.
 *
 * <p>The checkpoints are stork {@code state_dict}s in float16 (read by {@link TorchCheckpoint}).
 * Keys and how each maps onto {@link Rsnn} (stork's connections are {@code nn.Linear}, weight
 * {@code [out, in]}: {@code stork/connections.py} l. 90; the kit stores {@code [in, out]}):
 * <ul>
 *   <li>{@code con1.op.weight} {@code [N, in]} → {@code hiddenLayer().w()} {@code [in, N]} (transposed);
 *       the input count (96 Indy, 192 Loco) comes from this tensor;</li>
 *   <li>{@code con2.op.weight} {@code [N(post), N(pre)]} → {@code hiddenLayer().v()} {@code [pre, post]} (transposed);</li>
 *   <li>{@code con3.op.weight} {@code [2, N]} → {@code readout().w()} {@code [N, 2]} (transposed);</li>
 *   <li>{@code group2.mem_param}, {@code group2.syn_param} {@code [N]} → {@code hiddenLayer().tauMemRaw()},
 *       {@code tauSynRaw()}: τ = softplus(p)·20 ms / ·10 ms ({@code challenge/custom/lif.py} l. 206, 219);</li>
 *   <li>{@code group3.mem_param_readout}, {@code group3.syn_param_readout} {@code [2]} →
 *       {@code readout().tauMemRaw()}, {@code tauSynRaw()}: τ = softplus(p)·50 ms / ·10 ms
 *       ({@code challenge/custom/readout.py} l. 273, 294).</li>
 * </ul>
 * The raw parameters are copied as they are (the kit applies the same softplus). The other keys
 * are the same tensors again: a stork connection keeps its source and target groups as submodules
 * ({@code stork/connections.py} l. 29–30), so {@code con<k>.src.*} / {@code con<k>.dst.*} repeat the
 * time-constant parameters of {@code group2} / {@code group3}, and the model's {@code output_group}
 * repeats {@code group3} ({@code stork/models.py} l. 58). They are recognised ({@link #ALIASES}),
 * checked to be the same storage view (or bit-identical) as the tensor they repeat, and not loaded
 * twice; any other key, a missing key, a wrong shape or a non-float type is refused naming the file
 * and the key. NeuroBench counts each tensor once, so the footprint is 10,500 (Indy) / 16,644
 * (Loco) values × 2 B.
 *
 * <p>The published per-seed metrics ({@code results/results_tinyRSNN_<recording>.json}) are read by
 * {@link #published}; their lists are not in file order ({@code evaluate.py} walks
 * {@code Path.iterdir()}), see {@link Published#matching}.
 *
 * <pre>{@code
 * ReleasedRsnn r = ReleasedRsnn.load(be, Path.of("data/reference/rsnn-released/models/indy01/tinyRSNN-1.pth"));
 * Rsnn model = r.model();                        // Config.tiny(96), parameters as released (float16 values)
 * ReleasedRsnn.Static s = r.staticMetrics();     // footprint 21000 B, sparsity 0.4498, dense 10368
 * }</pre>
 */
public final class ReleasedRsnn {

    /** Session folder of the released models → recording name ({@code conf/data/filenames/filenames.yaml}). */
    public static final Map<String, String> SESSIONS = Collections.unmodifiableMap(new LinkedHashMap<>(Map.of(
            "indy01", "indy_20160622_01", "indy02", "indy_20160630_01", "indy03", "indy_20170131_02",
            "loco01", "loco_20170210_03", "loco02", "loco_20170215_02", "loco03", "loco_20170301_05")));

    public static final String INPUT_WEIGHT = "con1.op.weight";
    public static final String RECURRENT_WEIGHT = "con2.op.weight";
    public static final String READOUT_WEIGHT = "con3.op.weight";
    public static final String HIDDEN_MEM = "group2.mem_param";
    public static final String HIDDEN_SYN = "group2.syn_param";
    public static final String READOUT_MEM = "group3.mem_param_readout";
    public static final String READOUT_SYN = "group3.syn_param_readout";

    /** The keys loaded, in this order. */
    public static final List<String> KEYS = List.of(INPUT_WEIGHT, RECURRENT_WEIGHT, READOUT_WEIGHT, HIDDEN_MEM, HIDDEN_SYN,
            READOUT_MEM, READOUT_SYN);

    /** Keys that repeat a loaded tensor (stork submodule aliases) → the key they repeat. */
    public static final Map<String, String> ALIASES;

    static {
        Map<String, String> a = new LinkedHashMap<>();
        for (String k : List.of("con1.dst", "con2.src", "con2.dst", "con3.src")) {
            a.put(k + ".mem_param", HIDDEN_MEM);
            a.put(k + ".syn_param", HIDDEN_SYN);
        }
        for (String k : List.of("con3.dst", "output_group")) {
            a.put(k + ".mem_param_readout", READOUT_MEM);
            a.put(k + ".syn_param_readout", READOUT_SYN);
        }
        ALIASES = Collections.unmodifiableMap(a);
    }

    private final Path file;
    private final Rsnn model;
    private final DType parameterType;
    private final Map<String, TorchCheckpoint.Entry> tensors;
    private final Map<String, String> aliasesFound;

    private ReleasedRsnn(Path file, Rsnn model, DType parameterType, Map<String, TorchCheckpoint.Entry> tensors,
                         Map<String, String> aliasesFound) {
        this.file = file;
        this.model = model;
        this.parameterType = parameterType;
        this.tensors = tensors;
        this.aliasesFound = aliasesFound;
    }

    /**
     * Loads a released tinyRSNN checkpoint into a new {@link Rsnn} ({@code Config.tiny(inputs)}; a
     * hidden size other than 64 gives {@code withHidden(N)}).
     *
     * @throws DataException naming the file and key for anything but a tinyRSNN stork state dict
     */
    public static ReleasedRsnn load(Backend be, Path pth) {
        TorchCheckpoint ck = TorchCheckpoint.read(pth);
        Map<String, TorchCheckpoint.Entry> t = new LinkedHashMap<>();
        for (String k : KEYS) {
            if (!ck.has(k)) throw new DataException(pth, pth + ": tinyRSNN key '" + k + "' is missing (keys: " + ck.keys() + ")");
            t.put(k, ck.get(k));
        }
        Map<String, String> found = new LinkedHashMap<>();
        for (String k : ck.keys()) {
            if (t.containsKey(k)) continue;
            String of = ALIASES.get(k);
            if (of == null) {
                throw new DataException(pth, pth + ": unexpected key '" + k + "' (a tinyRSNN stork state dict has " + KEYS
                        + " and their aliases " + ALIASES.keySet() + ")");
            }
            TorchCheckpoint.Entry e = ck.get(k), base = t.get(of);
            if (!e.sameView(base) && !sameBits(e, base)) {
                throw new DataException(pth, pth + ": key '" + k + "' should repeat '" + of + "' (a stork alias) but is "
                        + e + " with other values than " + base);
            }
            found.put(k, of);
        }

        TorchCheckpoint.DType dt = t.get(INPUT_WEIGHT).dtype();
        for (TorchCheckpoint.Entry e : t.values()) {
            if (e.dtype() != dt || (dt != TorchCheckpoint.DType.FLOAT16 && dt != TorchCheckpoint.DType.FLOAT32)) {
                throw new DataException(pth, pth + ": tensor '" + e.name() + "' is " + e.dtype() + "; a released tinyRSNN "
                        + "holds FLOAT16 (or FLOAT32) tensors, all of one type (" + INPUT_WEIGHT + " is " + dt + ")");
            }
        }
        int[] win = t.get(INPUT_WEIGHT).shape();
        requireRank(pth, t.get(INPUT_WEIGHT), 2);
        int n = win[0], in = win[1];
        if (n <= 0 || in <= 0) throw new DataException(pth, pth + ": '" + INPUT_WEIGHT + "' has shape " + Arrays.toString(win));
        requireShape(pth, t.get(RECURRENT_WEIGHT), n, n);
        requireShape(pth, t.get(READOUT_WEIGHT), 2, n);
        requireShape(pth, t.get(HIDDEN_MEM), n);
        requireShape(pth, t.get(HIDDEN_SYN), n);
        requireShape(pth, t.get(READOUT_MEM), 2);
        requireShape(pth, t.get(READOUT_SYN), 2);

        Rsnn.Config cfg = Rsnn.Config.tiny(in);
        if (n != cfg.hidden()) cfg = cfg.withHidden(n);
        Rsnn m = new Rsnn(be, cfg, 0L);
        set(be, m.hiddenLayer().w(), transpose(t.get(INPUT_WEIGHT).floats(), n, in));
        set(be, m.hiddenLayer().v(), transpose(t.get(RECURRENT_WEIGHT).floats(), n, n));
        set(be, m.readout().w(), transpose(t.get(READOUT_WEIGHT).floats(), 2, n));
        set(be, m.hiddenLayer().tauMemRaw(), t.get(HIDDEN_MEM).floats());
        set(be, m.hiddenLayer().tauSynRaw(), t.get(HIDDEN_SYN).floats());
        set(be, m.readout().tauMemRaw(), t.get(READOUT_MEM).floats());
        set(be, m.readout().tauSynRaw(), t.get(READOUT_SYN).floats());
        DType type = dt == TorchCheckpoint.DType.FLOAT16 ? DType.FLOAT16 : DType.FLOAT32;
        return new ReleasedRsnn(pth, m, type, Collections.unmodifiableMap(t), Collections.unmodifiableMap(found));
    }

    private static boolean sameBits(TorchCheckpoint.Entry a, TorchCheckpoint.Entry b) {
        if (a.dtype() != b.dtype() || !Arrays.equals(a.shape(), b.shape()) || !a.dtype().floating()) return false;
        double[] x = a.doubles(), y = b.doubles();
        for (int i = 0; i < x.length; i++) if (Double.doubleToRawLongBits(x[i]) != Double.doubleToRawLongBits(y[i])) return false;
        return true;
    }

    private static void requireRank(Path f, TorchCheckpoint.Entry e, int rank) {
        if (e.shape().length != rank) {
            throw new DataException(f, f + ": '" + e.name() + "' has shape " + Arrays.toString(e.shape()) + ", expected rank " + rank);
        }
    }

    private static void requireShape(Path f, TorchCheckpoint.Entry e, int... shape) {
        if (!Arrays.equals(e.shape(), shape)) {
            throw new DataException(f, f + ": '" + e.name() + "' has shape " + Arrays.toString(e.shape()) + ", expected "
                    + Arrays.toString(shape) + " (hidden size from " + INPUT_WEIGHT + " [N, inputs], 2 outputs)");
        }
    }

    /** {@code a} is {@code [rows, cols]} row-major; returns {@code [cols, rows]}. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] out = new float[a.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
        return out;
    }

    private static void set(Backend be, Parameter p, float[] values) {
        be.copy(be.fromHost(values, p.shape()), p.value());
    }

    /** The checkpoint file. */
    public Path file() { return file; }

    /** The loaded model. */
    public Rsnn model() { return model; }

    /** Input channels (96 Indy, 192 Loco). */
    public int inputs() { return model.inputs(); }

    /** Storage type of the released tensors (FLOAT16 for the published checkpoints). */
    public DType parameterType() { return parameterType; }

    /** The aliased keys found in the file → the loaded key each repeats. */
    public Map<String, String> aliases() { return aliasesFound; }

    /** A loaded key's tensor as stored in the file (PyTorch layout, e.g. {@code [out, in]}). */
    public TorchCheckpoint.Entry tensor(String key) {
        TorchCheckpoint.Entry e = tensors.get(key);
        if (e == null) throw new IllegalArgumentException("no loaded key '" + key + "' (keys: " + KEYS + ")");
        return e;
    }

    /** The raw float16 bit patterns of a loaded key, in the file's layout (FLOAT16 checkpoints). */
    public short[] halfBits(String key) { return tensor(key).float16Bits(); }

    /** NeuroBench description of the model with the released storage type. */
    public MetricModel describe() { return model.describe(parameterType); }

    /**
     * The static NeuroBench metrics of the loaded model.
     *
     * @param footprintBytes     parameters × element size (2 B for float16)
     * @param parameters         parameter elements, each tensor once
     * @param connectionSparsity zero fraction of the three weight matrices, rounded to 4 decimals
     * @param denseOps           synaptic operations per step with every input non-zero
     */
    public record Static(long footprintBytes, long parameters, double connectionSparsity, long denseOps) {}

    /** Footprint, parameter count, connection sparsity and dense operations of {@link #describe()}. */
    public Static staticMetrics() {
        MetricModel mm = describe();
        return new Static(new Footprint().of(mm), new ParameterCount().of(mm), new ConnectionSparsity().of(mm),
                new DenseOperations().of(mm));
    }

    // ---- published results -------------------------------------------------------------------------

    /**
     * A session's published per-seed metrics ({@code results/results_tinyRSNN_<recording>.json} of
     * the authors' repository): parallel lists, one entry per evaluated checkpoint, in the order the
     * authors' {@code evaluate.py} met the files ({@code Path.iterdir()}, not the file numbers).
     */
    public record Published(String session, String recording, List<Double> footprint, List<Double> connectionSparsity,
                            List<Double> activationSparsity, List<Double> dense, List<Double> macs, List<Double> acs,
                            List<Double> r2) {

        /** Number of entries. */
        public int size() { return r2.size(); }

        /**
         * Indices of the entries whose footprint, connection sparsity and dense operations equal
         * {@code s} (the static metrics identify a checkpoint only when one index remains).
         */
        public List<Integer> matching(Static s) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < size(); i++) {
                if (footprint.get(i) == s.footprintBytes() && connectionSparsity.get(i) == s.connectionSparsity()
                        && dense.get(i) == s.denseOps()) out.add(i);
            }
            return out;
        }
    }

    /**
     * Reads the published metrics of a session folder name ({@link #SESSIONS}) from a reference set
     * laid out as {@code data/reference/rsnn-released/} ({@code results/results_tinyRSNN_<recording>.json}).
     */
    public static Published published(Path setDir, String session) {
        String rec = SESSIONS.get(session);
        if (rec == null) throw new IllegalArgumentException("unknown released session folder '" + session + "' (known: " + SESSIONS.keySet() + ")");
        Path f = setDir.resolve("results").resolve("results_tinyRSNN_" + rec + ".json");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new DataException(f, f + ": cannot read the published results (" + e.getMessage() + ")", e);
        }
        List<List<Double>> cols = new ArrayList<>();
        int n = -1;
        for (String k : List.of("footprint", "connection_sparsity", "activation_sparsity", "dense", "macs", "acs", "r2")) {
            JsonNode a = root.get(k);
            if (a == null || !a.isArray()) throw new DataException(f, f + ": field '" + k + "' is missing or not a list");
            List<Double> v = new ArrayList<>();
            for (JsonNode x : a) {
                if (!x.isNumber()) throw new DataException(f, f + ": field '" + k + "' holds a non-number " + x);
                v.add(x.doubleValue());
            }
            if (n >= 0 && v.size() != n) throw new DataException(f, f + ": field '" + k + "' has " + v.size() + " entries, others " + n);
            n = v.size();
            cols.add(List.copyOf(v));
        }
        Set<String> unknown = new java.util.TreeSet<>();
        root.fieldNames().forEachRemaining(unknown::add);
        unknown.removeAll(Set.of("footprint", "connection_sparsity", "activation_sparsity", "dense", "macs", "acs", "r2"));
        if (!unknown.isEmpty()) throw new DataException(f, f + ": unexpected fields " + unknown);
        return new Published(session, rec, cols.get(0), cols.get(1), cols.get(2), cols.get(3), cols.get(4), cols.get(5), cols.get(6));
    }

    /** The released checkpoints of a reference set: {@code models/<session>/tinyRSNN-*.pth}, sorted. */
    public static List<Path> checkpoints(Path setDir) {
        Path models = setDir.resolve("models");
        List<Path> out = new ArrayList<>();
        try (var sessions = Files.list(models)) {
            for (Path s : sessions.filter(Files::isDirectory).sorted().toList()) {
                try (var files = Files.list(s)) {
                    files.filter(p -> p.getFileName().toString().matches("tinyRSNN-.*\\.pth")).sorted().forEach(out::add);
                }
            }
        } catch (IOException e) {
            throw new DataException(models, models + ": cannot list the released checkpoints (" + e.getMessage() + ")", e);
        }
        return out;
    }
}
