package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;

/**
 * A skip connection around a layer of equal input and output shape: {@code y = f(x) + x}
 * (Spikachu's residual blocks, notebooks/papers/spikachu.md §4.2 B and E). Backward: {@code dL/dx = f'ᵀ·g + g}.
 */
public final class Residual implements Layer {
    private final Layer inner;

    public Residual(Layer inner) {
        if (inner == null) throw new IllegalArgumentException("Residual: inner layer must not be null");
        this.inner = inner;
    }

    public Layer inner() { return inner; }

    @Override
    public List<Parameter> parameters() { return inner.parameters(); }

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        Tensor y = inner.forward(x, tape);
        if (!y.sameShape(x)) {
            throw new IllegalArgumentException("Residual around " + inner.describe() + ": output " + Arrays.toString(y.shape())
                    + " must have the input's shape " + Arrays.toString(x.shape()));
        }
        Backend be = x.backend();
        Tensor out = be.zeros(x.shape());
        be.zip(org.spikekit.compute.BinaryOp.ADD, y, x, out);
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Tensor gi = inner.backward(gradOut, tape);
        Backend be = gradOut.backend();
        Tensor out = be.zeros(gradOut.shape());
        be.zip(org.spikekit.compute.BinaryOp.ADD, gi, gradOut, out);
        return out;
    }

    @Override
    public String describe() { return "Residual(" + inner.describe() + ")"; }
}
