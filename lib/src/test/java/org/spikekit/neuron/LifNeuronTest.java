package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * The LIF component: its pure step iterated equals the reference kernel bit for bit (the reference
 * iterates the same primitives), the fused host kernel within the tolerance of
 * {@code LifKernelEquivalenceTest} (2e-5 relative; spikes identical), and the scalar form with the
 * float32 precision policy equals the tensor step bit for bit, and so do its SIMD-lane forms. Gradients: {@code LifGradientCheckTest}.
 */
class LifNeuronTest {
    final Backend be = new CpuBackend();
    static final int T = 40, B = 3, N = 11;

    LifNeuron neuron(int delay, ResetMode reset) {
        Tensor bm = be.zeros(N), bs = be.zeros(N), th = be.zeros(N);
        be.randUniform(bm, 1L, 0.7f, 0.95f);
        be.randUniform(bs, 2L, 0.5f, 0.9f);
        be.randUniform(th, 3L, 0.8f, 1.2f);
        return new LifNeuron(LifParams.rsnn().withSynapticDelay(delay).withReset(reset, true), new LifCoeffs(bm, bs, th));
    }

    LifState start() {
        LifState s = LifState.zeros(be, B, N);
        be.randNormal(s.u(), 4L, 0f, 0.5f);
        be.randNormal(s.i(), 5L, 0f, 0.5f);
        be.randNormal(s.pending(), 6L, 0f, 0.5f);
        return s;
    }

    Tensor inputs() {
        Tensor x = be.zeros(T, B, N);
        be.randNormal(x, 7L, 0.25f, 0.6f);
        return x;
    }

    Tensor rec() {
        Tensor v = be.zeros(N, N);
        be.randNormal(v, 8L, 0f, 0.4f);
        return v;
    }

    static double rel(float[] a, float[] e) {
        double scale = 0, err = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int k = 0; k < e.length; k++) err = Math.max(err, Math.abs(a[k] - e[k]));
        return err / Math.max(scale, 1e-30);
    }

    @ParameterizedTest
    @CsvSource({"1, ZERO", "2, ZERO", "1, SUBTRACT", "2, SUBTRACT"})
    void iteratedStepEqualsTheReferenceKernelBitForBitAndTheFusedKernelClosely(int delay, ResetMode reset) {
        LifNeuron nn = neuron(delay, reset);
        LifState s0 = start();
        Tensor x = inputs(), v = rec();
        float[] x0 = be.toHost(x), u0 = be.toHost(s0.u());
        NeuronModel.Run<LifState> it = nn.iterate(s0, x, v);
        assertArrayEquals(x0, be.toHost(x), "step does not modify its input");
        assertArrayEquals(u0, be.toHost(s0.u()), "step does not modify its state");
        double rate = be.sum(it.spikes()) / ((double) T * B * N);
        assertTrue(rate > 0.02 && rate < 0.6, "the check covers spiking, rate " + rate);

        Tensor h = be.zeros(x.shape());
        be.copy(x, h);
        LifKernel.LifForward ref = new ReferenceLifKernel(be).forward(nn.params(), nn.coeffs(), h, v, s0, false);
        assertArrayEquals(be.toHost(ref.spikes()), be.toHost(it.spikes()), "spikes, reference");
        assertArrayEquals(be.toHost(ref.last().u()), be.toHost(it.last().u()), "U[T], reference");
        assertArrayEquals(be.toHost(ref.last().i()), be.toHost(it.last().i()), "I[T], reference");
        assertArrayEquals(be.toHost(ref.last().pending()), be.toHost(it.last().pending()), "pending, reference");

        NeuronModel.Run<LifState> fused = nn.sequence(s0, x, v);
        assertArrayEquals(be.toHost(it.spikes()), be.toHost(fused.spikes()), "spikes, fused kernel");
        assertTrue(rel(be.toHost(fused.last().u()), be.toHost(it.last().u())) <= 2e-5, "U[T], fused kernel");
        assertTrue(rel(be.toHost(fused.last().i()), be.toHost(it.last().i())) <= 2e-5, "I[T], fused kernel");
        assertTrue(rel(be.toHost(fused.last().pending()), be.toHost(it.last().pending())) <= 2e-5, "pending, fused kernel");
    }

    @ParameterizedTest
    @CsvSource({"ZERO", "SUBTRACT"})
    void scalarStepInFloat32EqualsTheTensorStepBitForBit(ResetMode reset) {
        LifNeuron nn = neuron(1, reset);
        LifState s0 = start();
        Tensor in = be.zeros(B, N);
        be.randNormal(in, 9L, 0.5f, 1f);
        be.fill(s0.pending(), 0f);
        be.randNormal(s0.u(), 10L, 0.6f, 0.8f);                       // about a third above threshold
        NeuronModel.Step<LifState> st = nn.step(s0, in, null);
        float[] u = be.toHost(s0.u()), i = be.toHost(s0.i()), x = be.toHost(in), s = be.toHost(st.spikes());
        float[] bm = be.toHost(nn.coeffs().betaMem()), bs = be.toHost(nn.coeffs().betaSyn()), th = be.toHost(nn.coeffs().theta());
        float[] obm = be.toHost(LifNeuron.oneMinusBetaMem(be, nn.coeffs()));
        float[] u1 = be.toHost(st.state().u()), i1 = be.toHost(st.state().i());
        int fired = 0;
        for (int r = 0; r < B; r++) {
            for (int k = 0; k < N; k++) {
                int e = r * N + k;
                fired += (int) s[e];
                assertEquals(u[e] - th[k] > 0 ? 1f : 0f, s[e], "spike " + e);
                float su = (float) LifNeuron.membrane(Precision.FP32, reset, bm[k], obm[k], th[k], u[e], i[e], s[e]);
                float si = (float) LifNeuron.current(Precision.FP32, bs[k], i[e], x[e]);
                assertEquals(Float.floatToIntBits(u1[e]), Float.floatToIntBits(su), "U at " + e);
                assertEquals(Float.floatToIntBits(i1[e]), Float.floatToIntBits(si), "I at " + e);
            }
        }
        assertTrue(fired > 0 && fired < B * N, "some but not all neurons fire: " + fired);
    }

    @Test
    void precisionPolicyRounds() {
        assertEquals(1.0 / 3, Precision.FP64.round(1.0 / 3));
        assertEquals((double) (float) (1.0 / 3), Precision.FP32.round(1.0 / 3));
        assertEquals(0.333251953125, Precision.FP16.round(1.0 / 3));              // nearest binary16 to 1/3
        assertEquals(Precision.FP16.round(Precision.FP16.round(0.1)), Precision.FP16.round(0.1));
    }

    @Test
    void badArgumentsAreNamed() {
        LifNeuron nn = neuron(2, ResetMode.ZERO);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> nn.step(LifState.zeros(be, B, N), be.zeros(B, N + 1), null));
        assertTrue(e.getMessage().contains("LIF step input"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LifNeuron(null, nn.coeffs()));
    }

    @ParameterizedTest
    @CsvSource({"ZERO", "SUBTRACT"})
    void laneFormsEqualTheFloat32ScalarFormBitForBit(ResetMode reset) {
        VectorSpecies<Float> sp = FloatVector.SPECIES_PREFERRED;
        int lanes = sp.length(), n = 64 * lanes;
        SplittableRandom r = new SplittableRandom(17L);
        float[] bm = new float[n], obm = new float[n], bs = new float[n], th = new float[n], u = new float[n], i = new float[n], x = new float[n];
        for (int k = 0; k < n; k++) {
            bm[k] = (float) (0.5 + 0.49 * r.nextDouble());
            obm[k] = 1f - bm[k];
            bs[k] = (float) (0.3 + 0.69 * r.nextDouble());
            th[k] = (float) (0.5 + r.nextDouble());
            u[k] = (float) (r.nextGaussian() * (k % 7 == 0 ? 1e3 : 1.5));   // some far from θ, some near it
            if (k % 11 == 0) u[k] = th[k];                                     // exactly at θ: no spike
            i[k] = (float) (r.nextGaussian() * 2);
            x[k] = k % 3 == 0 ? 0f : (float) r.nextGaussian();
        }
        int fired = 0;
        for (int j = 0; j < n; j += lanes) {
            FloatVector uv = FloatVector.fromArray(sp, u, j), iv = FloatVector.fromArray(sp, i, j), tv = FloatVector.fromArray(sp, th, j);
            FloatVector s = LifNeuron.spikeLanes(uv, tv);
            FloatVector un = LifNeuron.membraneLanes(reset, FloatVector.fromArray(sp, bm, j), FloatVector.fromArray(sp, obm, j), tv, uv, iv, s);
            FloatVector in = LifNeuron.currentLanes(FloatVector.fromArray(sp, bs, j), iv, FloatVector.fromArray(sp, x, j));
            long mask = LifNeuron.firesLanes(un, tv).toLong();
            for (int l = 0; l < lanes; l++) {
                int k = j + l;
                float sk = LifNeuron.fires(u[k], th[k]) ? 1f : 0f;
                fired += (int) sk;
                assertEquals(sk, s.lane(l), 0f, "spike, neuron " + k);
                float wantU = (float) LifNeuron.membrane(Precision.FP32, reset, bm[k], obm[k], th[k], u[k], i[k], sk);
                float wantI = (float) LifNeuron.current(Precision.FP32, bs[k], i[k], x[k]);
                assertEquals(Float.floatToRawIntBits(wantU), Float.floatToRawIntBits(un.lane(l)), "U, neuron " + k);
                assertEquals(Float.floatToRawIntBits(wantI), Float.floatToRawIntBits(in.lane(l)), "I, neuron " + k);
                assertEquals(LifNeuron.fires(wantU, th[k]), (mask >>> l & 1) == 1, "next spike, neuron " + k);
            }
        }
        assertTrue(fired > n / 10 && fired < n * 9 / 10, "both spiking and silent lanes, fired " + fired + " of " + n);
    }
}
