package org.spikekit.metrics;

import org.spikekit.compute.Tensor;

/**
 * An accuracy metric accumulated over a test set: {@link #update} once per batch or sequence, in
 * any split of the data, then {@link #compute}. The result must not depend on how the samples were
 * split into updates (NeuroBench "accumulated" metrics).
 *
 * @param <R> result type
 */
public interface StreamingMetric<R> {

    /** Adds predictions and targets of equal shape {@code [..., D]}; leading dims are samples. */
    void update(Tensor prediction, Tensor target);

    /** The metric over everything seen since construction or the last {@link #reset}. */
    R compute();

    /** Forgets everything seen. */
    void reset();
}
