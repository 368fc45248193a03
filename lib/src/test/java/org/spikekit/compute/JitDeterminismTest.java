package org.spikekit.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Results of the cpu backend must not depend on whether the JIT has compiled a kernel yet: the
 * Vector API's EXP/LOG/TANH/LOG1P and {@code reduceLanes(ADD)} change their last bits once C2
 * compiles them, which made a training run resumed from a checkpoint drift from an uninterrupted
 * one. Transcendental maps therefore use the scalar reference and lane sums run in a fixed order.
 */
class JitDeterminismTest {

    @Test
    void transcendentalMapsEqualTheScalarReferenceBeforeAndAfterWarmUp() {
        CpuBackend be = new CpuBackend();
        int n = 1003;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (CounterRng.uniform(5L, i) - 0.5f) * 12f;
        Tensor in = be.fromHost(x, n), out = be.zeros(n);
        UnaryOp[] ops = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.SOFTPLUS};
        float[][] cold = new float[ops.length][];
        for (int k = 0; k < ops.length; k++) {
            be.map(ops[k], in, out);
            cold[k] = be.toHost(out);
        }
        double sumCold = be.sum(in), dotCold = be.dot(in, in);
        for (int w = 0; w < 4000; w++) {
            be.map(ops[w % ops.length], in, out);
            be.sum(in);
            be.dot(in, in);
        }
        for (int k = 0; k < ops.length; k++) {
            be.map(ops[k], in, out);
            float[] hot = be.toHost(out);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(ops[k].apply(x[i])), Float.floatToIntBits(hot[i]), ops[k] + " at " + x[i]);
                assertEquals(Float.floatToIntBits(cold[k][i]), Float.floatToIntBits(hot[i]), ops[k] + " cold vs warm at " + x[i]);
            }
        }
        assertEquals(Double.doubleToLongBits(sumCold), Double.doubleToLongBits(be.sum(in)));
        assertEquals(Double.doubleToLongBits(dotCold), Double.doubleToLongBits(be.dot(in, in)));
        be.close();
    }
}
