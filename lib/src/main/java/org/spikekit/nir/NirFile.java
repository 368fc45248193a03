package org.spikekit.nir;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.data.DataException;
import org.spikekit.data.format.hdf5.Hdf5Writer;

/**
 * Reads and writes NIR files: HDF5 in the layout of NIR's {@code nir.write} (neuromorphs/NIR
 * {@code nir/serialization.py}):
 * <pre>
 *   /version                 string, the NIR library version that wrote the file
 *   /node/type               "NIRGraph"
 *   /node/nodes/&lt;name&gt;/type   the primitive's type name; one dataset per parameter beside it
 *   /node/nodes/&lt;name&gt;/metadata/…   optional
 *   /node/edges              strings [E, 2]: (source, target) names
 *   /node/metadata/…         optional
 * </pre>
 * A node of type {@code NIRGraph} nests the same layout ({@code nodes}, {@code edges}). Parameters
 * are float32 or float64 arrays of any shape; Input and Output store {@code shape} (int64), Flatten
 * {@code start_dim}, {@code end_dim} and optionally {@code input_type}. A missing {@code v_reset} is 0
 * and a missing {@code w_in} is 1, as NIR's reader has them.
 *
 * <p>Reading is done with jhdf; the whole graph is loaded. Errors name the file and the HDF5 path:
 * an unknown type, a known NIR type the kit cannot run ({@link NirNode#KNOWN_UNSUPPORTED}), a missing
 * or ill-typed parameter, parameters of inconsistent shapes, an edge naming no node. Writing uses the
 * kit's {@link Hdf5Writer} (contiguous datasets, no compression; {@code nir.write} gzips by default,
 * which readers do not need) with exactly the fields NIR's {@code from_dict} expects for each type,
 * version {@value #WRITTEN_VERSION}.
 */
public final class NirFile {
    private NirFile() {}

    /** The {@code version} the kit writes: the NIR release whose layout it follows (neuromorphs/NIR v1.0.7). */
    public static final String WRITTEN_VERSION = "1.0.7";

    // ------------------------------------------------------------------ reading

    /** Reads the graph of a NIR file. */
    public static NirGraph read(Path file) {
        if (!Files.isRegularFile(file)) throw new DataException(file, file + ": no such NIR file");
        try (HdfFile h = new HdfFile(file)) {
            Node node = h.getChild("node");
            if (!(node instanceof Group g)) throw new DataException(file, file + ": no group /node (not a NIR file written by nir.write)");
            NirNode root = readNode(file, g, "/node");
            if (!(root instanceof NirGraph graph)) {
                throw new DataException(file, file + ": /node has type " + root.type() + ", expected NIRGraph");
            }
            return graph;
        } catch (DataException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new DataException(file, file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new DataException(file, file + ": cannot read as HDF5/NIR (" + e + ")", e);
        }
    }

    /** The {@code version} string of a NIR file. */
    public static String version(Path file) {
        if (!Files.isRegularFile(file)) throw new DataException(file, file + ": no such NIR file");
        try (HdfFile h = new HdfFile(file)) {
            if (!(h.getChild("version") instanceof Dataset d) || !(scalar(d.getData()) instanceof String s)) {
                throw new DataException(file, file + ": no string dataset /version");
            }
            return s;
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DataException(file, file + ": cannot read as HDF5 (" + e + ")", e);
        }
    }

    private static NirNode readNode(Path f, Group g, String path) {
        String type = string(f, g, "type", path);
        Map<String, Object> meta = g.getChild("metadata") instanceof Group m ? readMetadata(f, m, path + "/metadata") : null;
        try {
            return switch (type) {
                case "NIRGraph" -> readGraph(f, g, path, meta);
                case "Input" -> new NirNode.Input(ints(f, g, "shape", path), meta);
                case "Output" -> new NirNode.Output(ints(f, g, "shape", path), meta);
                case "Affine" -> new NirNode.Affine(array(f, g, "weight", path), array(f, g, "bias", path), meta);
                case "Linear" -> new NirNode.Linear(array(f, g, "weight", path), meta);
                case "Scale" -> new NirNode.Scale(array(f, g, "scale", path), meta);
                case "Threshold" -> new NirNode.Threshold(array(f, g, "threshold", path), meta);
                case "Flatten" -> new NirNode.Flatten(optionalInts(f, g, "input_type", path), intScalar(f, g, "start_dim", path),
                        intScalar(f, g, "end_dim", path), meta);
                case "I" -> new NirNode.Integrator(array(f, g, "r", path), meta);
                case "IF" -> new NirNode.If(array(f, g, "r", path), array(f, g, "v_threshold", path),
                        optionalArray(f, g, "v_reset", path), meta);
                case "LI" -> new NirNode.Li(array(f, g, "tau", path), array(f, g, "r", path), array(f, g, "v_leak", path), meta);
                case "LIF" -> new NirNode.Lif(array(f, g, "tau", path), array(f, g, "r", path), array(f, g, "v_leak", path),
                        array(f, g, "v_threshold", path), optionalArray(f, g, "v_reset", path), meta);
                case "CubaLI" -> new NirNode.CubaLi(array(f, g, "tau_syn", path), array(f, g, "tau_mem", path),
                        array(f, g, "r", path), array(f, g, "v_leak", path), optionalArray(f, g, "w_in", path), meta);
                case "CubaLIF" -> new NirNode.CubaLif(array(f, g, "tau_syn", path), array(f, g, "tau_mem", path),
                        array(f, g, "r", path), array(f, g, "v_leak", path), array(f, g, "v_threshold", path),
                        optionalArray(f, g, "v_reset", path), optionalArray(f, g, "w_in", path), meta);
                case "Delay" -> new NirNode.Delay(array(f, g, "delay", path), meta);
                default -> throw new DataException(f, f + ": " + path + " has type '" + type + "', "
                        + (NirNode.KNOWN_UNSUPPORTED.contains(type) ? "a NIR primitive the kit does not implement" : "not a NIR primitive")
                        + " (the kit reads " + NirNode.SUPPORTED + ")");
            };
        } catch (IllegalArgumentException e) {
            throw new DataException(f, f + ": " + path + ": " + e.getMessage(), e);
        }
    }

    private static NirGraph readGraph(Path f, Group g, String path, Map<String, Object> meta) {
        if (!(g.getChild("nodes") instanceof Group ng)) throw new DataException(f, f + ": " + path + " (NIRGraph) has no group 'nodes'");
        Map<String, NirNode> nodes = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : ng.getChildren().entrySet()) {
            if (!(e.getValue() instanceof Group c)) {
                throw new DataException(f, f + ": " + path + "/nodes/" + e.getKey() + " is not a group (every node is one)");
            }
            nodes.put(e.getKey(), readNode(f, c, path + "/nodes/" + e.getKey()));
        }
        List<NirGraph.Edge> edges = new ArrayList<>();
        if (!(g.getChild("edges") instanceof Dataset ed)) throw new DataException(f, f + ": " + path + " (NIRGraph) has no dataset 'edges'");
        int[] dims = ed.getDimensions();
        long count = 1;
        for (int d : dims) count *= d;
        if (count > 0) {
            if (dims.length != 2 || dims[1] != 2 || !(ed.getData() instanceof String[][] pairs)) {
                throw new DataException(f, f + ": " + path + "/edges must be strings of shape [E, 2], got shape " + Arrays.toString(dims)
                        + " of " + ed.getJavaType().getSimpleName());
            }
            for (String[] p : pairs) edges.add(new NirGraph.Edge(p[0], p[1]));
        }
        return new NirGraph(nodes, edges, meta);
    }

    private static Dataset dataset(Path f, Group g, String name, String path) {
        if (!(g.getChild(name) instanceof Dataset d)) {
            throw new DataException(f, f + ": " + path + " (" + typeOf(g) + ") has no dataset '" + name + "'");
        }
        return d;
    }

    private static String typeOf(Group g) {
        return g.getChild("type") instanceof Dataset d && scalar(d.getData()) instanceof String s ? s : "?";
    }

    private static String string(Path f, Group g, String name, String path) {
        Dataset d = dataset(f, g, name, path);
        if (!(scalar(d.getData()) instanceof String s)) throw new DataException(f, f + ": " + path + "/" + name + " is not a string");
        return s;
    }

    private static Object scalar(Object o) {
        if (o != null && o.getClass().isArray() && Array.getLength(o) == 1) return Array.get(o, 0);
        return o;
    }

    private static NirArray optionalArray(Path f, Group g, String name, String path) {
        return g.getChild(name) == null ? null : array(f, g, name, path);
    }

    /** A numeric dataset of any rank as a NirArray (float32 flag from the HDF5 type). */
    private static NirArray array(Path f, Group g, String name, String path) {
        Dataset d = dataset(f, g, name, path);
        if (!(d.getDataType() instanceof FloatingPoint) && !(d.getDataType() instanceof FixedPoint)) {
            throw new DataException(f, f + ": " + path + "/" + name + " must be numeric, got " + d.getDataType().getClass().getSimpleName());
        }
        int[] dims = d.isScalar() ? new int[0] : d.getDimensions();
        double[] v = flatten(d.getData());
        if (v == null) throw new DataException(f, f + ": " + path + "/" + name + " is not a numeric array");
        boolean f32 = d.getDataType() instanceof FloatingPoint && d.getDataType().getSize() == 4;
        return new NirArray(dims, v, f32);
    }

    private static int[] ints(Path f, Group g, String name, String path) {
        int[] v = optionalInts(f, g, name, path);
        if (v == null) throw new DataException(f, f + ": " + path + " (" + typeOf(g) + ") has no dataset '" + name + "'");
        return v;
    }

    private static int[] optionalInts(Path f, Group g, String name, String path) {
        if (!(g.getChild(name) instanceof Dataset d)) return null;
        double[] v = flatten(d.getData());
        if (v == null) throw new DataException(f, f + ": " + path + "/" + name + " must be integers");
        int[] o = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || Math.abs(v[i]) > Integer.MAX_VALUE) {
                throw new DataException(f, f + ": " + path + "/" + name + " must be integers, got " + v[i]);
            }
            o[i] = (int) v[i];
        }
        return o;
    }

    private static int intScalar(Path f, Group g, String name, String path) {
        int[] v = ints(f, g, name, path);
        if (v.length != 1) throw new DataException(f, f + ": " + path + "/" + name + " must be one integer, got " + v.length);
        return v[0];
    }

    /** Any (nested) numeric Java array or boxed number, row-major, as doubles; null if not numeric. */
    static double[] flatten(Object o) {
        List<Double> out = new ArrayList<>();
        if (!flattenInto(o, out)) return null;
        double[] v = new double[out.size()];
        for (int i = 0; i < v.length; i++) v[i] = out.get(i);
        return v;
    }

    private static boolean flattenInto(Object o, List<Double> out) {
        if (o instanceof Number n) { out.add(n.doubleValue()); return true; }
        if (o instanceof Boolean b) { out.add(b ? 1.0 : 0.0); return true; }
        if (o == null || !o.getClass().isArray()) return false;
        int n = Array.getLength(o);
        for (int i = 0; i < n; i++) if (!flattenInto(Array.get(o, i), out)) return false;
        return true;
    }

    private static Map<String, Object> readMetadata(Path f, Group g, String path) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
            if (e.getValue() instanceof Group c) {
                m.put(e.getKey(), readMetadata(f, c, path + "/" + e.getKey()));
            } else if (e.getValue() instanceof Dataset d) {
                Object v = d.getData();
                if (d.getDataType() instanceof StringData || d.getDataType() instanceof VariableLength) {
                    Object s = scalar(v);
                    m.put(e.getKey(), s instanceof String str ? str : String.valueOf(v));
                } else if (d.isScalar() && v instanceof Number num) {
                    m.put(e.getKey(), num.doubleValue());
                } else {
                    double[] x = flatten(v);
                    if (x != null) m.put(e.getKey(), new NirArray(d.getDimensions(), x,
                            d.getDataType() instanceof FloatingPoint && d.getDataType().getSize() == 4));
                }
            }
        }
        return m;
    }

    // ------------------------------------------------------------------ writing

    /** Writes the graph as a NIR file (replacing the file atomically, see {@link Hdf5Writer#write}). */
    public static void write(Path file, NirGraph graph) {
        Hdf5Writer w = new Hdf5Writer();
        w.root().vlenString("version", WRITTEN_VERSION);
        writeNode(w.root().group("node"), graph);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            w.write(file);
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot write the NIR file (" + e.getMessage() + ")", e);
        }
    }

    private static void writeNode(Hdf5Writer.Group g, NirNode n) {
        switch (n) {
            case NirGraph gr -> {
                Hdf5Writer.Group nodes = g.group("nodes");
                gr.nodes().forEach((k, v) -> writeNode(nodes.group(k), v));
                String[] flat = new String[gr.edges().size() * 2];
                for (int i = 0; i < gr.edges().size(); i++) {
                    flat[2 * i] = gr.edges().get(i).source();
                    flat[2 * i + 1] = gr.edges().get(i).target();
                }
                g.vlenStrings("edges", new long[] {gr.edges().size(), 2}, flat);
            }
            case NirNode.Input in -> ints(g, "shape", in.shape());
            case NirNode.Output out -> ints(g, "shape", out.shape());
            case NirNode.Affine a -> { array(g, "weight", a.weight()); array(g, "bias", a.bias()); }
            case NirNode.Linear l -> array(g, "weight", l.weight());
            case NirNode.Scale s -> array(g, "scale", s.scale());
            case NirNode.Threshold t -> array(g, "threshold", t.threshold());
            case NirNode.Flatten fl -> {
                g.int64("start_dim", new long[0], new long[] {fl.startDim()});
                g.int64("end_dim", new long[0], new long[] {fl.endDim()});
                if (fl.inputShape() != null) ints(g, "input_type", fl.inputShape());
            }
            case NirNode.Integrator i -> array(g, "r", i.r());
            case NirNode.If i -> { array(g, "r", i.r()); array(g, "v_threshold", i.vThreshold()); array(g, "v_reset", i.vReset()); }
            case NirNode.Li l -> { array(g, "tau", l.tau()); array(g, "r", l.r()); array(g, "v_leak", l.vLeak()); }
            case NirNode.Lif l -> {
                array(g, "tau", l.tau()); array(g, "r", l.r()); array(g, "v_leak", l.vLeak());
                array(g, "v_threshold", l.vThreshold()); array(g, "v_reset", l.vReset());
            }
            case NirNode.CubaLi c -> {
                array(g, "tau_syn", c.tauSyn()); array(g, "tau_mem", c.tauMem()); array(g, "r", c.r());
                array(g, "v_leak", c.vLeak()); array(g, "w_in", c.wIn());
            }
            case NirNode.CubaLif c -> {
                array(g, "tau_syn", c.tauSyn()); array(g, "tau_mem", c.tauMem()); array(g, "r", c.r());
                array(g, "v_leak", c.vLeak()); array(g, "v_threshold", c.vThreshold()); array(g, "v_reset", c.vReset());
                array(g, "w_in", c.wIn());
            }
            case NirNode.Delay d -> array(g, "delay", d.delay());
        }
        g.vlenString("type", n.type());
        if (!n.metadata().isEmpty()) writeMetadata(g.group("metadata"), n.metadata());
    }

    private static void ints(Hdf5Writer.Group g, String name, int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) l[i] = v[i];
        g.int64(name, new long[] {v.length}, l);
    }

    private static long[] dims(int[] shape) {
        long[] d = new long[shape.length];
        for (int i = 0; i < d.length; i++) d[i] = shape[i];
        return d;
    }

    private static void array(Hdf5Writer.Group g, String name, NirArray a) {
        if (a.float32()) g.float32(name, dims(a.shape()), a.toFloats());
        else g.float64(name, dims(a.shape()), a.values());
    }

    @SuppressWarnings("unchecked")
    private static void writeMetadata(Hdf5Writer.Group g, Map<String, Object> m) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            switch (e.getValue()) {
                case String s -> g.vlenString(e.getKey(), s);
                case NirArray a -> array(g, e.getKey(), a);
                case Number num -> g.float64(e.getKey(), new long[0], new double[] {num.doubleValue()});
                case Map<?, ?> sub -> writeMetadata(g.group(e.getKey()), (Map<String, Object>) sub);
                default -> throw new IllegalArgumentException("NIR metadata '" + e.getKey() + "': cannot write a "
                        + e.getValue().getClass().getSimpleName() + " (strings, numbers, NirArray, maps)");
            }
        }
    }
}
