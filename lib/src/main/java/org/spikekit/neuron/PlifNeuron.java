package org.spikekit.neuron;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * SpikingJelly's {@code ParametricLIFNode} (Fang et al. 2021, PLIF) and Spikachu's learnable-threshold
 * variant (LTLIF) as a {@link NeuronModel}: the dynamics for one value of the shared decay
 * {@code k = 1/τ} and threshold; the layer {@code nn.ParametricLif} owns the learnable parameters
 * ({@code k = σ(w)}, the clamped threshold) and calls {@link #run} and {@link #backward}.
 *
 * <p>Per neuron and step (SpikingJelly {@code spikingjelly/activation_based/neuron.py}: {@code ParametricLIFNode.neuronal_charge},
 * {@code BaseNode.neuronal_fire}, {@code neuronal_reset}; see {@code nn.ParametricLif} for the sources):
 * <pre>
 *   H[t] = V[t−1]·(1 − k) + V_r·k + X[t]           decayInput = false (LTLIF)
 *   H[t] = V[t−1] + (X[t] − (V[t−1] − V_r))·k       decayInput = true (SpikingJelly's default)
 *   S[t] = Θ(H[t] − V_th)                           1 where H − V_th ≥ 0
 *   V[t] = H[t] − V_th·S[t]                         soft reset (V_r reads 0)
 *   V[t] = H[t]·(1 − S[t]) + V_r·S[t]               hard reset;   V[−1] = V_r
 * </pre>
 * {@link #charge} and {@link #reset} are the one written-out form; the step, the scalar loops of
 * the kernel and its backward call them, and the vector loops repeat them operation by operation
 * (same bits, tested in {@code PlifNeuronTest}). Gradients: {@code nn.ParametricLifTest} (finite
 * differences through the layer).
 *
 * @param k decay 1/τ per step, in [0, 1] (σ(w) in float can round to either end)
 * @param threshold V_th
 * @param softReset subtract V_th (SpikingJelly {@code v_reset=None}) or reset to {@code vReset}
 * @param vReset hard-reset potential (ignored with a soft reset)
 * @param decayInput whether the input is scaled by k
 * @param detachReset stop the gradient through the spike in the reset
 * @param spike spike function and surrogate; fires at u ≥ 0 (STEP_AT_ZERO) or is SMOOTH
 * @param spikesOut output spikes (true) or the membrane after the reset
 */
public record PlifNeuron(float k, float threshold, boolean softReset, float vReset, boolean decayInput, boolean detachReset,
                         Surrogate spike, boolean spikesOut) implements NeuronModel<PlifNeuron, PlifNeuron.State> {

    public PlifNeuron {
        if (!(k >= 0 && k <= 1)) throw new IllegalArgumentException("PlifNeuron.k = 1/τ must be in [0, 1], got " + k);
        if (!Float.isFinite(threshold)) throw new IllegalArgumentException("PlifNeuron.threshold must be finite, got " + threshold);
        if (!Float.isFinite(vReset)) throw new IllegalArgumentException("PlifNeuron.vReset must be finite, got " + vReset);
        if (spike == null) throw new IllegalArgumentException("PlifNeuron.spike must not be null");
        if (spike.forward() == Surrogate.Forward.STEP) {
            throw new IllegalArgumentException("PlifNeuron.spike must fire at u >= 0 (Forward.STEP_AT_ZERO, SpikingJelly's heaviside) or be SMOOTH, got " + spike);
        }
    }

    /** The membrane between two steps, {@code [B, N]}. */
    public record State(Tensor v) {
        public State {
            if (v == null || v.rank() != 2) throw new IllegalArgumentException("PlifNeuron.State.v must be [B, N], got " + v);
        }
    }

    /** dL/dx and the sums dL/dk, dL/dV_th of one backward pass. */
    public record Grads(float[] gx, double gk, double gth) {}

    /** V_r as the charge and reset read it: 0 with a soft reset. */
    public float restingPotential() { return softReset ? 0f : vReset; }

    /** The charge {@code H} from {@code V[t−1] = vp} and {@code X[t] = x}; {@code keep = 1 − k}. */
    float charge(float vp, float x, float vr, float keep) {
        return decayInput ? vp + (x - (vp - vr)) * k : vp * keep + vr * k + x;
    }

    /** The membrane after the reset, from {@code H} and the spike {@code s}. */
    float reset(float h, float s, float vr) {
        return softReset ? h - threshold * s : h * (1f - s) + vr * s;
    }

    @Override public String name() { return "plif"; }

    @Override public PlifNeuron params() { return this; }

    @Override
    public State initState(Backend be, int batch, int neurons) {
        Tensor v = be.zeros(batch, neurons);
        be.fill(v, restingPotential());
        return new State(v);
    }

    /** One step; the returned "spikes" are the layer's output (spikes, or the membrane when {@code !spikesOut}). {@code rec} must be null. */
    @Override
    public Step<State> step(State state, Tensor input, Tensor rec) {
        if (rec != null) throw new IllegalArgumentException("PlifNeuron: a PLIF layer has no recurrent weights; pass null");
        Backend be = input.backend();
        input.requireShape("PlifNeuron step input", state.v().dim(0), state.v().dim(1));
        float[] v = be.toHost(state.v()), x = be.toHost(input), out = new float[v.length], v1 = new float[v.length];
        float vr = restingPotential(), keep = 1f - k;
        for (int i = 0; i < v.length; i++) {
            float h = charge(v[i], x[i], vr, keep), s = fire(spike, h - threshold);
            v1[i] = reset(h, s, vr);
            out[i] = spikesOut ? s : v1[i];
        }
        return new Step<>(be.fromHost(out, state.v().shape()), new State(be.fromHost(v1, state.v().shape())));
    }

    /** {@link #run} over {@code inputs [T, B, N]}; it starts at rest, so {@code s0} must be {@link #initState}. */
    @Override
    public Run<State> sequence(State s0, Tensor inputs, Tensor rec) {
        if (rec != null) throw new IllegalArgumentException("PlifNeuron: a PLIF layer has no recurrent weights; pass null");
        if (inputs == null || inputs.rank() != 3) throw new IllegalArgumentException("PlifNeuron: inputs must be [T, B, N], got " + inputs);
        Backend be = inputs.backend();
        int t = inputs.dim(0), b = inputs.dim(1), n = inputs.dim(2);
        s0.v().requireShape("PlifNeuron initial state", b, n);
        for (float v : be.toHost(s0.v())) {
            if (v != restingPotential()) throw new IllegalArgumentException("PlifNeuron.sequence starts at rest: the initial membrane must be "
                    + restingPotential() + ", got " + v);
        }
        float[] x = be.toHost(inputs), h = new float[x.length], out = new float[x.length];
        run(x, h, out, t, b * n);
        float[] last = new float[b * n];
        Arrays.fill(last, restingPotential());
        if (t > 0) {
            int base = (t - 1) * b * n;
            for (int i = 0; i < b * n; i++) last[i] = reset(h[base + i], fire(spike, h[base + i] - threshold), restingPotential());
        }
        return new Run<>(be.fromHost(out, t, b, n), new State(be.fromHost(last, b, n)));
    }

    private static void check(float[] x, float[] h, float[] out, int steps, int n) {
        long len = (long) steps * n;
        if (steps < 0 || n < 0 || x.length != len || h.length != len || out.length != len) {
            throw new IllegalArgumentException("PlifNeuron.run: x, h and out must hold steps·n = " + steps + "·" + n + " values, got "
                    + x.length + ", " + h.length + ", " + out.length);
        }
    }

    /**
     * The sequence kernel: {@code steps} steps of {@code n} independent neurons from rest, step-major
     * ({@code x[t·n + i]}); fills the charged potentials {@code h} (what {@link #backward} needs) and
     * {@code out} (spikes or the membrane after the reset); returns Σ S. Heaviside spikes run
     * vectorised (the scalar arithmetic operation by operation, no fused multiply-add: the same bits).
     */
    public double run(float[] x, float[] h, float[] out, int steps, int n) {
        check(x, h, out, steps, n);
        final boolean soft = softReset, decay = decayInput, smooth = !spike.binaryForward();
        final float vr = restingPotential(), keep = 1f - k, th = threshold;
        final Surrogate f = spike;
        float[] v = new float[n];
        Arrays.fill(v, vr);
        long count = 0;         // spikes of the Heaviside forward (an int add per element, no float dependency chain)
        double smoothSum = 0;   // Σ S of the smooth test mode
        final int vecEnd = smooth ? 0 : F.loopBound(n);
        for (int t = 0; t < steps; t++) {
            int base = t * n;
            if (vecEnd > 0) count += runVector(x, h, out, v, base, vecEnd, k, th, soft, decay, spikesOut, vr, keep);
            for (int i = vecEnd; i < n; i++) {
                float vp = v[i], xi = x[base + i];
                float hi = charge(vp, xi, vr, keep);
                float si;
                if (smooth) {
                    si = fire(f, hi - th);
                    smoothSum += si;
                } else {
                    si = Surrogate.stepAtZero(hi - th);
                    count += (int) si;
                }
                float vi = reset(hi, si, vr);
                h[base + i] = hi;
                v[i] = vi;
                out[base + i] = spikesOut ? si : vi;
            }
        }
        return smooth ? smoothSum : count;
    }


    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /**
     * The forward value: {@link Surrogate#spike}, except that the SMOOTH test mode evaluates the
     * primitive in double ({@code (float) primitiveD(u)}, α·u not rounded to float first), as this
     * layer always has.
     */
    private static float fire(Surrogate f, float u) {
        return f.binaryForward() ? f.spike(u) : (float) f.primitiveD(u);
    }

    /**
     * One step of {@link #run} over neurons [0, end) (a multiple of the vector length), Heaviside
     * spikes: the scalar loop's arithmetic operation by operation (no fused multiply-add), so both
     * give the same bits. Returns the step's spike count.
     */
    private static long runVector(float[] x, float[] h, float[] out, float[] v, int base, int end, float k, float th, boolean soft,
                                  boolean decay, boolean spikesOut, float vr, float keep) {
        long count = 0;
        final float vrk = vr * k;
        for (int i = 0; i < end; i += F.length()) {
            FloatVector vp = FloatVector.fromArray(F, v, i), xi = FloatVector.fromArray(F, x, base + i);
            FloatVector hi = decay ? vp.add(xi.sub(vp.sub(vr)).mul(k)) : vp.mul(keep).add(vrk).add(xi);
            VectorMask<Float> fire = hi.sub(th).compare(VectorOperators.GE, 0f);
            FloatVector si = FloatVector.zero(F).blend(1f, fire);
            count += fire.trueCount();
            FloatVector vi = soft ? hi.sub(si.mul(th)) : hi.mul(si.neg().add(1f)).add(si.mul(vr));
            hi.intoArray(h, base + i);
            vi.intoArray(v, i);
            (spikesOut ? si : vi).intoArray(out, base + i);
        }
        return count;
    }

    /**
     * One step of {@link #backward} over neurons [0, end) for the Heaviside ATan case, the scalar
     * loop's arithmetic operation by operation (same bits).
     */
    private static void backVector(float[] h, float[] x, float[] g, float[] gx, float[] gv, float[] gkn, float[] gthn, int base, int prev,
                                   int end, float k, float th, float keep, float vr, float alpha, boolean soft, boolean decay,
                                   boolean spikesOut, boolean detach) {
        final float c = (float) (Math.PI / 2) * alpha, half = alpha / 2f;
        for (int i = 0; i < end; i += F.length()) {
            FloatVector hi = FloatVector.fromArray(F, h, base + i), u = hi.sub(th);
            FloatVector si = FloatVector.zero(F).blend(1f, u.compare(VectorOperators.GE, 0f));
            FloatVector z = u.mul(c), sg = FloatVector.broadcast(F, half).div(z.mul(z).add(1f));
            FloatVector go = FloatVector.fromArray(F, g, base + i), gvi = FloatVector.fromArray(F, gv, i);
            FloatVector gvt = spikesOut ? gvi : gvi.add(go);
            FloatVector gs = spikesOut ? go : FloatVector.zero(F);
            if (!detach) gs = gs.add(gvt.mul(soft ? FloatVector.broadcast(F, -th) : hi.neg().add(vr)));
            FloatVector gssg = gs.mul(sg);
            FloatVector gh = (soft ? gvt : gvt.mul(si.neg().add(1f))).add(gssg);
            FloatVector gt = FloatVector.fromArray(F, gthn, i);
            (soft ? gt.sub(gssg.add(gvt.mul(si))) : gt.sub(gssg)).intoArray(gthn, i);
            FloatVector vp;
            if (prev < 0) {
                vp = FloatVector.broadcast(F, vr);
            } else {
                FloatVector hp = FloatVector.fromArray(F, h, prev + i);
                FloatVector sp = FloatVector.zero(F).blend(1f, hp.sub(th).compare(VectorOperators.GE, 0f));
                vp = soft ? hp.sub(sp.mul(th)) : hp.mul(sp.neg().add(1f)).add(sp.mul(vr));
            }
            FloatVector gk = FloatVector.fromArray(F, gkn, i);
            if (decay) {
                gh.mul(k).intoArray(gx, base + i);
                gk.add(gh.mul(FloatVector.fromArray(F, x, base + i).sub(vp).add(vr))).intoArray(gkn, i);
            } else {
                gh.intoArray(gx, base + i);
                gk.add(gh.mul(vp.neg().add(vr))).intoArray(gkn, i);
            }
            gh.mul(keep).intoArray(gv, i);
        }
    }


    /**
     * Backpropagation through the {@code steps} steps of {@link #run}, in one call: dL/dx into {@code gx}
     * and the sums dL/dk, dL/dV_th (per-neuron partial sums added in neuron order, in double).
     *
     * @param x the input of the forward pass (read only with {@code decayInput})
     * @param h the charged potentials {@link #run} wrote
     * @param g dL/d(out)
     */
    public Grads backward(float[] x, float[] h, float[] g, int steps, int n) {
        if (g.length != h.length || (long) steps * n != h.length || (decayInput && (x == null || x.length != h.length))) {
            throw new IllegalArgumentException("PlifNeuron.backward: h, g (and x with decayInput) must hold steps·n = " + (long) steps * n
                    + " values, got h " + h.length + ", g " + g.length + (x == null ? "" : ", x " + x.length));
        }
        final boolean soft = softReset, decay = decayInput, detach = detachReset;
        final float vr = restingPotential(), th = threshold, keep = 1f - k;
        final Surrogate f = spike;
        float[] gx = new float[h.length];
        float[] gv = new float[n];
        // per-neuron partial sums of dL/dk and dL/dV_th: no loop-carried dependency across neurons
        float[] gkn = new float[n], gthn = new float[n];
        final int vecEnd = f.binaryForward() && f.kind() == Surrogate.Kind.ATAN ? F.loopBound(n) : 0;
        for (int t = steps - 1; t >= 0; t--) {
            int base = t * n, prev = base - n;
            if (vecEnd > 0) backVector(h, x, g, gx, gv, gkn, gthn, base, t == 0 ? -1 : prev, vecEnd, k, th, keep, vr, f.scale(), soft, decay, spikesOut, detach);
            for (int i = vecEnd; i < n; i++) {
                float hi = h[base + i], u = hi - th;
                float si = fire(f, u), sg = f.grad(u);
                float go = g[base + i];
                float gvt = spikesOut ? gv[i] : gv[i] + go;
                float gs = spikesOut ? go : 0f;
                if (!detach) gs += gvt * (soft ? -th : vr - hi);
                float gh = gvt * (soft ? 1f : 1f - si) + gs * sg;
                gthn[i] -= soft ? gs * sg + gvt * si : gs * sg;
                float vp;
                if (t == 0) {
                    vp = vr;
                } else {
                    float hp = h[prev + i], sp = fire(f, hp - th);
                    vp = reset(hp, sp, vr);
                }
                if (decay) {
                    gx[base + i] = gh * k;
                    gkn[i] += gh * (x[base + i] - vp + vr);
                } else {
                    gx[base + i] = gh;
                    gkn[i] += gh * (vr - vp);
                }
                gv[i] = gh * keep;
            }
        }
        double gk = 0, gth = 0;
        for (int i = 0; i < n; i++) {
            gk += gkn[i];
            gth += gthn[i];
        }
        return new Grads(gx, gk, gth);
    }
}
