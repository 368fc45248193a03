package org.spikekit.compute.cuda;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

import java.util.Locale;

/**
 * Quick check of the cuda backend on a real GPU: device information, a small gemm against the cpu
 * backend, SGEMM 4096x4096x4096 throughput and device-to-device copy bandwidth.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp lib/target/classes:lib/target/lib/* \
 *     org.spikekit.compute.cuda.CudaSmoke [n] [copyMiB]
 * }</pre>
 * Exits with status 2 (printing why) when the cuda backend cannot start here.
 */
public final class CudaSmoke {
    private CudaSmoke() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int copyMiB = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        String why = new CudaBackend.Provider().unavailableReason();
        if (why != null) {
            System.out.println("cuda backend unavailable: " + why);
            System.exit(2);
        }
        try (CudaBackend gpu = (CudaBackend) Backends.get("cuda")) {
            System.out.println("device: " + gpu.deviceName());
            System.out.println("NVRTC target: " + gpu.arch());
            checkSmallGemm(gpu);
            sgemm(gpu, n);
            copyBandwidth(gpu, copyMiB);
            System.out.println("kernel launches: " + gpu.kernelLaunches() + ", cuBLAS sgemm calls: " + gpu.gemmCalls());
        }
    }

    private static void checkSmallGemm(CudaBackend gpu) {
        Backend cpu = new CpuBackend();
        int m = 67, k = 131, n = 45;
        Tensor a = gpu.zeros(m, k), b = gpu.zeros(n, k), c = gpu.zeros(m, n);
        gpu.randNormal(a, 1, 0, 1);
        gpu.randNormal(b, 2, 0, 1);
        gpu.gemm(false, true, 1f, a, b, 0f, c);
        Tensor ca = cpu.fromHost(gpu.toHost(a), m, k), cb = cpu.fromHost(gpu.toHost(b), n, k), cc = cpu.zeros(m, n);
        cpu.gemm(false, true, 1f, ca, cb, 0f, cc);
        float[] want = cpu.toHost(cc), got = gpu.toHost(c);
        double maxErr = 0;
        for (int i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(want[i] - got[i]));
        System.out.printf(Locale.ROOT, "gemm %dx%dx%d (A B^T) vs cpu: max |diff| = %.3g%n", m, k, n, maxErr);
    }

    private static void sgemm(CudaBackend gpu, int n) {
        Tensor a = gpu.zeros(n, n), b = gpu.zeros(n, n), c = gpu.zeros(n, n);
        gpu.randUniform(a, 11, -1, 1);
        gpu.randUniform(b, 12, -1, 1);
        for (int i = 0; i < 3; i++) gpu.gemm(false, false, 1f, a, b, 0f, c);
        gpu.synchronize();
        int iters = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) gpu.gemm(false, false, 1f, a, b, 0f, c);
        gpu.synchronize();
        double s = (System.nanoTime() - t0) * 1e-9;
        double gflops = 2.0 * n * n * (double) n * iters / s / 1e9;
        System.out.printf(Locale.ROOT, "SGEMM %dx%dx%d: %.3f ms per call, %.0f GFLOP/s%n", n, n, n, s / iters * 1e3, gflops);
        for (Tensor t : new Tensor[] {a, b, c}) t.storage().close();
    }

    private static void copyBandwidth(CudaBackend gpu, int mib) {
        int floats = mib * (1 << 20) / 4;
        Tensor src = gpu.zeros(floats), dst = gpu.zeros(floats);
        gpu.copy(src, dst);
        gpu.synchronize();
        int iters = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) gpu.copy(src, dst);
        gpu.synchronize();
        double s = (System.nanoTime() - t0) * 1e-9;
        double bytes = 4.0 * floats * iters;
        System.out.printf(Locale.ROOT, "device-to-device copy of %d MiB: %.1f GB/s copied (%.1f GB/s read+write)%n",
                mib, bytes / s / 1e9, 2 * bytes / s / 1e9);
        src.storage().close();
        dst.storage().close();
    }
}
