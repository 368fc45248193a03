package org.spikekit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.compute.Tensor;
import org.spikekit.io.AtomicFiles;
import org.spikekit.neuron.AlifCoeffs;
import org.spikekit.neuron.AlifKernel;
import org.spikekit.neuron.AlifParams;

/**
 * Speed of Blocks vs standard ALIF (Taylor et al. 2023, notebooks/papers/blocks.md §5.1 and §7.1, Fig. 3), side by side in one JVM: forward time and forward+backward time of one recurrent ALIF
 * layer on a batch, for the two models with the same refractory period, and their ratios
 * ({@code speedup = standard time / Blocks time}, as the paper's notebook computes it).
 *
 * <p>Setup as the authors' {@code scripts/run_benchmarks.py} / {@code src/benchmark.py}: synthetic
 * input of n_in = 1000 channels, per sample a rate r ~ U(0, 200) and per channel and step a spike
 * with probability r/T; input weights U(±1/√n_in), recurrent weights the identity (the code's init),
 * β = p = 0.9 for every neuron, b = 1 (the clamp of the code's 1.8), multi-Gaussian surrogate,
 * loss {@code sum(output)} (so dL/dS = 1). The input projection W·x is identical for both models;
 * it is computed once per case outside the timed region and timed separately (the {@code proj_*}
 * columns: forward gemm, and forward plus the two backward gemms), so the kernels' ratio and the
 * ratio of whole layers ({@code fwdbwd_speedup_with_projection}) are both reported.
 *
 * <p>Grid (notebooks/papers/blocks.md §5.1): sweep {@code arp}: 128 neurons, ARP ∈ {10, 20, …, 100}, T ∈ {512, 1024, 2048},
 * batch ∈ {32, 64, 128}; sweep {@code neurons}: ARP 40, T 1024, batch 64, N ∈ {128, 256, 512}
 * (one layer: a stack of layers costs the sum of its layers here, so the paper's layer axis is not
 * repeated). Quick mode ({@code -Dspikekit.bench.mode=quick} or {@code MODE=quick}, the default):
 * N 128, T 512, batch 32, ARP ∈ {10, 40, 100}, plus N ∈ {128, 256} at ARP 40, T 1024, batch 64.
 * Timing: once per grid a JIT warm-up on a small case ({@link #warmUp}); per case {@value #WARMUP}
 * warm-up runs, then {@code repeats} alternating standard/Blocks runs; the median is reported. CPU timings on a shared machine include contention from other processes.
 * Each timed call is preceded by an untimed {@code System.gc()}: without it G1 grows the heap
 * toward {@code -Xmx} by committing fresh regions for the 16–134 MB tensors instead of collecting,
 * and the first touch of those pages (kernel page faults: 10–25 s of system time in one grid) lands
 * in whichever case runs while the heap grows. That is the likely cause of the "128 → 256 neuron
 * cliff" of an earlier table (256 neurons at 16× the 128-neuron time): measured again, N = 256
 * after N = 128 in one JVM took 380 ms instead of 25 ms per forward, in both kernels, old and new,
 * with 22 s of system time in the run; with the collections, 25 ms.
 *
 * <p>Why the CPU ratios stay near 1: on a GPU the standard model costs T sequential kernel
 * launches per layer and Blocks ⌈T/L⌉, which is where the paper's 5–50× comes from. The fused
 * CPU kernels have no launches: each step is one SIMD pass over a row's neurons in both models, the
 * recurrent input is event driven in both (rate·N additions per neuron-step, where a per-block
 * product {@code S_block·R} would cost N multiply-adds: 60–250× more at the 0.4–1.7 % firing rates
 * here), and both backward passes evaluate the surrogate derivative at every neuron-step. Profile
 * of forward and forward+backward (JFR samples, N = 256, T = 512, B = 32, ARP 40, 2 cores), both
 * kernels alike: with scalar surrogate derivatives and the dR gemm, 55 % surrogate derivatives
 * (three {@code Math.exp} per neuron-step), 21 % the dR gemm, 15 % the kernels' own loops; with
 * {@link org.spikekit.neuron.AlifKernel}'s fused kernels as they are now (SIMD surrogate, dR event
 * by event, input read in place), 38 % surrogate derivatives, 44 % the kernels' own loops (Blocks'
 * within ±15 % of the standard's), 8 % recurrent input, 5 % dR. Blocks could only win on a CPU by
 * doing less work per neuron-step than the standard kernel, which its formulation does not offer:
 * both keep O(1) state per neuron and visit every neuron-step once, forward and backward. What is
 * left to speed up is shared by both kernels (a float surrogate would cut its 38 %, at the cost of
 * results that differ from the scalar surrogate in the last bits); see the measured rows.
 */
public final class BlocksBench {
    private BlocksBench() {}

    static final int WARMUP = 2, N_IN = 1000;

    /** One configuration of the grid. */
    public record Case(String sweep, int neurons, int steps, int batch, int arp) {
        public Case {
            if (neurons < 1 || steps < 1 || batch < 1 || arp < 0) {
                throw new IllegalArgumentException("BlocksBench.Case: neurons, steps, batch must be >= 1 and arp >= 0, got "
                        + neurons + ", " + steps + ", " + batch + ", " + arp);
            }
        }
    }

    /**
     * Measured times (milliseconds, medians) of one case.
     *
     * @param firingRate spikes per neuron and step of the standard model (the same for Blocks)
     */
    public record Result(Case c, String backend, double stdFwdMs, double blocksFwdMs, double stdFwdBwdMs,
                         double blocksFwdBwdMs, double projFwdMs, double projFwdBwdMs, double firingRate,
                         int repeats, int threads) {
        public double fwdSpeedup() { return stdFwdMs / blocksFwdMs; }
        public double fwdBwdSpeedup() { return stdFwdBwdMs / blocksFwdBwdMs; }
        /** Whole-layer ratio: both models plus the shared input projection (forward and backward). */
        public double fwdBwdSpeedupWithProjection() { return (stdFwdBwdMs + projFwdBwdMs) / (blocksFwdBwdMs + projFwdBwdMs); }
    }

    /** The paper's grid (full) or the reduced quick grid. */
    public static List<Case> grid(boolean full) {
        List<Case> g = new ArrayList<>();
        int[] arps = full ? new int[] {10, 20, 30, 40, 50, 60, 70, 80, 90, 100} : new int[] {10, 40, 100};
        int[] steps = full ? new int[] {512, 1024, 2048} : new int[] {512};
        int[] batches = full ? new int[] {32, 64, 128} : new int[] {32};
        for (int t : steps) for (int b : batches) for (int a : arps) g.add(new Case("arp", 128, t, b, a));
        for (int n : full ? new int[] {128, 256, 512} : new int[] {128, 256}) g.add(new Case("neurons", n, 1024, 64, 40));
        return g;
    }

    /** Runs every case on {@code be} with the fused kernels of that backend ({@link AlifKernel#standard}, {@link AlifKernel#blocks}). */
    public static List<Result> measure(Backend be, List<Case> cases, int repeats) {
        if (repeats < 1) throw new IllegalArgumentException("BlocksBench repeats must be >= 1, got " + repeats);
        warmUp(be);
        List<Result> out = new ArrayList<>();
        for (Case c : cases) out.add(measure(be, c, repeats));
        return out;
    }

    /**
     * Runs both kernels forward and backward {@value #JIT_WARMUP} times on a small case, untimed, so
     * that the first case of a grid is not measured while C2 is still compiling the kernels (two
     * warm-up runs of a case were not enough: the first case's Blocks times came out up to 1.8×
     * too slow).
     */
    static void warmUp(Backend be) {
        int t = 256, b = 8, n = 64;
        AlifParams ap = AlifParams.paper(10);
        AlifCoeffs coeffs = AlifCoeffs.uniform(be, n, 0.9f, 0.9f, 1f);
        Tensor x = be.zeros(t, b, n), ones = be.zeros(t, b, n);
        be.randUniform(x, 5, -0.4f, 0.8f);
        be.fill(ones, 1f);
        Tensor rec = identity(be, n);
        for (AlifKernel k : List.of(AlifKernel.standard(be), AlifKernel.blocks(be))) {
            for (int i = 0; i < JIT_WARMUP; i++) {
                k.forward(ap, coeffs, x, rec, false);
                k.backward(ap, k.forward(ap, coeffs, x, rec, true).tape(), ones);
            }
        }
    }

    static final int JIT_WARMUP = 60;

    static Result measure(Backend be, Case c, int repeats) {
        int t = c.steps(), b = c.batch(), n = c.neurons();
        AlifKernel std = AlifKernel.standard(be), blk = AlifKernel.blocks(be);
        AlifParams ap = AlifParams.paper(c.arp());
        AlifCoeffs coeffs = AlifCoeffs.uniform(be, n, 0.9f, 0.9f, 1f);
        Tensor w = be.zeros(N_IN, n);
        be.randUniform(w, 7L * n + 1, (float) (-1 / Math.sqrt(N_IN)), (float) (1 / Math.sqrt(N_IN)));
        Tensor rec = identity(be, n);
        double[] proj = new double[2];
        Tensor current = projectedInput(be, w, t, b, 1234L + t + 31L * b, proj);
        Tensor ones = be.zeros(t, b, n);
        be.fill(ones, 1f);
        double[][] times = new double[4][repeats];
        double rate = 0;
        for (int r = -WARMUP; r < repeats; r++) {
            for (int m = 0; m < 2; m++) {
                AlifKernel k = m == 0 ? std : blk;
                System.gc();                                    // see the class comment: no heap growth inside a timing
                be.synchronize();
                long t0 = System.nanoTime();
                AlifKernel.AlifForward f = k.forward(ap, coeffs, current, rec, false);
                be.synchronize();
                long t1 = System.nanoTime();
                if (m == 0 && r == -1) rate = be.sum(f.spikes()) / ((double) t * b * n);
                f = null;
                System.gc();
                long t2 = System.nanoTime();
                AlifKernel.AlifForward ft = k.forward(ap, coeffs, current, rec, true);
                k.backward(ap, ft.tape(), ones);
                be.synchronize();
                long t3 = System.nanoTime();
                if (r >= 0) {
                    times[m][r] = (t1 - t0) * 1e-6;
                    times[2 + m][r] = (t3 - t2) * 1e-6;
                }
            }
        }
        return new Result(c, be.name(), median(times[0]), median(times[1]), median(times[2]), median(times[3]),
                proj[0], proj[1], rate, repeats, Runtime.getRuntime().availableProcessors());
    }

    private static Tensor identity(Backend be, int n) {
        float[] eye = new float[n * n];
        for (int i = 0; i < n; i++) eye[i * n + i] = 1f;
        return be.fromHost(eye, n, n);
    }

    /**
     * Input currents {@code W·x [T, B, N]} of the paper's synthetic input, built in time chunks (the
     * input itself, {@code [T, B, 1000]}, is never held whole). {@code proj} receives the times of
     * the projection gemms in ms: forward, and forward plus the backward {@code xᵀ·dI} and
     * {@code dI·Wᵀ} (median of 3 timed rounds on the first chunk after a warm-up round, scaled to T).
     */
    static Tensor projectedInput(Backend be, Tensor w, int t, int b, long seed, double[] proj) {
        int n = w.dim(1), chunk = Math.min(t, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] rate = new double[b];
        for (int i = 0; i < b; i++) rate[i] = rnd.nextDouble(0, 200) / t;
        Tensor current = be.zeros(t, b, n);
        float[] xs = new float[chunk * b * N_IN];
        Tensor gW = be.zeros(N_IN, n);
        for (int t0 = 0; t0 < t; t0 += chunk) {
            int len = Math.min(chunk, t - t0);
            for (int k = 0; k < len; k++) {
                for (int i = 0; i < b; i++) {
                    int o = (k * b + i) * N_IN;
                    for (int j = 0; j < N_IN; j++) xs[o + j] = rnd.nextDouble() < rate[i] ? 1f : 0f;
                }
            }
            Tensor x = be.fromHost(Arrays.copyOf(xs, len * b * N_IN), len, b, N_IN);
            Tensor dst = current.narrow0(t0, len);
            if (t0 > 0) {
                be.gemm(false, false, 1f, x, w, 0f, dst);
                continue;
            }
            // first chunk: one warm-up round, then the timed round (median of 3), scaled to T
            Tensor gx = be.zeros(len, b, N_IN);
            double[] f = new double[3], fb = new double[3];
            for (int rep = -1; rep < 3; rep++) {
                be.synchronize();
                long s0 = System.nanoTime();
                be.gemm(false, false, 1f, x, w, 0f, dst);
                be.synchronize();
                long s1 = System.nanoTime();
                be.gemm(true, false, 1f, x, dst, 0f, gW);
                be.gemm(false, true, 1f, dst, w, 0f, gx);
                be.synchronize();
                long s2 = System.nanoTime();
                if (rep >= 0) {
                    f[rep] = (s1 - s0) * 1e-6;
                    fb[rep] = (s2 - s0) * 1e-6;
                }
            }
            double scale = (double) t / len;
            proj[0] = median(f) * scale;
            proj[1] = median(fb) * scale;
        }
        return current;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }

    public static final String HEADER = "sweep,backend,neurons,steps,batch,arp,std_fwd_ms,blocks_fwd_ms,fwd_speedup,"
            + "std_fwdbwd_ms,blocks_fwdbwd_ms,fwdbwd_speedup,proj_fwd_ms,proj_fwdbwd_ms,fwdbwd_speedup_with_projection,"
            + "firing_rate,repeats,threads,note";

    /** CSV text (header + one line per result), numbers in {@link Locale#ROOT}, text quoted as {@link BenchCsv} does. */
    public static String csv(List<Result> rs, String note) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Result r : rs) {
            Case c = r.c();
            sb.append(String.join(",", BenchCsv.quote(c.sweep()), BenchCsv.quote(r.backend()),
                    Integer.toString(c.neurons()), Integer.toString(c.steps()), Integer.toString(c.batch()), Integer.toString(c.arp()),
                    f(r.stdFwdMs()), f(r.blocksFwdMs()), f(r.fwdSpeedup()), f(r.stdFwdBwdMs()), f(r.blocksFwdBwdMs()),
                    f(r.fwdBwdSpeedup()), f(r.projFwdMs()), f(r.projFwdBwdMs()), f(r.fwdBwdSpeedupWithProjection()),
                    f(r.firingRate()), Integer.toString(r.repeats()), Integer.toString(r.threads()), BenchCsv.quote(note)))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String f(double v) { return String.format(Locale.ROOT, "%.4g", v); }

    /** The results as a table (the columns of {@link #HEADER} without the note), for notebooks. */
    public static tech.tablesaw.api.Table table(List<Result> rs) {
        try {
            return tech.tablesaw.api.Table.read().usingOptions(tech.tablesaw.io.csv.CsvReadOptions
                    .builderFromString(csv(rs, "")).tableName("speed").build()).removeColumns("note");
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot tabulate Blocks speed results: " + e.getMessage(), e);
        }
    }

    /**
     * The paper's GPU forward+backward speed-up of Blocks over the standard ALIF for a case, as read
     * off its Fig. 3 (notebooks/papers/blocks.md §7.1: 128 neurons for the ARP sweep; T 1024, ARP 40,
     * batch 64 for the neuron sweep; CUDA 11.7), or null where the figure gives no value for that
     * case. "≈" marks a value read from a plot; a range spans the figure's batch sizes or layer counts.
     */
    public static String paperGpuSpeedup(Case c) {
        if (c.sweep().equals("neurons") && c.steps() == 1024 && c.arp() == 40 && c.batch() == 64) {
            return switch (c.neurons()) {
                case 128 -> "≈ 21–24×";
                case 256 -> "≈ 30–33×";
                case 512 -> "≈ 32–33×";
                default -> null;
            };
        }
        if (!c.sweep().equals("arp") || c.neurons() != 128) return null;
        return switch (c.steps() + "/" + c.arp()) {
            case "512/10" -> "≈ 5×";
            case "512/100" -> "≈ 18–36× (batch 128 … 32)";
            case "1024/10" -> "≈ 5–9×";
            case "1024/100" -> "≈ 30–39×";
            case "2048/10" -> "≈ 6–14×";
            case "2048/90" -> c.batch() == 64 ? "≈ 53× (the figure's peak)" : null;
            default -> null;
        };
    }

    /**
     * This machine's forward+backward speed-ups beside the paper's GPU ones ({@link #paperGpuSpeedup}),
     * one row per measured case; the paper column says "not read off" where Fig. 3 gives no value for
     * the case. The two columns are labelled with their hardware: the kit's backend and device, and the
     * paper's GPU.
     */
    public static tech.tablesaw.api.Table besidePaper(List<Result> rs, String device) {
        if (rs == null || rs.isEmpty()) throw new IllegalArgumentException("BlocksBench.besidePaper: no results to tabulate");
        String kitCol = "kit speed-up, " + rs.get(0).backend() + (device == null || device.isBlank() ? "" : " (" + device + ")");
        String paperCol = "paper speed-up, GPU (CUDA 11.7, Fig. 3)";
        var sweep = tech.tablesaw.api.StringColumn.create("sweep");
        var neurons = tech.tablesaw.api.IntColumn.create("neurons");
        var steps = tech.tablesaw.api.IntColumn.create("steps");
        var batch = tech.tablesaw.api.IntColumn.create("batch");
        var arp = tech.tablesaw.api.IntColumn.create("arp");
        var kit = tech.tablesaw.api.StringColumn.create(kitCol);
        var paper = tech.tablesaw.api.StringColumn.create(paperCol);
        for (Result r : rs) {
            Case c = r.c();
            sweep.append(c.sweep());
            neurons.append(c.neurons());
            steps.append(c.steps());
            batch.append(c.batch());
            arp.append(c.arp());
            kit.append(String.format(Locale.ROOT, "%.2f×", r.fwdBwdSpeedup()));
            String p = paperGpuSpeedup(c);
            paper.append(p == null ? "not read off" : p);
        }
        return tech.tablesaw.api.Table.create("blocks speed-up, forward+backward: this machine beside the paper",
                sweep, neurons, steps, batch, arp, kit, paper);
    }

    /**
     * Paper Fig. 2 style: speedup of Blocks over the standard ALIF against the refractory period
     * (the {@code arp} sweep, one line per steps × batch) for forward or forward+backward.
     */
    public static org.knowm.xchart.XYChart speedupChart(String title, List<Result> rs, boolean backward) {
        java.util.Map<String, List<Result>> groups = new java.util.LinkedHashMap<>();
        for (Result r : rs) {
            if (!r.c().sweep().equals("arp")) continue;
            groups.computeIfAbsent("T=" + r.c().steps() + " B=" + r.c().batch(), k -> new ArrayList<>()).add(r);
        }
        org.knowm.xchart.XYChart c = new org.knowm.xchart.XYChartBuilder().width(720).height(420).title(title)
                .xAxisTitle("absolute refractory period (steps)").yAxisTitle((backward ? "forward+backward" : "forward") + " speedup (x)").build();
        for (var e : groups.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(r -> r.c().arp()).toArray();
            double[] y = e.getValue().stream().mapToDouble(r -> backward ? r.fwdBwdSpeedup() : r.fwdSpeedup()).toArray();
            c.addSeries(e.getKey(), x, y);
        }
        double[] x = rs.stream().filter(r -> r.c().sweep().equals("arp")).mapToDouble(r -> r.c().arp()).distinct().sorted().toArray();
        if (x.length > 0) c.addSeries("1x (no speedup)", new double[] {x[0], x[x.length - 1]}, new double[] {1, 1});
        return org.spikekit.report.Charts.finish(c);
    }

    /** Writes {@link #csv} atomically (readers see the old file or the whole new one). */
    public static Path writeCsv(List<Result> rs, Path file, String note) {
        try {
            return AtomicFiles.writeString(file, csv(rs, note));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Blocks speed table " + file + ": " + e.getMessage(), e);
        }
    }

    /** The {@code blocks} suite of {@link BenchMain}: the speedups of the quick or full grid as rows. */
    public static List<BenchRow> run(Backend be, int repeats) {
        boolean full = RsnnBench.full();
        List<BenchRow> rows = new ArrayList<>();
        for (Result r : measure(be, grid(full), Math.min(repeats, full ? repeats : 3))) {
            Case c = r.c();
            String name = c.sweep() + " N=" + c.neurons() + " T=" + c.steps() + " B=" + c.batch() + " ARP=" + c.arp();
            String note = String.format(Locale.ROOT, "standard %.1f ms vs Blocks %.1f ms (fwd), %.1f vs %.1f ms (fwd+bwd); "
                            + "projection %.1f ms excluded; firing rate %.3f; %d threads",
                    r.stdFwdMs(), r.blocksFwdMs(), r.stdFwdBwdMs(), r.blocksFwdBwdMs(), r.projFwdBwdMs(), r.firingRate(), r.threads());
            rows.add(new BenchRow("blocks", be.name(), "fwd speedup " + name, "x", r.fwdSpeedup(), 0, r.repeats(), note));
            rows.add(new BenchRow("blocks", be.name(), "fwd+bwd speedup " + name, "x", r.fwdBwdSpeedup(), 0, r.repeats(), note));
        }
        return rows;
    }

    /**
     * Measures the grid on the cpu backend (or {@code SPIKEKIT_BACKEND}) and writes the table:
     * {@code java ... org.spikekit.bench.BlocksBench [out.csv] [repeats]}, default
     * {@code results/blocks/speed_cpu.csv}, 3 repeats (quick) or 5 (full).
     */
    public static void main(String[] args) {
        boolean full = RsnnBench.full();
        Path out = Path.of(args.length > 0 ? args[0] : "results/blocks/speed_cpu.csv");
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : full ? 5 : 3;
        try (Backend be = Backends.fromEnvironment()) {
            List<Result> rs = new ArrayList<>();
            warmUp(be);
            for (Case c : grid(full)) {
                Result r = measure(be, c, repeats);
                rs.add(r);
                System.out.printf(Locale.ROOT, "%s N=%d T=%d B=%d ARP=%d: fwd %.1f/%.1f ms (%.2fx), fwd+bwd %.1f/%.1f ms (%.2fx), "
                                + "with projection %.2fx, rate %.3f%n", c.sweep(), c.neurons(), c.steps(), c.batch(), c.arp(),
                        r.stdFwdMs(), r.blocksFwdMs(), r.fwdSpeedup(), r.stdFwdBwdMs(), r.blocksFwdBwdMs(), r.fwdBwdSpeedup(),
                        r.fwdBwdSpeedupWithProjection(), r.firingRate());
            }
            String note = (full ? "full" : "quick") + " grid; " + be.deviceName() + "; kernels "
                    + AlifKernel.standard(be).name() + " vs " + AlifKernel.blocks(be).name()
                    + "; shared machine, timings include contention";
            System.out.println("wrote " + writeCsv(rs, out, note));
        }
    }
}
