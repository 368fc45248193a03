package org.spikekit.train;

/**
 * A learning-rate schedule stepped once per epoch: the learning rate of epoch {@code e}
 * (0-based). The kit's schedules: {@link CosineAnnealing} (RSNN), {@link ConstantThenCosine}
 * (Spikachu), and {@link #constant}.
 */
@FunctionalInterface
public interface LrSchedule {

    /** Learning rate for epoch {@code e} (0-based); throws for a negative epoch. */
    double lr(int e);

    /** The same learning rate every epoch. */
    static LrSchedule constant(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("LrSchedule.constant: lr must be finite and >= 0, got " + lr);
        return e -> {
            if (e < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + e);
            return lr;
        };
    }
}
