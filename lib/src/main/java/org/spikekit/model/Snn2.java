package org.spikekit.model;

import java.util.ArrayList;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.core.SequenceModel;
import org.spikekit.metrics.Buffer;
import org.spikekit.metrics.DType;
import org.spikekit.metrics.MetricLayer;
import org.spikekit.metrics.MetricModel;
import org.spikekit.neuron.SnnTorchLeaky;
import org.spikekit.neuron.Surrogate;

/**
 * NeuroBench's primate-reaching baseline SNN2 (notebooks/papers/rsnn.md §4.5; NeuroBench
 * {@code examples/primate_reaching/SNN2.py}, snnTorch 0.7). Per 4-ms step n, per sequence:
 * <pre>
 *   I1[n] = dropout(W1·x[n])                      fc1: Linear(in → 50, no bias); dropout 0.3 in training
 *   U1[n] = A − R1·A,  A = β·U1[n−1] + I1[n]      lif1: Leaky, β 0.96, θ 1, reset to zero,
 *   S1[n] = Θ(U1[n] − θ),  R1 = Θ(U1[n−1] − θ)          fast-sigmoid surrogate (slope 20)
 *   I2[n] = W2·S1[n]                              fc_out: Linear(50 → 2, no bias)
 *   U2[n] = β·U2[n−1] + I2[n]                     lif_out: Leaky, reset none (its spikes are unused)
 *   ŷ[n]  = U2[n]                                 prediction = output membrane
 * </pre>
 * with U1[−1] = U2[−1] = 0: the state is reset once at the start of each sequence and persists over
 * it (NeuroBench evaluates the whole test span as one sequence). See {@link SnnTorchLeaky} for the
 * neuron equations. There is no synaptic delay: x[n] affects ŷ[n].
 *
 * <p>Parameters, PyTorch names and layouts: {@code fc1.weight [hidden, in]},
 * {@code fc_out.weight [outputs, hidden]}, initialised like {@code nn.Linear} (U(±1/√fan-in), seeded).
 * β and θ are fixed (snnTorch buffers). Dropout masks come from the seed of the training tape
 * ({@link #forward(Tensor, org.spikekit.core.Tape)}; the same masks as the pass-level
 * {@link #forward(Tensor, boolean, long)} with that seed). The matrix products run on the backend; the neuron scans on host arrays.
 *
 * <p>Footprint ({@link #describe}): NeuroBench counts parameters and buffers. The published SNN2
 * footprint is 19,648 B (Indy) / 38,848 B (Loco) = 4 B × 4,900 / 9,700 weights + 48 B. The 48 B
 * are the buffers snnTorch 0.7 registers per Leaky layer, 24 B each: {@code beta} (float32, from
 * the Python float 0.96), {@code threshold} (int64: {@code torch.as_tensor(1)} of the Python int 1
 * that SNN2.py passes), {@code graded_spikes_factor} (float32) and {@code reset_mechanism_val}
 * (int64); the membrane buffer is empty before the first forward call (NeuroBench measures the
 * fresh model). The same accounting reproduces SNN3's footprint exactly (see {@link Snn3}), which is
 * why we prefer it to other 24-byte splits. The threshold dtype follows that rule: int64 when θ is
 * an integer value (as SNN2.py writes it), float32 otherwise.
 *
 * <pre>{@code
 * Snn2 m = new Snn2(be, Snn2.Config.neuroBench(96), 1L);
 * var h = new Trainer(cfg).fit(m, train, val, null);
 * NeuroBenchEval.Result r = NeuroBenchEval.evaluate(m, xTest, yTest, DType.FLOAT32);
 * }</pre>
 */
public final class Snn2 implements NeuroBenchModel {

    /**
     * @param inputs      input channels (96 Indy / 192 Loco)
     * @param hidden      hidden Leaky neurons (50)
     * @param outputs     outputs (2: v_x, v_y)
     * @param beta        membrane decay of both Leaky layers (0.96)
     * @param threshold   threshold of both Leaky layers (1)
     * @param spike       spike function of both layers (fast sigmoid, slope 20)
     * @param dropout     dropout probability on the fc1 output in training (0.3)
     * @param detachReset snnTorch detaches the reset flag (true); false only for gradient checks
     */
    public record Config(int inputs, int hidden, int outputs, float beta, float threshold, Surrogate spike,
                         float dropout, boolean detachReset) {
        public Config {
            if (inputs <= 0 || hidden <= 0 || outputs <= 0) {
                throw new IllegalArgumentException("Snn2.Config: inputs, hidden, outputs must be > 0, got " + inputs + ", " + hidden + ", " + outputs);
            }
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("Snn2.Config.dropout must be in [0, 1), got " + dropout);
            if (spike == null) throw new IllegalArgumentException("Snn2.Config.spike must not be null (NeuroBench: fast sigmoid, slope 20)");
            new SnnTorchLeaky(beta, threshold, SnnTorchLeaky.Reset.ZERO, spike, detachReset);   // validates β, θ
        }

        /** SNN2.py: hidden 50, β 0.96, θ 1, fast sigmoid slope 20, dropout 0.3. */
        public static Config neuroBench(int inputs) {
            return new Config(inputs, 50, 2, 0.96f, 1f, Surrogate.snnTorchFastSigmoid(20f), 0.3f, true);
        }

        public Config withHidden(int n) { return new Config(inputs, n, outputs, beta, threshold, spike, dropout, detachReset); }
        public Config withDropout(float p) { return new Config(inputs, hidden, outputs, beta, threshold, spike, p, detachReset); }
        public Config withBeta(float b) { return new Config(inputs, hidden, outputs, b, threshold, spike, dropout, detachReset); }
        public Config withSpike(Surrogate s, boolean detach) { return new Config(inputs, hidden, outputs, beta, threshold, s, dropout, detach); }

        /** Hidden layer lif1: reset to zero. */
        public SnnTorchLeaky lif1() { return new SnnTorchLeaky(beta, threshold, SnnTorchLeaky.Reset.ZERO, spike, detachReset); }

        /** Output layer lif_out: reset none. */
        public SnnTorchLeaky lifOut() { return new SnnTorchLeaky(beta, threshold, SnnTorchLeaky.Reset.NONE, spike, detachReset); }
    }

    private final Backend be;
    private final Config cfg;
    private final SnnTorchLeaky lif1, lifOut;
    private final Parameter fc1, fcOut;

    /** Builds the model with PyTorch-default {@code nn.Linear} initialisation drawn from {@code seed}. */
    public Snn2(Backend be, Config cfg, long seed) {
        if (be == null || cfg == null) throw new IllegalArgumentException("Snn2: backend and config must not be null");
        this.be = be;
        this.cfg = cfg;
        lif1 = cfg.lif1();
        lifOut = cfg.lifOut();
        fc1 = new Parameter("fc1.weight", TorchInit.linearWeight(be, seed, "fc1.weight", cfg.hidden(), cfg.inputs()), true);
        fcOut = new Parameter("fc_out.weight", TorchInit.linearWeight(be, seed, "fc_out.weight", cfg.outputs(), cfg.hidden()), true);
    }

    public Config config() { return cfg; }
    public Backend backend() { return be; }
    @Override public int inputs() { return cfg.inputs(); }
    @Override public int outputs() { return cfg.outputs(); }

    /** {@code fc1.weight [hidden, inputs]}. */
    public Parameter fc1() { return fc1; }

    /** {@code fc_out.weight [outputs, hidden]}. */
    public Parameter fcOut() { return fcOut; }

    @Override
    public List<Parameter> parameters() { return List.of(fc1, fcOut); }

    // ---- forward / backward -------------------------------------------------------------------

    /** What {@link #backward} needs (host arrays of the neuron scans); opaque. */
    public static final class Tape {
        final Tensor x;
        final float[] cur1, mem1, cur2, mem2;

        Tape(Tensor x, float[] cur1, float[] mem1, float[] cur2, float[] mem2) {
            this.x = x;
            this.cur1 = cur1;
            this.mem1 = mem1;
            this.cur2 = cur2;
            this.mem2 = mem2;
        }
    }

    /**
     * Forward result.
     *
     * @param prediction   output membrane U2 {@code [T, B, outputs]}
     * @param spikes       hidden spikes S1 {@code [T, B, hidden]} (what activity regularisers read)
     * @param outputSpikes spikes of lif_out {@code [T, B, outputs]} (unused by the prediction; counted
     *                     by NeuroBench's activation sparsity)
     * @param dropoutMask  the fc1-output mask (values 0 or 1/(1 − p)), null without dropout
     * @param tape         null unless kept
     */
    public record Pass(Tensor prediction, Tensor spikes, Tensor outputSpikes, Tensor dropoutMask, Tape tape)
            implements SequenceModel.Pass {}

    @Override
    public Pass forward(Tensor x, boolean training, long seed) { return forward(x, training, seed, training); }

    @Override
    public Class<Pass> passType() { return Pass.class; }

    /**
     * @param x        {@code [T, B, inputs]}, kept by reference in the tape
     * @param training dropout on (masks from {@code seed})
     * @param keepTape keep what {@link #backward} needs
     */
    @Override
    public Pass forward(Tensor x, boolean training, long seed, boolean keepTape) {
        if (x == null || x.rank() != 3 || x.dim(2) != cfg.inputs()) {
            throw new IllegalArgumentException("Snn2: input must be [T, B, " + cfg.inputs() + "], got " + x);
        }
        int t = x.dim(0), b = x.dim(1), h = cfg.hidden(), o = cfg.outputs();
        Tensor i1 = be.zeros(t, b, h);
        be.gemm(false, true, 1f, x, fc1.value(), 0f, i1);                 // x·W1ᵀ for all T steps at once
        Tensor mask = null;
        if (training && cfg.dropout() > 0) {
            mask = TorchInit.dropoutMask(be, i1.shape(), CounterRng.child(seed, 1), cfg.dropout());
            be.zip(BinaryOp.MUL, i1, mask, i1);
        }
        float[] cur1 = be.toHost(i1), mem1 = new float[cur1.length], spk1 = new float[cur1.length];
        lif1.forward(cur1, t, b * h, mem1, spk1);
        Tensor s1 = be.fromHost(spk1, t, b, h);
        Tensor i2 = be.zeros(t, b, o);
        be.gemm(false, true, 1f, s1, fcOut.value(), 0f, i2);
        float[] cur2 = be.toHost(i2), mem2 = new float[cur2.length], spk2 = new float[cur2.length];
        lifOut.forward(cur2, t, b * o, mem2, spk2);
        Tape tape = keepTape ? new Tape(x, cur1, mem1, cur2, mem2) : null;
        return new Pass(be.fromHost(mem2, t, b, o), s1, be.fromHost(spk2, t, b, o), mask, tape);
    }

    /** Prediction without dropout and without a tape. */
    public Tensor predict(Tensor x) { return forward(x, false, 0L, false).prediction(); }

    @Override
    public void backward(SequenceModel.Pass pass, Tensor gradPrediction, Tensor gradSpikes) {
        backward(pass, gradPrediction, gradSpikes, false);
    }

    /**
     * Backpropagation through time; ADDS into the parameter gradients.
     *
     * @param gradPrediction dL/dŷ {@code [T, B, outputs]}
     * @param gradSpikes     extra dL/dS1 {@code [T, B, hidden]}, or null
     * @param inputGradient  also compute dL/dx
     * @return dL/dx {@code [T, B, inputs]} when asked for, else null
     */
    public Tensor backward(SequenceModel.Pass pass, Tensor gradPrediction, Tensor gradSpikes, boolean inputGradient) {
        if (!(pass instanceof Pass p) || p.tape() == null) {
            throw new IllegalArgumentException("Snn2.backward needs the Pass of forward(..., keepTape = true)");
        }
        Tape tp = p.tape();
        int t = tp.x.dim(0), b = tp.x.dim(1), h = cfg.hidden(), o = cfg.outputs();
        gradPrediction.requireShape("Snn2.backward gradPrediction", t, b, o);
        float[] gCur2 = new float[tp.cur2.length];
        lifOut.backward(tp.cur2, tp.mem2, t, b * o, null, be.toHost(gradPrediction), gCur2);
        Tensor g2 = be.fromHost(gCur2, t, b, o);
        be.gemm(true, false, 1f, g2, p.spikes(), 1f, fcOut.grad());            // dW2 += g2ᵀ·S1
        Tensor gs1 = be.zeros(t, b, h);
        be.gemm(false, false, 1f, g2, fcOut.value(), 0f, gs1);                 // dS1 = g2·W2
        if (gradSpikes != null) {
            gradSpikes.requireShape("Snn2.backward gradSpikes", t, b, h);
            be.zip(BinaryOp.ADD, gs1, gradSpikes, gs1);
        }
        float[] gCur1 = new float[tp.cur1.length];
        lif1.backward(tp.cur1, tp.mem1, t, b * h, be.toHost(gs1), null, gCur1);
        Tensor g1 = be.fromHost(gCur1, t, b, h);
        if (p.dropoutMask() != null) be.zip(BinaryOp.MUL, g1, p.dropoutMask(), g1);
        be.gemm(true, false, 1f, g1, tp.x, 1f, fc1.grad());                    // dW1 += g1ᵀ·x
        if (!inputGradient) return null;
        Tensor gx = be.zeros(t, b, cfg.inputs());
        be.gemm(false, false, 1f, g1, fc1.value(), 0f, gx);
        return gx;
    }

    // ---- NeuroBench ---------------------------------------------------------------------------

    /**
     * fc1 and fc_out as LINEAR layers fed by spikes, no extra parameters, and the snnTorch buffers of
     * lif1 and lif_out (see the class comment): 24 B per layer with θ = 1.
     */
    @Override
    public MetricModel describe(DType parameterType) {
        List<MetricLayer> layers = List.of(
                MetricLayer.linear("fc1", fc1.value(), null, MetricLayer.InputKind.SPIKES),
                MetricLayer.linear("fc_out", fcOut.value(), null, MetricLayer.InputKind.SPIKES));
        List<Buffer> buffers = new ArrayList<>(snnTorchLeakyBuffers("lif1", cfg.threshold()));
        buffers.addAll(snnTorchLeakyBuffers("lif_out", cfg.threshold()));
        return MetricModel.fromModule("SNN2", this, layers, buffers, parameterType, 250.0);
    }

    /**
     * The buffers snnTorch 0.7 registers for one {@code Leaky} layer with fixed β and θ:
     * {@code beta} float32, {@code threshold} int64 for an integer θ (torch.as_tensor of a Python
     * int) else float32, {@code graded_spikes_factor} float32, {@code reset_mechanism_val} int64, and
     * {@code mem}, empty until the first forward call.
     */
    static List<Buffer> snnTorchLeakyBuffers(String layer, float threshold) {
        DType th = threshold == Math.rint(threshold) ? DType.INT64 : DType.FLOAT32;
        return List.of(new Buffer(layer + ".beta", 1, DType.FLOAT32),
                new Buffer(layer + ".threshold", 1, th),
                new Buffer(layer + ".graded_spikes_factor", 1, DType.FLOAT32),
                new Buffer(layer + ".reset_mechanism_val", 1, DType.INT64),
                new Buffer(layer + ".mem", 0, DType.FLOAT32));
    }

    /** fc1 sees the input x[n], fc_out the hidden spikes S1[n]; spiking layers: lif1 and lif_out. */
    @Override
    public Workload run(Tensor x) {
        Pass p = forward(x, false, 0L, false);
        int b = x.dim(1);
        return new Workload(p.prediction(),
                List.of(new Workload.LayerInput("fc1", x, b), new Workload.LayerInput("fc_out", p.spikes(), b)),
                List.of(p.spikes(), p.outputSpikes()), (long) x.dim(0) * b);
    }
}
