package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.RunMode;

/**
 * A tinyRSNN run walked stage by stage ({@link RsnnPaper.Walk}, what notebook 11 shows) is the run
 * {@link RsnnPaper#run} computes: same metrics to the last bit, the same run file, which a later
 * {@code run} then reuses.
 */
class RsnnWalkTest {

    /** Every stage, cheaply: 1 pretraining, 1 fine-tuning and 1-epoch pruning retrains, float16 evaluation. */
    static final RsnnPaper.Settings ALL = new RsnnPaper.Settings(RunMode.QUICK, List.of(5L), 1, 1, 1, 1, 1, true, 64, false, false);

    @Test
    void walkingTheStagesGivesTheRunThatRunComputes(@TempDir Path tmp) throws Exception {
        RsnnPaper.Model m = RsnnPaper.Model.TINY;
        RsnnRun direct = RsnnReuseTest.paper(tmp.resolve("a"), new ArrayList<>()).run(m, "I2", 5L, ALL);

        List<String> log = new ArrayList<>();
        RsnnPaper paper = RsnnReuseTest.paper(tmp.resolve("b"), log);
        RsnnPaper.Walk w = paper.walk(m, "I2", 5L, ALL);
        assertNull(w.model(), "nothing is trained before a stage is called");
        assertEquals(64, ((org.spikekit.model.Rsnn.Config) w.config()).hidden());
        assertEquals(64, ((org.spikekit.model.Rsnn) w.fresh()).config().hidden());
        // the stages' epoch listeners see every epoch's metrics and change no number (the run below is the direct one)
        List<java.util.Map<String, Double>> pre = new ArrayList<>(), fine = new ArrayList<>();
        List<Integer> fineEpochs = new ArrayList<>();
        assertNotNull(w.pretrained((e, metrics) -> pre.add(java.util.Map.copyOf(metrics))));
        assertEquals(1, pre.size(), "one pretraining epoch told");
        var ft = w.finetune((e, metrics) -> {
            fineEpochs.add(e);
            fine.add(java.util.Map.copyOf(metrics));
        });
        assertEquals(1, ft.epochs().size());
        assertEquals(List.of(1), fineEpochs, "epochs are told 1-based");
        assertEquals(ft.last().loss(), fine.get(0).get("loss"), 0.0);
        assertEquals(ft.last().valR2(), fine.get(0).get("val R2"), 0.0);
        assertEquals(ft.last().trainR2(), fine.get(0).get("train R2"), 0.0);
        assertEquals(ft.last().trainR2Batches(), fine.get(0).get("train R2 per batch"), 0.0);
        assertSame(ft, w.finetune(), "a stage called again returns its result");
        var pr = w.prune();
        assertNotNull(pr);
        assertTrue(pr.trials().size() >= 1);
        var ev = w.evaluate();
        assertEquals(64, ev.workload().spikingOutputs().get(0).dim(-1), "the workload holds the hidden spikes");
        RsnnRun walked = w.record();

        assertEquals(direct.r2(), walked.r2(), 0.0);
        assertEquals(direct.effAcs(), walked.effAcs(), 0.0);
        assertEquals(direct.connSparsity(), walked.connSparsity(), 0.0);
        assertEquals(direct.extra(), walked.extra());
        assertEquals(direct.key().hash(), walked.key().hash());

        List<String> log2 = new ArrayList<>();
        RsnnRun again = RsnnReuseTest.paper(tmp.resolve("b"), log2).run(m, "I2", 5L, ALL);
        assertEquals(walked, again);
        assertTrue(RsnnReuseTest.line(log2, "kept tinyRSNN_I2_seed5.json").contains("same model configuration"), log2.toString());
        try (var files = Files.list(paper.checkpointsDir())) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("run_")), "the run's training state is removed once recorded");
        }
    }

    @Test
    void anAlifTinyRsnnIsOneConfigEditAndWalksInFloat32(@TempDir Path tmp) {
        // the notebook's commented edit: every stage runs the ALIF model; the float16 view is LIF only
        RsnnPaper.Settings fp32 = new RsnnPaper.Settings(RunMode.QUICK, List.of(5L), 1, 1, 1, 1, 1, false, 64, false, false);
        RsnnPaper paper = RsnnReuseTest.paper(tmp.resolve("a"), new ArrayList<>())
                .withRsnnConfig(c -> c.withNeuron(org.spikekit.neuron.HiddenNeuron.Alif.rsnn()));
        RsnnPaper.Walk w = paper.walk(RsnnPaper.Model.TINY, "I2", 5L, fp32);
        assertTrue(((org.spikekit.model.Rsnn) w.fresh()).recurrentLayer() instanceof org.spikekit.neuron.RecurrentAlifLayer);
        assertTrue(w.prune().trials().size() >= 1);
        var ev = w.evaluate();
        assertEquals(64, ev.workload().spikingOutputs().get(0).dim(-1));
        assertTrue(Double.isFinite(w.record().r2()));

        RsnnPaper half = RsnnReuseTest.paper(tmp.resolve("b"), new ArrayList<>())
                .withRsnnConfig(c -> c.withNeuron(org.spikekit.neuron.HiddenNeuron.Alif.rsnn()));
        for (org.junit.jupiter.api.function.Executable ex : List.<org.junit.jupiter.api.function.Executable>of(
                () -> half.walk(RsnnPaper.Model.TINY, "I2", 5L, ALL), () -> half.run(RsnnPaper.Model.TINY, "I2", 5L, ALL))) {
            var e = assertThrows(IllegalArgumentException.class, ex, "refused before anything is trained");
            assertTrue(e.getMessage().contains("Rsnn.Config.neuron") && e.getMessage().contains("fp16"), e.getMessage());
        }
    }

    @Test
    void laterStagesRunTheEarlierOnesAndBaselinesAreRefused(@TempDir Path tmp) {
        RsnnPaper paper = RsnnReuseTest.paper(tmp, new ArrayList<>());
        RsnnPaper.Settings noPrune = new RsnnPaper.Settings(RunMode.QUICK, List.of(5L), 0, 0, 1, 1, 0, false, 64, false, false);
        RsnnPaper.Walk w = paper.walk(RsnnPaper.Model.TINY, "I2", 5L, noPrune);
        assertNotNull(w.evaluate(), "evaluate() fine-tunes first");
        assertNull(w.pretrained(), "no pretraining in these settings");
        assertNull(w.prune(), "no pruning in these settings");
        assertNotNull(w.model());
        RsnnPaper.Settings context = new RsnnPaper.Settings(RunMode.QUICK, List.of(5L), 0, 0, 1, 1, 0, false, 64, false, false, 2e-3f, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> paper.walk(RsnnPaper.Model.TINY, "I2", 5L, context));
        assertTrue(e.getMessage().contains("context 3"), e.getMessage());
    }

    @Test
    void aBaselineWalksTrainEvaluateRecordAndMatchesRun(@TempDir Path tmp) {
        RsnnPaper.Model m = RsnnPaper.Model.SNN3;
        RsnnPaper.Settings s = new RsnnPaper.Settings(RunMode.QUICK, List.of(5L), 0, 0, 1, 1, 0, false, 64, false, false, 5e-3f, 49);
        RsnnRun direct = RsnnReuseTest.paper(tmp.resolve("a"), new ArrayList<>()).run(m, "L1", 5L, s);
        RsnnPaper.Walk w = RsnnReuseTest.paper(tmp.resolve("b"), new ArrayList<>()).walk(m, "L1", 5L, s);
        assertTrue(w.config() instanceof org.spikekit.model.Snn3.Config);
        assertNull(w.pretrained());
        assertEquals(1, w.finetune().epochs().size());
        assertNull(w.prune());
        RsnnRun walked = w.record();
        assertEquals(direct.r2(), walked.r2(), 0.0);
        assertEquals(direct.extra(), walked.extra());
        assertEquals(direct.key().hash(), walked.key().hash());

        RsnnPaper narrow = RsnnReuseTest.paper(tmp.resolve("a"), new ArrayList<>())
                .withSnn3Config(c -> org.spikekit.config.Configs.override(c, "layer1=16"));
        assertEquals(16, ((org.spikekit.model.Snn3.Config) narrow.walk(m, "L1", 5L, s).config()).layer1());
        assertTrue(narrow.kept(m, "L1", 5L, s) == null, "an edited SNN3 configuration is not answered with the stored run");
    }
}
