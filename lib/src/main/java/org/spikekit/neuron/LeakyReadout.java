package org.spikekit.neuron;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Capability;
import org.spikekit.compute.HostStorage;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/**
 * Non-spiking leaky-integrator readout with synaptic current and one or more heads (stork
 * {@code CustomReadoutGroup}, fmi-basel/neural-decoding-RSNN {@code challenge/custom/readout.py}).
 * Per batch row, unit u, step n = 0..T−1, with d = {@link ReadoutParams#synapticDelay()}:
 * <pre>
 *   h_u[n]   = Σ_i S_i[n]·W_iu                                 input current emitted at step n
 *   I_u[n+1] = β_syn,u·I_u[n] + h_u[n + 1 − d]                  h[−1] = pending of the initial state (d = 2)
 *   Y_u[n+1] = β_mem,u·Y_u[n] + (1 − β_mem,u)·I_u[n]          Y_u[0] = y0 (RSNN −0.01)
 *   out_o[n] = (1/H)·Σ_h Y_{h·O+o}[n+1]                        mean over the H heads
 *   β = exp(−Δt/(tau0·softplus(r_u))) per unit, tau0 from the unit's head
 * </pre>
 * The output at step n is the state after the update of step n (stork's readout records the new
 * value), so S[n] first affects out[n+d]: out[n+2] for the RSNN as released (d = 2).
 * Shapes: input {@code [T, B, in]}, output {@code [T, B, O]}. The state carries the input still on its
 * way ({@link ReadoutState#pending()}: h[T−1] for d = 2).
 *
 * <p>Parameters: {@code <name>.w [in, H·O]}, {@code .tauMemRaw}, {@code .tauSynRaw} {@code [H·O]}.
 * Two implementations of the recurrence, selected like {@link LifKernel#forBackend}: a host loop
 * and a reference composed from Backend primitives; both call the update of the readout component
 * {@link ReadoutNeuron} (its float32 form per unit, its primitive {@link ReadoutNeuron#advance}), and
 * {@link #neuron()} is that component with this pass's decays ({@code ReadoutNeuronTest}). The
 * backward passes write the adjoint out themselves ({@code LeakyReadoutTest}: finite differences).
 */
public final class LeakyReadout implements Module {
    private final Backend be;
    private final String name;
    private final int inputs, outputs, units;
    private final ReadoutParams params;
    private final boolean fused;
    private final Parameter w, tauMemRaw, tauSynRaw;
    private final Tensor tauMem0, tauSyn0, headMean;

    public LeakyReadout(Backend be, String name, int inputs, int outputs, ReadoutParams params, long seed) {
        this(be, name, inputs, outputs, params, seed, be.has(Capability.HOST_MEMORY));
    }

    /** @param fused use the host loop (needs a host-memory backend) instead of the primitive reference */
    public LeakyReadout(Backend be, String name, int inputs, int outputs, ReadoutParams params, long seed, boolean fused) {
        if (inputs <= 0 || outputs <= 0) {
            throw new IllegalArgumentException(name + ": inputs and outputs must be > 0, got " + inputs + ", " + outputs);
        }
        this.be = be;
        this.name = name;
        this.inputs = inputs;
        this.outputs = outputs;
        this.params = params;
        this.fused = fused;
        int heads = params.headCount();
        this.units = heads * outputs;
        w = new Parameter(name + ".w", Init.fanInUniform(be, Init.seedFor(seed, name + ".w"), 1f, inputs, units), true);
        Tensor p = be.zeros(units), q = be.zeros(units);
        be.fill(p, params.rawInit());
        be.fill(q, params.rawInit());
        tauMemRaw = new Parameter(name + ".tauMemRaw", p, params.learnTimescales());
        tauSynRaw = new Parameter(name + ".tauSynRaw", q, params.learnTimescales());
        float[] tm = new float[units], ts = new float[units], mean = new float[units * outputs];
        for (int h = 0; h < heads; h++) {
            ReadoutParams.Head hd = params.heads().get(h);
            for (int o = 0; o < outputs; o++) {
                tm[h * outputs + o] = (float) hd.tauMemS();
                ts[h * outputs + o] = (float) hd.tauSynS();
                mean[(h * outputs + o) * outputs + o] = 1f / heads;
            }
        }
        tauMem0 = be.fromHost(tm, units);
        tauSyn0 = be.fromHost(ts, units);
        headMean = be.fromHost(mean, units, outputs);
    }

    @Override
    public List<Parameter> parameters() { return List.of(w, tauMemRaw, tauSynRaw); }

    public int units() { return units; }
    public int outputs() { return outputs; }
    public ReadoutParams params() { return params; }
    public Parameter w() { return w; }
    public Parameter tauMemRaw() { return tauMemRaw; }
    public Parameter tauSynRaw() { return tauSynRaw; }

    /** Decays β_mem = exp(−Δt/τ_mem) per unit from the current parameters (what {@link #forward} uses). */
    public Tensor betaMem() { return Timescales.betas(be, tauMemRaw.value(), tauMem0, params.dtS()); }

    /** Decays β_syn = exp(−Δt/τ_syn) per unit from the current parameters (what {@link #forward} uses). */
    public Tensor betaSyn() { return Timescales.betas(be, tauSynRaw.value(), tauSyn0, params.dtS()); }

    /** The readout component with the decays of the current parameters (what {@link #forward} steps). */
    public ReadoutNeuron neuron() { return new ReadoutNeuron(params, betaMem(), betaSyn()); }

    /** Y = y0, I = 0 for a batch. */
    public ReadoutState initialState(int batch) { return ReadoutState.initial(be, batch, units, params.y0()); }

    public record Output(Tensor y, ReadoutState last, Tape tape) {}

    /** Input (by reference), decays, and the pre-update states Y[n], I[n] {@code [T, B, units]}. */
    public record Tape(Tensor x, Tensor betaMem, Tensor betaSyn, Tensor y, Tensor i) {
        public long retainedBytes() { return 4L * (y.size() + i.size()); }
    }

    public record Grads(Tensor gradInput, ReadoutState gradState0) {}

    public Output forward(Tensor x, ReadoutState s0, boolean keepTape) {
        if (x.rank() != 3 || x.dim(2) != inputs) {
            throw new IllegalArgumentException(name + ": input must be [T, B, " + inputs + "], got " + x);
        }
        int t = x.dim(0), b = x.dim(1);
        s0.y().requireShape(name + " initial state", b, units);
        Tensor bm = betaMem();
        Tensor bs = betaSyn();
        Tensor h = be.zeros(t, b, units);
        if (SparseGemm.sparseOperand(be, x)) SparseGemm.sparseTimesDense(x, w.value(), h, false);   // spikes: same bits
        else be.gemm(false, false, 1f, x, w.value(), 0f, h);
        Tensor yu = be.zeros(t, b, units);
        Tensor ty = keepTape ? be.zeros(t, b, units) : null, ti = keepTape ? be.zeros(t, b, units) : null;
        ReadoutState st = s0.copy();
        recurrence(be, fused, params.synapticDelay(), bm, bs, h, st, yu, ty, ti);
        Tensor out = be.zeros(t, b, outputs);
        if (SparseGemm.applies(be)) SparseGemm.sparseTimesDense(yu, headMean, out, false);   // mean of heads, same bits
        else be.gemm(false, false, 1f, yu, headMean, 0f, out);
        return new Output(out, st, keepTape ? new Tape(x, bm, bs, ty, ti) : null);
    }

    /**
     * The recurrence over the currents emitted per step {@code h [T, B, units]} (h = x·W; with a delay
     * of 1 its first step gains the pending input in place): from the state {@code st}, which it
     * advances to the state after the last step, pending input included; writes Y per step into
     * {@code yu} and, when not null, the pre-update Y, I into {@code ty}, {@code ti}. The host loop
     * ({@code fused}, host-memory backend) or the primitive reference: the fused kernel of
     * {@link ReadoutNeuron#sequence}.
     */
    static void recurrence(Backend be, boolean fused, int delay, Tensor bm, Tensor bs, Tensor h, ReadoutState st,
                           Tensor yu, Tensor ty, Tensor ti) {
        Currents cur = delayed(be, delay, h, st.pending());
        if (fused) forwardHost(be, bm, bs, cur.perStep(), st, yu, ty, ti);
        else forwardReference(be, bm, bs, cur.perStep(), st, yu, ty, ti);
        if (h.dim(0) > 0) {                                      // what is still on its way: h[T−1] (d = 2)
            if (cur.last() != null) be.copy(cur.last(), st.pending());
            else be.fill(st.pending(), 0f);
        }
    }

    /** The current each step's update consumes {@code [T, B, units]}, and h[T−1] still on its way (d = 2; else null). */
    private record Currents(Tensor perStep, Tensor last) {}

    /**
     * {@code h[n] + pending} at n = 0 and {@code h[n]} after (d = 1, in place), or {@code pending, h[0], …,
     * h[T−2]} with h[T−1] left over (d = 2).
     */
    private static Currents delayed(Backend be, int delay, Tensor h, Tensor pending) {
        int t = h.dim(0), b = h.dim(1), units = h.dim(2);
        if (t == 0) return new Currents(h, null);
        if (delay == 1) {
            be.zip(BinaryOp.ADD, h.slice0(0), pending, h.slice0(0));
            return new Currents(h, null);
        }
        Tensor last = be.zeros(b, units);
        be.copy(h.slice0(t - 1), last);
        Tensor hs = be.zeros(t, b, units);
        be.copy(pending, hs.slice0(0));
        if (t > 1) be.copy(h.narrow0(0, t - 1), hs.narrow0(1, t - 1));
        return new Currents(hs, last);
    }

    private static void forwardReference(Backend be, Tensor bm, Tensor bs, Tensor h, ReadoutState st, Tensor yu, Tensor ty,
                                         Tensor ti) {
        int t = h.dim(0), b = h.dim(1), units = h.dim(2);
        Tensor obm = be.zeros(units), tmp = be.zeros(b, units);
        be.affine(bm, -1f, 1f, obm);
        for (int k = 0; k < t; k++) {
            if (ty != null) {
                be.copy(st.y(), ty.slice0(k));
                be.copy(st.i(), ti.slice0(k));
            }
            ReadoutNeuron.advance(be, bm, obm, bs, st.y(), st.i(), h.slice0(k), tmp);
            be.copy(st.y(), yu.slice0(k));
        }
    }

    private static float[] host(Tensor t) { return ((HostStorage) t.storage()).data(); }

    private static void forwardHost(Backend be, Tensor bmT, Tensor bsT, Tensor h, ReadoutState st, Tensor yu, Tensor ty,
                                    Tensor ti) {
        int t = h.dim(0), b = h.dim(1), u = h.dim(2);
        float[] bm = be.toHost(bmT), bs = be.toHost(bsT);
        float[] H = host(h), Y = host(st.y()), I = host(st.i()), YU = host(yu);
        float[] TY = ty == null ? null : host(ty), TI = ti == null ? null : host(ti);
        int ho = (int) h.offset();
        for (int k = 0; k < t; k++) {
            for (int r = 0; r < b; r++) {
                int so = r * u, ro = (k * b + r) * u;
                for (int j = 0; j < u; j++) {
                    float y = Y[so + j], i = I[so + j];
                    if (TY != null) { TY[ro + j] = y; TI[ro + j] = i; }
                    y = ReadoutNeuron.output(bm[j], 1f - bm[j], y, i);       // the component's float32 form
                    I[so + j] = ReadoutNeuron.current(bs[j], i, H[ho + ro + j]);
                    Y[so + j] = y;
                    YU[ro + j] = y;
                }
            }
        }
    }

    /**
     * Backpropagation through time; ADDS parameter gradients into {@link Parameter#grad()}.
     *
     * @param gradY dL/d(out) {@code [T, B, O]}
     * @param gradLast dL/d(final state) or null
     */
    public Grads backward(Tape tape, Tensor gradY, ReadoutState gradLast) {
        if (tape == null) throw new IllegalArgumentException(name + ": backward needs the tape of forward(..., keepTape=true)");
        int t = tape.y().dim(0), b = tape.y().dim(1);
        gradY.requireShape(name + " gradY", t, b, outputs);
        Tensor gyu = be.zeros(t, b, units);
        if (SparseGemm.applies(be)) SparseGemm.timesTransposedShallow(gradY, headMean, gyu);
        else be.gemm(false, true, 1f, gradY, headMean, 0f, gyu);
        Tensor gh = be.zeros(t, b, units);
        Tensor gbm = be.zeros(units), gbs = be.zeros(units);
        ReadoutState d = gradLast == null ? new ReadoutState(be.zeros(b, units), be.zeros(b, units)) : gradLast.copy();
        if (fused) backwardHost(tape, gyu, gh, gbm, gbs, d);
        else backwardReference(tape, gyu, gh, gbm, gbs, d);
        // gh = dL/d(input current of each update); map it back to h[n] = S[n]·W and to the pending input
        Tensor gp = be.zeros(b, units);
        if (t > 0) be.copy(gh.slice0(0), gp);
        if (params.synapticDelay() == 2 && t > 0) {
            Tensor g = be.zeros(t, b, units);
            if (t > 1) be.copy(gh.narrow0(1, t - 1), g.narrow0(0, t - 1));
            if (gradLast != null) be.copy(gradLast.pending(), g.slice0(t - 1));
            gh = g;
        }
        if (SparseGemm.sparseOperand(be, tape.x())) SparseGemm.sparseTransposedTimesDense(tape.x(), gh, w.grad());
        else be.gemm(true, false, 1f, tape.x(), gh, 1f, w.grad());
        Tensor gx = be.zeros(tape.x().shape());
        if (SparseGemm.applies(be) && units <= SparseGemm.GEMM_KC) SparseGemm.timesTransposedShallow(gh, w.value(), gx);
        else be.gemm(false, true, 1f, gh, w.value(), 0f, gx);
        Timescales.backward(be, tauMemRaw.value(), tape.betaMem(), tauMem0, params.dtS(), gbm, tauMemRaw.grad());
        Timescales.backward(be, tauSynRaw.value(), tape.betaSyn(), tauSyn0, params.dtS(), gbs, tauSynRaw.grad());
        return new Grads(gx, new ReadoutState(d.y(), d.i(), gp));
    }

    private void backwardReference(Tape tp, Tensor gyu, Tensor gh, Tensor gbm, Tensor gbs, ReadoutState d) {
        int t = gyu.dim(0), b = gyu.dim(1);
        Tensor obm = be.zeros(units), tmp = be.zeros(b, units), tmp2 = be.zeros(b, units);
        be.affine(tp.betaMem(), -1f, 1f, obm);
        Tensor dY = d.y(), dI = d.i();
        for (int k = t - 1; k >= 0; k--) {
            be.zip(BinaryOp.ADD, dY, gyu.slice0(k), dY);                 // dY = dL/dY[k+1]
            be.copy(dI, gh.slice0(k));                                   // dL/dh[k] = dL/dI[k+1]
            be.zip(BinaryOp.SUB, tp.y().slice0(k), tp.i().slice0(k), tmp);
            be.zip(BinaryOp.MUL, tmp, dY, tmp);
            be.sumRows(tmp, 1f, gbm);
            be.zip(BinaryOp.MUL, dI, tp.i().slice0(k), tmp);
            be.sumRows(tmp, 1f, gbs);
            be.zipRow(BinaryOp.MUL, dI, tp.betaSyn(), tmp);
            be.zipRow(BinaryOp.MUL, dY, obm, tmp2);
            be.zip(BinaryOp.ADD, tmp, tmp2, dI);
            be.zipRow(BinaryOp.MUL, dY, tp.betaMem(), dY);
        }
    }

    private void backwardHost(Tape tp, Tensor gyu, Tensor gh, Tensor gbmT, Tensor gbsT, ReadoutState d) {
        int t = gyu.dim(0), b = gyu.dim(1), u = units;
        float[] bm = be.toHost(tp.betaMem()), bs = be.toHost(tp.betaSyn());
        float[] GY = host(gyu), GH = host(gh), TY = host(tp.y()), TI = host(tp.i());
        float[] dY = host(d.y()), dI = host(d.i());
        float[] gbm = new float[u], gbs = new float[u];
        for (int k = t - 1; k >= 0; k--) {
            for (int r = 0; r < b; r++) {
                int so = r * u, ro = (k * b + r) * u;
                for (int j = 0; j < u; j++) {
                    float dy = dY[so + j] + GY[ro + j], di = dI[so + j];
                    GH[ro + j] = di;
                    gbm[j] += dy * (TY[ro + j] - TI[ro + j]);
                    gbs[j] += di * TI[ro + j];
                    dI[so + j] = di * bs[j] + dy * (1f - bm[j]);
                    dY[so + j] = dy * bm[j];
                }
            }
        }
        be.copy(be.fromHost(gbm, u), gbmT);
        be.copy(be.fromHost(gbs, u), gbsT);
    }
}
