package org.spikekit.data.perich;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.spikekit.data.Intervals;
import org.spikekit.data.perich.PerichNwb.Recording;
import org.spikekit.data.perich.PerichNwb.Task;
import org.spikekit.data.perich.PerichNwb.Trials;

class PerichPrepTest {
    static final double NAN = Double.NaN;
    static final PerichPrep.Options O = PerichPrep.Options.spikachu();

    /** A hand-made 30 s session at 100 Hz, cursor at rest in the centre unless edited. */
    static Recording handMade(Task task, Trials trials, double[] pos, double[] acc) {
        int k = 3000;
        double[] t = new double[k];
        for (int i = 0; i < k; i++) t[i] = i * 0.01;
        double[] vel = new double[2 * k];
        for (int i = 0; i < k; i++) {
            vel[2 * i] = Math.sin(i * 0.01);
            vel[2 * i + 1] = 2 + Math.cos(i * 0.003);
        }
        double[][] spikes = {{0.5, 1.5}, {0.7}, {}};
        return new Recording("c_20150311_" + task.id(), "C", task, "20150311", t, pos == null ? new double[2 * k] : pos, vel,
                acc == null ? new double[2 * k] : acc, trials, spikes, "");
    }

    static Trials co(double[][] rows, String[] result) {
        int n = rows.length;
        double[] s = new double[n], e = new double[n], tid = new double[n], on = new double[n], go = new double[n], na = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = rows[i][0];
            e[i] = rows[i][1];
            tid[i] = rows[i][2];
            on[i] = rows[i][3];
            go[i] = rows[i][4];
            na[i] = NAN;
        }
        return new Trials(s, e, result, tid, na, on, go, null);
    }

    /** start, stop, target_id, target_on, go_cue per trial (see the label test). */
    static final double[][] CO_ROWS = {
            {1, 4, 3, 2, 3},            // 0 valid
            {5, 8, NAN, 6, 7},          // 1 R but target_id NaN: invalid
            {9, 15, 1, 10, 11},         // 2 R but lasts 6.0 s (not < 6): invalid
            {15.5, 21.49, 2, 16.5, 17.5}, // 3 valid (5.99 s)
            {22, 25, 4, 23, 24},        // 4 abort: invalid
            {26, 29, 5, NAN, 27}};      // 5 valid, no target-on time
    static final String[] CO_RESULT = {"R", "R", "R", "R", "A", "R"};

    static byte labelAt(byte[] lab, double t) { return lab[(int) Math.round(t * 100)]; }

    @Test
    void centerOutValidityAndLabels() {
        Recording r = handMade(Task.CENTER_OUT, co(CO_ROWS, CO_RESULT), null, null);
        boolean[] v = PerichPrep.validTrials(r, O);
        assertArrayEquals(new boolean[] {true, false, false, true, false, true}, v);
        byte[] lab = PerichPrep.labels(r, v, O);
        assertEquals(PerichPrep.RANDOM, labelAt(lab, 0.5));
        assertEquals(PerichPrep.RETURN, labelAt(lab, 1.5));   // [start, target_on)
        assertEquals(PerichPrep.HOLD, labelAt(lab, 2.5));     // [target_on, go_cue)
        assertEquals(PerichPrep.REACH, labelAt(lab, 3.5));    // [go_cue, stop)
        assertEquals(PerichPrep.RANDOM, labelAt(lab, 4.5));
        assertEquals(PerichPrep.RANDOM, labelAt(lab, 6.5));   // invalid trials stay RANDOM
        assertEquals(PerichPrep.RANDOM, labelAt(lab, 12));
        assertEquals(PerichPrep.RETURN, labelAt(lab, 16));
        assertEquals(PerichPrep.HOLD, labelAt(lab, 17));
        assertEquals(PerichPrep.REACH, labelAt(lab, 21));
        assertEquals(PerichPrep.RANDOM, labelAt(lab, 23.5));
        assertEquals(PerichPrep.RANDOM, labelAt(lab, 26.5));  // NaN target_on: no RETURN, no HOLD
        assertEquals(PerichPrep.REACH, labelAt(lab, 27.5));
        // boundaries are half-open and follow the sample times
        int firstReach = PerichSession.lowerBound(r.t(), 3.0), afterReach = PerichSession.lowerBound(r.t(), 4.0);
        assertEquals(PerichPrep.HOLD, lab[firstReach - 1]);
        assertEquals(PerichPrep.REACH, lab[firstReach]);
        assertEquals(PerichPrep.REACH, lab[afterReach - 1]);
        assertEquals(PerichPrep.RANDOM, lab[afterReach]);
        for (byte b : lab) assertNotEquals(PerichPrep.INVALID, b);
    }

    @Test
    void laterAssignmentsWinInsideATrial() {
        // target_on before start: RETURN [start, target_on) is empty, HOLD starts before the trial
        Recording r = handMade(Task.CENTER_OUT, co(new double[][] {{2, 5, 0, 1, 3}}, new String[] {"R"}), null, null);
        byte[] lab = PerichPrep.labels(r, PerichPrep.validTrials(r, O), O);
        assertEquals(PerichPrep.HOLD, labelAt(lab, 1.5));
        assertEquals(PerichPrep.REACH, labelAt(lab, 4));
        // go cue before target on: REACH [go, stop) is then overwritten by RETURN [start, target_on)
        r = handMade(Task.CENTER_OUT, co(new double[][] {{2, 6, 0, 4, 3}}, new String[] {"R"}), null, null);
        lab = PerichPrep.labels(r, PerichPrep.validTrials(r, O), O);
        assertEquals(PerichPrep.RETURN, labelAt(lab, 3.5));
        assertEquals(PerichPrep.REACH, labelAt(lab, 5));
    }

    @Test
    void randomTargetValidityAndHoldUntilTheFirstGoCue() {
        int n = 4;
        double[] s = {1, 8, 14, 27.8}, e = {5, 13, 24, 29.9}, na = {4, 3, 4, 4}, go = {9, 9, 9, 9};
        double[][] arr = {{2.5, 3, 3.5, 4}, {9, 10, 11, NAN}, {15, 16, 17, 18}, {28, 28.5, 29, 29.5}};
        double[] nan = new double[n];
        Arrays.fill(nan, NAN);
        String[] res = {"R", "R", "R", "F"};
        Recording r = handMade(Task.RANDOM_TARGET, new Trials(s, e, res, nan, na, nan, go, arr), null, null);
        // trial 1: 3 attempted; trial 2: 10 s (not < 10); trial 3: failed
        assertArrayEquals(new boolean[] {true, false, false, false}, PerichPrep.validTrials(r, O));
        byte[] lab = PerichPrep.labels(r, PerichPrep.validTrials(r, O), O);
        assertEquals(PerichPrep.HOLD, labelAt(lab, 1.5));      // [start, go_cue_time_array[:, 0])
        assertEquals(PerichPrep.HOLD, labelAt(lab, 2.49));
        assertEquals(PerichPrep.RANDOM, labelAt(lab, 2.5));    // not go_cue_time (9): the array's first column
        assertEquals(PerichPrep.RANDOM, labelAt(lab, 8.5));
        Set<Byte> seen = new HashSet<>();
        for (byte b : lab) seen.add(b);
        assertEquals(Set.of(PerichPrep.RANDOM, PerichPrep.HOLD), seen);
        // 9.99 s passes
        e[2] = 23.99;
        r = handMade(Task.RANDOM_TARGET, new Trials(s, e, res, nan, na, nan, go, arr), null, null);
        assertTrue(PerichPrep.validTrials(r, O)[2]);
    }

    /** Reference values computed with scipy.ndimage 1.17 binary_dilation / binary_erosion. */
    @Test
    void dilationAndErosionMatchScipy() {
        boolean[] a = new boolean[20];
        for (int i : new int[] {3, 4, 10, 19}) a[i] = true;
        assertEquals(List.of(2, 3, 4, 9, 10, 18, 19), on(PerichPrep.dilate(a, 2)));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 17, 18, 19), on(PerichPrep.dilate(a, 5)));
        assertEquals(List.of(2, 3, 4, 5, 9, 10, 11, 18), on(PerichPrep.erode(PerichPrep.dilate(a, 5), 3)));
        boolean[] b = new boolean[20];
        b[8] = true;
        assertEquals(List.of(6, 7, 8, 9), on(PerichPrep.dilate(b, 4)));
        boolean[] c = new boolean[20];
        for (int i = 5; i < 12; i++) c[i] = true;
        assertEquals(List.of(7, 8, 9, 10), on(PerichPrep.erode(c, 4)));
        boolean[] d = new boolean[20];
        for (int i = 0; i < 7; i++) d[i] = true;
        for (int i = 15; i < 20; i++) d[i] = true;
        assertEquals(List.of(2, 3, 4, 5, 17, 18), on(PerichPrep.erode(d, 4)));    // outside counts as false
        assertArrayEquals(a, PerichPrep.dilate(a, 1));
        assertArrayEquals(a, PerichPrep.erode(a, 1));
    }

    private static List<Integer> on(boolean[] m) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < m.length; i++) if (m[i]) out.add(i);
        return out;
    }

    @Test
    void outlierMasksOverrideTrialLabels() {
        int k = 3000;
        double[] acc = new double[2 * k], pos = new double[2 * k];
        acc[2 * 1000] = 1200;
        acc[2 * 1000 + 1] = 1000;             // |a| = 1562 > 1500
        acc[2 * 1200] = 1500;                 // not above the limit
        for (int i = 2000; i < 2050; i++) pos[2 * i] = 10.5;
        pos[2 * 500 + 1] = -10.0;             // on the limit: inside
        Recording r = handMade(Task.CENTER_OUT, co(CO_ROWS, CO_RESULT), pos, acc);
        byte[] lab = PerichPrep.labels(r, PerichPrep.validTrials(r, O), O);
        List<Integer> outliers = new ArrayList<>();
        for (int i = 0; i < k; i++) if (lab[i] == PerichPrep.OUTLIER) outliers.add(i);
        List<Integer> expected = new ArrayList<>(List.of(999, 1000));  // dilation by 2: the sample and the one before
        for (int i = 1850; i <= 2199; i++) expected.add(i);            // (s − 200, e + 199) dilated, then (+50, −49) eroded
        assertEquals(expected, outliers);
        assertEquals(PerichPrep.OUTLIER, labelAt(lab, 20.5));          // inside trial 3's REACH
        // at the edges the erosion's border (outside = false) eats into the mask, as in scipy
        double[] edge = new double[2 * k];
        for (int i = 0; i < 10; i++) edge[2 * i + 1] = -12;
        for (int i = 2990; i < 3000; i++) edge[2 * i] = 12;
        assertEquals(List.of(50, 159), firstLast(PerichPrep.positionOutliers(edge, 10, 400, 100), 0, 1500));
        assertEquals(List.of(2840, 2950), firstLast(PerichPrep.positionOutliers(edge, 10, 400, 100), 1500, 3000));
    }

    private static List<Integer> firstLast(boolean[] m, int from, int to) {
        int first = -1, last = -1;
        for (int i = from; i < to; i++) {
            if (m[i]) {
                if (first < 0) first = i;
                last = i;
            }
        }
        return List.of(first, last);
    }

    @Test
    void weightsFollowTheLabels() {
        Recording r = handMade(Task.CENTER_OUT, co(CO_ROWS, CO_RESULT), null, null);
        PerichPrep.Scaler sc = PerichPrep.Scaler.fit(List.of(r.vel()));
        PerichSession s = PerichPrep.prepare(r, sc, O, "synthetic");
        for (int i = 0; i < s.samples(); i++) {
            assertEquals(s.labels()[i] == PerichPrep.REACH ? 5f : 1f, s.weights()[i], "sample " + i);
        }
        PerichSession z = PerichPrep.prepare(r, sc, O.withLabelWeights(1, 0.1f, 5, 1, 0.1f, 0), "synthetic");
        assertEquals(0.1f, z.weights()[250]);
        assertEquals(5f, z.weights()[350]);
    }

    @Test
    void scalerIsFittedOnAllSessionsTogether() {
        Recording a = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.CO, 60, 5));
        Recording b = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.RT, 90, 5));
        PerichPrep.Prepared p = PerichPrep.prepareAll(List.of(a, b), List.of("synthetic", "synthetic"), O);
        double[] mean = new double[2], sq = new double[2];
        long n = 0;
        for (Recording r : List.of(a, b)) {
            for (int i = 0; i < r.samples(); i++) {
                for (int d = 0; d < 2; d++) mean[d] += r.vel()[2 * i + d];
            }
            n += r.samples();
        }
        for (int d = 0; d < 2; d++) mean[d] /= n;
        for (Recording r : List.of(a, b)) {
            for (int i = 0; i < r.samples(); i++) {
                for (int d = 0; d < 2; d++) sq[d] += Math.pow(r.vel()[2 * i + d] - mean[d], 2);
            }
        }
        for (int d = 0; d < 2; d++) {
            assertEquals(mean[d], p.scaler().mean()[d], 1e-9);
            assertEquals(Math.sqrt(sq[d] / n), p.scaler().std()[d], 1e-9);
        }
        assertEquals(n, p.scaler().samples());
        // pooled z-scored velocity: mean 0, std 1; each session on its own is not standardised
        double[] zm = new double[2], zs = new double[2];
        for (PerichSession s : p.sessions()) {
            for (int i = 0; i < s.samples(); i++) {
                for (int d = 0; d < 2; d++) {
                    zm[d] += s.velocity()[2 * i + d];
                    zs[d] += s.velocity()[2 * i + d] * s.velocity()[2 * i + d];
                }
            }
        }
        for (int d = 0; d < 2; d++) {
            assertEquals(0, zm[d] / n, 1e-9);
            assertEquals(1, zs[d] / n, 1e-9);
        }
        PerichSession own = PerichPrep.prepareAll(List.of(a), List.of("synthetic"), O).sessions().get(0);
        assertFalse(Arrays.equals(own.velocity(), p.sessions().get(0).velocity()), "a per-session fit would differ");
        assertEquals(a.vel()[0], p.sessions().get(0).velocity()[0] * p.scaler().std()[0] + p.scaler().mean()[0], 1e-9);
    }

    @Test
    void trialSplitIs70_10_20AndSeeded() {
        PerichPrep.Split s = PerichPrep.splitTrials(100, O);
        assertEquals(70, s.train().length);
        assertEquals(10, s.valid().length);
        assertEquals(20, s.test().length);
        Set<Integer> all = new HashSet<>();
        for (int[] part : new int[][] {s.train(), s.valid(), s.test()}) for (int i : part) assertTrue(all.add(i), "disjoint");
        assertEquals(100, all.size());
        PerichPrep.Split again = PerichPrep.splitTrials(100, O);
        assertArrayEquals(s.test(), again.test());
        assertFalse(Arrays.equals(s.test(), PerichPrep.splitTrials(100, O.withSplitSeed(43)).test()));
        PerichPrep.Split small = PerichPrep.splitTrials(7, O);       // round(0.7) = 1, round(1.4) = 1
        assertEquals(List.of(5, 1, 1), List.of(small.train().length, small.valid().length, small.test().length));
        assertEquals(0, PerichPrep.splitTrials(0, O).test().length);
    }

    @Test
    void sessionSplitsAreDisjointAndTrainAvoidsDilatedHeldOutTrials() {
        Recording r = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.CO, 300, 6));
        PerichSession s = PerichPrep.prepareAll(List.of(r), List.of("synthetic"), O).sessions().get(0);
        boolean[] valid = PerichPrep.validTrials(r, O);
        int nValid = 0;
        for (boolean v : valid) if (v) nValid++;
        assertEquals(nValid, s.validTrials());
        assertEquals(Math.round(0.1 * nValid), s.valid().size());
        assertEquals(Math.round(0.2 * nValid), s.test().size());
        // valid/test intervals are valid trials' [start, stop)
        Set<String> validTrials = new HashSet<>();
        for (int i = 0; i < valid.length; i++) if (valid[i]) validTrials.add(r.trials().start()[i] + "-" + r.trials().stop()[i]);
        for (Intervals iv : List.of(s.valid(), s.test())) {
            for (int i = 0; i < iv.size(); i++) assertTrue(validTrials.contains(iv.start(i) + "-" + iv.end(i)), iv.toString());
        }
        assertTrue(s.valid().intersection(s.test()).isEmpty());
        Intervals held = s.valid().union(s.test()).dilate(3.0);
        assertTrue(s.train().intersection(held).isEmpty());
        assertEquals(s.domain(), s.train().union(held.intersection(s.domain())));
        assertEquals(Intervals.of(r.t()[0], r.t()[r.samples() - 1]), s.domain());
        assertTrue(s.train().totalLength() > 0.3 * s.domain().totalLength(), s.toString());
    }

    @Test
    void spikesBecomeOneTimeSortedEventList() {
        Recording r = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.CO, 30, 7));
        PerichSession s = PerichPrep.prepareAll(List.of(r), List.of("synthetic"), O).sessions().get(0);
        assertEquals(r.spikeCount(), s.spikeCount());
        int[] perUnit = new int[r.units()];
        for (int i = 0; i < s.spikeCount(); i++) {
            if (i > 0) assertTrue(s.spikeTimes()[i] >= s.spikeTimes()[i - 1]);
            int u = s.spikeUnits()[i];
            assertEquals(r.spikes()[u][perUnit[u]++], s.spikeTimes()[i]);
        }
        for (int u = 0; u < r.units(); u++) assertEquals(r.spikes()[u].length, perUnit[u]);
    }
}
