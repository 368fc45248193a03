package org.spikekit.compute.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Capability;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every Backend method of the cuda backend against CpuBackend, on random data with odd sizes and
 * views at odd element offsets. Run on a real GPU by {@link CudaBackendGpuTest} and on the host
 * emulator of the CUDA API by {@link CudaEmulatorTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CudaConformance {

    CudaBackend gpu;
    final CpuBackend cpu = new CpuBackend();
    private final Random rnd = new Random(20260522L);

    /** The backend under test; aborts the class (assumption) where it cannot run. */
    abstract CudaBackend open() throws Exception;

    /** 1-D sizes of the sum/dot tests (smaller on the emulator, which is slow). */
    int[] reductionSizes() { return new int[] {1, 255, 257, 100_003, (1 << 20) + 7}; }

    @BeforeAll
    void start() throws Exception {
        gpu = open();
    }

    @AfterAll
    void stop() throws Exception {
        if (gpu != null) gpu.close();
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The same data on both backends, as a view at element offset {@code pad} of a larger storage. */
    private record Pair(Tensor cpu, Tensor gpu) {}

    private float[] randomData(int n, float lo, float hi) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = lo + (hi - lo) * rnd.nextFloat();
        return d;
    }

    private Pair pair(float[] data, int pad, int... shape) {
        float[] full = new float[pad + data.length + 3];
        Arrays.fill(full, Float.NaN); // padding must never be read or written
        System.arraycopy(data, 0, full, pad, data.length);
        Tensor c = cpu.fromHost(full, full.length).narrow0(pad, data.length).reshape(shape);
        Tensor g = gpu.fromHost(full, full.length).narrow0(pad, data.length).reshape(shape);
        assertEquals(pad, g.offset());
        return new Pair(c, g);
    }

    private Pair random(int pad, int... shape) {
        return pair(randomData(Math.toIntExact(sizeOf(shape)), -1f, 1f), pad, shape);
    }

    private static long sizeOf(int[] s) { long n = 1; for (int d : s) n *= d; return n; }

    private static boolean close(float want, float got, double rel, double abs) {
        if (Float.isNaN(want)) return Float.isNaN(got);
        if (Float.isInfinite(want)) return want == got;
        return Math.abs(want - got) <= rel * Math.max(Math.abs(want), Math.abs(got)) + abs || want == got;
    }

    private void assertClose(String what, Pair p, double rel) {
        assertClose(what, p, rel, 0);
    }

    /**
     * The cpu backend evaluates transcendental functions with Vector-API approximations held to
     * 1e-5 relative + 1e-6 absolute of the scalar definition (see BackendConformanceTest), while
     * the CUDA kernels evaluate them in double; maps are compared with that same tolerance.
     */
    private void assertClose(String what, Pair p, double rel, double abs) {
        float[] want = cpu.toHost(p.cpu()), got = gpu.toHost(p.gpu());
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            if (!close(want[i], got[i], rel, abs)) fail(what + ": element " + i + " cpu " + want[i] + " cuda " + got[i]);
        }
        // The padding around the view is untouched.
        Tensor whole = Tensor.of(gpu, p.gpu().storage(), 0, Math.toIntExact(p.gpu().storage().length()));
        float[] all = gpu.toHost(whole);
        for (int i = 0; i < p.gpu().offset(); i++) assertTrue(Float.isNaN(all[i]), what + ": padding before view written");
        for (long i = p.gpu().offset() + p.gpu().size(); i < all.length; i++) {
            assertTrue(Float.isNaN(all[(int) i]), what + ": padding after view written");
        }
    }

    // ---- identity and memory ------------------------------------------------------------------

    @Test
    void identity() {
        assertEquals("cuda", gpu.name());
        assertTrue(gpu.has(Capability.CUDA));
        assertFalse(gpu.has(Capability.HOST_MEMORY));
        assertTrue(gpu.deviceName().contains("compute capability"), gpu.deviceName());
    }

    @Test
    void memory() {
        Tensor z = gpu.zeros(3, 5, 7);
        assertArrayEquals(new float[105], gpu.toHost(z));
        float[] d = randomData(37, -5, 5);
        Pair p = pair(d, 3, 37);
        float[] out = new float[40];
        gpu.toHost(p.gpu(), out, 2);
        assertArrayEquals(d, Arrays.copyOfRange(out, 2, 39));

        Pair dst = random(5, 37);
        cpu.copy(p.cpu(), dst.cpu());
        gpu.copy(p.gpu(), dst.gpu());
        assertClose("copy", dst, 0);

        Pair f = random(1, 4, 9);
        cpu.fill(f.cpu(), -2.5f);
        gpu.fill(f.gpu(), -2.5f);
        assertClose("fill", f, 0);

        // Overlapping copy inside one storage behaves like System.arraycopy.
        float[] base = randomData(50, -1, 1);
        Tensor gc = gpu.fromHost(base, 50), cc = cpu.fromHost(base, 50);
        gpu.copy(gc.narrow0(0, 40), gc.narrow0(7, 40));
        cpu.copy(cc.narrow0(0, 40), cc.narrow0(7, 40));
        assertArrayEquals(cpu.toHost(cc), gpu.toHost(gc));

        assertThrows(IllegalArgumentException.class, () -> gpu.copy(gpu.zeros(3), gpu.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> gpu.fill(cpu.zeros(3), 1f));
        assertThrows(IllegalArgumentException.class, () -> gpu.fromHost(new float[5], 2, 3));
    }

    // ---- gemm ---------------------------------------------------------------------------------

    @Test
    void gemmAllTransposesOddSizesOffsetViews() {
        int m = 37, n = 53, k = 129;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (float beta : new float[] {0f, 1.3f}) {
                    Pair a = ta ? random(3, k, m) : random(3, m, k);
                    Pair b = tb ? random(1, n, k) : random(1, k, n);
                    Pair c = beta == 0f ? pair(filled(m * n, Float.NaN), 5, m, n) : random(5, m, n);
                    cpu.gemm(ta, tb, 0.7f, a.cpu(), b.cpu(), beta, c.cpu());
                    gpu.gemm(ta, tb, 0.7f, a.gpu(), b.gpu(), beta, c.gpu());
                    assertGemmClose("gemm ta=" + ta + " tb=" + tb + " beta=" + beta, c, k);
                }
            }
        }
        // Leading dimensions fold: [2, 3, k] x [k, n] as a 6 x k matrix.
        Pair a3 = random(2, 2, 3, 11), b3 = random(0, 11, 4), c3 = random(0, 2, 3, 4);
        cpu.gemm(false, false, 1f, a3.cpu(), b3.cpu(), 0f, c3.cpu());
        gpu.gemm(false, false, 1f, a3.gpu(), b3.gpu(), 0f, c3.gpu());
        assertGemmClose("gemm folded", c3, 11);
        assertThrows(IllegalArgumentException.class,
                () -> gpu.gemm(false, false, 1f, gpu.zeros(3, 4), gpu.zeros(5, 2), 0f, gpu.zeros(3, 2)));
    }

    private static float[] filled(int n, float v) { float[] d = new float[n]; Arrays.fill(d, v); return d; }

    private void assertGemmClose(String what, Pair c, int k) {
        float[] want = cpu.toHost(c.cpu()), got = gpu.toHost(c.gpu());
        for (int i = 0; i < want.length; i++) {
            double tol = 1e-6 * k * Math.max(1.0, Math.abs(want[i]));
            if (!(Math.abs(want[i] - got[i]) <= tol)) fail(what + ": element " + i + " cpu " + want[i] + " cuda " + got[i]);
        }
    }

    @Test
    void gemmLargeAgreesWithCpu() {
        int m = 257, n = 129, k = 515;
        Pair a = random(1, m, k), c = random(0, m, n);
        Pair bt = random(0, n, k);
        cpu.gemm(false, true, 1f, a.cpu(), bt.cpu(), 0f, c.cpu());
        long before = gpu.gemmCalls();
        gpu.gemm(false, true, 1f, a.gpu(), bt.gpu(), 0f, c.gpu());
        assertEquals(before + 1, gpu.gemmCalls());
        assertGemmClose("gemm large", c, k);
    }

    // ---- elementwise --------------------------------------------------------------------------

    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, 0.5f, -0.5f, 1e-30f, -1e-30f, 1e-45f, 30f, -30f, 88f, -88f,
            100f, -100f, 1e20f, -1e20f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

    private float[] withSpecials(int n) {
        float[] d = randomData(n, -20f, 20f);
        System.arraycopy(SPECIAL, 0, d, 0, Math.min(SPECIAL.length, n));
        return d;
    }

    @Test
    void mapEveryUnaryOp() {
        int n = 1001;
        float[] x = withSpecials(n);
        for (UnaryOp op : UnaryOp.values()) {
            Pair in = pair(x, 3, 7, 143), out = random(1, 1001);
            cpu.map(op, in.cpu(), out.cpu());
            long launches = gpu.kernelLaunches();
            gpu.map(op, in.gpu(), out.gpu());
            assertEquals(launches + 1, gpu.kernelLaunches(), "a CUDA kernel ran");
            assertClose("map " + op, out, 1e-5, 1e-6);
            // in place
            cpu.map(op, in.cpu(), in.cpu());
            gpu.map(op, in.gpu(), in.gpu());
            assertClose("map in place " + op, in, 1e-5, 1e-6);
        }
    }

    @Test
    void zipEveryBinaryOpAndZipRow() {
        float[] a = withSpecials(391), b = randomData(391, -3f, 3f);
        b[0] = -0f; b[1] = 0f; b[2] = Float.NaN; b[5] = 0.5f; // MAX/MIN signed zero and NaN cases
        for (BinaryOp op : BinaryOp.values()) {
            Pair pa = pair(a, 1, 17, 23), pb = pair(b, 2, 391), out = random(3, 391);
            cpu.zip(op, pa.cpu(), pb.cpu(), out.cpu());
            gpu.zip(op, pa.gpu(), pb.gpu(), out.gpu());
            assertClose("zip " + op, out, 1e-6);

            Pair row = random(1, 23), out2 = random(4, 17, 23);
            cpu.zipRow(op, pa.cpu(), row.cpu(), out2.cpu());
            gpu.zipRow(op, pa.gpu(), row.gpu(), out2.gpu());
            assertClose("zipRow " + op, out2, 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> gpu.zipRow(BinaryOp.ADD, gpu.zeros(3, 4), gpu.zeros(5), gpu.zeros(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> gpu.zip(BinaryOp.ADD, gpu.zeros(3), gpu.zeros(4), gpu.zeros(3)));
    }

    @Test
    void axpbyAndAffine() {
        Pair x = random(1, 13, 31), y = random(2, 13, 31), out = random(3, 403);
        cpu.axpby(0.3f, x.cpu(), -1.7f, y.cpu());
        gpu.axpby(0.3f, x.gpu(), -1.7f, y.gpu());
        assertClose("axpby", y, 1e-6);
        cpu.affine(x.cpu(), 2.5f, -0.125f, out.cpu());
        gpu.affine(x.gpu(), 2.5f, -0.125f, out.gpu());
        assertClose("affine", out, 1e-6);
    }

    // ---- reductions ---------------------------------------------------------------------------

    @Test
    void rowAndColumnSums() {
        int[][] shapes = {{37, 53}, {5000, 3}, {3, 5000}, {1, 1}, {2, 3, 33}};
        for (int[] s : shapes) {
            for (float beta : new float[] {0f, 0.5f}) {
                Pair a = random(1, s);
                int m = a.cpu().rows(), n = a.cpu().cols();
                Pair rs = beta == 0f ? pair(filled(n, Float.NaN), 2, n) : random(2, n);
                Pair cs = beta == 0f ? pair(filled(m, Float.NaN), 3, m) : random(3, m);
                cpu.sumRows(a.cpu(), beta, rs.cpu());
                gpu.sumRows(a.gpu(), beta, rs.gpu());
                assertClose("sumRows " + Arrays.toString(s) + " beta " + beta, rs, 1e-6);
                cpu.sumCols(a.cpu(), beta, cs.cpu());
                gpu.sumCols(a.gpu(), beta, cs.gpu());
                assertClose("sumCols " + Arrays.toString(s) + " beta " + beta, cs, 1e-6);
            }
        }
    }

    @Test
    void sumDotAllFinite() {
        for (int n : reductionSizes()) {
            Pair a = random(1, n), b = random(2, n);
            double sa = 0;
            for (float v : cpu.toHost(a.cpu())) sa += Math.abs(v);
            assertEquals(cpu.sum(a.cpu()), gpu.sum(a.gpu()), 1e-12 * Math.max(1, sa), "sum n=" + n);
            assertEquals(cpu.dot(a.cpu(), b.cpu()), gpu.dot(a.gpu(), b.gpu()), 1e-12 * Math.max(1, sa), "dot n=" + n);
            assertEquals(gpu.sum(a.gpu()), gpu.sum(a.gpu()), "sum is deterministic");
            assertTrue(gpu.allFinite(a.gpu()));
        }
        assertEquals(0.0, gpu.sum(gpu.zeros(0)));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] d = randomData(4097, -1, 1);
            d[4000] = bad;
            Pair p = pair(d, 1, 4097);
            assertEquals(cpu.allFinite(p.cpu()), gpu.allFinite(p.gpu()));
            assertFalse(gpu.allFinite(p.gpu()));
        }
        // The padding (NaN) around a view is not looked at.
        assertTrue(gpu.allFinite(random(3, 10).gpu()));
    }

    // ---- random -------------------------------------------------------------------------------

    @Test
    void randomIsCounterRngBitForBit() {
        int n = 100_003;
        long seed = 0xDEADBEEFL;
        Pair u = random(1, n), b = random(2, n), z = random(3, n);
        cpu.randUniform(u.cpu(), seed, -2f, 3f);
        gpu.randUniform(u.gpu(), seed, -2f, 3f);
        assertArrayEquals(cpu.toHost(u.cpu()), gpu.toHost(u.gpu()), "uniform");
        cpu.randBernoulli(b.cpu(), seed + 1, 0.3f);
        gpu.randBernoulli(b.gpu(), seed + 1, 0.3f);
        assertArrayEquals(cpu.toHost(b.cpu()), gpu.toHost(b.gpu()), "bernoulli");
        // Direct check of the definition on a few elements, including a negative seed.
        Tensor t = gpu.zeros(5);
        gpu.randUniform(t, -7L, 0f, 1f);
        float[] h = gpu.toHost(t);
        for (int i = 0; i < 5; i++) assertEquals(Float.floatToIntBits(CounterRng.uniform(-7L, i)), Float.floatToIntBits(h[i]));

        // Normal: Box–Muller in double; the GPU's log/cos may differ from Java's in the last bit of
        // the double, which after rounding to float changes nothing except on exact ties.
        cpu.randNormal(z.cpu(), seed + 2, 0.5f, 2f);
        gpu.randNormal(z.gpu(), seed + 2, 0.5f, 2f);
        float[] want = cpu.toHost(z.cpu()), got = gpu.toHost(z.gpu());
        int differ = 0;
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                differ++;
                assertTrue(Math.abs(want[i] - got[i]) <= 2 * Math.ulp(want[i]), "normal element " + i + ": " + want[i] + " vs " + got[i]);
            }
        }
        System.out.println("randNormal: " + differ + " of " + n + " elements not bit-identical to CounterRng");
        assertTrue(differ <= 2, differ + " of " + n + " normals differ from CounterRng");
    }

    // ---- optimizers ---------------------------------------------------------------------------

    @Test
    void adamAndSgdSteps() {
        for (AdamConfig cfg : new AdamConfig[] {AdamConfig.defaults(), new AdamConfig(3e-3f, 0.8f, 0.99f, 1e-6f, 0.01f)}) {
            Pair p = random(1, 19, 21), m = pair(new float[399], 2, 399), v = pair(new float[399], 3, 399);
            for (int step = 1; step <= 5; step++) {
                Pair g = random(step, 19, 21);
                cpu.adamStep(p.cpu(), g.cpu(), m.cpu(), v.cpu(), cfg, step);
                gpu.adamStep(p.gpu(), g.gpu(), m.gpu(), v.gpu(), cfg, step);
            }
            assertClose("adam param", p, 1e-6);
            assertClose("adam m", m, 1e-6);
            assertClose("adam v", v, 1e-6);
        }
        assertThrows(IllegalArgumentException.class,
                () -> gpu.adamStep(gpu.zeros(3), gpu.zeros(3), gpu.zeros(3), gpu.zeros(3), AdamConfig.defaults(), 0));

        Pair p = random(1, 77), vel = random(2, 77);
        for (int s = 0; s < 3; s++) {
            Pair g = random(3, 77);
            cpu.sgdStep(p.cpu(), g.cpu(), vel.cpu(), 0.05f, 0.9f);
            gpu.sgdStep(p.gpu(), g.gpu(), vel.gpu(), 0.05f, 0.9f);
        }
        assertClose("sgd param", p, 1e-6);
        assertClose("sgd velocity", vel, 1e-6);
    }

    // ---- lifetime -----------------------------------------------------------------------------

    @Test
    void storageCloseFreesAndForeignTensorsAreRefused() {
        long before = gpu.liveBytes();
        Tensor t = gpu.zeros(1000);
        assertEquals(before + 4000, gpu.liveBytes());
        t.storage().close();
        t.storage().close();
        assertEquals(before, gpu.liveBytes());
        assertTrue(((DeviceStorage) gpu.zeros(1).storage()).devicePointer() != 0);
        Backend other = cpu;
        assertThrows(IllegalArgumentException.class, () -> gpu.map(UnaryOp.NEG, other.zeros(3), gpu.zeros(3)));
        gpu.synchronize();
    }
}
