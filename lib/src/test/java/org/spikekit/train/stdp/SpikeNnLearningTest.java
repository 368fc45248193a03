package org.spikekit.train.stdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.data.spiking.SpikingSplit;
import org.spikekit.data.spiking.SyntheticSpiking;

/** Learning smoke tests: the rules learn a separable synthetic task. */
class SpikeNnLearningTest {
    static String config(String method, int n, float thr, float w0, boolean norm, float gap, float ap, float am,
                         String extraOpt, String reg, String extraTrainer) {
        return """
            {"network": [{"n_neurons": %d, "firing_threshold": %s, "w_init_normal": true, "w_init_mean": %s,
                          "w_init_std": 0.01, "w_norm": %s, "w_min": 0.0, "w_max": 1.0}],
             "optimizer": {"method": "%s", "stdp": "additive", "ap": %s, "am": %s, "annealing": 0.98, "t_gap": %s %s},
             %s
             "trainer": {"epochs": 8, "early_stopping": 10 %s}}
            """.formatted(n, thr, w0, norm, method, ap, am, gap, extraOpt, reg, extraTrainer);
    }

    @Test
    void theFitterShapeIsASingleRunWithoutCallback() {
        SpikingSplit split = new SyntheticSpiking(1000, 5, 100, 0.25, 7).split(300, 100, 100, 12);
        SpikeNnConfig cfg = SpikeNnConfig.parse(config("s2stdp", 5, 12f, 0.3f, true, 0.05f, 0.05f, -0.05f, "", "", ""), "test");
        org.spikekit.train.Fitter<SpikingSplit, ReadoutTrainer.History> f = new ReadoutTrainer(cfg, 1000, 5, 200, 3, false);
        ReadoutTrainer.History a = f.fit(split), b = new ReadoutTrainer(cfg, 1000, 5, 200, 3, false).fit(split, false, null);
        assertEquals(b.epochs(), a.epochs());
        assertArrayEquals(b.trainAcc(), a.trainAcc());
        assertArrayEquals(b.testAcc(), a.testAcc());
        assertTrue(a.finalTest() > 0.5, "it learned: " + a.finalTest());
    }

    @Test
    void s2stdpWithNcgLearnsSeparableData() {
        SpikingSplit split = new SyntheticSpiking(1000, 5, 100, 0.25, 7).split(500, 200, 300, 11);
        SpikeNnConfig cfg = SpikeNnConfig.parse(config("s2stdp", 25, 12f, 0.3f, true, 0.05f, 0.05f, -0.05f,
                ", \"class_inhib\": true", "\"regularizer\": {\"thr_lr\": 1.0, \"thr_anneal\": 0.5},", ", \"nt_neurons\": 1"), "test");
        ReadoutTrainer tr = new ReadoutTrainer(cfg, 1000, 5, 200, 0, false);
        double before = tr.accuracy(split.test());
        ReadoutTrainer.History h = tr.fit(split, false, (e, a, v, t) -> System.out.printf("epoch %d train %.3f val %.3f test %.3f%n", e, a, v, t));
        System.out.println("before " + before + " after " + h.finalTest());
        assertTrue(h.finalTest() > 0.9 && before < 0.4, "test accuracy before " + before + ", after " + h.finalTest());
    }

    @Test
    void otherRulesLearnToo() {
        SpikingSplit split = new SyntheticSpiking(1000, 5, 100, 0.25, 7).split(500, 200, 300, 11);
        String[] cfgs = {
            config("s2stdp", 5, 12f, 0.3f, true, 0.05f, 0.05f, -0.05f, "", "", ""),
            config("s2stdp", 25, 25f, 0.5f, false, 0.05f, 0.05f, 0f, ", \"use_time_ranges\": true, \"class_inhib\": true",
                    "\"regularizer\": {\"thr_lr\": 1.0, \"thr_anneal\": 0.5},", ""),
            config("rstdp", 25, 40f, 0.8f, false, 0f, 0.01f, -0.001f, ", \"anti_ap\": -0.01, \"anti_am\": 0.001", "", "")
                    .replace("\"w_min\": 0.0, \"w_max\": 1.0", "\"w_min\": 0.2, \"w_max\": 0.8").replace(", \"t_gap\": 0.0", ""),
            config("s4nn", 5, 25f, 0.5f, false, 0.1f, 0f, 0f, ", \"lr\": 0.005", "", "").replace("\"ap\": 0.0, \"am\": 0.0, ", ""),
        };
        for (String c : cfgs) {
            SpikeNnConfig cfg = SpikeNnConfig.parse(c, "test");
            ReadoutTrainer tr = new ReadoutTrainer(cfg, 1000, 5, 200, 0, false);
            ReadoutTrainer.History h = tr.fit(split, false, null);
            System.out.println(cfg.optimizer().method() + " " + cfg.network().nNeurons() + ": " + java.util.Arrays.toString(h.testAcc()));
            assertTrue(h.finalTest() > 0.85, cfg.optimizer().method() + " test accuracy " + h.finalTest());
        }
    }
}
