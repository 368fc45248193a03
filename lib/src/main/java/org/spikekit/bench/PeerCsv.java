package org.spikekit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The rows of {@code results/bench/peers.csv} ({@link PeerBench}): one per case, the kit's and the
 * peer's median milliseconds measured alternately in one run, and their ratio.
 */
public final class PeerCsv {
    private PeerCsv() {}

    public static final String HEADER = "paper,case,shape,kit,peer,kit_ms,peer_ms,ratio_peer_over_kit,threads,repeats,date,machine,command,note";

    /**
     * One measured case.
     *
     * @param kit     the kit's implementation that ran (class / kernel)
     * @param peer    {@code owner/name@commit} of the authors' checkout, or the kit's own peer script
     * @param kitMs   per-repeat kit times (ms)
     * @param peerMs  per-repeat peer times (ms), measured alternately with {@code kitMs}
     * @param note    what the peer harness reported (library versions, stand-ins, firing rates)
     */
    public record Row(String paper, String caseName, String shape, String kit, String peer, double[] kitMs, double[] peerMs,
                      int threads, String date, String machine, String command, String note) {
        public Row {
            if (kitMs.length == 0 || kitMs.length != peerMs.length) {
                throw new IllegalArgumentException("PeerCsv.Row " + caseName + ": need as many kit as peer times (>= 1), got "
                        + kitMs.length + " and " + peerMs.length);
            }
        }
        public double kitMedian() { return BlocksBench.median(kitMs); }
        public double peerMedian() { return BlocksBench.median(peerMs); }
        /** Peer time over kit time (medians): above 1 the kit is faster. */
        public double ratio() { return peerMedian() / kitMedian(); }
    }

    public static String line(Row r) {
        return String.join(",", BenchCsv.quote(r.paper()), BenchCsv.quote(r.caseName()), BenchCsv.quote(r.shape()),
                BenchCsv.quote(r.kit()), BenchCsv.quote(r.peer()), num(r.kitMedian()), num(r.peerMedian()), num(r.ratio()),
                Integer.toString(r.threads()), Integer.toString(r.kitMs().length), BenchCsv.quote(r.date()),
                BenchCsv.quote(r.machine()), BenchCsv.quote(r.command()), BenchCsv.quote(r.note()));
    }

    public static String format(List<Row> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) sb.append(line(r)).append('\n');
        return sb.toString();
    }

    static String num(double v) { return String.format(Locale.ROOT, "%.4g", v); }

    /** {@code <cpu model>, <n> cores} from {@code /proc/cpuinfo} where there is one, else the OS and architecture. */
    public static String machine() {
        int cores = Runtime.getRuntime().availableProcessors();
        String model = System.getProperty("os.name") + " " + System.getProperty("os.arch");
        Path info = Path.of("/proc/cpuinfo");
        if (Files.isReadable(info)) {
            try {
                model = cpuModel(Files.readAllLines(info, StandardCharsets.UTF_8)).orElse(model);
            } catch (IOException ignored) {
                // keep the OS name: the machine column is descriptive only
            }
        }
        return model + ", " + cores + " cores";
    }

    /** The first {@code model name} of a {@code /proc/cpuinfo} text, spaces collapsed. */
    static java.util.Optional<String> cpuModel(List<String> cpuinfo) {
        return cpuinfo.stream().filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                .map(s -> s.replaceAll("\\s+", " ")).findFirst();
    }

    static String times(double[] ms) {
        return String.join(" ", Arrays.stream(ms).mapToObj(PeerCsv::num).toList());
    }
}
