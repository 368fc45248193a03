package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Differentiable;
import org.spikekit.core.Parameter;
import org.spikekit.core.Tape;
import org.spikekit.model.AlifNet;
import org.spikekit.model.EphysNeurons;

/**
 * The Blocks networks ({@link AlifNet}, {@link EphysNeurons}) driven only through the autograd
 * contract {@link Differentiable}: forward on a keeping tape, a random dL/d(output) (plus, for
 * AlifNet, a random dL/d(spikes) handed back on the tape as {@link AlifNet#SPIKES}), backward, an
 * empty tape afterwards. The loss is L = Σ gOut·output + Σ gSpikes·spikes.
 *
 * <p>Checks: (1) the contract's outputs and gradients are bit-identical to the pass-object methods
 * the trainers used before; (2) with the real kernels, AlifNet's gradients against forward-mode dual
 * numbers through the independent float64 transcription {@link AlifDual} (spikes are Heaviside, so
 * a finite difference cannot serve; {@code AlifNetGradientTest}'s practice and tolerance), and the
 * readout's against central finite differences of the float network (the spikes do not depend on
 * it); (3) with a smooth stand-in kernel S = σ(β·(X + S₋₁R) + p − b) (the practice of
 * {@code EphysNeuronsTest}), every parameter of both models against central finite differences.
 */
class DifferentiableBlocksContractTest {
    final Backend be = new CpuBackend();
    static final int T = 18, B = 2, IN = 5, H = 6, C = 3;

    // ------------------------------------------------------------------ a smooth stand-in kernel (recurrent or not)

    /** S_t = σ(β·(X_t + S_{t−1}·R) + p − b), S_{−1} = 0: differentiable everywhere, so finite differences apply. */
    static final class SmoothKernel implements AlifKernel {
        final Backend be;
        SmoothKernel(Backend be) { this.be = be; }
        record St(float[] x, float[] s, float[] r, float[] beta, int t, int b, int n) implements AlifTape {
            public long retainedBytes() { return 0; }
            public int steps() { return t; }
            public int batch() { return b; }
            public int neurons() { return n; }
        }
        public String name() { return "smooth-test"; }
        public AlifForward forward(AlifParams params, AlifCoeffs c, Tensor current, Tensor rec, boolean keepTape) {
            float[] x = be.toHost(current), beta = be.toHost(c.beta()), p = be.toHost(c.p()), bb = be.toHost(c.b());
            float[] r = rec == null ? null : be.toHost(rec);
            int t = current.dim(0), b = current.dim(1), n = current.dim(2);
            float[] s = new float[x.length];
            for (int k = 0; k < t; k++) {
                for (int row = 0; row < b; row++) {
                    for (int j = 0; j < n; j++) {
                        int i = (k * b + row) * n + j;
                        double u = x[i];
                        if (r != null && k > 0) for (int q = 0; q < n; q++) u += s[((k - 1) * b + row) * n + q] * r[q * n + j];
                        s[i] = (float) (1 / (1 + Math.exp(-(beta[j] * u + p[j] - bb[j]))));
                    }
                }
            }
            return new AlifForward(be.fromHost(s, current.shape()), keepTape ? new St(x, s, r, beta, t, b, n) : null);
        }
        public AlifGrads backward(AlifParams params, AlifTape tape, Tensor gradSpikes) {
            St tp = (St) tape;
            int t = tp.t, b = tp.b, n = tp.n;
            double[] gs = new double[t * b * n];
            float[] g0 = be.toHost(gradSpikes), gx = new float[gs.length];
            for (int i = 0; i < gs.length; i++) gs[i] = g0[i];
            double[] gb = new double[n], gp = new double[n], gr = new double[n * n];
            for (int k = t - 1; k >= 0; k--) {
                for (int row = 0; row < b; row++) {
                    for (int j = 0; j < n; j++) {
                        int i = (k * b + row) * n + j;
                        double d = gs[i] * tp.s[i] * (1 - tp.s[i]);
                        double u = tp.x[i];
                        if (tp.r != null && k > 0) for (int q = 0; q < n; q++) u += tp.s[((k - 1) * b + row) * n + q] * tp.r[q * n + j];
                        gb[j] += d * u;
                        gp[j] += d;
                        double du = d * tp.beta[j];
                        gx[i] = (float) du;
                        if (tp.r != null && k > 0) {
                            for (int q = 0; q < n; q++) {
                                int iq = ((k - 1) * b + row) * n + q;
                                gr[q * n + j] += du * tp.s[iq];
                                gs[iq] += du * tp.r[q * n + j];
                            }
                        }
                    }
                }
            }
            float[] fb = new float[n], fp = new float[n], fbb = new float[n], fr = new float[n * n];
            for (int j = 0; j < n; j++) { fb[j] = (float) gb[j]; fp[j] = (float) gp[j]; fbb[j] = (float) -gp[j]; }
            for (int i = 0; i < fr.length; i++) fr[i] = (float) gr[i];
            return new AlifGrads(be.fromHost(gx, t, b, n), tp.r == null ? null : be.fromHost(fr, n, n),
                    be.fromHost(fb, n), be.fromHost(fp, n), be.fromHost(fbb, n));
        }
    }

    // ------------------------------------------------------------------ AlifNet

    static String in(int l) { return AlifDual.inName(l); }
    static String rec(int l) { return AlifDual.recName(l); }
    static String alif(int l) { return AlifDual.alifName(l); }

    record Case(AlifNet net, Tensor x, float[] xs, float[] gOut, float[] gSpikes) {}

    /** A small net with per-neuron coefficients varied and an input bias so that neurons spike (as {@code AlifNetGradientTest}). */
    Case alifCase(AlifNet.Kind kind, int arp, boolean recurrent, AlifNet.Pool pool, int layers, boolean smooth) {
        AlifNet.Config cfg = new AlifNet.Config(IN, H, C, recurrent, kind, AlifParams.paper(arp), 0.85f, 0.9f, 0.6f, 0.8f, pool, layers);
        AlifNet net = smooth ? new AlifNet(be, cfg, 5L, new SmoothKernel(be)) : new AlifNet(be, cfg, 5L);
        Random g = new Random(31 + arp + 7L * layers);
        for (int l = 0; l < layers; l++) {
            set(net, alif(l) + ".betaRaw", rnd(g, H, 0.6, 0.95));
            set(net, alif(l) + ".pRaw", rnd(g, H, 0.7, 0.97));
            set(net, alif(l) + ".bRaw", rnd(g, H, 0.1, 0.9));
            set(net, in(l) + ".b", rnd(g, H, 0.2, 0.6));
            if (l > 0) set(net, in(l) + ".w", rnd(g, H * H, -0.3, 0.9));
            if (recurrent) set(net, rec(l) + ".w", rnd(g, H * H, -0.4, 0.4));
        }
        set(net, "out.betaRaw", rnd(g, C, 0.5, 0.9));
        set(net, "out.b", rnd(g, C, -0.3, 0.3));
        float[] x = rnd(g, T * B * IN, 0, 1);
        return new Case(net, be.fromHost(x, T, B, IN), x, rnd(g, B * C, -1, 1), rnd(g, T * B * H, -1, 1));
    }

    static float[] rnd(Random g, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * g.nextDouble());
        return a;
    }

    void set(Differentiable<Tensor> m, String name, float[] v) {
        Parameter p = m.byName().get(name);
        be.copy(be.fromHost(v, p.shape()), p.value());
    }

    Map<String, float[]> grads(Differentiable<Tensor> m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Parameter p : m.parameters()) out.put(p.name(), be.toHost(p.grad()));
        return out;
    }

    /** Forward on {@code tape}, the spikes gradient handed back (if any), backward; the parameter gradients. */
    Map<String, float[]> contractGrads(Differentiable<Tensor> m, Tensor x, Tensor gOut, float[] gSpikes, Tape tape) {
        m.zeroGrad();
        Tensor out = m.forward(x, tape);
        assertEquals(1, tape.pending(), "forward on a keeping tape pushes one record");
        if (gSpikes != null) tape.addGradient(AlifNet.SPIKES, be.fromHost(gSpikes, tape.output(AlifNet.SPIKES).shape()));
        if (gOut != null) assertArrayEquals(out.shape(), gOut.shape(), "gradOut has the output's shape");
        assertNull(m.backward(gOut, tape), "backward returns no input gradient");
        assertEquals(0, tape.pending(), "backward pops the record");
        return grads(m);
    }

    static void assertBitIdentical(Map<String, float[]> want, Map<String, float[]> got, String what) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) assertArrayEquals(want.get(k), got.get(k), what + ": " + k);
    }

    /** L = Σ gOut·logits + Σ gSpikes·spikes of the float net, through the contract (inference tape). */
    double alifLoss(Case c) {
        Tape tape = Tape.inference();
        float[] z = be.toHost(c.net().forward(c.x(), tape)), s = be.toHost(tape.output(AlifNet.SPIKES));
        assertEquals(0, tape.pending(), "an inference tape keeps no record");
        double l = 0;
        for (int i = 0; i < z.length; i++) l += (double) c.gOut()[i] * z[i];
        for (int i = 0; i < s.length; i++) l += (double) c.gSpikes()[i] * s[i];
        return l;
    }

    @ParameterizedTest(name = "{0} arp={1} recurrent={2} pool={3} layers={4}")
    @CsvSource({"STANDARD,2,true,SUM,2", "STANDARD,0,false,MAX,2", "BLOCKS,3,true,MAX,2", "BLOCKS,2,false,SUM,2", "BLOCKS,3,true,SUM,1"})
    void alifNetContractIsTheNativePathBitForBit(AlifNet.Kind kind, int arp, boolean recurrent, AlifNet.Pool pool, int layers) {
        Case c = alifCase(kind, arp, recurrent, pool, layers, false);
        AlifNet net = c.net();
        Tensor gOut = be.fromHost(c.gOut(), B, C), gS = be.fromHost(c.gSpikes(), T, B, H);
        // native: forward(x, true) → Pass, backward(pass, dLogits)
        net.zeroGrad();
        AlifNet.Pass p = net.forward(c.x(), true);
        net.backward(p, gOut);
        Map<String, float[]> nativeLogits = grads(net);
        for (Tape tape : new Tape[] {Tape.evalWithGrad(), Tape.training(11L)}) {
            Differentiable<Tensor> m = net;
            Map<String, float[]> got = contractGrads(m, c.x(), gOut, null, tape);
            assertBitIdentical(nativeLogits, got, "dLogits only");
        }
        Tape t0 = Tape.evalWithGrad();
        assertArrayEquals(be.toHost(p.logits()), be.toHost(net.forward(c.x(), t0)), "logits");
        assertArrayEquals(be.toHost(p.spikes()), be.toHost(t0.output(AlifNet.SPIKES)), "published spikes = the last hidden layer's");
        // native: backwardHidden(pass, dSpikes, inputGrad) — the contract with dLogits null and the spikes gradient on the tape
        net.zeroGrad();
        Tensor gxNative = net.backwardHidden(p, gS, true);
        Map<String, float[]> nativeSpikes = grads(net);
        net.zeroGrad();
        Tape t1 = Tape.evalWithGrad();
        net.forward(c.x(), t1);
        t1.addGradient(AlifNet.SPIKES, gS);
        Tensor gx = net.backward(null, t1, true);
        assertEquals(0, t1.pending());
        assertBitIdentical(nativeSpikes, grads(net), "dSpikes only");
        assertArrayEquals(be.toHost(gxNative), be.toHost(gx), "dL/dx");
        for (String k : new String[] {"out.w", "out.b", "out.betaRaw"}) {
            for (float v : nativeSpikes.get(k)) assertEquals(0f, v, k + " untouched without dLogits");
        }
        // an inference tape keeps nothing; backward on it is refused
        Tape inf = Tape.inference();
        assertArrayEquals(be.toHost(p.logits()), be.toHost(net.forward(c.x(), inf)));
        assertEquals(0, inf.pending());
        assertThrows(IllegalStateException.class, () -> net.backward(gOut, inf));
        // a backward with neither gradient is refused
        Tape t2 = Tape.evalWithGrad();
        net.forward(c.x(), t2);
        assertThrows(IllegalArgumentException.class, () -> net.backward(null, t2));
    }

    @ParameterizedTest(name = "{0} arp={1} recurrent={2} pool={3} layers={4}")
    @CsvSource({"STANDARD,2,true,SUM,2", "STANDARD,0,false,MAX,2", "BLOCKS,3,true,MAX,2", "BLOCKS,2,false,SUM,2"})
    void alifNetContractGradientsMatchForwardModeAndReadoutFiniteDifferences(AlifNet.Kind kind, int arp, boolean recurrent, AlifNet.Pool pool, int layers) {
        Case c = alifCase(kind, arp, recurrent, pool, layers, false);
        Differentiable<Tensor> m = c.net();
        Tape probe = Tape.inference();
        m.forward(c.x(), probe);
        double rate = 0;
        for (float s : be.toHost(probe.output(AlifNet.SPIKES))) rate += s;
        rate /= T * B * H;
        assertTrue(rate > 0.03 && rate < 0.6, "spike rate " + rate + " should make the check meaningful");
        Map<String, float[]> got = contractGrads(m, c.x(), be.fromHost(c.gOut(), B, C), c.gSpikes(), Tape.training(3L));
        Random pick = new Random(5);
        for (Parameter p : m.parameters()) {
            int[] idx = sample(pick, p.value().sizeInt());
            double[] g = new double[idx.length], want = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                g[i] = got.get(p.name())[idx[i]];
                want[i] = dualLoss(c, p.name(), idx[i]).d();
            }
            double r = relErr(g, want);
            assertTrue(r < 2e-4, p.name() + ": relative error " + r + " vs forward mode");
        }
        // the readout: L is linear in out.w and out.b and smooth in out.betaRaw (the spikes do not depend on them);
        // a step of 1e-3 keeps MAX pooling's argmax from switching between time steps
        for (String name : new String[] {"out.w", "out.b", "out.betaRaw"}) {
            Parameter p = m.byName().get(name);
            int[] idx = sample(pick, p.value().sizeInt());
            double[] g = new double[idx.length], fd = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                g[i] = got.get(name)[idx[i]];
                fd[i] = centralDifference(c.net(), name, idx[i], 1e-3, () -> alifLoss(c));
            }
            assertTrue(relErr(g, fd) < 5e-3, name + ": float finite differences, error " + relErr(g, fd));
        }
    }

    @ParameterizedTest(name = "recurrent={0} pool={1} layers={2}")
    @CsvSource({"true,SUM,2", "false,MAX,2", "true,MAX,1", "false,SUM,1"})
    void alifNetContractMatchesCentralFiniteDifferencesWithASmoothKernel(boolean recurrent, AlifNet.Pool pool, int layers) {
        Case c = alifCase(AlifNet.Kind.STANDARD, 2, recurrent, pool, layers, true);
        Differentiable<Tensor> m = c.net();
        Map<String, float[]> got = contractGrads(m, c.x(), be.fromHost(c.gOut(), B, C), c.gSpikes(), Tape.evalWithGrad());
        Random pick = new Random(9);
        for (Parameter p : m.parameters()) {
            for (int e : sample(pick, p.value().sizeInt())) {        // step 1e-2: float32 round-off swamps smaller ones
                double fd = centralDifference(c.net(), p.name(), e, 1e-2, () -> alifLoss(c));
                float g = got.get(p.name())[e];
                assertEquals(fd, g, 1e-3 + 2e-2 * Math.abs(fd), p.name() + "[" + e + "]");
            }
        }
    }

    /** Up to four distinct entries of a parameter of {@code n} entries. */
    static int[] sample(Random r, int n) {
        if (n <= 4) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        return r.ints(0, n).distinct().limit(4).toArray();
    }

    double centralDifference(Differentiable<Tensor> m, String name, int e, double h, java.util.function.DoubleSupplier loss) {
        Parameter p = m.byName().get(name);
        float[] v = be.toHost(p.value());
        float keep = v[e];
        v[e] = (float) (keep + h);
        set(m, name, v);
        double up = loss.getAsDouble();
        v[e] = (float) (keep - h);
        set(m, name, v);
        double dn = loss.getAsDouble();
        v[e] = keep;
        set(m, name, v);
        return (up - dn) / (2 * h);
    }

    static double relErr(double[] a, double[] e) {
        double scale = 0, err = 0;
        for (double x : e) scale = Math.max(scale, Math.abs(x));
        for (int i = 0; i < e.length; i++) err = Math.max(err, Math.abs(a[i] - e[i]));
        if (!(scale > 0)) fail("expected gradient is identically zero: the check would be vacuous");
        return err / scale;
    }

    /** L in dual numbers through {@link AlifDual}, derivative along entry {@code elem} of parameter {@code seeded}. */
    AlifDual.D dualLoss(Case c, String seeded, int elem) {
        AlifNet.Config cfg = c.net().config();
        Map<String, AlifDual.D[]> v = new java.util.HashMap<>();
        for (Parameter p : c.net().parameters()) {
            float[] d = be.toHost(p.value());
            AlifDual.D[] dd = new AlifDual.D[d.length];
            for (int i = 0; i < d.length; i++) dd[i] = new AlifDual.D(d[i], p.name().equals(seeded) && i == elem ? 1 : 0);
            v.put(p.name(), dd);
        }
        AlifDual.NetRun run = AlifDual.net(cfg, v, c.xs(), T, B, IN, H, C);
        AlifDual.D loss = AlifDual.D.ZERO;
        AlifDual.D[] s = run.spikes();
        for (int i = 0; i < s.length; i++) loss = loss.add(s[i].scale(c.gSpikes()[i]));
        for (int i = 0; i < B * C; i++) loss = loss.add(run.logits()[i].scale(c.gOut()[i]));
        return loss;
    }

    // ------------------------------------------------------------------ EphysNeurons

    static float[][][] currents(int cells, int rows, int n, long seed) { return org.spikekit.model.EphysNeuronsTest.currents(cells, rows, n, seed); }

    static float[][][] randomSpikes(int cells, int rows, int n, long seed) { return org.spikekit.model.EphysNeuronsTest.randomSpikes(cells, rows, n, seed); }

    EphysNeurons.Config ephysConfig(AlifNet.Kind kind, int ds, int sub) {
        return sub == 2 ? EphysNeurons.Config.paperFine(2, kind, 2) : EphysNeurons.Config.paper(2, kind, ds, 2);
    }

    @ParameterizedTest(name = "{0} ds={1} sub={2}")
    @CsvSource({"STANDARD,5,1", "BLOCKS,5,1", "STANDARD,1,2", "BLOCKS,1,2"})
    void ephysContractIsTheNativePathBitForBit(AlifNet.Kind kind, int ds, int sub) {
        int rows = 3, n = 400;
        EphysNeurons m = new EphysNeurons(be, ephysConfig(kind, ds, sub));
        be.copy(be.fromHost(new float[] {3f, 6f}, 2), m.parameters().get(0).value());
        Tensor x = m.pool(currents(2, rows, n * sub, 1));
        float[][][] rec = randomSpikes(2, rows, n, 2);
        // native: forward(x, true) → Pass, loss(pass, …, dS), backward(pass, dS)
        m.zeroGrad();
        EphysNeurons.Pass p = m.forward(x, true);
        Tensor gn = be.zeros(p.spikes().shape());
        double[] ln = m.loss(p, rec, 20, gn);
        m.backward(p, gn);
        Map<String, float[]> want = grads(m);
        double rate = 0;
        for (float s : be.toHost(p.spikes())) rate += s;
        assertTrue(rate > 0, "the model should spike for the check to mean anything");
        // contract: forward(x, tape) → spikes, loss(spikes, …, dS), backward(dS, tape)
        Differentiable<Tensor> d = m;
        m.zeroGrad();
        Tape tape = Tape.training(4L);
        Tensor spikes = d.forward(x, tape);
        assertArrayEquals(be.toHost(p.spikes()), be.toHost(spikes), "spikes");
        assertEquals(1, tape.pending());
        Tensor g = be.zeros(spikes.shape());
        assertArrayEquals(ln, m.loss(spikes, rec, 20, g), "loss");
        assertArrayEquals(be.toHost(gn), be.toHost(g), "dL/dS");
        assertNull(d.backward(g, tape));
        assertEquals(0, tape.pending());
        assertBitIdentical(want, grads(m), "e-phys gradients");
        for (int row = 0; row < rows; row++) assertArrayEquals(m.spikesOnGrid(p, 1, row), m.spikesOnGrid(spikes, 1, row));
        Tape inf = Tape.inference();
        assertArrayEquals(be.toHost(p.spikes()), be.toHost(d.forward(x, inf)));
        assertEquals(0, inf.pending());
        assertThrows(IllegalStateException.class, () -> d.backward(g, inf));
        Tape wrong = Tape.evalWithGrad();
        d.forward(x, wrong);
        assertThrows(IllegalArgumentException.class, () -> d.backward(be.zeros(3, 3, 2), wrong));
    }

    @ParameterizedTest(name = "ds={0} sub={1}")
    @CsvSource({"5,1", "1,2"})
    void ephysContractMatchesCentralFiniteDifferencesWithASmoothKernel(int ds, int sub) {
        int rows = 3, n = 200;
        EphysNeurons m = new EphysNeurons(be, ephysConfig(AlifNet.Kind.STANDARD, ds, sub), new SmoothKernel(be));
        be.copy(be.fromHost(new float[] {3f, 6f}, 2), m.parameters().get(0).value());
        be.copy(be.fromHost(new float[] {0.99f, 0.995f}, 2), m.parameters().get(2).value());   // p inside its clamp
        Tensor x = m.pool(currents(2, rows, n * sub, 1));
        int t = x.dim(0);
        float[] gOut = rnd(new Random(8), t * rows * 2, -1, 1);
        Differentiable<Tensor> d = m;
        Map<String, float[]> got = contractGrads(d, x, be.fromHost(gOut, t, rows, 2), null, Tape.evalWithGrad());
        java.util.function.DoubleSupplier loss = () -> {
            float[] s = be.toHost(d.forward(x, Tape.inference()));
            double l = 0;
            for (int i = 0; i < s.length; i++) l += (double) gOut[i] * s[i];
            return l;
        };
        for (Parameter p : m.parameters()) {
            for (int c = 0; c < 2; c++) {
                float keep = be.toHost(p.value())[c];
                double fd = centralDifference(d, p.name(), c, 1e-3 * Math.max(1, Math.abs(keep)), loss);
                float g = got.get(p.name())[c];
                assertEquals(fd, g, 1e-3 + 2e-2 * Math.abs(fd), p.name() + "[" + c + "]");
                assertTrue(Math.abs(g) > 1e-7, p.name() + "[" + c + "] gradient should not vanish here: " + g);
            }
        }
    }
}
