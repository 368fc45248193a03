package org.spikekit.train;

import java.util.ArrayList;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;

/**
 * SMORMS3 (Simon Funk, 2015; the optimiser of stork and of the RSNN paper, lr 2e-3, eps 1e-16).
 * Per parameter element, with state mem = 1, g = g2 = 0 at the start:
 * <pre>
 *   r   = 1/(mem + 1)
 *   g   = (1 − r)·g  + r·grad
 *   g2  = (1 − r)·g2 + r·grad²
 *   x   = g²/(g2 + eps)
 *   p  −= grad·min(lr, x)/(sqrt(g2) + eps)
 *   mem = 1 + mem·(1 − x)
 * </pre>
 * Composed from Backend primitives, so it runs on every backend. The learning rate can be changed
 * between steps ({@link #setLr}) for schedules.
 */
public final class Smorms3 {
    private final List<Parameter> params;
    private final List<Tensor[]> state = new ArrayList<>();   // mem, g, g2, tmpA, tmpB, tmpX
    private final float eps;
    private float lr;
    private int steps;

    public Smorms3(Module module, float lr, float eps) {
        if (!(lr > 0)) throw new IllegalArgumentException("Smorms3.lr must be > 0, got " + lr);
        if (!(eps > 0)) throw new IllegalArgumentException("Smorms3.eps must be > 0, got " + eps);
        this.params = module.trainableParameters();
        this.lr = lr;
        this.eps = eps;
        for (Parameter p : params) {
            Backend be = p.backend();
            Tensor mem = be.zeros(p.shape());
            be.fill(mem, 1f);
            state.add(new Tensor[] {mem, be.zeros(p.shape()), be.zeros(p.shape()), be.zeros(p.shape()),
                    be.zeros(p.shape()), be.zeros(p.shape())});
        }
    }

    /** The RSNN paper's settings: lr 2e-3, eps 1e-16. */
    public static Smorms3 rsnn(Module module) { return new Smorms3(module, 2e-3f, 1e-16f); }

    /** Applies one update from the current gradients (does not zero them). */
    public void step() {
        steps++;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            Backend be = p.backend();
            Tensor[] s = state.get(k);
            Tensor mem = s[0], g = s[1], g2 = s[2], a = s[3], r = s[4], x = s[5], grad = p.grad();
            be.affine(mem, 1f, 1f, r);
            be.map(UnaryOp.RECIPROCAL, r, r);                 // r = 1/(mem+1)
            be.zip(BinaryOp.SUB, grad, g, a);
            be.zip(BinaryOp.MUL, a, r, a);
            be.zip(BinaryOp.ADD, g, a, g);                    // g += r·(grad − g)
            be.map(UnaryOp.SQUARE, grad, a);
            be.zip(BinaryOp.SUB, a, g2, a);
            be.zip(BinaryOp.MUL, a, r, a);
            be.zip(BinaryOp.ADD, g2, a, g2);                  // g2 += r·(grad² − g2)
            be.zip(BinaryOp.MUL, g, g, x);
            be.affine(g2, 1f, eps, a);
            be.zip(BinaryOp.DIV, x, a, x);                    // x = g²/(g2 + eps)
            be.fill(a, lr);
            be.zip(BinaryOp.MIN, x, a, a);
            be.zip(BinaryOp.MUL, a, grad, a);
            be.map(UnaryOp.SQRT, g2, r);
            be.affine(r, 1f, eps, r);
            be.zip(BinaryOp.DIV, a, r, a);
            be.axpby(-1f, a, 1f, p.value());                  // p −= grad·min(lr, x)/(√g2 + eps)
            be.affine(x, -1f, 1f, x);
            be.zip(BinaryOp.MUL, mem, x, mem);
            be.affine(mem, 1f, 1f, mem);                      // mem = 1 + mem·(1 − x)
        }
    }

    public int steps() { return steps; }

    public float lr() { return lr; }

    public void setLr(float lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("Smorms3.lr must be >= 0, got " + lr);
        this.lr = lr;
    }

    public List<Parameter> parameters() { return params; }
}
