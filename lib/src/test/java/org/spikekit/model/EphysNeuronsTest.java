package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.metrics.ExplainedTemporalVariance;
import org.spikekit.neuron.AlifCoeffs;
import org.spikekit.neuron.AlifKernel;
import org.spikekit.neuron.AlifParams;
import org.spikekit.neuron.AlifTape;
import org.spikekit.train.EphysFitter;

public class EphysNeuronsTest {
    final Backend be = new CpuBackend();

    /** A smooth kernel S = σ(β·X + p − b) so the whole loss is differentiable and finite differences apply. */
    static final class SmoothKernel implements AlifKernel {
        final Backend be;
        SmoothKernel(Backend be) { this.be = be; }
        record Tape(float[] x, float[] s, float[] beta, int t, int b, int n) implements AlifTape {
            public long retainedBytes() { return 0; }
            public int steps() { return t; }
            public int batch() { return b; }
            public int neurons() { return n; }
        }
        public String name() { return "smooth-test"; }
        public AlifForward forward(AlifParams params, AlifCoeffs c, Tensor current, Tensor rec, boolean keepTape) {
            float[] x = be.toHost(current), beta = be.toHost(c.beta()), p = be.toHost(c.p()), b = be.toHost(c.b()), s = new float[x.length];
            int n = current.dim(2);
            for (int i = 0; i < x.length; i++) s[i] = (float) (1 / (1 + Math.exp(-(beta[i % n] * x[i] + p[i % n] - b[i % n]))));
            return new AlifForward(be.fromHost(s, current.shape()), new Tape(x, s, beta, current.dim(0), current.dim(1), n));
        }
        public AlifGrads backward(AlifParams params, AlifTape tape, Tensor gradSpikes) {
            Tape tp = (Tape) tape;
            float[] gs = be.toHost(gradSpikes), gx = new float[gs.length];
            double[] gb = new double[tp.n], gp = new double[tp.n];
            for (int i = 0; i < gs.length; i++) {
                double d = gs[i] * tp.s[i] * (1 - tp.s[i]);
                gx[i] = (float) (d * tp.beta[i % tp.n]);
                gb[i % tp.n] += d * tp.x[i];
                gp[i % tp.n] += d;
            }
            float[] fb = new float[tp.n], fp = new float[tp.n], fbb = new float[tp.n];
            for (int k = 0; k < tp.n; k++) { fb[k] = (float) gb[k]; fp[k] = (float) gp[k]; fbb[k] = (float) -gp[k]; }
            return new AlifGrads(be.fromHost(gx, tp.t, tp.b, tp.n), null, be.fromHost(fb, tp.n), be.fromHost(fp, tp.n), be.fromHost(fbb, tp.n));
        }
    }

    /** Slowly varying input currents per cell and sweep row (AR(1) noise around 0.012), for fitting tests. */
    public static float[][][] currents(int cells, int rows, int n, long seed) {
        Random r = new Random(seed);
        float[][][] c = new float[cells][rows][n];
        for (float[][] a : c) for (float[] row : a) {
            double lp = 0;
            for (int i = 0; i < n; i++) {
                lp = 0.98 * lp + 0.2 * r.nextGaussian();
                row[i] = (float) (0.012 + 0.01 * lp);
            }
        }
        return c;
    }

    /** Random recorded spike trains (1 % of grid steps) per cell and sweep row. */
    public static float[][][] randomSpikes(int cells, int rows, int n, long seed) {
        Random r = new Random(seed);
        float[][][] s = new float[cells][rows][n];
        for (float[][] a : s) for (float[] row : a) for (int i = 0; i < n; i++) row[i] = r.nextFloat() < 0.01f ? 1f : 0f;
        return s;
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "ds={0} sub={1}")
    @org.junit.jupiter.params.provider.CsvSource({"5,1", "1,2"})
    void gradientChainMatchesFiniteDifferencesThroughPoolingWeightsClampsAndVanRossum(int ds, int sub) {
        int cells = 2, rows = 3, n = 400;
        EphysNeurons.Config cfg = sub == 2 ? EphysNeurons.Config.paperFine(cells, AlifNet.Kind.STANDARD, 2)
                : EphysNeurons.Config.paper(cells, AlifNet.Kind.STANDARD, ds, 2);
        EphysNeurons m = new EphysNeurons(be, cfg, new SmoothKernel(be));
        float[][][] cur = currents(cells, rows, n * sub, 1), rec = randomSpikes(cells, rows, n, 2);
        // move the weights off their initial value so every parameter has a nonzero gradient
        be.copy(be.fromHost(new float[] {3f, 6f}, 2), m.parameters().get(0).value());
        // and p inside its clamp (at dt 0.05 ms the initial p = 0.9995 sits above 0.999, where the gradient is 0 by design)
        be.copy(be.fromHost(new float[] {0.99f, 0.995f}, 2), m.parameters().get(2).value());
        Tensor x = m.pool(cur);
        m.zeroGrad();
        var p = m.forward(x, true);
        Tensor g = be.zeros(p.spikes().shape());
        m.loss(p, rec, 20, g);
        m.backward(p, g);
        for (Parameter par : m.parameters()) {
            float[] grad = be.toHost(par.grad());
            for (int c = 0; c < cells; c++) {
                float[] v = be.toHost(par.value());
                float keep = v[c];
                double h = 1e-3 * Math.max(1, Math.abs(keep));
                v[c] = (float) (keep + h);
                be.copy(be.fromHost(v, cells), par.value());
                double up = sum(m.loss(m.forward(x, false), rec, 20, null));
                v[c] = (float) (keep - h);
                be.copy(be.fromHost(v, cells), par.value());
                double dn = sum(m.loss(m.forward(x, false), rec, 20, null));
                v[c] = keep;
                be.copy(be.fromHost(v, cells), par.value());
                double fd = (up - dn) / (2 * h);
                assertEquals(fd, grad[c], 1e-3 + 2e-2 * Math.abs(fd), par.name() + "[" + c + "]");
                assertTrue(Math.abs(grad[c]) > 1e-7, par.name() + "[" + c + "] gradient should not vanish here: " + grad[c]);
            }
        }
    }

    static double sum(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s;
    }

    /** Spikes of a known neuron (w 1.4, τ_mem 12 ms, τ_adapt 150 ms, b 0.2) under the currents. */
    float[][][] truthSpikes(AlifNet.Kind kind, float[][][] cur, int cells) {
        EphysNeurons t = new EphysNeurons(be, EphysNeurons.Config.paper(cells, kind, 1, 2));
        float[] w = new float[cells], beta = new float[cells], pp = new float[cells], b = new float[cells];
        java.util.Arrays.fill(w, 1.4f);
        java.util.Arrays.fill(beta, (float) Math.exp(-0.1 / 12));
        java.util.Arrays.fill(pp, (float) Math.exp(-0.1 / 150));
        java.util.Arrays.fill(b, 0.2f);
        List<Parameter> ps = t.parameters();
        be.copy(be.fromHost(w, cells), ps.get(0).value());
        be.copy(be.fromHost(beta, cells), ps.get(1).value());
        be.copy(be.fromHost(pp, cells), ps.get(2).value());
        be.copy(be.fromHost(b, cells), ps.get(3).value());
        var p = t.forward(t.pool(cur), false);
        float[][][] out = new float[cells][cur[0].length][];
        for (int c = 0; c < cells; c++) for (int r = 0; r < cur[0].length; r++) out[c][r] = t.spikesOnGrid(p, c, r);
        return out;
    }

    @Test
    void fittingAKnownNeuronLowersTheLossWithBothKernels() {
        int n = 3000;
        float[][][] cur = currents(1, 3, n, 5);
        for (AlifNet.Kind kind : AlifNet.Kind.values()) {
            float[][][] rec = truthSpikes(kind, cur, 1);
            int spikes = 0;
            for (float[] row : rec[0]) for (float v : row) spikes += (int) v;
            assertTrue(spikes > 20, "the known neuron fires: " + spikes);
            EphysNeurons m = new EphysNeurons(be, EphysNeurons.Config.paper(1, kind, 1, 2));
            double etv0 = etv(m, cur, rec);
            var res = EphysFitter.fit(m, cur, rec, EphysFitter.Settings.paper().withLr(1e-3f).withMaxEpochs(100).withPatience(30), null);
            double first = res.history().getFirst().loss()[0];
            assertTrue(res.bestLoss()[0] < 0.8 * first, kind + ": loss " + first + " -> " + res.bestLoss()[0]);
            double etv1 = etv(m, cur, rec);
            System.out.println(kind + ": loss " + first + " -> " + res.bestLoss()[0] + ", ETV " + etv0 + " -> " + etv1 + " in " + res.epochs()[0] + " epochs");
            assertTrue(etv1 > 0.85 && etv1 > etv0 - 0.03, kind + ": ETV " + etv0 + " -> " + etv1);
            // the model holds the best epoch's parameters
            double again = m.loss(m.forward(m.pool(cur), false), rec, 100, null)[0];
            assertEquals(res.bestLoss()[0], again, 1e-9);
        }
    }

    double etv(EphysNeurons m, float[][][] cur, float[][][] rec) {
        var p = m.forward(m.pool(cur), false);
        List<float[]> model = List.of(m.spikesOnGrid(p, 0, 0), m.spikesOnGrid(p, 0, 1), m.spikesOnGrid(p, 0, 2));
        List<List<float[]>> trials = List.of(List.of(rec[0]), List.of(rec[0]));
        return ExplainedTemporalVariance.score(trials, model, 150).etv();
    }

    @Test
    void cellsFittedTogetherGetTheFitTheyGetAlone() {
        int n = 2000;
        float[][][] two = currents(2, 3, n, 7);
        float[][][] recTwo = randomSpikes(2, 3, n, 8);
        var s = EphysFitter.Settings.paper().withLr(1e-2f).withMaxEpochs(30);
        EphysNeurons both = new EphysNeurons(be, EphysNeurons.Config.paper(2, AlifNet.Kind.BLOCKS, 1, 2));
        var rb = EphysFitter.fit(both, two, recTwo, s, null);
        for (int c = 0; c < 2; c++) {
            EphysNeurons alone = new EphysNeurons(be, EphysNeurons.Config.paper(1, AlifNet.Kind.BLOCKS, 1, 2));
            var ra = EphysFitter.fit(alone, new float[][][] {two[c]}, new float[][][] {recTwo[c]}, s, null);
            assertEquals(ra.epochs()[0], rb.epochs()[c], "cell " + c + " epochs");
            assertEquals(ra.bestLoss()[0], rb.bestLoss()[c], 1e-6 * ra.bestLoss()[0], "cell " + c + " loss");
            for (int k = 0; k < 4; k++) {
                assertEquals(be.toHost(alone.parameters().get(k).value())[0], be.toHost(both.parameters().get(k).value())[c], 1e-6,
                        "cell " + c + " " + alone.parameters().get(k).name());
            }
        }
    }

    @Test
    void badShapesAndValuesAreNamed() {
        EphysNeurons m = new EphysNeurons(be, EphysNeurons.Config.paper(2, AlifNet.Kind.STANDARD, 10, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> m.pool(currents(3, 1, 100, 1)));
        assertTrue(e.getMessage().contains("2 cells"), e.getMessage());
        float[][][] c = currents(2, 1, 100, 1);
        c[1][0][55] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> m.pool(c));
        assertTrue(e.getMessage().contains("cell 1 row 0 sample 55"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.pool(currents(2, 1, 5, 1)));
        assertTrue(e.getMessage().contains("fewer than one model step"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EphysNeurons.Config.paper(1, AlifNet.Kind.BLOCKS, 0, 2));
        assertEquals(20, EphysNeurons.Config.paper(1, AlifNet.Kind.BLOCKS, 1, 2).alif().arp());
        assertEquals(1, EphysNeurons.Config.paper(1, AlifNet.Kind.BLOCKS, 40, 2).alif().arp(), "ARP shorter than a step: one step");
        var fine = EphysNeurons.Config.paperFine(1, AlifNet.Kind.BLOCKS, 2);
        assertEquals(40, fine.alif().arp());
        assertEquals(0.05, fine.dtMs(), 1e-12);
        assertEquals(0.5f, fine.w0());
        assertThrows(IllegalArgumentException.class, () -> new EphysNeurons.Config(1, AlifNet.Kind.BLOCKS, fine.alif(), 2, 20, 100, 2));
    }
}
