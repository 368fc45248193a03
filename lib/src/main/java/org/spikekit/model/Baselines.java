package org.spikekit.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.metrics.EnergyConstants;
import org.spikekit.metrics.EnergyEstimate;
import org.spikekit.nn.Activation;
import org.spikekit.nn.Dropout;
import org.spikekit.nn.Gru;
import org.spikekit.nn.Layer;
import org.spikekit.nn.Linear;
import org.spikekit.nn.Lstm;
import org.spikekit.nn.MemoryExpansion;
import org.spikekit.nn.Recurrent;
import org.spikekit.nn.Rnn;
import org.spikekit.nn.Sequential;
import org.spikekit.core.Tape;

/**
 * The causal ANN baselines of Spikachu (notebooks/papers/spikachu.md §4.5; released {@code configs/baselines.yaml},
 * {@code models/baselines.py}): single-session decoders from binned spike counts {@code [T, B, N]}
 * (10-ms bins, one column per unit of the session) to 2-D velocity {@code [T, B, 2]} at every bin,
 * before the 20-tap output smoothing (done by the caller, as for Spikachu itself).
 *
 * <ul>
 *   <li>MLP ({@link MlpConfig}): {@link MemoryExpansion} of the counts at t, t−1, …, t−10, then
 *       Linear layers {@code [N·11, 256, 512, 1024, 1024, 512, 256, 2]}, each hidden one followed by
 *       ReLU and dropout 0.1, no activation on the output. The kit default pads the steps before the
 *       window with zeros (causal); {@code asReleased} reproduces the released circular roll.</li>
 *   <li>RNN / GRU / LSTM ({@link RecurrentConfig}): 4 stacked blocks, each
 *       {@code core (layers L, hidden H, inter-layer dropout 0.1) → Linear(H → N) → Dropout(0.1)}, the
 *       last block's Linear mapping to 2 instead of N. RNN: L = 8, H = 212 (tanh); GRU: L = 4,
 *       H = 164; LSTM: L = 4, H = 162. Reading of notebooks/papers/spikachu.md §4.5, confirmed in the released
 *       {@code RecurrentBlock}: the readout of every block is {@code Sequential(Linear, Dropout)}, so
 *       in training the dropout also follows the last Linear, i.e. it acts on the predicted
 *       velocities (the identity in evaluation).</li>
 * </ul>
 * Energy: {@link #energy(MlpConfig)} and {@link #energy(RecurrentConfig)} give the analytic per-step
 * operation counts of the released profiler (notebooks/papers/spikachu.md §6.2) and their 45-nm energy.
 */
public final class Baselines {
    private Baselines() {}

    /** Steps in one 1-s evaluation window of 10-ms bins. */
    public static final int STEPS_PER_WINDOW = 100;

    /** The four baseline families. */
    public enum Kind { MLP, RNN, GRU, LSTM }

    // ---- configs ------------------------------------------------------------------------------

    /**
     * MLP baseline sizes.
     *
     * @param units N, input units of the session
     * @param memory previous bins appended to the current one (10 in the paper)
     * @param hidden widths of the hidden Linear layers (each followed by ReLU and dropout)
     * @param outputs output size (2: v_x, v_y)
     * @param dropout dropout after each hidden layer
     * @param asReleased true: circular roll of the window as released (the first {@code memory}
     *                   bins see the window end); false: causal zero padding (kit default)
     */
    public record MlpConfig(int units, int memory, List<Integer> hidden, int outputs, float dropout, boolean asReleased) {
        public MlpConfig {
            if (units < 1) throw new IllegalArgumentException("MlpConfig.units must be >= 1, got " + units);
            if (memory < 0) throw new IllegalArgumentException("MlpConfig.memory must be >= 0, got " + memory);
            if (hidden == null) throw new IllegalArgumentException("MlpConfig.hidden must not be null");
            hidden = List.copyOf(hidden);
            for (int h : hidden) if (h < 1) throw new IllegalArgumentException("MlpConfig.hidden widths must be >= 1, got " + hidden);
            if (outputs < 1) throw new IllegalArgumentException("MlpConfig.outputs must be >= 1, got " + outputs);
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("MlpConfig.dropout must be in [0, 1), got " + dropout);
        }

        /** The paper's MLP: memory 10, hidden [256, 512, 1024, 1024, 512, 256], dropout 0.1, causal padding. */
        public static MlpConfig paper(int units) {
            return new MlpConfig(units, 10, List.of(256, 512, 1024, 1024, 512, 256), 2, 0.1f, false);
        }

        /** A small MLP for quick mode: same memory and dropout, hidden [128, 128]. */
        public static MlpConfig quick(int units) {
            return new MlpConfig(units, 10, List.of(128, 128), 2, 0.1f, false);
        }

        public MlpConfig withAsReleased(boolean released) {
            return new MlpConfig(units, memory, hidden, outputs, dropout, released);
        }

        /** Input width of the first Linear: N·(memory + 1). */
        public int inputFeatures() { return units * (memory + 1); }

        /** Linear layer widths from input to output, e.g. {@code [1100, 256, …, 256, 2]}. */
        public List<Integer> dims() {
            List<Integer> d = new ArrayList<>();
            d.add(inputFeatures());
            d.addAll(hidden);
            d.add(outputs);
            return List.copyOf(d);
        }

        /** Trainable parameters: Σ (in·out + out) over the Linear layers. */
        public long parameterCount() {
            List<Integer> d = dims();
            long n = 0;
            for (int i = 0; i + 1 < d.size(); i++) n += (long) d.get(i) * d.get(i + 1) + d.get(i + 1);
            return n;
        }
    }

    /**
     * RNN/GRU/LSTM baseline sizes.
     *
     * @param kind RNN, GRU or LSTM
     * @param units N, input units (also the width between blocks)
     * @param blocks stacked recurrent blocks
     * @param layers recurrent layers inside each block's core
     * @param hidden hidden size of the core
     * @param outputs output size of the last block (2)
     * @param dropout inter-layer dropout of the core and dropout after each block's Linear
     */
    public record RecurrentConfig(Kind kind, int units, int blocks, int layers, int hidden, int outputs, float dropout) {
        public RecurrentConfig {
            if (kind == null || kind == Kind.MLP) throw new IllegalArgumentException("RecurrentConfig.kind must be RNN, GRU or LSTM, got " + kind);
            if (units < 1) throw new IllegalArgumentException("RecurrentConfig.units must be >= 1, got " + units);
            if (blocks < 1) throw new IllegalArgumentException("RecurrentConfig.blocks must be >= 1, got " + blocks);
            if (layers < 1) throw new IllegalArgumentException("RecurrentConfig.layers must be >= 1, got " + layers);
            if (hidden < 1) throw new IllegalArgumentException("RecurrentConfig.hidden must be >= 1, got " + hidden);
            if (outputs < 1) throw new IllegalArgumentException("RecurrentConfig.outputs must be >= 1, got " + outputs);
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("RecurrentConfig.dropout must be in [0, 1), got " + dropout);
        }

        /** The paper's sizes: 4 blocks; RNN 8 layers × 212, GRU 4 × 164, LSTM 4 × 162; dropout 0.1. */
        public static RecurrentConfig paper(Kind kind, int units) {
            if (kind == null || kind == Kind.MLP) throw new IllegalArgumentException("RecurrentConfig.paper: kind must be RNN, GRU or LSTM, got " + kind);
            return switch (kind) {
                case RNN -> new RecurrentConfig(kind, units, 4, 8, 212, 2, 0.1f);
                case GRU -> new RecurrentConfig(kind, units, 4, 4, 164, 2, 0.1f);
                default -> new RecurrentConfig(kind, units, 4, 4, 162, 2, 0.1f);
            };
        }

        /** A small variant for quick mode: 2 blocks of 2 layers, hidden 64, dropout 0.1. */
        public static RecurrentConfig quick(Kind kind, int units) {
            if (kind == null || kind == Kind.MLP) throw new IllegalArgumentException("RecurrentConfig.quick: kind must be RNN, GRU or LSTM, got " + kind);
            return new RecurrentConfig(kind, units, 2, 2, 64, 2, 0.1f);
        }

        /** Gate blocks G of the cell: RNN 1, GRU 3, LSTM 4. */
        public int gates() {
            return switch (kind) {
                case RNN -> 1;
                case GRU -> 3;
                default -> 4;
            };
        }

        /**
         * Trainable parameters in PyTorch's parameterisation (both b_ih and b_hh): per layer
         * {@code G·H·(I + H) + 2·G·H} with I = N for the first layer of a block and H after, plus
         * the Linear layers {@code H·N + N} (blocks before the last) and {@code H·2 + 2}.
         */
        public long parameterCount() {
            long g = gates(), h = hidden;
            long first = g * h * (units + h) + 2 * g * h, later = g * h * (2 * h) + 2 * g * h;
            long core = first + (layers - 1) * later;
            return blocks * core + (blocks - 1) * (h * units + units) + (h * outputs + outputs);
        }
    }

    // ---- models -------------------------------------------------------------------------------

    /**
     * A built baseline: {@code [T, B, N] → [T, B, outputs]}, a thin shell over its layers that checks
     * the input shape. Runs, trains and reports parameters like any {@link Layer}.
     */
    public static final class Model implements Layer {
        private final Kind kind;
        private final int units, outputs;
        private final Sequential net;
        private final Energy energy;

        private Model(Kind kind, int units, int outputs, Sequential net, Energy energy) {
            this.kind = kind;
            this.units = units;
            this.outputs = outputs;
            this.net = net;
            this.energy = energy;
        }

        public Kind kind() { return kind; }

        /** Input units N. */
        public int units() { return units; }

        public int outputs() { return outputs; }

        /** The layers in order. */
        public List<Layer> layers() { return net.layers(); }

        /** Analytic per-step energy of this architecture (see {@link Baselines#energy(RecurrentConfig)}). */
        public Energy energy() { return energy; }

        @Override
        public List<Parameter> parameters() { return net.parameters(); }

        @Override
        public Tensor forward(Tensor x, Tape tape) {
            if (x == null) throw new IllegalArgumentException("Baselines " + kind + ": input is null");
            int[] s = x.shape();
            if (s.length != 3 || s[2] != units || s[0] < 1 || s[1] < 1) {
                throw new IllegalArgumentException("Baselines " + kind + ": expected binned counts [T >= 1, B >= 1, " + units + "], got " + Arrays.toString(s));
            }
            return net.forward(x, tape);
        }

        @Override
        public Tensor backward(Tensor gradOut, Tape tape) { return net.backward(gradOut, tape); }

        @Override
        public String describe() { return kind + " baseline: " + net.describe(); }
    }

    /** Builds the MLP baseline; parameters are named {@code mlp.fc<i>.w/.b}. */
    public static Model mlp(Backend be, MlpConfig c, long seed) {
        if (c == null) throw new IllegalArgumentException("Baselines.mlp: config must not be null");
        List<Layer> ls = new ArrayList<>();
        ls.add(new MemoryExpansion(c.units(), c.memory(), c.asReleased()));
        List<Integer> d = c.dims();
        for (int i = 0; i + 1 < d.size(); i++) {
            ls.add(new Linear(be, "mlp.fc" + i, d.get(i), d.get(i + 1), true, seed));
            if (i + 2 < d.size()) {
                ls.add(new Activation(Activation.Kind.RELU));
                ls.add(new Dropout(c.dropout()));
            }
        }
        return new Model(Kind.MLP, c.units(), c.outputs(), new Sequential(ls), energy(c));
    }

    /**
     * Builds an RNN/GRU/LSTM baseline; parameters are named {@code <kind>.b<i>.core.l<k>.w_ih …}
     * and {@code <kind>.b<i>.readout.w/.b}.
     */
    public static Model recurrent(Backend be, RecurrentConfig c, long seed) {
        if (c == null) throw new IllegalArgumentException("Baselines.recurrent: config must not be null");
        List<Layer> ls = new ArrayList<>();
        String kind = c.kind().name().toLowerCase();
        for (int i = 0; i < c.blocks(); i++) {
            String p = kind + ".b" + i + ".";
            Recurrent core = switch (c.kind()) {
                case RNN -> new Rnn(be, p + "core", c.units(), c.hidden(), c.layers(), c.dropout(), seed);
                case GRU -> new Gru(be, p + "core", c.units(), c.hidden(), c.layers(), c.dropout(), seed);
                default -> new Lstm(be, p + "core", c.units(), c.hidden(), c.layers(), c.dropout(), seed);
            };
            ls.add(core);
            ls.add(new Linear(be, p + "readout", c.hidden(), i + 1 < c.blocks() ? c.units() : c.outputs(), true, seed));
            ls.add(new Dropout(c.dropout()));
        }
        return new Model(c.kind(), c.units(), c.outputs(), new Sequential(ls), energy(c));
    }

    /** Builds the paper-size baseline of the given kind for N units (MLP with causal padding). */
    public static Model paper(Backend be, Kind kind, int units, long seed) {
        return kind == Kind.MLP ? mlp(be, MlpConfig.paper(units), seed) : recurrent(be, RecurrentConfig.paper(kind, units), seed);
    }

    /** Builds the quick-mode baseline of the given kind for N units. */
    public static Model quick(Backend be, Kind kind, int units, long seed) {
        return kind == Kind.MLP ? mlp(be, MlpConfig.quick(units), seed) : recurrent(be, RecurrentConfig.quick(kind, units), seed);
    }

    // ---- energy -------------------------------------------------------------------------------

    /** Operation counts of one module per time step per sample. */
    public record Term(String module, long macs, long acs) {}

    /**
     * Analytic energy of one baseline per 10-ms step and per sample (notebooks/papers/spikachu.md §6.2, the released
     * {@code network_profiling.py}): {@code E = MACs·E_MAC + ACs·E_AC} with the 45-nm constants
     * ({@link EnergyConstants#HOROWITZ_45NM}: 4.6 pJ, 0.9 pJ).
     *
     * @param macs multiply-accumulates per step
     * @param acs accumulates per step
     * @param joulesPerStep energy per step per sample, J
     * @param joulesPerWindow energy per 1-s window of {@link #STEPS_PER_WINDOW} steps per sample, J
     * @param terms per-module counts that sum to {@code macs} and {@code acs}
     */
    public record Energy(Kind kind, long macs, long acs, double joulesPerStep, double joulesPerWindow, List<Term> terms) {
        public Energy {
            terms = List.copyOf(terms);
        }

        static Energy of(Kind kind, List<Term> terms) {
            long macs = 0, acs = 0;
            for (Term t : terms) {
                macs += t.macs();
                acs += t.acs();
            }
            // one step is one sample at 100 samples per second: pJ per sample and J per second (= per 1-s window)
            EnergyEstimate e = EnergyEstimate.of(acs, macs, EnergyConstants.HOROWITZ_45NM, STEPS_PER_WINDOW);
            return new Energy(kind, macs, acs, e.picojoulePerSample() * 1e-12, e.joulePerSecond(), terms);
        }
    }

    /** A Linear layer: in·out MACs and out bias ACs. */
    static Term linearTerm(String module, long in, long out) { return new Term(module, in * out, out); }

    /**
     * One recurrent layer per step, as the released profiler (after thop's RNN hooks): with
     * {@code m = H(I + H) + H}, RNN: {@code m} MACs and {@code 2H} bias ACs; GRU: {@code 3m + 4H}
     * MACs and {@code 3·2H} ACs; LSTM: {@code 4m + 3H} MACs and {@code 4·2H + H} ACs.
     */
    static Term cellTerm(String module, Kind kind, long in, long h) {
        long m = h * (in + h) + h;
        return switch (kind) {
            case RNN -> new Term(module, m, 2 * h);
            case GRU -> new Term(module, 3 * m + 4 * h, 3 * 2 * h);
            case LSTM -> new Term(module, 4 * m + 3 * h, 4 * 2 * h + h);
            case MLP -> throw new IllegalArgumentException("cellTerm: MLP has no recurrent cell");
        };
    }

    /** MLP energy per step: the Linear layers' MACs and bias ACs (memory expansion, ReLU, dropout free). */
    public static Energy energy(MlpConfig c) {
        if (c == null) throw new IllegalArgumentException("Baselines.energy: config must not be null");
        List<Term> terms = new ArrayList<>();
        List<Integer> d = c.dims();
        for (int i = 0; i + 1 < d.size(); i++) terms.add(linearTerm("fc" + i, d.get(i), d.get(i + 1)));
        return Energy.of(Kind.MLP, terms);
    }

    /**
     * RNN/GRU/LSTM energy per step: every recurrent layer ({@link #cellTerm}: first layer of a block
     * with I = N, later layers with I = H; unidirectional) plus every block's Linear readout.
     */
    public static Energy energy(RecurrentConfig c) {
        if (c == null) throw new IllegalArgumentException("Baselines.energy: config must not be null");
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < c.blocks(); i++) {
            for (int k = 0; k < c.layers(); k++) {
                terms.add(cellTerm("b" + i + ".core.l" + k, c.kind(), k == 0 ? c.units() : c.hidden(), c.hidden()));
            }
            terms.add(linearTerm("b" + i + ".readout", c.hidden(), i + 1 < c.blocks() ? c.units() : c.outputs()));
        }
        return Energy.of(c.kind(), terms);
    }
}
