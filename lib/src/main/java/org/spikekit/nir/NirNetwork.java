package org.spikekit.nir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.neuron.LifCoeffs;
import org.spikekit.neuron.LifKernel;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.LifState;
import org.spikekit.neuron.ResetMode;
import org.spikekit.neuron.Surrogate;

/**
 * Runs a NIR graph made of the primitives in {@link NirNode} on a kit {@link Backend}, in discrete
 * time steps of {@link NirOptions#dtS()}. Sequences are time-major: an input of shape {@code s} is
 * given as {@code [T, B, s...]}, outputs come back the same way.
 *
 * <h2>Discretisation</h2>
 * Forward Euler, as NIR's reference implementation of the CubaLIF neuron
 * ({@code paper/03_rnn/extras/debug_CubaLIF/nir_reference_impl.py} of neuromorphs/NIR) and snnTorch's
 * importer use it (β = 1 − Δt/τ); x[n] is what reaches a node at step n (the sum of its edges),
 * the state derivative is taken at the state of step n−1 (per element; coefficients are computed in
 * double and rounded to float once):
 * <pre>
 *   Affine/Linear/Scale   y[n] = W·x[n] + b,  W·x[n],  s ⊙ x[n]
 *   Threshold             z[n] = Θ(x[n] − θ)
 *   I                     v[n] = v[n−1] + Δt·R·x[n]                                      output v[n]
 *   LI                    v[n] = β·v[n−1] + (Δt/τ)·(R·x[n] + v_leak),  β = 1 − Δt/τ          output v[n]
 *   IF                    v'[n] = v[n−1] + Δt·R·x[n]                                     output z[n] = Θ(v'[n] − v_th)
 *   LIF                   v'[n] = β·v[n−1] + (Δt/τ)·(R·x[n] + v_leak)                     output z[n] = Θ(v'[n] − v_th)
 *   CubaLI                I[n] = β_syn·I[n−1] + (Δt/τ_syn)·w_in·x[n]
 *                         v[n] = β_mem·v[n−1] + (Δt/τ_mem)·(R·I[n−1] + v_leak)               output v[n]
 *   CubaLIF               I[n] as CubaLI;  v'[n] = β_mem·v[n−1] + (Δt/τ_mem)·(R·I[n−1] + v_leak)
 *                                                                                         output z[n] = Θ(v'[n] − v_th)
 *   Delay                 y[n] = x[n − k],  k = τ/Δt (an integer, else an error), y = 0 before the start
 * </pre>
 * The membrane of CubaLI/CubaLIF uses the previous step's current I[n−1], as the reference
 * implementation does; so their output does not depend on this step's input. Spiking neurons then
 * reset ({@link NirOptions.ResetTiming}): {@code SAME_STEP} sets v[n] = v_reset where z[n] = 1 and
 * v[n] = v'[n] elsewhere (NIR's definition); {@code NEXT_STEP} keeps v[n] = v'[n] and replaces the
 * next update by v_reset (v'[n+1] = v_reset where z[n] = 1), the multiplicative reset of the kit's
 * RSNN and of snnTorch 0.7. All states start at 0 (or a node's {@code spikekit_initial_v} metadata,
 * see {@link NirOptions#initialStates()}).
 *
 * <p>A spike is the value 1 for one step, as in snnTorch, Norse and the other discrete simulators,
 * not a pulse of area 1: its effect on a downstream membrane grows with Δt (the NIR paper's
 * {@code paper/01_lif/debug_spike_representation} example, {@code two_lif_neurons.nir}, was made to
 * show this). A graph therefore behaves as its exporter meant only at the Δt it was made for.
 *
 * <h2>Graphs with cycles</h2>
 * Each step, nodes whose output depends only on their state (CubaLIF, CubaLI, Delay with every k ≥ 1)
 * give their output first; then the other nodes run in the order of their edges; then the first ones
 * take their input. A cycle through such a node (the Braille network's {@code lif1.lif → lif1.w_rec →
 * lif1.lif}) therefore needs no extra delay. A cycle made only of nodes that answer within the step
 * (e.g. LIF ↔ Linear) is closed by reading, on the edge that closes it, the previous step's value —
 * what snnTorch's {@code RLeaky} does with its recurrent spikes. Nested graphs are flattened; their
 * Input and Output nodes pass values through.
 *
 * <h2>The kit's kernels</h2>
 * Everything runs on Backend primitives (gemm, elementwise ops), batch rows in parallel; a part of
 * the graph without cycles is evaluated a whole sequence at a time (one gemm for all T steps), a
 * cycle step by step. One pattern is handed to the kit's own LIF kernel ({@link LifKernel}, the
 * kernel of {@code RecurrentLifLayer}): with {@code NEXT_STEP} reset, a CubaLIF node whose only
 * consumer is a Delay of one step, which feeds a Linear back into the neuron (directly, or through
 * another one-step Delay with every other input of the neuron delayed by one step too), with R, w_in
 * and v_leak as the kit writes them ({@code (Δt/τ_mem)·R = 1 − β_mem}, {@code (Δt/τ_syn)·w_in = 1},
 * v_leak = v_reset = 0, θ &gt; 0). That is exactly the kit's recurrent LIF layer with synaptic delay 1
 * or 2 ({@link NirExport#rsnn}); the kernel computes the same equations in its own order of
 * additions, which makes an exported RSNN re-imported bit-identical to the original. {@link #plan()}
 * says which nodes were handed over; their internal nodes (the recurrent Linear and the Delays) have
 * no recorded output.
 *
 * <pre>{@code
 * NirGraph g = NirFile.read(Path.of("braille_noDelay_bias_zero.nir"));
 * NirNetwork net = NirNetwork.build(be, g, NirOptions.of(1e-4));
 * NirNetwork.Run r = net.run(x);                 // x [T, B, 12]
 * Tensor out = r.output();                       // [T, B, 7] output spikes
 * Tensor hidden = r.node("lif1.lif");            // [T, B, 38] hidden spikes
 * }</pre>
 */
public final class NirNetwork {

    private enum Role { INPUT, OUTPUT, RELAY, OP }

    /** One node of the flattened graph. */
    private static final class FNode {
        final String name;
        NirNode node;
        final Role role;
        final List<FNode> srcs = new ArrayList<>();
        final List<FNode> dsts = new ArrayList<>();
        int[] inShape, outShape;
        Unit unit;

        FNode(String name, NirNode node, Role role) {
            this.name = name;
            this.node = node;
            this.role = role;
        }

        int inN() { return numel(inShape); }
        int outN() { return numel(outShape); }
    }

    private final Backend be;
    private final NirOptions opts;
    private final NirGraph graph;
    private final Map<String, FNode> byName = new LinkedHashMap<>();
    private final List<String> inputNames = new ArrayList<>(), outputNames = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();
    private final Map<String, String> internal = new LinkedHashMap<>();   // node handed to a kernel → its population

    private NirNetwork(Backend be, NirGraph graph, NirOptions opts) {
        this.be = be;
        this.graph = graph;
        this.opts = opts;
    }

    /** Checks the graph (shapes of every edge, parameters for Δt) and prepares the units. */
    public static NirNetwork build(Backend be, NirGraph graph, NirOptions opts) {
        if (be == null || graph == null || opts == null) throw new IllegalArgumentException("NirNetwork.build: backend, graph and options must not be null");
        NirNetwork n = new NirNetwork(be, graph, opts);
        n.flatten(graph, "", true);
        n.inferShapes();
        n.makeUnits();
        n.schedule();
        return n;
    }

    public NirOptions options() { return opts; }
    public NirGraph graph() { return graph; }

    /** Graph input names (top-level Input nodes), in file order. */
    public List<String> inputs() { return List.copyOf(inputNames); }

    /** Graph output names (top-level Output nodes), in file order. */
    public List<String> outputs() { return List.copyOf(outputNames); }

    /** Names of all nodes after flattening nested graphs (a nested node is {@code sub.node}). */
    public List<String> nodeNames() { return List.copyOf(byName.keySet()); }

    /** Shape of a node's output (without time and batch). */
    public int[] outputShape(String node) { return find(node).outShape.clone(); }

    private FNode find(String name) {
        FNode f = byName.get(name);
        if (f == null) throw new IllegalArgumentException("NIR network has no node '" + name + "' (nodes: " + byName.keySet() + ")");
        return f;
    }

    // ------------------------------------------------------------------ building

    private void flatten(NirGraph g, String prefix, boolean top) {
        for (Map.Entry<String, NirNode> e : g.nodes().entrySet()) {
            String q = prefix + e.getKey();
            if (e.getValue() instanceof NirGraph sub) {
                flatten(sub, q + ".", false);
                continue;
            }
            Role role = e.getValue() instanceof NirNode.Input ? (top ? Role.INPUT : Role.RELAY)
                    : e.getValue() instanceof NirNode.Output ? (top ? Role.OUTPUT : Role.RELAY) : Role.OP;
            if (byName.containsKey(q)) throw new IllegalArgumentException("NIR graph: two nodes are both named '" + q + "' after flattening nested graphs");
            byName.put(q, new FNode(q, e.getValue(), role));
            if (role == Role.INPUT) inputNames.add(q);
            if (role == Role.OUTPUT) outputNames.add(q);
        }
        for (NirGraph.Edge e : g.edges()) {
            String where = "edge " + (prefix.isEmpty() ? "" : prefix) + e;
            FNode s = byName.get(prefix + String.join(".", g.resolve(e.source(), true, where)));
            FNode t = byName.get(prefix + String.join(".", g.resolve(e.target(), false, where)));
            if (t.role == Role.INPUT) throw new IllegalArgumentException(where + ": an edge into the graph input '" + t.name + "'");
            s.dsts.add(t);
            t.srcs.add(s);
        }
    }

    private void inferShapes() {
        for (FNode f : byName.values()) {
            f.inShape = f.node.inputShape();
            f.outShape = f.node.outputShape();
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (FNode f : byName.values()) {
                if (f.inShape != null || !(f.node instanceof NirNode.Flatten fl)) continue;
                int[] s = null;
                for (FNode src : f.srcs) {
                    if (src.outShape == null) { s = null; break; }
                    if (s != null && !Arrays.equals(s, src.outShape)) {
                        throw new IllegalArgumentException("Flatten '" + f.name + "': its sources give different shapes "
                                + Arrays.toString(s) + " and " + Arrays.toString(src.outShape));
                    }
                    s = src.outShape;
                }
                if (s != null) {
                    f.node = fl.withInputShape(s);
                    f.inShape = s.clone();
                    f.outShape = f.node.outputShape();
                    changed = true;
                }
            }
        }
        for (FNode f : byName.values()) {
            if (f.inShape == null) {
                throw new IllegalArgumentException("Flatten '" + f.name + "': input shape unknown (no input_type in the file and no source of known shape)");
            }
        }
        for (FNode t : byName.values()) {
            for (FNode s : t.srcs) {
                if (Arrays.equals(s.outShape, t.inShape)) continue;
                boolean reshape = (t.role == Role.OUTPUT || t.role == Role.RELAY) && numel(s.outShape) == numel(t.inShape);
                if (!reshape) {
                    throw new IllegalArgumentException("edge " + s.name + " → " + t.name + ": shape mismatch, " + s.name + " ("
                            + s.node.type() + ") gives " + Arrays.toString(s.outShape) + ", " + t.name + " (" + t.node.type()
                            + ") takes " + Arrays.toString(t.inShape));
                }
            }
        }
    }

    // ------------------------------------------------------------------ units

    /** What computes one (or, fused, several) nodes. Tensors are [B, N] per step, [T, B, N] per sequence. */
    private abstract class Unit {
        final FNode out;                                 // the node whose value this unit produces
        final List<FNode> sources = new ArrayList<>();   // nodes whose outputs are summed into the input
        final int inN, outN;

        Unit(FNode out, int inN) {
            this.out = out;
            this.inN = inN;
            this.outN = out.outN();
            sources.addAll(out.srcs);
        }

        /** True when the output at step n does not depend on the input at step n. */
        boolean stateOutput() { return false; }

        void start(int batch) {}

        /** Output of this step, before the input (state-output units only). */
        void emit(Tensor y) { throw new IllegalStateException(); }

        /** Takes this step's input; writes the output (feed-through units) or updates the state (state-output units, y null). */
        abstract void step(Tensor u, Tensor y);

        /** A whole sequence from the start state. */
        void sequence(Tensor u, Tensor y) {
            int t = u.dim(0);
            for (int n = 0; n < t; n++) {
                if (stateOutput()) {
                    emit(y.slice0(n));
                    step(u.slice0(n), null);
                } else {
                    step(u.slice0(n), y.slice0(n));
                }
            }
        }

        /** Values of other nodes this unit can give after a run (fused units), by node name. */
        Map<String, Tensor> extra() { return Map.of(); }

        abstract String describe();
    }

    private void makeUnits() {
        Set<FNode> fused = new HashSet<>();
        if (opts.reset() == NirOptions.ResetTiming.NEXT_STEP) {
            for (FNode f : byName.values()) {
                if (f.node instanceof NirNode.CubaLif && !fused.contains(f)) {
                    Population p = population(f);
                    if (p != null) fused.addAll(p.members);
                }
            }
        }
        for (FNode f : byName.values()) {
            if (f.unit != null || fused.contains(f)) continue;
            f.unit = switch (f.node) {
                case NirNode.Input in -> new Pass(f, "input");
                case NirNode.Output o -> new Pass(f, "output");
                case NirNode.Flatten fl -> new Pass(f, "flatten");
                case NirNode.Affine a -> new Dense(f, a.weight(), a.bias());
                case NirNode.Linear l -> new Dense(f, l.weight(), null);
                case NirNode.Scale s -> new Elementwise(f, s.scale(), BinaryOp.MUL);
                case NirNode.Threshold th -> new Elementwise(f, th.threshold(), BinaryOp.GREATER);
                case NirNode.Delay d -> new DelayUnit(f, d);
                case NirNode.Integrator i -> new Neuron(f, i);
                case NirNode.If i -> new Neuron(f, i);
                case NirNode.Li l -> new Neuron(f, l);
                case NirNode.Lif l -> new Neuron(f, l);
                case NirNode.CubaLi c -> new Neuron(f, c);
                case NirNode.CubaLif c -> new Neuron(f, c);
                case NirGraph g -> throw new IllegalStateException("nested graph left after flattening");
            };
        }
    }

    private Tensor row(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
        return be.fromHost(f, f.length);
    }

    private Tensor rowOf(float[] f) { return be.fromHost(f.clone(), f.length); }

    /** Input, Output, nested-graph ends and Flatten: the value passes unchanged (row-major data, new shape). */
    private final class Pass extends Unit {
        final String what;

        Pass(FNode f, String what) {
            super(f, f.inN());
            this.what = what;
        }

        @Override void step(Tensor u, Tensor y) { be.copy(u, y); }
        @Override void sequence(Tensor u, Tensor y) { be.copy(u, y); }
        @Override String describe() { return what; }
    }

    /** Affine / Linear: y = x·Wᵀ (+ b), one gemm for a whole sequence. */
    private final class Dense extends Unit {
        final Tensor w, b;

        Dense(FNode f, NirArray weight, NirArray bias) {
            super(f, f.inN());
            w = be.fromHost(weight.toFloats(), weight.dim(0), weight.dim(1));
            b = bias == null ? null : row(bias.values());
        }

        @Override void step(Tensor u, Tensor y) { sequence(u, y); }

        @Override
        void sequence(Tensor u, Tensor y) {
            be.gemm(false, true, 1f, u, w, 0f, y);
            if (b != null) be.zipRow(BinaryOp.ADD, y, b, y);
        }

        @Override String describe() { return (b == null ? "Linear " : "Affine ") + w.dim(1) + " → " + w.dim(0); }
    }

    /** Scale (MUL) and Threshold (GREATER: 1 where x &gt; θ). */
    private final class Elementwise extends Unit {
        final Tensor p;
        final BinaryOp op;

        Elementwise(FNode f, NirArray param, BinaryOp op) {
            super(f, f.inN());
            this.p = row(param.values());
            this.op = op;
        }

        @Override void step(Tensor u, Tensor y) { be.zipRow(op, u, p, y); }
        @Override void sequence(Tensor u, Tensor y) { be.zipRow(op, u, p, y); }
        @Override String describe() { return op == BinaryOp.MUL ? "Scale" : "Threshold"; }
    }

    /** Whole steps of a delay: k = τ/Δt, an error unless (within 1e-6) an integer. */
    private int[] steps(NirNode.Delay d, String name) {
        int[] k = new int[d.delay().numel()];
        for (int i = 0; i < k.length; i++) {
            double s = d.delay().get(i) / opts.dtS();
            long r = Math.round(s);
            if (Math.abs(s - r) > 1e-6 * Math.max(1, Math.abs(s))) {
                throw new IllegalArgumentException("Delay '" + name + "': delay " + d.delay().get(i) + " s is not a whole number of steps of Δt = "
                        + opts.dtS() + " s (" + s + " steps)");
            }
            if (r > 1_000_000) throw new IllegalArgumentException("Delay '" + name + "': " + r + " steps is more than the kit supports (10^6)");
            k[i] = (int) r;
        }
        return k;
    }

    private final class DelayUnit extends Unit {
        final int[] k;
        final int kmax, kmin;
        final int[] distinct;
        final Tensor[] masks;                 // per distinct k: 1 where the element has that k
        Tensor[] hist;
        int pos;

        DelayUnit(FNode f, NirNode.Delay d) {
            super(f, f.inN());
            k = steps(d, f.name);
            kmax = Arrays.stream(k).max().orElse(0);
            kmin = Arrays.stream(k).min().orElse(0);
            distinct = Arrays.stream(k).distinct().sorted().toArray();
            masks = new Tensor[distinct.length];
            for (int j = 0; j < distinct.length; j++) {
                float[] m = new float[k.length];
                for (int i = 0; i < k.length; i++) m[i] = k[i] == distinct[j] ? 1f : 0f;
                masks[j] = rowOf(m);
            }
        }

        @Override boolean stateOutput() { return kmin >= 1; }

        @Override
        void start(int batch) {
            hist = new Tensor[kmax + 1];
            for (int i = 0; i <= kmax; i++) hist[i] = be.zeros(batch, outN);
            pos = 0;
        }

        private void combine(Tensor y) {
            if (distinct.length == 1) {
                be.copy(hist[Math.floorMod(pos - distinct[0], kmax + 1)], y);
                return;
            }
            be.fill(y, 0f);
            Tensor tmp = be.zeros(y.shape());
            for (int j = 0; j < distinct.length; j++) {
                be.zipRow(BinaryOp.MUL, hist[Math.floorMod(pos - distinct[j], kmax + 1)], masks[j], tmp);
                be.zip(BinaryOp.ADD, y, tmp, y);
            }
        }

        @Override void emit(Tensor y) { combine(y); }

        @Override
        void step(Tensor u, Tensor y) {
            be.copy(u, hist[pos]);
            if (y != null) combine(y);
            pos = (pos + 1) % (kmax + 1);
        }

        @Override
        void sequence(Tensor u, Tensor y) {
            int t = u.dim(0);
            if (distinct.length != 1) { super.sequence(u, y); return; }
            int d = distinct[0];
            be.fill(y, 0f);
            if (d < t) be.copy(u.narrow0(0, t - d), y.narrow0(d, t - d));
        }

        @Override String describe() { return "Delay " + (distinct.length == 1 ? distinct[0] + " step(s)" : kmin + ".." + kmax + " steps"); }
    }

    /** Every neuron type, per element, in float with coefficients rounded once (see the class comment). */
    private final class Neuron extends Unit {
        final String type;
        final boolean spiking, cuba, leaky;
        final Tensor beta, a, leak, theta, vReset, betaSyn, aSyn, v0;   // null when not used
        final boolean resetZero;
        Tensor v, i, vn, z, zPrev, tmp, tmp2;

        Neuron(FNode f, NirNode node) {
            super(f, f.inN());
            this.type = node.type();
            double dt = opts.dtS();
            int n = outN;
            double[] b = new double[n], av = new double[n], lv = new double[n], bs = null, as = null;
            NirArray th = null, vr = null;
            switch (node) {
                case NirNode.Integrator in -> { for (int j = 0; j < n; j++) { b[j] = 1; av[j] = dt * in.r().get(j); } }
                case NirNode.If in -> {
                    for (int j = 0; j < n; j++) { b[j] = 1; av[j] = dt * in.r().get(j); }
                    th = in.vThreshold(); vr = in.vReset();
                }
                case NirNode.Li l -> leakyCoeffs(f.name, l.tau(), l.r(), l.vLeak(), b, av, lv);
                case NirNode.Lif l -> { leakyCoeffs(f.name, l.tau(), l.r(), l.vLeak(), b, av, lv); th = l.vThreshold(); vr = l.vReset(); }
                case NirNode.CubaLi c -> {
                    leakyCoeffs(f.name, c.tauMem(), c.r(), c.vLeak(), b, av, lv);
                    bs = new double[n]; as = new double[n];
                    synCoeffs(f.name, c.tauSyn(), c.wIn(), bs, as);
                }
                case NirNode.CubaLif c -> {
                    leakyCoeffs(f.name, c.tauMem(), c.r(), c.vLeak(), b, av, lv);
                    bs = new double[n]; as = new double[n];
                    synCoeffs(f.name, c.tauSyn(), c.wIn(), bs, as);
                    th = c.vThreshold(); vr = c.vReset();
                }
                default -> throw new IllegalStateException(node.type());
            }
            spiking = th != null;
            cuba = bs != null;
            leaky = !(node instanceof NirNode.Integrator || node instanceof NirNode.If);
            beta = leaky ? row(b) : null;
            a = row(av);
            boolean noLeak = Arrays.stream(lv).allMatch(x -> x == 0);
            leak = noLeak ? null : row(lv);
            theta = spiking ? row(th.values()) : null;
            resetZero = !spiking || vr.all(0);
            vReset = spiking && !resetZero ? row(vr.values()) : null;
            betaSyn = cuba ? row(bs) : null;
            aSyn = cuba ? row(as) : null;
            v0 = initial(f, node);
        }

        private void leakyCoeffs(String name, NirArray tau, NirArray r, NirArray vLeak, double[] b, double[] av, double[] lv) {
            double dt = opts.dtS();
            for (int j = 0; j < b.length; j++) {
                double q = dt / tau.get(j);
                if (q >= 2) {
                    throw new IllegalArgumentException(type(name) + ": Δt = " + dt + " s is at least twice the time constant "
                            + tau.get(j) + " s; forward Euler diverges (choose a smaller Δt)");
                }
                b[j] = 1 - q;
                av[j] = q * r.get(j);
                lv[j] = q * vLeak.get(j);
            }
        }

        private void synCoeffs(String name, NirArray tauSyn, NirArray wIn, double[] bs, double[] as) {
            double dt = opts.dtS();
            for (int j = 0; j < bs.length; j++) {
                double q = dt / tauSyn.get(j);
                if (q >= 2) {
                    throw new IllegalArgumentException(type(name) + ": Δt = " + dt + " s is at least twice tau_syn " + tauSyn.get(j)
                            + " s; forward Euler diverges (choose a smaller Δt)");
                }
                bs[j] = 1 - q;
                as[j] = q * wIn.get(j);
            }
        }

        private String type(String name) { return byName.get(name).node.type() + " '" + name + "'"; }

        @Override boolean stateOutput() { return cuba; }

        @Override
        void start(int batch) {
            v = be.zeros(batch, outN);
            if (v0 != null) be.zipRow(BinaryOp.ADD, v, v0, v);
            i = cuba ? be.zeros(batch, outN) : null;
            vn = be.zeros(batch, outN);
            z = spiking ? be.zeros(batch, outN) : null;
            zPrev = spiking ? be.zeros(batch, outN) : null;
            tmp = be.zeros(batch, outN);
            tmp2 = be.zeros(batch, outN);
        }

        /** vn = β·v + a·x (+ leak); x is the input (LI/LIF/I/IF) or the previous current (Cuba). */
        private void integrate(Tensor x) {
            if (leaky) be.zipRow(BinaryOp.MUL, v, beta, vn);
            else be.copy(v, vn);
            be.zipRow(BinaryOp.MUL, x, a, tmp);
            be.zip(BinaryOp.ADD, vn, tmp, vn);
            if (leak != null) be.zipRow(BinaryOp.ADD, vn, leak, vn);
        }

        /** vn ← vn·(1 − s) + v_reset·s. */
        private void reset(Tensor s) {
            be.affine(s, -1f, 1f, tmp);
            be.zip(BinaryOp.MUL, vn, tmp, vn);
            if (vReset != null) {
                be.zipRow(BinaryOp.MUL, s, vReset, tmp2);
                be.zip(BinaryOp.ADD, vn, tmp2, vn);
            }
        }

        /** Threshold, reset, and the output of this step from vn. */
        private void fire(Tensor y) {
            if (opts.reset() == NirOptions.ResetTiming.NEXT_STEP) reset(zPrev);
            be.zipRow(BinaryOp.GREATER, vn, theta, z);
            be.copy(z, y);
        }

        @Override
        void emit(Tensor y) {                        // Cuba: from v[n−1] and I[n−1]
            integrate(i);
            if (spiking) fire(y);
            else be.copy(vn, y);
        }

        @Override
        void step(Tensor u, Tensor y) {
            if (cuba) {                              // I[n] = β_syn·I[n−1] + a_syn·x[n]
                be.zipRow(BinaryOp.MUL, i, betaSyn, i);
                be.zipRow(BinaryOp.MUL, u, aSyn, tmp);
                be.zip(BinaryOp.ADD, i, tmp, i);
            } else {
                integrate(u);
                if (spiking) fire(y);
                else be.copy(vn, y);
            }
            if (spiking) {
                if (opts.reset() == NirOptions.ResetTiming.SAME_STEP) reset(z);
                be.copy(z, zPrev);
            }
            be.copy(vn, v);
        }

        @Override String describe() { return type + " " + outN + (v0 != null ? " (initial v from metadata)" : ""); }
    }

    private Tensor initial(FNode f, NirNode node) {
        if (!opts.initialStates() || !(node.metadata().get(NirOptions.META_INITIAL_V) instanceof NirArray a)) return null;
        if (a.numel() != f.outN()) {
            throw new IllegalArgumentException(node.type() + " '" + f.name + "': metadata " + NirOptions.META_INITIAL_V + " has "
                    + a.numel() + " values, the node " + f.outN());
        }
        return row(a.values());
    }

    // ------------------------------------------------------------------ the kit's recurrent LIF kernel

    /**
     * A recurrent CubaLIF population handed to {@link LifKernel}: members L (CubaLIF), D (Delay 1,
     * L's only consumer, whose output is the kernel's spikes S[n] = z[n−1]), R (Linear, D → R → L or
     * D → R → Dr → L) and, for synaptic delay 2, the one-step Delays on every other input of L.
     */
    private final class Population extends Unit {
        final List<FNode> members = new ArrayList<>();
        final FNode lif;
        final LifParams params;
        final LifCoeffs coeffs;
        final Tensor v;
        final LifKernel kernel = LifKernel.forBackend(be);
        LifState state;
        Tensor derived;   // L's own output z[n], set after a sequence

        Population(FNode lif, FNode d, FNode rec, FNode dRec, List<FNode> dIn, List<FNode> external, int delay,
                   float[] bm, float[] bs, float[] th, NirArray w) {
            super(d, lif.outN());
            this.lif = lif;
            members.add(lif);
            members.add(d);
            members.add(rec);
            if (dRec != null) members.add(dRec);
            members.addAll(dIn);
            sources.clear();
            sources.addAll(external);
            params = new LifParams(1, 1, opts.dtS(), 1f, ResetMode.ZERO, true, Surrogate.superSpike(20f), false, false, delay);
            coeffs = new LifCoeffs(rowOf(bm), rowOf(bs), rowOf(th));
            int n = lif.outN();
            float[] vt = new float[n * n];                   // kit layout [pre, post] = NIR weight [post, pre] transposed
            float[] wf = w.toFloats();
            for (int post = 0; post < n; post++) for (int pre = 0; pre < n; pre++) vt[pre * n + post] = wf[post * n + pre];
            v = be.fromHost(vt, n, n);
        }

        @Override boolean stateOutput() { return true; }

        @Override void start(int batch) { state = LifState.zeros(be, batch, lif.outN()); }

        @Override void emit(Tensor y) { be.zipRow(BinaryOp.GREATER, state.u(), coeffs.theta(), y); }

        @Override
        void step(Tensor u, Tensor y) {
            Tensor h = be.zeros(1, u.dim(0), inN);
            be.copy(u, h.slice0(0));
            state = kernel.forward(params, coeffs, h, v, state, false).last();
        }

        @Override
        void sequence(Tensor u, Tensor y) {
            Tensor h = be.zeros(u.shape());
            be.copy(u, h);
            LifKernel.LifForward f = kernel.forward(params, coeffs, h, v, state, false);
            be.copy(f.spikes(), y);
            state = f.last();
        }

        /** L's output z[n] = S[n+1], and z[T−1] from the final membrane. */
        @Override
        Map<String, Tensor> extra() { return derived == null ? Map.of() : Map.of(lif.name, derived); }

        void derive(Tensor s) {
            int t = s.dim(0);
            derived = be.zeros(s.shape());
            if (t > 1) be.copy(s.narrow0(1, t - 1), derived.narrow0(0, t - 1));
            be.zipRow(BinaryOp.GREATER, state.u(), coeffs.theta(), derived.slice0(t - 1));
        }

        @Override
        String describe() {
            return "CubaLIF " + lif.outN() + " '" + lif.name + "' with its recurrent Linear on the kit's LIF kernel (" + kernel.name()
                    + ", synaptic delay " + params.synapticDelay() + "; fused: "
                    + members.stream().map(m -> m.name).toList() + ")";
        }
    }

    private static boolean isDelay1(NirNetwork net, FNode f) {
        return f.role == Role.OP && f.node instanceof NirNode.Delay d && Arrays.stream(net.steps(d, f.name)).allMatch(k -> k == 1);
    }

    /** The fused population of a CubaLIF node, or null when the pattern or the coefficients do not fit. */
    private Population population(FNode lif) {
        if (lif.role != Role.OP || lif.dsts.size() != 1 || lif.srcs.contains(lif)) return null;
        FNode d = lif.dsts.get(0);
        if (!isDelay1(this, d) || d.srcs.size() != 1) return null;
        FNode rec = null, dRec = null;
        int found = 0;
        for (FNode c : d.dsts) {
            if (c.role != Role.OP || !(c.node instanceof NirNode.Linear) || c.srcs.size() != 1 || c.dsts.size() != 1) continue;
            FNode next = c.dsts.get(0);
            if (next == lif) { rec = c; dRec = null; found++; }
            else if (isDelay1(this, next) && next.srcs.size() == 1 && next.dsts.size() == 1 && next.dsts.get(0) == lif) {
                rec = c; dRec = next; found++;
            }
        }
        if (found != 1 || Collections.frequency(lif.srcs, dRec == null ? rec : dRec) != 1) return null;
        int delay = dRec == null ? 1 : 2;
        List<FNode> dIn = new ArrayList<>(), external = new ArrayList<>();
        for (FNode s : lif.srcs) {
            if (s == (dRec == null ? rec : dRec)) continue;
            if (delay == 1) {
                external.add(s);
            } else {
                if (!isDelay1(this, s) || s.dsts.size() != 1 || dIn.contains(s)) return null;
                dIn.add(s);
                external.addAll(s.srcs);
            }
        }
        NirNode.CubaLif c = (NirNode.CubaLif) lif.node;
        if (!c.vLeak().all(0) || !c.vReset().all(0)) return null;
        if (opts.initialStates() && c.metadata().get(NirOptions.META_INITIAL_V) != null) return null;
        int n = lif.outN();
        double dt = opts.dtS();
        float[] bm = new float[n], bs = new float[n], th = new float[n];
        for (int j = 0; j < n; j++) {
            double qm = dt / c.tauMem().get(j), qs = dt / c.tauSyn().get(j);
            if (qm >= 2 || qs >= 2) return null;                           // the Neuron unit reports it
            bm[j] = (float) (1 - qm);
            bs[j] = (float) (1 - qs);
            th[j] = (float) c.vThreshold().get(j);
            if ((float) (qm * c.r().get(j)) != 1f - bm[j] || (float) (qs * c.wIn().get(j)) != 1f || !(th[j] > 0)) return null;
        }
        Population p = new Population(lif, d, rec, dRec, dIn, external, delay, bm, bs, th, ((NirNode.Linear) rec.node).weight());
        for (FNode m : p.members) {
            m.unit = p;
            if (m != d && m != lif) internal.put(m.name, lif.name);
        }
        return p;
    }

    // ------------------------------------------------------------------ scheduling

    /** A unit run over whole sequences, or a cycle of units run step by step. */
    private record Block(List<Unit> units, boolean stepwise, List<Unit> order, Set<Long> backEdges) {}

    private void schedule() {
        List<Unit> units = new ArrayList<>();
        Set<Unit> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (FNode f : byName.values()) if (seen.add(f.unit)) units.add(f.unit);
        Map<Unit, Integer> index = new IdentityHashMap<>();
        for (int k = 0; k < units.size(); k++) index.put(units.get(k), k);
        List<List<Integer>> deps = new ArrayList<>();            // unit k reads the units deps[k]
        for (Unit u : units) {
            List<Integer> d = new ArrayList<>();
            for (FNode s : u.sources) d.add(index.get(s.unit));
            deps.add(d);
        }
        for (List<Integer> scc : tarjan(deps)) {                // sources first
            List<Unit> us = scc.stream().map(units::get).toList();
            boolean selfLoop = us.size() == 1 && deps.get(scc.get(0)).contains(scc.get(0));
            if (us.size() == 1 && !selfLoop) {
                blocks.add(new Block(us, false, us, Set.of()));
                continue;
            }
            Set<Unit> in = Collections.newSetFromMap(new IdentityHashMap<>());
            in.addAll(us);
            List<Unit> order = new ArrayList<>();
            Set<Long> back = new HashSet<>();
            Map<Unit, Integer> color = new IdentityHashMap<>();
            for (Unit u : us) if (!u.stateOutput()) visit(u, in, color, order, back, index);
            blocks.add(new Block(us, true, order, back));
        }
    }

    private static long edgeKey(int from, int to) { return ((long) from << 32) | (to & 0xffffffffL); }

    /** Depth-first order of the feed-through units of a cycle (sources first); an edge into a unit still open is a back edge. */
    private void visit(Unit u, Set<Unit> in, Map<Unit, Integer> color, List<Unit> order, Set<Long> back, Map<Unit, Integer> index) {
        Integer c = color.get(u);
        if (c != null) return;
        color.put(u, 1);
        for (FNode s : u.sources) {
            Unit su = s.unit;
            if (!in.contains(su) || su.stateOutput()) continue;
            Integer sc = color.get(su);
            if (sc == null) visit(su, in, color, order, back, index);
            else if (sc == 1) back.add(edgeKey(index.get(su), index.get(u)));
        }
        color.put(u, 2);
        order.add(u);
    }

    /** Strongly connected components, each listed once, in an order where every component comes after the ones it reads. */
    private static List<List<Integer>> tarjan(List<List<Integer>> deps) {
        int n = deps.size();
        int[] idx = new int[n], low = new int[n];
        Arrays.fill(idx, -1);
        boolean[] on = new boolean[n];
        Deque<Integer> stack = new ArrayDeque<>();
        List<List<Integer>> out = new ArrayList<>();
        int[] counter = {0};
        for (int v = 0; v < n; v++) if (idx[v] < 0) strong(v, deps, idx, low, on, stack, out, counter);
        return out;                                             // Tarjan emits a component after all it reaches (its sources)
    }

    private static void strong(int v, List<List<Integer>> deps, int[] idx, int[] low, boolean[] on, Deque<Integer> stack,
                               List<List<Integer>> out, int[] counter) {
        // iterative Tarjan (graphs from files may be deep)
        Deque<int[]> work = new ArrayDeque<>();
        work.push(new int[] {v, 0});
        idx[v] = low[v] = counter[0]++;
        stack.push(v);
        on[v] = true;
        while (!work.isEmpty()) {
            int[] top = work.peek();
            int u = top[0];
            List<Integer> ds = deps.get(u);
            if (top[1] < ds.size()) {
                int w = ds.get(top[1]++);
                if (idx[w] < 0) {
                    idx[w] = low[w] = counter[0]++;
                    stack.push(w);
                    on[w] = true;
                    work.push(new int[] {w, 0});
                } else if (on[w]) {
                    low[u] = Math.min(low[u], idx[w]);
                }
            } else {
                work.pop();
                if (!work.isEmpty()) low[work.peek()[0]] = Math.min(low[work.peek()[0]], low[u]);
                if (low[u] == idx[u]) {
                    List<Integer> comp = new ArrayList<>();
                    int w;
                    do {
                        w = stack.pop();
                        on[w] = false;
                        comp.add(w);
                    } while (w != u);
                    Collections.sort(comp);
                    out.add(comp);
                }
            }
        }
    }

    /** How the graph is run: one line per block, in execution order. */
    public List<String> plan() {
        List<String> l = new ArrayList<>();
        for (Block b : blocks) {
            if (!b.stepwise()) {
                l.add(b.units().get(0).out.name + ": " + b.units().get(0).describe());
            } else {
                List<String> parts = new ArrayList<>();
                for (Unit u : b.units()) parts.add(u.out.name + " (" + u.describe() + ")");
                l.add("cycle, step by step" + (b.backEdges().isEmpty() ? "" : " (" + b.backEdges().size() + " edge(s) read the previous step)")
                        + ": " + String.join(", ", parts));
            }
        }
        return l;
    }

    // ------------------------------------------------------------------ running

    /**
     * The result of a run: every graph output and every node's output {@code [T, B, shape...]}
     * (except the internal nodes of a population handed to the kit's kernel).
     */
    public final class Run {
        private final Map<String, Tensor> values;

        private Run(Map<String, Tensor> values) { this.values = values; }

        /** The graph's only output. */
        public Tensor output() {
            if (outputNames.size() != 1) throw new IllegalStateException("the graph has " + outputNames.size() + " outputs " + outputNames + "; use output(name)");
            return output(outputNames.get(0));
        }

        /** A graph output by name. */
        public Tensor output(String name) {
            if (!outputNames.contains(name)) throw new IllegalArgumentException("no graph output '" + name + "' (outputs: " + outputNames + ")");
            return node(name);
        }

        /** Any node's output, {@code [T, B, shape...]}. */
        public Tensor node(String name) {
            FNode f = find(name);
            Tensor v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("node '" + name + "' runs inside the kit's LIF kernel with '" + internal.get(name)
                        + "' and has no output of its own");
            }
            int[] s = new int[2 + f.outShape.length];
            s[0] = v.dim(0);
            s[1] = v.dim(1);
            System.arraycopy(f.outShape, 0, s, 2, f.outShape.length);
            return v.reshape(s);
        }
    }

    /** Runs the graph's only input. */
    public Run run(Tensor x) {
        if (inputNames.size() != 1) throw new IllegalStateException("the graph has " + inputNames.size() + " inputs " + inputNames + "; use run(Map)");
        return run(Map.of(inputNames.get(0), x));
    }

    /** Runs from zero state (or the metadata's initial states) over inputs {@code [T, B, shape...]} by Input name. */
    public Run run(Map<String, Tensor> inputs) {
        Set<String> missing = new TreeSet<>(inputNames);
        missing.removeAll(inputs.keySet());
        if (!missing.isEmpty()) throw new IllegalArgumentException("NIR network: no value for input(s) " + missing + " (inputs: " + inputNames + ")");
        int t = -1, b = -1;
        Map<FNode, Tensor> values = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            FNode f = byName.get(e.getKey());
            if (f == null || f.role != Role.INPUT) throw new IllegalArgumentException("NIR network has no input '" + e.getKey() + "' (inputs: " + inputNames + ")");
            Tensor x = e.getValue();
            boolean ok = x.rank() >= 3 && (x.rank() == 3 ? x.dim(2) == f.outN()
                    : Arrays.equals(Arrays.copyOfRange(x.shape(), 2, x.rank()), f.outShape));
            if (!ok) {
                throw new IllegalArgumentException("input '" + e.getKey() + "' must be [T, B, " + Arrays.toString(f.outShape).replaceAll("[\\[\\]]", "")
                        + "] (or [T, B, " + f.outN() + "]), got " + x);
            }
            if (x.dim(0) < 1 || x.dim(1) < 1) throw new IllegalArgumentException("input '" + e.getKey() + "' has no steps or no batch rows: " + x);
            if (t >= 0 && (x.dim(0) != t || x.dim(1) != b)) throw new IllegalArgumentException("inputs differ in T or B: " + x + " vs [" + t + ", " + b + ", ..]");
            t = x.dim(0);
            b = x.dim(1);
            values.put(f, x.reshape(t, b, f.outN()));
        }
        Map<Unit, Tensor> out = new IdentityHashMap<>();
        for (Block blk : blocks) {
            for (Unit u : blk.units()) {
                u.start(b);
                out.put(u, be.zeros(t, b, u.outN));
            }
            if (!blk.stepwise()) {
                Unit u = blk.units().get(0);
                Tensor in = u.out.role == Role.INPUT ? values.get(u.out) : sum(u, out, t, b);
                u.sequence(in, out.get(u));
            } else {
                runStepwise(blk, out, t, b);
            }
            for (Unit u : blk.units()) if (u instanceof Population p) p.derive(out.get(u));
        }
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (FNode f : byName.values()) {
            Unit u = f.unit;
            if (u.out == f) named.put(f.name, out.get(u));
        }
        for (Unit u : out.keySet()) named.putAll(u.extra());
        return new Run(named);
    }

    /** The summed input of a unit over the whole sequence (its one source's tensor itself when it has one). */
    private Tensor sum(Unit u, Map<Unit, Tensor> out, int t, int b) {
        if (u.sources.isEmpty()) return be.zeros(t, b, u.inN);
        if (u.sources.size() == 1) return out.get(u.sources.get(0).unit);
        Tensor s = be.zeros(t, b, u.inN);
        be.copy(out.get(u.sources.get(0).unit), s);
        for (int k = 1; k < u.sources.size(); k++) be.zip(BinaryOp.ADD, s, out.get(u.sources.get(k).unit), s);
        return s;
    }

    private void runStepwise(Block blk, Map<Unit, Tensor> out, int t, int b) {
        Map<Unit, Integer> index = new IdentityHashMap<>();
        List<Unit> all = new ArrayList<>();
        for (FNode f : byName.values()) if (!index.containsKey(f.unit)) { index.put(f.unit, all.size()); all.add(f.unit); }
        Map<Unit, Tensor> scratch = new HashMap<>();
        List<Unit> stateUnits = blk.units().stream().filter(Unit::stateOutput).toList();
        for (int n = 0; n < t; n++) {
            for (Unit u : stateUnits) u.emit(out.get(u).slice0(n));
            for (Unit u : blk.order()) u.step(stepInput(u, blk, out, scratch, index, n, b), out.get(u).slice0(n));
            for (Unit u : stateUnits) u.step(stepInput(u, blk, out, scratch, index, n, b), null);
        }
    }

    private Tensor stepInput(Unit u, Block blk, Map<Unit, Tensor> out, Map<Unit, Tensor> scratch, Map<Unit, Integer> index, int n, int b) {
        Tensor s = scratch.computeIfAbsent(u, k -> be.zeros(b, u.inN));
        if (u.sources.isEmpty()) {
            be.fill(s, 0f);
            return s;
        }
        boolean first = true;
        for (FNode src : u.sources) {
            Unit su = src.unit;
            boolean prev = blk.backEdges().contains(edgeKey(index.get(su), index.get(u)));
            if (prev && n == 0) {
                if (first) be.fill(s, 0f);
                first = false;
                continue;
            }
            Tensor v = out.get(su).slice0(prev ? n - 1 : n);
            if (u.sources.size() == 1) return v;
            if (first) be.copy(v, s);
            else be.zip(BinaryOp.ADD, s, v, s);
            first = false;
        }
        return s;
    }

    private static int numel(int[] s) {
        int n = 1;
        for (int d : s) n *= d;
        return n;
    }
}
