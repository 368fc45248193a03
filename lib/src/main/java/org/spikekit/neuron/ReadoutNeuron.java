package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Capability;
import org.spikekit.compute.Tensor;

/**
 * The non-spiking, current-based leaky-integrator readout (stork {@code CustomReadoutGroup}, the
 * RSNN's readout) as a {@link NeuronModel}: parameters {@link ReadoutParams} with the per-unit decays
 * of one pass, state {@link ReadoutState}, the equations of {@link LeakyReadout}. Per unit, one bin:
 * <pre>
 *   Y ← β_mem·Y + (1 − β_mem)·I        with the current I before this bin's update
 *   I ← β_syn·I + c                    c: this bin's input (delay 1) or the pending one (delay 2)
 * </pre>
 * The readout does not spike: the "spikes" of a {@link NeuronModel.Step} or {@link NeuronModel.Run}
 * are its output, Y after the update, per unit {@code [B, units]} (the mean over heads is the
 * module's, {@link LeakyReadout#forward}).
 *
 * <p>This class holds the one written-out form of the update; the others call it:
 * <ul>
 *   <li>{@link #advance} is the in-place per-step primitive composed from {@link Backend} operations:
 *       {@link LeakyReadout}'s primitive reference path and the benchmark's per-step naive RSNN
 *       iterate it; {@link #step} applies it to copies;</li>
 *   <li>{@link #output(Precision, double, double, double, double)} and
 *       {@link #current(Precision, double, double, double)} are the same update for one unit in a
 *       {@link Precision}: float32 reproduces {@link #advance} bit for bit ({@code model.StreamingDecoder}),
 *       float16 is the authors' {@code model.half()} evaluation ({@code model.HalfRsnn});</li>
 *   <li>{@link #output(float, float, float, float)} and {@link #current(float, float, float)} are the
 *       float32 form in float arithmetic (the same operations, so the same bits), the body of
 *       {@link LeakyReadout}'s host loop, the fused sequence kernel ({@link #sequence}).</li>
 * </ul>
 * Tested in {@code ReadoutNeuronTest} (kernel = step iterated, bit for bit); gradients in
 * {@code LeakyReadoutTest} (finite differences).
 *
 * @param params time constants, y0, synaptic delay
 * @param betaMem per-unit {@code β_mem = exp(−Δt/τ_mem)} of this pass {@code [units]}
 * @param betaSyn per-unit {@code β_syn = exp(−Δt/τ_syn)} of this pass {@code [units]}
 */
public record ReadoutNeuron(ReadoutParams params, Tensor betaMem, Tensor betaSyn)
        implements NeuronModel<ReadoutParams, ReadoutState> {

    public ReadoutNeuron {
        if (params == null) throw new IllegalArgumentException("ReadoutNeuron.params must not be null");
        if (betaMem == null || betaSyn == null) throw new IllegalArgumentException("ReadoutNeuron.betaMem and betaSyn must not be null");
        if (betaMem.rank() != 1 || !betaMem.sameShape(betaSyn)) {
            throw new IllegalArgumentException("ReadoutNeuron: betaMem " + betaMem + " and betaSyn " + betaSyn
                    + " must both be [units]");
        }
    }

    @Override public String name() { return "readout"; }

    /** Units of the readout (heads × outputs). */
    public int units() { return betaMem.sizeInt(); }

    /** Y = y0, I = 0, nothing pending. */
    @Override
    public ReadoutState initState(Backend be, int batch, int neurons) {
        return ReadoutState.initial(be, batch, neurons, params.y0());
    }

    /**
     * One bin: {@code input} is the current emitted in this bin {@code [B, units]} (e.g. {@code S·W});
     * with a delay of 1 the state's pending input is added to it (as the kernel adds an initial
     * pending to the first bin) and the current consumes it; with a delay of 2 the current consumes
     * the pending input and {@code input} becomes pending. Returns Y after the update as the
     * step's "spikes". {@code rec} must be null.
     */
    @Override
    public Step<ReadoutState> step(ReadoutState state, Tensor input, Tensor rec) {
        if (rec != null) throw new IllegalArgumentException("ReadoutNeuron: the readout has no recurrent weights; pass null");
        Backend be = input.backend();
        int b = state.y().dim(0), u = units();
        state.y().requireShape("readout step state", b, u);
        input.requireShape("readout step input", b, u);
        ReadoutState s = state.copy();
        Tensor c = be.zeros(b, u), tmp = be.zeros(b, u), out = be.zeros(b, u);
        be.copy(input, c);
        boolean late = params.synapticDelay() == 2;
        if (!late) be.zip(BinaryOp.ADD, c, state.pending(), c);
        advance(be, betaMem, oneMinusBetaMem(be), betaSyn, s.y(), s.i(), late ? state.pending() : c, tmp);
        if (late) be.copy(c, s.pending()); else be.fill(s.pending(), 0f);
        be.copy(s.y(), out);
        return new Step<>(out, s);
    }

    /**
     * The fused kernel of the input's backend (the host loop on a host-memory backend, else the
     * primitive reference), the recurrence of {@link LeakyReadout#forward} given the currents emitted
     * per bin {@code inputs [T, B, units]}; the run's "spikes" are Y per bin {@code [T, B, units]}.
     */
    @Override
    public Run<ReadoutState> sequence(ReadoutState s0, Tensor inputs, Tensor rec) {
        if (rec != null) throw new IllegalArgumentException("ReadoutNeuron: the readout has no recurrent weights; pass null");
        if (inputs == null || inputs.rank() != 3 || inputs.dim(2) != units()) {
            throw new IllegalArgumentException("ReadoutNeuron: inputs must be [T, B, " + units() + "], got " + inputs);
        }
        Backend be = inputs.backend();
        s0.y().requireShape("readout initial state", inputs.dim(1), units());
        Tensor h = be.zeros(inputs.shape());
        be.copy(inputs, h);                                         // the kernel shifts the delay in h
        Tensor y = be.zeros(inputs.shape());
        ReadoutState st = s0.copy();
        LeakyReadout.recurrence(be, be.has(Capability.HOST_MEMORY), params.synapticDelay(), betaMem, betaSyn, h, st, y, null, null);
        return new Run<>(y, st);
    }

    /** {@code 1 − β_mem} per unit, as every readout path computes it. */
    public Tensor oneMinusBetaMem(Backend be) {
        Tensor o = be.zeros(units());
        be.affine(betaMem, -1f, 1f, o);
        return o;
    }

    /**
     * The update of one bin, in place: {@code Y ← β_mem·Y + (1 − β_mem)·I}, then
     * {@code I ← β_syn·I + in}. {@code in} must not alias {@code i}; {@code tmp} is scratch
     * {@code [B, units]}.
     */
    public static void advance(Backend be, Tensor betaMem, Tensor oneMinusBm, Tensor betaSyn, Tensor y, Tensor i, Tensor in,
                               Tensor tmp) {
        be.zipRow(BinaryOp.MUL, y, betaMem, y);
        be.zipRow(BinaryOp.MUL, i, oneMinusBm, tmp);
        be.zip(BinaryOp.ADD, y, tmp, y);
        be.zipRow(BinaryOp.MUL, i, betaSyn, i);
        be.zip(BinaryOp.ADD, i, in, i);
    }

    /** {@link #advance}'s output update for one unit, every operation rounded by {@code pr}: {@code r(r(β_mem·Y) + r(oneMinusBm·I))}. */
    public static double output(Precision pr, double betaMem, double oneMinusBm, double y, double i) {
        return pr.round(pr.round(betaMem * y) + pr.round(oneMinusBm * i));
    }

    /** {@link #advance}'s current update for one unit: {@code r(r(β_syn·I) + in)}. */
    public static double current(Precision pr, double betaSyn, double i, double in) {
        return pr.round(pr.round(betaSyn * i) + in);
    }

    /** {@link #output(Precision, double, double, double, double)} with {@link Precision#FP32}, in float arithmetic. */
    public static float output(float betaMem, float oneMinusBm, float y, float i) {
        return y * betaMem + i * oneMinusBm;
    }

    /** {@link #current(Precision, double, double, double)} with {@link Precision#FP32}, in float arithmetic. */
    public static float current(float betaSyn, float i, float in) {
        return i * betaSyn + in;
    }
}
