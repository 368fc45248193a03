package org.spikekit.train.stdp;

import java.util.List;

/**
 * Per-epoch, per-neuron training statistics of one run (notebooks/papers/spikenn.md §6 and §7.3, the original's
 * {@code save_stats} traces, aggregated per epoch instead of per sample to stay small). Each list
 * has one entry per epoch run, each array one value per output neuron.
 *
 * @param targetWins      times the neuron was its class group's intra-class winner (first spike
 *                        of its NCG, ties larger V) on a training sample <em>of its class</em> — the
 *                        sum over samples of the original's {@code t_updates_trace}; with NCG these
 *                        are its weight updates as a target-class winner (Fig. 2)
 * @param nonTargetWins   the same on samples of another class ({@code nt_updates_trace})
 * @param wins            times the neuron was the global winner (the prediction) on a training sample
 * @param precision       fraction of the neuron's global wins whose label is the neuron's class
 *                        (NaN when it never won), from the training-mode forward passes of the
 *                        epoch ({@code neuron_prec_trace}; our choice of set: the training samples)
 * @param trainThresholds training thresholds at the end of the epoch (CR-2: θ̂ before the reset of
 *                        the next epoch; CR-1: the single training vector; no CR: θ)
 * @param thresholds      decision thresholds θ after the epoch's end step ({@code thresholds_trace})
 */
public record TrainStats(List<int[]> targetWins, List<int[]> nonTargetWins, List<int[]> wins, List<double[]> precision,
                         List<float[]> trainThresholds, List<float[]> thresholds) {
    public TrainStats {
        targetWins = List.copyOf(targetWins);
        nonTargetWins = List.copyOf(nonTargetWins);
        wins = List.copyOf(wins);
        precision = List.copyOf(precision);
        trainThresholds = List.copyOf(trainThresholds);
        thresholds = List.copyOf(thresholds);
    }

    /** Number of epochs recorded. */
    public int epochs() { return targetWins.size(); }
}
