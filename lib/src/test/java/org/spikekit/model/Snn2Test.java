package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/**
 * SNN2 against the step-by-step double reference {@link SnnReference#snn2}: forward parity, and the
 * hand-written BPTT for every parameter, the input and the spike-gradient path, with dropout on.
 * With a smooth spike and an undetached reset the gradients are also held to central finite
 * differences; with the snnTorch configuration (fast sigmoid, detached reset) to forward-mode
 * derivatives of the reference.
 */
class Snn2Test {
    static final int T = 10, B = 2, IN = 3, H = 4, O = 2;
    final Backend be = new CpuBackend(1);

    static double[] rnd(Random r, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return a;
    }

    private void load(Tensor t, double[] v) { be.copy(be.fromHost(GradCheck.f(v), t.shape()), t); }

    @Test
    void neuroBenchConfigurationAndParameterLayout() {
        Snn2 m = new Snn2(be, Snn2.Config.neuroBench(96), 1L);
        assertArrayEquals(new int[] {50, 96}, m.fc1().shape());
        assertArrayEquals(new int[] {2, 50}, m.fcOut().shape());
        assertEquals(4_900, m.numel());
        Snn2.Config c = m.config();
        assertEquals(0.96f, c.beta());
        assertEquals(1f, c.threshold());
        assertEquals(0.3f, c.dropout());
        assertEquals(Surrogate.snnTorchFastSigmoid(20f), c.spike());
        assertEquals(SnnTorchLeaky.Reset.ZERO, c.lif1().reset());
        assertEquals(SnnTorchLeaky.Reset.NONE, c.lifOut().reset());
        float[] w = be.toHost(m.fc1().value());
        double bound = 1 / Math.sqrt(96), max = 0;
        for (float v : w) max = Math.max(max, Math.abs(v));
        assertTrue(max <= bound && max > 0.9 * bound, "nn.Linear init U(±1/√in), max |w| " + max);
        assertArrayEquals(w, be.toHost(new Snn2(be, Snn2.Config.neuroBench(96), 1L).fc1().value()), "seeded");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(be.zeros(5, 1, 95), false, 0L));
        assertTrue(e.getMessage().contains("[T, B, 96]"), e.getMessage());
    }

    @Test
    void noDelayAndStatePersistsOverTheSequence() {
        Snn2 m = new Snn2(be, new Snn2.Config(1, 1, 1, 0.96f, 1f, Surrogate.snnTorchFastSigmoid(20f), 0.3f, true), 1L);
        load(m.fc1().value(), new double[] {0.6});
        load(m.fcOut().value(), new double[] {0.5});
        Tensor x = be.zeros(5, 1, 1);
        be.fill(x.slice0(1), 1f);
        be.fill(x.slice0(2), 1f);
        Snn2.Pass p = m.forward(x, false, 0L, false);
        // U1: 0, .6, .576+.6 = 1.176 → spike at 2, then reset to zero: 0, 0
        assertArrayEquals(new float[] {0, 0, 1, 0, 0}, be.toHost(p.spikes()));
        // U2 = .96·U2 + .5·S1: the spike at step 2 shows in the prediction at step 2
        assertArrayEquals(new float[] {0, 0, 0.5f, 0.48f, 0.4608f}, be.toHost(p.prediction()), 1e-6f);
    }

    @Test
    void dropoutIsSeededAndOnlyInTraining() {
        Snn2 m = new Snn2(be, Snn2.Config.neuroBench(6).withHidden(8), 2L);
        Tensor x = be.zeros(30, 3, 6);
        be.randBernoulli(x, 4L, 0.3f);
        float[] a = be.toHost(m.forward(x, true, 7L).prediction()), b = be.toHost(m.forward(x, true, 7L).prediction());
        float[] c = be.toHost(m.forward(x, true, 8L).prediction());
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "another seed draws other masks");
        assertArrayEquals(be.toHost(m.forward(x, false, 7L).prediction()), be.toHost(m.predict(x)), "no dropout in evaluation");
        float[] mask = be.toHost(m.forward(x, true, 7L).dropoutMask());
        for (float v : mask) assertTrue(v == 0f || Math.abs(v - 1 / 0.7f) < 1e-6f, "inverted dropout value " + v);
    }

    @Test
    void forwardMatchesStepByStepReference() {
        Random r = new Random(3);
        Snn2.Config cfg = new Snn2.Config(IN, H, O, 0.96f, 1f, Surrogate.snnTorchFastSigmoid(20f), 0.3f, true);
        Snn2 m = new Snn2(be, cfg, 1L);
        double[] w1 = rnd(r, H * IN, -1, 2), w2 = rnd(r, O * H, -1, 1), x = new double[T * B * IN];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < 0.4 ? 1 : 0;
        load(m.fc1().value(), w1);
        load(m.fcOut().value(), w2);
        Snn2.Pass p = m.forward(be.fromHost(GradCheck.f(x), T, B, IN), false, 0L, false);
        SnnReference.Run ref = SnnReference.snn2(cfg, consts(w1), consts(w2), consts(x), T, B, null);
        double[] rp = values(ref.prediction()), rs = values(ref.spikes());
        assertArrayEquals(GradCheck.f(rs), be.toHost(p.spikes()), "spikes");
        assertTrue(GradCheck.relErr(GradCheck.d(be.toHost(p.prediction())), rp) < 1e-6, "prediction");
        double rate = Arrays.stream(rs).sum() / rs.length;
        assertTrue(rate > 0.1 && rate < 0.9, "hidden layer should spike sometimes, rate " + rate);
    }

    static Dual[] consts(double[] v) {
        Dual[] d = new Dual[v.length];
        for (int i = 0; i < v.length; i++) d[i] = Dual.c(v[i]);
        return d;
    }

    static double[] values(Dual[] d) {
        double[] v = new double[d.length];
        for (int i = 0; i < d.length; i++) v[i] = d[i].v();
        return v;
    }

    @ParameterizedTest(name = "{0} detach={1}")
    @CsvSource({"smooth_sigmoid,false", "smooth_sigmoid,true", "fast_sigmoid,true"})
    void gradientsMatchReference(String spike, boolean detach) {
        Surrogate fn = Surrogate.of(spike, spike.equals("fast_sigmoid") ? 20f : 4f);
        Snn2.Config cfg = new Snn2.Config(IN, H, O, 0.96f, 1f, fn, 0.3f, detach);
        Random r = new Random(11);
        double[] w1 = rnd(r, H * IN, -1, 2), w2 = rnd(r, O * H, -1, 1), x = rnd(r, T * B * IN, 0, 1);
        double[] gp = rnd(r, T * B * O, -1, 1), gs = rnd(r, T * B * H, -1, 1);
        Snn2 m = new Snn2(be, cfg, 1L);
        load(m.fc1().value(), w1);
        load(m.fcOut().value(), w2);
        m.zeroGrad();
        Snn2.Pass p = m.forward(be.fromHost(GradCheck.f(x), T, B, IN), true, 21L);
        Tensor gx = m.backward(p, be.fromHost(GradCheck.f(gp), T, B, O), be.fromHost(GradCheck.f(gs), T, B, H), true);
        double[] mask = GradCheck.d(be.toHost(p.dropoutMask()));
        assertTrue(Arrays.stream(mask).anyMatch(v -> v == 0), "dropout is active in the check");
        if (fn.binaryForward()) {
            double rate = be.sum(p.spikes()) / p.spikes().size();
            assertTrue(rate > 0.1 && rate < 0.9, "hidden layer should spike sometimes, rate " + rate);
        }

        GradCheck.Fn f = a -> {
            SnnReference.Run run = SnnReference.snn2(cfg, a.get(0), a.get(1), a.get(2), T, B, mask);
            return SnnReference.dot(run.prediction(), gp).add(SnnReference.dot(run.spikes(), gs));
        };
        List<double[]> args = new ArrayList<>(List.of(w1, w2, x));
        String[] names = {"fc1.weight", "fc_out.weight", "x"};
        float[][] got = {be.toHost(m.fc1().grad()), be.toHost(m.fcOut().grad()), be.toHost(gx)};
        double worst = 0;
        for (int k = 0; k < names.length; k++) {
            double[] ref = GradCheck.forwardMode(f, args, k);
            worst = Math.max(worst, GradCheck.assertClose("d/d" + names[k] + " vs forward-mode reference", GradCheck.d(got[k]), ref, 1e-4));
            if (!detach) {
                double[] fd = GradCheck.finiteDifferences(f, args, k, 1e-6);
                GradCheck.assertClose("reference d/d" + names[k] + " vs central differences", ref, fd, 1e-6);
                GradCheck.assertClose("d/d" + names[k] + " vs central differences", GradCheck.d(got[k]), fd, 1e-4);
            }
        }
        System.out.printf("grad-check Snn2 (%s, detach=%s, dropout 0.3): max rel err %.2e%n", spike, detach, worst);
    }

    @Test
    void backwardNeedsATape() {
        Snn2 m = new Snn2(be, Snn2.Config.neuroBench(3), 1L);
        Tensor x = be.zeros(4, 1, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.backward(m.forward(x, false, 0L), be.zeros(4, 1, 2), null));
        assertTrue(e.getMessage().contains("keepTape"), e.getMessage());
        assertNotEquals(null, m.forward(x, true, 0L).tape());
    }
}
