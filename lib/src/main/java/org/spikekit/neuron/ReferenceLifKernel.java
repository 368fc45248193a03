package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;

/**
 * The LIF sequence kernel composed only from {@link Backend} primitives, one step at a time. It is
 * the definition the fused kernels are tested against, and the path taken on backends without a
 * fused kernel. It iterates the per-step primitives of {@link LifNeuron}. Its tape keeps U, I and S as float32 {@code [T, B, N]} tensors (simple, not lean).
 */
public final class ReferenceLifKernel implements LifKernel {
    private final Backend be;

    public ReferenceLifKernel(Backend be) { this.be = be; }

    @Override public String name() { return "reference"; }

    /** Float tensors of the whole sequence; the recurrent mask by reference (or null). */
    record Tape(LifCoeffs c, Tensor v, Tensor mask, int delay, Tensor u, Tensor i, Tensor s) implements LifTape {
        @Override public long retainedBytes() { return 4L * (u.size() + i.size() + s.size()); }
        @Override public int steps() { return u.dim(0); }
        @Override public int batch() { return u.dim(1); }
        @Override public int neurons() { return u.dim(2); }
    }

    @Override
    public LifForward forward(LifParams p, LifCoeffs c, Tensor h, Tensor v, Tensor mask, LifState s0, boolean keepTape) {
        int t = h.dim(0), b = h.dim(1), n = h.dim(2), d = p.synapticDelay();
        check(c, h, v, mask, s0);
        Tensor spikes = be.zeros(t, b, n);
        LifState st = s0.copy();
        Tensor tu = keepTape ? be.zeros(t, b, n) : null, ti = keepTape ? be.zeros(t, b, n) : null;
        Tensor oneMinusBm = LifNeuron.oneMinusBetaMem(be, c);
        Tensor a = be.zeros(b, n), m = be.zeros(b, n), tmp = be.zeros(b, n), sm = mask == null ? null : be.zeros(b, n);
        if (d == 1 && t > 0) be.zip(BinaryOp.ADD, h.slice0(0), st.pending(), h.slice0(0));
        for (int k = 0; k < t; k++) {
            Tensor s = spikes.slice0(k), hk = h.slice0(k);
            if (keepTape) {
                be.copy(st.u(), tu.slice0(k));
                be.copy(st.i(), ti.slice0(k));
            }
            LifNeuron.fire(be, p, c, st.u(), a, s);
            if (v != null) {                                             // c[k] = h[k] + (m ⊙ S)·V
                Tensor src = s;
                if (mask != null) {
                    be.zip(BinaryOp.MUL, s, mask.slice0(k), sm);
                    src = sm;
                }
                be.gemm(false, false, 1f, src, v, 1f, hk);
            }
            Tensor in = d == 1 ? hk : k == 0 ? s0.pending() : h.slice0(k - 1);
            LifNeuron.advance(be, p.reset(), c, oneMinusBm, st.u(), st.i(), s, in, m, tmp);
        }
        if (d == 2 && t > 0) be.copy(h.slice0(t - 1), st.pending());
        else be.fill(st.pending(), 0f);
        Tape tape = keepTape ? new Tape(c, v, mask, d, tu, ti, spikes) : null;
        return new LifForward(spikes, st, tape);
    }

    @Override
    public LifGrads backward(LifParams p, LifTape lifTape, Tensor gradSpikes, LifState gradLast) {
        if (!(lifTape instanceof Tape tape)) {
            throw new IllegalArgumentException("reference kernel got a tape from another kernel: " + lifTape);
        }
        int t = tape.steps(), b = tape.batch(), n = tape.neurons(), d = tape.delay();
        LifCoeffs c = tape.c();
        Tensor v = tape.v(), mask = tape.mask();
        if (gradSpikes != null) gradSpikes.requireShape("LIF backward gradSpikes", t, b, n);
        Tensor gH = be.zeros(t, b, n);
        Tensor gV = v == null ? null : be.zeros(n, n);
        Tensor gBm = be.zeros(n), gBs = be.zeros(n), gTh = be.zeros(n);
        Tensor dU = be.zeros(b, n), dI = be.zeros(b, n), dP = be.zeros(b, n);
        if (gradLast != null) {
            be.copy(gradLast.u(), dU);
            be.copy(gradLast.i(), dI);
            if (d == 2 && t > 0) be.copy(gradLast.pending(), gH.slice0(t - 1));   // dL/dc[T−1]
        }
        Tensor oneMinusBm = LifNeuron.oneMinusBetaMem(be, c);
        Tensor dS = be.zeros(b, n), m = be.zeros(b, n), dM = be.zeros(b, n), a = be.zeros(b, n);
        Tensor g = be.zeros(b, n), tmp = be.zeros(b, n), tmp2 = be.zeros(b, n);
        for (int k = t - 1; k >= 0; k--) {
            Tensor u = tape.u().slice0(k), i = tape.i().slice0(k), s = tape.s().slice0(k);
            // dL/dc[k + 1 − d] = dL/dI[k+1]
            be.copy(dI, d == 1 ? gH.slice0(k) : k == 0 ? dP : gH.slice0(k - 1));
            if (gradSpikes != null) be.copy(gradSpikes.slice0(k), dS); else be.fill(dS, 0f);
            if (v != null) {
                Tensor gc = gH.slice0(k);                                // dL/dc[k]
                Tensor sk = s;
                if (mask != null) {
                    sk = be.zeros(b, n);
                    be.zip(BinaryOp.MUL, s, mask.slice0(k), sk);
                    be.gemm(false, true, 1f, gc, v, 0f, tmp2);
                    be.zip(BinaryOp.MUL, tmp2, mask.slice0(k), tmp2);
                    be.zip(BinaryOp.ADD, dS, tmp2, dS);                  // dS += m ⊙ (dc·Vᵀ)
                } else {
                    be.gemm(false, true, 1f, gc, v, 1f, dS);             // dS += dc·Vᵀ
                }
                be.gemm(true, false, 1f, sk, gc, 1f, gV);                // dV += (m ⊙ S)ᵀ·dc
            }
            LifNeuron.adjoint(be, p, c, oneMinusBm, u, i, s, dU, dI, dS, gBm, gBs, gTh, dM, m, a, g, tmp, tmp2);
        }
        be.affine(gTh, -1f, 0f, gTh);
        if (d == 1 && t > 0) be.copy(gH.slice0(0), dP);                  // the initial pending was added to c[0]
        return new LifGrads(gH, gV, gBm, gBs, gTh, new LifState(dU, dI, dP));
    }

    static void check(LifCoeffs c, Tensor h, Tensor v, Tensor mask, LifState s0) {
        if (h.rank() != 3) throw new IllegalArgumentException("LIF input currents must be [T, B, N], got " + h);
        int b = h.dim(1), n = h.dim(2);
        if (mask != null) {
            if (v == null) throw new IllegalArgumentException("LIF recurrent dropout mask given for a layer without recurrence");
            mask.requireShape("LIF recurrent dropout mask", h.dim(0), b, n);
        }
        if (c.neurons() != n) throw new IllegalArgumentException("LIF coefficients have " + c.neurons() + " neurons, currents " + h);
        if (v != null) v.requireShape("LIF recurrent weights V", n, n);
        s0.u().requireShape("LIF initial state u", b, n);
    }
}
