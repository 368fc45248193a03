package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * Gradient checks of the recurrent LIF layer, T=5, B=2, in=3, N=3, for synaptic delays 1 and 2, with
 * and without a dropout mask on the recurrent path, with a pending input in the initial state and a
 * loss on the final state's pending input.
 * (1) The double-precision BPTT ({@link LifDouble}) against central finite differences of the
 *     double forward, with a smooth spike (sigmoid forward, exact derivative backward).
 * (2) Both float kernels (fused host, primitive reference) against that double BPTT, for smooth
 *     and SuperSpike surrogates, both resets, detached or not.
 */
class LifGradientCheckTest {
    static final int T = 5, B = 2, IN = 3, N = 3;
    final Backend be = new CpuBackend();

    /** Random problem, values rounded to float so float and double models see the same numbers. */
    static final class Problem {
        final double[] x, w, v, p, q, th, u0, i0, cS, cU, cI, mask, p0, cP;
        Problem(long seed, boolean recurrent) { this(seed, recurrent, false); }
        Problem(long seed, boolean recurrent, boolean masked) {
            Random r = new Random(seed);
            x = rnd(r, T * B * IN, 0, 1);
            w = rnd(r, IN * N, -1.5, 1.5);
            v = recurrent ? rnd(r, N * N, -0.8, 0.8) : null;
            p = rnd(r, N, 0, 1);
            q = rnd(r, N, 0, 1);
            th = rnd(r, N, 0.2, 0.5);
            u0 = rnd(r, B * N, -0.3, 0.6);
            i0 = rnd(r, B * N, -0.3, 0.6);
            cS = rnd(r, T * B * N, -1, 1);
            cU = rnd(r, B * N, -1, 1);
            cI = rnd(r, B * N, -1, 1);
            p0 = rnd(r, B * N, -0.4, 0.4);
            cP = rnd(r, B * N, -1, 1);
            if (masked && recurrent) {                         // inverted dropout p = 0.3: 0 or 1/0.7
                mask = new double[T * B * N];
                for (int i = 0; i < mask.length; i++) mask[i] = r.nextDouble() < 0.3 ? 0 : (float) (1 / 0.7);
            } else {
                mask = null;
            }
        }
        LifDouble.Args args() { return new LifDouble.Args(x, w, v, mask, p, q, th, u0, i0, p0); }
        static double[] rnd(Random r, int len, double lo, double hi) {
            double[] a = new double[len];
            for (int i = 0; i < len; i++) a[i] = (float) (lo + (hi - lo) * r.nextDouble());
            return a;
        }
        double[][] all() { return new double[][] {x, w, v, p, q, th, u0, i0, p0}; }
    }

    static final String[] NAMES = {"x", "w", "v", "tauMemRaw", "tauSynRaw", "threshold", "u0", "i0", "pending0"};

    @ParameterizedTest(name = "reset={0} recurrent={1} delay={2} masked={3}")
    @CsvSource({"ZERO,true,1,false", "ZERO,false,1,false", "SUBTRACT,true,1,false", "SUBTRACT,false,1,false",
            "ZERO,true,2,false", "ZERO,false,2,false", "SUBTRACT,true,2,false", "ZERO,true,2,true", "SUBTRACT,true,1,true"})
    void doubleBpttMatchesCentralFiniteDifferences(ResetMode reset, boolean recurrent, int delay, boolean masked) {
        LifParams lp = LifParams.rsnn().withSurrogate(Surrogate.smoothSigmoid(4f)).withReset(reset, false)
                .withSynapticDelay(delay);
        LifDouble m = new LifDouble(T, B, IN, N, lp);
        Problem pr = new Problem(11, recurrent, masked);
        double[][] g = m.backward(pr.args(), pr.cS, pr.cU, pr.cI, pr.cP);
        double[][] vals = pr.all();
        double h = 1e-6, worst = 0;
        for (int k = 0; k < vals.length; k++) {
            if (vals[k] == null) continue;
            double[] fd = new double[vals[k].length];
            for (int e = 0; e < fd.length; e++) {
                double keep = vals[k][e];
                vals[k][e] = keep + h;
                double lp1 = m.loss(pr.args(), pr.cS, pr.cU, pr.cI, pr.cP);
                vals[k][e] = keep - h;
                double lm1 = m.loss(pr.args(), pr.cS, pr.cU, pr.cI, pr.cP);
                vals[k][e] = keep;
                fd[e] = (lp1 - lm1) / (2 * h);
            }
            double err = Close.relErr(g[k], fd);
            worst = Math.max(worst, err);
            Close.assertClose("d loss / d " + NAMES[k], g[k], fd, 1e-6);
        }
        System.out.printf("grad-check double BPTT vs FD (reset=%s, recurrent=%s, delay=%d, masked=%s): max rel err %.2e%n",
                reset, recurrent, delay, masked, worst);
    }

    @ParameterizedTest(name = "kernel={0} reset={1} detach={2} surrogate={3} delay={4} masked={5}")
    @CsvSource({
            "host,ZERO,false,smooth_sigmoid,1,false", "host,ZERO,true,smooth_sigmoid,1,false",
            "host,SUBTRACT,false,smooth_sigmoid,1,false", "host,SUBTRACT,true,superspike,1,false",
            "host,ZERO,true,superspike,1,false", "host,ZERO,false,superspike,1,false",
            "host,ZERO,true,sigmoid,1,false", "host,ZERO,true,triangle,1,false",
            "reference,ZERO,false,smooth_sigmoid,1,false", "reference,SUBTRACT,true,smooth_sigmoid,1,false",
            "reference,ZERO,true,superspike,1,false", "reference,SUBTRACT,false,superspike,1,false",
            "host,ZERO,false,smooth_sigmoid,2,false", "host,ZERO,true,superspike,2,false",
            "host,SUBTRACT,false,superspike,2,true", "host,ZERO,true,superspike,2,true", "host,ZERO,false,smooth_sigmoid,2,true",
            "host,ZERO,true,superspike,1,true",
            "reference,ZERO,false,smooth_sigmoid,2,false", "reference,ZERO,true,superspike,2,true",
            "reference,SUBTRACT,false,smooth_sigmoid,2,true", "reference,ZERO,true,superspike,1,true"})
    void floatKernelsMatchDoubleBptt(String kernel, ResetMode reset, boolean detach, String surrogate, int delay,
                                     boolean masked) {
        float scale = switch (surrogate) { case "superspike" -> 20f; case "triangle" -> 0.5f; default -> 4f; };
        LifParams lp = LifParams.rsnn().withSurrogate(Surrogate.of(surrogate, scale)).withReset(reset, detach)
                .withLearning(true, true).withSynapticDelay(delay);
        Problem pr = new Problem(23, true, masked);
        LifKernel k = kernel.equals("host") ? new HostLifKernel(be) : new ReferenceLifKernel(be);
        RecurrentLifLayer layer = new RecurrentLifLayer(be, "h", IN, N, true, lp, 1L, k);
        load(layer.w().value(), pr.w);
        load(layer.v().value(), pr.v);
        load(layer.tauMemRaw().value(), pr.p);
        load(layer.tauSynRaw().value(), pr.q);
        load(layer.threshold().value(), pr.th);
        Tensor x = be.fromHost(f(pr.x), T, B, IN);
        LifState s0 = new LifState(be.fromHost(f(pr.u0), B, N), be.fromHost(f(pr.i0), B, N), be.fromHost(f(pr.p0), B, N));
        Tensor mask = pr.mask == null ? null : be.fromHost(f(pr.mask), T, B, N);
        RecurrentLifLayer.Output out = layer.forward(x, mask, s0, true);
        RecurrentLifLayer.Grads g = layer.backward(out.tape(), be.fromHost(f(pr.cS), T, B, N),
                new LifState(be.fromHost(f(pr.cU), B, N), be.fromHost(f(pr.cI), B, N), be.fromHost(f(pr.cP), B, N)));

        LifDouble m = new LifDouble(T, B, IN, N, lp);
        LifDouble.Run run = m.forward(pr.args());
        Close.assertClose("spikes", be.toHost(out.spikes()), run.s(), 1e-5);
        Close.assertClose("final pending", be.toHost(out.last().pending()), run.pLast(), 1e-5);
        double[][] e = m.backward(pr.args(), pr.cS, pr.cU, pr.cI, pr.cP);
        float[][] got = {be.toHost(g.gradInput()), be.toHost(layer.w().grad()), be.toHost(layer.v().grad()),
                be.toHost(layer.tauMemRaw().grad()), be.toHost(layer.tauSynRaw().grad()), be.toHost(layer.threshold().grad()),
                be.toHost(g.gradState0().u()), be.toHost(g.gradState0().i()), be.toHost(g.gradState0().pending())};
        double worst = 0;
        for (int a = 0; a < got.length; a++) {
            worst = Math.max(worst, Close.relErr(got[a], e[a]));
            Close.assertClose(kernel + " d/d" + NAMES[a], got[a], e[a], 2e-5);
        }
        if (surrogate.equals("superspike")) {
            double rate = 0;
            for (double s : run.s()) rate += s;
            rate /= run.s().length;
            assertTrue(rate > 0.05 && rate < 0.95, "test problem should spike sometimes, rate " + rate);
        }
        System.out.printf("grad-check float %s vs double BPTT (%s, %s, detach=%s): max rel err %.2e%n",
                kernel, surrogate, reset, detach, worst);
    }

    @Test
    void surrogateDerivativesMatchFiniteDifferencesOfTheirPrimitives() {
        // SuperSpike: d/dx [x/(1+s|x|)] = 1/(1+s|x|)^2 ; sigmoid: d/dx σ(sx) ; triangle: d/dx of its integral
        double h = 1e-6;
        for (double x = -1.3; x <= 1.3; x += 0.0173) {
            final double xx = x;
            check(Surrogate.superSpike(20f), xx, y -> y / (1 + 20 * Math.abs(y)), h);
            check(Surrogate.sigmoid(5f), xx, y -> 1 / (1 + Math.exp(-5 * y)), h);
            check(Surrogate.smoothSigmoid(3f), xx, y -> Surrogate.smoothSigmoid(3f).spikeD(y), h);
            if (Math.abs(Math.abs(xx) - 0.7) > 1e-3 && Math.abs(xx) > 1e-3) {
                check(Surrogate.triangle(0.7f), xx, y -> {
                    double a = Math.min(Math.abs(y), 0.7);
                    return Math.signum(y) * (a - a * a / (2 * 0.7));
                }, h);
            }
        }
    }

    private static void check(Surrogate s, double x, java.util.function.DoubleUnaryOperator prim, double h) {
        double fd = (prim.applyAsDouble(x + h) - prim.applyAsDouble(x - h)) / (2 * h);
        double g = s.gradD(x);
        assertTrue(Math.abs(fd - g) <= 1e-6 * Math.max(1, Math.abs(g)), s + " at x=" + x + ": analytic " + g + " vs FD " + fd);
        assertTrue(Math.abs(s.grad((float) x) - g) <= 1e-6 * Math.max(1, g), s + " float grad at x=" + x);
    }

    private void load(Tensor t, double[] v) { be.copy(be.fromHost(f(v), t.shape()), t); }

    static float[] f(double[] d) {
        float[] r = new float[d.length];
        for (int i = 0; i < d.length; i++) r[i] = (float) d[i];
        return r;
    }
}
