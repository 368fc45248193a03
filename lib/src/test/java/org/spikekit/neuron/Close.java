package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.fail;

/** Tolerance helpers: error relative to the scale (max |expected|) of the compared tensor. */
final class Close {
    private Close() {}

    /** max_i |a_i − e_i| / max(max_i |e_i|, tiny). */
    static double relErr(float[] a, double[] e) {
        double scale = 0, err = 0;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) err = Math.max(err, Math.abs(a[i] - e[i]));
        return err / Math.max(scale, 1e-30);
    }

    static double relErr(float[] a, float[] e) {
        double[] d = new double[e.length];
        for (int i = 0; i < e.length; i++) d[i] = e[i];
        return relErr(a, d);
    }

    static double relErr(double[] a, double[] e) {
        float[] f = new float[a.length];
        double scale = 0, err = 0;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) err = Math.max(err, Math.abs(a[i] - e[i]));
        return err / Math.max(scale, 1e-30);
    }

    static void assertClose(String what, float[] a, float[] e, double tol) {
        if (a.length != e.length) fail(what + ": length " + a.length + " vs " + e.length);
        double r = relErr(a, e);
        if (!(r <= tol)) fail(what + ": relative error " + r + " > " + tol);
    }

    static void assertClose(String what, float[] a, double[] e, double tol) {
        if (a.length != e.length) fail(what + ": length " + a.length + " vs " + e.length);
        double r = relErr(a, e);
        if (!(r <= tol)) fail(what + ": relative error " + r + " > " + tol);
    }

    static void assertClose(String what, double[] a, double[] e, double tol) {
        if (a.length != e.length) fail(what + ": length " + a.length + " vs " + e.length);
        double r = relErr(a, e);
        if (!(r <= tol)) fail(what + ": relative error " + r + " > " + tol);
    }
}
