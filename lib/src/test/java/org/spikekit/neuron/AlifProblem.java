package org.spikekit.neuron;

import java.util.Random;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * A random ALIF problem for the tests: input currents, recurrent weights, per-neuron β, p, b and
 * dL/dS, all rounded to float so float kernels and double references see the same numbers.
 */
final class AlifProblem {
    final int t, b, n;
    final double[] x, r, beta, p, bb, gS;

    AlifProblem(long seed, int t, int b, int n, boolean recurrent, double drive) {
        this.t = t;
        this.b = b;
        this.n = n;
        Random g = new Random(seed);
        x = rnd(g, t * b * n, -0.4 * drive, 1.1 * drive);
        r = recurrent ? rnd(g, n * n, -0.4, 0.4) : null;
        beta = rnd(g, n, 0.6, 0.95);
        p = rnd(g, n, 0.7, 0.97);
        bb = rnd(g, n, 0.05, 1.0);
        gS = rnd(g, t * b * n, -1, 1);
    }

    static double[] rnd(Random g, int len, double lo, double hi) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) a[i] = (float) (lo + (hi - lo) * g.nextDouble());
        return a;
    }

    static float[] f(double[] d) {
        float[] o = new float[d.length];
        for (int i = 0; i < d.length; i++) o[i] = (float) d[i];
        return o;
    }

    Tensor x(Backend be) { return be.fromHost(f(x), t, b, n); }

    Tensor r(Backend be) { return r == null ? null : be.fromHost(f(r), n, n); }

    Tensor gS(Backend be) { return be.fromHost(f(gS), t, b, n); }

    AlifCoeffs coeffs(Backend be) {
        return new AlifCoeffs(be.fromHost(f(beta), n), be.fromHost(f(p), n), be.fromHost(f(bb), n));
    }

    /** Values as dual constants, with derivative 1 on element {@code elem} of argument {@code arg} (0 x, 1 R, 2 β, 3 p, 4 b). */
    AlifDual.Args dual(int arg, int elem) {
        return new AlifDual.Args(t, b, n, d(x, arg == 0, elem), r == null ? null : d(r, arg == 1, elem),
                d(beta, arg == 2, elem), d(p, arg == 3, elem), d(bb, arg == 4, elem));
    }

    double[][] all() { return new double[][] {x, r, beta, p, bb}; }

    static final String[] NAMES = {"current", "R", "beta", "p", "b"};

    private static AlifDual.D[] d(double[] v, boolean seeded, int elem) {
        AlifDual.D[] o = new AlifDual.D[v.length];
        for (int i = 0; i < v.length; i++) o[i] = new AlifDual.D(v[i], seeded && i == elem ? 1 : 0);
        return o;
    }
}
