package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins the host kernel's event-driven pieces to the plain loops they replaced, bit for bit:
 * {@code dV += (m ⊙ S)ᵀ·dc} visiting only the set spike bits vs every neuron, over many rows and steps
 * accumulated into one buffer, with spike bits (with and without a dropout-style mask holding zeros, ones
 * and 1/p) and with float spikes; and the forward's {@code h += m_k·s_k·V[k, :]} with four rows per pass
 * vs one row at a time. Widths with full vectors and tails and more than one 64-bit word per row.
 */
class LifEventDrivenBitTest {

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

    /** The forward's recurrent input one active row at a time (the loop before rows were grouped by four). */
    static void oneRowAtATime(float[] H, int hOff, float[] S, int sOff, float[] M, int mOff, float[] V, int vo, int n,
                              int[] active, int na) {
        var sp = HostLifKernel.SP;
        int bound = sp.loopBound(n);
        for (int q = 0; q < na; q++) {
            int k = active[q];
            float w = M == null ? S[sOff + k] : S[sOff + k] * M[mOff + k];
            if (w == 0f) continue;
            int vr = vo + k * n, j = 0;
            if (w == 1f) {
                for (; j < bound; j += sp.length()) {
                    FloatVector.fromArray(sp, H, hOff + j).add(FloatVector.fromArray(sp, V, vr + j)).intoArray(H, hOff + j);
                }
                for (; j < n; j++) H[hOff + j] += V[vr + j];
            } else {
                FloatVector wv = FloatVector.broadcast(sp, w);
                for (; j < bound; j += sp.length()) {
                    FloatVector.fromArray(sp, V, vr + j).fma(wv, FloatVector.fromArray(sp, H, hOff + j)).intoArray(H, hOff + j);
                }
                for (; j < n; j++) H[hOff + j] += w * V[vr + j];
            }
        }
    }

    @ParameterizedTest(name = "N={0} active={1} masked={2} smooth={3}")
    @CsvSource({"1,1,false,false", "16,3,false,false", "17,4,false,false", "37,9,false,false", "64,13,false,false",
            "100,30,false,false", "1030,41,false,false", "64,13,true,false", "100,30,false,true", "37,8,true,true"})
    void recurrentRowsByFourGiveTheBitsOfOneRowAtATime(int n, int na, boolean masked, boolean smooth) {
        SplittableRandom r = new SplittableRandom(n * 77L + na);
        float[] V = new float[7 + n * n], S = new float[2 + n], M = masked ? new float[4 + n] : null;
        for (int i = 0; i < V.length; i++) V[i] = (float) r.nextGaussian();
        int[] active = r.ints(0, n).distinct().limit(na).sorted().toArray();
        for (int k : active) S[2 + k] = smooth && r.nextBoolean() ? (float) r.nextDouble(0.2, 1) : 1f;
        if (masked) for (int k = 0; k < n; k++) M[4 + k] = r.nextInt(3) == 0 ? 0f : r.nextBoolean() ? 1f : 1f / 0.7f;
        float[] a = new float[3 + n], b = new float[3 + n];
        for (int i = 0; i < a.length; i++) a[i] = b[i] = (float) r.nextGaussian();
        HostLifKernel.addRecurrent(a, 3, S, 2, M, 4, V, 7, n, active, active.length);
        oneRowAtATime(b, 3, S, 2, M, 4, V, 7, n, active, active.length);
        for (int i = 0; i < a.length; i++) {
            int ii = i;
            assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), () -> "h element " + ii);
        }
    }
}
