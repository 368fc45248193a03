package org.spikekit.train.stdp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** numpy's float32 pairwise summation order (the L1 normalisation of the SpikeNN readout). */
class PairwiseSumTest {

    @Test
    void blocksUseEightInterleavedAccumulators() {
        // 2^24 then fifteen 1s: one by one every +1 is rounded away; numpy's 8 accumulators keep
        // 14 of them: r0 = 2^24 (+1 lost), r1..r7 = 2, ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) = 2^24 + 14
        float[] a = new float[16];
        a[0] = 16777216f;
        for (int i = 1; i < 16; i++) a[i] = 1f;
        float seq = 0f;
        for (float x : a) seq += x;
        assertEquals(16777216f, seq, 0f);
        assertEquals(16777230f, PairwiseSum.sum(a, 0, 16), 0f);
        // fewer than 8 values: one by one
        assertEquals(16777216f, PairwiseSum.sum(a, 0, 7), 0f);
        // 17 values: 16 in the accumulators, the 17th added to the result
        float[] b = java.util.Arrays.copyOf(a, 17);
        b[16] = 1f;
        assertEquals(16777232f, PairwiseSum.sum(b, 0, 17), 0f);     // 2^24 + 14 + 1 rounds to even: 2^24 + 16
    }

    @Test
    void allRowsOfAnInputMajorMatrixMatchTheContiguousSum() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 7;
        PairwiseSum p = new PairwiseSum(n);
        for (int d : new int[] {1, 7, 8, 9, 127, 128, 129, 300, 513, 1000}) {
            float[] w = new float[d * n], row = new float[d], dst = new float[n], abs = new float[n];
            for (int k = 0; k < w.length; k++) w[k] = (float) ((r.nextDouble() - 0.3) * Math.pow(10, r.nextInt(5)));
            p.rows(w, d, false, dst);
            p.rows(w, d, true, abs);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) row[j] = w[j * n + i];
                assertEquals(PairwiseSum.sum(row, 0, d), dst[i], 0f, "d " + d + " row " + i);
                for (int j = 0; j < d; j++) row[j] = Math.abs(row[j]);
                assertEquals(PairwiseSum.sum(row, 0, d), abs[i], 0f, "|w|, d " + d + " row " + i);
            }
            float[] c = w.clone(), cs = new float[n];
            p.clippedAbsRows(c, d, 0f, 50f, cs);
            for (int k = 0; k < w.length; k++) assertEquals(PairwiseSum.clip(w[k], 0f, 50f), c[k], 0f);
            float[] cc = c.clone(), ref = new float[n];
            p.rows(cc, d, true, ref);
            assertEquals(java.util.Arrays.toString(ref), java.util.Arrays.toString(cs), "clip then |w| sum, d " + d);
        }
    }

    /**
     * The fused STDP step + clip + |w| sum ({@link PairwiseSum#updatedClippedAbsRows}, the vector
     * loops) gives the bits of the scalar step (float32(double(w) + Δ) on the updated neurons),
     * then the scalar clip and the scalar pairwise sums, for neuron counts around the vector width
     * and input counts with and without a remainder, with most neurons updated (the steps in the
     * vector pass) and with few (NCG: the steps one by one), with and without the previous rescale
     * folded in ({@code pre}); and {@link PairwiseSum#scaleRows} the bits of the scalar products.
     */
    @Test
    void fusedStepClipAndSumMatchTheScalarSteps() {
        org.junit.jupiter.api.Assumptions.assumeTrue(PairwiseSum.VECTOR, "Vector API module absent");
        SplittableRandom r = new SplittableRandom(9);
        for (int n : new int[] {1, 3, 10, 16, 17, 50}) {
            PairwiseSum p = new PairwiseSum(n);
            for (int d : new int[] {5, 8, 130, 777, 1024}) for (int variant = 0; variant < 4; variant++) {
                boolean few = variant % 2 == 1, withPre = variant >= 2;
                float[] w = new float[d * n];
                for (int k = 0; k < w.length; k++) w[k] = (float) (r.nextDouble() * 1.2 - 0.1);
                boolean[] upd = new boolean[n], spiked = new boolean[d];
                double[] dp = new double[n], dm = new double[n], sil = new double[n];
                float[] tn = new float[n], tIn = new float[d];
                for (int i = 0; i < n; i++) {
                    upd[i] = few ? r.nextInt(5) == 0 : r.nextInt(3) > 0;
                    dp[i] = r.nextDouble() * 0.01;
                    dm[i] = -r.nextDouble() * 0.02;
                    tn[i] = r.nextInt(4) == 0 ? 1f : (float) r.nextDouble();
                    sil[i] = 1f <= tn[i] ? dp[i] : dm[i];
                }
                for (int j = 0; j < d; j++) {
                    spiked[j] = r.nextInt(10) == 0;
                    tIn[j] = spiked[j] ? (float) r.nextDouble() : 1f;
                }
                float[] pre = null;
                if (withPre) {
                    pre = new float[n];
                    for (int i = 0; i < n; i++) pre[i] = (float) (0.8 + 0.4 * r.nextDouble());
                }
                float[] ref = w.clone(), refSum = new float[n];
                if (pre != null) for (int k = 0; k < ref.length; k++) ref[k] *= pre[k % n];
                for (int j = 0; j < d; j++) {
                    for (int i = 0; i < n; i++) {
                        if (!upd[i]) continue;
                        double step = spiked[j] ? (tIn[j] <= tn[i] ? dp[i] : dm[i]) : sil[i];
                        ref[j * n + i] = PairwiseSum.clip((float) (ref[j * n + i] + step), 0f, 1f);
                    }
                }
                for (int k = 0; k < ref.length; k++) ref[k] = PairwiseSum.clip(ref[k], 0f, 1f);
                p.rows(ref, d, true, refSum);
                float[] got = w.clone(), sum = new float[n];
                p.updatedClippedAbsRows(got, d, pre, 0f, 1f, sum, upd, dp, dm, sil, tn, spiked, tIn);
                String at = "n " + n + " d " + d + (few ? " few updated" : " most updated") + (withPre ? " with pre" : "");
                for (int k = 0; k < w.length; k++) {
                    assertEquals(Float.floatToRawIntBits(ref[k]), Float.floatToRawIntBits(got[k]), at + " weight " + k);
                }
                for (int i = 0; i < n; i++) assertEquals(Float.floatToRawIntBits(refSum[i]), Float.floatToRawIntBits(sum[i]), at + " row " + i);
                float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = (float) (0.5 + r.nextDouble());
                p.scaleRows(got, d, f);
                for (int k = 0; k < w.length; k++) assertEquals(ref[k] * f[k % n], got[k], 0f, "scaled weight " + k);
            }
        }
    }

    /** The vector clip is used only where the lane-wise max/min gives the scalar clip's bits. */
    @Test
    void vectorClipOnlyWhereItMatchesTheScalarClip() {
        org.junit.jupiter.api.Assumptions.assumeTrue(PairwiseSum.VECTOR, "Vector API module absent");
        org.junit.jupiter.api.Assertions.assertTrue(PairwiseSum.vectorClip(0f, 1f));
        org.junit.jupiter.api.Assertions.assertTrue(PairwiseSum.vectorClip(0.2f, 0.8f));
        org.junit.jupiter.api.Assertions.assertFalse(PairwiseSum.vectorClip(-0f, 1f));    // max(+0, −0) = +0, the scalar clip −0
        org.junit.jupiter.api.Assertions.assertFalse(PairwiseSum.vectorClip(-1f, 0f));    // min(−0, +0) = −0, the scalar clip +0
    }
}
