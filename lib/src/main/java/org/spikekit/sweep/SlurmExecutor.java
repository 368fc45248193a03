package org.spikekit.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a sweep on a SLURM cluster: one job array per phase (one array task per pending run,
 * {@code --requeue} so a task whose node fails is started again and resumes from its checkpoint),
 * each phase {@code --dependency=afterok} on the one before, and a table-building job
 * ({@code SweepCli merge}) {@code --dependency=afterany} on the last array, so the table is merged
 * from whatever finished and names what did not. Scripts are written to
 * {@code results/sweeps/<name>/slurm/} and submitted with {@code sbatch}; task logs go to
 * {@code results/sweeps/<name>/logs/}. The project folder must be on a filesystem the compute
 * nodes share (as home and project folders are on most clusters); the tasks run this JVM's java
 * binary and class path. With the {@code cuda} backend each task asks for one GPU.
 */
public final class SlurmExecutor {

    /**
     * @param partition  {@code --partition} (null: the cluster's default)
     * @param cpusPerRun {@code --cpus-per-task}
     * @param memMbPerRun heap of each run's JVM; {@code --mem} adds 25 % + 512 MiB for the JVM itself
     * @param time       {@code --time} (null: the partition's limit)
     * @param maxAtOnce  array throttle {@code %N} (0: none)
     * @param extra      further {@code #SBATCH} arguments, e.g. {@code --account=abc}
     * @param sbatch     the sbatch command (normally {@code sbatch}); squeue is looked up beside it
     */
    public record Options(String partition, int cpusPerRun, long memMbPerRun, String time, int maxAtOnce, List<String> extra, String sbatch) {
        public Options {
            if (cpusPerRun <= 0 || memMbPerRun < 64 || maxAtOnce < 0) {
                throw new IllegalArgumentException("slurm executor: cpus per run > 0, memory per run >= 64 MiB, max at once >= 0, got "
                        + cpusPerRun + ", " + memMbPerRun + ", " + maxAtOnce);
            }
            extra = extra == null ? List.of() : List.copyOf(extra);
            for (String e : extra) {
                if (!e.startsWith("--") || e.contains("\n")) throw new IllegalArgumentException("slurm executor: extra sbatch argument '" + e + "' must be one --option[=value]");
            }
            if (sbatch == null || sbatch.isBlank()) sbatch = "sbatch";
        }

        public static Options defaults() { return new Options(null, 1, 3072, null, 0, List.of(), "sbatch"); }
    }

    /** Job ids submitted: one per non-empty phase, then the merge job. */
    public record Submitted(List<String> arrays, String merge, List<Integer> tasks) {}

    private final PaperRuns.Context ctx;
    private final Path sweepFile;
    private final Options opt;
    private final PrintStream out;

    public SlurmExecutor(PaperRuns.Context ctx, Path sweepFile, Options opt, PrintStream out) {
        this.ctx = ctx;
        this.sweepFile = sweepFile.toAbsolutePath();
        this.opt = opt;
        this.out = out;
    }

    /** The array script of one phase running {@code runIds} (index = array task id). */
    String arrayScript(int phase, List<String> runIds, Path logs) {
        Sweep sw = ctx.sweep();
        StringBuilder s = header("spikekit-" + sw.name() + "-p" + phase, logs.resolve("%x-%A_%a.out"));
        s.append("#SBATCH --array=0-").append(runIds.size() - 1).append(opt.maxAtOnce() > 0 ? "%" + opt.maxAtOnce() : "").append('\n');
        s.append("#SBATCH --requeue\n");
        if ("cuda".equals(ctx.backend())) s.append("#SBATCH --gres=gpu:1\n");
        s.append("set -euo pipefail\n");
        env(s);
        s.append("RUNS=(");
        for (String id : runIds) s.append(' ').append(id);
        s.append(" )\n");
        s.append("echo \"=== $(date -u +%FT%TZ) slurm job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} restart ${SLURM_RESTART_COUNT:-0} on $(hostname): ${RUNS[$SLURM_ARRAY_TASK_ID]}\"\n");
        s.append("exec ").append(java()).append(" org.spikekit.sweep.SweepCli run-one ").append(q(sweepFile.toString()))
                .append(" \"${RUNS[$SLURM_ARRAY_TASK_ID]}\"\n");
        return s.toString();
    }

    /** The table-building job's script. */
    String mergeScript(Path logs) {
        StringBuilder s = header("spikekit-" + ctx.sweep().name() + "-merge", logs.resolve("%x-%j.out"));
        s.append("set -euo pipefail\n");
        env(s);
        s.append("exec ").append(java()).append(" org.spikekit.sweep.SweepCli merge ").append(q(sweepFile.toString())).append('\n');
        return s.toString();
    }

    private StringBuilder header(String name, Path output) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("#SBATCH --job-name=").append(name).append('\n');
        s.append("#SBATCH --output=").append(output).append('\n');
        s.append("#SBATCH --open-mode=append\n");
        s.append("#SBATCH --cpus-per-task=").append(opt.cpusPerRun()).append('\n');
        s.append("#SBATCH --mem=").append(opt.memMbPerRun() + opt.memMbPerRun() / 4 + 512).append("M\n");
        if (opt.partition() != null) s.append("#SBATCH --partition=").append(opt.partition()).append('\n');
        if (opt.time() != null) s.append("#SBATCH --time=").append(opt.time()).append('\n');
        for (String e : opt.extra()) s.append("#SBATCH ").append(e).append('\n');
        return s;
    }

    private void env(StringBuilder s) {
        s.append("export SPIKEKIT_HOME=").append(q(ctx.root().toString())).append('\n');
        s.append("export SPIKEKIT_BACKEND=").append(q(ctx.backend())).append('\n');
        s.append("export DATA=").append(ctx.data().name().toLowerCase(Locale.ROOT)).append('\n');
        s.append("cd \"$SPIKEKIT_HOME\"\n");
    }

    private String java() {
        List<String> c = new ArrayList<>();
        c.add(ChildJvm.javaBinary());
        c.addAll(ChildJvm.flags(opt.memMbPerRun(), opt.cpusPerRun()));
        return String.join(" ", c.stream().map(SlurmExecutor::q).toList());
    }

    static String q(String s) {
        return s.matches("[A-Za-z0-9_./=:+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** Writes the scripts and submits the pending runs; returns the job ids. */
    public Submitted submit() throws IOException, InterruptedException {
        Sweep sw = ctx.sweep();
        Path dir = sw.dir(ctx.root()), scripts = dir.resolve("slurm"), logs = dir.resolve("logs");
        Files.createDirectories(scripts);
        Files.createDirectories(logs);
        List<String> arrays = new ArrayList<>();
        List<Integer> tasks = new ArrayList<>();
        String prev = null;
        List<List<RunSpec>> phases = sw.phases();
        for (int ph = 0; ph < phases.size(); ph++) {
            List<String> ids = new ArrayList<>();
            for (RunSpec r : phases.get(ph)) if (!PaperRuns.of(r.paper()).done(r, ctx)) ids.add(r.id());
            if (ids.isEmpty()) continue;
            Path f = write(scripts.resolve("phase" + ph + ".sbatch"), arrayScript(ph, ids, logs));
            prev = sbatch(f, prev == null ? null : "afterok:" + prev);
            arrays.add(prev);
            tasks.add(ids.size());
            out.printf(Locale.ROOT, "submitted phase %d of sweep %s: job array %s with %d task(s)%n", ph, sw.name(), prev, ids.size());
        }
        Path m = write(scripts.resolve("merge.sbatch"), mergeScript(logs));
        String merge = sbatch(m, prev == null ? null : "afterany:" + prev);
        out.printf(Locale.ROOT, "submitted the table-building job %s%s; table: %s%n", merge, prev == null ? "" : " (after " + prev + ")",
                dir.resolve("table.csv"));
        return new Submitted(arrays, merge, tasks);
    }

    private static Path write(Path f, String text) throws IOException {
        Files.writeString(f, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    private String sbatch(Path script, String dependency) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(opt.sbatch(), "--parsable"));
        if (dependency != null) {
            c.add("--dependency=" + dependency);
            c.add("--kill-on-invalid-dep=yes");
        }
        c.add(script.toString());
        Result r = exec(c);
        String id = r.out().strip().split(";")[0];
        if (r.rc() != 0 || !id.matches("[0-9]+")) {
            throw new IOException("sbatch of " + script + " failed (exit " + r.rc() + "): " + (r.out() + r.err()).strip());
        }
        return id;
    }

    /** Waits until none of the jobs is queued or running (polling squeue every {@code pollMs}). */
    public void await(Submitted s, long pollMs) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>(s.arrays());
        ids.add(s.merge());
        Path squeue = Path.of(opt.sbatch()).resolveSibling("squeue");
        String sq = opt.sbatch().contains("/") ? squeue.toString() : "squeue";
        while (true) {
            Result r = exec(List.of(sq, "-h", "-o", "%i %T", "-j", String.join(",", ids)));
            if (r.rc() != 0 && !r.err().contains("Invalid job id")) throw new IOException("squeue failed (exit " + r.rc() + "): " + r.err().strip());
            if (r.out().isBlank()) return;
            Thread.sleep(pollMs);
        }
    }

    record Result(int rc, String out, String err) {}

    static Result exec(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + cmd.get(0) + "' (" + e.getMessage() + "): is SLURM installed and on PATH?", e);
        }
        byte[] o = p.getInputStream().readAllBytes(), e = p.getErrorStream().readAllBytes();
        return new Result(p.waitFor(), new String(o, StandardCharsets.UTF_8), new String(e, StandardCharsets.UTF_8));
    }

    /** For tests: the scripts without submitting. */
    Map<String, String> scripts() {
        Path logs = ctx.sweep().dir(ctx.root()).resolve("logs");
        List<List<RunSpec>> ph = ctx.sweep().phases();
        return Map.of("phase1", arrayScript(1, ph.get(1).stream().map(RunSpec::id).toList(), logs), "merge", mergeScript(logs));
    }
}
