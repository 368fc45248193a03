package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.config.Configs;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.data.perich.DecodingWindows;
import org.spikekit.data.perich.PerichData;
import org.spikekit.model.Baselines;
import org.spikekit.model.SpikachuDecoder;
import org.spikekit.core.Tape;
import org.spikekit.report.RunKey;
import org.spikekit.train.Checkpoint;

/**
 * A single-session run walked stage by stage ({@link SpikachuPaper.Walk}, what notebooks 21 and 22
 * show) is the run {@link SpikachuPaper#single} computes: the same numbers to the last bit and the
 * same trained parameters, in a run file that a later {@code single} reuses; a model configuration
 * edited in a notebook cell changes what is built and the run's key.
 */
class SpikachuWalkTest {
    static final String CO = SpikachuReuseTest.CO;
    static PerichData data;

    @BeforeAll
    static void data() { data = SpikachuReuseTest.data(90, 20); }

    @Test
    void walkingTheStagesGivesTheRunThatSingleComputes(@TempDir Path tmp) {
        for (SpikachuPaper.Model m : List.of(SpikachuPaper.Model.SPIKACHU, SpikachuPaper.Model.GRU)) {
            SpikachuPaper a = SpikachuReuseTest.paper(tmp.resolve("a"), data, SpikachuReuseTest.settings(1), new ArrayList<>());
            SpikachuRun direct = a.single(m, CO);

            List<String> log = new ArrayList<>();
            SpikachuPaper b = SpikachuReuseTest.paper(tmp.resolve("b"), data, SpikachuReuseTest.settings(1), log);
            SpikachuPaper.Walk w = b.walk(m, CO);
            assertNull(w.model(), "nothing is trained before a stage is called");
            assertEquals(b.modelConfig(m, CO), w.config());
            assertEquals(direct.key(), w.key());
            // the listener sees the epoch's metrics and changes no number (the run below is the direct one)
            List<java.util.Map<String, Double>> told = new ArrayList<>();
            var h = w.train((e, metrics) -> {
                assertEquals(told.size() + 1, e, "epochs are told 1-based, in order");
                told.add(java.util.Map.copyOf(metrics));
            });
            assertEquals(1, h.epochs().size());
            assertEquals(1, told.size());
            assertEquals(h.epochs().get(0).trainLoss(), told.get(0).get("loss"), 0.0);
            assertEquals(h.epochs().get(0).selectionLoss(), told.get(0).get("selection loss"), 0.0);
            assertEquals(h.epochs().get(0).selectionR2(), told.get(0).get("selection R2"), 0.0);
            assertEquals(h.epochs().get(0).lr(), told.get(0).get("lr"), 0.0);
            assertSame(h, w.train(), "a stage called again returns its result");
            SpikachuPaper.Evaluated ev = w.evaluate();
            assertFalse(Files.exists(b.runsDir().resolve(direct.fileName())), "evaluate() writes no run file");
            SpikachuPaper.Trace t = ev.trace();
            assertEquals(SpikachuPaper.TRACE_WINDOWS * 100, t.steps());
            assertEquals(20, t.units());
            SpikachuRun walked = w.record();
            assertSame(walked, w.record());
            assertEquals(ev.scores(), walked);

            assertEquals(SpikachuResumeTest.timeless(direct), SpikachuResumeTest.timeless(walked), m.label);
            var pa = Checkpoint.read(a.checkpoint(direct)).parameters();
            var pb = Checkpoint.read(b.checkpoint(walked)).parameters();
            assertEquals(pa.keySet(), pb.keySet());
            for (String k : pa.keySet()) assertArrayEquals(pa.get(k).data(), pb.get(k).data(), m.label + " " + k);
            assertFalse(Files.exists(b.partialCheckpoint(m, CO)), "the training state is removed once recorded");

            List<String> log2 = new ArrayList<>();
            SpikachuRun again = SpikachuReuseTest.paper(tmp.resolve("b"), data, SpikachuReuseTest.settings(1), log2).single(m, CO);
            assertEquals(walked, again);
            SpikachuReuseTest.line(log2, "kept single_" + m.label + "_" + CO + ".json");

            // the trace: the model's decoded velocity on the first test windows, as scored, and its hidden layer
            List<DecodingWindows.Window> first = w.scoringWindows().evalWindows(DecodingWindows.Split.TEST).stream().limit(SpikachuPaper.TRACE_WINDOWS).toList();
            DecodingBatch batch = w.scoringWindows().batch(first);
            Tape tape = Tape.inference();
            var sm = w.trainer().smoother().forward(w.model().forward(batch, tape), tape);
            float[] pred = sm.backend().toHost(sm);
            int r = batch.row(50, 1);   // bin 50 of the second window
            assertEquals(pred[2 * r], t.decoded()[2 * (100 + 50)], 0f);
            assertEquals(batch.target()[2 * r + 1], t.recorded()[2 * (100 + 50) + 1], 0f);
            if (m == SpikachuPaper.Model.SPIKACHU) {
                assertTrue(t.spikes());
                assertEquals(3 * 64, t.hiddenUnits());
                Tape.Activity ff = tape.activity("spikachu.core.ff.lif");
                double sum = 0;
                for (float v : t.hidden()) {
                    assertTrue(v == 0f || v == 1f, "spikes are 0 or 1");
                    sum += v;
                }
                assertEquals(ff.spikes(), sum, 0.0, "the hidden raster holds the spikes of the forward pass's feed-forward LIF");
                assertTrue(sum > 0, "the hidden layer spikes");
            } else {
                assertFalse(t.spikes());
                assertEquals(64, t.hiddenUnits(), "the first block's GRU state");
                assertNotEquals(0f, t.hidden()[t.hidden().length / 2]);
            }
        }
    }

    @Test
    void anEditedModelConfigurationIsBuiltAndKeyedApart(@TempDir Path tmp) {
        RunKey plain = SpikachuReuseTest.paper(tmp, data, SpikachuReuseTest.settings(1), new ArrayList<>()).singleKey(SpikachuPaper.Model.GRU, CO);
        SpikachuPaper narrow = SpikachuReuseTest.paper(tmp, data, SpikachuReuseTest.settings(1), new ArrayList<>())
                .withRecurrentConfig(c -> Configs.override(c, "hidden=32"));
        assertEquals("model configuration differs (Baselines.RecurrentConfig: hidden 64 → 32)", narrow.singleKey(SpikachuPaper.Model.GRU, CO).why(plain),
                "a run stored with another configuration is not reused, and the log says why");
        SpikachuPaper.Walk w = narrow.walk(SpikachuPaper.Model.GRU, CO);
        assertEquals(32, ((Baselines.RecurrentConfig) w.config()).hidden());
        assertNotEquals(plain, w.key());
        assertEquals(((Baselines.RecurrentConfig) w.config()).parameterCount(), w.fresh().trainableParameters().stream().mapToLong(p -> p.numel()).sum(),
                "the fresh model is built from the edited configuration");

        SpikachuPaper wide = SpikachuReuseTest.paper(tmp, data, SpikachuReuseTest.settings(1), new ArrayList<>())
                .withSpikachuConfig(c -> Configs.override(c, "core.hidden=32"));
        var fresh = (SpikachuDecoder) wide.walk(SpikachuPaper.Model.SPIKACHU, CO).fresh();
        assertEquals(32, fresh.config().core().hidden());
        assertEquals(32, ((SpikachuDecoder.Config) wide.modelConfig(SpikachuPaper.Model.SPIKACHU_RELEASED, CO)).core().hidden(),
                "the released variant derives from the edited configuration");
        assertTrue(((SpikachuDecoder.Config) wide.modelConfig(SpikachuPaper.Model.SPIKACHU_RELEASED, CO)).core().asReleased());

        SpikachuPaper bad = SpikachuReuseTest.paper(tmp, data, SpikachuReuseTest.settings(1), new ArrayList<>())
                .withSpikachuConfig(c -> Configs.override(c, "homogenizer.vocab=21"));
        var e = assertThrows(IllegalArgumentException.class, () -> bad.walk(SpikachuPaper.Model.SPIKACHU, CO));
        assertTrue(e.getMessage().contains("homogenizer.vocab is 21") && e.getMessage().contains("20 units"), e.getMessage());
    }
}
