package org.spikekit.data.reaching;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrimateReachingTest {

    /** k samples from t0 = 5 s, cursor x = i², y = −i, target changes at the given sample indices. */
    static ReachSession tiny(int k, double[][][] spikes, int... targetChanges) {
        double[] t = new double[k];
        double[][] cur = new double[2][k];
        double[][] tgt = new double[2][k];
        int seg = 0;
        for (int i = 0; i < k; i++) {
            t[i] = 5.0 + i * 0.004;
            cur[0][i] = (double) i * i;
            cur[1][i] = -i;
            for (int c : targetChanges) if (c == i) seg++;
            tgt[0][i] = 10 * seg;
        }
        List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < spikes[0].length; c++) names.add(String.format("M1 %03d", c + 1));
        return new ReachSession("indy_test", t, cur, null, tgt, names, spikes, "");
    }

    @Test
    void arangeFollowsNumpy() {
        // numpy: len(arange(4.996, 5.028, 0.004)) = 8 with t = 5 + arange(8)·0.004
        double[] t = new double[8];
        for (int i = 0; i < 8; i++) t[i] = 5.0 + i * 0.004;
        assertEquals(8, PrimateReaching.arange(t[0] - 0.004, t[7], 0.004).length);
        assertEquals(9, PrimateReaching.arange(t[0] - 0.008, t[7], 0.004).length);
        // numpy gives 600000 and 600006 for a 600000-sample session with bin 4 / 28 ms
        assertEquals(600000, PrimateReaching.arange(5.0 - 0.004, 5.0 + 599999 * 0.004, 0.004).length);
        assertEquals(600006, PrimateReaching.arange(5.0 - 0.028, 5.0 + 599999 * 0.004, 0.004).length);
        assertEquals(4.996, PrimateReaching.arange(4.996, 5.0, 0.004)[0]);
    }

    @Test
    void histogramMarksBinPlusOneWithEdgeRules() {
        double[] edges = {0, 1, 2, 3, 4};
        byte[] tr = new byte[5];
        // 1.0 is on edge 1 -> bin 1 -> index 2; 1.5 same bin; 4.0 = last edge -> last bin 3 -> index 4;
        // 0.0 = first edge -> bin 0 -> index 1; -1 and 9 are outside
        assertTrue(PrimateReaching.markBins(new double[] {1.0, 1.5, 4.0, 0.0, -1, 9}, edges, tr));
        assertArrayEquals(new byte[] {0, 1, 1, 0, 1}, tr);
        byte[] none = new byte[5];
        assertFalse(PrimateReaching.markBins(new double[] {-3, 7}, edges, none));
        assertArrayEquals(new byte[5], none);
    }

    @Test
    void validBoxcarCountsTrailingWindow() {
        byte[] tr = {1, 1, 0, 0, 1, 1, 1};
        assertArrayEquals(new short[] {2, 1, 1, 2, 3}, PrimateReaching.validBoxcar(tr, 3));
        assertArrayEquals(new short[] {1, 1, 0, 0, 1, 1, 1}, PrimateReaching.validBoxcar(tr, 1));
        assertEquals(0, PrimateReaching.validBoxcar(new byte[] {1, 1}, 3).length);
    }

    @Test
    void gradientIsCentralWithOneSidedEnds() {
        float[][] g = PrimateReaching.gradient(new double[][] {{0, 1, 4, 9, 16}, {3, 3, 3, 3, 5}});
        assertArrayEquals(new float[] {1, 2, 4, 6, 7}, g[0]);
        assertArrayEquals(new float[] {0, 0, 0, 1, 2}, g[1]);
    }

    @Test
    void segmentsStartAtTheLastSampleOfTheOldTarget() {
        // x target 0 0 1 1 1 2 2: changes between 1|2 and 4|5 -> flags 1, 4
        int[][] s = PrimateReaching.segments(new double[][] {{0, 0, 1, 1, 1, 2, 2}, {0, 0, 0, 0, 0, 0, 0}});
        assertArrayEquals(new int[][] {{0, 1}, {1, 4}, {4, 7}}, s);
        // a change right after sample 0 gives the empty first segment [0, 0)
        s = PrimateReaching.segments(new double[][] {{0, 1, 1}, {0, 0, 5}});
        assertArrayEquals(new int[][] {{0, 0}, {0, 1}, {1, 3}}, s);
        // no change: one segment
        assertArrayEquals(new int[][] {{0, 4}}, PrimateReaching.segments(new double[][] {{1, 1, 1, 1}, {2, 2, 2, 2}}));
    }

    static int[][] tenSegments() {
        int[][] segs = new int[10][];
        for (int i = 0; i < 10; i++) segs[i] = new int[] {10 * i, 10 * i + 10};
        return segs;
    }

    @Test
    void splitArithmetic() {
        int[][] segs = tenSegments();
        var o = PrimateReaching.Options.benchmark();
        int[][] sp = PrimateReaching.split(segs, o, 100);
        // 10 segments, ratio 0.5 -> 5 train, floor(5/2) = 2 val, 3 test
        assertEquals(50, sp[0].length);
        assertEquals(20, sp[1].length);
        assertEquals(30, sp[2].length);
        assertEquals(50, sp[1][0]);
        assertEquals(70, sp[2][0]);
        // ratio 0.8 -> 8 / 1 / 1
        sp = PrimateReaching.split(segs, o.withTrainRatio(0.8), 100);
        assertArrayEquals(new int[] {80, 10, 10}, new int[] {sp[0].length, sp[1].length, sp[2].length});
        // 7 segments, ratio 0.5 -> 3 / 2 / 2
        sp = PrimateReaching.split(java.util.Arrays.copyOf(segs, 7), o, 100);
        assertArrayEquals(new int[] {30, 20, 20}, new int[] {sp[0].length, sp[1].length, sp[2].length});
        // stride 3 steps: arange(start, end, 3) per segment -> 0,3,6,9 in [0,10)
        sp = PrimateReaching.split(segs, o.withStride(0.012), 100);
        assertArrayEquals(new int[] {0, 3, 6, 9, 10, 13}, java.util.Arrays.copyOf(sp[0], 6));
        // inactive segments (length >= max) are skipped, but still count in the split
        int[][] long1 = {{0, 10}, {10, 30}, {30, 40}, {40, 50}};
        sp = PrimateReaching.split(long1, o.withRemoveSegmentsInactive(true, 15), 100);
        assertArrayEquals(new int[] {10, 10, 10}, new int[] {sp[0].length, sp[1].length, sp[2].length});
        // usable bounds the indices (biological delay shortens the arrays)
        sp = PrimateReaching.split(tenSegments(), o, 95);
        assertEquals(25, sp[2].length);
    }

    @Test
    void endToEndOnAHandMadeSession() {
        double[] t = new double[8];
        for (int i = 0; i < 8; i++) t[i] = 5.0 + i * 0.004;
        double[] edges = PrimateReaching.arange(t[0] - 0.004, t[7], 0.004);
        // [unit slot][channel]: ch0 slot0 is an empty cell stored as [0, 0]; ch0 slot1 has a spike
        // exactly on edge 3 and one after the last edge; ch1 slot0 has two spikes in [5.000, 5.004)
        // and one in [5.012, 5.016); ch1 slot1 is empty
        double[][][] spikes = {
                {{0.0, 0.0}, {5.0005, 5.0012, 5.013}},
                {{edges[3], 5.0279}, {}}};
        ReachSession s = tiny(8, spikes, 3);
        var pr = PrimateReaching.of(s, PrimateReaching.Options.benchmark());
        assertEquals(2, pr.features());
        assertEquals(8, pr.steps());
        int[][] expect = {{0, 0, 0, 0, 1, 0, 0, 0}, {0, 0, 1, 0, 0, 1, 0, 0}};
        for (int c = 0; c < 2; c++) for (int i = 0; i < 8; i++) assertEquals(expect[c][i], pr.sample(c, i), "c=" + c + " i=" + i);
        // labels: gradient of x = i^2 -> 1, 2, 4, ..., 13 ; y = -i -> -1
        assertEquals(1f, pr.label(0, 0));
        assertEquals(4f, pr.label(0, 2));
        assertEquals(13f, pr.label(0, 7));
        assertEquals(-1f, pr.label(1, 4));
        // bin 8 ms: counts over 2-step windows; numpy 2.4.6 (np.arange / np.histogram / np.convolve
        // 'valid', as NeuroBench) gives [[0,0,0,0,1,1,0,0],[0,0,1,1,0,1,1,0]]: the spike placed on
        // the 4 ms edge 3 lands one ulp above the 8 ms grid's edge 4
        var pr2 = PrimateReaching.of(s, PrimateReaching.Options.benchmark().withBinWidth(0.008));
        int[][] e2 = {{0, 0, 0, 0, 1, 1, 0, 0}, {0, 0, 1, 1, 0, 1, 1, 0}};
        assertEquals(8, pr2.steps());
        for (int c = 0; c < 2; c++) for (int i = 0; i < 8; i++) assertEquals(e2[c][i], pr2.sample(c, i), "8 ms c=" + c + " i=" + i);
        // spike sorting: features (ch0, slot1) = 1 and (ch1, slot0) = 2; empty ones dropped
        var ps = PrimateReaching.of(s, PrimateReaching.Options.benchmark().withSpikeSorting(true));
        assertArrayEquals(new int[] {1, 2}, ps.featureIds());
        // segments: target changes between samples 2 and 3 -> [0,2), [2,8); ratio 0.5 -> 1 / 0 / 1
        assertArrayEquals(new int[][] {{0, 2}, {2, 8}}, pr.segments());
        assertArrayEquals(new int[] {0, 1}, pr.trainIndices());
        assertEquals(0, pr.valIndices().length);
        assertArrayEquals(new int[] {2, 3, 4, 5, 6, 7}, pr.testIndices());
        var test = pr.test();
        assertEquals(1f, test.inputs()[2][0]); // index 4, channel 0
        assertEquals(6f, test.velocity()[1][0]); // index 3: (16 - 4) / 2
        // biological delay 2: sample i paired with label i + 2
        var pd = PrimateReaching.of(s, PrimateReaching.Options.benchmark().withBiologicalDelay(2));
        assertEquals(6, pd.steps());
        assertEquals(pr.label(0, 3), pd.label(0, 1));
        assertEquals(pr.sample(0, 4), pd.sample(0, 4));
        assertArrayEquals(new int[] {2, 3, 4, 5}, pd.testIndices());
    }

    @Test
    void rsnnTilingCounts() {
        var r = PrimateReaching.RsnnOptions.defaults();
        assertArrayEquals(new int[] {0, 100, 200, 300, 400}, PrimateReaching.tileOffsets(r));
        // as released the last piece is always dropped, even when complete (numpy: 0, 0, 5, 6, 21, 25)
        int[] lengths = {499, 500, 1000, 1001, 2600, 3000};
        int[] expect = {0, 0, 5, 6, 21, 25};
        for (int j = 0; j < lengths.length; j++) {
            int total = 0;
            for (int o : PrimateReaching.tileOffsets(r)) total += PrimateReaching.tileCount(lengths[j], o, 500);
            assertEquals(expect[j], total, "L=" + lengths[j]);
        }
        assertArrayEquals(new int[] {0}, PrimateReaching.tileOffsets(new PrimateReaching.RsnnOptions(0.1, PrimateReaching.ValSplit.AS_RELEASED, 500, false, 100)));
    }

    @Test
    void rsnnCutOnAGeneratedSession() {
        ReachSession s = ReachGenerator.generate("indy_q", ReachGenerator.Config.indyLike().withDurationS(60));
        var pr = PrimateReaching.of(s, PrimateReaching.Options.benchmark());
        int n = pr.size();
        var r = PrimateReaching.RsnnOptions.defaults().withSampleSteps(100);
        var d = pr.rsnn(r);
        assertEquals(Math.rint(n * 0.1 / 0.75), d.valIndices().length);
        assertEquals(pr.trainIndices().length + pr.valIndices().length, d.trainIndices().length + d.valIndices().length);
        double valFrac = d.valIndices().length / (double) n;
        assertEquals(0.1333, valFrac, 0.002);
        int paper = pr.rsnnValCount(r.withValSplit(PrimateReaching.ValSplit.PAPER_TEXT));
        assertEquals(0.1, paper / (double) n, 0.002);
        // test is one sequence over the whole test span
        assertEquals(1, d.test().samples());
        assertEquals(pr.testIndices().length, d.test().steps());
        // train tiling: count and time-major layout
        int L = d.trainIndices().length;
        int expectS = 0;
        for (int o = 0; o < 100; o += 100) expectS += PrimateReaching.tileCount(L, o, 100);
        assertEquals(expectS, d.train().samples());
        var tr = d.train();
        assertEquals(100, tr.steps());
        assertEquals(96, tr.inputs());
        // sample 1, step 7 = index trainIndices[1·100 + 7]
        int j = d.trainIndices()[107];
        for (int c = 0; c < 96; c++) assertEquals(pr.sample(c, j), tr.x(7, 1, c));
        assertEquals(pr.label(1, j), tr.y(7, 1, 1));
    }

    @Test
    void contextPutsTheStepsBeforeEachSampleInFront() {
        ReachSession s = ReachGenerator.generate("indy_q", ReachGenerator.Config.indyLike().withDurationS(60));
        var pr = PrimateReaching.of(s, PrimateReaching.Options.benchmark());
        var plain = PrimateReaching.RsnnOptions.defaults().withSampleSteps(100);
        var withCtx = plain.withContext(30);
        var d0 = pr.rsnn(plain);
        var d = pr.rsnn(withCtx);
        assertEquals(d0.train().samples(), d.train().samples());
        assertEquals(130, d.train().steps());
        assertEquals(130, d.val().steps());
        assertEquals(d0.test().steps(), d.test().steps(), "the test span stays one sequence without context");
        int[] offs = PrimateReaching.tileOffsets(withCtx);
        int q = 0;
        for (int o : offs) {
            int c = PrimateReaching.tileCount(d.trainIndices().length, o, 100);
            for (int k = 0; k < c; k++, q++) {
                // the last 100 steps are the plain sample
                for (int t = 0; t < 100; t += 33) {
                    for (int ch = 0; ch < 96; ch += 7) assertEquals(d0.train().x(t, q, ch), d.train().x(30 + t, q, ch));
                    assertEquals(d0.train().y(t, q, 0), d.train().y(30 + t, q, 0));
                }
                // the 30 steps in front are the span's steps before the sample, zeros before the span
                for (int t = 0; t < 30; t++) {
                    int at = o + k * 100 + t - 30;
                    for (int ch = 0; ch < 96; ch += 5) {
                        float want = at < 0 ? 0f : pr.sample(ch, d.trainIndices()[at]);
                        assertEquals(want, d.train().x(t, q, ch), "sample " + q + " step " + t + " channel " + ch);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> plain.withContext(-1));
    }

    @Test
    void badOptionsAreRejectedWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> PrimateReaching.Options.defaults().withBinWidth(0.001));
        assertTrue(e.getMessage().contains("binWidth"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PrimateReaching.Options.defaults().withTrainRatio(1.5));
        assertTrue(e.getMessage().contains("trainRatio"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PrimateReaching.Options.defaults().withBiologicalDelay(-1));
        assertTrue(e.getMessage().contains("biologicalDelay"), e.getMessage());
    }
}
