package org.spikekit.nn;

import org.spikekit.compute.Backend;

/**
 * Long short-term memory as PyTorch's {@code nn.LSTM} (gate blocks in the order i, f, g, o; no
 * peepholes, no projection):
 * <pre>
 * i_t = σ(x_t W_ii + b_ii + h_{t−1} W_hi + b_hi)      f_t = σ(x_t W_if + b_if + h_{t−1} W_hf + b_hf)
 * g_t = tanh(x_t W_ig + b_ig + h_{t−1} W_hg + b_hg)   o_t = σ(x_t W_io + b_io + h_{t−1} W_ho + b_ho)
 * c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                      h_t = o_t ⊙ tanh(c_t)
 * </pre>
 * with zero initial h and c, stacked and with inter-layer dropout (on h) as described in
 * {@link Recurrent}. The core of Spikachu's LSTM baseline (4 layers, hidden 162).
 */
public final class Lstm extends Recurrent {

    /**
     * @param name parameter prefix ({@code name.l0.w_ih}, ...)
     * @param input input feature size
     * @param hidden hidden size
     * @param layers stacked layers (≥ 1)
     * @param dropout inter-layer dropout probability in [0, 1)
     * @param seed model seed (each parameter's seed derives from it and its name)
     */
    public Lstm(Backend be, String name, int input, int hidden, int layers, float dropout, long seed) {
        super(be, name, input, hidden, layers, dropout, seed, 4);
    }

    /** Cache per (step, sample): i, f, g, o and c. */
    @Override
    int cacheWidth() { return 5; }

    @Override
    boolean separateHhGrad() { return false; }

    @Override
    void stepForward(int t, int b, int h, float[] xp, float[] hp, float[] hs, float[] cache) {
        int gh = 4 * h, cw = 5 * h;
        for (int r = 0; r < b; r++) {
            int x0 = (t * b + r) * gh, p0 = r * gh, c0 = (t * b + r) * cw, h0 = (t * b + r) * h;
            int prev = t > 0 ? c0 - b * cw : -1;
            for (int j = 0; j < h; j++) {
                float ig = sigmoid(xp[x0 + j] + hp[p0 + j]);
                float fg = sigmoid(xp[x0 + h + j] + hp[p0 + h + j]);
                float gg = tanh(xp[x0 + 2 * h + j] + hp[p0 + 2 * h + j]);
                float og = sigmoid(xp[x0 + 3 * h + j] + hp[p0 + 3 * h + j]);
                float cPrev = prev >= 0 ? cache[prev + 4 * h + j] : 0f;
                float c = fg * cPrev + ig * gg;
                hs[h0 + j] = og * tanh(c);
                cache[c0 + j] = ig;
                cache[c0 + h + j] = fg;
                cache[c0 + 2 * h + j] = gg;
                cache[c0 + 3 * h + j] = og;
                cache[c0 + 4 * h + j] = c;
            }
        }
    }

    @Override
    void stepBackward(int t, int b, int h, float[] dh, float[] hs, float[] cache,
                      float[] dGi, float[] dGh, float[] direct, float[] carry) {
        int gh = 4 * h, cw = 5 * h;
        for (int r = 0; r < b; r++) {
            int g0 = (t * b + r) * gh, c0 = (t * b + r) * cw, d0 = r * h;
            int prev = t > 0 ? c0 - b * cw : -1;
            for (int j = 0; j < h; j++) {
                float ig = cache[c0 + j], fg = cache[c0 + h + j], gg = cache[c0 + 2 * h + j], og = cache[c0 + 3 * h + j];
                float tc = tanh(cache[c0 + 4 * h + j]);
                float cPrev = prev >= 0 ? cache[prev + 4 * h + j] : 0f;
                float g = dh[d0 + j];
                float dc = carry[d0 + j] + g * og * (1f - tc * tc);
                dGi[g0 + j] = dc * gg * ig * (1f - ig);
                dGi[g0 + h + j] = dc * cPrev * fg * (1f - fg);
                dGi[g0 + 2 * h + j] = dc * ig * (1f - gg * gg);
                dGi[g0 + 3 * h + j] = g * tc * og * (1f - og);
                carry[d0 + j] = dc * fg;
                direct[d0 + j] = 0f;
            }
        }
    }
}
