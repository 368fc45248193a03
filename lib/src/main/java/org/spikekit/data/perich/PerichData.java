package org.spikekit.data.perich;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataContext;
import org.spikekit.data.DataException;
import org.spikekit.data.DataManifest;
import org.spikekit.data.DataRecord;
import org.spikekit.data.DataSource;
import org.spikekit.data.DigestCache;
import org.spikekit.data.Digests;
import org.spikekit.data.RunMode;

/**
 * The Perich et al. (2018) sessions a Spikachu run uses, preprocessed together
 * ({@link PerichPrep}: one velocity scaler over all of them), in a stable order (sorted by session
 * id), with a global unit numbering for multi-session vocabularies.
 *
 * <p>Where the sessions come from ({@link DataChoice}):
 * <ul>
 *   <li>real: every {@code *.nwb} under {@code data/raw/perich/} (any depth, e.g. the DANDI layout
 *       {@code data/raw/perich/sub-C/sub-C_ses-CO-20150311_behavior+ecephys.nwb}), placed there by
 *       hand from DANDI 000688 ({@value #DANDI_URL}; the kit's machines cannot reach DANDI). A
 *       file listed in {@code data/manifest} is checked against its entry (size, checksum, else
 *       the layout); an unlisted one must read as a Perich session. A refused file is an error,
 *       never silently replaced.</li>
 *   <li>synthetic: the {@link PerichGenerator} stand-ins of the run mode in
 *       {@code data/synthetic/perich/<session>.nwb}, written when missing or when the generator
 *       config stored in them differs, and read back by the same reader ({@link PerichNwb}).</li>
 * </ul>
 * {@code AUTO}: the real files when at least one is present (all of them, and only them), else the
 * stand-ins; {@code REAL}: the real files or an error saying where to put them;
 * {@code SYNTHETIC}: the stand-ins. Every session's {@link DataRecord} says which source, path,
 * SHA-256 and verification.
 *
 * <pre>{@code
 * PerichData d = PerichData.load(nb);                      // notebook's DATA and MODE, recorded in its provenance
 * PerichSession s = d.session("c_20150311_center_out_reaching");
 * int firstUnit = d.unitOffset(s), vocab = d.totalUnits();
 * PerichData one = d.subset(List.of(s.id()));              // same scaler, offsets renumbered
 * }</pre>
 */
public final class PerichData {
    /** Folder of the sessions under {@code data/raw} and {@code data/synthetic}. */
    public static final String FOLDER = "perich";
    /** The DANDI data set. */
    public static final String DANDI_URL = "https://dandiarchive.org/dandiset/000688";

    private final List<PerichSession> sessions;
    private final Map<String, Integer> index = new HashMap<>();
    private final int[] offsets;
    private final int totalUnits;
    private final PerichPrep.Scaler scaler;
    private final List<DataRecord> records;

    private PerichData(List<PerichSession> sessions, PerichPrep.Scaler scaler, List<DataRecord> records) {
        List<PerichSession> sorted = new ArrayList<>(sessions);
        sorted.sort(Comparator.comparing(PerichSession::id));
        this.sessions = List.copyOf(sorted);
        this.scaler = scaler;
        this.offsets = new int[sorted.size()];
        int off = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (index.put(sorted.get(i).id(), i) != null) {
                throw new IllegalArgumentException("PerichData: session " + sorted.get(i).id() + " appears twice");
            }
            offsets[i] = off;
            off += sorted.get(i).units();
        }
        this.totalUnits = off;
        List<DataRecord> recs = new ArrayList<>(records);
        recs.sort(Comparator.comparing(DataRecord::name));
        this.records = List.copyOf(recs);
    }

    // ================================================================== accessors

    /** The sessions, sorted by id. */
    public List<PerichSession> sessions() { return sessions; }

    /** Session ids, sorted. */
    public List<String> ids() { return sessions.stream().map(PerichSession::id).toList(); }

    /** The session {@code id}. */
    public PerichSession session(String id) { return sessions.get(indexOf(id)); }

    private int indexOf(String id) {
        Integer i = index.get(id);
        if (i == null) throw new IllegalArgumentException("no Perich session '" + id + "' here; have " + ids());
        return i;
    }

    /** Global id of the session's unit 0: the unit counts of the sessions before it (in id order), summed. */
    public int unitOffset(String id) { return offsets[indexOf(id)]; }

    /** {@link #unitOffset(String)} of {@code s}. */
    public int unitOffset(PerichSession s) { return unitOffset(s.id()); }

    /** Units over all sessions: the size of a multi-session unit vocabulary. */
    public int totalUnits() { return totalUnits; }

    /** The velocity scaler, fitted on all sessions loaded together (kept by {@link #subset}). */
    public PerichPrep.Scaler scaler() { return scaler; }

    /** One provenance record per session file, sorted by session id. */
    public List<DataRecord> records() { return records; }

    /** The provenance record of session {@code id}. */
    public DataRecord record(String id) {
        return records.stream().filter(r -> r.name().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no record for Perich session '" + id + "'"));
    }

    /** Whether the sessions come from real files. */
    public boolean real() { return !sessions.isEmpty() && sessions.getFirst().real(); }

    /**
     * The sessions {@code ids} only, with the same scaler (fitted on all) and unit offsets
     * renumbered over the subset.
     */
    public PerichData subset(Collection<String> ids) {
        Set<String> want = new LinkedHashSet<>(ids);
        List<PerichSession> s = new ArrayList<>();
        for (String id : want) s.add(session(id));
        List<DataRecord> r = records.stream().filter(x -> want.contains(x.name())).toList();
        return new PerichData(s, scaler, r);
    }

    /** Sessions prepared in memory (tests, notebooks with their own recordings); the scaler is fitted on all. */
    public static PerichData of(List<PerichNwb.Recording> recordings, List<String> sources, PerichPrep.Options o) {
        PerichPrep.Prepared p = PerichPrep.prepareAll(recordings, sources, o);
        List<DataRecord> recs = new ArrayList<>();
        for (int i = 0; i < recordings.size(); i++) {
            recs.add(new DataRecord(recordings.get(i).id(), sources.get(i), "", "", recordings.get(i).generator(), "in memory"));
        }
        return new PerichData(p.sessions(), p.scaler(), recs);
    }

    // ================================================================== loading

    /** Loads with the notebook's {@code DATA} and {@code MODE} and records every file in its provenance. */
    public static PerichData load(DataContext nb) {
        PerichData d = load(nb.dataDir(), nb.data(), nb.mode());
        for (DataRecord r : d.records()) nb.dataFile(r);
        return d;
    }

    /** {@link #load(Path, DataChoice, RunMode, PerichPrep.Options)} with Spikachu's preprocessing. */
    public static PerichData load(Path dataDir, DataChoice choice, RunMode mode) {
        return load(dataDir, choice, mode, PerichPrep.Options.spikachu());
    }

    /**
     * Loads and preprocesses the sessions (see the class comment for which files).
     *
     * @param dataDir the folder holding {@code manifest}, {@code raw/}, {@code synthetic/}
     */
    public static PerichData load(Path dataDir, DataChoice choice, RunMode mode, PerichPrep.Options o) {
        Path data = dataDir.toAbsolutePath().normalize();
        Sessions loaded = DataSource.of(() -> !realFiles(data).isEmpty(), () -> loadReal(data),
                () -> missing(data), () -> loadSynthetic(data, mode)).load(choice);
        List<String> sources = loaded.recordings().stream().map(r -> loaded.source()).toList();
        PerichPrep.Prepared p = PerichPrep.prepareAll(loaded.recordings(), sources, o);
        return new PerichData(p.sessions(), p.scaler(), loaded.records());
    }

    /** The recordings of one load, their records, and {@code real} or {@code synthetic}. */
    private record Sessions(List<PerichNwb.Recording> recordings, List<DataRecord> records, String source) {}

    private static Sessions loadReal(Path data) {
        List<PerichNwb.Recording> recs = new ArrayList<>();
        List<DataRecord> records = new ArrayList<>();
        DigestCache cache = DigestCache.forRawDir(data.resolve("raw"));
        Map<String, Path> seen = new HashMap<>();
        try {
            for (Path f : realFiles(data)) {
                Loaded l = loadReal(data, f, cache);
                Path before = seen.put(l.recording().id(), f);
                if (before != null) {
                    throw new DataException(f, "two real files hold session " + l.recording().id() + ": " + before + " and " + f
                            + "; keep one");
                }
                recs.add(l.recording());
                records.add(l.record());
            }
        } finally {
            cache.save();
        }
        return new Sessions(recs, records, "real");
    }

    private static DataException missing(Path data) {
        Path dir = data.resolve("raw").resolve(FOLDER);
        return new DataException(dir, "DATA=real but no real Perich session is present: expected NWB files under " + dir
                + "/ (e.g. " + dir.resolve("sub-C").resolve("sub-C_ses-CO-20150311_behavior+ecephys.nwb")
                + "), downloaded from DANDI 000688 (" + DANDI_URL + ", e.g. with 'dandi download "
                + "DANDI:000688'). Or use DATA=auto or DATA=synthetic for the synthetic stand-ins (see data/README.md)");
    }

    private static Sessions loadSynthetic(Path data, RunMode mode) {
        List<PerichNwb.Recording> recs = new ArrayList<>();
        List<DataRecord> records = new ArrayList<>();
        for (PerichGenerator.Config c : PerichGenerator.configs(mode)) {
            Loaded l = loadSynthetic(data, c);
            recs.add(l.recording());
            records.add(l.record());
        }
        return new Sessions(recs, records, "synthetic");
    }

    private record Loaded(PerichNwb.Recording recording, DataRecord record) {}

    /** Every {@code *.nwb} under {@code data/raw/perich/} (hidden files skipped), sorted by path. */
    public static List<Path> realFiles(Path dataDir) {
        Path dir = dataDir.resolve("raw").resolve(FOLDER);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".nwb") && !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String relative(Path dataDir, Path p) { return DataSource.relative(dataDir, p); }

    private static Loaded loadReal(Path dataDir, Path f, DigestCache cache) {
        Path raw = dataDir.resolve("raw");
        String rel = raw.relativize(f).toString().replace('\\', '/');
        Optional<DataManifest.Entry> entry = DataSource.manifestEntry(dataDir, rel);
        String verification;
        String sha;
        PerichNwb.Recording r;
        if (entry.isPresent()) {
            DataManifest.Status st = DataSource.verify(f, entry.get(), cache,
                    "delete or replace it (see data/README.md), or use DATA=synthetic for the stand-ins");
            verification = st.message();
            sha = st.digests().sha256();
            r = PerichNwb.read(f);
        } else {
            r = PerichNwb.read(f);
            try {
                sha = cache.digests(f).sha256();
            } catch (IOException e) {
                throw new DataException(f, f + ": cannot checksum: " + e.getMessage(), e);
            }
            verification = "not listed in data/manifest (DANDI publishes no checksum the kit can check); reads as a Perich NWB session";
        }
        if (!r.generator().isEmpty()) {
            throw new DataException(f, f + ": holds a SpikeKit synthetic session (" + r.generator()
                    + "), not a real recording; real files go to data/raw/perich/, stand-ins live in data/synthetic/perich/");
        }
        return new Loaded(r, new DataRecord(r.id(), "real", relative(dataDir, f), sha, "", verification));
    }

    /** Where the stand-in of {@code id} is written. */
    public static Path syntheticFile(Path dataDir, String id) {
        return dataDir.resolve("synthetic").resolve(FOLDER).resolve(id + ".nwb");
    }

    private static Loaded loadSynthetic(Path dataDir, PerichGenerator.Config c) {
        Path f = syntheticFile(dataDir, c.sessionId());
        String want = c.describe();
        DataSource.Standin<PerichNwb.Recording> st = DataSource.standinFile(f, want, PerichNwb::read, PerichNwb.Recording::generator,
                null, null, target -> PerichNwb.write(PerichGenerator.generate(c), target));
        PerichNwb.Recording r = st.value();
        try {
            return new Loaded(r, new DataRecord(r.id(), "synthetic", relative(dataDir, f), Digests.of(f).sha256(), want, st.how()));
        } catch (IOException e) {
            throw new DataException(f, f + ": cannot checksum the stand-in: " + e.getMessage(), e);
        }
    }

    // ================================================================== generation (make data)

    /** What {@link #synthesizeAll} did for one session. */
    public enum SynthAction {
        /** The stand-in was (re)written. */
        WRITTEN,
        /** An up-to-date stand-in was there. */
        UP_TO_DATE,
        /** The session has a real file; no stand-in is needed. */
        REAL_PRESENT
    }

    /** One session's outcome; {@code reason} says why it was (re)written or skipped. */
    public record SynthResult(String id, Path file, SynthAction action, String reason, double seconds) {}

    /**
     * Writes the stand-ins of {@code mode} under {@code data/synthetic/perich/}, skipping those that
     * are up to date (same generator config stored in the file) and those whose session has a
     * real file under {@code data/raw/perich/} (recognised by its DANDI file name).
     */
    public static List<SynthResult> synthesizeAll(Path dataDir, RunMode mode) {
        Path data = dataDir.toAbsolutePath().normalize();
        Map<String, Path> realIds = new HashMap<>();
        for (Path f : realFiles(data)) {
            PerichNwb.parseFileName(f.getFileName().toString()).ifPresent(n -> realIds.put(n.id(), f));
        }
        List<SynthResult> out = new ArrayList<>();
        for (PerichGenerator.Config c : PerichGenerator.configs(mode)) {
            String id = c.sessionId();
            Path f = syntheticFile(data, id);
            if (realIds.containsKey(id)) {
                out.add(new SynthResult(id, f, SynthAction.REAL_PRESENT, "real file " + relative(data, realIds.get(id)) + " present", 0));
                continue;
            }
            String reason;
            if (Files.exists(f)) {
                try {
                    if (PerichNwb.readGenerator(f).equals(c.describe())) {
                        out.add(new SynthResult(id, f, SynthAction.UP_TO_DATE, "up to date", 0));
                        continue;
                    }
                    reason = "generator config differs";
                } catch (DataException e) {
                    reason = "unreadable: " + e.getMessage();
                }
            } else {
                reason = "missing";
            }
            long t0 = System.nanoTime();
            PerichNwb.write(PerichGenerator.generate(c), f);
            out.add(new SynthResult(id, f, SynthAction.WRITTEN, reason, (System.nanoTime() - t0) / 1e9));
        }
        return out;
    }
}
