package org.spikekit.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * NirNetwork's discrete semantics, each against a plain double-precision recurrence written here
 * from NIR's equations and the reference implementation of CubaLIF
 * ({@code paper/03_rnn/extras/debug_CubaLIF/nir_reference_impl.py}: I updated with this step's
 * input, v with the previous current), plus graph handling: nesting, summed and duplicated edges,
 * cycles, Flatten, shape errors.
 */
class NirNetworkTest {
    final Backend be = new CpuBackend();
    static final double DT = 1e-3;

    static NirArray v(double... x) { return NirArray.of(x); }

    static NirGraph chain(Map<String, NirNode> nodes) {
        List<String> names = List.copyOf(nodes.keySet());
        List<NirGraph.Edge> e = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < names.size(); i++) e.add(new NirGraph.Edge(names.get(i), names.get(i + 1)));
        return new NirGraph(nodes, e);
    }

    double[][] randomInput(int t, int n, long seed, double scale) {
        Random r = new Random(seed);
        double[][] x = new double[t][n];
        for (double[] row : x) for (int j = 0; j < n; j++) row[j] = r.nextDouble() < 0.3 ? scale * r.nextDouble() : 0;
        return x;
    }

    Tensor tensor(double[][] x) {
        float[] f = new float[x.length * x[0].length];
        for (int t = 0; t < x.length; t++) for (int j = 0; j < x[0].length; j++) f[t * x[0].length + j] = (float) x[t][j];
        return be.fromHost(f, x.length, 1, x[0].length);
    }

    @Test
    void cubaLifFollowsTheReferenceImplementation() {
        // per-neuron parameters, v_leak, v_reset, R and w_in away from the kit's values
        NirNode.CubaLif c = new NirNode.CubaLif(v(2e-3, 5e-3, 3e-3), v(1e-2, 4e-3, 2e-2), v(1.5, 1, 2), v(0.1, 0, -0.05),
                v(1, 0.8, 1.2), v(0, 0.2, -0.1), v(3, 5, 2));
        Map<String, NirNode> n = new LinkedHashMap<>();
        n.put("in", new NirNode.Input(3));
        n.put("c", c);
        n.put("out", new NirNode.Output(3));
        double[][] x = randomInput(500, 3, 1, 2.0);
        for (NirOptions.ResetTiming timing : NirOptions.ResetTiming.values()) {
            float[] z = be.toHost(NirNetwork.build(be, chain(n), new NirOptions(DT, timing, true)).run(tensor(x)).output());
            double[] vv = new double[3], ii = new double[3];
            boolean[] prev = new boolean[3];
            int spikes = 0;
            for (int t = 0; t < x.length; t++) {
                for (int j = 0; j < 3; j++) {
                    double qm = DT / c.tauMem().get(j), qs = DT / c.tauSyn().get(j);
                    double vn = vv[j] + qm * (c.vLeak().get(j) - vv[j] + c.r().get(j) * ii[j]);   // previous I
                    if (timing == NirOptions.ResetTiming.NEXT_STEP && prev[j]) vn = c.vReset().get(j);
                    ii[j] = ii[j] + qs * (-ii[j] + c.wIn().get(j) * x[t][j]);
                    boolean s = vn > c.vThreshold().get(j);
                    assertEquals(s ? 1f : 0f, z[t * 3 + j], 0f, timing + " t=" + t + " j=" + j);
                    vv[j] = s && timing == NirOptions.ResetTiming.SAME_STEP ? c.vReset().get(j) : vn;
                    prev[j] = s;
                    if (s) spikes++;
                }
            }
            assertTrue(spikes > 20, "the check needs spikes, got " + spikes);
        }
    }

    @Test
    void leakyIntegratorsAndDelayFollowTheirEquations() {
        Map<String, NirNode> n = new LinkedHashMap<>();
        n.put("in", new NirNode.Input(3));
        n.put("li", new NirNode.Li(v(4e-3, 1e-2, 2e-3), v(1, 2, 0.5), v(0, 0.3, 0)));
        n.put("d", new NirNode.Delay(v(0, 1e-3, 3e-3)));
        n.put("cli", new NirNode.CubaLi(v(2e-3, 2e-3, 5e-3), v(5e-3, 1e-2, 1e-2), v(1, 1, 2), v(0, 0, 0.1), v(1, 2, 1)));
        n.put("out", new NirNode.Output(3));
        double[][] x = randomInput(200, 3, 2, 1.0);
        NirNetwork.Run r = NirNetwork.build(be, chain(n), NirOptions.of(DT)).run(tensor(x));
        float[] li = be.toHost(r.node("li")), d = be.toHost(r.node("d")), cli = be.toHost(r.output());
        NirNode.Li l = (NirNode.Li) n.get("li");
        NirNode.CubaLi c = (NirNode.CubaLi) n.get("cli");
        int[] k = {0, 1, 3};
        double[] vl = new double[3], vc = new double[3], ic = new double[3];
        double[][] liv = new double[200][3];
        for (int t = 0; t < 200; t++) {
            for (int j = 0; j < 3; j++) {
                double q = DT / l.tau().get(j);
                vl[j] = vl[j] + q * (l.vLeak().get(j) - vl[j] + l.r().get(j) * x[t][j]);
                liv[t][j] = vl[j];
                assertEquals(vl[j], li[t * 3 + j], 1e-5, "LI t=" + t);
                double dv = t - k[j] >= 0 ? liv[t - k[j]][j] : 0;
                assertEquals(dv, d[t * 3 + j], 1e-5, "Delay t=" + t);
                double qm = DT / c.tauMem().get(j), qs = DT / c.tauSyn().get(j);
                vc[j] = vc[j] + qm * (c.vLeak().get(j) - vc[j] + c.r().get(j) * ic[j]);
                ic[j] = ic[j] + qs * (-ic[j] + c.wIn().get(j) * dv);
                assertEquals(vc[j], cli[t * 3 + j], 1e-5, "CubaLI t=" + t);
            }
        }
    }

    @Test
    void integratorIfScaleThresholdAndAffine() {
        Map<String, NirNode> n = new LinkedHashMap<>();
        n.put("in", new NirNode.Input(2));
        n.put("aff", new NirNode.Affine(NirArray.float32(new float[] {1, -1, 0.5f, 2}, 2, 2), NirArray.float32(new float[] {0.25f, 0}, 2)));
        n.put("scale", new NirNode.Scale(v(2, -1)));
        n.put("integ", new NirNode.Integrator(v(100, 50)));
        n.put("thr", new NirNode.Threshold(v(0.5, -0.5)));
        n.put("if", new NirNode.If(v(200, 400), v(1, 0.5), v(0, 0)));
        n.put("out", new NirNode.Output(2));
        double[][] x = randomInput(150, 2, 3, 1.0);
        NirNetwork.Run r = NirNetwork.build(be, chain(n), NirOptions.of(DT)).run(tensor(x));
        float[] integ = be.toHost(r.node("integ")), thr = be.toHost(r.node("thr")), out = be.toHost(r.output());
        double[] vi = new double[2], vf = new double[2];
        double[][] w = {{1, -1}, {0.5, 2}};
        double[] b = {0.25, 0}, s = {2, -1}, ri = {100, 50}, th = {0.5, -0.5}, rf = {200, 400}, tf = {1, 0.5};
        int fired = 0;
        for (int t = 0; t < 150; t++) {
            for (int j = 0; j < 2; j++) {
                double a = w[j][0] * x[t][0] + w[j][1] * x[t][1] + b[j];
                vi[j] += DT * ri[j] * s[j] * a;
                assertEquals(vi[j], integ[t * 2 + j], 1e-4, "I t=" + t);
                double z = integ[t * 2 + j] > th[j] ? 1 : 0;                  // on the kit's own float v, to avoid ties
                assertEquals(z, thr[t * 2 + j], 0.0, "Threshold t=" + t);
                vf[j] += DT * rf[j] * z;
                boolean sp = vf[j] > tf[j];
                assertEquals(sp ? 1f : 0f, out[t * 2 + j], 0f, "IF t=" + t);
                if (sp) { vf[j] = 0; fired++; }
            }
        }
        assertTrue(fired > 0);
    }

    /** The Braille subgraph form (a nested graph holding the neuron and its recurrent weights) runs like the flat form. */
    @Test
    void nestedGraphRunsLikeItsFlatForm() {
        NirNode.CubaLif lif = new NirNode.CubaLif(v(2e-3, 2e-3), v(5e-3, 5e-3), v(5, 5), v(0, 0), v(1, 1), null, v(2, 2));
        NirNode.Affine rec = new NirNode.Affine(NirArray.float32(new float[] {0, -2, 1.5f, 0}, 2, 2), NirArray.float32(new float[] {0.1f, 0}, 2));
        NirNode.Linear fc = new NirNode.Linear(NirArray.float32(new float[] {3, 0, 1, 2, 0, 4}, 2, 3));
        Map<String, NirNode> flat = new LinkedHashMap<>();
        flat.put("input", new NirNode.Input(3));
        flat.put("fc", fc);
        flat.put("lif", lif);
        flat.put("rec", rec);
        flat.put("output", new NirNode.Output(2));
        NirGraph gf = new NirGraph(flat, List.of(new NirGraph.Edge("input", "fc"), new NirGraph.Edge("fc", "lif"),
                new NirGraph.Edge("lif", "rec"), new NirGraph.Edge("rec", "lif"), new NirGraph.Edge("lif", "output")));
        Map<String, NirNode> sub = new LinkedHashMap<>();
        sub.put("input", new NirNode.Input(2));
        sub.put("lif", lif);
        sub.put("rec", rec);
        sub.put("output", new NirNode.Output(2));
        NirGraph sg = new NirGraph(sub, List.of(new NirGraph.Edge("input", "lif"), new NirGraph.Edge("lif", "rec"),
                new NirGraph.Edge("rec", "lif"), new NirGraph.Edge("lif", "output")));
        Map<String, NirNode> top = new LinkedHashMap<>();
        top.put("input", new NirNode.Input(3));
        top.put("fc", fc);
        top.put("rnn", sg);
        top.put("output", new NirNode.Output(2));
        NirGraph gn = new NirGraph(top, List.of(new NirGraph.Edge("input", "fc"), new NirGraph.Edge("fc", "rnn"), new NirGraph.Edge("rnn", "output")));
        Tensor x = tensor(randomInput(300, 3, 4, 1.0));
        float[] a = be.toHost(NirNetwork.build(be, gf, NirOptions.of(DT)).run(x).output());
        NirNetwork nn = NirNetwork.build(be, gn, NirOptions.of(DT));
        assertTrue(nn.nodeNames().contains("rnn.lif"), nn.nodeNames().toString());
        float[] b = be.toHost(nn.run(x).output());
        assertArrayEquals(a, b);
        double total = 0;
        for (float s : a) total += s;
        assertTrue(total > 0);
    }

    /**
     * A cycle of nodes that answer within the step (LIF ↔ Linear, snnTorch's RLeaky) reads the
     * previous step's spikes on its closing edge; parallel and duplicated edges add up.
     */
    @Test
    void feedThroughCycleReadsThePreviousStepAndEdgesAdd() {
        Map<String, NirNode> n = new LinkedHashMap<>();
        n.put("in", new NirNode.Input(2));
        n.put("lif", new NirNode.Lif(v(5e-3, 5e-3), v(5, 5), v(0, 0), v(1, 1), v(0, 0)));
        n.put("rec", new NirNode.Linear(NirArray.float32(new float[] {0, 0.6f, -0.7f, 0}, 2, 2)));
        n.put("out", new NirNode.Output(2));
        NirGraph g = new NirGraph(n, List.of(new NirGraph.Edge("in", "lif"), new NirGraph.Edge("in", "lif"), new NirGraph.Edge("lif", "rec"),
                new NirGraph.Edge("rec", "lif"), new NirGraph.Edge("lif", "out")));
        NirNetwork net = NirNetwork.build(be, g, NirOptions.of(DT));
        assertTrue(net.plan().stream().anyMatch(l -> l.contains("read the previous step")), net.plan().toString());
        double[][] x = randomInput(300, 2, 5, 0.8);
        float[] z = be.toHost(net.run(tensor(x)).output());
        double[] vv = new double[2], zp = new double[2];
        double[][] w = {{0, 0.6}, {-0.7, 0}};
        int fired = 0;
        for (int t = 0; t < 300; t++) {
            double[] zn = new double[2];
            for (int j = 0; j < 2; j++) {
                double in = 2 * x[t][j] + w[j][0] * zp[0] + w[j][1] * zp[1];   // duplicated edge: twice; recurrent: previous spikes
                double vn = vv[j] + DT / 5e-3 * (-vv[j] + 5 * in);
                zn[j] = vn > 1 ? 1 : 0;
                assertEquals(zn[j], z[t * 2 + j], 0.0, "t=" + t + " j=" + j);
                vv[j] = zn[j] > 0 ? 0 : vn;
                fired += (int) zn[j];
            }
            zp = zn;
        }
        assertTrue(fired > 0);
    }

    @Test
    void flattenTakesItsShapeFromTheSource() {
        Map<String, NirNode> n = new LinkedHashMap<>();
        n.put("in", new NirNode.Input(2, 3));
        n.put("flat", new NirNode.Flatten(null, 0, -1));
        n.put("fc", new NirNode.Linear(NirArray.float32(new float[] {1, 0, 0, 0, 0, 1}, 1, 6)));
        n.put("out", new NirNode.Output(1));
        NirNetwork net = NirNetwork.build(be, chain(n), NirOptions.of(DT));
        assertArrayEquals(new int[] {6}, net.outputShape("flat"));
        float[] x = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
        float[] y = be.toHost(net.run(be.fromHost(x, 2, 1, 2, 3)).output());
        assertArrayEquals(new float[] {1 + 6, 10 + 60}, y);
    }

    @Test
    void badGraphsAreRefusedNamingTheNodes() {
        Map<String, NirNode> n = new LinkedHashMap<>();
        n.put("in", new NirNode.Input(2));
        n.put("fc", new NirNode.Linear(NirArray.float32(new float[] {1, 1, 1, 1, 1, 1}, 3, 2)));
        n.put("lif", new NirNode.Lif(v(1e-2, 1e-2), v(1, 1), v(0, 0), v(1, 1), null));
        n.put("out", new NirNode.Output(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NirNetwork.build(be, chain(n), NirOptions.of(DT)));
        assertTrue(e.getMessage().contains("fc → lif") && e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());

        Map<String, NirNode> d = new LinkedHashMap<>();
        d.put("in", new NirNode.Input(1));
        d.put("delay", new NirNode.Delay(v(1.5e-3)));
        d.put("out", new NirNode.Output(1));
        e = assertThrows(IllegalArgumentException.class, () -> NirNetwork.build(be, chain(d), NirOptions.of(DT)));
        assertTrue(e.getMessage().contains("Delay 'delay'") && e.getMessage().contains("whole number of steps"), e.getMessage());

        Map<String, NirNode> s = new LinkedHashMap<>();
        s.put("in", new NirNode.Input(1));
        s.put("li", new NirNode.Li(v(1e-4), v(1), v(0)));
        s.put("out", new NirNode.Output(1));
        e = assertThrows(IllegalArgumentException.class, () -> NirNetwork.build(be, chain(s), NirOptions.of(DT)));
        assertTrue(e.getMessage().contains("LI 'li'") && e.getMessage().contains("diverges"), e.getMessage());

        NirNetwork ok = NirNetwork.build(be, chain(s), NirOptions.of(1e-5));
        e = assertThrows(IllegalArgumentException.class, () -> ok.run(be.zeros(5, 1, 3)));
        assertTrue(e.getMessage().contains("input 'in' must be [T, B, 1]"), e.getMessage());
    }
}
