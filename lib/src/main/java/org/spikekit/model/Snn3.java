package org.spikekit.model;

import java.util.ArrayList;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;
import org.spikekit.core.Parameter;
import org.spikekit.core.SequenceModel;
import org.spikekit.metrics.Buffer;
import org.spikekit.metrics.DType;
import org.spikekit.metrics.MetricLayer;
import org.spikekit.metrics.MetricModel;
import org.spikekit.neuron.SnnTorchLeaky;
import org.spikekit.neuron.Surrogate;

/**
 * NeuroBench's primate-reaching baseline SNN3 (notebooks/papers/rsnn.md §4.5; NeuroBench
 * {@code examples/primate_reaching/SNN_3.py} in its latest form: LayerNorm over
 * {@code [num_steps, input_dim]}, summed (not binarised) sub-bins, β and θ fixed, output layer without
 * reset. An earlier form of that file (LayerNorm over {@code [input_dim]}, binarised 8-row sub-bins,
 * learnable β and θ) does not give the published footprint; this one does, see below).
 *
 * <p><b>Input binning.</b> The model keeps a FIFO buffer of input rows that starts as ONE row of
 * zeros; at every 4-ms step n the new input row is appended and, if the buffer then holds more than
 * {@code window} (50) rows, the oldest row is dropped. Sub-bin i (i = 0..6) is the sum of buffer
 * rows {@code [i·s, i·s + s)} that exist, s = window / subBins = 7 (integer division). Hence rows
 * 0..48 are used and, once the buffer is full (n ≥ 48), sub-bin i covers x[n − 49 + 7i .. n − 43 + 7i]
 * and the newest row x[n] is not seen; while the buffer fills, the data sit in the first rows
 * (buffer row r = x[r − 1], row 0 the initial zeros). This is reproduced exactly.
 *
 * <p><b>Per output step n</b>, with A[i, j] the sub-bin sums (7 × in):
 * <pre>
 *   Z      = LayerNorm(A) over all 7·in values: (A − mean)/sqrt(var + 1e-5)·γ + b   (γ, b: [7, in], learned)
 *   all Leaky states := 0                                    (reset before every output sample)
 *   for i = 0..6:
 *     I1 = dropout(W1·Z[i] + b1)                             fc1: Linear(in → 32); dropout 0.5 in training
 *     S1 = lif1(I1)                                          Leaky β 0.5, θ 0.5, subtract reset, atan α 2
 *     S2 = lif2(W2·S1 + b2)                                  fc2: Linear(32 → 48); Leaky as lif1
 *     S3 = lif3(W3·S2 + b3)                                  fc3: Linear(48 → 2);  Leaky, reset none
 *   ŷ[n]   = (v_x·U3_x, v_y·U3_y)                            U3 after the 7th internal step; v_x, v_y learned
 * </pre>
 * Neuron equations: {@link SnnTorchLeaky} (SNN3 uses snnTorch's {@code init_hidden=True} path). Every
 * output sample is independent given its sub-bin sums, so all T·B samples × 7 internal steps go
 * through each Linear layer in one matrix product (layout {@code [7, T·B, ·]}, internal step
 * major). The buffer starts fresh for every sequence of a batch (NeuroBench keeps it across its
 * test batches, i.e. over the whole test span, which is what {@link #run} on the whole span does).
 *
 * <p>Parameters (PyTorch names, {@code nn.Linear}/{@code nn.LayerNorm} defaults, seeded):
 * {@code fc1.weight [32, in]}, {@code fc1.bias}, {@code fc2.weight [48, 32]}, {@code fc2.bias},
 * {@code fc3.weight [2, 48]}, {@code fc3.bias}, {@code norm_layer.weight}, {@code norm_layer.bias}
 * {@code [7, in]} (1 and 0), {@code v_x}, {@code v_y} {@code [1]} (N(0, 1)). Every Linear has a bias:
 * the published footprint needs them (below).
 *
 * <p><b>Footprint</b> ({@link #describe}): 6,132 (Indy) / 10,548 (Loco) float32 parameters = 24,528 /
 * 42,192 B, plus buffers: 3 snnTorch Leaky layers × 20 B ({@code beta}, {@code threshold} float32
 * because SNN_3.py passes the float 0.5, {@code graded_spikes_factor} float32,
 * {@code reset_mechanism_val} int64, empty {@code mem}) and {@code data_buffer} at its initial size
 * 1 × in float32 (384 / 768 B; NeuroBench measures the fresh model) = 24,972 / 43,020 B, the
 * published values exactly. Dense operations 7 × (in·32 + 32·48 + 48·2) = 32,928 / 54,432; fc1 sees
 * the real-valued LayerNorm output, so its effective operations are MACs.
 *
 * <p>Memory: a batch keeps [7, T·B, in] LayerNorm values and the 7 internal steps of every layer;
 * train on moderate T·B.
 */
public final class Snn3 implements NeuroBenchModel {

    /**
     * @param inputs      input channels (96 Indy / 192 Loco)
     * @param layer1      neurons of lif1 (32)
     * @param layer2      neurons of lif2 (48)
     * @param window      FIFO buffer length in 4-ms rows (50 = 0.2 s)
     * @param subBins     internal steps = sub-bins per output sample (7)
     * @param dropout     dropout probability on the fc1 output in training (0.5)
     * @param beta        membrane decay of all Leaky layers (0.5)
     * @param threshold   threshold of all Leaky layers (0.5)
     * @param spike       spike function (atan, α = 2)
     * @param lnEps       LayerNorm epsilon (1e-5, PyTorch default)
     * @param detachReset snnTorch detaches the reset flag (true); false only for gradient checks
     */
    public record Config(int inputs, int layer1, int layer2, int window, int subBins, float dropout, float beta,
                         float threshold, Surrogate spike, float lnEps, boolean detachReset) {
        public Config {
            if (inputs <= 0 || layer1 <= 0 || layer2 <= 0) {
                throw new IllegalArgumentException("Snn3.Config: inputs, layer1, layer2 must be > 0, got " + inputs + ", " + layer1 + ", " + layer2);
            }
            if (subBins <= 0 || window < subBins) {
                throw new IllegalArgumentException("Snn3.Config: subBins must be > 0 and window >= subBins, got window " + window + ", subBins " + subBins);
            }
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("Snn3.Config.dropout must be in [0, 1), got " + dropout);
            if (!(lnEps > 0)) throw new IllegalArgumentException("Snn3.Config.lnEps must be > 0, got " + lnEps);
            if (spike == null) throw new IllegalArgumentException("Snn3.Config.spike must not be null (NeuroBench: atan, alpha 2)");
            new SnnTorchLeaky(beta, threshold, SnnTorchLeaky.Reset.SUBTRACT, spike, detachReset);   // validates β, θ
        }

        /** SNN_3.py: 32 / 48 neurons, window 50, 7 sub-bins of 7, dropout 0.5, β 0.5, θ 0.5, atan α 2. */
        public static Config neuroBench(int inputs) {
            return new Config(inputs, 32, 48, 50, 7, 0.5f, 0.5f, 0.5f, Surrogate.snnTorchAtan(2f), 1e-5f, true);
        }

        /** Rows per sub-bin: window / subBins (integer division, as SNN_3.py). */
        public int stepSize() { return window / subBins; }

        public Config withLayers(int l1, int l2) { return new Config(inputs, l1, l2, window, subBins, dropout, beta, threshold, spike, lnEps, detachReset); }
        public Config withBinning(int w, int bins) { return new Config(inputs, layer1, layer2, w, bins, dropout, beta, threshold, spike, lnEps, detachReset); }
        public Config withDropout(float p) { return new Config(inputs, layer1, layer2, window, subBins, p, beta, threshold, spike, lnEps, detachReset); }
        public Config withSpike(Surrogate s, boolean detach) { return new Config(inputs, layer1, layer2, window, subBins, dropout, beta, threshold, s, lnEps, detach); }

        /** lif1 and lif2: subtract reset. */
        public SnnTorchLeaky hiddenLeaky() { return new SnnTorchLeaky(beta, threshold, SnnTorchLeaky.Reset.SUBTRACT, spike, detachReset); }

        /** lif3: reset none. */
        public SnnTorchLeaky outputLeaky() { return new SnnTorchLeaky(beta, threshold, SnnTorchLeaky.Reset.NONE, spike, detachReset); }
    }

    /** Outputs: v_x, v_y. */
    public static final int OUTPUTS = 2;

    private final Backend be;
    private final Config cfg;
    private final SnnTorchLeaky lifHidden, lifOut;
    private final Parameter w1, b1, w2, b2, w3, b3, lnW, lnB, vx, vy;

    /**
     * Builds the model: {@code nn.Linear} defaults for fc1..fc3 (weights and biases U(±1/√fan-in)),
     * LayerNorm γ = 1, b = 0, v_x, v_y ~ N(0, 1), all drawn from {@code seed}.
     */
    public Snn3(Backend be, Config cfg, long seed) {
        if (be == null || cfg == null) throw new IllegalArgumentException("Snn3: backend and config must not be null");
        this.be = be;
        this.cfg = cfg;
        lifHidden = cfg.hiddenLeaky();
        lifOut = cfg.outputLeaky();
        int in = cfg.inputs(), l1 = cfg.layer1(), l2 = cfg.layer2();
        w1 = new Parameter("fc1.weight", TorchInit.linearWeight(be, seed, "fc1.weight", l1, in), true);
        b1 = new Parameter("fc1.bias", TorchInit.linearBias(be, seed, "fc1.bias", l1, in), true);
        w2 = new Parameter("fc2.weight", TorchInit.linearWeight(be, seed, "fc2.weight", l2, l1), true);
        b2 = new Parameter("fc2.bias", TorchInit.linearBias(be, seed, "fc2.bias", l2, l1), true);
        w3 = new Parameter("fc3.weight", TorchInit.linearWeight(be, seed, "fc3.weight", OUTPUTS, l2), true);
        b3 = new Parameter("fc3.bias", TorchInit.linearBias(be, seed, "fc3.bias", OUTPUTS, l2), true);
        Tensor g = be.zeros(cfg.subBins(), in);
        be.fill(g, 1f);
        lnW = new Parameter("norm_layer.weight", g, true);
        lnB = new Parameter("norm_layer.bias", be.zeros(cfg.subBins(), in), true);
        Tensor x = be.zeros(1), y = be.zeros(1);
        Init.normal(x, Init.seedFor(seed, "v_x"), 0f, 1f);
        Init.normal(y, Init.seedFor(seed, "v_y"), 0f, 1f);
        vx = new Parameter("v_x", x, true);
        vy = new Parameter("v_y", y, true);
    }

    public Config config() { return cfg; }
    public Backend backend() { return be; }
    @Override public int inputs() { return cfg.inputs(); }
    @Override public int outputs() { return OUTPUTS; }

    @Override
    public List<Parameter> parameters() { return List.of(w1, b1, w2, b2, w3, b3, lnW, lnB, vx, vy); }

    // ---- input binning ------------------------------------------------------------------------

    /**
     * First and last+1 input index that buffer rows [r0, r1) hold at step {@code t}, as
     * {@code {a, b}} (index −1 is the initial zero row, never returned: a ≥ 0).
     */
    private int[] rowsToSteps(int t, int r0, int r1) {
        int w = cfg.window();
        int len = Math.min(t + 2, w);
        int off = Math.max(0, t + 2 - w) - 1;                   // buffer row r holds x[r + off]
        int b = Math.min(r1, len) + off;                         // ≤ t + 1
        int a = Math.min(Math.max(0, r0 + off), b);              // empty when the rows do not exist yet
        return new int[] {a, b};
    }

    /**
     * The sub-bin sums A the LayerNorm sees, in the model's internal layout {@code [subBins, T, B, in]}
     * (see the class comment for the buffer rule).
     */
    public Tensor binnedInput(Tensor x) {
        checkInput(x);
        return be.fromHost(binHost(be.toHost(x), x.dim(0), x.dim(1)), cfg.subBins(), x.dim(0), x.dim(1), cfg.inputs());
    }

    private float[] binHost(float[] x, int t, int b) {
        int in = cfg.inputs(), nb = cfg.subBins(), st = cfg.stepSize();
        int m = t * b;
        float[] a = new float[nb * m * in];
        double[] prefix = new double[(t + 1) * in];
        for (int r = 0; r < b; r++) {
            for (int k = 0; k < t; k++) {
                int src = (k * b + r) * in, p = k * in;
                for (int j = 0; j < in; j++) prefix[p + in + j] = prefix[p + j] + x[src + j];
            }
            for (int k = 0; k < t; k++) {
                for (int i = 0; i < nb; i++) {
                    int[] ab = rowsToSteps(k, i * st, i * st + st);
                    int dst = (i * m + k * b + r) * in, pa = ab[0] * in, pb = ab[1] * in;
                    for (int j = 0; j < in; j++) a[dst + j] = (float) (prefix[pb + j] - prefix[pa + j]);
                }
            }
        }
        return a;
    }

    // ---- forward / backward -------------------------------------------------------------------

    /** What {@link #backward} needs; opaque. */
    public static final class Tape {
        final int t, b;
        final float[] xhat, rstd, cur1, mem1, cur2, mem2, cur3, mem3;

        Tape(int t, int b, float[] xhat, float[] rstd, float[] cur1, float[] mem1, float[] cur2, float[] mem2,
             float[] cur3, float[] mem3) {
            this.t = t;
            this.b = b;
            this.xhat = xhat;
            this.rstd = rstd;
            this.cur1 = cur1;
            this.mem1 = mem1;
            this.cur2 = cur2;
            this.mem2 = mem2;
            this.cur3 = cur3;
            this.mem3 = mem3;
        }
    }

    /**
     * Forward result. {@link #spikes()} is null: SNN3 has no per-4-ms hidden spike sequence an activity
     * regulariser could read (its spikes live on the internal steps, {@link #layerSpikes}).
     *
     * @param prediction  {@code [T, B, 2]}
     * @param layerNorm   LayerNorm output Z {@code [subBins, T·B, in]} (fc1's input)
     * @param layerSpikes spikes of lif1, lif2, lif3, each {@code [subBins, T·B, n]}
     * @param dropoutMask fc1-output mask {@code [subBins, T·B, layer1]}, null without dropout
     * @param tape        null unless kept
     */
    public record Pass(Tensor prediction, Tensor layerNorm, List<Tensor> layerSpikes, Tensor dropoutMask, Tape tape)
            implements SequenceModel.Pass {
        @Override public Tensor spikes() { return null; }
    }

    @Override
    public Pass forward(Tensor x, boolean training, long seed) { return forward(x, training, seed, training); }

    private void checkInput(Tensor x) {
        if (x == null || x.rank() != 3 || x.dim(2) != cfg.inputs()) {
            throw new IllegalArgumentException("Snn3: input must be [T, B, " + cfg.inputs() + "], got " + x);
        }
    }

    @Override
    public Class<Pass> passType() { return Pass.class; }

    /**
     * @param x        {@code [T, B, inputs]}
     * @param training dropout on (masks from {@code seed})
     * @param keepTape keep what {@link #backward} needs (also without dropout: {@code Tape.evalWithGrad()}).
     *     The pass has no spikes, so the contract's forward publishes no {@link SequenceModel#SPIKES}: SNN3 has
     *     no per-step hidden spike sequence
     */
    @Override
    public Pass forward(Tensor x, boolean training, long seed, boolean keepTape) {
        checkInput(x);
        int t = x.dim(0), b = x.dim(1), m = t * b, in = cfg.inputs(), nb = cfg.subBins();
        int l1 = cfg.layer1(), l2 = cfg.layer2();
        float[] a = binHost(be.toHost(x), t, b);
        // LayerNorm over the nb·in values of each sample (elements (i, s, j) for fixed s)
        float[] g = be.toHost(lnW.value()), bb = be.toHost(lnB.value());
        float[] xhat = new float[a.length], z = new float[a.length], rstd = new float[m], means = new float[m];
        layerNormStats(a, m, nb, in, means, rstd);
        for (int s = 0; s < m; s++) {
            float mean = means[s], r = rstd[s];
            for (int i = 0; i < nb; i++) {
                for (int j = 0; j < in; j++) {
                    int e = (i * m + s) * in + j;
                    float xh = (a[e] - mean) * r;
                    xhat[e] = xh;
                    z[e] = xh * g[i * in + j] + bb[i * in + j];
                }
            }
        }
        Tensor zt = be.fromHost(z, nb, m, in);
        Tensor h1 = linear(zt, w1, b1, nb, m, l1);
        Tensor mask = null;
        if (training && cfg.dropout() > 0) {
            mask = TorchInit.dropoutMask(be, h1.shape(), CounterRng.child(seed, 1), cfg.dropout());
            be.zip(BinaryOp.MUL, h1, mask, h1);
        }
        float[] cur1 = be.toHost(h1), mem1 = new float[cur1.length], spk1 = new float[cur1.length];
        lifHidden.forward(cur1, nb, m * l1, mem1, spk1);
        Tensor s1 = be.fromHost(spk1, nb, m, l1);
        float[] cur2 = be.toHost(linear(s1, w2, b2, nb, m, l2)), mem2 = new float[cur2.length], spk2 = new float[cur2.length];
        lifHidden.forward(cur2, nb, m * l2, mem2, spk2);
        Tensor s2 = be.fromHost(spk2, nb, m, l2);
        float[] cur3 = be.toHost(linear(s2, w3, b3, nb, m, OUTPUTS)), mem3 = new float[cur3.length], spk3 = new float[cur3.length];
        lifOut.forward(cur3, nb, m * OUTPUTS, mem3, spk3);
        float v0 = be.toHost(vx.value())[0], v1 = be.toHost(vy.value())[0];
        float[] y = new float[m * OUTPUTS];
        int last = (nb - 1) * m * OUTPUTS;
        for (int s = 0; s < m; s++) {
            y[s * OUTPUTS] = v0 * mem3[last + s * OUTPUTS];
            y[s * OUTPUTS + 1] = v1 * mem3[last + s * OUTPUTS + 1];
        }
        Tape tape = keepTape ? new Tape(t, b, xhat, rstd, cur1, mem1, cur2, mem2, cur3, mem3) : null;
        return new Pass(be.fromHost(y, t, b, OUTPUTS), zt, List.of(s1, s2, be.fromHost(spk3, nb, m, OUTPUTS)), mask, tape);
    }

    /**
     * Per sample s the LayerNorm mean (double sum over its nb·in values, i outer, j inner, rounded to
     * float) and 1/std (double sum of squared float deviations; {@code 1/sqrt(float(var/k) + eps)});
     * four samples at a time, each sum in its own register and in the same order as one sample at a
     * time (the same bits; four independent chains of additions instead of one).
     */
    private void layerNormStats(float[] a, int m, int nb, int in, float[] means, float[] rstd) {
        final int k = nb * in;
        int s = 0;
        for (; s + 4 <= m; s += 4) {
            double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
            for (int i = 0; i < nb; i++) {
                final int o = (i * m + s) * in;
                for (int j = 0; j < in; j++) {
                    q0 += a[o + j];
                    q1 += a[o + in + j];
                    q2 += a[o + 2 * in + j];
                    q3 += a[o + 3 * in + j];
                }
            }
            final float m0 = (float) (q0 / k), m1 = (float) (q1 / k), m2 = (float) (q2 / k), m3 = (float) (q3 / k);
            double v0 = 0, v1 = 0, v2 = 0, v3 = 0;
            for (int i = 0; i < nb; i++) {
                final int o = (i * m + s) * in;
                for (int j = 0; j < in; j++) {
                    double d0 = a[o + j] - m0, d1 = a[o + in + j] - m1, d2 = a[o + 2 * in + j] - m2, d3 = a[o + 3 * in + j] - m3;
                    v0 += d0 * d0;
                    v1 += d1 * d1;
                    v2 += d2 * d2;
                    v3 += d3 * d3;
                }
            }
            means[s] = m0;
            means[s + 1] = m1;
            means[s + 2] = m2;
            means[s + 3] = m3;
            rstd[s] = (float) (1.0 / Math.sqrt((float) (v0 / k) + cfg.lnEps()));
            rstd[s + 1] = (float) (1.0 / Math.sqrt((float) (v1 / k) + cfg.lnEps()));
            rstd[s + 2] = (float) (1.0 / Math.sqrt((float) (v2 / k) + cfg.lnEps()));
            rstd[s + 3] = (float) (1.0 / Math.sqrt((float) (v3 / k) + cfg.lnEps()));
        }
        for (; s < m; s++) {
            double sum = 0;
            for (int i = 0; i < nb; i++) for (int j = 0; j < in; j++) sum += a[(i * m + s) * in + j];
            float mean = (float) (sum / k);
            double var = 0;
            for (int i = 0; i < nb; i++) for (int j = 0; j < in; j++) {
                double d = a[(i * m + s) * in + j] - mean;
                var += d * d;
            }
            means[s] = mean;
            rstd[s] = (float) (1.0 / Math.sqrt((float) (var / k) + cfg.lnEps()));
        }
    }

    /** {@code x·Wᵀ + bias} over all internal steps and samples: {@code [nb, m, out]}. */
    private Tensor linear(Tensor x, Parameter w, Parameter bias, int nb, int m, int out) {
        Tensor h = be.zeros(nb, m, out);
        be.gemm(false, true, 1f, x, w.value(), 0f, h);
        be.zipRow(BinaryOp.ADD, h, bias.value(), h);
        return h;
    }

    /** Prediction without dropout and without a tape. */
    public Tensor predict(Tensor x) { return forward(x, false, 0L, false).prediction(); }

    @Override
    public void backward(SequenceModel.Pass pass, Tensor gradPrediction, Tensor gradSpikes) {
        backward(pass, gradPrediction, gradSpikes, false);
    }

    /**
     * Backpropagation through the internal steps, the LayerNorm and the binning; ADDS into the
     * parameter gradients.
     *
     * @param gradPrediction dL/dŷ {@code [T, B, 2]}
     * @param gradSpikes     must be null (SNN3 exposes no hidden spike sequence to regularise)
     * @param inputGradient  also compute dL/dx
     * @return dL/dx {@code [T, B, inputs]} when asked for, else null
     */
    public Tensor backward(SequenceModel.Pass pass, Tensor gradPrediction, Tensor gradSpikes, boolean inputGradient) {
        if (!(pass instanceof Pass p) || p.tape() == null) {
            throw new IllegalArgumentException("Snn3.backward needs the Pass of forward(..., keepTape = true)");
        }
        if (gradSpikes != null) {
            throw new IllegalArgumentException("Snn3.backward: gradSpikes must be null (Pass.spikes() is null; SNN3 has no regularised spike sequence)");
        }
        Tape tp = p.tape();
        int t = tp.t, b = tp.b, m = t * b, in = cfg.inputs(), nb = cfg.subBins(), l1 = cfg.layer1(), l2 = cfg.layer2();
        gradPrediction.requireShape("Snn3.backward gradPrediction", t, b, OUTPUTS);
        float[] gy = be.toHost(gradPrediction);
        float v0 = be.toHost(vx.value())[0], v1 = be.toHost(vy.value())[0];
        float[] gMem3 = new float[tp.mem3.length];
        int last = (nb - 1) * m * OUTPUTS;
        double gv0 = 0, gv1 = 0;
        for (int s = 0; s < m; s++) {
            float g0 = gy[s * OUTPUTS], g1 = gy[s * OUTPUTS + 1];
            gv0 += (double) g0 * tp.mem3[last + s * OUTPUTS];
            gv1 += (double) g1 * tp.mem3[last + s * OUTPUTS + 1];
            gMem3[last + s * OUTPUTS] = g0 * v0;
            gMem3[last + s * OUTPUTS + 1] = g1 * v1;
        }
        addScalar(vx, gv0);
        addScalar(vy, gv1);
        float[] gCur3 = new float[tp.cur3.length];
        lifOut.backward(tp.cur3, tp.mem3, nb, m * OUTPUTS, null, gMem3, gCur3);
        Tensor gs2 = linearBackward(be.fromHost(gCur3, nb, m, OUTPUTS), p.layerSpikes().get(1), w3, b3, nb, m, l2);
        float[] gCur2 = new float[tp.cur2.length];
        lifHidden.backward(tp.cur2, tp.mem2, nb, m * l2, be.toHost(gs2), null, gCur2);
        Tensor gs1 = linearBackward(be.fromHost(gCur2, nb, m, l2), p.layerSpikes().get(0), w2, b2, nb, m, l1);
        float[] gCur1 = new float[tp.cur1.length];
        lifHidden.backward(tp.cur1, tp.mem1, nb, m * l1, be.toHost(gs1), null, gCur1);
        Tensor gh1 = be.fromHost(gCur1, nb, m, l1);
        if (p.dropoutMask() != null) be.zip(BinaryOp.MUL, gh1, p.dropoutMask(), gh1);
        float[] gz = be.toHost(linearBackward(gh1, p.layerNorm(), w1, b1, nb, m, in));
        // LayerNorm backward
        float[] g = be.toHost(lnW.value());
        double[] dg = new double[nb * in], db = new double[nb * in];
        float[] ga = inputGradient ? new float[gz.length] : null;
        int k = nb * in;
        for (int s = 0; s < m; s++) {
            double mean1 = 0, mean2 = 0;
            for (int i = 0; i < nb; i++) {
                for (int j = 0; j < in; j++) {
                    int e = (i * m + s) * in + j, c = i * in + j;
                    float gzv = gz[e], xh = tp.xhat[e];
                    dg[c] += (double) gzv * xh;
                    db[c] += gzv;
                    double gx = (double) gzv * g[c];
                    mean1 += gx;
                    mean2 += gx * xh;
                }
            }
            if (ga == null) continue;
            mean1 /= k;
            mean2 /= k;
            float r = tp.rstd[s];
            for (int i = 0; i < nb; i++) {
                for (int j = 0; j < in; j++) {
                    int e = (i * m + s) * in + j;
                    ga[e] = (float) (r * ((double) gz[e] * g[i * in + j] - mean1 - tp.xhat[e] * mean2));
                }
            }
        }
        addHost(lnW, dg);
        addHost(lnB, db);
        if (ga == null) return null;
        return be.fromHost(unbinHost(ga, t, b), t, b, in);
    }

    /** Adds dW += gᵀ·x and db += Σ rows g; returns g·W {@code [nb, m, fanIn]}. */
    private Tensor linearBackward(Tensor g, Tensor x, Parameter w, Parameter bias, int nb, int m, int fanIn) {
        be.gemm(true, false, 1f, g, x, 1f, w.grad());
        be.sumRows(g, 1f, bias.grad());
        Tensor gx = be.zeros(nb, m, fanIn);
        be.gemm(false, false, 1f, g, w.value(), 0f, gx);
        return gx;
    }

    private void addScalar(Parameter p, double v) {
        float[] h = be.toHost(p.grad());
        h[0] += (float) v;
        be.copy(be.fromHost(h, p.shape()), p.grad());
    }

    private void addHost(Parameter p, double[] v) {
        float[] h = be.toHost(p.grad());
        for (int i = 0; i < h.length; i++) h[i] += (float) v[i];
        be.copy(be.fromHost(h, p.shape()), p.grad());
    }

    /** Transpose of {@link #binHost}: dL/dx from dL/dA. */
    private float[] unbinHost(float[] ga, int t, int b) {
        int in = cfg.inputs(), nb = cfg.subBins(), st = cfg.stepSize(), m = t * b;
        float[] gx = new float[t * b * in];
        double[] diff = new double[(t + 1) * in];
        for (int r = 0; r < b; r++) {
            java.util.Arrays.fill(diff, 0);
            for (int k = 0; k < t; k++) {
                for (int i = 0; i < nb; i++) {
                    int[] ab = rowsToSteps(k, i * st, i * st + st);
                    if (ab[1] <= ab[0]) continue;
                    int src = (i * m + k * b + r) * in, pa = ab[0] * in, pb = ab[1] * in;
                    for (int j = 0; j < in; j++) {
                        diff[pa + j] += ga[src + j];
                        diff[pb + j] -= ga[src + j];
                    }
                }
            }
            double[] run = new double[in];
            for (int k = 0; k < t; k++) {
                for (int j = 0; j < in; j++) {
                    run[j] += diff[k * in + j];
                    gx[(k * b + r) * in + j] = (float) run[j];
                }
            }
        }
        return gx;
    }

    // ---- NeuroBench ---------------------------------------------------------------------------

    /**
     * fc1 (REAL input: the LayerNorm output), fc2, fc3 (spikes), each called {@code subBins} times per
     * output sample, with biases; LayerNorm affine and v_x, v_y as extra parameters; the snnTorch
     * buffers of lif1..lif3 and {@code data_buffer} at its initial 1 × in size (class comment).
     */
    @Override
    public MetricModel describe(DType parameterType) {
        int nb = cfg.subBins();
        List<MetricLayer> layers = List.of(
                MetricLayer.linear("fc1", w1.value(), b1.value(), MetricLayer.InputKind.REAL).withInternalSteps(nb),
                MetricLayer.linear("fc2", w2.value(), b2.value(), MetricLayer.InputKind.SPIKES).withInternalSteps(nb),
                MetricLayer.linear("fc3", w3.value(), b3.value(), MetricLayer.InputKind.SPIKES).withInternalSteps(nb));
        List<Buffer> buffers = new ArrayList<>();
        for (String l : List.of("lif1", "lif2", "lif3")) buffers.addAll(Snn2.snnTorchLeakyBuffers(l, cfg.threshold()));
        buffers.add(new Buffer("data_buffer", cfg.inputs(), DType.FLOAT32));
        return MetricModel.fromModule("SNN3", this, layers, buffers, parameterType, 250.0);
    }

    /**
     * fc1 sees the LayerNorm output of every internal step, fc2 and fc3 the spikes of lif1 and lif2;
     * spiking layers lif1, lif2, lif3 on every internal step. One call = one internal step of the B
     * sequences at one output step.
     */
    @Override
    public Workload run(Tensor x) {
        Pass p = forward(x, false, 0L, false);
        int b = x.dim(1);
        List<Tensor> s = p.layerSpikes();
        return new Workload(p.prediction(),
                List.of(new Workload.LayerInput("fc1", p.layerNorm(), b), new Workload.LayerInput("fc2", s.get(0), b),
                        new Workload.LayerInput("fc3", s.get(1), b)),
                s, (long) x.dim(0) * b);
    }
}
