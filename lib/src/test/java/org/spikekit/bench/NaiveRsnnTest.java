package org.spikekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.model.Rsnn;

/**
 * The naive step-by-step RSNN of the benchmark does the same work as the fused path: same
 * predictions (≤ 1e-5 relative) and the same parameter gradients (≤ 1e-4 relative).
 */
class NaiveRsnnTest {
    final Backend be = new CpuBackend();

    static double relErr(float[] a, float[] e) {
        double scale = 0, err = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int k = 0; k < e.length; k++) err = Math.max(err, Math.abs(a[k] - e[k]));
        return err / Math.max(scale, 1e-30);
    }

    void check(Rsnn.Config cfg, int t, int b, long seed) {
        Rsnn m = RsnnBench.activeModel(be, cfg, seed);
        Tensor x = be.zeros(t, b, cfg.inputs());
        be.randBernoulli(x, seed + 1, 0.03f);
        Tensor gy = be.zeros(t, b, cfg.outputs());
        be.randNormal(gy, seed + 2, 0f, 1f);

        m.zeroGrad();
        Rsnn.Pass f = m.forward(x, false, 0L, true);
        m.backward(f, gy, null);
        float[] predFused = be.toHost(f.prediction());
        List<float[]> gradFused = new ArrayList<>();
        for (Parameter p : m.parameters()) gradFused.add(be.toHost(p.grad()));

        m.zeroGrad();
        NaiveRsnn naive = new NaiveRsnn(m);
        NaiveRsnn.Pass p = naive.forward(x);
        naive.backward(p, gy);
        float[] predNaive = be.toHost(p.prediction());

        double rate = be.sum(f.spikes()) / ((double) t * b * cfg.hidden());
        assertTrue(rate > 0.005 && rate < 0.2, "hidden layer should fire sparsely, rate " + rate);
        assertEquals(be.sum(f.spikes()), be.sum(p.spikes()), 0.0, "same hidden spikes");
        double e = relErr(predNaive, predFused);
        assertTrue(e <= 1e-5, "predictions differ by " + e + " (relative)");
        List<Parameter> ps = m.parameters();
        for (int k = 0; k < ps.size(); k++) {
            float[] gf = gradFused.get(k), gn = be.toHost(ps.get(k).grad());
            double ge = relErr(gn, gf);
            assertTrue(ge <= 1e-4, ps.get(k).name() + " gradient differs by " + ge + " (relative)");
        }
    }

    @Test
    void tinyNaiveAndFusedAgree() {
        check(Rsnn.Config.tiny(96).withDropout(0f, 0f), 200, 8, 3L);
    }

    @Test
    void bigNaiveAndFusedAgree() {
        check(Rsnn.Config.big(96).withDropout(0f, 0f), 40, 3, 5L);
    }
}
