package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.perich.PerichData;
import org.spikekit.data.perich.PerichGenerator;
import org.spikekit.data.perich.PerichPrep;
import org.spikekit.train.Checkpoint;

/**
 * The multi-subject and few-shot runs walked stage by stage ({@link SpikachuPaper.MultiWalk}, what
 * notebook 23 shows) are the runs {@link SpikachuPaper#multiSubject(boolean)} computes: the same
 * numbers to the last bit and the same trained parameters, in run files a later
 * {@code multiSubject} reuses.
 */
class SpikachuMultiWalkTest {
    static final String CO = "c_20150311_center_out_reaching", HELD = "c_20150312_random_target_reaching";

    static PerichData data() {
        return PerichData.of(List.of(
                        PerichGenerator.generate(PerichGenerator.config(CO, RunMode.QUICK).withDurationS(70).withUnits(16)),
                        PerichGenerator.generate(PerichGenerator.config(HELD, RunMode.QUICK).withDurationS(60).withUnits(12))),
                List.of("synthetic", "synthetic"), PerichPrep.Options.spikachu());
    }

    /** One multi-subject epoch, four few-shot windows for two epochs, selection every epoch. */
    static SpikachuPaper paper(Path dir, PerichData d, List<String> log) {
        var s = new SpikachuPaper.Settings(false, List.of(CO), 1, 1, 3e-3, 5e-3, 16, 16, 1, 1, HELD, 4, 2, 5);
        return new SpikachuPaper(d, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir, s, log::add);
    }

    @Test
    void walkingTheStagesGivesTheRunsThatMultiSubjectComputes(@TempDir Path tmp) {
        PerichData d = data();
        SpikachuPaper a = paper(tmp.resolve("a"), d, new ArrayList<>());
        List<SpikachuRun> direct = a.multiSubject(true);
        assertEquals(4, direct.size());

        SpikachuPaper b = paper(tmp.resolve("b"), d, new ArrayList<>());
        SpikachuPaper.MultiWalk w = b.multiWalk(true);
        assertNull(w.model(), "nothing is trained before a stage is called");
        assertEquals(List.of(CO), w.trainingSessions());
        assertEquals(4, w.fewShotWindows().size());
        assertEquals(direct.stream().map(SpikachuRun::key).toList(), List.copyOf(w.keys().values()));
        List<Integer> told = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        var h = w.train((e, metrics) -> {
            told.add(e);
            losses.add(metrics.get("loss"));
        });
        assertEquals(1, h.epochs().size());
        assertEquals(List.of(h.epochs().get(0).trainLoss()), losses);
        assertEquals(List.of(1), told, "the listener is told every epoch, 1-based (and changes no number: the runs below are the direct ones)");
        assertSame(h, w.train(), "a stage called again returns its result");
        List<SpikachuRun> scores = w.evaluate();
        assertEquals(1, scores.size());
        assertEquals(CO, scores.getFirst().session());
        var few = w.fewShot();
        var scratch = w.scratch();
        assertEquals(2, few.history().epochs().size());
        assertEquals(2, scratch.history().epochs().size());
        assertEquals(HELD, few.evaluated().scores().session());
        SpikachuPaper.Trace t = few.evaluated().trace();
        assertEquals(SpikachuPaper.TRACE_WINDOWS * 100, t.steps());
        assertTrue(t.spikes());
        double spikes = 0;
        for (float v : t.hidden()) spikes += v;
        assertTrue(spikes > 0, "the few-shot model's hidden layer spikes on the held-out session");
        var rel = w.releasedFewShot();
        assertFalse(Files.exists(b.runsDir()), "no run file is written before record()");
        List<SpikachuRun> walked = w.record();
        assertSame(walked, w.record());
        assertEquals(List.of(scores.getFirst(), few.evaluated().scores(), scratch.evaluated().scores(), rel.evaluated().scores()), walked);

        for (int i = 0; i < direct.size(); i++) {
            SpikachuRun x = direct.get(i), y = walked.get(i);
            assertEquals(SpikachuResumeTest.timeless(x), SpikachuResumeTest.timeless(y), x.fileName());
            var pa = Checkpoint.read(a.checkpoint(x)).parameters();
            var pb = Checkpoint.read(b.checkpoint(y)).parameters();
            assertEquals(pa.keySet(), pb.keySet());
            for (String k : pa.keySet()) assertArrayEquals(pa.get(k).data(), pb.get(k).data(), x.fileName() + " " + k);
        }

        List<String> log = new ArrayList<>();
        assertEquals(walked, paper(tmp.resolve("b"), d, log).multiSubject(true), "a later multiSubject reuses the walked runs");
        for (SpikachuRun r : walked) SpikachuReuseTest.line(log, "kept " + r.fileName());
        assertTrue(log.stream().noneMatch(l -> l.startsWith("multi-subject spikachu on")), "nothing is trained again: " + log);

        var without = b.multiWalk(false);
        assertFalse(without.withReleasedFewShot());
        assertEquals(3, without.keys().size());
        assertThrows(IllegalStateException.class, without::releasedFewShot);
    }
}
