package org.spikekit.model;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;

/**
 * PyTorch-default initialisation and small tensor helpers for the PyTorch-layout models
 * ({@link Snn2}, {@link Snn3}), drawn with the backend's counter RNG so a seed gives the same
 * weights on every backend (the values differ from PyTorch's own generator, the distributions
 * do not).
 */
final class TorchInit {
    private TorchInit() {}

    /**
     * {@code nn.Linear} weight {@code [out, in]}: kaiming_uniform with a = √5, i.e.
     * U(−1/√in, 1/√in); the bias uses the same bound.
     */
    static Tensor linearWeight(Backend be, long seed, String name, int out, int in) {
        Tensor w = be.zeros(out, in);
        float bound = (float) (1.0 / Math.sqrt(in));
        be.randUniform(w, Init.seedFor(seed, name), -bound, bound);
        return w;
    }

    /** {@code nn.Linear} bias {@code [out]}: U(−1/√in, 1/√in). */
    static Tensor linearBias(Backend be, long seed, String name, int out, int in) {
        Tensor b = be.zeros(out);
        float bound = (float) (1.0 / Math.sqrt(in));
        be.randUniform(b, Init.seedFor(seed, name), -bound, bound);
        return b;
    }

    /** Inverted-dropout mask (PyTorch {@code nn.Dropout}): 1/(1 − p) with probability 1 − p, else 0. */
    static Tensor dropoutMask(Backend be, int[] shape, long seed, float p) {
        Tensor m = be.zeros(shape);
        be.randBernoulli(m, seed, 1f - p);
        be.affine(m, 1f / (1f - p), 0f, m);
        return m;
    }

    /** A new {@code [cols, rows]} tensor holding the transpose of the 2-D view of {@code w}. */
    static Tensor transposed(Backend be, Tensor w) {
        int r = w.rows(), c = w.cols();
        float[] a = be.toHost(w), t = new float[a.length];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) t[j * r + i] = a[i * c + j];
        return be.fromHost(t, c, r);
    }
}
