package org.spikekit.data.reaching;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
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

/**
 * Where notebooks get O'Doherty et al. (2017) sessions from: the real file
 * {@code data/raw/odoherty/<session>.mat} when it is present and passes its manifest check, else a
 * synthetic stand-in {@code data/synthetic/odoherty/<session>.mat} written by
 * {@link ReachGenerator} in the same MATLAB v7.3 layout and read back by the same reader
 * ({@link ODohertyFile}).
 *
 * <pre>{@code
 * var nb = Notebook.begin("20_rsnn_data", "rsnn");
 * ReachSession i1 = ODohertyData.session(nb, "indy_20160622_01");      // DATA, MODE from nb; recorded in provenance
 * var loaded = ODohertyData.session("loco_20170210_03", DataChoice.AUTO, RunMode.QUICK);
 * loaded.record();                                                       // real or synthetic, path, checksum status
 * ODohertyData.pretrainingSessions("indy", RunMode.FULL);                // the 30 Indy sessions of notebooks/papers/rsnn.md §3.1
 * }</pre>
 *
 * <p>Sessions: the six NeuroBench challenge sessions and the pretraining sessions of notebooks/papers/rsnn.md §3.1
 * (Indy: 30 sessions with 96 channels; Loco: all 10). {@link RunMode#QUICK} uses the challenge
 * sessions plus two more per monkey, two minutes each; {@link RunMode#FULL} all of them, ten
 * minutes each ({@link ReachGenerator.Mode}). Real files are used whole, whatever the mode.
 *
 * <p>{@link DataChoice}: {@code AUTO} — real if present, else synthetic; a real file that is present
 * but fails its check is an error (delete it or choose {@code SYNTHETIC}), never silently
 * replaced. {@code REAL} — the real file or an error naming where to put it. {@code SYNTHETIC} —
 * the stand-in, generated when missing or when the generator config stored in it differs from
 * the one wanted.
 */
public final class ODohertyData {
    /** Where Zenodo record 583331 serves the files. */
    public static final String ZENODO_FILES = "https://zenodo.org/record/583331/files/";

    /** Folder of the sessions under {@code data/raw} and {@code data/synthetic}. */
    public static final String FOLDER = "odoherty";

    /**
     * "Created on" time written into the MATLAB header of stand-ins: fixed (the Unix epoch) so that
     * the same generator config always gives a byte-identical file.
     */
    public static final ZonedDateTime SYNTHETIC_CREATED = ZonedDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);

    /** The monkeys, as in session names. */
    public static final List<String> MONKEYS = List.of("indy", "loco");

    /** Indy sessions used for pretraining besides the three challenge ones (notebooks/papers/rsnn.md §3.1; 96 channels). */
    static final List<String> INDY_OTHERS = List.of(
            "indy_20160624_03", "indy_20160627_01", "indy_20160915_01", "indy_20160916_01", "indy_20160921_01",
            "indy_20160927_04", "indy_20160927_06", "indy_20160930_02", "indy_20160930_05", "indy_20161005_06",
            "indy_20161006_02", "indy_20161007_02", "indy_20161011_03", "indy_20161013_03", "indy_20161014_04",
            "indy_20161017_02", "indy_20161024_03", "indy_20161025_04", "indy_20161026_03", "indy_20161027_03",
            "indy_20161206_02", "indy_20161207_02", "indy_20161212_02", "indy_20161220_02", "indy_20170123_02",
            "indy_20170124_01", "indy_20170127_03");

    /** Loco sessions besides the three challenge ones (notebooks/papers/rsnn.md §3.1; all Loco sessions). */
    static final List<String> LOCO_OTHERS = List.of(
            "loco_20170213_02", "loco_20170214_02", "loco_20170216_02", "loco_20170217_02",
            "loco_20170227_04", "loco_20170228_02", "loco_20170302_02");

    /** The extra sessions quick mode adds per monkey: the two recorded closest after the first challenge session. */
    static final List<String> QUICK_EXTRAS = List.of("indy_20160624_03", "indy_20160627_01", "loco_20170213_02", "loco_20170214_02");

    private final Path dataDir;

    private ODohertyData(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    // ================================================================== session lists

    /** The six NeuroBench challenge sessions (I1, I2, I3, L1, L2, L3). */
    public static List<String> challengeSessions() {
        return ReachGenerator.NEUROBENCH_SESSIONS;
    }

    /** The three challenge sessions of {@code monkey}. */
    public static List<String> challengeSessions(String monkey) {
        requireMonkey(monkey);
        return challengeSessions().stream().filter(s -> s.startsWith(monkey + "_")).toList();
    }

    /**
     * The pretraining set of {@code monkey} in chronological order: all its sessions of
     * notebooks/papers/rsnn.md §3.1 in {@code FULL} mode (Indy 30, Loco 10), the three challenge sessions plus two more in
     * {@code QUICK} mode. Each session keeps its own train/val/test split when used.
     */
    public static List<String> pretrainingSessions(String monkey, RunMode mode) {
        requireMonkey(monkey);
        return allSessions().stream()
                .filter(s -> s.startsWith(monkey + "_"))
                .filter(s -> mode == RunMode.FULL || challengeSessions().contains(s) || QUICK_EXTRAS.contains(s))
                .sorted().toList();
    }

    /** Every session known (40): the challenge sessions first, then the others by monkey and date. */
    public static List<String> allSessions() {
        return Stream.of(challengeSessions(), INDY_OTHERS, LOCO_OTHERS).flatMap(List::stream).toList();
    }

    /** The sessions a mode uses: the union of the pretraining sets (which include the challenge sessions). */
    public static List<String> sessions(RunMode mode) {
        List<String> out = new ArrayList<>();
        for (String m : MONKEYS) out.addAll(pretrainingSessions(m, mode));
        out.sort(Comparator.comparingInt((String s) -> challengeSessions().contains(s) ? 0 : 1)
                .thenComparing(Comparator.naturalOrder()));
        return List.copyOf(out);
    }

    public static boolean isKnown(String name) {
        return allSessions().contains(name);
    }

    static void requireKnown(String name) {
        if (!isKnown(name)) {
            throw new IllegalArgumentException("unknown O'Doherty session '" + name + "': expected one of the "
                    + allSessions().size() + " sessions of notebooks/papers/rsnn.md §3.1 (the six NeuroBench sessions "
                    + String.join(", ", challengeSessions()) + ", or a pretraining session listed in data/manifest)");
        }
    }

    private static void requireMonkey(String monkey) {
        if (!MONKEYS.contains(monkey)) {
            throw new IllegalArgumentException("unknown monkey '" + monkey + "': expected one of " + MONKEYS);
        }
    }

    /** The generator config of the stand-in for {@code name} in {@code mode}. */
    public static ReachGenerator.Config generatorConfig(String name, RunMode mode) {
        requireKnown(name);
        return ReachGenerator.neuroBenchConfig(name, mode == RunMode.FULL ? ReachGenerator.Mode.FULL : ReachGenerator.Mode.QUICK);
    }

    // ================================================================== locations

    /** Data rooted at {@code dataDir} (the folder holding {@code manifest}, {@code raw/}, {@code synthetic/}). */
    public static ODohertyData at(Path dataDir) {
        return new ODohertyData(dataDir);
    }

    /** Data of the project found from {@code SPIKEKIT_HOME} or the working directory ({@link ProjectRoot#dataDir()}). */
    public static ODohertyData locate() {
        return at(ProjectRoot.dataDir());
    }

    /** Data of the notebook's project. */
    public static ODohertyData of(DataContext nb) {
        return at(nb.dataDir());
    }

    public Path dataDir() { return dataDir; }

    public Path rawDir() { return dataDir.resolve("raw"); }

    /** Where a real session must be placed: {@code data/raw/odoherty/<name>.mat}. */
    public Path realFile(String name) {
        requireKnown(name);
        return rawDir().resolve(FOLDER).resolve(name + ".mat");
    }

    /** Where its stand-in is written: {@code data/synthetic/odoherty/<name>.mat}. */
    public Path syntheticFile(String name) {
        requireKnown(name);
        return dataDir.resolve("synthetic").resolve(FOLDER).resolve(name + ".mat");
    }

    /** The manifest entry of a session, if {@code data/manifest} lists it. */
    public Optional<DataManifest.Entry> manifestEntry(String name) {
        return DataSource.manifestEntry(dataDir, FOLDER + "/" + name + ".mat");
    }

    private String relative(Path p) { return DataSource.relative(dataDir, p); }

    // ================================================================== loading

    /**
     * A loaded session and where it came from.
     *
     * @param record what provenance records: real or synthetic, path, sha256, generator,
     *     verification ("md5 verified", "unverified checksum ...",
     *     "generated ...")
     */
    public record Loaded(ReachSession session, DataRecord record, Path file) {
        public boolean real() { return record.source().equals("real"); }
    }

    /** {@link #load} on the project's data ({@link #locate()}). */
    public static Loaded session(String name, DataChoice choice, RunMode mode) {
        return locate().load(name, choice, mode);
    }

    /** Loads with the notebook's {@code DATA} and {@code MODE}, records the file in its provenance, returns the session. */
    public static ReachSession session(DataContext nb, String name) {
        Loaded l = of(nb).load(name, nb.data(), nb.mode());
        nb.dataFile(l.record());
        return l.session();
    }

    /** Loads the pretraining set of {@code monkey} ({@link #pretrainingSessions}). */
    public List<Loaded> loadPretraining(String monkey, DataChoice choice, RunMode mode) {
        List<Loaded> out = new ArrayList<>();
        for (String s : pretrainingSessions(monkey, mode)) out.add(load(s, choice, mode));
        return out;
    }

    /** Loads one session; see the class comment for what each {@link DataChoice} does. */
    public Loaded load(String name, DataChoice choice, RunMode mode) {
        return source(name, () -> loadReal(name, realFile(name)), () -> loadSynthetic(name, mode)).load(choice);
    }

    /** Session {@code name}'s source: real if {@link #realFile} exists, else {@code standin}. */
    private <T> DataSource<T> source(String name, Supplier<T> real, Supplier<T> standin) {
        requireKnown(name);
        return DataSource.of(() -> Files.exists(realFile(name)), real, () -> missing(name), standin);
    }

    /** The error for DATA=real without the real file of session {@code name}: where it goes and where to get it. */
    private DataException missing(String name) {
        Path real = realFile(name);
        String url = manifestEntry(name).flatMap(DataManifest.Entry::url).orElse(ZENODO_FILES + name + ".mat");
        String sum = manifestEntry(name).map(e -> e.checksum().known() ? "; " + e.checksum().describeExpected() : "").orElse("");
        return new DataException(real, "DATA=real but the real O'Doherty session " + name + " is not present: expected "
                + real + ". Download " + url + " (Zenodo record 583331" + sum + ") and place it there, e.g. with "
                + "'make fetch-odoherty' on a machine with internet access; or use DATA=auto or DATA=synthetic "
                + "for the synthetic stand-in (see data/README.md)");
    }

    /**
     * The provenance record {@link #load} gives for session {@code name}, without reading the session
     * when a real file is used (its checksum comes from the digest cache); a synthetic stand-in is
     * loaded (and written or regenerated when needed), as {@link #load} does. For keys of stored
     * results ({@code org.spikekit.report.RunKey}), which need the files' checksums only.
     */
    public DataRecord record(String name, DataChoice choice, RunMode mode) {
        return source(name, () -> realRecord(name, realFile(name)), () -> loadSynthetic(name, mode).record()).load(choice);
    }

    /** The record of a real session file, its checksum checked against the manifest (cached by {@link DigestCache}). */
    private DataRecord realRecord(String name, Path file) {
        DataManifest.Entry entry = manifestEntry(name).orElse(null);
        String note = "";
        if (entry == null) {
            entry = new DataManifest.Entry(name, FOLDER + "/" + name + ".mat", Checksum.UNKNOWN, -1, "manual", "rsnn", 0);
            note = " (" + dataDir.resolve("manifest") + " has no entry for it)";
        }
        DataManifest.Status st = DataSource.verify(rawDir(), file, entry, DataSource.REMEDY);
        return new DataRecord(name, "real", relative(file), st.digests().sha256(), "", st.message() + note);
    }

    private Loaded loadReal(String name, Path file) {
        DataRecord rec = realRecord(name, file);
        ReachSession s;
        try {
            s = ODohertyFile.read(file);
        } catch (IOException e) {
            throw new DataException(file, e.getMessage() + "; delete or replace it (see data/README.md), or use DATA=synthetic", e);
        }
        if (!s.generator().isEmpty()) {
            throw new DataException(file, file + ": holds a SpikeKit synthetic session (" + s.generator()
                    + "), not a real recording; real files go to data/raw/, stand-ins live in data/synthetic/");
        }
        return new Loaded(s, rec, file);
    }

    private Loaded loadSynthetic(String name, RunMode mode) {
        Path file = syntheticFile(name);
        ReachGenerator.Config cfg = generatorConfig(name, mode);
        DataSource.Standin<ReachSession> st = DataSource.standinFile(file, cfg.describe(), ODohertyFile::read, ReachSession::generator,
                ODohertyFile::relativeEndOfFile, "written by an earlier kit version with a relative HDF5 end of file address",
                f -> write(name, cfg, f));
        ReachSession s = st.value();
        try {
            String sha = Digests.of(file).sha256();
            return new Loaded(s, new DataRecord(name, "synthetic", relative(file), sha, s.generator(), st.how()), file);
        } catch (IOException e) {
            throw new DataException(file, "synthetic stand-in " + file + " could not be written or read back: " + e.getMessage(), e);
        }
    }

    private static void write(String name, ReachGenerator.Config cfg, Path file) throws IOException {
        ODohertyFile.write(ReachGenerator.generate(name, cfg), file, SYNTHETIC_CREATED);
    }

    // ================================================================== generation (make data)

    /** What {@link #synthesize} did. */
    public enum SynthAction { WRITTEN, UP_TO_DATE, REAL_PRESENT }

    /** One session's outcome; {@code reason} says why it was (re)written or skipped. */
    public record SynthResult(String name, Path file, SynthAction action, String reason, double seconds) {}

    /**
     * Writes the stand-in of {@code name} for {@code mode} unless an up-to-date one exists (same
     * generator config stored in it, written with an absolute HDF5 end of file address). Atomic;
     * deterministic (byte-identical for the same config).
     */
    public SynthResult synthesize(String name, RunMode mode) throws IOException {
        Path file = syntheticFile(name);
        ReachGenerator.Config cfg = generatorConfig(name, mode);
        String reason;
        if (Files.exists(file)) {
            try {
                String stored = ODohertyFile.readGenerator(file);
                if (!stored.equals(cfg.describe())) {
                    reason = "generator config differs";
                } else if (ODohertyFile.relativeEndOfFile(file)) {
                    reason = "written by an earlier kit version (relative HDF5 end of file address, which libhdf5 misreads)";
                } else {
                    return new SynthResult(name, file, SynthAction.UP_TO_DATE, "up to date", 0);
                }
            } catch (IOException e) {
                reason = "unreadable: " + e.getMessage();
            }
        } else {
            reason = "missing";
        }
        long t0 = System.nanoTime();
        write(name, cfg, file);
        return new SynthResult(name, file, SynthAction.WRITTEN, reason, (System.nanoTime() - t0) / 1e9);
    }

    /** {@link #synthesize} for every session of {@code mode} that has no real file in {@code data/raw/odoherty/}. */
    public List<SynthResult> synthesizeAll(RunMode mode) throws IOException {
        List<SynthResult> out = new ArrayList<>();
        for (String name : sessions(mode)) {
            Path real = realFile(name);
            if (Files.exists(real)) {
                out.add(new SynthResult(name, syntheticFile(name), SynthAction.REAL_PRESENT, "real file " + relative(real) + " present", 0));
            } else {
                out.add(synthesize(name, mode));
            }
        }
        return out;
    }
}
