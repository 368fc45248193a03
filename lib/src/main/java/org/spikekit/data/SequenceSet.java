package org.spikekit.data;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * A set of equal-length regression sequences held as flat host arrays, sample-major:
 * {@code x[s][t][i]} at {@code (s·steps + t)·inputs + i}, {@code y[s][t][o]} likewise. {@link #batch}
 * gathers samples into the time-major {@code [T, B, N]} tensors the models consume.
 *
 * @param x inputs, length {@code samples·steps·inputs}
 * @param y targets, length {@code samples·steps·outputs}
 */
public record SequenceSet(float[] x, float[] y, int samples, int steps, int inputs, int outputs) {

    public SequenceSet {
        if (samples <= 0 || steps <= 0 || inputs <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("SequenceSet: samples, steps, inputs, outputs must be > 0, got "
                    + samples + ", " + steps + ", " + inputs + ", " + outputs);
        }
        if (x == null || (long) samples * steps * inputs != x.length) {
            throw new IllegalArgumentException("SequenceSet.x: expected " + (long) samples * steps * inputs
                    + " values ([" + samples + "][" + steps + "][" + inputs + "]), got " + (x == null ? "null" : x.length));
        }
        if (y == null || (long) samples * steps * outputs != y.length) {
            throw new IllegalArgumentException("SequenceSet.y: expected " + (long) samples * steps * outputs
                    + " values ([" + samples + "][" + steps + "][" + outputs + "]), got " + (y == null ? "null" : y.length));
        }
    }

    /** Input {@code i} of sample {@code sample} at time step {@code step}. */
    public float x(int step, int sample, int input) { return x[(sample * steps + step) * inputs + input]; }

    /** Target {@code o} of sample {@code sample} at time step {@code step}. */
    public float y(int step, int sample, int output) { return y[(sample * steps + step) * outputs + output]; }

    /** Inputs and targets of the given samples, time-major. */
    public record Batch(Tensor x, Tensor y) {}

    public Batch batch(Backend be, int[] sampleIdx) {
        int b = sampleIdx.length;
        float[] bx = new float[steps * b * inputs], by = new float[steps * b * outputs];
        for (int r = 0; r < b; r++) {
            int s = sampleIdx[r];
            if (s < 0 || s >= samples) throw new IndexOutOfBoundsException("sample " + s + " of " + samples);
            for (int t = 0; t < steps; t++) {
                System.arraycopy(x, (s * steps + t) * inputs, bx, (t * b + r) * inputs, inputs);
                System.arraycopy(y, (s * steps + t) * outputs, by, (t * b + r) * outputs, outputs);
            }
        }
        return new Batch(be.fromHost(bx, steps, b, inputs), be.fromHost(by, steps, b, outputs));
    }

    /** Mean firing rate in Hz of input channels [from, to) over all samples and steps ({@code dtS} seconds per step). */
    public double meanRateHz(int from, int to, double dtS) {
        if (from < 0 || to > inputs || from >= to) throw new IllegalArgumentException("channel range [" + from + ", " + to + ") of " + inputs);
        double sum = 0;
        long rows = (long) samples * steps;
        for (long r = 0; r < rows; r++) {
            int o = (int) (r * inputs);
            for (int i = from; i < to; i++) sum += x[o + i];
        }
        return sum / (rows * (double) (to - from) * dtS);
    }

    /** The samples of several sets (same steps, inputs and outputs) one after the other. */
    public static SequenceSet concat(java.util.List<SequenceSet> sets) {
        if (sets == null || sets.isEmpty()) throw new IllegalArgumentException("SequenceSet.concat: no sets given");
        SequenceSet f = sets.get(0);
        int samples = 0;
        for (int k = 0; k < sets.size(); k++) {
            SequenceSet s = sets.get(k);
            if (s.steps != f.steps || s.inputs != f.inputs || s.outputs != f.outputs) {
                throw new IllegalArgumentException("SequenceSet.concat: set " + k + " is [" + s.steps + " steps, " + s.inputs
                        + " inputs, " + s.outputs + " outputs], set 0 is [" + f.steps + ", " + f.inputs + ", " + f.outputs + "]");
            }
            samples += s.samples;
        }
        float[] x = new float[Math.multiplyExact(Math.multiplyExact(samples, f.steps), f.inputs)];
        float[] y = new float[samples * f.steps * f.outputs];
        int ox = 0, oy = 0;
        for (SequenceSet s : sets) {
            System.arraycopy(s.x, 0, x, ox, s.x.length);
            System.arraycopy(s.y, 0, y, oy, s.y.length);
            ox += s.x.length;
            oy += s.y.length;
        }
        return new SequenceSet(x, y, samples, f.steps, f.inputs, f.outputs);
    }
}
