package org.spikekit.neuron;

import static org.spikekit.neuron.AlifHost.LANES;
import static org.spikekit.neuron.AlifHost.SP;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * Fused Blocks ALIF for host-memory backends: the math of {@link ReferenceBlocksKernel}
 * (notebooks/papers/blocks.md §4.2; authors' {@code src/snn/block/blocks.py}), as
 * Vector-API loops over neurons, one worker per group of batch rows.
 *
 * <p>Blocks run one after another (L = arp + 1 steps each); within a block each SIMD group of
 * neurons keeps its whole block state in registers: the no-reset potential
 * {@code Ṽ[k] = β·Ṽ[k−1] + I[k]} (the paper's causal β-convolution evaluated as a scan: O(L)
 * instead of O(L²) work per neuron and block, the same values in exact arithmetic; on a CPU
 * the SIMD lanes are already filled by neurons, so evaluating the L positions independently
 * would only add work), the threshold {@code 1 + b·A·p^k}, and the first-crossing detection
 * (which equals {@code z = 1} of the ramp convolution). The recurrent input of a block's spikes
 * is added, event driven, to the next block. The float operations are those of
 * {@link HostAlifKernel}, so the two fused kernels give bit-identical spikes whenever the models
 * agree (notebooks/papers/blocks.md §4.2: b ≥ 0).
 *
 * <p>Backward per block in reverse: the transposed ramp convolution as two reverse running sums
 * ({@code dS̃[j] = Σ_{k≥j} (k−j+1)·dS[k]}), surrogate derivatives ({@link SurrogateLanes}), the adjoint
 * scan of the β-recurrence, and the adaptation chain through the carried A; per-neuron gradients
 * per row, dR as one gemm. Results do not depend on the thread count ({@link AlifHost}).
 *
 * <p>Tape: Ṽ and θ as float32 (8 bytes per neuron-step), spike and mask bits, and V0, A per block.
 */
public final class HostBlocksKernel implements AlifKernel {
    private final Backend be;
    private final int threads;

    public HostBlocksKernel(Backend be) { this(be, AlifHost.defaultThreads()); }

    /** With at most {@code threads} worker threads (results are the same for every value). */
    public HostBlocksKernel(Backend be, int threads) {
        if (threads < 1) throw new IllegalArgumentException("HostBlocksKernel threads must be >= 1, got " + threads);
        this.be = be;
        this.threads = threads;
    }

    @Override public String name() { return "host-fused-blocks(" + LANES + " lanes)"; }

    record Tape(float[] beta, float[] p, float[] b, Tensor rec, Tensor spikes, int arp, int t, int bt, int n,
                float[] vt, float[] th, long[] sBits, long[] mBits, float[] v0, float[] a) implements AlifTape {
        @Override public long retainedBytes() {
            return 4L * (vt.length + th.length + v0.length + a.length) + 8L * (sBits.length + mBits.length);
        }
        @Override public int steps() { return t; }
        @Override public int batch() { return bt; }
        @Override public int neurons() { return n; }
        @Override public Tensor membrane() { return spikes.backend().fromHost(vt.clone(), t, bt, n); }
        @Override public Tensor threshold() { return spikes.backend().fromHost(th.clone(), t, bt, n); }
    }

    @Override
    public AlifForward forward(AlifParams params, AlifCoeffs c, Tensor x, Tensor rec, boolean keepTape) {
        AlifKernel.check("Blocks ALIF (host)", params, c, x, rec);
        final int t = x.dim(0), b = x.dim(1), n = x.dim(2), w = AlifHost.words(n), len = params.blockLength();
        final int nb = (t + len - 1) / len;
        final float[] beta = be.toHost(c.beta()), p = be.toHost(c.p()), bb = be.toHost(c.b());
        final float[] cur = be.toHost(x);
        Tensor spikes = be.zeros(t, b, n);
        final float[] S = AlifHost.data(spikes);
        final float[] R = rec == null ? null : AlifHost.data(rec);
        final int ro = rec == null ? 0 : AlifHost.off(rec);
        final int total = t * b * n;
        final float[] tv = keepTape ? new float[total] : null, tth = keepTape ? new float[total] : null;
        final long[] sBits = new long[t * b * w];
        final long[] mBits = keepTape ? new long[t * b * w] : null;
        final float[] tv0 = keepTape ? new float[nb * b * n] : null, ta = keepTape ? new float[nb * b * n] : null;
        final float[] v0 = new float[b * n], a = new float[b * n], kPrev = new float[b * n];
        final int nc = Math.max(1, Math.min(b, threads));
        AlifHost.forChunks(nc, ch -> {
            int b0 = AlifHost.chunkStart(b, ch, nc), b1 = AlifHost.chunkStart(b, ch + 1, nc);
            Scan sc = new Scan(n);
            for (int i = 0; i < nb; i++) {
                int t0 = i * len, lb = Math.min(len, t - t0);
                for (int r = b0; r < b1; r++) {
                    if (tv0 != null) {
                        System.arraycopy(v0, r * n, tv0, (i * b + r) * n, n);
                        System.arraycopy(a, r * n, ta, (i * b + r) * n, n);
                    }
                    blockRow(beta, p, bb, cur, S, t0, lb, b, r, n, w, v0, a, kPrev, tv, tth, sBits, mBits, sc);
                    if (R != null) {
                        for (int k = 0; k < lb && t0 + k + len < t; k++) {
                            AlifHost.addRecurrent(sBits, ((t0 + k) * b + r) * w, n, R, ro, cur, ((t0 + k + len) * b + r) * n);
                        }
                    }
                }
            }
        });
        Tape tape = keepTape ? new Tape(beta, p, bb, rec, spikes, params.arp(), t, b, n, tv, tth, sBits, mBits, tv0, ta) : null;
        return new AlifForward(spikes, tape);
    }

    /** Per-thread scan state of one row: Ṽ, faulty and carried adaptation, done flag, spike position. */
    static final class Scan {
        final float[] vt, af, acar, done, kSpike;
        Scan(int n) { vt = new float[n]; af = new float[n]; acar = new float[n]; done = new float[n]; kSpike = new float[n]; }
    }

    /**
     * One block of one batch row: the block's positions one after another (each a contiguous pass
     * over the row's neurons in SIMD lanes, so memory is read in order), state in {@code sc}.
     */
    private static void blockRow(float[] beta, float[] p, float[] bb, float[] cur, float[] S, int t0, int lb, int b,
                                 int r, int n, int w, float[] v0, float[] a, float[] kPrev, float[] tv, float[] tth,
                                 long[] sBits, long[] mBits, Scan sc) {
        final int st = r * n, bound = SP.loopBound(n);
        System.arraycopy(v0, st, sc.vt, 0, n);
        System.arraycopy(a, st, sc.af, 0, n);
        System.arraycopy(a, st, sc.acar, 0, n);
        java.util.Arrays.fill(sc.done, 0f);
        java.util.Arrays.fill(sc.kSpike, 0f);
        FloatVector zero = FloatVector.zero(SP), one = FloatVector.broadcast(SP, 1f);
        for (int k = 0; k < lb; k++) {
            final int o = ((t0 + k) * b + r) * n, rw = ((t0 + k) * b + r) * w;
            final float kf = k;
            int j = 0;
            for (; j < bound; j += LANES) {
                VectorMask<Float> m = FloatVector.fromArray(SP, kPrev, st + j).compare(VectorOperators.LE, kf);
                FloatVector in = zero.blend(FloatVector.fromArray(SP, cur, o + j), m);
                FloatVector vt = FloatVector.fromArray(SP, sc.vt, j).mul(FloatVector.fromArray(SP, beta, j)).add(in);
                FloatVector af = FloatVector.fromArray(SP, sc.af, j);
                FloatVector th = af.mul(FloatVector.fromArray(SP, bb, j)).add(1f);
                FloatVector dn = FloatVector.fromArray(SP, sc.done, j);
                VectorMask<Float> first = vt.sub(th).compare(VectorOperators.GT, 0f).andNot(dn.compare(VectorOperators.NE, 0f));
                FloatVector s = zero.blend(one, first);
                s.intoArray(S, o + j);
                long fb = first.toLong();
                if (fb != 0) {
                    AlifHost.storeBits(sBits, rw, j, fb);
                    dn.blend(one, first).intoArray(sc.done, j);
                    FloatVector.fromArray(SP, sc.kSpike, j).blend(kf, first).intoArray(sc.kSpike, j);
                }
                if (tv != null) {
                    vt.intoArray(tv, o + j);
                    th.intoArray(tth, o + j);
                    AlifHost.storeBits(mBits, rw, j, m.toLong());
                }
                vt.intoArray(sc.vt, j);
                FloatVector pv = FloatVector.fromArray(SP, p, j);
                FloatVector.fromArray(SP, sc.acar, j).mul(pv).add(s).intoArray(sc.acar, j);
                af.mul(pv).intoArray(sc.af, j);
            }
            for (; j < n; j++) {
                boolean m = kPrev[st + j] <= kf;
                float in = m ? cur[o + j] : 0f;
                float vt = sc.vt[j] * beta[j] + in;
                float th = sc.af[j] * bb[j] + 1f;
                boolean first = vt - th > 0f && sc.done[j] == 0f;
                float s = first ? 1f : 0f;
                S[o + j] = s;
                if (first) {
                    AlifHost.setBit(sBits, rw, j);
                    sc.done[j] = 1f;
                    sc.kSpike[j] = kf;
                }
                if (tv != null) {
                    tv[o + j] = vt;
                    tth[o + j] = th;
                    if (m) AlifHost.setBit(mBits, rw, j);
                }
                sc.vt[j] = vt;
                sc.acar[j] = sc.acar[j] * p[j] + s;
                sc.af[j] = sc.af[j] * p[j];
            }
        }
        for (int j = 0; j < n; j++) {
            boolean done = sc.done[j] != 0f;
            v0[st + j] = done ? 0f : sc.vt[j];
            a[st + j] = sc.acar[j];
            kPrev[st + j] = done ? sc.kSpike[j] : 0f;
        }
    }

    @Override
    public AlifGrads backward(AlifParams params, AlifTape alifTape, Tensor gradSpikes) {
        if (!(alifTape instanceof Tape tp)) {
            throw new IllegalArgumentException("Blocks host kernel got a tape from another kernel: " + alifTape);
        }
        final int t = tp.t(), b = tp.bt(), n = tp.n(), len = tp.arp() + 1, nb = (t + len - 1) / len;
        if (gradSpikes != null) gradSpikes.requireShape("Blocks backward gradSpikes", t, b, n);
        final float[] GS = gradSpikes == null ? new float[t * b * n] : be.toHost(gradSpikes);
        Tensor gCurT = be.zeros(t, b, n);
        final float[] gCur = AlifHost.data(gCurT);
        final float[] gBetaR = new float[b * n], gPR = new float[b * n], gBR = new float[b * n];
        // p^m and m·p^{m−1} for m = 0..L, per neuron
        final float[] pw = new float[(len + 1) * n], dpw = new float[(len + 1) * n];
        for (int j = 0; j < n; j++) {
            pw[j] = 1f;
            for (int m = 1; m <= len; m++) {
                pw[m * n + j] = pw[(m - 1) * n + j] * tp.p()[j];
                dpw[m * n + j] = m * pw[(m - 1) * n + j];
            }
        }
        final Surrogate sur = params.surrogate();
        final int nc = Math.max(1, Math.min(b, threads));
        AlifHost.forChunks(nc, ch -> {
            int b0 = AlifHost.chunkStart(b, ch, nc), b1 = AlifHost.chunkStart(b, ch + 1, nc);
            float[] g = new float[len * n], x = new float[n];
            double[] work = new double[SurrogateLanes.WORK];
            float[] gV0n = new float[n], gAn = new float[n];
            BScan q = new BScan(n);
            for (int r = b0; r < b1; r++) {
                java.util.Arrays.fill(gV0n, 0f);
                java.util.Arrays.fill(gAn, 0f);
                for (int i = nb - 1; i >= 0; i--) {
                    int t0 = i * len, lb = Math.min(len, t - t0);
                    for (int k = 0; k < lb; k++) {                   // surrogate derivatives of the block
                        int o = ((t0 + k) * b + r) * n;
                        for (int j = 0; j < n; j++) x[j] = tp.vt()[o + j] - tp.th()[o + j];
                        AlifHost.surrogateGrad(sur, x, 0, g, k * n, n, work);
                    }
                    backwardBlock(tp, GS, gCur, g, pw, dpw, i, t0, lb, len, r, gV0n, gAn, gBetaR, gPR, gBR, q);
                }
            }
        });
        Tensor gRec = ReferenceAlifKernel.recurrentGrad(be, tp.rec(), tp.spikes(), gCurT, len);
        return new AlifGrads(gCurT, gRec, AlifHost.sumRows(be, gBetaR, b, n), AlifHost.sumRows(be, gPR, b, n),
                AlifHost.sumRows(be, gBR, b, n));
    }

    /** Per-thread backward state of one row and block. */
    static final class BScan {
        final float[] c1, c2, lam, gBeta, gB, gP, gA, carry;
        BScan(int n) {
            c1 = new float[n]; c2 = new float[n]; lam = new float[n]; gBeta = new float[n];
            gB = new float[n]; gP = new float[n]; gA = new float[n]; carry = new float[n];
        }
        void clear() {
            for (float[] f : new float[][] {c1, c2, lam, gBeta, gB, gP, gA}) java.util.Arrays.fill(f, 0f);
        }
    }

    /** One block of one row in reverse; positions one after another, neurons in SIMD lanes (memory in order). */
    private static void backwardBlock(Tape tp, float[] GS, float[] gCur, float[] g, float[] pw, float[] dpw, int i,
                                      int t0, int lb, int len, int r, float[] gV0n, float[] gAn,
                                      float[] gBetaR, float[] gPR, float[] gBR, BScan q) {
        final int b = tp.bt(), n = tp.n(), w = AlifHost.words(n), st = r * n, bound = SP.loopBound(n);
        final int blk = (i * b + r) * n;
        final float[] vtT = tp.vt(), beta = tp.beta(), bb = tp.b(), aT = tp.a(), v0T = tp.v0();
        q.clear();
        // V0' = Ṽ[L−1]·(1 − m): the carried gradient reaches Ṽ[L−1] only where the neuron did not spike
        System.arraycopy(gV0n, 0, q.carry, 0, n);
        for (int k = 0; k < lb; k++) {
            int rw = ((t0 + k) * b + r) * w;
            for (int j = 0; j < n; j++) if (AlifHost.bit(tp.sBits(), rw, j)) q.carry[j] = 0f;
        }
        FloatVector zero = FloatVector.zero(SP);
        for (int k = lb - 1; k >= 0; k--) {
            final int o = ((t0 + k) * b + r) * n, rw = ((t0 + k) * b + r) * w, gk = k * n;
            final boolean last = k == len - 1;
            final int dk = (len - 1 - k) * n;
            int j = 0;
            for (; j < bound; j += LANES) {
                FloatVector c1 = FloatVector.fromArray(SP, q.c1, j).add(FloatVector.fromArray(SP, GS, o + j));
                FloatVector c2 = FloatVector.fromArray(SP, q.c2, j).add(c1);       // dS̃[k] = Σ_{k'≥k} (k'−k+1)·dS[k']
                c1.intoArray(q.c1, j);
                c2.intoArray(q.c2, j);
                FloatVector gx = c2.mul(FloatVector.fromArray(SP, g, gk + j));
                FloatVector gv = last ? gx.add(FloatVector.fromArray(SP, q.carry, j)) : gx;
                FloatVector bet = FloatVector.fromArray(SP, beta, j);
                FloatVector lam = FloatVector.fromArray(SP, q.lam, j).mul(bet).add(gv);   // dL/dI[k]
                lam.intoArray(q.lam, j);
                FloatVector vPrev = k > 0 ? FloatVector.fromArray(SP, vtT, o - b * n + j) : FloatVector.fromArray(SP, v0T, blk + j);
                FloatVector.fromArray(SP, q.gBeta, j).add(lam.mul(vPrev)).intoArray(q.gBeta, j);
                zero.blend(lam, AlifHost.loadMask(tp.mBits(), rw, j)).intoArray(gCur, o + j);
                FloatVector av = FloatVector.fromArray(SP, aT, blk + j), bv = FloatVector.fromArray(SP, bb, j);
                FloatVector pk = FloatVector.fromArray(SP, pw, gk + j);
                FloatVector.fromArray(SP, q.gB, j).sub(gx.mul(av.mul(pk))).intoArray(q.gB, j);        // dθ/db = A·p^k
                FloatVector gP = FloatVector.fromArray(SP, q.gP, j).sub(gx.mul(bv).mul(av).mul(FloatVector.fromArray(SP, dpw, gk + j)));
                VectorMask<Float> sk = AlifHost.loadMask(tp.sBits(), rw, j);
                if (sk.anyTrue()) {   // A' = A·p^L + m·p^{L−1−k0}: the spike term's p-derivative
                    gP = gP.add(zero.blend(FloatVector.fromArray(SP, gAn, j).mul(FloatVector.fromArray(SP, dpw, dk + j)), sk));
                }
                gP.intoArray(q.gP, j);
                FloatVector.fromArray(SP, q.gA, j).sub(gx.mul(bv).mul(pk)).intoArray(q.gA, j);
            }
            for (; j < n; j++) {
                float c1 = q.c1[j] + GS[o + j];
                float c2 = q.c2[j] + c1;
                q.c1[j] = c1;
                q.c2[j] = c2;
                float gx = c2 * g[gk + j];
                float gv = last ? gx + q.carry[j] : gx;
                float lam = q.lam[j] * beta[j] + gv;
                q.lam[j] = lam;
                float vPrev = k > 0 ? vtT[o - b * n + j] : v0T[blk + j];
                q.gBeta[j] += lam * vPrev;
                gCur[o + j] = AlifHost.bit(tp.mBits(), rw, j) ? lam : 0f;
                float av = aT[blk + j], bv = bb[j], pk = pw[gk + j];
                q.gB[j] -= gx * (av * pk);
                float gP = q.gP[j] - gx * bv * av * dpw[gk + j];
                if (AlifHost.bit(tp.sBits(), rw, j)) gP += gAn[j] * dpw[dk + j];
                q.gP[j] = gP;
                q.gA[j] -= gx * bv * pk;
            }
        }
        final int pl = len * n;
        for (int j = 0; j < n; j++) {
            float gan = gAn[j], av = aT[blk + j];
            float gA = q.gA[j] + gan * pw[pl + j];
            float gP = q.gP[j] + gan * av * dpw[pl + j];
            gV0n[j] = q.lam[j] * beta[j];
            gAn[j] = gA;
            gBetaR[st + j] += q.gBeta[j];
            gPR[st + j] += gP;
            gBR[st + j] += q.gB[j];
        }
    }
}
