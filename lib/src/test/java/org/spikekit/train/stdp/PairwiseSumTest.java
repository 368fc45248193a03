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
}
