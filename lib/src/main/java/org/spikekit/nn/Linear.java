package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;
import org.spikekit.core.Parameter;

/**
 * {@code y = x·W + b} on the last axis: {@code x [..., in] → y [..., out]}, W stored {@code [in, out]}.
 * Initialised as PyTorch's {@code nn.Linear}: W and b ~ U(±1/√in), seeded per parameter name.
 */
public final class Linear implements Layer {
    private final String name;
    private final int in, out;
    private final Parameter w, b;

    /**
     * @param name parameter prefix ({@code name.w}, {@code name.b})
     * @param bias whether to learn a bias
     * @param seed model seed; each parameter's seed is derived from it and the parameter's name
     */
    public Linear(Backend be, String name, int in, int out, boolean bias, long seed) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Linear " + name + ": in and out must be >= 1, got " + in + ", " + out);
        this.name = name;
        this.in = in;
        this.out = out;
        this.w = new Parameter(name + ".w", Init.fanInUniform(be, Init.seedFor(seed, name + ".w"), 1f, in, out), true);
        if (bias) {
            Tensor bt = be.zeros(out);
            float bound = 1f / (float) Math.sqrt(in);
            Init.uniform(bt, Init.seedFor(seed, name + ".b"), -bound, bound);
            this.b = new Parameter(name + ".b", bt, true);
        } else {
            this.b = null;
        }
    }

    public int in() { return in; }

    public int out() { return out; }

    public Parameter weight() { return w; }

    /** The bias, or null. */
    public Parameter bias() { return b; }

    @Override
    public List<Parameter> parameters() { return b == null ? List.of(w) : List.of(w, b); }

    private record Rec(Tensor x, int[] inShape) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        int[] s = Shapes.lastDim(x, in, "Linear " + name);
        Backend be = x.backend();
        Tensor x2 = x.reshape(-1, in);
        Tensor y = be.zeros(x2.dim(0), out);
        be.gemm(false, false, 1f, x2, w.value(), 0f, y);
        if (b != null) be.zipRow(org.spikekit.compute.BinaryOp.ADD, y, b.value(), y);
        tape.push(new Rec(x2, s));
        return y.reshape(Shapes.withLast(s, out));
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        Backend be = gradOut.backend();
        Tensor g = gradOut.reshape(-1, out);
        be.gemm(true, false, 1f, r.x(), g, 1f, w.grad());
        if (b != null) be.sumRows(g, 1f, b.grad());
        Tensor gx = be.zeros(r.x().dim(0), in);
        be.gemm(false, true, 1f, g, w.value(), 0f, gx);
        return gx.reshape(r.inShape());
    }

    @Override
    public String describe() { return "Linear(" + in + "→" + out + (b == null ? ", no bias" : "") + ")"; }
}
