package org.spikekit.data.spiking;

import java.util.Arrays;
import java.util.Objects;

/**
 * The train / validation / test sets of one SpikeNN run (notebooks/papers/spikenn.md §3.2: the gridsearch split
 * {@code gs/} or one K-fold fold {@code kfold/i/}). All three must agree in input size, maxTime and
 * classes. {@code val} may be empty (then there is no early stopping); {@code test} may be empty
 * (gridsearch runs do not use it).
 */
public record SpikingSplit(SpikingDataset train, SpikingDataset val, SpikingDataset test) {
    public SpikingSplit {
        Objects.requireNonNull(train, "SpikingSplit.train");
        Objects.requireNonNull(val, "SpikingSplit.val");
        Objects.requireNonNull(test, "SpikingSplit.test");
        check("val", val, train);
        check("test", test, train);
        if (train.size() == 0) throw new IllegalArgumentException("SpikingSplit.train is empty");
    }

    private static void check(String name, SpikingDataset d, SpikingDataset train) {
        if (d.inputSize() != train.inputSize() || d.maxTime() != train.maxTime() || d.numClasses() != train.numClasses()) {
            throw new IllegalArgumentException("SpikingSplit." + name + " has input size " + d.inputSize() + ", maxTime " + d.maxTime()
                    + ", " + d.numClasses() + " classes; train has " + train.inputSize() + ", " + train.maxTime() + ", " + train.numClasses());
        }
        for (int k = 0; k < d.numClasses(); k++) {
            if (d.classValue(k) != train.classValue(k)) {
                throw new IllegalArgumentException("SpikingSplit." + name + " maps class " + k + " to label value " + d.classValue(k)
                        + ", train maps it to " + train.classValue(k) + " (build the splits with one class list, see SpikingDataset.fromDense)");
            }
        }
    }

    /** Input size D. */
    public int inputSize() { return train.inputSize(); }

    /** Number of classes C. */
    public int numClasses() { return train.numClasses(); }

    /** Identity of the data for run keys: the digests of the three sets. */
    public String digest() { return train.digest() + ":" + val.digest() + ":" + test.digest(); }

    @Override
    public String toString() {
        return "SpikingSplit[train=" + train + ", val=" + val + ", test=" + test + "]";
    }

    /** Helper for callers that print class counts. */
    public String classCounts() {
        return "train " + Arrays.toString(train.classCounts()) + ", val " + Arrays.toString(val.classCounts()) + ", test "
                + Arrays.toString(test.classCounts());
    }
}
