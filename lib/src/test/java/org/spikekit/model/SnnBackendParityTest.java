package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Parameter;

/**
 * SNN2 and SNN3 give the cpu backend's prediction and gradients on every other backend that can
 * start here (nd4j; cuda on a GPU machine): same seed ⇒ same weights and dropout masks (counter
 * RNG), only the matrix products differ in rounding. Skipped for a backend that cannot start.
 */
class SnnBackendParityTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nd4j", "cuda"})
    void predictionsAndGradientsMatchCpu(String name) {
        assumeTrue(Backends.available(name), () -> name + " cannot start: " + Backends.unavailableReason(name));
        Backend cpu = new CpuBackend(1);
        try (Backend other = Backends.get(name)) {
            int t = 30, b = 3, in = 6;
            List<SeqPair> pairs = List.of(
                    new SeqPair(new Snn2(cpu, Snn2.Config.neuroBench(in).withHidden(10), 1L), new Snn2(other, Snn2.Config.neuroBench(in).withHidden(10), 1L)),
                    new SeqPair(new Snn3(cpu, Snn3.Config.neuroBench(in).withLayers(8, 9).withBinning(12, 3), 1L),
                            new Snn3(other, Snn3.Config.neuroBench(in).withLayers(8, 9).withBinning(12, 3), 1L)));
            for (SeqPair p : pairs) {
                float[] x = new float[t * b * in];
                for (int i = 0; i < x.length; i++) x[i] = (i * 7919 % 13) < 4 ? 1f : 0f;
                float[] g = new float[t * b * 2];
                for (int i = 0; i < g.length; i++) g[i] = (float) Math.sin(0.3 * i);
                float[][] pc = run(p.cpu(), cpu, x, g, t, b, in), po = run(p.other(), other, x, g, t, b, in);
                String what = p.cpu().getClass().getSimpleName() + " on " + name;
                for (int k = 0; k < pc.length; k++) {
                    double err = GradCheck.relErr(GradCheck.d(po[k]), GradCheck.d(pc[k]));
                    assertTrue(err < 1e-4, what + " array " + k + ": rel err " + err);
                }
            }
        }
    }

    record SeqPair(NeuroBenchModel cpu, NeuroBenchModel other) {}

    /** Prediction, then every parameter gradient, after a training-mode forward and backward. */
    private static float[][] run(NeuroBenchModel m, Backend be, float[] x, float[] g, int t, int b, int in) {
        m.zeroGrad();
        var pass = m.forward(be.fromHost(x, t, b, in), true, 5L);
        m.backward(pass, be.fromHost(g, t, b, 2), null);
        List<Parameter> ps = m.parameters();
        float[][] out = new float[ps.size() + 1][];
        out[0] = be.toHost(pass.prediction());
        for (int i = 0; i < ps.size(); i++) out[i + 1] = be.toHost(ps.get(i).grad());
        return out;
    }
}
