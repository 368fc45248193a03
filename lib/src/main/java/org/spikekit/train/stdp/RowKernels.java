package org.spikekit.train.stdp;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops of the readout's per-sample weight pass ({@link PairwiseSum}): element-wise over a
 * contiguous run of the input-major weight matrix, with per-element step, mask and accumulator
 * arrays laid out like the run. Each element gets exactly the scalar arithmetic of
 * {@link ReadoutTrainer}: {@code w ← float32(double(w) + d)} (updated elements only), then
 * {@code min(max(w, lo), hi)}, then {@code acc += |w|} in float32 — lane by lane, so the results
 * are bit-identical to the scalar loops. The clip equals the scalar {@link PairwiseSum#clip} (numpy's
 * {@code clip}) for finite weights when {@link PairwiseSum#vectorClip} holds; callers use the scalar
 * loops otherwise.
 *
 * <p>Only loaded when {@code jdk.incubator.vector} is in the JVM ({@link org.spikekit.compute.VectorApi}).
 */
final class RowKernels {
    private RowKernels() {}

    /** Doubles per vector, and floats with the same lane count (for the float → double → float step). */
    static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(DS.vectorBitSize() / 2));
    /** Floats per vector for the float-only loops. */
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    /**
     * {@code w[wOff + e] ← clip(w[wOff + e])}, {@code acc[aOff + e] += |w[wOff + e]|} for e in [0, len);
     * with {@code pre} (else null) each weight is first rescaled, {@code w ← w · pre[e]} (float32).
     */
    static void clipAbsAdd(float[] w, int wOff, float[] acc, int aOff, int len, float[] pre, float lo, float hi) {
        clipAbsAdd(w, wOff, acc, aOff, len, len, pre, lo, hi);
    }

    /**
     * As {@link #clipAbsAdd(float[], int, float[], int, int, float[], float, float)} over {@code len}
     * elements (a multiple of {@code accLen}) with the accumulator index wrapping every
     * {@code accLen} elements: element e adds into {@code acc[aOff + e % accLen]}, in order of e.
     */
    static void clipAbsAdd(float[] w, int wOff, float[] acc, int aOff, int len, int accLen, float[] pre, float lo, float hi) {
        for (int base = 0; base < len; base += accLen) {
            final int wb = wOff + base;
            int e = 0;
            for (int up = FS.loopBound(accLen); e < up; e += FS.length()) {
                FloatVector x = FloatVector.fromArray(FS, w, wb + e);
                if (pre != null) x = x.mul(FloatVector.fromArray(FS, pre, base + e));
                FloatVector y = x.max(lo).min(hi);
                y.intoArray(w, wb + e);
                FloatVector.fromArray(FS, acc, aOff + e).add(y.abs()).intoArray(acc, aOff + e);
            }
            for (; e < accLen; e++) {
                float x = w[wb + e];
                if (pre != null) x *= pre[base + e];
                float y = PairwiseSum.clip(x, lo, hi);
                w[wb + e] = y;
                acc[aOff + e] += Math.abs(y);
            }
        }
    }

    /**
     * As {@link #clipAbsAdd}, stepping the elements with {@code upd[e]} after the rescale and
     * before the clip: {@code w ← float32(double(w) + d[e])}.
     */
    static void updateClipAbsAdd(float[] w, int wOff, float[] acc, int aOff, int len, float[] pre, double[] d, boolean[] upd,
                                 float lo, float hi) {
        updateClipAbsAdd(w, wOff, acc, aOff, len, len, pre, d, upd, lo, hi);
    }

    /** As {@link #updateClipAbsAdd(float[], int, float[], int, int, float[], double[], boolean[], float, float)}, the accumulator wrapping every {@code accLen} elements. */
    static void updateClipAbsAdd(float[] w, int wOff, float[] acc, int aOff, int len, int accLen, float[] pre, double[] d,
                                 boolean[] upd, float lo, float hi) {
        for (int base = 0; base < len; base += accLen) {
            final int wb = wOff + base;
            int e = 0;
            for (int up = FH.loopBound(accLen); e < up; e += FH.length()) {
                FloatVector x = FloatVector.fromArray(FH, w, wb + e);
                if (pre != null) x = x.mul(FloatVector.fromArray(FH, pre, base + e));
                DoubleVector s = (DoubleVector) x.convertShape(VectorOperators.F2D, DS, 0);
                FloatVector stepped = (FloatVector) s.add(DoubleVector.fromArray(DS, d, base + e)).convertShape(VectorOperators.D2F, FH, 0);
                VectorMask<Float> m = VectorMask.fromArray(FH, upd, base + e);
                FloatVector y = x.blend(stepped, m).max(lo).min(hi);
                y.intoArray(w, wb + e);
                FloatVector.fromArray(FH, acc, aOff + e).add(y.abs()).intoArray(acc, aOff + e);
            }
            for (; e < accLen; e++) {
                float x = w[wb + e];
                if (pre != null) x *= pre[base + e];
                if (upd[base + e]) x = (float) (x + d[base + e]);
                float y = PairwiseSum.clip(x, lo, hi);
                w[wb + e] = y;
                acc[aOff + e] += Math.abs(y);
            }
        }
    }

    /** {@code w[wOff + e] *= f[fOff + e]} (float32) for e in [0, len). */
    static void scale(float[] w, int wOff, float[] f, int fOff, int len) {
        int e = 0;
        for (int up = FS.loopBound(len); e < up; e += FS.length()) {
            FloatVector.fromArray(FS, w, wOff + e).mul(FloatVector.fromArray(FS, f, fOff + e)).intoArray(w, wOff + e);
        }
        for (; e < len; e++) w[wOff + e] *= f[fOff + e];
    }
}
