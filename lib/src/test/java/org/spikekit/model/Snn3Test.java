package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.neuron.SnnTorchLeaky;
import org.spikekit.neuron.Surrogate;
import org.spikekit.core.Parameter;

/**
 * SNN3: the FIFO-buffer binning by hand, forward parity with the step-by-step double reference
 * {@link SnnReference#snn3}, and the hand-written backward (internal-step BPTT, LayerNorm, binning)
 * for every parameter (incl. the LayerNorm affine and v_x, v_y) and the input, with dropout on.
 */
class Snn3Test {
    static final int T = 12, B = 2, IN = 3, L1 = 4, L2 = 5, WINDOW = 7, BINS = 3;
    final Backend be = new CpuBackend(1);

    static Snn3.Config small(Surrogate s, boolean detach) {
        return new Snn3.Config(IN, L1, L2, WINDOW, BINS, 0.5f, 0.5f, 0.5f, s, 1e-5f, detach);
    }

    private void load(Parameter p, double[] v) { be.copy(be.fromHost(GradCheck.f(v), p.shape()), p.value()); }

    @Test
    void neuroBenchConfigurationAndParameters() {
        Snn3 m = new Snn3(be, Snn3.Config.neuroBench(96), 1L);
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias",
                "norm_layer.weight", "norm_layer.bias", "v_x", "v_y"), List.copyOf(m.byName().keySet()));
        assertArrayEquals(new int[] {32, 96}, m.byName().get("fc1.weight").shape());
        assertArrayEquals(new int[] {48, 32}, m.byName().get("fc2.weight").shape());
        assertArrayEquals(new int[] {2, 48}, m.byName().get("fc3.weight").shape());
        assertArrayEquals(new int[] {7, 96}, m.byName().get("norm_layer.weight").shape());
        assertEquals(6_132, m.numel());
        assertEquals(10_548, new Snn3(be, Snn3.Config.neuroBench(192), 1L).numel());
        assertEquals(7, m.config().stepSize());
        for (float v : be.toHost(m.byName().get("norm_layer.weight").value())) assertEquals(1f, v);
        for (float v : be.toHost(m.byName().get("norm_layer.bias").value())) assertEquals(0f, v);
        assertEquals(SnnTorchLeaky.Reset.SUBTRACT, m.config().hiddenLeaky().reset());
        assertEquals(SnnTorchLeaky.Reset.NONE, m.config().outputLeaky().reset());
        assertEquals(Surrogate.snnTorchAtan(2f), m.config().spike());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Snn3.Config(96, 32, 48, 5, 7, 0.5f, 0.5f, 0.5f, Surrogate.snnTorchAtan(2f), 1e-5f, true));
        assertTrue(e.getMessage().contains("window"), e.getMessage());
    }

    /** Sub-bin sums for a single spike, traced through SNN_3.py's buffer by hand (window 7, 3 sub-bins of 2 rows). */
    @Test
    void binningFollowsTheFifoBufferOfSnn3Py() {
        Snn3 m = new Snn3(be, small(Surrogate.snnTorchAtan(2f), true), 1L);
        int t = 12;
        // spike at step 0: buffer [0, x0, ...] keeps x0 in rows 0-1 (sub-bin 0) until it is dropped at step 7
        float[] a0 = binned(m, t, 0);
        for (int k = 0; k < t; k++) {
            assertEquals(k <= 6 ? 1f : 0f, a0[k * BINS], "sub-bin 0 at step " + k);
            assertEquals(0f, a0[k * BINS + 1] + a0[k * BINS + 2], "sub-bins 1-2 at step " + k);
        }
        // spike at step 3: row 4 (sub-bin 2) at steps 3-5, then the buffer is full and it moves one row per step:
        // row 3 (bin 1) at 6, row 2 (bin 1) at 7, row 1 (bin 0) at 8, row 0 (bin 0) at 9, gone at 10
        float[] a3 = binned(m, t, 3);
        int[] expectBin = {-1, -1, -1, 2, 2, 2, 1, 1, 0, 0, -1, -1};
        for (int k = 0; k < t; k++) {
            for (int i = 0; i < BINS; i++) assertEquals(expectBin[k] == i ? 1f : 0f, a3[k * BINS + i], "step " + k + " sub-bin " + i);
        }
        // the newest row (6) of a full buffer is not summed: a spike at step 6 first shows at step 7 (row 5, bin 2)
        float[] a6 = binned(m, t, 6);
        assertEquals(0f, a6[6 * BINS] + a6[6 * BINS + 1] + a6[6 * BINS + 2], "step 6");
        assertEquals(1f, a6[7 * BINS + 2], "step 7");
    }

    /** Sub-bins [T][BINS] of channel 0 for one spike at {@code spikeStep} (B = 1). */
    private float[] binned(Snn3 m, int t, int spikeStep) {
        Tensor x = be.zeros(t, 1, IN);
        be.fill(x.slice0(spikeStep).narrow0(0, 1).reshape(IN).narrow0(0, 1), 1f);
        float[] a = be.toHost(m.binnedInput(x));            // [BINS, T, 1, IN]
        float[] out = new float[t * BINS];
        for (int i = 0; i < BINS; i++) for (int k = 0; k < t; k++) out[k * BINS + i] = a[(i * t + k) * IN];
        return out;
    }

    @Test
    void fullBufferSubBinsCoverTheSevenSevenStepBinsBeforeTheNewestStep() {
        Snn3 m = new Snn3(be, Snn3.Config.neuroBench(4), 1L);
        int t = 70;
        Random r = new Random(2);
        float[] x = new float[t * 4];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < 0.3 ? 1 : 0;
        float[] a = be.toHost(m.binnedInput(be.fromHost(x, t, 1, 4)));    // [7, T, 1, 4]
        for (int n = 48; n < t; n++) {
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 4; j++) {
                    float s = 0;
                    for (int u = n - 49 + 7 * i; u <= n - 43 + 7 * i; u++) if (u >= 0) s += x[u * 4 + j];
                    assertEquals(s, a[(i * t + n) * 4 + j], "step " + n + " sub-bin " + i + " channel " + j);
                }
            }
        }
    }

    static double[] rnd(Random r, int n, double lo, double hi) { return Snn2Test.rnd(r, n, lo, hi); }

    @Test
    void forwardMatchesStepByStepReference() {
        Random r = new Random(4);
        Snn3.Config cfg = small(Surrogate.snnTorchAtan(2f), true);
        Snn3 m = new Snn3(be, cfg, 3L);
        double[] x = new double[T * B * IN];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < 0.4 ? 1 : 0;
        List<double[]> vals = params(m);
        Tensor pred = m.predict(be.fromHost(GradCheck.f(x), T, B, IN));
        Dual[] ref = reference(cfg, consts(vals), Snn2Test.consts(x), null);
        double err = GradCheck.relErr(GradCheck.d(be.toHost(pred)), Snn2Test.values(ref));
        assertTrue(err < 1e-5, "prediction vs reference, rel err " + err);
    }

    /** Current parameter values, in {@link Snn3#parameters()} order. */
    private List<double[]> params(Snn3 m) {
        List<double[]> v = new ArrayList<>();
        for (Parameter p : m.parameters()) v.add(GradCheck.d(be.toHost(p.value())));
        return v;
    }

    private static List<Dual[]> consts(List<double[]> v) {
        List<Dual[]> d = new ArrayList<>();
        for (double[] a : v) d.add(Snn2Test.consts(a));
        return d;
    }

    private static Dual[] reference(Snn3.Config cfg, List<Dual[]> p, Dual[] x, double[] mask) {
        return SnnReference.snn3(cfg, p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5), p.get(6), p.get(7),
                p.get(8)[0], p.get(9)[0], x, T, B, mask);
    }

    @ParameterizedTest(name = "{0} detach={1}")
    @CsvSource({"smooth_sigmoid,false", "smooth_sigmoid,true", "atan,true"})
    void gradientsMatchReference(String spike, boolean detach) {
        Surrogate fn = Surrogate.of(spike, spike.equals("atan") ? 2f : 4f);
        Snn3.Config cfg = small(fn, detach);
        Snn3 m = new Snn3(be, cfg, 5L);
        Random r = new Random(13);
        // non-trivial LayerNorm affine and output scales
        load(m.byName().get("norm_layer.weight"), rnd(r, BINS * IN, 0.5, 1.5));
        load(m.byName().get("norm_layer.bias"), rnd(r, BINS * IN, -0.3, 0.3));
        load(m.byName().get("fc1.weight"), rnd(r, L1 * IN, -1, 1.5));
        double[] x = rnd(r, T * B * IN, 0, 1), gp = rnd(r, T * B * 2, -1, 1);
        m.zeroGrad();
        Snn3.Pass p = m.forward(be.fromHost(GradCheck.f(x), T, B, IN), true, 17L);
        assertNull(p.spikes(), "SNN3 exposes no regularised spike sequence");
        Tensor gx = m.backward(p, be.fromHost(GradCheck.f(gp), T, B, 2), null, true);
        double[] mask = GradCheck.d(be.toHost(p.dropoutMask()));
        assertTrue(Arrays.stream(mask).anyMatch(v -> v == 0), "dropout is active in the check");
        if (fn.binaryForward()) {
            for (int l = 0; l < 2; l++) {
                Tensor s = p.layerSpikes().get(l);
                double rate = be.sum(s) / s.size();
                assertTrue(rate > 0.1 && rate < 0.9, "lif" + (l + 1) + " should spike sometimes, rate " + rate);
            }
        }
        List<double[]> args = params(m);
        args.add(x);
        GradCheck.Fn f = a -> SnnReference.dot(reference(cfg, a, a.get(10), mask), gp);
        List<String> names = new ArrayList<>(m.byName().keySet());
        names.add("x");
        List<float[]> got = new ArrayList<>();
        for (Parameter q : m.parameters()) got.add(be.toHost(q.grad()));
        got.add(be.toHost(gx));
        double worst = 0;
        for (int k = 0; k < args.size(); k++) {
            double[] ref = GradCheck.forwardMode(f, args, k);
            worst = Math.max(worst, GradCheck.assertClose("d/d" + names.get(k) + " vs forward-mode reference",
                    GradCheck.d(got.get(k)), ref, 1e-4));
            if (!detach) {
                double[] fd = GradCheck.finiteDifferences(f, args, k, 1e-6);
                GradCheck.assertClose("reference d/d" + names.get(k) + " vs central differences", ref, fd, 1e-6);
                GradCheck.assertClose("d/d" + names.get(k) + " vs central differences", GradCheck.d(got.get(k)), fd, 1e-4);
            }
        }
        System.out.printf("grad-check Snn3 (%s, detach=%s, dropout 0.5): max rel err %.2e over %d tensors%n", spike, detach, worst, args.size());
    }

    @Test
    void gradSpikesAreRejected() {
        Snn3 m = new Snn3(be, small(Surrogate.snnTorchAtan(2f), true), 1L);
        Snn3.Pass p = m.forward(be.zeros(4, 1, IN), true, 1L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.backward(p, be.zeros(4, 1, 2), be.zeros(4, 1, L1)));
        assertTrue(e.getMessage().contains("gradSpikes"), e.getMessage());
    }

    /**
     * Each sample's LayerNorm output and prediction are the same, bit for bit, alone or among others: the LayerNorm
     * statistics are per sample (computed four samples at a time, and one at a time for the rest,
     * in the same order), and the layers' products do not mix rows. 7 steps of 5 samples: 35 rows,
     * eight groups of four and three left over; a sample alone: 7 rows, one group and three.
     */
    @Test
    void aSamplesPredictionDoesNotDependOnItsBatch() {
        int t = 7, b = 5;
        Snn3 m = new Snn3(be, small(Surrogate.snnTorchAtan(2f), true), 3L);
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        float[] x = new float[t * b * IN];
        for (int e = 0; e < x.length; e++) x[e] = r.nextInt(3) == 0 ? 0f : (float) r.nextInt(4);
        Snn3.Pass batch = m.forward(be.fromHost(x, t, b, IN), false, 0L, false);
        float[] all = be.toHost(batch.prediction()), allNorm = be.toHost(batch.layerNorm());   // [BINS, t·b, IN]
        for (int j = 0; j < b; j++) {
            float[] one = new float[t * IN];
            for (int s = 0; s < t; s++) System.arraycopy(x, (s * b + j) * IN, one, s * IN, IN);
            Snn3.Pass single = m.forward(be.fromHost(one, t, 1, IN), false, 0L, false);
            float[] alone = be.toHost(single.prediction()), aloneNorm = be.toHost(single.layerNorm());
            for (int i = 0; i < BINS; i++) {
                for (int s = 0; s < t; s++) {
                    for (int c = 0; c < IN; c++) {
                        assertEquals(Float.floatToRawIntBits(aloneNorm[(i * t + s) * IN + c]), Float.floatToRawIntBits(allNorm[(i * t * b + s * b + j) * IN + c]),
                                "LayerNorm output, sample " + j + " step " + s + " sub-bin " + i + " input " + c);
                    }
                }
            }
            for (int s = 0; s < t; s++) {
                for (int o = 0; o < 2; o++) {
                    assertEquals(Float.floatToRawIntBits(alone[s * 2 + o]), Float.floatToRawIntBits(all[(s * b + j) * 2 + o]),
                            "sample " + j + " step " + s + " output " + o);
                }
            }
        }
    }
}
