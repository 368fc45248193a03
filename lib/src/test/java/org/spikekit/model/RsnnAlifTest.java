package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.config.Configs;
import org.spikekit.core.Parameter;
import org.spikekit.neuron.HiddenNeuron;
import org.spikekit.neuron.RecurrentAlifLayer;
import org.spikekit.nir.NirExport;

/** The RSNN with ALIF hidden neurons: one config edit, the same model code, its gradients, and the LIF-only parts refusing it. */
class RsnnAlifTest {
    final Backend be = new CpuBackend();

    static final String ALIF_JSON = "{\"@type\":\"Alif\",\"params\":{\"arp\":0,\"surrogate\":{\"kind\":\"SUPERSPIKE\",\"scale\":20.0,"
            + "\"forward\":\"STEP\"}},\"tauMemS\":0.02,\"tauAdaptS\":0.15,\"b0\":1.0,\"blocks\":false}";

    @Test
    void theNeuronIsOneEditAndTheDefaultJsonIsUnchanged() {
        Rsnn.Config lif = Rsnn.Config.tiny(96);
        String j = Configs.toJson(lif);
        assertFalse(j.contains("neuron"), "the default (LIF) config is written without the neuron field: " + j);
        assertEquals(lif, Configs.fromJson(j, Rsnn.Config.class));
        Rsnn.Config alif = Configs.override(lif, "neuron=" + ALIF_JSON);
        assertEquals(lif.withNeuron(HiddenNeuron.Alif.rsnn()), alif);
        assertTrue(Configs.toJson(alif).endsWith(",\"neuron\":" + ALIF_JSON + "}"), Configs.toJson(alif));
        assertEquals(alif, Configs.fromJson(Configs.toJson(alif), Rsnn.Config.class));
        assertEquals(3, Configs.override(alif, "neuron.params.arp=3").neuron() instanceof HiddenNeuron.Alif a ? a.params().arp() : -1);
        assertEquals(lif.withNeuron(new HiddenNeuron.Lif()), Configs.override(lif, "neuron={\"@type\":\"Lif\"}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Configs.override(lif, "neuron={\"@type\":\"Izhikevich\"}"));
        assertTrue(e.getMessage().contains("Lif, Alif"), e.getMessage());
        assertTrue(new Rsnn(be, alif, 1L).recurrentLayer() instanceof RecurrentAlifLayer);
        assertTrue(alif.dynamicsLabel().startsWith("dynamics=ALIF("), alif.dynamicsLabel());
        assertEquals(Rsnn.Config.tiny(96).dynamicsLabel(), lif.withNeuron(new HiddenNeuron.Lif()).dynamicsLabel());
    }

    @Test
    void parameterCountAddsTheAdaptationParameters() {
        // LIF: τ_mem, τ_syn trainable, threshold fixed; ALIF: β, p, b trainable: one more [hidden] vector
        for (int in : new int[] {96, 192}) {
            long lif = new Rsnn(be, Rsnn.Config.tiny(in), 1L).trainableCount();
            long alif = new Rsnn(be, Rsnn.Config.tiny(in).withNeuron(HiddenNeuron.Alif.rsnn()), 1L).trainableCount();
            assertEquals(lif + 64, alif);
        }
        assertEquals(10_564, new Rsnn(be, Rsnn.Config.tiny(96).withNeuron(HiddenNeuron.Alif.rsnn()), 1L).trainableCount());
    }

    @Test
    void lifOnlyPartsRefuseAnAlifModelNamingTheField() {
        Rsnn m = new Rsnn(be, Rsnn.Config.tiny(8).withHidden(6).withNeuron(HiddenNeuron.Alif.rsnn()), 1L);
        for (org.junit.jupiter.api.function.Executable ex : List.<org.junit.jupiter.api.function.Executable>of(
                m::hiddenLayer, () -> new HalfRsnn(m, true), () -> NirExport.rsnn(m), () -> StreamingDecoder.of(m))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
            assertTrue(e.getMessage().contains("Rsnn.Config.neuron") && e.getMessage().contains("null or Lif"), e.getMessage());
        }
    }

    /** An ALIF RSNN small enough to check, with input weights that make the hidden layer fire. */
    private Rsnn small(float hiddenDropout) {
        Rsnn m = new Rsnn(be, new Rsnn.Config(4, 6, 2, org.spikekit.neuron.LifParams.rsnn(), org.spikekit.neuron.ReadoutParams.tinyRsnn(),
                0.2f, hiddenDropout, HiddenNeuron.Alif.rsnn().withArp(1)), 3L);
        be.affine(m.weights().get("input").value(), 4f, 0.3f, m.weights().get("input").value());
        return m;
    }

    private Tensor input() {
        Tensor x = be.zeros(30, 2, 4);
        be.randBernoulli(x, 5L, 0.4f);
        return x;
    }

    @Test
    void hiddenLayerIsTheAlifNetLayerForwardAndBackward() {
        // the same ALIF layer as the Blocks classifier's (AlifNet, independent code path): same spikes, and
        // from the same dL/dS the same gradients of W, R, β_raw, p_raw, b_raw
        Rsnn m = small(0f);
        Tensor x = input();
        HiddenNeuron.Alif a = (HiddenNeuron.Alif) m.config().neuron();
        AlifNet net = new AlifNet(be, new AlifNet.Config(4, 6, 2, true, AlifNet.Kind.STANDARD, a.params(),
                (float) Math.exp(-0.004 / a.tauMemS()), (float) Math.exp(-0.004 / a.tauAdaptS()), a.b0(), 0.9f, AlifNet.Pool.SUM), 1L);
        RecurrentAlifLayer h = (RecurrentAlifLayer) m.recurrentLayer();
        List<Parameter> np = net.parameters();                     // in.w, in.b, rec.w, alif.betaRaw, pRaw, bRaw, out.…
        be.copy(h.w().value(), np.get(0).value());
        be.copy(h.v().value(), np.get(2).value());
        for (int k = 0; k < 3; k++) assertArrayEquals(be.toHost(h.neuronParameters().get(k).value()), be.toHost(np.get(3 + k).value()), 0f);

        Rsnn.Pass p = m.forward(x, false, 0L, true);
        AlifNet.Pass q = net.forward(x, true);
        float[] s = be.toHost(p.spikes());
        assertArrayEquals(be.toHost(q.spikes()), s, 0f);
        double rate = 0;
        for (float v : s) rate += v;
        rate /= s.length;
        assertTrue(rate > 0.02 && rate < 0.9, "the check needs spiking neurons, rate " + rate);

        Tensor r = weights(30, 2, 2);
        m.zeroGrad();
        net.zeroGrad();
        m.backward(p, r, null);
        Tensor gS = m.readout().backward(p.readoutTape(), r, null).gradInput();
        net.backwardHidden(q, gS, false);
        int[] pairs = {0, 0, 1, 2, 2, 3, 3, 4, 4, 5};               // Rsnn hidden param k ↔ AlifNet param
        List<Parameter> hp = h.parameters();
        for (int k = 0; k < pairs.length; k += 2) {
            float[] want = be.toHost(np.get(pairs[k + 1]).grad()), got = be.toHost(hp.get(pairs[k]).grad());
            double scale = 0;
            for (float v : want) scale = Math.max(scale, Math.abs(v));
            assertTrue(scale > 0, hp.get(pairs[k]).name() + ": zero gradient, vacuous check");
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5 * scale, hp.get(pairs[k]).name() + "[" + i + "]");
        }
    }

    @Test
    void readoutGradientsUnderDropoutMatchFiniteDifferences() {
        // with hidden dropout (readout input only, for ALIF) the prediction is smooth in the readout parameters
        Rsnn m = small(0.4f);
        Tensor x = input(), r = weights(30, 2, 2);
        long seed = 17L;
        m.zeroGrad();
        m.backward(m.forward(x, true, seed), r, null);
        for (Parameter par : m.readout().parameters()) {
            if (!par.trainable()) continue;
            float[] v = be.toHost(par.value()), g = be.toHost(par.grad());
            for (int i = 0; i < v.length; i++) {
                float keep = v[i];
                double hh = 1e-2;
                v[i] = (float) (keep + hh); be.copy(be.fromHost(v, par.shape()), par.value());
                double lp = be.dot(m.forward(x, true, seed).prediction(), r);
                v[i] = (float) (keep - hh); be.copy(be.fromHost(v, par.shape()), par.value());
                double lm = be.dot(m.forward(x, true, seed).prediction(), r);
                v[i] = keep; be.copy(be.fromHost(v, par.shape()), par.value());
                double fd = (lp - lm) / (2 * hh);
                assertEquals(fd, g[i], 3e-3 * Math.max(1e-2, Math.abs(fd)) + 2e-5, par.name() + "[" + i + "]");
            }
        }
        // the hidden dropout mask reaches the readout: another seed, another prediction
        assertFalse(java.util.Arrays.equals(be.toHost(m.forward(x, true, seed).prediction()), be.toHost(m.forward(x, true, seed + 1).prediction())));
    }

    private Tensor weights(int t, int b, int o) {
        float[] rw = new float[t * b * o];
        for (int k = 0; k < rw.length; k++) rw[k] = (float) Math.cos(0.9 * k);
        return be.fromHost(rw, t, b, o);
    }
}
