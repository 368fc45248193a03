package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;

/**
 * Blocks ALIF composed only from {@link Backend} primitives, written as the paper computes it
 * (notebooks/papers/blocks.md §4.2; authors' {@code src/snn/block/blocks.py}
 * {@code Blocks.process} and {@code block.py} {@code Block.forward}). Time is zero-padded to
 * {@code nb = ⌈T/L⌉} blocks of {@code L = arp + 1} steps; per block, given the carried V0 and
 * adaptation:
 * <ol>
 *   <li>input: {@code I[k] = M[k]·(X[k] + S_prev[k]·R)}, {@code M[k] = 0} where the previous
 *       block's neuron spiked and its {@code z[k] = 0} (the spilled-over refractory steps);</li>
 *   <li>no-reset potential as a causal convolution with per-neuron kernel β^m:
 *       {@code Ṽ[k] = β^{k+1}·V0 + Σ_{j≤k} β^{k−j}·I[j]} (O(L²) per block);</li>
 *   <li>threshold {@code θ[k] = 1 + b·A·p^k} with {@code A = a} just before the block;</li>
 *   <li>faulty spikes {@code S̃ = Θ(Ṽ − θ)}, {@code z[k] = Σ_{j≤k} (k−j+1)·S̃[j]},
 *       spikes {@code S = 1[z = 1]} with {@code dS/dz = 1} (the code's {@code Block.g});</li>
 *   <li>carry: {@code V0' = Ṽ[L−1]·(1 − m)}, {@code A' = A·p^L + m·p^{L−1−k0}}
 *       (m: spiked in this block, at k0; m, k0 and the mask detached).</li>
 * </ol>
 * The code carries {@code a0 = A/p} and adds {@code 1/p} at the spike ({@code a_at_spike}); the
 * carry above is the same function of p without the division (so p = 0 is allowed), and gives the
 * same gradients: p keeps its gradient along the whole carried chain, as in the code, where only
 * the spike positions are detached. Tape: everything as float32 {@code [nb·L, B, N]} tensors.
 */
public final class ReferenceBlocksKernel implements AlifKernel {
    private final Backend be;

    public ReferenceBlocksKernel(Backend be) { this.be = be; }

    @Override public String name() { return "reference-blocks"; }

    record Tape(AlifCoeffs c, Tensor rec, int arp, int t, Tensor in, Tensor vt, Tensor x, Tensor s, Tensor mask,
                Tensor v0, Tensor a, Tensor m) implements AlifTape {
        @Override public long retainedBytes() { return 4L * (in.size() + vt.size() + x.size() + s.size() + mask.size() + v0.size() + a.size() + m.size()); }
        @Override public int steps() { return t; }
        @Override public int batch() { return vt.dim(1); }
        @Override public int neurons() { return vt.dim(2); }
        @Override public Tensor membrane() {
            Tensor out = vt.backend().zeros(t, batch(), neurons());
            if (t > 0) vt.backend().copy(vt.narrow0(0, t), out);
            return out;
        }
        @Override public Tensor threshold() {                          // θ[k] = 1 + b·A·p^k, as in the forward
            Backend be = vt.backend();
            int len = arp + 1;
            Tensor out = be.zeros(t, batch(), neurons()), pk = be.zeros(neurons()), th = be.zeros(batch(), neurons());
            for (int k0 = 0; k0 < t; k0 += len) {
                be.fill(pk, 1f);
                for (int k = 0; k < len && k0 + k < t; k++) {
                    if (k > 0) be.zip(BinaryOp.MUL, pk, c.p(), pk);
                    be.zipRow(BinaryOp.MUL, a.slice0(k0 / len), pk, th);
                    be.zipRow(BinaryOp.MUL, th, c.b(), th);
                    be.affine(th, 1f, 1f, th);
                    be.copy(th, out.slice0(k0 + k));
                }
            }
            return out;
        }
    }

    /** {@code out[m] = base^m} for m = 0..len−1, as a {@code [len, N]} tensor (repeated products). */
    private Tensor powers(Tensor base, int len) {
        int n = base.dim(0);
        Tensor out = be.zeros(len, n);
        be.fill(out.slice0(0), 1f);
        for (int m = 1; m < len; m++) be.zip(BinaryOp.MUL, out.slice0(m - 1), base, out.slice0(m));
        return out;
    }

    /** {@code out[m] = m·pw[m−1]} (the derivative of base^m), {@code out[0] = 0}. */
    private Tensor derivatives(Tensor pw) {
        Tensor out = be.zeros(pw.shape());
        for (int m = 1; m < pw.dim(0); m++) be.affine(pw.slice0(m - 1), m, 0f, out.slice0(m));
        return out;
    }

    @Override
    public AlifForward forward(AlifParams p, AlifCoeffs c, Tensor x, Tensor rec, boolean keepTape) {
        AlifKernel.check("Blocks ALIF (reference)", p, c, x, rec);
        final int t = x.dim(0), b = x.dim(1), n = x.dim(2), len = p.blockLength();
        final int nb = Math.max(1, (t + len - 1) / len), tp = nb * len;
        Tensor pb = powers(c.beta(), len + 1), pp = powers(c.p(), len + 1);
        Tensor in = be.zeros(tp, b, n), vt = be.zeros(tp, b, n), xs = be.zeros(tp, b, n), s = be.zeros(tp, b, n);
        Tensor mask = be.zeros(tp, b, n), v0s = be.zeros(nb, b, n), as = be.zeros(nb, b, n), ms = be.zeros(nb, b, n);
        if (t > 0) be.copy(x, in.narrow0(0, t));
        Tensor faulty = be.zeros(len, b, n), z = be.zeros(len, b, n), zPrev = be.zeros(len, b, n);
        Tensor v0 = be.zeros(b, n), a = be.zeros(b, n), m = be.zeros(b, n), tmp = be.zeros(b, n), th = be.zeros(b, n);
        be.fill(mask, 1f);
        for (int i = 0; i < nb; i++) {
            int t0 = i * len;
            Tensor blk = in.narrow0(t0, len);
            if (i > 0) {
                if (rec != null) be.gemm(false, false, 1f, s.narrow0(t0 - len, len), rec, 1f, blk);
                for (int k = 0; k < len; k++) {
                    Tensor mk = mask.slice0(t0 + k);
                    be.affine(zPrev.slice0(k), -1f, 0.5f, mk);
                    be.map(UnaryOp.HEAVISIDE, mk, mk);               // z = 0
                    be.zip(BinaryOp.MUL, mk, m, mk);                 // … and spiked
                    be.affine(mk, -1f, 1f, mk);                      // M = 1 − m·1[z = 0]
                    be.zip(BinaryOp.MUL, blk.slice0(k), mk, blk.slice0(k));
                }
                be.affine(m, -1f, 1f, tmp);
                be.zip(BinaryOp.MUL, vt.slice0(t0 - 1), tmp, v0);    // V0 = Ṽ[L−1]·(1 − m)
            }
            be.copy(v0, v0s.slice0(i));
            be.copy(a, as.slice0(i));
            be.fill(m, 0f);
            for (int k = 0; k < len; k++) {
                Tensor vk = vt.slice0(t0 + k);
                be.zipRow(BinaryOp.MUL, v0, pb.slice0(k + 1), vk);
                for (int j = 0; j <= k; j++) {
                    be.zipRow(BinaryOp.MUL, blk.slice0(j), pb.slice0(k - j), tmp);
                    be.zip(BinaryOp.ADD, vk, tmp, vk);
                }
                be.zipRow(BinaryOp.MUL, a, pp.slice0(k), th);
                be.zipRow(BinaryOp.MUL, th, c.b(), th);
                be.affine(th, 1f, 1f, th);                           // θ = 1 + b·A·p^k
                be.zip(BinaryOp.SUB, vk, th, xs.slice0(t0 + k));
                p.surrogate().spikeRef(be, xs.slice0(t0 + k), faulty.slice0(k));
                Tensor zk = z.slice0(k);
                be.fill(zk, 0f);
                for (int j = 0; j <= k; j++) be.axpby(k - j + 1, faulty.slice0(j), 1f, zk);
                Tensor sk = s.slice0(t0 + k);
                be.affine(zk, 1f, -0.5f, sk);
                be.map(UnaryOp.HEAVISIDE, sk, sk);
                be.affine(zk, 1f, -1.5f, tmp);
                be.map(UnaryOp.HEAVISIDE, tmp, tmp);
                be.axpby(-1f, tmp, 1f, sk);                          // S = 1[z = 1]
                be.zip(BinaryOp.ADD, m, sk, m);
            }
            be.copy(m, ms.slice0(i));
            // A' = A·p^L + Σ_k S[k]·p^{L−1−k}
            be.zipRow(BinaryOp.MUL, a, pp.slice0(len), a);
            for (int k = 0; k < len; k++) {
                be.zipRow(BinaryOp.MUL, s.slice0(t0 + k), pp.slice0(len - 1 - k), tmp);
                be.zip(BinaryOp.ADD, a, tmp, a);
            }
            be.copy(z, zPrev);
        }
        Tensor spikes = be.zeros(t, b, n);
        if (t > 0) be.copy(s.narrow0(0, t), spikes);
        Tape tape = keepTape ? new Tape(c, rec, p.arp(), t, in, vt, xs, s, mask, v0s, as, ms) : null;
        return new AlifForward(spikes, tape);
    }

    @Override
    public AlifGrads backward(AlifParams p, AlifTape alifTape, Tensor gradSpikes) {
        if (!(alifTape instanceof Tape tp)) {
            throw new IllegalArgumentException("Blocks reference kernel got a tape from another kernel: " + alifTape);
        }
        final int t = tp.t(), b = tp.batch(), n = tp.neurons(), len = tp.arp() + 1;
        final int tpad = tp.vt().dim(0), nb = tpad / len;
        if (gradSpikes != null) gradSpikes.requireShape("Blocks backward gradSpikes", t, b, n);
        AlifCoeffs c = tp.c();
        Tensor pb = powers(c.beta(), len + 1), pp = powers(c.p(), len + 1);
        Tensor db = derivatives(pb), dp = derivatives(pp);
        Tensor gS = be.zeros(tpad, b, n), gCurP = be.zeros(tpad, b, n);
        if (gradSpikes != null && t > 0) be.copy(gradSpikes, gS.narrow0(0, t));
        Tensor gBeta = be.zeros(n), gP = be.zeros(n), gB = be.zeros(n);
        Tensor gV0n = be.zeros(b, n), gAn = be.zeros(b, n), gA = be.zeros(b, n);
        Tensor gv = be.zeros(len, b, n), gx = be.zeros(len, b, n);
        Tensor tmp = be.zeros(b, n), tmp2 = be.zeros(b, n), acc = be.zeros(b, n);
        for (int i = nb - 1; i >= 0; i--) {
            final int t0 = i * len;
            Tensor a = tp.a().slice0(i), v0 = tp.v0().slice0(i), m = tp.m().slice0(i);
            for (int j = 0; j < len; j++) {
                Tensor gxj = gx.slice0(j);
                be.fill(gxj, 0f);
                for (int k = j; k < len; k++) be.axpby(k - j + 1, gS.slice0(t0 + k), 1f, gxj);   // dL/dS̃[j]
                p.surrogate().gradRef(be, tp.x().slice0(t0 + j), tmp, tmp2);
                be.zip(BinaryOp.MUL, gxj, tmp, gxj);                                              // dL/dx = −dL/dθ
                be.copy(gxj, gv.slice0(j));
            }
            be.affine(m, -1f, 1f, tmp);
            be.zip(BinaryOp.MUL, gV0n, tmp, tmp);
            be.zip(BinaryOp.ADD, gv.slice0(len - 1), tmp, gv.slice0(len - 1));                   // V0' = Ṽ[L−1]·(1 − m)
            // adaptation: θ[k] = 1 + b·A·p^k ; A' = A·p^L + Σ_k S[k]·p^{L−1−k}
            be.zipRow(BinaryOp.MUL, gAn, pp.slice0(len), gA);
            be.zipRow(BinaryOp.MUL, a, dp.slice0(len), acc);
            for (int k = 0; k < len; k++) {
                be.zipRow(BinaryOp.MUL, tp.s().slice0(t0 + k), dp.slice0(len - 1 - k), tmp);
                be.zip(BinaryOp.ADD, acc, tmp, acc);
            }
            be.zip(BinaryOp.MUL, acc, gAn, acc);
            be.sumRows(acc, 1f, gP);
            for (int k = 0; k < len; k++) {
                Tensor gxk = gx.slice0(k);
                be.zipRow(BinaryOp.MUL, a, pp.slice0(k), tmp);
                be.zip(BinaryOp.MUL, tmp, gxk, tmp);
                be.affine(tmp, -1f, 0f, tmp);
                be.sumRows(tmp, 1f, gB);                                                          // db += dθ·A·p^k
                be.zipRow(BinaryOp.MUL, a, dp.slice0(k), tmp);
                be.zipRow(BinaryOp.MUL, tmp, c.b(), tmp);
                be.zip(BinaryOp.MUL, tmp, gxk, tmp);
                be.affine(tmp, -1f, 0f, tmp);
                be.sumRows(tmp, 1f, gP);                                                          // dp += dθ·b·A·k·p^{k−1}
                be.zipRow(BinaryOp.MUL, gxk, pp.slice0(k), tmp);
                be.zipRow(BinaryOp.MUL, tmp, c.b(), tmp);
                be.axpby(-1f, tmp, 1f, gA);                                                       // dA += dθ·b·p^k
            }
            // Ṽ[k] = β^{k+1}·V0 + Σ_{j≤k} β^{k−j}·I[j]
            be.fill(gV0n, 0f);
            for (int k = 0; k < len; k++) {
                Tensor gvk = gv.slice0(k);
                be.zipRow(BinaryOp.MUL, gvk, pb.slice0(k + 1), tmp);
                be.zip(BinaryOp.ADD, gV0n, tmp, gV0n);                                            // dV0
                be.zipRow(BinaryOp.MUL, v0, db.slice0(k + 1), acc);
                for (int j = 0; j < k; j++) {
                    be.zipRow(BinaryOp.MUL, tp.in().slice0(t0 + j), db.slice0(k - j), tmp);
                    be.zip(BinaryOp.ADD, acc, tmp, acc);
                }
                be.zip(BinaryOp.MUL, acc, gvk, acc);
                be.sumRows(acc, 1f, gBeta);                                                       // dβ
            }
            for (int j = 0; j < len; j++) {
                Tensor gj = gCurP.slice0(t0 + j);
                for (int k = j; k < len; k++) {
                    be.zipRow(BinaryOp.MUL, gv.slice0(k), pb.slice0(k - j), tmp);
                    be.zip(BinaryOp.ADD, gj, tmp, gj);                                            // dI[j]
                }
                be.zip(BinaryOp.MUL, gj, tp.mask().slice0(t0 + j), gj);                           // dX = M·dI
            }
            be.copy(gA, gAn);
        }
        Tensor gCur = be.zeros(t, b, n);
        if (t > 0) be.copy(gCurP.narrow0(0, t), gCur);
        Tensor gRec = ReferenceAlifKernel.recurrentGrad(be, tp.rec(), tp.s(), gCurP, len);
        return new AlifGrads(gCur, gRec, gBeta, gP, gB);
    }
}
