package org.spikekit.nn;

import org.spikekit.core.Tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.neuron.Surrogate;
import org.spikekit.nn.ParametricLif.Options;
import org.spikekit.nn.ParametricLif.Output;

class ParametricLifTest {
    private final Backend be = new CpuBackend();

    /** Inputs around the threshold so that neurons both fire and stay silent. */
    private Tensor input(long seed, int... shape) {
        Tensor x = be.zeros(shape);
        be.randNormal(x, seed, 0.4f, 0.8f);
        return x;
    }

    private static Options[] variants(Surrogate f) {
        Options base = Options.ltlif(2.5f, 0.6f).withSpike(f);
        return new Options[] {
            base,                                                  // LTLIF: hard reset 0, no input decay
            base.withDecayInput(true),                             // SSA/MLP neurons
            base.withHardReset(-0.2f),                             // non-zero reset potential
            base.withSoftReset(),
            base.withSoftReset().withDecayInput(true),
            base.withDetachReset(true),
            base.withSoftReset().withDetachReset(true),
            base.withOutput(Output.MEMBRANE),
            base.withSoftReset().withOutput(Output.MEMBRANE).withDecayInput(true),
        };
    }

    @Test
    void smoothModeGradientsMatchFiniteDifferences() {
        for (Surrogate f : new Surrogate[] {Surrogate.spikingJellyAtan().asSmooth(), Surrogate.spikingJellySigmoid().asSmooth()}) {
            int v = 0;
            for (Options o : variants(f)) {
                if (o.detachReset()) continue;   // a detached reset is not the derivative of the forward, even when smooth
                ParametricLif lif = new ParametricLif(be, "lif" + v++, 4, o);
                Tensor x = input(11 + v, 7, 3, 4);
                LayerCheck.Report r = LayerCheck.check(lif, x, () -> Tape.training(1), 1e-3, 1e-2, 40, true);
                assertTrue(r.worst() <= 1e-2, o + " " + r);
            }
        }
    }

    @Test
    void readoutGradientsMatchFiniteDifferences() {
        ParametricLif ro = new ParametricLif(be, "ro", 5, Options.readout(2f));
        LayerCheck.check(ro, input(3, 6, 2, 5), () -> Tape.training(1), 1e-2, 2e-3, 40, true);
        assertFalse(ro.thresholdParameter().trainable());
    }

    /** Plain per-neuron, per-step reference of SpikingJelly's multi-step ParametricLIF forward. */
    private static float[][] reference(float[] x, int steps, int n, Options o, float tau) {
        float[] s = new float[x.length], v = new float[x.length];
        for (int i = 0; i < n; i++) {
            float vr = o.softReset() ? 0f : o.vReset();
            float mem = vr;
            for (int t = 0; t < steps; t++) {
                float xt = x[t * n + i];
                float hh;
                if (o.decayInput()) hh = mem + (xt - (mem - vr)) / tau;
                else hh = mem - (mem - vr) / tau + xt;
                boolean spike = hh - o.vth0() >= 0;
                if (spike) mem = o.softReset() ? hh - o.vth0() : o.vReset();
                else mem = hh;
                s[t * n + i] = spike ? 1f : 0f;
                v[t * n + i] = mem;
            }
        }
        return new float[][] {s, v};
    }

    @Test
    void heavisideForwardMatchesStepByStepReference() {
        int v = 0;
        for (Options o : variants(Surrogate.spikingJellyAtan())) {
            ParametricLif lif = new ParametricLif(be, "lif" + v++, 6, o);
            Tensor x = input(40 + v, 30, 5, 6);
            float[] xs = be.toHost(x);
            float[] y = be.toHost(lif.forward(x, Tape.inference()));
            float[][] ref = reference(xs, 30, 30, o, o.tau0());
            float[] want = o.output() == Output.SPIKES ? ref[0] : ref[1];
            int spikes = 0;
            for (int i = 0; i < y.length; i++) {
                assertEquals(want[i], y[i], 1e-5, o + " element " + i);
                spikes += ref[0][i] > 0 ? 1 : 0;
            }
            assertTrue(spikes > 50 && spikes < y.length - 50, "reference should both fire and stay silent: " + spikes);
        }
    }

    /**
     * Forward-mode reference for the surrogate gradient with the real Heaviside forward: dual numbers
     * through the same recursion, with dS/dH replaced by the surrogate derivative.
     * Returns d(Σ out·R)/d{w, vth}.
     */
    private static double[] dualReference(float[] x, float[] rr, int steps, int n, Options o, double wv, double th) {
        Surrogate f = o.spike();
        double k = 1 / (1 + Math.exp(-wv)), dk = k * (1 - k);
        double vr = o.softReset() ? 0 : o.vReset();
        double gw = 0, gth = 0;
        for (int i = 0; i < n; i++) {
            double v = vr, dvw = 0, dvth = 0;
            for (int t = 0; t < steps; t++) {
                double xt = x[t * n + i];
                double h, dhw, dhth;
                if (o.decayInput()) {
                    h = v + (xt - (v - vr)) * k;
                    dhw = dvw + (xt - v + vr) * dk - dvw * k;
                } else {
                    h = v - (v - vr) * k + xt;
                    dhw = dvw - dvw * k + (vr - v) * dk;
                }
                dhth = dvth * (1 - k);
                double s = h - th >= 0 ? 1 : 0;
                double sg = f.grad((float) (h - th));
                double dsw = sg * dhw, dsth = sg * (dhth - 1);
                double dsResetW = o.detachReset() ? 0 : dsw, dsResetTh = o.detachReset() ? 0 : dsth;
                double nv, dnw, dnth;
                if (o.softReset()) {
                    nv = h - th * s;
                    dnw = dhw - th * dsResetW;
                    dnth = dhth - s - th * dsResetTh;
                } else {
                    nv = h * (1 - s) + vr * s;
                    dnw = dhw * (1 - s) + (vr - h) * dsResetW;
                    dnth = dhth * (1 - s) + (vr - h) * dsResetTh;
                }
                double r = rr[t * n + i];
                if (o.output() == Output.SPIKES) {
                    gw += r * dsw;
                    gth += r * dsth;
                } else {
                    gw += r * dnw;
                    gth += r * dnth;
                }
                v = nv;
                dvw = dnw;
                dvth = dnth;
            }
        }
        return new double[] {gw, gth};
    }

    @Test
    void surrogateGradientWithHeavisideForwardMatchesForwardModeReference() {
        int v = 0;
        for (Surrogate f : new Surrogate[] {Surrogate.spikingJellyAtan(), Surrogate.spikingJellySigmoid()}) {
            for (Options o : variants(f)) {
                // 36 neurons: whole vectors (the vectorised Heaviside-ATan path) and a scalar tail
                ParametricLif lif = new ParametricLif(be, "lif" + v++, 9, o);
                Tensor x = input(70 + v, 25, 4, 9);
                float[] rr = new float[x.sizeInt()];
                for (int i = 0; i < rr.length; i++) rr[i] = CounterRng.normal(5, i);
                Tape tape = Tape.training(1);
                lif.forward(x, tape);
                lif.zeroGrad();
                lif.backward(be.fromHost(rr, x.shape()), tape);
                double gw = be.toHost(lif.tauParameter().grad())[0], gth = be.toHost(lif.thresholdParameter().grad())[0];
                double[] ref = dualReference(be.toHost(x), rr, 25, 36, o, -Math.log(o.tau0() - 1.0), o.vth0());
                assertEquals(ref[0], gw, 1e-3 * (1 + Math.abs(ref[0])), o + " dL/dw");
                assertEquals(ref[1], gth, 1e-3 * (1 + Math.abs(ref[1])), o + " dL/dVth");
            }
        }
    }

    /**
     * The vectorised loops (whole vectors of neurons, Heaviside ATan) give the same bits as the
     * scalar loop, which runs each neuron alone here (one neuron is never a whole vector).
     */
    @Test
    void vectorisedStepsEqualTheScalarLoopBitForBit() {
        int v = 0;
        for (Options o : variants(Surrogate.spikingJellyAtan())) {
            int steps = 20, n = 67;
            Tensor x = input(90 + v, steps, n);
            float[] xs = be.toHost(x), rr = new float[xs.length];
            for (int i = 0; i < rr.length; i++) rr[i] = CounterRng.normal(9, i);
            ParametricLif all = new ParametricLif(be, "all" + v, n, o);
            Tape tape = Tape.training(1);
            float[] y = be.toHost(all.forward(x, tape));
            float[] gx = be.toHost(all.backward(be.fromHost(rr, steps, n), tape));
            double gw = be.toHost(all.tauParameter().grad())[0], gth = be.toHost(all.thresholdParameter().grad())[0];
            double sw = 0, sth = 0;
            for (int i = 0; i < n; i++) {
                float[] xi = new float[steps], ri = new float[steps];
                for (int t = 0; t < steps; t++) {
                    xi[t] = xs[t * n + i];
                    ri[t] = rr[t * n + i];
                }
                ParametricLif one = new ParametricLif(be, "one" + v + "_" + i, 1, o);
                Tape t1 = Tape.training(1);
                float[] yi = be.toHost(one.forward(be.fromHost(xi, steps, 1), t1));
                float[] gi = be.toHost(one.backward(be.fromHost(ri, steps, 1), t1));
                for (int t = 0; t < steps; t++) {
                    assertEquals(Float.floatToIntBits(yi[t]), Float.floatToIntBits(y[t * n + i]), o + " output, neuron " + i + " step " + t);
                    assertEquals(Float.floatToIntBits(gi[t]), Float.floatToIntBits(gx[t * n + i]), o + " dL/dx, neuron " + i + " step " + t);
                }
                sw += be.toHost(one.tauParameter().grad())[0];
                sth += be.toHost(one.thresholdParameter().grad())[0];
            }
            assertEquals(sw, gw, 1e-5 * (1 + Math.abs(sw)), o + " dL/dw");
            assertEquals(sth, gth, 1e-5 * (1 + Math.abs(sth)), o + " dL/dVth");
            v++;
        }
    }

    @Test
    void readoutIsALeakyIntegratorThatNeverResets() {
        ParametricLif ro = new ParametricLif(be, "ro", 2, Options.readout(2f));
        float[] x = {1, -1, 3, 0.5f, 0, 0, 2, 2};
        Tape tape = Tape.inference();
        float[] y = be.toHost(ro.forward(be.fromHost(x, 4, 2), tape));
        float[] want = new float[8];
        for (int i = 0; i < 2; i++) {
            float v = 0;
            for (int t = 0; t < 4; t++) {
                v = 0.5f * v + x[t * 2 + i];
                want[t * 2 + i] = v;
            }
        }
        for (int i = 0; i < 8; i++) assertEquals(want[i], y[i], 1e-6);
        assertEquals(2.0, ro.tau(), 1e-6);
        assertEquals(0, tape.activity().size(), "a membrane readout records no spikes");
    }

    @Test
    void initialisationFollowsSpikingJelly() {
        ParametricLif lif = new ParametricLif(be, "l", 3, Options.ltlif(1.1f, 0.75f));
        assertEquals(-Math.log(0.1), be.toHost(lif.tauParameter().value())[0], 1e-5);
        assertEquals(1.1, lif.tau(), 1e-5);
        assertEquals(0.75f, lif.threshold());
        assertEquals("l.w", lif.tauParameter().name());
        assertEquals("l.vth", lif.thresholdParameter().name());
        assertTrue(lif.thresholdParameter().trainable());
        assertFalse(new ParametricLif(be, "m", 3, Options.ltlif(2f, 0.75f).withLearnThreshold(false)).thresholdParameter().trainable());
    }

    @Test
    void learnableThresholdIsClampedInPlaceAndKeepsItsGradient() {
        ParametricLif lif = new ParametricLif(be, "l", 3, Options.ltlif(2f, 0.5f).withSpike(Surrogate.spikingJellyAtan().asSmooth()));
        be.fill(lif.thresholdParameter().value(), 0.02f);
        assertEquals(0.1f, lif.threshold());
        Tape tape = Tape.training(1);
        Tensor x = input(9, 5, 2, 3);
        lif.forward(x, tape);
        assertEquals(0.1f, be.toHost(lif.thresholdParameter().value())[0], "the stored threshold is projected onto [0.1, ∞)");
        lif.zeroGrad();
        Tensor ones = be.zeros(5, 2, 3);
        be.fill(ones, 1f);
        lif.backward(ones, tape);
        assertTrue(be.toHost(lif.thresholdParameter().grad())[0] < 0, "more threshold, fewer spikes: gradient stays live at the clamp");
        // a frozen threshold is used as is
        ParametricLif fixed = new ParametricLif(be, "f", 3, Options.ltlif(2f, 0.5f).withLearnThreshold(false));
        be.fill(fixed.thresholdParameter().value(), 0.02f);
        fixed.forward(x, Tape.inference());
        assertEquals(0.02f, be.toHost(fixed.thresholdParameter().value())[0]);
    }

    @Test
    void recordsSpikeCountsOnTheTape() {
        ParametricLif lif = new ParametricLif(be, "enc", 4, Options.ltlif(2f, 0.75f));
        Tape tape = Tape.inference();
        float[] y = be.toHost(lif.forward(input(2, 10, 3, 4), tape));
        double sum = 0;
        for (float v : y) sum += v;
        Tape.Activity a = tape.activity("enc");
        assertEquals(4, a.neurons());
        assertEquals(sum, a.spikes(), 1e-9);
        assertEquals(120, a.neuronSteps(), 1e-9);
        assertEquals(sum / 120, a.rate(), 1e-12);
        lif.forward(input(3, 10, 3, 4), tape);
        assertEquals(240, tape.activity("enc").neuronSteps(), 1e-9);
    }

    @Test
    void timeIsTheFirstAxisOnly() {
        // [T, B, S, F] and the same memory seen as [T, B·S·F/F..., F] give the same result
        ParametricLif lif = new ParametricLif(be, "l", 4, Options.ltlif(3f, 0.5f));
        Tensor x = input(8, 6, 2, 3, 4);
        float[] a = be.toHost(lif.forward(x, Tape.inference()));
        float[] b = be.toHost(lif.forward(x.reshape(6, 6, 4), Tape.inference()));
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i]);
        // folding time and batch ([T·B, S, F]) changes the dynamics
        float[] c = be.toHost(lif.forward(x.reshape(12, 3, 4), Tape.inference()));
        boolean differs = false;
        for (int i = 0; i < a.length; i++) differs |= a[i] != c[i];
        assertTrue(differs);
    }

    @Test
    void badInputAndOptionsAreRejected() {
        ParametricLif lif = new ParametricLif(be, "ms0.lif", 4, Options.ltlif(2f, 0.75f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lif.forward(be.zeros(3, 2, 5), Tape.inference()));
        assertTrue(e.getMessage().contains("ParametricLif ms0.lif") && e.getMessage().contains("[..., 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lif.forward(be.zeros(4), Tape.inference()));
        assertTrue(e.getMessage().contains("time-major"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Options.ltlif(1f, 0.75f));
        assertTrue(e.getMessage().contains("tau0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Options.ltlif(2f, 0.05f));
        assertTrue(e.getMessage().contains("vth0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ParametricLif(be, "x", 0, Options.ltlif(2f, 1f)));
    }
}
