package org.spikekit.neuron;

import java.util.Arrays;
import java.util.Objects;

/**
 * A fully connected layer of single-spike integrate-and-fire neurons (IF, or LIF with per-neuron
 * time constants), simulated event by event on float32 timestamps with no time grid: the SpikeNN
 * readout (notebooks/papers/spikenn.md §4.1; original {@code spikenn/_impl.py}, the numba forward of
 * {@code spikenn/snn.py}).
 *
 * <p>Per sample, with input spikes in ascending time (index {@code j}, time {@code t_j}):
 * <ol>
 *   <li>{@code V_i = 0}, all neurons active, {@code t_prev} = the first spike's time.</li>
 *   <li>For each input spike {@code k} in order: if {@code t_k ≠ t_prev} <em>or k is the last
 *       spike</em>: (LIF only) every V decays by {@code exp(−(t_k − t_prev)/τ_i)} (quirk (b): before
 *       the check), then every active neuron with {@code V_i > θ_i} (strict) fires at time
 *       {@code t_prev}, keeps its V (for ties) and is deactivated; {@code t_prev = t_k}. Then, if
 *       {@code t_k ≥ tMax}, the simulation stops (quirk (c): after that check, as the original's
 *       {@code forward_fc}; a {@link org.spikekit.data.spiking.SpikingDataset} never holds such a spike).
 *       Otherwise the spike is integrated: {@code V_i += w_ij}.</li>
 *   <li>Neurons that never fired get {@code t_i = tMax} and their final V.</li>
 * </ol>
 * Consequences replicated for parity: all spikes sharing a timestamp are integrated before the
 * check that the next timestamp triggers, and the check triggered by the last input spike runs
 * before that spike is integrated, with no check after it (quirk (a)): the last spike can never
 * cause a firing. A neuron's potential after it fired is its potential at the check where it
 * fired.
 *
 * <p>Weights are stored input-major ({@code w[j·N + i]}), so one input spike adds one contiguous
 * row of N floats (a loop the JIT vectorises). Not thread-safe: one layer per training run.
 */
public final class SingleSpikeLayer {
    private final int inputs;
    private final int neurons;
    private final float tMax;
    private final float[] tau;         // null: IF
    private final boolean uniformTau;
    private final float[] w;
    /** Whether the Vector API loops ({@link SingleSpikeKernels}) can run in this JVM. */
    private static final boolean VECTOR = org.spikekit.compute.VectorApi.available();
    // scratch, padded to whole vectors on the vector path
    private final int padded;
    private final float[] v;
    private final float[] thrEff;

    /**
     * @param inputs  D
     * @param neurons N
     * @param leakTau per-neuron membrane time constants τ_i ({@code leak_tau}), or null for IF
     * @param tMax    the end of the time window (1 in the paper): no-spike time
     */
    public SingleSpikeLayer(int inputs, int neurons, float[] leakTau, float tMax) {
        if (inputs <= 0 || neurons <= 0) throw new IllegalArgumentException("SingleSpikeLayer: inputs and neurons must be > 0, got " + inputs + ", " + neurons);
        if (!(tMax > 0) || !Float.isFinite(tMax)) throw new IllegalArgumentException("SingleSpikeLayer: tMax must be finite and > 0, got " + tMax);
        if (leakTau != null) {
            if (leakTau.length != neurons) throw new IllegalArgumentException("SingleSpikeLayer: leakTau has " + leakTau.length + " values, expected " + neurons);
            for (int i = 0; i < neurons; i++) {
                if (!(leakTau[i] > 0)) throw new IllegalArgumentException("SingleSpikeLayer: leakTau[" + i + "] must be > 0, got " + leakTau[i]);
            }
        }
        this.inputs = inputs;
        this.neurons = neurons;
        this.tMax = tMax;
        this.tau = leakTau == null ? null : leakTau.clone();
        boolean u = true;
        if (tau != null) for (float x : tau) u &= x == tau[0];
        this.uniformTau = u;
        this.w = new float[Math.multiplyExact(inputs, neurons)];
        int p = VECTOR ? SingleSpikeKernels.padded(neurons) : neurons;
        if (VECTOR && p > SingleSpikeKernels.S.length() && p <= 4 * SingleSpikeKernels.S.length()) {
            p = 4 * SingleSpikeKernels.S.length();                       // forwardFourVectors reads four whole vectors
        }
        this.padded = p;
        this.v = new float[padded];
        this.thrEff = new float[padded];
        Arrays.fill(thrEff, Float.POSITIVE_INFINITY);                 // padding lanes never fire
    }

    public int inputs() { return inputs; }

    public int neurons() { return neurons; }

    public float tMax() { return tMax; }

    /** True for LIF (a {@code leak_tau} was given). */
    public boolean leaky() { return tau != null; }

    /**
     * The live weight array, input-major: {@code w[j·N + i]} is the weight from input j to
     * neuron i. Learning rules write it in place.
     */
    public float[] weights() { return w; }

    public float weight(int neuron, int input) { return w[input * neurons + neuron]; }

    public void setWeight(int neuron, int input, float value) { w[input * neurons + neuron] = value; }

    /** Per-neuron output of one sample. */
    public static final class Output {
        /** Spike time per neuron ({@code tMax}: did not fire, or was silenced). */
        public final float[] times;
        /** Potential per neuron: at its firing check if it fired, else final (0 if silenced). */
        public final float[] potentials;
        /** Neurons that fired. */
        public int fired;
        /** True when the simulation stopped at the first firing check (others' values partial). */
        public boolean truncated;

        public Output(int neurons) {
            times = new float[neurons];
            potentials = new float[neurons];
        }
    }

    /**
     * Runs one sample: spikes {@code [from, to)} of {@code idx}/{@code ts} (ascending times).
     *
     * @param thresholds  θ per neuron for this sample
     * @param silenced    neurons that cannot integrate or fire (dropout), or null
     * @param stopAtFirst stop at the first check where any neuron fires (enough for the decision
     *                    rule; the other neurons then keep {@code tMax} and a partial V)
     */
    public void forward(int[] idx, float[] ts, int from, int to, float[] thresholds, boolean[] silenced, boolean stopAtFirst,
                        Output out) {
        forward(idx, ts, from, to, thresholds, silenced, stopAtFirst, out, null);
    }

    /**
     * As {@link #forward(int[], float[], int, int, float[], boolean[], boolean, Output)} with the
     * weights of neuron i taken as {@code w[j·N + i] · scale[i]} (float32 product) when
     * {@code scale} is not null: the pass a per-neuron rescale of the weights would give, without
     * writing it (a trainer folds the rescale into its next weight pass).
     */
    public void forward(int[] idx, float[] ts, int from, int to, float[] thresholds, boolean[] silenced, boolean stopAtFirst,
                        Output out, float[] scale) {
        if (scale != null && scale.length < neurons) {
            throw new IllegalArgumentException("SingleSpikeLayer.forward: scale has " + scale.length + " values, expected " + neurons);
        }
        final int n = neurons;
        final float[] v = this.v, te = this.thrEff, w = this.w;
        final float[] tOut = out.times, vOut = out.potentials;
        Arrays.fill(v, 0f);
        int active = 0;
        for (int i = 0; i < n; i++) {
            boolean off = silenced != null && silenced[i];
            te[i] = off ? Float.POSITIVE_INFINITY : thresholds[i];
            tOut[i] = tMax;
            vOut[i] = Float.NaN;           // marks "still active" until the end
            if (off) vOut[i] = 0f;
            else active++;
        }
        if (VECTOR && tau == null && padded <= 4 * SingleSpikeKernels.S.length()) {
            if (padded == SingleSpikeKernels.S.length()) {
                SingleSpikeKernels.forwardOneVector(idx, ts, from, to, w, scale, n, tMax, stopAtFirst, active, v, te, out);
            } else {
                SingleSpikeKernels.forwardFourVectors(idx, ts, from, to, w, scale, n, tMax, stopAtFirst, active, v, te, out);
            }
            for (int i = 0; i < n; i++) if (Float.isNaN(vOut[i])) vOut[i] = v[i];
            return;
        }
        int fired = 0;
        boolean truncated = false;
        float tPrev = to > from ? ts[from] : 0f;                      // the original's curr_time = timestamps[0]
        final int last = to - 1;
        for (int k = from; k < to; k++) {
            final float t = ts[k];
            if (t != tPrev || k == last) {                            // quirk (a): also at the last spike
                if (tau != null) decay(t - tPrev);                    // quirk (b): decay before the check
                int now = 0;
                if (VECTOR) {
                    now = SingleSpikeKernels.check(v, te, padded, tPrev, tOut, vOut);
                } else {
                    now = SingleSpikeKernels.fire(v, te, 0, n, tPrev, tOut, vOut);   // strict V > θ; fired/silenced have θ = +∞
                }
                tPrev = t;
                if (now > 0) {
                    fired += now;
                    active -= now;
                    if (active == 0) break;
                    if (stopAtFirst) {
                        truncated = true;
                        break;
                    }
                }
            }
            if (t >= tMax) break;                                     // quirk (c): after the check
            final int row = idx[k] * n;
            if (scale != null) {
                if (VECTOR) SingleSpikeKernels.integrate(v, w, row, scale, n);
                else for (int i = 0; i < n; i++) v[i] += w[row + i] * scale[i];
            } else if (VECTOR) {
                SingleSpikeKernels.integrate(v, w, row, n);
            } else {
                for (int i = 0; i < n; i++) v[i] += w[row + i];
            }
        }
        for (int i = 0; i < n; i++) if (Float.isNaN(vOut[i])) vOut[i] = v[i];
        out.fired = fired;
        out.truncated = truncated;
    }

    private void decay(float dt) {
        if (dt == 0f) return;                                         // exp(0) = 1 exactly
        if (uniformTau) {
            float f = (float) Math.exp(-dt / tau[0]);
            for (int i = 0; i < neurons; i++) v[i] *= f;
        } else {
            for (int i = 0; i < neurons; i++) v[i] *= (float) Math.exp(-dt / tau[i]);
        }
    }

    /**
     * The decision rule (notebooks/papers/spikenn.md §4.2) over neurons {@code [from, to)}: earliest spike time,
     * ties → larger potential, remaining ties → lower index. If none fired all times are tMax and
     * the largest potential wins. Neurons with {@code excluded[i]} (may be null) are skipped.
     *
     * @return the winning neuron, or −1 if every neuron in the range is excluded
     */
    public static int winner(float[] times, float[] potentials, int from, int to, boolean[] excluded) {
        int best = -1;
        float bt = 0f, bv = 0f;
        for (int i = from; i < to; i++) {
            if (excluded != null && excluded[i]) continue;
            float t = times[i], p = potentials[i];
            if (best < 0 || t < bt || (t == bt && p > bv)) {
                best = i;
                bt = t;
                bv = p;
            }
        }
        return best;
    }

    /** Copies weights from {@code other} (same shape). */
    public void copyWeightsFrom(SingleSpikeLayer other) {
        Objects.requireNonNull(other, "other");
        if (other.inputs != inputs || other.neurons != neurons) {
            throw new IllegalArgumentException("SingleSpikeLayer.copyWeightsFrom: shape " + other.inputs + "x" + other.neurons + " != " + inputs + "x" + neurons);
        }
        System.arraycopy(other.w, 0, w, 0, w.length);
    }
}
