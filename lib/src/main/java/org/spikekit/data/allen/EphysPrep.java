package org.spikekit.data.allen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spikekit.data.DataException;

/**
 * The Blocks paper's preprocessing of one Allen Cell Types cell (notebooks/papers/blocks.md §3.5; authors'
 * {@code scripts/ephys/build_data.py}, {@code src/datasets/ephys.py}):
 * <ul>
 *   <li>training data: the first sweep (lowest number) named {@value #TRAIN}; test data: every sweep
 *       named {@value #TEST}, and a cell is usable only with exactly {@value #TEST_TRIALS} of them;</li>
 *   <li>from each sweep three epochs starting 2, 10 and 18 s after its first sample
 *       ({@link #EPOCH_STARTS_S}), of which the first {@code seconds} (paper: 1 s) are kept;</li>
 *   <li>resampled to {@code rateHz} (paper 10 kHz, dt 0.1 ms; 20 kHz for the 0.05-ms control) by
 *       taking every (fs / rateHz)-th sample, no filtering; fs must be an integer multiple;</li>
 *   <li>current in pA, voltage in mV (float32, converted from the reader's SI values in double);</li>
 *   <li>spikes: the thresholds of {@link SpikeDetector} on the whole sweep at fs, each put into bin
 *       {@code (sample − epochStartSample) / decimation} (integer division) of its epoch as 1.</li>
 * </ul>
 * The model input the fits use, {@code I / (100·max I)} over the training epochs, is left to the
 * caller ({@link #maxAbsCurrent}).
 */
public final class EphysPrep {
    private EphysPrep() {}

    /** Stimulus name of the training sweeps. */
    public static final String TRAIN = "Noise 1";
    /** Stimulus name of the test sweeps. */
    public static final String TEST = "Noise 2";
    /** Number of Noise 2 repeats a usable cell has. */
    public static final int TEST_TRIALS = 4;
    /** Start of the three noise epochs, seconds from the sweep's first sample. */
    public static final double[] EPOCH_STARTS_S = {2, 10, 18};
    /** The paper's kept length of each epoch, seconds. */
    public static final double PAPER_SECONDS = 1.0;
    /** The paper's target rate (dt 0.1 ms). */
    public static final double PAPER_RATE_HZ = 10_000;

    /**
     * Three epochs of one sweep on the target grid.
     *
     * @param currentPa injected current {@code [3][n]}, pA
     * @param voltageMv membrane potential {@code [3][n]}, mV
     * @param spikes 0/1 spike trains {@code [3][n]}
     * @param dtMs grid step in ms (1000 / rateHz)
     */
    public record Epochs(float[][] currentPa, float[][] voltageMv, float[][] spikes, double dtMs) {
        /** Samples per epoch n. */
        public int samples() { return currentPa[0].length; }

        /** Total number of spikes over the three epochs. */
        public int spikeCount() {
            int c = 0;
            for (float[] s : spikes) for (float v : s) if (v != 0) c++;
            return c;
        }
    }

    /**
     * One prepared cell.
     *
     * @param specimenId Allen specimen id
     * @param train the first Noise 1 sweep's epochs
     * @param test the Noise 2 sweeps' epochs, {@value #TEST_TRIALS} trials in sweep order
     * @param vrestMv {@code vrest} of the ephys features table, mV
     * @param thresholdMv {@code threshold_v_long_square} of the ephys features table, mV
     */
    public record Cell(long specimenId, Epochs train, List<Epochs> test, double vrestMv, double thresholdMv) {
        public Cell {
            test = List.copyOf(test);
        }
    }

    /** Current in pA as the prepared data hold it: the reader's amperes times 1e12, in double, rounded to float. */
    public static float toPa(float amps) { return (float) (amps * 1e12); }

    /** Voltage in mV as the prepared data hold it: volts times 1e3, in double, rounded to float. */
    public static float toMv(float volts) { return (float) (volts * 1e3); }

    /**
     * Prepares one cell from its {@code ephys.nwb}.
     *
     * @throws DataException when the file lacks a Noise 1 sweep, has other than 4 Noise 2 sweeps,
     *     a sweep is too short for the epochs, or fs is not an integer multiple of {@code rateHz}
     */
    public static Cell prepare(Path nwb, long specimenId, double rateHz, double seconds, double vrestMv, double thresholdMv) {
        checkGrid(rateHz, seconds);
        Map<Integer, String> names = AllenNwb.stimulusNames(nwb);
        List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            if (e.getValue().equals(TRAIN)) train.add(e.getKey());
            if (e.getValue().equals(TEST)) test.add(e.getKey());
        }
        if (train.isEmpty()) {
            throw new DataException(nwb, nwb + ": specimen " + specimenId + " has no sweep named '" + TRAIN
                    + "' (/stimulus/presentation/Sweep_N/aibs_stimulus_name); expected at least one for training; sweeps: " + names);
        }
        if (test.size() != TEST_TRIALS) {
            throw new DataException(nwb, nwb + ": specimen " + specimenId + " has " + test.size() + " sweeps named '" + TEST + "' "
                    + test + ", expected exactly " + TEST_TRIALS + " (the paper keeps only such cells)");
        }
        Epochs tr = epochs(nwb, AllenNwb.sweep(nwb, train.get(0)), rateHz, seconds);
        List<Epochs> te = new ArrayList<>();
        for (int n : test) te.add(epochs(nwb, AllenNwb.sweep(nwb, n), rateHz, seconds));
        return new Cell(specimenId, tr, te, vrestMv, thresholdMv);
    }

    /** The three epochs of one sweep ({@code file} only names the source in messages). */
    public static Epochs epochs(Path file, AllenNwb.Sweep s, double rateHz, double seconds) {
        checkGrid(rateHz, seconds);
        double fs = s.samplingRate();
        int dec = decimation(file, s, rateHz);
        int n = (int) Math.round(seconds * rateHz);
        if (n < 1) throw new IllegalArgumentException("EphysPrep: " + seconds + " s at " + rateHz + " Hz is less than one sample");
        long[] starts = new long[EPOCH_STARTS_S.length];
        int len = Math.min(s.stimulus().length, s.response().length);
        for (int e = 0; e < starts.length; e++) {
            starts[e] = Math.round(EPOCH_STARTS_S[e] * fs);
            long end = starts[e] + (long) (n - 1) * dec;
            if (end >= len) {
                throw new DataException(file, file + ": /epochs/Sweep_" + s.number() + ": the sweep has " + s.stimulus().length
                        + " stimulus and " + s.response().length + " response samples at " + fs + " Hz (" + len / fs
                        + " s), too short for epoch " + e + " (" + EPOCH_STARTS_S[e] + " s + " + seconds + " s); expected at least "
                        + (end + 1) + " samples");
            }
        }
        float[] mv = new float[s.response().length];
        for (int i = 0; i < mv.length; i++) mv[i] = toMv(s.response()[i]);
        int[] thr = SpikeDetector.detect(mv, fs).threshold();
        float[][] cur = new float[3][n], volt = new float[3][n], spk = new float[3][n];
        for (int e = 0; e < 3; e++) {
            int s0 = (int) starts[e];
            for (int i = 0; i < n; i++) {
                cur[e][i] = toPa(s.stimulus()[s0 + i * dec]);
                volt[e][i] = mv[s0 + i * dec];
            }
            long stop = s0 + (long) n * dec;
            for (int t : thr) {
                if (t >= s0 && t < stop) spk[e][(t - s0) / dec] = 1f;
            }
        }
        return new Epochs(cur, volt, spk, 1000.0 / rateHz);
    }

    /** fs / rateHz as an integer, or a {@link DataException} naming the file and sweep. */
    static int decimation(Path file, AllenNwb.Sweep s, double rateHz) {
        double fs = s.samplingRate();
        double r = fs / rateHz;
        long k = Math.round(r);
        if (k < 1 || Math.abs(r - k) > 1e-9 * r) {
            throw new DataException(file, file + ": /epochs/Sweep_" + s.number() + "/stimulus/timeseries/starting_time@rate: "
                    + "sampling rate " + fs + " Hz is not an integer multiple of the target rate " + rateHz
                    + " Hz; expected fs = k·" + rateHz + " (the paper takes every k-th sample)");
        }
        return (int) k;
    }

    private static void checkGrid(double rateHz, double seconds) {
        if (!(rateHz > 0) || !Double.isFinite(rateHz)) throw new IllegalArgumentException("EphysPrep: rateHz must be > 0, got " + rateHz);
        if (!(seconds > 0) || !Double.isFinite(seconds)) throw new IllegalArgumentException("EphysPrep: seconds must be > 0, got " + seconds);
    }

    /** max |I| over the epochs (the paper's model input is I / (100·max I) with the training epochs' max). */
    public static float maxAbsCurrent(Epochs e) {
        float m = 0;
        for (float[] row : e.currentPa()) for (float v : row) m = Math.max(m, Math.abs(v));
        return m;
    }
}
