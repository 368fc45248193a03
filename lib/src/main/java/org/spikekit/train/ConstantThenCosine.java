package org.spikekit.train;

/**
 * Spikachu's learning-rate schedule (notebooks/papers/spikachu.md §5.1): constant for the first 75 % of the epochs,
 * then a PyTorch {@code CosineAnnealingLR} with {@code T_max = 0.25·epochs} that is stepped once at
 * the end of every epoch {@code e > 0.75·epochs} (0-based). The learning rate of epoch {@code e} is
 * {@code lr0·(1 + cos(π·k/T_max))/2} with k = the number of scheduler steps taken before epoch e;
 * as released, the last epoch runs after fewer than T_max steps (100 epochs: 23 of 25, lr ≈ 1.6 % of
 * lr0), so the rate never reaches 0.
 *
 * <p>{@link #released} floors T_max as the released driver does ({@code T_max=int(0.25·num_epochs)},
 * IoannisAsmanis/spikachu {@code train.py} line 324): the same schedule when the epochs divide by
 * 4, otherwise a slightly faster decay (30 epochs: T_max 7 instead of 7.5).
 *
 * @param lr0 initial learning rate
 * @param epochs total epochs of the run
 * @param constantFraction share of epochs at constant rate (recipe 0.75)
 * @param floorTMax T_max = ⌊(1 − constantFraction)·epochs⌋ (released) instead of the exact product
 */
public record ConstantThenCosine(double lr0, int epochs, double constantFraction, boolean floorTMax) implements LrSchedule {
    public ConstantThenCosine {
        if (!(lr0 > 0)) throw new IllegalArgumentException("ConstantThenCosine.lr0 must be > 0, got " + lr0);
        if (epochs < 1) throw new IllegalArgumentException("ConstantThenCosine.epochs must be >= 1, got " + epochs);
        if (!(constantFraction >= 0 && constantFraction <= 1)) {
            throw new IllegalArgumentException("ConstantThenCosine.constantFraction must be in [0, 1], got " + constantFraction);
        }
    }

    /** The exact T_max (the kit's reading). */
    public ConstantThenCosine(double lr0, int epochs, double constantFraction) { this(lr0, epochs, constantFraction, false); }

    /** The recipe's 75 % constant phase. */
    public static ConstantThenCosine spikachu(double lr0, int epochs) { return new ConstantThenCosine(lr0, epochs, 0.75, false); }

    /** The recipe as the released driver builds it: T_max = int(0.25·epochs). */
    public static ConstantThenCosine released(double lr0, int epochs) { return new ConstantThenCosine(lr0, epochs, 0.75, true); }

    /**
     * T_max of the cosine phase (at least 1e-9; floored, at least 1, when {@link #floorTMax}; a
     * floored T_max of 0 is never used by the released loop, which takes no scheduler step below 5 epochs).
     */
    public double tMax() {
        double t = (1 - constantFraction) * epochs;
        return floorTMax ? Math.max(1, Math.floor(t)) : Math.max(1e-9, t);
    }

    /** Learning rate used during epoch {@code e} (0-based). */
    @Override
    public double lr(int e) {
        if (e < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + e);
        int k = 0;
        for (int done = 0; done < e; done++) if (done > constantFraction * epochs) k++;
        return lr0 * (1 + Math.cos(Math.PI * Math.min(k, tMax()) / tMax())) / 2;
    }
}
