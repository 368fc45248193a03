package org.spikekit.model;

import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.neuron.Surrogate;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.nn.BatchNorm;
import org.spikekit.nn.Dropout;
import org.spikekit.nn.Layer;
import org.spikekit.nn.LayerNorm;
import org.spikekit.nn.Linear;
import org.spikekit.nn.ParametricLif;
import org.spikekit.core.Tape;

/**
 * Spikachu's spiking self-attention block (notebooks/papers/spikachu.md §4.2 C) on {@code x [T, B, S, D]}, attending
 * over the S scale tokens of each time step and sample:
 * <pre>
 *   x1 = LayerNorm1(x);  x2 = x1 + SSA(x1)
 *   x3 = LayerNorm2(x2); y  = x3 + MLP(x3)
 *   SSA(x):  q, k, v = LIF(BN(Linear(x)))          (qkv wide, τ0 2, V_th 1, decay_input)
 *            A = q·kᵀ·(1/√head_dim) per head         (no softmax), time-shared dropout on A
 *            LIF(V_th 0.5)(BN(Linear(LIF(A·v))))
 *   MLP(x):  LIF(BN(Linear(LIF(BN(Linear(x))))))    (D → mlpRatio·D → D, τ0 2, V_th 1), dropout
 * </pre>
 * All neurons are learnable-threshold LTLIFs with {@code decay_input = true} and a hard reset to 0,
 * as the released {@code spiking_attention.py} builds them.
 *
 * <p>Kit default ({@code released = false}): the attention output is used, so its projection maps
 * qkv → D to fit the residual, and every LIF runs over real time T with batch × tokens as
 * independent neurons. {@code released = true} reproduces the released code: SSA returns its input
 * (the residual is 2·LayerNorm1(x); the attention path is still computed, on a side tape whose
 * spike counts are kept for the energy estimate and whose output is discarded, with a qkv → qkv
 * projection as released), and the MLP's LIFs run over the flattened (T·B) axis with the
 * S tokens as batch, so neuron state flows from sample b to sample b + 1 of the same step and from
 * the last sample of step t to the first of step t + 1. The MLP's dropout comes after the released
 * code has unfolded the axis again: one mask per sample, token and feature, shared over T.
 */
final class SpikachuCoreSsa implements Layer {
    private final String name;
    private final int dim, qkv, heads, headDim;
    private final float scale;
    private final boolean released;
    private final LayerNorm ln1, ln2;
    private final Linear q, k, v, proj, fc1, fc2;
    private final BatchNorm qBn, kBn, vBn, projBn, bn1, bn2;
    private final ParametricLif qLif, kLif, vLif, attnLif, projLif, lif1, lif2;
    private final Dropout attnDrop, mlpDrop;
    private final List<Parameter> params;

    /** Initial time constant of every SSA/MLP neuron (LTLIFNode(init_tau=2.0) in the released code). */
    static final float TAU0 = 2f;
    /** Default LTLIF threshold of the q/k/v, attention and MLP neurons. */
    static final float VTH = 1f;
    /** Threshold of the neuron after the output projection. */
    static final float PROJ_VTH = 0.5f;

    SpikachuCoreSsa(Backend be, String name, int dim, int qkv, int heads, int mlpHidden, float attnDropout, float mlpDropout,
                    Surrogate spike, boolean trainThreshold, boolean released, long seed, int tokens, SpikachuCoreOps ops) {
        this.name = name;
        this.dim = dim;
        this.qkv = qkv;
        this.heads = heads;
        this.headDim = qkv / heads;
        this.scale = (float) (1 / Math.sqrt(headDim));
        this.released = released;
        ParametricLif.Options o = ParametricLif.Options.ltlif(TAU0, VTH).withDecayInput(true).withSpike(spike).withLearnThreshold(trainThreshold);
        ln1 = new LayerNorm(be, name + ".ln1", dim);
        q = new Linear(be, name + ".q.fc", dim, qkv, true, seed);
        qBn = new BatchNorm(be, name + ".q.bn", qkv);
        qLif = new ParametricLif(be, name + ".q.lif", qkv, o);
        k = new Linear(be, name + ".k.fc", dim, qkv, true, seed);
        kBn = new BatchNorm(be, name + ".k.bn", qkv);
        kLif = new ParametricLif(be, name + ".k.lif", qkv, o);
        v = new Linear(be, name + ".v.fc", dim, qkv, true, seed);
        vBn = new BatchNorm(be, name + ".v.bn", qkv);
        vLif = new ParametricLif(be, name + ".v.lif", qkv, o);
        attnDrop = Dropout.sharedOverTime(attnDropout);
        attnLif = new ParametricLif(be, name + ".attn.lif", qkv, o);
        int projOut = released ? qkv : dim;
        proj = new Linear(be, name + ".proj.fc", qkv, projOut, true, seed);
        projBn = new BatchNorm(be, name + ".proj.bn", projOut);
        projLif = new ParametricLif(be, name + ".proj.lif", projOut, ParametricLif.Options.ltlif(TAU0, PROJ_VTH).withDecayInput(true)
                .withSpike(spike).withLearnThreshold(trainThreshold));
        ln2 = new LayerNorm(be, name + ".ln2", dim);
        fc1 = new Linear(be, name + ".mlp.fc1", dim, mlpHidden, true, seed);
        bn1 = new BatchNorm(be, name + ".mlp.bn1", mlpHidden);
        lif1 = new ParametricLif(be, name + ".mlp.lif1", mlpHidden, o);
        fc2 = new Linear(be, name + ".mlp.fc2", mlpHidden, dim, true, seed);
        bn2 = new BatchNorm(be, name + ".mlp.bn2", dim);
        lif2 = new ParametricLif(be, name + ".mlp.lif2", dim, o);
        mlpDrop = Dropout.sharedOverTime(mlpDropout);
        params = Module.of(ln1, q, qBn, qLif, k, kBn, kLif, v, vBn, vLif, attnLif, proj, projBn, projLif,
                ln2, fc1, bn1, lif1, fc2, bn2, lif2).parameters();
        for (String p : new String[] {"q", "k", "v"}) {
            ops.linear(name + "." + p + ".fc", dim, qkv, true, tokens, null);
            ops.batchNorm(name + "." + p + ".bn", qkv, tokens);
            ops.lif(name + "." + p + ".lif", qkv, tokens);
        }
        ops.attention(name + ".attn", heads, headDim, tokens);
        ops.lif(attnLif.name(), qkv, tokens);
        ops.linear(name + ".proj.fc", qkv, projOut, true, tokens, attnLif.name());
        ops.batchNorm(name + ".proj.bn", projOut, tokens);
        ops.lif(projLif.name(), projOut, tokens);
        ops.linear(name + ".mlp.fc1", dim, mlpHidden, true, tokens, null);
        ops.batchNorm(name + ".mlp.bn1", mlpHidden, tokens);
        ops.lif(lif1.name(), mlpHidden, tokens);
        ops.linear(name + ".mlp.fc2", mlpHidden, dim, true, tokens, lif1.name());
        ops.batchNorm(name + ".mlp.bn2", dim, tokens);
        ops.lif(lif2.name(), dim, tokens);
    }

    @Override
    public List<Parameter> parameters() { return params; }

    /** Trainable parameter count of the attention sub-layer alone (q/k/v, attention LIF, projection). */
    long attentionParameters() {
        return Module.of(q, qBn, qLif, k, kBn, kLif, v, vBn, vLif, attnLif, proj, projBn, projLif).trainableParameters()
                .stream().mapToLong(Parameter::numel).sum();
    }

    private record Rec(int[] shape) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        int[] s = x.shape();
        if (s.length != 4 || s[3] != dim) {
            throw new IllegalArgumentException(name + ": expected an input [T, B, S, " + dim + "], got " + Arrays.toString(s));
        }
        Backend be = x.backend();
        Tensor x1 = ln1.forward(x, tape);
        Tensor x2 = be.zeros(s);
        if (released) {
            Tape side = tape.training() ? Tape.training(tape.nextSeed()) : Tape.inference();
            attention(x1, side);
            for (Tape.Activity a : side.activity()) tape.recordSpikes(a.layer(), a.neurons(), a.spikes(), a.neuronSteps());
            be.affine(x1, 2f, 0f, x2);
        } else {
            be.zip(BinaryOp.ADD, x1, attention(x1, tape), x2);
        }
        Tensor x3 = ln2.forward(x2, tape);
        Tensor h = overTime(lif1, bn1.forward(fc1.forward(x3, tape), tape), tape);
        h = overTime(lif2, bn2.forward(fc2.forward(h, tape), tape), tape);
        // the released MLP unfolds (t b) back to (t, b) before its dropout (spiking_attention.py
        // lines 115-116): one mask per sample, shared over T, in both modes
        h = mlpDrop.forward(h, tape);
        Tensor y = be.zeros(s);
        be.zip(BinaryOp.ADD, x3, h, y);
        tape.push(new Rec(s));
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        tape.pop(Rec.class);
        Backend be = gradOut.backend();
        Tensor g = mlpDrop.backward(gradOut, tape);
        g = fc2.backward(bn2.backward(overTimeBack(lif2, g, tape), tape), tape);
        g = fc1.backward(bn1.backward(overTimeBack(lif1, g, tape), tape), tape);
        be.axpby(1f, gradOut, 1f, g);
        Tensor gx2 = ln2.backward(g, tape);
        Tensor gx1 = be.zeros(gx2.shape());
        if (released) {
            be.affine(gx2, 2f, 0f, gx1);
        } else {
            be.zip(BinaryOp.ADD, gx2, attentionBackward(gx2, tape), gx1);
        }
        return ln1.backward(gx1, tape);
    }

    /** Runs a time-axis layer (LIF, time-shared dropout) on [T, B, ...], folding T·B into time when released. */
    private Tensor overTime(Layer l, Tensor x, Tape tape) {
        int[] s = x.shape();
        return l.forward(fold(x), tape).reshape(s);
    }

    private Tensor overTimeBack(Layer l, Tensor g, Tape tape) {
        int[] s = g.shape();
        return l.backward(fold(g), tape).reshape(s);
    }

    private Tensor fold(Tensor x) {
        if (!released) return x;
        int[] s = x.shape();
        int[] f = new int[s.length - 1];
        f[0] = s[0] * s[1];
        System.arraycopy(s, 2, f, 1, s.length - 2);
        return x.reshape(f);
    }

    /** q, k, v spikes (host copies) and the dropped-out attention matrix A [rows, heads, S, S]. */
    private record AttnRec(float[] q, float[] k, float[] v, float[] a, int rows, int tokens) {}

    private Tensor attention(Tensor x1, Tape tape) {
        Backend be = x1.backend();
        int[] s = x1.shape();
        int rows = s[0] * s[1], n = s[2];
        Tensor qs = overTime(qLif, qBn.forward(q.forward(x1, tape), tape), tape);
        Tensor ks = overTime(kLif, kBn.forward(k.forward(x1, tape), tape), tape);
        Tensor vs = overTime(vLif, vBn.forward(v.forward(x1, tape), tape), tape);
        float[] qh = be.toHost(qs), kh = be.toHost(ks), vh = be.toHost(vs);
        float[] a = new float[rows * heads * n * n];
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < heads; h++) {
                int ao = (r * heads + h) * n * n;
                for (int i = 0; i < n; i++) {
                    int qo = (r * n + i) * qkv + h * headDim;
                    for (int j = 0; j < n; j++) {
                        int ko = (r * n + j) * qkv + h * headDim;
                        float acc = 0;
                        for (int d = 0; d < headDim; d++) acc += qh[qo + d] * kh[ko + d];
                        a[ao + i * n + j] = acc * scale;
                    }
                }
            }
        }
        Tensor at = overTime(attnDrop, be.fromHost(a, s[0], s[1], heads, n, n), tape);
        float[] ad = be.toHost(at);
        float[] o = new float[rows * n * qkv];
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < heads; h++) {
                int ao = (r * heads + h) * n * n;
                for (int i = 0; i < n; i++) {
                    int oo = (r * n + i) * qkv + h * headDim;
                    for (int j = 0; j < n; j++) {
                        float w = ad[ao + i * n + j];
                        if (w == 0f) continue;
                        int vo = (r * n + j) * qkv + h * headDim;
                        for (int d = 0; d < headDim; d++) o[oo + d] += w * vh[vo + d];
                    }
                }
            }
        }
        tape.push(new AttnRec(qh, kh, vh, ad, rows, n));
        Tensor os = overTime(attnLif, be.fromHost(o, s[0], s[1], n, qkv), tape);
        return overTime(projLif, projBn.forward(proj.forward(os, tape), tape), tape);
    }

    private Tensor attentionBackward(Tensor g, Tape tape) {
        Backend be = g.backend();
        int[] s = g.shape();
        Tensor go = overTimeBack(attnLif, proj.backward(projBn.backward(overTimeBack(projLif, g, tape), tape), tape), tape);
        AttnRec r = tape.pop(AttnRec.class);
        int rows = r.rows(), n = r.tokens();
        float[] gov = be.toHost(go), qh = r.q(), kh = r.k(), vh = r.v(), ad = r.a();
        float[] ga = new float[ad.length], gv = new float[vh.length];
        for (int row = 0; row < rows; row++) {
            for (int h = 0; h < heads; h++) {
                int ao = (row * heads + h) * n * n;
                for (int i = 0; i < n; i++) {
                    int oo = (row * n + i) * qkv + h * headDim;
                    for (int j = 0; j < n; j++) {
                        int vo = (row * n + j) * qkv + h * headDim;
                        float w = ad[ao + i * n + j], acc = 0;
                        for (int d = 0; d < headDim; d++) {
                            acc += gov[oo + d] * vh[vo + d];
                            gv[vo + d] += w * gov[oo + d];
                        }
                        ga[ao + i * n + j] = acc;
                    }
                }
            }
        }
        float[] gs = be.toHost(overTimeBack(attnDrop, be.fromHost(ga, s[0], s[1], heads, n, n), tape));
        float[] gq = new float[qh.length], gk = new float[kh.length];
        for (int row = 0; row < rows; row++) {
            for (int h = 0; h < heads; h++) {
                int ao = (row * heads + h) * n * n;
                for (int i = 0; i < n; i++) {
                    int qo = (row * n + i) * qkv + h * headDim;
                    for (int j = 0; j < n; j++) {
                        float w = gs[ao + i * n + j] * scale;
                        if (w == 0f) continue;
                        int ko = (row * n + j) * qkv + h * headDim;
                        for (int d = 0; d < headDim; d++) {
                            gq[qo + d] += w * kh[ko + d];
                            gk[ko + d] += w * qh[qo + d];
                        }
                    }
                }
            }
        }
        int[] qs = {s[0], s[1], n, qkv};
        Tensor gx = v.backward(vBn.backward(overTimeBack(vLif, be.fromHost(gv, qs), tape), tape), tape);
        be.axpby(1f, k.backward(kBn.backward(overTimeBack(kLif, be.fromHost(gk, qs), tape), tape), tape), 1f, gx);
        be.axpby(1f, q.backward(qBn.backward(overTimeBack(qLif, be.fromHost(gq, qs), tape), tape), tape), 1f, gx);
        return gx;
    }

    @Override
    public String describe() {
        return "SSA(" + dim + ", qkv " + qkv + ", " + heads + " heads" + (released ? ", as released: returns its input, LIFs over T·B" : "") + ")";
    }
}
