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
 * (blocks.md §2.2 "Blocks reformulation"; authors' {@code src/snn/block/blocks.py}), as
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
 * agree (blocks.md §2.2: b ≥ 0).
 *
 * <p>Backward per block in reverse: the transposed ramp convolution as two reverse running sums
 * ({@code dS̃[j] = Σ_{k≥j} (k−j+1)·dS[k]}), surrogate derivatives (java.lang.Math), the adjoint
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
            for (int i = 0; i < nb; i++) {
                int t0 = i * len, lb = Math.min(len, t - t0);
                for (int r = b0; r < b1; r++) {
                    if (tv0 != null) {
                        System.arraycopy(v0, r * n, tv0, (i * b + r) * n, n);
                        System.arraycopy(a, r * n, ta, (i * b + r) * n, n);
                    }
                    blockRow(beta, p, bb, cur, S, t0, lb, b, r, n, w, v0, a, kPrev, tv, tth, sBits, mBits);
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

    /** One block of one batch row: scan the block's positions with the neurons in SIMD lanes. */
    private static void blockRow(float[] beta, float[] p, float[] bb, float[] cur, float[] S, int t0, int lb, int b,
                                 int r, int n, int w, float[] v0, float[] a, float[] kPrev, float[] tv, float[] tth,
                                 long[] sBits, long[] mBits) {
        final int st = r * n, bound = SP.loopBound(n), rowStride = b * n;
        FloatVector zero = FloatVector.zero(SP), one = FloatVector.broadcast(SP, 1f);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector bet = FloatVector.fromArray(SP, beta, j), pv = FloatVector.fromArray(SP, p, j);
            FloatVector bv = FloatVector.fromArray(SP, bb, j), kp = FloatVector.fromArray(SP, kPrev, st + j);
            FloatVector vt = FloatVector.fromArray(SP, v0, st + j);
            FloatVector af = FloatVector.fromArray(SP, a, st + j), acar = af, kSpike = zero;
            VectorMask<Float> done = SP.maskAll(false);
            int o = (t0 * b + r) * n + j, rw = (t0 * b + r) * w;
            for (int k = 0; k < lb; k++, o += rowStride, rw += b * w) {
                VectorMask<Float> m = kp.compare(VectorOperators.LE, (float) k);
                FloatVector in = zero.blend(FloatVector.fromArray(SP, cur, o), m);
                vt = vt.mul(bet).add(in);
                FloatVector th = af.mul(bv).add(1f);
                VectorMask<Float> first = vt.sub(th).compare(VectorOperators.GT, 0f).andNot(done);
                done = done.or(first);
                FloatVector s = zero.blend(one, first);
                s.intoArray(S, o);
                long fb = first.toLong();
                if (fb != 0) AlifHost.storeBits(sBits, rw, j, fb);
                if (tv != null) {
                    vt.intoArray(tv, o);
                    th.intoArray(tth, o);
                    AlifHost.storeBits(mBits, rw, j, m.toLong());
                }
                acar = acar.mul(pv).add(s);
                af = af.mul(pv);
                kSpike = kSpike.blend((float) k, first);
            }
            vt.blend(0f, done).intoArray(v0, st + j);
            acar.intoArray(a, st + j);
            zero.blend(kSpike, done).intoArray(kPrev, st + j);
        }
        for (; j < n; j++) {
            float vt = v0[st + j], af = a[st + j], acar = af, kp = kPrev[st + j], kSpike = 0f;
            boolean done = false;
            int o = (t0 * b + r) * n + j, rw = (t0 * b + r) * w;
            for (int k = 0; k < lb; k++, o += rowStride, rw += b * w) {
                boolean m = kp <= k;
                float in = m ? cur[o] : 0f;
                vt = vt * beta[j] + in;
                float th = af * bb[j] + 1f;
                boolean first = vt - th > 0f && !done;
                done |= first;
                float s = first ? 1f : 0f;
                S[o] = s;
                if (first) AlifHost.setBit(sBits, rw, j);
                if (tv != null) {
                    tv[o] = vt;
                    tth[o] = th;
                    if (m) AlifHost.setBit(mBits, rw, j);
                }
                acar = acar * p[j] + s;
                af = af * p[j];
                if (first) kSpike = k;
            }
            v0[st + j] = done ? 0f : vt;
            a[st + j] = acar;
            kPrev[st + j] = done ? kSpike : 0f;
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
            float[] gV0n = new float[n], gAn = new float[n];
            for (int r = b0; r < b1; r++) {
                java.util.Arrays.fill(gV0n, 0f);
                java.util.Arrays.fill(gAn, 0f);
                for (int i = nb - 1; i >= 0; i--) {
                    int t0 = i * len, lb = Math.min(len, t - t0);
                    for (int k = 0; k < lb; k++) {                   // surrogate derivatives of the block
                        int o = ((t0 + k) * b + r) * n;
                        for (int j = 0; j < n; j++) x[j] = tp.vt()[o + j] - tp.th()[o + j];
                        AlifHost.surrogateGrad(sur, x, 0, g, k * n, n);
                    }
                    backwardBlock(tp, GS, gCur, g, pw, dpw, i, t0, lb, len, r, gV0n, gAn, gBetaR, gPR, gBR);
                }
            }
        });
        Tensor gRec = ReferenceAlifKernel.recurrentGrad(be, tp.rec(), tp.spikes(), gCurT, len);
        return new AlifGrads(gCurT, gRec, AlifHost.sumRows(be, gBetaR, b, n), AlifHost.sumRows(be, gPR, b, n),
                AlifHost.sumRows(be, gBR, b, n));
    }

    private static void backwardBlock(Tape tp, float[] GS, float[] gCur, float[] g, float[] pw, float[] dpw, int i,
                                      int t0, int lb, int len, int r, float[] gV0n, float[] gAn,
                                      float[] gBetaR, float[] gPR, float[] gBR) {
        final int b = tp.bt(), n = tp.n(), w = AlifHost.words(n), st = r * n, bound = SP.loopBound(n);
        final int blk = (i * b + r) * n, rowStride = b * n;
        final float[] vtT = tp.vt();
        FloatVector zero = FloatVector.zero(SP);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector bet = FloatVector.fromArray(SP, tp.beta(), j), bv = FloatVector.fromArray(SP, tp.b(), j);
            FloatVector av = FloatVector.fromArray(SP, tp.a(), blk + j), v0 = FloatVector.fromArray(SP, tp.v0(), blk + j);
            FloatVector gan = FloatVector.fromArray(SP, gAn, j);
            VectorMask<Float> spiked = SP.maskAll(false);
            for (int k = 0; k < lb; k++) spiked = spiked.or(AlifHost.loadMask(tp.sBits(), ((t0 + k) * b + r) * w, j));
            FloatVector carryV = zero.blend(FloatVector.fromArray(SP, gV0n, j), spiked.not());
            FloatVector c1 = zero, c2 = zero, lam = zero, gBeta = zero, gB = zero, gP = zero, gA = zero;
            int o = ((t0 + lb - 1) * b + r) * n + j, rw = ((t0 + lb - 1) * b + r) * w;
            for (int k = lb - 1; k >= 0; k--, o -= rowStride, rw -= b * w) {
                c1 = c1.add(FloatVector.fromArray(SP, GS, o));
                c2 = c2.add(c1);                                         // dS̃[k] = Σ_{k'≥k} (k'−k+1)·dS[k']
                FloatVector gx = c2.mul(FloatVector.fromArray(SP, g, k * n + j));
                FloatVector gv = k == len - 1 ? gx.add(carryV) : gx;
                lam = lam.mul(bet).add(gv);                              // dL/dI[k]
                FloatVector vPrev = k > 0 ? FloatVector.fromArray(SP, vtT, o - rowStride) : v0;
                gBeta = gBeta.add(lam.mul(vPrev));
                zero.blend(lam, AlifHost.loadMask(tp.mBits(), rw, j)).intoArray(gCur, o);
                FloatVector pk = FloatVector.fromArray(SP, pw, k * n + j);
                FloatVector apk = av.mul(pk);
                gB = gB.sub(gx.mul(apk));                                // dθ/db = A·p^k
                gP = gP.sub(gx.mul(bv).mul(av).mul(FloatVector.fromArray(SP, dpw, k * n + j)));
                gA = gA.sub(gx.mul(bv).mul(pk));
                VectorMask<Float> sk = AlifHost.loadMask(tp.sBits(), rw, j);
                if (!sk.anyTrue()) continue;
                // A' = A·p^L + m·p^{L−1−k0}: the spike term's p-derivative
                gP = gP.add(zero.blend(gan.mul(FloatVector.fromArray(SP, dpw, (len - 1 - k) * n + j)), sk));
            }
            gA = gA.add(gan.mul(FloatVector.fromArray(SP, pw, len * n + j)));
            gP = gP.add(gan.mul(av).mul(FloatVector.fromArray(SP, dpw, len * n + j)));
            lam.mul(bet).intoArray(gV0n, j);
            gA.intoArray(gAn, j);
            FloatVector.fromArray(SP, gBetaR, st + j).add(gBeta).intoArray(gBetaR, st + j);
            FloatVector.fromArray(SP, gPR, st + j).add(gP).intoArray(gPR, st + j);
            FloatVector.fromArray(SP, gBR, st + j).add(gB).intoArray(gBR, st + j);
        }
        for (; j < n; j++) {
            float bet = tp.beta()[j], bv = tp.b()[j], av = tp.a()[blk + j], v0 = tp.v0()[blk + j], gan = gAn[j];
            boolean spiked = false;
            for (int k = 0; k < lb; k++) spiked |= AlifHost.bit(tp.sBits(), ((t0 + k) * b + r) * w, j);
            float carryV = spiked ? 0f : gV0n[j];
            float c1 = 0, c2 = 0, lam = 0, gBeta = 0, gB = 0, gP = 0, gA = 0;
            int o = ((t0 + lb - 1) * b + r) * n + j, rw = ((t0 + lb - 1) * b + r) * w;
            for (int k = lb - 1; k >= 0; k--, o -= rowStride, rw -= b * w) {
                c1 += GS[o];
                c2 += c1;
                float gx = c2 * g[k * n + j];
                float gv = k == len - 1 ? gx + carryV : gx;
                lam = lam * bet + gv;
                float vPrev = k > 0 ? vtT[o - rowStride] : v0;
                gBeta += lam * vPrev;
                gCur[o] = AlifHost.bit(tp.mBits(), rw, j) ? lam : 0f;
                float pk = pw[k * n + j];
                gB -= gx * (av * pk);
                gP -= gx * bv * av * dpw[k * n + j];
                gA -= gx * bv * pk;
                if (AlifHost.bit(tp.sBits(), rw, j)) gP += gan * dpw[(len - 1 - k) * n + j];
            }
            gA += gan * pw[len * n + j];
            gP += gan * av * dpw[len * n + j];
            gV0n[j] = lam * bet;
            gAn[j] = gA;
            gBetaR[st + j] += gBeta;
            gPR[st + j] += gP;
            gBR[st + j] += gB;
        }
    }
}
