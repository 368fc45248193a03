package org.spikekit.data.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.data.DataException;
import org.spikekit.data.format.TarGz;

/**
 * CIFAR-10 and CIFAR-100 in their binary version ({@code cifar-10-binary.tar.gz},
 * {@code cifar-100-binary.tar.gz} from https://www.cs.toronto.edu/~kriz/cifar.html), read straight
 * from the archive (notebooks/papers/spikenn.md §3.1).
 *
 * <ul>
 *   <li>CIFAR-10: {@code cifar-10-batches-bin/data_batch_{1..5}.bin} (training, in that order) and
 *       {@code test_batch.bin}; records of 3073 bytes: 1 label byte, then 1024 R, 1024 G, 1024 B
 *       bytes (each plane 32×32 row-major); class names in {@code batches.meta.txt}.
 *   <li>CIFAR-100: {@code cifar-100-binary/train.bin}, {@code test.bin}; records of 3074 bytes:
 *       coarse label, fine label, 3072 pixel bytes (CHW). The fine label (100 classes) is used, as
 *       in SpikeNN; names in {@code fine_label_names.txt}.
 * </ul>
 *
 * Pixels are transposed from the file's C,H,W planes to H,W,C, as SpikeNN's
 * {@code ft-extract/dataset/get_cifar*.py} does. The record count is taken from the file size
 * (the real files hold 10,000 per batch, 50,000 / 10,000 for CIFAR-100); a size that is not a
 * whole number of records is refused. {@link #write} writes the same archive layout (used by the
 * synthetic stand-in).
 */
public final class Cifar {
    private Cifar() {}

    /** Which archive. */
    public enum Variant {
        CIFAR10("cifar-10-batches-bin", 1, 10), CIFAR100("cifar-100-binary", 2, 100);

        final String folder;
        final int labelBytes;
        final int classes;

        Variant(String folder, int labelBytes, int classes) {
            this.folder = folder;
            this.labelBytes = labelBytes;
            this.classes = classes;
        }

        int recordSize() { return labelBytes + 3072; }

        List<String> trainFiles() {
            return this == CIFAR10 ? List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                    "data_batch_5.bin") : List.of("train.bin");
        }

        String testFile() { return this == CIFAR10 ? "test_batch.bin" : "test.bin"; }

        String namesFile() { return this == CIFAR10 ? "batches.meta.txt" : "fine_label_names.txt"; }

        String id() { return this == CIFAR10 ? "cifar10" : "cifar100"; }
    }

    public static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    /** Reads the training and test sets of a binary CIFAR archive. */
    public static TrainTest read(Path archive, Variant v, String source) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        TarGz.forEach(archive, (name, size, in) -> {
            String base = name.startsWith(v.folder + "/") ? name.substring(v.folder.length() + 1) : null;
            if (base == null) return;
            if (v.trainFiles().contains(base) || base.equals(v.testFile()) || base.equals(v.namesFile())) {
                files.put(base, readEntry(in, size, archive + "!" + name));
            }
        });
        List<String> classes = classNames(files.get(v.namesFile()), v, archive);
        List<byte[]> train = new ArrayList<>();
        for (String f : v.trainFiles()) train.add(need(files, f, v, archive));
        ImageSet tr = parse(train, v, classes, v.id() + "/train", archive, source, v.trainFiles());
        ImageSet te = parse(List.of(need(files, v.testFile(), v, archive)), v, classes, v.id() + "/test", archive, source,
                List.of(v.testFile()));
        return new TrainTest(tr, te);
    }

    private static byte[] readEntry(InputStream in, long size, String where) throws IOException {
        if (size > Integer.MAX_VALUE - 8) throw new DataException(null, where + ": entry too large (" + size + " bytes)");
        byte[] b = in.readNBytes((int) size);
        if (b.length != size) throw new DataException(null, where + ": truncated entry");
        return b;
    }

    private static byte[] need(Map<String, byte[]> files, String f, Variant v, Path archive) {
        byte[] b = files.get(f);
        if (b == null) {
            throw new DataException(archive, archive + ": has no " + v.folder + "/" + f + "; expected the " + v.id()
                    + " binary layout (" + v.folder + "/" + String.join(", ", v.trainFiles()) + ", " + v.testFile() + ")");
        }
        return b;
    }

    private static List<String> classNames(byte[] text, Variant v, Path archive) {
        if (text == null) {
            if (v == Variant.CIFAR10) return CIFAR10_CLASSES;
            List<String> out = new ArrayList<>();
            for (int i = 0; i < 100; i++) out.add("class" + i);
            return out;
        }
        List<String> out = new ArrayList<>();
        for (String l : new String(text, StandardCharsets.UTF_8).split("\\R")) if (!l.isBlank()) out.add(l.strip());
        if (out.size() != v.classes) {
            throw new DataException(archive, archive + "!" + v.folder + "/" + v.namesFile() + ": " + out.size()
                    + " class names, expected " + v.classes);
        }
        return out;
    }

    private static ImageSet parse(List<byte[]> parts, Variant v, List<String> classes, String name, Path archive, String source,
                                  List<String> fileNames) {
        int rs = v.recordSize();
        int n = 0;
        for (int k = 0; k < parts.size(); k++) {
            if (parts.get(k).length % rs != 0 || parts.get(k).length == 0) {
                throw new DataException(archive, archive + "!" + v.folder + "/" + fileNames.get(k) + ": " + parts.get(k).length
                        + " bytes is not a positive whole number of " + rs + "-byte records (truncated?)");
            }
            n += parts.get(k).length / rs;
        }
        byte[] px = new byte[n * 3072];
        int[] lb = new int[n];
        int i = 0;
        for (int k = 0; k < parts.size(); k++) {
            byte[] b = parts.get(k);
            for (int r = 0; r < b.length / rs; r++, i++) {
                int o = r * rs;
                int label = b[o + v.labelBytes - 1] & 0xFF;
                if (label >= v.classes) {
                    throw new DataException(archive, archive + "!" + v.folder + "/" + fileNames.get(k) + ": record " + r + " has label "
                            + label + ", expected 0.." + (v.classes - 1));
                }
                lb[i] = label;
                int src = o + v.labelBytes;
                int dst = i * 3072;
                for (int p = 0; p < 1024; p++) {
                    px[dst + 3 * p] = b[src + p];
                    px[dst + 3 * p + 1] = b[src + 1024 + p];
                    px[dst + 3 * p + 2] = b[src + 2048 + p];
                }
            }
        }
        return new ImageSet(name, 32, 32, 3, px, lb, classes, source);
    }

    /**
     * Writes {@code data} as a binary CIFAR archive of the given variant (HWC pixels back to CHW
     * planes; the training set split evenly over the five CIFAR-10 batches, the last taking the
     * remainder). CIFAR-100 coarse labels are written as {@code fine / 5}. {@code generator}, when
     * not null, is stored as {@code <folder>/generator.txt} (the reader ignores it).
     */
    public static void write(OutputStream out, TrainTest data, Variant v, String generator) throws IOException {
        ImageSet tr = data.train(), te = data.test();
        if (tr.height() != 32 || tr.width() != 32 || tr.channels() != 3) {
            throw new IllegalArgumentException(tr.name() + ": CIFAR images are 32x32x3, got " + tr.height() + "x" + tr.width() + "x" + tr.channels());
        }
        if (tr.classes() != v.classes) throw new IllegalArgumentException(tr.name() + ": " + v.id() + " has " + v.classes + " classes, got " + tr.classes());
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> tf = v.trainFiles();
        int per = tr.n() / tf.size();
        for (int k = 0; k < tf.size(); k++) {
            int from = k * per, to = k == tf.size() - 1 ? tr.n() : from + per;
            files.put(v.folder + "/" + tf.get(k), records(tr, from, to, v));
        }
        files.put(v.folder + "/" + v.testFile(), records(te, 0, te.n(), v));
        files.put(v.folder + "/" + v.namesFile(), (String.join("\n", tr.classNames()) + "\n").getBytes(StandardCharsets.UTF_8));
        if (generator != null) files.put(v.folder + "/generator.txt", (generator + "\n").getBytes(StandardCharsets.UTF_8));
        TarGz.write(out, files);
    }

    private static byte[] records(ImageSet s, int from, int to, Variant v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream((to - from) * v.recordSize());
        byte[] rec = new byte[v.recordSize()];
        for (int i = from; i < to; i++) {
            int l = s.labels()[i];
            if (v == Variant.CIFAR100) rec[0] = (byte) (l / 5);
            rec[v.labelBytes - 1] = (byte) l;
            int base = i * 3072;
            for (int p = 0; p < 1024; p++) {
                rec[v.labelBytes + p] = s.pixels()[base + 3 * p];
                rec[v.labelBytes + 1024 + p] = s.pixels()[base + 3 * p + 1];
                rec[v.labelBytes + 2048 + p] = s.pixels()[base + 3 * p + 2];
            }
            b.writeBytes(rec);
        }
        return b.toByteArray();
    }
}
