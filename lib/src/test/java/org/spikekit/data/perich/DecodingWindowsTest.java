package org.spikekit.data.perich;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spikekit.data.Intervals;
import org.spikekit.data.perich.DecodingWindows.Split;
import org.spikekit.data.perich.DecodingWindows.Window;

class DecodingWindowsTest {
    static List<PerichSession> sessions;
    static DecodingWindows w;

    @BeforeAll
    static void prepare() {
        PerichNwb.Recording co = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.CO, 200, 20));
        PerichNwb.Recording rt = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.RT, 150, 15));
        sessions = PerichPrep.prepareAll(List.of(co, rt), List.of("synthetic", "synthetic"), PerichPrep.Options.spikachu()).sessions();
        w = new DecodingWindows(sessions);
    }

    @Test
    void shapesAndVocabulary() {
        assertEquals(100, w.steps());
        assertEquals(0, w.unitOffset(0));
        assertEquals(20, w.unitOffset(1));
        assertEquals(35, w.totalUnits());
        assertThrows(IllegalArgumentException.class, () -> new DecodingWindows(sessions, 1.0, 0.03));
        assertThrows(IllegalArgumentException.class, () -> new DecodingWindows(List.of()));
    }

    @Test
    void trainWindowsLieInsideOneTrainIntervalAndAreSeeded() {
        List<Window> epoch = w.trainEpoch(42, 0);
        assertEquals(w.epochSize(), epoch.size());
        for (Window x : epoch) {
            Intervals tr = sessions.get(x.session()).train();
            int i = tr.indexOf(x.start());
            assertTrue(i >= 0, "window start in a train interval: " + x);
            assertTrue(x.end() <= tr.end(i) + 1e-9, "window inside one interval: " + x + " vs " + tr.end(i));
            assertEquals(1.0, x.end() - x.start(), 1e-12);
        }
        assertEquals(epoch, w.trainEpoch(42, 0));
        assertNotEquals(epoch, w.trainEpoch(42, 1));
        assertNotEquals(epoch, w.trainEpoch(43, 0));
        // shuffled across sessions
        int switches = 0;
        for (int i = 1; i < epoch.size(); i++) if (epoch.get(i).session() != epoch.get(i - 1).session()) switches++;
        assertTrue(switches > epoch.size() / 5, "sessions interleaved: " + switches);
    }

    @Test
    void eachSessionContributesInProportionToItsTrainLength() {
        List<Window> epoch = w.trainEpoch(1, 0);
        for (int s = 0; s < sessions.size(); s++) {
            final int si = s;
            Intervals tr = sessions.get(s).train();
            long n = epoch.stream().filter(x -> x.session() == si).count();
            assertTrue(n <= tr.totalLength() / 1.0 && n > tr.totalLength() / 1.0 - tr.size(),
                    "session " + s + ": " + n + " windows for " + tr.totalLength() + " s in " + tr.size() + " intervals");
            // non-overlapping
            List<Window> mine = epoch.stream().filter(x -> x.session() == si).sorted((a, b) -> Double.compare(a.start(), b.start())).toList();
            for (int i = 1; i < mine.size(); i++) assertTrue(mine.get(i).start() >= mine.get(i - 1).end() - 1e-9);
        }
    }

    @Test
    void evalWindowsCoverTheIntervalsExactlyOnce() {
        for (Split split : Split.values()) {
            List<Window> ws = w.evalWindows(split);
            for (int s = 0; s < sessions.size(); s++) {
                final int si = s;
                Intervals want = split == Split.TEST ? sessions.get(s).test() : sessions.get(s).valid();
                List<Window> mine = ws.stream().filter(x -> x.session() == si).toList();
                double[] st = mine.stream().mapToDouble(Window::start).toArray(), en = mine.stream().mapToDouble(Window::end).toArray();
                assertEquals(want, Intervals.of(st, en), "covered");
                double sum = 0;
                for (Window x : mine) {
                    sum += x.end() - x.start();
                    assertTrue(x.end() - x.start() <= 1.0 + 1e-12);
                }
                assertEquals(want.totalLength(), sum, 1e-6, "each instant once");
                for (int i = 1; i < mine.size(); i++) assertTrue(mine.get(i).start() >= mine.get(i - 1).end() - 1e-9, "sequential");
            }
        }
    }

    /** Every row's counts, tokens, target, weight and label against a direct computation from the session. */
    @Test
    void batchLayoutMatchesABruteForceBinning() {
        List<Window> ws = new ArrayList<>(w.trainEpoch(3, 0).stream().filter(x -> x.session() == 0).limit(5).toList());
        Window partial = w.evalWindows(Split.TEST).stream().filter(x -> x.session() == 0 && x.end() - x.start() < 0.999).findFirst()
                .orElseThrow();
        ws.add(partial);
        DecodingBatch b = w.batch(ws);
        assertTrue(b.singleSession());
        assertEquals(20, b.units());
        assertEquals(100 * ws.size() * 20, b.counts().length);
        assertEquals(100 * ws.size() + 1, b.tokenOffsets().length);
        PerichSession s = sessions.get(0);
        int validSteps = (int) Math.ceil((partial.end() - partial.start()) / 0.01 - 1e-9);
        for (int j = 0; j < b.batch(); j++) {
            Window x = ws.get(j);
            assertEquals(x.start(), b.windowStart()[j]);
            for (int t = 0; t < b.steps(); t++) {
                int r = b.row(t, j);
                double b0 = x.start() + t * 0.01, b1 = b0 + 0.01;
                boolean padded = j == ws.size() - 1 && t >= validSteps;
                int[] want = new int[20];
                for (int i = 0; i < s.spikeCount(); i++) {
                    double st = s.spikeTimes()[i];
                    if (st >= b0 && st < b1 && st < x.end()) want[s.spikeUnits()[i]]++;
                }
                if (padded) Arrays.fill(want, 0);
                float[] got = Arrays.copyOfRange(b.counts(), r * 20, (r + 1) * 20);
                int[] tok = new int[20];
                for (int q = b.tokenOffsets()[r]; q < b.tokenOffsets()[r + 1]; q++) tok[b.tokenUnits()[q]]++;
                for (int u = 0; u < 20; u++) {
                    assertEquals(want[u], got[u], "counts window " + j + " step " + t + " unit " + u);
                    assertEquals(want[u], tok[u], "tokens window " + j + " step " + t + " unit " + u);
                }
                if (padded) {
                    assertEquals(0f, b.weight()[r]);
                    assertEquals(DecodingBatch.PAD, b.label()[r]);
                    assertEquals(0f, b.target()[2 * r]);
                    continue;
                }
                int q = s.firstSampleAtOrAfter(b0);
                assertTrue(s.t()[q] < b1, "a 100 Hz sample in every 10 ms bin");
                assertEquals((float) s.velocity()[2 * q], b.target()[2 * r]);
                assertEquals((float) s.velocity()[2 * q + 1], b.target()[2 * r + 1]);
                assertEquals(s.weights()[q], b.weight()[r]);
                assertEquals(s.labels()[q], b.label()[r]);
            }
        }
        assertTrue(b.tokenCount() > 0 && b.maxTokensPerRow() >= 1);
    }

    @Test
    void binsWithoutASampleTakeTheNearestEarlierOne() {
        DecodingWindows half = new DecodingWindows(sessions, 0.5, 0.005);
        assertEquals(100, half.steps());
        PerichSession s = sessions.get(0);
        Window x = new Window(0, s.t()[500] + 0.002, s.t()[500] + 0.502);
        DecodingBatch b = half.batch(List.of(x));
        for (int t = 0; t < 100; t++) {
            double b0 = x.start() + t * 0.005, b1 = b0 + 0.005;
            int q = s.firstSampleAtOrAfter(b0);
            int want = s.t()[q] < b1 ? q : q - 1;
            assertEquals((float) s.velocity()[2 * want], b.target()[2 * t], "step " + t);
        }
        // before the first sample: the first sample
        DecodingBatch early = w.batch(List.of(new Window(0, s.t()[0] - 0.5, s.t()[0] + 0.5)));
        assertEquals((float) s.velocity()[0], early.target()[0]);
    }

    @Test
    void multiSessionBatchesHaveGlobalTokensAndNoCounts() {
        List<Window> ws = w.trainEpoch(5, 0).subList(0, 32);
        assertTrue(ws.stream().map(Window::session).distinct().count() == 2);
        DecodingBatch b = w.batch(ws);
        assertNull(b.counts());
        assertEquals(0, b.units());
        for (int j = 0; j < b.batch(); j++) {
            int s = b.sessionOf()[j], lo = w.unitOffset(s), hi = lo + sessions.get(s).units();
            for (int t = 0; t < b.steps(); t++) {
                int r = b.row(t, j);
                for (int q = b.tokenOffsets()[r]; q < b.tokenOffsets()[r + 1]; q++) {
                    assertTrue(b.tokenUnits()[q] >= lo && b.tokenUnits()[q] < hi, "global id of session " + s);
                }
            }
        }
        // the same windows one at a time give the same tokens (shifted by the offset)
        DecodingBatch one = w.batch(List.of(ws.get(3)));
        for (int t = 0; t < 100; t++) {
            int r = b.row(t, 3);
            assertArrayEquals(Arrays.copyOfRange(one.tokenUnits(), one.tokenOffsets()[t], one.tokenOffsets()[t + 1]),
                    Arrays.copyOfRange(b.tokenUnits(), b.tokenOffsets()[r], b.tokenOffsets()[r + 1]));
        }
    }

    @Test
    void unitDropoutRemovesTheSameUnitsFromCountsAndTokens() {
        UnitDropout d = new UnitDropout(5, 10, 30, 4, 10, 100, false);
        List<Window> ws = w.trainEpoch(8, 0).stream().filter(x -> x.session() == 0).limit(16).toList();
        DecodingBatch full = w.batch(ws), dropped = w.batch(ws, d, 99);
        assertArrayEquals(dropped.counts(), w.batch(ws, d, 99).counts(), "seeded");
        int windowsWithDrops = 0;
        for (int j = 0; j < ws.size(); j++) {
            boolean[] present = new boolean[20];
            boolean[] dropUnit = new boolean[20];
            for (int t = 0; t < 100; t++) {
                int r = full.row(t, j);
                float sum = 0;
                for (int u = 0; u < 20; u++) {
                    float c = dropped.counts()[r * 20 + u];
                    assertTrue(c == 0 || c == full.counts()[r * 20 + u], "a unit is kept whole or dropped");
                    if (c > 0) present[u] = true;
                    if (c == 0 && full.counts()[r * 20 + u] > 0) dropUnit[u] = true;
                    sum += c;
                }
                assertEquals(sum, dropped.tokens(r));
                for (int q = dropped.tokenOffsets()[r]; q < dropped.tokenOffsets()[r + 1]; q++) {
                    assertTrue(!dropUnit[dropped.tokenUnits()[q]], "dropped unit in the tokens");
                }
                assertArrayEquals(Arrays.copyOfRange(full.target(), 2 * r, 2 * r + 2), Arrays.copyOfRange(dropped.target(), 2 * r, 2 * r + 2));
            }
            for (int u = 0; u < 20; u++) assertTrue(!(present[u] && dropUnit[u]), "unit dropped for the whole window");
            int drops = 0;
            for (boolean x : dropUnit) if (x) drops++;
            if (drops > 0) windowsWithDrops++;
        }
        assertTrue(windowsWithDrops >= ws.size() / 2, "dropout happened in " + windowsWithDrops + " windows");
    }

    /**
     * 64 windows × 100 bins of a ~100-unit session: well under 10 ms per batch. Asserted on the
     * thread's CPU time (the machine may be shared with other builds); wall time is printed.
     */
    @Test
    void batchingIsFast() {
        PerichNwb.Recording r = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.CO, 200, 100));
        PerichSession s = PerichPrep.prepareAll(List.of(r), List.of("synthetic"), PerichPrep.Options.spikachu()).sessions().get(0);
        DecodingWindows one = new DecodingWindows(List.of(s));
        List<Window> ws = DecodingWindows.chunks(one.trainEpoch(1, 0), 64).getFirst();
        assertEquals(64, ws.size());
        UnitDropout d = UnitDropout.spikachu();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 300; i++) sink += one.batch(ws, d, i).tokenCount();   // warm-up
        int reps = 200;
        long[] wall = new long[reps], cpu = new long[reps];
        for (int i = 0; i < reps; i++) {
            long c0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            DecodingBatch b = one.batch(ws, d, i);
            wall[i] = System.nanoTime() - t0;
            cpu[i] = mx.getCurrentThreadCpuTime() - c0;
            sink += b.tokenCount();
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        double median = cpu[reps / 2] / 1e6;
        System.out.printf("DecodingWindowsTest: batch of 64 windows × 100 bins × %d units with unit dropout (%d spikes/batch): "
                        + "median %.2f ms CPU, wall median %.2f ms (10th–90th percentile %.2f–%.2f ms)%n", s.units(), sink / (reps + 300),
                median, wall[reps / 2] / 1e6, wall[reps / 10] / 1e6, wall[9 * reps / 10] / 1e6);
        assertTrue(median < 10, "median batch CPU time " + median + " ms");
    }

    // ---- released sampling (POYO samplers, position-paired targets) ----------------------------

    /** A hand-made session: velocity samples at {@code t}, sample q has velocity (q, −q), weight 1; one unit spiking at 0.05 s. */
    static PerichSession handMade(double[] t, Intervals train, Intervals valid, Intervals test) {
        int k = t.length;
        double[] vel = new double[2 * k];
        for (int q = 0; q < k; q++) {
            vel[2 * q] = q;
            vel[2 * q + 1] = -q;
        }
        float[] wts = new float[k];
        Arrays.fill(wts, 1f);
        return new PerichSession("c_20150311_center_out_reaching", "c", PerichNwb.Task.CENTER_OUT, "synthetic", 1, new double[] {0.05},
                new int[] {0}, t, vel, new byte[k], wts, Intervals.of(0, t[k - 1]), train, valid, test, 1);
    }

    @Test
    void releasedEvalWindowsEndWithAnOverlappingFullWindow() {
        double[] t = new double[1000];
        for (int q = 0; q < t.length; q++) t[q] = q / 100.0;
        PerichSession s = handMade(t, Intervals.of(0, 1), Intervals.of(new double[] {1.0, 5.0}, new double[] {3.5, 5.6}), Intervals.of(6.0, 8.0));
        DecodingWindows kit = new DecodingWindows(List.of(s)), rel = kit.released();
        assertTrue(rel.isReleased() && !kit.isReleased());
        // 2.5 s: kit [1,2) [2,3) [3,3.5 padded); released [1,2) [2,3) and the full [2.5,3.5) overlapping the second
        assertEquals(List.of(new Window(0, 1.0, 2.0), new Window(0, 2.0, 3.0), new Window(0, 2.5, 3.5), new Window(0, 5.0, 5.6)),
                rel.evalWindows(Split.VALID));
        assertEquals(List.of(new Window(0, 1.0, 2.0), new Window(0, 2.0, 3.0), new Window(0, 3.0, 3.5), new Window(0, 5.0, 5.6)),
                kit.evalWindows(Split.VALID));
        // an interval shorter than a window (the released sampler asserts) keeps the kit's padded window
        assertEquals(1, rel.shortIntervals(Split.VALID));
        assertEquals(0, rel.shortIntervals(Split.TEST));
        // an interval that divides: the same windows
        assertEquals(kit.evalWindows(Split.TEST), rel.evalWindows(Split.TEST));
        // the overlapped half second is scored twice: 350 scored rows instead of 250
        List<Window> first = rel.evalWindows(Split.VALID).subList(0, 3);
        DecodingBatch b = rel.batch(first), kb = kit.batch(kit.evalWindows(Split.VALID).subList(0, 3));
        double relW = 0, kitW = 0;
        for (float x : b.weight()) relW += x;
        for (float x : kb.weight()) kitW += x;
        assertEquals(300, relW, 0);
        assertEquals(250, kitW, 0);
        // the last window's first bin is sample 250 (t = 2.5 s), which window 1 also scored
        assertEquals(250f, b.target()[2 * (0 * 3 + 2)]);
        assertEquals(250f, b.target()[2 * (50 * 3 + 1)]);
    }

    @Test
    void releasedTrainWindowsFollowPoyosRandomFixedWindowSampler() {
        DecodingWindows rel = w.released();
        for (int e = 0; e < 3; e++) {
            List<Window> epoch = rel.trainEpoch(42, e);
            assertEquals(w.epochSize(), epoch.size(), "⌊L/w⌋ windows per interval");
            int overlaps = 0;
            for (int si = 0; si < sessions.size(); si++) {
                final int s = si;
                Intervals tr = sessions.get(si).train();
                for (int i = 0; i < tr.size(); i++) {
                    final double a = tr.start(i), bb = tr.end(i);
                    List<Window> mine = epoch.stream().filter(x -> x.session() == s && x.start() >= a - 1e-9 && x.end() <= bb + 1e-9)
                            .sorted((x, y) -> Double.compare(x.start(), y.start())).toList();
                    assertEquals((int) Math.floor((bb - a) / 1.0), mine.size(), "interval " + a + ".." + bb);
                    for (int j = 1; j < mine.size(); j++) if (mine.get(j).start() < mine.get(j - 1).end() - 1e-9) overlaps++;
                    // the regular windows share one grid; at most one window (anchored at an end) is off it
                    if (mine.size() >= 3) {
                        double grid = mine.get(1).start();
                        long off = mine.stream().filter(x -> Math.abs(Math.IEEEremainder(x.start() - grid, 1.0)) > 1e-9).count();
                        assertTrue(off <= 1, "windows off the grid: " + mine);
                    }
                }
            }
            assertTrue(overlaps > 0, "the extra anchored window overlaps its neighbour in some interval");
        }
        assertEquals(rel.trainEpoch(42, 0), rel.trainEpoch(42, 0));
    }

    @Test
    void releasedTargetsArePairedByPositionAndShiftAfterAWindowWithAnExtraSample() {
        // 10-ms samples mid-bin (3 ms after each bin start), plus one extra sample at 0.508 s: window [0, 1) holds 101 samples
        double[] t = new double[400];
        for (int q = 0, i = 0; q < t.length; q++, i++) {
            t[q] = i / 100.0 + 0.003;
            if (i == 50 && q + 1 < t.length) t[++q] = 0.508;
        }
        PerichSession s = handMade(t, Intervals.of(0, 3), Intervals.of(0, 3), Intervals.of(0, 3));
        DecodingWindows kit = new DecodingWindows(List.of(s)), rel = kit.released();
        List<Window> ws = List.of(new Window(0, 0.0, 1.0), new Window(0, 1.0, 2.0), new Window(0, 2.0, 3.0));
        assertEquals(new DecodingWindows.Census(3, 0, 2, 1), rel.census(ws));
        assertEquals(101, rel.samplesIn(ws.get(0)));
        DecodingBatch k = kit.batch(ws), r = rel.batch(ws);
        // window 0 by position: bins 0..50 are samples 0..50, bin 51 is the extra sample 51 (t = 0.508)
        for (int j = 0; j < 100; j++) assertEquals((float) j, r.target()[2 * (j * 3)], "window 0 bin " + j);
        // window 1 starts at sample 101 (t = 1.003); by position it takes sample 100 (t = 0.993), the excess of window 0
        assertEquals(101f, k.target()[2 * (0 * 3 + 1)]);
        assertEquals(100f, r.target()[2 * (0 * 3 + 1)]);
        for (int j = 0; j < 100; j++) {
            assertEquals(k.target()[2 * (j * 3 + 1)] - 1, r.target()[2 * (j * 3 + 1)], "window 1 bin " + j + " shifted by one sample");
            assertEquals(k.target()[2 * (j * 3 + 2)] - 1, r.target()[2 * (j * 3 + 2)], "window 2 bin " + j + " shifted by one sample");
        }
        // without the extra sample the two pairings agree (batch of windows 1 and 2 alone)
        List<Window> later = ws.subList(1, 3);
        assertArrayEquals(kit.batch(later).target(), rel.batch(later).target());
        // a window with fewer samples than bins: its later bins are not scored
        DecodingBatch tail = rel.batch(List.of(new Window(0, t[t.length - 1] - 0.5 + 1e-6, t[t.length - 1] + 0.5)));
        assertEquals(0f, tail.weight()[99]);
        assertEquals(DecodingBatch.PAD, tail.label()[99]);
        assertEquals(1f, tail.weight()[0]);
    }
}
