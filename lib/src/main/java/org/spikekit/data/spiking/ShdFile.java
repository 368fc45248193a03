package org.spikekit.data.spiking;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.spikekit.data.DataException;
import org.spikekit.data.format.Hdf5Files;
import org.spikekit.data.format.hdf5.Hdf5Writer;

/**
 * The Spiking Heidelberg Digits (SHD; Cramer et al. 2020) HDF5 files {@code shd_train.h5} /
 * {@code shd_test.h5} as distributed by compneuro.net and read by the Blocks code
 * ({@code src/datasets/neuromorphic.py}; notebooks/papers/blocks.md §3.2):
 * <ul>
 *   <li>{@code /spikes/times}: one variable-length sequence per sample, spike times in seconds
 *       (floating point, finite, ≥ 0);</li>
 *   <li>{@code /spikes/units}: one variable-length sequence per sample, the channel of each spike
 *       (integer, 0..699), as long as the sample's times;</li>
 *   <li>{@code /labels}: one integer class per sample, 0..19 (English and German digits);</li>
 *   <li>{@code /extra} (optional): {@code speaker} (one integer per sample) and {@code keys}
 *       (class names), read when present.</li>
 * </ul>
 * SpikeKit's synthetic stand-in ({@link #synthetic}) is written in the same layout by the kit's
 * own {@link Hdf5Writer} and carries its generator settings in the root attribute
 * {@value #GENERATOR}. Every problem is a {@link DataException} naming the file and the field.
 */
public final class ShdFile {
    private ShdFile() {}

    public static final int CHANNELS = 700;
    public static final int CLASSES = 20;
    /** Root attribute holding the generator description of a SpikeKit stand-in. */
    public static final String GENERATOR = "spikekit_generator";
    static final String WHAT = "SHD file";

    /** The class names of the real data set's {@code /extra/keys}, in label order. */
    public static final List<String> KEYS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "null", "eins", "zwei", "drei", "vier", "fuenf", "sechs", "sieben", "acht", "neun");

    /**
     * The samples of one SHD file.
     *
     * @param times per sample, spike times in seconds
     * @param units per sample, the channel 0..699 of each spike
     * @param labels per sample, the class 0..19
     * @param speakers per sample, the speaker id, or null when the file has none
     * @param keys class names (may be empty)
     * @param generator the stand-in's generator description, "" for real files
     */
    public record ShdSet(String name, float[][] times, int[][] units, int[] labels, int[] speakers, List<String> keys,
                         String generator) {
        public ShdSet {
            if (times.length != units.length || times.length != labels.length || (speakers != null && speakers.length != labels.length)) {
                throw new IllegalArgumentException("ShdSet " + name + ": times, units, labels and speakers must have one entry per sample");
            }
            for (int i = 0; i < times.length; i++) {
                if (times[i].length != units[i].length) {
                    throw new IllegalArgumentException("ShdSet " + name + ": sample " + i + " has " + times[i].length + " times but "
                            + units[i].length + " units");
                }
            }
            keys = List.copyOf(keys);
        }

        public int size() { return labels.length; }

        /** Total number of spikes. */
        public long spikes() {
            long n = 0;
            for (float[] t : times) n += t.length;
            return n;
        }

        /** The samples at {@code index}, in that order. */
        public ShdSet subset(int[] index) {
            float[][] t = new float[index.length][];
            int[][] u = new int[index.length][];
            int[] l = new int[index.length], s = speakers == null ? null : new int[index.length];
            for (int i = 0; i < index.length; i++) {
                t[i] = times[index[i]];
                u[i] = units[index[i]];
                l[i] = labels[index[i]];
                if (s != null) s[i] = speakers[index[i]];
            }
            return new ShdSet(name, t, u, l, s, keys, generator);
        }
    }

    // ================================================================== reading

    /** Reads and checks a file; see the class comment. */
    public static ShdSet read(Path file) {
        Hdf5Files.checkContainer(file, WHAT);
        try (HdfFile h = new HdfFile(file)) {
            String name = file.getFileName().toString().replaceFirst("\\.h5$", "");
            double[][] times = vlen(file, h, "/spikes/times");
            double[][] unitsD = vlen(file, h, "/spikes/units");
            double[] labelsD = flat(file, h, "/labels", true);
            int n = labelsD.length;
            if (times.length != n || unitsD.length != n) {
                throw new DataException(file, file + ": /spikes/times has " + times.length + " samples, /spikes/units "
                        + unitsD.length + " and /labels " + n + "; expected the same number");
            }
            float[][] t = new float[n][];
            int[][] u = new int[n][];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                if (times[i].length != unitsD[i].length) {
                    throw new DataException(file, file + ": sample " + i + " has " + times[i].length + " entries in /spikes/times but "
                            + unitsD[i].length + " in /spikes/units");
                }
                t[i] = new float[times[i].length];
                u[i] = new int[times[i].length];
                for (int k = 0; k < t[i].length; k++) {
                    double tv = times[i][k], uv = unitsD[i][k];
                    if (!Double.isFinite(tv) || tv < 0) {
                        throw new DataException(file, file + ": /spikes/times[" + i + "][" + k + "] = " + tv
                                + ", expected a finite time >= 0 s");
                    }
                    if (uv != Math.rint(uv) || uv < 0 || uv >= CHANNELS) {
                        throw new DataException(file, file + ": /spikes/units[" + i + "][" + k + "] = " + uv
                                + ", expected a channel 0.." + (CHANNELS - 1));
                    }
                    t[i][k] = (float) tv;
                    u[i][k] = (int) uv;
                }
                double l = labelsD[i];
                if (l != Math.rint(l) || l < 0 || l >= CLASSES) {
                    throw new DataException(file, file + ": /labels[" + i + "] = " + l + ", expected a class 0.." + (CLASSES - 1));
                }
                labels[i] = (int) l;
            }
            int[] speakers = null;
            if (h.getChild("extra") instanceof Group extra
                    && extra.getChild("speaker") != null) {
                double[] s = flat(file, h, "/extra/speaker", true);
                if (s.length != n) {
                    throw new DataException(file, file + ": /extra/speaker has " + s.length + " entries, expected " + n + " (one per sample)");
                }
                speakers = new int[n];
                for (int i = 0; i < n; i++) speakers[i] = (int) s[i];
            }
            List<String> keys = keys(file, h);
            String gen = "";
            Attribute a = h.getAttribute(GENERATOR);
            if (a != null && a.getData() instanceof String s) gen = s;
            return new ShdSet(name, t, u, labels, speakers, keys, gen);
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DataException(file, file + ": cannot read as an SHD HDF5 file (damaged?): " + e.getMessage(), e);
        }
    }

    private static Node node(Path file, HdfFile h, String path) {
        try {
            return h.getByPath(path);
        } catch (RuntimeException e) {
            throw new DataException(file, file + ": has no " + path + " (" + e.getMessage() + "); expected the SHD layout "
                    + "/spikes/times, /spikes/units, /labels", e);
        }
    }

    private static double[][] vlen(Path file, HdfFile h, String path) {
        if (!(node(file, h, path) instanceof Dataset d)) throw new DataException(file, file + ": " + path + " is not a dataset");
        if (d.getDimensions().length != 1) {
            throw new DataException(file, file + ": " + path + " has dimensions " + Arrays.toString(d.getDimensions())
                    + ", expected one variable-length sequence per sample (1-D)");
        }
        Object data = d.getData();
        if (data == null || !data.getClass().isArray()) {
            throw new DataException(file, file + ": " + path + " holds " + data + ", expected variable-length sequences");
        }
        int n = Array.getLength(data);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Hdf5Files.numbers(Array.get(data, i));
            if (out[i] == null) {
                throw new DataException(file, file + ": " + path + "[" + i + "] is not a numeric sequence (datatype "
                        + d.getDataType().getClass().getSimpleName() + "); expected variable-length numbers");
            }
        }
        return out;
    }

    private static double[] flat(Path file, HdfFile h, String path, boolean required) {
        if (!(node(file, h, path) instanceof Dataset d)) throw new DataException(file, file + ": " + path + " is not a dataset");
        double[] v = Hdf5Files.numbers(d.getData());
        if (v == null) {
            throw new DataException(file, file + ": " + path + " has dimensions " + Arrays.toString(d.getDimensions())
                    + " and datatype " + d.getDataType().getClass().getSimpleName() + ", expected a 1-D numeric array");
        }
        return v;
    }

    private static List<String> keys(Path file, HdfFile h) {
        try {
            if (!(h.getChild("extra") instanceof Group extra)
                    || !(extra.getChild("keys") instanceof Dataset d)) {
                return List.of();
            }
            Object data = d.getData();
            List<String> out = new ArrayList<>();
            if (data != null && data.getClass().isArray()) {
                for (int i = 0; i < Array.getLength(data); i++) {
                    Object v = Array.get(data, i);
                    out.add(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(v));
                }
            }
            return out;
        } catch (RuntimeException e) {
            return List.of();   // class names are informational only
        }
    }

    // ================================================================== writing

    /** Writes {@code set} in the SHD layout (times float32, units uint16, labels and speakers uint16, keys). */
    public static void write(Path file, ShdSet set) {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group sp = w.root().group("spikes");
        char[][] u = new char[set.size()][];
        for (int i = 0; i < u.length; i++) {
            u[i] = new char[set.units()[i].length];
            for (int k = 0; k < u[i].length; k++) u[i][k] = (char) set.units()[i][k];
        }
        sp.vlenFloat32("times", set.times());
        sp.vlenUint16("units", u);
        char[] l = new char[set.size()];
        for (int i = 0; i < l.length; i++) l[i] = (char) set.labels()[i];
        w.root().uint16("labels", new long[] {l.length}, l);
        Hdf5Writer.Group extra = w.root().group("extra");
        if (set.speakers() != null) {
            char[] s = new char[set.size()];
            for (int i = 0; i < s.length; i++) s[i] = (char) set.speakers()[i];
            extra.uint16("speaker", new long[] {s.length}, s);
        }
        if (!set.keys().isEmpty()) extra.strings("keys", set.keys().toArray(String[]::new));
        if (!set.generator().isEmpty()) w.root().attribute(GENERATOR, set.generator());
        try {
            w.write(file);
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot write the SHD file: " + e.getMessage(), e);
        }
    }

    // ================================================================== synthetic stand-in

    /**
     * Settings of the spoken-digit-like stand-in.
     *
     * @param seed seed of the class prototypes (formant curves) and, mixed with the stream number, of
     *     the samples drawn
     * @param samples number of samples (labels cycle through the 20 classes, then are shuffled)
     * @param duration mean utterance length in seconds (real SHD: up to ~1 s within 1.2 s windows)
     * @param rate peak firing rate of a channel on a formant, Hz
     * @param noiseRate background rate of every channel, Hz
     * @param jitter spike-time jitter, seconds (s.d.)
     */
    public record Config(long seed, int samples, double duration, double rate, double noiseRate, double jitter) {
        public Config {
            if (samples < 1 || !(duration > 0) || !(rate > 0) || !(noiseRate >= 0) || !(jitter >= 0)) {
                throw new IllegalArgumentException("ShdFile.Config: need samples >= 1, duration > 0, rate > 0, noiseRate >= 0, jitter >= 0; got "
                        + samples + ", " + duration + ", " + rate + ", " + noiseRate + ", " + jitter);
            }
        }

        /** Quick-mode size: a few hundred samples of ~0.6 s. */
        public static Config quick(long seed, int samples) { return new Config(seed, samples, 0.6, 60, 1.5, 0.002); }

        public String describe() {
            return String.format(Locale.ROOT, "spikekit ShdFile.synthetic seed=%d samples=%d duration=%.3f rate=%.1f noiseRate=%.2f jitter=%.4f",
                    seed, samples, duration, rate, noiseRate, jitter);
        }
    }

    /** Formants per class; each moves linearly (with a bend) from a start to an end channel. */
    static final int FORMANTS = 3;

    /**
     * A seeded stand-in with SHD's shape: 20 classes over 700 channels; each class has three
     * "formants" whose channels sweep along class-specific curves over the utterance (the class
     * prototypes depend only on {@code seed}, not on {@code samples}); each sample gets a
     * speaker-like channel shift (±25), a speaking-rate stretch (±15 %), an onset delay
     * (0..0.1 s), per-spike time jitter, a ±12-channel spread around each formant, and background
     * noise on every channel. Spikes of a sample are sorted by time.
     */
    public static ShdSet synthetic(Config cfg) { return synthetic(cfg, 0); }

    /**
     * Like {@link #synthetic(Config)}, with the samples drawn from stream {@code stream} (the
     * class prototypes are the same for every stream): stream 0 for training, 1 for test.
     */
    public static ShdSet synthetic(Config cfg, int stream) {
        SplittableRandom proto = new SplittableRandom(cfg.seed());
        double[][][] f = new double[CLASSES][FORMANTS][3];    // start channel, end channel, bend
        for (int c = 0; c < CLASSES; c++) {
            for (int k = 0; k < FORMANTS; k++) {
                double lo = 60 + k * 200, hi = lo + 220;
                f[c][k][0] = lo + proto.nextDouble() * (hi - lo);
                f[c][k][1] = lo + proto.nextDouble() * (hi - lo);
                f[c][k][2] = (proto.nextDouble() - 0.5) * 160;
            }
        }
        SplittableRandom r = new SplittableRandom(cfg.seed() ^ 0x5DEECE66DL ^ (0x9E3779B97F4A7C15L * stream));
        int n = cfg.samples();
        int[] labels = new int[n], speakers = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % CLASSES;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), tmp = labels[i];
            labels[i] = labels[j];
            labels[j] = tmp;
        }
        float[][] times = new float[n][];
        int[][] units = new int[n][];
        double dt = 1e-3;
        for (int i = 0; i < n; i++) {
            int c = labels[i];
            speakers[i] = r.nextInt(10);
            double shift = (speakers[i] - 4.5) * 5 + (r.nextDouble() - 0.5) * 10;
            double len = cfg.duration() * (0.85 + 0.3 * r.nextDouble());
            double onset = 0.1 * r.nextDouble();
            List<double[]> ev = new ArrayList<>();
            int steps = (int) Math.ceil(len / dt);
            for (int s = 0; s < steps; s++) {
                double u = (double) s / steps;
                double env = Math.sin(Math.PI * u);                       // loudness envelope
                for (int k = 0; k < FORMANTS; k++) {
                    double centre = f[c][k][0] + (f[c][k][1] - f[c][k][0]) * u + f[c][k][2] * 4 * u * (1 - u) + shift;
                    double amp = env * (1.0 - 0.25 * k);
                    int c0 = (int) Math.floor(centre - 24), c1 = (int) Math.ceil(centre + 24);
                    for (int ch = Math.max(0, c0); ch <= Math.min(CHANNELS - 1, c1); ch++) {
                        double d = (ch - centre) / 12.0;
                        double p = cfg.rate() * amp * Math.exp(-0.5 * d * d) * dt;
                        if (r.nextDouble() < p) {
                            double t = onset + s * dt + r.nextGaussian() * cfg.jitter();
                            ev.add(new double[] {Math.max(0, t), ch});
                        }
                    }
                }
            }
            double total = onset + len + 0.1;
            long noise = poisson(r, cfg.noiseRate() * total * CHANNELS);
            for (long q = 0; q < noise; q++) ev.add(new double[] {r.nextDouble() * total, r.nextInt(CHANNELS)});
            ev.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
            times[i] = new float[ev.size()];
            units[i] = new int[ev.size()];
            for (int e = 0; e < ev.size(); e++) {
                times[i][e] = (float) ev.get(e)[0];
                units[i][e] = (int) ev.get(e)[1];
            }
        }
        return new ShdSet("shd-synthetic", times, units, labels, speakers, KEYS, cfg.describe() + " stream=" + stream);
    }

    private static long poisson(SplittableRandom r, double mean) {
        if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * r.nextGaussian()));
        double l = Math.exp(-mean), p = 1;
        long k = 0;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }

    // ================================================================== binning

    /**
     * Dense time-major frames {@code [steps, B, 700]} (row-major float array) of the samples
     * {@code index}: spike at time t goes to step {@code round(t / dt)} (the Blocks code's
     * {@code round(t·1000/dt)} with dt in ms); spikes at steps ≥ {@code steps} are dropped.
     * Without {@code binary} the frame holds spike counts, as the Blocks code's frames do (its
     * {@code SpikeTensorBuilder}, {@code src/datasets/transforms.py}, makes an uncoalesced sparse
     * tensor dense, which sums duplicate (unit, step) entries); with {@code binary} several spikes
     * in one bin count once.
     *
     * @param dt bin width in seconds (paper: 0.002 s, steps = 600 for 1.2 s)
     */
    public static float[] frames(ShdSet set, int[] index, double dt, int steps, boolean binary) {
        if (!(dt > 0) || steps < 1) throw new IllegalArgumentException("ShdFile.frames: need dt > 0 and steps >= 1, got " + dt + ", " + steps);
        int b = index.length;
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(steps, b), CHANNELS)];
        for (int j = 0; j < b; j++) {
            float[] t = set.times()[index[j]];
            int[] u = set.units()[index[j]];
            for (int k = 0; k < t.length; k++) {
                long s = Math.round(t[k] / dt);
                if (s >= steps) continue;
                int o = ((int) s * b + j) * CHANNELS + u[k];
                out[o] = binary ? 1f : out[o] + 1f;
            }
        }
        return out;
    }
}
