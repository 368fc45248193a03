package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;

/** Elementwise nonlinearity without parameters: ReLU, tanh or GELU (exact, erf-based, as PyTorch's default). */
public final class Activation implements Layer {

    public enum Kind { RELU, TANH, GELU }

    private final Kind kind;

    public Activation(Kind kind) {
        if (kind == null) throw new IllegalArgumentException("Activation: kind must not be null");
        this.kind = kind;
    }

    public Kind kind() { return kind; }

    @Override
    public List<Parameter> parameters() { return List.of(); }

    private record Rec(float[] x, int[] shape) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        Backend be = x.backend();
        float[] v = be.toHost(x), y = new float[v.length];
        for (int i = 0; i < v.length; i++) y[i] = f(v[i]);
        tape.push(new Rec(v, x.shape()));
        return be.fromHost(y, x.shape());
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        Backend be = gradOut.backend();
        float[] g = be.toHost(gradOut), gx = new float[g.length];
        for (int i = 0; i < g.length; i++) gx[i] = g[i] * df(r.x()[i]);
        return be.fromHost(gx, r.shape());
    }

    float f(float x) {
        return switch (kind) {
            case RELU -> x > 0 ? x : 0f;
            case TANH -> (float) Math.tanh(x);
            case GELU -> (float) (0.5 * x * (1 + erf(x / Math.sqrt(2))));
        };
    }

    float df(float x) {
        return switch (kind) {
            case RELU -> x > 0 ? 1f : 0f;
            case TANH -> {
                double t = Math.tanh(x);
                yield (float) (1 - t * t);
            }
            case GELU -> (float) (0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI));
        };
    }

    /**
     * The error function to ~1e-12 absolute: Maclaurin series for |x| &lt; 2.5, continued fraction
     * of erfc beyond (enough for float arithmetic).
     */
    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 2.5) {
            double term = a, sum = a, x2 = a * a;
            for (int n = 1; n < 60; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(a) = exp(-a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + 2/(a + ...)))))
            double f = a;
            for (int k = 60; k >= 1; k--) f = a + (k / 2.0) / f;
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }

    @Override
    public String describe() { return kind.name(); }
}
