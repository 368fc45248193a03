package org.spikekit.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.testing.ReferenceSets;

/**
 * The NIR example files of the reference set {@code nir} (neuromorphs/NIR {@code paper/}, see the
 * set's README): every {@code *.nir} found reads, builds and runs; the facts the README and the
 * Braille hyperparameter files state hold (sizes, node types, which file has biases, and snnTorch's
 * time constants τ = Δt/(1 − α) at Δt = 1e-4 s); and every file written back by the kit reads to
 * the same graph.
 */
class NirParityTest {
    final Backend be = new CpuBackend();
    static final double DT = 1e-4;   // the paper's examples (their READMEs)

    static Path set() { return ReferenceSets.set("nir"); }

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(set())) {
            return s.filter(p -> p.toString().endsWith(".nir")).sorted().toList();
        }
    }

    /** Bernoulli(p) spikes [T, B, n], seeded. */
    Tensor spikes(int t, int b, int n, double p, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[t * b * n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < p ? 1f : 0f;
        return be.fromHost(x, t, b, n);
    }

    @Test
    void everyExampleFileReadsBuildsAndRuns(@TempDir Path tmp) throws IOException {
        List<Path> files = files();
        assertEquals(5, files.size(), "the set's README lists five .nir files: " + files);
        for (Path f : files) {
            NirGraph g = NirFile.read(f);
            String version = NirFile.version(f);
            assertTrue(version.matches("\\d+\\.\\d+\\.\\d+"), f + ": version " + version);
            assertEquals(1, g.inputs().size(), f.toString());
            assertEquals(1, g.outputs().size(), f.toString());
            for (NirOptions.ResetTiming r : NirOptions.ResetTiming.values()) {
                NirNetwork net = NirNetwork.build(be, g, new NirOptions(DT, r, true));
                int in = 1;
                for (int d : net.outputShape(g.inputs().get(0))) in *= d;
                Tensor x = spikes(256, 3, in, 0.3, 7);
                NirNetwork.Run run = net.run(x);
                Tensor y = run.output();
                assertEquals(256, y.dim(0));
                assertEquals(3, y.dim(1));
                float[] v = be.toHost(y);
                for (float a : v) assertTrue(Float.isFinite(a), f + ": non-finite output");
            }
            // written back by the kit, the file reads to the same graph
            Path w = tmp.resolve(f.getFileName());
            NirFile.write(w, g);
            assertEquals(g, NirFile.read(w), f + ": write → read changed the graph");
        }
    }

    @Test
    void brailleFilesMatchTheirReadmeAndHyperparameters() throws IOException {
        ObjectMapper om = new ObjectMapper();
        String[][] cases = {{"braille_noDelay_bias_zero.nir", "parameters_noDelay_bias_ref_zero.json", "true"},
                {"braille_noDelay_noBias_subtract.nir", "parameters_noDelay_noBias_ref_subtract.json", "false"}};
        for (String[] c : cases) {
            NirGraph g = NirFile.read(set().resolve(c[0]));
            JsonNode p = om.readTree(set().resolve(c[1]).toFile());
            int hidden = p.get("nb_hidden").asInt();
            boolean bias = Boolean.parseBoolean(c[2]);
            // input 12 → Affine → CubaLIF hidden with a recurrent Affine (lif1.lif, lif1.w_rec) → Affine → CubaLIF 7 → output
            assertArrayEquals(new int[] {12}, g.inputShape(), c[0]);
            assertArrayEquals(new int[] {7}, g.outputShape(), c[0]);
            NirNode.CubaLif lif1 = assertInstanceOf(NirNode.CubaLif.class, g.node("lif1.lif"));
            NirNode.CubaLif lif2 = assertInstanceOf(NirNode.CubaLif.class, g.node("lif2"));
            assertArrayEquals(new int[] {hidden}, lif1.outputShape(), c[0]);
            assertArrayEquals(new int[] {7}, lif2.outputShape(), c[0]);
            for (String dense : List.of("fc1", "lif1.w_rec", "fc2")) {
                assertEquals(bias ? "Affine" : "Linear", g.node(dense).type(), c[0] + " " + dense + " (the files differ in bias)");
            }
            assertTrue(g.edges().contains(new NirGraph.Edge("lif1.lif", "lif1.w_rec")) && g.edges().contains(new NirGraph.Edge("lif1.w_rec", "lif1.lif")),
                    c[0] + ": recurrent loop");
            // snnTorch's export: τ = Δt/(1 − α or β) at Δt = 1e-4 s, R = τ_mem/Δt, w_in = τ_syn/Δt (snntorch/export_nir.py)
            checkTaus(c[0] + " lif1", lif1, p.get("alpha_r").asDouble(), p.get("beta_r").asDouble());
            checkTaus(c[0] + " lif2", lif2, p.get("alpha_out").asDouble(), p.get("beta_out").asDouble());
        }
    }

    private static void checkTaus(String what, NirNode.CubaLif n, double alpha, double beta) {
        for (int j = 0; j < n.tauMem().numel(); j++) {
            assertEquals(DT / (1 - alpha), n.tauSyn().get(j), 1e-6 * DT / (1 - alpha), what + " tau_syn");
            assertEquals(DT / (1 - beta), n.tauMem().get(j), 1e-6 * DT / (1 - beta), what + " tau_mem");
            assertEquals(n.tauMem().get(j) / DT, n.r().get(j), 1e-5 * n.r().get(j), what + " r");
            assertEquals(n.tauSyn().get(j) / DT, n.wIn().get(j), 1e-5 * n.wIn().get(j), what + " w_in");
            assertEquals(0, n.vLeak().get(j), what + " v_leak");
        }
    }

    /**
     * The Braille network on a synthetic input: its hidden layer ({@code lif1.lif}, recorded as the
     * README asks other simulators to) spikes, and the hidden spikes of the file with biases differ
     * from those of the file without. The network runs its recurrent loop step by step.
     */
    @Test
    void brailleNetworkRunsItsRecurrentLoop() {
        for (String f : List.of("braille_noDelay_bias_zero.nir", "braille_noDelay_noBias_subtract.nir")) {
            NirGraph g = NirFile.read(set().resolve(f));
            NirNetwork net = NirNetwork.build(be, g, NirOptions.of(DT));
            assertTrue(net.plan().stream().anyMatch(l -> l.startsWith("cycle, step by step") && l.contains("lif1.lif") && l.contains("lif1.w_rec")),
                    f + ": " + net.plan());
            NirNetwork.Run r = net.run(spikes(256, 2, 12, 0.2, 3));
            float[] hidden = be.toHost(r.node("lif1.lif"));
            double rate = 0;
            for (float s : hidden) {
                assertTrue(s == 0f || s == 1f, f + ": spikes are 0/1");
                rate += s;
            }
            assertTrue(rate > 0, f + ": the hidden layer never spikes");
        }
    }

    /**
     * The LIF example of the paper ({@code paper/01_lif/}, Δt = 1e-4 s) on its input, the spike
     * pattern {@code d0} of {@code lif_norse.ipynb} with nine empty steps after each entry: the
     * Norse file's neuron (τ 2.5 ms, R 1, θ 0.1, weight 1) is v[n] = 0.96·v[n−1] + 0.04·x[n], checked
     * step by step against that recurrence in double precision; Rockpool's file (weight 0.04, R 24.02)
     * has the same τ and θ, so it spikes exactly when its v = 0.96·v + 0.04·24.0197·x crosses 0.1.
     */
    @Test
    void lifExamplesFollowTheirEulerRecurrence() {
        int[] d0 = {0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
                1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
                0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        float[] x = new float[d0.length * 10];
        for (int i = 0; i < d0.length; i++) x[i * 10] = d0[i];
        Tensor in = be.fromHost(x, x.length, 1, 1);
        for (String f : List.of("lif_norse.nir", "lif_rockpool.nir")) {
            NirGraph g = NirFile.read(set().resolve(f));
            NirNode.Lif lif = (NirNode.Lif) g.nodes().values().stream().filter(n -> n instanceof NirNode.Lif).findFirst().orElseThrow();
            double w = g.nodes().values().stream().filter(n -> n instanceof NirNode.Linear || n instanceof NirNode.Affine)
                    .map(n -> n instanceof NirNode.Linear l ? l.weight().get(0) : ((NirNode.Affine) n).weight().get(0)).findFirst().orElseThrow();
            for (NirOptions.ResetTiming timing : NirOptions.ResetTiming.values()) {
                float[] z = be.toHost(NirNetwork.build(be, g, new NirOptions(DT, timing, true)).run(in).output());
                double q = DT / lif.tau().get(0), v = 0, th = lif.vThreshold().get(0);
                boolean prev = false;
                int spikes = 0;
                for (int n = 0; n < x.length; n++) {
                    double vn = prev && timing == NirOptions.ResetTiming.NEXT_STEP ? 0 : (1 - q) * v + q * lif.r().get(0) * w * x[n];
                    boolean s = vn > th;
                    assertEquals(s ? 1f : 0f, z[n], 0f, f + " " + timing + " step " + n);
                    v = s && timing == NirOptions.ResetTiming.SAME_STEP ? 0 : vn;
                    prev = s;
                    if (s) spikes++;
                }
                assertTrue(spikes > 0, f + ": the paper's input makes the neuron spike");
            }
        }
    }

    /**
     * {@code two_lif_neurons.nir} ({@code paper/01_lif/debug_spike_representation/}): lif1's leak
     * voltage 1.2 lies above its threshold 1, so it fires by itself, with the period the Euler
     * recurrence v ← v + (Δt/τ)(1.2 − v) from 0 gives; lif2 (threshold 20) "never reaches the
     * threshold", as the example's README says.
     */
    @Test
    void twoLifNeuronsChainWithALeakVoltage() {
        NirGraph g = NirFile.read(set().resolve("two_lif_neurons.nir"));
        NirNode.Lif l1 = (NirNode.Lif) g.node("lif1");
        assertEquals(1.2, l1.vLeak().get(0), 1e-12);
        int steps = 2000;
        NirNetwork.Run r = NirNetwork.build(be, g, NirOptions.of(DT)).run(be.zeros(steps, 1, 1));
        float[] s1 = be.toHost(r.node("lif1"));
        double q = DT / l1.tau().get(0), v = 0;
        int fired = 0;
        for (int n = 0; n < steps; n++) {
            v = v + q * (l1.vLeak().get(0) - v);
            boolean s = v > l1.vThreshold().get(0);
            assertEquals(s ? 1f : 0f, s1[n], 0f, "lif1 step " + n);
            if (s) { v = 0; fired++; }
        }
        assertTrue(fired >= 10, "lif1 fires by itself, " + fired + " times");
        assertEquals(0.0, be.sum(r.output()), 0.0, "lif2 never reaches its threshold");
    }
}
