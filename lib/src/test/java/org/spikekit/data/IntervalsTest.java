package org.spikekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntervalsTest {
    private static Intervals iv(double... bounds) {
        double[] s = new double[bounds.length / 2], e = new double[bounds.length / 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = bounds[2 * i];
            e[i] = bounds[2 * i + 1];
        }
        return Intervals.of(s, e);
    }

    @Test
    void normalisesSortsMergesOverlappingAndTouchingDropsEmpty() {
        Intervals a = iv(5, 7, 0, 2, 1, 3, 3, 4, 9, 9, 10, 8);
        assertEquals(2, a.size());
        assertArrayEquals(new double[] {0, 5}, a.starts());
        assertArrayEquals(new double[] {4, 7}, a.ends());
        assertEquals(6.0, a.totalLength(), 1e-12);
        assertEquals(a, iv(0, 4, 5, 7));
        assertTrue(Intervals.empty().isEmpty());
        assertEquals(Intervals.empty(), Intervals.of(3, 3));
        assertThrows(IllegalArgumentException.class, () -> Intervals.of(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> Intervals.of(new double[] {0}, new double[0]));
    }

    @Test
    void containsIsHalfOpen() {
        Intervals a = iv(0, 1, 2, 3);
        assertTrue(a.contains(0));
        assertTrue(a.contains(0.999));
        assertFalse(a.contains(1));
        assertFalse(a.contains(1.5));
        assertEquals(1, a.indexOf(2.5));
        assertEquals(-1, a.indexOf(-0.1));
        assertTrue(a.containsInterval(2, 3));
        assertFalse(a.containsInterval(0.5, 2.5));
    }

    @Test
    void setOperationsByHand() {
        Intervals a = iv(0, 10, 20, 30), b = iv(5, 22, 25, 26, 29, 40);
        assertEquals(iv(0, 40), a.union(b));
        assertEquals(iv(5, 10, 20, 22, 25, 26, 29, 30), a.intersection(b));
        assertEquals(iv(0, 5, 22, 25, 26, 29), a.difference(b));
        assertEquals(iv(10, 20, 30, 40), b.difference(a).union(iv(10, 20)).difference(iv(22, 25)));
        // notebooks/papers/spikachu.md §3.2 step 4: domain minus held-out trials dilated by 3 s
        Intervals held = iv(10, 14, 50, 55);
        assertEquals(iv(0, 7, 17, 47, 58, 300), Intervals.of(0, 300).difference(held.dilate(3.0)));
        assertEquals(iv(7, 17), iv(10, 14).dilate(3));
        assertEquals(iv(-1, 6), iv(0, 2, 3, 5).dilate(1));     // dilation merges
        assertEquals(a, a.dilate(0));
        assertThrows(IllegalArgumentException.class, () -> a.dilate(-1));
    }

    /** Against a bitmap on a 0.5 s grid, for random sets with half-integer bounds. */
    @Test
    void operationsAgreeWithABitmap() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 300; trial++) {
            Intervals a = random(r), b = random(r);
            boolean[] ma = bitmap(a), mb = bitmap(b);
            boolean[] u = new boolean[ma.length], n = new boolean[ma.length], d = new boolean[ma.length];
            for (int i = 0; i < ma.length; i++) {
                u[i] = ma[i] || mb[i];
                n[i] = ma[i] && mb[i];
                d[i] = ma[i] && !mb[i];
            }
            assertArrayEquals(u, bitmap(a.union(b)), "union of " + a + " and " + b);
            assertArrayEquals(n, bitmap(a.intersection(b)), "intersection of " + a + " and " + b);
            assertArrayEquals(d, bitmap(a.difference(b)), "difference of " + a + " and " + b);
            int count = 0;
            for (boolean x : ma) if (x) count++;
            assertEquals(count * 0.5, a.totalLength(), 1e-9);
            for (int i = 1; i < a.size(); i++) assertTrue(a.start(i) > a.end(i - 1), "disjoint, not touching: " + a);
        }
    }

    private static Intervals random(SplittableRandom r) {
        int n = r.nextInt(6);
        double[] s = new double[n], e = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = r.nextInt(80) * 0.5;
            e[i] = s[i] + r.nextInt(12) * 0.5;
        }
        return Intervals.of(s, e);
    }

    private static boolean[] bitmap(Intervals a) {
        boolean[] m = new boolean[100];
        for (int i = 0; i < m.length; i++) m[i] = a.contains(i * 0.5 + 0.25);
        return m;
    }
}
