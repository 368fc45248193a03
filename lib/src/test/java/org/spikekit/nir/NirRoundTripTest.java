package org.spikekit.nir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.model.Rsnn;
import org.spikekit.model.Snn2;
import org.spikekit.neuron.ReadoutParams;

/**
 * Export → write → read → run of every exportable kit model gives the model's own outputs bit for
 * bit (tinyRSNN and bigRSNN-shaped RSNNs with the released synaptic delay 2 and with delay 1, SNN2),
 * and the graph carries what {@link NirExport} promises.
 */
class NirRoundTripTest {
    final Backend be = new CpuBackend();

    Tensor spikes(int t, int b, int n, double p, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[t * b * n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < p ? 1f : 0f;
        return be.fromHost(x, t, b, n);
    }

    /** Scales the (fluctuation-initialised) input weights so the hidden layer is busy. */
    static void louder(Backend be, Rsnn m, float k) {
        be.affine(m.hiddenLayer().w().value(), k, 0f, m.hiddenLayer().w().value());
    }

    NirNetwork reimport(NirGraph g, Path tmp, String name) {
        Path f = tmp.resolve(name + ".nir");
        NirFile.write(f, g);
        NirGraph back = NirFile.read(f);
        assertEquals(g, back, name + ": the file reads back to the exported graph");
        return NirNetwork.build(be, back, NirOptions.forGraph(back, 1e-4));
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    void rsnnRoundTrip(Rsnn m, String name, Path tmp) {
        Tensor x = spikes(400, 3, m.inputs(), 0.1, 11);
        Rsnn.Pass p = m.forward(x, false, 0L, false);
        NirGraph g = NirExport.rsnn(m);
        NirNetwork net = reimport(g, tmp, name);
        assertEquals(0.004, net.options().dtS(), 0.0);
        assertEquals(NirOptions.ResetTiming.NEXT_STEP, net.options().reset());
        assertTrue(net.plan().stream().anyMatch(l -> l.contains("on the kit's LIF kernel")), name + ": " + net.plan());
        NirNetwork.Run r = net.run(x);
        float[] spikes = be.toHost(p.spikes()), nirSpikes = be.toHost(r.node("spikes"));
        double active = 0;
        for (float s : spikes) active += s;
        assertTrue(active > 0.01 * spikes.length, name + ": the hidden layer should be active for this check, rate " + active / spikes.length);
        assertArrayEquals(spikes, nirSpikes, name + ": hidden spikes");
        assertArrayEquals(be.toHost(p.prediction()), be.toHost(r.output()), name + ": predictions");
        // the CubaLIF node's own spikes are the kit's, one step earlier (the Delay 'spikes' carries the kit's latency)
        float[] z = be.toHost(r.node("lif"));
        int n = m.config().hidden(), b = 3;
        for (int k = 0; k + 1 < 400; k++) {
            for (int i = 0; i < b * n; i++) assertEquals(spikes[(k + 1) * b * n + i], z[k * b * n + i], 0f, name + " z[" + k + "]");
        }
    }

    @Test
    void tinyRsnnAsReleasedIsExact(@TempDir Path tmp) {
        Rsnn m = new Rsnn(be, Rsnn.Config.tiny(96), 5L);
        louder(be, m, 3f);
        NirGraph g = NirExport.rsnn(m);
        assertEquals("tinyRSNN", g.metadata().get(NirExport.META_MODEL));
        // delay 2 on every connection: d_in, d_rec, d_out; the spike Delay after the neuron
        for (String d : List.of("d_in", "d_rec", "d_out", "spikes")) assertEquals("Delay", g.node(d).type(), d);
        NirNode.CubaLif lif = (NirNode.CubaLif) g.node("lif");
        float[] bm = be.toHost(m.hiddenLayer().coefficients().betaMem());
        for (int j = 0; j < bm.length; j++) {
            assertEquals(bm[j], (float) (1 - 0.004 / lif.tauMem().get(j)), 0f, "Euler at Δt gives back β_mem exactly");
            assertEquals(1.0, lif.r().get(j), 0.0);
        }
        rsnnRoundTrip(m, "tinyRSNN", tmp);
    }

    @Test
    void rsnnWithDelayOneIsExact(@TempDir Path tmp) {
        Rsnn.Config c = Rsnn.Config.tiny(40).withHidden(48);
        c = new Rsnn.Config(c.inputs(), c.hidden(), c.outputs(), c.lif().withSynapticDelay(1), c.readout().withSynapticDelay(1),
                c.inputDropout(), c.hiddenDropout());
        Rsnn m = new Rsnn(be, c, 9L);
        louder(be, m, 3f);
        NirGraph g = NirExport.rsnn(m);
        assertTrue(!g.nodes().containsKey("d_in") && !g.nodes().containsKey("d_rec") && !g.nodes().containsKey("d_out"), g.nodes().keySet().toString());
        rsnnRoundTrip(m, "RSNN-delay1", tmp);
    }

    @Test
    void bigRsnnShapedReadoutWithFiveHeadsIsExact(@TempDir Path tmp) {
        Rsnn.Config c = Rsnn.Config.big(30).withHidden(70);
        Rsnn m = new Rsnn(be, c, 3L);
        louder(be, m, 3f);
        NirGraph g = NirExport.rsnn(m);
        assertEquals("Linear", g.node("mean").type(), "five heads are averaged");
        assertArrayEquals(new int[] {10}, g.node("readout").outputShape());
        rsnnRoundTrip(m, "RSNN-5-heads", tmp);
    }

    @Test
    void snn2IsExact(@TempDir Path tmp) {
        Snn2 m = new Snn2(be, Snn2.Config.neuroBench(96), 4L);
        be.affine(m.fc1().value(), 4f, 0f, m.fc1().value());
        Tensor x = spikes(300, 2, 96, 0.1, 5);
        Snn2.Pass p = m.forward(x, false, 0L, false);
        NirGraph g = NirExport.snn2(m, 0.004);
        NirNetwork net = reimport(g, tmp, "snn2");
        NirNetwork.Run r = net.run(x);
        float[] s = be.toHost(p.spikes());
        double active = 0;
        for (float v : s) active += v;
        assertTrue(active > 0.01 * s.length, "SNN2's hidden layer should be active, rate " + active / s.length);
        assertArrayEquals(s, be.toHost(r.node("lif1")), "hidden spikes");
        assertArrayEquals(be.toHost(p.prediction()), be.toHost(r.output()), "predictions");
        // read with NIR's same-step reset instead, the hidden layer fires differently (the documented difference)
        NirNetwork.Run same = NirNetwork.build(be, g, NirOptions.forGraph(g, 1e-4).withReset(NirOptions.ResetTiming.SAME_STEP)).run(x);
        assertTrue(maxAbsDiff(s, be.toHost(same.node("lif1"))) > 0, "same-step reset changes the spikes");
    }

    @Test
    void subtractiveResetHasNoNirForm() {
        Rsnn.Config c = Rsnn.Config.tiny(8);
        c = new Rsnn.Config(8, 16, 2, c.lif().withReset(org.spikekit.neuron.ResetMode.SUBTRACT, true), c.readout(), 0f, 0f);
        Rsnn m = new Rsnn(be, c, 1L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NirExport.rsnn(m));
        assertTrue(e.getMessage().contains("SUBTRACT"), e.getMessage());
        assertTrue(NirExport.NOT_EXPORTABLE.keySet().stream().anyMatch(k -> k.startsWith("SNN3")));
    }

    @Test
    void readoutParamsUnchangedByExport() {
        // the readout's decays come from LeakyReadout.betaMem/betaSyn, the ones forward uses
        Rsnn m = new Rsnn(be, Rsnn.Config.tiny(12), 2L);
        ReadoutParams rp = m.config().readout();
        NirNode.CubaLi ro = (NirNode.CubaLi) NirExport.rsnn(m).node("readout");
        float[] bm = be.toHost(m.readout().betaMem());
        for (int j = 0; j < bm.length; j++) {
            assertEquals(bm[j], (float) (1 - rp.dtS() / ro.tauMem().get(j)), 0f);
            double tauKit = -rp.dtS() / Math.log(bm[j]);
            assertTrue(ro.tauMem().get(j) > tauKit && ro.tauMem().get(j) < tauKit + rp.dtS(),
                    "τ = Δt/(1 − β) exceeds the kit's τ = −Δt/ln β by about Δt/2: " + ro.tauMem().get(j) + " vs " + tauKit);
        }
    }
}
