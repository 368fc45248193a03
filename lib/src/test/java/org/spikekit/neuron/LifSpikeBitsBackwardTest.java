package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins the host kernel's backward pieces that visit only the set spike bits to the loops over every
 * neuron they replaced, bit for bit: {@code dV += (m ⊙ S)ᵀ·dc} over many rows and steps accumulated into one
 * buffer, with spike bits (with and without a dropout-style mask holding zeros, ones and 1/p) and with
 * float spikes, on widths with full vectors and tails and more than one 64-bit word per row.
 */
class LifSpikeBitsBackwardTest {

    /** The loop the kernel used before: every neuron k, bit tested, scaled by the mask, skipped when zero. */
    static void everyNeuron(long[] bits, float[] sf, int row, int ro, int n, float[] M, int mOff, float[] dI, int st,
                            float[] gv) {
        var sp = HostLifKernel.SP;
        int bound = sp.loopBound(n);
        for (int k = 0; k < n; k++) {
            float s = bits != null
                    ? ((bits[row * HostLifKernel.words(n) + (k >>> 6)] >>> (k & 63) & 1L) != 0 ? 1f : 0f)
                    : sf[ro + k];
            if (M != null) s *= M[mOff + k];
            if (s == 0f) continue;
            int gr = k * n;
            FloatVector sv = FloatVector.broadcast(sp, s);
            int j = 0;
            for (; j < bound; j += sp.length()) {
                FloatVector.fromArray(sp, dI, st + j).fma(sv, FloatVector.fromArray(sp, gv, gr + j)).intoArray(gv, gr + j);
            }
            for (; j < n; j++) gv[gr + j] += s * dI[st + j];
        }
    }

    @ParameterizedTest(name = "N={0} rows={1} masked={2} floatSpikes={3} rate={4}")
    @CsvSource({"1,7,false,false,0.5", "15,9,true,false,0.3", "16,5,false,false,0.9", "17,11,true,false,0.4",
            "63,4,true,false,0.2", "64,33,false,false,0.05", "64,33,true,false,0.05", "65,6,true,false,0.5",
            "100,8,false,false,0.3", "130,5,true,false,0.1", "200,3,true,false,1.0", "37,6,true,true,0.4",
            "64,4,false,true,0.3", "64,4,false,false,0.0"})
    void setBitsOnlyGiveTheBitsOfEveryNeuron(int n, int rows, boolean masked, boolean floatSpikes, double rate) {
        SplittableRandom r = new SplittableRandom(n * 1_000L + rows);
        int w = HostLifKernel.words(n);
        long[] bits = floatSpikes ? null : new long[rows * w];
        float[] sf = floatSpikes ? new float[rows * n] : null;
        float[] M = masked ? new float[rows * n + 3] : null;
        float[] dI = new float[rows * n + 5];
        int spikes = 0;
        for (int q = 0; q < rows; q++) {
            for (int k = 0; k < n; k++) {
                if (r.nextDouble() < rate) {
                    spikes++;
                    if (floatSpikes) sf[q * n + k] = (float) r.nextDouble(0.1, 1.5);
                    else bits[q * w + (k >>> 6)] |= 1L << (k & 63);
                }
                if (masked) M[3 + q * n + k] = switch (r.nextInt(3)) { case 0 -> 0f; case 1 -> 1f; default -> 1f / 0.7f; };
            }
        }
        for (int i = 0; i < dI.length; i++) dI[i] = (float) r.nextGaussian();
        float[] a = new float[n * n], b = new float[n * n];
        for (int i = 0; i < a.length; i++) a[i] = b[i] = (float) r.nextGaussian();
        for (int q = 0; q < rows; q++) {                          // rows accumulate into the same dV, as in a chunk
            HostLifKernel.accumulateGradV(bits, sf, q, q * n, n, M, 3 + q * n, dI, 5 + q * n, a);
            everyNeuron(bits, sf, q, q * n, n, M, 3 + q * n, dI, 5 + q * n, b);
        }
        if (rate > 0) assertTrue(spikes > 0, "the case must spike");
        for (int i = 0; i < a.length; i++) {
            int ii = i;
            assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), () -> "dV element " + ii);
        }
    }
}
