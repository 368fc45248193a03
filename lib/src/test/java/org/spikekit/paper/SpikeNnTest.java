package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.spiking.SpikingSplit;
import org.spikekit.data.spiking.SyntheticSpiking;
import org.spikekit.train.stdp.ReadoutTrainer;
import org.spikekit.train.stdp.SpikeNnConfig;

/** Protocols: single run, K-fold, grid search with resume; determinism over seeds and threads. */
class SpikeNnTest {
    @TempDir Path dir;

    static final SyntheticSpiking GEN = new SyntheticSpiking(400, 4, 60, 0.25, 3);

    static String config(String epochs, String extraTrainer, String dropout) {
        return """
            {"network": [{"n_neurons": 12, "firing_threshold": [8, 12], "w_init_mean": 0.3, "w_norm": true}],
             "optimizer": {"method": "s2stdp", "ap": 0.05, "am": -0.05, "annealing": 0.98, "t_gap": [0.02, 0.05],
                           "class_inhib": true},
             "regularizer": {"thr_lr": 0.5, "thr_anneal": 0.5},
             "trainer": {"epochs": %s, "early_stopping": 3, "nt_neurons": 1, "dropout_out": %s %s}}
            """.formatted(epochs, dropout, extraTrainer);
    }

    static SpikeNnConfig one(String epochs) {
        return SpikeNnConfig.grid(config(epochs, "", "0.1"), "t").get(0);
    }

    static SpikingSplit split(long seed) { return GEN.split(120, 40, 60, seed); }

    @Test
    void sameSeedSameResultOtherSeedOtherWeights() {
        SpikingSplit s = split(1);
        SpikeNnRun a = SpikeNn.train("a", one("4"), s, 5, false, true);
        SpikeNnRun b = SpikeNn.train("a", one("4"), s, 5, false, true);
        assertTrue(a.sameResult(b));
        assertArrayEquals(a.testAccs(), b.testAccs(), 0.0);
        assertEquals(a.key(), b.key());
        SpikeNnRun c = SpikeNn.train("a", one("4"), s, 6, false, true);
        assertNotEquals(a.key(), c.key());
        assertFalse(a.sameResult(c));
    }

    @Test
    void stagesTellTheListenerEveryEpochAndTheRunIsTheSame() {
        SpikingSplit s = split(1);
        SpikeNn nn = new SpikeNn(dir, 1, true, x -> {});
        SpikeNn.Stages plain = nn.stages("a", one("4"), s, 5), watched = nn.stages("a", one("4"), s, 5);
        plain.fit(null);
        List<double[]> told = new ArrayList<>();
        var h = watched.fit(null, (e, m) -> {
            assertEquals(told.size() + 1, e, "epochs are told 1-based, in order");
            told.add(new double[] {m.get("train acc"), m.get("val acc"), m.get("test acc")});
        });
        assertEquals(h.epochs(), told.size());
        for (int e = 0; e < h.epochs(); e++) {
            assertArrayEquals(new double[] {h.trainAcc()[e], h.valAcc()[e], h.testAcc()[e]}, told.get(e), 0.0, "epoch " + (e + 1));
        }
        assertTrue(plain.result().sameResult(watched.result()), "the listener changes no number");
        assertEquals(plain.key(), watched.key());
        assertSame(h, watched.fit(null, (e, m) -> fail("a second call trains nothing")));
    }

    @Test
    void aRunOfAnotherLibraryDataOrConfigIsComputedAgainAndTheLogSaysWhy() {
        List<String> log = new ArrayList<>();
        SpikeNn nn = new SpikeNn(dir, 1, false, log::add);
        SpikeNnRun a = nn.run("r", one("2"), split(1), 0);
        assertEquals(org.spikekit.report.RunKey.Library.current(), a.library());
        assertEquals("spikenn: 1 of 1 runs kept, 0 to run on 1 threads", runAndLastCount(nn, log, one("2"), split(1)));

        // another library: another key, computed again; the log names the stored run and what differs
        var current = org.spikekit.report.RunKey.Library.current();
        SpikeNn other = new SpikeNn(dir, 1, false, log::add).withLibrary(new org.spikekit.report.RunKey.Library("1".repeat(64), 1, current.version()));
        log.clear();
        SpikeNnRun b = other.run("r", one("2"), split(1), 0);
        assertNotEquals(a.key(), b.key());
        assertTrue(a.sameResult(new SpikeNnRun(a.key(), b.label(), b.protocol(), b.semantics(), b.seed(), b.data(),
                b.config(), b.inputs(), b.classes(), b.sizes(), b.epochs(), b.bestValEpoch(), b.stop(), b.trainAcc(), b.valAcc(), b.testAcc(),
                b.trainAccs(), b.valAccs(), b.testAccs(), b.stats(), b.wallTimeS(), a.library())), "the same numbers, only the key and library differ");
        String why = log.stream().filter(l -> l.startsWith("spikenn: recomputing r: ")).findFirst().orElseThrow(() -> new AssertionError(log.toString()));
        assertTrue(why.endsWith("library changed (classes " + current.shortId() + " → 111111111111)"), why);

        // other data: computed again, the data digest named
        log.clear();
        nn.run("r", one("2"), split(2), 0);
        why = log.stream().filter(l -> l.startsWith("spikenn: recomputing r: ")).findFirst().orElseThrow(() -> new AssertionError(log.toString()));
        assertTrue(why.contains("data changed (") && !why.contains("config"), why);

        // another config
        log.clear();
        nn.run("r", one("3"), split(2), 0);
        why = log.stream().filter(l -> l.startsWith("spikenn: recomputing r: ")).findFirst().orElseThrow(() -> new AssertionError(log.toString()));
        assertTrue(why.contains("config differs (") && why.contains("\"epochs\":2") && why.contains("\"epochs\":3"), why);
    }

    private static String runAndLastCount(SpikeNn nn, List<String> log, SpikeNnConfig cfg, SpikingSplit s) {
        log.clear();
        nn.run("r", cfg, s, 0);
        return log.stream().filter(l -> l.contains(" runs kept")).findFirst().orElseThrow();
    }

    @Test
    void runFileRoundTripsAndIsReused() throws Exception {
        SpikeNn nn = new SpikeNn(dir, 1, true, null);
        SpikeNnRun a = nn.run("single", one("3"), split(1), 0);
        assertEquals(3, a.stats().epochs());
        assertEquals(12, a.stats().targetWins().get(0).length);
        Path f = dir.resolve(a.fileName());
        assertTrue(Files.isRegularFile(f));
        SpikeNnRun back = SpikeNnRun.read(f);
        assertTrue(a.sameResult(back));
        assertEquals(a.wallTimeS(), back.wallTimeS());
        assertEquals(one("3"), back.parsedConfig());
        // reused: the file is not rewritten
        long m = Files.getLastModifiedTime(f).toMillis();
        Thread.sleep(20);
        SpikeNnRun again = nn.run("single", one("3"), split(1), 0);
        assertEquals(m, Files.getLastModifiedTime(f).toMillis());
        assertEquals(a.wallTimeS(), again.wallTimeS());
        // a corrupt file is run again
        Files.writeString(f, "{\"key\": ");
        SpikeNnRun redo = nn.run("single", one("3"), split(1), 0);
        assertTrue(a.sameResult(redo));
    }

    @Test
    void kfoldSeedsFoldsByIndexAndAggregatesWithPopulationStd() {
        List<SpikingSplit> folds = List.of(split(10), split(20), split(30));
        SpikeNn nn = new SpikeNn(dir, 2, false, null);
        SpikeNn.KFold k = nn.kfold("kf", one("3"), folds);
        assertEquals(3, k.folds().size());
        double[] t = k.testAccs();
        double mean = (t[0] + t[1] + t[2]) / 3;
        double std = Math.sqrt(((t[0] - mean) * (t[0] - mean) + (t[1] - mean) * (t[1] - mean) + (t[2] - mean) * (t[2] - mean)) / 3);
        assertEquals(mean, k.mean(), 1e-12);
        assertEquals(std, k.std(), 1e-12);
        for (int i = 0; i < 3; i++) {
            assertEquals(i, k.folds().get(i).seed());
            assertTrue(k.folds().get(i).sameResult(SpikeNn.train("kf_fold" + i, one("3"), folds.get(i), i, false, false)));
        }
        assertArrayEquals(new double[] {0.5, 0.1}, SpikeNn.meanStd(new double[] {0.4, 0.6, 0.4, 0.6}), 1e-12);
    }

    @Test
    void gridsearchResumesAndThreadsDoNotChangeResults() throws Exception {
        List<SpikeNnConfig> grid = SpikeNnConfig.grid(config("3", "", "0.1"), "gs");
        assertEquals(4, grid.size());
        SpikingSplit s = split(2);
        Path one = dir.resolve("one"), many = dir.resolve("many");
        List<String> log = new ArrayList<>();
        List<SpikeNn.GridPoint> a = new SpikeNn(one, 1, false, log::add).gridsearch("gs", grid, s, 0);
        List<SpikeNn.GridPoint> b = new SpikeNn(many, 4, false, null).gridsearch("gs", grid, s, 0);
        for (int k = 0; k < 4; k++) {
            assertEquals(a.get(k).index(), b.get(k).index());
            assertTrue(a.get(k).run().sameResult(b.get(k).run()), "grid point " + k);
        }
        for (int k = 1; k < 4; k++) assertTrue(a.get(k - 1).run().valAcc() >= a.get(k).run().valAcc());
        // "kill": two run files lost; the rerun computes only those and keeps the others
        List<Path> files;
        try (Stream<Path> st = Files.list(one)) {
            files = st.sorted().toList();
        }
        assertEquals(4, files.size());
        Files.delete(files.get(0));
        Files.delete(files.get(2));
        long kept = Files.getLastModifiedTime(files.get(1)).toMillis();
        log.clear();
        List<SpikeNn.GridPoint> c = new SpikeNn(one, 2, false, log::add).gridsearch("gs", grid, s, 0);
        assertTrue(log.get(0).contains("2 of 4 runs kept"), log.get(0));
        assertEquals(kept, Files.getLastModifiedTime(files.get(1)).toMillis());
        for (int k = 0; k < 4; k++) assertTrue(a.get(k).run().sameResult(c.get(k).run()));
        assertEquals(4, new SpikeNn(one, 1, false, null).storedRuns().size());
    }

    @Test
    void gridsearchStopAccAbortsAfterEpochThree() {
        SpikeNnConfig cfg = SpikeNnConfig.grid(config("10", ", \"gridsearch_stop_acc\": 0.999", "0.0"), "t").get(0);
        SpikingSplit s = split(3);
        SpikeNnRun g = SpikeNn.train("g", cfg, s, 0, true, false);
        assertEquals(3, g.epochs());
        assertEquals(ReadoutTrainer.Stop.GRIDSEARCH_STOP_ACC, g.stop());
        SpikeNnRun r = SpikeNn.train("g", cfg, s, 0, false, false);
        assertTrue(r.epochs() > 3);
    }

    @Test
    void earlyStoppingFiresPatienceEpochsAfterTheBestAndKeepsTheLastWeights() {
        // no learning (a± = 0, no CR): validation accuracy is constant, best at epoch 1
        String json = config("50", "", "0.0").replace("\"ap\": 0.05, \"am\": -0.05", "\"ap\": 0.0, \"am\": 0.0")
                .replace("\"regularizer\": {\"thr_lr\": 0.5, \"thr_anneal\": 0.5},", "");
        SpikeNnConfig cfg = SpikeNnConfig.grid(json, "t").get(0);
        SpikeNnRun r = SpikeNn.train("es", cfg, split(4), 0, false, false);
        assertEquals(4, r.epochs());                  // epoch 1 best, patience 3
        assertEquals(1, r.bestValEpoch());
        assertEquals(ReadoutTrainer.Stop.EARLY_STOPPING, r.stop());
        assertEquals(r.testAccs()[3], r.testAcc());
    }
}
