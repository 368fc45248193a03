package org.spikekit.compute;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Storage of the {@code nd4j} backend: one flat, float32, 'c'-order INDArray. Tensor views are
 * INDArray views into it ({@link Nd4jBackend#view}).
 */
record Nd4jStorage(INDArray flat) implements Storage {
    @Override
    public long length() { return flat.length(); }

    @Override
    public void close() {
        if (!flat.wasClosed() && flat.closeable()) flat.close();
    }
}
