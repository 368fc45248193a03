package org.spikekit.nn;

import org.spikekit.core.Tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

class BatchNormTest {
    private final Backend be = new CpuBackend();

    private BatchNorm randomised(String name, int f) {
        BatchNorm bn = new BatchNorm(be, name, f);
        be.randNormal(bn.parameters().get(0).value(), 3, 1f, 0.3f);
        be.randNormal(bn.parameters().get(1).value(), 4, 0f, 0.3f);
        return bn;
    }

    @Test
    void trainingModeGradientsMatchFiniteDifferences() {
        LayerCheck.check(randomised("bn", 5), LayerCheck.randn(be, 5, 2f, 4, 3, 5), () -> Tape.training(1), 1e-2, 5e-3, 60, true);
        // 4-D input (time, batch, scale tokens, features): statistics over all leading axes
        LayerCheck.check(randomised("bn4", 3), LayerCheck.randn(be, 6, 1f, 3, 2, 2, 3), () -> Tape.training(1), 1e-2, 5e-3, 60, true);
    }

    @Test
    void evaluationModeGradientsMatchFiniteDifferences() {
        BatchNorm bn = randomised("bn", 4);
        bn.forward(LayerCheck.randn(be, 8, 2f, 10, 4), Tape.training(1));
        LayerCheck.check(bn, LayerCheck.randn(be, 9, 1f, 3, 4), Tape::evalWithGrad, 1e-2, 2e-3, 60, true);
    }

    /** The vector loops give the bits of the scalar definitions (the loops as first written), with and without a scalar tail. */
    @Test
    void vectorLoopsGiveTheScalarBits() {
        java.util.Random rnd = new java.util.Random(5);
        for (int f : new int[] {3, 16, 37, 64}) {
            int rows = 29;
            float[] v = new float[rows * f], gy = new float[rows * f];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 2 + 0.7);
                gy[i] = (float) rnd.nextGaussian();
            }
            float[] mean = new float[f], inv = new float[f], g = new float[f], b = new float[f], a = new float[f], mb = new float[f], mx = new float[f];
            for (int j = 0; j < f; j++) {
                mean[j] = (float) rnd.nextGaussian();
                inv[j] = 0.5f + rnd.nextFloat();
                g[j] = (float) rnd.nextGaussian();
                b[j] = (float) rnd.nextGaussian();
                a[j] = (float) rnd.nextGaussian();
                mb[j] = (float) rnd.nextGaussian();
                mx[j] = (float) rnd.nextGaussian();
            }
            double[] sum = new double[f], sumRef = new double[f], sq = new double[f], sqRef = new double[f], dMean = new double[f];
            double[] dg = new double[f], dgRef = new double[f], db = new double[f], dbRef = new double[f];
            float[] xh = new float[v.length], xhRef = new float[v.length], y = new float[v.length], yRef = new float[v.length], y2 = new float[v.length];
            float[] gx = new float[v.length], gxRef = new float[v.length];
            for (int j = 0; j < f; j++) dMean[j] = mean[j] + 1e-3 * j;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < f; j++) {
                    int i = r * f + j;
                    sumRef[j] += v[i];
                    double d = v[i] - dMean[j];
                    sqRef[j] += d * d;
                    float x = (v[i] - mean[j]) * inv[j];
                    xhRef[i] = x;
                    yRef[i] = x * g[j] + b[j];
                    dgRef[j] += gy[i] * xhRef[i];
                    dbRef[j] += gy[i];
                    gxRef[i] = a[j] * (gy[i] - mb[j] - xhRef[i] * mx[j]);
                }
            }
            org.spikekit.compute.LaneKernels.addRows(v, 0, f, 0, rows, sum);
            BatchNorm.columnSquares(v, rows, f, dMean, sq);
            BatchNorm.normalize(v, rows, f, mean, inv, g, b, xh, y);
            BatchNorm.normalize(v, rows, f, mean, inv, g, b, null, y2);
            BatchNorm.columnGrads(gy, xhRef, rows, f, dg, db);
            BatchNorm.inputGrad(gy, xhRef, rows, f, a, mb, mx, gx);
            org.junit.jupiter.api.Assertions.assertArrayEquals(sumRef, sum, 0, "column sums, f " + f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(sqRef, sq, 0, "squared deviations, f " + f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(xhRef, xh, 0, "xhat, f " + f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(yRef, y, 0, "y, f " + f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(yRef, y2, 0, "y without xhat, f " + f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(dgRef, dg, 0, "dgamma, f " + f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(dbRef, db, 0, "dbeta, f " + f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(gxRef, gx, 0, "dx, f " + f);
        }
    }

    @Test
    void normalisesOverAllLeadingAxesAndTracksRunningStatistics() {
        BatchNorm bn = new BatchNorm(be, "bn", 2);
        // feature 0: 1, 2, 3, 6 (mean 3, biased var 3.5, unbiased 14/3); feature 1: constant 5
        float[] x = {1, 5, 2, 5, 3, 5, 6, 5};
        float[] y = be.toHost(bn.forward(be.fromHost(x, 2, 2, 2), Tape.training(1)));
        double inv = 1 / Math.sqrt(3.5 + 1e-5);
        assertEquals((1 - 3) * inv, y[0], 1e-6);
        assertEquals((6 - 3) * inv, y[6], 1e-6);
        assertEquals(0, y[1], 1e-6);
        float[] rm = be.toHost(bn.runningMean().value()), rv = be.toHost(bn.runningVar().value());
        assertEquals(0.1 * 3, rm[0], 1e-6);
        assertEquals(0.1 * 5, rm[1], 1e-6);
        assertEquals(0.9 + 0.1 * 14.0 / 3, rv[0], 1e-6);
        assertEquals(0.9, rv[1], 1e-6);
        // evaluation uses the running statistics and leaves them alone
        float[] e = be.toHost(bn.forward(be.fromHost(new float[] {0.3f, 0.5f}, 1, 2), Tape.inference()));
        assertEquals((0.3 - rm[0]) / Math.sqrt(rv[0] + 1e-5), e[0], 1e-6);
        assertEquals(0.3f, be.toHost(bn.runningMean().value())[0], 1e-6);
    }

    @Test
    void runningStatisticsAreFrozenParametersCarriedByCheckpoints() {
        BatchNorm bn = new BatchNorm(be, "ms0.in.bn", 3);
        assertEquals(4, bn.parameters().size());
        assertEquals(2, bn.trainableParameters().size());
        assertEquals("ms0.in.bn.runningMean", bn.runningMean().name());
        assertFalse(bn.runningVar().trainable());
        assertEquals(1f, be.toHost(bn.runningVar().value())[2]);
    }

    @Test
    void badInputIsRejected() {
        BatchNorm bn = new BatchNorm(be, "ff.bn", 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(be.zeros(2, 4), Tape.training(1)));
        assertTrue(e.getMessage().contains("BatchNorm ff.bn") && e.getMessage().contains("[..., 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bn.forward(be.zeros(1, 3), Tape.training(1)));
        assertTrue(e.getMessage().contains("more than 1 value"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm(be, "b", 3, 0f, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm(be, "b", 3, 1e-5f, 1.5f));
    }
}
