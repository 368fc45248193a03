package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.spikekit.model.SnnTorchSpike;
import org.spikekit.nn.SpikeFunction;

class TmpOldClassesComparisonTest {
    static float[] points() {
        SplittableRandom r = new SplittableRandom(7);
        float[] p = new float[20000];
        int i = 0;
        for (float v : new float[] {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-30f, 1f, -1f, 100f, -100f}) p[i++] = v;
        for (int k = -2048; k <= 2048 && i < p.length; k++) p[i++] = k / 256f;
        while (i < p.length) p[i++] = (float) (r.nextDouble(-6, 6) * Math.pow(10, r.nextInt(-4, 2)));
        return p;
    }
    static void eqF(float a, float b, String what) { assertEquals(Float.floatToRawIntBits(a), Float.floatToRawIntBits(b), what + ": " + a + " vs " + b); }
    static void eqD(double a, double b, String what) { assertEquals(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b), what + ": " + a + " vs " + b); }

    @Test
    void snnTorch() {
        for (float s : new float[] {20f, 3f, 2f, 0.7f, 4f, 25f}) {
            SnnTorchSpike[] olds = {SnnTorchSpike.fastSigmoid(s), SnnTorchSpike.atan(s), SnnTorchSpike.smoothSigmoid(s)};
            Surrogate[] news = {Surrogate.snnTorchFastSigmoid(s), Surrogate.snnTorchAtan(s), Surrogate.smoothSigmoid(s)};
            for (int q = 0; q < 3; q++) {
                SnnTorchSpike o = olds[q]; Surrogate n = news[q];
                assertEquals(o.binaryForward(), n.binaryForward());
                for (float x : points()) {
                    String w = o + " x=" + x;
                    eqF(o.spike(x), n.spike(x), "spike " + w);
                    eqF(o.grad(x), (float) n.gradD(x), "grad " + w);
                    if (q != 1) eqF(o.grad(x), n.grad(x), "grad(float) " + w);
                    eqD(o.gradD(x), n.gradD(x), "gradD " + w);
                    eqD(o.spikeD(x), n.spikeD(x), "spikeD " + w);
                    eqD(o.primitiveD(x), n.primitiveD(x), "primitiveD " + w);
                }
            }
        }
    }

    @Test
    void spikingJelly() {
        int smoothSigDiff = 0, total = 0;
        for (float a : new float[] {2f, 5f, 1f, 4f, 1.5f, 0.7f}) {
            SpikeFunction[] olds = {SpikeFunction.atan(a), SpikeFunction.sigmoid(a)};
            Surrogate[] news = {Surrogate.spikingJellyAtan(a), Surrogate.spikingJellySigmoid(a)};
            for (int q = 0; q < 2; q++) {
                SpikeFunction o = olds[q]; Surrogate n = news[q];
                for (float x : points()) {
                    String w = o + " x=" + x;
                    eqF(o.fire(x), n.spike(x), "fire " + w);
                    eqF(o.grad(x), n.grad(x), "grad " + w);
                    eqF(o.asSmooth().grad(x), n.asSmooth().grad(x), "smooth grad " + w);
                    eqF(o.primitive(x), (float) n.primitiveD(x), "primitive " + w);
                    if (q == 0) eqF(o.asSmooth().fire(x), n.asSmooth().spike(x), "smooth fire " + w);
                    else { total++; if (Float.floatToRawIntBits(o.asSmooth().fire(x)) != Float.floatToRawIntBits(n.asSmooth().spike(x))) smoothSigDiff++; }
                }
            }
        }
        eqF(SpikeFunction.atan().grad(0.3f), Surrogate.spikingJellyAtan().grad(0.3f), "default atan");
        eqF(SpikeFunction.sigmoid().grad(0.3f), Surrogate.spikingJellySigmoid().grad(0.3f), "default sigmoid");
        System.out.println("SMOOTH SIGMOID forward differs at " + smoothSigDiff + " of " + total);
    }
}
