package org.spikekit.nn;

import org.spikekit.core.Tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.metrics.EnergyConstants;

class HomogenizerTest {
    private final Backend be = new CpuBackend();

    /** vocab 7, D 4, L 3, C 5, MLP ratio 2. */
    private static Homogenizer.Config tiny(float p) { return new Homogenizer.Config(7, 4, 3, 5, 2, p, p, p); }

    /**
     * T 3, B 2: row 0 = {1, 4, 1} (unit 1 twice), rows 1 and 3 empty, row 2 = {6}, row 4 = {0, 2, 3, 2},
     * row 5 = {5}.
     */
    private static Homogenizer.Tokens tinyTokens() {
        return new Homogenizer.Tokens(3, 2, new int[] {0, 3, 3, 4, 4, 8, 9}, new int[] {1, 4, 1, 6, 0, 2, 3, 2, 5});
    }

    /** Parameters moved away from their start so LayerNorms, softmax and GELU are all exercised. */
    private Homogenizer tinyModel(float p) {
        Homogenizer h = new Homogenizer(be, "homog", tiny(p), 3);
        long s = 100;
        for (Parameter par : h.parameters()) {
            Tensor noise = be.zeros(par.shape());
            String n = par.name();
            if (n.endsWith(".units") || n.endsWith(".latents")) be.randNormal(noise, s++, 0f, 1f);
            else if (n.endsWith(".gamma")) be.randNormal(noise, s++, 0f, 0.3f);
            else if (n.endsWith(".beta") || n.endsWith(".b")) be.randNormal(noise, s++, 0f, 0.3f);
            else be.randNormal(noise, s++, 0f, 0.2f);
            be.axpby(1f, noise, 1f, par.value());
        }
        return h;
    }

    // ---- gradients ----------------------------------------------------------------------------

    /**
     * Central differences of loss = Σ y·R against the backward pass, every element of every
     * parameter (unit embeddings and latents included); returns the worst relative error.
     */
    private double gradientCheck(Homogenizer h, Homogenizer.Tokens tok, Supplier<Tape> tapes, double step, double tol) {
        Tape t0 = tapes.get();
        Tensor y0 = h.forward(tok, t0);
        float[] r = new float[y0.sizeInt()];
        for (int i = 0; i < r.length; i++) r[i] = CounterRng.normal(99, i);
        h.zeroGrad();
        h.backward(be.fromHost(r, y0.shape()), t0);
        assertEquals(0, t0.pending(), "records left on the tape after backward");
        double worst = 0;
        for (Parameter p : h.parameters()) {
            float[] ana = be.toHost(p.grad()), val = be.toHost(p.value());
            double scale = 0, err = 0;
            for (int i = 0; i < val.length; i++) {
                float keep = val[i];
                val[i] = (float) (keep + step);
                be.copy(be.fromHost(val, p.shape()), p.value());
                double lp = loss(h.forward(tok, tapes.get()), r);
                val[i] = (float) (keep - step);
                be.copy(be.fromHost(val, p.shape()), p.value());
                double lm = loss(h.forward(tok, tapes.get()), r);
                val[i] = keep;
                be.copy(be.fromHost(val, p.shape()), p.value());
                double num = (lp - lm) / (2 * step);
                scale = Math.max(scale, Math.abs(num));
                err = Math.max(err, Math.abs(num - ana[i]));
            }
            if (p.name().equals("homog.k.b")) {
                // The key bias adds q·bk to every score of a latent: softmax does not see it, so its
                // gradient is exactly zero (the backward pass gives float round-off).
                double maxAna = 0;
                for (float g : ana) maxAna = Math.max(maxAna, Math.abs(g));
                assertTrue(scale < 1e-3 && maxAna < 1e-5, "key-bias gradient should vanish: numeric " + scale + ", analytic " + maxAna);
                continue;
            }
            if (!(scale > 1e-6)) fail(p.name() + ": numeric gradient is zero everywhere; the check would be vacuous");
            double rel = err / scale;
            if (!(rel <= tol)) fail("dL/d" + p.name() + " relative error " + rel + " > " + tol);
            worst = Math.max(worst, rel);
        }
        return worst;
    }

    private static double loss(Tensor y, float[] r) {
        float[] v = y.backend().toHost(y);
        double s = 0;
        for (int i = 0; i < v.length; i++) s += (double) v[i] * r[i];
        return s;
    }

    @Test
    void gradientsMatchFiniteDifferencesInTrainingWithDropout() {
        Homogenizer h = tinyModel(0.3f);
        gradientCheck(h, tinyTokens(), () -> Tape.training(11), 1e-2, 5e-3);
        // Live dropout: the masks are really there (same seed: same output; other seed: another).
        float[] a = be.toHost(h.forward(tinyTokens(), Tape.training(11)));
        assertArrayEquals(a, be.toHost(h.forward(tinyTokens(), Tape.training(11))));
        assertNotEquals(a[0], be.toHost(h.forward(tinyTokens(), Tape.training(12)))[0]);
    }

    @Test
    void gradientsMatchFiniteDifferencesWithoutDropout() {
        // Evaluation arithmetic: the two empty rows share one computation, their gradients add up.
        gradientCheck(tinyModel(0.3f), tinyTokens(), Tape::evalWithGrad, 1e-2, 5e-3);
        // Training tape, all rates 0: the same shared-row path.
        gradientCheck(tinyModel(0f), tinyTokens(), () -> Tape.training(4), 1e-2, 5e-3);
    }

    @Test
    void gradientsWithoutAnyTokensReachOnlyTheSharedParameters() {
        Homogenizer h = tinyModel(0.3f);
        var none = new Homogenizer.Tokens(2, 2, new int[5], new int[0]);
        Tape t = Tape.evalWithGrad();
        Tensor y = h.forward(none, t);
        h.zeroGrad();
        h.backward(LayerCheck.randn(be, 3, 1f, y.shape()), t);
        assertEquals(0, t.pending());
        assertEquals(0.0, be.sum(h.unitEmbeddings().grad()));
        assertEquals(0.0, be.sum(h.byName().get("homog.k.w").grad()));
        assertNotEquals(0.0, be.sum(h.byName().get("homog.out.b").grad()));
        assertNotEquals(0.0, be.sum(h.latentTokens().grad()));
    }

    // ---- forward semantics --------------------------------------------------------------------

    /** The paper's computation for one row in double precision, written out without the layer classes. */
    private double[] reference(Homogenizer h, int[] tokens) {
        Homogenizer.Config c = h.config();
        int d = c.dim(), l = c.latents(), hid = c.hidden(), ch = c.channels();
        Map<String, Parameter> p = h.byName();
        double[][] z = rows(p.get("homog.latents"), l, d), emb = rows(p.get("homog.units"), c.vocab(), d);
        double[][] qv = new double[l][];
        for (int j = 0; j < l; j++) qv[j] = linear(layerNorm(z[j], p, "homog.lnQ"), p, "homog.q");
        double[][] kk = new double[tokens.length][], vv = new double[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            double[] e = layerNorm(emb[tokens[t]], p, "homog.lnKv");
            kk[t] = linear(e, p, "homog.k");
            vv[t] = linear(e, p, "homog.v");
        }
        double[] flat = new double[l * d];
        for (int j = 0; j < l; j++) {
            double[] o = new double[d];
            if (tokens.length > 0) {
                double[] s = new double[tokens.length];
                double mx = Double.NEGATIVE_INFINITY, sum = 0;
                for (int t = 0; t < tokens.length; t++) {
                    for (int x = 0; x < d; x++) s[t] += qv[j][x] * kk[t][x];
                    s[t] /= Math.sqrt(d);
                    mx = Math.max(mx, s[t]);
                }
                for (int t = 0; t < tokens.length; t++) sum += s[t] = Math.exp(s[t] - mx);
                for (int t = 0; t < tokens.length; t++) for (int x = 0; x < d; x++) o[x] += s[t] / sum * vv[t][x];
            }
            double[] h1 = linear(o, p, "homog.out");
            for (int x = 0; x < d; x++) h1[x] += z[j][x];
            double[] g = linear(layerNorm(h1, p, "homog.lnMlp"), p, "homog.mlp1");
            for (int x = 0; x < hid; x++) g[x] = 0.5 * g[x] * (1 + Activation.erf(g[x] / Math.sqrt(2)));
            double[] m = linear(g, p, "homog.mlp2");
            for (int x = 0; x < d; x++) flat[j * d + x] = h1[x] + m[x];
        }
        double[] y = linear(flat, p, "homog.proj");
        assertEquals(ch, y.length);
        return y;
    }

    private double[][] rows(Parameter p, int n, int d) {
        float[] v = be.toHost(p.value());
        double[][] r = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) r[i][j] = v[i * d + j];
        return r;
    }

    private double[] layerNorm(double[] x, Map<String, Parameter> p, String name) {
        float[] g = be.toHost(p.get(name + ".gamma").value()), b = be.toHost(p.get(name + ".beta").value());
        double mean = 0, var = 0;
        for (double v : x) mean += v / x.length;
        for (double v : x) var += (v - mean) * (v - mean) / x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * g[i] + b[i];
        return y;
    }

    private double[] linear(double[] x, Map<String, Parameter> p, String name) {
        Parameter w = p.get(name + ".w");
        int in = w.shape()[0], out = w.shape()[1];
        assertEquals(in, x.length, name);
        float[] wv = be.toHost(w.value()), bv = be.toHost(p.get(name + ".b").value());
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bv[o];
            for (int i = 0; i < in; i++) s += x[i] * wv[i * out + o];
            y[o] = s;
        }
        return y;
    }

    private static int[] rowTokens(Homogenizer.Tokens tok, int r) {
        return java.util.Arrays.copyOfRange(tok.units(), tok.offsets()[r], tok.offsets()[r + 1]);
    }

    private void assertMatchesReference(Homogenizer h, Homogenizer.Tokens tok, float[] y) {
        int c = h.config().channels();
        for (int r = 0; r < tok.rows(); r++) {
            double[] ref = reference(h, rowTokens(tok, r));
            double scale = 0;
            for (double v : ref) scale = Math.max(scale, Math.abs(v));
            for (int x = 0; x < c; x++) assertEquals(ref[x], y[r * c + x], 2e-5 * scale + 1e-6, "row " + r + " channel " + x);
        }
    }

    @Test
    void everyRowMatchesTheComputationWrittenOutByHand() {
        Homogenizer h = tinyModel(0.3f);
        Homogenizer.Tokens tok = tinyTokens();
        assertMatchesReference(h, tok, be.toHost(h.forward(tok, Tape.inference())));
        assertMatchesReference(h, tok, be.toHost(h.forward(tok, Tape.evalWithGrad())));
        // Paper-size widths at their initial values, some rows empty.
        Homogenizer p = new Homogenizer(be, "homog", Homogenizer.Config.paper(50), 9);
        var big = new Homogenizer.Tokens(2, 2, new int[] {0, 0, 5, 5, 6}, new int[] {3, 49, 3, 0, 17, 8});
        assertMatchesReference(p, big, be.toHost(p.forward(big, Tape.inference())));
    }

    @Test
    void emptyRowsShareOneOutputUnlessResidualDropoutIsLive() {
        Homogenizer h = tinyModel(0.3f);
        int c = h.config().channels();
        float[] ev = be.toHost(h.forward(tinyTokens(), Tape.inference()));
        double[] slow = reference(h, new int[0]);
        for (int x = 0; x < c; x++) {
            assertEquals(ev[c + x], ev[3 * c + x]);
            assertEquals(slow[x], ev[c + x], 1e-5);
        }
        // Dropout off on a training tape: the same numbers.
        Homogenizer off = tinyModel(0f);
        float[] tr0 = be.toHost(off.forward(tinyTokens(), Tape.training(2)));
        for (int x = 0; x < c; x++) assertEquals(ev[c + x], tr0[c + x], 1e-6);
        // Live dropout: each empty row draws its own masks.
        float[] tr = be.toHost(h.forward(tinyTokens(), Tape.training(2)));
        boolean differ = false;
        for (int x = 0; x < c; x++) differ |= tr[c + x] != tr[3 * c + x];
        assertTrue(differ, "empty rows under live dropout should have their own masks");
    }

    @Test
    void theOrderOfTokensWithinARowDoesNotMatter() {
        Homogenizer h = tinyModel(0.3f);
        float[] a = be.toHost(h.forward(tinyTokens(), Tape.inference()));
        var shuffled = new Homogenizer.Tokens(3, 2, new int[] {0, 3, 3, 4, 4, 8, 9}, new int[] {4, 1, 1, 6, 2, 3, 2, 0, 5});
        float[] b = be.toHost(h.forward(shuffled, Tape.inference()));
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5 * (1 + Math.abs(a[i])), "element " + i);
    }

    @Test
    void aRowDependsOnlyOnItsOwnTokens() {
        Homogenizer h = tinyModel(0.3f);
        int c = h.config().channels();
        float[] a = be.toHost(h.forward(tinyTokens(), Tape.inference()));
        // Row 2 gets two more spikes (unit 3 twice); row 3 (was empty) gets one.
        var changed = new Homogenizer.Tokens(3, 2, new int[] {0, 3, 3, 6, 7, 11, 12}, new int[] {1, 4, 1, 6, 3, 3, 0, 0, 2, 3, 2, 5});
        float[] b = be.toHost(h.forward(changed, Tape.inference()));
        for (int r : new int[] {0, 1, 4, 5}) {
            for (int x = 0; x < c; x++) assertEquals(a[r * c + x], b[r * c + x], 1e-6, "row " + r + " changed");
        }
        for (int r : new int[] {2, 3}) {
            double diff = 0;
            for (int x = 0; x < c; x++) diff = Math.max(diff, Math.abs(a[r * c + x] - b[r * c + x]));
            assertTrue(diff > 1e-3, "row " + r + " should change with its tokens");
        }
    }

    @Test
    void resultsDoNotDependOnTheBackendThreadCount() {
        Homogenizer.Tokens tok = randomTokens(20, 8, 40, 1);
        float[][] r1 = runOnce(new CpuBackend(1), tok), r2 = runOnce(new CpuBackend(2), tok);
        for (int i = 0; i < r1.length; i++) assertArrayEquals(r1[i], r2[i], "output/gradient " + i);
    }

    private static float[][] runOnce(Backend b, Homogenizer.Tokens tok) {
        Homogenizer h = new Homogenizer(b, "homog", Homogenizer.Config.quick(40), 5);
        Tape t = Tape.training(8);
        Tensor y = h.forward(tok, t);
        Tensor g = b.zeros(y.shape());
        b.randNormal(g, 3, 0f, 1f);
        h.backward(g, t);
        List<float[]> all = new ArrayList<>();
        all.add(b.toHost(y));
        for (Parameter p : h.parameters()) all.add(b.toHost(p.grad()));
        return all.toArray(float[][]::new);
    }

    /** About half the rows empty, the others 1–7 spikes (mean ≈ 2 per row overall). */
    static Homogenizer.Tokens randomTokens(int steps, int batch, int vocab, long seed) {
        int rows = steps * batch;
        int[] off = new int[rows + 1];
        List<Integer> u = new ArrayList<>();
        long idx = 0;
        for (int r = 0; r < rows; r++) {
            int n = CounterRng.uniform(seed, idx++) < 0.5f ? 0 : 1 + (int) (CounterRng.uniform(seed, idx++) * 7);
            for (int i = 0; i < n; i++) u.add((int) (CounterRng.uniform(seed, idx++) * vocab));
            off[r + 1] = off[r] + n;
        }
        return new Homogenizer.Tokens(steps, batch, off, u.stream().mapToInt(Integer::intValue).toArray());
    }

    // ---- errors -------------------------------------------------------------------------------

    private static void assertMessage(Executable e, String... parts) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        for (String p : parts) assertTrue(x.getMessage().contains(p), "'" + p + "' not in: " + x.getMessage());
    }

    @Test
    void badInputIsRefusedWithTheFieldAndTheExpectation() {
        Homogenizer h = tinyModel(0.3f);
        Tape t = Tape.inference();
        assertMessage(() -> h.forward(3, 2, new int[] {0, 3, 3, 4, 4, 8, 9}, new int[] {1, 4, 1, 7, 0, 2, 3, 2, 5}, t),
                "tokenUnits[3] = 7", "outside the vocabulary [0, 7)");
        assertMessage(() -> new Homogenizer.Tokens(3, 2, new int[] {0, 3, 3, 4, 4, 8, 9}, new int[] {1, 4, 1, -1, 0, 2, 3, 2, 5}),
                "tokenUnits[3] = -1", "negative");
        assertMessage(() -> new Homogenizer.Tokens(3, 2, new int[] {0, 3, 2, 4, 4, 8, 9}, new int[9]),
                "non-decreasing", "tokenOffsets[2] = 2 < tokenOffsets[1] = 3");
        assertMessage(() -> new Homogenizer.Tokens(3, 2, new int[] {0, 3, 3, 4, 4, 8}, new int[9]),
                "tokenOffsets must have steps·batch + 1 = 7 entries", "got 6");
        assertMessage(() -> new Homogenizer.Tokens(3, 2, new int[] {1, 3, 3, 4, 4, 8, 9}, new int[9]), "tokenOffsets[0] must be 0");
        assertMessage(() -> new Homogenizer.Tokens(3, 2, new int[] {0, 3, 3, 4, 4, 8, 9}, new int[8]),
                "tokenOffsets[6] = 9", "tokenUnits.length = 8");
        assertMessage(() -> new Homogenizer.Tokens(0, 2, new int[1], new int[0]), "steps must be >= 1");
        assertMessage(() -> new Homogenizer.Tokens(1, 0, new int[1], new int[0]), "batch must be >= 1");
        assertMessage(() -> new Homogenizer.Tokens(1, 1, null, new int[0]), "tokenOffsets is null");
        assertMessage(() -> new Homogenizer.Config(7, 4, 3, 5, 2, 0.1f, 1f, 0.3f), "attnOutDropout", "[0, 1)");
        assertMessage(() -> new Homogenizer.Config(0, 4, 3, 5, 2, 0.1f, 0.3f, 0.3f), "vocab must be >= 1");
        assertMessage(() -> new Homogenizer.Config(7, 4, 0, 5, 2, 0.1f, 0.3f, 0.3f), "latents must be >= 1");
        assertMessage(() -> Homogenizer.Config.paper(5).opsPerStep(-1), "meanTokens");
        assertMessage(() -> h.withVocabulary(6, 1), "vocab must be >= the current 7");
        assertMessage(() -> Homogenizer.sessionOffsets(3, -1), "unitsPerSession[1] = -1");

        Tape tr = Tape.training(1);
        h.forward(tinyTokens(), tr);
        assertMessage(() -> h.backward(be.zeros(3, 2, 4), tr), "gradOut", "[3, 2, 5]");
        Tape empty = Tape.training(1);
        assertThrows(IllegalStateException.class, () -> h.backward(be.zeros(3, 2, 5), empty));
        assertThrows(IllegalStateException.class, () -> h.backward(be.zeros(3, 2, 5), Tape.inference()));
    }

    // ---- sizes, energy, fine-tuning -----------------------------------------------------------

    @Test
    void paperParameterCountMatchesTheSpec() {
        Homogenizer h = new Homogenizer(be, "homog", Homogenizer.Config.paper(300), 1);
        Map<String, Parameter> p = h.byName();
        assertEquals(4096 * 128 + 128, p.get("homog.proj.w").numel() + p.get("homog.proj.b").numel()); // 524,416
        assertEquals(4096, h.latentTokens().numel());
        long shared = h.sharedParameters().stream().mapToLong(Parameter::numel).sum();
        // latents 4,096 + 3 LayerNorms 192 + q/k/v/out 4,224 + MLP 4,224 + 4,128 + projection 524,416
        assertEquals(541_280, shared);
        assertEquals(541_280, Homogenizer.Config.paper(300).sharedParameterCount());
        assertEquals(300L * 32 + 541_280, h.numel());
        assertEquals(22, h.parameters().size());
    }

    @Test
    void operationCountsMatchHandArithmetic() {
        // Paper sizes, 2 spikes in the bin: D 32, L 128, C 128, hidden 128.
        Homogenizer.OpCounts ops = Homogenizer.Config.paper(10).opsPerStep(2);
        long macs = 6 * 32 * 2          // LN_kv on 2 tokens: 384
                + 2 * 2 * 32 * 32       // k, v: 4,096
                + 128 * 2 * 32 * 2 + 3 * 128 * 2  // attention: 17,152
                + 128 * 32 * 32         // out: 131,072
                + 6 * 32 * 128          // LN before the MLP: 24,576
                + 2 * 128 * 32 * 128    // MLP: 1,048,576
                + 4096 * 128;           // projection: 524,288
        assertEquals(1_750_144, macs);
        assertEquals(macs, ops.macs(), 1e-6);
        long acs = 2 * 2 * 32 + 128 * 32 + 128 * 32 + 128 * 128 + 128 * 32 + 128 * 32 + 128;
        assertEquals(33_024, acs);
        assertEquals(acs, ops.acs(), 1e-6);
        assertEquals(1_750_144 * 4.6 + 33_024 * 0.9, ops.picojoules(EnergyConstants.HOROWITZ_45NM), 1e-3);
        assertEquals(ops.picojoules(EnergyConstants.HOROWITZ_45NM) * 1e-12 * 100,
                ops.energy(EnergyConstants.HOROWITZ_45NM, 100).wattsAverage(), 1e-15);

        // The released profiler: each Linear once, no LayerNorm, attention with the padded count.
        Homogenizer.OpCounts rel = Homogenizer.Config.paper(10).opsPerStepAsReleased(2);
        assertEquals(4 * 1024 + 4096 + 4096 + 524_288 + (2 * 128 * 2 * 32 + 3 * 128 * 2), rel.macs(), 1e-6);
        assertEquals(553_728, rel.macs(), 1e-6);
        assertEquals(4 * 32 + 128 + 32 + 128, rel.acs(), 1e-6);

        // Tiny sizes, 1.5 spikes on average: D 4, L 3, C 5, hidden 8.
        Homogenizer.OpCounts t = tiny(0).opsPerStep(1.5);
        assertEquals(6 * 4 * 1.5 + 2 * 1.5 * 16 + (2 * 3 * 1.5 * 4 + 3 * 3 * 1.5) + 3 * 16 + 6 * 4 * 3 + 2 * 3 * 4 * 8 + 12 * 5, t.macs(), 1e-9);
        assertEquals(2 * 1.5 * 4 + 12 + 12 + 3 * 8 + 12 + 12 + 5, t.acs(), 1e-9);
    }

    @Test
    void unitIdentificationTrainsOnlyTheEmbeddingsAndNewSessionsKeepTrainedValues() {
        Homogenizer h = tinyModel(0.3f);
        List<Parameter> ft = h.unitIdentificationParameters();
        assertEquals(1, ft.size());
        assertSame(h.unitEmbeddings(), ft.get(0));
        assertSame(h.unitEmbeddings(), h.byName().get("homog.units"));
        assertEquals(h.parameters().size() - 1, h.sharedParameters().size());
        assertTrue(h.sharedParameters().stream().noneMatch(p -> p.name().equals("homog.units")));

        int[] offsets = Homogenizer.sessionOffsets(7, 3);
        assertArrayEquals(new int[] {0, 7, 10}, offsets);
        Homogenizer ext = h.withVocabulary(offsets[2], 42);
        assertEquals(10, ext.config().vocab());
        float[] a = be.toHost(h.forward(tinyTokens(), Tape.inference())), b = be.toHost(ext.forward(tinyTokens(), Tape.inference()));
        assertArrayEquals(a, b);
        float[] newRows = be.toHost(ext.unitEmbeddings().value().narrow0(7, 3));
        double sq = 0;
        for (float x : newRows) sq += x * x;
        assertTrue(Math.sqrt(sq / newRows.length) < 0.05 && sq > 0, "new rows start small: rms " + Math.sqrt(sq / newRows.length));
        // A new session's unit (global id 7 + 2) gets its own gradient.
        Tape t = Tape.training(1);
        Tensor y = ext.forward(new Homogenizer.Tokens(1, 1, new int[] {0, 2}, new int[] {9, 9}), t);
        ext.zeroGrad();
        ext.backward(LayerCheck.randn(be, 2, 1f, y.shape()), t);
        float[] g = be.toHost(ext.unitEmbeddings().grad());
        double row9 = 0, others = 0;
        for (int i = 0; i < g.length; i++) {
            if (i / 4 == 9) row9 += Math.abs(g[i]);
            else others += Math.abs(g[i]);
        }
        assertTrue(row9 > 0);
        assertEquals(0.0, others);
    }

    @Test
    void fastGeluMatchesTheErfFormAndItsVectorAndScalarPathsAgreeBitForBit() {
        Activation exact = new Activation(Activation.Kind.GELU);
        int n = 2401;
        float[] x = new float[n], y = new float[n], dy = new float[n];
        for (int i = 0; i < n; i++) x[i] = (i - 1200) / 100f;
        HomogenizerKernels.gelu(x, y, dy, 0, n);
        for (int i = 0; i < n; i++) {
            float xi = x[i], scale = Math.max(1f, Math.abs(xi));
            assertEquals(exact.f(xi), y[i], 3e-7f * scale, "gelu(" + xi + ")");
            assertEquals(exact.df(xi), dy[i], 1e-6f * scale, "gelu'(" + xi + ")");
            assertEquals(Float.floatToIntBits(HomogenizerKernels.gelu(xi)), Float.floatToIntBits(y[i]), "vector vs scalar gelu(" + xi + ")");
            assertEquals(Float.floatToIntBits(HomogenizerKernels.geluGrad(xi)), Float.floatToIntBits(dy[i]), "vector vs scalar gelu'(" + xi + ")");
        }
        assertEquals(0f, HomogenizerKernels.gelu(-30f), 1e-30f);
        assertEquals(30f, HomogenizerKernels.gelu(30f));
        for (float a : new float[] {0f, -1e-3f, -0.5f, -1f, -5f, -20f, -80f}) {
            assertEquals(Math.exp(a), HomogenizerKernels.expNonPositive(a), 3e-7 * Math.exp(a), "exp(" + a + ")");
        }
    }

    @Test
    void vectorDropoutMasksAreTheCounterRngMasks() {
        int n = 77;
        float[] x = be.toHost(LayerCheck.randn(be, 4, 1f, n)), base = be.toHost(LayerCheck.randn(be, 5, 1f, n + 3));
        float[] y = new float[n + 2], z = new float[n];
        long seed = 1234567, index0 = 5_000_000_000L;
        float keep = 0.7f, inv = 1f / keep;
        HomogenizerKernels.dropout(x, 0, base, 3, y, 2, n, seed, index0, keep);
        HomogenizerKernels.dropout(x, 0, null, 0, z, 0, n, seed, index0, keep);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            float m = CounterRng.uniform(seed, index0 + i) < keep ? inv : 0f;
            kept += m > 0 ? 1 : 0;
            assertEquals(Float.floatToIntBits(x[i] * m), Float.floatToIntBits(z[i]), "element " + i);
            assertEquals(Float.floatToIntBits(base[3 + i] + x[i] * m), Float.floatToIntBits(y[2 + i]), "element " + i);
        }
        assertTrue(kept > 40 && kept < 70, "kept " + kept);
        assertEquals(0f, y[0]);
        assertEquals(0f, y[1]);
    }

    @Test
    void threadedLayerNormIsTheLayerNormLayer() {
        int rows = 1100, d = 6;
        LayerNorm ln = new LayerNorm(be, "ln", d);
        be.randNormal(ln.parameters().get(0).value(), 3, 1f, 0.3f);
        be.randNormal(ln.parameters().get(1).value(), 4, 0f, 0.3f);
        Tensor x = LayerCheck.randn(be, 5, 2f, rows, d), gy = LayerCheck.randn(be, 6, 1f, rows, d);
        Tape t = Tape.training(1);
        float[] ref = be.toHost(ln.forward(x, t));
        ln.zeroGrad();
        float[] refGx = be.toHost(ln.backward(gy, t));
        float[] g = be.toHost(ln.parameters().get(0).value()), b = be.toHost(ln.parameters().get(1).value());
        float[] y = new float[rows * d], xhat = new float[rows * d], inv = new float[rows];
        HomogenizerKernels.layerNorm(be.toHost(x), g, b, 1e-5f, rows, d, y, xhat, inv);
        double[] dg = new double[d], db = new double[d];
        float[] gx = HomogenizerKernels.layerNormBackward(be.toHost(gy), xhat, inv, g, rows, d, dg, db);
        for (int i = 0; i < y.length; i++) {
            assertEquals(ref[i], y[i], 1e-6, "y " + i);
            assertEquals(refGx[i], gx[i], 1e-5, "dx " + i);
        }
        float[] rg = be.toHost(ln.parameters().get(0).grad()), rb = be.toHost(ln.parameters().get(1).grad());
        for (int j = 0; j < d; j++) {
            assertEquals(rg[j], dg[j], 1e-3);
            assertEquals(rb[j], db[j], 1e-3);
        }
    }
}
