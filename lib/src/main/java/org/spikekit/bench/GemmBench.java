package org.spikekit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.compute.Tensor;

/**
 * SGEMM throughput and host-copy bandwidth of a backend.
 *
 * <p>Shapes are {@code M x K x N}: {@code C[M,N] = A[M,K] B[K,N]}, no transposes, beta 0. They are
 * the shapes the models use: 256x96x64 (a batch of 256 through a 96-to-64 layer, one time step),
 * 256x1024x1024 (large recurrent layer) and 4096x96x1024 (a whole [T*B, 96] sequence into 1024
 * units). Each case is warmed up, then timed {@code repeats} times; one timed repeat runs enough
 * calls to last at least {@value #MIN_REPEAT_NANOS} ns. The row value is the median GFLOP/s
 * (2MNK flops per call), spread is (max - min) / 2. Host bandwidth rows time {@code toHost} and
 * {@code fromHost} of a 64 MiB tensor (GB/s, 10^9 bytes).
 *
 * <p>{@code main} runs every backend that can start here and prints CSV (header
 * {@link BenchCsv#HEADER}); {@code main repeats [out.csv]} also writes the file.
 */
public final class GemmBench {
    private GemmBench() {}

    static final long MIN_REPEAT_NANOS = 50_000_000L;
    /** M, K, N per case. */
    static final int[][] SHAPES = {{256, 96, 64}, {256, 1024, 1024}, {4096, 96, 1024}};

    public static List<BenchRow> run(Backend be, int repeats) {
        if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        List<BenchRow> rows = new ArrayList<>();
        for (int[] s : SHAPES) rows.add(gemm(be, s[0], s[1], s[2], repeats));
        rows.addAll(hostCopy(be, repeats));
        return rows;
    }

    static BenchRow gemm(Backend be, int m, int k, int n, int repeats) {
        Tensor a = be.zeros(m, k), b = be.zeros(k, n), c = be.zeros(m, n);
        be.randUniform(a, 1, -1f, 1f);
        be.randUniform(b, 2, -1f, 1f);
        Runnable call = () -> be.gemm(false, false, 1f, a, b, 0f, c);
        double[] secondsPerCall = time(be, call, repeats);
        double flops = 2.0 * m * n * k;
        double[] gflops = Arrays.stream(secondsPerCall).map(t -> flops / t / 1e9).toArray();
        return row("gemm", be, m + "x" + k + "x" + n, "GFLOP/s", gflops, repeats, be.deviceName());
    }

    static List<BenchRow> hostCopy(Backend be, int repeats) {
        int n = 16 << 20;  // 64 MiB of floats
        float[] host = new float[n];
        Arrays.fill(host, 1f);
        Tensor t = be.fromHost(host, n);
        double bytes = 4.0 * n;
        double[] down = time(be, () -> be.toHost(t, host, 0), repeats);
        double[] up = time(be, () -> be.fromHost(host, n), repeats);
        return List.of(
                row("copy", be, "toHost 64MiB", "GB/s", Arrays.stream(down).map(s -> bytes / s / 1e9).toArray(), repeats, ""),
                row("copy", be, "fromHost 64MiB", "GB/s", Arrays.stream(up).map(s -> bytes / s / 1e9).toArray(), repeats,
                        "includes allocation"));
    }

    /** Seconds per call for each timed repeat, after a warm-up of about one second. */
    static double[] time(Backend be, Runnable call, int repeats) {
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        int calls = 0;
        long t0 = System.nanoTime();
        do {
            call.run();
            be.synchronize();
            calls++;
        } while (System.nanoTime() < warmEnd || calls < 3);
        double perCall = (System.nanoTime() - t0) / (double) calls;
        int batch = (int) Math.max(1, Math.ceil(MIN_REPEAT_NANOS / perCall));
        double[] out = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long s = System.nanoTime();
            for (int i = 0; i < batch; i++) call.run();
            be.synchronize();
            out[r] = (System.nanoTime() - s) / 1e9 / batch;
        }
        return out;
    }

    static BenchRow row(String suite, Backend be, String name, String unit, double[] values, int repeats, String note) {
        double[] v = values.clone();
        Arrays.sort(v);
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new BenchRow(suite, be.name(), name, unit, median, (v[v.length - 1] - v[0]) / 2, repeats, note);
    }

    /** {@code GemmBench [repeats [out.csv]]}: every available backend, CSV on stdout. */
    public static void main(String[] args) throws IOException {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        List<BenchRow> all = new ArrayList<>();
        for (String name : Backends.names()) {
            String why = Backends.unavailableReason(name);
            if (why != null) {
                System.err.println("skipping backend " + name + ": " + why);
                continue;
            }
            try (Backend be = Backends.get(name)) {
                all.addAll(run(be, repeats));
            }
        }
        String csv = BenchCsv.format(all);
        System.out.print(csv);
        if (args.length > 1) {
            Path out = Path.of(args[1]);
            if (out.getParent() != null) Files.createDirectories(out.getParent());
            Files.writeString(out, csv);
        }
    }
}
