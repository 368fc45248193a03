package org.spikekit.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.spikekit.report.RunKey;

/**
 * A stored Spikachu-paper run is reused only when its model configuration, recipe, data and
 * library all match; the log says why a run was kept or trained again.
 */
class SpikachuReuseTest {
    static final String CO = "c_20150311_center_out_reaching";
    static final SpikachuPaper.Model GRU = SpikachuPaper.Model.GRU;

    static PerichData data(double seconds, int units) {
        return PerichData.of(List.of(PerichGenerator.generate(PerichGenerator.config(CO, RunMode.QUICK).withDurationS(seconds).withUnits(units))),
                List.of("synthetic"), PerichPrep.Options.spikachu());
    }

    /** 2 epochs, selection every epoch, seed 11. */
    static SpikachuPaper.Settings settings(int epochs) {
        return new SpikachuPaper.Settings(false, List.of(CO), epochs, epochs, 3e-3, 5e-3, 16, 16, 1, 1, CO, 4, 1, 11);
    }

    static SpikachuPaper paper(Path dir, PerichData d, SpikachuPaper.Settings s, List<String> log) {
        return new SpikachuPaper(d, DataChoice.SYNTHETIC, RunMode.QUICK, new CpuBackend(), dir, s, log::add);
    }

    static String line(List<String> log, String start) {
        return log.stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line starting '" + start + "' in " + log));
    }

    @Test
    void onlyARunWithTheSameModelRecipeDataAndLibraryIsReused(@TempDir Path tmp) {
        PerichData d = data(90, 20);
        List<String> log = new ArrayList<>();
        SpikachuRun first = paper(tmp, d, settings(2), log).single(GRU, CO);
        assertEquals("computing single_gru_" + CO + ".json: no stored run", line(log, "computing single_gru"));
        assertTrue(first.key().model().startsWith("{\"Baselines.RecurrentConfig\":{\"kind\":\"GRU\",\"units\":20,"), first.key().model());

        // same everything: kept
        List<String> log2 = new ArrayList<>();
        assertEquals(first, paper(tmp, d, settings(2), log2).single(GRU, CO));
        assertTrue(line(log2, "kept single_gru_" + CO + ".json").contains("(" + RunKey.SAME), log2.toString());

        // another library: trained again
        RunKey.Library current = RunKey.Library.current();
        RunKey.Library other = new RunKey.Library("f".repeat(64), current.entries(), "0.0.0-test");
        List<String> log3 = new ArrayList<>();
        SpikachuPaper byOther = paper(tmp, d, settings(2), log3).withLibrary(other);
        assertNotEquals(paper(tmp, d, settings(2), log3).partialCheckpoint(GRU, CO), byOther.partialCheckpoint(GRU, CO),
                "an unfinished run of another library is not resumed");
        SpikachuRun second = byOther.single(GRU, CO);
        assertEquals("recomputing single_gru_" + CO + ".json: library changed (classes " + current.shortId() + " → ffffffffffff, kit "
                + current.version() + " → 0.0.0-test)", line(log3, "recomputing single_gru"));
        assertEquals(other, second.key().library());

        // other data (a longer recording of the same units): trained again; only the data differ
        PerichData longer = data(100, 20);
        List<String> log4 = new ArrayList<>();
        SpikachuRun third = paper(tmp, longer, settings(2), log4).single(GRU, CO);
        String why = line(log4, "recomputing single_gru");
        assertTrue(why.contains(": data changed (" + CO + ": …durationS=90.0… → …durationS=100.0…)") && why.contains("library changed"), why);
        assertFalse(why.contains("model configuration"), why);
        assertNotEquals(first.key().data(), third.key().data());

        // another model configuration (the same recording with more units): never answered with the stored run
        List<String> log5 = new ArrayList<>();
        SpikachuPaper wider = paper(tmp, data(100, 24), settings(2), log5);
        assertNull(wider.kept(GRU, CO));
        assertTrue(line(log5, "recomputing single_gru").contains("model configuration differs (Baselines.RecurrentConfig: units 20 → 24)"),
                log5.toString());

        // another recipe (more epochs)
        List<String> log6 = new ArrayList<>();
        assertNull(paper(tmp, longer, settings(3), log6).kept(GRU, CO));
        String why6 = line(log6, "recomputing single_gru");
        assertTrue(why6.contains("recipe differs (settings.spikachuEpochs 2 → 3; settings.baselineEpochs 2 → 3; trainer.epochs 2 → 3)"), why6);
    }
}
