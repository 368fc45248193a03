package org.spikekit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.compute.Tensor;
import org.spikekit.model.Rsnn;
import org.spikekit.model.StreamingDecoder;
import org.spikekit.neuron.HostLifKernel;
import org.spikekit.neuron.LifKernel;

/**
 * Speed of the RSNN (notebooks/papers/rsnn.md §4) in the two ways it is used.
 *
 * <p><b>Streaming inference</b> ({@code stream ...}, cpu backend only; the decoder is pure Java
 * and single-threaded whatever the backend): {@link StreamingDecoder#step(float[], float[])} per
 * 4-ms bin on one thread, tinyRSNN (96→64→2) and bigRSNN (96→1024→5×2). Inputs are Bernoulli
 * spike bins at {@value #INPUT_DENSITY} per channel and bin (a pool of {@value #POOL} bins,
 * cycled). The model has stork's fluctuation-driven init for that input rate, then the input
 * weights are scaled so the hidden layer fires at the trained rate derived from the paper's
 * activation sparsity (tiny 0.9836 ⇒ ≈ 4.1 Hz, big 0.9683 ⇒ ≈ 7.9 Hz); the rate measured during
 * the timed steps is in the note. Each step is timed with {@code System.nanoTime()} around the
 * call (the timer's own cost, measured, is in the note and not subtracted): rows give the median
 * and the p99 of the per-step times, and the mean from timing whole blocks without per-step timer.
 * Value = median over repeats, spread = half the range over repeats. Target of the issue: {@literal <} 2 µs
 * per bin. The bigRSNN step was not bound by reading V (~33 rows of 4 KB from L3 per bin) but by the
 * order of reading it: per vector of 16 neurons, all spiking rows into one register, i.e. 64-byte pieces
 * of ~35 rows at a time. Summing whole rows into an L1 buffer, four rows per pass (same terms, same
 * order, same bits), took the decoder from about 14–17 to 4.0–4.5 µs of thread CPU per bin on the shared
 * 2-core machine at load 6–7 (results/bench/rsnn-speed.md).
 *
 * <p><b>Training throughput</b> ({@code train ...}, every backend): forward with tape plus BPTT
 * backward of a batch (no dropout, no optimiser step) in samples (sequences) per second, through
 * {@link Rsnn} (fused: whole-sequence gemms and the backend's LIF kernel) and through
 * {@link NaiveRsnn} (the same model and parameters, one step at a time from backend primitives),
 * alternating in one JVM; the ratio row is the median over repeats of the paired time ratios.
 * The notes split each path into forward and backward milliseconds.
 *
 * <p><b>Profile</b> (JFR {@code jdk.ExecutionSample}, tinyRSNN B=32 T=1000 fwd+bwd, cpu backend, 2 cores,
 * shares of all samples; results/bench/rsnn-speed.md has the commands). Before (main @ 8fff860, about
 * 15 ms forward + 60 ms backward): the LIF backward's {@code dI·Vᵀ}, one 64-long dot at a time with a
 * 16-lane horizontal sum per dot, 37 %; the rest of the LIF backward (elementwise adjoint, event-driven
 * {@code dV}) 14 %; the readout's {@code dS = dh·W_roᵀ} (a gemm of depth 2) 9 %; {@code dW += xᵀ·dh}
 * 6 %; the unused {@code dx = dh·Wᵀ} 4 %; forward: {@code x·W} 7 %, readout {@code S·W_ro} 6 %, LIF
 * kernel 5 %; gemm worker threads another 12 % spread over these gemms. So the backward, not the
 * forward, was the cost, and of it mostly fixed overhead per dot and dense gemms over spike operands.
 * After (lane-parallel dots in {@code HostLifKernel.laneDots}, spike operands through
 * {@code neuron.SparseGemm}, no {@code dx}; all bit-identical): LIF backward adjoint + {@code dV} 21 %,
 * {@code dI·Vᵀ} 19 %, LIF forward 9 %, {@code dW} 5 %, {@code x·W} 5 %, the rest below 3 % each. For
 * bigRSNN (N=1024, B=32, T=200) the backward's dense {@code dI·Vᵀ} (33.5 M multiply-adds per step) is 45 %
 * before and remains the main cost: it is a dense gemm per step, bounded by the FMA rate, not by fusion.
 * On a backend without a fused LIF kernel (nd4j) the Rsnn path runs the reference kernel, and
 * its rows are named {@code sequence} instead of {@code fused}.
 *
 * <p>Size: {@code -Dspikekit.bench.mode=quick|full}, else the environment's {@code MODE}, else
 * quick. Quick: tinyRSNN trains at the paper's batch 250 × 500 steps, bigRSNN at 32 × 100;
 * streaming runs 1e5 (tiny) and 2e4 (big) timed steps per repeat; about 10 s on 2 cores with the
 * cpu backend (about a minute with nd4j). Full: batch 250 × 500 steps for both models (bigRSNN
 * needs several GB of heap and minutes per repeat on a laptop) and 1e6 / 2e5 streaming steps.
 */
public final class RsnnBench {
    private RsnnBench() {}

    static final double INPUT_DENSITY = 0.02;
    static final int POOL = 8192;
    static final double DT_S = 4e-3;
    /** Trained hidden rates from Table 2's activation sparsity: (1 − sparsity)/Δt. */
    static final double TINY_HZ = (1 - 0.9836) / DT_S, BIG_HZ = (1 - 0.9683) / DT_S;

    /** Quick or full, from {@code -Dspikekit.bench.mode} or {@code MODE}. */
    static boolean full() {
        String m = System.getProperty("spikekit.bench.mode", System.getenv("MODE"));
        if (m == null || m.isBlank()) return false;
        return switch (m.trim().toLowerCase(Locale.ROOT)) {
            case "full" -> true;
            case "quick" -> false;
            default -> throw new IllegalArgumentException("bench mode must be quick or full, got '" + m + "'");
        };
    }

    public static List<BenchRow> run(Backend be, int repeats) {
        if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        boolean full = full();
        String mode = full ? "full" : "quick";
        List<BenchRow> rows = new ArrayList<>();
        if (be.name().equals("cpu")) {
            rows.addAll(streamCase(be, "tinyRSNN", Rsnn.Config.tiny(96), TINY_HZ, full ? 1_000_000 : 100_000, repeats));
            rows.addAll(streamCase(be, "bigRSNN", Rsnn.Config.big(96), BIG_HZ, full ? 200_000 : 20_000, repeats));
        }
        boolean fusedKernel = LifKernel.forBackend(be) instanceof HostLifKernel;
        int quickRepeats = Math.min(repeats, fusedKernel ? 5 : 2);
        rows.addAll(trainCase(be, "tinyRSNN", Rsnn.Config.tiny(96), TINY_HZ, 250, 500, full ? repeats : quickRepeats, mode));
        rows.addAll(trainCase(be, "bigRSNN", Rsnn.Config.big(96), BIG_HZ, full ? 250 : 32, full ? 500 : 100,
                full ? repeats : Math.min(quickRepeats, 3), mode));
        return rows;
    }

    // ---- models ---------------------------------------------------------------------------------

    /** The model without dropout, fluctuation-driven init for inputs at {@link #INPUT_DENSITY}. */
    static Rsnn activeModel(Backend be, Rsnn.Config cfg, long seed) {
        Rsnn m = new Rsnn(be, cfg.withDropout(0f, 0f), seed);
        m.initFluctuationDriven(INPUT_DENSITY / DT_S, null, seed);
        return m;
    }

    static float[][] pool(int inputs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] p = new float[POOL][inputs];
        for (float[] bin : p) for (int j = 0; j < inputs; j++) bin[j] = r.nextDouble() < INPUT_DENSITY ? 1f : 0f;
        return p;
    }

    /** Hidden rate in Hz of the decoder over {@code steps} bins from the pool (fresh state). */
    static double rateHz(StreamingDecoder d, float[][] pool, int steps) {
        float[] out = new float[d.outputs()];
        long spikes = 0;
        d.reset();
        for (int k = 0; k < steps; k++) {
            d.step(pool[k % POOL], out);
            spikes += d.lastSpikeCount();
        }
        return spikes / ((double) steps * d.neurons() * DT_S);
    }

    /**
     * Scales the input weights by a gain found by bisection (log scale) so the hidden rate on the
     * pool is near {@code targetHz}; returns the gain.
     */
    static float calibrate(Rsnn m, float[][] pool, double targetHz) {
        Backend be = m.backend();
        Tensor w = m.weights().get("input").value();
        float[] w0 = be.toHost(w);
        double lo = Math.log(0.125), hi = Math.log(16);
        double best = 1, bestErr = Double.POSITIVE_INFINITY;
        for (int it = 0; it < 14; it++) {
            double mid = 0.5 * (lo + hi), g = Math.exp(mid);
            setScaled(be, w, w0, (float) g);
            double r = rateHz(StreamingDecoder.of(m), pool, 3000);
            double err = Math.abs(Math.log((r + 1e-3) / targetHz));
            if (err < bestErr) { bestErr = err; best = g; }
            if (r < targetHz) lo = mid; else hi = mid;
        }
        setScaled(be, w, w0, (float) best);
        return (float) best;
    }

    private static void setScaled(Backend be, Tensor w, float[] w0, float g) {
        float[] s = new float[w0.length];
        for (int k = 0; k < s.length; k++) s[k] = w0[k] * g;
        be.copy(be.fromHost(s, w.shape()), w);
    }

    // ---- streaming latency ----------------------------------------------------------------------

    static List<BenchRow> streamCase(Backend be, String label, Rsnn.Config cfg, double targetHz, int steps, int repeats) {
        Rsnn m = activeModel(be, cfg, 1L);
        float[][] pool = pool(cfg.inputs(), 2L);
        float gain = calibrate(m, pool, targetHz);
        StreamingDecoder d = StreamingDecoder.of(m);
        float[] out = new float[d.outputs()];
        int warm = Math.max(20_000, steps / 5);
        for (int k = 0; k < warm; k++) d.step(pool[k % POOL], out);
        long timer = timerCost();
        double[] med = new double[repeats], p99 = new double[repeats], mean = new double[repeats], hz = new double[repeats];
        long[] dt = new long[steps];
        int at = warm;
        for (int r = 0; r < repeats; r++) {
            long spikes = 0;
            for (int k = 0; k < steps; k++, at++) {
                float[] bin = pool[at % POOL];
                long t0 = System.nanoTime();
                d.step(bin, out);
                dt[k] = System.nanoTime() - t0;
                spikes += d.lastSpikeCount();
            }
            long[] s = dt.clone();
            Arrays.sort(s);
            med[r] = s[steps / 2];
            p99[r] = s[(int) Math.min(steps - 1, Math.ceil(0.99 * steps) - 1)];
            hz[r] = spikes / ((double) steps * d.neurons() * DT_S);
            long t0 = System.nanoTime();
            for (int k = 0; k < steps; k++, at++) d.step(pool[at % POOL], out);
            mean[r] = (System.nanoTime() - t0) / (double) steps;
        }
        String name = "stream " + label + " in=" + cfg.inputs() + " N=" + cfg.hidden();
        String note = String.format(Locale.ROOT,
                "1 thread; %d steps per repeat after %d warm-up; input density %.3f; hidden rate %.2f Hz (target %.1f; input gain %.3f); "
                        + "nanoTime cost %d ns included; issue target < 2000 ns/bin",
                steps, warm, INPUT_DENSITY, median(hz), targetHz, gain, timer);
        List<BenchRow> rows = new ArrayList<>();
        rows.add(row(be, name + " median", "ns/step", med, note));
        rows.add(row(be, name + " p99", "ns/step", p99, note));
        rows.add(row(be, name + " mean", "ns/step", mean, note.replace("nanoTime cost", "block-timed, no per-step timer; nanoTime cost")));
        return rows;
    }

    /** Median cost of one {@code System.nanoTime()} pair. */
    static long timerCost() {
        long[] c = new long[10_001];
        for (int k = 0; k < c.length; k++) {
            long a = System.nanoTime();
            c[k] = System.nanoTime() - a;
        }
        Arrays.sort(c);
        return c[c.length / 2];
    }

    // ---- training throughput --------------------------------------------------------------------

    static List<BenchRow> trainCase(Backend be, String label, Rsnn.Config cfg, double targetHz, int batch, int t,
                                    int repeats, String mode) {
        Rsnn m = activeModel(be, cfg, 3L);
        calibrate(m, pool(cfg.inputs(), 4L), targetHz);
        Tensor x = be.zeros(t, batch, cfg.inputs());
        be.randBernoulli(x, 5L, (float) INPUT_DENSITY);
        Tensor gy = be.zeros(t, batch, cfg.outputs());
        be.randNormal(gy, 6L, 0f, 1f);
        NaiveRsnn naive = new NaiveRsnn(m);
        double[] fused = new double[repeats], slow = new double[repeats], ratio = new double[repeats];
        double[][] ms = new double[4][repeats];                   // fused fwd, fused bwd, naive fwd, naive bwd
        double rate = 0;
        for (int r = -1; r < repeats; r++) {                      // r = −1: warm-up of both paths
            m.zeroGrad();
            be.synchronize();
            long t0 = System.nanoTime();
            Rsnn.Pass p = m.forward(x, false, 0L, true);
            be.synchronize();
            long t1 = System.nanoTime();
            m.backward(p, gy, null);
            be.synchronize();
            long t2 = System.nanoTime();
            if (r == -1) rate = be.sum(p.spikes()) / ((double) t * batch * cfg.hidden() * DT_S);
            p = null;
            m.zeroGrad();
            be.synchronize();
            long t3 = System.nanoTime();
            NaiveRsnn.Pass q = naive.forward(x);
            be.synchronize();
            long t4 = System.nanoTime();
            naive.backward(q, gy);
            be.synchronize();
            long t5 = System.nanoTime();
            if (r >= 0) {
                fused[r] = batch / ((t2 - t0) * 1e-9);
                slow[r] = batch / ((t5 - t3) * 1e-9);
                ratio[r] = (double) (t5 - t3) / (t2 - t0);
                ms[0][r] = (t1 - t0) * 1e-6; ms[1][r] = (t2 - t1) * 1e-6;
                ms[2][r] = (t4 - t3) * 1e-6; ms[3][r] = (t5 - t4) * 1e-6;
            }
        }
        String name = "train fwd+bwd " + label + " B=" + batch + " T=" + t;
        String note = String.format(Locale.ROOT, "%s mode; backend threads as configured (%d cores); hidden rate %.2f Hz; "
                        + "no dropout, no optimiser step; sample = one sequence of T steps",
                mode, Runtime.getRuntime().availableProcessors(), rate);
        String split = String.format(Locale.ROOT, "; median ms fwd/bwd: fused %.1f/%.1f, naive %.1f/%.1f",
                median(ms[0]), median(ms[1]), median(ms[2]), median(ms[3]));
        LifKernel lif = LifKernel.forBackend(be);
        String kernel = lif.name(), path = lif instanceof HostLifKernel ? "fused" : "sequence";
        List<BenchRow> rows = new ArrayList<>();
        rows.add(row(be, name + " " + path, "samples/s", fused, note + "; Rsnn with LIF kernel " + kernel
                + ", whole-sequence gemms" + split));
        rows.add(row(be, name + " naive", "samples/s", slow, note + "; NaiveRsnn: per step gemm x·W, gemm S·V, "
                + "elementwise LIF ops, per-step weight-gradient gemms" + split));
        rows.add(row(be, name + " " + path + "/naive", "x", ratio, note + "; paired per repeat: naive time / fused time" + split));
        return rows;
    }

    // ---- rows -------------------------------------------------------------------------------------

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static BenchRow row(Backend be, String name, String unit, double[] v, String note) {
        double lo = Arrays.stream(v).min().orElse(0), hi = Arrays.stream(v).max().orElse(0);
        return new BenchRow("rsnn", be.name(), name, unit, median(v), (hi - lo) / 2, v.length, note);
    }

    /** Prints the rows as CSV: {@code java ... org.spikekit.bench.RsnnBench [repeats]}. */
    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (Backend be = Backends.fromEnvironment()) {
            System.out.print(BenchCsv.format(run(be, repeats)));
        }
    }
}
