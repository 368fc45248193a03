package org.spikekit.paper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.spikekit.report.RunRecords;

/**
 * Result of one Spikachu-paper evaluation: one trained model scored on one session's test split.
 * Each is its own JSON file ({@code results/spikachu/runs/<mode>/<setting>_<model>_<session>.json});
 * tables merge the files present, and a run whose file holds the same {@link #settings} is read back
 * instead of retrained.
 *
 * @param setting        {@code single} (one model per session), {@code multi} (one model on every
 *                       training session), {@code fewshot-unitid} (multi model, new session's unit
 *                       embeddings fine-tuned on a few windows), {@code fewshot-scratch} (a
 *                       single-session model trained on the same few windows)
 * @param model          spikachu, spikachu-released, mlp, rnn, gru, lstm
 * @param session        session id ({@code c_20150311_center_out_reaching})
 * @param variant        which behaviour produced the numbers: smoothing, checkpoint selection split,
 *                       SSA/LIF as released or kit default
 * @param settings       fingerprint of everything that determines the run
 * @param data           real or synthetic
 * @param mode           quick or full
 * @param seed           model / sampling seed
 * @param units          units of the session
 * @param trainWindows   1-s training windows per epoch of the model (all its training sessions)
 * @param epochs         epochs trained
 * @param keptEpoch      epoch whose parameters were kept (checkpoint selection)
 * @param r2             test R² (mean over x, y; REACH samples only when the session has them)
 * @param mse            test MSE of the z-scored velocity, mean over x and y
 * @param signAgreement  fraction of scored samples with the right velocity sign
 * @param scoredSamples  test samples scored
 * @param parameters     trainable parameters without unit embeddings
 * @param macs           MACs per 10-ms step and sample
 * @param acs            ACs per step and sample
 * @param spikes         spikes per step and sample (0 for the ANN baselines)
 * @param meanRate       mean spike rate over the spiking layers (NaN-free: -1 for ANN baselines)
 * @param joulesPerWindow energy per 1-s window (100 steps) and sample, J (45-nm constants)
 * @param profiledJoulesPerWindow the same energy counted as the released {@code network_profiling.py} does
 *                       ({@link org.spikekit.model.SpikachuDecoder#energyAsProfiled}; equal to {@code joulesPerWindow} for the baselines)
 * @param latencyMsPerStep wall time of a batch-1 forward pass over one window divided by its steps
 * @param causalLeak     largest change of a prediction before a spike was added (0: causal)
 * @param batchLeak      largest change of another window's predictions when one window's spikes changed (0: windows independent)
 * @param wallTimeS      training + evaluation time
 * @param backend        compute backend
 * @param gitCommit      commit of the code that ran
 */
public record SpikachuRun(String setting, String model, String session, String variant, String settings, String data, String mode,
                          long seed, int units, int trainWindows, int epochs, int keptEpoch, double r2, double mse, double signAgreement,
                          long scoredSamples, long parameters, double macs, double acs, double spikes, double meanRate,
                          double joulesPerWindow, double profiledJoulesPerWindow, double latencyMsPerStep, double causalLeak, double batchLeak, List<Double> trainLoss,
                          double wallTimeS, String backend, String gitCommit) {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    public SpikachuRun {
        label("setting", setting);
        label("model", model);
        label("session", session);
        if (!Double.isFinite(r2)) throw new IllegalArgumentException("SpikachuRun.r2 of " + model + "/" + session + " is not finite: " + r2);
        trainLoss = trainLoss == null ? List.of() : List.copyOf(trainLoss);
    }

    private static void label(String field, String v) {
        if (v == null || !LABEL.matcher(v).matches()) throw new IllegalArgumentException("SpikachuRun." + field + " must be a plain label, got " + (v == null ? "null" : "'" + v + "'"));
    }

    public String fileName() { return fileName(setting, model, session); }

    public static String fileName(String setting, String model, String session) { return setting + "_" + model + "_" + session + ".json"; }

    /** Writes the run atomically into {@code dir}; returns the path. */
    public Path write(Path dir) throws IOException { return RunRecords.write(dir, fileName(), this); }

    /** What a damaged or outdated run file's message adds. */
    private static final String HINT = "; if an older kit wrote it, run notebooks 21-23 again (they retrain and rewrite such files)";

    /** Reads one run file; a damaged file is reported with its path. */
    public static SpikachuRun read(Path file) throws IOException { return RunRecords.read(file, SpikachuRun.class, "Spikachu run record", HINT); }

    /** Every {@code *.json} run in {@code dir} (none when it does not exist), sorted by setting, model, session. */
    public static List<SpikachuRun> readAll(Path dir) throws IOException {
        return RunRecords.readAll(dir, SpikachuRun.class, "Spikachu run record", HINT,
                Comparator.comparing(SpikachuRun::setting).thenComparing(SpikachuRun::model).thenComparing(SpikachuRun::session));
    }
}
