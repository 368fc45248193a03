package org.spikekit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;
import org.spikekit.neuron.HostLifKernel;
import org.spikekit.neuron.LifCoeffs;
import org.spikekit.neuron.LifKernel;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.LifState;
import org.spikekit.neuron.RecurrentLifLayer;
import org.spikekit.neuron.Timescales;

/**
 * Speed of the LIF sequence kernels in neuron-steps per second (T·B·N per second), RSNN defaults
 * (τ_mem 20 ms, τ_syn 10 ms, Δt 4 ms, multiplicative reset, SuperSpike 20). Cases:
 * <ul>
 *   <li>{@code elementwise fwd}: the kernel without recurrence and without tape, on precomputed
 *       input currents (the purely elementwise part: spike, reset, decay);</li>
 *   <li>{@code recurrent fwd}: kernel with recurrence V (event-driven), no tape (inference);</li>
 *   <li>{@code recurrent fwd+bwd}: kernel forward with tape plus backward (incl. the dense
 *       {@code dI·Vᵀ} mat-vec per step), on precomputed currents;</li>
 *   <li>{@code layer fwd+bwd}: the whole {@link RecurrentLifLayer} with 96 inputs, i.e. plus the
 *       backend's input-projection and weight-gradient gemms (small size only);</li>
 *   <li>{@code tape bytes}: bytes retained for backward by the bigRSNN-sized layer
 *       (N=1024, B=256, T=1000), computed from the tape layout (not measured).</li>
 * </ul>
 * Input currents are N(0.3, 0.6²) per neuron-step, giving a few percent of neurons firing per
 * step; the measured firing rate is in the note.
 *
 * <p>Known issue (open): in a JVM that has already run the small cases, the big elementwise case
 * runs ~10x slower (≈9e7 vs ≈8.7e8 neuron-steps/s when run alone) after a JIT recompilation;
 * suspected Vector-API boxing when C2 recompiles the kernel's worker lambda. Not yet fixed. Median over {@code repeats}
 * after the warm-up ({@link #warming}: at least {@value #WARMUP} runs, and up to {@value #JIT_RUNS} runs or
 * {@value #JIT_MILLIS} ms, whichever comes first, so the small cases are timed in C2-compiled code — with 3 warm-up
 * runs the small elementwise case was timed while C2 was still compiling: its first ~18 runs take 7–10 ms, later
 * ones ~2 ms, results/bench/rsnn-speed.md session 11); the output allocation is inside the timed region.
 */
public final class LifBench {
    private LifBench() {}

    static final int WARMUP = 3;
    /** Warm-up runs after which a case is timed even if {@link #JIT_MILLIS} has not passed. */
    static final int JIT_RUNS = 25;
    /** Warm-up time after which a case is timed once {@link #WARMUP} runs are done. */
    static final long JIT_MILLIS = 1500;

    /** True while a case is still warming up after {@code runs} untimed runs that took {@code nanos} in all. */
    static boolean warming(int runs, long nanos) {
        return runs < WARMUP || (runs < JIT_RUNS && nanos < JIT_MILLIS * 1_000_000L);
    }

    record Size(int n, int b, int t) {
        long steps() { return (long) n * b * t; }
        String label() { return "N=" + n + " B=" + b + " T=" + t; }
    }

    public static List<BenchRow> run(Backend be, int repeats) {
        if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        List<BenchRow> rows = new ArrayList<>();
        LifParams lp = LifParams.rsnn();
        LifKernel k = LifKernel.forBackend(be);
        String threads = Runtime.getRuntime().availableProcessors() + " threads, kernel " + k.name();
        Size small = new Size(64, 32, 1000);
        Size bigFwd = new Size(1024, 256, 100);
        Size bigBwd = new Size(1024, 256, 20);
        for (Size s : List.of(small, bigFwd)) {
            rows.add(kernelCase(be, k, lp, s, false, false, repeats, threads
                    + (s == bigFwd ? "; T=100 instead of 1000 (memory/time on 2 cores)" : "")));
            rows.add(kernelCase(be, k, lp, s, true, false, repeats, threads
                    + (s == bigFwd ? "; T=100 instead of 1000" : "")));
        }
        rows.add(kernelCase(be, k, lp, small, true, true, repeats, threads));
        rows.add(kernelCase(be, k, lp, bigBwd, true, true, Math.min(repeats, 3), threads
                + "; T=20 instead of 1000: backward is a dense 1024x1024 mat-vec per row and step"));
        rows.add(layerCase(be, lp, small, 96, repeats, threads));
        // The bit-packed tape is the host-fused kernel's layout; the reference kernel keeps U, I, S as float32.
        long tape = k instanceof HostLifKernel ? HostLifKernel.tapeBytes(1000, 256, 1024) : 12L * 1000 * 256 * 1024;
        String layout = k instanceof HostLifKernel ? "U,I float32 (8 B) + 1 spike bit per neuron-step"
                : "reference kernel: U, I, S float32 (12 B per neuron-step)";
        rows.add(new BenchRow("lif", be.name(), "tape bytes N=1024 B=256 T=1000", "bytes", tape, 0, 0,
                "analytic from the tape layout: " + layout + " = "
                        + String.format("%.3f GB", tape / 1e9) + "; not counting the caller's input x"));
        return rows;
    }

    private static BenchRow kernelCase(Backend be, LifKernel k, LifParams lp, Size s, boolean recurrent,
                                       boolean backward, int repeats, String note) {
        Tensor h0 = be.zeros(s.t(), s.b(), s.n());
        be.randNormal(h0, 11, 0.3f, 0.6f);
        Tensor h = be.zeros(s.t(), s.b(), s.n());
        Tensor v = recurrent ? Init.fanInUniform(be, 12, 1f, s.n(), s.n()) : null;
        Tensor raw = be.zeros(s.n());
        Init.uniform(raw, 13, 0f, 1f);
        Tensor th = be.zeros(s.n());
        be.fill(th, lp.threshold());
        LifCoeffs c = new LifCoeffs(Timescales.betas(be, raw, lp.tauMemS(), lp.dtS()),
                Timescales.betas(be, raw, lp.tauSynS(), lp.dtS()), th);
        Tensor gS = backward ? be.zeros(s.t(), s.b(), s.n()) : null;
        if (gS != null) be.randNormal(gS, 14, 0f, 1f);
        LifState s0 = LifState.zeros(be, s.b(), s.n());
        double[] times = new double[repeats];
        double rate = 0;
        int warm = 0;
        long warmNanos = 0;
        for (int r = 0; r < repeats; ) {
            be.copy(h0, h);
            be.synchronize();
            long t0 = System.nanoTime();
            LifKernel.LifForward f = k.forward(lp, c, h, v, s0, backward);
            if (backward) k.backward(lp, f.tape(), gS, null);
            be.synchronize();
            long t1 = System.nanoTime();
            if (warming(warm, warmNanos)) {
                warm++;
                warmNanos += t1 - t0;
                if (!warming(warm, warmNanos)) rate = be.sum(f.spikes()) / s.steps();
            } else {
                times[r++] = (t1 - t0) * 1e-9;
            }
        }
        String what = (recurrent ? "recurrent " : "elementwise ") + (backward ? "fwd+bwd" : "fwd");
        return row(be, what + " " + s.label(), s.steps(), times,
                note + String.format("; firing rate %.3f spikes/neuron/step", rate));
    }

    private static BenchRow layerCase(Backend be, LifParams lp, Size s, int inputs, int repeats, String note) {
        RecurrentLifLayer layer = new RecurrentLifLayer(be, "hidden", inputs, s.n(), true, lp, 1L);
        be.affine(layer.w().value(), 3f, 0f, layer.w().value());
        Tensor x = be.zeros(s.t(), s.b(), inputs);
        be.randBernoulli(x, 21, 0.05f);
        Tensor gS = be.zeros(s.t(), s.b(), s.n());
        be.randNormal(gS, 22, 0f, 1f);
        double[] times = new double[repeats];
        int warm = 0;
        long warmNanos = 0;
        for (int r = 0; r < repeats; ) {
            layer.zeroGrad();
            be.synchronize();
            long t0 = System.nanoTime();
            RecurrentLifLayer.Output out = layer.forward(x, LifState.zeros(be, s.b(), s.n()), true);
            layer.backward(out.tape(), gS, null);
            be.synchronize();
            long t1 = System.nanoTime();
            if (warming(warm, warmNanos)) {
                warm++;
                warmNanos += t1 - t0;
            } else {
                times[r++] = (t1 - t0) * 1e-9;
            }
        }
        return row(be, "layer fwd+bwd in=" + inputs + " " + s.label(), s.steps(), times,
                note + "; includes the backend's gemms (x·W, xᵀ·dh, dh·Wᵀ)");
    }

    private static BenchRow row(Backend be, String name, long steps, double[] times, String note) {
        double[] rates = Arrays.stream(times).map(t -> steps / t).sorted().toArray();
        double median = rates[rates.length / 2];
        if (rates.length % 2 == 0) median = 0.5 * (rates[rates.length / 2 - 1] + rates[rates.length / 2]);
        double spread = (rates[rates.length - 1] - rates[0]) / 2;
        return new BenchRow("lif", be.name(), name, "neuron-steps/s", median, spread, times.length, note);
    }

    /** Prints the rows as CSV: {@code java ... org.spikekit.bench.LifBench [repeats]}. */
    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (Backend be = Backends.fromEnvironment()) {
            System.out.print(BenchCsv.format(run(be, repeats)));
        }
    }
}
