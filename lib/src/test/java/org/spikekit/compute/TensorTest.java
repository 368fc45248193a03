package org.spikekit.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Views: reshape, slice0, narrow0, 2-D folding, and their error messages. */
class TensorTest {
    private final Backend be = new CpuBackend();

    private Tensor iota(int... shape) {
        float[] d = new float[Math.toIntExact(Tensor.sizeOf(shape))];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return be.fromHost(d, shape);
    }

    @Test
    void reshapeInfersOneDimension() {
        Tensor t = iota(4, 3, 5);
        assertArrayEquals(new int[] {12, 5}, t.reshape(-1, 5).shape());
        assertArrayEquals(new int[] {4, 15}, t.reshape(4, -1).shape());
        assertArrayEquals(new int[] {60}, t.reshape(-1).shape());
        assertSame(t.storage(), t.reshape(60).storage());
        var e = assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> t.reshape(7, -1));
        assertTrue(e2.getMessage().contains("[4, 3, 5]") && e2.getMessage().contains("[7, -1]"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.reshape(6, 11));
        assertThrows(IllegalArgumentException.class, () -> t.reshape(0, -1));
    }

    @Test
    void slice0IsTheTimeStepSlab() {
        Tensor seq = iota(3, 2, 4);  // [T, B, N]
        Tensor s2 = seq.slice0(2);
        assertArrayEquals(new int[] {2, 4}, s2.shape());
        assertEquals(16, s2.offset());
        assertEquals(16f, be.toHost(s2)[0]);
        Tensor row = s2.slice0(1);
        assertEquals(20, row.offset());
        assertArrayEquals(new float[] {20, 21, 22, 23}, be.toHost(row));
        var e = assertThrows(IndexOutOfBoundsException.class, () -> seq.slice0(3));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("size 3"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> seq.slice0(-1));
        Tensor scalar = seq.slice0(0).slice0(0).slice0(0);
        assertEquals(0, scalar.rank());
        assertEquals(1, scalar.size());
        assertThrows(IllegalStateException.class, () -> scalar.slice0(0));
    }

    @Test
    void narrow0KeepsRank() {
        Tensor seq = iota(5, 3);
        Tensor mid = seq.narrow0(1, 3);
        assertArrayEquals(new int[] {3, 3}, mid.shape());
        assertEquals(3, mid.offset());
        assertArrayEquals(new float[] {6, 7, 8}, be.toHost(mid.slice0(1)));
        Tensor inner = mid.narrow0(2, 1);
        assertEquals(9, inner.offset());
        assertEquals(0, seq.narrow0(5, 0).size());
        var e = assertThrows(IndexOutOfBoundsException.class, () -> seq.narrow0(4, 2));
        assertTrue(e.getMessage().contains("[4, 6)") && e.getMessage().contains("size 5"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> seq.narrow0(-1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> seq.narrow0(0, -1));
    }

    @Test
    void rowsAndColsFoldLeadingDimensions() {
        Tensor t = be.zeros(3, 4, 5);
        assertEquals(12, t.rows());
        assertEquals(5, t.cols());
        assertEquals(1, be.zeros(7).rows());
        assertEquals(7, be.zeros(7).cols());
        assertEquals(5, t.dim(-1));
        assertEquals(3, be.zeros(3, 0).rows());
        assertEquals(0, be.zeros(0, 5).rows());
    }

    @Test
    void viewsOutsideStorageAreRejected() {
        Storage s = new HostStorage(new float[10]);
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(be, s, 4, 2, 4));
        assertTrue(e.getMessage().contains("[4, 12)") && e.getMessage().contains("10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(be, s, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> be.zeros(2, -3));
    }

    @Test
    void requireShapeNamesWhat() {
        var e = assertThrows(IllegalArgumentException.class, () -> be.zeros(2, 3).requireShape("weights", 3, 2));
        assertTrue(e.getMessage().startsWith("weights") && e.getMessage().contains("[3, 2]")
                && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
