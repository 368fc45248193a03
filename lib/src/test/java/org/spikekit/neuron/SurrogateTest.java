package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.spikekit.nn.ParametricLif;

/**
 * The one surrogate family: every kind's derivative against its primitive or closed form, the
 * documented peaks and forward conventions, and the factories against the formulas of the classes
 * they replaced ({@code nn.SpikeFunction}, {@code model.SnnTorchSpike}), bit for bit.
 */
class SurrogateTest {

    /** Every kind at a few scales, STEP forward. */
    private static List<Surrogate> all() {
        return List.of(Surrogate.superSpike(20f), Surrogate.superSpike(3f), Surrogate.sigmoid(4f), Surrogate.sigmoid(1.5f),
                Surrogate.triangle(0.5f), Surrogate.triangle(2f), Surrogate.boxcar(0.5f), Surrogate.boxcar(1.3f),
                Surrogate.multiGaussian(0.5f), Surrogate.multiGaussian(1.7f), Surrogate.snnTorchAtan(2f), Surrogate.snnTorchAtan(5f),
                Surrogate.snnTorchAtan(0.7f));
    }

    @Test
    void everyKindIsCovered() {
        assertEquals(Surrogate.Kind.values().length, all().stream().map(Surrogate::kind).distinct().count());
    }

    @Test
    void gradIsTheDerivativeOfThePrimitive() {
        for (Surrogate s : all()) {
            if (s.kind() == Surrogate.Kind.MULTI_GAUSSIAN) continue;   // no erf in java.lang.Math: closed form below
            double w = s.scale(), peak = s.gradD(0);
            for (double x = -3.013; x <= 3; x += 0.0173) {
                double h = 1e-6;
                // kinks of |x| at 0 and the corners of the triangle and the boxcar at ±s
                if (Math.abs(x) < 2 * h || Math.abs(Math.abs(x) - w) < 2 * h) continue;
                double fd = (s.primitiveD(x + h) - s.primitiveD(x - h)) / (2 * h);
                assertEquals(fd, s.gradD(x), 1e-6 * Math.max(1, peak), s + " at x=" + x);
                assertEquals(s.gradD(x), s.grad((float) x), 2e-6 * Math.max(1, peak), s + " float at x=" + x);
            }
        }
    }

    private static double normal(double x, double mu, double sigma) {
        double z = (x - mu) / sigma;
        return Math.exp(-z * z / 2) / (Math.sqrt(2 * Math.PI) * sigma);
    }

    @Test
    void multiGaussianIsTheBlocksMixture() {
        for (float sigma : new float[] {0.5f, 1.7f}) {
            Surrogate s = Surrogate.multiGaussian(sigma);
            // Blocks MG.backward: gamma·[(1+h)N(x;0,lens) − h N(x;lens,6 lens) − h N(x;−lens,6 lens)], h=0.15, gamma=0.5
            DoubleUnaryOperator closed = x -> 0.5 * (1.15 * normal(x, 0, sigma) - 0.15 * normal(x, sigma, 6.0 * sigma)
                    - 0.15 * normal(x, -sigma, 6.0 * sigma));
            for (double x = -4; x <= 4; x += 0.01) assertEquals(closed.applyAsDouble(x), s.gradD(x), 1e-12, s + " at " + x);
            // total mass γ·(1 + h − h − h) = 0.425 (Simpson over ±60σ, 12000 panels)
            int m = 12000;
            double a = -60 * sigma, step = 120.0 * sigma / m, sum = s.gradD(a) + s.gradD(-a);
            for (int i = 1; i < m; i++) sum += (i % 2 == 1 ? 4 : 2) * s.gradD(a + i * step);
            assertEquals(0.425, sum * step / 3, 1e-9, s + " mass");
            // documented peak γ·(1 + h − (h/3)e^{−1/72})/(√(2π)σ)
            assertEquals(0.5 * (1.15 - 0.05 * Math.exp(-1.0 / 72)) / (Math.sqrt(2 * Math.PI) * sigma), s.gradD(0), 1e-12);
            assertThrows(UnsupportedOperationException.class, () -> s.primitiveD(0));
        }
        assertEquals(0.4391, Surrogate.multiGaussian(0.5f).gradD(0), 1e-4);
    }

    @Test
    void peaksFollowTheDocumentedScaleConvention() {
        assertEquals(1.0, Surrogate.superSpike(20f).gradD(0), 0);
        assertEquals(0.25, Surrogate.superSpike(20f).gradD(0.05), 1e-15);          // 1/(20·0.05 + 1)²
        assertEquals(1.0, Surrogate.sigmoid(4f).gradD(0), 0);                      // s/4
        assertEquals(1.0, Surrogate.triangle(0.5f).gradD(0), 0);
        assertEquals(0.0, Surrogate.triangle(0.5f).gradD(0.5), 0);
        assertEquals(1.0, Surrogate.boxcar(0.5f).gradD(0.5), 0);                   // (−s, s]
        assertEquals(0.0, Surrogate.boxcar(0.5f).gradD(-0.5), 0);
        assertEquals(1.0, Surrogate.snnTorchAtan(2f).gradD(0), 0);                 // s/2
        assertEquals(1f, Surrogate.spikingJellyAtan().grad(0f), 0);
        assertEquals(2.5f, Surrogate.spikingJellyAtan(5f).grad(0f), 0);
        double z = Math.PI / 2 * 2 * 0.3;
        assertEquals(1.0 / (1 + z * z), Surrogate.spikingJellyAtan().gradD(0.3), 1e-15);
        assertEquals(Math.atan(z) / Math.PI + 0.5, Surrogate.spikingJellyAtan().primitiveD(0.3), 1e-15);
        assertEquals(0.5, Surrogate.spikingJellyAtan().primitiveD(0), 0);
    }

    @Test
    void forwardConventions() {
        Surrogate step = Surrogate.snnTorchAtan(2f), atZero = Surrogate.spikingJellyAtan();
        for (Surrogate s : List.of(step, atZero)) {
            assertEquals(1f, s.spike(1e-7f));
            assertEquals(1f, s.spike(Float.MAX_VALUE));
            assertEquals(0f, s.spike(-Float.MIN_VALUE));
            assertEquals(0f, s.spike(-1e-6f));
        }
        assertEquals(0f, step.spike(0f));                   // snnTorch (input_ > 0), stork, Blocks gt(0)
        assertEquals(0f, step.spike(-0f));
        assertEquals(0.0, step.spikeD(0), 0);
        assertEquals(1f, atZero.spike(0f));                 // SpikingJelly heaviside (x >= 0)
        assertEquals(1f, atZero.spike(-0f));
        assertEquals(1.0, atZero.spikeD(0), 0);
        Surrogate smooth = Surrogate.smoothSigmoid(4f);
        assertEquals(Surrogate.Forward.SMOOTH, smooth.forward());
        assertEquals(Surrogate.Kind.SIGMOID, smooth.kind());
        assertEquals(smooth, Surrogate.sigmoid(4f).asSmooth());
        for (float x = -2; x <= 2; x += 0.125f) {
            assertEquals(smooth.primitiveD(x), smooth.spike(x), 1e-7);
            assertEquals(atZero.primitiveD(x), atZero.asSmooth().spike(x), 1e-7);
            assertEquals((float) atZero.primitiveD(x), atZero.asSmooth().spike(x), 0);
        }
        assertEquals(false, smooth.binaryForward());
        assertEquals(true, atZero.binaryForward());
        assertEquals("atan(2.0, fires at x ≥ 0)", atZero.toString());
        assertEquals("superspike(20.0)", Surrogate.superSpike(20f).toString());
    }

    @Test
    void namesAndBadValues() {
        assertEquals(new Surrogate(Surrogate.Kind.ATAN, 2f, Surrogate.Forward.STEP), Surrogate.of("ArcTan", 2f));
        assertEquals(Surrogate.snnTorchAtan(2f), Surrogate.of("atan", 2f));
        assertEquals(Surrogate.snnTorchFastSigmoid(20f), Surrogate.of("fast_sigmoid", 20f));
        assertEquals(Surrogate.superSpike(20f), Surrogate.snnTorchFastSigmoid(20f));   // one kind, one convention
        assertEquals(Surrogate.smoothSigmoid(4f), Surrogate.of("smooth-sigmoid", 4f));
        assertEquals(Surrogate.spikingJellyAtan(), Surrogate.spikingJelly("ATan"));
        assertEquals(Surrogate.spikingJellySigmoid(), Surrogate.spikingJelly("sigmoid"));
        assertEquals(4f, Surrogate.spikingJellySigmoid().scale());
        assertEquals(Surrogate.spikingJellyAtan(), Surrogate.spikingJellyAtan().asSmooth().withForward(Surrogate.Forward.STEP_AT_ZERO));
        assertThrows(IllegalArgumentException.class, () -> Surrogate.spikingJelly("relu"));
        assertThrows(IllegalArgumentException.class, () -> Surrogate.spikingJelly(null));
        assertThrows(IllegalArgumentException.class, () -> Surrogate.of("relu", 1f));
        assertThrows(IllegalArgumentException.class, () -> Surrogate.spikingJellyAtan(0f));
        assertThrows(IllegalArgumentException.class, () -> Surrogate.superSpike(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Surrogate(null, 2f));
        assertThrows(IllegalArgumentException.class, () -> new Surrogate(Surrogate.Kind.ATAN, 2f, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Surrogate.superSpike(20f).asSmooth());
        assertEquals(true, e.getMessage().contains("SMOOTH"), e.getMessage());
        // each model refuses a forward its kernels do not compute
        assertThrows(IllegalArgumentException.class, () -> LifParams.rsnn().withSurrogate(Surrogate.superSpike(20f).withForward(Surrogate.Forward.STEP_AT_ZERO)));
        assertThrows(IllegalArgumentException.class, () -> AlifParams.paper(0).withSurrogate(Surrogate.smoothSigmoid(4f)));
        assertThrows(IllegalArgumentException.class, () -> AlifParams.paper(0).withSurrogate(Surrogate.multiGaussian(0.5f).withForward(Surrogate.Forward.STEP_AT_ZERO)));
        assertThrows(IllegalArgumentException.class, () -> ParametricLif.Options.ltlif(2f, 1f).withSpike(Surrogate.snnTorchAtan(2f)));
    }

    // ---- the classes this family replaced, as formulas ----------------------------------------

    private static float[] points() {
        SplittableRandom r = new SplittableRandom(7);
        float[] p = new float[20000];
        int i = 0;
        for (float v : new float[] {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-30f, 1f, -1f, 100f, -100f}) p[i++] = v;
        for (int k = -2048; k <= 2048; k++) p[i++] = k / 256f;
        while (i < p.length) p[i++] = (float) (r.nextDouble(-6, 6) * Math.pow(10, r.nextInt(-4, 2)));
        return p;
    }

    private static void bits(float expected, float actual, String what) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), what + ": " + expected + " vs " + actual);
    }

    /** A replaced method as its formula: (scale, x) → value. */
    private interface Old { float at(float s, float x); }

    private static void same(String what, Old old, float[] scales, java.util.function.BiFunction<Float, Float, Float> now) {
        for (float s : scales) for (float x : points()) bits(old.at(s, x), now.apply(s, x), what + " s=" + s + " x=" + x);
    }

    /**
     * The formulas of {@code model.SnnTorchSpike} (snnTorch models: forward {@code x > 0}, backward
     * in double rounded to float) and of {@code nn.SpikeFunction} (SpikingJelly: forward {@code x ≥ 0}
     * without a branch, ATan backward in float, sigmoid in double, primitive in double), as they were
     * when this family replaced them; the factories and the call sites' methods must give the same
     * bits at 20000 points per scale.
     */
    @Test
    void factoriesReproduceTheReplacedClassesBitForBit() {
        float[] sc = {20f, 3f, 2f, 0.7f, 4f, 25f, 1.5f};
        // SnnTorchSpike FAST_SIGMOID
        same("fast_sigmoid spike", (s, x) -> x > 0 ? 1f : 0f, sc, (s, x) -> Surrogate.snnTorchFastSigmoid(s).spike(x));
        same("fast_sigmoid grad", (s, x) -> {
            double d = (double) s * Math.abs(x) + 1.0;
            return (float) (1.0 / (d * d));
        }, sc, (s, x) -> (float) Surrogate.snnTorchFastSigmoid(s).gradD(x));
        // SnnTorchSpike ATAN
        same("snnTorch atan spike", (s, x) -> x > 0 ? 1f : 0f, sc, (s, x) -> Surrogate.snnTorchAtan(s).spike(x));
        same("snnTorch atan grad", (s, x) -> {
            double u = Math.PI / 2 * s * x;
            return (float) ((double) s / 2 / (1.0 + u * u));
        }, sc, (s, x) -> (float) Surrogate.snnTorchAtan(s).gradD(x));
        // SnnTorchSpike SMOOTH_SIGMOID (and the former Surrogate.SMOOTH_SIGMOID: UnaryOp.SIGMOID of s·x + 0f)
        same("smooth sigmoid spike", (s, x) -> (float) (1.0 / (1.0 + Math.exp(-(double) (s * x)))), sc,
                (s, x) -> Surrogate.smoothSigmoid(s).spike(x));
        same("smooth sigmoid grad", (s, x) -> {
            double sg = 1.0 / (1.0 + Math.exp(-(double) s * x));
            return (float) ((double) s * sg * (1.0 - sg));
        }, sc, (s, x) -> Surrogate.smoothSigmoid(s).grad(x));
        // SpikeFunction ATAN / SIGMOID (nn.ParametricLif: spike, grad, smooth forward = (float) primitiveD)
        Old step = (s, x) -> 1 - (Float.floatToRawIntBits(x + 0f) >>> 31);
        same("SpikingJelly atan fire", step, sc, (s, x) -> Surrogate.spikingJellyAtan(s).spike(x));
        same("SpikingJelly sigmoid fire", step, sc, (s, x) -> Surrogate.spikingJellySigmoid(s).spike(x));
        same("SpikingJelly atan grad", (s, x) -> {
            float z = (float) (Math.PI / 2) * s * x;
            return s / 2f / (1f + z * z);
        }, sc, (s, x) -> Surrogate.spikingJellyAtan(s).grad(x));
        same("SpikingJelly atan smooth grad", (s, x) -> {
            float z = (float) (Math.PI / 2) * s * x;
            return s / 2f / (1f + z * z);
        }, sc, (s, x) -> Surrogate.spikingJellyAtan(s).asSmooth().grad(x));
        same("SpikingJelly sigmoid grad", (s, x) -> {
            double e = 1.0 / (1.0 + Math.exp(-(double) s * x));
            return (float) (s * e * (1 - e));
        }, sc, (s, x) -> Surrogate.spikingJellySigmoid(s).grad(x));
        same("SpikingJelly atan primitive", (s, x) -> (float) (Math.atan(Math.PI / 2 * s * x) / Math.PI + 0.5), sc,
                (s, x) -> (float) Surrogate.spikingJellyAtan(s).primitiveD(x));
        same("SpikingJelly atan smooth fire", (s, x) -> (float) (Math.atan(Math.PI / 2 * s * x) / Math.PI + 0.5), sc,
                (s, x) -> Surrogate.spikingJellyAtan(s).asSmooth().spike(x));
        same("SpikingJelly sigmoid primitive", (s, x) -> (float) (1.0 / (1.0 + Math.exp(-(double) s * x))), sc,
                (s, x) -> (float) Surrogate.spikingJellySigmoid(s).primitiveD(x));
    }
}
