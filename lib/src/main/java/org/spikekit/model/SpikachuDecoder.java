package org.spikekit.model;

import java.util.ArrayList;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.metrics.EnergyConstants;
import org.spikekit.nn.Homogenizer;
import org.spikekit.core.Tape;

/**
 * Spikachu end to end (notebooks/papers/spikachu.md §4.2): the causal {@link Homogenizer} turns each bin's spikes
 * (unit tokens) into real-valued virtual channels, the {@link SpikachuCore} (multi-scale SNN, SSA
 * block, feed-forward layer, integrator, leaky readout) maps them to {@code (v_x, v_y)} per bin.
 * Every stage is per-bin or runs forward in time, so the prediction at bin t depends on bins ≤ t
 * only ({@link Config#core()} {@code asReleased} adds the released T·B-flattened LIF state inside
 * the SSA block, which is still causal in time but leaks state across the windows of a batch).
 *
 * <p>Single-session and multi-session models are the same network: the vocabulary is the number
 * of units of every session the model may see ({@link org.spikekit.data.perich.DecodingWindows#totalUnits()}),
 * and a new session joins a trained model through {@link #withVocabulary} and unit-identification
 * fine-tuning of {@link #unitIdentificationParameters()} only.
 */
public final class SpikachuDecoder implements WindowDecoder {

    /**
     * The homogenizer and core configurations (the homogenizer's channels feed the core).
     *
     * @param homogenizer the homogenizer, which maps each session's units to a common set of channels
     *     ({@code homogenizer.channels()} must equal {@code core.channels()})
     * @param core the spiking core that decodes the homogenized channels
     * @param trainUnitEmbeddings whether the unit embeddings are trainable (kit default). The
     *     released code never trains them: its unit tokenizer calls POYO's
     *     {@code InfiniteVocabEmbedding.extend_vocab} for every tokenised sample (IoannisAsmanis/spikachu
     *     {@code models/model_wrapper.py} lines 397-405 and 817), which replaces the weight Parameter
     *     with a new one each time (neuro-galaxy/poyo {@code poyo/nn/infinite_vocab_embedding.py}
     *     lines 111-177 at 63d8b6c), while the LAMB optimiser was built before any sample was drawn
     *     ({@code train.py} lines 316-321) and holds the stale tensor; the live table gets gradients
     *     that are never applied. With false the embeddings stay at their N(0, 0.02²) initialisation
     *     and are left out of {@link SpikachuDecoder#trainableParameters()}.
     */
    public record Config(Homogenizer.Config homogenizer, SpikachuCore.Config core, boolean trainUnitEmbeddings) {
        public Config {
            if (homogenizer == null || core == null) throw new IllegalArgumentException("SpikachuDecoder.Config: homogenizer and core configs are required");
            if (homogenizer.channels() != core.channels()) {
                throw new IllegalArgumentException("SpikachuDecoder.Config: homogenizer channels " + homogenizer.channels()
                        + " must equal the core's input channels " + core.channels());
            }
        }

        /** Trainable unit embeddings (the kit's default). */
        public Config(Homogenizer.Config homogenizer, SpikachuCore.Config core) { this(homogenizer, core, true); }

        /** The paper's sizes (kit defaults: live SSA, learnable thresholds, trained unit embeddings). */
        public static Config paper(int vocab) { return new Config(Homogenizer.Config.paper(vocab), SpikachuCore.Config.paper()); }

        /** Quick mode: every stage, scaled down (homogenizer D 16, L 16, C 32; core H 64). */
        public static Config quick(int vocab) { return new Config(Homogenizer.Config.quick(vocab), SpikachuCore.Config.quick()); }

        /**
         * The same sizes as released: the released core ({@link SpikachuCore.Config#released()}) and
         * frozen unit embeddings ({@link #trainUnitEmbeddings()} false).
         */
        public Config released() { return new Config(homogenizer, core.released(), false); }

        public Config withTrainUnitEmbeddings(boolean t) { return new Config(homogenizer, core, t); }

        public Config withVocab(int vocab) { return new Config(homogenizer.withVocab(vocab), core, trainUnitEmbeddings); }

        public int vocab() { return homogenizer.vocab(); }
    }

    private final String kind;
    private final Config cfg;
    private final Homogenizer homogenizer;
    private final SpikachuCore core;
    private final List<Parameter> params;

    /**
     * @param kind table name ({@code spikachu}, {@code spikachu-released}); parameters are named
     *     {@code spikachu.h.*} and {@code spikachu.core.*} whatever the kind, so checkpoints of the
     *     variants share names
     */
    public SpikachuDecoder(Backend be, String kind, Config cfg, long seed) {
        this(kind, cfg, new Homogenizer(be, "spikachu.h", cfg.homogenizer(), seed), new SpikachuCore(be, "spikachu.core", cfg.core(), seed));
    }

    private SpikachuDecoder(String kind, Config cfg, Homogenizer h, SpikachuCore c) {
        if (kind == null || kind.isBlank()) throw new IllegalArgumentException("SpikachuDecoder: kind must be a non-empty name");
        this.kind = kind;
        this.cfg = cfg;
        this.homogenizer = h;
        this.core = c;
        List<Parameter> p = new ArrayList<>(h.parameters());
        p.addAll(c.parameters());
        this.params = List.copyOf(p);
    }

    @Override
    public String kind() { return kind; }

    public Config config() { return cfg; }

    public Homogenizer homogenizer() { return homogenizer; }

    public SpikachuCore core() { return core; }

    @Override
    public List<Parameter> parameters() { return params; }

    /** Every trainable parameter; without the unit embeddings when {@link Config#trainUnitEmbeddings()} is false. */
    @Override
    public List<Parameter> trainableParameters() {
        List<Parameter> t = WindowDecoder.super.trainableParameters();
        return cfg.trainUnitEmbeddings() ? t : t.stream().filter(p -> p != homogenizer.unitEmbeddings()).toList();
    }

    /** The unit embeddings: what unit-identification fine-tuning trains (when they are trainable). */
    public List<Parameter> unitIdentificationParameters() { return homogenizer.unitIdentificationParameters(); }

    /**
     * Trainable parameters without the unit embeddings (the size the ≈3.9 M of notebooks/papers/spikachu.md §4.3 refers to;
     * BatchNorm running statistics and frozen thresholds are not counted).
     */
    public long sharedParameterCount() {
        return trainableParameters().stream().filter(p -> p != homogenizer.unitEmbeddings()).mapToLong(Parameter::numel).sum();
    }

    /**
     * This model with a vocabulary of {@code vocab} units: every trained value is kept (the same
     * core tensors, the homogenizer's copied) and the new unit embeddings start N(0, 0.02²).
     */
    public SpikachuDecoder withVocabulary(int vocab, long seed) {
        return new SpikachuDecoder(kind, cfg.withVocab(vocab), homogenizer.withVocabulary(vocab, seed), core);
    }

    @Override
    public Tensor forward(DecodingBatch batch, Tape tape) {
        if (batch == null) throw new IllegalArgumentException("SpikachuDecoder.forward: batch is null");
        Tensor x = homogenizer.forward(batch.steps(), batch.batch(), batch.tokenOffsets(), batch.tokenUnits(), tape);
        return core.forward(x, tape);
    }

    /** The spikes of the core's feed-forward LIF ({@link SpikachuCore#hiddenSpikes}) in an inference pass over {@code batch}. */
    @Override
    public Hidden hidden(DecodingBatch batch) {
        if (batch == null) throw new IllegalArgumentException("SpikachuDecoder.hidden: batch is null");
        Tensor x = homogenizer.forward(batch.steps(), batch.batch(), batch.tokenOffsets(), batch.tokenUnits(), Tape.inference());
        return new Hidden(core.name() + ".ff.lif", true, core.hiddenSpikes(x));
    }

    @Override
    public Tensor backward(Tensor gradPrediction, Tape tape) {
        homogenizer.backward(core.backward(gradPrediction, tape), tape);
        return null;
    }

    /**
     * Core counts from the spike rates on the tape plus the homogenizer's per-step counts at
     * {@code meanTokensPerStep} tokens ({@link Homogenizer.Config#opsPerStep}).
     */
    @Override
    public DecoderEnergy energy(Tape inferenceTape, double meanTokensPerStep, int steps) {
        SpikachuCore.Energy e = core.energy(inferenceTape, steps, EnergyConstants.HOROWITZ_45NM);
        Homogenizer.OpCounts h = cfg.homogenizer().opsPerStep(meanTokensPerStep);
        return new DecoderEnergy(kind, e.macs() + h.macs(), e.acs() + h.acs(), e.spikes(), e.meanRate(), steps, EnergyConstants.HOROWITZ_45NM);
    }

    /**
     * The released profiler's reading ({@link SpikachuCore#energyAsProfiled} and
     * {@link Homogenizer.Config#opsPerStepAsReleased}, whose attention cost uses the padded token
     * count: the largest spike count of any bin in the batch, as the released code pads to it), per
     * step and sample; the mean rate leaves silent LIFs out, as the released {@code spike_rate_mean}
     * does. The released {@code single_snn_energy_bench} runs one training window at batch size 1
     * with the model in training mode: pass the tape of such a pass (see
     * {@code SpikachuPaper.releasedProfile}).
     */
    public DecoderEnergy energyAsProfiled(Tape tape, double paddedTokens, int steps) {
        SpikachuCore.Energy e = core.energyAsProfiled(tape, steps, EnergyConstants.HOROWITZ_45NM);
        Homogenizer.OpCounts h = cfg.homogenizer().opsPerStepAsReleased(paddedTokens);
        return new DecoderEnergy(kind + " (released profiler)", e.macs() + h.macs(), e.acs() + h.acs(), e.spikes(), e.meanActiveRate(), steps,
                EnergyConstants.HOROWITZ_45NM);
    }

    @Override
    public String toString() { return kind + ": " + homogenizer + " → " + core.describe(); }
}
