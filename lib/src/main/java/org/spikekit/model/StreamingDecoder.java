package org.spikekit.model;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.spikekit.compute.Backend;
import org.spikekit.neuron.LeakyReadout;
import org.spikekit.neuron.LifCoeffs;
import org.spikekit.neuron.LifNeuron;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.Precision;
import org.spikekit.neuron.ReadoutNeuron;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.RecurrentLifLayer;
import org.spikekit.neuron.ResetMode;
import org.spikekit.neuron.Timescales;

/**
 * Causal, step-by-step ("real-time") inference of a trained {@link Rsnn}: one call per 4-ms bin,
 * one prediction back, state kept between calls.
 *
 * <pre>{@code
 * StreamingDecoder d = StreamingDecoder.of(rsnn);   // snapshot of the weights and decays
 * float[] v = d.step(spikeCountsOfOneBin);          // [outputs], e.g. (v_x, v_y)
 * d.step(in, out);                                  // the same, allocation-free
 * d.reset();                                        // back to the state of a new sequence
 * }</pre>
 *
 * <p>Feeding the bins of a sequence {@code x[T, 1, in]} one by one gives, bit for bit, the
 * predictions of {@code rsnn.predict(x)} (no dropout) on the {@code cpu} backend, including the
 * synaptic delay of every connection (2 steps as the RSNN was released: x[n] reaches the prediction
 * at n+5, see {@link Rsnn}) and the readout start Y[0] = y0. Per step, with the same operation order
 * as the sequence path:
 * <ol>
 *   <li>input current {@code c = x·W} over the non-zero inputs only;</li>
 *   <li>spikes {@code S = Θ(U − θ)} from the membrane before the update (found at the end of the
 *       previous step), recurrent input {@code c += V[k, :]} for each spiking k in ascending order
 *       (the fused kernel's event-driven order);</li>
 *   <li>readout current {@code c_o = S·W_ro} over the spiking neurons only;</li>
 *   <li>elementwise updates of the hidden layer and the readout, driven by this step's c and c_o
 *       (delay 1) or by the previous step's, kept in the decoder (delay 2); prediction = mean of the
 *       heads.</li>
 * </ol>
 *
 * <p><b>Why the sums are bit-identical to the gemms of the sequence path.</b> The {@code cpu}
 * backend's gemm ({@code compute.Sgemm}) accumulates every element of C over k in a fixed order
 * whatever the blocking of M and N: k is cut into {@code ceil(k/256)} equal blocks
 * ({@link #depthBlock}); within a block it runs {@code acc = fma(a_p, b_p, acc)} from +0 in
 * ascending p; C is the first block's sum, then {@code C + acc} for each later block. A zero
 * input adds {@code fma(0, w, acc) = acc} (finite weights), so skipping it changes nothing; an
 * input of exactly 1 adds {@code fma(1, w, acc) = acc + w}. This class reproduces that order with
 * the zeros skipped, which keeps it exact for spike counts other than 0/1 as well. The neuron updates
 * are the LIF component's: {@link LifNeuron#spikeLanes}, {@link LifNeuron#membraneLanes} and
 * {@link LifNeuron#currentLanes} in the vector loop, {@link LifNeuron#fires},
 * {@link LifNeuron#membrane} and {@link LifNeuron#current} with {@link Precision#FP32} in the scalar
 * tail; the readout's are {@link ReadoutNeuron#output(Precision, double, double, double, double)} and
 * {@link ReadoutNeuron#current(Precision, double, double, double)} with {@link Precision#FP32}; they are
 * the float expressions of {@code HostLifKernel} and {@code LeakyReadout}'s host loop (Java never fuses
 * {@code a*b + c} on its own). Per bin the hidden state equals {@link LifNeuron#step} iterated on the
 * current summed in the order above, bit for bit ({@code StreamingDecoderStepTest}). A backend whose
 * gemm sums in another order (nd4j, cuda) gives predictions within float rounding, not bit-equal.
 *
 * <p>Cost per step: the hidden layer sums the rows of the non-zero inputs and of the spiking neurons
 * into one L1-resident buffer, a whole row at a time (four rows of V per pass), then makes one SIMD
 * pass (Vector API) over the neurons for the LIF update, so it grows with (non-zero inputs + spiking
 * neurons) × N rather than (in + N) × N; the readout adds one row of {@code W_ro} per spiking neuron.
 * Summing whole rows matters for bigRSNN (N = 1024, ~33 rows of 4 KB per step): the earlier
 * order (per vector of neurons, all rows in a register) read the rows 64 bytes at a time across ~35
 * streams and took about 3× longer on the same machine (results/bench/rsnn-speed.md); both orders
 * add the same terms per neuron in the same order, so the bits are the same. The next step's spiking
 * neurons are listed without a branch per spike (per vector, the lane indices compressed to the firing
 * lanes): a data-dependent bit loop there cost about a fifth of a bigRSNN step in mispredicted branches.
 *
 * <p>The decoder copies the weights, decays and thresholds at {@link #of} time: later training of
 * the model does not reach it (make a new decoder). No allocation per step in
 * {@link #step(float[], float[])}; not thread-safe (one decoder per stream).
 */
public final class StreamingDecoder {

    /** Depth block of the cpu gemm ({@code Sgemm.KC}); the tests against {@link Rsnn#predict} guard it. */
    static final int GEMM_KC = 256;
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    /** Int lanes of the same count as {@link #SP}: the spike list is written by compressing lane indices. */
    private static final VectorSpecies<Integer> ISP = IntVector.SPECIES_PREFERRED.length() == SP.length()
            ? IntVector.SPECIES_PREFERRED : null;

    private final int inputs, neurons, units, outputs;
    private final ResetMode reset;
    private final boolean blockedInput, hiddenLate, readoutLate;
    private final float y0;
    // parameters (row-major as in the model: W [in, N], V [N(pre), N(post)], W_ro [N, units], mean [units, outputs])
    private final float[] w, v, wro, headMean;
    private final float[] bm, obm, bs, th;        // hidden decays β_mem, 1 − β_mem, β_syn; thresholds
    private final float[] rbm, robm, rbs;         // readout decays
    // state (pend, pendR: the input currents of the last step, consumed by the next one when the delay is 2)
    private final float[] u, i, y, ir, pend, pendR;
    // scratch
    private final float[] h, acc, hr, racc;
    private final int[] inIdx;
    private int[] active, next;
    private int nActive, nNext, lastSpikes;
    private long steps;

    private StreamingDecoder(Rsnn m) {
        Rsnn.Config cfg = m.config();
        Backend be = m.backend();
        RecurrentLifLayer hid = m.hiddenLayer();
        LeakyReadout ro = m.readout();
        LifParams lp = hid.params();
        if (!lp.surrogate().binaryForward()) {
            throw new IllegalArgumentException("StreamingDecoder needs binary spikes in the forward pass, got surrogate "
                    + lp.surrogate());
        }
        if (!hid.recurrent()) throw new IllegalArgumentException("StreamingDecoder expects the recurrent hidden layer of an Rsnn");
        inputs = cfg.inputs();
        neurons = cfg.hidden();
        outputs = cfg.outputs();
        units = ro.units();
        reset = lp.reset();
        hiddenLate = lp.synapticDelay() == 2;
        readoutLate = ro.params().synapticDelay() == 2;
        blockedInput = depthBlock(inputs) < inputs;        // > 256 inputs: h = x·W before the pass
        w = be.toHost(hid.w().value());
        v = be.toHost(hid.v().value());
        wro = be.toHost(ro.w().value());
        // Decays exactly as the sequence forward computes them (same backend ops on the same values).
        LifCoeffs c = hid.coefficients();
        bm = be.toHost(c.betaMem());
        bs = be.toHost(c.betaSyn());
        th = be.toHost(c.theta());
        obm = oneMinus(bm);
        ReadoutParams rp = ro.params();
        float[] tm = new float[units], ts = new float[units];
        headMean = new float[units * outputs];
        int heads = rp.headCount();
        for (int hd = 0; hd < heads; hd++) {
            ReadoutParams.Head head = rp.heads().get(hd);
            for (int o = 0; o < outputs; o++) {
                tm[hd * outputs + o] = (float) head.tauMemS();
                ts[hd * outputs + o] = (float) head.tauSynS();
                headMean[(hd * outputs + o) * outputs + o] = 1f / heads;
            }
        }
        rbm = be.toHost(Timescales.betas(be, ro.tauMemRaw().value(), be.fromHost(tm, units), rp.dtS()));
        rbs = be.toHost(Timescales.betas(be, ro.tauSynRaw().value(), be.fromHost(ts, units), rp.dtS()));
        robm = oneMinus(rbm);
        y0 = rp.y0();
        requireLength("input weights", w, (long) inputs * neurons);
        requireLength("recurrent weights", v, (long) neurons * neurons);
        requireLength("readout weights", wro, (long) neurons * units);
        u = new float[neurons];
        i = new float[neurons];
        y = new float[units];
        ir = new float[units];
        pend = new float[neurons];
        pendR = new float[units];
        h = new float[neurons];
        acc = new float[neurons];
        hr = new float[units];
        racc = new float[units];
        inIdx = new int[inputs];
        active = new int[neurons + SP.length()];          // room for a whole vector of indices at the end
        next = new int[neurons + SP.length()];
        reset();
    }

    /** A decoder for the current weights of {@code model}, in the state of a new sequence. */
    public static StreamingDecoder of(Rsnn model) {
        if (model == null) throw new IllegalArgumentException("StreamingDecoder.of: model is null");
        return new StreamingDecoder(model);
    }

    private static float[] oneMinus(float[] b) {
        float[] o = new float[b.length];
        for (int j = 0; j < b.length; j++) o[j] = 1f - b[j];
        return o;
    }

    private static void requireLength(String what, float[] a, long n) {
        if (a.length != n) throw new IllegalStateException("StreamingDecoder: " + what + " have " + a.length + " values, expected " + n);
    }

    /** Input channels per bin. */
    public int inputs() { return inputs; }

    /** Values per prediction. */
    public int outputs() { return outputs; }

    /** Hidden neurons. */
    public int neurons() { return neurons; }

    /** Steps since construction or the last {@link #reset}. */
    public long steps() { return steps; }

    /** Hidden neurons that spiked in the last step (S[n] of that step); 0 before the first step. */
    public int lastSpikeCount() { return lastSpikes; }

    /**
     * The hidden layer's state after the last step, copied out (for tests): membrane U, current I,
     * and the input current still on its way (delay 2; zeros with delay 1), each {@code [neurons]}.
     */
    void hiddenState(float[] uOut, float[] iOut, float[] pendingOut) {
        System.arraycopy(u, 0, uOut, 0, neurons);
        System.arraycopy(i, 0, iOut, 0, neurons);
        System.arraycopy(pend, 0, pendingOut, 0, neurons);
    }

    /** The neurons that spiked in the last step (S[n]), ascending, copied into {@code dst}; returns their count. */
    int lastSpikes(int[] dst) {
        System.arraycopy(next, 0, dst, 0, lastSpikes);
        return lastSpikes;
    }

    /** Back to the initial state: U = I = 0, readout Y = y0 (−0.01 for the RSNN), I = 0. */
    public void reset() {
        Arrays.fill(u, 0f);
        Arrays.fill(i, 0f);
        Arrays.fill(y, y0);
        Arrays.fill(ir, 0f);
        Arrays.fill(pend, 0f);
        Arrays.fill(pendR, 0f);
        nActive = findSpikes(u, th, neurons, active);   // none unless a threshold is negative
        lastSpikes = 0;
        steps = 0;
    }

    /** One bin: input spike counts {@code [inputs]} → new prediction {@code [outputs]} (a fresh array). */
    public float[] step(float[] in) {
        float[] out = new float[outputs];
        step(in, out);
        return out;
    }

    /**
     * One bin without allocation: reads {@code in [inputs]}, writes the prediction into
     * {@code out [outputs]}.
     */
    public void step(float[] in, float[] out) {
        if (in == null || in.length != inputs) {
            throw new IllegalArgumentException("StreamingDecoder.step: input must have " + inputs + " channels (one bin), got "
                    + (in == null ? "null" : in.length + " values"));
        }
        if (out == null || out.length != outputs) {
            throw new IllegalArgumentException("StreamingDecoder.step: output must have room for " + outputs + " values, got "
                    + (out == null ? "null" : out.length));
        }
        final int n = neurons;
        // 1. non-zero inputs; with more than one gemm depth block, h = x·W first (else summed in the pass)
        int ni = 0;
        for (int p = 0; p < inputs; p++) if (in[p] != 0f) inIdx[ni++] = p;
        if (blockedInput) project(inIdx, in, ni, w, n, inputs, h, acc);
        // 2. readout current S[n]·W_ro over the neurons in active (spiking at this step)
        final int na = nActive;
        project(active, null, na, wro, units, n, hr, racc);
        // 3. one pass over the neurons: input and recurrent currents, LIF update, next step's spikes
        nNext = hiddenPass(in, ni, blockedInput, na);
        lastSpikes = na;
        int[] t = active;
        active = next;
        next = t;
        nActive = nNext;
        // 4. readout update and the mean over heads (Y·M as the gemm sums it)
        for (int j = 0; j < units; j++) {                      // the readout component's update, float32
            float yy = y[j], ii = ir[j];
            float co = readoutLate ? pendR[j] : hr[j];
            y[j] = (float) ReadoutNeuron.output(Precision.FP32, rbm[j], robm[j], yy, ii);
            ir[j] = (float) ReadoutNeuron.current(Precision.FP32, rbs[j], ii, co);
            if (readoutLate) pendR[j] = hr[j];
        }
        for (int o = 0; o < outputs; o++) out[o] = dotColumn(y, headMean, units, outputs, o);
        steps++;
    }

    /**
     * Per neuron j, in vector chunks: {@code h = [Σ_inputs x_p·W[p, j]] + Σ_{k∈active} V[k, j]} (terms
     * in ascending p, then ascending k, as the gemm and the fused kernel add them), S from U before
     * the update, {@code M = β_mem·U + (1 − β_mem)·I}, {@code I ← β_syn·I + c} with c = h (delay 1)
     * or the previous step's h, which h then replaces (delay 2), {@code U ← M·(1 − S)}
     * (or {@code M − θ·S}), and the neurons with new {@code U − θ > 0} appended to {@code next}
     * (ascending). With {@code fromH} the input current is read from {@code h} instead.
     */
    private int hiddenPass(float[] in, int ni, boolean fromH, int na) {
        final int n = neurons, lanes = SP.length(), bound = SP.loopBound(n);
        final int[] act = active, nxt = next, ix = inIdx;
        final float[] W = w, V = v, U = u, I = i, H = h, A = acc, BM = bm, OBM = obm, BS = bs, TH = th, P = pend;
        final ResetMode rm = reset;
        final boolean late = hiddenLate;
        final IntVector iota = ISP == null ? null : IntVector.zero(ISP).addIndex(1);
        // the currents, one whole row of W or V at a time into A (L1-resident): each row is read as one
        // sequential stream, which keeps the loads of the ~30 rows of a bigRSNN step in flight; per
        // neuron the terms are the same, in the same order, as summing all rows in a register
        if (fromH) System.arraycopy(H, 0, A, 0, n);                // start of the sum: h, or +0
        else Arrays.fill(A, 0, n, 0f);
        if (!fromH) {
            for (int q = 0; q < ni; q++) {                        // fma(1, w, h) = h + w exactly
                int p = ix[q], wr = p * n;
                float xv = in[p];
                FloatVector xb = FloatVector.broadcast(SP, xv);
                int j = 0;
                for (; j < bound; j += lanes) {
                    FloatVector.fromArray(SP, W, wr + j).fma(xb, FloatVector.fromArray(SP, A, j)).intoArray(A, j);
                }
                for (; j < n; j++) A[j] = Math.fma(xv, W[wr + j], A[j]);
            }
        }
        int q = 0;
        for (; q + 4 <= na; q += 4) {                             // four rows per pass: ((a + v0) + v1) + v2) + v3
            int v0 = act[q] * n, v1 = act[q + 1] * n, v2 = act[q + 2] * n, v3 = act[q + 3] * n, j = 0;
            for (; j < bound; j += lanes) {
                FloatVector.fromArray(SP, A, j).add(FloatVector.fromArray(SP, V, v0 + j))
                        .add(FloatVector.fromArray(SP, V, v1 + j)).add(FloatVector.fromArray(SP, V, v2 + j))
                        .add(FloatVector.fromArray(SP, V, v3 + j)).intoArray(A, j);
            }
            for (; j < n; j++) A[j] = (((A[j] + V[v0 + j]) + V[v1 + j]) + V[v2 + j]) + V[v3 + j];
        }
        for (; q < na; q++) {
            int vr = act[q] * n, j = 0;
            for (; j < bound; j += lanes) {
                FloatVector.fromArray(SP, A, j).add(FloatVector.fromArray(SP, V, vr + j)).intoArray(A, j);
            }
            for (; j < n; j++) A[j] += V[vr + j];
        }
        int c = 0, j = 0;
        for (; j < bound; j += lanes) {
            FloatVector hv = FloatVector.fromArray(SP, A, j);
            FloatVector uv = FloatVector.fromArray(SP, U, j), iv = FloatVector.fromArray(SP, I, j);
            FloatVector tv = FloatVector.fromArray(SP, TH, j);
            FloatVector s = LifNeuron.spikeLanes(uv, tv);
            FloatVector cin = hv;
            if (late) {
                cin = FloatVector.fromArray(SP, P, j);
                hv.intoArray(P, j);
            }
            FloatVector un = LifNeuron.membraneLanes(rm, FloatVector.fromArray(SP, BM, j), FloatVector.fromArray(SP, OBM, j), tv, uv, iv, s);
            LifNeuron.currentLanes(FloatVector.fromArray(SP, BS, j), iv, cin).intoArray(I, j);
            un.intoArray(U, j);
            VectorMask<Float> fire = LifNeuron.firesLanes(un, tv);
            if (iota != null) {                                   // branch-free: the firing lanes' indices, ascending
                iota.add(j).compress(fire.cast(ISP)).intoArray(nxt, c);
                c += fire.trueCount();
            } else {
                long bits = fire.toLong();
                while (bits != 0) {
                    nxt[c++] = j + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                }
            }
        }
        for (; j < n; j++) {
            float hs = A[j];
            float uu = U[j], ii = I[j], s = LifNeuron.fires(uu, TH[j]) ? 1f : 0f;
            float cin = hs;
            if (late) {
                cin = P[j];
                P[j] = hs;
            }
            float un = (float) LifNeuron.membrane(Precision.FP32, rm, BM[j], OBM[j], TH[j], uu, ii, s);
            I[j] = (float) LifNeuron.current(Precision.FP32, BS[j], ii, cin);
            U[j] = un;
            if (LifNeuron.fires(un, TH[j])) nxt[c++] = j;
        }
        return c;
    }

    // ---- kernels ---------------------------------------------------------------------------------

    /** {@code kc} of the cpu gemm for depth k: k split into ceil(k/256) equal blocks. */
    static int depthBlock(int k) {
        int blocks = (k + GEMM_KC - 1) / GEMM_KC;
        return (k + blocks - 1) / blocks;
    }

    /**
     * {@code dst[j] = Σ_q x[idx[q]]·M[idx[q], j]} over the listed rows (ascending), summed as the cpu
     * gemm sums {@code x·M} with the unlisted rows' x = 0. {@code x == null} means all listed x are 1.
     */
    static void project(int[] idx, float[] x, int cnt, float[] m, int cols, int depth, float[] dst, float[] scratch) {
        Arrays.fill(dst, 0, cols, 0f);
        int kc = depthBlock(depth);
        if (kc >= depth) {
            for (int q = 0; q < cnt; q++) accumulateRow(dst, m, idx[q], x == null ? 1f : x[idx[q]], cols);
            return;
        }
        int q = 0;
        for (int b0 = 0; b0 < depth && q < cnt; b0 += kc) {
            int b1 = Math.min(depth, b0 + kc);
            if (idx[q] >= b1) continue;                       // empty block: C + (+0) = C
            float[] target = b0 == 0 ? dst : scratch;         // the first block's sum is C itself
            if (b0 != 0) Arrays.fill(scratch, 0, cols, 0f);
            for (; q < cnt && idx[q] < b1; q++) accumulateRow(target, m, idx[q], x == null ? 1f : x[idx[q]], cols);
            if (b0 != 0) addRow(dst, scratch, 0, cols);
        }
    }

    private static void accumulateRow(float[] dst, float[] m, int row, float xv, int cols) {
        if (xv == 1f) addRow(dst, m, row * cols, cols);
        else fmaRow(dst, m, row * cols, xv, cols);
    }

    /** {@code dst[j] += m[off + j]} (= fma(1, m, dst)). */
    private static void addRow(float[] dst, float[] m, int off, int n) {
        for (int j = 0; j < n; j++) dst[j] += m[off + j];
    }

    private static void fmaRow(float[] dst, float[] m, int off, float xv, int n) {
        for (int j = 0; j < n; j++) dst[j] = Math.fma(xv, m[off + j], dst[j]);
    }

    /** {@code Σ_u a[u]·M[u, col]} in the cpu gemm's order (full blocks of fma from +0, blocks added). */
    private static float dotColumn(float[] a, float[] m, int depth, int cols, int col) {
        int kc = depthBlock(depth);
        float c = 0f;
        for (int b0 = 0; b0 < depth; b0 += kc) {
            int b1 = Math.min(depth, b0 + kc);
            float s = 0f;
            for (int p = b0; p < b1; p++) s = Math.fma(a[p], m[p * cols + col], s);
            c = b0 == 0 ? s : c + s;
        }
        return c;
    }

    /** Lists (ascending) the neurons with {@code U − θ > 0}; returns their count. */
    private static int findSpikes(float[] u, float[] th, int n, int[] out) {
        int c = 0;
        for (int j = 0; j < n; j++) {
            if (LifNeuron.fires(u[j], th[j])) out[c++] = j;
        }
        return c;
    }
}
