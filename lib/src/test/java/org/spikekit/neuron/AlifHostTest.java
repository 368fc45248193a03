package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/** The fused kernels' recurrent helpers: event-driven dR against the gemm, and pulled against pushed recurrent input. */
class AlifHostTest {
    final Backend be = new CpuBackend();

    /** Random spikes (as floats and as bits) at {@code rate}, T×B×N. */
    record Raster(Tensor spikes, long[] bits) {}

    static Raster raster(Backend be, long seed, int t, int b, int n, double rate) {
        SplittableRandom r = new SplittableRandom(seed);
        int w = AlifHost.words(n);
        float[] s = new float[t * b * n];
        long[] bits = new long[t * b * w];
        for (int row = 0; row < t * b; row++) {
            for (int j = 0; j < n; j++) {
                if (r.nextDouble() < rate) {
                    s[row * n + j] = 1f;
                    AlifHost.setBit(bits, row * w, j);
                }
            }
        }
        return new Raster(be.fromHost(s, t, b, n), bits);
    }

    @ParameterizedTest(name = "rate={0} n={1}")
    @CsvSource({"0.01,37", "0.05,100", "0.3,37", "0.0,16"})
    void recurrentGradMatchesTheGemmAndIgnoresThreads(double rate, int n) {
        int t = 29, b = 5, d = 4;
        Raster ras = raster(be, 3, t, b, n, rate);
        Tensor g = be.zeros(t, b, n), rec = be.zeros(n, n);
        be.randUniform(g, 9, -1f, 1f);
        float[] want = be.toHost(ReferenceAlifKernel.recurrentGrad(be, rec, ras.spikes(), g, d));
        float[] one = be.toHost(AlifHost.recurrentGrad(be, rec, ras.spikes(), ras.bits(), g, d, 1));
        double scale = 1e-30;
        for (float v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], one[i], 1e-6 * scale, "dR[" + i / n + ", " + i % n + "] at rate " + rate);
        }
        for (int threads : new int[] {2, 3, 8}) {
            assertArrayEquals(one, be.toHost(AlifHost.recurrentGrad(be, rec, ras.spikes(), ras.bits(), g, d, threads)), threads + " threads");
        }
        if (rate > 1.0 / AlifHost.SPARSE_DR) assertArrayEquals(want, one, "a dense raster goes to the gemm");
    }

    @Test
    void recurrentGradEdgeCases() {
        Raster ras = raster(be, 4, 3, 2, 5, 0.5);
        Tensor g = be.zeros(3, 2, 5);
        assertNull(AlifHost.recurrentGrad(be, null, ras.spikes(), ras.bits(), g, 1, 2), "no recurrence, no dR");
        assertArrayEquals(new float[25], be.toHost(AlifHost.recurrentGrad(be, be.zeros(5, 5), ras.spikes(), ras.bits(), g, 3, 2)),
                "delay ≥ T: zero dR");
    }

    @Test
    void pulledRecurrentInputEqualsThePushedOneBitForBit() {
        int n = 70, w = AlifHost.words(n);
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[3 * n], rr = new float[n * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < rr.length; i++) rr[i] = (float) r.nextGaussian() * 0.3f;
        long[] bits = new long[2 * w];
        for (int j : new int[] {0, 3, 17, 63, 64, 69}) AlifHost.setBit(bits, w, j);
        float[] pushed = x.clone(), row = new float[n];
        AlifHost.addRecurrent(bits, w, n, rr, 0, pushed, n);
        float[] before = x.clone();
        assertTrue(AlifHost.pullRecurrent(bits, w, n, rr, 0, x, n, row));
        assertArrayEquals(java.util.Arrays.copyOfRange(pushed, n, 2 * n), row, "pulled = pushed");
        assertArrayEquals(before, x, "the input is not written");
        java.util.Arrays.fill(row, 7f);
        assertFalse(AlifHost.pullRecurrent(bits, 0, n, rr, 0, x, n, row), "no spikes: read the input in place");
        assertEquals(7f, row[0]);
    }
}
