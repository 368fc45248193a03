package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * Readout: hand-computed trajectories (synaptic delay 1 and 2), host loop vs primitive reference,
 * gradients (parameters, input, initial state incl. its pending input) vs finite differences.
 */
class LeakyReadoutTest {
    final Backend be = new CpuBackend();
    static final int T = 6, B = 2, IN = 4, O = 2;

    static ReadoutParams twoHeads(int delay) {
        return new ReadoutParams(List.of(new ReadoutParams.Head(50e-3, 10e-3), new ReadoutParams.Head(20e-3, 5e-3)),
                4e-3, -0.01f, 1f, true, delay);
    }

    @ParameterizedTest(name = "delay={0}")
    @ValueSource(ints = {1, 2})
    void oneUnitTrajectoryByHand(int delay) {
        ReadoutParams rp = new ReadoutParams(List.of(new ReadoutParams.Head(20e-3, 10e-3)), 4e-3, -0.01f,
                Timescales.RAW_FOR_BASE, true, delay);
        LeakyReadout ro = new LeakyReadout(be, "ro", 1, 1, rp, 1L);
        be.fill(ro.w().value(), 0.5f);
        Tensor x = be.fromHost(new float[] {1, 0, 1, 1, 0, 0}, 6, 1, 1);
        LeakyReadout.Output out = ro.forward(x, ro.initialState(1), false);
        float[] y = be.toHost(out.y());
        double bm = Math.exp(-4.0 / 20), bs = Math.exp(-4.0 / 10);
        double Y = -0.01, I = 0;
        double[] xs = {1, 0, 1, 1, 0, 0};
        for (int n = 0; n < 6; n++) {
            double yn = bm * Y + (1 - bm) * I;
            I = bs * I + 0.5 * (delay == 1 ? xs[n] : n == 0 ? 0 : xs[n - 1]);
            Y = yn;
            assertEquals(Y, y[n], 1e-6, "delay " + delay + ": Y[" + (n + 1) + "]");
        }
        assertEquals(delay == 2 ? 0.5 * xs[5] : 0, be.toHost(out.last().pending())[0], 0.0, "pending after the sequence");
    }

    @ParameterizedTest(name = "delay={0}")
    @ValueSource(ints = {1, 2})
    void hostLoopMatchesReferenceAndFiniteDifferences(int delay) {
        LeakyReadout host = new LeakyReadout(be, "ro", IN, O, twoHeads(delay), 7L, true);
        LeakyReadout ref = new LeakyReadout(be, "ro", IN, O, twoHeads(delay), 7L, false);
        Random r = new Random(3);
        float[] p = new float[host.units()], xv = new float[T * B * IN], gy = new float[T * B * O];
        for (int i = 0; i < p.length; i++) p[i] = (float) r.nextDouble();
        for (int i = 0; i < xv.length; i++) xv[i] = r.nextDouble() < 0.4 ? 1f : 0f;
        for (int i = 0; i < gy.length; i++) gy[i] = (float) r.nextGaussian();
        for (LeakyReadout m : List.of(host, ref)) be.copy(be.fromHost(p, p.length), m.tauMemRaw().value());
        Tensor x = be.fromHost(xv, T, B, IN), g = be.fromHost(gy, T, B, O);
        ReadoutState s0 = host.initialState(B);
        be.randUniform(s0.pending(), 5, -0.5f, 0.5f);
        ReadoutState gLast = host.initialState(B);
        be.fill(gLast.y(), 0f);
        be.randNormal(gLast.pending(), 6, 0f, 1f);
        LeakyReadout.Output oh = host.forward(x, s0, true), or = ref.forward(x, s0, true);
        Close.assertClose("y", be.toHost(oh.y()), be.toHost(or.y()), 1e-6);
        Close.assertClose("pending[T]", be.toHost(oh.last().pending()), be.toHost(or.last().pending()), 1e-6);
        LeakyReadout.Grads gh = host.backward(oh.tape(), g, gLast), gr = ref.backward(or.tape(), g, gLast);
        Close.assertClose("dx", be.toHost(gh.gradInput()), be.toHost(gr.gradInput()), 1e-5);
        Close.assertClose("dy0", be.toHost(gh.gradState0().y()), be.toHost(gr.gradState0().y()), 1e-5);
        Close.assertClose("dpending0", be.toHost(gh.gradState0().pending()), be.toHost(gr.gradState0().pending()), 1e-5);
        for (int k = 0; k < 3; k++) {
            Close.assertClose("param " + k, be.toHost(host.parameters().get(k).grad()),
                    be.toHost(ref.parameters().get(k).grad()), 1e-5);
        }
        // finite differences (float forward, loss = Σ gy·y, accumulated in double) on every parameter
        for (var prm : host.parameters()) {
            float[] val = be.toHost(prm.value()), an = be.toHost(prm.grad());
            double[] fd = new double[val.length];
            float h = 1e-2f;
            for (int e = 0; e < val.length; e++) {
                float keep = val[e];
                val[e] = keep + h; be.copy(be.fromHost(val, prm.shape()), prm.value());
                double lp = loss(host, x, s0, g, gLast);
                val[e] = keep - h; be.copy(be.fromHost(val, prm.shape()), prm.value());
                double lm = loss(host, x, s0, g, gLast);
                val[e] = keep; be.copy(be.fromHost(val, prm.shape()), prm.value());
                fd[e] = (lp - lm) / (2 * h);
            }
            Close.assertClose("FD " + prm.name(), an, fd, 2e-3);
        }
        // the input and the initial pending input (where the delay's shift lives)
        for (Tensor t : List.of(x, s0.pending())) {
            float[] val = be.toHost(t);
            float[] an = be.toHost(t == x ? gh.gradInput() : gh.gradState0().pending());
            double[] fd = new double[val.length];
            float h = 1e-2f;
            for (int e = 0; e < val.length; e++) {
                float keep = val[e];
                val[e] = keep + h; be.copy(be.fromHost(val, t.shape()), t);
                double lp = loss(host, x, s0, g, gLast);
                val[e] = keep - h; be.copy(be.fromHost(val, t.shape()), t);
                double lm = loss(host, x, s0, g, gLast);
                val[e] = keep; be.copy(be.fromHost(val, t.shape()), t);
                fd[e] = (lp - lm) / (2 * h);
            }
            Close.assertClose("FD " + (t == x ? "input" : "pending0"), an, fd, 2e-3);
        }
    }

    /** Σ gy·y + Σ gLast.pending·pending[T]. */
    private double loss(LeakyReadout m, Tensor x, ReadoutState s0, Tensor gy, ReadoutState gLast) {
        LeakyReadout.Output o = m.forward(x, s0, false);
        return be.dot(o.y(), gy) + be.dot(o.last().pending(), gLast.pending());
    }
}
