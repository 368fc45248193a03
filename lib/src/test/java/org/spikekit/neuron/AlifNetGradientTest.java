package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.model.AlifNet;

/**
 * End-to-end gradient checks of {@link AlifNet}'s hand-written backward (input projection, either
 * ALIF kernel, leaky readout with its bias, SUM or MAX pooling, cross-entropy).
 *
 * <p>(1) Every parameter's gradient against forward-mode dual numbers in float64 through the
 * whole network, the hidden layer being the independent transcription {@link AlifDual} of the
 * authors' code (spike: Heaviside forward, surrogate derivative; the semantics the kernels
 * implement, so a finite difference cannot serve here). (2) Central finite differences of the
 * float network itself for the readout parameters, where the loss is a true smooth function (the
 * spikes do not depend on them), and of the dual reference's value for the same parameters.
 */
class AlifNetGradientTest {
    final Backend be = new CpuBackend();
    static final int T = 18, B = 2, IN = 5, H = 6, C = 3;

    record Net(AlifNet net, float[] x, int[] labels) {}

    Net build(AlifNet.Kind kind, int arp, boolean recurrent, AlifNet.Pool pool) { return build(kind, arp, recurrent, pool, 1); }

    static String in(int l) { return AlifDual.inName(l); }
    static String rec(int l) { return AlifDual.recName(l); }
    static String alif(int l) { return AlifDual.alifName(l); }

    Net build(AlifNet.Kind kind, int arp, boolean recurrent, AlifNet.Pool pool, int layers) {
        AlifNet.Config cfg = new AlifNet.Config(IN, H, C, recurrent, kind, AlifParams.paper(arp), 0.85f, 0.9f, 0.6f, 0.8f, pool, layers);
        AlifNet net = new AlifNet(be, cfg, 5L);
        Random g = new Random(17 + arp);
        // vary the per-neuron coefficients and give the input a bias so that neurons spike
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
        float[] x = new float[T * B * IN];
        for (int i = 0; i < x.length; i++) x[i] = (float) g.nextDouble();
        return new Net(net, x, new int[] {1, 2});
    }

    static float[] rnd(Random g, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * g.nextDouble());
        return a;
    }

    void set(AlifNet net, String name, float[] v) {
        Parameter p = net.byName().get(name);
        be.copy(be.fromHost(v, p.shape()), p.value());
    }

    double[] host(Parameter p) {
        float[] f = be.toHost(p.value());
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** The network's loss in dual numbers, derivative along element {@code elem} of parameter {@code seeded}. */
    AlifDual.D dualLoss(Net n, String seeded, int elem, String perturbed, int pelem, double h) {
        AlifNet.Config cfg = n.net().config();
        java.util.Map<String, AlifDual.D[]> v = new java.util.HashMap<>();
        for (Parameter p : n.net().parameters()) {
            double[] d = host(p);
            if (p.name().equals(perturbed)) d[pelem] += h;
            AlifDual.D[] dd = new AlifDual.D[d.length];
            for (int i = 0; i < d.length; i++) dd[i] = new AlifDual.D(d[i], p.name().equals(seeded) && i == elem ? 1 : 0);
            v.put(p.name(), dd);
        }
        AlifDual.NetRun run = AlifDual.net(cfg, v, n.x(), T, B, IN, H, C);
        AlifDual.D loss = AlifDual.D.ZERO;
        for (int r = 0; r < B; r++) {
            AlifDual.D[] z = java.util.Arrays.copyOfRange(run.logits(), r * C, (r + 1) * C);
            double mx = Double.NEGATIVE_INFINITY, se = 0;
            for (AlifDual.D zi : z) mx = Math.max(mx, zi.v());
            for (AlifDual.D zi : z) se += Math.exp(zi.v() - mx);
            double lse = mx + Math.log(se), dl = 0;
            for (int o = 0; o < C; o++) dl += Math.exp(z[o].v() - lse) * z[o].d();
            int yl = n.labels()[r];
            loss = loss.add(new AlifDual.D(lse - z[yl].v(), dl - z[yl].d()).scale(1.0 / B));
        }
        return loss;
    }

    double[] netGrad(Net n, String name) {
        AlifNet net = n.net();
        net.zeroGrad();
        AlifNet.Pass p = net.forward(be.fromHost(n.x(), T, B, IN), true);
        Tensor g = be.zeros(B, C);
        AlifNet.loss(p, n.labels(), g);
        net.backward(p, g);
        return host2(net.byName().get(name).grad());
    }

    double[] host2(Tensor t) {
        float[] f = be.toHost(t);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    double floatLoss(Net n) {
        AlifNet.Pass p = n.net().forward(be.fromHost(n.x(), T, B, IN), false);
        return AlifNet.loss(p, n.labels(), null);
    }

    static double relErr(double[] a, double[] e) {
        double scale = 0, err = 0;
        for (double x : e) scale = Math.max(scale, Math.abs(x));
        for (int i = 0; i < e.length; i++) err = Math.max(err, Math.abs(a[i] - e[i]));
        if (!(scale > 0)) fail("expected gradient is identically zero: the check would be vacuous");
        return err / scale;
    }

    @ParameterizedTest(name = "{0} arp={1} recurrent={2} pool={3} layers={4}")
    @CsvSource({"STANDARD,0,true,SUM,1", "STANDARD,3,true,MAX,1", "STANDARD,2,false,SUM,1",
            "BLOCKS,3,true,SUM,1", "BLOCKS,4,false,MAX,1", "BLOCKS,0,true,SUM,1",
            "STANDARD,2,true,SUM,2", "BLOCKS,3,true,SUM,2", "BLOCKS,2,false,MAX,3"})
    void backwardMatchesForwardModeEndToEnd(AlifNet.Kind kind, int arp, boolean recurrent, AlifNet.Pool pool, int layers) {
        Net n = build(kind, arp, recurrent, pool, layers);
        float[] spikes = be.toHost(n.net().forward(be.fromHost(n.x(), T, B, IN), false).spikes());
        double rate = 0;
        for (float s : spikes) rate += s;
        rate /= spikes.length;
        assertTrue(rate > 0.03 && rate < 0.6, "spike rate " + rate + " should make the check meaningful");
        for (Parameter p : n.net().parameters()) {
            double[] got = netGrad(n, p.name());
            double[] want = new double[got.length];
            for (int e = 0; e < want.length; e++) want[e] = dualLoss(n, p.name(), e, null, 0, 0).d();
            double r = relErr(got, want);
            assertTrue(r < 2e-4, p.name() + ": relative error " + r + " vs forward mode");
        }
    }

    @org.junit.jupiter.api.Test
    void readoutBiasAddsItsLeakySumToTheLogits() {
        Net n = build(AlifNet.Kind.BLOCKS, 3, true, AlifNet.Pool.SUM);
        float[] before = be.toHost(n.net().forward(be.fromHost(n.x(), T, B, IN), false).logits());
        float[] bias = be.toHost(n.net().byName().get("out.b").value());
        float[] bo = be.toHost(n.net().byName().get("out.betaRaw").value());
        for (int o = 0; o < C; o++) bias[o] += 0.25f * (o + 1);
        set(n.net(), "out.b", bias);
        float[] after = be.toHost(n.net().forward(be.fromHost(n.x(), T, B, IN), false).logits());
        for (int r = 0; r < B; r++) {
            for (int o = 0; o < C; o++) {
                double sum = 0, y = 0;                       // Σ_t Σ_{k≤t} β^{t−k}: the bias integrated by the leaky readout
                for (int k = 0; k < T; k++) {
                    y = bo[o] * y + 1;
                    sum += y;
                }
                double want = 0.25 * (o + 1) * sum;
                assertTrue(Math.abs(after[r * C + o] - before[r * C + o] - want) < 1e-4 * Math.max(1, want),
                        "logit " + o + " moved by " + (after[r * C + o] - before[r * C + o]) + ", expected " + want);
            }
        }
    }

    @ParameterizedTest(name = "{0} pool={1}")
    @CsvSource({"STANDARD,SUM", "BLOCKS,MAX", "BLOCKS,SUM"})
    void readoutGradientsMatchFiniteDifferences(AlifNet.Kind kind, AlifNet.Pool pool) {
        Net n = build(kind, 3, true, pool);
        for (String name : List.of("out.w", "out.b", "out.betaRaw")) {
            double[] got = netGrad(n, name);
            double[] fdFloat = new double[got.length], fdDual = new double[got.length];
            Parameter p = n.net().byName().get(name);
            for (int e = 0; e < got.length; e++) {
                double hf = 1e-2;
                float[] v = be.toHost(p.value());
                float keep = v[e];
                v[e] = keep + (float) hf;
                set(n.net(), name, v);
                double lp = floatLoss(n);
                v[e] = keep - (float) hf;
                set(n.net(), name, v);
                double lm = floatLoss(n);
                v[e] = keep;
                set(n.net(), name, v);
                fdFloat[e] = (lp - lm) / (2 * hf);
                double hd = 1e-6;
                fdDual[e] = (dualLoss(n, null, 0, name, e, hd).v() - dualLoss(n, null, 0, name, e, -hd).v()) / (2 * hd);
            }
            assertTrue(relErr(got, fdFloat) < 5e-3, name + ": float finite differences, error " + relErr(got, fdFloat));
            assertTrue(relErr(got, fdDual) < 2e-4, name + ": float64 finite differences, error " + relErr(got, fdDual));
        }
    }
}
