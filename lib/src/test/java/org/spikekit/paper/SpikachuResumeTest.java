package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;
import org.spikekit.data.perich.PerichData;
import org.spikekit.data.perich.PerichGenerator;
import org.spikekit.data.perich.PerichPrep;
import org.spikekit.train.Checkpoint;

/** A single-session Spikachu run stopped after an epoch and started again by a fresh driver ends as an uninterrupted run, bit for bit. */
class SpikachuResumeTest {
    static final String CO = "c_20150311_center_out_reaching";
    static PerichData data;

    @BeforeAll
    static void data() {
        data = PerichData.of(List.of(PerichGenerator.generate(PerichGenerator.config(CO, RunMode.QUICK).withDurationS(90).withUnits(20))),
                List.of("synthetic"), PerichPrep.Options.spikachu());
    }

    /** 4 epochs, selection every 2 (so the kept state is saved and restored too), seed 11. */
    static SpikachuPaper.Settings settings() {
        return new SpikachuPaper.Settings(false, List.of(CO), 4, 4, 3e-3, 5e-3, 16, 16, 2, 1, CO, 4, 1, 11);
    }

    static final class Killed extends RuntimeException {
        Killed(int e) { super("killed after epoch " + e); }
    }

    static SpikachuPaper paper(Path dir, int killAfter) {
        return new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir, settings(), null).withProgress((done, total) -> {
            if (done == killAfter) throw new Killed(done);
        });
    }

    /** The run without the fields that measure time. */
    static SpikachuRun timeless(SpikachuRun r) {
        return new SpikachuRun(r.setting(), r.model(), r.session(), r.variant(), r.cadence(), r.settings(), r.data(), r.mode(), r.seed(), r.units(),
                r.trainWindows(), r.epochs(), r.evalEvery(), r.keptEpoch(), r.r2(), r.r2TestPy(), r.r2TestMs(), r.mse(), r.signAgreement(),
                r.scoredSamples(), r.parameters(), r.macs(), r.acs(), r.spikes(), r.meanRate(), r.steps(), r.joulesPerWindow(),
                r.profiledJoulesPerWindow(), r.profiledMeanRate(), 0, r.causalLeak(), r.batchLeak(), r.trainLoss(), 0, r.backend(), r.gitCommit(), r.key());
    }

    @Test
    void spikachuAndABaselineKilledMidTrainingResumeToTheUninterruptedRun(@TempDir Path tmp) throws Exception {
        // mlp-released: the released cadence's kept initialisation (kept epoch −1) survives the resumes too
        for (SpikachuPaper.Model m : List.of(SpikachuPaper.Model.SPIKACHU, SpikachuPaper.Model.GRU, SpikachuPaper.Model.MLP_RELEASED)) {
            SpikachuPaper a = paper(tmp.resolve("a"), -1);
            SpikachuRun whole = a.single(m, CO);
            Path b = tmp.resolve("b");
            // stopped after epoch 1, then after epoch 3 (a selection epoch 2 lies between): two resumes
            assertThrows(Killed.class, () -> paper(b, 1).single(m, CO));
            assertTrue(Files.exists(paper(b, -1).partialCheckpoint(m, CO)));
            assertThrows(Killed.class, () -> paper(b, 3).single(m, CO));
            SpikachuPaper last = paper(b, -1);
            SpikachuRun resumed = last.single(m, CO);
            assertEquals(timeless(whole), timeless(resumed), m.label);
            var wa = Checkpoint.read(a.checkpoint(whole)).parameters();
            var wb = Checkpoint.read(last.checkpoint(resumed)).parameters();
            assertEquals(wa.keySet(), wb.keySet());
            for (String k : wa.keySet()) assertArrayEquals(wa.get(k).data(), wb.get(k).data(), m.label + " " + k);
            assertFalse(Files.exists(last.partialCheckpoint(m, CO)), "the training state is removed once the run is written");
            assertEquals(resumed, last.kept(m, CO), "kept() finds the run");
        }
    }

    @Test
    void aStateFromOtherSettingsIsNotResumedAndAForeignOneIsRefusedNamingTheFile(@TempDir Path tmp) throws Exception {
        assertThrows(Killed.class, () -> paper(tmp, 1).single(SpikachuPaper.Model.MLP, CO));
        Path mine = paper(tmp, -1).partialCheckpoint(SpikachuPaper.Model.MLP, CO);
        SpikachuPaper other = new SpikachuPaper(data, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), tmp,
                settings().withEpochs(4, 6, 1), null);
        Path theirs = other.partialCheckpoint(SpikachuPaper.Model.MLP, CO);
        assertTrue(!mine.equals(theirs), "the state file names the settings");
        Files.copy(mine, theirs);                       // a state that does not belong to these settings
        var e = assertThrows(org.spikekit.train.CheckpointException.class, () -> other.single(SpikachuPaper.Model.MLP, CO));
        assertTrue(e.getMessage().contains(theirs.getFileName().toString()) && e.getMessage().contains("delete the file"), e.getMessage());
    }
}
