package org.spikekit.nn;

import java.util.Arrays;
import org.spikekit.compute.Tensor;

/** Shape checks shared by the layers. */
final class Shapes {
    private Shapes() {}

    /** The shape of {@code x} after checking its last dimension is {@code features}. */
    static int[] lastDim(Tensor x, int features, String who) {
        if (x == null) throw new IllegalArgumentException(who + ": input is null");
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != features) {
            throw new IllegalArgumentException(who + ": expected an input [..., " + features + "], got " + Arrays.toString(s));
        }
        return s;
    }

    /** {@code s} with its last dimension replaced. */
    static int[] withLast(int[] s, int last) {
        int[] r = s.clone();
        r[r.length - 1] = last;
        return r;
    }
}
