package org.spikekit.features;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.spikekit.data.DataException;
import org.spikekit.data.Splits;
import org.spikekit.data.format.Npy;
import org.spikekit.data.images.ImageSet;
import org.spikekit.data.images.TrainTest;
import org.spikekit.io.AtomicFiles;
import org.spikekit.train.EpochLog;
import org.spikekit.train.Interrupts;
import org.spikekit.train.TrainingInterruptedException;

/**
 * STDP-CSNN features for one split of a SpikeNN data set, as dense spike-time arrays, with a disk
 * cache. This is the kit's version of SpikeNN's {@code ft-extract} stage (notebooks/papers/spikenn.md §3.3): for a
 * split of the official training set into train / val, the extractor is trained on the train part
 * ({@link StdpCsnn#train}, min/max scaling from that part), then train, val and the official test
 * set are extracted. The readout converts the dense arrays ({@code t < 1} = spike) to its sparse
 * input.
 *
 * <pre>{@code
 * TrainTest mnist = ImageData.load(nb, "mnist");
 * SplitFeatures f = CsnnFeatures.kfold(mnist, 3, CsnnConfig.mnist(), nb.dataDir().resolve("features"), 2);
 * f.train().x();   // float32 [54000 * 4608], row-major; f.train().y() labels
 * }</pre>
 *
 * <p>Cache: {@code <featuresRoot>/<dataset>/<config hash>/<split>-<key hash>/} holds
 * {@code X_train.npy}, {@code y_train.npy}, {@code X_val.npy}, {@code y_val.npy},
 * {@code X_test.npy}, {@code y_test.npy} (float32 {@code [N, D]}, int32 {@code [N]}) and
 * {@code key.txt}, written last. The key names the extractor config, the seed, a SHA-256 of the
 * images and labels of both official parts and of the split's index lists, and the library's
 * fingerprint ({@link org.spikekit.report.RunKey.Library}: features extracted by other code are
 * extracted again); a run whose key matches {@code key.txt} reads the arrays instead of extracting. Every file is written atomically
 * (temporary file, then rename), so an interrupted run leaves no half-written array behind.
 * {@code data/features/} is git-ignored.
 */
public final class CsnnFeatures {
    private CsnnFeatures() {}

    /**
     * Dense features of one part: {@code x} row-major {@code [n, d]} spike times in [0, 1]
     * (1 = no spike), {@code y} the labels.
     */
    public record FeatureSet(float[] x, int[] y, int d) {
        public FeatureSet {
            if (d < 1 || x.length != (long) y.length * d) {
                throw new IllegalArgumentException("features: " + x.length + " values for " + y.length + " samples of " + d + " features");
            }
        }

        public int n() { return y.length; }

        /** Spike times of sample {@code i} (a copy). */
        public float[] row(int i) {
            float[] r = new float[d];
            System.arraycopy(x, i * d, r, 0, d);
            return r;
        }
    }

    /**
     * Features of one split.
     *
     * @param split split name, e.g. {@code kfold-3} or {@code gs}
     * @param dir the cache folder
     * @param cached true when read from the cache, false when extracted now
     * @param seconds wall time of this call
     */
    public record SplitFeatures(String dataset, String split, CsnnConfig config, long seed, FeatureSet train, FeatureSet val,
                                FeatureSet test, int[] featureShape, Path dir, boolean cached, double seconds) {}

    /** The K-fold split count of the paper. */
    public static final int FOLDS = 10;

    /**
     * Fold {@code fold} of {@code StratifiedKFold(10, shuffle=False)} over the official training set
     * ({@link Splits#stratifiedKFold}); the extractor is trained with seed = fold index, as SpikeNN.
     */
    public static SplitFeatures kfold(TrainTest data, int fold, CsnnConfig cfg, Path featuresRoot, int threads) {
        if (fold < 0 || fold >= FOLDS) throw new IllegalArgumentException("fold must be 0.." + (FOLDS - 1) + ", got " + fold);
        List<Splits.Split> folds = Splits.stratifiedKFold(data.train().labels(), FOLDS);
        return extract(data, "kfold-" + fold, folds.get(fold), cfg, fold, featuresRoot, threads);
    }

    /** The gridsearch split: 90 / 10 stratified shuffle split with seed 0, extractor seed 0. */
    public static SplitFeatures gridsearch(TrainTest data, CsnnConfig cfg, Path featuresRoot, int threads) {
        return extract(data, "gs", Splits.stratifiedShuffleSplit(data.train().labels(), 0.1, 0), cfg, 0, featuresRoot, threads);
    }

    /**
     * Features for any split of {@code data.train()} into train / val (indices, in order), plus the
     * official test set; cached under {@code featuresRoot} (null: no cache).
     */
    public static SplitFeatures extract(TrainTest data, String splitName, Splits.Split split, CsnnConfig cfg, long seed,
                                        Path featuresRoot, int threads) {
        return extract(data, splitName, split, cfg, seed, featuresRoot, threads, null);
    }

    /**
     * {@link #extract(TrainTest, String, Splits.Split, CsnnConfig, long, Path, int)} with progress lines
     * ({@code log}: one per STDP epoch, then one per extracted part; null: none). Interrupted (see
     * {@link org.spikekit.train.Interrupts}), it stops between samples and leaves no cache entry: the
     * entry's {@code key.txt} is removed before its arrays are rewritten and written last.
     */
    public static SplitFeatures extract(TrainTest data, String splitName, Splits.Split split, CsnnConfig cfg, long seed,
                                        Path featuresRoot, int threads, EpochLog log) {
        try {
            return extractOrStop(data, splitName, split, cfg, seed, featuresRoot, threads, log == null ? EpochLog.silent() : log);
        } catch (TrainingInterruptedException e) {
            throw e.note("STDP-CSNN features of " + splitName + " (seed " + seed + ") not cached; extracted again on the next call");
        }
    }

    private static SplitFeatures extractOrStop(TrainTest data, String splitName, Splits.Split split, CsnnConfig cfg, long seed,
                                               Path featuresRoot, int threads, EpochLog log) {
        long t0 = System.nanoTime();
        if (!splitName.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("split name must be [A-Za-z0-9._-]+, got '" + splitName + "'");
        String dataset = data.train().name().contains("/") ? data.train().name().substring(0, data.train().name().indexOf('/')) : data.train().name();
        String key = key(data, split, cfg, seed);
        Path dir = featuresRoot == null ? null
                : featuresRoot.resolve(dataset).resolve(cfg.hash()).resolve(splitName + "-" + sha256(key.getBytes()).substring(0, 10));
        if (dir != null) {
            SplitFeatures hit = readCache(dir, key, dataset, splitName, cfg, seed, t0, outputShape(data.train(), cfg));
            if (hit != null) return hit;
        }
        ImageSet tr = data.train().subset(split.train(), "train");
        ImageSet va = data.train().subset(split.test(), "val");
        String label = dataset + " " + splitName + " STDP-CSNN";
        StdpCsnn net = StdpCsnn.train(tr, cfg, seed, threads, log.start(label, cfg.epochs()));
        long t1 = System.nanoTime();
        FeatureSet ftr = new FeatureSet(net.extract(tr, threads), tr.labels(), net.features());
        FeatureSet fva = new FeatureSet(net.extract(va, threads), va.labels(), net.features());
        FeatureSet fte = new FeatureSet(net.extract(data.test(), threads), data.test().labels(), net.features());
        log.line(String.format(java.util.Locale.ROOT, "%s: features of %d train / %d val / %d test images in %.1f s", label, tr.n(), va.n(),
                data.test().n(), (System.nanoTime() - t1) / 1e9));
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve("key.txt"));
                write(dir, "train", ftr);
                write(dir, "val", fva);
                write(dir, "test", fte);
                AtomicFiles.writeString(dir.resolve("key.txt"), key);
            } catch (IOException e) {
                if (Interrupts.requested()) throw new TrainingInterruptedException("STDP-CSNN writing the feature cache " + dir, e);
                throw new DataException(dir, "cannot write the feature cache " + dir + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw Interrupts.translate(e, "STDP-CSNN writing the feature cache " + dir);
            }
        }
        return new SplitFeatures(dataset, splitName, cfg, seed, ftr, fva, fte, net.outputShape(), dir, false, (System.nanoTime() - t0) / 1e9);
    }

    private static void write(Path dir, String part, FeatureSet f) {
        Npy.write(dir.resolve("X_" + part + ".npy"), Npy.Array.of(f.x(), f.n(), f.d()));
        Npy.write(dir.resolve("y_" + part + ".npy"), Npy.Array.of(f.y(), f.n()));
    }

    /** {@code {pooled rows, pooled columns, filters}} for images like {@code s}. */
    static int[] outputShape(ImageSet s, CsnnConfig cfg) {
        int oh = s.height() - cfg.kernel() + 1, ow = s.width() - cfg.kernel() + 1;
        return new int[] {(oh - cfg.pool()) / cfg.poolStride() + 1, (ow - cfg.pool()) / cfg.poolStride() + 1, cfg.filters()};
    }

    private static SplitFeatures readCache(Path dir, String key, String dataset, String split, CsnnConfig cfg, long seed, long t0,
                                           int[] shape) {
        Path k = dir.resolve("key.txt");
        try {
            if (!Files.isRegularFile(k) || !Files.readString(k).equals(key)) return null;
        } catch (IOException e) {
            return null;
        }
        FeatureSet[] parts = new FeatureSet[3];
        String[] names = {"train", "val", "test"};
        for (int p = 0; p < 3; p++) {
            Npy.Array x = Npy.read(dir.resolve("X_" + names[p] + ".npy")).requireShape(-1, -1);
            Npy.Array y = Npy.read(dir.resolve("y_" + names[p] + ".npy")).requireShape(x.shape()[0]);
            parts[p] = new FeatureSet(x.floats(), y.ints(), x.shape()[1]);
        }
        if (parts[0].d() != shape[0] * shape[1] * shape[2]) {
            throw new DataException(dir, dir + ": cached features have " + parts[0].d() + " columns, expected "
                    + shape[0] * shape[1] * shape[2] + "; delete the folder to re-extract");
        }
        return new SplitFeatures(dataset, split, cfg, seed, parts[0], parts[1], parts[2], shape, dir, true, (System.nanoTime() - t0) / 1e9);
    }

    /** Everything the features depend on, the library that extracts them included. */
    static String key(TrainTest data, Splits.Split split, CsnnConfig cfg, long seed) {
        return cfg.describe() + "\nseed=" + seed
                + "\ntrain-images=" + digest(data.train()) + "\ntest-images=" + digest(data.test())
                + "\nsplit-train=" + split.train().length + ":" + digest(split.train())
                + "\nsplit-val=" + split.test().length + ":" + digest(split.test())
                + "\nlibrary=" + org.spikekit.report.RunKey.Library.current().classes() + "\n";
    }

    private static String digest(ImageSet s) {
        MessageDigest md = sha();
        md.update(ByteBuffer.allocate(16).putInt(s.n()).putInt(s.height()).putInt(s.width()).putInt(s.channels()).array());
        md.update(s.pixels());
        md.update(digest(s.labels()).getBytes());
        return HexFormat.of().formatHex(md.digest());
    }

    private static String digest(int[] a) {
        ByteBuffer b = ByteBuffer.allocate(4 * a.length);
        for (int v : a) b.putInt(v);
        return sha256(b.array());
    }

    private static String sha256(byte[] b) {
        return HexFormat.of().formatHex(sha().digest(b));
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
