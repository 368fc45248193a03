package org.spikekit.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.spikekit.data.RunMode;
import org.spikekit.report.RunRecords;

/**
 * A sweep: a named list of independent runs ({@link RunSpec}) in one mode. Stored as
 * {@code results/sweeps/<name>/sweep.json} beside its logs, SLURM scripts and merged table; each run
 * writes its result and provenance to its own file (the paper driver's run file) under
 * {@code <resultsDir>/<paper>/…}, so a run that died is re-run alone and nothing finished is lost.
 *
 * <p>Runs of one paper may need preparatory steps shared between them (tinyRSNN/bigRSNN pretrain
 * once per monkey and seed): {@link #phases()} puts those first, so both executors run a phase only
 * after the one before it.
 *
 * @param name       label; the sweep's folder is {@code results/sweeps/<name>}
 * @param mode       {@code quick} or {@code full}
 * @param resultsDir where the runs' result files go, relative to the project root: {@code results/sweeps/<name>}
 *                   for a study of its own, {@code results} for {@link #kit} (the notebooks' own files)
 * @param runs       the runs, ids unique
 */
public record Sweep(String name, String mode, String resultsDir, List<RunSpec> runs) {

    public Sweep {
        Objects.requireNonNull(name, "sweep name");
        if (!RunSpec.LABEL.matcher(name).matches()) throw new IllegalArgumentException("sweep name '" + name + "' must match " + RunSpec.LABEL.pattern());
        RunMode.parse(mode, "sweep '" + name + "' mode");
        if (resultsDir == null || resultsDir.isBlank()) resultsDir = "results/sweeps/" + name;
        Path rd = Path.of(resultsDir).normalize();
        if (rd.isAbsolute() || rd.startsWith("..") || !rd.startsWith("results")) {
            throw new IllegalArgumentException("sweep '" + name + "': resultsDir '" + resultsDir + "' must be a folder under results/ of the project");
        }
        if (runs == null || runs.isEmpty()) throw new IllegalArgumentException("sweep '" + name + "' lists no runs");
        runs = List.copyOf(runs);
        Set<String> ids = new LinkedHashSet<>();
        for (RunSpec r : runs) {
            if (!ids.add(r.id())) throw new IllegalArgumentException("sweep '" + name + "' lists run " + r.id() + " twice");
        }
    }

    /** Every combination of {@code models × sessions × seeds} of one paper with the same overrides. */
    public static Sweep grid(String name, RunMode mode, String paper, List<String> models, List<String> sessions, List<Long> seeds,
                             Map<String, String> overrides) {
        List<RunSpec> runs = new ArrayList<>();
        for (String m : models) for (long seed : seeds) for (String s : sessions) runs.add(new RunSpec(paper, m, s, seed, overrides));
        return new Sweep(name, mode.id(), null, runs);
    }

    /**
     * The runs a paper's notebooks make in {@code mode} with the paper's settings, writing into the
     * notebooks' own result folders: after this sweep, {@code make notebooks} finds every run done and
     * only builds tables and figures. Name {@code kit-<paper>-<mode>}.
     */
    public static Sweep kit(String paper, RunMode mode) {
        return new Sweep("kit-" + paper + "-" + mode.id(), mode.id(), "results", PaperRuns.of(paper).kitRuns(mode));
    }

    public RunMode runMode() { return RunMode.parse(mode, "sweep '" + name + "' mode"); }

    /** The sweep's own folder: {@code <root>/results/sweeps/<name>}. */
    public Path dir(Path root) { return root.resolve("results").resolve("sweeps").resolve(name); }

    /** The file it is stored in: {@code dir/sweep.json}. */
    public Path file(Path root) { return dir(root).resolve("sweep.json"); }

    /** Where its runs' result files go: {@code <root>/<resultsDir>}. */
    public Path resultsRoot(Path root) { return root.resolve(resultsDir).normalize(); }

    /** The run with this id. */
    public RunSpec run(String id) {
        for (RunSpec r : runs) if (r.id().equals(id)) return r;
        throw new IllegalArgumentException("sweep '" + name + "' has no run '" + id + "'");
    }

    /**
     * Phase 0: the preparatory steps the runs need (deduplicated, in first-use order; empty when
     * none); phase 1: the runs. Every spec is checked by its paper's driver here.
     */
    public List<List<RunSpec>> phases() {
        Map<String, RunSpec> prep = new LinkedHashMap<>();
        for (RunSpec r : runs) {
            PaperRuns p = PaperRuns.of(r.paper());
            p.check(r);
            for (RunSpec q : p.prerequisites(r, this)) prep.putIfAbsent(q.id(), q);
        }
        return List.of(List.copyOf(prep.values()), runs);
    }

    /** Writes the sweep as JSON (atomically). */
    public Path write(Path file) throws IOException {
        return RunRecords.write(file.toAbsolutePath().getParent(), file.getFileName().toString(), this);
    }

    /** Reads a sweep file; a damaged or foreign file is reported with its path. */
    public static Sweep read(Path file) throws IOException {
        if (!java.nio.file.Files.isRegularFile(file)) throw new IOException(file + ": no such sweep file");
        return RunRecords.read(file, Sweep.class, "sweep file", " (expected {name, mode, resultsDir, runs: [{paper, model, session, seed, overrides}]})");
    }
}
