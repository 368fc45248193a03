package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The index lists the event-driven loops run over, written branch-free (a vector of lane indices
 * compressed to the firing / non-zero lanes per vector, {@link HostLifKernel#spikesBinary},
 * {@link SparseGemm#nonZeros}), against their definition one element at a time: ascending, complete,
 * nothing else; plus the spike floats and bits of {@code spikesBinary}. Rates from none to every
 * element (the lists then fill their arrays up to the spare vector at the end); lengths with and
 * without a vector tail; {@code −0} counts as zero, as {@code != 0f} has it.
 */
class SpikeListTest {

    @ParameterizedTest(name = "n={0} rate={1}")
    @CsvSource({"1,0.5", "16,0", "16,1", "37,0.03", "64,0.02", "64,1", "100,0.3", "1024,0.03", "1024,1"})
    void nonZerosListsEveryNonZeroAscending(int n, double rate) {
        SplittableRandom r = new SplittableRandom(7L * n);
        int off = 5;
        float[] a = new float[off + n + 3];
        for (int p = 0; p < a.length; p++) {
            double u = r.nextDouble();
            a[p] = u < rate ? (u < rate / 2 ? 1f : -0.7f) : (u < rate + 0.1 ? -0f : 0f);
        }
        int[] want = new int[n];
        int w = 0;
        for (int p = 0; p < n; p++) if (a[off + p] != 0f) want[w++] = p;
        int[] idx = new int[SparseGemm.indexRoom(n)];
        Arrays.fill(idx, -1);
        int cnt = SparseGemm.nonZeros(a, off, n, idx);
        assertEquals(w, cnt, "count of non-zeros");
        assertArrayEquals(Arrays.copyOf(want, w), Arrays.copyOf(idx, cnt), "non-zero positions");
    }

    @ParameterizedTest(name = "n={0} rate={1}")
    @CsvSource({"1,0.5", "16,0", "16,1", "37,0.03", "64,0.02", "64,1", "100,0.3", "1024,0.03", "1024,1"})
    void spikesBinaryListsEveryFiringNeuronAscending(int n, double rate) {
        SplittableRandom r = new SplittableRandom(11L * n);
        int st = 3, sOff = 2, row = 1;
        float[] th = new float[n], u = new float[st + n];
        for (int j = 0; j < n; j++) {
            th[j] = (float) (0.5 + r.nextDouble());
            u[st + j] = r.nextDouble() < rate ? th[j] + (float) r.nextDouble() + 1e-3f : th[j] - (float) r.nextDouble();
        }
        u[st + n / 2] = th[n / 2];                               // U = θ does not fire
        float[] s = new float[sOff + n];
        long[] bits = new long[(row + 1) * HostLifKernel.words(n)];
        int[] active = new int[n + HostLifKernel.SP.length()];
        int na = HostLifKernel.spikesBinary(th, s, sOff, u, st, n, bits, row, active);
        int[] want = new int[n];
        int w = 0;
        for (int j = 0; j < n; j++) {
            boolean fire = u[st + j] - th[j] > 0;
            if (fire) want[w++] = j;
            assertEquals(fire ? 1f : 0f, s[sOff + j], "spike float of neuron " + j);
            long bit = bits[row * HostLifKernel.words(n) + (j >>> 6)] >>> (j & 63) & 1L;
            assertEquals(fire ? 1L : 0L, bit, "spike bit of neuron " + j);
        }
        for (int q = 0; q < HostLifKernel.words(n); q++) assertEquals(0L, bits[q], "bits of another row");
        assertEquals(w, na, "count of firing neurons");
        assertArrayEquals(Arrays.copyOf(want, w), Arrays.copyOf(active, na), "firing neurons");
    }
}
