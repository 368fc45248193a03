package org.spikekit.data.allen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.spikekit.data.DataException;
import org.spikekit.io.AtomicFiles;

/**
 * SpikeKit's seeded stand-in for the Allen Cell Types data of the Blocks e-phys experiment,
 * written in the real layout ({@link AllenNwb}, CellTypesCache's folder) so the same code reads
 * both. Per synthetic cell:
 * <ul>
 *   <li>ground truth drawn from the seed: τ_mem 8–30 ms, τ_adapt 30–95 ms (the fitted model's clamp p ≤ 0.999 caps τ_adapt at 100 ms at dt 0.1 ms, so the truth stays representable), adaptation b 0.02–0.3,
 *       ARP 2 ms, intrinsic noise σ 0.002–0.006 (threshold units per 0.1-ms step), stimulus
 *       amplitude A 100–200 pA, vrest −75…−65 mV, threshold −50…−40 mV, and a drive 1.4–2.2: the
 *       input weight {@code w} is set so that the mean input of the 1.5×A training epoch would hold
 *       V at {@code drive} thresholds without adaptation ({@code w = drive·100·(1 − β)/mean(I/max I)}),
 *       so every cell fires (w ends up about 0.8–5);</li>
 *   <li>sweeps of {@value #SWEEP_SECONDS} s at {@value #FS} Hz, float32, like Allen's "Noise"
 *       sweeps: zero except a −20 pA, 20-ms test pulse at 0.1 s and three {@code epochSeconds}-long
 *       epochs at 2, 10, 18 s of low-pass filtered Gaussian noise (one pole at 100 Hz, coefficient of
 *       variation 0.2) on a DC step of 0.75, 1 and 1.5 × A. "Noise 1": one waveform in
 *       {@code noise1Sweeps} sweeps (20, 21, …; only the first is used); "Noise 2": another waveform
 *       in 4 sweeps (30–33); plus one 1.5-s "Long Square" sweep (10, a 1-s step at 0.5·A);</li>
 *   <li>responses: the kit's standard ALIF (the equations of
 *       {@link org.spikekit.neuron.AlifKernel}, in double precision, from rest) on the 0.1-ms grid
 *       with input {@code X[k] = w·I[k]/(100·max|I|) + σ·N(0,1)}, where I is the stimulus in pA as
 *       {@link EphysPrep} prepares it (every second sample, {@link EphysPrep#toPa}) and max|I| is
 *       taken over the first Noise 1 sweep's three epochs, first {@value EphysPrep#PAPER_SECONDS}
 *       s each, at 10 kHz — the fits' model input; the noise has its own seed per sweep, so the
 *       Noise 2 repeats differ;</li>
 *   <li>voltage at 20 kHz: {@code vrest + clamp(V, −2, 1)·(threshold − vrest)} at even samples,
 *       linearly interpolated at odd ones; a model spike at step k starts a 1-ms waveform at sample
 *       2k (foot at threshold, +0.2 mV, then up to +30 mV at 0.2 ms, down to −55 mV at 0.95 ms), after
 *       which the trace follows the model (reset, refractory) again. {@link SpikeDetector} puts the
 *       threshold of such a spike exactly at sample 2k, so {@link EphysPrep} at 10 kHz recovers the
 *       model's spike steps bit-exactly. The true spike times (k·0.1 ms) are stored in
 *       {@code /analysis/spike_times/Sweep_N}.</li>
 * </ul>
 * Files in {@code dir}: {@code cells.json} (the synthetic cells plus two distractors without NWB
 * files: one of layer 5, one human), {@code ephys_features.csv}
 * ({@code specimen_id,vrest,threshold_v_long_square}), {@code specimen_<id>/ephys.nwb} (root
 * attribute {@value AllenNwb#GENERATOR}) and {@code standin_truth.csv}, all written atomically.
 */
public final class AllenStandin {
    private AllenStandin() {}

    /** Sampling rate of the stand-in's sweeps. */
    public static final double FS = 20_000;
    /** Length of a Noise sweep in the default layout. */
    public static final double SWEEP_SECONDS = 22;
    /** Model grid: 0.1 ms. */
    public static final double MODEL_RATE_HZ = 10_000;
    /** First synthetic specimen id; cell i has id FIRST_ID + i. */
    public static final long FIRST_ID = 990_000_001L;
    static final int R = 2; // samples per model step
    static final int NOISE1_FIRST = 20, NOISE2_FIRST = 30, LONG_SQUARE = 10;
    static final double CV = 0.2, CUTOFF_HZ = 100, ARP_MS = 2;
    static final double[] DC = {0.75, 1.0, 1.5};

    /**
     * Generator settings.
     *
     * @param seed base seed
     * @param cells number of synthetic cells
     * @param sweepSeconds length of the Noise sweeps (≥ 18 s + epochSeconds; default {@value #SWEEP_SECONDS})
     * @param epochSeconds length of each noise epoch (default 3)
     * @param noise1Sweeps number of Noise 1 sweeps (default 2, like real cells)
     */
    public record Config(long seed, int cells, double sweepSeconds, double epochSeconds, int noise1Sweeps) {
        public Config {
            if (cells < 1) throw new IllegalArgumentException("AllenStandin.Config: cells must be >= 1, got " + cells);
            if (!(epochSeconds >= EphysPrep.PAPER_SECONDS) || epochSeconds > 7) {
                throw new IllegalArgumentException("AllenStandin.Config: epochSeconds must be in [1, 7], got " + epochSeconds);
            }
            if (!(sweepSeconds >= 18 + epochSeconds + 0.5)) {
                throw new IllegalArgumentException("AllenStandin.Config: sweepSeconds must be >= 18.5 + epochSeconds, got " + sweepSeconds);
            }
            if (noise1Sweeps < 1) throw new IllegalArgumentException("AllenStandin.Config: noise1Sweeps must be >= 1, got " + noise1Sweeps);
        }

        /** The default layout: 22-s sweeps, 3-s epochs, 2 Noise 1 sweeps. */
        public static Config standard(long seed, int cells) { return new Config(seed, cells, SWEEP_SECONDS, 3, 2); }

        /** Stored in {@code generator.txt} and the NWB files; a change regenerates the stand-in. */
        public String describe() {
            return String.format(Locale.ROOT, "AllenStandin v2 seed=%d cells=%d sweep=%.3fs epoch=%.3fs noise1=%d fs=%.0f cv=%.2f cutoff=%.0fHz",
                    seed, cells, sweepSeconds, epochSeconds, noise1Sweeps, FS, CV, CUTOFF_HZ);
        }
    }

    /** Ground truth of one synthetic cell. */
    public record CellTruth(long specimenId, double tauMemMs, double tauAdaptMs, double b, double w, double arpMs, double noise,
                            double amplitudePa, double vrestMv, double thresholdMv) {}

    /** One simulated sweep: the NWB content and the model's spike steps (0.1-ms steps from the sweep start). */
    public record SimSweep(AllenNwb.Sweep sweep, int[] spikeSteps) {}

    /** One simulated cell. */
    public record SimCell(CellTruth truth, List<SimSweep> sweeps) {}

    /** Simulates cell {@code index} (in memory, nothing written). */
    public static SimCell simulate(Config cfg, int index) {
        Random r = new Random(mix(cfg.seed(), index, 0));
        double tauMem = uniform(r, 8, 30), tauAdapt = uniform(r, 30, 95), b = uniform(r, 0.02, 0.3);
        double noise = uniform(r, 0.002, 0.006), amp = uniform(r, 100, 200);
        double vrest = uniform(r, -75, -65), thr = uniform(r, -50, -40), drive = uniform(r, 1.4, 2.2);
        int n = (int) Math.round(cfg.sweepSeconds() * FS);
        float[] n1 = noiseStimulus(new Random(mix(cfg.seed(), index, 1)), n, amp, cfg.epochSeconds());
        float[] n2 = noiseStimulus(new Random(mix(cfg.seed(), index, 2)), n, amp, cfg.epochSeconds());
        // max |I| over the first Noise 1 sweep's epochs, paper length, 10-kHz grid (what the fits normalise by)
        int dec = (int) Math.round(FS / EphysPrep.PAPER_RATE_HZ), len = (int) Math.round(EphysPrep.PAPER_SECONDS * EphysPrep.PAPER_RATE_HZ);
        double maxI = 0, sum15 = 0;
        for (int e = 0; e < 3; e++) {
            int s0 = (int) Math.round(EphysPrep.EPOCH_STARTS_S[e] * FS);
            for (int i = 0; i < len; i++) {
                double v = EphysPrep.toPa(n1[s0 + i * dec]);
                maxI = Math.max(maxI, Math.abs(v));
                if (e == 2) sum15 += v;
            }
        }
        double beta = Math.exp(-0.1 / tauMem), p = Math.exp(-0.1 / tauAdapt);
        double w = drive * 100 * (1 - beta) / (sum15 / len / maxI);
        long id = FIRST_ID + index;
        CellTruth truth = new CellTruth(id, tauMem, tauAdapt, b, w, ARP_MS, noise, amp, vrest, thr);
        List<SimSweep> sweeps = new ArrayList<>();
        int ls = (int) Math.round(1.5 * FS);
        float[] sq = new float[ls];
        for (int i = (int) Math.round(0.1 * FS); i < (int) Math.round(1.1 * FS); i++) sq[i] = (float) (0.5 * amp * 1e-12);
        sweeps.add(run(cfg, index, LONG_SQUARE, "Long Square", sq, truth, beta, p, maxI));
        for (int k = 0; k < cfg.noise1Sweeps(); k++) sweeps.add(run(cfg, index, NOISE1_FIRST + k, EphysPrep.TRAIN, n1, truth, beta, p, maxI));
        for (int k = 0; k < EphysPrep.TEST_TRIALS; k++) sweeps.add(run(cfg, index, NOISE2_FIRST + k, EphysPrep.TEST, n2, truth, beta, p, maxI));
        return new SimCell(truth, sweeps);
    }

    /** A Noise stimulus in amperes (float32): test pulse, then three noisy DC epochs. */
    static float[] noiseStimulus(Random r, int n, double amp, double epochSeconds) {
        double[] pa = new double[n];
        int tp0 = (int) Math.round(0.1 * FS), tp1 = tp0 + (int) Math.round(0.02 * FS);
        for (int i = tp0; i < tp1; i++) pa[i] = -20;
        double a = Math.exp(-2 * Math.PI * CUTOFF_HZ / FS), g = Math.sqrt(1 - a * a);
        for (int e = 0; e < 3; e++) {
            int s0 = (int) Math.round(EphysPrep.EPOCH_STARTS_S[e] * FS), m = (int) Math.round(epochSeconds * FS);
            double dc = DC[e] * amp, y = r.nextGaussian();
            for (int i = 0; i < m; i++) {
                y = a * y + g * r.nextGaussian();
                pa[s0 + i] = dc * (1 + CV * y);
            }
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (pa[i] * 1e-12);
        return out;
    }

    private static SimSweep run(Config cfg, int index, int number, String name, float[] stim, CellTruth t, double beta, double p, double maxI) {
        int steps = stim.length / R;
        Random r = new Random(mix(cfg.seed(), index, 100 + number));
        double[] x = new double[steps];
        for (int k = 0; k < steps; k++) x[k] = t.w() * EphysPrep.toPa(stim[R * k]) / (100 * maxI) + t.noise() * r.nextGaussian();
        int arp = (int) Math.round(t.arpMs() / 0.1);
        // standard ALIF (AlifKernel javadoc), one neuron, no recurrence, from rest
        double v = 0, a = 0;
        int refr = 0;
        double[] shown = new double[steps];
        boolean[] spike = new boolean[steps];
        List<Integer> ks = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            double in = refr <= 0 ? x[k] : 0;
            v = beta * v + in;
            double theta = 1 + t.b() * a;
            boolean s = v - theta > 0;
            shown[k] = v;
            a = p * a + (s ? 1 : 0);
            refr = s ? arp : Math.max(0, refr - 1);
            if (s) {
                spike[k] = true;
                ks.add(k);
                v = 0;
            }
        }
        double span = t.thresholdMv() - t.vrestMv();
        double[] u = new double[steps];
        for (int k = 0; k < steps; k++) u[k] = spike[k] ? t.thresholdMv() : t.vrestMv() + Math.max(-2, Math.min(1, shown[k])) * span;
        double[] mv = new double[stim.length];
        for (int k = 0; k < steps; k++) {
            mv[R * k] = u[k];
            if (R * k + 1 < mv.length) mv[R * k + 1] = k + 1 < steps ? 0.5 * (u[k] + u[k + 1]) : u[k];
        }
        for (int i = R * steps; i < mv.length; i++) mv[i] = u[steps - 1];
        double[] shape = new double[20];
        for (int k : ks) {
            double f = t.thresholdMv();
            shape[0] = f;
            shape[1] = f + 0.2;
            shape[2] = f + 0.25 * (30 - f);
            shape[3] = f + 0.65 * (30 - f);
            shape[4] = 30;
            for (int j = 5; j < 20; j++) {
                double q = 1 - (j - 4) / 15.0;
                shape[j] = -55 + 85 * q * q;
            }
            for (int j = 0; j < 20 && R * k + j < mv.length; j++) mv[R * k + j] = shape[j];
        }
        float[] volts = new float[mv.length];
        for (int i = 0; i < mv.length; i++) volts[i] = (float) (mv[i] / 1000);
        int[] steps0 = ks.stream().mapToInt(Integer::intValue).toArray();
        double[] times = new double[steps0.length];
        for (int i = 0; i < times.length; i++) times[i] = steps0[i] / MODEL_RATE_HZ;
        long exp0 = Math.round(0.2 * FS);
        AllenNwb.Sweep sw = new AllenNwb.Sweep(number, name, FS, stim, volts, exp0, stim.length - 1, times);
        return new SimSweep(sw, steps0);
    }

    /** The distractor cells listed in cells.json without an NWB file: {id, species, layer}. */
    static final Object[][] DISTRACTORS = {{989_999_001L, "Mus musculus", "5"}, {989_999_002L, "Homo Sapiens", "4"}};

    /**
     * Writes the stand-in into {@code dir} (a CellTypesCache folder, e.g.
     * {@code data/synthetic/allen/cell_types}) and returns each cell's truth and simulated spike
     * steps (in cell order).
     */
    public static List<SimCell> write(Path dir, Config cfg) {
        List<SimCell> out = new ArrayList<>();
        StringBuilder json = new StringBuilder("[\n");
        StringBuilder feat = new StringBuilder("specimen_id,vrest,threshold_v_long_square\n");
        StringBuilder truth = new StringBuilder("specimen_id,tau_mem_ms,tau_adapt_ms,b,w,arp_ms,noise\n");
        Map<Long, String[]> meta = new LinkedHashMap<>();
        for (Object[] d : DISTRACTORS) meta.put((Long) d[0], new String[] {(String) d[1], (String) d[2], "-68.0", "-42.0"});
        for (int i = 0; i < cfg.cells(); i++) {
            SimCell c = simulate(cfg, i);
            CellTruth t = c.truth();
            List<AllenNwb.Sweep> sw = new ArrayList<>();
            for (SimSweep s : c.sweeps()) sw.add(s.sweep());
            AllenNwb.write(dir.resolve("specimen_" + t.specimenId()).resolve("ephys.nwb"), sw, cfg.describe() + " cell=" + i);
            meta.put(t.specimenId(), new String[] {"Mus musculus", "4", fmt(t.vrestMv()), fmt(t.thresholdMv())});
            truth.append(t.specimenId()).append(',').append(fmt(t.tauMemMs())).append(',').append(fmt(t.tauAdaptMs())).append(',')
                    .append(fmt(t.b())).append(',').append(fmt(t.w())).append(',').append(fmt(t.arpMs())).append(',')
                    .append(fmt(t.noise())).append('\n');
            out.add(c);
        }
        int k = 0;
        for (Map.Entry<Long, String[]> e : meta.entrySet()) {
            String[] m = e.getValue();
            json.append("  {\"id\": ").append(e.getKey()).append(", \"species\": \"").append(m[0])
                    .append("\", \"structure_layer_name\": \"").append(m[1]).append("\", \"disease_state\": \"\", ")
                    .append("\"name\": \"SpikeKit stand-in\"}").append(++k < meta.size() ? "," : "").append('\n');
            feat.append(e.getKey()).append(',').append(m[2]).append(',').append(m[3]).append('\n');
        }
        json.append("]\n");
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve("cells.json"), json.toString());
            AtomicFiles.writeString(dir.resolve("ephys_features.csv"), feat.toString());
            AtomicFiles.writeString(dir.resolve("standin_truth.csv"), truth.toString());
        } catch (IOException e) {
            throw new DataException(dir, "Allen stand-in " + dir + " could not be written: " + e.getMessage(), e);
        }
        return out;
    }

    private static String fmt(double v) { return Double.toString(v); }

    private static double uniform(Random r, double lo, double hi) { return lo + (hi - lo) * r.nextDouble(); }

    private static long mix(long seed, int cell, int stream) {
        long z = seed * 0x9E3779B97F4A7C15L + cell * 0xBF58476D1CE4E5B9L + stream * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
