package org.spikekit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
    /**
     * Hand computation of scikit-learn's StratifiedKFold(3, shuffle=False) on
     * y = [2, 0, 2, 1, 0, 2, 0, 2, 1, 2]:
     * first-appearance codes 2→0, 0→1, 1→2 give enc = [0,1,0,2,1,0,1,0,2,0], sorted
     * [0,0,0,0,0,1,1,1,2,2]; positions {0,3,6,9} → counts (2,1,1), {1,4,7} → (2,1,0),
     * {2,5,8} → (1,1,1). Class code 0 (label 2, indices 0,2,5,7,9) gets folds 0,0,1,1,2; code 1
     * (label 0, indices 1,4,6) gets 0,1,2; code 2 (label 1, indices 3,8) gets 0,2.
     * test_folds = [0,0,0,0,1,1,2,1,2,2].
     */
    @Test
    void stratifiedKFoldMatchesHandComputedScikitLearnAssignment() {
        int[] y = {2, 0, 2, 1, 0, 2, 0, 2, 1, 2};
        List<Splits.Split> f = Splits.stratifiedKFold(y, 3);
        assertArrayEquals(new int[] {0, 1, 2, 3}, f.get(0).test());
        assertArrayEquals(new int[] {4, 5, 7}, f.get(1).test());
        assertArrayEquals(new int[] {6, 8, 9}, f.get(2).test());
        assertArrayEquals(new int[] {4, 5, 6, 7, 8, 9}, f.get(0).train());
        assertArrayEquals(new int[] {0, 1, 2, 3, 6, 8, 9}, f.get(1).train());
    }

    @Test
    void stratifiedKFoldOnSortedBalancedLabelsGivesContiguousBlocksPerClass() {
        // 10 folds over 3 classes x 20: each fold takes 2 of every class, in index order
        int[] y = new int[60];
        for (int i = 0; i < 60; i++) y[i] = i / 20;
        List<Splits.Split> f = Splits.stratifiedKFold(y, 10);
        assertArrayEquals(new int[] {0, 1, 20, 21, 40, 41}, f.get(0).test());
        assertArrayEquals(new int[] {18, 19, 38, 39, 58, 59}, f.get(9).test());
        // folds partition the data
        int[] seen = new int[60];
        for (Splits.Split s : f) {
            for (int i : s.test()) seen[i]++;
            assertEquals(54, s.train().length);
        }
        for (int s : seen) assertEquals(1, s);
    }

    @Test
    void stratifiedKFoldSizesOnMnistLikeCounts() {
        // MNIST training class counts: folds of 6000 with 54000 for training; fold 0 per-class sizes
        // computed independently with numpy: bincount(repeat(arange(10), counts)[0::10])
        int[] counts = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
        int[] y = new int[60000];
        int at = 0;
        for (int k = 0; k < 60000; k++) { // interleave classes like a real data set
            int c = k % 10;
            if (counts[c] > 0) { counts[c]--; y[at++] = c; }
        }
        for (int c = 0; c < 10; c++) while (counts[c]-- > 0) y[at++] = c;
        List<Splits.Split> f = Splits.stratifiedKFold(y, 10);
        for (Splits.Split s : f) {
            assertEquals(6000, s.test().length);
            assertEquals(54000, s.train().length);
        }
        int[] per = new int[10];
        for (int i : f.get(0).test()) per[y[i]]++;
        assertArrayEquals(new int[] {593, 674, 596, 613, 584, 542, 592, 626, 586, 594}, per);
    }

    @Test
    void stratifiedKFoldErrors() {
        assertThrows(IllegalArgumentException.class, () -> Splits.stratifiedKFold(new int[] {0, 0, 1, 1}, 3));
        assertThrows(IllegalArgumentException.class, () -> Splits.stratifiedKFold(new int[] {0, 1}, 1));
        // one class smaller than n_splits is allowed (scikit-learn warns)
        assertEquals(3, Splits.stratifiedKFold(new int[] {0, 0, 0, 1, 1, 1, 2}, 3).size());
    }

    @Test
    void stratifiedShuffleSplitIsStratifiedSeededAndShuffled() {
        int[] y = new int[1000];
        for (int i = 0; i < 1000; i++) y[i] = i < 500 ? 0 : i < 800 ? 1 : 2;
        Splits.Split s = Splits.stratifiedShuffleSplit(y, 0.1, 0);
        assertEquals(900, s.train().length);
        assertEquals(100, s.test().length);
        int[] per = new int[3];
        for (int i : s.test()) per[y[i]]++;
        assertArrayEquals(new int[] {50, 30, 20}, per);
        int[] all = IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.test())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 1000).toArray(), all);
        assertFalse(isSorted(s.train()), "training part should be shuffled");
        assertArrayEquals(s.train(), Splits.stratifiedShuffleSplit(y, 0.1, 0).train());
        assertFalse(Arrays.equals(s.train(), Splits.stratifiedShuffleSplit(y, 0.1, 1).train()));
        // n_test = ceil(0.1 * 1001) = 101: remainders decide the extra sample
        int[] y2 = Arrays.copyOf(y, 1001);
        y2[1000] = 2;
        Splits.Split s2 = Splits.stratifiedShuffleSplit(y2, 0.1, 0);
        assertEquals(101, s2.test().length);
        assertThrows(IllegalArgumentException.class, () -> Splits.stratifiedShuffleSplit(new int[] {0, 0, 1}, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> Splits.stratifiedShuffleSplit(y, 1.0, 0));
    }

    private static boolean isSorted(int[] a) {
        for (int i = 1; i < a.length; i++) if (a[i] < a[i - 1]) return false;
        return true;
    }

    @Test
    void balancedSubsetTakesTheFirstOfEachClassInOrder() {
        int[] y = {3, 1, 1, 3, 0, 1, 3, 0, 2};
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 7, 8}, Splits.balancedSubset(y, 2));
        assertArrayEquals(new int[] {0, 1, 4, 8}, Splits.balancedSubset(y, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.balancedSubset(y, 0));
    }
}
