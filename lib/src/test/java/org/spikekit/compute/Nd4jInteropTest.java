package org.spikekit.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Interop with users' INDArrays, provider discovery, and the message when ND4J is absent. */
class Nd4jInteropTest {
    private final Backend nd = Backends.get("nd4j");
    private final Backend cpu = Backends.get("cpu");

    @Test
    void registeredAndAvailable() {
        assertTrue(Backends.names().contains("nd4j"));
        assertTrue(Backends.available("nd4j"));
        assertNull(Backends.unavailableReason("nd4j"));
        assertTrue(nd.has(Capability.ND4J));
        assertFalse(nd.has(Capability.HOST_MEMORY));
    }

    @Test
    void reportsWhyWhenNd4jIsAbsent() {
        ClassLoader bare = new URLClassLoader(new URL[0], null);  // boot classes only
        String why = Nd4jProvider.reasonFor(bare);
        assertNotNull(why);
        assertTrue(why.contains("org.nd4j.linalg.factory.Nd4j") && why.contains("nd4j-native"), why);
        assertTrue(Backends.unavailableReason("nope").contains("cpu"), Backends.unavailableReason("nope"));
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.get("nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void toINDArrayIsAViewOnNd4jAndACopyElsewhere() {
        float[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        Tensor t = nd.fromHost(data, 3, 4).narrow0(1, 2);
        INDArray view = Nd4jInterop.toINDArray(t);
        assertArrayEquals(new long[] {2, 4}, view.shape());
        assertEquals(5f, view.getFloat(0, 0));
        view.putScalar(0, 0, -1f);
        assertEquals(-1f, nd.toHost(t)[0], "nd4j tensors share memory with their INDArray view");

        Tensor c = cpu.fromHost(data, 3, 4);
        INDArray copy = Nd4jInterop.toINDArray(c);
        assertEquals(DataType.FLOAT, copy.dataType());
        assertArrayEquals(new long[] {3, 4}, copy.shape());
        copy.putScalar(0, 0, 99f);
        assertEquals(1f, cpu.toHost(c)[0], "a cpu tensor is copied");
    }

    @Test
    void fromINDArrayCopiesAnyLayoutAndType() {
        INDArray d = Nd4j.create(new double[][] {{1, 2, 3}, {4, 5, 6}});
        INDArray fortran = d.dup('f');
        for (Backend be : new Backend[] {nd, cpu}) {
            Tensor t = Nd4jInterop.fromINDArray(fortran, be);
            assertArrayEquals(new int[] {2, 3}, t.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, be.toHost(t), be.name());
            fortran.putScalar(0, 0, 42.0);
            assertEquals(1f, be.toHost(t)[0], "fromINDArray copies on " + be.name());
            fortran.putScalar(0, 0, 1.0);
        }
        INDArray transposedView = Nd4j.create(new float[][] {{1, 2}, {3, 4}}).transpose();
        assertArrayEquals(new float[] {1, 3, 2, 4}, nd.toHost(Nd4jInterop.fromINDArray(transposedView, nd)));
    }
}
