package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;

/**
 * The output smoothing every Spikachu model applies before loss and evaluation (notebooks/papers/spikachu.md §4.2 G):
 * a moving average of {@code taps} steps along time on {@code [T, B, F]}, zero-padded, always
 * divided by {@code taps} (a convolution with weights 1/taps).
 * <ul>
 *   <li>{@link Alignment#TRAILING} (kit default): {@code y[t] = Σ_{k=0}^{taps−1} x[t−k]/taps} —
 *       strictly causal.</li>
 *   <li>{@link Alignment#CENTRED} (as released: PyTorch {@code conv1d(padding='same')}): left padding
 *       ⌊(taps−1)/2⌋, right padding the rest, so {@code y[t] = Σ_{k=−⌊(taps−1)/2⌋}^{⌈(taps−1)/2⌉} x[t+k]/taps};
 *       with 20 taps each output reads 10 future bins (100 ms at 10-ms bins).</li>
 * </ul>
 */
public final class MovingAverage implements Layer {

    public enum Alignment { TRAILING, CENTRED }

    private final int taps;
    private final Alignment alignment;

    public MovingAverage(int taps, Alignment alignment) {
        if (taps < 1) throw new IllegalArgumentException("MovingAverage: taps must be >= 1, got " + taps);
        if (alignment == null) throw new IllegalArgumentException("MovingAverage: alignment must not be null");
        this.taps = taps;
        this.alignment = alignment;
    }

    public int taps() { return taps; }

    public Alignment alignment() { return alignment; }

    /** Future steps each output reads (0 when trailing). */
    public int lookAhead() { return alignment == Alignment.TRAILING ? 0 : taps - 1 - (taps - 1) / 2; }

    @Override
    public List<Parameter> parameters() { return List.of(); }

    private record Rec(int[] shape) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        int[] s = x.shape();
        if (s.length < 2) throw new IllegalArgumentException("MovingAverage: expected a time-major input [T, ...], got rank " + s.length);
        Backend be = x.backend();
        float[] v = be.toHost(x);
        float[] y = apply(v, s[0], v.length / s[0], lookAhead(), taps - 1 - lookAhead());
        tape.push(new Rec(s));
        return be.fromHost(y, s);
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        Backend be = gradOut.backend();
        float[] g = be.toHost(gradOut);
        int steps = r.shape()[0];
        // the adjoint of a window [t − back, t + ahead] is the window [t − ahead, t + back]
        float[] gx = apply(g, steps, g.length / steps, taps - 1 - lookAhead(), lookAhead());
        return be.fromHost(gx, r.shape());
    }

    /** y[t] = Σ_{k=−back}^{ahead} x[t+k] / taps over rows of {@code width} values, by running sums. */
    private float[] apply(float[] x, int steps, int width, int ahead, int back) {
        float[] y = new float[x.length];
        double[] acc = new double[width];
        float inv = 1f / taps;
        // acc holds Σ x[u] for u in [t − back, t + ahead] ∩ [0, steps)
        for (int u = 0; u <= Math.min(ahead, steps - 1); u++) add(acc, x, u * width, width, 1);
        for (int t = 0; t < steps; t++) {
            int o = t * width;
            for (int j = 0; j < width; j++) y[o + j] = (float) (acc[j] * inv);
            int enter = t + 1 + ahead, leave = t - back;
            if (enter < steps) add(acc, x, enter * width, width, 1);
            if (leave >= 0) add(acc, x, leave * width, width, -1);
        }
        return y;
    }

    private static void add(double[] acc, float[] x, int off, int width, int sign) {
        for (int j = 0; j < width; j++) acc[j] += sign * x[off + j];
    }

    @Override
    public String describe() { return "MovingAverage(" + taps + ", " + alignment.name().toLowerCase() + ")"; }
}
