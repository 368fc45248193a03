package org.spikekit.train;

/**
 * The shape every trainer of the kit shares: fit a model in place on its data and return the run's
 * result. Gradient trainers are recipes over the one loop ({@link Fit#fit}); trainers with a local
 * learning rule (the STDP ones: {@code train.stdp.ReadoutTrainer}, {@code features.StdpCsnn.Trainer})
 * keep their own update rule and implement this interface.
 *
 * @param <D> the data a fit sees
 * @param <R> the run's result (its per-epoch records and stopping reason)
 */
@FunctionalInterface
public interface Fitter<D, R> {

    /** Trains on {@code data}, in place; returns the run's result. */
    R fit(D data);
}
