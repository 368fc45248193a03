package org.spikekit.train;

import java.util.List;
import org.spikekit.core.Parameter;

/**
 * The contract every gradient optimiser of the kit keeps ({@link Adam}, {@link Lamb},
 * {@link Smorms3}): one update per {@link #step()} from the gradients held by its parameters, a
 * learning rate a schedule ({@link LrSchedule}) can change between steps, and a host copy of its
 * state for checkpoints ({@link #state()} / {@link #restore}) so that an interrupted run resumes
 * bit-identically. Optimisers never zero gradients; the trainer does.
 */
public interface Optimizer {

    /** Applies one update from the current gradients. */
    void step();

    /** Updates applied so far. */
    int steps();

    /** The learning rate the next {@link #step()} uses. */
    double lr();

    /**
     * Sets the learning rate for the following steps. Optimisers that keep it in float32
     * ({@link Adam}, {@link Smorms3}) round it to float.
     */
    void setLr(double lr);

    /** The parameters it updates, in order. */
    List<Parameter> parameters();

    /** A host copy of the state (moments, step count, learning rate) for a {@link Checkpoint}. */
    Checkpoint.Optimizer state();

    /**
     * Restores a state written by {@link #state()} of the same optimiser kind over the same
     * parameters (names and sizes).
     *
     * @param source named in errors (the checkpoint file)
     * @throws CheckpointException when the state is of another kind or does not fit the parameters
     */
    void restore(Checkpoint.Optimizer state, String source);
}
