package org.spikekit.train.stdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.spikekit.data.format.Npy;
import org.spikekit.data.spiking.SpikingDataset;
import org.spikekit.neuron.SingleSpikeLayer;
import org.spikekit.testing.ReferenceSets;

/**
 * Bit-exact replay of the SpikeNN golden set ({@code data/reference/spikenn-golden/}, made by
 * running {@code ggoupy/SpikeNN} @ b3d1865 unmodified; its README states the semantics). Every
 * folder of the set that holds a {@code run.json} is one config, checked without code changes:
 * its config (the authors' JSON, {@code run.json → config}) is read by {@link SpikeNnConfig}, the
 * trainer starts from the folder's {@code weights_init.npy} (and {@code w_norm.npy}), and trains
 * on the set's training samples in file order with the saved event order
 * ({@code *_sparse_indices/counts}, times = {@code *_times[row, index]}).
 *
 * <p>Checked bit for bit: every training sample's forward output (spike times, potentials, the
 * thresholds used when the folder saves them) and predicted neuron; after each epoch the weights,
 * the decision thresholds and the adaptive thresholds; the train accuracy per epoch and the
 * learning rates before each annealing ({@code run.json}); the test accuracy after each epoch (as
 * logged, 4 decimals) and after the last (exact); the test forward outputs, predicted neurons
 * and classes after the last epoch.
 */
class SpikeNnParityTest {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** A split of the set: samples with the saved event order. */
    static SpikingDataset split(Path root, String part, int inputs, int classes, float maxTime) {
        Npy.Array dense = Npy.read(root.resolve(part + "_times.npy"));
        int[] labels = Npy.read(root.resolve(part + "_labels.npy")).asInts();
        int[] counts = Npy.read(root.resolve(part + "_sparse_counts.npy")).asInts();
        int[] index = Npy.read(root.resolve(part + "_sparse_indices.npy")).asInts();
        int n = labels.length;
        dense.requireShape(n, inputs);
        if (counts.length != n) fail(part + "_sparse_counts.npy has " + counts.length + " entries, expected " + n);
        int[] offsets = new int[n + 1];
        for (int s = 0; s < n; s++) offsets[s + 1] = offsets[s] + counts[s];
        if (offsets[n] != index.length) fail(part + "_sparse_counts.npy sums to " + offsets[n] + ", " + part + "_sparse_indices.npy has " + index.length);
        float[] d = dense.floats(), times = new float[index.length];
        for (int s = 0; s < n; s++) {
            for (int k = offsets[s]; k < offsets[s + 1]; k++) times[k] = d[s * inputs + index[k]];
        }
        return SpikingDataset.of(inputs, maxTime, classes, labels, offsets, index, times);
    }

    static JsonNode json(Path f) {
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    static JsonNode need(JsonNode node, String key, Path f) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) fail(f + " has no \"" + key + "\"");
        return v;
    }

    @TestFactory
    Stream<DynamicTest> everyConfigFolderReplaysBitForBit() throws IOException {
        Path root = ReferenceSets.set("spikenn-golden");
        List<Path> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(p -> Files.isRegularFile(p.resolve("run.json"))).sorted().toList();
        }
        assertFalse(folders.isEmpty(), "no config folder (with run.json) in " + root);
        JsonNode meta = json(root.resolve("data_meta.json"));
        int inputs = need(meta, "dim", root.resolve("data_meta.json")).asInt();
        int classes = need(meta, "n_classes", root.resolve("data_meta.json")).asInt();
        return folders.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> replay(root, f, inputs, classes)));
    }

    /** Mismatch counts of one quantity, with the first place it differed. */
    static final class Check {
        final String what;
        int compared, bad;
        String first;

        Check(String what) { this.what = what; }

        void same(boolean ok, String where) {
            compared++;
            if (!ok) {
                bad++;
                if (first == null) first = where;
            }
        }

        void floats(float[] got, float[] want, int wantOffset, String where) {
            same(Arrays.equals(got, 0, got.length, want, wantOffset, wantOffset + got.length), where);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d/%d differ%s", what, bad, compared, bad > 0 ? " (first " + first + ")" : "");
        }
    }

    static void replay(Path root, Path dir, int inputs, int classes) {
        Path runFile = dir.resolve("run.json");
        JsonNode run = json(runFile);
        String name = dir.getFileName().toString();
        SpikeNnConfig cfg = SpikeNnConfig.parse(need(run, "config", runFile).toString(), runFile + " config");
        float maxTime = (float) need(run, "max_time", runFile).asDouble();
        assertEquals(1f, maxTime, runFile + ": the kit's readout has max_time 1");
        SpikingDataset train = split(root, "train", inputs, classes, maxTime), test = split(root, "test", inputs, classes, maxTime);
        int n = cfg.network().nNeurons(), epochs = cfg.trainer().epochs(), nTrain = train.size(), nTest = test.size();

        ReadoutTrainer tr = new ReadoutTrainer(cfg, inputs, classes, Math.max(train.maxCount(), test.maxCount()), 0, false);
        assertEquals(need(run, "neurons_per_class", runFile).asInt(), tr.perClass(), name + ": neurons per class");
        float[] w0 = Npy.read(dir.resolve("weights_init.npy")).requireShape(n, inputs).floats();
        Path wn = dir.resolve("w_norm.npy");
        tr.setInitialWeights(w0, Files.exists(wn) ? Npy.read(wn).requireShape(n).floats() : null);
        assertTrue(Arrays.equals(Npy.read(dir.resolve("thresholds_init.npy")).requireShape(n).floats(), tr.thresholds()),
                name + ": initial thresholds");

        float[] gTimes = Npy.read(dir.resolve("train_out_spks.npy")).requireShape(epochs, nTrain, n).floats();
        float[] gPots = Npy.read(dir.resolve("train_mem_pots.npy")).requireShape(epochs, nTrain, n).floats();
        int[] gPred = Npy.read(dir.resolve("train_pred_neuron.npy")).requireShape(epochs, nTrain).asInts();
        Path thrUsed = dir.resolve("train_thresholds_used.npy");
        float[] gThr = Files.exists(thrUsed) ? Npy.read(thrUsed).requireShape(epochs, nTrain, n).floats() : null;
        JsonNode trainAcc = need(run, "train_acc_per_epoch", runFile), testAcc = need(run, "test_acc_per_epoch_logged", runFile);
        JsonNode rates = need(run, "lr_before_anneal", runFile);

        Check fwd = new Check("train forward (times, potentials)"), thr = new Check("train thresholds used"),
                pred = new Check("train predicted neuron"), weights = new Check("weights after epoch"),
                thrTest = new Check("test thresholds after epoch"), thrAdapt = new Check("adaptive thresholds after epoch"),
                accs = new Check("accuracies (train, test logged)"), lrs = new Check("rates before annealing");
        int[] pos = new int[1];
        int[] epoch = new int[1];
        tr.setObserver((y, th, out, win) -> {
            int s = pos[0]++, o = (epoch[0] * nTrain + s) * n;
            String at = "epoch " + (epoch[0] + 1) + " sample " + s;
            fwd.floats(out.times, gTimes, o, at);
            fwd.floats(out.potentials, gPots, o, at);
            if (gThr != null) thr.floats(th, gThr, o, at);
            pred.same(win == gPred[epoch[0] * nTrain + s], at);
        });
        for (int e = 0; e < epochs; e++) {
            epoch[0] = e;
            pos[0] = 0;
            String at = "epoch " + (e + 1);
            JsonNode lr = rates.get(e);
            double[] r = tr.rates();
            lrs.same(lr.get("ap").asDouble() == r[0] && lr.get("am").asDouble() == r[1] && lr.get("anti_ap").asDouble() == r[2]
                    && lr.get("anti_am").asDouble() == r[3], at + ": kit " + Arrays.toString(r) + " vs " + lr);
            if (lr.hasNonNull("thr_lr") && cfg.regularizer() != null) {
                lrs.same(lr.get("thr_lr").asDouble() == tr.thresholdRate(), at + ": thr_lr " + tr.thresholdRate() + " vs " + lr.get("thr_lr"));
            }
            double acc = tr.trainEpoch(train);
            assertEquals(nTrain, pos[0], name + ": observer calls in " + at);
            accs.same(acc == trainAcc.get(e).asDouble(), at + " train " + acc + " vs " + trainAcc.get(e));
            double te = tr.accuracy(test);
            accs.same(Math.abs(te - testAcc.get(e).asDouble()) < 5e-5, at + " test " + te + " vs logged " + testAcc.get(e));
            String ep = Integer.toString(e + 1);
            float[] gw = Npy.read(dir.resolve("weights_epoch" + ep + ".npy")).requireShape(n, inputs).floats();
            float[] kw = tr.weightsByNeuron();
            weights.same(Arrays.equals(kw, gw), at + " (" + countDiff(kw, gw) + " of " + gw.length + " weights)");
            thrTest.same(Arrays.equals(tr.thresholds(), Npy.read(dir.resolve("thresholds_test_epoch" + ep + ".npy")).requireShape(n).floats()), at);
            thrAdapt.same(Arrays.equals(tr.trainThresholds(),
                    Npy.read(dir.resolve("thresholds_adaptive_epoch" + ep + ".npy")).requireShape(n).floats()), at);
        }
        accs.same(tr.accuracy(test) == need(run, "test_acc_final", runFile).asDouble(), "final test accuracy");

        float[] tTimes = Npy.read(dir.resolve("test_out_spks.npy")).requireShape(nTest, n).floats();
        float[] tPots = Npy.read(dir.resolve("test_mem_pots.npy")).requireShape(nTest, n).floats();
        int[] tPred = Npy.read(dir.resolve("test_pred_neuron.npy")).requireShape(nTest).asInts();
        int[] tClass = Npy.read(dir.resolve("test_pred_class.npy")).requireShape(nTest).asInts();
        Check tFwd = new Check("test forward (times, potentials)"), tP = new Check("test predicted neuron and class");
        SingleSpikeLayer.Output out = new SingleSpikeLayer.Output(n);
        for (int s = 0; s < nTest; s++) {
            int win = tr.evaluate(test, s, out);
            tFwd.floats(out.times, tTimes, s * n, "sample " + s);
            tFwd.floats(out.potentials, tPots, s * n, "sample " + s);
            tP.same(win == tPred[s] && tr.classOf(win) == tClass[s] && tr.predict(test, s) == tClass[s], "sample " + s);
        }

        List<Check> all = List.of(fwd, thr, pred, weights, thrTest, thrAdapt, accs, lrs, tFwd, tP);
        List<String> lines = new ArrayList<>();
        for (Check c : all) if (c.compared > 0) lines.add(c.toString());
        String report = name + ":\n  " + String.join("\n  ", lines);
        System.out.println("SpikeNnParityTest " + report);
        assertTrue(fwd.compared == 2 * epochs * nTrain && tFwd.compared == 2 * nTest, report);
        for (Check c : all) assertEquals(0, c.bad, report);
    }

    static int countDiff(float[] a, float[] b) {
        int d = 0;
        for (int i = 0; i < a.length; i++) if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) d++;
        return d;
    }
}
