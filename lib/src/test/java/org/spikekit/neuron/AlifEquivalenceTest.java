package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * Standard vs Blocks ALIF (notebooks/papers/blocks.md §4.2: exactly equivalent when b ≥ 0 and the standard model's
 * refractory period is the block length − 1), fused vs reference kernels, thread-count
 * determinism, what happens when the refractory assumption does not hold, and error paths.
 * N = 37 exercises full SIMD vectors and scalar tails; T is not a multiple of the block length.
 */
class AlifEquivalenceTest {
    static final int T = 47, B = 3, N = 37;
    final Backend be = new CpuBackend();

    static double rate(float[] s) {
        double r = 0;
        for (float v : s) r += v;
        return r / s.length;
    }

    @ParameterizedTest(name = "arp={0} recurrent={1}")
    @CsvSource({"0,false", "0,true", "1,true", "3,false", "3,true", "7,true", "46,true", "60,false"})
    void fusedStandardAndBlocksGiveBitIdenticalSpikes(int arp, boolean recurrent) {
        AlifProblem pr = new AlifProblem(100 + arp, T, B, N, recurrent, 1.0);
        AlifParams ap = AlifParams.paper(arp);
        float[] std = be.toHost(new HostAlifKernel(be).forward(ap, pr.coeffs(be), pr.x(be), pr.r(be), false).spikes());
        float[] blk = be.toHost(new HostBlocksKernel(be).forward(ap, pr.coeffs(be), pr.x(be), pr.r(be), false).spikes());
        double rate = rate(std);
        assertTrue(rate > 0.01 && rate < 0.5, "problem should spike sometimes, rate " + rate);
        assertArrayEquals(std, blk, "spike trains of standard and Blocks ALIF (arp " + arp + ")");
    }

    @ParameterizedTest(name = "arp={0}")
    @CsvSource({"0", "2", "4"})
    void referenceStandardAndBlocksGiveIdenticalSpikes(int arp) {
        AlifProblem pr = new AlifProblem(200 + arp, 23, 2, N, true, 1.0);
        AlifParams ap = AlifParams.paper(arp);
        float[] std = be.toHost(new ReferenceAlifKernel(be).forward(ap, pr.coeffs(be), pr.x(be), pr.r(be), false).spikes());
        float[] blk = be.toHost(new ReferenceBlocksKernel(be).forward(ap, pr.coeffs(be), pr.x(be), pr.r(be), false).spikes());
        assertTrue(rate(std) > 0.01, "problem should spike");
        assertArrayEquals(std, blk, "reference kernels, arp " + arp);
    }

    @ParameterizedTest(name = "arp={0}")
    @CsvSource({"0", "3", "5"})
    void doubleReferencesOfTheAuthorsCodeGiveIdenticalSpikes(int arp) {
        AlifProblem pr = new AlifProblem(300 + arp, 29, 2, 9, true, 1.0);
        AlifDual.Run s = AlifDual.standard(pr.dual(-1, -1), arp, Surrogate.multiGaussian(0.5f));
        AlifDual.Run k = AlifDual.blocks(pr.dual(-1, -1), arp, Surrogate.multiGaussian(0.5f));
        double[] a = new double[s.s().length], c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = s.s()[i].v();
            c[i] = k.s()[i].v();
        }
        assertArrayEquals(a, c, "float64 spike rasters, arp " + arp);
        // and the float kernels reproduce them
        float[] host = be.toHost(new HostBlocksKernel(be).forward(AlifParams.paper(arp), pr.coeffs(be), pr.x(be), pr.r(be), false).spikes());
        for (int i = 0; i < a.length; i++) assertEquals(a[i], host[i], "float kernel vs float64 reference at " + i);
    }

    /**
     * The refractory assumption broken: Blocks with block length L enforces an ARP of L − 1 by
     * construction (at most one spike per neuron and block, the input of the spilled-over
     * refractory steps masked). Run on a model whose refractory period is shorter (here the paper's
     * "standard" baseline, ARP 0), it does not compute that model: a strongly driven neuron that
     * fires on consecutive steps in the standard model fires at most ⌈T/L⌉ times in Blocks.
     */
    @Test
    void withAShorterRefractoryPeriodBlocksDropsSpikes() {
        AlifProblem pr = new AlifProblem(400, T, B, N, false, 3.0);
        AlifCoeffs c = pr.coeffs(be);
        int arp = 3, len = arp + 1;
        float[] std0 = be.toHost(new HostAlifKernel(be).forward(AlifParams.paper(0), c, pr.x(be), null, false).spikes());
        float[] stdArp = be.toHost(new HostAlifKernel(be).forward(AlifParams.paper(arp), c, pr.x(be), null, false).spikes());
        float[] blk = be.toHost(new HostBlocksKernel(be).forward(AlifParams.paper(arp), c, pr.x(be), null, false).spikes());
        assertArrayEquals(stdArp, blk, "Blocks equals the standard model with the same ARP");
        assertTrue(rate(std0) > rate(blk), "without a refractory period the standard model fires more: "
                + rate(std0) + " vs Blocks " + rate(blk));
        boolean consecutive = false;
        for (int r = 0; r < B; r++) {
            for (int i = 0; i < N; i++) {
                int inBlock = 0;
                for (int k = 0; k < T; k++) {
                    if (k % len == 0) inBlock = 0;
                    int o = (k * B + r) * N + i;
                    inBlock += (int) blk[o];
                    assertTrue(inBlock <= 1, "Blocks fired twice in one block");
                    if (k > 0 && std0[o] == 1f && std0[o - B * N] == 1f) consecutive = true;
                }
            }
        }
        assertTrue(consecutive, "the strongly driven standard model should fire on consecutive steps");
        assertNotEquals(java.util.Arrays.toString(std0), java.util.Arrays.toString(blk));
    }

    /** b < 0 could push θ ≤ 0 so that a refractory neuron at V = 0 fires; it is rejected, not silently wrong. */
    @Test
    void negativeAdaptationStrengthIsRejected() {
        Tensor bad = be.fromHost(new float[] {0.5f, -0.1f}, 2);
        AlifCoeffs c = new AlifCoeffs(be.fromHost(new float[] {0.9f, 0.9f}, 2), be.fromHost(new float[] {0.9f, 0.9f}, 2), bad);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HostBlocksKernel(be).forward(AlifParams.paper(2), c, be.zeros(4, 1, 2), null, false));
        assertTrue(e.getMessage().contains("b[1]") && e.getMessage().contains("[0, inf)"), e.getMessage());
    }

    record Out(List<float[]> values) {}

    static Out run(Backend be, AlifKernel k, AlifProblem pr, AlifParams ap) {
        AlifKernel.AlifForward f = k.forward(ap, pr.coeffs(be), pr.x(be), pr.r(be), true);
        AlifKernel.AlifGrads g = k.backward(ap, f.tape(), pr.gS(be));
        List<float[]> v = new ArrayList<>();
        v.add(be.toHost(f.spikes()));
        v.add(be.toHost(g.gradCurrent()));
        v.add(g.gradRec() == null ? new float[0] : be.toHost(g.gradRec()));
        v.add(be.toHost(g.gradBeta()));
        v.add(be.toHost(g.gradP()));
        v.add(be.toHost(g.gradB()));
        return new Out(v);
    }

    static final String[] WHAT = {"spikes", "dX", "dR", "dbeta", "dp", "db"};

    @ParameterizedTest(name = "model={0} arp={1} recurrent={2} surrogate={3}")
    @CsvSource({"standard,0,true,mg", "standard,3,true,mg", "standard,5,false,superspike", "standard,2,true,boxcar",
            "blocks,0,true,mg", "blocks,3,true,mg", "blocks,5,false,superspike", "blocks,2,true,boxcar", "blocks,8,true,mg"})
    void fusedKernelsMatchTheirReferences(String model, int arp, boolean recurrent, String sur) {
        Surrogate s = switch (sur) { case "superspike" -> Surrogate.superSpike(10f); case "boxcar" -> Surrogate.boxcar(0.5f); default -> Surrogate.multiGaussian(0.5f); };
        AlifParams ap = new AlifParams(arp, s);
        AlifProblem pr = new AlifProblem(500 + arp, 31, B, N, recurrent, 1.0);
        boolean blocks = model.equals("blocks");
        Out ref = run(be, blocks ? new ReferenceBlocksKernel(be) : new ReferenceAlifKernel(be), pr, ap);
        Out host = run(be, blocks ? new HostBlocksKernel(be) : new HostAlifKernel(be), pr, ap);
        assertTrue(rate(ref.values().get(0)) > 0.01, "problem should spike");
        assertArrayEquals(ref.values().get(0), host.values().get(0), "spikes");
        for (int i = 1; i < WHAT.length; i++) {
            Close.assertClose(model + " host vs reference " + WHAT[i], host.values().get(i), ref.values().get(i), 2e-5);
        }
    }

    @ParameterizedTest(name = "model={0}")
    @CsvSource({"standard", "blocks"})
    void fusedResultsDoNotDependOnTheThreadCount(String model) {
        AlifProblem pr = new AlifProblem(600, 40, 7, N, true, 1.0);
        AlifParams ap = AlifParams.paper(4);
        boolean blocks = model.equals("blocks");
        Out one = run(be, blocks ? new HostBlocksKernel(be, 1) : new HostAlifKernel(be, 1), pr, ap);
        Out three = run(be, blocks ? new HostBlocksKernel(be, 3) : new HostAlifKernel(be, 3), pr, ap);
        Out seven = run(new CpuBackend(1), blocks ? new HostBlocksKernel(new CpuBackend(1), 7) : new HostAlifKernel(new CpuBackend(1), 7), pr, ap);
        for (int i = 0; i < WHAT.length; i++) {
            assertArrayEquals(one.values().get(i), three.values().get(i), WHAT[i] + " 1 vs 3 threads");
            assertArrayEquals(one.values().get(i), seven.values().get(i), WHAT[i] + " 1 vs 7 threads, 1-thread backend");
        }
        if (blocks) {   // tiles of one row (the time-major sweep's order of rows) change nothing either
            Out tiled = run(be, new HostBlocksKernel(be, 2, 1), pr, ap);
            for (int i = 0; i < WHAT.length; i++) assertArrayEquals(one.values().get(i), tiled.values().get(i), WHAT[i] + " tiles of one row");
        }
    }

    @Test
    void tapeSizesAndInference() {
        AlifProblem pr = new AlifProblem(700, 10, 2, N, false, 1.0);
        AlifKernel.AlifForward f = new HostAlifKernel(be).forward(AlifParams.paper(2), pr.coeffs(be), pr.x(be), null, true);
        assertEquals(HostAlifKernel.tapeBytes(10, 2, N), f.tape().retainedBytes());
        assertEquals(null, new HostBlocksKernel(be).forward(AlifParams.paper(2), pr.coeffs(be), pr.x(be), null, false).tape());
        float[] x = be.toHost(pr.x(be));
        Tensor xt = pr.x(be);
        new HostBlocksKernel(be).forward(AlifParams.paper(2), pr.coeffs(be), xt, pr.r(be), true);
        assertArrayEquals(x, be.toHost(xt), "the input current is not modified");
    }

    @Test
    void badInputsAreRejectedWithMessagesNamingTheField() {
        AlifCoeffs c = AlifCoeffs.uniform(be, 4, 0.9f, 0.9f, 1f);
        AlifParams ap = AlifParams.paper(2);
        for (AlifKernel k : List.of(new HostAlifKernel(be), new ReferenceAlifKernel(be), new HostBlocksKernel(be), new ReferenceBlocksKernel(be))) {
            msg("[T, B, N]", () -> k.forward(ap, c, be.zeros(5, 4), null, false));
            msg("N = 5", () -> k.forward(ap, c, be.zeros(5, 1, 5), null, false));
            msg("recurrent weights R", () -> k.forward(ap, c, be.zeros(5, 1, 4), be.zeros(4, 3), false));
            Tensor nan = be.zeros(5, 1, 4);
            be.fill(nan, Float.NaN);
            msg("input current contains NaN", () -> k.forward(ap, c, nan, null, false));
            AlifCoeffs nanBeta = new AlifCoeffs(be.fromHost(new float[] {0.9f, Float.NaN, 0.9f, 0.9f}, 4), c.p(), c.b());
            msg("beta[1]", () -> k.forward(ap, nanBeta, be.zeros(5, 1, 4), null, false));
            AlifCoeffs bigP = new AlifCoeffs(c.beta(), be.fromHost(new float[] {0.9f, 0.9f, 0.9f, 1.5f}, 4), c.b());
            msg("p[3]", () -> k.forward(ap, bigP, be.zeros(5, 1, 4), null, false));
            AlifKernel.AlifForward f = k.forward(ap, c, be.zeros(5, 1, 4), null, true);
            msg("gradSpikes", () -> k.backward(ap, f.tape(), be.zeros(5, 1, 3)));
        }
        AlifKernel.AlifForward other = new ReferenceAlifKernel(be).forward(ap, c, be.zeros(5, 1, 4), null, true);
        msg("tape from another kernel", () -> new HostBlocksKernel(be).backward(ap, other.tape(), null));
        msg("arp", () -> new AlifParams(-1, Surrogate.multiGaussian(0.5f)));
        msg("binary forward", () -> new AlifParams(1, Surrogate.smoothSigmoid(4f)));
        msg("[N]", () -> new AlifCoeffs(be.zeros(4), be.zeros(3), be.zeros(4)));
        msg("pRaw[0]", () -> AlifCoeffs.fromRaw(be, be.zeros(1), be.fromHost(new float[] {Float.NaN}, 1), be.zeros(1)));
    }

    private static void msg(String expected, org.junit.jupiter.api.function.Executable ex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should mention " + expected);
    }

    @Test
    void rawParametersAreClampedAsInThePaper() {
        Tensor[] raw = {be.fromHost(new float[] {1f, 0.5f, -2f}, 3), be.fromHost(new float[] {-0.9f, 2f, 0f}, 3),
                be.fromHost(new float[] {1.8f, -0.5f, 0f}, 3)};
        AlifCoeffs c = AlifCoeffs.fromRaw(be, raw[0], raw[1], raw[2]);
        assertArrayEquals(new float[] {0.999f, 0.5f, 0.001f}, be.toHost(c.beta()));
        assertArrayEquals(new float[] {0.9f, 0.999f, 0f}, be.toHost(c.p()));
        assertArrayEquals(new float[] {1f, 0.5f, 0.001f}, be.toHost(c.b()));
        Tensor ones = be.fromHost(new float[] {1f, 1f, 1f}, 3);
        Tensor[] g = AlifCoeffs.rawGrads(be, raw[0], raw[1], raw[2], ones, ones, ones);
        assertArrayEquals(new float[] {0f, 1f, 0f}, be.toHost(g[0]), "clamp blocks the gradient outside [0.001, 0.999]");
        assertArrayEquals(new float[] {-1f, 0f, 0f}, be.toHost(g[1]), "d|p|/dp = sign(p); clamped at 0.999");
        assertArrayEquals(new float[] {0f, -1f, 0f}, be.toHost(g[2]), "b: clamped at 1 and at 0.001");
    }

    @Test
    void blocksSurrogatesMatchTheirDefinitions() {
        Surrogate mg = Surrogate.multiGaussian(0.5f), box = Surrogate.boxcar(0.5f);
        // MG.backward at x = 0: γ·[(1 + h)·N(0; 0, σ) − 2h·N(0; σ, 6σ)]
        double pdf0 = 1 / (Math.sqrt(2 * Math.PI) * 0.5), pdfWide = Math.exp(-0.5 * (0.5 / 3) * (0.5 / 3)) / (Math.sqrt(2 * Math.PI) * 3);
        assertEquals(0.5 * (1.15 * pdf0 - 0.3 * pdfWide), mg.gradD(0), 1e-12);
        assertEquals(Surrogate.Kind.MULTI_GAUSSIAN, Surrogate.of("mg", 0.5f).kind());
        assertEquals(Surrogate.Kind.BOXCAR, Surrogate.of("box_car", 0.5f).kind());
        assertEquals(1.0, box.gradD(0.5), 0);
        assertEquals(0.0, box.gradD(-0.5), 0);
        float[] xs = new float[41];
        for (int i = 0; i < xs.length; i++) xs[i] = -2f + 0.1f * i;
        Tensor x = be.fromHost(xs, xs.length), out = be.zeros(xs.length), tmp = be.zeros(xs.length);
        for (Surrogate s : List.of(mg, box)) {
            s.gradRef(be, x, out, tmp);
            float[] ref = be.toHost(out);
            for (int i = 0; i < xs.length; i++) assertEquals(s.gradD(xs[i]), ref[i], 1e-6, s + " at " + xs[i]);
        }
    }
}
