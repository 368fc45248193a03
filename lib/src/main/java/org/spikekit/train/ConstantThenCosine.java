package org.spikekit.train;

/**
 * Spikachu's learning-rate schedule (spikachu.md §1.4): constant for the first 75 % of the epochs,
 * then a PyTorch {@code CosineAnnealingLR} with {@code T_max = 0.25·epochs} that is stepped once at
 * the end of every epoch {@code e > 0.75·epochs} (0-based). The learning rate of epoch {@code e} is
 * {@code lr0·(1 + cos(π·k/T_max))/2} with k = the number of scheduler steps taken before epoch e;
 * as released, the last epoch runs after fewer than T_max steps (100 epochs: 23 of 25, lr ≈ 1.6 % of
 * lr0), so the rate never reaches 0.
 *
 * @param lr0 initial learning rate
 * @param epochs total epochs of the run
 * @param constantFraction share of epochs at constant rate (recipe 0.75)
 */
public record ConstantThenCosine(double lr0, int epochs, double constantFraction) {
    public ConstantThenCosine {
        if (!(lr0 > 0)) throw new IllegalArgumentException("ConstantThenCosine.lr0 must be > 0, got " + lr0);
        if (epochs < 1) throw new IllegalArgumentException("ConstantThenCosine.epochs must be >= 1, got " + epochs);
        if (!(constantFraction >= 0 && constantFraction <= 1)) {
            throw new IllegalArgumentException("ConstantThenCosine.constantFraction must be in [0, 1], got " + constantFraction);
        }
    }

    /** The recipe's 75 % constant phase. */
    public static ConstantThenCosine spikachu(double lr0, int epochs) { return new ConstantThenCosine(lr0, epochs, 0.75); }

    /** T_max of the cosine phase (at least 1). */
    public double tMax() { return Math.max(1e-9, (1 - constantFraction) * epochs); }

    /** Learning rate used during epoch {@code e} (0-based). */
    public double lr(int e) {
        if (e < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + e);
        int k = 0;
        for (int done = 0; done < e; done++) if (done > constantFraction * epochs) k++;
        return lr0 * (1 + Math.cos(Math.PI * Math.min(k, tMax()) / tMax())) / 2;
    }
}
