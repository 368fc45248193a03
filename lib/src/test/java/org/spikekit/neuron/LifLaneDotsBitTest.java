package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * Pins the host kernel's backward {@code dI·Vᵀ} with lanes side by side ({@link HostLifKernel#laneDots},
 * the default) to the one-dot-at-a-time layout it replaced, bit for bit: spikes, final state and every
 * gradient, on shapes with full vectors and tails (N = 1, 15, 16, 17, 37, 64, 70, 79, 100; 64–79 run the unrolled four-chunk loop), B = 1 and odd batches
 * (chunks of unequal size, several chunks per worker), synaptic delays 1 and 2, with and without a dropout
 * mask, both reset modes.
 */
class LifLaneDotsBitTest {

    static List<float[]> run(Backend be, boolean laneDots, int t, int b, int n, int delay, boolean masked,
                             ResetMode reset, long seed) {
        LifParams lp = LifParams.rsnn().withReset(reset, false).withSynapticDelay(delay);
        RecurrentLifLayer layer = new RecurrentLifLayer(be, "h", 7, n, true, lp, seed, new HostLifKernel(be, laneDots));
        be.affine(layer.w().value(), 2.5f, 0f, layer.w().value());
        be.affine(layer.v().value(), 1.5f, 0f, layer.v().value());
        Tensor x = be.zeros(t, b, 7);
        be.randBernoulli(x, seed + 1, 0.4f);
        LifState s0 = LifState.zeros(be, b, n);
        be.randUniform(s0.u(), seed + 2, -0.5f, 1.2f);
        be.randUniform(s0.pending(), seed + 5, -0.3f, 0.3f);
        Tensor mask = null;
        if (masked) {
            mask = be.zeros(t, b, n);
            be.randBernoulli(mask, seed + 6, 0.7f);
            be.affine(mask, 1f / 0.7f, 0f, mask);
        }
        RecurrentLifLayer.Output out = layer.forward(x, mask, s0, true);
        Tensor gS = be.zeros(t, b, n);
        be.randNormal(gS, seed + 3, 0f, 1f);
        LifState gl = LifState.zeros(be, b, n);
        be.randNormal(gl.u(), seed + 4, 0f, 1f);
        be.randNormal(gl.i(), seed + 8, 0f, 1f);
        be.randNormal(gl.pending(), seed + 7, 0f, 1f);
        RecurrentLifLayer.Grads g = layer.backward(out.tape(), gS, gl);
        List<float[]> v = new ArrayList<>();
        v.add(be.toHost(out.spikes()));
        v.add(be.toHost(out.last().u()));
        v.add(be.toHost(g.gradInput()));
        v.add(be.toHost(g.gradState0().u()));
        v.add(be.toHost(g.gradState0().i()));
        v.add(be.toHost(g.gradState0().pending()));
        layer.parameters().forEach(p -> v.add(be.toHost(p.grad())));
        return v;
    }

    @ParameterizedTest(name = "T={0} B={1} N={2} delay={3} masked={4} reset={5}")
    @CsvSource({"20,1,1,1,false,ZERO", "20,1,15,2,true,ZERO", "20,3,16,2,false,ZERO", "20,5,17,1,true,SUBTRACT",
            "30,13,37,2,true,ZERO", "30,32,64,2,false,ZERO", "30,32,64,2,true,ZERO", "25,9,100,1,false,SUBTRACT",
            "25,21,100,2,true,ZERO", "12,40,64,1,true,ZERO", "20,12,70,1,false,SUBTRACT", "15,16,79,2,true,ZERO"})
    void laneDotsGiveTheBitsOfOneDotAtATime(int t, int b, int n, int delay, boolean masked, ResetMode reset) {
        Backend be = new CpuBackend();
        List<float[]> a = run(be, true, t, b, n, delay, masked, reset, 31L + n);
        List<float[]> c = run(be, false, t, b, n, delay, masked, reset, 31L + n);
        float spikes = 0;
        for (float s : a.get(0)) spikes += s;
        if (n >= 15) assertTrue(spikes > 0, "the case must spike to exercise the recurrent gradient");
        assertEquals(a.size(), c.size());
        for (int q = 0; q < a.size(); q++) {
            float[] x = a.get(q), y = c.get(q);
            assertEquals(y.length, x.length);
            for (int i = 0; i < x.length; i++) {
                int qq = q, ii = i;
                assertEquals(Float.floatToRawIntBits(y[i]), Float.floatToRawIntBits(x[i]),
                        () -> "tensor " + qq + " element " + ii + ": " + x[ii] + " vs " + y[ii]);
            }
        }
    }

    @ParameterizedTest(name = "N={0} rows={1}")
    @CsvSource({"17,1", "17,9", "64,4", "100,3", "100,9", "300,8", "1030,5"})
    void tiledDotsGiveTheBitsOfSingleDots(int n, int rows) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(n * 31L + rows);
        float[] dI = new float[rows * n + 3], V = new float[n * n + 5];
        for (int i = 0; i < dI.length; i++) dI[i] = (float) r.nextGaussian();
        for (int i = 0; i < V.length; i++) V[i] = (float) r.nextGaussian();
        int[] idx = new int[rows], off = new int[rows];
        for (int q = 0; q < rows; q++) { idx[q] = rows - 1 - q; off[q] = q * n; }   // rows listed out of order
        float[] lanes = new float[HostLifKernel.SP.length()];
        float[] tiled = new float[rows * n], single = new float[rows * n];
        for (int i = 0; i < tiled.length; i++) tiled[i] = single[i] = (float) r.nextGaussian();
        HostLifKernel.matMatTransposed(dI, 3, idx, off, rows, V, 5, n, 0, n, tiled, lanes);
        for (int q = 0; q < rows; q++) {                         // one row, one column per call: the plain dot
            for (int k = 0; k < n; k++) {
                HostLifKernel.matMatTransposed(dI, 3, new int[] {idx[q]}, new int[] {off[q]}, 1, V, 5, n, k, k + 1, single, lanes);
            }
        }
        for (int i = 0; i < tiled.length; i++) {
            int ii = i;
            assertEquals(Float.floatToRawIntBits(single[i]), Float.floatToRawIntBits(tiled[i]), () -> "element " + ii);
        }
    }
}
