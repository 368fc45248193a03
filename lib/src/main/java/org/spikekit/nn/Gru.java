package org.spikekit.nn;

import org.spikekit.compute.Backend;

/**
 * Gated recurrent unit as PyTorch's {@code nn.GRU} (gate blocks in the order r, z, n):
 * <pre>
 * r_t = σ(x_t W_ir + b_ir + h_{t−1} W_hr + b_hr)
 * z_t = σ(x_t W_iz + b_iz + h_{t−1} W_hz + b_hz)
 * n_t = tanh(x_t W_in + b_in + r_t ⊙ (h_{t−1} W_hn + b_hn))
 * h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 * </pre>
 * stacked and with inter-layer dropout as described in {@link Recurrent}. The core of Spikachu's
 * GRU baseline (4 layers, hidden 164).
 */
public final class Gru extends Recurrent {

    /**
     * @param name parameter prefix ({@code name.l0.w_ih}, ...)
     * @param input input feature size
     * @param hidden hidden size
     * @param layers stacked layers (≥ 1)
     * @param dropout inter-layer dropout probability in [0, 1)
     * @param seed model seed (each parameter's seed derives from it and its name)
     */
    public Gru(Backend be, String name, int input, int hidden, int layers, float dropout, long seed) {
        super(be, name, input, hidden, layers, dropout, seed, 3);
    }

    /** Cache per (step, sample): r, z, n and h_{t−1}W_hn + b_hn. */
    @Override
    int cacheWidth() { return 4; }

    @Override
    boolean separateHhGrad() { return true; }

    @Override
    void stepForward(int t, int b, int h, float[] xp, float[] hp, float[] hs, float[] cache) {
        int gh = 3 * h;
        for (int r = 0; r < b; r++) {
            int x0 = (t * b + r) * gh, p0 = r * gh, c0 = (t * b + r) * 4 * h, h0 = (t * b + r) * h;
            int prev = t > 0 ? h0 - b * h : -1;
            for (int j = 0; j < h; j++) {
                float rg = sigmoid(xp[x0 + j] + hp[p0 + j]);
                float zg = sigmoid(xp[x0 + h + j] + hp[p0 + h + j]);
                float hn = hp[p0 + 2 * h + j];
                float ng = tanh(xp[x0 + 2 * h + j] + rg * hn);
                float hPrev = prev >= 0 ? hs[prev + j] : 0f;
                hs[h0 + j] = ng + zg * (hPrev - ng);
                cache[c0 + j] = rg;
                cache[c0 + h + j] = zg;
                cache[c0 + 2 * h + j] = ng;
                cache[c0 + 3 * h + j] = hn;
            }
        }
    }

    @Override
    void stepBackward(int t, int b, int h, float[] dh, float[] hs, float[] cache,
                      float[] dGi, float[] dGh, float[] direct, float[] carry) {
        int gh = 3 * h;
        for (int r = 0; r < b; r++) {
            int g0 = (t * b + r) * gh, c0 = (t * b + r) * 4 * h, h0 = (t * b + r) * h, d0 = r * h;
            int prev = t > 0 ? h0 - b * h : -1;
            for (int j = 0; j < h; j++) {
                float rg = cache[c0 + j], zg = cache[c0 + h + j], ng = cache[c0 + 2 * h + j], hn = cache[c0 + 3 * h + j];
                float hPrev = prev >= 0 ? hs[prev + j] : 0f;
                float g = dh[d0 + j];
                float dan = g * (1f - zg) * (1f - ng * ng);
                float daz = g * (hPrev - ng) * zg * (1f - zg);
                float dar = dan * hn * rg * (1f - rg);
                dGi[g0 + j] = dar;
                dGh[g0 + j] = dar;
                dGi[g0 + h + j] = daz;
                dGh[g0 + h + j] = daz;
                dGi[g0 + 2 * h + j] = dan;
                dGh[g0 + 2 * h + j] = dan * rg;
                direct[d0 + j] = g * zg;
            }
        }
    }
}
