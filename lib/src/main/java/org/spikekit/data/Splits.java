package org.spikekit.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The train/validation splits of SpikeNN (notebooks/papers/spikenn.md §3.2, from
 * {@code ft-extract/dataset/generate_train_val.py} and {@code generate_folds.py}), over the
 * labels of the official training set. All methods return indices into that set.
 *
 * <ul>
 *   <li>{@link #stratifiedShuffleSplit}: the gridsearch split {@code gs/} (90 % train / 10 % val,
 *       seed 0 in the original, which used scikit-learn's {@code StratifiedShuffleSplit}). Same
 *       sizes and stratification, own RNG: see the method; index-for-index parity with scikit-learn's
 *       NumPy RNG is not attempted.
 *   <li>{@link #stratifiedKFold}: scikit-learn (≥ 0.22) {@code StratifiedKFold(n_splits,
 *       shuffle=False)}, reproduced exactly (deterministic, no RNG).
 *   <li>{@link #balancedSubset}: the first {@code k} images of every class, for quick mode.
 * </ul>
 */
public final class Splits {
    private Splits() {}

    /**
     * One split: indices of the training part and of the held-out part (validation or test fold).
     * Order is part of the split (the readout iterates the training set in this order).
     */
    public record Split(int[] train, int[] test) {
        public Split {
            train = train.clone();
            test = test.clone();
        }

        @Override
        public int[] train() { return train.clone(); }

        @Override
        public int[] test() { return test.clone(); }
    }

    private static int[] classCounts(int[] labels, String what) {
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) throw new IllegalArgumentException(what + ": label " + labels[i] + " at index " + i + " is negative");
            max = Math.max(max, labels[i]);
        }
        int[] c = new int[max + 1];
        for (int l : labels) c[l]++;
        return c;
    }

    /**
     * Stratified shuffle split, one split: {@code n_test = ⌈testSize·n⌉} (as scikit-learn), each
     * class {@code c} contributing {@code ⌊n_test·n_c/n⌋} held-out samples plus one for the classes
     * with the largest remainders (ties: lower class) until {@code n_test} is reached.
     *
     * <p>RNG (documented, not scikit-learn's): {@code SplittableRandom(seed)}; for each class in
     * ascending label order its indices (ascending) are Fisher–Yates shuffled (for {@code i} from
     * last to 1, swap with {@code nextInt(i + 1)}) and the first {@code t_c} held out; then the
     * training indices (class by class) and the held-out indices are each shuffled the same way,
     * so neither part is class-sorted.
     *
     * @throws IllegalArgumentException if a class has fewer than 2 members or a part would be empty
     */
    public static Split stratifiedShuffleSplit(int[] labels, double testSize, long seed) {
        if (!(testSize > 0 && testSize < 1)) throw new IllegalArgumentException("testSize must be in (0, 1), got " + testSize);
        int n = labels.length;
        int[] counts = classCounts(labels, "stratifiedShuffleSplit");
        int nTest = (int) Math.ceil(testSize * n);
        int nTrain = n - nTest;
        int present = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) continue;
            present++;
            if (counts[c] < 2) {
                throw new IllegalArgumentException("stratifiedShuffleSplit: class " + c + " has only " + counts[c]
                        + " member; every class needs at least 2");
            }
        }
        if (nTrain < present || nTest < present) {
            throw new IllegalArgumentException("stratifiedShuffleSplit: " + n + " samples with testSize " + testSize + " give "
                    + nTrain + "/" + nTest + " samples, fewer than the " + present + " classes");
        }
        int[] take = new int[counts.length];
        double[] rem = new double[counts.length];
        int given = 0;
        for (int c = 0; c < counts.length; c++) {
            double exact = (double) nTest * counts[c] / n;
            take[c] = (int) Math.floor(exact);
            rem[c] = exact - take[c];
            given += take[c];
        }
        while (given < nTest) {
            int best = -1;
            for (int c = 0; c < counts.length; c++) {
                if (take[c] < counts[c] && (best < 0 || rem[c] > rem[best])) best = c;
            }
            take[best]++;
            rem[best] = -1;
            given++;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] byClass = indicesByClass(labels, counts);
        int[] train = new int[nTrain], test = new int[nTest];
        int a = 0, b = 0;
        for (int c = 0; c < counts.length; c++) {
            int[] idx = byClass[c];
            shuffle(idx, rng);
            for (int k = 0; k < idx.length; k++) {
                if (k < take[c]) test[b++] = idx[k];
                else train[a++] = idx[k];
            }
        }
        shuffle(train, rng);
        shuffle(test, rng);
        return new Split(train, test);
    }

    private static int[][] indicesByClass(int[] labels, int[] counts) {
        int[][] out = new int[counts.length][];
        int[] fill = new int[counts.length];
        for (int c = 0; c < counts.length; c++) out[c] = new int[counts[c]];
        for (int i = 0; i < labels.length; i++) out[labels[i]][fill[labels[i]]++] = i;
        return out;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * scikit-learn's {@code StratifiedKFold(n_splits, shuffle=False).split(X, y)} (versions ≥ 0.22,
     * {@code _make_test_folds}), exactly: classes are encoded in order of first appearance in
     * {@code labels}; the encoded labels are sorted and dealt round-robin to the folds
     * ({@code allocation[i][k]} = number of class-{@code k} entries among positions {@code i, i+K,
     * i+2K, …} of the sorted list); then the members of each class, in index order, get fold 0
     * {@code allocation[0][k]} times, fold 1 {@code allocation[1][k]} times, and so on. Split
     * {@code i} holds out the samples of fold {@code i}; both parts are in ascending index order.
     *
     * @throws IllegalArgumentException if {@code nSplits < 2}, or {@code nSplits} exceeds every
     *     class's size (scikit-learn's error); a class smaller than {@code nSplits} is allowed (the
     *     original only warns) and is then absent from some folds
     */
    public static List<Split> stratifiedKFold(int[] labels, int nSplits) {
        if (nSplits < 2) throw new IllegalArgumentException("stratifiedKFold: n_splits must be at least 2, got " + nSplits);
        int n = labels.length;
        if (nSplits > n) throw new IllegalArgumentException("stratifiedKFold: n_splits=" + nSplits + " is greater than the " + n + " samples");
        Map<Integer, Integer> code = new LinkedHashMap<>();
        int[] enc = new int[n];
        for (int i = 0; i < n; i++) enc[i] = code.computeIfAbsent(labels[i], k -> code.size());
        int classes = code.size();
        int[] counts = new int[classes];
        for (int e : enc) counts[e]++;
        boolean all = true;
        for (int c : counts) all &= nSplits > c;
        if (all) {
            throw new IllegalArgumentException("stratifiedKFold: n_splits=" + nSplits + " cannot be greater than the number of members in each class");
        }
        int[] order = enc.clone();
        Arrays.sort(order);
        int[][] alloc = new int[nSplits][classes];
        for (int p = 0; p < n; p++) alloc[p % nSplits][order[p]]++;
        int[] fold = new int[n];
        int[] nextFold = new int[classes], usedInFold = new int[classes];
        for (int i = 0; i < n; i++) {
            int k = enc[i];
            while (usedInFold[k] >= alloc[nextFold[k]][k]) {
                nextFold[k]++;
                usedInFold[k] = 0;
            }
            fold[i] = nextFold[k];
            usedInFold[k]++;
        }
        List<Split> out = new ArrayList<>();
        for (int f = 0; f < nSplits; f++) {
            int nt = 0;
            for (int x : fold) if (x == f) nt++;
            int[] test = new int[nt], train = new int[n - nt];
            int a = 0, b = 0;
            for (int i = 0; i < n; i++) {
                if (fold[i] == f) test[b++] = i;
                else train[a++] = i;
            }
            out.add(new Split(train, test));
        }
        return List.copyOf(out);
    }

    /**
     * The first {@code perClass} samples of every class (all of a smaller class), in their original
     * order — a class-balanced subset for quick mode that keeps the data's own order.
     */
    public static int[] balancedSubset(int[] labels, int perClass) {
        if (perClass < 1) throw new IllegalArgumentException("balancedSubset: perClass must be >= 1, got " + perClass);
        int[] counts = classCounts(labels, "balancedSubset");
        int[] seen = new int[counts.length];
        int[] out = new int[labels.length];
        int m = 0;
        for (int i = 0; i < labels.length; i++) if (seen[labels[i]]++ < perClass) out[m++] = i;
        return Arrays.copyOf(out, m);
    }
}
