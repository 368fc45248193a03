package org.spikekit.train;

import java.util.Map;

/**
 * Told after every epoch of a training stage with the metrics that epoch measured, e.g. to draw a
 * live curve in a notebook ({@code org.spikekit.report.LiveCurve}). A listener only watches: the
 * stage computes the same numbers and stores the same run with or without one.
 *
 * <p>Metric names used by the kit's walks: {@code "loss"} (mean training loss), {@code "val R2"},
 * {@code "train R2"} (RSNN trainer), {@code "selection R2"}, {@code "selection loss"} (decoder
 * trainer, on selection epochs only), {@code "train acc"}, {@code "val acc"}, {@code "test acc"}
 * (SpikeNN readout). A value not measured in an epoch is absent or NaN.
 */
@FunctionalInterface
public interface EpochListener {
    /**
     * @param epoch   the epoch just finished, 1-based
     * @param metrics metric name to value, in the order the stage lists them (not to be kept: copy what is needed)
     */
    void epoch(int epoch, Map<String, Double> metrics);

    /** A listener that does nothing. */
    EpochListener NONE = (epoch, metrics) -> {};

    /** {@code listener}, or {@link #NONE} for null. */
    static EpochListener orNone(EpochListener listener) {
        return listener == null ? NONE : listener;
    }
}
