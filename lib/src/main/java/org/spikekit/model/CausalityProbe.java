package org.spikekit.model;

import java.util.Arrays;
import org.spikekit.compute.Tensor;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.nn.MovingAverage;
import org.spikekit.core.Tape;

/**
 * Measures causality of a decoder and its output smoothing directly: one spike is added to every
 * bin of window 0 from {@code t0} on, and the smoothed predictions are compared with those of the
 * unchanged batch.
 * A causal decoder's window-0 outputs before {@code t0} do not move ({@link Result#maxChangeBefore}
 * is exactly 0); a model whose state runs across the windows of a batch (the released SSA's
 * T·B-flattened LIF, whose state passes from window b to window b + 1 of the same bin) moves window 1
 * although only window 0 changed ({@link Result#maxChangeOtherWindow}).
 */
public final class CausalityProbe {
    private CausalityProbe() {}

    /**
     * @param maxChangeBefore largest |Δ prediction| of window 0 at bins {@code < t0} (0 when causal)
     * @param maxChangeAfter largest |Δ prediction| of window 0 at bins {@code >= t0} (the change is seen)
     * @param lookAheadBins how many bins before {@code t0} moved (the effective look-ahead)
     * @param maxChangeOtherWindow largest |Δ| of window 1's predictions, whose spikes did not change
     *     (0 unless state leaks across the batch; NaN for a batch of one window)
     */
    public record Result(int t0, double maxChangeBefore, double maxChangeAfter, int lookAheadBins, double maxChangeOtherWindow) {
        public boolean causal() { return maxChangeBefore == 0; }
    }

    /** Runs the probe in inference mode (no dropout). */
    public static Result probe(WindowDecoder model, MovingAverage smoothing, DecodingBatch batch, int t0) {
        if (t0 < 1 || t0 >= batch.steps()) throw new IllegalArgumentException("CausalityProbe: t0 must be in 1.." + (batch.steps() - 1) + ", got " + t0);
        float[] base = predict(model, smoothing, batch);
        float[] own = predict(model, smoothing, perturb(batch, 0, t0));
        int steps = batch.steps(), bsz = batch.batch();
        double before = 0, after = 0;
        int firstMoved = t0;
        for (int t = 0; t < steps; t++) {
            int r = batch.row(t, 0);
            double d = Math.max(Math.abs(base[2 * r] - own[2 * r]), Math.abs(base[2 * r + 1] - own[2 * r + 1]));
            if (t < t0) {
                before = Math.max(before, d);
                if (d > 0 && t < firstMoved) firstMoved = t;
            } else {
                after = Math.max(after, d);
            }
        }
        double other = Double.NaN;
        if (bsz > 1) {
            other = 0;
            for (int t = 0; t < steps; t++) {
                int r = batch.row(t, 1);
                other = Math.max(other, Math.max(Math.abs(base[2 * r] - own[2 * r]), Math.abs(base[2 * r + 1] - own[2 * r + 1])));
            }
        }
        return new Result(t0, before, after, t0 - firstMoved, other);
    }

    private static float[] predict(WindowDecoder model, MovingAverage smoothing, DecodingBatch b) {
        Tape tape = Tape.inference();
        Tensor p = smoothing.forward(model.forward(b, tape), tape);
        return p.backend().toHost(p);
    }

    /**
     * The batch with one extra spike in each bin {@code >= t0} of window {@code w} (token: the
     * smallest unit id of the batch; counts: local unit 0).
     */
    static DecodingBatch perturb(DecodingBatch b, int w, int t0) {
        int rows = b.steps() * b.batch();
        int[] off = new int[rows + 1];
        int[] units = new int[b.tokenCount() + rows];
        float[] counts = b.counts() == null ? null : b.counts().clone();
        int n = 0;
        int unit0 = b.tokenCount() > 0 ? Arrays.stream(b.tokenUnits()).min().orElse(0) : 0;
        for (int r = 0; r < rows; r++) {
            off[r] = n;
            int t = r / b.batch(), j = r % b.batch();
            boolean hit = j == w && t >= t0;
            for (int i = b.tokenOffsets()[r]; i < b.tokenOffsets()[r + 1]; i++) units[n++] = b.tokenUnits()[i];
            if (hit) {
                units[n++] = unit0;
                if (counts != null) counts[r * b.units()] += 1;
            }
        }
        off[rows] = n;
        return new DecodingBatch(b.steps(), b.batch(), b.binS(), b.sessionOf(), b.windowStart(), b.units(), counts,
                off, Arrays.copyOf(units, n), b.target(), b.weight(), b.label());
    }
}
