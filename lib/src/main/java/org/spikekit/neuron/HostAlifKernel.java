package org.spikekit.neuron;

import static org.spikekit.neuron.AlifHost.LANES;
import static org.spikekit.neuron.AlifHost.SP;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * Fused standard ALIF for host-memory backends: the math of {@link ReferenceAlifKernel}
 * (notebooks/papers/blocks.md §4.1; authors' {@code SNN.process}) as Vector-API loops over neurons, one worker per
 * group of batch rows, each running the whole time loop for its rows. Per row and step:
 * the recurrent input of the row's spikes {@code arp + 1} steps back (event driven: the rows of R of the
 * neurons that spiked), then mask, membrane, threshold, spike, reset, adaptation and refractory
 * counter in one pass.
 * Backward is one pass per row and step (surrogate derivatives first, in SIMD lanes with the bits of
 * the scalar {@link Surrogate#grad}, see {@link SurrogateLanes}), accumulating per-neuron gradients
 * per row; dR event by event over the spikes ({@link AlifHost#recurrentGrad}).
 * Results do not depend on the thread count ({@link AlifHost}).
 *
 * <p>Tape: V and a[t−1] as float32 (8 bytes per neuron-step) plus 2 bits (spike, mask).
 */
public final class HostAlifKernel implements AlifKernel {
    private final Backend be;
    private final int threads;

    public HostAlifKernel(Backend be) { this(be, AlifHost.defaultThreads()); }

    /** With at most {@code threads} worker threads (results are the same for every value). */
    public HostAlifKernel(Backend be, int threads) {
        if (threads < 1) throw new IllegalArgumentException("HostAlifKernel threads must be >= 1, got " + threads);
        this.be = be;
        this.threads = threads;
    }

    @Override public String name() { return "host-fused-standard(" + LANES + " lanes)"; }

    record Tape(float[] beta, float[] p, float[] b, Tensor rec, Tensor spikes, int arp, int t, int bt, int n,
                float[] v, float[] aPrev, long[] sBits, long[] mBits) implements AlifTape {
        @Override public long retainedBytes() { return 4L * v.length + 4L * aPrev.length + 8L * sBits.length + 8L * mBits.length; }
        @Override public int steps() { return t; }
        @Override public int batch() { return bt; }
        @Override public int neurons() { return n; }
        @Override public Tensor membrane() { return spikes.backend().fromHost(v.clone(), t, bt, n); }
        @Override public Tensor threshold() {
            float[] th = new float[aPrev.length];
            for (int i = 0; i < th.length; i++) th[i] = aPrev[i] * b[i % n] + 1f;     // the forward's float operations
            return spikes.backend().fromHost(th, t, bt, n);
        }
    }

    /** Bytes the tape of a {@code [t, b, n]} run retains. */
    public static long tapeBytes(int t, int b, int n) { return 8L * t * b * n + 16L * t * b * AlifHost.words(n); }

    @Override
    public AlifForward forward(AlifParams params, AlifCoeffs c, Tensor x, Tensor rec, boolean keepTape) {
        AlifKernel.check("standard ALIF (host)", params, c, x, rec);
        final int t = x.dim(0), b = x.dim(1), n = x.dim(2), w = AlifHost.words(n);
        final int arp = params.arp(), d = params.recurrentDelay();
        final float[] beta = be.toHost(c.beta()), p = be.toHost(c.p()), bb = be.toHost(c.b());
        final float[] X = AlifHost.data(x);                       // read in place: the recurrent input is pulled per row
        final int xo = AlifHost.off(x);
        Tensor spikes = be.zeros(t, b, n);
        final float[] S = AlifHost.data(spikes);
        final float[] R = rec == null ? null : AlifHost.data(rec);
        final int ro = rec == null ? 0 : AlifHost.off(rec);
        final int total = t * b * n;
        final float[] tv = keepTape ? new float[total] : null, ta = keepTape ? new float[total] : null;
        final long[] sBits = new long[t * b * w];                 // also drives the recurrent input
        final long[] mBits = keepTape ? new long[t * b * w] : null;
        final float[] vh = new float[b * n], a = new float[b * n], refr = new float[b * n];
        final int nc = Math.max(1, Math.min(b, threads));
        AlifHost.forChunks(nc, ch -> {
            int b0 = AlifHost.chunkStart(b, ch, nc), b1 = AlifHost.chunkStart(b, ch + 1, nc);
            float[] in = new float[n];
            for (int k = 0; k < t; k++) {
                for (int r = b0; r < b1; r++) {
                    int row = k * b + r;
                    boolean pulled = R != null && k >= d && AlifHost.pullRecurrent(sBits, ((k - d) * b + r) * w, n, R, ro, X, xo + row * n, in);
                    stepRow(beta, p, bb, arp, pulled ? in : X, pulled ? 0 : xo + row * n, row * n, S, vh, a, refr, r * n, n,
                            tv, ta, sBits, mBits, row * w);
                }
            }
        });
        Tape tape = keepTape ? new Tape(beta, p, bb, rec, spikes, arp, t, b, n, tv, ta, sBits, mBits) : null;
        return new AlifForward(spikes, tape);
    }

    /** Step k of one row: input current from {@code cur[co ..]}, outputs at {@code o} of {@code [T, B, N]}, state at {@code st}. */
    private static void stepRow(float[] beta, float[] p, float[] bb, int arp, float[] cur, int co, int o, float[] S,
                                float[] vh, float[] a, float[] refr, int st, int n, float[] tv, float[] ta,
                                long[] sBits, long[] mBits, int rw) {
        int bound = SP.loopBound(n);
        FloatVector zero = FloatVector.zero(SP), one = FloatVector.broadcast(SP, 1f);
        FloatVector arpV = FloatVector.broadcast(SP, (float) arp);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector rf = FloatVector.fromArray(SP, refr, st + j);
            VectorMask<Float> m = rf.compare(VectorOperators.LE, 0f);
            FloatVector in = zero.blend(FloatVector.fromArray(SP, cur, co + j), m);
            FloatVector v = FloatVector.fromArray(SP, vh, st + j).mul(FloatVector.fromArray(SP, beta, j)).add(in);
            FloatVector av = FloatVector.fromArray(SP, a, st + j);
            FloatVector th = av.mul(FloatVector.fromArray(SP, bb, j)).add(1f);
            VectorMask<Float> fire = v.sub(th).compare(VectorOperators.GT, 0f);
            FloatVector s = zero.blend(one, fire);
            s.intoArray(S, o + j);
            long fb = fire.toLong();
            if (fb != 0) AlifHost.storeBits(sBits, rw, j, fb);
            if (tv != null) {
                v.intoArray(tv, o + j);
                av.intoArray(ta, o + j);
                AlifHost.storeBits(mBits, rw, j, m.toLong());
            }
            v.blend(0f, fire).intoArray(vh, st + j);
            av.mul(FloatVector.fromArray(SP, p, j)).add(s).intoArray(a, st + j);
            rf.sub(1f).max(0f).blend(arpV, fire).intoArray(refr, st + j);
        }
        for (; j < n; j++) {
            boolean m = refr[st + j] <= 0f;
            float in = m ? cur[co + j] : 0f;
            float v = vh[st + j] * beta[j] + in;
            float av = a[st + j];
            float th = av * bb[j] + 1f;
            boolean fire = v - th > 0f;
            float s = fire ? 1f : 0f;
            S[o + j] = s;
            if (fire) AlifHost.setBit(sBits, rw, j);
            if (tv != null) {
                tv[o + j] = v;
                ta[o + j] = av;
                if (m) AlifHost.setBit(mBits, rw, j);
            }
            vh[st + j] = fire ? 0f : v;
            a[st + j] = av * p[j] + s;
            refr[st + j] = fire ? arp : Math.max(refr[st + j] - 1f, 0f);
        }
    }

    @Override
    public AlifGrads backward(AlifParams params, AlifTape alifTape, Tensor gradSpikes) {
        if (!(alifTape instanceof Tape tp)) {
            throw new IllegalArgumentException("standard ALIF host kernel got a tape from another kernel: " + alifTape);
        }
        final int t = tp.t(), b = tp.bt(), n = tp.n(), w = AlifHost.words(n);
        if (gradSpikes != null) gradSpikes.requireShape("ALIF backward gradSpikes", t, b, n);
        final float[] GS = gradSpikes == null ? null : AlifHost.data(gradSpikes);     // read in place
        final int gso = gradSpikes == null ? 0 : AlifHost.off(gradSpikes);
        Tensor gCurT = be.zeros(t, b, n);
        final float[] gCur = AlifHost.data(gCurT);
        final float[] gBetaR = new float[b * n], gPR = new float[b * n], gBR = new float[b * n];
        final Surrogate sur = params.surrogate();
        final int nc = Math.max(1, Math.min(b, threads));
        AlifHost.forChunks(nc, ch -> {
            int b0 = AlifHost.chunkStart(b, ch, nc), b1 = AlifHost.chunkStart(b, ch + 1, nc);
            float[] gVh = new float[n], gA = new float[n], x = new float[n], g = new float[n];
            double[] work = new double[SurrogateLanes.WORK];
            for (int r = b0; r < b1; r++) {
                java.util.Arrays.fill(gVh, 0f);
                java.util.Arrays.fill(gA, 0f);
                for (int k = t - 1; k >= 0; k--) {
                    backwardRow(tp, sur, GS, gso, gCur, k, r, n, w, gVh, gA, x, g, work, gBetaR, gPR, gBR);
                }
            }
        });
        Tensor gRec = AlifHost.recurrentGrad(be, tp.rec(), tp.spikes(), tp.sBits(), gCurT, tp.arp() + 1, threads);
        return new AlifGrads(gCurT, gRec, AlifHost.sumRows(be, gBetaR, b, n), AlifHost.sumRows(be, gPR, b, n),
                AlifHost.sumRows(be, gBR, b, n));
    }

    private static void backwardRow(Tape tp, Surrogate sur, float[] GS, int gso, float[] gCur, int k, int r, int n, int w,
                                    float[] gVh, float[] gA, float[] x, float[] g, double[] work,
                                    float[] gBetaR, float[] gPR, float[] gBR) {
        final int row = k * tp.bt() + r, o = row * n, rw = row * w, st = r * n;
        final int prevO = o - tp.bt() * n, prevRw = rw - tp.bt() * w;
        final float[] tv = tp.v(), ta = tp.aPrev(), beta = tp.beta(), p = tp.p(), bb = tp.b();
        final int bound = SP.loopBound(n);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector th = FloatVector.fromArray(SP, ta, o + j).mul(FloatVector.fromArray(SP, bb, j)).add(1f);
            FloatVector.fromArray(SP, tv, o + j).sub(th).intoArray(x, j);
        }
        for (; j < n; j++) x[j] = tv[o + j] - (ta[o + j] * bb[j] + 1f);
        AlifHost.surrogateGrad(sur, x, 0, g, 0, n, work);
        FloatVector zero = FloatVector.zero(SP);
        for (j = 0; j < bound; j += LANES) {
            VectorMask<Float> s = AlifHost.loadMask(tp.sBits(), rw, j);
            FloatVector ga = FloatVector.fromArray(SP, gA, j);
            FloatVector gs = GS == null ? ga : FloatVector.fromArray(SP, GS, gso + o + j).add(ga);
            FloatVector gx = gs.mul(FloatVector.fromArray(SP, g, j));
            FloatVector gv = FloatVector.fromArray(SP, gVh, j).blend(0f, s).add(gx);
            if (k > 0) {
                FloatVector vhPrev = FloatVector.fromArray(SP, tv, prevO + j).blend(0f, AlifHost.loadMask(tp.sBits(), prevRw, j));
                FloatVector.fromArray(SP, gBetaR, st + j).add(gv.mul(vhPrev)).intoArray(gBetaR, st + j);
            }
            FloatVector ap = FloatVector.fromArray(SP, ta, o + j);
            FloatVector.fromArray(SP, gPR, st + j).add(ga.mul(ap)).intoArray(gPR, st + j);
            FloatVector.fromArray(SP, gBR, st + j).sub(gx.mul(ap)).intoArray(gBR, st + j);
            zero.blend(gv, AlifHost.loadMask(tp.mBits(), rw, j)).intoArray(gCur, o + j);
            ga.mul(FloatVector.fromArray(SP, p, j)).sub(gx.mul(FloatVector.fromArray(SP, bb, j))).intoArray(gA, j);
            gv.mul(FloatVector.fromArray(SP, beta, j)).intoArray(gVh, j);
        }
        for (; j < n; j++) {
            boolean s = AlifHost.bit(tp.sBits(), rw, j);
            float ga = gA[j];
            float gs = GS == null ? ga : GS[gso + o + j] + ga;
            float gx = gs * g[j];
            float gv = (s ? 0f : gVh[j]) + gx;
            if (k > 0) gBetaR[st + j] += gv * (AlifHost.bit(tp.sBits(), prevRw, j) ? 0f : tv[prevO + j]);
            float ap = ta[o + j];
            gPR[st + j] += ga * ap;
            gBR[st + j] -= gx * ap;
            gCur[o + j] = AlifHost.bit(tp.mBits(), rw, j) ? gv : 0f;
            gA[j] = ga * p[j] - gx * bb[j];
            gVh[j] = gv * beta[j];
        }
    }
}
