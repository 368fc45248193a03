package org.spikekit.data.spiking;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.spikekit.data.DataException;
import org.spikekit.io.AtomicFiles;

/**
 * Single-spike input samples for the SpikeNN readout (notebooks/papers/spikenn.md §3.5; original
 * {@code spikenn/dataset.py}): per sample an ordered list of (input index, float32 firing time)
 * pairs sorted by ascending time, plus a class label in {@code 0..C−1}. Inputs that never fire
 * (time ≥ {@link #maxTime()}) are not stored. Immutable and safe to share between threads.
 *
 * <p><b>Storage.</b> One {@code int[]} of input indices and one {@code float[]} of times for all
 * samples, concatenated; sample {@code s} occupies positions {@code [start(s), end(s))}.
 *
 * <p><b>Order of equal times.</b> {@link #fromDense} sorts each row by time and, among equal times,
 * by ascending input index (a stable sort). The original uses numpy's default
 * {@code argsort} (introsort, not stable), so its order among equal times is unspecified. This
 * does not change any result: the readout integrates <em>all</em> spikes that share a timestamp
 * before it checks for a firing (notebooks/papers/spikenn.md §4.1), and float addition of the same weights in a
 * different order is the only difference, except for the last input spike of a sample (quirk (a):
 * the check at the last spike precedes its integration), whose identity among a final group of
 * equal times is therefore the only order-dependent detail; STDP updates depend only on the times.
 *
 * <p><b>File format</b> ({@link #write}/{@link #read}), version {@value #VERSION}, big-endian:
 * <pre>
 *   0     8 bytes  magic 89 53 4B 53 50 4B 31 0A  ("\x89SKSPK1\n")
 *   8     int32    format version (1)
 *   12    int32    n   samples
 *   16    int32    d   input size (indices are 0..d−1)
 *   20    int32    c   classes
 *   24    float32  maxTime
 *   28    int64    s   total spikes
 *   36    c × int32    original label value of each class 0..c−1 (ascending)
 *         n × int32    label of each sample (0..c−1)
 *         n × int32    spike count of each sample
 *         s × int32    input indices, sample after sample
 *         s × float32  times, sample after sample
 *         int32        CRC-32 of every byte before it
 * </pre>
 */
public final class SpikingDataset {
    public static final int VERSION = 1;
    static final byte[] MAGIC = {(byte) 0x89, 'S', 'K', 'S', 'P', 'K', '1', '\n'};

    private final int inputSize;
    private final float maxTime;
    private final int[] classValues;
    private final int[] labels;
    private final int[] offsets;          // n + 1
    private final int[] indices;
    private final float[] times;
    private volatile String digest;

    private SpikingDataset(int inputSize, float maxTime, int[] classValues, int[] labels, int[] offsets, int[] indices,
                           float[] times) {
        this.inputSize = inputSize;
        this.maxTime = maxTime;
        this.classValues = classValues;
        this.labels = labels;
        this.offsets = offsets;
        this.indices = indices;
        this.times = times;
    }

    /**
     * From a dense {@code [n, d]} row-major array of firing times (notebooks/papers/spikenn.md §3.5): in each row the
     * entries with {@code t < maxTime} are kept, sorted by time (ties: lower index first). Labels
     * are remapped to {@code 0..C−1} by their rank among the sorted distinct labels of
     * {@code labels} (as the original's {@code np.unique} remap).
     *
     * @throws IllegalArgumentException on a shape mismatch, a NaN or negative time (naming the row
     *                                  and column), or a non-finite or non-positive maxTime
     */
    public static SpikingDataset fromDense(float[] times, int n, int d, int[] labels, float maxTime) {
        Objects.requireNonNull(labels, "labels");
        return fromDense(times, n, d, labels, maxTime, Arrays.stream(labels).distinct().sorted().toArray());
    }

    /**
     * As {@link #fromDense(float[], int, int, int[], float)} but with the class list given, so
     * that the splits of one data set share one mapping even when a split lacks a class: label
     * value {@code classValues[k]} becomes class {@code k}.
     *
     * @param classValues distinct label values in ascending order; every label must be one of them
     */
    public static SpikingDataset fromDense(float[] times, int n, int d, int[] labels, float maxTime, int[] classValues) {
        Objects.requireNonNull(times, "times");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classValues, "classValues");
        if (n < 0 || d <= 0) throw new IllegalArgumentException("SpikingDataset.fromDense: need n >= 0 and d > 0, got n=" + n + ", d=" + d);
        if ((long) n * d != times.length) {
            throw new IllegalArgumentException("SpikingDataset.fromDense: times has " + times.length + " values, expected n*d = "
                    + n + "*" + d + " = " + (long) n * d);
        }
        if (labels.length != n) throw new IllegalArgumentException("SpikingDataset.fromDense: labels has " + labels.length + " values, expected n = " + n);
        checkMaxTime(maxTime, "SpikingDataset.fromDense");
        checkClassValues(classValues, "SpikingDataset.fromDense");
        int[] mapped = new int[n];
        for (int s = 0; s < n; s++) {
            int k = Arrays.binarySearch(classValues, labels[s]);
            if (k < 0) throw new IllegalArgumentException("SpikingDataset.fromDense: label " + labels[s] + " of sample " + s
                    + " is not one of the classes " + Arrays.toString(classValues));
            mapped[s] = k;
        }
        int[] offsets = new int[n + 1];
        for (int s = 0; s < n; s++) {
            int c = 0;
            for (int j = 0, b = s * d; j < d; j++) {
                float t = times[b + j];
                if (Float.isNaN(t) || t < 0f) {
                    throw new IllegalArgumentException("SpikingDataset.fromDense: time at row " + s + ", column " + j + " is " + t
                            + "; expected a time >= 0 (>= maxTime " + maxTime + " = no spike)");
                }
                if (t < maxTime) c++;
            }
            offsets[s + 1] = Math.addExact(offsets[s], c);
        }
        int[] idx = new int[offsets[n]];
        float[] ts = new float[offsets[n]];
        long[] keys = new long[d];
        for (int s = 0; s < n; s++) {
            int c = 0;
            for (int j = 0, b = s * d; j < d; j++) {
                float t = times[b + j];
                // non-negative floats order like their bit patterns: time in the high word, index low
                if (t < maxTime) keys[c++] = ((long) Float.floatToIntBits(t + 0f) << 32) | j;
            }
            Arrays.sort(keys, 0, c);
            for (int k = 0, o = offsets[s]; k < c; k++, o++) {
                idx[o] = (int) keys[k];
                ts[o] = Float.intBitsToFloat((int) (keys[k] >>> 32));
            }
        }
        return new SpikingDataset(d, maxTime, classValues.clone(), mapped, offsets, idx, ts);
    }

    /**
     * From sparse samples already in this class's layout (e.g. produced by a generator): spikes of
     * sample {@code s} are {@code [offsets[s], offsets[s+1])} of {@code indices}/{@code times},
     * labels already in {@code 0..numClasses−1}. Every sample is checked: indices in range, times
     * in {@code [0, maxTime)} and non-decreasing. The arrays are copied.
     */
    public static SpikingDataset of(int inputSize, float maxTime, int numClasses, int[] labels, int[] offsets, int[] indices,
                                    float[] times) {
        int[] cv = new int[numClasses];
        for (int k = 0; k < numClasses; k++) cv[k] = k;
        return validated(inputSize, maxTime, cv, labels.clone(), offsets.clone(), indices.clone(), times.clone(), "SpikingDataset.of");
    }

    private static SpikingDataset validated(int d, float maxTime, int[] classValues, int[] labels, int[] offsets, int[] indices,
                                            float[] times, String where) {
        if (d <= 0) throw new IllegalArgumentException(where + ": input size must be > 0, got " + d);
        checkMaxTime(maxTime, where);
        checkClassValues(classValues, where);
        int n = labels.length;
        if (offsets.length != n + 1 || offsets[0] != 0) {
            throw new IllegalArgumentException(where + ": offsets must have n+1 = " + (n + 1) + " entries starting at 0, got "
                    + offsets.length + (offsets.length > 0 ? " starting at " + offsets[0] : ""));
        }
        if (indices.length != times.length || offsets[n] != indices.length) {
            throw new IllegalArgumentException(where + ": offsets end at " + offsets[n] + " but there are " + indices.length
                    + " indices and " + times.length + " times");
        }
        int c = classValues.length;
        for (int s = 0; s < n; s++) {
            if (labels[s] < 0 || labels[s] >= c) throw new IllegalArgumentException(where + ": label of sample " + s + " is " + labels[s] + ", expected 0.." + (c - 1));
            if (offsets[s + 1] < offsets[s]) throw new IllegalArgumentException(where + ": offsets decrease at sample " + s);
            float prev = 0f;
            for (int k = offsets[s]; k < offsets[s + 1]; k++) {
                if (indices[k] < 0 || indices[k] >= d) {
                    throw new IllegalArgumentException(where + ": sample " + s + " spike " + (k - offsets[s]) + " has input index "
                            + indices[k] + ", expected 0.." + (d - 1));
                }
                float t = times[k];
                if (!(t >= prev) || !(t < maxTime)) {
                    throw new IllegalArgumentException(where + ": sample " + s + " spike " + (k - offsets[s]) + " has time " + t
                            + ", expected non-decreasing times in [0, " + maxTime + ")");
                }
                prev = t;
            }
        }
        return new SpikingDataset(d, maxTime, classValues, labels, offsets, indices, times);
    }

    private static void checkMaxTime(float maxTime, String where) {
        if (!(maxTime > 0) || !Float.isFinite(maxTime)) throw new IllegalArgumentException(where + ": maxTime must be finite and > 0, got " + maxTime);
    }

    private static void checkClassValues(int[] cv, String where) {
        for (int k = 1; k < cv.length; k++) {
            if (cv[k] <= cv[k - 1]) throw new IllegalArgumentException(where + ": class values must be distinct and ascending, got " + Arrays.toString(cv));
        }
    }

    // ---- access ---------------------------------------------------------------------------------

    /** Number of samples. */
    public int size() { return labels.length; }

    /** Input size D (input indices are {@code 0..D−1}). */
    public int inputSize() { return inputSize; }

    /** Number of classes C. */
    public int numClasses() { return classValues.length; }

    /** Times ≥ this mean "no spike"; 1 in the paper. */
    public float maxTime() { return maxTime; }

    /** Original label value of class {@code k} (before the remap to 0..C−1). */
    public int classValue(int k) { return classValues[k]; }

    /** Class (0..C−1) of sample {@code s}. */
    public int label(int s) { return labels[s]; }

    /** First spike position of sample {@code s}. */
    public int start(int s) { return offsets[s]; }

    /** One past the last spike position of sample {@code s}. */
    public int end(int s) { return offsets[s + 1]; }

    /** Spike count of sample {@code s}. */
    public int count(int s) { return offsets[s + 1] - offsets[s]; }

    /** Input index of spike position {@code k} (see {@link #start}). */
    public int index(int k) { return indices[k]; }

    /** Time of spike position {@code k}. */
    public float time(int k) { return times[k]; }

    /** Total number of spikes over all samples. */
    public long totalSpikes() { return indices.length; }

    /** Copies sample {@code s}'s spikes into the given arrays (from position 0); returns the count. */
    public int copySample(int s, int[] idxOut, float[] timeOut) {
        int a = offsets[s], c = offsets[s + 1] - a;
        System.arraycopy(indices, a, idxOut, 0, c);
        System.arraycopy(times, a, timeOut, 0, c);
        return c;
    }

    /** Largest spike count of any sample. */
    public int maxCount() {
        int m = 0;
        for (int s = 0; s < size(); s++) m = Math.max(m, count(s));
        return m;
    }

    /** Dense {@code [n, d]} times again ({@code maxTime} where an input did not fire). */
    public float[] toDense() {
        float[] out = new float[Math.multiplyExact(size(), inputSize)];
        Arrays.fill(out, maxTime);
        for (int s = 0; s < size(); s++) for (int k = offsets[s]; k < offsets[s + 1]; k++) out[s * inputSize + indices[k]] = times[k];
        return out;
    }

    /** Per-class sample counts. */
    public int[] classCounts() {
        int[] c = new int[numClasses()];
        for (int l : labels) c[l]++;
        return c;
    }

    // ---- subsets --------------------------------------------------------------------------------

    /** The samples {@code rows} in that order (repeats allowed), same classes and input size. */
    public SpikingDataset subset(int[] rows) {
        int[] off = new int[rows.length + 1];
        int[] lab = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            int s = rows[r];
            if (s < 0 || s >= size()) throw new IndexOutOfBoundsException("SpikingDataset.subset: row " + s + " of " + size() + " samples");
            lab[r] = labels[s];
            off[r + 1] = Math.addExact(off[r], count(s));
        }
        int[] idx = new int[off[rows.length]];
        float[] ts = new float[off[rows.length]];
        for (int r = 0; r < rows.length; r++) {
            int s = rows[r];
            System.arraycopy(indices, offsets[s], idx, off[r], count(s));
            System.arraycopy(times, offsets[s], ts, off[r], count(s));
        }
        return new SpikingDataset(inputSize, maxTime, classValues, lab, off, idx, ts);
    }

    /** Samples {@code [from, to)}. */
    public SpikingDataset range(int from, int to) {
        if (from < 0 || to > size() || from > to) throw new IndexOutOfBoundsException("SpikingDataset.range [" + from + ", " + to + ") of " + size());
        int[] rows = new int[to - from];
        for (int k = 0; k < rows.length; k++) rows[k] = from + k;
        return subset(rows);
    }

    /**
     * The samples of all parts one after the other. All parts must agree in input size, maxTime
     * and class values.
     */
    public static SpikingDataset concat(SpikingDataset... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("SpikingDataset.concat needs at least one part");
        SpikingDataset a = parts[0];
        int n = 0;
        long s = 0;
        for (int p = 0; p < parts.length; p++) {
            SpikingDataset b = parts[p];
            if (b.inputSize != a.inputSize || b.maxTime != a.maxTime || !Arrays.equals(b.classValues, a.classValues)) {
                throw new IllegalArgumentException("SpikingDataset.concat: part " + p + " has input size " + b.inputSize + ", maxTime "
                        + b.maxTime + ", classes " + Arrays.toString(b.classValues) + "; part 0 has " + a.inputSize + ", "
                        + a.maxTime + ", " + Arrays.toString(a.classValues));
            }
            n += b.size();
            s += b.totalSpikes();
        }
        int[] lab = new int[n];
        int[] off = new int[n + 1];
        int[] idx = new int[Math.toIntExact(s)];
        float[] ts = new float[idx.length];
        int at = 0, sp = 0;
        for (SpikingDataset b : parts) {
            System.arraycopy(b.labels, 0, lab, at, b.size());
            for (int k = 0; k < b.size(); k++) off[at + k + 1] = sp + b.offsets[k + 1];
            System.arraycopy(b.indices, 0, idx, sp, b.indices.length);
            System.arraycopy(b.times, 0, ts, sp, b.times.length);
            at += b.size();
            sp += b.indices.length;
        }
        return new SpikingDataset(a.inputSize, a.maxTime, a.classValues, lab, off, idx, ts);
    }

    // ---- identity -------------------------------------------------------------------------------

    /**
     * SHA-256 (hex) of the content in file-format order (header, classes, labels, counts, indices,
     * times): two data sets with the same digest give the same training results. Computed once.
     */
    public String digest() {
        String d = digest;
        if (d == null) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                ByteBuffer b = ByteBuffer.allocate(1 << 16);
                b.putInt(inputSize).putFloat(maxTime).putInt(classValues.length).putInt(size());
                for (int v : classValues) b = put(md, b).putInt(v);
                for (int v : labels) b = put(md, b).putInt(v);
                for (int s = 0; s < size(); s++) b = put(md, b).putInt(count(s));
                for (int v : indices) b = put(md, b).putInt(v);
                for (float v : times) b = put(md, b).putFloat(v);
                b.flip();
                md.update(b);
                d = HexFormat.of().formatHex(md.digest());
                digest = d;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return d;
    }

    private static ByteBuffer put(MessageDigest md, ByteBuffer b) {
        if (b.remaining() < 8) {
            b.flip();
            md.update(b);
            b.clear();
        }
        return b;
    }

    @Override
    public String toString() {
        return "SpikingDataset[n=" + size() + ", d=" + inputSize + ", classes=" + numClasses() + ", spikes=" + totalSpikes()
                + String.format(java.util.Locale.ROOT, " (%.1f per sample)", size() == 0 ? 0.0 : totalSpikes() / (double) size()) + "]";
    }

    // ---- file -----------------------------------------------------------------------------------

    /** Writes the data set atomically in the format described in the class comment. */
    public Path write(Path file) throws IOException {
        return AtomicFiles.write(file, raw -> {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(new CheckedOutputStream(raw, crc), 1 << 16));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(size());
            out.writeInt(inputSize);
            out.writeInt(classValues.length);
            out.writeFloat(maxTime);
            out.writeLong(indices.length);
            for (int v : classValues) out.writeInt(v);
            for (int v : labels) out.writeInt(v);
            for (int s = 0; s < size(); s++) out.writeInt(count(s));
            for (int v : indices) out.writeInt(v);
            for (float v : times) out.writeFloat(v);
            out.flush();
            new DataOutputStream(raw).writeInt((int) crc.getValue());
        });
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws DataException naming the file when it is missing, has a bad magic or version, is
     *                       truncated, fails its checksum or holds inconsistent values
     */
    public static SpikingDataset read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file, "SpikingDataset file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read SpikingDataset file " + file + ": " + e.getMessage(), e);
        }
        CRC32 crc = new CRC32();
        try (InputStream raw = Files.newInputStream(file)) {
            CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc);
            DataInputStream in = new DataInputStream(checked);
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new DataException(file, "SpikingDataset file " + file + " has a bad magic " + HexFormat.of().formatHex(magic)
                        + ", expected " + HexFormat.of().formatHex(MAGIC) + " (not a SpikingDataset file)");
            }
            int version = in.readInt();
            if (version != VERSION) throw new DataException(file, "SpikingDataset file " + file + " has format version " + version + ", this reader knows " + VERSION);
            int n = in.readInt(), d = in.readInt(), c = in.readInt();
            float maxTime = in.readFloat();
            long s = in.readLong();
            if (n < 0 || d <= 0 || c < 0 || s < 0 || s > Integer.MAX_VALUE - 8) {
                throw new DataException(file, "SpikingDataset file " + file + " has an invalid header: n=" + n + ", d=" + d + ", classes=" + c + ", spikes=" + s);
            }
            long expected = 36L + 4L * c + 8L * n + 8L * s + 4;
            if (size != expected) {
                throw new DataException(file, "SpikingDataset file " + file + " has " + size + " bytes, its header (n=" + n + ", classes=" + c
                        + ", spikes=" + s + ") needs " + expected + (size < expected ? " (truncated)" : " (trailing bytes)"));
            }
            int[] cv = readInts(in, c);
            int[] labels = readInts(in, n);
            int[] off = new int[n + 1];
            for (int k = 0; k < n; k++) {
                int cnt = in.readInt();
                if (cnt < 0) throw new DataException(file, "SpikingDataset file " + file + ": sample " + k + " has a negative spike count " + cnt);
                off[k + 1] = (int) Math.min(Integer.MAX_VALUE, (long) off[k] + cnt);
            }
            int[] idx = readInts(in, (int) s);
            float[] ts = new float[(int) s];
            for (int k = 0; k < ts.length; k++) ts[k] = in.readFloat();
            int want = (int) crc.getValue();
            int got = in.readInt();
            if (got != want) throw new DataException(file, "SpikingDataset file " + file + " fails its CRC-32 check (corrupt)");
            try {
                return validated(d, maxTime, cv, labels, off, idx, ts, "SpikingDataset file " + file);
            } catch (IllegalArgumentException e) {
                throw new DataException(file, e.getMessage(), e);
            }
        } catch (EOFException e) {
            throw new DataException(file, "SpikingDataset file " + file + " is truncated", e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read SpikingDataset file " + file + ": " + e.getMessage(), e);
        }
    }

    private static int[] readInts(DataInputStream in, int n) throws IOException {
        int[] v = new int[n];
        for (int k = 0; k < n; k++) v[k] = in.readInt();
        return v;
    }
}
