package org.spikekit.neuron;

import java.util.Arrays;

/**
 * The single-spike integrate-and-fire neuron of SpikeNN (IF, or LIF with per-neuron time constants)
 * as a component: parameter record {@link Params}, state record {@link State}, a pure reference
 * {@link #step} for one input event, and {@link SingleSpikeLayer} as its fused kernel (event loop with
 * Vector-API rows). Unlike the other neurons of this package it has no time grid: a "bin" is one
 * input spike at a float32 timestamp, and it is trained without gradients (SpikeNN's rule), so
 * there is no backward. The semantics, quirks (a)–(c) included, are those documented on
 * {@link SingleSpikeLayer}; {@code SingleSpikeNeuronTest} holds the layer to {@link #step} iterated,
 * bit for bit.
 */
public final class SingleSpikeNeuron {
    private SingleSpikeNeuron() {}

    /**
     * @param leakTau per-neuron τ_i, or null for IF
     * @param tMax end of the time window: the no-spike time
     */
    public record Params(float[] leakTau, float tMax) {
        public Params {
            if (!(tMax > 0) || !Float.isFinite(tMax)) throw new IllegalArgumentException("SingleSpikeNeuron.Params.tMax must be finite and > 0, got " + tMax);
            if (leakTau != null) {
                for (int i = 0; i < leakTau.length; i++) {
                    if (!(leakTau[i] > 0)) throw new IllegalArgumentException("SingleSpikeNeuron.Params.leakTau[" + i + "] must be > 0, got " + leakTau[i]);
                }
            }
        }
    }

    /**
     * State of one sample's layer after some input events (arrays are never written by {@link #step}).
     *
     * @param v membrane potentials
     * @param times firing times (tMax while silent)
     * @param potentials potential at firing (NaN while active; 0 for silenced neurons)
     * @param thresholds θ per neuron, +∞ once fired or when silenced
     * @param tPrev time of the previous event group
     * @param stopped true once an event at or after tMax arrived (later events are ignored)
     * @param fired neurons that fired so far
     */
    public record State(float[] v, float[] times, float[] potentials, float[] thresholds, float tPrev, boolean stopped, int fired) {}

    /** The state before the first event at time {@code tFirst}: V = 0, neurons not {@code silenced} (may be null) active. */
    public static State init(Params p, float[] thresholds, boolean[] silenced, float tFirst) {
        int n = thresholds.length;
        float[] v = new float[n], t = new float[n], pot = new float[n], th = new float[n];
        for (int i = 0; i < n; i++) {
            boolean off = silenced != null && silenced[i];
            th[i] = off ? Float.POSITIVE_INFINITY : thresholds[i];
            t[i] = p.tMax();
            pot[i] = off ? 0f : Float.NaN;
        }
        return new State(v, t, pot, th, tFirst, false, 0);
    }

    /**
     * One input event at time {@code t} whose weights onto the layer are {@code row} ({@code N} values):
     * when {@code t} differs from the previous event's time, or {@code last}: decay (LIF), then every
     * neuron with {@code V > θ} fires at the previous time; then, unless {@code t ≥ tMax}, integrate
     * {@code V += row}.
     */
    public static State step(Params p, State s, float t, float[] row, boolean last) {
        if (s.stopped()) return s;
        int n = s.v().length;
        float[] v = s.v().clone(), times = s.times(), pot = s.potentials(), th = s.thresholds();
        float tPrev = s.tPrev();
        int fired = s.fired();
        if (t != tPrev || last) {
            float dt = t - tPrev;
            if (p.leakTau() != null && dt != 0f) {
                for (int i = 0; i < n; i++) v[i] *= (float) Math.exp(-dt / p.leakTau()[i]);
            }
            times = times.clone();
            pot = pot.clone();
            th = th.clone();
            for (int i = 0; i < n; i++) {
                if (v[i] > th[i]) {
                    times[i] = tPrev;
                    pot[i] = v[i];
                    th[i] = Float.POSITIVE_INFINITY;
                    fired++;
                }
            }
            tPrev = t;
        }
        if (t >= p.tMax()) return new State(v, times, pot, th, tPrev, true, fired);
        for (int i = 0; i < n; i++) v[i] += row[i];
        return new State(v, times, pot, th, tPrev, false, fired);
    }

    /** The potentials of the finished sample: those at firing, and the final V of neurons that never fired. */
    public static float[] finalPotentials(State s) {
        float[] o = s.potentials().clone();
        for (int i = 0; i < o.length; i++) if (Float.isNaN(o[i])) o[i] = s.v()[i];
        return o;
    }

    /** {@link #step} over the events {@code [from, to)} of one sample, with weights {@code w[j·N + i]}. */
    public static State run(Params p, int[] idx, float[] ts, int from, int to, float[] w, float[] thresholds, boolean[] silenced) {
        int n = thresholds.length;
        State s = init(p, thresholds, silenced, to > from ? ts[from] : 0f);
        for (int k = from; k < to; k++) {
            s = step(p, s, ts[k], Arrays.copyOfRange(w, idx[k] * n, idx[k] * n + n), k == to - 1);
            if (s.stopped()) break;
        }
        return s;
    }
}
