package org.spikekit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.spikekit.Kit;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.io.AtomicFiles;
import org.spikekit.report.GitInfo;

/**
 * The benchmark runner of {@code make bench}: runs every suite on every backend that can start
 * here, each (suite, backend) pair in a fresh JVM (as JMH forks do, so one suite's JIT state
 * cannot slow another), and writes {@code <out>/compute.csv} plus {@code compute.env.txt}
 * (machine, JVM, commit). Benchmarks are measurements, never pass/fail tests.
 *
 * <pre>
 * java ... org.spikekit.bench.BenchMain OUT_DIR [repeats] [suite,...] [backend,...]
 * </pre>
 */
public final class BenchMain {
    private BenchMain() {}

    /** Suite name → benchmark; each returns its rows for one backend. */
    static Map<String, BiFunction<Backend, Integer, List<BenchRow>>> suites() {
        Map<String, BiFunction<Backend, Integer, List<BenchRow>>> m = new LinkedHashMap<>();
        m.put("gemm", GemmBench::run);
        m.put("lif", LifBench::run);
        m.put("rsnn", RsnnBench::run);
        m.put("spikenn", SpikeNnBench::run);
        m.put("blocks", BlocksBench::run);
        m.put("spikachu", SpikachuBench::run);
        return m;
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("--inline")) {
            // Child JVM: one suite on one backend, rows as CSV on stdout.
            String suite = args[1], backend = args[2];
            int repeats = Integer.parseInt(args[3]);
            try (Backend be = Backends.get(backend)) {
                for (BenchRow r : suites().get(suite).apply(be, repeats)) System.out.println(BenchCsv.row(r));
            }
            return;
        }
        if (args.length < 1) {
            System.err.println("usage: BenchMain OUT_DIR [repeats] [suite,...] [backend,...]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> suiteNames = args.length > 2 ? List.of(args[2].split(",")) : List.copyOf(suites().keySet());
        List<String> backends = args.length > 3 ? List.of(args[3].split(",")) : Backends.names();
        for (String s : suiteNames) {
            if (!suites().containsKey(s)) throw new IllegalArgumentException("unknown suite '" + s + "'; known: " + suites().keySet());
        }
        List<String> lines = new ArrayList<>();
        lines.add(BenchCsv.HEADER);
        for (String b : backends) {
            if (!Backends.available(b)) {
                System.out.println("bench: backend " + b + " skipped (cannot start here)");
                continue;
            }
            for (String s : suiteNames) {
                System.out.println("bench: " + s + " on " + b + " ...");
                List<String> rows = fork(s, b, repeats);
                rows.forEach(System.out::println);
                lines.addAll(rows);
            }
        }
        AtomicFiles.writeString(out.resolve("compute.csv"), String.join("\n", lines) + "\n");
        AtomicFiles.writeString(out.resolve("compute.env.txt"), environment());
        System.out.println("bench: wrote " + out.resolve("compute.csv"));
    }

    private static List<String> fork(String suite, String backend, int repeats) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(),
                "--inline", suite, backend, Integer.toString(repeats)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) throw new IllegalStateException("bench suite " + suite + " on " + backend + " failed (exit " + rc + ")");
        return stdout.lines().filter(l -> l.startsWith(suite + ",")).toList();
    }

    private static String environment() {
        GitInfo g = GitInfo.of(Path.of("").toAbsolutePath());
        return "spikekit " + Kit.version() + "\ncommit " + g.commit() + (g.dirty() ? " (dirty)" : "")
                + "\njava " + System.getProperty("java.vendor") + " " + System.getProperty("java.version")
                + "\nos " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
                + "\ncores " + Runtime.getRuntime().availableProcessors()
                + "\nmax heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB\n";
    }
}
