package org.spikekit.nn;

import org.spikekit.core.Tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

class RecurrentTest {
    private final Backend be = new CpuBackend();

    private Recurrent make(String kind, int in, int h, int layers, float p) {
        return switch (kind) {
            case "rnn" -> new Rnn(be, kind, in, h, layers, p, 3);
            case "gru" -> new Gru(be, kind, in, h, layers, p, 3);
            default -> new Lstm(be, kind, in, h, layers, p, 3);
        };
    }

    // ---- gradient checks ----------------------------------------------------------------------

    private void gradientCheck(String kind) {
        // 2 layers so the inter-layer dropout (p = 0.3, fixed tape seed) is live; 5 steps for BPTT.
        // Step 2e-2: with a float forward pass, smaller steps are dominated by rounding (the error
        // grows as h shrinks), larger ones by truncation.
        Recurrent r = make(kind, 3, 4, 2, 0.3f);
        Tensor x = LayerCheck.randn(be, 11, 1f, 5, 2, 3);
        LayerCheck.Report rep = LayerCheck.check(r, x, () -> Tape.training(7), 2e-2, 5e-3, 40, true);
        assertEquals(1 + 8, rep.names().size(), "input and all 8 parameters checked");
        // evaluation-mode arithmetic (no dropout) through 3 layers
        LayerCheck.check(make(kind, 2, 3, 3, 0.5f), LayerCheck.randn(be, 12, 1f, 4, 3, 2), Tape::evalWithGrad, 2e-2, 5e-3, 30, true);
    }

    @Test
    void rnnGradientsMatchFiniteDifferences() { gradientCheck("rnn"); }

    @Test
    void gruGradientsMatchFiniteDifferences() { gradientCheck("gru"); }

    @Test
    void lstmGradientsMatchFiniteDifferences() { gradientCheck("lstm"); }

    // ---- hand-computed values -----------------------------------------------------------------

    /**
     * Sets PyTorch-layout weights (weight_ih [G·H, I], weight_hh [G·H, H]) from fixed formulas,
     * transposed into the kit's [in, G·H] layout. Expected values below were computed separately
     * (numpy, PyTorch's documented equations) from the same formulas.
     */
    private void setPytorchWeights(Recurrent r) {
        int gh = r.gates() * 2;
        float[] wih = new float[2 * gh], whh = new float[2 * gh], bih = new float[gh], bhh = new float[gh];
        for (int row = 0; row < gh; row++) {
            for (int c = 0; c < 2; c++) {
                wih[c * gh + row] = (float) (0.1 * (row + 1) - 0.2 * c);
                whh[c * gh + row] = (float) (0.05 * (row - c) + 0.1);
            }
            bih[row] = (float) (0.01 * row - 0.02);
            bhh[row] = (float) (0.03 - 0.01 * row);
        }
        be.copy(be.fromHost(wih, 2, gh), r.weightIh(0).value());
        be.copy(be.fromHost(whh, 2, gh), r.weightHh(0).value());
        be.copy(be.fromHost(bih, gh), r.biasIh(0).value());
        be.copy(be.fromHost(bhh, gh), r.biasHh(0).value());
    }

    private void handValues(String kind, float... expected) {
        Recurrent r = make(kind, 2, 2, 1, 0f);
        setPytorchWeights(r);
        Tensor x = be.fromHost(new float[] {0.5f, -1f, 1.5f, 0.25f}, 2, 1, 2);
        float[] y = be.toHost(r.forward(x, Tape.inference()));
        assertArrayEquals(expected, y, 2e-6f, kind + " " + Arrays.toString(y));
        // the first step alone (1 step, 2 units)
        float[] y1 = be.toHost(r.forward(x.narrow0(0, 1), Tape.inference()));
        assertArrayEquals(Arrays.copyOf(expected, 2), y1, 2e-6f);
    }

    @Test
    void rnnMatchesHandComputedValues() {
        // step 0: tanh(W_ih x + b_ih + b_hh) = tanh([0.16, 0.11])
        handValues("rnn", 0.158648504f, 0.109558470f, 0.155081274f, 0.331714159f);
        assertEquals((float) Math.tanh(0.16), 0.158648504f, 1e-7f);
    }

    @Test
    void gruMatchesHandComputedValues() {
        handValues("gru", -0.017161579f, -0.039986907f, 0.250571711f, 0.236527147f);
    }

    @Test
    void lstmMatchesHandComputedValues() {
        handValues("lstm", -0.010036737f, -0.021414241f, 0.255911986f, 0.306648744f);
    }

    // ---- structure ----------------------------------------------------------------------------

    @Test
    void parameterCountsFollowPytorch() {
        // G·H·(I + H) + 2·G·H for the first layer, G·H·2H + 2·G·H for the others
        assertEquals(212 * (100 + 212) + 2 * 212 + 7 * (212 * 424 + 2 * 212), new Rnn(be, "r", 100, 212, 8, 0.1f, 1).numel());
        assertEquals(3 * 164 * 264 + 6 * 164 + 3 * (3 * 164 * 328 + 6 * 164), new Gru(be, "g", 100, 164, 4, 0.1f, 1).numel());
        assertEquals(617_952, new Gru(be, "g", 100, 164, 4, 0.1f, 1).numel());
        assertEquals(4 * 162 * 262 + 8 * 162 + 3 * (4 * 162 * 324 + 8 * 162), new Lstm(be, "l", 100, 162, 4, 0.1f, 1).numel());
        Gru g = new Gru(be, "enc", 5, 3, 2, 0f, 1);
        assertEquals(java.util.List.of("enc.l0.w_ih", "enc.l0.w_hh", "enc.l0.b_ih", "enc.l0.b_hh",
                "enc.l1.w_ih", "enc.l1.w_hh", "enc.l1.b_ih", "enc.l1.b_hh"), g.parameters().stream().map(p -> p.name()).toList());
        assertArrayEquals(new int[] {5, 9}, g.weightIh(0).shape());
        assertArrayEquals(new int[] {3, 9}, g.weightHh(1).shape());
    }

    @Test
    void initIsUniformInPlusMinusOneOverRootHiddenAndSeeded() {
        Lstm a = new Lstm(be, "l", 30, 25, 2, 0f, 5), b = new Lstm(be, "l", 30, 25, 2, 0f, 5), c = new Lstm(be, "l", 30, 25, 2, 0f, 6);
        float bound = 1f / 5f;
        for (int i = 0; i < a.parameters().size(); i++) {
            float[] v = be.toHost(a.parameters().get(i).value());
            double max = 0, mean = 0;
            for (float f : v) {
                max = Math.max(max, Math.abs(f));
                mean += f / v.length;
            }
            assertTrue(max <= bound && max > 0.9 * bound, a.parameters().get(i).name() + " max " + max);
            assertEquals(0, mean, 0.05);
            assertArrayEquals(v, be.toHost(b.parameters().get(i).value()));
        }
        assertFalse(Arrays.equals(be.toHost(a.weightIh(0).value()), be.toHost(c.weightIh(0).value())));
    }

    @Test
    void dropoutOnlyBetweenLayersAndOnlyInTraining() {
        Tensor x = LayerCheck.randn(be, 1, 1f, 6, 4, 3);
        Gru one = new Gru(be, "g", 3, 8, 1, 0.5f, 1);
        assertArrayEquals(be.toHost(one.forward(x, Tape.inference())), be.toHost(one.forward(x, Tape.training(2))), "no dropout after the last layer");
        Gru two = new Gru(be, "g", 3, 8, 2, 0.5f, 1);
        float[] eval = be.toHost(two.forward(x, Tape.inference()));
        float[] tr = be.toHost(two.forward(x, Tape.training(2)));
        assertFalse(Arrays.equals(eval, tr), "inter-layer dropout live in training");
        assertArrayEquals(tr, be.toHost(two.forward(x, Tape.training(2))), "same tape seed, same masks");
        assertArrayEquals(eval, be.toHost(two.forward(x, Tape.evalWithGrad())));
    }

    @Test
    void outputIsCausal() {
        for (String kind : new String[] {"rnn", "gru", "lstm"}) {
            Recurrent r = make(kind, 3, 5, 2, 0f);
            float[] xv = be.toHost(LayerCheck.randn(be, 4, 1f, 7, 2, 3));
            float[] y0 = be.toHost(r.forward(be.fromHost(xv, 7, 2, 3), Tape.inference()));
            xv[4 * 6 + 1] += 1f;  // step 4
            float[] y1 = be.toHost(r.forward(be.fromHost(xv, 7, 2, 3), Tape.inference()));
            int before = 4 * 2 * 5;
            assertArrayEquals(Arrays.copyOf(y0, before), Arrays.copyOf(y1, before), kind);
            assertFalse(Arrays.equals(y0, y1), kind);
        }
    }

    @Test
    void badInputsAreRejectedWithTheLayerName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Gru(be, "enc", 3, 0, 1, 0f, 1));
        assertTrue(e.getMessage().contains("Gru enc") && e.getMessage().contains("hidden"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Lstm(be, "dec", 3, 4, 1, 1f, 1));
        assertTrue(e.getMessage().contains("Lstm dec") && e.getMessage().contains("dropout"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Rnn(be, "r", 3, 4, 0, 0f, 1));
        Rnn r = new Rnn(be, "r", 3, 4, 1, 0f, 1);
        e = assertThrows(IllegalArgumentException.class, () -> r.forward(be.zeros(5, 2, 4), Tape.inference()));
        assertTrue(e.getMessage().contains("Rnn r") && e.getMessage().contains("[T >= 1, B >= 1, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.forward(be.zeros(10, 3), Tape.inference()));
        Tape t = Tape.training(1);
        r.forward(be.zeros(5, 2, 3), t);
        assertThrows(IllegalArgumentException.class, () -> r.backward(be.zeros(5, 2, 3), t));
    }

    // ---- memory expansion ---------------------------------------------------------------------

    @Test
    void memoryExpansionStacksLagsCausallyOrCircularly() {
        // T = 3, B = 1, N = 2: x[t] = (10t, 10t + 1)
        Tensor x = be.fromHost(new float[] {0, 1, 10, 11, 20, 21}, 3, 1, 2);
        float[] causal = be.toHost(new MemoryExpansion(2, 1, false).forward(x, Tape.inference()));
        assertArrayEquals(new float[] {0, 1, 0, 0, 10, 11, 0, 1, 20, 21, 10, 11}, causal);
        float[] rolled = be.toHost(new MemoryExpansion(2, 2, true).forward(x, Tape.inference()));
        assertArrayEquals(new float[] {0, 1, 20, 21, 10, 11, 10, 11, 0, 1, 20, 21, 20, 21, 10, 11, 0, 1}, rolled);
        for (boolean circ : new boolean[] {false, true}) {
            MemoryExpansion m = new MemoryExpansion(3, 4, circ);
            assertEquals(15, m.outFeatures());
            LayerCheck.check(m, LayerCheck.randn(be, 3, 1f, 6, 2, 3), () -> Tape.training(1), 1e-2, 1e-3, 40, true);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MemoryExpansion(2, 1, false).forward(be.zeros(3, 4), Tape.inference()));
        assertTrue(e.getMessage().contains("MemoryExpansion") && e.getMessage().contains("[T, B, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MemoryExpansion(2, -1, false));
    }
}
