package org.spikekit.compute.cuda;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BackendProvider;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Capability;
import org.spikekit.compute.Shapes;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The {@code cuda} backend: tensors in GPU memory, gemm through cuBLAS, every other primitive a
 * kernel from {@code src/main/cuda} compiled at run time by NVRTC for the device's compute
 * capability (PTX cached in {@code ~/.cache/spikekit/ptx}). Results follow {@code CpuBackend}:
 * elementwise ops and optimizer steps use the same float operations in the same order (compiled
 * without fused multiply-add), transcendental functions are computed in double and rounded,
 * reductions accumulate in double, random numbers are {@code CounterRng} bit for bit; gemm
 * differs from the cpu only by float rounding in cuBLAS.
 *
 * <p>All work of one backend is queued on one CUDA stream in call order; {@link #toHost} and the
 * scalar reductions wait for it. The backend uses the device's primary context, which it makes
 * current on whichever thread calls it. Device selection: {@code -Dspikekit.cuda.device=N}
 * (default 0).
 */
public final class CudaBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);

    /** ServiceLoader entry: {@code cuda}. */
    public static final class Provider implements BackendProvider {
        @Override public String name() { return "cuda"; }

        /** Null only when the libraries load, {@code cuInit} succeeds and there is at least one device. */
        @Override public String unavailableReason() { return CudaRuntime.get().unavailableReason(); }

        @Override public Backend create() {
            CudaRuntime.Outcome o = CudaRuntime.get();
            if (o.runtime() == null) throw new IllegalStateException("backend 'cuda' cannot start: " + o.unavailableReason());
            return new CudaBackend(o.runtime(), Integer.getInteger("spikekit.cuda.device", 0), PtxCache.userDefault());
        }
    }

    static final int THREADS = 256;
    static final int MAX_PARTIALS = 1024;

    // Kernel names (extern "C" in src/main/cuda); CudaSourcesTest checks each exists.
    static final String K_MAP = "map_f32", K_ZIP = "zip_f32", K_ZIP_ROW = "zip_row_f32", K_AXPBY = "axpby_f32",
            K_AFFINE = "affine_f32", K_SUM_PARTIAL = "sum_partial_f64", K_SUM_FINAL = "sum_final_f64",
            K_SUM_ROWS = "sum_rows_f32", K_SUM_COLS = "sum_cols_f32", K_ALL_FINITE = "all_finite_f32",
            K_UNIFORM = "rand_uniform_f32", K_NORMAL = "rand_normal_f32", K_BERNOULLI = "rand_bernoulli_f32",
            K_ADAM = "adam_f32", K_SGD = "sgd_f32";
    static final List<String> KERNELS = List.of(K_MAP, K_ZIP, K_ZIP_ROW, K_AXPBY, K_AFFINE, K_SUM_PARTIAL, K_SUM_FINAL,
            K_SUM_ROWS, K_SUM_COLS, K_ALL_FINITE, K_UNIFORM, K_NORMAL, K_BERNOULLI, K_ADAM, K_SGD);

    /** NVRTC options: IEEE float semantics identical to Java (no FMA contraction, no flush-to-zero). */
    static final List<String> NVRTC_OPTIONS = List.of("--fmad=false", "--ftz=false", "--prec-div=true", "--prec-sqrt=true");

    private final CudaRuntime rt;
    private final CudaDriver drv;
    private final int ordinal, device, ccMajor, ccMinor, multiprocessors;
    private final String deviceName;
    private final MemorySegment context, stream, cublasHandle;
    private final List<MemorySegment> modules = new ArrayList<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private final String arch;
    private final Cleaner cleaner = Cleaner.create();
    private final Map<Long, Long> live = new ConcurrentHashMap<>();
    private final long scratch; // MAX_PARTIALS doubles, 1 double result, 1 int flag
    private final Object scratchLock = new Object();
    private final AtomicLong kernelLaunches = new AtomicLong(), gemmCalls = new AtomicLong();
    private volatile boolean closed;

    CudaBackend(CudaRuntime rt, int ordinal, PtxCache cache) {
        this.rt = rt;
        this.drv = rt.driver;
        this.ordinal = ordinal;
        int count = drv.deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("spikekit.cuda.device=" + ordinal + " but this machine has " + count + " CUDA device(s)");
        }
        device = drv.device(ordinal);
        ccMajor = drv.attribute(CudaDriver.ATTR_CC_MAJOR, device);
        ccMinor = drv.attribute(CudaDriver.ATTR_CC_MINOR, device);
        multiprocessors = drv.attribute(CudaDriver.ATTR_MULTIPROCESSOR_COUNT, device);
        int dv = drv.driverVersion();
        deviceName = drv.deviceName(device) + " (compute capability " + ccMajor + "." + ccMinor + ", " + multiprocessors
                + " SMs, " + String.format("%.1f GiB", drv.totalMem(device) / (double) (1L << 30)) + ", driver CUDA "
                + dv / 1000 + "." + (dv % 1000) / 10 + ", NVRTC " + rt.nvrtc.version() + ")";
        context = drv.primaryCtxRetain(device);
        drv.ctxSetCurrent(context);
        stream = drv.streamCreate();
        cublasHandle = rt.cublas.create();
        rt.cublas.setStream(cublasHandle, stream);
        rt.cublas.setDefaultMath(cublasHandle);
        arch = "compute_" + pickArch(ccMajor * 10 + ccMinor, rt.nvrtc.supportedArchs());
        List<String> options = new ArrayList<>();
        options.add("--gpu-architecture=" + arch);
        options.addAll(NVRTC_OPTIONS);
        String nvrtcVersion = rt.nvrtc.version();
        for (String file : CudaSources.FILES) {
            String src = CudaSources.read(file);
            String ptx = cache.getOrCompile(src, arch, options, nvrtcVersion, () -> rt.nvrtc.compile(src, file, options));
            MemorySegment module = drv.moduleLoadData(ptx, file + " for " + arch);
            modules.add(module);
            for (String k : CudaSources.kernelNames(src)) functions.put(k, drv.moduleGetFunction(module, k));
        }
        for (String k : KERNELS) {
            if (!functions.containsKey(k)) throw new IllegalStateException("kernel " + k + " missing from " + CudaSources.FILES);
        }
        scratch = drv.memAlloc(8L * MAX_PARTIALS + 16);
        LOG.info("cuda backend on {} ({})", deviceName, arch);
    }

    /** Highest architecture NVRTC supports that does not exceed the device's (the device's own if unknown). */
    static int pickArch(int deviceCc, int[] supported) {
        int best = -1;
        for (int s : supported) if (s <= deviceCc && s > best) best = s;
        return best > 0 ? best : deviceCc;
    }

    // ---- identity -----------------------------------------------------------------------------

    @Override public String name() { return "cuda"; }

    @Override public String deviceName() { return deviceName; }

    @Override public boolean has(Capability c) { return c == Capability.CUDA; }

    /** Number of CUDA kernels this backend launched (cuBLAS calls not included). */
    long kernelLaunches() { return kernelLaunches.get(); }

    /** Number of cuBLAS SGEMM calls. */
    long gemmCalls() { return gemmCalls.get(); }

    /** The NVRTC target, e.g. {@code compute_90}. */
    String arch() { return arch; }

    int multiprocessors() { return multiprocessors; }

    // ---- plumbing -----------------------------------------------------------------------------

    /** Makes this backend's context current on the calling thread. */
    private void enter() {
        if (closed) throw new IllegalStateException("cuda backend is closed");
        drv.ctxSetCurrent(context);
    }

    private DeviceStorage storage(Tensor t) {
        if (t.backend() != this || !(t.storage() instanceof DeviceStorage s) || s.owner() != this) {
            throw new IllegalArgumentException("tensor " + t + " belongs to backend '" + t.backend().name()
                    + "', not this cuda backend");
        }
        return s;
    }

    /** Device address of the tensor's first element. */
    private long addr(Tensor t) { return storage(t).address(t.offset()); }

    private int blocksFor(long n) {
        long b = (n + THREADS - 1) / THREADS;
        return (int) Math.max(1, Math.min(b, 32L * multiprocessors));
    }

    private void launch(String kernel, int grid, int blockX, int blockY, KernelArgs args) {
        launch(kernel, grid, 1, blockX, blockY, args);
    }

    private void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArgs args) {
        MemorySegment f = functions.get(kernel);
        if (f == null) throw new IllegalStateException("no kernel " + kernel);
        try (Arena a = Arena.ofConfined()) {
            // cuLaunchKernel copies the parameter values before it returns, so the arena may close.
            drv.launchKernel(kernel, f, gridX, gridY, 1, blockX, blockY, 1, 0, stream, args.pack(a));
        }
        kernelLaunches.incrementAndGet();
    }

    /** 1-D grid-stride launch over n elements. */
    private void launch1d(String kernel, long n, KernelArgs args) {
        if (n == 0) return;
        enter();
        launch(kernel, blocksFor(n), THREADS, 1, args);
    }

    private long alloc(long elements) {
        long bytes = Math.max(4L, 4L * elements);
        enter();
        long p;
        try {
            p = drv.memAlloc(bytes);
        } catch (CudaException e) {
            if (!e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY")) throw e;
            // Unreachable tensors free their memory through the Cleaner; give it a chance.
            System.gc();
            try { Thread.sleep(100); } catch (InterruptedException ie) { Thread.currentThread().interrupt(); }
            enter();
            p = drv.memAlloc(bytes);
        }
        live.put(p, bytes);
        return p;
    }

    /** Frees one allocation once the queued work that may use it is done. Called by DeviceStorage. */
    void free(long ptr) {
        if (live.remove(ptr) == null || closed) return;
        try {
            drv.ctxSetCurrent(context);
            drv.streamSynchronize(stream);
            drv.memFree(ptr);
        } catch (RuntimeException e) {
            LOG.warn("freeing device memory 0x{} failed: {}", Long.toHexString(ptr), e.getMessage());
        }
    }

    /** Bytes of device memory currently held by tensors of this backend. */
    long liveBytes() { return live.values().stream().mapToLong(Long::longValue).sum(); }

    private Tensor newTensor(int[] shape) {
        long n = sizeOf(shape);
        long p = alloc(n);
        return Tensor.of(this, new DeviceStorage(this, p, n, cleaner), 0, shape);
    }

    private static long sizeOf(int[] shape) {
        long s = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            s = Math.multiplyExact(s, d);
        }
        return s;
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Tensor zeros(int... shape) {
        Tensor t = newTensor(shape);
        if (t.size() > 0) drv.memsetD32Async(addr(t), 0, t.size(), stream);
        return t;
    }

    @Override
    public Tensor fromHost(float[] data, int... shape) {
        long n = sizeOf(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("fromHost: " + data.length + " values do not fill shape " + Arrays.toString(shape));
        }
        Tensor t = newTensor(shape);
        if (n > 0) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment host = a.allocateFrom(JAVA_FLOAT, data);
                drv.memcpyHtoDAsync(addr(t), host, 4L * n, stream);
                drv.streamSynchronize(stream); // the staging buffer is freed when the arena closes
            }
        }
        return t;
    }

    @Override
    public void toHost(Tensor src, float[] dst, int dstOffset) {
        int n = src.sizeInt();
        if (dstOffset < 0 || dstOffset + n > dst.length) {
            throw new IndexOutOfBoundsException("toHost: " + n + " values at offset " + dstOffset + " do not fit an array of " + dst.length);
        }
        long p = addr(src);
        if (n == 0) return;
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(JAVA_FLOAT, n);
            drv.memcpyDtoHAsync(host, p, 4L * n, stream);
            drv.streamSynchronize(stream);
            MemorySegment.copy(host, JAVA_FLOAT, 0, dst, dstOffset, n);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Shapes.sameSize("copy", src, dst);
        long s = addr(src), d = addr(dst), bytes = 4L * src.size();
        if (bytes == 0 || s == d) return;
        enter();
        if (s < d + bytes && d < s + bytes) {
            // Overlapping ranges (System.arraycopy semantics): go through a temporary buffer.
            long tmp = alloc(src.size());
            try {
                drv.memcpyDtoDAsync(tmp, s, bytes, stream);
                drv.memcpyDtoDAsync(d, tmp, bytes, stream);
            } finally {
                free(tmp);
            }
            return;
        }
        drv.memcpyDtoDAsync(d, s, bytes, stream);
    }

    @Override
    public void fill(Tensor t, float value) {
        long p = addr(t);
        if (t.size() == 0) return;
        enter();
        drv.memsetD32Async(p, Float.floatToRawIntBits(value), t.size(), stream);
    }

    @Override
    public void synchronize() {
        enter();
        drv.streamSynchronize(stream);
    }

    // ---- gemm ---------------------------------------------------------------------------------

    /**
     * Row-major {@code C[m,n] = alpha op(A) op(B) + beta C} through column-major cuBLAS: a row-major
     * matrix read column-major is its transpose, so cuBLAS computes {@code C^T = op(B)^T op(A)^T}
     * with B as its first operand ({@code op = transB ? T : N}, ld = B's columns), A as its second
     * ({@code op = transA ? T : N}, ld = A's columns), dimensions (n, m, k) and ldc = n.
     */
    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        long pa = addr(a), pb = addr(b), pc = addr(c);
        Shapes.GemmDims d = Shapes.gemm(transA, transB, a, b, c);
        int m = d.m(), n = d.n(), k = d.k();
        if (m == 0 || n == 0) return;
        if (k == 0) { // C = beta C (cpu: a sum over nothing is 0)
            if (beta == 0f) fill(c, 0f); else affine(c, beta, 0f, c);
            return;
        }
        enter();
        gemmCalls.incrementAndGet();
        rt.cublas.sgemm(cublasHandle, transB ? Cublas.OP_T : Cublas.OP_N, transA ? Cublas.OP_T : Cublas.OP_N,
                n, m, k, alpha, pb, Math.max(1, b.cols()), pa, Math.max(1, a.cols()), beta, pc, Math.max(1, n));
    }

    // ---- elementwise --------------------------------------------------------------------------

    @Override
    public void map(UnaryOp op, Tensor x, Tensor out) {
        Shapes.sameSize("map " + op, x, out);
        launch1d(K_MAP, x.size(), new KernelArgs().ptr(addr(x)).ptr(addr(out)).i64(x.size()).i32(op.ordinal()));
    }

    @Override
    public void zip(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Shapes.sameSize("zip " + op, a, b); Shapes.sameSize("zip " + op, a, out);
        launch1d(K_ZIP, a.size(), new KernelArgs().ptr(addr(a)).ptr(addr(b)).ptr(addr(out)).i64(a.size()).i32(op.ordinal()));
    }

    @Override
    public void zipRow(BinaryOp op, Tensor a, Tensor row, Tensor out) {
        Shapes.sameSize("zipRow " + op, a, out);
        int n = a.cols();
        if (row.size() != n) {
            throw new IllegalArgumentException("zipRow " + op + ": row has " + row.size() + " elements, a has "
                    + n + " columns " + Arrays.toString(a.shape()));
        }
        if (n == 0) return;
        launch1d(K_ZIP_ROW, a.size(), new KernelArgs().ptr(addr(a)).ptr(addr(row)).ptr(addr(out)).i64(a.size()).i32(n)
                .i32(op.ordinal()));
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        Shapes.sameSize("axpby", x, y);
        launch1d(K_AXPBY, x.size(), new KernelArgs().f32(alpha).ptr(addr(x)).f32(beta).ptr(addr(y)).i64(x.size()));
    }

    @Override
    public void affine(Tensor x, float scale, float shift, Tensor out) {
        Shapes.sameSize("affine", x, out);
        launch1d(K_AFFINE, x.size(), new KernelArgs().ptr(addr(x)).f32(scale).f32(shift).ptr(addr(out)).i64(x.size()));
    }

    // ---- reductions ---------------------------------------------------------------------------

    @Override
    public void sumRows(Tensor a, float beta, Tensor out) {
        int m = a.rows(), n = a.cols();
        if (out.size() != n) throw new IllegalArgumentException("sumRows: out has " + out.size() + " elements, expected " + n);
        long pa = addr(a), po = addr(out);
        if (n == 0) return;
        enter();
        launch(K_SUM_ROWS, (n + 31) / 32, 32, 16, new KernelArgs().ptr(pa).i64(m).i32(n).f32(beta).ptr(po));
    }

    @Override
    public void sumCols(Tensor a, float beta, Tensor out) {
        int m = a.rows(), n = a.cols();
        if (out.size() != m) throw new IllegalArgumentException("sumCols: out has " + out.size() + " elements, expected " + m);
        long pa = addr(a), po = addr(out);
        if (m == 0) return;
        enter();
        int rowsPerBlock = THREADS / 32;
        launch(K_SUM_COLS, (m + rowsPerBlock - 1) / rowsPerBlock, THREADS, 1,
                new KernelArgs().ptr(pa).i64(m).i32(n).f32(beta).ptr(po));
    }

    @Override
    public double sum(Tensor a) {
        return reduce(addr(a), 0L, a.size());
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        Shapes.sameSize("dot", a, b);
        return reduce(addr(a), addr(b), a.size());
    }

    /** Two-pass deterministic double sum of a[i] (b == 0) or a[i]*b[i]. */
    private double reduce(long a, long b, long n) {
        if (n == 0) return 0.0;
        synchronized (scratchLock) {
            enter();
            int blocks = (int) Math.min((n + THREADS - 1) / THREADS, MAX_PARTIALS);
            long partials = scratch, result = scratch + 8L * MAX_PARTIALS;
            launch(K_SUM_PARTIAL, blocks, THREADS, 1, new KernelArgs().ptr(a).ptr(b).i64(n).ptr(partials));
            launch(K_SUM_FINAL, 1, THREADS, 1, new KernelArgs().ptr(partials).i32(blocks).ptr(result));
            try (Arena ar = Arena.ofConfined()) {
                MemorySegment host = ar.allocate(JAVA_DOUBLE);
                drv.memcpyDtoHAsync(host, result, 8, stream);
                drv.streamSynchronize(stream);
                return host.get(JAVA_DOUBLE, 0);
            }
        }
    }

    @Override
    public boolean allFinite(Tensor a) {
        long p = addr(a);
        long n = a.size();
        if (n == 0) return true;
        synchronized (scratchLock) {
            enter();
            long flag = scratch + 8L * MAX_PARTIALS + 8;
            drv.memsetD32Async(flag, 1, 1, stream);
            launch(K_ALL_FINITE, blocksFor(n), THREADS, 1, new KernelArgs().ptr(p).i64(n).ptr(flag));
            try (Arena ar = Arena.ofConfined()) {
                MemorySegment host = ar.allocate(JAVA_INT);
                drv.memcpyDtoHAsync(host, flag, 4, stream);
                drv.streamSynchronize(stream);
                return host.get(JAVA_INT, 0) != 0;
            }
        }
    }

    // ---- random -------------------------------------------------------------------------------

    @Override
    public void randUniform(Tensor t, long seed, float lo, float hi) {
        launch1d(K_UNIFORM, t.size(), new KernelArgs().ptr(addr(t)).i64(t.size()).i64(seed).f32(lo).f32(hi));
    }

    @Override
    public void randNormal(Tensor t, long seed, float mean, float std) {
        launch1d(K_NORMAL, t.size(), new KernelArgs().ptr(addr(t)).i64(t.size()).i64(seed).f32(mean).f32(std));
    }

    @Override
    public void randBernoulli(Tensor t, long seed, float p) {
        launch1d(K_BERNOULLI, t.size(), new KernelArgs().ptr(addr(t)).i64(t.size()).i64(seed).f32(p));
    }

    // ---- optimizers ---------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig cfg, int step) {
        Shapes.sameSize("adam grad", param, grad); Shapes.sameSize("adam m", param, m); Shapes.sameSize("adam v", param, v);
        if (step < 1) throw new IllegalArgumentException("adam step counts from 1, got " + step);
        float b1 = cfg.beta1(), b2 = cfg.beta2();
        // Same expressions as CpuBackend, evaluated on the host.
        float c1 = (float) (1 - Math.pow(b1, step)), c2 = (float) (1 - Math.pow(b2, step));
        launch1d(K_ADAM, param.size(), new KernelArgs().ptr(addr(param)).ptr(addr(grad)).ptr(addr(m)).ptr(addr(v))
                .i64(param.size()).f32(cfg.lr()).f32(b1).f32(b2).f32(cfg.eps()).f32(cfg.weightDecay()).f32(c1).f32(c2));
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        Shapes.sameSize("sgd grad", param, grad); Shapes.sameSize("sgd velocity", param, velocity);
        launch1d(K_SGD, param.size(), new KernelArgs().ptr(addr(param)).ptr(addr(grad)).ptr(addr(velocity))
                .i64(param.size()).f32(lr).f32(momentum));
    }

    // ---- lifetime -----------------------------------------------------------------------------

    /**
     * Waits for queued work, frees every tensor of this backend still alive, and releases the
     * stream, cuBLAS handle, modules and primary context. Tensors of a closed backend must not be
     * used.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        drv.ctxSetCurrent(context);
        drv.streamSynchronize(stream);
        closed = true;
        List<RuntimeException> errors = new ArrayList<>();
        Runnable[] steps = {
                () -> { for (Long p : List.copyOf(live.keySet())) if (live.remove(p) != null) drv.memFree(p); },
                () -> drv.memFree(scratch),
                () -> rt.cublas.destroy(cublasHandle),
                () -> { for (MemorySegment mod : modules) drv.moduleUnload(mod); },
                () -> drv.streamDestroy(stream),
                () -> drv.primaryCtxRelease(device),
        };
        for (Runnable r : steps) {
            try { r.run(); } catch (RuntimeException e) { errors.add(e); }
        }
        if (!errors.isEmpty()) {
            CudaException e = new CudaException("closing cuda backend: " + errors.get(0).getMessage());
            for (RuntimeException x : errors) e.addSuppressed(x);
            throw e;
        }
    }

    @Override
    public String toString() { return "CudaBackend[" + ordinal + ": " + deviceName + "]"; }
}
