package org.spikekit.train;

import java.util.Arrays;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * A float array with a shape, on the host: the unit a {@link Checkpoint} stores (parameters,
 * optimiser moments, pruning masks). Row-major like {@link Tensor}. The arrays are not copied on
 * construction; {@link #of(Tensor)} copies from a device.
 *
 * @param shape dimensions (each ≥ 0); rank 0 is a scalar
 * @param data {@code Π shape} values
 */
public record HostArray(int[] shape, float[] data) {

    public HostArray {
        if (shape == null || data == null) throw new IllegalArgumentException("HostArray: shape and data must not be null");
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("HostArray: negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("HostArray: shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    /** A host copy of {@code t}. */
    public static HostArray of(Tensor t) { return new HostArray(t.shape(), t.backend().toHost(t)); }

    public long numel() { return data.length; }

    /** True when {@code other} has the same dimensions. */
    public boolean sameShape(int[] other) { return Arrays.equals(shape, other); }

    /** Copies the values into {@code dst}, which must have the same shape. */
    public void copyTo(Tensor dst) {
        if (!sameShape(dst.shape())) {
            throw new IllegalArgumentException("HostArray " + Arrays.toString(shape) + " does not fit tensor " + dst);
        }
        Backend be = dst.backend();
        be.copy(be.fromHost(data, shape), dst);
    }

    /** Shape as {@code [a, b]}. */
    public String shapeString() { return Arrays.toString(shape); }

    /** Element-wise equality of shape and bits (so NaN equals NaN, −0 differs from +0). */
    public boolean bitEquals(HostArray o) {
        if (!Arrays.equals(shape, o.shape)) return false;
        for (int i = 0; i < data.length; i++) {
            if (Float.floatToRawIntBits(data[i]) != Float.floatToRawIntBits(o.data[i])) return false;
        }
        return true;
    }

    /** Equality of shape and of every value's bits (see {@link #bitEquals}). */
    @Override
    public boolean equals(Object o) { return o instanceof HostArray h && bitEquals(h); }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data); }

    @Override
    public String toString() { return "HostArray" + Arrays.toString(shape); }
}
