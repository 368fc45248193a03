package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;

/**
 * Standard ALIF composed only from {@link Backend} primitives, one step at a time: the definition
 * {@link HostAlifKernel} is tested against (notebooks/papers/blocks.md §4.1; authors'
 * {@code src/snn/snn.py} {@code SNN.process}). The refractory state is a float counter of the
 * masked steps still to come ({@code arp} after a spike, counting down), which is the code's
 * {@code refac_times < t_latency} test. Tape: V, a[t−1], S and the mask M as float32 {@code [T, B, N]}.
 */
public final class ReferenceAlifKernel implements AlifKernel {
    private final Backend be;

    public ReferenceAlifKernel(Backend be) { this.be = be; }

    @Override public String name() { return "reference-standard"; }

    record Tape(AlifCoeffs c, Tensor rec, int arp, Tensor v, Tensor aPrev, Tensor s, Tensor m) implements AlifTape {
        @Override public long retainedBytes() { return 16L * v.size(); }
        @Override public int steps() { return v.dim(0); }
        @Override public int batch() { return v.dim(1); }
        @Override public int neurons() { return v.dim(2); }
        @Override public Tensor membrane() {
            Tensor out = v.backend().zeros(v.shape());
            v.backend().copy(v, out);
            return out;
        }
        @Override public Tensor threshold() {
            Backend be = v.backend();
            Tensor th = be.zeros(aPrev.shape());
            for (int k = 0; k < aPrev.dim(0); k++) be.zipRow(BinaryOp.MUL, aPrev.slice0(k), c.b(), th.slice0(k));
            be.affine(th, 1f, 1f, th);                              // θ = 1 + b·a[t−1], as in the forward
            return th;
        }
    }

    @Override
    public AlifForward forward(AlifParams p, AlifCoeffs c, Tensor x, Tensor rec, boolean keepTape) {
        AlifKernel.check("standard ALIF (reference)", p, c, x, rec);
        int t = x.dim(0), b = x.dim(1), n = x.dim(2), d = p.recurrentDelay(), arp = p.arp();
        Tensor spikes = be.zeros(t, b, n);
        Tensor tv = keepTape ? be.zeros(t, b, n) : null, ta = keepTape ? be.zeros(t, b, n) : null;
        Tensor tm = keepTape ? be.zeros(t, b, n) : null;
        Tensor vh = be.zeros(b, n), a = be.zeros(b, n), refr = be.zeros(b, n);
        Tensor cur = be.zeros(b, n), mask = be.zeros(b, n), v = be.zeros(b, n), th = be.zeros(b, n), tmp = be.zeros(b, n);
        for (int k = 0; k < t; k++) {
            Tensor s = spikes.slice0(k);
            be.copy(x.slice0(k), cur);
            if (rec != null && k >= d) be.gemm(false, false, 1f, spikes.slice0(k - d), rec, 1f, cur);
            AlifNeuron.advance(be, p, c, cur, vh, a, refr, s, mask, v, th, tmp,
                    keepTape ? tv.slice0(k) : null, keepTape ? ta.slice0(k) : null, keepTape ? tm.slice0(k) : null);
        }
        return new AlifForward(spikes, keepTape ? new Tape(c, rec, arp, tv, ta, spikes, tm) : null);
    }

    @Override
    public AlifGrads backward(AlifParams p, AlifTape alifTape, Tensor gradSpikes) {
        if (!(alifTape instanceof Tape tape)) {
            throw new IllegalArgumentException("standard ALIF reference kernel got a tape from another kernel: " + alifTape);
        }
        int t = tape.steps(), b = tape.batch(), n = tape.neurons(), d = tape.arp() + 1;
        if (gradSpikes != null) gradSpikes.requireShape("ALIF backward gradSpikes", t, b, n);
        AlifCoeffs c = tape.c();
        Tensor gCur = be.zeros(t, b, n);
        Tensor gBeta = be.zeros(n), gP = be.zeros(n), gB = be.zeros(n);
        Tensor gVh = be.zeros(b, n), gA = be.zeros(b, n);               // dL/dV̂[t], dL/da[t]
        Tensor gS = be.zeros(b, n), x = be.zeros(b, n), g = be.zeros(b, n), gV = be.zeros(b, n);
        Tensor tmp = be.zeros(b, n), tmp2 = be.zeros(b, n);
        for (int k = t - 1; k >= 0; k--) {
            Tensor v = tape.v().slice0(k), aPrev = tape.aPrev().slice0(k), s = tape.s().slice0(k);
            if (gradSpikes != null) be.copy(gradSpikes.slice0(k), gS); else be.fill(gS, 0f);
            be.zip(BinaryOp.ADD, gS, gA, gS);                            // a[t] = p·a[t−1] + S[t]
            be.zipRow(BinaryOp.MUL, aPrev, c.b(), x);
            be.affine(x, 1f, 1f, x);
            be.zip(BinaryOp.SUB, v, x, x);                               // x = V − θ
            p.surrogate().gradRef(be, x, g, tmp);
            be.zip(BinaryOp.MUL, gS, g, g);                              // g = dL/dx = −dL/dθ
            be.affine(s, -1f, 1f, tmp);
            be.zip(BinaryOp.MUL, gVh, tmp, gV);
            be.zip(BinaryOp.ADD, gV, g, gV);                             // dL/dV
            if (k > 0) {                                                 // dβ += dV·V̂[t−1]
                be.affine(tape.s().slice0(k - 1), -1f, 1f, tmp);
                be.zip(BinaryOp.MUL, tape.v().slice0(k - 1), tmp, tmp);
                be.zip(BinaryOp.MUL, gV, tmp, tmp);
                be.sumRows(tmp, 1f, gBeta);
            }
            be.zip(BinaryOp.MUL, gA, aPrev, tmp);
            be.sumRows(tmp, 1f, gP);                                     // dp += da[t]·a[t−1]
            be.zip(BinaryOp.MUL, g, aPrev, tmp);
            be.sumRows(tmp, 1f, gB);                                     // collects −db (negated below)
            be.zip(BinaryOp.MUL, gV, tape.m().slice0(k), gCur.slice0(k));
            // dL/da[t−1] = p·dL/da[t] + b·dL/dθ[t] ; dL/dV̂[t−1] = β·dL/dV[t]
            be.zipRow(BinaryOp.MUL, gA, c.p(), tmp);
            be.zipRow(BinaryOp.MUL, g, c.b(), tmp2);
            be.zip(BinaryOp.SUB, tmp, tmp2, gA);
            be.zipRow(BinaryOp.MUL, gV, c.beta(), gVh);
        }
        be.affine(gB, -1f, 0f, gB);
        Tensor gRec = recurrentGrad(be, tape.rec(), tape.s(), gCur, d);
        return new AlifGrads(gCur, gRec, gBeta, gP, gB);
    }

    /** {@code dR = Σ_t S[t−d]ᵀ·dX[t]}: one gemm over the shifted time-major slabs, or null without recurrence. */
    static Tensor recurrentGrad(Backend be, Tensor rec, Tensor spikes, Tensor gCur, int d) {
        if (rec == null) return null;
        int t = spikes.dim(0), n = spikes.dim(2);
        Tensor gRec = be.zeros(n, n);
        if (t > d) be.gemm(true, false, 1f, spikes.narrow0(0, t - d), gCur.narrow0(d, t - d), 0f, gRec);
        return gRec;
    }
}
