package org.spikekit.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds one backend to the semantics documented on {@link Backend}, method by method, against the
 * scalar loops of {@link ScalarReference}. Subclasses name the backend; everything else is shared.
 *
 * <p>Inputs are placed at random nonzero offsets inside a larger storage (guard values on both
 * sides), so every test also checks that a backend honours view offsets and writes nothing
 * outside the view.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BackendConformanceTest {

    /** Starts the backend under test (called once per test class). */
    protected abstract Backend createBackend();

    protected Backend be;
    private final List<Guarded> guarded = new ArrayList<>();

    @BeforeAll
    void start() { be = createBackend(); }

    @AfterAll
    void stop() { be.close(); }

    /** Sizes that hit vector tails, single elements and multi-block paths. */
    static final int[] ODD = {1, 7, 17, 33, 65};
    static final float GUARD = -12345.5f;

    // ---- helpers ----------------------------------------------------------------------------

    /** A view tensor over storage with guard elements before and after it. */
    private record Guarded(Tensor whole, int pre, int n) {}

    /** Puts {@code data} into a view at a nonzero offset (pre > 0) of a larger tensor. */
    Tensor put(float[] data, int... shape) {
        int pre = 1 + (data.length % 5) * 3;  // varies with size, never 0
        int post = 2;
        float[] buf = new float[pre + data.length + post];
        Arrays.fill(buf, GUARD);
        System.arraycopy(data, 0, buf, pre, data.length);
        Tensor whole = be.fromHost(buf, buf.length);
        guarded.add(new Guarded(whole, pre, data.length));
        Tensor v = whole.narrow0(pre, data.length).reshape(shape);
        assertEquals(pre, v.offset());
        return v;
    }

    /** Fails when any guard element around a {@link #put} view was overwritten. */
    void assertGuardsIntact() {
        for (Guarded g : guarded) {
            float[] all = be.toHost(g.whole());
            for (int i = 0; i < all.length; i++) {
                if (i < g.pre() || i >= g.pre() + g.n()) {
                    if (Float.floatToRawIntBits(all[i]) != Float.floatToRawIntBits(GUARD)) {
                        fail("element " + i + " outside the view [" + g.pre() + ", " + (g.pre() + g.n())
                                + ") was overwritten with " + all[i]);
                    }
                }
            }
        }
        guarded.clear();
    }

    static float[] random(SplittableRandom r, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return x;
    }

    static void assertClose(String what, float[] expected, float[] actual, double rel, double abs) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a)) continue;
            if (e == a) continue;  // also equal infinities
            double tol = rel * Math.abs(e) + abs;
            if (!(Math.abs((double) e - a) <= tol)) {
                fail(what + ": element " + i + " expected " + e + " but got " + a + " (tolerance " + tol + ")");
            }
        }
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** A backend that owns nothing; tensors claiming it must be rejected by the backend under test. */
    static Backend foreignBackend() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "foreign";
                    case "toString" -> "foreign backend";
                    case "hashCode" -> 42;
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    // ---- memory -----------------------------------------------------------------------------

    @Test
    void zerosFromHostToHostRoundTrip() {
        Tensor z = be.zeros(3, 5, 7);
        assertArrayEquals(new int[] {3, 5, 7}, z.shape());
        assertArrayEquals(new float[105], be.toHost(z));
        float[] data = random(new SplittableRandom(1), 105, -3, 3);
        Tensor t = be.fromHost(data, 3, 5, 7);
        data[0] = 99f;  // fromHost copied
        float[] back = be.toHost(t);
        assertEquals(data[1], back[1]);
        assertTrue(back[0] != 99f, "fromHost must copy its input");
        float[] dst = new float[110];
        be.toHost(t.slice0(1), dst, 4);
        assertArrayEquals(Arrays.copyOfRange(back, 35, 70), Arrays.copyOfRange(dst, 4, 39));
        assertEquals(0f, dst[3]);
        assertEquals(0f, dst[39]);
        assertArrayEquals(new float[0], be.toHost(be.zeros(0, 4)));
    }

    @Test
    void fromHostRejectsWrongLength() {
        var e = assertThrows(IllegalArgumentException.class, () -> be.fromHost(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void copyAndFillRespectViews() {
        SplittableRandom r = new SplittableRandom(2);
        float[] a = random(r, 6 * 7, -1, 1);
        Tensor src = put(a, 6, 7);
        Tensor dst = put(new float[42], 42);  // different shape, same size
        be.copy(src, dst);
        assertArrayEquals(a, be.toHost(dst));
        Tensor f = put(new float[17], 17);
        be.fill(f.narrow0(3, 5), 2.5f);
        float[] got = be.toHost(f);
        for (int i = 0; i < 17; i++) assertEquals(i >= 3 && i < 8 ? 2.5f : 0f, got[i], "fill element " + i);
        assertGuardsIntact();
        var e = assertThrows(IllegalArgumentException.class, () -> be.copy(be.zeros(2, 3), be.zeros(7)));
        assertTrue(e.getMessage().contains("copy") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[7]"), e.getMessage());
    }

    // ---- gemm -------------------------------------------------------------------------------

    static Stream<Arguments> gemmCases() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {
            {1, 1, 1}, {1, 7, 17}, {7, 1, 33}, {17, 33, 1}, {33, 17, 7}, {65, 33, 17}, {17, 65, 33},
            {7, 65, 65}, {65, 7, 65},
            {130, 300, 97},   // several k blocks and ragged m/n tiles
            {200, 96, 260},   // enough work to go multi-threaded on a fast backend
        };
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    out.add(Arguments.of(s[0], s[1], s[2], ta, tb));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} k={1} n={2} transA={3} transB={4}")
    @MethodSource("gemmCases")
    void gemmMatchesReference(int m, int k, int n, boolean ta, boolean tb) {
        SplittableRandom r = new SplittableRandom(31L * m + 7L * k + n + (ta ? 1000 : 0) + (tb ? 2000 : 0));
        float[] a = random(r, m * k, -1, 1);
        float[] b = random(r, k * n, -1, 1);
        int aCols = ta ? m : k, bCols = tb ? k : n;
        Tensor ta2 = ta ? put(a, k, m) : put(a, m, k);
        Tensor tb2 = tb ? put(b, n, k) : put(b, k, n);

        // beta = 0: C holds NaN, which must not leak into the result.
        float[] nan = new float[m * n];
        Arrays.fill(nan, Float.NaN);
        Tensor c0 = put(nan, m, n);
        float alpha = 1.25f;
        be.gemm(ta, tb, alpha, ta2, tb2, 0f, c0);
        checkGemm("beta=0", ta, tb, alpha, a, aCols, b, bCols, 0f, nan, m, k, n, be.toHost(c0));

        // beta != 0 accumulates into C.
        float[] c = random(r, m * n, -1, 1);
        Tensor c1 = put(c, m, n);
        be.gemm(ta, tb, -0.5f, ta2, tb2, 0.75f, c1);
        checkGemm("beta=0.75", ta, tb, -0.5f, a, aCols, b, bCols, 0.75f, c, m, k, n, be.toHost(c1));
        assertGuardsIntact();
    }

    private static void checkGemm(String what, boolean ta, boolean tb, float alpha, float[] a, int aCols,
                                  float[] b, int bCols, float beta, float[] c, int m, int k, int n, float[] got) {
        double[] want = ScalarReference.gemm(ta, tb, alpha, a, aCols, b, bCols, beta, c, m, k, n);
        double[] mag = ScalarReference.gemmMagnitude(ta, tb, alpha, a, aCols, b, bCols, beta, c, m, k, n);
        for (int i = 0; i < want.length; i++) {
            double tol = 2e-7 * (k + 2) * mag[i] + 1e-30;
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                fail("gemm " + what + " m=" + m + " k=" + k + " n=" + n + " transA=" + ta + " transB=" + tb
                        + ": C[" + i / n + "," + i % n + "] expected " + want[i] + " got " + got[i] + " (tol " + tol + ")");
            }
        }
    }

    @Test
    void gemmFoldsLeadingDimensionsIntoRows() {
        SplittableRandom r = new SplittableRandom(3);
        int t = 3, bsz = 5, k = 7, n = 9;
        float[] x = random(r, t * bsz * k, -1, 1), w = random(r, k * n, -1, 1);
        Tensor c = be.zeros(t, bsz, n);
        be.gemm(false, false, 1f, put(x, t, bsz, k), put(w, k, n), 0f, c);
        checkGemm("3-D", false, false, 1f, x, k, w, n, 0f, new float[t * bsz * n], t * bsz, k, n, be.toHost(c));
    }

    @Test
    void gemmWithZeroInnerDimensionScalesC() {
        float[] c = {1, 2, 3, 4};
        Tensor ct = put(c, 2, 2);
        be.gemm(false, false, 1f, be.zeros(2, 0), be.zeros(0, 2), 0.5f, ct);
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2}, be.toHost(ct));
        Tensor cn = be.fromHost(new float[] {Float.NaN, 1, 2, 3}, 2, 2);
        be.gemm(false, false, 1f, be.zeros(2, 0), be.zeros(0, 2), 0f, cn);
        assertArrayEquals(new float[4], be.toHost(cn));
    }

    @Test
    void gemmShapeMismatchNamesShapes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> be.gemm(false, false, 1f, be.zeros(4, 3), be.zeros(5, 2), 0f, be.zeros(4, 2)));
        String msg = e.getMessage();
        assertTrue(msg.contains("gemm") && msg.contains("4x3") && msg.contains("5x2"), msg);
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> be.gemm(true, false, 1f, be.zeros(3, 4), be.zeros(3, 2), 0f, be.zeros(2, 4)));
        assertTrue(e2.getMessage().contains("gemm") && e2.getMessage().contains("2x4"), e2.getMessage());
    }

    // ---- elementwise ------------------------------------------------------------------------

    /** Inputs inside the op's domain, including values around the interesting points. */
    static float[] unaryInput(UnaryOp op, int n, SplittableRandom r) {
        float[] x = switch (op) {
            case SQRT, LOG -> random(r, n, 1e-3f, 50f);
            case RECIPROCAL -> random(r, n, 0.05f, 20f);
            case EXP -> random(r, n, -40f, 40f);
            case SIGMOID, TANH, SOFTPLUS -> random(r, n, -30f, 30f);
            default -> random(r, n, -5f, 5f);
        };
        if (op == UnaryOp.RECIPROCAL) for (int i = 0; i < n; i += 2) x[i] = -x[i];
        if (n > 3 && (op == UnaryOp.RELU || op == UnaryOp.HEAVISIDE || op == UnaryOp.ABS)) {
            x[1] = 0f;
            x[2] = -0f;
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void mapMatchesReference(UnaryOp op) {
        SplittableRandom r = new SplittableRandom(op.ordinal());
        for (int n : new int[] {1, 7, 17, 33, 65, 1000, 70_001}) {
            float[] x = unaryInput(op, n, r);
            Tensor xt = put(x, n);
            Tensor out = put(new float[n], n);
            be.map(op, xt, out);
            assertClose("map " + op + " n=" + n, ScalarReference.map(op, x), be.toHost(out), 1e-5, 1e-6);
            be.map(op, xt, xt);  // in place
            assertClose("map " + op + " in place n=" + n, ScalarReference.map(op, x), be.toHost(xt), 1e-5, 1e-6);
        }
        assertGuardsIntact();
        var e = assertThrows(IllegalArgumentException.class, () -> be.map(op, be.zeros(2, 3), be.zeros(5)));
        assertTrue(e.getMessage().contains("map") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[5]"),
                e.getMessage());
    }

    @Test
    void mapHandlesSpecialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 100f, -100f};
        for (UnaryOp op : new UnaryOp[] {UnaryOp.IDENTITY, UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQUARE, UnaryOp.RELU,
                UnaryOp.HEAVISIDE, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.EXP}) {
            Tensor out = be.zeros(x.length);
            be.map(op, be.fromHost(x, x.length), out);
            float[] got = be.toHost(out);
            float[] want = ScalarReference.map(op, x);
            for (int i = 1; i < x.length; i++) {  // NaN inputs: only NaN-ness checked below
                assertEquals(want[i], got[i], 1e-6f * Math.max(1f, Math.abs(want[i])), op + "(" + x[i] + ")");
            }
            if (op != UnaryOp.HEAVISIDE && op != UnaryOp.RELU) {
                assertTrue(Float.isNaN(got[0]), op + "(NaN) must be NaN, got " + got[0]);
            }
        }
    }

    static float[] binaryRight(BinaryOp op, float[] a, SplittableRandom r) {
        float[] b = random(r, a.length, -5f, 5f);
        if (op == BinaryOp.DIV) for (int i = 0; i < b.length; i++) if (Math.abs(b[i]) < 0.1f) b[i] = 0.5f;
        for (int i = 0; i < b.length; i += 5) b[i] = a[i];  // ties for GREATER/MAX/MIN
        return b;
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void zipMatchesReference(BinaryOp op) {
        SplittableRandom r = new SplittableRandom(100 + op.ordinal());
        for (int n : new int[] {1, 7, 17, 33, 65, 1000, 70_001}) {
            float[] a = random(r, n, -5f, 5f);
            float[] b = binaryRight(op, a, r);
            Tensor at = put(a, n), bt = put(b, n), out = put(new float[n], n);
            be.zip(op, at, bt, out);
            assertClose("zip " + op + " n=" + n, ScalarReference.zip(op, a, b), be.toHost(out), 1e-5, 1e-6);
            be.zip(op, at, bt, at);  // out aliases a
            assertClose("zip " + op + " in place n=" + n, ScalarReference.zip(op, a, b), be.toHost(at), 1e-5, 1e-6);
        }
        assertGuardsIntact();
        var e = assertThrows(IllegalArgumentException.class, () -> be.zip(op, be.zeros(2, 3), be.zeros(7), be.zeros(6)));
        assertTrue(e.getMessage().contains("zip") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[7]"),
                e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void zipRowMatchesReference(BinaryOp op) {
        SplittableRandom r = new SplittableRandom(200 + op.ordinal());
        for (int m : ODD) {
            for (int n : ODD) {
                float[] a = random(r, m * n, -5f, 5f);
                float[] row = binaryRight(op, Arrays.copyOf(a, n), r);
                Tensor out = put(new float[m * n], m, n);
                be.zipRow(op, put(a, m, n), put(row, n), out);
                assertClose("zipRow " + op + " " + m + "x" + n, ScalarReference.zipRow(op, a, row), be.toHost(out), 1e-5, 1e-6);
            }
        }
        // [T, B, N] is read as [T*B, N]
        float[] a = random(r, 3 * 4 * 5, -5f, 5f), row = binaryRight(op, Arrays.copyOf(a, 5), r);
        Tensor at = put(a, 3, 4, 5);
        be.zipRow(op, at, put(row, 5), at);
        assertClose("zipRow " + op + " 3-D in place", ScalarReference.zipRow(op, a, row), be.toHost(at), 1e-5, 1e-6);
        assertGuardsIntact();
        var e = assertThrows(IllegalArgumentException.class,
                () -> be.zipRow(op, be.zeros(4, 3), be.zeros(4), be.zeros(4, 3)));
        assertTrue(e.getMessage().contains("zipRow") && e.getMessage().contains("[4, 3]"), e.getMessage());
    }

    @Test
    void axpbyAndAffine() {
        SplittableRandom r = new SplittableRandom(5);
        for (int n : new int[] {1, 7, 33, 1000, 70_001}) {
            float[] x = random(r, n, -2, 2), y = random(r, n, -2, 2);
            Tensor yt = put(y, n);
            be.axpby(1.5f, put(x, n), -0.25f, yt);
            assertClose("axpby n=" + n, ScalarReference.axpby(1.5f, x, -0.25f, y), be.toHost(yt), 1e-5, 1e-6);
            float[] nan = new float[n];
            Arrays.fill(nan, Float.NaN);
            Tensor yn = put(nan, n);
            be.axpby(2f, put(x, n), 0f, yn);
            assertClose("axpby beta=0 ignores y, n=" + n, ScalarReference.axpby(2f, x, 0f, nan), be.toHost(yn), 1e-6, 0);
            Tensor out = put(new float[n], n);
            be.affine(put(x, n), 0.3f, -1.5f, out);
            assertClose("affine n=" + n, ScalarReference.affine(x, 0.3f, -1.5f), be.toHost(out), 1e-5, 1e-6);
        }
        assertGuardsIntact();
        var e = assertThrows(IllegalArgumentException.class, () -> be.axpby(1f, be.zeros(3), 1f, be.zeros(4)));
        assertTrue(e.getMessage().contains("axpby") && e.getMessage().contains("[3]") && e.getMessage().contains("[4]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> be.affine(be.zeros(3), 1f, 1f, be.zeros(2, 2)));
        assertTrue(e2.getMessage().contains("affine"), e2.getMessage());
    }

    // ---- reductions -------------------------------------------------------------------------

    @Test
    void sumRowsAndSumCols() {
        SplittableRandom r = new SplittableRandom(6);
        int[] sizes = {1, 7, 17, 33, 65, 300};
        for (int m : sizes) {
            for (int n : sizes) {
                float[] a = random(r, m * n, -1, 1);
                Tensor at = put(a, m, n);
                float[] o1 = random(r, n, -1, 1);
                Tensor rows = put(o1, n);
                be.sumRows(at, 0.5f, rows);
                assertClose("sumRows " + m + "x" + n, toFloat(ScalarReference.sumRows(a, m, n, 0.5f, o1)), be.toHost(rows), 1e-5, 1e-6);
                float[] nan = new float[m];
                Arrays.fill(nan, Float.NaN);
                Tensor cols = put(nan, m);
                be.sumCols(at, 0f, cols);
                assertClose("sumCols " + m + "x" + n, toFloat(ScalarReference.sumCols(a, m, n, 0f, nan)), be.toHost(cols), 1e-5, 1e-6);
            }
        }
        assertGuardsIntact();
        var e = assertThrows(IllegalArgumentException.class, () -> be.sumRows(be.zeros(4, 3), 0f, be.zeros(4)));
        assertTrue(e.getMessage().contains("sumRows") && e.getMessage().contains("[4, 3]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> be.sumCols(be.zeros(4, 3), 0f, be.zeros(3)));
        assertTrue(e2.getMessage().contains("sumCols") && e2.getMessage().contains("[4, 3]"), e2.getMessage());
    }

    @Test
    void sumAndDotAccumulateInDouble() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n : new int[] {1, 7, 17, 33, 65, 1000, 100_003}) {
            float[] a = random(r, n, -1, 1), b = random(r, n, -1, 1);
            double s = be.sum(put(a, n));
            assertEquals(ScalarReference.sum(a), s, 1e-9 * n, "sum n=" + n);
            double d = be.dot(put(a, n), put(b, n));
            assertEquals(ScalarReference.dot(a, b), d, 1e-9 * n, "dot n=" + n);
        }
        // 1e8 + many ones: a float accumulator would lose the ones
        float[] big = new float[20_001];
        Arrays.fill(big, 1f);
        big[0] = 1e8f;
        assertEquals(1e8 + 20_000, be.sum(be.fromHost(big, big.length)), 0.5);
        var e = assertThrows(IllegalArgumentException.class, () -> be.dot(be.zeros(3), be.zeros(4)));
        assertTrue(e.getMessage().contains("dot"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 17, 33, 65, 1000})
    void allFiniteFindsNanAndInfinityAnywhere(int n) {
        float[] a = random(new SplittableRandom(n), n, -1, 1);
        assertTrue(be.allFinite(put(a, n)));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int pos : new int[] {0, n / 2, n - 1}) {
                float[] c = a.clone();
                c[pos] = bad;
                assertFalse(be.allFinite(put(c, n)), bad + " at " + pos + " of " + n);
            }
        }
        // a NaN just outside the view is not part of it
        float[] c = new float[n + 2];
        c[0] = Float.NaN;
        c[n + 1] = Float.NaN;
        assertTrue(be.allFinite(be.fromHost(c, n + 2).narrow0(1, n)));
    }

    // ---- random -----------------------------------------------------------------------------

    @Test
    void randomFollowsCounterRngExactly() {
        int n = 1001;
        long seed = 0xC0FFEE;
        Tensor t = put(new float[n], n);
        be.randUniform(t, seed, -2f, 3f);
        float[] u = be.toHost(t);
        be.randNormal(t, seed, 1f, 0.5f);
        float[] g = be.toHost(t);
        be.randBernoulli(t, seed, 0.3f);
        float[] b = be.toHost(t);
        for (int i = 0; i < n; i++) {
            assertEquals(-2f + 5f * CounterRng.uniform(seed, i), u[i], 0f, "uniform " + i);
            assertEquals(1f + 0.5f * CounterRng.normal(seed, i), g[i], 0f, "normal " + i);
            assertEquals(CounterRng.uniform(seed, i) < 0.3f ? 1f : 0f, b[i], 0f, "bernoulli " + i);
        }
        assertGuardsIntact();
    }

    @Test
    void randomMomentsAreSane() {
        int n = 200_000;
        Tensor t = be.zeros(n);
        be.randUniform(t, 11, 0f, 1f);
        double mean = be.sum(t) / n, sq = be.dot(t, t) / n;
        assertEquals(0.5, mean, 0.005);
        assertEquals(1.0 / 12, sq - mean * mean, 0.002);
        be.randNormal(t, 12, 0f, 1f);
        mean = be.sum(t) / n;
        sq = be.dot(t, t) / n;
        assertEquals(0, mean, 0.01);
        assertEquals(1, sq - mean * mean, 0.02);
        be.randBernoulli(t, 13, 0.2f);
        assertEquals(0.2, be.sum(t) / n, 0.005);
        be.randUniform(t, 14, 0f, 1f);
        float[] x = be.toHost(t);
        Tensor t2 = be.zeros(n);
        be.randUniform(t2, 15, 0f, 1f);
        assertFalse(Arrays.equals(x, be.toHost(t2)), "different seeds must give different draws");
    }

    // ---- optimizers -------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(floats = {0f, 0.01f})
    void adamMatchesReference(float weightDecay) {
        SplittableRandom r = new SplittableRandom(8);
        AdamConfig cfg = new AdamConfig(1e-2f, 0.9f, 0.999f, 1e-8f, weightDecay);
        for (int n : new int[] {1, 7, 33, 1000, 70_001}) {
            float[] p = random(r, n, -1, 1), m = new float[n], v = new float[n];
            Tensor pt = put(p, n), mt = put(m, n), vt = put(v, n);
            for (int step = 1; step <= 3; step++) {
                float[] g = random(r, n, -1, 1);
                be.adamStep(pt, put(g, n), mt, vt, cfg, step);
                ScalarReference.adam(p, g, m, v, cfg, step);
                assertClose("adam p n=" + n + " step " + step, p, be.toHost(pt), 1e-5, 1e-7);
                assertClose("adam m n=" + n + " step " + step, m, be.toHost(mt), 1e-5, 1e-7);
                assertClose("adam v n=" + n + " step " + step, v, be.toHost(vt), 1e-5, 1e-9);
            }
        }
        assertGuardsIntact();
        var e = assertThrows(IllegalArgumentException.class,
                () -> be.adamStep(be.zeros(3), be.zeros(4), be.zeros(3), be.zeros(3), cfg, 1));
        assertTrue(e.getMessage().contains("adam") && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> be.adamStep(be.zeros(3), be.zeros(3), be.zeros(3), be.zeros(3), cfg, 0));
    }

    @Test
    void sgdMatchesReference() {
        SplittableRandom r = new SplittableRandom(9);
        for (int n : new int[] {1, 7, 33, 1000, 70_001}) {
            float[] p = random(r, n, -1, 1), vel = random(r, n, -0.1f, 0.1f);
            Tensor pt = put(p, n), vt = put(vel, n);
            for (int step = 0; step < 2; step++) {
                float[] g = random(r, n, -1, 1);
                be.sgdStep(pt, put(g, n), vt, 0.1f, 0.9f);
                ScalarReference.sgd(p, g, vel, 0.1f, 0.9f);
            }
            assertClose("sgd p n=" + n, p, be.toHost(pt), 1e-5, 1e-6);
            assertClose("sgd velocity n=" + n, vel, be.toHost(vt), 1e-5, 1e-6);
        }
        assertGuardsIntact();
        var e = assertThrows(IllegalArgumentException.class,
                () -> be.sgdStep(be.zeros(3), be.zeros(3), be.zeros(5), 0.1f, 0.9f));
        assertTrue(e.getMessage().contains("sgd") && e.getMessage().contains("[5]"), e.getMessage());
    }

    // ---- ownership ---------------------------------------------------------------------------

    @Test
    void rejectsTensorsOfAnotherBackend() {
        Tensor foreign = Tensor.of(foreignBackend(), new HostStorage(new float[6]), 0, 2, 3);
        Tensor mine = be.zeros(2, 3);
        List<Runnable> calls = List.of(
                () -> be.map(UnaryOp.NEG, foreign, mine),
                () -> be.zip(BinaryOp.ADD, mine, foreign, mine),
                () -> be.copy(foreign, mine),
                () -> be.toHost(foreign),
                () -> be.fill(foreign, 1f),
                () -> be.gemm(false, true, 1f, mine, foreign, 0f, be.zeros(2, 2)),
                () -> be.sum(foreign),
                () -> be.randUniform(foreign, 1, 0, 1),
                () -> be.sgdStep(mine, foreign, mine, 0.1f, 0f));
        for (Runnable call : calls) {
            var e = assertThrows(IllegalArgumentException.class, call::run);
            assertTrue(e.getMessage().contains("foreign") && e.getMessage().contains(be.name()), e.getMessage());
        }
    }

    @Test
    void identifiesItself() {
        assertFalse(be.name().isBlank());
        assertFalse(be.deviceName().isBlank());
        be.synchronize();
    }
}
