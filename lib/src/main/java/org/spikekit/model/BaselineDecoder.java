package org.spikekit.model;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.data.DecodingBatch;
import org.spikekit.metrics.EnergyConstants;
import org.spikekit.nn.Tape;
import org.spikekit.train.Parameter;

/**
 * An MLP/RNN/GRU/LSTM baseline of the Spikachu paper (spikachu.md §1.3) as a {@link WindowDecoder}:
 * the batch's binned spike counts {@code [T, B, N]} of its one session feed a {@link Baselines.Model}.
 * Baselines are single-session models (no homogenizer): a batch mixing sessions, or one whose
 * session has another unit count, is refused.
 */
public final class BaselineDecoder implements WindowDecoder {
    private final Backend be;
    private final Baselines.Model model;

    public BaselineDecoder(Backend be, Baselines.Model model) {
        if (be == null || model == null) throw new IllegalArgumentException("BaselineDecoder: backend and model are required");
        this.be = be;
        this.model = model;
    }

    /** The paper-size baseline for a session of {@code units} units. */
    public static BaselineDecoder paper(Backend be, Baselines.Kind kind, int units, long seed) {
        return new BaselineDecoder(be, Baselines.paper(be, kind, units, seed));
    }

    /** The quick-mode baseline for a session of {@code units} units. */
    public static BaselineDecoder quick(Backend be, Baselines.Kind kind, int units, long seed) {
        return new BaselineDecoder(be, Baselines.quick(be, kind, units, seed));
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
        return model.forward(be.fromHost(batch.counts(), batch.steps(), batch.batch(), batch.units()), tape);
    }

    @Override
    public void backward(Tensor gradPrediction, Tape tape) { model.backward(gradPrediction, tape); }

    /** The analytic counts of {@link Baselines#energy}; tape and tokens do not change them. */
    @Override
    public DecoderEnergy energy(Tape inferenceTape, double meanTokensPerStep, int steps) {
        Baselines.Energy e = model.energy();
        return new DecoderEnergy(kind(), e.macs(), e.acs(), 0, Double.NaN, steps, EnergyConstants.HOROWITZ_45NM);
    }

    @Override
    public String toString() { return model.describe(); }
}
