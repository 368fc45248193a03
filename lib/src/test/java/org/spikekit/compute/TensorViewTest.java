package org.spikekit.compute;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TensorViewTest {
    private final Backend be = new CpuBackend();

    @Test
    void rowsAndColsFoldLeadingDimensions() {
        Tensor t = be.zeros(4, 3, 5);
        assertEquals(12, t.rows());
        assertEquals(5, t.cols());
        Tensor empty = be.zeros(3, 0);
        assertEquals(3, empty.rows(), "a zero-width matrix still has its rows");
        assertEquals(0, empty.cols());
        assertEquals(1, be.zeros(7).rows());
    }

    @Test
    void slicesAndNarrowsShareStorage() {
        Tensor t = be.fromHost(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 2, 2);
        Tensor s = t.slice0(1);
        assertArrayEquals(new int[] {2, 2}, s.shape());
        assertArrayEquals(new float[] {4, 5, 6, 7}, be.toHost(s));
        be.fill(s, -1f);
        assertEquals(-1f, be.toHost(t)[4]);
        assertArrayEquals(new float[] {8, 9, 10, 11}, be.toHost(t.narrow0(2, 1)));
        assertArrayEquals(new int[] {6, 2}, t.reshape(-1, 2).shape());
    }

    @Test
    void badViewsAreClearErrors() {
        Tensor t = be.zeros(3, 4);
        assertThrows(IndexOutOfBoundsException.class, () -> t.slice0(3));
        assertThrows(IndexOutOfBoundsException.class, () -> t.narrow0(2, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> t.reshape(5, -1));
        assertTrue(e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.requireShape("weights", 4, 3));
        assertTrue(e.getMessage().contains("weights") && e.getMessage().contains("[4, 3]"), e.getMessage());
    }
}
