package org.spikekit.model;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.metrics.EnergyConstants;
import org.spikekit.core.Tape;

/**
 * An MLP/RNN/GRU/LSTM baseline of the Spikachu paper (notebooks/papers/spikachu.md §4.5) as a {@link WindowDecoder}:
 * the batch's binned spike counts {@code [T, B, N]} of its one session feed a {@link Baselines.Model}.
 * Baselines are single-session models (no homogenizer): a batch mixing sessions, or one whose
 * session has another unit count, is refused.
 *
 * <p><b>As released</b> ({@link #released}): the released {@code create_spike_tensor}
 * (IoannisAsmanis/spikachu {@code models/model_wrapper.py} lines 243-301) indexes the count
 * columns by the global unit id minus the smallest id among the spikes of the whole batch (line
 * 290, {@code spike_unit_index -= spike_unit_index.min()}). The ids of a single session are
 * 1..N in unit order, so when the session's first units have no spike anywhere in a batch (a
 * sparse unit, or units removed by unit dropout) every column of that batch moves down by that
 * many units: unit u is read as unit u − min. A batch without any spike fails there in the
 * released code; here it is left as it is. The released MLP's memory is also the circular roll
 * ({@link Baselines.MlpConfig#asReleased()}).
 */
public final class BaselineDecoder implements WindowDecoder {
    private final Backend be;
    private final Baselines.Model model;
    private final boolean released;

    /** The kit's decoder: every unit in its own column. */
    public BaselineDecoder(Backend be, Baselines.Model model) { this(be, model, false); }

    /** @param released shift the count columns per batch as the released code does (class comment) */
    public BaselineDecoder(Backend be, Baselines.Model model, boolean released) {
        if (be == null || model == null) throw new IllegalArgumentException("BaselineDecoder: backend and model are required");
        this.be = be;
        this.model = model;
        this.released = released;
    }

    /** The paper-size baseline for a session of {@code units} units. */
    public static BaselineDecoder paper(Backend be, Baselines.Kind kind, int units, long seed) {
        return new BaselineDecoder(be, Baselines.paper(be, kind, units, seed));
    }

    /** The quick-mode baseline for a session of {@code units} units. */
    public static BaselineDecoder quick(Backend be, Baselines.Kind kind, int units, long seed) {
        return new BaselineDecoder(be, Baselines.quick(be, kind, units, seed));
    }

    /**
     * The baseline as released: the same sizes ({@code paperSizes} or quick), the MLP's memory rolled
     * circularly, the count columns shifted per batch (class comment).
     */
    public static BaselineDecoder released(Backend be, Baselines.Kind kind, int units, long seed, boolean paperSizes) {
        Baselines.Model m = kind == Baselines.Kind.MLP
                ? Baselines.mlp(be, (paperSizes ? Baselines.MlpConfig.paper(units) : Baselines.MlpConfig.quick(units)).withAsReleased(true), seed)
                : paperSizes ? Baselines.paper(be, kind, units, seed) : Baselines.quick(be, kind, units, seed);
        return new BaselineDecoder(be, m, true);
    }

    /** Whether this reads the counts as the released code does. */
    public boolean isReleased() { return released; }

    /**
     * The count matrix {@code [rows, n]} as the released code builds it: column u holds unit
     * u + min, min being the lowest unit with a spike anywhere in the batch (0 shifts nothing).
     */
    public static float[] releasedColumns(float[] counts, int n) {
        int min = n;
        for (int i = 0; i < counts.length && min > 0; i++) if (counts[i] != 0f) min = Math.min(min, i % n);
        if (min == 0 || min == n) return counts;
        float[] out = new float[counts.length];
        int rows = counts.length / n;
        for (int r = 0; r < rows; r++) System.arraycopy(counts, r * n + min, out, r * n, n - min);
        return out;
    }

    public Baselines.Model model() { return model; }

    @Override
    public String kind() { return model.kind().name().toLowerCase(); }

    @Override
    public List<Parameter> parameters() { return model.parameters(); }

    @Override
    public Tensor forward(DecodingBatch batch, Tape tape) {
        if (batch == null) throw new IllegalArgumentException("BaselineDecoder.forward: batch is null");
        if (!batch.singleSession()) {
            throw new IllegalArgumentException("BaselineDecoder(" + kind() + "): the batch mixes sessions; the baselines are single-session models"
                    + " (binned counts of one session's " + model.units() + " units)");
        }
        if (batch.units() != model.units()) {
            throw new IllegalArgumentException("BaselineDecoder(" + kind() + "): the batch's session has " + batch.units()
                    + " units, the model was built for " + model.units());
        }
        float[] c = released ? releasedColumns(batch.counts(), batch.units()) : batch.counts();
        return model.forward(be.fromHost(c, batch.steps(), batch.batch(), batch.units()), tape);
    }

    /**
     * The first hidden layer's output in an inference pass over {@code batch}: the first block's
     * recurrent core (its last layer's hidden state, {@code H} per step) for RNN/GRU/LSTM, the
     * first ReLU for the MLP; real-valued, not spikes.
     */
    @Override
    public Hidden hidden(DecodingBatch batch) {
        if (batch == null) throw new IllegalArgumentException("BaselineDecoder.hidden: batch is null");
        float[] c = released ? releasedColumns(batch.counts(), batch.units()) : batch.counts();
        Tensor h = be.fromHost(c, batch.steps(), batch.batch(), batch.units());
        Tape tape = Tape.inference();
        int i = 0;
        for (org.spikekit.nn.Layer l : model.layers()) {
            h = l.forward(h, tape);
            if (l instanceof org.spikekit.nn.Recurrent || l instanceof org.spikekit.nn.Activation) {
                return new Hidden(kind() + " layer " + i + " (" + l.describe() + ")", false, h);
            }
            i++;
        }
        return null;
    }

    @Override
    public Tensor backward(Tensor gradPrediction, Tape tape) { model.backward(gradPrediction, tape); return null; }

    /** The analytic counts of {@link Baselines#energy}; tape and tokens do not change them. */
    @Override
    public DecoderEnergy energy(Tape inferenceTape, double meanTokensPerStep, int steps) {
        Baselines.Energy e = model.energy();
        return new DecoderEnergy(kind(), e.macs(), e.acs(), 0, Double.NaN, steps, EnergyConstants.HOROWITZ_45NM);
    }

    @Override
    public String toString() { return model.describe() + (released ? ", as released (columns shifted per batch)" : ""); }
}
