package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.neuron.PlifNeuron;
import org.spikekit.neuron.Surrogate;

/**
 * SpikingJelly's multi-step {@code ParametricLIFNode} (Fang et al. 2021, PLIF) with Spikachu's
 * learnable threshold ("LTLIF", notebooks/papers/spikachu.md §4.1): one learnable time constant and one threshold per
 * layer, shared by all neurons, run over a whole time-major sequence.
 *
 * <p>Input {@code x [T, ..., F]}: the first axis is time, every other axis is flattened into
 * independent neurons (batch × tokens × features). Per neuron and step, with {@code k = 1/τ = σ(w)}:
 * <ul>
 *   <li>charge, {@code decayInput = false} (Spikachu's LTLIF):
 *       {@code H[t] = V[t−1] − (V[t−1] − V_reset)·k + X[t]};
 *       {@code decayInput = true} (SpikingJelly's default, Spikachu's SSA/MLP neurons):
 *       {@code H[t] = V[t−1] + (X[t] − (V[t−1] − V_reset))·k}
 *       (with a soft reset, {@code V_reset} reads 0 in the charge);</li>
 *   <li>fire: {@code S[t] = Θ(H[t] − V_th)}, 1 where {@code H[t] − V_th ≥ 0} (SpikingJelly's {@code heaviside}),
 *       with the surrogate derivative of {@link Options#spike()} ({@link Surrogate#spikingJellyAtan()} by default);</li>
 *   <li>reset, hard: {@code V[t] = H[t](1 − S[t]) + V_reset·S[t]}; soft: {@code V[t] = H[t] − V_th·S[t]};</li>
 *   <li>{@code V[−1] = V_reset} (hard) or 0 (soft).</li>
 * </ul>
 * The output is the spike sequence S ({@link Output#SPIKES}) or the membrane sequence V after the
 * reset ({@link Output#MEMBRANE}, SpikingJelly's {@code v_seq}); Spikachu's readout (step F) is the
 * membrane output with {@code V_th = 0} and a soft reset, i.e. a leaky integrator that never resets.
 *
 * <p>Parameters: {@code name.w} (scalar, init {@code −ln(τ0 − 1)} so that {@code 1/τ = 1/τ0}) and
 * {@code name.vth} (scalar, init {@code V_th0}); the threshold is trainable when
 * {@link Options#learnThreshold()} and otherwise a frozen parameter. A learnable threshold is
 * clamped to {@code ≥ V_th,min} (0.1) at the start of every forward pass by writing the clamped value
 * back into the parameter, as the released {@code LTLIFNode} does with
 * {@code v_threshold.data.clamp_(min=0.1)}: a projection, so the gradient is the ordinary one at the
 * clamped value and an optimiser can move the threshold back up at once.
 *
 * <p>The dynamics (forward kernel, backward, pure step) are {@link PlifNeuron}'s; this layer owns the
 * parameters and the tape.
 *
 * <p>Backward: backpropagation through time over the whole sequence in one call, with the
 * surrogate derivative in place of {@code dS/dH}; gradients for x, w and (if learnable) V_th. When
 * {@code detachReset} is false (SpikingJelly's default) the gradient also flows through the spike in
 * the reset. Every forward adds the spike count to {@link Tape#recordSpikes} under this layer's
 * name (spiking output only), which the energy estimate (notebooks/papers/spikachu.md §6.2) reads.
 */
public final class ParametricLif implements Layer {

    /** What the layer emits. */
    public enum Output { SPIKES, MEMBRANE }

    /**
     * Neuron options.
     *
     * @param tau0           initial time constant in steps, &gt; 1
     * @param vth0           initial threshold
     * @param learnThreshold threshold trainable (LTLIF) or frozen
     * @param vthMin         lower clamp of a learnable threshold (0.1 in Spikachu)
     * @param softReset      true: subtract V_th on a spike (SpikingJelly {@code v_reset=None}); false: hard reset
     * @param vReset         hard-reset potential (ignored with a soft reset)
     * @param decayInput     whether the input is scaled by 1/τ in the charge
     * @param detachReset    stop the gradient through the spike in the reset
     * @param spike          spike function and surrogate
     * @param output         spikes or membrane sequence
     */
    public record Options(float tau0, float vth0, boolean learnThreshold, float vthMin, boolean softReset, float vReset,
                          boolean decayInput, boolean detachReset, Surrogate spike, Output output) {
        public Options {
            if (!(tau0 > 1) || !Float.isFinite(tau0)) throw new IllegalArgumentException("ParametricLif.Options.tau0 must be finite and > 1 (1/τ = σ(w)), got " + tau0);
            if (!Float.isFinite(vth0)) throw new IllegalArgumentException("ParametricLif.Options.vth0 must be finite, got " + vth0);
            if (!Float.isFinite(vthMin)) throw new IllegalArgumentException("ParametricLif.Options.vthMin must be finite, got " + vthMin);
            if (learnThreshold && vth0 < vthMin) {
                throw new IllegalArgumentException("ParametricLif.Options.vth0 must be >= vthMin " + vthMin + " for a learnable threshold, got " + vth0);
            }
            if (!Float.isFinite(vReset)) throw new IllegalArgumentException("ParametricLif.Options.vReset must be finite, got " + vReset);
            if (spike == null) throw new IllegalArgumentException("ParametricLif.Options.spike must not be null");
            if (spike.forward() == Surrogate.Forward.STEP) {
                throw new IllegalArgumentException("ParametricLif.Options.spike must fire at u >= 0 (Forward.STEP_AT_ZERO, SpikingJelly's heaviside) "
                        + "or be SMOOTH, got " + spike + "; e.g. Surrogate.spikingJellyAtan(alpha) or s.withForward(Forward.STEP_AT_ZERO)");
            }
            if (output == null) throw new IllegalArgumentException("ParametricLif.Options.output must not be null");
        }

        /**
         * Spikachu's LTLIF: learnable threshold clamped at 0.1, hard reset to 0, {@code decayInput = false},
         * ATan(α = 2) surrogate, spike output.
         */
        public static Options ltlif(float tau0, float vth0) {
            return new Options(tau0, vth0, true, 0.1f, false, 0f, false, false, Surrogate.spikingJellyAtan(), Output.SPIKES);
        }

        /**
         * Spikachu's readout (step F): SpikingJelly ParametricLIF with {@code V_th = 0} (fixed),
         * {@code v_reset = None} (soft reset by 0, so it never resets), {@code decayInput = false},
         * membrane output.
         */
        public static Options readout(float tau0) {
            return new Options(tau0, 0f, false, 0.1f, true, 0f, false, false, Surrogate.spikingJellyAtan(), Output.MEMBRANE);
        }

        public Options withDecayInput(boolean d) { return new Options(tau0, vth0, learnThreshold, vthMin, softReset, vReset, d, detachReset, spike, output); }

        public Options withLearnThreshold(boolean l) { return new Options(tau0, vth0, l, vthMin, softReset, vReset, decayInput, detachReset, spike, output); }

        public Options withSpike(Surrogate s) { return new Options(tau0, vth0, learnThreshold, vthMin, softReset, vReset, decayInput, detachReset, s, output); }

        public Options withOutput(Output o) { return new Options(tau0, vth0, learnThreshold, vthMin, softReset, vReset, decayInput, detachReset, spike, o); }

        public Options withDetachReset(boolean d) { return new Options(tau0, vth0, learnThreshold, vthMin, softReset, vReset, decayInput, d, spike, output); }

        /** Soft reset (subtract V_th), SpikingJelly's {@code v_reset=None}. */
        public Options withSoftReset() { return new Options(tau0, vth0, learnThreshold, vthMin, true, 0f, decayInput, detachReset, spike, output); }

        /** Hard reset to {@code v}. */
        public Options withHardReset(float v) { return new Options(tau0, vth0, learnThreshold, vthMin, false, v, decayInput, detachReset, spike, output); }
    }

    private final String name;
    private final int features;
    private final Options o;
    private final Parameter w, vth;

    /**
     * @param name     parameter prefix ({@code name.w}, {@code name.vth}) and the activity key on the tape
     * @param features size F of the last input axis (the layer width, used for the activity record)
     */
    public ParametricLif(Backend be, String name, int features, Options options) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("ParametricLif: name must not be blank");
        if (features < 1) throw new IllegalArgumentException("ParametricLif " + name + ": features must be >= 1, got " + features);
        if (options == null) throw new IllegalArgumentException("ParametricLif " + name + ": options must not be null");
        this.name = name;
        this.features = features;
        this.o = options;
        this.w = new Parameter(name + ".w", be.fromHost(new float[] {(float) -Math.log(options.tau0() - 1.0)}, 1), true);
        this.vth = new Parameter(name + ".vth", be.fromHost(new float[] {options.vth0()}, 1), options.learnThreshold());
    }

    public String name() { return name; }

    public int features() { return features; }

    public Options options() { return o; }

    /** The time-constant parameter w (1/τ = σ(w)). */
    public Parameter tauParameter() { return w; }

    /** The threshold parameter (trainable only when {@link Options#learnThreshold()}). */
    public Parameter thresholdParameter() { return vth; }

    /** Current τ = 1/σ(w) in steps. */
    public double tau() {
        double wv = w.backend().toHost(w.value())[0];
        return 1 + Math.exp(-wv);
    }

    /** Current threshold as the next forward pass will use it (after the clamp). */
    public float threshold() {
        float v = vth.backend().toHost(vth.value())[0];
        return o.learnThreshold() ? Math.max(v, o.vthMin()) : v;
    }

    @Override
    public List<Parameter> parameters() { return List.of(w, vth); }

    private record Rec(float[] x, float[] h, int steps, int n, float k, float th, int[] shape) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        int[] s = Shapes.lastDim(x, features, "ParametricLif " + name);
        if (s.length < 2) {
            throw new IllegalArgumentException("ParametricLif " + name + ": expected a time-major input [T, ..., " + features + "], got " + Arrays.toString(s));
        }
        Backend be = x.backend();
        float th = clampThreshold(be);
        double wv = be.toHost(w.value())[0];
        float k = (float) (1.0 / (1.0 + Math.exp(-wv)));
        int steps = s[0];
        int n = steps == 0 ? 0 : x.sizeInt() / steps;
        // read in place, but a private copy where the tape keeps it (the caller may reuse its tensor)
        float[] xv = o.decayInput() ? be.toHost(x) : HomogenizerKernels.host(x);
        float[] h = new float[xv.length];
        float[] out = new float[xv.length];
        double spikes = neuron(k, th).run(xv, h, out, steps, n);
        if (o.output() == Output.SPIKES) tape.recordSpikes(name, features, spikes, (double) steps * n);
        tape.push(new Rec(o.decayInput() ? xv : null, h, steps, n, k, th, s));
        return HomogenizerKernels.wrap(be, out, s);
    }

    /** Projects a learnable threshold onto [vthMin, ∞) in place (LTLIF's clamp_) and returns the value used. */
    private float clampThreshold(Backend be) {
        float t = be.toHost(vth.value())[0];
        if (o.learnThreshold() && t < o.vthMin()) {
            t = o.vthMin();
            be.fill(vth.value(), t);
        }
        return t;
    }

    /** The neuron dynamics at the current decay and threshold. */
    private PlifNeuron neuron(float k, float th) {
        return new PlifNeuron(k, th, o.softReset(), o.vReset(), o.decayInput(), o.detachReset(), o.spike(), o.output() == Output.SPIKES);
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        Backend be = gradOut.backend();
        float[] g = HomogenizerKernels.host(gradOut);
        if (g.length != r.h().length) {
            throw new IllegalArgumentException("ParametricLif " + name + ": gradient has " + g.length + " elements, forward output had " + r.h().length);
        }
        final float k = r.k();
        PlifNeuron.Grads gr = neuron(k, r.th()).backward(r.x(), r.h(), g, r.steps(), r.n());
        double gk = gr.gk(), gth = gr.gth();
        float[] gx = gr.gx();
        be.axpby(1f, be.fromHost(new float[] {(float) (gk * k * (1 - k))}, 1), 1f, w.grad());
        if (o.learnThreshold()) be.axpby(1f, be.fromHost(new float[] {(float) gth}, 1), 1f, vth.grad());
        return HomogenizerKernels.wrap(be, gx, r.shape());
    }

    @Override
    public String describe() {
        return "ParametricLif(" + features + ", τ0=" + o.tau0() + ", Vth0=" + o.vth0() + (o.learnThreshold() ? " learnable" : " fixed")
                + (o.softReset() ? ", soft reset" : ", hard reset " + o.vReset()) + (o.decayInput() ? ", decay input" : "") + (o.detachReset() ? ", detach reset" : "")
                + ", " + o.spike() + (o.output() == Output.MEMBRANE ? ", membrane out" : "") + ")";
    }
}
