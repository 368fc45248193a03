package org.spikekit.core;

import java.util.Arrays;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * A named learnable tensor and its gradient buffer (same shape, same backend). Backward passes
 * ADD into {@link #grad()}; whoever runs the training loop zeroes it ({@link Module#zeroGrad()}).
 * The handle is fixed; the tensor contents change in place when an optimizer steps.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private final boolean trainable;

    public Parameter(String name, Tensor value, boolean trainable) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("parameter name must not be blank");
        this.name = name;
        this.value = value;
        this.grad = value.backend().zeros(value.shape());
        this.trainable = trainable;
    }

    public String name() { return name; }

    public Tensor value() { return value; }

    public Tensor grad() { return grad; }

    /** False for buffers that are part of the model state but not optimised (e.g. a fixed threshold). */
    public boolean trainable() { return trainable; }

    public int[] shape() { return value.shape(); }

    public long numel() { return value.size(); }

    public Backend backend() { return value.backend(); }

    public void zeroGrad() { value.backend().fill(grad, 0f); }

    @Override
    public String toString() {
        return "Parameter[" + name + " " + Arrays.toString(value.shape()) + (trainable ? "" : " frozen") + "]";
    }
}
