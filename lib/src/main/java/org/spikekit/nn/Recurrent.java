package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;
import org.spikekit.core.Parameter;

/**
 * A multi-layer, unidirectional recurrent layer over a time-major sequence {@code [T, B, I] → [T, B, H]}
 * with PyTorch's {@code nn.RNN}/{@code nn.GRU}/{@code nn.LSTM} semantics: zero initial state, layer
 * {@code k > 0} reads the hidden sequence of layer {@code k − 1}, and in training inverted dropout
 * with probability {@code p} is applied to the output of every layer except the last (PyTorch's
 * {@code dropout} argument). The output is the hidden sequence of the last layer. These are the
 * cores of the Spikachu RNN/GRU/LSTM baselines (notebooks/papers/spikachu.md §4.5).
 *
 * <p>Parameters per layer {@code k}, named {@code <name>.l<k>.w_ih}, {@code .w_hh}, {@code .b_ih},
 * {@code .b_hh}: {@code w_ih [I_k, G·H]} and {@code w_hh [H, G·H]} are the transposes of PyTorch's
 * {@code weight_ih_l<k>} and {@code weight_hh_l<k>} (the kit stores weights {@code [in, out]} as
 * {@link Linear} does), with the G gate blocks side by side along the columns in PyTorch's order;
 * {@code b_ih} and {@code b_hh} are both learned, as in PyTorch. All are initialised
 * U(−1/√H, 1/√H) as PyTorch does, each seeded from the model seed and its name.
 *
 * <p>Computation per layer: the input projection of all T steps is one gemm
 * {@code X·W_ih + b_ih}; each step then does one gemm {@code h_{t−1}·W_hh} (skipped at t = 0, where
 * h = 0) followed by the cell's elementwise update on host arrays. The backward pass is full BPTT
 * over the whole sequence in one call: one gemm per step for {@code dh_{t−1}}, then one gemm each
 * for {@code dW_ih}, {@code dW_hh} and {@code dX} over all steps.
 */
public abstract sealed class Recurrent implements Layer permits Rnn, Gru, Lstm {
    private final String name;
    private final int input, hidden, layers, gates;
    private final float dropout;
    private final Parameter[] wIh, wHh, bIh, bHh;
    private final List<Parameter> params;

    Recurrent(Backend be, String name, int input, int hidden, int layers, float dropout, long seed, int gates) {
        String who = getClass().getSimpleName() + " " + name;
        if (be == null) throw new IllegalArgumentException(who + ": backend must not be null");
        if (name == null || name.isBlank()) throw new IllegalArgumentException(getClass().getSimpleName() + ": name must not be blank");
        if (input < 1) throw new IllegalArgumentException(who + ": input size must be >= 1, got " + input);
        if (hidden < 1) throw new IllegalArgumentException(who + ": hidden size must be >= 1, got " + hidden);
        if (layers < 1) throw new IllegalArgumentException(who + ": layers must be >= 1, got " + layers);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException(who + ": dropout must be in [0, 1), got " + dropout);
        this.name = name;
        this.input = input;
        this.hidden = hidden;
        this.layers = layers;
        this.gates = gates;
        this.dropout = dropout;
        wIh = new Parameter[layers];
        wHh = new Parameter[layers];
        bIh = new Parameter[layers];
        bHh = new Parameter[layers];
        float bound = 1f / (float) Math.sqrt(hidden);
        List<Parameter> all = new ArrayList<>();
        for (int k = 0; k < layers; k++) {
            String p = name + ".l" + k + ".";
            int in = k == 0 ? input : hidden;
            wIh[k] = uniform(be, p + "w_ih", seed, bound, in, gates * hidden);
            wHh[k] = uniform(be, p + "w_hh", seed, bound, hidden, gates * hidden);
            bIh[k] = uniform(be, p + "b_ih", seed, bound, gates * hidden);
            bHh[k] = uniform(be, p + "b_hh", seed, bound, gates * hidden);
            all.addAll(List.of(wIh[k], wHh[k], bIh[k], bHh[k]));
        }
        this.params = List.copyOf(all);
    }

    private static Parameter uniform(Backend be, String name, long seed, float bound, int... shape) {
        Tensor t = be.zeros(shape);
        Init.uniform(t, Init.seedFor(seed, name), -bound, bound);
        return new Parameter(name, t, true);
    }

    /** Input feature size I of the first layer. */
    public int inputSize() { return input; }

    /** Hidden size H (of every layer, and the output feature size). */
    public int hiddenSize() { return hidden; }

    /** Number of stacked layers. */
    public int numLayers() { return layers; }

    /** Inter-layer dropout probability (not applied after the last layer). */
    public float dropout() { return dropout; }

    /** Parameter-name prefix. */
    public String name() { return name; }

    /** Number of gate blocks G in the weight matrices: 1 (RNN), 3 (GRU), 4 (LSTM). */
    public int gates() { return gates; }

    /** Input-to-hidden weight {@code [I_k, G·H]} of layer k. */
    public Parameter weightIh(int k) { return wIh[k]; }

    /** Hidden-to-hidden weight {@code [H, G·H]} of layer k. */
    public Parameter weightHh(int k) { return wHh[k]; }

    public Parameter biasIh(int k) { return bIh[k]; }

    public Parameter biasHh(int k) { return bHh[k]; }

    @Override
    public List<Parameter> parameters() { return params; }

    // ---- cell hooks ---------------------------------------------------------------------------

    /** Floats cached per (step, sample) for the backward pass, as a multiple of H. */
    abstract int cacheWidth();

    /** True when the gradients of the ih and hh pre-activations differ (GRU's n gate). */
    abstract boolean separateHhGrad();

    /**
     * Step t of one layer: {@code xp} holds the input projections of all steps ({@code [T·B, G·H]},
     * b_ih included), {@code hp} this step's {@code h_{t−1}·W_hh + b_hh} ({@code [B, G·H]}); writes
     * {@code h_t} into {@code hs[t]} ({@code [T·B, H]}) and the step's cache.
     */
    abstract void stepForward(int t, int b, int h, float[] xp, float[] hp, float[] hs, float[] cache);

    /**
     * Backward through step t: {@code dh} is dL/dh_t ({@code [B, H]}); writes the pre-activation
     * gradients of step t into {@code dGi}/{@code dGh} ({@code [T·B, G·H]}), the part of
     * dL/dh_{t−1} that does not pass through W_hh into {@code direct}, and updates the cell-state
     * gradient {@code carry} (LSTM) from dL/dc_t to dL/dc_{t−1}.
     */
    abstract void stepBackward(int t, int b, int h, float[] dh, float[] hs, float[] cache,
                               float[] dGi, float[] dGh, float[] direct, float[] carry);

    static float sigmoid(float a) { return (float) (1.0 / (1.0 + Math.exp(-a))); }

    static float tanh(float a) { return (float) Math.tanh(a); }

    // ---- forward / backward -------------------------------------------------------------------

    /** What one layer's backward needs: its input, output, host copy of the output, and gate cache. */
    private record LayerRec(Tensor x, Tensor y, float[] hs, float[] cache) {}

    private record Rec(int t, int b, LayerRec[] layers, float[][] masks) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        String who = describeShort();
        if (x == null) throw new IllegalArgumentException(who + ": input is null");
        int[] s = x.shape();
        if (s.length != 3 || s[2] != input || s[0] < 1 || s[1] < 1) {
            throw new IllegalArgumentException(who + ": expected a time-major input [T >= 1, B >= 1, " + input + "], got " + Arrays.toString(s));
        }
        int t = s[0], b = s[1];
        Backend be = x.backend();
        boolean drop = tape.training() && dropout > 0f;
        LayerRec[] recs = new LayerRec[layers];
        float[][] masks = new float[layers][];
        Tensor in = x.reshape(t * b, input);
        Tensor out = null;
        for (int k = 0; k < layers; k++) {
            LayerRec r = runLayer(be, k, in, t, b);
            recs[k] = r;
            out = r.y();
            if (k < layers - 1) {
                if (drop) {
                    long seed = tape.nextSeed();
                    float keep = 1f - dropout, scale = 1f / keep;
                    float[] m = new float[r.hs().length], v = new float[m.length];
                    for (int i = 0; i < m.length; i++) {
                        m[i] = CounterRng.uniform(seed, i) < keep ? scale : 0f;
                        v[i] = r.hs()[i] * m[i];
                    }
                    masks[k] = m;
                    in = be.fromHost(v, t * b, hidden);
                } else {
                    in = out;
                }
            }
        }
        if (tape.keeps()) tape.push(new Rec(t, b, recs, masks));
        return out.reshape(t, b, hidden);
    }

    private LayerRec runLayer(Backend be, int k, Tensor x, int t, int b) {
        int h = hidden, gh = gates * h, bgh = b * gh, bh = b * h;
        Tensor xp = be.zeros(t * b, gh);
        be.gemm(false, false, 1f, x, wIh[k].value(), 0f, xp);
        be.zipRow(BinaryOp.ADD, xp, bIh[k].value(), xp);
        float[] xpH = be.toHost(xp);
        float[] bhh = be.toHost(bHh[k].value());
        float[] hs = new float[t * bh];
        float[] cache = new float[t * b * cacheWidth() * h];
        float[] hp = new float[bgh];
        Tensor hpT = be.zeros(b, gh);
        Tensor hPrev = null;
        Tensor w = wHh[k].value();
        for (int step = 0; step < t; step++) {
            if (step == 0) {
                for (int r = 0; r < b; r++) System.arraycopy(bhh, 0, hp, r * gh, gh);
            } else {
                be.gemm(false, false, 1f, hPrev, w, 0f, hpT);
                be.toHost(hpT, hp, 0);
                for (int r = 0; r < b; r++) {
                    int o = r * gh;
                    for (int j = 0; j < gh; j++) hp[o + j] += bhh[j];
                }
            }
            stepForward(step, b, h, xpH, hp, hs, cache);
            if (step < t - 1) hPrev = be.fromHost(Arrays.copyOfRange(hs, step * bh, (step + 1) * bh), b, h);
        }
        return new LayerRec(x, be.fromHost(hs, t * b, h), hs, cache);
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        int t = r.t(), b = r.b();
        if (gradOut == null || gradOut.size() != (long) t * b * hidden) {
            throw new IllegalArgumentException(describeShort() + ": expected a gradient [" + t + ", " + b + ", " + hidden + "], got "
                    + (gradOut == null ? "null" : Arrays.toString(gradOut.shape())));
        }
        Backend be = gradOut.backend();
        float[] dY = be.toHost(gradOut);
        for (int k = layers - 1; ; k--) {
            Tensor dX = backLayer(be, k, r.layers()[k], dY, t, b);
            if (k == 0) return dX.reshape(t, b, input);
            dY = be.toHost(dX);
            float[] m = r.masks()[k - 1];
            if (m != null) for (int i = 0; i < dY.length; i++) dY[i] *= m[i];
        }
    }

    private Tensor backLayer(Backend be, int k, LayerRec lr, float[] dY, int t, int b) {
        int h = hidden, gh = gates * h, bgh = b * gh, bh = b * h;
        float[] dGi = new float[t * bgh];
        float[] dGh = separateHhGrad() ? new float[t * bgh] : dGi;
        float[] dh = new float[bh], rec = new float[bh], carry = new float[bh], tmp = new float[bh];
        Tensor dhT = be.zeros(b, h);
        Tensor w = wHh[k].value();
        for (int step = t - 1; step >= 0; step--) {
            int o = step * bh;
            for (int i = 0; i < bh; i++) dh[i] = dY[o + i] + rec[i];
            stepBackward(step, b, h, dh, lr.hs(), lr.cache(), dGi, dGh, rec, carry);
            if (step > 0) {
                Tensor g = be.fromHost(Arrays.copyOfRange(dGh, step * bgh, (step + 1) * bgh), b, gh);
                be.gemm(false, true, 1f, g, w, 0f, dhT);
                be.toHost(dhT, tmp, 0);
                for (int i = 0; i < bh; i++) rec[i] += tmp[i];
            }
        }
        Tensor dGiT = be.fromHost(dGi, t * b, gh);
        Tensor dGhT = separateHhGrad() ? be.fromHost(dGh, t * b, gh) : dGiT;
        be.gemm(true, false, 1f, lr.x(), dGiT, 1f, wIh[k].grad());
        be.sumRows(dGiT, 1f, bIh[k].grad());
        be.sumRows(dGhT, 1f, bHh[k].grad());
        if (t > 1) be.gemm(true, false, 1f, lr.y().narrow0(0, (t - 1) * b), dGhT.narrow0(b, (t - 1) * b), 1f, wHh[k].grad());
        Tensor dX = be.zeros(t * b, lr.x().cols());
        be.gemm(false, true, 1f, dGiT, wIh[k].value(), 0f, dX);
        return dX;
    }

    private String describeShort() { return getClass().getSimpleName() + " " + name; }

    @Override
    public String describe() {
        return getClass().getSimpleName() + "(" + input + "→" + hidden + ", layers " + layers + (dropout > 0 ? ", dropout " + dropout : "") + ")";
    }
}
