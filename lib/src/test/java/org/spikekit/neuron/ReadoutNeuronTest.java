package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * The readout component: its fused kernel (the host loop of {@link LeakyReadout}) and its primitive
 * reference both equal its pure step iterated, bit for bit, for several unit counts (multiples of 16
 * and not) and both synaptic delays; {@link LeakyReadout#forward} is the step iterated on its
 * currents x·W (the released bigRSNN readout: five heads, delay 2); the scalar forms (float32 policy
 * and float arithmetic) equal the tensor step bit for bit, and equal the LIF membrane update with
 * S = 0 in every precision (what {@code model.HalfRsnn} and {@code model.StreamingDecoder} called
 * before). Gradients: {@code LeakyReadoutTest}.
 */
class ReadoutNeuronTest {
    final Backend be = new CpuBackend();
    static final int T = 37, B = 3;

    ReadoutNeuron neuron(int units, int delay, long seed) {
        Tensor bm = be.zeros(units), bs = be.zeros(units);
        be.randUniform(bm, seed, 0.5f, 0.99f);
        be.randUniform(bs, seed + 1, 0.3f, 0.95f);
        return new ReadoutNeuron(ReadoutParams.bigRsnn().withSynapticDelay(delay), bm, bs);
    }

    ReadoutState start(int units, long seed) {
        ReadoutState s = ReadoutState.initial(be, B, units, -0.01f);
        be.randNormal(s.y(), seed, 0f, 0.5f);
        be.randNormal(s.i(), seed + 1, 0f, 0.5f);
        be.randNormal(s.pending(), seed + 2, 0f, 0.5f);
        return s;
    }

    /** Currents {@code [T, B, units]}: Gaussian, a quarter exactly zero (bins without spikes). */
    Tensor currents(int units, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] c = new float[T * B * units];
        for (int k = 0; k < c.length; k++) c[k] = r.nextDouble() < 0.25 ? 0f : (float) r.nextGaussian();
        return be.fromHost(c, T, B, units);
    }

    static void requireBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int k = 0; k < want.length; k++) {
            if (Float.floatToRawIntBits(want[k]) != Float.floatToRawIntBits(got[k])) {
                fail(what + " [" + k + "]: step iterated " + want[k] + " vs kernel " + got[k]);
            }
        }
    }

    static void requireSame(NeuronModel.Run<ReadoutState> want, Tensor y, ReadoutState last, String what) {
        Backend be = y.backend();
        requireBits(be.toHost(want.spikes()), be.toHost(y), what + " Y per bin");
        requireBits(be.toHost(want.last().y()), be.toHost(last.y()), what + " Y[T]");
        requireBits(be.toHost(want.last().i()), be.toHost(last.i()), what + " I[T]");
        requireBits(be.toHost(want.last().pending()), be.toHost(last.pending()), what + " pending[T]");
    }

    @ParameterizedTest(name = "units={0}, delay={1}")
    @CsvSource({"2, 2", "10, 2", "16, 2", "23, 2", "37, 2", "48, 2", "2, 1", "10, 1", "16, 1", "37, 1"})
    void fusedKernelAndReferenceEqualTheStepIteratedBitForBit(int units, int delay) {
        ReadoutNeuron nn = neuron(units, delay, 11L * units + delay);
        ReadoutState s0 = start(units, 5L * units);
        Tensor c = currents(units, 7L * units + delay);
        float[] c0 = be.toHost(c), y0 = be.toHost(s0.y()), p0 = be.toHost(s0.pending());

        NeuronModel.Run<ReadoutState> it = nn.iterate(s0, c, null);
        assertArrayEquals(c0, be.toHost(c), "the step does not modify its input");
        assertArrayEquals(y0, be.toHost(s0.y()), "the step does not modify its state");
        assertArrayEquals(p0, be.toHost(s0.pending()), "the step does not modify its pending input");
        if (delay == 2) {
            requireBits(be.toHost(c.slice0(T - 1)), be.toHost(it.last().pending()), "delay 2: the last bin's current is pending");
        } else {
            for (float v : be.toHost(it.last().pending())) assertEquals(0f, v, 0f, "delay 1: nothing pending");
        }

        NeuronModel.Run<ReadoutState> fused = nn.sequence(s0, c, null);
        assertArrayEquals(c0, be.toHost(c), "the kernel does not modify its input");
        assertArrayEquals(y0, be.toHost(s0.y()), "the kernel does not modify its state");
        requireSame(it, fused.spikes(), fused.last(), "host loop");

        for (boolean host : new boolean[] {true, false}) {
            Tensor h = be.zeros(c.shape()), y = be.zeros(c.shape());
            be.copy(c, h);
            ReadoutState st = s0.copy();
            LeakyReadout.recurrence(be, host, delay, nn.betaMem(), nn.betaSyn(), h, st, y, null, null);
            requireSame(it, y, st, host ? "host loop" : "primitive reference");
        }
    }

    @ParameterizedTest(name = "delay={0}")
    @CsvSource({"2", "1"})
    void moduleForwardIsTheStepIteratedOnItsCurrents(int delay) {
        int in = 40, outs = 2;
        ReadoutParams rp = ReadoutParams.bigRsnn().withSynapticDelay(delay);                 // as released: delay 2
        LeakyReadout ro = new LeakyReadout(be, "ro", in, outs, rp, 3L);
        be.randUniform(ro.tauMemRaw().value(), 4L, 0f, 2f);
        be.randUniform(ro.tauSynRaw().value(), 5L, 0f, 2f);
        SplittableRandom r = new SplittableRandom(6L);
        float[] xs = new float[T * B * in];
        for (int k = 0; k < xs.length; k++) xs[k] = r.nextDouble() < 0.1 ? 1f : 0f;
        Tensor x = be.fromHost(xs, T, B, in);
        ReadoutState s0 = ro.initialState(B);
        be.randNormal(s0.pending(), 7L, 0f, 0.3f);

        LeakyReadout.Output out = ro.forward(x, s0, false);

        int units = ro.units(), heads = rp.headCount();
        Tensor h = be.zeros(T, B, units);
        be.gemm(false, false, 1f, x, ro.w().value(), 0f, h);
        NeuronModel.Run<ReadoutState> it = ro.neuron().iterate(s0, h, null);
        float[] mean = new float[units * outs];
        for (int u = 0; u < units; u++) mean[u * outs + u % outs] = 1f / heads;
        Tensor want = be.zeros(T, B, outs);
        be.gemm(false, false, 1f, it.spikes(), be.fromHost(mean, units, outs), 0f, want);
        requireBits(be.toHost(want), be.toHost(out.y()), "prediction (mean of the heads)");
        requireBits(be.toHost(it.last().y()), be.toHost(out.last().y()), "Y[T]");
        requireBits(be.toHost(it.last().i()), be.toHost(out.last().i()), "I[T]");
        requireBits(be.toHost(it.last().pending()), be.toHost(out.last().pending()), "pending[T]");
    }

    @Test
    void scalarFormsEqualTheTensorStepBitForBit() {
        int units = 21;
        ReadoutNeuron nn = neuron(units, 1, 9L);
        ReadoutState s0 = start(units, 10L);
        be.fill(s0.pending(), 0f);
        Tensor in = be.zeros(B, units);
        be.randNormal(in, 12L, 0.2f, 1f);
        NeuronModel.Step<ReadoutState> st = nn.step(s0, in, null);
        float[] y = be.toHost(s0.y()), i = be.toHost(s0.i()), x = be.toHost(in);
        float[] bm = be.toHost(nn.betaMem()), bs = be.toHost(nn.betaSyn()), obm = be.toHost(nn.oneMinusBetaMem(be));
        float[] y1 = be.toHost(st.state().y()), i1 = be.toHost(st.state().i()), out = be.toHost(st.spikes());
        assertArrayEquals(y1, out, "the step's output is Y after the update");
        for (int r = 0; r < B; r++) {
            for (int k = 0; k < units; k++) {
                int e = r * units + k;
                assertEquals(Float.floatToRawIntBits(1f - bm[k]), Float.floatToRawIntBits(obm[k]), "1 − β_mem at " + k);
                float py = (float) ReadoutNeuron.output(Precision.FP32, bm[k], obm[k], y[e], i[e]);
                float pi = (float) ReadoutNeuron.current(Precision.FP32, bs[k], i[e], x[e]);
                assertEquals(Float.floatToRawIntBits(y1[e]), Float.floatToRawIntBits(py), "Y, FP32 policy, at " + e);
                assertEquals(Float.floatToRawIntBits(i1[e]), Float.floatToRawIntBits(pi), "I, FP32 policy, at " + e);
                assertEquals(Float.floatToRawIntBits(y1[e]), Float.floatToRawIntBits(ReadoutNeuron.output(bm[k], 1f - bm[k], y[e], i[e])),
                        "Y, float form, at " + e);
                assertEquals(Float.floatToRawIntBits(i1[e]), Float.floatToRawIntBits(ReadoutNeuron.current(bs[k], i[e], x[e])),
                        "I, float form, at " + e);
            }
        }
    }

    @Test
    void scalarFormIsTheLifMembraneWithoutSpikesInEveryPrecision() {
        SplittableRandom r = new SplittableRandom(13L);
        for (Precision pr : Precision.values()) {
            for (int k = 0; k < 20_000; k++) {
                double bm = pr.round(0.5 + 0.49 * r.nextDouble()), obm = pr.round(1 - bm), bs = pr.round(0.3 + 0.69 * r.nextDouble());
                double y = pr.round(r.nextGaussian() * (k % 5 == 0 ? 100 : 1)), i = pr.round(r.nextGaussian() * 3);
                double in = k % 4 == 0 ? 0 : pr.round(r.nextGaussian());
                double lifY = LifNeuron.membrane(pr, ResetMode.ZERO, bm, obm, 0, y, i, 0);
                double lifI = LifNeuron.current(pr, bs, i, in);
                assertEquals(Double.doubleToRawLongBits(lifY), Double.doubleToRawLongBits(ReadoutNeuron.output(pr, bm, obm, y, i)),
                        pr + ": Y for β_mem " + bm + ", Y " + y + ", I " + i);
                assertEquals(Double.doubleToRawLongBits(lifI), Double.doubleToRawLongBits(ReadoutNeuron.current(pr, bs, i, in)),
                        pr + ": I for β_syn " + bs + ", I " + i + ", in " + in);
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        ReadoutNeuron nn = neuron(4, 2, 1L);
        ReadoutState s = nn.initState(be, B, 4);
        assertArrayEquals(new float[] {-0.01f, -0.01f, -0.01f, -0.01f}, java.util.Arrays.copyOf(be.toHost(s.y()), 4), "Y[0] = y0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nn.step(s, be.zeros(B, 5), null));
        assertTrue(e.getMessage().contains("readout step input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> nn.step(s, be.zeros(B, 4), be.zeros(4, 4)));
        assertTrue(e.getMessage().contains("no recurrent weights"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> nn.sequence(s, be.zeros(T, B, 5), null));
        assertTrue(e.getMessage().contains("inputs must be [T, B, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ReadoutNeuron(null, nn.betaMem(), nn.betaSyn()));
        assertTrue(e.getMessage().contains("ReadoutNeuron.params"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ReadoutNeuron(nn.params(), nn.betaMem(), be.zeros(5)));
        assertTrue(e.getMessage().contains("betaSyn"), e.getMessage());
    }
}
