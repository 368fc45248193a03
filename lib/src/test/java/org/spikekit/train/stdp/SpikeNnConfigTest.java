package org.spikekit.train.stdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpikeNnConfigTest {
    @TempDir Path dir;

    static final String BASE = """
        {"network": [{"n_neurons": 50, "firing_threshold": 200, "w_init_normal": true, "w_init_mean": 0.3,
                      "w_init_std": 0.01, "w_norm": true, "w_min": 0.0, "w_max": 1.0}],
         "optimizer": {"method": "s2stdp", "stdp": "additive", "ap": 0.05, "am": -0.1, "annealing": 0.98,
                       "t_gap": 0.03, "class_inhib": true},
         "regularizer": {"thr_lr": 10, "thr_anneal": 0.5},
         "trainer": {"epochs": 100, "early_stopping": 10, "nt_neurons": 1}}
        """;

    @Test
    void readsTheOriginalSyntax() throws Exception {
        Path f = dir.resolve("c.json");
        Files.writeString(f, BASE);
        SpikeNnConfig c = SpikeNnConfig.read(f);
        assertEquals(50, c.network().nNeurons());
        assertEquals(200f, c.network().firingThreshold());
        assertTrue(c.optimizer().classInhib());
        assertTrue(c.cr2());
        assertEquals(1, c.trainer().ntNeurons());
        assertEquals(5, c.neuronsPerClass(10));
        assertFalse(c.network().leaky());
        // round trip through the canonical form
        assertEquals(c, SpikeNnConfig.parse(c.toJson(), "round trip"));
        assertEquals(c.canonicalJson(), SpikeNnConfig.parse(c.toJson(), "x").canonicalJson());
    }

    @Test
    void unknownKeyNamesKeySectionFileAndAllowedKeys() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, BASE.replace("\"t_gap\"", "\"t_gapp\""));
        ConfigException e = assertThrows(ConfigException.class, () -> SpikeNnConfig.read(f));
        String m = e.getMessage();
        assertTrue(m.contains("bad.json") && m.contains("\"t_gapp\"") && m.contains("\"optimizer\"") && m.contains("t_gap, class_inhib"), m);
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse(BASE.replace("\"w_norm\"", "\"wnorm\""), "f.json"));
        assertTrue(e.getMessage().contains("network[0]") && e.getMessage().contains("wnorm"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse(BASE.replace("\"trainer\"", "\"training\""), "f.json"));
        assertTrue(e.getMessage().contains("training") && e.getMessage().contains("top level"), e.getMessage());
    }

    @Test
    void wrongTypesAreClear() {
        ConfigException e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse(BASE.replace("\"n_neurons\": 50", "\"n_neurons\": \"50\""), "f.json"));
        assertTrue(e.getMessage().contains("f.json") && e.getMessage().contains("network[0].n_neurons must be an integer"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse(BASE.replace("\"n_neurons\": 50", "\"n_neurons\": 50.5"), "f.json"));
        assertTrue(e.getMessage().contains("integer"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse(BASE.replace("\"class_inhib\": true", "\"class_inhib\": 1"), "f.json"));
        assertTrue(e.getMessage().contains("optimizer.class_inhib must be true or false"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse(BASE.replace("\"ap\": 0.05", "\"ap\": [0.05, 0.1]"), "f.json"));
        assertTrue(e.getMessage().contains("gridsearch"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse(BASE.replace("\"s2stdp\"", "\"s3stdp\""), "f.json"));
        assertTrue(e.getMessage().contains("s3stdp"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse(BASE.replace("\"additive\"", "\"multiplicative\""), "f.json"));
        assertTrue(e.getMessage().contains("multiplicative"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse(BASE.replace("\"epochs\": 100, ", ""), "f.json"));
        assertTrue(e.getMessage().contains("trainer.epochs is required"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse("[1]", "f.json"));
        assertTrue(e.getMessage().contains("JSON object"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SpikeNnConfig.parse("{", "f.json"));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        SpikeNnConfig c = SpikeNnConfig.parse(BASE, "f.json");
        e = assertThrows(ConfigException.class, () -> c.neuronsPerClass(3));
        assertTrue(e.getMessage().contains("multiple"), e.getMessage());
    }

    @Test
    void defaults() {
        SpikeNnConfig c = SpikeNnConfig.parse("""
            {"network": [{"n_neurons": 10, "firing_threshold": 5}],
             "optimizer": {"method": "rstdp", "ap": 0.1, "am": -0.01},
             "trainer": {"epochs": 3}}""", "min");
        assertNull(c.regularizer());
        assertEquals(-0.1, c.optimizer().antiAp());            // rates are kept as the JSON doubles
        assertEquals(0.01, c.optimizer().antiAm());
        assertTrue(c.optimizer().adaptiveLr());
        assertEquals(0, c.trainer().earlyStopping());
        assertEquals(0f, c.network().wMin());
        assertEquals(1f, c.network().wMax());
    }

    @Test
    void gridExpandsTheCartesianProductLastFieldFastest() {
        String grid = BASE.replace("\"firing_threshold\": 200", "\"firing_threshold\": [150, 200]")
                .replace("\"t_gap\": 0.03", "\"t_gap\": [0.01, 0.02, 0.03]")
                .replace("\"thr_anneal\": 0.5", "\"thr_anneal\": [0.5, 0.9]");
        List<SpikeNnConfig> g = SpikeNnConfig.grid(grid, "gs.json");
        assertEquals(12, g.size());
        assertEquals(150f, g.get(0).network().firingThreshold());
        assertEquals(0.01, g.get(0).optimizer().tGap());
        assertEquals(0.5, g.get(0).regularizer().thrAnneal());
        assertEquals(0.9, g.get(1).regularizer().thrAnneal());
        assertEquals(0.02, g.get(2).optimizer().tGap());
        assertEquals(200f, g.get(6).network().firingThreshold());
        assertEquals(0.03, g.get(11).optimizer().tGap());
        assertEquals(12, g.stream().map(SpikeNnConfig::canonicalJson).distinct().count());
        assertEquals(List.of("network.firing_threshold", "optimizer.t_gap", "regularizer.thr_anneal"),
                List.copyOf(SpikeNnConfig.varying(g)));
        assertEquals(1, SpikeNnConfig.grid(BASE, "plain").size());
        ConfigException e = assertThrows(ConfigException.class, () -> SpikeNnConfig.grid(grid.replace("[0.5, 0.9]", "[]"), "gs.json"));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void everyShippedConfigParses() {
        String[] names = {"s2stdp", "s2stdp+ncg", "sstdp", "sstdp+ncg", "rstdp-5n", "rstdp-20n", "s2stdp+ncg-no-cr-no-nt",
            "s2stdp+ncg-cr-1-thr-no-nt", "s2stdp+ncg-no-nt", "s2stdp+ncg-cr-1-thr", "s2stdp+ncg-cr-drop"};
        for (String ds : new String[] {"MNIST", "F-MNIST"}) {
            for (String n : names) {
                SpikeNnConfig c = SpikeNnConfig.resource("STDP-CSNN/" + ds + "/" + n + ".json");
                c.neuronsPerClass(10);
            }
        }
        SpikeNnConfig full = SpikeNnConfig.resource("STDP-CSNN/MNIST/s2stdp+ncg.json");
        assertTrue(full.cr2() && full.optimizer().classInhib() && full.trainer().ntNeurons() == 1);
        assertTrue(SpikeNnConfig.resource("STDP-CSNN/MNIST/s2stdp+ncg-cr-1-thr.json").cr1());
        assertEquals(0.2f, SpikeNnConfig.resource("STDP-CSNN/F-MNIST/s2stdp+ncg-cr-drop.json").trainer().dropoutOut());
        assertThrows(ConfigException.class, () -> SpikeNnConfig.resource("STDP-CSNN/MNIST/nope.json"));
    }
}
