package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.CpuBackend;
import org.spikekit.config.Configs;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.reaching.ODohertyData;
import org.spikekit.model.Rsnn;
import org.spikekit.report.RunKey;

/**
 * A stored RSNN-paper run is reused only when everything that produced it matches — model
 * configuration, recipe, data checksums, library — and the log says why a run was kept or computed
 * again (issue "Notebooks that work in a browser", item 7: editing tinyRSNN's hidden size used to
 * bring the old run back).
 */
class RsnnReuseTest {

    /** One cheap pass of tinyRSNN's recipe: 1 pretraining and 1 fine-tuning epoch, no pruning, float32. */
    static final RsnnPaper.Settings TINY = new RsnnPaper.Settings(RunMode.QUICK, List.of(5L), 1, 1, 1, 1, 0, false, 64, false, false);
    /** One SNN2 epoch. */
    static final RsnnPaper.Settings SNN2 = new RsnnPaper.Settings(RunMode.QUICK, List.of(5L), 0, 0, 1, 1, 0, false, 64, false, false, 5e-3f);

    static RsnnPaper paper(Path root, List<String> log) {
        return new RsnnPaper(ODohertyData.at(root.resolve("data")), DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(),
                root.resolve("results/rsnn"), log::add);
    }

    static String line(List<String> log, String start) {
        return log.stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line starting '" + start + "' in " + log));
    }

    @Test
    void aChangedHiddenSizeIsComputedAgainNotAnsweredWithTheStoredRun(@TempDir Path tmp) throws Exception {
        RsnnPaper.Model m = RsnnPaper.Model.TINY;
        List<String> log1 = new ArrayList<>();
        RsnnRun first = paper(tmp, log1).run(m, "I2", 5L, TINY);
        assertTrue(line(log1, "computing tinyRSNN_I2_seed5.json").endsWith("no stored run"), log1.toString());
        assertTrue(first.key().model().startsWith("{\"Rsnn.Config\":{\"inputs\":96,\"hidden\":64,"), first.key().model());
        assertEquals(Rsnn.Config.tiny(96), Configs.fromJson(first.key().model().substring("{\"Rsnn.Config\":".length(),
                first.key().model().length() - 1), Rsnn.Config.class), "the key holds the whole model configuration, as JSON");

        // same everything: kept, and the log says so
        List<String> log2 = new ArrayList<>();
        RsnnPaper same = paper(tmp, log2);
        RsnnRun again = same.run(m, "I2", 5L, TINY);
        assertEquals(first, again);
        assertTrue(line(log2, "kept tinyRSNN_I2_seed5.json").contains("(same model configuration, recipe, data and library"), log2.toString());
        same.pretrained(m, "indy", 5L, TINY);
        assertTrue(line(log2, "kept pretrained tinyRSNN indy seed 5").contains("same model configuration"), log2.toString());

        // 64 -> 128 neurons (set as notebooks and sweeps set it, by a JSON override): the stored run and
        // the stored pretraining state are not reused
        List<String> log3 = new ArrayList<>();
        RsnnPaper wide = paper(tmp, log3).withRsnnConfig(c -> Configs.override(c, "hidden=128"));
        assertNull(wide.kept(m, "I2", 5L, TINY), "kept() does not offer the 64-neuron run for 128 neurons");
        RsnnRun bigger = wide.run(m, "I2", 5L, TINY);
        String why = line(log3, "recomputing tinyRSNN_I2_seed5.json");
        assertTrue(why.endsWith(": model configuration differs (Rsnn.Config: hidden 64 → 128)"), why);
        assertTrue(line(log3, "pretraining tinyRSNN indy seed 5").contains("model configuration differs (Rsnn.Config: hidden 64 → 128)"), log3.toString());
        assertTrue(bigger.key().model().contains("\"hidden\":128,"), bigger.key().model());
        assertTrue(bigger.footprintBytes() > first.footprintBytes(), "the 128-neuron model was trained and evaluated");
        assertNotEquals(paper(tmp, new ArrayList<>()).pretrainedFile(m, "indy", 5L, TINY), wide.pretrainedFile(m, "indy", 5L, TINY),
                "pretrained states of the two sizes are cached apart");
        assertNull(paper(tmp, new ArrayList<>()).kept(m, "I2", 5L, TINY), "and the 128-neuron run is not offered for 64");
    }

    /** Any field of the model configuration or of the recipe, nested ones included, is part of the key; the reason names it by path. */
    @Test
    void everyConfigurationFieldIsPartOfTheKey(@TempDir Path tmp) {
        RsnnPaper.Model m = RsnnPaper.Model.TINY;
        RunKey paperKey = paper(tmp, new ArrayList<>()).runKey(m, "I2", 5L, TINY);
        RunKey tau = paper(tmp, new ArrayList<>()).withRsnnConfig(c -> Configs.override(c, "lif.tauMemS=0.03")).runKey(m, "I2", 5L, TINY);
        assertNotEquals(paperKey.hash(), tau.hash());
        assertEquals("model configuration differs (Rsnn.Config: lif.tauMemS 0.02 → 0.03)", tau.why(paperKey));
        RunKey head = paper(tmp, new ArrayList<>()).withRsnnConfig(c -> Configs.override(c, "readout.heads.0.tauSynS=0.005"))
                .runKey(m, "I2", 5L, TINY);
        assertEquals("model configuration differs (Rsnn.Config: readout.heads.0.tauSynS 0.01 → 0.005)", head.why(paperKey));
        RunKey lr = paper(tmp, new ArrayList<>()).runKey(m, "I2", 5L, Configs.override(TINY, "lr=0.004"));
        assertEquals("recipe differs (finetune.lr 0.002 → 0.004; pretrained.trainer.lr 0.002 → 0.004; stages.lr_1e-5 added 400)", lr.why(paperKey));
        assertEquals(paperKey, paper(tmp, new ArrayList<>()).withRsnnConfig(c -> Configs.override(c, "hidden=64")).runKey(m, "I2", 5L, TINY),
                "the same configuration, however it was set, has the same key");
    }

    @Test
    void changedDataOrLibraryOrAnUnkeyedFileIsComputedAgain(@TempDir Path tmp) throws Exception {
        RsnnPaper.Model m = RsnnPaper.Model.SNN2;
        RsnnRun first = paper(tmp, new ArrayList<>()).run(m, "L1", 5L, SNN2);
        RunKey.Library current = RunKey.Library.current();
        assertTrue(current.readable() && current.entries() > 100, current.toString());
        assertEquals(current, first.key().library());

        // another library (a changed method body): recomputed, and the log names both fingerprints
        RunKey.Library other = new RunKey.Library("0".repeat(64), current.entries(), current.version());
        List<String> log = new ArrayList<>();
        RsnnPaper p = paper(tmp, log).withLibrary(other);
        assertNull(p.kept(m, "L1", 5L, SNN2));
        RsnnRun byOther = p.run(m, "L1", 5L, SNN2);
        String why = line(log, "recomputing SNN2_L1_seed5.json");
        assertTrue(why.endsWith("library changed (classes " + current.shortId() + " → 000000000000)"), why);
        assertEquals(other, byOther.key().library());
        assertNull(paper(tmp, new ArrayList<>()).kept(m, "L1", 5L, SNN2), "nor is the other library's run reused by this one");
        paper(tmp, new ArrayList<>()).run(m, "L1", 5L, SNN2);

        // the data file changes (its checksum): recomputed, the log names the file
        String session = RsnnPaper.session("L1");
        Path file = ODohertyData.at(tmp.resolve("data")).syntheticFile(session);
        assertTrue(Files.exists(file), file.toString());
        String before = first.key().data().stream().filter(l -> l.startsWith(session)).findFirst().orElseThrow();
        Files.write(file, new byte[] {0, 1, 2, 3}, StandardOpenOption.APPEND);
        List<String> log2 = new ArrayList<>();
        RsnnRun changed = paper(tmp, log2).run(m, "L1", 5L, SNN2);
        String why2 = line(log2, "recomputing SNN2_L1_seed5.json");
        assertTrue(why2.contains("data changed (" + session + ": …sha256="), why2);
        assertNotEquals(before, changed.key().data().stream().filter(l -> l.startsWith(session)).findFirst().orElseThrow());

        // a run file written before keys existed (no "key" field): recomputed, and the log says why
        Path run = tmp.resolve("results/rsnn/runs/quick/SNN2_L1_seed5.json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(run.toFile());
        assertNotNull(tree.remove("key"));
        Files.writeString(run, json.writeValueAsString(tree));
        assertNull(RsnnRun.read(run).key(), Files.readString(run));
        List<String> log3 = new ArrayList<>();
        assertNotNull(paper(tmp, log3).run(m, "L1", 5L, SNN2));
        assertTrue(line(log3, "recomputing SNN2_L1_seed5.json").contains("written by an older kit without a run key"), log3.toString());
    }
}
