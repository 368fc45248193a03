package org.spikekit.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.neuron.Surrogate;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.nn.BatchNorm;
import org.spikekit.nn.Dropout;
import org.spikekit.nn.Layer;
import org.spikekit.nn.Linear;
import org.spikekit.nn.ParametricLif;
import org.spikekit.nn.Residual;
import org.spikekit.nn.Sequential;
import org.spikekit.core.Tape;

/**
 * A multi-scale spiking network (notebooks/papers/spikachu.md §4.2 B, and the integrator E): parallel branches of
 * the same shape that differ only in the initial time constant of their neurons, run on the same
 * input {@code [T, B, in]}; their outputs are stacked into {@code [T, B, S, out]}.
 *
 * <p>A branch is built as the released {@code FeedForwardSNN}: units of
 * {@code [LTLIF → Linear → BatchNorm]}; when in, hidden and out sizes differ, an input unit
 * {@code in→hidden} and an output unit {@code hidden→out} take 2 of the {@code layers}; the remaining
 * layers form residual blocks of {@code skip} units ({@code y = block(x) + x}) with a time-shared
 * dropout after every unit of a block but the last ({@code skip = 0}: one plain block). A single
 * layer is one unit {@code in→out}.
 */
final class SpikachuCoreMultiScale implements Layer {
    private final String name;
    private final int in, out;
    private final List<Sequential> branches;
    private final List<Parameter> params;

    /** Settings shared by every unit of a stage. */
    record UnitSpec(float vth0, Surrogate spike, boolean trainThreshold, long seed) {}

    SpikachuCoreMultiScale(Backend be, String name, int in, int hidden, int out, int layers, int skip, List<Double> taus,
                           float dropout, UnitSpec spec, SpikachuCoreOps ops) {
        this.name = name;
        this.in = in;
        this.out = out;
        List<Sequential> bs = new ArrayList<>();
        for (int b = 0; b < taus.size(); b++) {
            bs.add(branch(be, name + ".b" + b, in, hidden, out, layers, skip, taus.get(b).floatValue(), dropout, spec, ops));
        }
        this.branches = List.copyOf(bs);
        this.params = Module.of(branches.toArray(Module[]::new)).parameters();
    }

    /** One {@code [LIF → Linear → BN (→ dropout)]} unit; registers its operations for the energy estimate. */
    static Sequential unit(Backend be, String prefix, int in, int out, float tau0, float dropout, UnitSpec spec, SpikachuCoreOps ops) {
        ParametricLif lif = new ParametricLif(be, prefix + ".lif", in,
                ParametricLif.Options.ltlif(tau0, spec.vth0()).withSpike(spec.spike()).withLearnThreshold(spec.trainThreshold()));
        Linear fc = new Linear(be, prefix + ".fc", in, out, true, spec.seed());
        BatchNorm bn = new BatchNorm(be, prefix + ".bn", out);
        ops.lif(lif.name(), in, 1);
        ops.linear(prefix + ".fc", in, out, true, 1, lif.name());
        ops.batchNorm(prefix + ".bn", out, 1);
        return dropout > 0 ? new Sequential(lif, fc, bn, Dropout.sharedOverTime(dropout)) : new Sequential(lif, fc, bn);
    }

    static Sequential branch(Backend be, String prefix, int in, int hidden, int out, int layers, int skip, float tau0,
                             float dropout, UnitSpec spec, SpikachuCoreOps ops) {
        List<Layer> parts = new ArrayList<>();
        if (layers == 1) {
            parts.add(unit(be, prefix + ".u0", in, out, tau0, 0f, spec, ops));
            return new Sequential(parts);
        }
        boolean project = in != hidden || hidden != out;
        int inner = project ? layers - 2 : layers;
        if (project) parts.add(unit(be, prefix + ".in", in, hidden, tau0, 0f, spec, ops));
        int blocks = skip == 0 ? (inner > 0 ? 1 : 0) : inner / skip;
        int per = skip == 0 ? inner : skip;
        for (int k = 0; k < blocks; k++) {
            List<Layer> us = new ArrayList<>();
            for (int u = 0; u < per; u++) {
                us.add(unit(be, prefix + ".blk" + k + ".u" + u, hidden, hidden, tau0, u < per - 1 ? dropout : 0f, spec, ops));
            }
            Sequential block = new Sequential(us);
            parts.add(skip == 0 ? block : new Residual(block));
        }
        if (project) parts.add(unit(be, prefix + ".out", hidden, out, tau0, 0f, spec, ops));
        return new Sequential(parts);
    }

    int scales() { return branches.size(); }

    List<Sequential> branches() { return branches; }

    @Override
    public List<Parameter> parameters() { return params; }

    private record Rec(int[] inShape) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        int[] s = x.shape();
        if (s.length != 3 || s[2] != in) {
            throw new IllegalArgumentException(name + ": expected an input [T, B, " + in + "], got " + Arrays.toString(s));
        }
        Backend be = x.backend();
        int rows = s[0] * s[1], nb = branches.size();
        float[] stacked = new float[rows * nb * out];
        for (int b = 0; b < nb; b++) {
            float[] y = be.toHost(branches.get(b).forward(x, tape));
            for (int r = 0; r < rows; r++) System.arraycopy(y, r * out, stacked, (r * nb + b) * out, out);
        }
        tape.push(new Rec(s));
        return be.fromHost(stacked, s[0], s[1], nb, out);
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        Backend be = gradOut.backend();
        int[] s = r.inShape();
        int rows = s[0] * s[1], nb = branches.size();
        float[] g = be.toHost(gradOut);
        Tensor gx = null;
        float[] part = new float[rows * out];
        for (int b = nb - 1; b >= 0; b--) {
            for (int i = 0; i < rows; i++) System.arraycopy(g, (i * nb + b) * out, part, i * out, out);
            Tensor gb = branches.get(b).backward(be.fromHost(part, s[0], s[1], out), tape);
            if (gx == null) {
                gx = be.zeros(s);
                be.copy(gb, gx);
            } else {
                be.axpby(1f, gb, 1f, gx);
            }
        }
        return gx;
    }

    @Override
    public String describe() { return "MultiScale(" + branches.size() + " × " + branches.getFirst().describe() + ")"; }
}
