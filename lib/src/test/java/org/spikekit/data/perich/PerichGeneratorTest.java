package org.spikekit.data.perich;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.RunMode;
import org.spikekit.data.perich.PerichNwb.Recording;
import org.spikekit.data.perich.PerichNwb.Task;
import org.spikekit.data.perich.PerichNwb.Trials;

class PerichGeneratorTest {
    @TempDir Path dir;

    @Test
    void sameConfigSameRecordingAndSameBytes() throws Exception {
        PerichGenerator.Config c = PerichFixtures.small(PerichFixtures.CO, 40, 8);
        Recording a = PerichGenerator.generate(c), b = PerichGenerator.generate(c);
        assertArrayEquals(a.pos(), b.pos());
        for (int u = 0; u < a.units(); u++) assertArrayEquals(a.spikes()[u], b.spikes()[u]);
        PerichNwb.write(a, dir.resolve("a.nwb"));
        PerichNwb.write(b, dir.resolve("b.nwb"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.nwb")), Files.readAllBytes(dir.resolve("b.nwb")));
        assertEquals(c.describe(), a.generator());
        assertTrue(a.generator().startsWith("org.spikekit.data.PerichGenerator v1 Config[subject=c"), a.generator());
        assertNotEquals(PerichFixtures.small(PerichFixtures.CO, 41, 8).describe(), c.describe());
    }

    @Test
    void modesListSessionsOfBothTasksAndSeveralSubjects() {
        List<PerichGenerator.Config> quick = PerichGenerator.configs(RunMode.QUICK), full = PerichGenerator.configs(RunMode.FULL);
        assertEquals(6, quick.size());
        assertTrue(full.size() >= 12, "full sessions " + full.size());
        for (List<PerichGenerator.Config> cs : List.of(quick, full)) {
            Set<Task> tasks = new HashSet<>();
            Set<String> subjects = new HashSet<>();
            Set<Integer> units = new HashSet<>();
            for (PerichGenerator.Config c : cs) {
                tasks.add(c.task());
                subjects.add(c.subject());
                units.add(c.units());
                assertTrue(PerichNwb.parseFileName(c.sessionId() + ".nwb").isPresent());
            }
            assertEquals(2, tasks.size());
            assertTrue(subjects.size() >= 3);
            assertTrue(units.size() >= cs.size() - 1, "unit counts differ between sessions");
        }
        for (PerichGenerator.Config c : quick) {
            assertTrue(c.units() >= 30 && c.units() <= 90, c.sessionId() + " units " + c.units());
            assertTrue(c.durationS() >= 240 && c.durationS() <= 360, c.sessionId() + " length " + c.durationS());
        }
        assertTrue(full.stream().allMatch(c -> c.durationS() >= 600 && c.durationS() <= 1200 && c.units() <= 150));
        assertEquals(150, full.stream().mapToInt(PerichGenerator.Config::units).max().orElseThrow());
        assertEquals(List.copyOf(PerichGenerator.sessionIds(RunMode.QUICK)), quick.stream().map(PerichGenerator.Config::sessionId).toList());
        assertThrows(IllegalArgumentException.class, () -> PerichGenerator.config("c_20131003_center_out_reaching", RunMode.QUICK));
        assertThrows(IllegalArgumentException.class, () -> PerichGenerator.config("x_20131003_center_out_reaching", RunMode.FULL));
    }

    @Test
    void centerOutTrialsHaveTheTaskStructure() {
        Recording r = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.CO, 240, 10));
        Trials tr = r.trials();
        assertTrue(tr.size() > 50, "trials " + tr.size());
        Set<String> results = new HashSet<>(List.of(tr.result()));
        assertTrue(results.containsAll(List.of("R", "A")), "results " + results);
        Set<Double> targets = new HashSet<>();
        double prevStop = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < tr.size(); i++) {
            assertTrue(tr.start()[i] >= prevStop, "trials do not overlap");
            assertTrue(tr.start()[i] >= r.t()[0] && tr.stop()[i] <= r.t()[r.samples() - 1] + 0.01);
            prevStop = tr.stop()[i];
            if (tr.result()[i].equals("R")) {
                targets.add(tr.targetId()[i]);
                assertTrue(tr.start()[i] < tr.targetOn()[i] && tr.targetOn()[i] < tr.goCue()[i] && tr.goCue()[i] < tr.stop()[i]);
                // at the end of a rewarded reach the cursor is at the target, 7 cm out
                int k = r.samples();
                int end = Math.min(k - 1, (int) Math.round((tr.stop()[i] - r.t()[0]) / 0.01) - 1);
                double a = 2 * Math.PI * tr.targetId()[i] / 8;
                assertEquals(7 * Math.cos(a), r.pos()[2 * end], 1.5);
                assertEquals(7 * Math.sin(a), r.pos()[2 * end + 1], 1.5);
            }
        }
        assertEquals(8, targets.size(), "8 targets");
    }

    @Test
    void randomTargetTrialsHaveFourGoCues() {
        Recording r = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.RT, 240, 10));
        Trials tr = r.trials();
        int rewarded = 0;
        for (int i = 0; i < tr.size(); i++) {
            assertTrue(Double.isNaN(tr.targetId()[i]));
            if (tr.result()[i].equals("R")) {
                rewarded++;
                assertEquals(4.0, tr.numAttempted()[i]);
                double[] g = tr.goCueArray()[i];
                for (int j = 1; j < 4; j++) assertTrue(g[j] > g[j - 1]);
                assertEquals(g[0], tr.goCue()[i]);
                assertTrue(tr.start()[i] < g[0] && g[3] < tr.stop()[i]);
            } else {
                assertTrue(tr.numAttempted()[i] < 4);
            }
        }
        assertTrue(rewarded > 30, "rewarded " + rewarded);
    }

    @Test
    void outliersAreThereForTheMasks() {
        PerichGenerator.Config c = PerichFixtures.small(PerichFixtures.CO, 180, 6).withOutliers(2.0, 1.0);
        Recording r = PerichGenerator.generate(c);
        boolean[] acc = PerichPrep.accelerationOutliers(r.acc(), 1500, 2);
        boolean[] pos = PerichPrep.positionOutliers(r.pos(), 10, 400, 100);
        int na = 0, np = 0;
        for (boolean b : acc) if (b) na++;
        for (boolean b : pos) if (b) np++;
        assertTrue(na >= 4, "acceleration outlier samples " + na);
        assertTrue(np >= 100, "position outlier samples " + np);
        // ordinary reaching stays well below the acceleration limit
        Recording clean = PerichGenerator.generate(c.withOutliers(0, 0));
        for (boolean b : PerichPrep.accelerationOutliers(clean.acc(), 1500, 2)) assertTrue(!b);
        for (boolean b : PerichPrep.positionOutliers(clean.pos(), 10, 400, 100)) assertTrue(!b);
    }

    @Test
    void tuningDriftsSlowlyAcrossDays() {
        PerichGenerator.Config c0 = PerichGenerator.config("c_20150309_center_out_reaching", RunMode.QUICK);
        PerichGenerator.Config c1 = PerichGenerator.config("c_20150311_center_out_reaching", RunMode.QUICK);
        PerichGenerator.Config far = PerichGenerator.config("c_20131003_center_out_reaching", RunMode.FULL);
        double near = 0, away = 0;
        int tuned = 0;
        for (int j = 0; j < 200; j++) {
            PerichGenerator.Unit a = PerichGenerator.unit(c0, j), b = PerichGenerator.unit(c1, j), f = PerichGenerator.unit(far, j);
            if (a.depth() == 0) continue;
            tuned++;
            near += Math.acos(Math.max(-1, Math.min(1, a.pdX() * b.pdX() + a.pdY() * b.pdY())));
            away += Math.acos(Math.max(-1, Math.min(1, a.pdX() * f.pdX() + a.pdY() * f.pdY())));
        }
        assertTrue(near / tuned < 0.15, "PD change over 2 days " + near / tuned);
        assertTrue(away / tuned > 3 * near / tuned, "PD change over ~520 days " + away / tuned);
        // neighbouring sessions share most units
        PerichGenerator.Unit[] u0 = PerichGenerator.sessionUnits(c0), u1 = PerichGenerator.sessionUnits(c1);
        Set<Double> base0 = new HashSet<>();
        for (PerichGenerator.Unit u : u0) base0.add(u.driftPeriodS());
        int shared = 0;
        for (PerichGenerator.Unit u : u1) if (base0.contains(u.driftPeriodS())) shared++;
        assertTrue(shared >= 0.8 * Math.min(u0.length, u1.length), "shared units " + shared);
    }

    /**
     * The stand-in carries decodable signal: a ridge regression of z-scored velocity on causal
     * binned counts (the last 100 ms in two 50 ms sums per unit), fitted on one epoch of training
     * windows, explains a good part of the variance of the held-out test trials.
     */
    @Test
    void ridgeDecoderOfBinnedCountsReachesR2OnHeldOutTrials() {
        for (String id : List.of(PerichFixtures.CO, PerichFixtures.RT)) {
            PerichGenerator.Config c = PerichGenerator.config(id, RunMode.QUICK);
            Recording r = PerichGenerator.generate(c);
            PerichSession s = PerichPrep.prepareAll(List.of(r), List.of("synthetic"), PerichPrep.Options.spikachu()).sessions().get(0);
            double r2 = PerichSignal.r2(new DecodingWindows(List.of(s)));
            System.out.printf("PerichGeneratorTest: ridge R² on held-out test trials of %s (%d units, %.0f s): %.3f%n", id, c.units(),
                    c.durationS(), r2);
            assertTrue(r2 > 0.3, id + ": R² " + r2);
        }
    }
}
