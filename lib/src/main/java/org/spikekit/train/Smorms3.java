package org.spikekit.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

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
public final class Smorms3 implements Optimizer {
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
    @Override
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

    @Override
    public int steps() { return steps; }

    /** The learning rate (float32). */
    @Override
    public double lr() { return lr; }

    /** Sets the learning rate, rounded to float32. */
    @Override
    public void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("Smorms3.lr must be >= 0, got " + lr);
        this.lr = (float) lr;
    }

    @Override
    public List<Parameter> parameters() { return params; }

    public float eps() { return eps; }

    /** Kind name in checkpoints. */
    public static final String KIND = "smorms3";

    /**
     * A host copy of the state: scalars {@code lr}, {@code eps}, {@code steps}; buffers
     * {@code <parameter>/mem}, {@code /g}, {@code /g2} per trainable parameter.
     */
    @Override
    public Checkpoint.Optimizer state() {
        Map<String, Double> sc = new LinkedHashMap<>();
        sc.put("lr", (double) lr);
        sc.put("eps", (double) eps);
        sc.put("steps", (double) steps);
        Map<String, HostArray> buf = new LinkedHashMap<>();
        for (int k = 0; k < params.size(); k++) {
            String n = params.get(k).name();
            Tensor[] s = state.get(k);
            buf.put(n + "/mem", HostArray.of(s[0]));
            buf.put(n + "/g", HostArray.of(s[1]));
            buf.put(n + "/g2", HostArray.of(s[2]));
        }
        return new Checkpoint.Optimizer(KIND, sc, buf);
    }

    /**
     * Restores a state written by {@link #state()} for the same parameters (names and shapes);
     * everything is checked before anything changes.
     *
     * @param source named in errors (the checkpoint file)
     * @throws CheckpointException on another optimiser kind, another eps, or a missing, extra or misshapen buffer
     */
    @Override
    public void restore(Checkpoint.Optimizer st, String source) {
        if (!KIND.equals(st.kind())) {
            throw new CheckpointException(source + ": optimiser state is '" + st.kind() + "', expected '" + KIND + "'");
        }
        double e = st.scalar("eps", source);
        if ((float) e != eps) {
            throw new CheckpointException(source + ": optimiser eps is " + (float) e + ", this optimiser has eps " + eps);
        }
        int stepsRead = st.count("steps", source);
        double lrD = st.scalar("lr", source);
        st.requireBuffers(source, params, "mem", "g", "g2");
        Map<String, HostArray> buf = st.buffers();
        for (int k = 0; k < params.size(); k++) {
            String n = params.get(k).name();
            Tensor[] s = state.get(k);
            buf.get(n + "/mem").copyTo(s[0]);
            buf.get(n + "/g").copyTo(s[1]);
            buf.get(n + "/g2").copyTo(s[2]);
        }
        steps = stepsRead;
        lr = (float) lrD;
    }
}
