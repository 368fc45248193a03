package org.spikekit.model;

import java.util.ArrayList;
import java.util.List;
import org.spikekit.neuron.SnnTorchLeaky;

/**
 * Independent double-precision references of SNN2 and SNN3, written step by step after the
 * NeuroBench PyTorch code (SNN2.py: one call per 4-ms step; SNN_3.py: a growing list as the FIFO
 * buffer, 7 internal steps per output step with the Leaky states reset) over {@link Dual} numbers.
 * Nothing is shared with the models under test except the configuration records.
 */
final class SnnReference {
    private SnnReference() {}

    /** snnTorch 0.7 Leaky step (see {@link SnnTorchLeaky}); returns {new mem, spike}. */
    static Dual[] leakyStep(SnnTorchLeaky n, Dual mem, Dual cur) {
        Dual th = Dual.c(n.threshold());
        Dual r = Dual.reset(n.spike(), mem.sub(th), n.detachReset());
        Dual a = mem.scale(n.beta()).add(cur);
        Dual u = switch (n.reset()) {
            case SUBTRACT -> a.sub(r.scale(n.threshold()));
            case ZERO -> a.sub(r.mul(a));
            case NONE -> a;
        };
        return new Dual[] {u, Dual.spike(n.spike(), u.sub(th))};
    }

    /** Output of {@link #snn2}: predictions [T][B][O] and hidden spikes [T][B][H], flattened. */
    record Run(Dual[] prediction, Dual[] spikes) {}

    /**
     * SNN2 on x [T][B][in]; args: W1 [H·in] (row-major [H][in]), W2 [O·H]; mask [T·B·H] multiplies
     * the fc1 output (null: none).
     */
    static Run snn2(Snn2.Config c, Dual[] w1, Dual[] w2, Dual[] x, int t, int b, double[] mask) {
        int in = c.inputs(), h = c.hidden(), o = c.outputs();
        SnnTorchLeaky l1 = c.lif1(), lo = c.lifOut();
        Dual[] pred = new Dual[t * b * o], spk = new Dual[t * b * h];
        for (int r = 0; r < b; r++) {
            Dual[] m1 = filled(h), m2 = filled(o);
            for (int n = 0; n < t; n++) {
                Dual[] s1 = new Dual[h];
                for (int k = 0; k < h; k++) {
                    Dual cur = Dual.ZERO;
                    for (int j = 0; j < in; j++) cur = cur.add(w1[k * in + j].mul(x[(n * b + r) * in + j]));
                    if (mask != null) cur = cur.scale(mask[(n * b + r) * h + k]);
                    Dual[] st = leakyStep(l1, m1[k], cur);
                    m1[k] = st[0];
                    s1[k] = st[1];
                    spk[(n * b + r) * h + k] = st[1];
                }
                for (int q = 0; q < o; q++) {
                    Dual cur = Dual.ZERO;
                    for (int k = 0; k < h; k++) cur = cur.add(w2[q * h + k].mul(s1[k]));
                    m2[q] = leakyStep(lo, m2[q], cur)[0];
                    pred[(n * b + r) * o + q] = m2[q];
                }
            }
        }
        return new Run(pred, spk);
    }

    /**
     * SNN3 on x [T][B][in]; mask [subBins·T·B·layer1] multiplies the fc1 output (null: none).
     * Returns predictions [T][B][2].
     */
    static Dual[] snn3(Snn3.Config c, Dual[] w1, Dual[] b1, Dual[] w2, Dual[] b2, Dual[] w3, Dual[] b3, Dual[] lnW,
                       Dual[] lnB, Dual vx, Dual vy, Dual[] x, int t, int b, double[] mask) {
        int in = c.inputs(), l1 = c.layer1(), l2 = c.layer2(), nb = c.subBins(), st = c.window() / nb, k = nb * in;
        SnnTorchLeaky hid = c.hiddenLeaky(), out = c.outputLeaky();
        Dual[] pred = new Dual[t * b * 2];
        for (int r = 0; r < b; r++) {
            List<Dual[]> buffer = new ArrayList<>();
            buffer.add(filled(in));                                   // register_buffer(zeros(1, in))
            for (int n = 0; n < t; n++) {
                Dual[] row = new Dual[in];
                for (int j = 0; j < in; j++) row[j] = x[(n * b + r) * in + j];
                buffer.add(row);                                      // torch.cat((buffer, x), 0)
                if (buffer.size() > c.window()) buffer.remove(0);     // buffer[1:, :]
                Dual[] acc = filled(k);
                for (int i = 0; i < nb; i++) {
                    for (int q = i * st; q < Math.min(i * st + st, buffer.size()); q++) {
                        for (int j = 0; j < in; j++) acc[i * in + j] = acc[i * in + j].add(buffer.get(q)[j]);
                    }
                }
                Dual mean = Dual.ZERO;
                for (Dual a : acc) mean = mean.add(a);
                mean = mean.scale(1.0 / k);
                Dual var = Dual.ZERO;
                for (Dual a : acc) var = var.add(a.sub(mean).mul(a.sub(mean)));
                Dual rstd = var.scale(1.0 / k).addConst(c.lnEps()).rsqrt();
                Dual[] z = new Dual[k];
                for (int e = 0; e < k; e++) z[e] = acc[e].sub(mean).mul(rstd).mul(lnW[e]).add(lnB[e]);
                Dual[] m1 = filled(l1), m2 = filled(l2), m3 = filled(2);   // reset_mem()
                for (int i = 0; i < nb; i++) {
                    Dual[] s1 = new Dual[l1], s2 = new Dual[l2];
                    for (int u = 0; u < l1; u++) {
                        Dual cur = b1[u];
                        for (int j = 0; j < in; j++) cur = cur.add(w1[u * in + j].mul(z[i * in + j]));
                        if (mask != null) cur = cur.scale(mask[((i * t + n) * b + r) * l1 + u]);
                        Dual[] s = leakyStep(hid, m1[u], cur);
                        m1[u] = s[0];
                        s1[u] = s[1];
                    }
                    for (int u = 0; u < l2; u++) {
                        Dual cur = b2[u];
                        for (int j = 0; j < l1; j++) cur = cur.add(w2[u * l1 + j].mul(s1[j]));
                        Dual[] s = leakyStep(hid, m2[u], cur);
                        m2[u] = s[0];
                        s2[u] = s[1];
                    }
                    for (int u = 0; u < 2; u++) {
                        Dual cur = b3[u];
                        for (int j = 0; j < l2; j++) cur = cur.add(w3[u * l2 + j].mul(s2[j]));
                        m3[u] = leakyStep(out, m3[u], cur)[0];
                    }
                }
                pred[(n * b + r) * 2] = vx.mul(m3[0]);
                pred[(n * b + r) * 2 + 1] = vy.mul(m3[1]);
            }
        }
        return pred;
    }

    static Dual[] filled(int n) {
        Dual[] a = new Dual[n];
        java.util.Arrays.fill(a, Dual.ZERO);
        return a;
    }

    /** Σ r_i · v_i. */
    static Dual dot(Dual[] v, double[] r) {
        Dual s = Dual.ZERO;
        for (int i = 0; i < v.length; i++) s = s.add(v[i].scale(r[i]));
        return s;
    }
}
