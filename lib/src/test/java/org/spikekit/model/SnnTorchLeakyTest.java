package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.spikekit.neuron.SnnTorchLeaky;
import org.spikekit.neuron.Surrogate;

/**
 * snnTorch Leaky recurrences (one assertion per reset mechanism, as snnTorch's own tests state them),
 * the surrogate derivatives against finite differences of their smooth primitives, and the Leaky
 * backward against a double-precision reference (finite differences with a smooth spike and an
 * undetached reset; forward-mode derivatives with the snnTorch surrogates and a detached reset).
 */
class SnnTorchLeakyTest {

    @Test
    void recurrencesOfTheThreeResetMechanisms() {
        float[] cur = {0.8f, 0.5f, 0.1f, 0.9f};
        float[] mem = new float[4], spk = new float[4];
        Surrogate fs = Surrogate.snnTorchFastSigmoid(20f);
        // subtract (β 0.5, θ 0.5): U = βU' + I − θ·Θ(U' − θ)
        new SnnTorchLeaky(0.5f, 0.5f, SnnTorchLeaky.Reset.SUBTRACT, fs, true).forward(cur, 4, 1, mem, spk);
        assertArrayEquals(new float[] {0.8f, 0.4f + 0.5f - 0.5f, 0.2f + 0.1f, 0.15f + 0.9f}, mem, 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0, 1}, spk);
        // zero (β 0.96, θ 1): U = (βU' + I)·(1 − Θ(U' − θ))
        new SnnTorchLeaky(0.96f, 1f, SnnTorchLeaky.Reset.ZERO, fs, true).forward(new float[] {1.2f, 0.3f, 0.3f, 0.7f}, 4, 1, mem, spk);
        assertArrayEquals(new float[] {1.2f, 0f, 0.3f, 0.288f + 0.7f}, mem, 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0, 0}, spk);
        // none: U = βU' + I, spikes still reported
        new SnnTorchLeaky(0.5f, 1f, SnnTorchLeaky.Reset.NONE, fs, true).forward(new float[] {2f, 0f, 0f, 0f}, 4, 1, mem, spk);
        assertArrayEquals(new float[] {2f, 1f, 0.5f, 0.25f}, mem, 0f);
        assertArrayEquals(new float[] {1, 0, 0, 0}, spk, "Θ is strict: U = θ does not spike");
    }

    /**
     * {@link SnnTorchLeaky#forward} (with the step spike: the Vector API loop) gives, element by
     * element, the bits of the written-out update {@link SnnTorchLeaky#next} and {@link Surrogate#spike},
     * for every reset, widths around the vector length and membranes at, below and above θ.
     */
    @Test
    void sequenceKernelHasTheBitsOfTheOneNeuronUpdate() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (SnnTorchLeaky.Reset reset : SnnTorchLeaky.Reset.values()) {
            for (Surrogate sg : new Surrogate[] {Surrogate.snnTorchFastSigmoid(25f), Surrogate.snnTorchAtan(2f)}) {
                SnnTorchLeaky n = new SnnTorchLeaky(0.85f, 0.7f, reset, sg, true);
                for (int width : new int[] {1, 7, 8, 15, 16, 17, 33}) {
                    int steps = 12;
                    float[] cur = new float[steps * width];
                    for (int k = 0; k < cur.length; k++) cur[k] = r.nextInt(8) == 0 ? 0.7f : (float) (r.nextDouble() * 1.2 - 0.3);
                    float[] mem = new float[cur.length], spk = new float[cur.length], mem2 = new float[cur.length];
                    n.forward(cur, steps, width, mem, spk);
                    n.forward(cur, steps, width, mem2, null);
                    for (int s = 0; s < steps; s++) {
                        for (int k = 0; k < width; k++) {
                            int e = s * width + k;
                            float u = n.next(s == 0 ? 0f : mem[e - width], cur[e]);
                            String at = reset + " " + sg.kind() + " width " + width + " step " + s + " neuron " + k;
                            assertEquals(Float.floatToRawIntBits(u), Float.floatToRawIntBits(mem[e]), at);
                            assertEquals(Float.floatToRawIntBits(sg.spike(u - 0.7f)), Float.floatToRawIntBits(spk[e]), at + " spike");
                            assertEquals(Float.floatToRawIntBits(u), Float.floatToRawIntBits(mem2[e]), at + " without spikes out");
                        }
                    }
                }
            }
        }
    }

    @Test
    void independentNeuronsAreStepMajor() {
        SnnTorchLeaky n = new SnnTorchLeaky(0.5f, 1f, SnnTorchLeaky.Reset.NONE, Surrogate.snnTorchAtan(2f), true);
        float[] mem = new float[6];
        n.forward(new float[] {1, 2, 3, 0, 0, 0}, 2, 3, mem, null);
        assertArrayEquals(new float[] {1, 2, 3, 0.5f, 1, 1.5f}, mem, 0f);
        assertThrows(IllegalArgumentException.class, () -> n.forward(new float[5], 2, 3, mem, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SnnTorchLeaky(1.5f, 1f, SnnTorchLeaky.Reset.NONE, Surrogate.snnTorchAtan(2f), true));
        assertTrue(e.getMessage().contains("beta") && e.getMessage().contains("[0, 1]"), e.getMessage());
    }

    @Test
    void surrogateDerivativesMatchFiniteDifferencesOfTheirPrimitives() {
        double h = 1e-6;
        List<Surrogate> fns = List.of(Surrogate.snnTorchAtan(2f), Surrogate.snnTorchAtan(0.7f), Surrogate.snnTorchFastSigmoid(20f),
                Surrogate.snnTorchFastSigmoid(3f), Surrogate.smoothSigmoid(4f));
        for (Surrogate s : fns) {
            for (double x = -1.5; x <= 1.5; x += 0.0137) {
                if (s.kind() == Surrogate.Kind.SUPERSPIKE && Math.abs(x) < 2 * h) continue;   // |x| kink
                double fd = (s.primitiveD(x + h) - s.primitiveD(x - h)) / (2 * h);
                double g = s.gradD(x);
                assertEquals(fd, g, 1e-6 * Math.max(1, Math.abs(g)), s + " at x = " + x);
                assertEquals(g, s.grad((float) x), 1e-6 * Math.max(1, g), s + " float derivative at x = " + x);
            }
        }
        assertEquals(1.0, Surrogate.snnTorchAtan(2f).gradD(0), 0.0, "atan peak α/2");
        assertEquals(1.0, Surrogate.snnTorchFastSigmoid(20f).gradD(0), 0.0, "fast sigmoid peak 1");
        assertEquals(1f, Surrogate.snnTorchAtan(2f).spike(1e-7f));
        assertEquals(0f, Surrogate.snnTorchAtan(2f).spike(0f));
    }

    /** Double reference of the Leaky, over Dual numbers; loss = Σ cS·S + Σ cU·U. */
    static Dual loss(SnnTorchLeaky n, Dual[] cur, int steps, int width, double[] cS, double[] cU) {
        Dual l = Dual.ZERO;
        for (int k = 0; k < width; k++) {
            Dual mem = Dual.ZERO;
            for (int s = 0; s < steps; s++) {
                Dual[] st = SnnReference.leakyStep(n, mem, cur[s * width + k]);
                mem = st[0];
                l = l.add(st[1].scale(cS[s * width + k])).add(mem.scale(cU[s * width + k]));
            }
        }
        return l;
    }

    @ParameterizedTest(name = "{0} {1} detach={2}")
    @CsvSource({
            "SUBTRACT,smooth_sigmoid,false", "ZERO,smooth_sigmoid,false", "NONE,smooth_sigmoid,false",
            "SUBTRACT,smooth_sigmoid,true", "ZERO,smooth_sigmoid,true",
            "SUBTRACT,atan,true", "ZERO,fast_sigmoid,true", "NONE,atan,true"})
    void backwardMatchesDoubleReference(SnnTorchLeaky.Reset reset, String spike, boolean detach) {
        int steps = 9, width = 4;
        Surrogate fn = Surrogate.of(spike, spike.equals("fast_sigmoid") ? 20f : spike.equals("atan") ? 2f : 4f);
        SnnTorchLeaky n = new SnnTorchLeaky(0.8f, 0.5f, reset, fn, detach);
        Random r = new Random(5);
        double[] cur = new double[steps * width], cS = new double[cur.length], cU = new double[cur.length];
        for (int i = 0; i < cur.length; i++) {
            cur[i] = (float) (-0.3 + 0.9 * r.nextDouble());
            cS[i] = (float) (2 * r.nextDouble() - 1);
            cU[i] = (float) (2 * r.nextDouble() - 1);
        }
        float[] fc = GradCheck.f(cur), mem = new float[cur.length], spk = new float[cur.length], g = new float[cur.length];
        n.forward(fc, steps, width, mem, spk);
        n.backward(fc, mem, steps, width, GradCheck.f(cS), GradCheck.f(cU), g);
        List<double[]> args = new ArrayList<>(List.of(cur));
        GradCheck.Fn f = a -> loss(n, a.get(0), steps, width, cS, cU);
        double[] fwd = GradCheck.forwardMode(f, args, 0);
        double err = GradCheck.assertClose("dL/dI vs forward-mode reference", GradCheck.d(g), fwd, 1e-5);
        if (!detach) {
            double[] fd = GradCheck.finiteDifferences(f, args, 0, 1e-6);
            GradCheck.assertClose("forward-mode reference vs central differences", fwd, fd, 1e-7);
            GradCheck.assertClose("dL/dI vs central differences", GradCheck.d(g), fd, 1e-5);
        }
        if (fn.binaryForward()) {
            double rate = 0;
            for (float s : spk) rate += s;
            rate /= spk.length;
            assertTrue(rate > 0.1 && rate < 0.9, "the problem should spike sometimes, rate " + rate);
        }
        System.out.printf("grad-check SnnTorchLeaky %s %s detach=%s: max rel err %.2e%n", reset, spike, detach, err);
    }
}
