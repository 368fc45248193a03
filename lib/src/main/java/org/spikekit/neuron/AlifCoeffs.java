package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * Per-neuron constants of an ALIF layer, each {@code [N]}, as the dynamics use them (after the
 * paper's clamps, see {@link #fromRaw}). notebooks/papers/blocks.md §4.1:
 * <pre>
 *   V[t] = β·V̂[t−1] + I[t]        θ[t] = 1 + b·a[t−1]        a[t] = p·a[t−1] + S[t]
 * </pre>
 *
 * @param beta membrane decay β ∈ (0, 1] (paper clamp [0.001, 0.999]; β = exp(−dt/τ_mem))
 * @param p adaptation decay p ∈ [0, 1] (paper: clip(|p|, 0, 0.999); p = exp(−dt/τ_adapt))
 * @param b adaptation strength b ≥ 0 (paper: clip(|b|, 0.001, 1)); b ≥ 0 keeps θ ≥ 1 > 0, which the
 *          Blocks equivalence needs (a refractory neuron, at V = 0, must not fire)
 */
public record AlifCoeffs(Tensor beta, Tensor p, Tensor b) {

    /** The paper's clamps ({@code BaseSNN.beta}, {@code .p}, {@code .b} in {@code src/snn/snn.py}). */
    public static final float MIN_BETA = 0.001f, MAX_BETA = 0.999f, MAX_P = 0.999f, MIN_B = 0.001f, MAX_B = 1f;

    public AlifCoeffs {
        if (beta == null || p == null || b == null) throw new IllegalArgumentException("AlifCoeffs: beta, p and b must not be null");
        if (beta.rank() != 1 || !beta.sameShape(p) || !beta.sameShape(b)) {
            throw new IllegalArgumentException("AlifCoeffs: beta " + beta + ", p " + p + " and b " + b
                    + " must each be [N] with one value per neuron");
        }
    }

    public int neurons() { return beta.dim(0); }

    /** Same value for every neuron (the paper initialises β = p = 0.9 in the speed benchmark, b = 1.8 → clamp 1). */
    public static AlifCoeffs uniform(Backend be, int n, float beta, float p, float b) {
        Tensor tb = be.zeros(n), tp = be.zeros(n), tbb = be.zeros(n);
        be.fill(tb, beta);
        be.fill(tp, p);
        be.fill(tbb, b);
        AlifCoeffs c = new AlifCoeffs(tb, tp, tbb);
        c.validate("AlifCoeffs.uniform");
        return c;
    }

    /**
     * The coefficients the paper's model uses for raw learnable parameters:
     * {@code β = clamp(β_raw, 0.001, 0.999)}, {@code p = clamp(|p_raw|, 0, 0.999)},
     * {@code b = clamp(|b_raw|, 0.001, 1)} (notebooks/papers/blocks.md §4.1). Raw values must be finite.
     */
    public static AlifCoeffs fromRaw(Backend be, Tensor betaRaw, Tensor pRaw, Tensor bRaw) {
        float[] br = host(be, betaRaw, "betaRaw"), pr = host(be, pRaw, "pRaw"), bbr = host(be, bRaw, "bRaw");
        if (pr.length != br.length || bbr.length != br.length) {
            throw new IllegalArgumentException("AlifCoeffs.fromRaw: betaRaw " + betaRaw + ", pRaw " + pRaw + ", bRaw " + bRaw
                    + " must have one value per neuron");
        }
        int n = br.length;
        float[] bo = new float[n], po = new float[n], bbo = new float[n];
        for (int i = 0; i < n; i++) {
            bo[i] = Math.min(Math.max(br[i], MIN_BETA), MAX_BETA);
            po[i] = Math.min(Math.abs(pr[i]), MAX_P);
            bbo[i] = Math.min(Math.max(Math.abs(bbr[i]), MIN_B), MAX_B);
        }
        return new AlifCoeffs(be.fromHost(bo, n), be.fromHost(po, n), be.fromHost(bbo, n));
    }

    /**
     * Chain rule through {@link #fromRaw} as PyTorch differentiates it: clamp passes the gradient
     * where {@code lo ≤ x ≤ hi} and blocks it outside; {@code |x|} multiplies it by sign(x).
     *
     * @return {@code {dL/dβ_raw, dL/dp_raw, dL/db_raw}}, fresh tensors
     */
    public static Tensor[] rawGrads(Backend be, Tensor betaRaw, Tensor pRaw, Tensor bRaw,
                                    Tensor gradBeta, Tensor gradP, Tensor gradB) {
        float[] br = host(be, betaRaw, "betaRaw"), pr = host(be, pRaw, "pRaw"), bbr = host(be, bRaw, "bRaw");
        float[] gb = be.toHost(gradBeta), gp = be.toHost(gradP), gbb = be.toHost(gradB);
        int n = br.length;
        for (int i = 0; i < n; i++) {
            gb[i] = br[i] >= MIN_BETA && br[i] <= MAX_BETA ? gb[i] : 0f;
            float ap = Math.abs(pr[i]);
            gp[i] = ap <= MAX_P ? gp[i] * Math.signum(pr[i]) : 0f;
            float ab = Math.abs(bbr[i]);
            gbb[i] = ab >= MIN_B && ab <= MAX_B ? gbb[i] * Math.signum(bbr[i]) : 0f;
        }
        return new Tensor[] {be.fromHost(gb, n), be.fromHost(gp, n), be.fromHost(gbb, n)};
    }

    private static float[] host(Backend be, Tensor t, String field) {
        if (t == null || t.rank() != 1) throw new IllegalArgumentException("AlifCoeffs." + field + " must be [N], got " + t);
        float[] v = be.toHost(t);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("AlifCoeffs." + field + "[" + i + "] must be finite, got " + v[i]);
            }
        }
        return v;
    }

    /**
     * Checks every value: β ∈ (0, 1], p ∈ [0, 1], b ≥ 0, all finite; throws an
     * {@link IllegalArgumentException} naming the field, the neuron and the expected range.
     *
     * @param who the caller, for the message
     */
    public void validate(String who) {
        Backend be = beta.backend();
        check(who, "beta", be.toHost(beta), 0f, false, 1f, "(0, 1]");
        check(who, "p", be.toHost(p), 0f, true, 1f, "[0, 1]");
        check(who, "b", be.toHost(b), 0f, true, Float.POSITIVE_INFINITY, "[0, inf) (b < 0 could lower θ below 0)");
    }

    private static void check(String who, String field, float[] v, float lo, boolean loIncl, float hi, String range) {
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            boolean ok = Float.isFinite(x) && (loIncl ? x >= lo : x > lo) && x <= hi;
            if (!ok) throw new IllegalArgumentException(who + ": ALIF coefficient " + field + "[" + i + "] = " + x
                    + ", expected a finite value in " + range);
        }
    }
}
