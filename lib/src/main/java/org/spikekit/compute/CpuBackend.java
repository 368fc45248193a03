package org.spikekit.compute;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Pure-Java backend on the heap, no native dependency. Elementwise operations, reductions and the
 * optimizer steps run on {@code jdk.incubator.vector} SIMD loops; {@link #gemm} is a cache-blocked,
 * register-tiled SGEMM ({@link Sgemm}) for all four transpose cases. Work above a size threshold
 * is split across a {@link ForkJoinPool} of daemon threads owned by this backend (created on first
 * use, shut down by {@link #close()}); small problems run on the calling thread.
 *
 * <p>Results do not depend on the thread count: each output element is computed by exactly one
 * thread in a fixed order, and reductions ({@link #sum}, {@link #dot}, {@link #sumRows},
 * {@link #sumCols}) run on one thread. Tensors of any {@code CpuBackend} instance are accepted
 * (they are all heap arrays); tensors of other backends are rejected.
 */
public final class CpuBackend implements Backend {

    /**
     * Elementwise work below this many elements stays on the calling thread. Waking a parked pool
     * thread costs tens of microseconds on a VM, about what 256K floats take on one core.
     */
    static final int PARALLEL_ELEMENTS = 1 << 18;
    /**
     * GEMMs below this many multiply-adds (m*n*k) stay on the calling thread: 2^21, about 80 us of work
     * on one AVX2 core (2^23 until 2026-12-07; the Spikachu baselines' 1600 x 64 x 64 products, 270 us
     * alone, then ran on one core: {@code make bench} spikachu, quick train step, medians of three
     * alternating runs: rnn 44 -> 29 ms, gru 97 -> 71, lstm 129 -> 91). The split does not change the
     * results (each element of C is summed in the same order on any thread).
     */
    static final long PARALLEL_GEMM_MACS = 1L << 21;

    private final int threads;
    private final int parallelElements;
    private final long parallelGemmMacs;
    private volatile ForkJoinPool pool;
    private final ConcurrentLinkedQueue<Sgemm.Workspace> workspaces = new ConcurrentLinkedQueue<>();

    /** One worker per available processor. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** With a fixed number of threads ({@code 1}: everything on the calling thread). */
    public CpuBackend(int threads) {
        this(threads, PARALLEL_ELEMENTS, PARALLEL_GEMM_MACS);
    }

    /** With explicit thresholds for going multi-threaded (tests force the threaded paths with 1). */
    CpuBackend(int threads, int parallelElements, long parallelGemmMacs) {
        if (threads < 1) throw new IllegalArgumentException("cpu backend needs >= 1 thread, got " + threads);
        VectorApi.require("cpu backend");   // a clear error instead of NoClassDefFoundError at the first kernel
        this.threads = threads;
        this.parallelElements = parallelElements;
        this.parallelGemmMacs = parallelGemmMacs;
    }

    /** ServiceLoader entry. */
    public static final class Provider implements BackendProvider {
        @Override public String name() { return "cpu"; }
        /** Null when the Vector API module is in this JVM ({@link VectorApi}). */
        @Override public String unavailableReason() { return VectorApi.unavailableReason(); }
        @Override public Backend create() { return new CpuBackend(); }
    }

    @Override public String name() { return "cpu"; }

    /** Number of threads large operations are split across. */
    public int threads() { return threads; }

    @Override
    public String deviceName() {
        return System.getProperty("os.arch") + " x " + threads + " threads, " + Sgemm.S.vectorBitSize() + "-bit vectors";
    }

    @Override
    public boolean has(Capability c) {
        return c == Capability.HOST_MEMORY;
    }

    @Override
    public void close() {
        ForkJoinPool p = pool;
        if (p != null) p.shutdown();
    }

    // ---- helpers ------------------------------------------------------------------------------

    static float[] data(Tensor t) {
        if (!(t.storage() instanceof HostStorage h)) {
            throw new IllegalArgumentException("tensor " + t + " does not live in host memory");
        }
        return h.data();
    }

    static int off(Tensor t) { return Math.toIntExact(t.offset()); }

    private static void own(String op, Tensor t) {
        if (!(t.backend() instanceof CpuBackend) || !(t.storage() instanceof HostStorage)) {
            throw new IllegalArgumentException(op + ": tensor " + t + " belongs to backend '" + t.backend().name()
                    + "', not cpu; copy it with toHost/fromHost");
        }
    }

    private ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (this) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(threads, fj -> {
                        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fj);
                        t.setName("spikekit-cpu-" + t.getPoolIndex());
                        t.setDaemon(true);
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /** A body over an index range. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in {@code parts} contiguous chunks whose boundaries are
     * multiples of {@code align}; chunk 0 runs on the calling thread.
     */
    void parallel(int n, int parts, int align, RangeBody body) {
        if (parts <= 1 || n <= align) {
            body.run(0, n);
            return;
        }
        int chunk = ((n + parts - 1) / parts + align - 1) / align * align;
        List<ForkJoinTask<?>> tasks = new ArrayList<>(parts);
        ForkJoinPool p = pool();
        for (int from = chunk; from < n; from += chunk) {
            int f = from, t = Math.min(n, from + chunk);
            tasks.add(p.submit(() -> body.run(f, t)));
        }
        body.run(0, Math.min(n, chunk));
        for (ForkJoinTask<?> t : tasks) t.join();
    }

    /** Elementwise split: threads only for large n. */
    private void elementwise(int n, RangeBody body) {
        parallel(n, n >= parallelElements ? threads : 1, 64, body);
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Tensor zeros(int... shape) {
        return Tensor.of(this, new HostStorage(new float[Math.toIntExact(Tensor.sizeOf(shape))]), 0, shape);
    }

    @Override
    public Tensor fromHost(float[] data, int... shape) {
        long n = Tensor.sizeOf(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("fromHost: " + data.length + " values do not fill shape " + Arrays.toString(shape));
        }
        return Tensor.of(this, new HostStorage(data.clone()), 0, shape);
    }

    @Override
    public void toHost(Tensor src, float[] dst, int dstOffset) {
        own("toHost", src);
        System.arraycopy(data(src), off(src), dst, dstOffset, src.sizeInt());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        own("copy", src); own("copy", dst); Shapes.sameSize("copy", src, dst);
        System.arraycopy(data(src), off(src), data(dst), off(dst), src.sizeInt());
    }

    @Override
    public void fill(Tensor t, float value) {
        own("fill", t);
        Arrays.fill(data(t), off(t), off(t) + t.sizeInt(), value);
    }

    // ---- gemm ---------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        own("gemm", a); own("gemm", b); own("gemm", c);
        Shapes.GemmDims d = Shapes.gemm(transA, transB, a, b, c);
        int m = d.m(), n = d.n(), k = d.k();
        float[] A = data(a), B = data(b), C = data(c);
        int ao = off(a), bo = off(b), co = off(c);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {  // C = beta * C
            int size = m * n;
            if (beta == 0f) Arrays.fill(C, co, co + size, 0f);
            else if (beta != 1f) VectorKernels.affine(C, co, beta, 0f, C, co, 0, size);
            return;
        }
        int lda = a.cols(), ldb = b.cols();
        long macs = (long) m * n * k;
        int parts = macs < parallelGemmMacs ? 1 : threads;
        if (parts <= 1) {
            Sgemm.Workspace ws = workspace();
            try {
                Sgemm.block(transA, transB, 0, m, 0, n, k, alpha, A, ao, lda, B, bo, ldb, beta, C, co, n, ws);
            } finally {
                workspaces.offer(ws);
            }
            return;
        }
        // Split C into column blocks (wide C) or row blocks (tall C), one per thread.
        boolean byCols = n >= m;
        parallel(byCols ? n : m, parts, byCols ? Sgemm.NR : Sgemm.MR, (from, to) -> {
            Sgemm.Workspace ws = workspace();
            try {
                if (byCols) Sgemm.block(transA, transB, 0, m, from, to, k, alpha, A, ao, lda, B, bo, ldb, beta, C, co, n, ws);
                else Sgemm.block(transA, transB, from, to, 0, n, k, alpha, A, ao, lda, B, bo, ldb, beta, C, co, n, ws);
            } finally {
                workspaces.offer(ws);
            }
        });
    }

    private Sgemm.Workspace workspace() {
        Sgemm.Workspace ws = workspaces.poll();
        return ws != null ? ws : new Sgemm.Workspace();
    }

    // ---- elementwise --------------------------------------------------------------------------

    @Override
    public void map(UnaryOp op, Tensor x, Tensor out) {
        own("map " + op, x); own("map " + op, out); Shapes.sameSize("map " + op, x, out);
        float[] X = data(x), O = data(out);
        int xo = off(x), oo = off(out);
        elementwise(x.sizeInt(), (f, t) -> VectorKernels.map(op, X, xo, O, oo, f, t));
    }

    @Override
    public void zip(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        String name = "zip " + op;
        own(name, a); own(name, b); own(name, out); Shapes.sameSize(name, a, b); Shapes.sameSize(name, a, out);
        float[] A = data(a), B = data(b), O = data(out);
        int ao = off(a), bo = off(b), oo = off(out);
        elementwise(a.sizeInt(), (f, t) -> VectorKernels.zip(op, A, ao, B, bo, O, oo, f, t));
    }

    @Override
    public void zipRow(BinaryOp op, Tensor a, Tensor row, Tensor out) {
        String name = "zipRow " + op;
        own(name, a); own(name, row); own(name, out); Shapes.sameSize(name, a, out);
        int m = a.rows(), n = a.cols();
        if (row.size() != n) {
            throw new IllegalArgumentException(name + ": row " + Arrays.toString(row.shape()) + " has " + row.size()
                    + " elements, but a " + Arrays.toString(a.shape()) + " has " + n + " columns");
        }
        float[] A = data(a), R = data(row), O = data(out);
        int ao = off(a), ro = off(row), oo = off(out);
        int parts = a.size() >= parallelElements ? threads : 1;
        parallel(m, parts, 1, (r0, r1) -> VectorKernels.zipRow(op, A, ao, R, ro, O, oo, n, r0, r1));
    }

    /** {@inheritDoc} With {@code beta == 0} the old y is not read. */
    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        own("axpby", x); own("axpby", y); Shapes.sameSize("axpby", x, y);
        float[] X = data(x), Y = data(y);
        int xo = off(x), yo = off(y);
        elementwise(x.sizeInt(), (f, t) -> VectorKernels.axpby(alpha, X, xo, beta, Y, yo, f, t));
    }

    @Override
    public void affine(Tensor x, float scale, float shift, Tensor out) {
        own("affine", x); own("affine", out); Shapes.sameSize("affine", x, out);
        float[] X = data(x), O = data(out);
        int xo = off(x), oo = off(out);
        elementwise(x.sizeInt(), (f, t) -> VectorKernels.affine(X, xo, scale, shift, O, oo, f, t));
    }

    // ---- reductions ---------------------------------------------------------------------------

    @Override
    public void sumRows(Tensor a, float beta, Tensor out) {
        own("sumRows", a); own("sumRows", out);
        int m = a.rows(), n = a.cols();
        if (out.size() != n) {
            throw new IllegalArgumentException("sumRows: out " + Arrays.toString(out.shape()) + " has " + out.size()
                    + " elements, expected " + n + " (columns of " + Arrays.toString(a.shape()) + ")");
        }
        float[] A = data(a), O = data(out);
        int ao = off(a), oo = off(out);
        double[] acc = new double[n];
        VectorKernels.addRows(A, ao, n, 0, m, acc);
        for (int j = 0; j < n; j++) O[oo + j] = beta == 0f ? (float) acc[j] : (float) (acc[j] + (double) beta * O[oo + j]);
    }

    @Override
    public void sumCols(Tensor a, float beta, Tensor out) {
        own("sumCols", a); own("sumCols", out);
        int m = a.rows(), n = a.cols();
        if (out.size() != m) {
            throw new IllegalArgumentException("sumCols: out " + Arrays.toString(out.shape()) + " has " + out.size()
                    + " elements, expected " + m + " (rows of " + Arrays.toString(a.shape()) + ")");
        }
        float[] A = data(a), O = data(out);
        int ao = off(a), oo = off(out);
        for (int i = 0; i < m; i++) {
            double s = VectorKernels.sum(A, ao + i * n, n);
            O[oo + i] = beta == 0f ? (float) s : (float) (s + (double) beta * O[oo + i]);
        }
    }

    @Override
    public double sum(Tensor a) {
        own("sum", a);
        return VectorKernels.sum(data(a), off(a), a.sizeInt());
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        own("dot", a); own("dot", b); Shapes.sameSize("dot", a, b);
        return VectorKernels.dot(data(a), off(a), data(b), off(b), a.sizeInt());
    }

    @Override
    public boolean allFinite(Tensor a) {
        own("allFinite", a);
        return VectorKernels.allFinite(data(a), off(a), a.sizeInt());
    }

    // ---- random -------------------------------------------------------------------------------

    @Override
    public void randUniform(Tensor t, long seed, float lo, float hi) {
        own("randUniform", t);
        float[] D = data(t);
        int o = off(t);
        float range = hi - lo;
        elementwise(t.sizeInt(), (f, to) -> {
            for (int i = f; i < to; i++) D[o + i] = lo + range * CounterRng.uniform(seed, i);
        });
    }

    @Override
    public void randNormal(Tensor t, long seed, float mean, float std) {
        own("randNormal", t);
        float[] D = data(t);
        int o = off(t);
        parallel(t.sizeInt(), t.size() >= parallelElements / 8 ? threads : 1, 64, (f, to) -> {
            for (int i = f; i < to; i++) D[o + i] = mean + std * CounterRng.normal(seed, i);
        });
    }

    @Override
    public void randBernoulli(Tensor t, long seed, float p) {
        own("randBernoulli", t);
        float[] D = data(t);
        int o = off(t);
        elementwise(t.sizeInt(), (f, to) -> VectorKernels.bernoulli(D, o, seed, p, f, to));
    }

    // ---- optimizers ---------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig cfg, int step) {
        own("adam", param); own("adam", grad); own("adam", m); own("adam", v);
        Shapes.sameSize("adam grad", param, grad); Shapes.sameSize("adam m", param, m); Shapes.sameSize("adam v", param, v);
        if (step < 1) throw new IllegalArgumentException("adam: step counts from 1, got " + step);
        float[] P = data(param), G = data(grad), M = data(m), V = data(v);
        int po = off(param), go = off(grad), mo = off(m), vo = off(v);
        float b1 = cfg.beta1(), b2 = cfg.beta2();
        float c1 = (float) (1 - Math.pow(b1, step)), c2 = (float) (1 - Math.pow(b2, step));
        elementwise(param.sizeInt(), (f, t) -> VectorKernels.adam(P, po, G, go, M, mo, V, vo, f, t,
                b1, b2, c1, c2, cfg.lr(), cfg.eps(), cfg.weightDecay()));
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        own("sgd", param); own("sgd", grad); own("sgd", velocity);
        Shapes.sameSize("sgd grad", param, grad); Shapes.sameSize("sgd velocity", param, velocity);
        float[] P = data(param), G = data(grad), W = data(velocity);
        int po = off(param), go = off(grad), wo = off(velocity);
        elementwise(param.sizeInt(), (f, t) -> VectorKernels.sgd(P, po, G, go, W, wo, f, t, lr, momentum));
    }
}
