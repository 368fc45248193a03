package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/** Forward-mode and central-finite-difference gradients of a {@link Dual}-valued loss, and tolerances. */
final class GradCheck {
    private GradCheck() {}

    /** A scalar loss of several arrays of arguments. */
    interface Fn {
        Dual apply(List<Dual[]> args);
    }

    static List<Dual[]> constants(List<double[]> vals, int seedArg, int seedElem) {
        List<Dual[]> out = new ArrayList<>();
        for (int a = 0; a < vals.size(); a++) {
            double[] v = vals.get(a);
            Dual[] d = new Dual[v.length];
            for (int i = 0; i < v.length; i++) d[i] = new Dual(v[i], a == seedArg && i == seedElem ? 1 : 0);
            out.add(d);
        }
        return out;
    }

    static double value(Fn f, List<double[]> vals) { return f.apply(constants(vals, -1, -1)).v(); }

    /** dLoss/d(vals[which]) by one forward-mode run per element. */
    static double[] forwardMode(Fn f, List<double[]> vals, int which) {
        double[] g = new double[vals.get(which).length];
        for (int i = 0; i < g.length; i++) g[i] = f.apply(constants(vals, which, i)).d();
        return g;
    }

    /** dLoss/d(vals[which]) by central differences with step h. */
    static double[] finiteDifferences(Fn f, List<double[]> vals, int which, double h) {
        double[] v = vals.get(which), g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + h;
            double lp = value(f, vals);
            v[i] = keep - h;
            double lm = value(f, vals);
            v[i] = keep;
            g[i] = (lp - lm) / (2 * h);
        }
        return g;
    }

    /** max_i |a_i − e_i| / max(max_i |e_i|, 1e-30). */
    static double relErr(double[] a, double[] e) {
        double scale = 0, err = 0;
        for (double x : e) scale = Math.max(scale, Math.abs(x));
        for (int i = 0; i < e.length; i++) err = Math.max(err, Math.abs(a[i] - e[i]));
        return err / Math.max(scale, 1e-30);
    }

    static double[] d(float[] f) {
        double[] r = new double[f.length];
        for (int i = 0; i < f.length; i++) r[i] = f[i];
        return r;
    }

    static float[] f(double[] d) {
        float[] r = new float[d.length];
        for (int i = 0; i < d.length; i++) r[i] = (float) d[i];
        return r;
    }

    /** Fails unless the error relative to the largest expected magnitude is within tol, and the gradient is not all zero. */
    static double assertClose(String what, double[] actual, double[] expected, double tol) {
        if (actual.length != expected.length) fail(what + ": length " + actual.length + " vs expected " + expected.length);
        double scale = 0;
        for (double x : expected) scale = Math.max(scale, Math.abs(x));
        if (!(scale > 0)) fail(what + ": expected gradient is identically zero, the check would be vacuous");
        double r = relErr(actual, expected);
        if (!(r <= tol)) fail(what + ": relative error " + r + " > " + tol);
        return r;
    }
}
