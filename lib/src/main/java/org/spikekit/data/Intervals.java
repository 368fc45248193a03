package org.spikekit.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * An immutable set of half-open time intervals {@code [start, end)} in seconds, kept sorted and
 * disjoint: the canonical form merges intervals that overlap or touch and drops empty ones, so two
 * sets covering the same time are {@link #equals equal}. The POYO/temporaldata {@code Interval}
 * operations the Spikachu preprocessing needs (notebooks/papers/spikachu.md §3.2 step 4): union, intersection,
 * difference, dilation, total length.
 *
 * <pre>{@code
 * Intervals domain = Intervals.of(0, 300);
 * Intervals held = Intervals.of(new double[] {10, 50}, new double[] {14, 55});
 * Intervals train = domain.difference(held.dilate(3.0));   // [0,7) [17,47) [58,300)
 * }</pre>
 */
public final class Intervals {
    private static final Intervals EMPTY = new Intervals(new double[0], new double[0]);

    private final double[] start;
    private final double[] end;

    private Intervals(double[] start, double[] end) {
        this.start = start;
        this.end = end;
    }

    /** The empty set. */
    public static Intervals empty() { return EMPTY; }

    /** One interval {@code [start, end)}; empty when {@code end <= start}. */
    public static Intervals of(double start, double end) {
        return of(new double[] {start}, new double[] {end});
    }

    /**
     * The union of {@code [starts[i], ends[i])}, in any order, possibly overlapping; intervals with
     * {@code ends[i] <= starts[i]} are dropped.
     *
     * @throws IllegalArgumentException for arrays of different length or a NaN or infinite bound
     */
    public static Intervals of(double[] starts, double[] ends) {
        if (starts.length != ends.length) {
            throw new IllegalArgumentException("Intervals.of: " + starts.length + " starts but " + ends.length + " ends");
        }
        int n = starts.length;
        Integer[] order = null;
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(starts[i]) || !Double.isFinite(ends[i])) {
                throw new IllegalArgumentException("Intervals.of: interval " + i + " = [" + starts[i] + ", " + ends[i]
                        + ") has a non-finite bound");
            }
            if (i > 0 && starts[i] < starts[i - 1]) sorted = false;
        }
        double[] s = new double[n], e = new double[n];
        if (sorted) {
            System.arraycopy(starts, 0, s, 0, n);
            System.arraycopy(ends, 0, e, 0, n);
        } else {
            order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Double.compare(starts[a], starts[b]));
            for (int i = 0; i < n; i++) {
                s[i] = starts[order[i]];
                e[i] = ends[order[i]];
            }
        }
        return normalise(s, e, n);
    }

    /** Merges sorted-by-start intervals that overlap or touch, dropping empty ones. */
    private static Intervals normalise(double[] s, double[] e, int n) {
        double[] os = new double[n], oe = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (!(e[i] > s[i])) continue;
            if (m > 0 && s[i] <= oe[m - 1]) {
                oe[m - 1] = Math.max(oe[m - 1], e[i]);
            } else {
                os[m] = s[i];
                oe[m] = e[i];
                m++;
            }
        }
        if (m == 0) return EMPTY;
        return new Intervals(Arrays.copyOf(os, m), Arrays.copyOf(oe, m));
    }

    /** Number of disjoint intervals. */
    public int size() { return start.length; }

    /** Whether the set covers no time. */
    public boolean isEmpty() { return start.length == 0; }

    /** Start of interval {@code i} (sorted ascending). */
    public double start(int i) { return start[i]; }

    /** End (exclusive) of interval {@code i}. */
    public double end(int i) { return end[i]; }

    /** Length of interval {@code i} in seconds. */
    public double length(int i) { return end[i] - start[i]; }

    /** A copy of the starts. */
    public double[] starts() { return start.clone(); }

    /** A copy of the ends. */
    public double[] ends() { return end.clone(); }

    /** Sum of the lengths, in seconds. */
    public double totalLength() {
        double t = 0;
        for (int i = 0; i < start.length; i++) t += end[i] - start[i];
        return t;
    }

    /** Index of the interval holding {@code t}, or -1 (binary search). */
    public int indexOf(double t) {
        int lo = 0, hi = start.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (t < start[mid]) hi = mid - 1;
            else if (t >= end[mid]) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    /** Whether some interval holds {@code t}. */
    public boolean contains(double t) { return indexOf(t) >= 0; }

    /** Whether {@code [a, b)} (with {@code a < b}) lies inside one interval. */
    public boolean containsInterval(double a, double b) {
        int i = indexOf(a);
        return i >= 0 && b <= end[i];
    }

    /** Time covered by either set. */
    public Intervals union(Intervals o) {
        int n = size() + o.size();
        double[] s = new double[n], e = new double[n];
        int i = 0, j = 0, k = 0;
        while (i < size() || j < o.size()) {
            if (j >= o.size() || (i < size() && start[i] <= o.start[j])) {
                s[k] = start[i];
                e[k++] = end[i++];
            } else {
                s[k] = o.start[j];
                e[k++] = o.end[j++];
            }
        }
        return normalise(s, e, n);
    }

    /** Time covered by both sets. */
    public Intervals intersection(Intervals o) {
        double[] s = new double[size() + o.size()], e = new double[s.length];
        int i = 0, j = 0, k = 0;
        while (i < size() && j < o.size()) {
            double a = Math.max(start[i], o.start[j]), b = Math.min(end[i], o.end[j]);
            if (b > a) {
                s[k] = a;
                e[k++] = b;
            }
            if (end[i] < o.end[j]) i++;
            else j++;
        }
        return normalise(s, e, k);
    }

    /** Time covered by this set but not by {@code o}. */
    public Intervals difference(Intervals o) {
        double[] s = new double[size() + o.size()], e = new double[s.length];
        int k = 0, j = 0;
        for (int i = 0; i < size(); i++) {
            double a = start[i], b = end[i];
            while (j < o.size() && o.end[j] <= a) j++;
            int jj = j;
            while (jj < o.size() && o.start[jj] < b) {
                if (o.start[jj] > a) {
                    s[k] = a;
                    e[k++] = o.start[jj];
                }
                a = Math.max(a, o.end[jj]);
                if (a >= b) break;
                jj++;
            }
            if (a < b) {
                if (k == s.length) {
                    s = Arrays.copyOf(s, 2 * k + 1);
                    e = Arrays.copyOf(e, 2 * k + 1);
                }
                s[k] = a;
                e[k++] = b;
            }
        }
        return normalise(s, e, k);
    }

    /**
     * Every interval widened by {@code seconds} on both sides ({@code [s − d, e + d)}), overlapping
     * results merged; not clipped (intersect with a domain for that).
     */
    public Intervals dilate(double seconds) {
        if (!(seconds >= 0) || !Double.isFinite(seconds)) {
            throw new IllegalArgumentException("Intervals.dilate: need a finite width >= 0 s, got " + seconds);
        }
        double[] s = new double[size()], e = new double[size()];
        for (int i = 0; i < size(); i++) {
            s[i] = start[i] - seconds;
            e[i] = end[i] + seconds;
        }
        return normalise(s, e, size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Intervals x && Arrays.equals(start, x.start) && Arrays.equals(end, x.end);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(start) + Arrays.hashCode(end); }

    /** {@code [0.000, 7.000) [17.000, 47.000)}, at most 8 intervals then a count. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Intervals{");
        for (int i = 0; i < Math.min(size(), 8); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "[%.3f, %.3f)", start[i], end[i]));
        }
        if (size() > 8) sb.append(" ... ").append(size() - 8).append(" more");
        return sb.append(String.format(Locale.ROOT, "; %d intervals, %.3f s}", size(), totalLength())).toString();
    }
}
