package org.spikekit.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.spikekit.core.SequenceModel;
import org.spikekit.data.SequenceSet;

/**
 * Pretrain → fine-tune, stages 1–2 of the RSNN recipe (notebooks/papers/rsnn.md §5; {@code train-tinyRSNN.py}).
 * Stage 1 trains one model per monkey on all its sessions with {@link Trainer.Config#rsnnPretrain}
 * (100 epochs on a cosine of T_max 200, so the rate ends near the midpoint, ≈ 1e-3). Stage 2, per
 * session: a fresh model is built (its own data-driven init, as {@code get_model(..., data=train)}),
 * the pretrained state is loaded by parameter name (which overrides that init), and training starts
 * from scratch: a new SMORMS3 (moments reset, lr back to 2e-3) and a new cosine schedule from its
 * start, {@link Trainer.Config#rsnnFineTune} (200 epochs, T_max 200). Only the pretrained parameters
 * are taken; an optimiser state or progress in the pretrained checkpoint is ignored.
 *
 * <pre>{@code
 * Rsnn pre = new Rsnn(be, Rsnn.Config.tiny(96), seed); pre.initFromData(allSessions, seed);
 * new Trainer(Trainer.Config.rsnnPretrain(seed)).fit(pre, allSessions, allVal, null);
 * Checkpoint state = Checkpoint.of(pre);                         // or Checkpoint.read(file)
 * var ft = FineTune.run(() -> { Rsnn m = new Rsnn(be, Rsnn.Config.tiny(96), seed); m.initFromData(train, seed); return m; },
 *         state, train, val, Trainer.Config.rsnnFineTune(seed), null);
 * }</pre>
 */
public final class FineTune {
    private FineTune() {}

    /**
     * A fine-tuned model and its history.
     *
     * @param model the model built by the factory, trained
     * @param history fine-tuning history (its {@code initialValR2} is the pretrained model's R² on this session)
     */
    public record Result<M extends SequenceModel>(M model, Trainer.History history) {}

    /**
     * Builds a model with {@code factory}, loads {@code pretrained} (strict: every parameter by name
     * and shape) and trains it with a new optimiser and schedule.
     *
     * @throws CheckpointException naming the source and the parameter when the state does not fit the model
     */
    public static <M extends SequenceModel> Result<M> run(Supplier<M> factory, Checkpoint pretrained, SequenceSet train,
                                                          SequenceSet val, Trainer.Config config, Trainer.EpochCallback callback) {
        M model = load(factory, pretrained);
        Trainer.History h = new Trainer(config).fit(model, train, val, callback);
        return new Result<>(model, h);
    }

    /** {@link #run(Supplier, Checkpoint, SequenceSet, SequenceSet, Trainer.Config, Trainer.EpochCallback)} from an in-memory state by parameter name. */
    public static <M extends SequenceModel> Result<M> run(Supplier<M> factory, Map<String, HostArray> pretrained, SequenceSet train,
                                                          SequenceSet val, Trainer.Config config, Trainer.EpochCallback callback) {
        return run(factory, Checkpoint.ofArrays(pretrained), train, val, config, callback);
    }

    /**
     * Resumable fine-tuning: when {@code checkpoint} exists the run continues from it (the file
     * holds the fine-tuning state, so {@code pretrained} is not loaded again); otherwise it starts as
     * {@link #run(Supplier, Checkpoint, SequenceSet, SequenceSet, Trainer.Config, Trainer.EpochCallback)}
     * and saves every {@code everyEpochs} epochs.
     */
    public static <M extends SequenceModel> Result<M> run(Supplier<M> factory, Checkpoint pretrained, SequenceSet train,
                                                          SequenceSet val, Trainer.Config config, Trainer.EpochCallback callback,
                                                          Path checkpoint, int everyEpochs) {
        Trainer t = new Trainer(config);
        if (Files.exists(checkpoint)) {
            M model = factory.get();
            return new Result<>(model, t.resume(checkpoint, model, train, val, callback, everyEpochs));
        }
        M model = load(factory, pretrained);
        return new Result<>(model, t.fit(model, train, val, callback, checkpoint, everyEpochs));
    }

    /** A fresh model from {@code factory} holding the {@code pretrained} parameters. */
    public static <M extends SequenceModel> M load(Supplier<M> factory, Checkpoint pretrained) {
        if (pretrained == null) throw new IllegalArgumentException("FineTune: pretrained state must not be null");
        M model = factory.get();
        if (model == null) throw new IllegalArgumentException("FineTune: the model factory returned null");
        pretrained.loadInto(model);
        return model;
    }
}
