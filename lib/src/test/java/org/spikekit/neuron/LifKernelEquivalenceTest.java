package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * Holds every backend's LIF kernel ({@link LifKernel#forBackend}) and the fused host kernel to the
 * primitive reference: spikes, final state (incl. the pending input), input gradient, initial-state
 * gradient and every parameter gradient, with error ≤ 2e-5 relative to the scale of each tensor
 * (float summation order differs: gemm vs event-driven rows), for synaptic delays 1 and 2, with and
 * without a dropout mask on the recurrent path. N = 37 exercises full vectors and tails.
 */
class LifKernelEquivalenceTest {
    static final int T = 24, B = 5, IN = 7, N = 37;

    record Result(List<float[]> values) {}

    static Result run(Backend be, LifKernel kernel, LifParams lp, boolean recurrent, long seed) {
        return run(be, kernel, lp, recurrent, false, seed);
    }

    static Result run(Backend be, LifKernel kernel, LifParams lp, boolean recurrent, boolean masked, long seed) {
        RecurrentLifLayer layer = new RecurrentLifLayer(be, "h", IN, N, recurrent, lp, seed, kernel);
        be.affine(layer.w().value(), 2.5f, 0f, layer.w().value());
        Tensor x = be.zeros(T, B, IN);
        be.randBernoulli(x, seed + 1, 0.4f);
        LifState s0 = LifState.zeros(be, B, N);
        be.randUniform(s0.u(), seed + 2, -0.5f, 1.2f);
        be.randUniform(s0.pending(), seed + 5, -0.3f, 0.3f);
        Tensor mask = null;
        if (masked) {                                            // inverted dropout, p = 0.3
            mask = be.zeros(T, B, N);
            be.randBernoulli(mask, seed + 6, 0.7f);
            be.affine(mask, 1f / 0.7f, 0f, mask);
        }
        RecurrentLifLayer.Output out = layer.forward(x, mask, s0, true);
        Tensor gS = be.zeros(T, B, N);
        be.randNormal(gS, seed + 3, 0f, 1f);
        LifState gl = LifState.zeros(be, B, N);
        be.randNormal(gl.u(), seed + 4, 0f, 1f);
        be.randNormal(gl.pending(), seed + 7, 0f, 1f);
        RecurrentLifLayer.Grads g = layer.backward(out.tape(), gS, gl);
        List<float[]> v = new ArrayList<>();
        v.add(be.toHost(out.spikes()));
        v.add(be.toHost(out.last().u()));
        v.add(be.toHost(out.last().i()));
        v.add(be.toHost(out.last().pending()));
        v.add(be.toHost(g.gradInput()));
        v.add(be.toHost(g.gradState0().u()));
        v.add(be.toHost(g.gradState0().i()));
        v.add(be.toHost(g.gradState0().pending()));
        layer.parameters().forEach(p -> v.add(be.toHost(p.grad())));
        return new Result(v);
    }

    static final String[] WHAT = {"spikes", "U[T]", "I[T]", "P[T]", "dx", "dU0", "dI0", "dP0", "dW", "dV|dp", "...", "...", "..."};

    @ParameterizedTest(name = "reset={0} detach={1} surrogate={2} recurrent={3} delay={4} masked={5}")
    @CsvSource({"ZERO,true,superspike,true,1,false", "ZERO,false,superspike,true,1,false",
            "SUBTRACT,false,superspike,true,1,false", "ZERO,true,superspike,false,1,false",
            "SUBTRACT,true,triangle,true,1,false", "ZERO,true,sigmoid,true,1,false",
            "ZERO,false,smooth_sigmoid,true,1,false", "SUBTRACT,false,smooth_sigmoid,false,1,false",
            "ZERO,true,superspike,true,2,false", "ZERO,true,superspike,true,2,true", "ZERO,false,superspike,true,2,true",
            "SUBTRACT,false,superspike,true,2,false", "ZERO,true,superspike,false,2,false",
            "ZERO,false,smooth_sigmoid,true,2,true", "SUBTRACT,true,triangle,true,2,true", "ZERO,true,superspike,true,1,true"})
    void fusedHostKernelMatchesReference(ResetMode reset, boolean detach, String sur, boolean recurrent, int delay,
                                         boolean masked) {
        Backend be = new CpuBackend();
        LifParams lp = LifParams.rsnn().withSurrogate(Surrogate.of(sur, switch (sur) { case "triangle" -> 0.5f; case "smooth_sigmoid" -> 4f; default -> 20f; }))
                .withReset(reset, detach).withLearning(true, true).withSynapticDelay(delay);
        boolean mask = masked && recurrent;
        Result ref = run(be, new ReferenceLifKernel(be), lp, recurrent, mask, 5);
        Result host = run(be, new HostLifKernel(be), lp, recurrent, mask, 5);
        assertEquals(ref.values().size(), host.values().size());
        float[] s = ref.values().get(0);
        double rate = 0;
        for (float v : s) rate += v;
        rate /= s.length;
        assertTrue(rate > 0.02 && rate < 0.98, "problem should spike sometimes, rate " + rate);
        for (int k = 0; k < ref.values().size(); k++) {
            Close.assertClose("host vs reference, " + WHAT[Math.min(k, WHAT.length - 1)] + " #" + k,
                    host.values().get(k), ref.values().get(k), 2e-5);
        }
    }

    @ParameterizedTest(name = "delay={0} masked={1}")
    @CsvSource({"1,false", "2,false", "2,true"})
    void everyAvailableBackendsKernelMatchesReference(int delay, boolean masked) {
        LifParams lp = LifParams.rsnn().withSynapticDelay(delay);
        Result ref = run(new CpuBackend(), new ReferenceLifKernel(new CpuBackend()), lp, true, masked, 9);
        for (String name : Backends.names()) {
            if (!Backends.available(name)) continue;
            try (Backend be = Backends.get(name)) {
                Result r = run(be, LifKernel.forBackend(be), lp, true, masked, 9);
                for (int k = 0; k < ref.values().size(); k++) {
                    Close.assertClose(name + " " + LifKernel.forBackend(be).name() + " #" + k,
                            r.values().get(k), ref.values().get(k), 1e-5);
                }
            } catch (Exception e) {
                throw new AssertionError("backend " + name + ": " + e, e);
            }
        }
    }

    @ParameterizedTest(name = "delay={0}")
    @CsvSource({"1", "2"})
    void sequenceForwardEqualsStepByStep(int delay) {
        Backend be = new CpuBackend();
        RecurrentLifLayer layer = new RecurrentLifLayer(be, "h", IN, N, true, LifParams.rsnn().withSynapticDelay(delay), 3L);
        be.affine(layer.w().value(), 2.5f, 0f, layer.w().value());
        Tensor x = be.zeros(T, B, IN);
        be.randBernoulli(x, 4, 0.4f);
        LifState s0 = LifState.zeros(be, B, N);
        RecurrentLifLayer.Output seq = layer.forward(x, s0, false);
        LifState s = s0;
        float[] spikesSeq = be.toHost(seq.spikes());
        for (int k = 0; k < T; k++) {
            RecurrentLifLayer.Step st = layer.step(x.slice0(k), s);
            float[] sk = be.toHost(st.spikes());
            float[] expect = java.util.Arrays.copyOfRange(spikesSeq, k * B * N, (k + 1) * B * N);
            assertArrayEquals(expect, sk, "spikes at step " + k);
            s = st.state();
        }
        Close.assertClose("U[T]", be.toHost(s.u()), be.toHost(seq.last().u()), 1e-6);
        Close.assertClose("I[T]", be.toHost(s.i()), be.toHost(seq.last().i()), 1e-6);
        Close.assertClose("pending[T]", be.toHost(s.pending()), be.toHost(seq.last().pending()), 1e-6);
        // a sequence cut in two and run in two calls (the state carries what is on its way) is the same
        RecurrentLifLayer.Output a = layer.forward(x.narrow0(0, 9), s0, false);
        RecurrentLifLayer.Output b = layer.forward(x.narrow0(9, T - 9), a.last(), false);
        float[] twoCalls = new float[T * B * N];
        System.arraycopy(be.toHost(a.spikes()), 0, twoCalls, 0, 9 * B * N);
        System.arraycopy(be.toHost(b.spikes()), 0, twoCalls, 9 * B * N, (T - 9) * B * N);
        assertArrayEquals(spikesSeq, twoCalls, "spikes of one call vs two calls");
        assertTrue(be.sum(seq.spikes()) > 0, "some spikes expected");
        float[] z = be.toHost(s0.u());
        for (float v : z) assertEquals(0f, v, "step must not write into its input state");
    }

    @Test
    void hostTapeStoresSpikesAsBits() {
        Backend be = new CpuBackend();
        LifParams lp = LifParams.rsnn();
        RecurrentLifLayer layer = new RecurrentLifLayer(be, "h", IN, N, true, lp, 3L, new HostLifKernel(be));
        RecurrentLifLayer.Output out = layer.forward(be.zeros(T, B, IN), LifState.zeros(be, B, N), true);
        long expected = 8L * T * B * N + 8L * T * B * ((N + 63) / 64);
        assertEquals(expected, out.tape().retainedBytes());
        assertEquals(expected, HostLifKernel.tapeBytes(T, B, N));
        RecurrentLifLayer.Output inf = layer.forward(be.zeros(T, B, IN), LifState.zeros(be, B, N), false);
        assertEquals(null, inf.tape(), "inference keeps no tape");
    }
}
