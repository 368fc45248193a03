package org.spikekit.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Differentiable;
import org.spikekit.core.Init;
import org.spikekit.core.Losses;
import org.spikekit.core.Parameter;
import org.spikekit.core.Tape;
import org.spikekit.neuron.AlifCoeffs;
import org.spikekit.neuron.AlifKernel;
import org.spikekit.neuron.AlifParams;
import org.spikekit.neuron.AlifTape;
import org.spikekit.neuron.Surrogate;

/**
 * A small supervised classifier after the Blocks paper's {@code AuditoryModel} (notebooks/papers/blocks.md §5.2;
 * authors' {@code src/models.py}), with one hidden layer: input → ALIF layer (standard or Blocks
 * kernel, recurrent or feedforward) → non-spiking leaky-integrator readout → logits → softmax
 * cross-entropy. Per batch row, time step t, hidden neuron h, class o:
 * <pre>
 *   X[t, h] = Σ_i x[t, i]·W_in[i, h] + b_in[h]                    W_in ~ U(±1/√inputs), b_in = 0
 *   S = ALIF(X; R, β, p, b, arp)                                   {@link AlifKernel}: standard or Blocks
 *   I[t, o] = Σ_h S[t, h]·W_out[h, o] + b_out[o]                   W_out ~ U(±1/√hidden), b_out = 0
 *   Y[t, o] = β_o·Y[t−1, o] + I[t, o]                              Y[−1] = 0 ("BlocksIntegrator")
 *   logit_o = Σ_t Y[t, o]   (SUM, the paper)   or   max_t Y[t, o]  (MAX)
 * </pre>
 * β, p, b and β_o are learnable through the paper's clamps ({@link AlifCoeffs#fromRaw}); R is
 * initialised to the identity as in the paper. The readout bias b_out is the authors' trainable
 * {@code _rf_bias} of the integrator readout ({@code BlocksIntegrator} / {@code SNNIntegrator}
 * inherit {@code BaseSNN.forward}, {@code F.conv2d(x, _rf_weight, _rf_bias)}, {@code src/snn/snn.py};
 * initialised to zeros); under SUM pooling it adds {@code b_out·Σ_t Σ_{k≤t} β_o^{t−k}} to the logit. The backward pass is hand-written: readout scan in
 * reverse, then the kernel's own backward (so Blocks gets the reformulated graph's gradients),
 * then the input projection.
 *
 * <p>The kit's autograd contract ({@link Differentiable}): {@link #forward(Tensor, Tape)} returns the
 * logits {@code [B, classes]}, publishes the last hidden layer's spikes {@code [T, B, hidden]} on the
 * tape as {@link #SPIKES} and, when the tape keeps records, pushes its {@link Pass};
 * {@link #backward(Tensor, Tape)} pops it, back-propagates dL/dlogits plus any gradient the caller
 * handed back for {@link #SPIKES} ({@link Tape#addGradient}: a loss on the spikes, as the Blocks
 * reference set uses), ADDS the parameter gradients and returns null (dL/dx costs one more gemm that
 * training does not need: {@link #backward(Tensor, Tape, boolean)} returns it on request). The
 * network has no dropout or batch statistics, so every tape mode computes the same numbers;
 * {@link Tape#inference()} keeps no record. The pass-object methods ({@link #forward(Tensor, boolean)},
 * {@link #backward(Pass, Tensor)}, {@link #backwardHidden}) remain for code that reads the per-layer
 * kernel tapes (membrane, threshold) directly; both routes give bit-identical gradients.
 *
 * <p>With the same seed, the same {@code arp ≥ 0} and b ≥ 0, the standard and Blocks networks
 * compute identical spikes and logits (the kernels' equivalence); their gradients differ.
 */
public final class AlifNet implements Differentiable<Tensor> {

    /** Name of the side output {@link #forward(Tensor, Tape)} publishes: the last hidden layer's spikes {@code [T, B, hidden]}. */
    public static final String SPIKES = "spikes";

    public enum Kind { STANDARD, BLOCKS }

    public enum Pool { SUM, MAX }

    /**
     * @param inputs input units (700 SHD, 2312 or 1156 N-MNIST)
     * @param hidden ALIF neurons (paper: 256 per layer, two layers)
     * @param classes outputs (20 SHD, 10 N-MNIST)
     * @param recurrent whether the hidden layer has recurrent weights R
     * @param kind which kernel
     * @param alif refractory period and surrogate (paper: multi-Gaussian; Blocks' ARP 10..50 steps, standard ARP 0)
     * @param beta0 initial β = exp(−dt/τ_mem) (paper: τ_mem 20 ms)
     * @param p0 initial p = exp(−dt/τ_adapt) (paper: τ_adapt 150 ms)
     * @param b0 initial raw b (paper 1.8; the clamp makes it 1)
     * @param betaOut0 initial readout decay (paper: τ 20 ms)
     * @param pool how logits are taken from the readout trace
     * @param layers number of stacked hidden ALIF layers of {@code hidden} neurons each, ≥ 1 (paper 2;
     *     the constructor without it makes 1)
     */
    public record Config(int inputs, int hidden, int classes, boolean recurrent, Kind kind, AlifParams alif,
                         float beta0, float p0, float b0, float betaOut0, Pool pool, int layers) {
        public Config {
            if (inputs < 1 || hidden < 1 || classes < 2) {
                throw new IllegalArgumentException("AlifNet.Config: need inputs >= 1, hidden >= 1, classes >= 2; got "
                        + inputs + ", " + hidden + ", " + classes);
            }
            if (layers < 1) throw new IllegalArgumentException("AlifNet.Config.layers must be >= 1 hidden ALIF layer, got " + layers);
            if (kind == null || alif == null || pool == null) throw new IllegalArgumentException("AlifNet.Config: kind, alif and pool must not be null");
        }

        /** One hidden layer. */
        public Config(int inputs, int hidden, int classes, boolean recurrent, Kind kind, AlifParams alif,
                      float beta0, float p0, float b0, float betaOut0, Pool pool) {
            this(inputs, hidden, classes, recurrent, kind, alif, beta0, p0, b0, betaOut0, pool, 1);
        }

        /** The paper's neuron settings at time step {@code dtMs}: τ_mem 20 ms, τ_adapt 150 ms, b 1.8, readout τ 20 ms, mg surrogate, SUM. */
        public static Config paper(int inputs, int hidden, int classes, boolean recurrent, Kind kind, int arp, double dtMs) {
            return new Config(inputs, hidden, classes, recurrent, kind, AlifParams.paper(arp),
                    (float) Math.exp(-dtMs / 20), (float) Math.exp(-dtMs / 150), 1.8f, (float) Math.exp(-dtMs / 20), Pool.SUM);
        }

        public Config withKind(Kind k) { return new Config(inputs, hidden, classes, recurrent, k, alif, beta0, p0, b0, betaOut0, pool, layers); }
        public Config withArp(int arp) { return new Config(inputs, hidden, classes, recurrent, kind, alif.withArp(arp), beta0, p0, b0, betaOut0, pool, layers); }
        public Config withPool(Pool p) { return new Config(inputs, hidden, classes, recurrent, kind, alif, beta0, p0, b0, betaOut0, p, layers); }
        public Config withSurrogate(Surrogate s) { return new Config(inputs, hidden, classes, recurrent, kind, alif.withSurrogate(s), beta0, p0, b0, betaOut0, pool, layers); }
        public Config withB0(float b) { return new Config(inputs, hidden, classes, recurrent, kind, alif, beta0, p0, b, betaOut0, pool, layers); }
        public Config withLayers(int l) { return new Config(inputs, hidden, classes, recurrent, kind, alif, beta0, p0, b0, betaOut0, pool, l); }

        public String describe() {
            StringBuilder shape = new StringBuilder().append(inputs);
            for (int l = 0; l < layers; l++) shape.append('-').append(hidden).append(recurrent ? "r" : "");
            return String.format(Locale.ROOT, "AlifNet %s %s-%d arp=%d %s β0=%.4f p0=%.4f b0=%.2f βout0=%.4f %s", kind, shape,
                    classes, alif.arp(), alif.surrogate(), beta0, p0, b0, betaOut0, pool);
        }
    }

    private final Backend be;
    private final Config cfg;
    private final AlifKernel kernel;
    /** One hidden ALIF layer's parameters; layer 0 keeps the one-layer names (in.w, rec.w, alif.betaRaw, …). */
    private record Layer(Parameter w, Parameter b, Parameter rec, Parameter betaRaw, Parameter pRaw, Parameter bRaw) {
        List<Parameter> all() {
            List<Parameter> ps = new ArrayList<>(List.of(w, b));
            if (rec != null) ps.add(rec);
            ps.addAll(List.of(betaRaw, pRaw, bRaw));
            return ps;
        }
    }

    private final List<Layer> layers = new ArrayList<>();
    private final Parameter wOut, bOut, betaOutRaw;
    private long kernelNanos;

    /** Parameters drawn from {@code seed} (the same for both kinds, so their outputs agree at initialisation). */
    public AlifNet(Backend be, Config cfg, long seed) {
        this(be, cfg, seed, cfg.kind() == Kind.BLOCKS ? AlifKernel.blocks(be) : AlifKernel.standard(be));
    }

    /** With an explicit kernel (it must implement {@code cfg.kind()}'s model). */
    public AlifNet(Backend be, Config cfg, long seed, AlifKernel kernel) {
        if (be == null || cfg == null || kernel == null) throw new IllegalArgumentException("AlifNet: backend, config and kernel must not be null");
        this.be = be;
        this.cfg = cfg;
        this.kernel = kernel;
        int h = cfg.hidden();
        for (int l = 0; l < cfg.layers(); l++) {
            String in = l == 0 ? "in" : "h" + l, rc = l == 0 ? "rec" : "rec" + l, al = l == 0 ? "alif" : "alif" + l;
            int fanIn = l == 0 ? cfg.inputs() : h;
            Parameter w = new Parameter(in + ".w", Init.fanInUniform(be, Init.seedFor(seed, in + ".w"), 1f, fanIn, h), true);
            Parameter b = new Parameter(in + ".b", be.zeros(h), true);
            Parameter rec = null;
            if (cfg.recurrent()) {
                float[] eye = new float[h * h];
                for (int i = 0; i < h; i++) eye[i * h + i] = 1f;
                rec = new Parameter(rc + ".w", be.fromHost(eye, h, h), true);
            }
            layers.add(new Layer(w, b, rec, new Parameter(al + ".betaRaw", filled(h, cfg.beta0()), true),
                    new Parameter(al + ".pRaw", filled(h, cfg.p0()), true), new Parameter(al + ".bRaw", filled(h, cfg.b0()), true)));
        }
        wOut = new Parameter("out.w", Init.fanInUniform(be, Init.seedFor(seed, "out.w"), 1f, h, cfg.classes()), true);
        bOut = new Parameter("out.b", be.zeros(cfg.classes()), true);
        betaOutRaw = new Parameter("out.betaRaw", filled(cfg.classes(), cfg.betaOut0()), true);
    }

    private Tensor filled(int n, float v) {
        Tensor t = be.zeros(n);
        be.fill(t, v);
        return t;
    }

    public Config config() { return cfg; }
    public Backend backend() { return be; }
    public AlifKernel kernel() { return kernel; }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Layer l : layers) ps.addAll(l.all());
        ps.addAll(List.of(wOut, bOut, betaOutRaw));
        return List.copyOf(ps);
    }

    /** The clamped coefficients the (first) hidden layer uses now. */
    public AlifCoeffs coeffs() { return coeffs(0); }

    /** The clamped coefficients hidden layer {@code l} uses now. */
    public AlifCoeffs coeffs(int l) {
        Layer y = layers.get(l);
        return AlifCoeffs.fromRaw(be, y.betaRaw().value(), y.pRaw().value(), y.bRaw().value());
    }

    /** Wall time spent inside the ALIF kernel's forward and backward calls since construction, ns. */
    public long kernelNanos() { return kernelNanos; }

    /** Copies every parameter value from {@code other} (same configuration sizes). */
    public void copyFrom(AlifNet other) {
        List<Parameter> a = parameters(), b = other.parameters();
        if (a.size() != b.size()) throw new IllegalArgumentException("AlifNet.copyFrom: different parameter lists");
        for (int i = 0; i < a.size(); i++) be.copy(b.get(i).value(), a.get(i).value());
    }

    // ------------------------------------------------------------------ forward / backward

    /**
     * @param logits {@code [B, classes]}
     * @param spikes spikes of the last hidden layer {@code [T, B, hidden]} (the readout's input)
     * @param trace readout trace Y {@code [T, B, classes]} (host array)
     * @param layerSpikes every hidden layer's spikes, first to last
     * @param tapes every hidden layer's kernel tape (null entries without {@code keepTape})
     */
    public record Pass(Tensor x, Tensor logits, Tensor spikes, float[] trace, float[] betaOut, int[] argmax,
                       List<Tensor> layerSpikes, List<AlifTape> tapes) {
        public int steps() { return x.dim(0); }
        public int batch() { return x.dim(1); }
    }

    /**
     * Forward over {@code x [T, B, inputs]}, returning the pass object; keeps what
     * {@link #backward(Pass, Tensor)} needs when {@code keepTape}. Training code uses
     * {@link #forward(Tensor, Tape)}; this form is for code that reads the per-layer kernel tapes.
     */
    public Pass forward(Tensor x, boolean keepTape) {
        if (x == null || x.rank() != 3 || x.dim(2) != cfg.inputs()) {
            throw new IllegalArgumentException("AlifNet: input must be [T, B, " + cfg.inputs() + "], got " + x);
        }
        int t = x.dim(0), b = x.dim(1), h = cfg.hidden(), c = cfg.classes();
        List<Tensor> spikes = new ArrayList<>();
        List<AlifTape> tapes = new ArrayList<>();
        Tensor layerIn = x;
        for (int l = 0; l < layers.size(); l++) {
            Layer y = layers.get(l);
            Tensor cur = be.zeros(t, b, h);
            be.gemm(false, false, 1f, layerIn, y.w().value(), 0f, cur);
            be.zipRow(BinaryOp.ADD, cur, y.b().value(), cur);
            long k0 = System.nanoTime();
            AlifKernel.AlifForward f = kernel.forward(cfg.alif(), coeffs(l), cur, y.rec() == null ? null : y.rec().value(), keepTape);
            kernelNanos += System.nanoTime() - k0;
            spikes.add(f.spikes());
            tapes.add(keepTape ? f.tape() : null);
            layerIn = f.spikes();
        }
        Tensor in = be.zeros(t, b, c);
        be.gemm(false, false, 1f, layerIn, wOut.value(), 0f, in);
        be.zipRow(BinaryOp.ADD, in, bOut.value(), in);
        float[] bo = betaOut();
        float[] y = be.toHost(in);
        for (int k = 1; k < t; k++) {
            int o = k * b * c, po = o - b * c;
            for (int j = 0; j < b * c; j++) y[o + j] += bo[j % c] * y[po + j];
        }
        float[] logits = new float[b * c];
        int[] arg = cfg.pool() == Pool.MAX ? new int[b * c] : null;
        for (int j = 0; j < b * c; j++) {
            if (arg == null) {
                double s = 0;
                for (int k = 0; k < t; k++) s += y[k * b * c + j];
                logits[j] = (float) s;
            } else {
                int best = 0;
                for (int k = 1; k < t; k++) if (y[k * b * c + j] > y[best * b * c + j]) best = k;
                arg[j] = best;
                logits[j] = y[best * b * c + j];
            }
        }
        return new Pass(x, be.fromHost(logits, b, c), layerIn, y, bo, arg, List.copyOf(spikes), java.util.Collections.unmodifiableList(tapes));
    }

    private float[] betaOut() {
        float[] r = be.toHost(betaOutRaw.value());
        for (int i = 0; i < r.length; i++) r[i] = Math.min(Math.max(r[i], AlifCoeffs.MIN_BETA), AlifCoeffs.MAX_BETA);
        return r;
    }

    /** Mean cross-entropy of the logits and its gradient {@code [B, classes]} (fresh). */
    public static double loss(Pass p, int[] labels, Tensor gradLogits) {
        return Losses.crossEntropy(p.logits(), labels, gradLogits);
    }

    /** Backpropagation from dL/dlogits {@code [B, classes]}; ADDS into the parameter gradients. */
    public void backward(Pass p, Tensor gradLogits) {
        backwardHidden(p, readoutBackward(p, gradLogits), false);
    }

    /** The readout's backward: ADDS its parameter gradients, returns a fresh dL/dS of the last hidden layer. */
    private Tensor readoutBackward(Pass p, Tensor gradLogits) {
        if (p == null || p.tapes().contains(null)) throw new IllegalArgumentException("AlifNet.backward needs the Pass of forward(x, keepTape = true)");
        int t = p.steps(), b = p.batch(), h = cfg.hidden(), c = cfg.classes();
        gradLogits.requireShape("AlifNet.backward gradLogits", b, c);
        float[] gl = be.toHost(gradLogits), bo = p.betaOut(), y = p.trace();
        float[] gI = new float[t * b * c], gBo = new float[c], gBias = new float[c];
        for (int j = 0; j < b * c; j++) {
            float lam = 0f;
            for (int k = t - 1; k >= 0; k--) {
                float gy = p.argmax() == null ? gl[j] : (p.argmax()[j] == k ? gl[j] : 0f);
                lam = gy + (k < t - 1 ? bo[j % c] * lam : 0f);
                gI[k * b * c + j] = lam;
                gBias[j % c] += lam;                                                  // dI/db_out = 1 at every step
                if (k > 0) gBo[j % c] += lam * y[(k - 1) * b * c + j];
            }
        }
        float[] braw = be.toHost(betaOutRaw.value());
        for (int o = 0; o < c; o++) if (braw[o] < AlifCoeffs.MIN_BETA || braw[o] > AlifCoeffs.MAX_BETA) gBo[o] = 0f;
        be.axpby(1f, be.fromHost(gBo, c), 1f, betaOutRaw.grad());
        be.axpby(1f, be.fromHost(gBias, c), 1f, bOut.grad());
        Tensor gIt = be.fromHost(gI, t, b, c);
        be.gemm(true, false, 1f, p.spikes(), gIt, 1f, wOut.grad());               // dW_out += Sᵀ·gI
        Tensor gS = be.zeros(t, b, h);
        be.gemm(false, true, 1f, gIt, wOut.value(), 0f, gS);                     // dS = gI·W_outᵀ
        return gS;
    }

    /**
     * Backpropagation through the hidden layers only, from dL/dS of the last hidden layer
     * {@code [T, B, hidden]} (e.g. a loss on the spikes, as the Blocks reference set uses);
     * ADDS into the hidden layers' parameter gradients (readout untouched).
     *
     * @param inputGrad whether to return dL/dx {@code [T, B, inputs]} (one more gemm)
     * @return dL/dx, or null without {@code inputGrad}
     */
    public Tensor backwardHidden(Pass p, Tensor gradSpikes, boolean inputGrad) {
        if (p == null || p.tapes().contains(null)) throw new IllegalArgumentException("AlifNet.backwardHidden needs the Pass of forward(x, keepTape = true)");
        int t = p.steps(), b = p.batch(), h = cfg.hidden();
        gradSpikes.requireShape("AlifNet.backwardHidden gradSpikes", t, b, h);
        Tensor gS = gradSpikes, gX = null;
        for (int l = layers.size() - 1; l >= 0; l--) {
            Layer ly = layers.get(l);
            long k0 = System.nanoTime();
            AlifKernel.AlifGrads g = kernel.backward(cfg.alif(), p.tapes().get(l), gS);
            kernelNanos += System.nanoTime() - k0;
            Tensor layerIn = l == 0 ? p.x() : p.layerSpikes().get(l - 1);
            be.gemm(true, false, 1f, layerIn, g.gradCurrent(), 1f, ly.w().grad());   // dW += inputᵀ·dX
            be.sumRows(g.gradCurrent(), 1f, ly.b().grad());
            if (ly.rec() != null) be.axpby(1f, g.gradRec(), 1f, ly.rec().grad());
            Tensor[] raw = AlifCoeffs.rawGrads(be, ly.betaRaw().value(), ly.pRaw().value(), ly.bRaw().value(), g.gradBeta(), g.gradP(), g.gradB());
            be.axpby(1f, raw[0], 1f, ly.betaRaw().grad());
            be.axpby(1f, raw[1], 1f, ly.pRaw().grad());
            be.axpby(1f, raw[2], 1f, ly.bRaw().grad());
            if (l > 0) {
                gS = be.zeros(t, b, h);
                be.gemm(false, true, 1f, g.gradCurrent(), ly.w().value(), 0f, gS);   // dS_{l−1} = dX·Wᵀ
            } else if (inputGrad) {
                gX = be.zeros(t, b, cfg.inputs());
                be.gemm(false, true, 1f, g.gradCurrent(), ly.w().value(), 0f, gX);   // dx = dX·W_inᵀ
            }
        }
        return gX;
    }

    // ------------------------------------------------------------------ the autograd contract

    /**
     * Logits {@code [B, classes]} of {@code x [T, B, inputs]}. Publishes the last hidden layer's
     * spikes as {@link #SPIKES}; pushes the {@link Pass} when {@code tape.keeps()}.
     */
    @Override
    public Tensor forward(Tensor x, Tape tape) {
        if (tape == null) throw new IllegalArgumentException("AlifNet.forward: tape must not be null (Tape.inference() for no gradients)");
        Pass p = forward(x, tape.keeps());
        tape.publish(SPIKES, p.spikes());
        tape.push(p);
        return p.logits();
    }

    /**
     * Pops the {@link Pass} and back-propagates {@code gradLogits [B, classes]} and the gradient
     * handed back for {@link #SPIKES} (if any); ADDS into the parameter gradients. Returns null
     * (no dL/dx; see {@link #backward(Tensor, Tape, boolean)}).
     */
    @Override
    public Tensor backward(Tensor gradLogits, Tape tape) { return backward(gradLogits, tape, false); }

    /**
     * As {@link #backward(Tensor, Tape)}; with {@code inputGrad} also returns dL/dx
     * {@code [T, B, inputs]} (one more gemm). {@code gradLogits} may be null when only the spikes
     * carry a loss: the readout is then skipped (its gradients untouched), as in {@link #backwardHidden}.
     */
    public Tensor backward(Tensor gradLogits, Tape tape, boolean inputGrad) {
        if (tape == null) throw new IllegalArgumentException("AlifNet.backward: tape must not be null");
        Pass p = tape.pop(Pass.class);
        Tensor gSpikes = tape.gradient(SPIKES);
        if (gradLogits == null) {
            if (gSpikes == null) throw new IllegalArgumentException("AlifNet.backward: gradLogits is null and no gradient was handed back for '" + SPIKES + "'");
            return backwardHidden(p, gSpikes, inputGrad);
        }
        if (gSpikes != null) gSpikes.requireShape("AlifNet.backward gradient of '" + SPIKES + "'", p.steps(), p.batch(), cfg.hidden());
        Tensor gS = readoutBackward(p, gradLogits);
        if (gSpikes != null) be.axpby(1f, gSpikes, 1f, gS);                        // dS += dL/dS handed back on the tape
        return backwardHidden(p, gS, inputGrad);
    }

    /** Predicted classes (argmax of the logits) of {@code x}. */
    public int[] predict(Tensor x) {
        Tensor logits = forward(x, Tape.inference());
        float[] z = be.toHost(logits);
        int b = x.dim(1), c = cfg.classes();
        int[] out = new int[b];
        for (int r = 0; r < b; r++) {
            int best = 0;
            for (int o = 1; o < c; o++) if (z[r * c + o] > z[r * c + best]) best = o;
            out[r] = best;
        }
        return out;
    }
}
