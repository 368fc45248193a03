package org.spikekit.paper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.model.Rsnn;
import org.spikekit.nir.NirArray;
import org.spikekit.nir.NirExport;
import org.spikekit.nir.NirFile;
import org.spikekit.nir.NirGraph;
import org.spikekit.nir.NirNetwork;
import org.spikekit.nir.NirNode;
import org.spikekit.nir.NirOptions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Tables for notebook 50 (moving networks in and out of the kit as NIR): a graph's nodes, the NIR
 * example files of the reference set {@code nir} run by the kit, an exported model read back in
 * three ways, and the kit's models without a NIR form.
 */
public final class NirInterop {
    private NirInterop() {}

    /** The NIR example files shipped with the kit ({@code data/reference/nir}). */
    public static Path exampleSet(Path projectRoot) {
        Path s = projectRoot.resolve("data").resolve("reference").resolve("nir");
        if (!Files.isDirectory(s)) throw new IllegalStateException(s + " does not exist: the NIR example files ship with the kit in data/reference/nir");
        return s;
    }

    /** The {@code *.nir} files of a folder, sorted. */
    public static List<Path> files(Path dir) {
        try (var l = Files.list(dir)) {
            return l.filter(p -> p.getFileName().toString().endsWith(".nir")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list the NIR files", e);
        }
    }

    /** Seeded Bernoulli(p) spikes {@code [T, B, n]}. */
    public static Tensor bernoulli(Backend be, int t, int b, int n, double p, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[t * b * n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < p ? 1f : 0f;
        return be.fromHost(x, t, b, n);
    }

    /** One row per node: name, type, input and output shape, its parameters (name, shape, first value). */
    public static Table graph(NirGraph g) {
        StringColumn name = StringColumn.create("node"), type = StringColumn.create("type"), in = StringColumn.create("input"),
                out = StringColumn.create("output"), params = StringColumn.create("parameters");
        for (Map.Entry<String, NirNode> e : g.nodes().entrySet()) {
            NirNode n = e.getValue();
            name.append(e.getKey());
            type.append(n.type());
            in.append(n.inputShape() == null ? "?" : Arrays.toString(n.inputShape()));
            out.append(n.outputShape() == null ? "?" : Arrays.toString(n.outputShape()));
            params.append(parameters(n));
        }
        return Table.create("nir_graph").addColumns(name, type, in, out, params);
    }

    private static String parameters(NirNode n) {
        List<String> l = new ArrayList<>();
        for (var c : n.getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(n);
                if (v instanceof NirArray a) {
                    double[] x = a.values();
                    boolean same = Arrays.stream(x).allMatch(q -> q == x[0]);
                    l.add(c.getName() + Arrays.toString(a.shape()) + (x.length == 0 ? "" : same ? " = " + fmt(x[0]) : " from " + fmt(x[0])));
                }
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException(ex);
            }
        }
        if (!n.metadata().isEmpty()) l.add("metadata " + n.metadata().keySet());
        return String.join("; ", l);
    }

    private static String fmt(double v) { return String.format(java.util.Locale.ROOT, "%.4g", v); }

    /**
     * Every NIR file of {@code dir} read and run by the kit at Δt on seeded Bernoulli(0.2) input spikes
     * of {@code steps} steps: version, node types, shapes, whether the graph has a cycle, the output's
     * activity (spikes or mean value) and how the kit runs it ({@link NirNetwork#plan()}).
     */
    public static Table examples(Backend be, Path dir, double dtS, int steps, long seed) {
        StringColumn file = StringColumn.create("file"), ver = StringColumn.create("nir_version"), types = StringColumn.create("node_types"),
                in = StringColumn.create("input"), out = StringColumn.create("output"), cyc = StringColumn.create("cycle"),
                plan = StringColumn.create("run_as");
        IntColumn nodes = IntColumn.create("nodes");
        DoubleColumn act = DoubleColumn.create("output_mean");
        for (Path f : files(dir)) {
            NirGraph g = NirFile.read(f);
            NirNetwork net = NirNetwork.build(be, g, NirOptions.of(dtS));
            int n = 1;
            for (int d : g.inputShape()) n *= d;
            Tensor y = net.run(bernoulli(be, steps, 1, n, 0.2, seed)).output();
            file.append(f.getFileName().toString());
            ver.append(NirFile.version(f));
            nodes.append(g.nodes().size());
            types.append(String.join(", ", new TreeSet<>(g.nodes().values().stream().map(NirNode::type).toList())));
            in.append(Arrays.toString(g.inputShape()));
            out.append(Arrays.toString(g.outputShape()));
            boolean cycle = net.plan().stream().anyMatch(l -> l.startsWith("cycle"));
            cyc.append(cycle ? "yes" : "no");
            act.append(be.sum(y) / y.size());
            plan.append(String.join(" | ", net.plan()));
        }
        return Table.create("nir_examples").addColumns(file, ver, nodes, types, in, out, cyc, act, plan);
    }

    /** Outputs of one reading of an exported graph. */
    public record Reading(String name, NirOptions options, float[] spikes, float[] prediction) {}

    /**
     * An exported RSNN read back three ways on input {@code x [T, 1, in]}: with the file's options (the
     * kit's own semantics), as NIR defines its neurons (same-step reset), and that without the kit's
     * initial-state metadata (what a simulator that ignores kit metadata computes).
     */
    public static List<Reading> readings(Backend be, NirGraph g, Tensor x) {
        NirOptions kit = NirOptions.forGraph(g, 1e-4);
        List<Reading> l = new ArrayList<>();
        l.add(read(be, g, x, "SpikeKit (file metadata: Δt, next-step reset, Y[0])", kit));
        l.add(read(be, g, x, "NIR definition: same-step reset", kit.withReset(NirOptions.ResetTiming.SAME_STEP)));
        l.add(read(be, g, x, "NIR definition, metadata ignored (states from 0)",
                kit.withReset(NirOptions.ResetTiming.SAME_STEP).withInitialStates(false)));
        return l;
    }

    private static Reading read(Backend be, NirGraph g, Tensor x, String name, NirOptions o) {
        NirNetwork.Run r = NirNetwork.build(be, g, o).run(x);
        return new Reading(name, o, be.toHost(r.node("spikes")), be.toHost(r.output()));
    }

    /** The readings against the model's own outputs: spikes that differ, largest prediction difference, correlation. */
    public static Table compare(Rsnn model, Tensor x, List<Reading> readings) {
        Rsnn.Pass p = model.forward(x, false, 0L, false);
        float[] s = model.backend().toHost(p.spikes()), y = model.backend().toHost(p.prediction());
        StringColumn name = StringColumn.create("reading"), opt = StringColumn.create("options");
        IntColumn spikes = IntColumn.create("kit_spikes"), diff = IntColumn.create("spikes_differing");
        DoubleColumn dp = DoubleColumn.create("max_abs_pred_diff"), corr = DoubleColumn.create("pred_correlation");
        int total = 0;
        for (float v : s) total += v != 0 ? 1 : 0;
        for (Reading r : readings) {
            int c = 0;
            for (int i = 0; i < s.length; i++) if (s[i] != r.spikes()[i]) c++;
            double m = 0;
            for (int i = 0; i < y.length; i++) m = Math.max(m, Math.abs((double) y[i] - r.prediction()[i]));
            name.append(r.name());
            opt.append("Δt " + r.options().dtS() * 1e3 + " ms, " + r.options().reset().label() + (r.options().initialStates() ? "" : ", no initial-state metadata"));
            spikes.append(total);
            diff.append(c);
            dp.append(m);
            corr.append(correlation(y, r.prediction()));
        }
        return Table.create("nir_readings").addColumns(name, opt, spikes, diff, dp, corr);
    }

    static double correlation(float[] a, float[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    /** The kit's models with no NIR graph and why ({@link NirExport#NOT_EXPORTABLE}), and the ones it exports. */
    public static Table modelsTable() {
        StringColumn m = StringColumn.create("model"), nir = StringColumn.create("nir"), why = StringColumn.create("how / why not");
        m.append("tinyRSNN, bigRSNN (Rsnn)");
        nir.append("exported");
        why.append("NirExport.rsnn: Linear → CubaLIF with recurrent Linear → CubaLI readout (mean of heads), Delay nodes for the kit's latencies");
        m.append("SNN2 (NeuroBench baseline)");
        nir.append("exported");
        why.append("NirExport.snn2: Linear → LIF → Linear → LI");
        for (Map.Entry<String, String> e : NirExport.NOT_EXPORTABLE.entrySet()) {
            m.append(e.getKey());
            nir.append("none");
            why.append(e.getValue());
        }
        return Table.create("nir_models").addColumns(m, nir, why);
    }
}
