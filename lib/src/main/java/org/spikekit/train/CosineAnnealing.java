package org.spikekit.train;

/**
 * Cosine annealing of the learning rate without restarts (PyTorch {@code CosineAnnealingLR}),
 * stepped once per epoch: {@code lr(e) = lrMin + (lr0 − lrMin)·(1 + cos(π·e/tMax))/2} for epoch
 * index {@code e = 0, 1, …} (RSNN: tMax = number of epochs of the stage's config, lrMin = 0).
 */
public record CosineAnnealing(double lr0, int tMax, double lrMin) implements LrSchedule {
    public CosineAnnealing {
        if (!(lr0 > 0)) throw new IllegalArgumentException("CosineAnnealing.lr0 must be > 0, got " + lr0);
        if (tMax <= 0) throw new IllegalArgumentException("CosineAnnealing.tMax must be > 0, got " + tMax);
        if (!(lrMin >= 0) || lrMin > lr0) throw new IllegalArgumentException("CosineAnnealing.lrMin must be in [0, lr0], got " + lrMin);
    }

    public CosineAnnealing(double lr0, int tMax) { this(lr0, tMax, 0.0); }

    /** Learning rate for epoch {@code e} (0-based). */
    @Override
    public double lr(int e) {
        if (e < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + e);
        return lrMin + (lr0 - lrMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2;
    }
}
