package org.spikekit.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.spikekit.data.images.ImageData;
import org.spikekit.data.perich.PerichData;
import org.spikekit.data.reaching.ODohertyData;

/**
 * Command line used by {@code make data} (all paths relative to the project root, default the
 * working directory):
 *
 * <pre>
 * DataCli verify [--verbose] [root]
 *     checks every file of data/manifest present under data/raw/ (size and checksum where known,
 *     the layout where no checksum is known); one line per present file, one summary line for
 *     absent ones; exit 1 if a present file is refused.
 * DataCli synth odoherty [--mode quick|full] [root]
 *     writes data/synthetic/odoherty/&lt;session&gt;.mat for every session of the mode that has no
 *     real file, unless an up-to-date one exists (same generator config stored in the file).
 *     Mode: --mode, else the MODE environment variable, else quick.
 * DataCli synth images [--mode quick|full] [root]
 *     writes the SpikeNN image stand-ins (ImageData: data/synthetic/mnist/, fashion-mnist/,
 *     cifar/cifar-10-binary.tar.gz, cifar/cifar-100-binary.tar.gz) for every data set that has no
 *     real file in data/raw, unless an up-to-date one exists.
 * DataCli synth perich [--mode quick|full] [root]
 *     writes the Spikachu stand-ins data/synthetic/perich/&lt;session&gt;.nwb of the mode
 *     (PerichGenerator: quick 6 sessions, full 14), skipping up-to-date ones and sessions whose
 *     real DANDI file is under data/raw/perich/.
 * DataCli fetch odoherty [--base URL] [--timeout SECONDS] [--only a,b] [root]
 *     tries to download the sessions missing from data/raw/odoherty/ from their manifest URL
 *     (Zenodo) or the same file names under --base (also SPIKEKIT_ODOHERTY_BASE); offline, says
 *     so after the first attempt and how to place the files by hand (exit 0: the synthetic
 *     stand-ins are used); exit 1 if a download failed or was refused by its checksum.
 * DataCli standins DIR
 *     writes a small stand-in of every HDF5 layout the kit writes into DIR, each with a JSON file of
 *     what the kit's reader reads back ({@link StandinDump}); make test-hdf5 checks them with libhdf5.
 * </pre>
 */
public final class DataCli {
    private DataCli() {}

    static final String USAGE = """
            usage: DataCli verify [--verbose] [project-root]
                   DataCli synth odoherty [--mode quick|full] [project-root]
                   DataCli synth images [--mode quick|full] [project-root]
                   DataCli synth perich [--mode quick|full] [project-root]
                   DataCli fetch odoherty [--base URL] [--timeout SECONDS] [--only a,b] [project-root]
                   DataCli standins DIR""";

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System::getenv));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env) {
        try {
            if (args.length == 0) throw new Usage("no command");
            Args a = Args.parse(Arrays.copyOfRange(args, 1, args.length));
            return switch (args[0]) {
                case "verify" -> verify(a, out, err);
                case "synth" -> synth(a, out, env);
                case "fetch" -> fetch(a, out, err, env);
                case "standins" -> standins(a, out);
                default -> throw new Usage("unknown command '" + args[0] + "'");
            };
        } catch (Usage u) {
            err.println("DataCli: " + u.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("DataCli " + String.join(" ", args) + ": " + e.getMessage());
            return 1;
        }
    }

    // ------------------------------------------------------------------ verify

    private static int verify(Args a, PrintStream out, PrintStream err) throws Usage {
        a.allow("--verbose");
        Path root = a.root(0);
        DataManifest m = DataManifest.read(root.resolve("data/manifest"));
        List<DataManifest.Status> st = m.check(root.resolve("data/raw"));
        int bad = 0;
        Map<String, Integer> absent = new TreeMap<>();
        for (DataManifest.Status s : st) {
            if (s.state() == DataManifest.State.MISSING && !a.has("--verbose")) {
                String p = s.entry().path();
                absent.merge(p.contains("/") ? p.substring(0, p.indexOf('/')) + "/" : p, 1, Integer::sum);
                continue;
            }
            String tag = switch (s.state()) {
                case OK -> "real  ";
                case MISSING -> "absent";
                default -> "BAD   ";
            };
            if (s.bad()) bad++;
            out.printf("%s  %-24s %s%n", tag, s.entry().name(), s.state() == DataManifest.State.OK
                    ? s.message() + " — " + root.relativize(s.file()) : s.message());
        }
        if (!absent.isEmpty()) {
            int n = absent.values().stream().mapToInt(Integer::intValue).sum();
            List<String> parts = new ArrayList<>();
            absent.forEach((k, v) -> parts.add(k + " " + v));
            out.printf("absent  %d file(s) not in data/raw (%s): their synthetic stand-ins are used; see data/README.md%n",
                    n, String.join(", ", parts));
        }
        if (bad > 0) {
            err.println(bad + " data file(s) failed verification; see the lines marked BAD above");
            return 1;
        }
        return 0;
    }

    // ------------------------------------------------------------------ synth

    private static int synth(Args a, PrintStream out, Function<String, String> env) throws Usage, IOException {
        a.allow("--mode");
        String what = a.positional(0, "data set (odoherty, images or perich)");
        if (what.equals("images")) return synthImages(a, out, env);
        if (what.equals("perich")) return synthPerich(a, out, env);
        if (!what.equals("odoherty")) throw new Usage("synth knows the data sets 'odoherty', 'images' and 'perich', got '" + what + "'");
        RunMode mode = mode(a, env);
        Path root = a.root(1);
        long t0 = System.nanoTime();
        ODohertyData data = ODohertyData.at(root.resolve("data"));
        int written = 0, current = 0, real = 0;
        for (ODohertyData.SynthResult r : data.synthesizeAll(mode)) {
            Path shown = root.relativize(r.file());
            switch (r.action()) {
                case WRITTEN -> {
                    written++;
                    out.printf(Locale.ROOT, "wrote   %s (%s; %.1f s, %.1f MB)%n", shown, r.reason(), r.seconds(),
                            Files.size(r.file()) / 1e6);
                }
                case UP_TO_DATE -> current++;
                case REAL_PRESENT -> {
                    real++;
                    out.printf("real    %s: %s, no stand-in needed%n", r.name(), r.reason());
                }
            }
        }
        out.printf(Locale.ROOT, "synth odoherty (%s): %d sessions: %d written, %d up to date, %d with a real file; %.1f s%n",
                mode.id(), written + current + real, written, current, real, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static int synthImages(Args a, PrintStream out, Function<String, String> env) throws Usage {
        RunMode mode = mode(a, env);
        Path root = a.root(1);
        long t0 = System.nanoTime();
        ImageData data = ImageData.at(root.resolve("data"));
        int written = 0, current = 0, real = 0;
        for (String ds : ImageData.DATASETS) {
            if (data.realPresent(ds)) {
                real++;
                out.printf("real    %s: a real file is present in data/raw, no stand-in needed%n", ds);
                continue;
            }
            ImageData.SynthResult r = data.synthesize(ds, mode);
            if (r.written()) {
                written++;
                out.printf(Locale.ROOT, "wrote   %s (%s; %.1f s)%n", root.relativize(r.file()), r.reason(), r.seconds());
            } else {
                current++;
            }
        }
        out.printf(Locale.ROOT, "synth images (%s): %d data sets: %d written, %d up to date, %d with a real file; %.1f s%n",
                mode.id(), ImageData.DATASETS.size(), written, current, real, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static int synthPerich(Args a, PrintStream out, Function<String, String> env) throws Usage {
        RunMode mode = mode(a, env);
        Path root = a.root(1);
        long t0 = System.nanoTime();
        int written = 0, current = 0, real = 0;
        for (PerichData.SynthResult r : PerichData.synthesizeAll(root.resolve("data"), mode)) {
            switch (r.action()) {
                case WRITTEN -> {
                    written++;
                    out.printf(Locale.ROOT, "wrote   %s (%s; %.1f s)%n", root.relativize(r.file()), r.reason(), r.seconds());
                }
                case UP_TO_DATE -> current++;
                case REAL_PRESENT -> {
                    real++;
                    out.printf("real    %s: %s, no stand-in needed%n", r.id(), r.reason());
                }
            }
        }
        out.printf(Locale.ROOT, "synth perich (%s): %d sessions: %d written, %d up to date, %d with a real file; %.1f s%n",
                mode.id(), written + current + real, written, current, real, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static RunMode mode(Args a, Function<String, String> env) throws Usage {
        String m = a.value("--mode");
        String where = "--mode";
        if (m == null) {
            m = env.apply(RunMode.ENV);
            where = "environment variable " + RunMode.ENV;
        }
        if (m == null || m.isBlank()) return RunMode.QUICK;
        try {
            return RunMode.parse(m, where);
        } catch (IllegalArgumentException e) {
            throw new Usage(e.getMessage());
        }
    }

    // ------------------------------------------------------------------ standins

    private static int standins(Args a, PrintStream out) throws Usage, IOException {
        a.allow();
        Path dir = Path.of(a.positional(0, "output folder")).toAbsolutePath().normalize();
        a.root(0);
        long t0 = System.nanoTime();
        List<Path> files = StandinDump.write(dir);
        for (Path f : files) out.printf(Locale.ROOT, "wrote   %s (%d bytes) + .json%n", dir.relativize(f), Files.size(f));
        out.printf(Locale.ROOT, "standins: %d HDF5 files in %s; %.1f s%n", files.size(), dir, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    // ------------------------------------------------------------------ fetch

    private static int fetch(Args a, PrintStream out, PrintStream err, Function<String, String> env) throws Usage {
        a.allow("--base", "--timeout", "--only");
        String what = a.positional(0, "data set (odoherty)");
        if (!what.equals("odoherty")) throw new Usage("fetch knows the data set 'odoherty', got '" + what + "'");
        Path root = a.root(1);
        String base = a.value("--base");
        if (base == null) base = env.apply("SPIKEKIT_ODOHERTY_BASE");
        Duration timeout;
        try {
            timeout = Duration.ofMillis(Math.round(1000 * Double.parseDouble(a.value("--timeout") == null ? "10" : a.value("--timeout"))));
        } catch (NumberFormatException e) {
            throw new Usage("--timeout needs seconds, got '" + a.value("--timeout") + "'");
        }
        if (timeout.isNegative() || timeout.isZero()) throw new Usage("--timeout must be > 0 s");
        DataManifest m = DataManifest.read(root.resolve("data/manifest"));
        List<DataManifest.Entry> entries = new ArrayList<>();
        for (DataManifest.Entry e : m.entries()) {
            if (e.path().startsWith(ODohertyData.FOLDER + "/") && e.url().isPresent()) entries.add(e);
        }
        if (a.value("--only") != null) {
            List<String> only = List.of(a.value("--only").split(","));
            for (String o : only) {
                if (entries.stream().noneMatch(e -> e.name().equals(o))) {
                    throw new Usage("--only: '" + o + "' is not an O'Doherty entry of data/manifest");
                }
            }
            entries.removeIf(e -> !only.contains(e.name()));
        }
        DataFetch f = new DataFetch(root.resolve("data/raw"), timeout, base, out);
        List<DataFetch.Result> rs = f.fetchAll(entries);
        Map<DataFetch.Outcome, Integer> n = new LinkedHashMap<>();
        for (DataFetch.Result r : rs) n.merge(r.outcome(), 1, Integer::sum);
        int skipped = n.getOrDefault(DataFetch.Outcome.SKIPPED, 0);
        if (n.containsKey(DataFetch.Outcome.UNREACHABLE)) {
            out.println();
            out.println("OFFLINE: the O'Doherty sessions cannot be downloaded from here"
                    + (skipped > 0 ? " (" + skipped + " more file(s) not tried)" : "") + ".");
            out.println("  Place the real files by hand in " + root.resolve("data/raw/odoherty") + "/ under the names of data/manifest");
            out.println("  (e.g. indy_20160622_01.mat from " + ODohertyData.ZENODO_FILES + "indy_20160622_01.mat),");
            out.println("  then run 'make data' to verify them. Until then the synthetic stand-ins in data/synthetic/odoherty/ are used.");
        }
        out.println("fetch odoherty: " + n.toString().toLowerCase(Locale.ROOT));
        int failed = n.getOrDefault(DataFetch.Outcome.FAILED, 0) + n.getOrDefault(DataFetch.Outcome.REFUSED, 0);
        if (failed > 0) {
            err.println(failed + " download(s) failed or were refused; nothing was written for them (see above)");
            return 1;
        }
        return 0;
    }

    // ------------------------------------------------------------------ arguments

    static final class Usage extends Exception {
        Usage(String m) {
            super(m);
        }
    }

    /** {@code --flag}, {@code --key value} and positional arguments. */
    private record Args(Map<String, String> options, List<String> positional) {
        static final List<String> FLAGS = List.of("--verbose");

        static Args parse(String[] args) throws Usage {
            Map<String, String> o = new LinkedHashMap<>();
            List<String> p = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i].startsWith("--")) {
                    String k = args[i], v = "";
                    int eq = k.indexOf('=');
                    if (eq > 0) {
                        v = k.substring(eq + 1);
                        k = k.substring(0, eq);
                    } else if (!FLAGS.contains(k)) {
                        if (i + 1 >= args.length) throw new Usage(k + " needs a value");
                        v = args[++i];
                    }
                    o.put(k, v);
                } else {
                    p.add(args[i]);
                }
            }
            return new Args(o, p);
        }

        void allow(String... keys) throws Usage {
            for (String k : options.keySet()) {
                if (!List.of(keys).contains(k)) throw new Usage("unknown option " + k);
            }
        }

        boolean has(String k) { return options.containsKey(k); }

        String value(String k) { return options.get(k); }

        String positional(int i, String what) throws Usage {
            if (i >= positional.size()) throw new Usage("missing " + what);
            return positional.get(i);
        }

        Path root(int i) throws Usage {
            if (positional.size() > i + 1) throw new Usage("unexpected arguments " + positional.subList(i + 1, positional.size()));
            return Path.of(i < positional.size() ? positional.get(i) : ".").toAbsolutePath().normalize();
        }
    }
}
