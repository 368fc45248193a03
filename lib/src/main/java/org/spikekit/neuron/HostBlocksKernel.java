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
 * <p>Blocks run one after another (L = arp + 1 steps each). Within a block every neuron of every
 * row is independent (the block's spikes reach the recurrent input only in the next block), so
 * the block is swept time-major like the standard kernel: position by position, each over the
 * worker's rows (contiguous in {@code [T, B, N]}), neurons in SIMD lanes, per-row state in
 * {@code [B, N]} arrays (a tile of rows at a time, sized for L2: {@link AlifHost#tileRows}). Per
 * position: the no-reset potential {@code Ṽ[k] = β·Ṽ[k−1] + I[k]} (the paper's causal
 * β-convolution evaluated as a scan: O(L) instead of O(L²) work per neuron and block, the same
 * values in exact arithmetic; on a CPU the SIMD lanes are already filled by neurons, so
 * evaluating the L positions independently would only add work), the threshold
 * {@code 1 + b·A·p^k}, and the first-crossing detection (which equals {@code z = 1} of the ramp
 * convolution). The recurrent input is pulled, event driven, from the previous block's spikes
 * ({@link AlifHost#pullRecurrent}; at the benchmark's firing rates of 0.4–1.7 % a dense
 * per-block product {@code S_block·R} would cost 60–250 times the additions). The float
 * operations are those of {@link HostAlifKernel}, so the two fused kernels give bit-identical
 * spikes whenever the models agree (notebooks/papers/blocks.md §4.2: b ≥ 0).
 *
 * <p>Backward per block in reverse, time-major again: the transposed ramp convolution as two
 * reverse running sums ({@code dS̃[j] = Σ_{k≥j} (k−j+1)·dS[k]}), surrogate derivatives
 * ({@link SurrogateLanes}), the adjoint scan of the β-recurrence, and the adaptation chain
 * through the carried A; per-neuron gradients per row; dR event by event over the spikes
 * ({@link AlifHost#recurrentGrad}). Results do not depend on the thread count ({@link AlifHost}).
 *
 * <p>Tape: Ṽ and θ as float32 (8 bytes per neuron-step), spike and mask bits, and V0, A per block.
 */
public final class HostBlocksKernel implements AlifKernel {
    private final Backend be;
    private final int threads, tileBytes;

    public HostBlocksKernel(Backend be) { this(be, AlifHost.defaultThreads()); }

    /** With at most {@code threads} worker threads (results are the same for every value). */
    public HostBlocksKernel(Backend be, int threads) { this(be, threads, AlifHost.TILE_STATE_BYTES); }

    /** With a per-worker budget for per-row state (tests: tiles of one row); results are the same for every value. */
    HostBlocksKernel(Backend be, int threads, int tileBytes) {
        if (threads < 1) throw new IllegalArgumentException("HostBlocksKernel threads must be >= 1, got " + threads);
        if (tileBytes < 1) throw new IllegalArgumentException("HostBlocksKernel tileBytes must be >= 1, got " + tileBytes);
        this.be = be;
        this.threads = threads;
        this.tileBytes = tileBytes;
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
        final float[] X = AlifHost.data(x);                       // read in place: the recurrent input is pulled per row
        final int xo = AlifHost.off(x);
        Tensor spikes = be.zeros(t, b, n);
        final float[] S = AlifHost.data(spikes);
        final float[] R = rec == null ? null : AlifHost.data(rec);
        final int ro = rec == null ? 0 : AlifHost.off(rec);
        final int total = t * b * n;
        final float[] tv = keepTape ? new float[total] : null, tth = keepTape ? new float[total] : null;
        final long[] sBits = new long[t * b * w];
        final long[] mBits = keepTape ? new long[t * b * w] : null;
        final float[] tv0 = keepTape ? new float[nb * b * n] : null, ta = keepTape ? new float[nb * b * n] : null;
        // per-row state [b, n]: Ṽ (V0 at block edges), carried adaptation (A at block edges), faulty
        // adaptation A·p^k, the mask's spike position from the previous block, this block's spike position (−1: none)
        final float[] vt = new float[b * n], acar = new float[b * n], af = new float[b * n];
        final float[] kPrev = new float[b * n], kSpike = new float[b * n];
        final int nc = Math.max(1, Math.min(b, threads)), tile = AlifHost.tileRows(n, 5, tileBytes);
        AlifHost.forChunks(nc, ch -> {
            int c0 = AlifHost.chunkStart(b, ch, nc), c1 = AlifHost.chunkStart(b, ch + 1, nc);
            float[] in = new float[n];
            for (int b0 = c0; b0 < c1; b0 += tile) {
                int b1 = Math.min(c1, b0 + tile);
                for (int i = 0; i < nb; i++) {
                    int t0 = i * len, lb = Math.min(len, t - t0);
                    for (int r = b0; r < b1; r++) {
                        int st = r * n;
                        if (tv0 != null) {
                            System.arraycopy(vt, st, tv0, (i * b + r) * n, n);
                            System.arraycopy(acar, st, ta, (i * b + r) * n, n);
                        }
                        System.arraycopy(acar, st, af, st, n);
                        java.util.Arrays.fill(kSpike, st, st + n, -1f);
                    }
                    for (int k = 0; k < lb; k++) {
                        for (int r = b0; r < b1; r++) {
                            int row = (t0 + k) * b + r;
                            boolean pulled = R != null && i > 0
                                    && AlifHost.pullRecurrent(sBits, (row - len * b) * w, n, R, ro, X, xo + row * n, in);
                            blockStep(beta, p, bb, pulled ? in : X, pulled ? 0 : xo + row * n, S, row * n, r * n, n, k,
                                    vt, af, acar, kPrev, kSpike, tv, tth, sBits, mBits, row * w);
                        }
                    }
                    for (int r = b0; r < b1; r++) endBlock(vt, kPrev, kSpike, r * n, n);
                }
            }
        });
        Tape tape = keepTape ? new Tape(beta, p, bb, rec, spikes, params.arp(), t, b, n, tv, tth, sBits, mBits, tv0, ta) : null;
        return new AlifForward(spikes, tape);
    }

    /**
     * Position k of a block for one batch row: input current from {@code cur[co ..]}, outputs at
     * offset {@code o} of {@code [T, B, N]}, state at {@code st} of the {@code [B, N]} arrays; one
     * contiguous pass over the row's neurons in SIMD lanes.
     */
    private static void blockStep(float[] beta, float[] p, float[] bb, float[] cur, int co, float[] S, int o, int st, int n, int k,
                                  float[] vts, float[] afs, float[] acars, float[] kPrev, float[] kSpike,
                                  float[] tv, float[] tth, long[] sBits, long[] mBits, int rw) {
        final int bound = SP.loopBound(n);
        final float kf = k;
        FloatVector zero = FloatVector.zero(SP), one = FloatVector.broadcast(SP, 1f);
        int j = 0;
        for (; j < bound; j += LANES) {
            VectorMask<Float> m = FloatVector.fromArray(SP, kPrev, st + j).compare(VectorOperators.LE, kf);
            FloatVector in = zero.blend(FloatVector.fromArray(SP, cur, co + j), m);
            FloatVector vt = FloatVector.fromArray(SP, vts, st + j).mul(FloatVector.fromArray(SP, beta, j)).add(in);
            FloatVector af = FloatVector.fromArray(SP, afs, st + j);
            FloatVector th = af.mul(FloatVector.fromArray(SP, bb, j)).add(1f);
            FloatVector ks = FloatVector.fromArray(SP, kSpike, st + j);
            VectorMask<Float> first = vt.sub(th).compare(VectorOperators.GT, 0f).and(ks.compare(VectorOperators.LT, 0f));
            FloatVector s = zero.blend(one, first);
            s.intoArray(S, o + j);
            long fb = first.toLong();
            if (fb != 0) {
                AlifHost.storeBits(sBits, rw, j, fb);
                ks.blend(kf, first).intoArray(kSpike, st + j);
            }
            if (tv != null) {
                vt.intoArray(tv, o + j);
                th.intoArray(tth, o + j);
                AlifHost.storeBits(mBits, rw, j, m.toLong());
            }
            vt.intoArray(vts, st + j);
            FloatVector pv = FloatVector.fromArray(SP, p, j);
            FloatVector.fromArray(SP, acars, st + j).mul(pv).add(s).intoArray(acars, st + j);
            af.mul(pv).intoArray(afs, st + j);
        }
        for (; j < n; j++) {
            boolean m = kPrev[st + j] <= kf;
            float in = m ? cur[co + j] : 0f;
            float vt = vts[st + j] * beta[j] + in;
            float th = afs[st + j] * bb[j] + 1f;
            boolean first = vt - th > 0f && kSpike[st + j] < 0f;
            float s = first ? 1f : 0f;
            S[o + j] = s;
            if (first) {
                AlifHost.setBit(sBits, rw, j);
                kSpike[st + j] = kf;
            }
            if (tv != null) {
                tv[o + j] = vt;
                tth[o + j] = th;
                if (m) AlifHost.setBit(mBits, rw, j);
            }
            vts[st + j] = vt;
            acars[st + j] = acars[st + j] * p[j] + s;
            afs[st + j] = afs[st + j] * p[j];
        }
    }

    /** Block carry of one row: V0' = Ṽ[L−1]·(1 − m); the next block's mask from this block's spike position. */
    private static void endBlock(float[] vt, float[] kPrev, float[] kSpike, int st, int n) {
        for (int j = st; j < st + n; j++) {
            boolean done = kSpike[j] >= 0f;
            if (done) vt[j] = 0f;
            kPrev[j] = done ? kSpike[j] : 0f;
        }
    }

    @Override
    public AlifGrads backward(AlifParams params, AlifTape alifTape, Tensor gradSpikes) {
        if (!(alifTape instanceof Tape tp)) {
            throw new IllegalArgumentException("Blocks host kernel got a tape from another kernel: " + alifTape);
        }
        final int t = tp.t(), b = tp.bt(), n = tp.n(), w = AlifHost.words(n), len = tp.arp() + 1, nb = (t + len - 1) / len;
        if (gradSpikes != null) gradSpikes.requireShape("Blocks backward gradSpikes", t, b, n);
        final float[] GS = gradSpikes == null ? new float[t * b * n] : AlifHost.data(gradSpikes);     // read in place
        final int gso = gradSpikes == null ? 0 : AlifHost.off(gradSpikes);
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
        final BState q = new BState(b * n);
        final long[] spiked = new long[b * w];                     // per row: spiked anywhere in the current block
        final int nc = Math.max(1, Math.min(b, threads)), tile = AlifHost.tileRows(n, BState.ARRAYS, tileBytes);
        AlifHost.forChunks(nc, ch -> {
            int c0 = AlifHost.chunkStart(b, ch, nc), c1 = AlifHost.chunkStart(b, ch + 1, nc);
            float[] x = new float[n], g = new float[n];
            double[] work = new double[SurrogateLanes.WORK];
            for (int b0 = c0; b0 < c1; b0 += tile) {
                int b1 = Math.min(c1, b0 + tile);
                for (int i = nb - 1; i >= 0; i--) {
                    int t0 = i * len, lb = Math.min(len, t - t0);
                    for (int r = b0; r < b1; r++) {
                        q.clearBlock(r * n, n);
                        java.util.Arrays.fill(spiked, r * w, r * w + w, 0L);
                        for (int k = 0; k < lb; k++) {
                            int rw = ((t0 + k) * b + r) * w;
                            for (int u = 0; u < w; u++) spiked[r * w + u] |= tp.sBits()[rw + u];
                        }
                    }
                    for (int k = lb - 1; k >= 0; k--) {
                        for (int r = b0; r < b1; r++) {
                            int o = ((t0 + k) * b + r) * n;
                            surrogate(tp, sur, o, n, x, g, work);
                            backwardStep(tp, GS, gso, gCur, g, pw, dpw, i, t0, k, len, r, spiked, q);
                        }
                    }
                    for (int r = b0; r < b1; r++) endBlockBackward(tp, pw, dpw, i, len, r, q, gBetaR, gPR, gBR);
                }
            }
        });
        Tensor gRec = AlifHost.recurrentGrad(be, tp.rec(), tp.spikes(), tp.sBits(), gCurT, len, threads);
        return new AlifGrads(gCurT, gRec, AlifHost.sumRows(be, gBetaR, b, n), AlifHost.sumRows(be, gPR, b, n),
                AlifHost.sumRows(be, gBR, b, n));
    }

    /** Surrogate derivatives {@code g = σ'(Ṽ − θ)} of one row at one position (offset {@code o}). */
    private static void surrogate(Tape tp, Surrogate sur, int o, int n, float[] x, float[] g, double[] work) {
        final float[] vt = tp.vt(), th = tp.th();
        final int bound = SP.loopBound(n);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector.fromArray(SP, vt, o + j).sub(FloatVector.fromArray(SP, th, o + j)).intoArray(x, j);
        }
        for (; j < n; j++) x[j] = vt[o + j] - th[o + j];
        AlifHost.surrogateGrad(sur, x, 0, g, 0, n, work);
    }

    /**
     * Backward state per batch row, {@code [B, N]} each: the two reverse running sums of the ramp
     * convolution, the adjoint λ of the β-recurrence, the block's partial sums of dβ, db, dp, dA,
     * and what is carried to the previous block (dL/dV0, dL/dA).
     */
    static final class BState {
        static final int ARRAYS = 9;
        final float[] c1, c2, lam, gBeta, gB, gP, gA, gV0n, gAn;
        BState(int size) {
            c1 = new float[size]; c2 = new float[size]; lam = new float[size]; gBeta = new float[size];
            gB = new float[size]; gP = new float[size]; gA = new float[size]; gV0n = new float[size]; gAn = new float[size];
        }
        void clearBlock(int st, int n) {
            for (float[] f : new float[][] {c1, c2, lam, gBeta, gB, gP, gA}) java.util.Arrays.fill(f, st, st + n, 0f);
        }
    }

    /** Position k of block i for one batch row in reverse; neurons in SIMD lanes, state in {@code q} at row r. */
    private static void backwardStep(Tape tp, float[] GS, int gso, float[] gCur, float[] g, float[] pw, float[] dpw, int i,
                                     int t0, int k, int len, int r, long[] spiked, BState q) {
        final int b = tp.bt(), n = tp.n(), w = AlifHost.words(n), st = r * n, bound = SP.loopBound(n);
        final int blk = (i * b + r) * n;
        final float[] vtT = tp.vt(), beta = tp.beta(), bb = tp.b(), aT = tp.a(), v0T = tp.v0();
        final float[] c1s = q.c1, c2s = q.c2, lams = q.lam, gBetas = q.gBeta, gBs = q.gB, gPs = q.gP, gAs = q.gA, gAn = q.gAn;
        final int o = ((t0 + k) * b + r) * n, rw = ((t0 + k) * b + r) * w, gk = k * n, dk = (len - 1 - k) * n;
        // V0' = Ṽ[L−1]·(1 − m): the carried gradient reaches Ṽ[L−1] only where the neuron did not spike
        final boolean last = k == len - 1;
        FloatVector zero = FloatVector.zero(SP);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector c1 = FloatVector.fromArray(SP, c1s, st + j).add(FloatVector.fromArray(SP, GS, gso + o + j));
            FloatVector c2 = FloatVector.fromArray(SP, c2s, st + j).add(c1);       // dS̃[k] = Σ_{k'≥k} (k'−k+1)·dS[k']
            c1.intoArray(c1s, st + j);
            c2.intoArray(c2s, st + j);
            FloatVector gx = c2.mul(FloatVector.fromArray(SP, g, j));
            FloatVector gv = last
                    ? gx.add(FloatVector.fromArray(SP, q.gV0n, st + j).blend(0f, AlifHost.loadMask(spiked, r * w, j)))
                    : gx;
            FloatVector bet = FloatVector.fromArray(SP, beta, j);
            FloatVector lam = FloatVector.fromArray(SP, lams, st + j).mul(bet).add(gv);   // dL/dI[k]
            lam.intoArray(lams, st + j);
            FloatVector vPrev = k > 0 ? FloatVector.fromArray(SP, vtT, o - b * n + j) : FloatVector.fromArray(SP, v0T, blk + j);
            FloatVector.fromArray(SP, gBetas, st + j).add(lam.mul(vPrev)).intoArray(gBetas, st + j);
            zero.blend(lam, AlifHost.loadMask(tp.mBits(), rw, j)).intoArray(gCur, o + j);
            FloatVector av = FloatVector.fromArray(SP, aT, blk + j), bv = FloatVector.fromArray(SP, bb, j);
            FloatVector pk = FloatVector.fromArray(SP, pw, gk + j);
            FloatVector.fromArray(SP, gBs, st + j).sub(gx.mul(av.mul(pk))).intoArray(gBs, st + j);        // dθ/db = A·p^k
            FloatVector gP = FloatVector.fromArray(SP, gPs, st + j).sub(gx.mul(bv).mul(av).mul(FloatVector.fromArray(SP, dpw, gk + j)));
            VectorMask<Float> sk = AlifHost.loadMask(tp.sBits(), rw, j);
            if (sk.anyTrue()) {   // A' = A·p^L + m·p^{L−1−k0}: the spike term's p-derivative
                gP = gP.add(zero.blend(FloatVector.fromArray(SP, gAn, st + j).mul(FloatVector.fromArray(SP, dpw, dk + j)), sk));
            }
            gP.intoArray(gPs, st + j);
            FloatVector.fromArray(SP, gAs, st + j).sub(gx.mul(bv).mul(pk)).intoArray(gAs, st + j);
        }
        for (; j < n; j++) {
            float c1 = c1s[st + j] + GS[gso + o + j];
            float c2 = c2s[st + j] + c1;
            c1s[st + j] = c1;
            c2s[st + j] = c2;
            float gx = c2 * g[j];
            float gv = last ? gx + (AlifHost.bit(spiked, r * w, j) ? 0f : q.gV0n[st + j]) : gx;
            float lam = lams[st + j] * beta[j] + gv;
            lams[st + j] = lam;
            float vPrev = k > 0 ? vtT[o - b * n + j] : v0T[blk + j];
            gBetas[st + j] += lam * vPrev;
            gCur[o + j] = AlifHost.bit(tp.mBits(), rw, j) ? lam : 0f;
            float av = aT[blk + j], bv = bb[j], pk = pw[gk + j];
            gBs[st + j] -= gx * (av * pk);
            float gP = gPs[st + j] - gx * bv * av * dpw[gk + j];
            if (AlifHost.bit(tp.sBits(), rw, j)) gP += gAn[st + j] * dpw[dk + j];
            gPs[st + j] = gP;
            gAs[st + j] -= gx * bv * pk;
        }
    }

    /** After position 0 of block i: carry dL/dV0 and dL/dA to block i − 1, add the block's dβ, dp, db to row r's sums. */
    private static void endBlockBackward(Tape tp, float[] pw, float[] dpw, int i, int len, int r, BState q,
                                         float[] gBetaR, float[] gPR, float[] gBR) {
        final int n = tp.n(), st = r * n, blk = (i * tp.bt() + r) * n, pl = len * n;
        final float[] aT = tp.a(), beta = tp.beta();
        for (int j = 0; j < n; j++) {
            float gan = q.gAn[st + j], av = aT[blk + j];
            float gA = q.gA[st + j] + gan * pw[pl + j];
            float gP = q.gP[st + j] + gan * av * dpw[pl + j];
            q.gV0n[st + j] = q.lam[st + j] * beta[j];
            q.gAn[st + j] = gA;
            gBetaR[st + j] += q.gBeta[st + j];
            gPR[st + j] += gP;
            gBR[st + j] += q.gB[st + j];
        }
    }
}
