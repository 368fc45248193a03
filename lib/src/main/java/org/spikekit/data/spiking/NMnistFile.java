package org.spikekit.data.spiking;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.spikekit.data.DataException;
import org.spikekit.data.images.ImageSet;

/**
 * N-MNIST (Orchard et al. 2015) event files: one {@code .bin} per sample, in folders
 * {@code Train/<digit>/*.bin} and {@code Test/<digit>/*.bin}. Each event is 5 bytes (40 bits,
 * big-endian fields; notebooks/papers/blocks.md §3.3, checked against the widely used reader of
 * gorchard/event-Python as adapted in tonic {@code io.read_mnist_file}):
 * <pre>
 *   byte 0      x (0..33)
 *   byte 1      y (0..33); y == 240 marks a timestamp overflow: 2^13 µs are added to the
 *               timestamps of this and all later events (the marker itself is not an event)
 *   byte 2      bit 7 = polarity (1 = ON), bits 6..0 = timestamp bits 22..16
 *   bytes 3, 4  timestamp bits 15..0, in microseconds
 * </pre>
 * The 2^13 increment is what that reader does, although the timestamp field has 23 bits; the
 * real recordings (~300 ms ≈ 3·10^5 µs) are far below 2^23 µs, so markers do not occur in them,
 * and {@link #write} never writes one (it refuses timestamps ≥ 2^23 µs instead).
 *
 * <p>SpikeKit's stand-in ({@link #synthetic}) simulates the recording: a 28×28 digit placed in
 * the 34×34 sensor moves through three saccades, and a pixel emits an ON/OFF event whenever its
 * log intensity has changed by the contrast threshold since its last event.
 */
public final class NMnistFile {
    private NMnistFile() {}

    public static final int SIZE = 34;
    public static final int PIXELS = SIZE * SIZE;
    public static final int OVERFLOW_Y = 240;
    public static final int OVERFLOW_US = 1 << 13;
    public static final int MAX_TS = (1 << 23) - 1;
    static final String WHAT = "N-MNIST file";

    /**
     * The events of one sample, time order as in the file.
     *
     * @param ts timestamps in µs (overflow markers applied)
     * @param label the digit, or -1 when unknown
     */
    public record Events(int[] x, int[] y, int[] p, int[] ts, int label) {
        public Events {
            if (y.length != x.length || p.length != x.length || ts.length != x.length) {
                throw new IllegalArgumentException("N-MNIST events: x, y, p and ts must have the same length");
            }
        }

        public int size() { return x.length; }

        public Events withLabel(int l) { return new Events(x, y, p, ts, l); }

        /** Input unit of event k: {@code p·34·34 + y·34 + x} (two polarity planes). */
        public int unit(int k) { return p[k] * PIXELS + y[k] * SIZE + x[k]; }
    }

    // ================================================================== reading

    /** Reads one {@code .bin} file (label -1); see the class comment for the format and checks. */
    public static Events read(Path file) {
        if (file == null) throw new DataException(null, WHAT + ": no path given");
        if (!Files.exists(file)) throw new DataException(file, WHAT + " not found: " + file);
        if (!Files.isRegularFile(file)) throw new DataException(file, WHAT + " is not a regular file: " + file);
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot read: " + e.getMessage(), e);
        }
        return decode(b, file);
    }

    /** Decodes the bytes of a {@code .bin} file; {@code file} names it in messages. */
    public static Events decode(byte[] b, Path file) {
        if (b.length == 0) throw new DataException(file, file + ": empty " + WHAT + " (no events)");
        if (b.length % 5 != 0) {
            throw new DataException(file, file + ": " + b.length + " bytes is not a multiple of 5 (5 bytes per event): truncated or not an "
                    + WHAT);
        }
        int m = b.length / 5, n = 0;
        for (int k = 0; k < m; k++) if ((b[5 * k + 1] & 0xff) != OVERFLOW_Y) n++;
        int[] x = new int[n], y = new int[n], p = new int[n], ts = new int[n];
        long add = 0;
        int e = 0;
        for (int k = 0; k < m; k++) {
            int o = 5 * k;
            int bx = b[o] & 0xff, by = b[o + 1] & 0xff, b2 = b[o + 2] & 0xff;
            if (by == OVERFLOW_Y) {
                add += OVERFLOW_US;
                continue;
            }
            if (bx >= SIZE || by >= SIZE) {
                throw new DataException(file, file + ": event " + k + " (byte offset " + o + ") has x = " + bx + ", y = " + by
                        + ", expected 0.." + (SIZE - 1) + " (or y = 240 for a timestamp overflow)");
            }
            long t = ((long) (b2 & 0x7f) << 16 | (b[o + 3] & 0xff) << 8 | (b[o + 4] & 0xff)) + add;
            if (t > Integer.MAX_VALUE) throw new DataException(file, file + ": event " + k + " timestamp " + t + " µs overflows");
            x[e] = bx;
            y[e] = by;
            p[e] = b2 >>> 7;
            ts[e] = (int) t;
            e++;
        }
        return new Events(x, y, p, ts, -1);
    }

    /**
     * Reads a data set folder ({@code root/<digit>/*.bin}, e.g. {@code N-MNIST/Train}); the label is
     * the folder name. Files are taken in name order within each digit, digits in order 0..9.
     *
     * @param limitPerClass at most this many files per digit (≤ 0: all)
     */
    public static List<Events> readFolder(Path root, int limitPerClass) {
        if (!Files.isDirectory(root)) throw new DataException(root, "N-MNIST folder not found: " + root + " (expected <digit>/*.bin below it)");
        List<Events> out = new ArrayList<>();
        int found = 0;
        for (int d = 0; d < 10; d++) {
            Path dir = root.resolve(Integer.toString(d));
            if (!Files.isDirectory(dir)) continue;
            found++;
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(f -> f.getFileName().toString().endsWith(".bin")).sorted().toList();
            } catch (IOException e) {
                throw new DataException(dir, dir + ": cannot list: " + e.getMessage(), e);
            }
            if (limitPerClass > 0 && files.size() > limitPerClass) files = files.subList(0, limitPerClass);
            for (Path f : files) out.add(read(f).withLabel(d));
        }
        if (found == 0) throw new DataException(root, root + ": no digit folders 0..9; expected the N-MNIST layout <digit>/*.bin");
        return out;
    }

    // ================================================================== writing

    /** The {@code .bin} bytes of {@code ev} (no overflow markers). */
    public static byte[] encode(Events ev) {
        byte[] b = new byte[5 * ev.size()];
        for (int k = 0; k < ev.size(); k++) {
            int x = ev.x()[k], y = ev.y()[k], p = ev.p()[k], t = ev.ts()[k];
            if (x < 0 || x >= SIZE || y < 0 || y >= SIZE || (p & ~1) != 0 || t < 0 || t > MAX_TS) {
                throw new IllegalArgumentException("N-MNIST event " + k + ": x = " + x + ", y = " + y + ", p = " + p + ", ts = " + t
                        + " µs; expected x, y in 0.." + (SIZE - 1) + ", p in {0, 1}, 0 <= ts < 2^23");
            }
            int o = 5 * k;
            b[o] = (byte) x;
            b[o + 1] = (byte) y;
            b[o + 2] = (byte) (p << 7 | t >>> 16);
            b[o + 3] = (byte) (t >>> 8);
            b[o + 4] = (byte) t;
        }
        return b;
    }

    /** Writes {@code ev} to {@code file} (atomically: temporary file, then rename). */
    public static void write(Path file, Events ev) {
        byte[] b = encode(ev);
        try {
            Path abs = file.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = org.spikekit.data.format.hdf5.Hdf5Writer.createTemp(abs.getParent(), abs.getFileName().toString());
            Files.write(tmp, b);
            Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Writes samples as {@code root/<label>/<nnnnn>.bin}, numbered in list order. */
    public static void writeFolder(Path root, List<Events> samples) {
        for (int i = 0; i < samples.size(); i++) {
            Events e = samples.get(i);
            if (e.label() < 0 || e.label() > 9) throw new IllegalArgumentException("N-MNIST sample " + i + " has label " + e.label());
            write(root.resolve(Integer.toString(e.label())).resolve(String.format(Locale.ROOT, "%05d.bin", i)), e);
        }
    }

    // ================================================================== synthetic stand-in

    /**
     * Settings of the simulated recording.
     *
     * @param seed seed of the simulation; each recording's generator is seeded by {@code (seed, sample)}
     * @param saccadeMs duration of each of the three saccades (real: ~100 ms)
     * @param amplitude saccade displacement in pixels
     * @param contrast log-intensity change that triggers an event
     * @param noiseHz background events per pixel and second
     */
    public record Config(long seed, double saccadeMs, double amplitude, double contrast, double noiseHz) {
        public static Config standard(long seed) { return new Config(seed, 100, 3.0, 0.25, 0.2); }

        public String describe() {
            return String.format(Locale.ROOT, "spikekit NMnistFile.synthetic seed=%d saccadeMs=%.1f amplitude=%.2f contrast=%.3f noiseHz=%.2f",
                    seed, saccadeMs, amplitude, contrast, noiseHz);
        }
    }

    /** The triangle the sensor follows (in pixels, relative to the start): three saccades. */
    private static final double[][] PATH = {{0, 0}, {1, 1}, {-1, 1}, {0, 0}};

    /**
     * Simulates one recording of image {@code i} of {@code digits} (28×28 grey, 1 channel, label =
     * its class): the digit is centred in the 34×34 field and shifted along a triangle of three
     * saccades (each {@code saccadeMs}, displacement {@code amplitude} px, bilinear sampling);
     * every 1 ms each pixel compares its log intensity {@code ln(0.05 + I)} with its reference
     * level and emits ON (p = 1) / OFF (p = 0) events per whole contrast step (per-pixel threshold
     * mismatch 10 %, time uniformly within the step), plus Poisson background events. Events are
     * sorted by time. Seeded by {@code (cfg.seed, sample)}.
     */
    public static Events simulate(ImageSet digits, int i, long sample, Config cfg) {
        if (digits.height() != 28 || digits.width() != 28 || digits.channels() != 1) {
            throw new IllegalArgumentException("NMnistFile.simulate needs 28x28 grey digits, got " + digits.name());
        }
        SplittableRandom r = new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + sample);
        float[] img = new float[28 * 28];
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) img[y * 28 + x] = digits.pixel(i, y, x, 0) / 255f;
        double[] thr = new double[PIXELS], ref = new double[PIXELS];
        for (int k = 0; k < PIXELS; k++) thr[k] = cfg.contrast() * (1 + 0.1 * r.nextGaussian());
        double stepUs = 1000, total = 3 * cfg.saccadeMs() * 1000;
        int steps = (int) Math.round(total / stepUs);
        List<long[]> ev = new ArrayList<>();
        double[] level = new double[PIXELS];
        for (int s = 0; s <= steps; s++) {
            double tUs = s * stepUs;
            double u = Math.min(2.999999, tUs / (cfg.saccadeMs() * 1000));
            int seg = (int) u;
            double f = u - seg;
            double dx = cfg.amplitude() * (PATH[seg][0] + f * (PATH[seg + 1][0] - PATH[seg][0]));
            double dy = cfg.amplitude() * (PATH[seg][1] + f * (PATH[seg + 1][1] - PATH[seg][1]));
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double iv = bilinear(img, x - 3 - dx, y - 3 - dy);
                    level[y * SIZE + x] = Math.log(0.05 + iv);
                }
            }
            if (s == 0) {
                System.arraycopy(level, 0, ref, 0, PIXELS);
                continue;
            }
            for (int k = 0; k < PIXELS; k++) {
                double d = level[k] - ref[k];
                while (Math.abs(d) >= thr[k]) {
                    int pol = d > 0 ? 1 : 0;
                    ref[k] += pol == 1 ? thr[k] : -thr[k];
                    d = level[k] - ref[k];
                    long t = (long) ((s - 1) * stepUs + r.nextDouble() * stepUs);
                    ev.add(new long[] {t, k % SIZE, k / SIZE, pol});
                }
            }
        }
        long noise = Math.round(cfg.noiseHz() * PIXELS * total * 1e-6 * (0.5 + r.nextDouble()));
        for (long q = 0; q < noise; q++) {
            ev.add(new long[] {(long) (r.nextDouble() * total), r.nextInt(SIZE), r.nextInt(SIZE), r.nextInt(2)});
        }
        ev.sort((a, b) -> Long.compare(a[0], b[0]));
        int n = ev.size();
        int[] xs = new int[n], ys = new int[n], ps = new int[n], ts = new int[n];
        for (int k = 0; k < n; k++) {
            long[] e = ev.get(k);
            ts[k] = (int) e[0];
            xs[k] = (int) e[1];
            ys[k] = (int) e[2];
            ps[k] = (int) e[3];
        }
        return new Events(xs, ys, ps, ts, digits.labels()[i]);
    }

    private static double bilinear(float[] img, double x, double y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        return (1 - fx) * (1 - fy) * px(img, x0, y0) + fx * (1 - fy) * px(img, x0 + 1, y0)
                + (1 - fx) * fy * px(img, x0, y0 + 1) + fx * fy * px(img, x0 + 1, y0 + 1);
    }

    private static double px(float[] img, int x, int y) {
        return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : img[y * 28 + x];
    }

    /** {@link #simulate} for each image in {@code index} (sample number = position in {@code index}). */
    public static List<Events> synthetic(ImageSet digits, int[] index, Config cfg) {
        List<Events> out = new ArrayList<>(index.length);
        for (int k = 0; k < index.length; k++) out.add(simulate(digits, index[k], k, cfg));
        return out;
    }

    // ================================================================== binning

    /**
     * Dense time-major frames {@code [steps, B, units]} (row-major float array) of {@code samples}:
     * event at {@code ts} µs goes to step {@code round(ts / 1000 / dtMs)} (events at steps ≥
     * {@code steps} are dropped) and unit {@code p·1156 + y·34 + x} ({@code units = 2312}); with
     * {@code foldPolarity} the unit is {@code y·34 + x} ({@code units = 1156}, the Blocks code's
     * index modulo 1156). Without {@code binary} the frame holds event counts, as the Blocks code's
     * dense tensor does (an uncoalesced sparse tensor made dense sums duplicates,
     * {@code src/datasets/transforms.py}); with {@code binary} several events in one bin count once.
     */
    public static float[] frames(List<Events> samples, double dtMs, int steps, boolean foldPolarity, boolean binary) {
        if (!(dtMs > 0) || steps < 1) throw new IllegalArgumentException("NMnistFile.frames: need dtMs > 0 and steps >= 1, got " + dtMs + ", " + steps);
        int b = samples.size(), units = foldPolarity ? PIXELS : 2 * PIXELS;
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(steps, b), units)];
        for (int j = 0; j < b; j++) {
            Events e = samples.get(j);
            for (int k = 0; k < e.size(); k++) {
                long s = Math.round(e.ts()[k] / 1000.0 / dtMs);
                if (s >= steps) continue;
                int u = foldPolarity ? e.y()[k] * SIZE + e.x()[k] : e.unit(k);
                int o = ((int) s * b + j) * units + u;
                out[o] = binary ? 1f : out[o] + 1f;
            }
        }
        return out;
    }

    /** Labels of {@code samples}, in order. */
    public static int[] labels(List<Events> samples) {
        return samples.stream().mapToInt(Events::label).toArray();
    }

    static String summary(Events e) {
        return e.size() + " events over " + (e.size() == 0 ? 0 : Arrays.stream(e.ts()).max().getAsInt() / 1000.0) + " ms";
    }
}
