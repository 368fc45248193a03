package org.spikekit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Losses;
import org.spikekit.data.format.Npy;
import org.spikekit.data.spiking.SpikingDataset;
import org.spikekit.data.spiking.SyntheticSpiking;
import org.spikekit.io.AtomicFiles;
import org.spikekit.model.Rsnn;
import org.spikekit.neuron.AlifCoeffs;
import org.spikekit.neuron.AlifKernel;
import org.spikekit.neuron.AlifParams;
import org.spikekit.train.Adam;
import org.spikekit.train.stdp.ReadoutTrainer;
import org.spikekit.train.stdp.SpikeNnConfig;

/**
 * {@code make bench-peers PEERS=dir}: the authors' implementations, from checkouts the user
 * provides ({@link PeerCheckout}), timed beside the kit's on the same shapes, alternately (kit,
 * peer, kit, peer, …) in one run; medians and their ratio go to {@code results/bench/peers.csv}
 * ({@link PeerCsv}). The peers run in Python ({@code env/peers/*.py}, the kit's own harnesses,
 * driven by {@code PeerProcess}); each harness warms its case up before the first timed run
 * (numba compilation, torch's first calls), the kit side does the same for the JIT.
 *
 * <p>Cases (shapes as the issue cites them; everything on the cpu backend with all cores, torch
 * with as many threads):
 * <ul>
 *   <li><b>blocks</b> (webstorms/Blocks): one recurrent ALIF layer, N 128, B 32, T 512, n_in 1000,
 *   ARP 10/40/100, forward + backward as the authors' {@code src/benchmark.py} times it (the input
 *   projection included, loss = sum of the spikes); the kit's standard ALIF kernel vs their
 *   {@code snn.SNN}, the kit's Blocks kernel vs their {@code blocks.Blocks}. Kit time: projection
 *   gemm, kernel forward with tape, kernel backward, input-weight gradient gemm.
 *   <li><b>spikenn</b> (ggoupy/SpikeNN): one training epoch of the readout per rule (s2stdp,
 *   s2stdp+ncg, sstdp+ncg, rstdp with 20 neurons per class) and inference over the test set, on
 *   the synthetic data of {@link SpikeNnBench} (written to a temporary folder as dense times for the
 *   peer); single-threaded on both sides.
 *   <li><b>rsnn</b> (no checkout: {@code env/peers/rsnn_eager.py}, the same model as an eager
 *   PyTorch loop): one training step (forward, MSE, backward, Adam) of 96→64→2 at B 32, T 1000 and
 *   96→1024→2 at B 32, T 200; the kit's {@link Rsnn} with one readout head, rates calibrated as in
 *   {@link RsnnBench}.
 * </ul>
 * A checkout that is absent is skipped with a line saying what was looked for; one that lacks the
 * expected files stops its paper with an error naming them; the others still run and the run
 * exits 1 at the end.
 *
 * <pre>
 * java ... org.spikekit.bench.PeerBench --peers DIR --out FILE.csv [--repeats 5] [--python /usr/bin/python3]
 *          [--scripts env/peers] [--only blocks,spikenn,rsnn] [--command "what to record"]
 * </pre>
 */
public final class PeerBench {
    private PeerBench() {}

    /** Kit side of one case: built and warmed up by the factory, then timed once per call. */
    interface KitCase {
        double timeMs();
    }

    /**
     * One case: the kit's factory and the harness's setup line.
     *
     * @param kitImpl what runs on the kit side (for the CSV)
     */
    record Case(String name, String shape, String kitImpl, Supplier<String> setup, int threads, Function<Backend, KitCase> kit) {}

    /**
     * One paper's peer.
     *
     * @param repo     the authors' repository ({@code owner/name}), or null for the kit's own peer script
     * @param expected files a checkout of {@code repo} must hold
     */
    record Group(String paper, String repo, List<String> expected, String script, String peerLabel, List<Case> cases) {}

    static final List<String> BLOCKS_FILES = List.of("src/models.py", "src/snn/snn.py", "src/snn/block/blocks.py"),
            SPIKENN_FILES = List.of("app/readout.py", "spikenn/snn.py", "spikenn/train.py", "spikenn/dataset.py",
                    "config/STDP-CSNN/MNIST/s2stdp+ncg.json");

    public static void main(String[] args) throws IOException {
        Map<String, String> o = options(args);
        Path peers = Path.of(required(o, "peers")), out = Path.of(required(o, "out"));
        int repeats = Integer.parseInt(o.getOrDefault("repeats", "5"));
        if (repeats < 1) throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
        if (!Files.isDirectory(peers)) throw new IllegalArgumentException("PEERS=" + peers + " is not a folder (it should hold the authors' checkouts, see env/peers/README.md)");
        String python = o.getOrDefault("python", "/usr/bin/python3");
        Path scripts = Path.of(o.getOrDefault("scripts", "env/peers"));
        List<String> only = o.containsKey("only") ? List.of(o.get("only").split(",")) : List.of("blocks", "spikenn", "rsnn");
        String command = o.getOrDefault("command", "PeerBench " + String.join(" ", args));
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), machine = PeerCsv.machine();
        int cores = Runtime.getRuntime().availableProcessors();

        Path tmp = Files.createTempDirectory("spikekit-peers");
        List<PeerCsv.Row> rows = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try (Backend be = Backends.get("cpu")) {
            for (Group g : groups(tmp, cores)) {
                if (!only.contains(g.paper())) continue;
                String checkout = "-", peerLabel = g.peerLabel();
                try {
                    if (g.repo() != null) {
                        Optional<PeerCheckout> c = PeerCheckout.find(peers, g.repo(), g.expected());
                        if (c.isEmpty()) {
                            System.out.println("bench-peers: " + g.paper() + " skipped: no checkout of " + g.repo() + " (looked for "
                                    + String.join(", ", PeerCheckout.candidates(peers, g.repo()).stream().map(Path::toString).toList())
                                    + "; get it with: git clone https://github.com/" + g.repo() + " " + PeerCheckout.candidates(peers, g.repo()).get(0) + ")");
                            continue;
                        }
                        checkout = c.get().dir().toString();
                        peerLabel = c.get().label();
                    }
                    rows.addAll(runGroup(be, g, scripts, python, checkout, peerLabel, repeats, date, machine, command));
                } catch (RuntimeException e) {
                    System.out.println("bench-peers: " + g.paper() + " stopped: " + e.getMessage());
                    failed.add(g.paper());
                }
            }
            Path stork = PeerCheckout.candidates(peers, "fmi-basel/stork").stream().filter(Files::isDirectory).findFirst().orElse(null);
            if (stork != null && only.contains("rsnn")) {
                System.out.println("bench-peers: found " + stork + ": a stork RSNN peer is not implemented yet; the rsnn rows compare with the eager loop");
            }
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (!rows.isEmpty()) {
            AtomicFiles.writeString(out, PeerCsv.format(rows));
            System.out.println("bench-peers: wrote " + rows.size() + " rows to " + out);
        } else {
            System.out.println("bench-peers: nothing measured, " + out + " left as it was");
        }
        if (!failed.isEmpty()) {
            System.out.println("bench-peers: failed: " + String.join(", ", failed));
            System.exit(1);
        }
    }

    static List<PeerCsv.Row> runGroup(Backend be, Group g, Path scripts, String python, String checkout, String peerLabel,
                                      int repeats, String date, String machine, String command) {
        List<PeerCsv.Row> rows = new ArrayList<>();
        try (PeerProcess peer = PeerProcess.start(python, scripts.resolve(g.script()), checkout, Runtime.getRuntime().availableProcessors())) {
            System.out.println("bench-peers: " + g.paper() + " vs " + peerLabel + " (" + peer.hello + ")");
            for (Case c : g.cases()) {
                KitCase kit = c.kit().apply(be);
                String info = peer.setup(c.setup().get());
                double[] k = new double[repeats], p = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    k[r] = kit.timeMs();
                    p[r] = peer.time();
                }
                PeerCsv.Row row = new PeerCsv.Row(g.paper(), c.name(), c.shape(), c.kitImpl(), peerLabel, k, p, c.threads(),
                        date, machine, command, info + "; " + peer.hello + "; kit ms " + PeerCsv.times(k) + "; peer ms " + PeerCsv.times(p));
                System.out.printf(Locale.ROOT, "  %-28s %-40s kit %10.1f ms  peer %10.1f ms  peer/kit %6.2f%n",
                        c.name(), c.shape(), row.kitMedian(), row.peerMedian(), row.ratio());
                rows.add(row);
                kit = null;
                System.gc();
            }
        }
        return rows;
    }

    static List<Group> groups(Path tmp, int cores) {
        List<Case> blocks = new ArrayList<>();
        for (int arp : new int[] {10, 40, 100}) {
            for (boolean isBlocks : new boolean[] {false, true}) {
                String shape = "N=128 B=32 T=512 ARP=" + arp + " n_in=1000";
                blocks.add(new Case((isBlocks ? "Blocks" : "standard ALIF") + " fwd+bwd", shape,
                        isBlocks ? "AlifKernel.blocks + input gemms" : "AlifKernel.standard + input gemms",
                        () -> (isBlocks ? "blocks" : "standard") + " N=128 B=32 T=512 arp=" + arp + " nin=1000", cores,
                        be -> blocksCase(be, isBlocks, 128, 32, 512, arp)));
            }
        }
        List<Case> spikenn = new ArrayList<>();
        SpikeNnData data = new SpikeNnData(tmp.resolve("spikenn"));
        for (String rule : List.of("s2stdp", "s2stdp+ncg", "sstdp+ncg", "rstdp-20n")) {
            for (boolean train : new boolean[] {true, false}) {
                spikenn.add(new Case((train ? "train " : "infer ") + rule, data.shape(train), "ReadoutTrainer." + (train ? "trainEpoch" : "accuracy"),
                        () -> (train ? "train" : "infer") + " rule=" + rule + " theta=" + data.theta(rule) + " data=" + data.dir(), 1,
                        be -> spikeNnCase(data, rule, train)));
            }
        }
        List<Case> rsnn = List.of(
                new Case("train step tinyRSNN", "96-64-2 B=32 T=1000", "Rsnn fwd+MSE+bwd+Adam",
                        () -> "train inputs=96 hidden=64 outputs=2 B=32 T=1000", cores, be -> rsnnCase(be, 64, 32, 1000, RsnnBench.TINY_HZ)),
                new Case("train step 1024 hidden", "96-1024-2 B=32 T=200", "Rsnn fwd+MSE+bwd+Adam",
                        () -> "train inputs=96 hidden=1024 outputs=2 B=32 T=200", cores, be -> rsnnCase(be, 1024, 32, 200, RsnnBench.BIG_HZ)));
        return List.of(
                new Group("blocks", "webstorms/Blocks", BLOCKS_FILES, "blocks_peer.py", null, blocks),
                new Group("spikenn", "ggoupy/SpikeNN", SPIKENN_FILES, "spikenn_peer.py", null, spikenn),
                new Group("rsnn", null, List.of(), "rsnn_eager.py", "env/peers/rsnn_eager.py (eager PyTorch)", rsnn));
    }

    // ---- kit cases ------------------------------------------------------------------------------

    static final int N_IN = 1000;

    /** One ALIF layer as {@link BlocksBench} builds it, timed with its input projection (forward and weight gradient). */
    static KitCase blocksCase(Backend be, boolean isBlocks, int n, int b, int t, int arp) {
        AlifKernel k = isBlocks ? AlifKernel.blocks(be) : AlifKernel.standard(be);
        AlifParams ap = AlifParams.paper(arp);
        AlifCoeffs coeffs = AlifCoeffs.uniform(be, n, 0.9f, 0.9f, 1f);
        Tensor w = be.zeros(N_IN, n), gw = be.zeros(N_IN, n), current = be.zeros(t, b, n), ones = be.zeros(t, b, n);
        be.randUniform(w, 7L * n + 1, (float) (-1 / Math.sqrt(N_IN)), (float) (1 / Math.sqrt(N_IN)));
        be.fill(ones, 1f);
        float[] eye = new float[n * n];
        for (int i = 0; i < n; i++) eye[i * n + i] = 1f;
        Tensor rec = be.fromHost(eye, n, n);
        // the authors' synthetic input: per sample a rate r ~ U(0, 200), a spike per channel and step with probability r/T
        SplittableRandom rnd = new SplittableRandom(1234L + t + 31L * b);
        double[] rate = new double[b];
        for (int i = 0; i < b; i++) rate[i] = rnd.nextDouble(0, 200) / t;
        float[] xs = new float[t * b * N_IN];
        for (int s = 0; s < t; s++) for (int i = 0; i < b; i++) for (int j = 0; j < N_IN; j++) xs[(s * b + i) * N_IN + j] = rnd.nextDouble() < rate[i] ? 1f : 0f;
        Tensor x = be.fromHost(xs, t, b, N_IN);
        BlocksBench.warmUp(be);
        KitCase c = () -> {
            System.gc();                                        // as BlocksBench: no heap growth inside a timing
            be.synchronize();
            long t0 = System.nanoTime();
            be.gemm(false, false, 1f, x, w, 0f, current);
            AlifKernel.AlifForward f = k.forward(ap, coeffs, current, rec, true);
            AlifKernel.AlifGrads gr = k.backward(ap, f.tape(), ones);
            be.gemm(true, false, 1f, x, gr.gradCurrent(), 0f, gw);
            be.synchronize();
            return (System.nanoTime() - t0) * 1e-6;
        };
        for (int i = 0; i < 2; i++) c.timeMs();
        return c;
    }

    /** The synthetic data of {@link SpikeNnBench}, also written as dense times for the peer (once). */
    static final class SpikeNnData {
        private final Path dir;
        private SpikingDataset train, test;
        private double spikes;

        SpikeNnData(Path dir) { this.dir = dir; }

        synchronized SpikeNnData load() {
            if (train != null) return this;
            int nTrain = RsnnBench.full() ? 10_000 : 2_000;
            SyntheticSpiking gen = new SyntheticSpiking(SpikeNnBench.INPUTS, SpikeNnBench.CLASSES, SpikeNnBench.SPIKES, 0.3, 1);
            train = gen.sample(nTrain, 2);
            test = gen.sample(nTrain / 2, 3);
            spikes = train.totalSpikes() / (double) train.size();
            try {
                Files.createDirectories(dir);
                for (var e : Map.of("train", train, "test", test).entrySet()) {
                    SpikingDataset d = e.getValue();
                    int[] y = new int[d.size()];
                    for (int s = 0; s < y.length; s++) y[s] = d.label(s);
                    Npy.write(dir.resolve(e.getKey() + "_x.npy"), Npy.Array.of(d.toDense(), d.size(), d.inputSize()));
                    Npy.write(dir.resolve(e.getKey() + "_y.npy"), Npy.Array.of(y, y.length));
                }
                Files.writeString(dir.resolve("max_time.txt"), Float.toString(train.maxTime()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write the SpikeNN peer data to " + dir + ": " + e.getMessage(), e);
            }
            return this;
        }

        Path dir() { return dir; }
        String shape(boolean train) {
            int n = RsnnBench.full() ? 10_000 : 2_000;
            return (train ? n + " train" : n / 2 + " test") + " samples D=" + SpikeNnBench.INPUTS + " C=" + SpikeNnBench.CLASSES;
        }
        /** The firing threshold SpikeNnBench scales to this data, for the peer's config. */
        String theta(String rule) { return Float.toString(config(rule).network().firingThreshold()); }
        SpikeNnConfig config(String rule) { return SpikeNnBench.scaled(rule, load().spikes); }
    }

    static KitCase spikeNnCase(SpikeNnData data, String rule, boolean train) {
        SpikeNnConfig cfg = data.config(rule);
        ReadoutTrainer tr = new ReadoutTrainer(cfg, SpikeNnBench.INPUTS, SpikeNnBench.CLASSES, data.train.maxCount(), 0, false);
        tr.trainEpoch(data.train.range(0, 500));               // warm-up (JIT), as the peer's numba compilation
        tr.accuracy(data.test.range(0, 500));
        if (!train) tr.trainEpoch(data.train);                   // infer on a trained readout
        return () -> {
            long t0 = System.nanoTime();
            if (train) tr.trainEpoch(data.train); else tr.accuracy(data.test);
            return (System.nanoTime() - t0) * 1e-6;
        };
    }

    /** One training step of an Rsnn with one readout head: forward with tape, MSE, backward, Adam. */
    static KitCase rsnnCase(Backend be, int hidden, int b, int t, double targetHz) {
        Rsnn.Config cfg = Rsnn.Config.tiny(96).withHidden(hidden);
        Rsnn m = RsnnBench.activeModel(be, cfg, 3L);
        RsnnBench.calibrate(m, RsnnBench.pool(cfg.inputs(), 4L), targetHz);
        Adam adam = new Adam(m, AdamConfig.defaults());
        Tensor x = be.zeros(t, b, cfg.inputs()), y = be.zeros(t, b, cfg.outputs()), gy = be.zeros(t, b, cfg.outputs());
        be.randBernoulli(x, 5L, (float) RsnnBench.INPUT_DENSITY);
        be.randNormal(y, 6L, 0f, 1f);
        KitCase c = () -> {
            be.synchronize();
            long t0 = System.nanoTime();
            m.zeroGrad();
            Rsnn.Pass p = m.forward(x, false, 0L, true);
            Losses.mse(p.prediction(), y, gy);
            m.backward(p, gy, null);
            adam.step();
            be.synchronize();
            return (System.nanoTime() - t0) * 1e-6;
        };
        // JIT warm-up (the peer's PyTorch has none; it runs 2 untimed steps): at least 2 steps, then until
        // 20 steps or 3 s — with only 2, the timed steps ran while C2 was still compiling the kernels
        // (tinyRSNN ≈ 46–130 ms per step for the first ~10 steps, ≈ 30 ms after; results/bench/rsnn-speed.md)
        double spent = 0;
        for (int i = 0; i < 2 || (i < 20 && spent < 3000); i++) spent += c.timeMs();
        return c;
    }

    // ---- arguments ------------------------------------------------------------------------------

    /** {@code --key value} pairs. */
    static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("PeerBench: expected --key value pairs, got '" + args[i] + "'"
                        + " (usage: --peers DIR --out FILE.csv [--repeats N] [--python PATH] [--scripts DIR] [--only blocks,spikenn,rsnn] [--command TEXT])");
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("PeerBench: --" + key + " is required");
        return v;
    }
}
