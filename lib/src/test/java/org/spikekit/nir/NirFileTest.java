package org.spikekit.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataException;
import org.spikekit.data.format.hdf5.Hdf5Writer;

/** NirFile: every primitive, nested graphs and metadata survive write → read; bad files get errors naming what is wrong. */
class NirFileTest {

    static NirArray v(double... x) { return NirArray.of(x); }

    static NirGraph everything() {
        Map<String, NirNode> sub = new LinkedHashMap<>();
        sub.put("in", new NirNode.Input(3));
        sub.put("lif", new NirNode.CubaLif(v(1e-3, 2e-3, 3e-3), v(1e-2, 1e-2, 2e-2), v(1, 2, 3), v(0, 0.1, 0), v(1, 1, 1.5),
                v(0, -0.2, 0), v(2, 2, 2)));
        sub.put("rec", new NirNode.Linear(NirArray.float32(new float[] {0, .5f, 0, 0, 0, -.5f, .25f, 0, 0}, 3, 3)));
        sub.put("out", new NirNode.Output(3));
        NirGraph inner = new NirGraph(sub, List.of(new NirGraph.Edge("in", "lif"), new NirGraph.Edge("lif", "rec"),
                new NirGraph.Edge("rec", "lif"), new NirGraph.Edge("lif", "out")), Map.of("about", "a recurrent subgraph"));
        Map<String, NirNode> n = new LinkedHashMap<>();
        n.put("input", new NirNode.Input(new int[] {2, 2}, Map.of("unit", "spikes")));
        n.put("flat", new NirNode.Flatten(new int[] {2, 2}, 0, -1));
        n.put("aff", new NirNode.Affine(NirArray.float32(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4), NirArray.float32(new float[] {0.5f, 0, -1}, 3)));
        n.put("sub", inner);
        n.put("scale", new NirNode.Scale(v(1, -1, 2)));
        n.put("thr", new NirNode.Threshold(v(0.5, 0.5, 0.5)));
        n.put("delay", new NirNode.Delay(v(1e-4, 2e-4, 0)));
        n.put("li", new NirNode.Li(v(5e-3, 5e-3, 5e-3), v(1, 1, 1), v(0, 0, 0)));
        n.put("lif", new NirNode.Lif(v(5e-3, 5e-3, 5e-3), v(1, 1, 1), v(0, 0, 0), v(1, 1, 1), v(0, 0, 0)));
        n.put("if", new NirNode.If(v(1, 1, 1), v(2, 2, 2), v(0, 0, 0)));
        n.put("integ", new NirNode.Integrator(v(1, 1, 1)));
        n.put("culi", new NirNode.CubaLi(v(1e-3, 1e-3, 1e-3), v(4e-3, 4e-3, 4e-3), v(1, 1, 1), v(0, 0, 0), v(1, 1, 1),
                Map.of("spikekit_initial_v", NirArray.float32(new float[] {-0.01f, -0.01f, -0.01f}, 3), "n", 3.0, "deep", Map.of("k", "v"))));
        n.put("output", new NirNode.Output(3));
        List<NirGraph.Edge> e = List.of(new NirGraph.Edge("input", "flat"), new NirGraph.Edge("flat", "aff"), new NirGraph.Edge("aff", "sub"),
                new NirGraph.Edge("sub", "scale"), new NirGraph.Edge("scale", "thr"), new NirGraph.Edge("thr", "delay"),
                new NirGraph.Edge("delay", "li"), new NirGraph.Edge("li", "lif"), new NirGraph.Edge("lif", "if"), new NirGraph.Edge("if", "integ"),
                new NirGraph.Edge("integ", "culi"), new NirGraph.Edge("culi", "output"), new NirGraph.Edge("sub.out", "output"));
        return new NirGraph(n, e, Map.of("spikekit_dt", 1e-4));
    }

    @Test
    void everyPrimitiveNestedGraphAndMetadataRoundTrip(@TempDir Path tmp) {
        NirGraph g = everything();
        Path f = tmp.resolve("all.nir");
        NirFile.write(f, g);
        assertEquals(NirFile.WRITTEN_VERSION, NirFile.version(f));
        NirGraph back = NirFile.read(f);
        assertEquals(g, back);
        assertEquals(NirNode.SUPPORTED.size(), back.nodes().values().stream().map(NirNode::type).distinct().count()
                + ((NirGraph) back.node("sub")).nodes().values().stream().map(NirNode::type).filter(t -> !t.equals("Input") && !t.equals("Output")
                && back.nodes().values().stream().noneMatch(x -> x.type().equals(t))).distinct().count(), "all supported types are in the test graph");
        // and it runs
        NirNetwork net = NirNetwork.build(new org.spikekit.compute.CpuBackend(), back, NirOptions.of(1e-4));
        assertEquals(List.of("output"), net.outputs());
    }

    private static Hdf5Writer.Group nirFile(Hdf5Writer w) {
        w.root().vlenString("version", "1.0.7");
        Hdf5Writer.Group node = w.root().group("node");
        node.vlenString("type", "NIRGraph");
        return node;
    }

    private static DataException readFails(Path f) {
        return assertThrows(DataException.class, () -> NirFile.read(f));
    }

    @Test
    void unknownAndUnsupportedTypesAreNamed(@TempDir Path tmp) throws IOException {
        for (String type : List.of("Foo", "Conv2d")) {
            Hdf5Writer w = new Hdf5Writer();
            Hdf5Writer.Group node = nirFile(w);
            Hdf5Writer.Group x = node.group("nodes").group("x");
            x.vlenString("type", type);
            node.vlenStrings("edges", new long[] {0, 2}, new String[0]);
            Path f = tmp.resolve(type + ".nir");
            w.write(f);
            String m = readFails(f).getMessage();
            assertTrue(m.contains("/node/nodes/x") && m.contains("'" + type + "'"), m);
            assertTrue(m.contains(type.equals("Foo") ? "not a NIR primitive" : "does not implement"), m);
        }
    }

    @Test
    void missingParametersShapeMismatchesAndBadEdgesAreNamed(@TempDir Path tmp) throws IOException {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group node = nirFile(w);
        Hdf5Writer.Group lif = node.group("nodes").group("lif");
        lif.vlenString("type", "CubaLIF");
        lif.float64("tau_syn", new long[] {3}, new double[] {1, 1, 1});
        node.vlenStrings("edges", new long[] {0, 2}, new String[0]);
        Path f = tmp.resolve("missing.nir");
        w.write(f);
        String m = readFails(f).getMessage();
        assertTrue(m.contains("/node/nodes/lif") && m.contains("'tau_mem'"), m);

        w = new Hdf5Writer();
        node = nirFile(w);
        Hdf5Writer.Group l = node.group("nodes").group("l");
        l.vlenString("type", "LIF");
        l.float64("tau", new long[] {3}, new double[] {1e-3, 1e-3, 1e-3});
        l.float64("r", new long[] {3}, new double[] {1, 1, 1});
        l.float64("v_leak", new long[] {1}, new double[] {0});                 // a scalar broadcasts, as in NIR
        l.float64("v_threshold", new long[] {4}, new double[] {1, 1, 1, 1});
        node.vlenStrings("edges", new long[] {0, 2}, new String[0]);
        f = tmp.resolve("shape.nir");
        w.write(f);
        m = readFails(f).getMessage();
        assertTrue(m.contains("LIF.v_threshold has shape [4], expected [3]"), m);

        w = new Hdf5Writer();
        node = nirFile(w);
        Hdf5Writer.Group in = node.group("nodes").group("in");
        in.vlenString("type", "Input");
        in.int64("shape", new long[] {1}, new long[] {2});
        node.vlenStrings("edges", new long[] {1, 2}, new String[] {"in", "nowhere"});
        f = tmp.resolve("edge.nir");
        w.write(f);
        m = readFails(f).getMessage();
        assertTrue(m.contains("no node 'nowhere'"), m);

        w = new Hdf5Writer();
        w.root().float64("x", new long[] {1}, new double[] {1});
        f = tmp.resolve("plain.h5");
        w.write(f);
        m = readFails(f).getMessage();
        assertTrue(m.contains("no group /node"), m);
    }
}
