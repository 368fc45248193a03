package org.spikekit.core;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * Fluctuation-driven initialisation (Rossbroich, Gygax &amp; Zenke 2022; stork's centred-normal
 * initializer, notebooks/papers/rsnn.md §4.3). A weight matrix with fan-in N receiving Poisson spikes at rate ν
 * (Hz) is drawn from {@code N(0, σ_w²)} with
 * <pre>
 *   σ_w² = s · σ_u² / (N · ν · ε̂),   ε̂ = Σ_n k[n]² · Δt
 * </pre>
 * where k is the membrane response (PSP kernel) of the layer's discrete dynamics to one input
 * spike of unit weight, and s the share of the target membrane variance σ_u² given to this
 * connection (RSNN: σ_u = 0.5, s = α = 0.9 feed-forward, 1 − α = 0.1 recurrent). By Campbell's
 * theorem the temporal membrane variance of a neuron is then about s·σ_u² (Bernoulli input per step
 * reduces it by the factor 1 − νΔt).
 */
public final class FluctuationInit {
    private FluctuationInit() {}

    /** RSNN target membrane s.d. */
    public static final double SIGMA_U = 0.5;
    /** RSNN feed-forward share of the membrane variance. */
    public static final double ALPHA = 0.9;

    /**
     * The PSP kernel of {@code I[n+1] = β_syn·I[n] + x[n]}, {@code U[n+1] = β_mem·U[n] + (1 − β_mem)·I[n]}
     * for a unit spike x[0] = 1: k[n] = U[n], n = 0, 1, … until it has decayed below 1e-12 of its peak.
     */
    public static double[] pspKernel(double tauMemS, double tauSynS, double dtS) {
        double bm = Math.exp(-dtS / tauMemS), bs = Math.exp(-dtS / tauSynS);
        int len = (int) Math.ceil(60 * Math.max(tauMemS, tauSynS) / dtS) + 4;
        double[] k = new double[len];
        double u = 0, i = 0;
        for (int n = 0; n < len; n++) {
            k[n] = u;
            double x = n == 0 ? 1 : 0;
            u = bm * u + (1 - bm) * i;
            i = bs * i + x;
        }
        return k;
    }

    /** {@code ε̂ = Σ_n k[n]²·Δt} (seconds) of {@link #pspKernel}. */
    public static double epsilonHat(double tauMemS, double tauSynS, double dtS) {
        double s = 0;
        for (double v : pspKernel(tauMemS, tauSynS, dtS)) s += v * v;
        return s * dtS;
    }

    /** {@code σ_w = sqrt(s·σ_u²/(N·ν·ε̂))}. */
    public static double sigma(double share, double sigmaU, int fanIn, double nuHz, double epsHat) {
        if (fanIn <= 0 || !(nuHz > 0) || !(epsHat > 0) || !(share >= 0)) {
            throw new IllegalArgumentException("FluctuationInit.sigma: need fanIn > 0, nu > 0, epsHat > 0, share >= 0; got "
                    + fanIn + ", " + nuHz + ", " + epsHat + ", " + share);
        }
        return Math.sqrt(share * sigmaU * sigmaU / (fanIn * nuHz * epsHat));
    }

    /**
     * Fills a weight {@code [fanIn, out]} with {@code N(0, σ_w²)}; when {@code rowDivisor} is not
     * null, row j (presynaptic channel j) is then divided by {@code rowDivisor[j]} (RSNN Loco: the
     * rate ratio of channels 97–192 to 1–96). Returns σ_w.
     */
    public static double init(Tensor w, long seed, double share, double sigmaU, double nuHz, double epsHat, double[] rowDivisor) {
        if (w.rank() != 2) throw new IllegalArgumentException("FluctuationInit: weight must be [fanIn, out], got " + w);
        int fanIn = w.dim(0), out = w.dim(1);
        double sd = sigma(share, sigmaU, fanIn, nuHz, epsHat);
        Backend be = w.backend();
        be.randNormal(w, seed, 0f, (float) sd);
        if (rowDivisor != null) {
            if (rowDivisor.length != fanIn) throw new IllegalArgumentException("FluctuationInit: rowDivisor has " + rowDivisor.length + " entries for fan-in " + fanIn);
            float[] h = be.toHost(w);
            for (int j = 0; j < fanIn; j++) {
                if (!(rowDivisor[j] > 0)) throw new IllegalArgumentException("FluctuationInit: rowDivisor[" + j + "] must be > 0, got " + rowDivisor[j]);
                for (int o = 0; o < out; o++) h[j * out + o] /= (float) rowDivisor[j];
            }
            be.copy(be.fromHost(h, fanIn, out), w);
        }
        return sd;
    }
}
