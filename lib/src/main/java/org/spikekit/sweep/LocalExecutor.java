package org.spikekit.sweep;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.spikekit.train.Interrupts;
import org.spikekit.train.TrainingInterruptedException;

/**
 * Runs a sweep on this machine: phase by phase, each pending run in a JVM of its own, at most
 * {@link Options#parallel()} at once (bounded by cores and by memory). A run already done is
 * skipped; a run that fails (or is killed) is reported with its log and does not stop the others;
 * runs whose preparatory step failed are skipped. Running the sweep again runs only what is
 * missing, each from its last checkpoint. Ends by merging the table ({@link SweepTable}).
 *
 * <p>Progress: in a terminal, one progress bar per running run (me.tongfei progressbar) showing
 * its current stage and epoch; elsewhere (CI, notebooks) a line when each stage starts. Either way
 * one summary line per finished run. Logs: {@code results/sweeps/<name>/logs/<run>.log}.
 *
 * <p>Interrupting the thread that called {@link #run()} ends the running child JVMs and throws a
 * {@link TrainingInterruptedException}; the sweep resumes when run again.
 */
public final class LocalExecutor {

    /**
     * @param parallel    runs at once (0: as many as cores and memory allow)
     * @param cpusPerRun  processors each run's JVM sees
     * @param memMbPerRun heap of each run's JVM, MiB
     * @param bars        progress bars (true) or progress lines (false)
     */
    public record Options(int parallel, int cpusPerRun, long memMbPerRun, boolean bars) {
        public Options {
            if (parallel < 0 || cpusPerRun <= 0 || memMbPerRun < 64) {
                throw new IllegalArgumentException("local executor: parallel >= 0, cpus per run > 0 and memory per run >= 64 MiB, got "
                        + parallel + ", " + cpusPerRun + ", " + memMbPerRun);
            }
        }

        /** One core and 3 GiB per run, as many at once as fit; bars when a terminal is attached. */
        public static Options defaults() {
            return new Options(0, 1, 3072, System.console() != null && !"dumb".equals(System.getenv("TERM")));
        }

        /** Runs at once: {@code parallel}, or cores / cpusPerRun and 80 % of physical memory / heap, at least 1. */
        public int slots() {
            int byCores = Math.max(1, Runtime.getRuntime().availableProcessors() / cpusPerRun);
            long phys = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize() / (1024 * 1024);
            int byMem = (int) Math.max(1, phys * 8 / 10 / memMbPerRun);
            return parallel > 0 ? parallel : Math.min(byCores, byMem);
        }
    }

    /** What happened: runs finished now, already done before, failed (with their logs) and skipped. */
    public record Outcome(List<String> ran, List<String> alreadyDone, List<String> failed, List<String> skipped, SweepTable table) {
        public boolean complete() { return failed.isEmpty() && skipped.isEmpty() && table.missing().isEmpty(); }
    }

    private final PaperRuns.Context ctx;
    private final Path sweepFile;
    private final Options opt;
    private final PrintStream out;
    private final Set<Process> live = Collections.synchronizedSet(new HashSet<>());
    /** With bars: the runs' summary lines, printed when the phase's bars are closed. */
    private final List<String> held = Collections.synchronizedList(new ArrayList<>());

    public LocalExecutor(PaperRuns.Context ctx, Path sweepFile, Options opt, PrintStream out) {
        this.ctx = ctx;
        this.sweepFile = sweepFile;
        this.opt = opt;
        this.out = out;
    }

    public Outcome run() throws IOException, InterruptedException {
        Sweep sw = ctx.sweep();
        Path logs = sw.dir(ctx.root()).resolve("logs");
        Files.createDirectories(logs);
        List<String> ran = new ArrayList<>(), before = new ArrayList<>(), failed = new ArrayList<>(), skipped = new ArrayList<>();
        Thread hook = new Thread(() -> {                          // a killed executor takes its runs with it
            synchronized (live) {
                live.forEach(Process::destroyForcibly);
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        int slots = opt.slots();
        List<List<RunSpec>> phases = sw.phases();
        Set<String> failedPrep = new HashSet<>();
        try {
            for (int ph = 0; ph < phases.size(); ph++) {
                List<RunSpec> todo = new ArrayList<>();
                for (RunSpec r : phases.get(ph)) {
                    if (ph > 0 && PaperRuns.of(r.paper()).prerequisites(r, sw).stream().anyMatch(q -> failedPrep.contains(q.id()))) {
                        skipped.add(r.id());
                        out.println("skipped " + r.id() + ": its preparatory step failed");
                    } else if (PaperRuns.of(r.paper()).done(r, ctx)) {
                        before.add(r.id());
                    } else {
                        todo.add(r);
                    }
                }
                if (todo.isEmpty()) continue;
                out.printf(Locale.ROOT, "sweep %s phase %d: %d run(s) to do, %d at once (%d already done)%n", sw.name(), ph, todo.size(),
                        Math.min(slots, todo.size()), before.size());
                AtomicInteger finished = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(Math.min(slots, todo.size()));
                List<Future<Boolean>> fs = new ArrayList<>();
                for (RunSpec r : todo) fs.add(pool.submit(() -> launch(r, logs.resolve(r.id() + ".log"), finished, todo.size())));
                pool.shutdown();
                for (int i = 0; i < todo.size(); i++) {
                    boolean ok;
                    try {
                        ok = fs.get(i).get();
                    } catch (InterruptedException e) {
                        throw stop(pool, sw, e);
                    } catch (java.util.concurrent.ExecutionException e) {
                        out.println("FAILED " + todo.get(i).id() + ": " + e.getCause());
                        ok = false;
                    }
                    (ok ? ran : failed).add(todo.get(i).id());
                    if (!ok && ph == 0) failedPrep.add(todo.get(i).id());
                }
                synchronized (held) {
                    held.forEach(out::println);
                    held.clear();
                }
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        SweepTable t = SweepTable.merge(ctx);
        t.write(sw.dir(ctx.root()).resolve("table.csv"));
        out.printf(Locale.ROOT, "sweep %s: %d run(s) in table %s; ran %d, already done %d, failed %d, skipped %d%s%n", sw.name(), t.rows(),
                sw.dir(ctx.root()).resolve("table.csv"), ran.size(), before.size(), failed.size(), skipped.size(),
                t.missing().isEmpty() ? "" : "; missing: " + t.missing());
        return new Outcome(List.copyOf(ran), before, List.copyOf(failed), skipped, t);
    }

    /**
     * The calling thread was interrupted (a notebook's ■, or the thread's owner): ends every running
     * child JVM (asked first, forced after 10 s; each writes its checkpoints atomically, so a run
     * killed mid-epoch resumes from its last one), stops the reader threads and tells what is kept.
     */
    private TrainingInterruptedException stop(ExecutorService pool, Sweep sw, InterruptedException cause) {
        List<Process> running;
        synchronized (live) {
            running = new ArrayList<>(live);
        }
        running.forEach(Process::destroy);
        boolean interrupted = Thread.interrupted();
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            for (Process p : running) {
                try {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !p.waitFor(left, java.util.concurrent.TimeUnit.NANOSECONDS)) p.destroyForcibly();
                } catch (InterruptedException e) {
                    interrupted = true;
                    p.destroyForcibly();
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        Interrupts.stopWorkers(pool, 10);
        return new TrainingInterruptedException("sweep " + sw.name() + ": " + running.size() + " running child JVM(s) stopped", cause)
                .note("finished runs are kept, each stopped run keeps its last checkpoint; run the sweep again to resume it");
    }

    /** Runs one spec in a child JVM; true when it exited 0. */
    private boolean launch(RunSpec r, Path log, AtomicInteger finished, int total) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(sweepFile, r.id(), opt.memMbPerRun(), opt.cpusPerRun()))
                .redirectErrorStream(true);
        pb.environment().put("SPIKEKIT_HOME", ctx.root().toString());
        pb.environment().put("SPIKEKIT_BACKEND", ctx.backend());
        pb.environment().put("DATA", ctx.data().name().toLowerCase(Locale.ROOT));
        Process p = pb.start();
        live.add(p);
        String summary = "";
        ProgressBar bar = opt.bars() ? new ProgressBarBuilder().setTaskName(r.id()).setInitialMax(1).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).hideEta().build() : null;
        String stage = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            w.println("=== " + java.time.Instant.now() + " local executor starts " + r.id() + " (pid " + p.pid() + ")");
            String line;
            while ((line = in.readLine()) != null) {
                w.println(line);
                w.flush();
                SweepCli.Progress pr = SweepCli.Progress.parse(line);
                if (pr != null) {
                    if (bar != null) {
                        bar.maxHint(pr.total());
                        bar.stepTo(pr.done());
                        bar.setExtraMessage(pr.stage());
                    } else if (!pr.stage().equals(stage)) {
                        out.println("  " + r.id() + ": " + pr.stage() + (pr.total() > 1 ? " (" + pr.total() + " epochs)" : ""));
                    }
                    stage = pr.stage();
                } else if (line.startsWith(SweepCli.DONE)) {
                    summary = line.substring(SweepCli.DONE.length()).strip();
                }
            }
            int rc = p.waitFor();
            live.remove(p);
            int k = finished.incrementAndGet();
            double s = (System.nanoTime() - t0) / 1e9;
            String summaryLine = rc == 0 ? String.format(Locale.ROOT, "[%d/%d] done %s in %.1f s: %s", k, total, r.id(), s, summary)
                    : String.format(Locale.ROOT, "[%d/%d] FAILED %s (exit %d after %.1f s; log %s) — run the sweep again to resume it",
                            k, total, r.id(), rc, s, log);
            if (bar != null) {
                // the bar's last state is the run's summary line (a line printed between bars would be torn by their redraws)
                bar.setExtraMessage(rc == 0 ? "done in " + Math.round(s) + " s: " + summary : "FAILED (exit " + rc + "), log " + log);
            } else {
                out.println(summaryLine);
            }
            if (bar != null) held.add(summaryLine);
            return rc == 0;
        } finally {
            if (bar != null) bar.close();
        }
    }
}
