package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;

/**
 * Gradient checks of the four hand-written ALIF backward passes.
 *
 * <p>(1) Each float kernel's gradients of {@code L = Σ c·S} w.r.t. the input current, R, β, p and b
 * against {@link AlifDual}: forward-mode dual numbers in float64 through an independent
 * transcription of the authors' code (its refractory counter, its {@code a0} carry with
 * {@code 1/p}, its per-block convolutions), one run per seeded element. Tolerance: max error
 * ≤ 1e-4 of the largest expected magnitude (float32 kernels vs float64; ≤ ~1e-5 seen). The
 * spikes are Heaviside with a surrogate derivative, so these gradients are not derivatives of the
 * forward; forward mode with the same autograd semantics is the reference.
 *
 * <p>(2) The dual references themselves against central finite differences (h = 1e-6, tolerance
 * 1e-6 relative), on losses whose true derivative exists: for Blocks {@code Σ c·Ṽ + Σ c'·θ}
 * (potentials and thresholds are smooth in all parameters while the detached spike times stay
 * put); for standard ALIF {@code Σ c·V} (its threshold depends on the spikes through the
 * attached adaptation, i.e. on the surrogate, which finite differences cannot see).
 */
class AlifGradientCheckTest {
    final Backend be = new CpuBackend();

    static double[] dualGradient(AlifProblem pr, boolean blocks, int arp, Surrogate sur, int arg, Loss loss) {
        double[] v = pr.all()[arg];
        double[] g = new double[v.length];
        for (int e = 0; e < v.length; e++) {
            AlifDual.Args a = pr.dual(arg, e);
            AlifDual.Run run = blocks ? AlifDual.blocks(a, arp, sur) : AlifDual.standard(a, arp, sur);
            g[e] = loss.of(run).d();
        }
        return g;
    }

    interface Loss {
        AlifDual.D of(AlifDual.Run r);
    }

    static AlifDual.D weighted(AlifDual.D[] xs, double[] c) {
        AlifDual.D acc = AlifDual.D.ZERO;
        for (int i = 0; i < xs.length; i++) acc = acc.add(xs[i].scale(c[i]));
        return acc;
    }

    @ParameterizedTest(name = "{0} kernel={1} arp={2} recurrent={3} surrogate={4}")
    @CsvSource({
            "standard,host,0,true,mg", "standard,host,3,true,mg", "standard,host,2,false,superspike",
            "standard,reference,3,true,mg", "standard,reference,0,false,boxcar",
            "blocks,host,0,true,mg", "blocks,host,3,true,mg", "blocks,host,4,false,superspike", "blocks,host,6,true,mg",
            "blocks,reference,3,true,mg", "blocks,reference,1,false,boxcar"})
    void floatKernelsMatchForwardModeDuals(String model, String kernel, int arp, boolean recurrent, String surName) {
        Surrogate sur = switch (surName) { case "superspike" -> Surrogate.superSpike(10f); case "boxcar" -> Surrogate.boxcar(0.5f); default -> Surrogate.multiGaussian(0.5f); };
        boolean blocks = model.equals("blocks");
        AlifProblem pr = new AlifProblem(41 + arp, 13, 2, 19, recurrent, 1.0);
        AlifKernel k = blocks ? (kernel.equals("host") ? new HostBlocksKernel(be) : new ReferenceBlocksKernel(be))
                : (kernel.equals("host") ? new HostAlifKernel(be) : new ReferenceAlifKernel(be));
        AlifParams ap = new AlifParams(arp, sur);
        AlifKernel.AlifForward f = k.forward(ap, pr.coeffs(be), pr.x(be), pr.r(be), true);
        AlifKernel.AlifGrads g = k.backward(ap, f.tape(), pr.gS(be));
        float[][] got = {be.toHost(g.gradCurrent()), g.gradRec() == null ? null : be.toHost(g.gradRec()),
                be.toHost(g.gradBeta()), be.toHost(g.gradP()), be.toHost(g.gradB())};
        AlifDual.Run plain = blocks ? AlifDual.blocks(pr.dual(-1, -1), arp, sur) : AlifDual.standard(pr.dual(-1, -1), arp, sur);
        float[] s = be.toHost(f.spikes());
        double spikes = 0;
        for (int i = 0; i < s.length; i++) {
            assertTrue(s[i] == plain.s()[i].v(), "float and float64 spikes differ at " + i);
            spikes += s[i];
        }
        assertTrue(spikes / s.length > 0.02, "problem should spike, rate " + spikes / s.length);
        double worst = 0;
        for (int arg = 0; arg < got.length; arg++) {
            if (got[arg] == null) continue;
            double[] expect = dualGradient(pr, blocks, arp, sur, arg, r -> weighted(r.s(), pr.gS));
            worst = Math.max(worst, Close.relErr(got[arg], expect));
            Close.assertClose(model + " " + kernel + " dL/d" + AlifProblem.NAMES[arg], got[arg], expect, 1e-4);
            double scale = 0;
            for (double e : expect) scale = Math.max(scale, Math.abs(e));
            assertTrue(scale > 0, "expected gradient w.r.t. " + AlifProblem.NAMES[arg] + " is zero: vacuous check");
        }
        System.out.printf("grad-check %s %s arp=%d %s vs float64 forward mode: max rel err %.2e%n", model, kernel, arp, surName, worst);
    }

    @ParameterizedTest(name = "{0} arp={1}")
    @CsvSource({"blocks,0", "blocks,3", "blocks,6", "standard,0", "standard,3"})
    void dualReferencesMatchCentralFiniteDifferences(String model, int arp) {
        boolean blocks = model.equals("blocks");
        AlifProblem pr = new AlifProblem(77 + arp, 15, 2, 4, true, 1.0);
        Surrogate sur = Surrogate.multiGaussian(0.5f);
        double[] cv = AlifProblem.rnd(new java.util.Random(5), pr.x.length, -1, 1);
        double[] ct = AlifProblem.rnd(new java.util.Random(6), pr.x.length, -1, 1);
        Loss loss = blocks ? r -> weighted(r.v(), cv).add(weighted(r.th(), ct)) : r -> weighted(r.v(), cv);
        double h = 1e-6;
        for (int arg = 0; arg < 5; arg++) {
            double[] v = pr.all()[arg];
            double[] fd = new double[v.length];
            for (int e = 0; e < v.length; e++) {
                double keep = v[e];
                v[e] = keep + h;
                double lp = loss.of(run(pr, blocks, arp, sur)).v();
                v[e] = keep - h;
                double lm = loss.of(run(pr, blocks, arp, sur)).v();
                v[e] = keep;
                fd[e] = (lp - lm) / (2 * h);
            }
            double[] dual = dualGradient(pr, blocks, arp, sur, arg, loss);
            if (!blocks && arg >= 3) continue;   // V of standard ALIF does not depend on p, b except through spikes
            Close.assertClose(model + " dual vs FD d/d" + AlifProblem.NAMES[arg], dual, fd, 1e-6);
        }
        double rate = 0;
        for (AlifDual.D s : run(pr, blocks, arp, sur).s()) rate += s.v();
        assertTrue(rate > 0, "spikes (and so resets, masks, adaptation carries) must occur for the check to mean something");
    }

    private static AlifDual.Run run(AlifProblem pr, boolean blocks, int arp, Surrogate sur) {
        return blocks ? AlifDual.blocks(pr.dual(-1, -1), arp, sur) : AlifDual.standard(pr.dual(-1, -1), arp, sur);
    }
}
