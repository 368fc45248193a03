package org.spikekit.data.images;

import java.util.List;

/**
 * A labelled image data set held in memory: {@code n} images of {@code height × width ×
 * channels} uint8 pixels stored HWC row-major per image (pixel {@code (y, x, c)} of image
 * {@code i} at {@code i·H·W·C + (y·W + x)·C + c}; read unsigned, {@code b & 0xFF}), one int label
 * per image in {@code 0..classNames.size()-1}. This is the {@code X_*.bin}/{@code y_*.bin}
 * intermediate format of SpikeNN's {@code ft-extract/dataset} scripts (notebooks/papers/spikenn.md §3.1: MNIST
 * 784 bytes row-major, CIFAR 3072 bytes in H, W, C order) held as one array.
 *
 * @param name data set and part, e.g. {@code mnist/train}
 * @param pixels {@code n·H·W·C} bytes
 * @param labels one label per image
 * @param classNames the class of each label value
 * @param source where the images came from (file, checksum status or generator), for provenance
 */
public record ImageSet(String name, int height, int width, int channels, byte[] pixels, int[] labels,
                       List<String> classNames, String source) {
    public ImageSet {
        if (height <= 0 || width <= 0 || channels <= 0) {
            throw new IllegalArgumentException(name + ": image size must be positive, got " + height + "x" + width + "x" + channels);
        }
        classNames = List.copyOf(classNames);
        long want = (long) labels.length * height * width * channels;
        if (pixels.length != want) {
            throw new IllegalArgumentException(name + ": " + labels.length + " images of " + height + "x" + width + "x" + channels
                    + " need " + want + " pixel bytes, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of image " + i + " is outside 0.."
                        + (classNames.size() - 1) + " (" + classNames.size() + " classes)");
            }
        }
    }

    /** Number of images. */
    public int n() { return labels.length; }

    /** Bytes per image ({@code H·W·C}). */
    public int imageSize() { return height * width * channels; }

    public int classes() { return classNames.size(); }

    /** Pixel value 0..255 of image {@code i} at row {@code y}, column {@code x}, channel {@code c}. */
    public int pixel(int i, int y, int x, int c) {
        return pixels[i * imageSize() + (y * width + x) * channels + c] & 0xFF;
    }

    /** The images at {@code index}, in that order (indices may repeat). */
    public ImageSet subset(int[] index, String part) {
        int sz = imageSize();
        byte[] px = new byte[index.length * sz];
        int[] lb = new int[index.length];
        for (int k = 0; k < index.length; k++) {
            int i = index[k];
            if (i < 0 || i >= n()) throw new IndexOutOfBoundsException(name + ": index " + i + " outside 0.." + (n() - 1));
            System.arraycopy(pixels, i * sz, px, k * sz, sz);
            lb[k] = labels[i];
        }
        String base = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
        return new ImageSet(base + "/" + part, height, width, channels, px, lb, classNames, source);
    }

    /** Number of images per class. */
    public int[] classCounts() {
        int[] c = new int[classes()];
        for (int l : labels) c[l]++;
        return c;
    }
}
