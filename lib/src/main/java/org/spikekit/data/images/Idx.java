package org.spikekit.data.images;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.spikekit.data.DataException;

/**
 * IDX files (LeCun's MNIST format; Fashion-MNIST uses the same files), plain or gzip-compressed
 * (detected by the gzip magic {@code 1f 8b}): a big-endian int32 magic {@code 0x000008DD}
 * (type 0x08 = unsigned byte, DD = number of dimensions), DD big-endian int32 sizes, then the
 * bytes. Images: magic {@code 0x00000803} (2051), N, rows, cols, N·rows·cols pixels row-major.
 * Labels: magic {@code 0x00000801} (2049), N, N label bytes (notebooks/papers/spikenn.md §3.1).
 */
public final class Idx {
    private Idx() {}

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    /** Parsed IDX content: dimensions and the bytes. */
    record Content(int[] dims, byte[] data) {}

    /**
     * Reads an image file and a label file into an {@link ImageSet} (1 channel). The counts must
     * agree and every label must be below {@code classNames.size()}.
     */
    public static ImageSet read(Path images, Path labels, String name, List<String> classNames, String source) {
        Content im = read(images, 3);
        Content lb = read(labels, 1);
        return toImageSet(im, images.toString(), lb, labels.toString(), name, classNames, source);
    }

    static ImageSet toImageSet(Content im, String imName, Content lb, String lbName, String name, List<String> classNames, String source) {
        if (im.dims[0] != lb.dims[0]) {
            throw new DataException(null, imName + " holds " + im.dims[0] + " images but " + lbName + " holds " + lb.dims[0]
                    + " labels; expected the same count (mismatched pair of files?)");
        }
        int[] labels = new int[lb.dims[0]];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = lb.data[i] & 0xFF;
            if (labels[i] >= classNames.size()) {
                throw new DataException(null, lbName + ": label " + labels[i] + " at index " + i + " is not below "
                        + classNames.size() + " (the number of classes)");
            }
        }
        return new ImageSet(name, im.dims[1], im.dims[2], 1, im.data, labels, classNames, source);
    }

    /** Reads one IDX file of unsigned bytes with {@code ndim} dimensions (3 for images, 1 for labels). */
    static Content read(Path file, int ndim) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), ndim);
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot read IDX file: " + e.getMessage(), e);
        }
    }

    /** Reads one IDX stream (gzip detected automatically); {@code name} names it in messages. */
    static Content read(InputStream raw, String name, int ndim) throws IOException {
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        byte[] head = in.readNBytes(4);
        if (head.length < 4) throw new DataException(null, name + ": truncated IDX file (no magic number)");
        int magic = be(head, 0);
        int want = ndim == 3 ? IMAGES_MAGIC : ndim == 1 ? LABELS_MAGIC : 0x0800 | ndim;
        if (magic != want) {
            throw new DataException(null, name + ": IDX magic 0x" + String.format("%08X", magic) + ", expected 0x"
                    + String.format("%08X", want) + " (" + (ndim == 3 ? "images: unsigned bytes, 3 dimensions" : ndim == 1
                    ? "labels: unsigned bytes, 1 dimension" : ndim + " dimensions") + ")");
        }
        byte[] d = in.readNBytes(4 * ndim);
        if (d.length < 4 * ndim) throw new DataException(null, name + ": truncated IDX header");
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            dims[i] = be(d, 4 * i);
            if (dims[i] < 0 || (i > 0 && dims[i] == 0)) throw new DataException(null, name + ": bad IDX dimension " + dims[i]);
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 8) throw new DataException(null, name + ": IDX data of " + total + " bytes is too large");
        byte[] data = in.readNBytes((int) total);
        if (data.length < total) {
            throw new DataException(null, name + ": truncated IDX file: dimensions " + Arrays.toString(dims) + " announce " + total
                    + " data bytes, found " + data.length);
        }
        if (in.read() != -1) {
            throw new DataException(null, name + ": trailing bytes after the " + total + " data bytes announced by dimensions "
                    + Arrays.toString(dims));
        }
        return new Content(dims, data);
    }

    private static int be(byte[] b, int o) {
        return (b[o] & 0xFF) << 24 | (b[o + 1] & 0xFF) << 16 | (b[o + 2] & 0xFF) << 8 | (b[o + 3] & 0xFF);
    }

    /** Writes the images of {@code set} (1 channel) as an uncompressed IDX image file. */
    static void writeImages(OutputStream out, ImageSet set) throws IOException {
        if (set.channels() != 1) throw new IllegalArgumentException(set.name() + ": IDX images have one channel, got " + set.channels());
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(IMAGES_MAGIC);
        d.writeInt(set.n());
        d.writeInt(set.height());
        d.writeInt(set.width());
        d.write(set.pixels());
        d.flush();
    }

    /** Writes the labels of {@code set} as an uncompressed IDX label file. */
    static void writeLabels(OutputStream out, ImageSet set) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(LABELS_MAGIC);
        d.writeInt(set.n());
        for (int l : set.labels()) d.write(l);
        d.flush();
    }

    static byte[] imagesBytes(ImageSet set) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeImages(b, set);
        return b.toByteArray();
    }

    static byte[] labelsBytes(ImageSet set) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeLabels(b, set);
        return b.toByteArray();
    }
}
