package org.spikekit.neuron;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.spikekit.compute.Backend;
import org.spikekit.compute.HostStorage;
import org.spikekit.compute.Tensor;

/**
 * Fused LIF sequence kernel for host-memory backends: same math as {@link ReferenceLifKernel},
 * written as Vector-API loops ({@code FloatVector.SPECIES_PREFERRED}) and parallel over the batch.
 *
 * <p>The recurrence couples neurons of one batch row only, so each worker thread owns a block of
 * batch rows and runs the whole time loop for them without synchronisation. Per row and step:
 * <ol>
 *   <li>spike pass: {@code S = Θ(U − θ)}, written to the output, to the tape (U, I as float32,
 *       S as bits) and to a list of active neurons;</li>
 *   <li>recurrent input, event driven: {@code h += V[k, :]} for each neuron k that spiked, in ascending k
 *       (exactly {@code S·V} for binary spikes, {@code s_k·V[k, :]} for non-zero smooth spikes; without a
 *       mask, four rows of 1 per pass, {@code (((h + v0) + v1) + v2) + v3}, the same bits as one row at a time);</li>
 *   <li>update pass: {@code I ← β_syn·I + h}, {@code U ← (β_mem·U + (1 − β_mem)·I)·(1 − S)}.</li>
 * </ol>
 * Without recurrence (V = null) passes 1 and 3 are one loop: the purely elementwise kernel.
 *
 * <p>Backward mirrors it: per step, {@code dI·Vᵀ} for all batch rows of a worker (its batch chunks run in
 * lockstep over time), event-driven accumulation of {@code dV += Sᵀ·dI} into a per-chunk buffer (visiting
 * only the set spike bits, ascending), and one
 * fused elementwise pass; per-neuron gradients are accumulated per batch chunk ({@link #backwardChunks}: a
 * fixed count, not the core count, so results do not depend on the machine) and summed in chunk order.
 * Every dot of {@code dI·Vᵀ} is summed the same way (lane partial sums by fma, lanes added in order, then
 * the tail), computed as {@link #laneDots} (N ≤ {@value #LANE_DOTS_MAX_N}: 16 dots per vector, no
 * horizontal sums; tinyRSNN's backward 60 → about 30 ms) or in 4×4 register tiles ({@link #matMatTransposed}).
 *
 * <p>Tape: {@code 8·T·B·N} bytes for U and I plus {@code 8·T·B·ceil(N/64)} bytes of spike bits
 * (binary surrogates) or {@code 4·T·B·N} bytes of float spikes (smooth test surrogate).
 */
public final class HostLifKernel implements LifKernel {
    static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    /** Int lanes of the same count as {@link #SP} (null if none): spike lists are written by compressing lane indices. */
    static final VectorSpecies<Integer> ISP = IntVector.SPECIES_PREFERRED.length() == SP.length()
            ? IntVector.SPECIES_PREFERRED : null;
    /** {@code 0, 1, …, L−1} in {@link #ISP}'s lanes, or null. */
    private static final IntVector IOTA = ISP == null ? null : IntVector.zero(ISP).addIndex(1);
    private final Backend be;
    private final boolean transposedDots;

    public HostLifKernel(Backend be) { this(be, true); }

    /**
     * @param transposedDots backward {@code dI·Vᵀ} with the dots' lanes side by side ({@link #laneDots},
     *        the default) or one dot at a time (the earlier layout, kept for the test that pins both to the same bits)
     */
    HostLifKernel(Backend be, boolean transposedDots) {
        this.be = be;
        this.transposedDots = transposedDots;
    }

    @Override public String name() { return "host-fused(" + SP.length() + " lanes)"; }

    static float[] data(Tensor t) {
        if (!(t.storage() instanceof HostStorage h)) {
            throw new IllegalArgumentException("host kernel needs host-memory tensors, got " + t);
        }
        return h.data();
    }

    static int off(Tensor t) { return Math.toIntExact(t.offset()); }

    /** Host copies: U, I per neuron-step; spikes as bits or floats; the recurrent mask by reference (or null). */
    record Tape(float[] bm, float[] bs, float[] th, Tensor v, Tensor mask, int delay, int t, int b, int n,
                float[] u, float[] i, long[] bits, float[] sf) implements LifTape {
        @Override public long retainedBytes() {
            return 4L * u.length + 4L * i.length + (bits == null ? 0 : 8L * bits.length) + (sf == null ? 0 : 4L * sf.length);
        }
        @Override public int steps() { return t; }
        @Override public int batch() { return b; }
        @Override public int neurons() { return n; }
    }

    /** Words of spike bits per batch row. */
    static int words(int n) { return (n + 63) >>> 6; }

    /** Bytes the tape of a {@code [t, b, n]} run retains with a binary surrogate. */
    public static long tapeBytes(int t, int b, int n) {
        long rows = (long) t * b;
        return rows * n * 8L + rows * words(n) * 8L;
    }

    private static int chunks(int batch) {
        return Math.max(1, Math.min(batch, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Widest layer whose backward {@code dI·Vᵀ} runs as {@link #laneDots}; wider ones use
     * {@link #matMatTransposed}, whose per-dot horizontal sum is then a small part of a long dot.
     */
    static final int LANE_DOTS_MAX_N = 256;

    /** Batch chunks of the backward pass, each with its own gradient accumulators. */
    static final int BACKWARD_CHUNKS = 8;
    /** Fewest batch rows per backward chunk: {@code dI·Vᵀ} shares each loaded row of V among four rows. */
    static final int BACKWARD_MIN_ROWS = 4;

    /**
     * The backward pass splits the batch into {@code min(⌈batch/4⌉, 8)} chunks (at least four rows each, so
     * the four-row {@code dI·Vᵀ} is used: a 1024-unit layer at B=8, T=200 takes 67 ms with two 4-row chunks
     * vs 145 ms with eight 1-row chunks on 2 cores, B=16 126 vs 204 ms) whatever the core count and
     * sums their per-neuron and recurrent-weight gradients in chunk order, so gradients (and every
     * result trained with them) are the same bits on 1, 2 or 64 cores; it runs on up to 8 threads.
     */
    static int backwardChunks(int batch) {
        return Math.max(1, Math.min((batch + BACKWARD_MIN_ROWS - 1) / BACKWARD_MIN_ROWS, BACKWARD_CHUNKS));
    }

    // ---- forward ------------------------------------------------------------------------------

    @Override
    public LifForward forward(LifParams p, LifCoeffs c, Tensor h, Tensor v, Tensor mask, LifState s0, boolean keepTape) {
        ReferenceLifKernel.check(c, h, v, mask, s0);
        final int t = h.dim(0), b = h.dim(1), n = h.dim(2), d = p.synapticDelay();
        Tensor spikes = be.zeros(t, b, n);
        LifState last = s0.copy();
        final float[] bm = be.toHost(c.betaMem()), bs = be.toHost(c.betaSyn()), th = be.toHost(c.theta());
        final boolean binary = p.surrogate().binaryForward();
        long total = (long) t * b * n;
        if (keepTape && total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("LIF tape of " + total + " neuron-steps exceeds one Java array; split the sequence");
        }
        final float[] tu = keepTape ? new float[(int) total] : null;
        final float[] ti = keepTape ? new float[(int) total] : null;
        final long[] bits = keepTape && binary ? new long[t * b * words(n)] : null;
        final float[] sf = keepTape && !binary ? new float[(int) total] : null;
        final float[] H = data(h), S = data(spikes), U = data(last.u()), I = data(last.i()), P = data(last.pending());
        final float[] V = v == null ? null : data(v), M = mask == null ? null : data(mask);
        final int ho = off(h), vo = v == null ? 0 : off(v), mo = mask == null ? 0 : off(mask);
        final int nc = chunks(b);
        IntStream.range(0, nc).parallel().forEach(ch -> {
            int b0 = (int) ((long) b * ch / nc), b1 = (int) ((long) b * (ch + 1) / nc);
            int[] active = new int[n + SP.length()];          // room for a whole vector of indices at the end
            if (d == 1 && t > 0) {                               // a pending input enters with c[0]
                for (int r = b0; r < b1; r++) {
                    for (int j = 0; j < n; j++) H[ho + r * n + j] += P[r * n + j];
                }
            }
            for (int k = 0; k < t; k++) {
                for (int r = b0; r < b1; r++) {
                    int row = k * b + r;
                    // the input of this step's update: c[k] (d = 1), c[k − 1] or the initial pending (d = 2)
                    float[] in = d == 2 && k == 0 ? P : H;
                    int inOff = d == 1 ? ho + row * n : k == 0 ? r * n : ho + (row - b) * n;
                    forwardRow(p, binary, bm, bs, th, H, ho + row * n, in, inOff, S, row * n, U, I, r * n, n,
                            V, vo, M, M == null ? 0 : mo + row * n, tu, ti, bits, sf, row, active);
                }
            }
            if (t > 0) {
                for (int r = b0; r < b1; r++) {
                    if (d == 2) System.arraycopy(H, ho + ((t - 1) * b + r) * n, P, r * n, n);
                    else java.util.Arrays.fill(P, r * n, r * n + n, 0f);
                }
            }
        });
        Tape tape = keepTape ? new Tape(bm, bs, th, v, mask, d, t, b, n, tu, ti, bits, sf) : null;
        return new LifForward(spikes, last, tape);
    }

    /**
     * One row of one step: spikes from U, the recurrent input added into this step's slot
     * {@code H[hOff..]}, and the update driven by {@code in[inOff..]} (the same slot for a delay of 1,
     * the previous step's slot or the initial pending for a delay of 2).
     */
    private static void forwardRow(LifParams p, boolean binary, float[] bm, float[] bs, float[] th,
                                   float[] H, int hOff, float[] in, int inOff, float[] S, int sOff, float[] U,
                                   float[] I, int st, int n, float[] V, int vo, float[] M, int mOff,
                                   float[] tu, float[] ti, long[] bits, float[] sf, int row, int[] active) {
        if (tu != null) {
            System.arraycopy(U, st, tu, sOff, n);
            System.arraycopy(I, st, ti, sOff, n);
        }
        boolean zero = p.reset() == ResetMode.ZERO;
        if (binary && V == null) {
            elementwiseRow(zero, bm, bs, th, in, inOff, S, sOff, U, I, st, n, bits, row);
            return;
        }
        int na = binary ? spikesBinary(th, S, sOff, U, st, n, bits, row, active)
                : spikesSmooth(p.surrogate(), th, S, sOff, U, st, n, sf, active);
        if (V != null) addRecurrent(H, hOff, S, sOff, M, mOff, V, vo, n, active, na);
        updateRow(zero, bm, bs, th, in, inOff, S, sOff, U, I, st, n);
    }

    /** Spike and update in one pass (no recurrence, binary spikes). */
    private static void elementwiseRow(boolean zero, float[] bm, float[] bs, float[] th, float[] H, int hOff,
                                       float[] S, int sOff, float[] U, float[] I, int st, int n, long[] bits, int row) {
        int bound = SP.loopBound(n);
        FloatVector one = FloatVector.broadcast(SP, 1f);
        for (int j = 0; j < bound; j += SP.length()) {
            FloatVector u = FloatVector.fromArray(SP, U, st + j), i = FloatVector.fromArray(SP, I, st + j);
            FloatVector tv = FloatVector.fromArray(SP, th, j);
            VectorMask<Float> fire = u.sub(tv).compare(VectorOperators.GT, 0f);
            FloatVector.zero(SP).blend(one, fire).intoArray(S, sOff + j);
            if (bits != null) storeBits(bits, row, n, j, fire.toLong());
            FloatVector bmv = FloatVector.fromArray(SP, bm, j);
            FloatVector m = u.mul(bmv).add(i.mul(one.sub(bmv)));
            FloatVector hv = FloatVector.fromArray(SP, H, hOff + j);
            i.mul(FloatVector.fromArray(SP, bs, j)).add(hv).intoArray(I, st + j);
            FloatVector un = zero ? m.blend(0f, fire) : m.sub(tv.blend(0f, fire.not()));
            un.intoArray(U, st + j);
        }
        for (int j = bound; j < n; j++) {
            float s = U[st + j] - th[j] > 0 ? 1f : 0f;
            S[sOff + j] = s;
            if (bits != null && s != 0f) bits[row * words(n) + (j >>> 6)] |= 1L << (j & 63);
            updateScalar(zero, bm[j], bs[j], th[j], U, I, st + j, H[hOff + j], s);
        }
    }

    /**
     * Binary spikes of one row; returns the number of active neurons listed (ascending) in {@code active},
     * which needs room for {@code n + SP.length()} entries (a whole vector of indices is stored per vector of U).
     */
    static int spikesBinary(float[] th, float[] S, int sOff, float[] U, int st, int n, long[] bits, int row,
                                    int[] active) {
        int na = 0, bound = SP.loopBound(n);
        for (int j = 0; j < bound; j += SP.length()) {
            FloatVector u = FloatVector.fromArray(SP, U, st + j);
            VectorMask<Float> fire = u.sub(FloatVector.fromArray(SP, th, j)).compare(VectorOperators.GT, 0f);
            FloatVector.zero(SP).blend(1f, fire).intoArray(S, sOff + j);
            long m = fire.toLong();
            if (IOTA != null) {                                   // branch-free: the firing lanes' indices, ascending
                IOTA.add(j).compress(fire.cast(ISP)).intoArray(active, na);
                na += Long.bitCount(m);
                if (bits != null) storeBits(bits, row, n, j, m);  // ORs in 0 when none fired
            } else if (m != 0) {
                if (bits != null) storeBits(bits, row, n, j, m);
                while (m != 0) {
                    active[na++] = j + Long.numberOfTrailingZeros(m);
                    m &= m - 1;
                }
            }
        }
        for (int j = bound; j < n; j++) {
            float s = U[st + j] - th[j] > 0 ? 1f : 0f;
            S[sOff + j] = s;
            if (s != 0f) {
                if (bits != null) bits[row * words(n) + (j >>> 6)] |= 1L << (j & 63);
                active[na++] = j;
            }
        }
        return na;
    }

    private static int spikesSmooth(Surrogate sur, float[] th, float[] S, int sOff, float[] U, int st, int n,
                                    float[] sf, int[] active) {
        int na = 0;
        for (int j = 0; j < n; j++) {
            float s = sur.spike(U[st + j] - th[j]);
            S[sOff + j] = s;
            if (sf != null) sf[sOff + j] = s;
            if (s != 0f) active[na++] = j;
        }
        return na;
    }

    /** Event-driven recurrent input: {@code h += m_k·s_k·V[k, :]} for the active neurons k (m = 1 without a mask). */
    static void addRecurrent(float[] H, int hOff, float[] S, int sOff, float[] M, int mOff, float[] V, int vo,
                                     int n, int[] active, int na) {
        int bound = SP.loopBound(n);
        int q = 0;
        if (M == null) {                                         // binary spikes, no mask: four rows of 1 per pass
            for (; q + 4 <= na && S[sOff + active[q]] == 1f && S[sOff + active[q + 1]] == 1f
                    && S[sOff + active[q + 2]] == 1f && S[sOff + active[q + 3]] == 1f; q += 4) {
                int v0 = vo + active[q] * n, v1 = vo + active[q + 1] * n;
                int v2 = vo + active[q + 2] * n, v3 = vo + active[q + 3] * n, j = 0;
                for (; j < bound; j += SP.length()) {          // (((h + v0) + v1) + v2) + v3: the one-row order
                    FloatVector.fromArray(SP, H, hOff + j).add(FloatVector.fromArray(SP, V, v0 + j))
                            .add(FloatVector.fromArray(SP, V, v1 + j)).add(FloatVector.fromArray(SP, V, v2 + j))
                            .add(FloatVector.fromArray(SP, V, v3 + j)).intoArray(H, hOff + j);
                }
                for (; j < n; j++) H[hOff + j] = (((H[hOff + j] + V[v0 + j]) + V[v1 + j]) + V[v2 + j]) + V[v3 + j];
            }
        }
        for (; q < na; q++) {
            int k = active[q];
            float w = M == null ? S[sOff + k] : S[sOff + k] * M[mOff + k];
            if (w == 0f) continue;
            int vr = vo + k * n;
            int j = 0;
            if (w == 1f) {
                for (; j < bound; j += SP.length()) {
                    FloatVector.fromArray(SP, H, hOff + j).add(FloatVector.fromArray(SP, V, vr + j)).intoArray(H, hOff + j);
                }
                for (; j < n; j++) H[hOff + j] += V[vr + j];
            } else {
                FloatVector wv = FloatVector.broadcast(SP, w);
                for (; j < bound; j += SP.length()) {
                    FloatVector.fromArray(SP, V, vr + j).fma(wv, FloatVector.fromArray(SP, H, hOff + j)).intoArray(H, hOff + j);
                }
                for (; j < n; j++) H[hOff + j] += w * V[vr + j];
            }
        }
    }

    private static void updateRow(boolean zero, float[] bm, float[] bs, float[] th, float[] H, int hOff,
                                  float[] S, int sOff, float[] U, float[] I, int st, int n) {
        int bound = SP.loopBound(n);
        FloatVector one = FloatVector.broadcast(SP, 1f);
        for (int j = 0; j < bound; j += SP.length()) {
            FloatVector u = FloatVector.fromArray(SP, U, st + j), i = FloatVector.fromArray(SP, I, st + j);
            FloatVector s = FloatVector.fromArray(SP, S, sOff + j);
            FloatVector bmv = FloatVector.fromArray(SP, bm, j);
            FloatVector m = u.mul(bmv).add(i.mul(one.sub(bmv)));
            i.mul(FloatVector.fromArray(SP, bs, j)).add(FloatVector.fromArray(SP, H, hOff + j)).intoArray(I, st + j);
            FloatVector un = zero ? m.mul(one.sub(s)) : m.sub(FloatVector.fromArray(SP, th, j).mul(s));
            un.intoArray(U, st + j);
        }
        for (int j = bound; j < n; j++) updateScalar(zero, bm[j], bs[j], th[j], U, I, st + j, H[hOff + j], S[sOff + j]);
    }

    private static void updateScalar(boolean zero, float bm, float bs, float th, float[] U, float[] I, int at,
                                     float h, float s) {
        float u = U[at], i = I[at];
        float m = u * bm + i * (1f - bm);
        I[at] = i * bs + h;
        U[at] = zero ? m * (1f - s) : m - th * s;
    }

    private static void storeBits(long[] bits, int row, int n, int j, long laneBits) {
        bits[row * words(n) + (j >>> 6)] |= laneBits << (j & 63);
    }

    private static VectorMask<Float> loadBits(long[] bits, int row, int n, int j) {
        long w = bits[row * words(n) + (j >>> 6)] >>> (j & 63);
        return VectorMask.fromLong(SP, w);
    }

    private static float bit(long[] bits, int row, int n, int j) {
        return (bits[row * words(n) + (j >>> 6)] >>> (j & 63) & 1L) != 0 ? 1f : 0f;
    }

    // ---- backward -----------------------------------------------------------------------------

    /** Per-thread accumulators. */
    private static final class Acc {
        final float[] gbm, gbs, gth, gv;
        Acc(int n, boolean rec) {
            gbm = new float[n]; gbs = new float[n]; gth = new float[n];
            gv = rec ? new float[n * n] : null;
        }
    }

    @Override
    public LifGrads backward(LifParams p, LifTape lifTape, Tensor gradSpikes, LifState gradLast) {
        if (!(lifTape instanceof Tape tape)) {
            throw new IllegalArgumentException("host kernel got a tape from another kernel: " + lifTape);
        }
        final int t = tape.t(), b = tape.b(), n = tape.n(), d = tape.delay();
        if (gradSpikes != null) gradSpikes.requireShape("LIF backward gradSpikes", t, b, n);
        Tensor gH = be.zeros(t, b, n);
        final float[] GH = data(gH);
        final float[] GS = gradSpikes == null ? null : data(gradSpikes);
        final int gso = gradSpikes == null ? 0 : off(gradSpikes);
        final float[] V = tape.v() == null ? null : data(tape.v());
        final int vo = tape.v() == null ? 0 : off(tape.v());
        final float[] M = tape.mask() == null ? null : data(tape.mask());
        final int mo = tape.mask() == null ? 0 : off(tape.mask());
        LifState g0 = LifState.zeros(be, b, n);
        final float[] dU = data(g0.u()), dI = data(g0.i()), dP = data(g0.pending());
        if (gradLast != null) {
            be.toHost(gradLast.u(), dU, 0);
            be.toHost(gradLast.i(), dI, 0);
            if (d == 2 && t > 0) be.toHost(gradLast.pending(), GH, (t - 1) * b * n);   // dL/dc[T−1]
        }
        final int nc = backwardChunks(b);
        List<Acc> accs = new ArrayList<>();
        for (int ch = 0; ch < nc; ch++) accs.add(new Acc(n, V != null));
        // Vᵀ for the lane-transposed dI·Vᵀ (VT[j·n + k] = V[k·n + j]); null: per-row dots (legacy layout)
        final float[] VT = V != null && transposedDots && n >= SP.length() && n <= LANE_DOTS_MAX_N ? transpose(V, vo, n) : null;
        final int groups = Math.min(nc, Math.max(1, Runtime.getRuntime().availableProcessors()));
        IntStream.range(0, groups).parallel().forEach(g -> {
            // this worker's chunks g, g + groups, …, run in lockstep over time: each chunk keeps its own
            // accumulators and row order, so the arithmetic per chunk is that of one chunk alone
            int cnt = (nc - g + groups - 1) / groups;
            int[] cb0 = new int[cnt], cb1 = new int[cnt];
            int rows = 0;
            for (int q = 0; q < cnt; q++) {
                int ch = g + q * groups;
                cb0[q] = (int) ((long) b * ch / nc);
                cb1[q] = (int) ((long) b * (ch + 1) / nc);
                rows += cb1[q] - cb0[q];
            }
            int[] rowIdx = new int[rows], rowOff = new int[rows];
            for (int q = 0, at = 0; q < cnt; q++) {
                for (int r = cb0[q]; r < cb1[q]; r++, at++) { rowIdx[at] = r; rowOff[at] = at * n; }
            }
            float[] dS = new float[rows * n], lanes = new float[SP.length()];
            float[] rec = M == null ? null : new float[rows * n];
            for (int k = t - 1; k >= 0; k--) {
                // dL/dc[k]: dI = dL/dI[k+1] for a delay of 1; for 2 the slot written one step later
                float[] gc = d == 1 ? dI : GH;
                int gcBase = d == 1 ? 0 : k * b * n;
                for (int q = 0; q < rows; q++) {                 // dS = gS (+ m ⊙ dc·Vᵀ below)
                    int r = rowIdx[q], d0 = rowOff[q];
                    if (GS != null) System.arraycopy(GS, gso + (k * b + r) * n, dS, d0, n);
                    else java.util.Arrays.fill(dS, d0, d0 + n, 0f);
                }
                if (V != null) {
                    float[] target = M == null ? dS : rec;
                    if (M != null) java.util.Arrays.fill(rec, 0f);
                    if (VT != null) laneDots(gc, gcBase, rowIdx, rowOff, rows, VT, V, vo, n, target, lanes);
                    else matMatTransposed(gc, gcBase, rowIdx, rowOff, rows, V, vo, n, 0, n, target, lanes);
                    if (M != null) {
                        for (int q = 0; q < rows; q++) {
                            int d0 = rowOff[q], m0 = mo + (k * b + rowIdx[q]) * n;
                            for (int j = 0; j < n; j++) dS[d0 + j] += rec[d0 + j] * M[m0 + j];
                        }
                    }
                }
                for (int q = 0, at = 0; q < cnt; q++) {
                    Acc acc = accs.get(g + q * groups);
                    for (int r = cb0[q]; r < cb1[q]; r++, at++) {
                        int row = k * b + r;
                        float[] gIn = d == 1 || k > 0 ? GH : dP;  // where dL/dc[k + 1 − d] goes
                        int gInOff = d == 1 ? row * n : k > 0 ? (row - b) * n : r * n;
                        backwardRow(p, tape, row, r * n, n, dU, dI, dS, rowOff[at], gIn, gInOff,
                                gc, gcBase + r * n, V, M, M == null ? 0 : mo + row * n, acc);
                    }
                }
            }
            if (d == 1 && t > 0) {                               // the initial pending was added to c[0]
                for (int q = 0; q < rows; q++) {
                    int r = rowIdx[q];
                    System.arraycopy(GH, r * n, dP, r * n, n);
                }
            }
        });
        Acc tot = accs.get(0);
        for (int ch = 1; ch < nc; ch++) {
            Acc a = accs.get(ch);
            addInto(tot.gbm, a.gbm); addInto(tot.gbs, a.gbs); addInto(tot.gth, a.gth);
            if (tot.gv != null) addInto(tot.gv, a.gv);
        }
        Tensor gV = V == null ? null : be.fromHost(tot.gv, n, n);
        return new LifGrads(gH, gV, be.fromHost(tot.gbm, n), be.fromHost(tot.gbs, n), be.fromHost(tot.gth, n), g0);
    }

    private static void addInto(float[] dst, float[] src) {
        int j = 0, bound = SP.loopBound(dst.length);
        for (; j < bound; j += SP.length()) {
            FloatVector.fromArray(SP, dst, j).add(FloatVector.fromArray(SP, src, j)).intoArray(dst, j);
        }
        for (; j < dst.length; j++) dst[j] += src[j];
    }

    /**
     * One row of one step; {@code dS[dso, dso + n)} holds gS + m ⊙ dc·Vᵀ of this row already. Writes
     * dL/dI[k+1] to {@code gIn[gInOff..]} (the gradient of the input this step's update consumed) and
     * adds {@code (m ⊙ S)ᵀ·dc} to dV with dc read from {@code gc[gcOff..]}.
     */
    private static void backwardRow(LifParams p, Tape tp, int row, int st, int n, float[] dU, float[] dI,
                                    float[] dS, int dso, float[] gIn, int gInOff, float[] gc, int gcOff,
                                    float[] V, float[] M, int mOff, Acc acc) {
        final int ro = row * n;
        final int bound = SP.loopBound(n);
        if (V != null) accumulateGradV(tp.bits(), tp.sf(), row, ro, n, M, mOff, gc, gcOff, acc.gv);
        System.arraycopy(dI, st, gIn, gInOff, n);               // dL/dc[k + 1 − d] = dL/dI[k+1]
        final boolean zero = p.reset() == ResetMode.ZERO, detach = p.detachReset();
        final Surrogate sur = p.surrogate();
        final float[] bm = tp.bm(), bs = tp.bs(), th = tp.th(), tu = tp.u(), ti = tp.i();
        FloatVector one = FloatVector.broadcast(SP, 1f);
        int j = 0;
        for (; j < bound; j += SP.length()) {
            FloatVector u = FloatVector.fromArray(SP, tu, ro + j), i = FloatVector.fromArray(SP, ti, ro + j);
            FloatVector s = tp.bits() != null
                    ? FloatVector.zero(SP).blend(one, loadBits(tp.bits(), row, n, j))
                    : FloatVector.fromArray(SP, tp.sf(), ro + j);
            FloatVector du = FloatVector.fromArray(SP, dU, st + j), di = FloatVector.fromArray(SP, dI, st + j);
            FloatVector ds = FloatVector.fromArray(SP, dS, dso + j);
            FloatVector bmv = FloatVector.fromArray(SP, bm, j), tv = FloatVector.fromArray(SP, th, j);
            FloatVector obm = one.sub(bmv);
            FloatVector dm, gth = FloatVector.fromArray(SP, acc.gth, j);
            if (zero) {
                dm = du.mul(one.sub(s));
                if (!detach) ds = ds.sub(du.mul(u.mul(bmv).add(i.mul(obm))));
            } else {
                dm = du;
                if (!detach) ds = ds.sub(tv.mul(du));
                gth = gth.sub(du.mul(s));
            }
            FloatVector da = ds.mul(surrogateGrad(sur, u.sub(tv)));
            gth.sub(da).intoArray(acc.gth, j);
            FloatVector.fromArray(SP, acc.gbm, j).add(dm.mul(u.sub(i))).intoArray(acc.gbm, j);
            FloatVector.fromArray(SP, acc.gbs, j).add(di.mul(i)).intoArray(acc.gbs, j);
            dm.mul(bmv).add(da).intoArray(dU, st + j);
            di.mul(FloatVector.fromArray(SP, bs, j)).add(obm.mul(dm)).intoArray(dI, st + j);
        }
        for (; j < n; j++) {
            float u = tu[ro + j], i = ti[ro + j];
            float s = tp.bits() != null ? bit(tp.bits(), row, n, j) : tp.sf()[ro + j];
            float du = dU[st + j], di = dI[st + j], ds = dS[dso + j];
            float obm = 1f - bm[j];
            float dm;
            if (zero) {
                dm = du * (1f - s);
                if (!detach) ds -= du * (u * bm[j] + i * obm);
            } else {
                dm = du;
                if (!detach) ds -= th[j] * du;
                acc.gth[j] -= du * s;
            }
            float da = ds * sur.grad(u - th[j]);
            acc.gth[j] -= da;
            acc.gbm[j] += dm * (u - i);
            acc.gbs[j] += di * i;
            dU[st + j] = dm * bm[j] + da;
            dI[st + j] = di * bs[j] + obm * dm;
        }
    }

    /** {@code Vᵀ} of the {@code n×n} matrix at {@code V[vo..]}: {@code VT[j·n + k] = V[k·n + j]}. */
    static float[] transpose(float[] V, int vo, int n) {
        float[] vt = new float[n * n];
        final int tile = 32;
        for (int k0 = 0; k0 < n; k0 += tile) {
            for (int j0 = 0; j0 < n; j0 += tile) {
                int k1 = Math.min(n, k0 + tile), j1 = Math.min(n, j0 + tile);
                for (int k = k0; k < k1; k++) {
                    for (int j = j0; j < j1; j++) vt[j * n + k] = V[vo + k * n + j];
                }
            }
        }
        return vt;
    }

    /**
     * {@code dS[off_q + k] += Σ_j dI[base + r_q·n + j]·V[k, j]} for the listed rows, the same bits as
     * {@link #matMatTransposed} with the work laid out the other way round: there, one dot is a
     * vector of partial sums (lane l sums {@code j ≡ l mod L} by fma, ascending) whose L lanes are then
     * added one by one from +0, then the scalar tail {@code j ≥ loopBound(n)} as {@code sum + dI·V}.
     * Here a vector holds L dots (columns {@code k..k+L−1}, read from {@code Vᵀ}); lane l's fma chain is
     * one register, and the lane sums are vector adds in the same order, so no horizontal sum
     * (16 dependent scalar adds per dot) remains. Columns past the last full vector go through
     * {@link #matMatTransposed}. Four rows share each load of {@code Vᵀ}. For 64 ≤ N < 80 (tinyRSNN) the
     * four chunks per lane are written out (same operations in the same order): tinyRSNN's backward
     * 8–16 % faster than with the loop of four iterations (results/bench/rsnn-speed.md, session 11).
     */
    static void laneDots(float[] dI, int base, int[] rowIdx, int[] rowOff, int rows, float[] VT, float[] V, int vo, int n,
                         float[] dS, float[] lanes) {
        final int L = SP.length(), bound = SP.loopBound(n), chunks = bound / L;
        for (int kb = 0; kb < bound; kb += L) {
            int q = 0;
            for (; q + 4 <= rows; q += 4) {
                int s0 = base + rowIdx[q] * n, s1 = base + rowIdx[q + 1] * n;
                int s2 = base + rowIdx[q + 2] * n, s3 = base + rowIdx[q + 3] * n;
                FloatVector z = FloatVector.zero(SP), t0 = z, t1 = z, t2 = z, t3 = z;
                if (chunks == 4) {                               // N = 64..79: the four chunks unrolled, same order
                    for (int l = 0; l < L; l++) {
                        int j0 = l, j1 = l + L, j2 = l + 2 * L, j3 = l + 3 * L;
                        FloatVector v0 = FloatVector.fromArray(SP, VT, j0 * n + kb), v1 = FloatVector.fromArray(SP, VT, j1 * n + kb);
                        FloatVector v2 = FloatVector.fromArray(SP, VT, j2 * n + kb), v3 = FloatVector.fromArray(SP, VT, j3 * n + kb);
                        FloatVector a0 = FloatVector.broadcast(SP, dI[s0 + j0]).fma(v0, z);
                        FloatVector a1 = FloatVector.broadcast(SP, dI[s1 + j0]).fma(v0, z);
                        FloatVector a2 = FloatVector.broadcast(SP, dI[s2 + j0]).fma(v0, z);
                        FloatVector a3 = FloatVector.broadcast(SP, dI[s3 + j0]).fma(v0, z);
                        a0 = FloatVector.broadcast(SP, dI[s0 + j1]).fma(v1, a0);
                        a1 = FloatVector.broadcast(SP, dI[s1 + j1]).fma(v1, a1);
                        a2 = FloatVector.broadcast(SP, dI[s2 + j1]).fma(v1, a2);
                        a3 = FloatVector.broadcast(SP, dI[s3 + j1]).fma(v1, a3);
                        a0 = FloatVector.broadcast(SP, dI[s0 + j2]).fma(v2, a0);
                        a1 = FloatVector.broadcast(SP, dI[s1 + j2]).fma(v2, a1);
                        a2 = FloatVector.broadcast(SP, dI[s2 + j2]).fma(v2, a2);
                        a3 = FloatVector.broadcast(SP, dI[s3 + j2]).fma(v2, a3);
                        a0 = FloatVector.broadcast(SP, dI[s0 + j3]).fma(v3, a0);
                        a1 = FloatVector.broadcast(SP, dI[s1 + j3]).fma(v3, a1);
                        a2 = FloatVector.broadcast(SP, dI[s2 + j3]).fma(v3, a2);
                        a3 = FloatVector.broadcast(SP, dI[s3 + j3]).fma(v3, a3);
                        t0 = t0.add(a0); t1 = t1.add(a1); t2 = t2.add(a2); t3 = t3.add(a3);
                    }
                } else for (int l = 0; l < L; l++) {
                    FloatVector a0 = z, a1 = z, a2 = z, a3 = z;
                    for (int c = 0, j = l; c < chunks; c++, j += L) {
                        FloatVector vv = FloatVector.fromArray(SP, VT, j * n + kb);
                        a0 = FloatVector.broadcast(SP, dI[s0 + j]).fma(vv, a0);
                        a1 = FloatVector.broadcast(SP, dI[s1 + j]).fma(vv, a1);
                        a2 = FloatVector.broadcast(SP, dI[s2 + j]).fma(vv, a2);
                        a3 = FloatVector.broadcast(SP, dI[s3 + j]).fma(vv, a3);
                    }
                    t0 = t0.add(a0); t1 = t1.add(a1); t2 = t2.add(a2); t3 = t3.add(a3);
                }
                for (int j = bound; j < n; j++) {              // scalar tail: sum + dI·V, not fused
                    FloatVector vv = FloatVector.fromArray(SP, VT, j * n + kb);
                    t0 = t0.add(vv.mul(dI[s0 + j])); t1 = t1.add(vv.mul(dI[s1 + j]));
                    t2 = t2.add(vv.mul(dI[s2 + j])); t3 = t3.add(vv.mul(dI[s3 + j]));
                }
                addInto(dS, rowOff[q] + kb, t0); addInto(dS, rowOff[q + 1] + kb, t1);
                addInto(dS, rowOff[q + 2] + kb, t2); addInto(dS, rowOff[q + 3] + kb, t3);
            }
            for (; q < rows; q++) {
                int s0 = base + rowIdx[q] * n;
                FloatVector z = FloatVector.zero(SP), t0 = z;
                for (int l = 0; l < L; l++) {
                    FloatVector a0 = z;
                    for (int c = 0, j = l; c < chunks; c++, j += L) {
                        a0 = FloatVector.broadcast(SP, dI[s0 + j]).fma(FloatVector.fromArray(SP, VT, j * n + kb), a0);
                    }
                    t0 = t0.add(a0);
                }
                for (int j = bound; j < n; j++) t0 = t0.add(FloatVector.fromArray(SP, VT, j * n + kb).mul(dI[s0 + j]));
                addInto(dS, rowOff[q] + kb, t0);
            }
        }
        if (bound < n) {                                         // the last n mod L columns: one dot at a time
            matMatTransposed(dI, base, rowIdx, rowOff, rows, V, vo, n, bound, n, dS, lanes);
        }
    }

    private static void addInto(float[] dst, int at, FloatVector v) {
        FloatVector.fromArray(SP, dst, at).add(v).intoArray(dst, at);
    }

    /**
     * {@code dS[off_q + k] += Σ_j dI[base + r_q·n + j]·V[k, j]} for the listed rows q (r_q, off_q from
     * {@code rowIdx}, {@code rowOff}) and columns {@code k0 ≤ k < k1}: the rows' {@code dI·Vᵀ} one dot at a
     * time, in register tiles of 4 rows × 4 columns (each loaded vector of V and of dI used four times;
     * the rows of V of a tile stay in L1 while it visits every listed row). Every dot is a
     * vector of fma partial sums over j whose lanes are then added in a fixed order, then the scalar
     * tail: bit-identical to row-by-row mat-vecs.
     */
    static void matMatTransposed(float[] dI, int base, int[] rowIdx, int[] rowOff, int rows, float[] V, int vo, int n,
                                 int k0, int k1, float[] dS, float[] lanes) {
        int bound = SP.loopBound(n);
        int k = k0;
        for (; k + 4 <= k1 && rows >= 4; k += 4) {               // tiles of 4 rows × 4 columns: 8 loads per 16 fma
            int w0 = vo + k * n, w1 = w0 + n, w2 = w1 + n, w3 = w2 + n;
            int q = 0;
            for (; q + 4 <= rows; q += 4) {
                int s0 = base + rowIdx[q] * n, s1 = base + rowIdx[q + 1] * n;
                int s2 = base + rowIdx[q + 2] * n, s3 = base + rowIdx[q + 3] * n;
                FloatVector z = FloatVector.zero(SP);
                FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
                FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
                int j = 0;
                for (; j < bound; j += SP.length()) {
                    FloatVector v0 = FloatVector.fromArray(SP, V, w0 + j), v1 = FloatVector.fromArray(SP, V, w1 + j);
                    FloatVector v2 = FloatVector.fromArray(SP, V, w2 + j), v3 = FloatVector.fromArray(SP, V, w3 + j);
                    FloatVector d = FloatVector.fromArray(SP, dI, s0 + j);
                    a00 = d.fma(v0, a00); a01 = d.fma(v1, a01); a02 = d.fma(v2, a02); a03 = d.fma(v3, a03);
                    d = FloatVector.fromArray(SP, dI, s1 + j);
                    a10 = d.fma(v0, a10); a11 = d.fma(v1, a11); a12 = d.fma(v2, a12); a13 = d.fma(v3, a13);
                    d = FloatVector.fromArray(SP, dI, s2 + j);
                    a20 = d.fma(v0, a20); a21 = d.fma(v1, a21); a22 = d.fma(v2, a22); a23 = d.fma(v3, a23);
                    d = FloatVector.fromArray(SP, dI, s3 + j);
                    a30 = d.fma(v0, a30); a31 = d.fma(v1, a31); a32 = d.fma(v2, a32); a33 = d.fma(v3, a33);
                }
                int o0 = rowOff[q] + k, o1 = rowOff[q + 1] + k, o2 = rowOff[q + 2] + k, o3 = rowOff[q + 3] + k;
                dS[o0] += finish(a00, lanes, dI, s0, V, w0, j, n); dS[o0 + 1] += finish(a01, lanes, dI, s0, V, w1, j, n);
                dS[o0 + 2] += finish(a02, lanes, dI, s0, V, w2, j, n); dS[o0 + 3] += finish(a03, lanes, dI, s0, V, w3, j, n);
                dS[o1] += finish(a10, lanes, dI, s1, V, w0, j, n); dS[o1 + 1] += finish(a11, lanes, dI, s1, V, w1, j, n);
                dS[o1 + 2] += finish(a12, lanes, dI, s1, V, w2, j, n); dS[o1 + 3] += finish(a13, lanes, dI, s1, V, w3, j, n);
                dS[o2] += finish(a20, lanes, dI, s2, V, w0, j, n); dS[o2 + 1] += finish(a21, lanes, dI, s2, V, w1, j, n);
                dS[o2 + 2] += finish(a22, lanes, dI, s2, V, w2, j, n); dS[o2 + 3] += finish(a23, lanes, dI, s2, V, w3, j, n);
                dS[o3] += finish(a30, lanes, dI, s3, V, w0, j, n); dS[o3 + 1] += finish(a31, lanes, dI, s3, V, w1, j, n);
                dS[o3 + 2] += finish(a32, lanes, dI, s3, V, w2, j, n); dS[o3 + 3] += finish(a33, lanes, dI, s3, V, w3, j, n);
            }
            for (; q < rows; q++) {
                int st = base + rowIdx[q] * n;
                for (int kk = k; kk < k + 4; kk++) {
                    int vr = vo + kk * n;
                    FloatVector accv = FloatVector.zero(SP);
                    int j = 0;
                    for (; j < bound; j += SP.length()) {
                        accv = FloatVector.fromArray(SP, dI, st + j).fma(FloatVector.fromArray(SP, V, vr + j), accv);
                    }
                    dS[rowOff[q] + kk] += finish(accv, lanes, dI, st, V, vr, j, n);
                }
            }
        }
        for (; k < k1; k++) {
            int vr = vo + k * n;
            int q = 0;
            for (; q + 4 <= rows; q += 4) {                      // four rows share each load of V
                int s0 = base + rowIdx[q] * n, s1 = base + rowIdx[q + 1] * n;
                int s2 = base + rowIdx[q + 2] * n, s3 = base + rowIdx[q + 3] * n;
                FloatVector a0 = FloatVector.zero(SP), a1 = a0, a2 = a0, a3 = a0;
                int j = 0;
                for (; j < bound; j += SP.length()) {
                    FloatVector vv = FloatVector.fromArray(SP, V, vr + j);
                    a0 = FloatVector.fromArray(SP, dI, s0 + j).fma(vv, a0);
                    a1 = FloatVector.fromArray(SP, dI, s1 + j).fma(vv, a1);
                    a2 = FloatVector.fromArray(SP, dI, s2 + j).fma(vv, a2);
                    a3 = FloatVector.fromArray(SP, dI, s3 + j).fma(vv, a3);
                }
                dS[rowOff[q] + k] += finish(a0, lanes, dI, s0, V, vr, j, n);
                dS[rowOff[q + 1] + k] += finish(a1, lanes, dI, s1, V, vr, j, n);
                dS[rowOff[q + 2] + k] += finish(a2, lanes, dI, s2, V, vr, j, n);
                dS[rowOff[q + 3] + k] += finish(a3, lanes, dI, s3, V, vr, j, n);
            }
            for (; q < rows; q++) {
                int st = base + rowIdx[q] * n;
                FloatVector accv = FloatVector.zero(SP);
                int j = 0;
                for (; j < bound; j += SP.length()) {
                    accv = FloatVector.fromArray(SP, dI, st + j).fma(FloatVector.fromArray(SP, V, vr + j), accv);
                }
                // lanes summed in a fixed order: reduceLanes(ADD) reorders once C2 compiles it, which
                // made training results depend on JIT timing
                accv.intoArray(lanes, 0);
                float sum = 0f;
                for (float l : lanes) sum += l;
                for (; j < n; j++) sum += dI[st + j] * V[vr + j];
                dS[rowOff[q] + k] += sum;
            }
        }
    }

    /** The dot's lanes summed in order, then its scalar tail from {@code j}: the same arithmetic as the one-row loop. */
    private static float finish(FloatVector acc, float[] lanes, float[] dI, int st, float[] V, int vr, int j, int n) {
        acc.intoArray(lanes, 0);
        float sum = 0f;
        for (float l : lanes) sum += l;
        for (; j < n; j++) sum += dI[st + j] * V[vr + j];
        return sum;
    }

    /**
     * {@code dV[k, :] += m_k·S_k·dc} for the neurons k that spiked in this row and step, in ascending k.
     * With spike bits only the set bits are visited (a word at a time, lowest bit first): the same rows
     * in the same order as testing every k, so the same bits; a masked-out spike ({@code m_k = 0}) adds nothing.
     */
    static void accumulateGradV(long[] bits, float[] sf, int row, int ro, int n, float[] M, int mOff, float[] dI,
                                int st, float[] gv) {
        if (bits == null) {
            for (int k = 0; k < n; k++) {
                float s = sf[ro + k];
                if (M != null) s *= M[mOff + k];
                if (s != 0f) addScaledRow(gv, k * n, s, dI, st, n);
            }
            return;
        }
        int w0 = row * words(n), nw = words(n);
        for (int w = 0; w < nw; w++) {
            long m = bits[w0 + w];
            while (m != 0) {
                int k = (w << 6) + Long.numberOfTrailingZeros(m);
                m &= m - 1;
                float s = M == null ? 1f : M[mOff + k];        // 1·m_k = m_k exactly
                if (s == 0f) continue;
                if (s == 1f) addRow(gv, k * n, dI, st, n);
                else addScaledRow(gv, k * n, s, dI, st, n);
            }
        }
    }

    /** {@code g[gr..gr+n) = fma(dI, s, g)} by lanes, then {@code g += s·dI} for the tail. */
    private static void addScaledRow(float[] gv, int gr, float s, float[] dI, int st, int n) {
        int bound = SP.loopBound(n), j = 0;
        FloatVector sv = FloatVector.broadcast(SP, s);
        for (; j < bound; j += SP.length()) {
            FloatVector.fromArray(SP, dI, st + j).fma(sv, FloatVector.fromArray(SP, gv, gr + j)).intoArray(gv, gr + j);
        }
        for (; j < n; j++) gv[gr + j] += s * dI[st + j];
    }

    /** {@link #addScaledRow} for {@code s = 1}: {@code fma(d, 1, g)} and {@code g + 1·d} both round {@code g + d} once. */
    private static void addRow(float[] gv, int gr, float[] dI, int st, int n) {
        int bound = SP.loopBound(n), j = 0;
        for (; j < bound; j += SP.length()) {
            FloatVector.fromArray(SP, dI, st + j).add(FloatVector.fromArray(SP, gv, gr + j)).intoArray(gv, gr + j);
        }
        for (; j < n; j++) gv[gr + j] += dI[st + j];
    }

    /** Vectorised surrogate derivative; same formulas as {@link Surrogate#gradD}. */
    static FloatVector surrogateGrad(Surrogate sur, FloatVector x) {
        float sc = sur.scale();
        return switch (sur.kind()) {
            case SUPERSPIKE -> {
                FloatVector d = x.abs().fma(sc, 1f);
                yield FloatVector.broadcast(SP, 1f).div(d.mul(d));
            }
            case TRIANGLE -> x.abs().fma(-1f / sc, 1f).max(0f);
            // The sigmoid needs exp: the Vector API's EXP changes its last bits once C2 compiles
            // it (JitDeterminismTest), so it goes through the scalar formula like the others.
            case SIGMOID, MULTI_GAUSSIAN, BOXCAR, ATAN -> {
                // scalar per lane (java.lang.Math): same bits in every JIT tier, see VectorKernels.scalarOnly
                float[] lanes = x.toArray();
                for (int l = 0; l < lanes.length; l++) lanes[l] = sur.grad(lanes[l]);
                yield FloatVector.fromArray(SP, lanes, 0);
            }
        };
    }
}
