package org.spikekit.neuron;

import org.spikekit.core.Float16;

/**
 * Numeric precision policy of a neuron's scalar step: every operation is computed in double and its
 * result rounded once by {@link #round} (round to nearest even). Because double has more than twice
 * float32's significand bits, {@link #FP32} reproduces float32 arithmetic of {@code +, −, ·} bit for
 * bit; {@link #FP16} is IEEE binary16 ({@link Float16#round(double)}), as the RSNN authors evaluated
 * tinyRSNN after {@code model.half()}; {@link #FP64} does not round.
 */
public enum Precision {
    FP64, FP32, FP16;

    /** {@code x} rounded to this precision. */
    public double round(double x) {
        return switch (this) {
            case FP64 -> x;
            case FP32 -> (float) x;
            case FP16 -> Float16.round(x);
        };
    }
}
