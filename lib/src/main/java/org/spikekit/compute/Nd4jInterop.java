package org.spikekit.compute;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves data between SpikeKit tensors and users' ND4J code. Needs ND4J on the classpath (the
 * {@code nd4j} backend's dependencies).
 *
 * <p>{@link #toINDArray} of a tensor of the {@code nd4j} backend is a view sharing its memory (writes
 * show on both sides); of any other backend it is a copy. {@link #fromINDArray} always copies, so
 * the tensor does not change when the user's array does.
 */
public final class Nd4jInterop {
    static { Nd4jProvider.readClassPath(); }
    private Nd4jInterop() {}

    /** The tensor as a float32 'c'-order INDArray of the same shape: a view on nd4j, else a copy. */
    public static INDArray toINDArray(Tensor t) {
        long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
        if (t.backend() instanceof Nd4jBackend && t.storage() instanceof Nd4jStorage) {
            if (t.size() == 0) return Nd4j.create(DataType.FLOAT, shape);
            return Nd4jBackend.view("toINDArray", t);
        }
        float[] host = t.backend().toHost(t);
        if (host.length == 0) return Nd4j.create(DataType.FLOAT, shape);
        return Nd4j.createFromArray(host).reshape('c', shape);
    }

    /** A copy of {@code arr} (any numeric type, any order) as a float32 tensor on {@code backend}. */
    public static Tensor fromINDArray(INDArray arr, Backend backend) {
        if (backend instanceof Nd4jBackend nd) return nd.copyOf(arr);
        int[] shape = java.util.Arrays.stream(arr.shape()).mapToInt(Math::toIntExact).toArray();
        float[] host = arr.length() == 0 ? new float[0] : arr.castTo(DataType.FLOAT).dup('c').data().asFloat();
        return backend.fromHost(host, shape);
    }
}
