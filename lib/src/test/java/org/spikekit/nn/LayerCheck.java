package org.spikekit.nn;

import org.spikekit.core.Tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;

/**
 * Finite-difference gradient check of a {@link Layer}: loss = Σ y·R for a fixed random R; the
 * layer's backward pass must match central differences of that loss (float forward, double sum)
 * for the input and every trainable parameter, on up to {@code probes} elements each.
 */
public final class LayerCheck {
    private LayerCheck() {}

    /** Result of one check: worst relative error per checked tensor. */
    public record Report(List<String> names, List<Double> errors) {
        public double worst() { return errors.stream().mapToDouble(Double::doubleValue).max().orElse(0); }
    }

    /**
     * @param tapes fresh tape per forward (e.g. {@code () -> Tape.training(7)}): same masks each call
     * @param h finite-difference step
     * @param tol allowed max |analytic − numeric| / max |numeric| per tensor
     * @param checkInput also check dL/dx
     */
    public static Report check(Layer layer, Tensor x, Supplier<Tape> tapes, double h, double tol, int probes, boolean checkInput) {
        Backend be = x.backend();
        Tape t0 = tapes.get();
        Tensor y0 = layer.forward(x, t0);
        float[] r = new float[y0.sizeInt()];
        for (int i = 0; i < r.length; i++) r[i] = CounterRng.normal(99, i);
        Tensor rt = be.fromHost(r, y0.shape());
        layer.zeroGrad();
        Tensor gx = layer.backward(rt, t0);
        assertEquals(0, t0.pending(), "records left on the tape after backward");
        List<String> names = new ArrayList<>();
        List<Double> errs = new ArrayList<>();
        if (checkInput) {
            float[] xv = be.toHost(x);
            double e = compare("input", be.toHost(gx), xv, probes, h, () -> {
                Tensor xx = be.fromHost(xv, x.shape());
                return loss(layer.forward(xx, tapes.get()), r);
            });
            names.add("input");
            errs.add(e);
            if (!(e <= tol)) fail(layer.describe() + ": dL/dx relative error " + e + " > " + tol);
        }
        for (Parameter p : layer.parameters()) {
            if (!p.trainable()) continue;
            float[] analytic = be.toHost(p.grad());
            float[] pv = be.toHost(p.value());
            double e = compare(p.name(), analytic, pv, probes, h, () -> {
                be.copy(be.fromHost(pv, p.shape()), p.value());
                return loss(layer.forward(x, tapes.get()), r);
            });
            be.copy(be.fromHost(pv, p.shape()), p.value());
            names.add(p.name());
            errs.add(e);
            if (!(e <= tol)) fail(layer.describe() + ": dL/d" + p.name() + " relative error " + e + " > " + tol);
        }
        return new Report(names, errs);
    }

    private static double loss(Tensor y, float[] r) {
        float[] v = y.backend().toHost(y);
        double s = 0;
        for (int i = 0; i < v.length; i++) s += (double) v[i] * r[i];
        return s;
    }

    /** Perturbs {@code values} in place (the supplier reads them) at up to {@code probes} indices. */
    private static double compare(String what, float[] analytic, float[] values, int probes, double h, Supplier<Double> f) {
        int n = values.length;
        int[] idx = pick(n, probes);
        double[] num = new double[idx.length], ana = new double[idx.length];
        for (int k = 0; k < idx.length; k++) {
            int i = idx[k];
            float keep = values[i];
            values[i] = (float) (keep + h);
            double lp = f.get();
            values[i] = (float) (keep - h);
            double lm = f.get();
            values[i] = keep;
            num[k] = (lp - lm) / (2 * h);
            ana[k] = analytic[i];
        }
        double scale = 0, err = 0;
        for (double v : num) scale = Math.max(scale, Math.abs(v));
        if (!(scale > 1e-8)) fail(what + ": numeric gradient is identically zero on the probed elements; the check would be vacuous");
        for (int k = 0; k < num.length; k++) err = Math.max(err, Math.abs(num[k] - ana[k]));
        return err / scale;
    }

    private static int[] pick(int n, int probes) {
        if (n <= probes) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] idx = new int[probes];
        for (int k = 0; k < probes; k++) idx[k] = (int) Math.floorMod(CounterRng.bits(5, k), (long) n);
        return idx;
    }

    /** A tensor of N(0, std²) values. */
    public static Tensor randn(Backend be, long seed, float std, int... shape) {
        Tensor t = be.zeros(shape);
        be.randNormal(t, seed, 0f, std);
        return t;
    }
}
