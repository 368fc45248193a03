package org.spikekit.neuron;

/**
 * Independent double-precision implementation of the recurrent LIF layer equations
 * ({@link RecurrentLifLayer} Javadoc) with a hand-written BPTT, for gradient checks: synaptic delay
 * d = 1 or 2, an optional dropout mask on the spikes the recurrent connection sees, and the pending
 * input of the state. Flat row-major arrays: x [T*B*in], w [in*N], v [N*N] (or null), mask [T*B*N]
 * (or null), p, q, th [N], u0, i0, p0 [B*N].
 * Loss = Σ cS·S + Σ cU·U[T] + Σ cI·I[T] + Σ cP·pending[T] (a linear functional of outputs and final state).
 */
final class LifDouble {
    final int t, b, in, n, delay;
    final double tauMem, tauSyn, dt;
    final Surrogate sur;
    final ResetMode reset;
    final boolean detach;

    LifDouble(int t, int b, int in, int n, LifParams p) {
        this.t = t; this.b = b; this.in = in; this.n = n;
        this.tauMem = p.tauMemS(); this.tauSyn = p.tauSynS(); this.dt = p.dtS();
        this.sur = p.surrogate(); this.reset = p.reset(); this.detach = p.detachReset();
        this.delay = p.synapticDelay();
    }

    static double softplus(double x) { return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); }
    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    double[] betas(double[] raw, double tau0) {
        double[] r = new double[raw.length];
        for (int i = 0; i < raw.length; i++) r[i] = Math.exp(-dt / (tau0 * softplus(raw[i])));
        return r;
    }

    /** Everything the forward produced; c = the synaptic input emitted at each step. */
    record Run(double[] s, double[] u, double[] i, double[] c, double[] uLast, double[] iLast, double[] pLast) {}

    /** The problem's tensors; mask and p0 may be null (no mask, nothing pending). */
    record Args(double[] x, double[] w, double[] v, double[] mask, double[] p, double[] q, double[] th, double[] u0,
                double[] i0, double[] p0) {}

    Run forward(double[] x, double[] w, double[] v, double[] p, double[] q, double[] th, double[] u0, double[] i0) {
        return forward(new Args(x, w, v, null, p, q, th, u0, i0, null));
    }

    Run forward(Args a) {
        double[] bm = betas(a.p(), tauMem), bs = betas(a.q(), tauSyn);
        double[] U = a.u0().clone(), I = a.i0().clone();
        double[] P0 = a.p0() == null ? new double[b * n] : a.p0();
        double[] S = new double[t * b * n], TU = new double[t * b * n], TI = new double[t * b * n], C = new double[t * b * n];
        for (int k = 0; k < t; k++) {
            for (int r = 0; r < b; r++) {
                int so = r * n, ro = (k * b + r) * n;
                double[] s = new double[n];
                for (int j = 0; j < n; j++) {
                    TU[ro + j] = U[so + j];
                    TI[ro + j] = I[so + j];
                    s[j] = sur.spikeD(U[so + j] - a.th()[j]);
                    S[ro + j] = s[j];
                }
                for (int j = 0; j < n; j++) {
                    double c = 0;
                    for (int e = 0; e < in; e++) c += a.x()[(k * b + r) * in + e] * a.w()[e * n + j];
                    if (a.v() != null) {
                        for (int e = 0; e < n; e++) c += s[e] * (a.mask() == null ? 1 : a.mask()[ro + e]) * a.v()[e * n + j];
                    }
                    if (delay == 1 && k == 0) c += P0[so + j];
                    C[ro + j] = c;
                }
                for (int j = 0; j < n; j++) {
                    double h = delay == 1 ? C[ro + j] : k == 0 ? P0[so + j] : C[ro - b * n + j];
                    double u = U[so + j], i = I[so + j];
                    double m = bm[j] * u + (1 - bm[j]) * i;
                    I[so + j] = bs[j] * i + h;
                    U[so + j] = reset == ResetMode.ZERO ? m * (1 - s[j]) : m - a.th()[j] * s[j];
                }
            }
        }
        double[] pLast = new double[b * n];
        if (delay == 2 && t > 0) System.arraycopy(C, (t - 1) * b * n, pLast, 0, b * n);
        return new Run(S, TU, TI, C, U, I, pLast);
    }

    double loss(double[] x, double[] w, double[] v, double[] p, double[] q, double[] th, double[] u0, double[] i0,
                double[] cS, double[] cU, double[] cI) {
        return loss(new Args(x, w, v, null, p, q, th, u0, i0, null), cS, cU, cI, null);
    }

    double loss(Args a, double[] cS, double[] cU, double[] cI, double[] cP) {
        Run r = forward(a);
        double l = 0;
        for (int e = 0; e < cS.length; e++) l += cS[e] * r.s()[e];
        for (int e = 0; e < cU.length; e++) l += cU[e] * r.uLast()[e] + cI[e] * r.iLast()[e];
        if (cP != null) for (int e = 0; e < cP.length; e++) l += cP[e] * r.pLast()[e];
        return l;
    }

    /** Gradients of {@link #loss}: x, w, v, p, q, th, u0, i0 (in that order). */
    double[][] backward(double[] x, double[] w, double[] v, double[] p, double[] q, double[] th, double[] u0,
                        double[] i0, double[] cS, double[] cU, double[] cI) {
        double[][] g = backward(new Args(x, w, v, null, p, q, th, u0, i0, null), cS, cU, cI, null);
        return new double[][] {g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]};
    }

    /** Gradients of {@link #loss(Args, double[], double[], double[], double[])}: x, w, v, p, q, th, u0, i0, p0. */
    double[][] backward(Args a, double[] cS, double[] cU, double[] cI, double[] cP) {
        Run run = forward(a);
        double[] x = a.x(), w = a.w(), v = a.v(), th = a.th();
        double[] bm = betas(a.p(), tauMem), bs = betas(a.q(), tauSyn);
        double[] gx = new double[x.length], gw = new double[w.length], gv = v == null ? null : new double[v.length];
        double[] gbm = new double[n], gbs = new double[n], gth = new double[n], gp0 = new double[b * n];
        double[] dU = cU.clone(), dI = cI.clone();
        double[] dC = new double[t * b * n];                      // dL/dc[k]
        if (delay == 2 && t > 0 && cP != null) System.arraycopy(cP, 0, dC, (t - 1) * b * n, b * n);
        for (int k = t - 1; k >= 0; k--) {
            for (int r = 0; r < b; r++) {
                int so = r * n, ro = (k * b + r) * n;
                // the update of step k consumed c[k + 1 − d] (or p0): its gradient is dI = dL/dI[k+1]
                for (int j = 0; j < n; j++) {
                    if (delay == 1) dC[ro + j] = dI[so + j];
                    else if (k > 0) dC[ro - b * n + j] = dI[so + j];
                    else gp0[so + j] = dI[so + j];
                }
                double[] dS = new double[n];
                for (int j = 0; j < n; j++) {
                    dS[j] = cS[ro + j];
                    double dc = dC[ro + j];
                    for (int e = 0; e < in; e++) {
                        gw[e * n + j] += x[(k * b + r) * in + e] * dc;
                        gx[(k * b + r) * in + e] += w[e * n + j] * dc;
                    }
                }
                if (v != null) {
                    for (int e = 0; e < n; e++) {
                        double m = a.mask() == null ? 1 : a.mask()[ro + e];
                        for (int j = 0; j < n; j++) {
                            dS[e] += m * v[e * n + j] * dC[ro + j];
                            gv[e * n + j] += m * run.s()[ro + e] * dC[ro + j];
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
        if (delay == 1 && t > 0) System.arraycopy(dC, 0, gp0, 0, b * n);
        double[] gp = new double[n], gq = new double[n];
        for (int j = 0; j < n; j++) {
            gp[j] = gbm[j] * bm[j] * dt * sigmoid(a.p()[j]) / (tauMem * Math.pow(softplus(a.p()[j]), 2));
            gq[j] = gbs[j] * bs[j] * dt * sigmoid(a.q()[j]) / (tauSyn * Math.pow(softplus(a.q()[j]), 2));
        }
        return new double[][] {gx, gw, gv, gp, gq, gth, dU, dI, gp0};
    }
}
