package org.spikekit.nn;

import org.spikekit.compute.Backend;

/**
 * Elman RNN with tanh, as PyTorch's {@code nn.RNN(nonlinearity='tanh')}:
 * {@code h_t = tanh(x_t·W_ih + b_ih + h_{t−1}·W_hh + b_hh)}, stacked and with inter-layer dropout as
 * described in {@link Recurrent}. The core of Spikachu's RNN baseline (8 layers, hidden 212).
 */
public final class Rnn extends Recurrent {

    /**
     * @param name parameter prefix ({@code name.l0.w_ih}, ...)
     * @param input input feature size
     * @param hidden hidden size
     * @param layers stacked layers (≥ 1)
     * @param dropout inter-layer dropout probability in [0, 1)
     * @param seed model seed (each parameter's seed derives from it and its name)
     */
    public Rnn(Backend be, String name, int input, int hidden, int layers, float dropout, long seed) {
        super(be, name, input, hidden, layers, dropout, seed, 1);
    }

    @Override
    int cacheWidth() { return 0; }

    @Override
    boolean separateHhGrad() { return false; }

    @Override
    void stepForward(int t, int b, int h, float[] xp, float[] hp, float[] hs, float[] cache) {
        int n = b * h, o = t * n;
        for (int i = 0; i < n; i++) hs[o + i] = tanh(xp[o + i] + hp[i]);
    }

    @Override
    void stepBackward(int t, int b, int h, float[] dh, float[] hs, float[] cache,
                      float[] dGi, float[] dGh, float[] direct, float[] carry) {
        int n = b * h, o = t * n;
        for (int i = 0; i < n; i++) {
            float y = hs[o + i];
            dGi[o + i] = dh[i] * (1f - y * y);
            direct[i] = 0f;
        }
    }
}
