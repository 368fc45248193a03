package org.spikekit.paper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.data.SequenceSet;
import org.spikekit.data.format.Npy;
import org.spikekit.metrics.DType;
import org.spikekit.model.HalfRsnn;
import org.spikekit.model.NeuroBenchEval;
import org.spikekit.model.ReleasedRsnn;
import org.spikekit.model.Rsnn;
import org.spikekit.model.Workload;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The authors' 30 released tinyRSNN models (committed in {@code data/reference/rsnn-released/}) in
 * the kit: their static NeuroBench metrics beside the published ones, the golden forward pass, and
 * the models run on the session data the kit has — real O'Doherty files when present, else the
 * stand-ins (labelled; a stand-in is not the recording they were trained on, so its R² says nothing
 * about the paper). Every model runs as the authors evaluated it: released dynamics, float16
 * ({@link HalfRsnn}). Used by notebook {@code 14_released_tinyRSNN}.
 *
 * <pre>{@code
 * Path set = RsnnReleased.set(nb.root());
 * Table t = RsnnReleased.staticMetrics(be, set);          // one row per checkpoint, kit | published
 * RsnnReleased.Decoded d = RsnnReleased.decode(paper, be, set, ReleasedRsnn.checkpoints(set).get(0));
 * }</pre>
 */
public final class RsnnReleased {
    private RsnnReleased() {}

    /** The committed set under a project root: {@code data/reference/rsnn-released}. */
    public static Path set(Path projectRoot) {
        Path s = projectRoot.resolve("data").resolve("reference").resolve("rsnn-released");
        if (!Files.isDirectory(s.resolve("models"))) {
            throw new IllegalStateException(s + " has no models/ folder: the released checkpoints ship with the kit in data/reference/rsnn-released");
        }
        return s;
    }

    /** The session folder of a checkpoint ({@code models/<session>/tinyRSNN-k.pth}). */
    public static String sessionOf(Path pth) { return pth.getParent().getFileName().toString(); }

    /** The paper's label (I1..L3) of a released session folder (indy01..loco03). */
    public static String label(String sessionFolder) {
        String rec = ReleasedRsnn.SESSIONS.get(sessionFolder);
        if (rec == null) throw new IllegalArgumentException("unknown released session folder '" + sessionFolder + "'");
        return RsnnPaper.label(rec);
    }

    private static String joined(List<Double> v) {
        return v.stream().map(x -> String.format(Locale.ROOT, "%.4f", x)).collect(Collectors.joining(" | "));
    }

    /**
     * One row per checkpoint: the kit's footprint, connection sparsity and dense operations of the
     * loaded model, whether each value is among the session's published ones, the published entries
     * that match all three (the lists are not in file order, so several may match) and their R².
     */
    public static Table staticMetrics(Backend be, Path set) {
        StringColumn ses = StringColumn.create("session"), lab = StringColumn.create("label"), ck = StringColumn.create("checkpoint"),
                match = StringColumn.create("published_entries"), pubR2 = StringColumn.create("published_r2_of_matches");
        DoubleColumn fp = DoubleColumn.create("footprint_bytes"), cs = DoubleColumn.create("conn_sparsity"),
                dense = DoubleColumn.create("dense");
        StringColumn fpOk = StringColumn.create("footprint_published"), csOk = StringColumn.create("conn_sparsity_published"),
                dOk = StringColumn.create("dense_published");
        for (Path p : ReleasedRsnn.checkpoints(set)) {
            String s = sessionOf(p);
            ReleasedRsnn r = ReleasedRsnn.load(be, p);
            ReleasedRsnn.Static st = r.staticMetrics();
            ReleasedRsnn.Published pub = ReleasedRsnn.published(set, s);
            List<Integer> m = pub.matching(st);
            ses.append(s);
            lab.append(label(s));
            ck.append(p.getFileName().toString());
            fp.append(st.footprintBytes());
            cs.append(st.connectionSparsity());
            dense.append(st.denseOps());
            fpOk.append(pub.footprint().contains((double) st.footprintBytes()) ? "yes" : "NO");
            csOk.append(pub.connectionSparsity().contains(st.connectionSparsity()) ? "yes" : "NO");
            dOk.append(pub.dense().contains((double) st.denseOps()) ? "yes" : "NO");
            match.append(m.stream().map(String::valueOf).collect(Collectors.joining(",")));
            pubR2.append(joined(m.stream().map(pub.r2()::get).toList()));
        }
        return Table.create("released_static").addColumns(ses, lab, ck, fp, fpOk, cs, csOk, dense, dOk, match, pubR2);
    }

    /**
     * Per session, the kit's static metrics of its checkpoints and the published lists, each sorted
     * (compared as multisets, since the published lists are not in file order), and whether they are equal.
     */
    public static Table staticMultisets(Backend be, Path set) {
        StringColumn ses = StringColumn.create("session"), metric = StringColumn.create("metric"),
                kit = StringColumn.create("kit_sorted"), pub = StringColumn.create("published_sorted"), eq = StringColumn.create("equal");
        List<Path> all = ReleasedRsnn.checkpoints(set);
        for (String s : all.stream().map(RsnnReleased::sessionOf).distinct().toList()) {
            List<ReleasedRsnn.Static> st = all.stream().filter(p -> sessionOf(p).equals(s)).map(p -> ReleasedRsnn.load(be, p).staticMetrics()).toList();
            ReleasedRsnn.Published p = ReleasedRsnn.published(set, s);
            add(ses, metric, kit, pub, eq, s, "footprint_bytes", st.stream().map(x -> (double) x.footprintBytes()).toList(), p.footprint());
            add(ses, metric, kit, pub, eq, s, "conn_sparsity", st.stream().map(ReleasedRsnn.Static::connectionSparsity).toList(), p.connectionSparsity());
            add(ses, metric, kit, pub, eq, s, "dense", st.stream().map(x -> (double) x.denseOps()).toList(), p.dense());
        }
        return Table.create("released_static_multisets").addColumns(ses, metric, kit, pub, eq);
    }

    private static void add(StringColumn ses, StringColumn metric, StringColumn kit, StringColumn pub, StringColumn eq, String s, String m,
                            List<Double> k, List<Double> p) {
        List<Double> ks = k.stream().sorted().toList(), ps = p.stream().sorted().toList();
        ses.append(s);
        metric.append(m);
        kit.append(joined(ks));
        pub.append(joined(ps));
        eq.append(ks.equals(ps) ? "yes" : "NO");
    }

    /** The golden forward passes of the set against the kit's float16 run: one row per {@code golden-*} folder. */
    public static Table golden(Backend be, Path set) {
        StringColumn name = StringColumn.create("golden"), ck = StringColumn.create("checkpoint");
        IntColumn steps = IntColumn.create("steps"), gs = IntColumn.create("golden_spikes"), mis = IntColumn.create("spike_mismatches");
        DoubleColumn dp = DoubleColumn.create("max_abs_pred_diff");
        List<Path> dirs;
        try (var l = Files.list(set)) {
            dirs = l.filter(p -> p.getFileName().toString().matches("golden-.+-tinyRSNN-\\d+") && Files.isDirectory(p)).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (Path d : dirs) {
            String n = d.getFileName().toString();
            String session = n.substring("golden-".length(), n.lastIndexOf("-tinyRSNN-"));
            String seed = n.substring(n.lastIndexOf('-') + 1);
            Path pth = set.resolve("models").resolve(session).resolve("tinyRSNN-" + seed + ".pth");
            Rsnn m = ReleasedRsnn.load(be, pth).model();
            Npy.Array in = Npy.read(d.resolve("input.npy"));
            float[] gSpk = Npy.read(d.resolve("spikes.npy")).floats(), gPred = Npy.read(d.resolve("pred.npy")).floats();
            int t = in.shape()[0];
            var p = new HalfRsnn(m, true).forward(be.fromHost(in.floats(), t, 1, in.shape()[1]), false, 0L);
            float[] s = be.toHost(p.spikes()), y = be.toHost(p.prediction());
            int c = 0, g = 0;
            for (int i = 0; i < s.length; i++) {
                if (s[i] != gSpk[i]) c++;
                if (gSpk[i] != 0) g++;
            }
            double diff = 0;
            for (int i = 0; i < y.length; i++) diff = Math.max(diff, Math.abs((double) y[i] - gPred[i]));
            name.append(n);
            ck.append(set.relativize(pth).toString());
            steps.append(t);
            gs.append(g);
            mis.append(c);
            dp.append(diff);
        }
        return Table.create("released_golden").addColumns(name, ck, steps, gs, mis, dp);
    }

    /**
     * One released model decoding the test span of its session from the data the kit has.
     *
     * @param data        {@code real} or {@code synthetic} (the stand-in, not the recording the model was trained on)
     * @param r2          NeuroBench R² of the float16 run
     * @param spikes      hidden spikes {@code [T, 64]} of the float16 run (for a raster)
     * @param pred        predictions {@code [T, 2]}, target {@code [T, 2]}
     * @param publishedR2 the published R² of the entries whose static metrics match this checkpoint
     */
    public record Decoded(String session, String label, String checkpoint, String data, int steps, double r2,
                          double activationSparsity, double effectiveAcs, float[] spikes, float[] pred, float[] target,
                          List<Double> publishedR2) {}

    /**
     * Runs a released checkpoint (float16, released dynamics) over the test span of its session as
     * {@code paper} prepares it (NeuroBench preprocessing, the split the authors' code uses). A model
     * whose input count does not match the data (a stand-in with other channels) is refused naming both.
     */
    public static Decoded decode(RsnnPaper paper, Backend be, Path set, Path pth) {
        String s = sessionOf(pth), label = label(s);
        ReleasedRsnn r = ReleasedRsnn.load(be, pth);
        RsnnPaper.Prepared prep = paper.prepare(ReleasedRsnn.SESSIONS.get(s), RsnnPaper.Settings.of(RsnnPaper.Model.TINY, paper.mode()));
        SequenceSet test = prep.rsnn().test();
        if (test.inputs() != r.inputs()) {
            throw new IllegalArgumentException(pth + " has " + r.inputs() + " inputs but the " + prep.record().source() + " data of "
                    + prep.name() + " (" + prep.record().path() + ") has " + test.inputs());
        }
        Tensor x = be.fromHost(test.x(), test.steps(), 1, test.inputs()), y = be.fromHost(test.y(), test.steps(), 1, test.outputs());
        HalfRsnn h = new HalfRsnn(r.model(), true);
        Workload w = h.run(x);
        NeuroBenchEval.Result res = NeuroBenchEval.evaluate(h, w, y, DType.FLOAT16);
        ReleasedRsnn.Published pub = ReleasedRsnn.published(set, s);
        List<Double> pubR2 = new ArrayList<>();
        for (int i : pub.matching(r.staticMetrics())) pubR2.add(pub.r2().get(i));
        return new Decoded(s, label, pth.getFileName().toString(), prep.record().source(), test.steps(), res.r2(),
                res.activationSparsity(), res.effectiveAcs(), be.toHost(w.spikingOutputs().get(0)), be.toHost(w.prediction()),
                test.y().clone(), pubR2);
    }

    /** One row per decoded model: kit R², activation sparsity, ACs of the float16 run, the data used, the published R² of its matches. */
    public static Table decodedTable(List<Decoded> all) {
        StringColumn ses = StringColumn.create("session"), lab = StringColumn.create("label"), ck = StringColumn.create("checkpoint"),
                data = StringColumn.create("data"), pub = StringColumn.create("published_r2_of_matches");
        DoubleColumn r2 = DoubleColumn.create("r2_kit_fp16"), as = DoubleColumn.create("act_sparsity_kit"), acs = DoubleColumn.create("eff_acs_kit");
        IntColumn steps = IntColumn.create("test_steps");
        for (Decoded d : all.stream().sorted(Comparator.comparing(Decoded::session).thenComparing(Decoded::checkpoint)).toList()) {
            ses.append(d.session());
            lab.append(d.label());
            ck.append(d.checkpoint());
            data.append(d.data());
            steps.append(d.steps());
            r2.append(d.r2());
            as.append(d.activationSparsity());
            acs.append(d.effectiveAcs());
            pub.append(joined(d.publishedR2()));
        }
        return Table.create("released_decoded").addColumns(ses, lab, ck, data, steps, r2, as, acs, pub);
    }
}
