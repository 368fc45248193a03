package org.spikekit.neuron;

/**
 * Double-precision forward-mode references of standard and Blocks ALIF, written independently of
 * the kernels, line by line after the authors' code (notebooks/papers/blocks.md §4; {@code src/snn/snn.py}
 * {@code SNN.process}; {@code src/snn/block/blocks.py} {@code Blocks.process} and
 * {@code block.py} {@code Block.forward}/{@code Block.g}), including its representation choices
 * (refractory counter {@code refac_times}, the adaptation carry {@code a0} with its {@code 1/p},
 * per-block β-convolution with {@code β^{k−j}}, ramp convolution z). Every number is a
 * {@link D dual} (value, derivative along one seeded direction) with PyTorch's autograd
 * semantics: the spike is Θ forward with the surrogate derivative, {@code .detach()} drops the
 * derivative. One run gives one directional derivative, so a full gradient takes one run per
 * seeded element; that is the check of the hand-written backward passes.
 *
 * <p>Layout as the kernels: x {@code [T, B, N]}, R {@code [N(pre), N(post)]}, β, p, b {@code [N]}.
 */
final class AlifDual {
    private AlifDual() {}

    /** Dual number. */
    record D(double v, double d) {
        static final D ZERO = new D(0, 0);
        static D c(double v) { return new D(v, 0); }
        D add(D o) { return new D(v + o.v, d + o.d); }
        D sub(D o) { return new D(v - o.v, d - o.d); }
        D mul(D o) { return new D(v * o.v, d * o.v + v * o.d); }
        D scale(double s) { return new D(v * s, d * s); }
        D inv() { return new D(1 / v, -d / (v * v)); }
        D pow(int e) {
            if (e == 0) return new D(1, 0);
            return new D(Math.pow(v, e), e * Math.pow(v, e - 1) * d);
        }
        D detach() { return new D(v, 0); }
    }

    /** Spike with surrogate derivative: value Θ(x), derivative g(x)·dx. */
    static D spike(Surrogate s, D x) { return new D(x.v > 0 ? 1 : 0, s.gradD(x.v) * x.d); }

    /** Spikes, membrane potentials (V for standard, Ṽ for Blocks) and thresholds, each {@code [T, B, N]}. */
    record Run(D[] s, D[] v, D[] th) {}

    /** Problem: values and, for one seeded element, derivatives. */
    record Args(int t, int b, int n, D[] x, D[] r, D[] beta, D[] p, D[] bb) {}

    static Run standard(Args a, int arp, Surrogate sur) {
        int t = a.t(), b = a.b(), n = a.n(), lat = arp;
        D[] S = new D[t * b * n], V = new D[t * b * n], TH = new D[t * b * n];
        for (int r = 0; r < b; r++) {
            D[] mem = fill(n, D.ZERO), aa = fill(n, D.ZERO), vth = fill(n, D.c(1));
            double[] spikes = new double[n];                        // values of the last step's spikes
            double[] refac = new double[n];
            java.util.Arrays.fill(refac, lat);
            D[][] recCurrent = new D[t][];
            D[] prevS = fill(n, D.ZERO);
            for (int k = 0; k < t; k++) {
                recCurrent[k] = a.r() == null ? null : recurrent(a, spikes);   // get_rec_input(spikes.detach())
                D[] in = new D[n];
                for (int i = 0; i < n; i++) in[i] = a.x()[(k * b + r) * n + i];
                if (k >= lat && a.r() != null) {
                    for (int i = 0; i < n; i++) in[i] = in[i].add(recCurrent[k - lat][i]);
                }
                for (int i = 0; i < n; i++) {
                    if (spikes[i] > 0) refac[i] = 0;
                    if (refac[i] < lat) in[i] = D.ZERO;
                    refac[i] += 1;
                }
                D[] s = new D[n];
                for (int i = 0; i < n; i++) {
                    D nm = mem[i].mul(a.beta()[i]).add(in[i]);
                    s[i] = spike(sur, nm.sub(vth[i]));
                    int o = (k * b + r) * n + i;
                    S[o] = s[i];
                    V[o] = nm;
                    TH[o] = vth[i];
                    mem[i] = nm.scale(1 - s[i].v());              // new_mem * (1 - spikes.detach())
                    aa[i] = a.p()[i].mul(aa[i]).add(s[i]);        // a = p*a + spikes (attached)
                    vth[i] = D.c(1).add(a.bb()[i].mul(aa[i]));
                }
                for (int i = 0; i < n; i++) spikes[i] = s[i].v();
                prevS = s;
            }
        }
        return new Run(S, V, TH);
    }

    /** {@code rec_i = Σ_k s_k·R[k, i]} with detached spikes. */
    private static D[] recurrent(Args a, double[] s) {
        int n = a.n();
        D[] out = fill(n, D.ZERO);
        for (int k = 0; k < n; k++) {
            if (s[k] == 0) continue;
            for (int i = 0; i < n; i++) out[i] = out[i].add(a.r()[k * n + i].scale(s[k]));
        }
        return out;
    }

    static Run blocks(Args a, int arp, Surrogate sur) {
        int t = a.t(), b = a.b(), n = a.n(), len = arp + 1;
        int nb = (t + len - 1) / len;
        D[] S = new D[t * b * n], V = new D[t * b * n], TH = new D[t * b * n];
        for (int r = 0; r < b; r++) {
            D[][] spikes = null, z = null, intMem = null;
            D[][] aKernel = new D[len][], vTh = new D[len][];
            for (int k = 0; k < len; k++) {
                aKernel[k] = fill(n, D.ZERO);
                vTh[k] = fill(n, D.c(1));
            }
            D[] vInit = fill(n, D.ZERO);
            for (int blk = 0; blk < nb; blk++) {
                int t0 = blk * len;
                D[][] xs = new D[len][n];
                for (int k = 0; k < len; k++) {
                    for (int i = 0; i < n; i++) xs[k][i] = t0 + k < t ? a.x()[((t0 + k) * b + r) * n + i] : D.ZERO;
                }
                if (blk > 0) {
                    if (a.r() != null) {
                        for (int k = 0; k < len; k++) {
                            double[] sv = new double[n];
                            for (int i = 0; i < n; i++) sv[i] = spikes[k][i].v();
                            D[] rec = recurrent(a, sv);
                            for (int i = 0; i < n; i++) xs[k][i] = xs[k][i].add(rec[i]);
                        }
                    }
                    double[] mask = new double[n];
                    for (int i = 0; i < n; i++) for (int k = 0; k < len; k++) mask[i] = Math.max(mask[i], spikes[k][i].v());
                    for (int k = 0; k < len; k++) {
                        for (int i = 0; i < n; i++) if (z[k][i].v() < mask[i]) xs[k][i] = xs[k][i].sub(xs[k][i]);
                    }
                    for (int i = 0; i < n; i++) vInit[i] = intMem[len - 1][i].scale(mask[i] > 0 ? 0 : 1);
                    D[] aNew = new D[n];
                    for (int i = 0; i < n; i++) {
                        D atSpike = a.p()[i].inv();
                        int decay = 0;
                        for (int k = 0; k < len; k++) {
                            atSpike = atSpike.add(aKernel[k][i].scale(spikes[k][i].v()));
                            if (z[k][i].v() > 1) decay++;
                        }
                        D newA = atSpike.mul(a.p()[i].pow(decay));
                        aNew[i] = mask[i] > 0 ? newA : aKernel[len - 1][i];
                    }
                    for (int k = 0; k < len; k++) {
                        for (int i = 0; i < n; i++) {
                            aKernel[k][i] = a.p()[i].pow(k + 1).mul(aNew[i]);
                            vTh[k][i] = D.c(1).add(a.bb()[i].mul(aKernel[k][i]));
                        }
                    }
                }
                // Block.forward
                for (int i = 0; i < n; i++) xs[0][i] = xs[0][i].add(a.beta()[i].mul(vInit[i]));
                D[][] mem = new D[len][n], faulty = new D[len][n], zz = new D[len][n], out = new D[len][n];
                for (int k = 0; k < len; k++) {
                    for (int i = 0; i < n; i++) {
                        D m = D.ZERO;
                        for (int j = 0; j <= k; j++) m = m.add(a.beta()[i].pow(k - j).mul(xs[j][i]));
                        mem[k][i] = m;
                        faulty[k][i] = spike(sur, m.sub(vTh[k][i]));
                    }
                }
                for (int k = 0; k < len; k++) {
                    for (int i = 0; i < n; i++) {
                        D acc = D.ZERO;
                        for (int j = 0; j <= k; j++) acc = acc.add(faulty[j][i].scale(k - j + 1));
                        zz[k][i] = acc;
                        out[k][i] = new D(acc.v() == 1 ? 1 : 0, acc.d());   // z − detach(z·1[z ≠ 1])
                    }
                }
                for (int k = 0; k < len && t0 + k < t; k++) {
                    for (int i = 0; i < n; i++) {
                        int o = ((t0 + k) * b + r) * n + i;
                        S[o] = out[k][i];
                        V[o] = mem[k][i];
                        TH[o] = vTh[k][i];
                    }
                }
                spikes = out;
                z = zz;
                intMem = mem;
            }
        }
        return new Run(S, V, TH);
    }

    /** Parameter-name prefixes of hidden layer {@code l} of an {@code AlifNet}. */
    static String inName(int l) { return l == 0 ? "in" : "h" + l; }
    static String recName(int l) { return l == 0 ? "rec" : "rec" + l; }
    static String alifName(int l) { return l == 0 ? "alif" : "alif" + l; }

    /** An {@code AlifNet} run in dual numbers: the last hidden layer's spikes {@code [T, B, H]} and the pooled logits {@code [B, C]}. */
    record NetRun(D[] spikes, D[] logits) {}

    /**
     * {@code model.AlifNet}'s forward pass in dual numbers (input projection with bias, the ALIF layers of
     * its kind, leaky readout with bias, SUM or MAX pooling), from its parameters by name.
     *
     * @param v every parameter as dual numbers, by the net's parameter names
     * @param x input {@code [T, B, in]}
     */
    static NetRun net(org.spikekit.model.AlifNet.Config cfg, java.util.Map<String, D[]> v, float[] x, int t, int b, int in, int h, int c) {
        D[] s = null;
        for (int l = 0; l < cfg.layers(); l++) {
            int fan = l == 0 ? in : h;
            D[] cur = new D[t * b * h];
            for (int r = 0; r < t * b; r++) {
                for (int j = 0; j < h; j++) {
                    D acc = v.get(inName(l) + ".b")[j];
                    for (int i = 0; i < fan; i++) {
                        D w = v.get(inName(l) + ".w")[i * h + j];
                        acc = acc.add(l == 0 ? w.scale(x[r * in + i]) : w.mul(s[r * h + i]));
                    }
                    cur[r * h + j] = acc;
                }
            }
            Args a = new Args(t, b, h, cur, cfg.recurrent() ? v.get(recName(l) + ".w") : null,
                    v.get(alifName(l) + ".betaRaw"), v.get(alifName(l) + ".pRaw"), v.get(alifName(l) + ".bRaw"));   // inside the clamps: identity
            Run run = cfg.kind() == org.spikekit.model.AlifNet.Kind.BLOCKS ? blocks(a, cfg.alif().arp(), cfg.alif().surrogate())
                    : standard(a, cfg.alif().arp(), cfg.alif().surrogate());
            s = run.s();
        }
        D[] wo = v.get("out.w"), bo = v.get("out.betaRaw"), ob = v.get("out.b");
        D[] y = new D[t * b * c];
        for (int k = 0; k < t; k++) {
            for (int r = 0; r < b; r++) {
                for (int o = 0; o < c; o++) {
                    D acc = (k > 0 ? bo[o].mul(y[((k - 1) * b + r) * c + o]) : D.ZERO).add(ob[o]);   // readout bias
                    for (int j = 0; j < h; j++) acc = acc.add(s[(k * b + r) * h + j].mul(wo[j * c + o]));
                    y[(k * b + r) * c + o] = acc;
                }
            }
        }
        D[] z = new D[b * c];
        for (int r = 0; r < b; r++) {
            for (int o = 0; o < c; o++) {
                D best;
                if (cfg.pool() == org.spikekit.model.AlifNet.Pool.SUM) {
                    best = D.ZERO;
                    for (int k = 0; k < t; k++) best = best.add(y[(k * b + r) * c + o]);
                } else {
                    best = y[r * c + o];
                    for (int k = 1; k < t; k++) if (y[(k * b + r) * c + o].v() > best.v()) best = y[(k * b + r) * c + o];
                }
                z[r * c + o] = best;
            }
        }
        return new NetRun(s, z);
    }

    private static D[] fill(int n, D v) {
        D[] a = new D[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
