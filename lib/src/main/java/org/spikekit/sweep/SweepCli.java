package org.spikekit.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.spikekit.data.RunMode;
import org.spikekit.report.Notebook;

/**
 * Command line of sweeps ({@code make sweep}, {@code make reproduce EXECUTOR=slurm}):
 * <pre>
 * SweepCli plan NAME --paper rsnn --models tinyRSNN,SNN2 --sessions I1,L1 --seeds 1,2 [--set finetune=3,prune=1] [--mode quick]
 * SweepCli kit PAPER [--mode quick]            the runs the paper's notebooks make, into their own result folders
 * SweepCli run SWEEP.json [--executor local|slurm] [--parallel N] [--cpus-per-run C] [--mem-mb M] [--no-bars]
 *                         [--partition P] [--time T] [--max-at-once N] [--sbatch-arg --account=x]... [--no-wait]
 * SweepCli status SWEEP.json                   done / pending per run
 * SweepCli merge SWEEP.json                    merged table of the runs present (exit 3 when some are missing)
 * SweepCli run-one SWEEP.json RUN_ID           one run in this JVM (what the executors start)
 * SweepCli keys PAPER                          the override keys a paper accepts
 * </pre>
 * {@code --set} values are JSON scalars ({@code 3}, {@code 2e-3}, {@code true}; booleans also
 * {@code yes}/{@code no}/{@code 1}/{@code 0}) applied with {@code org.spikekit.config.Configs#override};
 * RSNN also takes {@code model.<path>=value} for fields of {@code Rsnn.Config} (e.g. {@code model.hidden=128}).
 * The project root is {@code SPIKEKIT_HOME} or the folder above the working directory holding
 * {@code pom.xml} and {@code notebooks/}; {@code DATA} and {@code SPIKEKIT_BACKEND} pass to every run.
 */
public final class SweepCli {
    private SweepCli() {}

    /** Prefix of the progress lines a run prints: {@code @@progress DONE TOTAL STAGE}. */
    static final String PROGRESS = "@@progress ";
    /** Prefix of a run's closing line: {@code @@done SUMMARY}. */
    static final String DONE = "@@done ";

    /** A parsed progress line. */
    record Progress(int done, int total, String stage) {
        static Progress parse(String line) {
            if (!line.startsWith(PROGRESS)) return null;
            String[] f = line.substring(PROGRESS.length()).split(" ", 3);
            try {
                return f.length == 3 ? new Progress(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2]) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    public static void main(String[] args) {
        int rc;
        try {
            rc = run(args, System.out);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("sweep: " + e.getMessage());
            rc = 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rc = 130;
        } catch (org.spikekit.train.TrainingInterruptedException e) {
            System.err.println("sweep: " + e.getMessage());
            rc = 130;
        }
        System.exit(rc);
    }

    static final String USAGE = "usage: SweepCli plan NAME --paper P --models M,.. --sessions S,.. --seeds K,.. [--set k=v,..] [--mode quick|full]\n"
            + "       SweepCli kit PAPER [--mode quick|full]\n"
            + "       SweepCli run SWEEP.json [--executor local|slurm] [--parallel N] [--cpus-per-run C] [--mem-mb M] [--no-bars]"
            + " [--partition P] [--time T] [--max-at-once N] [--sbatch-arg ARG].. [--no-wait]\n"
            + "       SweepCli status|merge SWEEP.json\n"
            + "       SweepCli run-one SWEEP.json RUN_ID\n"
            + "       SweepCli keys PAPER";

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out) throws IOException, InterruptedException {
        if (args.length < 2) throw new IllegalArgumentException(USAGE);
        Path root = Notebook.findRoot(System.getenv("SPIKEKIT_HOME"), Path.of(""));
        Options o = Options.parse(Arrays.copyOfRange(args, args[0].equals("run-one") ? Math.min(3, args.length) : 2, args.length));
        switch (args[0]) {
            case "plan" -> {
                RunMode mode = RunMode.parse(o.get("mode", System.getenv().getOrDefault("MODE", "quick")), "--mode");
                List<Long> seeds = new ArrayList<>();
                for (String s : o.list("seeds")) {
                    try {
                        seeds.add(Long.parseLong(s));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seeds: '" + s + "' is not an integer");
                    }
                }
                Sweep sw = Sweep.grid(args[1], mode, o.require("paper"), o.list("models"), o.list("sessions"), seeds,
                        RunSpec.parseOverrides(o.get("set", "")));
                o.done();
                List<List<RunSpec>> ph = sw.phases();                  // checks every spec now
                Path f = sw.write(sw.file(root));
                out.printf(Locale.ROOT, "%s: %d run(s) (+%d preparatory)%n", f, sw.runs().size(), ph.get(0).size());
                return 0;
            }
            case "kit" -> {
                RunMode mode = RunMode.parse(o.get("mode", System.getenv().getOrDefault("MODE", "quick")), "--mode");
                o.done();
                Sweep sw = Sweep.kit(args[1], mode);
                Path f = sw.write(sw.file(root));
                out.printf(Locale.ROOT, "%s: %d run(s) (+%d preparatory)%n", f, sw.runs().size(), sw.phases().get(0).size());
                return 0;
            }
            case "keys" -> {
                o.done();
                PaperRuns.of(args[1]).overrideKeys().forEach((k, v) -> out.println(k + "\t" + v));
                return 0;
            }
            default -> { }
        }
        Path file = Path.of(args[1]).toAbsolutePath();
        Sweep sw = Sweep.read(file);
        PaperRuns.Context ctx = PaperRuns.Context.fromEnvironment(root, sw);
        switch (args[0]) {
            case "run-one" -> {
                if (args.length != 3) throw new IllegalArgumentException("run-one needs SWEEP.json RUN_ID");
                return runOne(ctx, args[2], out);
            }
            case "status" -> {
                o.done();
                int pending = 0;
                List<List<RunSpec>> ph = sw.phases();
                for (int i = 0; i < ph.size(); i++) {
                    for (RunSpec r : ph.get(i)) {
                        boolean d = PaperRuns.of(r.paper()).done(r, ctx);
                        if (!d) pending++;
                        out.println((d ? "done    " : "pending ") + "phase " + i + "  " + r.id());
                    }
                }
                out.println(pending + " pending");
                return pending == 0 ? 0 : 1;
            }
            case "merge" -> {
                o.done();
                SweepTable t = SweepTable.merge(ctx);
                Path p = t.write(sw.dir(root).resolve("table.csv"));
                out.printf(Locale.ROOT, "%s: %d of %d run(s)%s%n", p, t.rows(), sw.runs().size(),
                        t.missing().isEmpty() ? "" : "; missing (run the sweep again to finish them): " + t.missing());
                return t.missing().isEmpty() ? 0 : 3;
            }
            case "run" -> {
                String ex = o.get("executor", "local");
                int cpus = o.integer("cpus-per-run", 1);
                long mem = o.integer("mem-mb", 3072);
                if (ex.equals("local")) {
                    boolean bars = !o.flag("no-bars") && System.console() != null && !"dumb".equals(System.getenv("TERM"));
                    var opt = new LocalExecutor.Options(o.integer("parallel", 0), cpus, mem, bars);
                    o.done();
                    return new LocalExecutor(ctx, file, opt, out).run().complete() ? 0 : 1;
                }
                if (!ex.equals("slurm")) throw new IllegalArgumentException("--executor must be local or slurm, got '" + ex + "'");
                var opt = new SlurmExecutor.Options(o.get("partition", null), cpus, mem, o.get("time", null), o.integer("max-at-once", 0),
                        o.all("sbatch-arg"), o.get("sbatch", "sbatch"));
                boolean wait = !o.flag("no-wait");
                o.done();
                SlurmExecutor se = new SlurmExecutor(ctx, file, opt, out);
                SlurmExecutor.Submitted s = se.submit();
                if (!wait) return 0;
                out.println("waiting for jobs " + s.arrays() + " and " + s.merge() + " (squeue every 2 s)");
                se.await(s, 2000);
                SweepTable t = SweepTable.merge(ctx);
                out.printf(Locale.ROOT, "sweep %s on SLURM: %d of %d run(s) in %s%s%n", sw.name(), t.rows(), sw.runs().size(),
                        sw.dir(root).resolve("table.csv"), t.missing().isEmpty() ? "" : "; missing: " + t.missing());
                return t.missing().isEmpty() && Files.exists(sw.dir(root).resolve("table.csv")) ? 0 : 1;
            }
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'\n" + USAGE);
        }
    }

    static int runOne(PaperRuns.Context ctx, String id, PrintStream out) throws IOException {
        RunSpec spec = null;
        for (List<RunSpec> ph : ctx.sweep().phases()) for (RunSpec r : ph) if (r.id().equals(id)) spec = r;
        if (spec == null) throw new IllegalArgumentException("sweep '" + ctx.sweep().name() + "' has no run '" + id + "'");
        PaperRuns p = PaperRuns.of(spec.paper());
        out.println("run " + id + " (" + ctx.mode().id() + ", backend " + ctx.backend() + ", data " + ctx.data() + ")");
        String summary = p.run(spec, ctx, (stage, done, total) -> {
            out.println(PROGRESS + done + " " + total + " " + stage);
            out.flush();
        });
        out.println(DONE + summary);
        out.flush();
        return 0;
    }

    /** {@code --key value} / {@code --flag} options; every option must be used ({@link #done()}). */
    static final class Options {
        private final Map<String, List<String>> m = new HashMap<>();
        private final Set<String> flags = Set.of("no-bars", "no-wait");
        private final Set<String> used = new java.util.HashSet<>();

        static Options parse(String[] a) {
            Options o = new Options();
            for (int i = 0; i < a.length; i++) {
                if (!a[i].startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a[i] + "'\n" + USAGE);
                String k = a[i].substring(2);
                String v;
                int eq = k.indexOf('=');
                if (eq > 0) {
                    v = k.substring(eq + 1);
                    k = k.substring(0, eq);
                } else if (o.flags.contains(k)) {
                    v = "true";
                } else {
                    if (i + 1 >= a.length) throw new IllegalArgumentException("option --" + k + " needs a value");
                    v = a[++i];
                }
                o.m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
            return o;
        }

        String get(String k, String dflt) {
            used.add(k);
            List<String> v = m.get(k);
            if (v == null) return dflt;
            if (v.size() > 1) throw new IllegalArgumentException("option --" + k + " given " + v.size() + " times");
            return v.get(0);
        }

        String require(String k) {
            String v = get(k, null);
            if (v == null) throw new IllegalArgumentException("option --" + k + " is required\n" + USAGE);
            return v;
        }

        List<String> list(String k) {
            return Arrays.stream(require(k).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }

        List<String> all(String k) {
            used.add(k);
            return m.getOrDefault(k, List.of());
        }

        int integer(String k, int dflt) {
            String v = get(k, null);
            if (v == null) return dflt;
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option --" + k + ": '" + v + "' is not an integer");
            }
        }

        boolean flag(String k) { return get(k, null) != null; }

        void done() {
            for (String k : m.keySet()) {
                if (!used.contains(k)) throw new IllegalArgumentException("unknown or unused option --" + k + "\n" + USAGE);
            }
        }
    }
}
