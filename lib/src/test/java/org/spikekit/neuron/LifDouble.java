package org.spikekit.neuron;

/**
 * Independent double-precision implementation of the recurrent LIF layer equations
 * ({@link RecurrentLifLayer} Javadoc) with a hand-written BPTT, for gradient checks.
 * Flat row-major arrays: x [T*B*in], w [in*N], v [N*N] (or null), p, q, th [N], u0, i0 [B*N].
 * Loss = Σ cS·S + Σ cU·U[T] + Σ cI·I[T] (a generic linear functional of outputs and final state).
 */
final class LifDouble {
    final int t, b, in, n;
    final double tauMem, tauSyn, dt;
    final Surrogate sur;
    final ResetMode reset;
    final boolean detach;

    LifDouble(int t, int b, int in, int n, LifParams p) {
        this.t = t; this.b = b; this.in = in; this.n = n;
        this.tauMem = p.tauMemS(); this.tauSyn = p.tauSynS(); this.dt = p.dtS();
        this.sur = p.surrogate(); this.reset = p.reset(); this.detach = p.detachReset();
    }

    static double softplus(double x) { return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); }
    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    double[] betas(double[] raw, double tau0) {
        double[] r = new double[raw.length];
        for (int i = 0; i < raw.length; i++) r[i] = Math.exp(-dt / (tau0 * softplus(raw[i])));
        return r;
    }

    /** Everything the forward produced. */
    record Run(double[] s, double[] u, double[] i, double[] uLast, double[] iLast) {}

    Run forward(double[] x, double[] w, double[] v, double[] p, double[] q, double[] th, double[] u0, double[] i0) {
        double[] bm = betas(p, tauMem), bs = betas(q, tauSyn);
        double[] U = u0.clone(), I = i0.clone();
        double[] S = new double[t * b * n], TU = new double[t * b * n], TI = new double[t * b * n];
        for (int k = 0; k < t; k++) {
            for (int r = 0; r < b; r++) {
                int so = r * n, ro = (k * b + r) * n;
                double[] s = new double[n];
                for (int j = 0; j < n; j++) {
                    TU[ro + j] = U[so + j];
                    TI[ro + j] = I[so + j];
                    s[j] = sur.spikeD(U[so + j] - th[j]);
                    S[ro + j] = s[j];
                }
                for (int j = 0; j < n; j++) {
                    double h = 0;
                    for (int a = 0; a < in; a++) h += x[(k * b + r) * in + a] * w[a * n + j];
                    if (v != null) for (int a = 0; a < n; a++) h += s[a] * v[a * n + j];
                    double u = U[so + j], i = I[so + j];
                    double m = bm[j] * u + (1 - bm[j]) * i;
                    I[so + j] = bs[j] * i + h;
                    U[so + j] = reset == ResetMode.ZERO ? m * (1 - s[j]) : m - th[j] * s[j];
                }
            }
        }
        return new Run(S, TU, TI, U, I);
    }

    double loss(double[] x, double[] w, double[] v, double[] p, double[] q, double[] th, double[] u0, double[] i0,
                double[] cS, double[] cU, double[] cI) {
        Run r = forward(x, w, v, p, q, th, u0, i0);
        double l = 0;
        for (int a = 0; a < cS.length; a++) l += cS[a] * r.s()[a];
        for (int a = 0; a < cU.length; a++) l += cU[a] * r.uLast()[a] + cI[a] * r.iLast()[a];
        return l;
    }

    /** Gradients of {@link #loss}: x, w, v, p, q, th, u0, i0 (in that order). */
    double[][] backward(double[] x, double[] w, double[] v, double[] p, double[] q, double[] th, double[] u0,
                        double[] i0, double[] cS, double[] cU, double[] cI) {
        Run run = forward(x, w, v, p, q, th, u0, i0);
        double[] bm = betas(p, tauMem), bs = betas(q, tauSyn);
        double[] gx = new double[x.length], gw = new double[w.length], gv = v == null ? null : new double[v.length];
        double[] gbm = new double[n], gbs = new double[n], gth = new double[n];
        double[] dU = cU.clone(), dI = cI.clone();
        for (int k = t - 1; k >= 0; k--) {
            for (int r = 0; r < b; r++) {
                int so = r * n, ro = (k * b + r) * n;
                // h[k] = x W + S V ; dL/dh = dI (= dL/dI[k+1])
                double[] dS = new double[n];
                for (int j = 0; j < n; j++) {
                    dS[j] = cS[ro + j];
                    double dh = dI[so + j];
                    for (int a = 0; a < in; a++) {
                        gw[a * n + j] += x[(k * b + r) * in + a] * dh;
                        gx[(k * b + r) * in + a] += w[a * n + j] * dh;
                    }
                }
                if (v != null) {
                    for (int a = 0; a < n; a++) {
                        for (int j = 0; j < n; j++) {
                            dS[a] += v[a * n + j] * dI[so + j];
                            gv[a * n + j] += run.s()[ro + a] * dI[so + j];
                        }
                    }
                }
                for (int j = 0; j < n; j++) {
                    double u = run.u()[ro + j], i = run.i()[ro + j], s = run.s()[ro + j];
                    double du = dU[so + j], di = dI[so + j];
                    double m = bm[j] * u + (1 - bm[j]) * i;
                    double dm, ds = dS[j];
                    if (reset == ResetMode.ZERO) {
                        dm = du * (1 - s);
                        if (!detach) ds += -du * m;
                    } else {
                        dm = du;
                        if (!detach) ds += -th[j] * du;
                        gth[j] += -du * s;
                    }
                    double da = ds * sur.gradD(u - th[j]);
                    gth[j] -= da;
                    gbm[j] += dm * (u - i);
                    gbs[j] += di * i;
                    dU[so + j] = bm[j] * dm + da;
                    dI[so + j] = bs[j] * di + (1 - bm[j]) * dm;
                }
            }
        }
        double[] gp = new double[n], gq = new double[n];
        for (int j = 0; j < n; j++) {
            gp[j] = gbm[j] * bm[j] * dt * sigmoid(p[j]) / (tauMem * Math.pow(softplus(p[j]), 2));
            gq[j] = gbs[j] * bs[j] * dt * sigmoid(q[j]) / (tauSyn * Math.pow(softplus(q[j]), 2));
        }
        return new double[][] {gx, gw, gv, gp, gq, gth, dU, dI};
    }
}
