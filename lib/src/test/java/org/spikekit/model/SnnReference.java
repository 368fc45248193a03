package org.spikekit.model;

/**
 * Independent double-precision reference of SNN2, written step by step after the NeuroBench
 * PyTorch code (SNN2.py: one call per 4-ms step) over {@link Dual} numbers.
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
