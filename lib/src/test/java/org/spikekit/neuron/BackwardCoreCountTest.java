package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;

/** The fused recurrent LIF backward gives the same bits whatever the number of threads it runs on. */
class BackwardCoreCountTest {

    static List<float[]> gradients(int threads, int batch) throws Exception {
        Backend be = new CpuBackend();
        int t = 12, in = 9, n = 40;
        RecurrentLifLayer layer = new RecurrentLifLayer(be, "l", in, n, true, LifParams.rsnn(), 5L);
        Random r = new Random(3);
        float[] x = new float[t * batch * in], g = new float[t * batch * n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() < 0.3f ? 1f : 0f;
        for (int i = 0; i < g.length; i++) g[i] = (float) r.nextGaussian();
        Tensor xt = be.fromHost(x, t, batch, in), gt = be.fromHost(g, t, batch, n);
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            return pool.submit(() -> {
                var out = layer.forward(xt, LifState.zeros(be, batch, n), true);
                var gr = layer.backward(out.tape(), gt, null);
                List<float[]> all = new ArrayList<>();
                for (Parameter p : layer.parameters()) all.add(be.toHost(p.grad()));
                all.add(be.toHost(gr.gradInput()));
                return all;
            }).get();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void gradientsDoNotDependOnTheThreadCount() throws Exception {
        for (int batch : new int[] {3, 8, 21, 40}) {
            List<float[]> one = gradients(1, batch), three = gradients(3, batch), five = gradients(5, batch);
            assertEquals(one.size(), three.size());
            for (int k = 0; k < one.size(); k++) {
                assertArrayEquals(one.get(k), three.get(k), "batch " + batch + " gradient " + k + ", 1 vs 3 threads");
                assertArrayEquals(one.get(k), five.get(k), "batch " + batch + " gradient " + k + ", 1 vs 5 threads");
            }
        }
        assertEquals(8, HostLifKernel.backwardChunks(100));
        assertEquals(8, HostLifKernel.backwardChunks(32));
        assertEquals(6, HostLifKernel.backwardChunks(21));
        assertEquals(2, HostLifKernel.backwardChunks(8));
        assertEquals(1, HostLifKernel.backwardChunks(3));
    }
}
