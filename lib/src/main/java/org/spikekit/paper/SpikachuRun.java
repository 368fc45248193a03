package org.spikekit.paper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.spikekit.report.RunKey;
import org.spikekit.report.RunRecords;
import org.spikekit.report.RunResult;
import org.spikekit.report.RunResults;

/**
 * Result of one Spikachu-paper evaluation: one trained model scored on one session's test split.
 * Each is its own JSON file ({@code results/spikachu/runs/<mode>/<setting>_<model>_<session>.json});
 * tables merge the files present, and a run whose file holds the same {@link #key} (model
 * configuration, recipe, data checksums, library) is read back instead of retrained.
 *
 * <p>Three readings of the R² per run: {@link #r2} is the kit's (test split, windows laid end to
 * end with a padded last one, batches of 32, REACH samples per session); {@link #r2TestPy} and
 * {@link #r2TestMs} are the released code's two evaluation scripts (POYO's sequential windows with
 * an overlapping full last window, REACH samples chosen per batch): {@code test.py} reports on the
 * <em>validation</em> split at batch 32 (while {@code train.py} selected on the test split),
 * {@code testMS.py} on the test split at batch 128. The batch size matters only for models whose
 * state couples the windows of a batch (the released SSA's T·B-flattened neurons).
 *
 * @param setting        {@code single} (one model per session), {@code multi} (one model on every
 *                       training session), {@code fewshot-unitid} (multi model, new session's unit
 *                       embeddings fine-tuned on a few windows), {@code fewshot-unitid-released}
 *                       (the same model and windows as released: no parameter trained, BatchNorm
 *                       statistics only), {@code fewshot-scratch} (a single-session model trained
 *                       on the same few windows)
 * @param model          spikachu, spikachu-released, mlp, rnn, gru, lstm, mlp-released, rnn-released,
 *                       gru-released, lstm-released
 * @param session        session id ({@code c_20150311_center_out_reaching})
 * @param variant        which behaviour produced the numbers (kit default or as released, and how)
 * @param cadence        checkpoint selection: {@code kit} (after every evalEvery-th and the last epoch)
 *                       or {@code released} (before epochs 0, 25, …; the last epoch never scored)
 * @param settings       fingerprint of everything that determines the run
 * @param data           real or synthetic
 * @param mode           quick or full
 * @param seed           model / sampling seed
 * @param units          units of the session
 * @param trainWindows   1-s training windows per epoch of the model (all its training sessions)
 * @param epochs         epochs trained
 * @param evalEvery      epochs between selection evaluations
 * @param keptEpoch      epoch whose parameters were kept (checkpoint selection; −1: the initialisation)
 * @param r2             test R², the kit's reading (mean over x, y; REACH samples only when the session has them)
 * @param r2TestPy       the released {@code test.py} reading: validation split, POYO windows, batch 32
 * @param r2TestMs       the released {@code testMS.py} reading: test split, POYO windows, batch 128
 * @param mse            test MSE of the z-scored velocity, mean over x and y (kit reading)
 * @param signAgreement  fraction of scored samples with the right velocity sign (kit reading)
 * @param scoredSamples  test samples scored (kit reading)
 * @param parameters     trainable parameters without unit embeddings
 * @param macs           MACs per 10-ms step and sample (the kit's counting of notebooks/papers/spikachu.md §6.2, over the test windows)
 * @param acs            ACs per step and sample
 * @param spikes         spikes per step and sample (0 for the ANN baselines)
 * @param meanRate       mean spike rate over the spiking layers (NaN-free: -1 for ANN baselines)
 * @param steps          steps per window (100)
 * @param joulesPerWindow energy per 1-s window and sample, J (45-nm constants; {@link #joulesPerStep()} per step)
 * @param profiledJoulesPerWindow the energy as the released {@code network_profiling.py} counts it,
 *                       under its conditions (one training window, batch size 1, training mode,
 *                       {@link org.spikekit.model.SpikachuDecoder#energyAsProfiled}), per window;
 *                       {@link #profiledJoulesPerStep()} is the released CSV's unit; equal to
 *                       {@code joulesPerWindow} for the baselines (analytic counts)
 * @param profiledMeanRate the released profile's {@code spike_rate_mean} (silent LIFs left out; -1 for ANN baselines)
 * @param latencyMsPerStep wall time of a batch-1 forward pass over one window divided by its steps (best of
 *                       {@link SpikachuPaper#LATENCY_REPEATS}), measured right after training
 * @param causalLeak     largest change of a prediction before a spike was added (0: causal)
 * @param batchLeak      largest change of another window's predictions when one window's spikes changed (0: windows independent)
 * @param wallTimeS      training + evaluation time
 * @param backend        compute backend
 * @param gitCommit      commit of the code that ran
 * @param key            what produced the run ({@link RunKey}); null in files written before keys existed
 *                       (such a run is trained again)
 */
public record SpikachuRun(String setting, String model, String session, String variant, String cadence, String settings, String data, String mode,
                          long seed, int units, int trainWindows, int epochs, int evalEvery, int keptEpoch, double r2, double r2TestPy, double r2TestMs,
                          double mse, double signAgreement, long scoredSamples, long parameters, double macs, double acs, double spikes, double meanRate,
                          int steps, double joulesPerWindow, double profiledJoulesPerWindow, double profiledMeanRate, double latencyMsPerStep,
                          double causalLeak, double batchLeak, List<Double> trainLoss, double wallTimeS, String backend, String gitCommit, RunKey key)
        implements RunResults.Source {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    /** {@link #cadence} of the kit's selection. */
    public static final String KIT_CADENCE = "kit";
    /** {@link #cadence} of the released selection. */
    public static final String RELEASED_CADENCE = "released";

    public SpikachuRun {
        label("setting", setting);
        label("model", model);
        label("session", session);
        if (!KIT_CADENCE.equals(cadence) && !RELEASED_CADENCE.equals(cadence)) {
            throw new IllegalArgumentException("SpikachuRun.cadence of " + model + "/" + session + " must be 'kit' or 'released', got " + cadence);
        }
        if (!Double.isFinite(r2)) throw new IllegalArgumentException("SpikachuRun.r2 of " + model + "/" + session + " is not finite: " + r2);
        if (steps < 1) throw new IllegalArgumentException("SpikachuRun.steps of " + model + "/" + session + " must be >= 1, got " + steps);
        trainLoss = trainLoss == null ? List.of() : List.copyOf(trainLoss);
    }

    /** This run with {@link #latencyMsPerStep} replaced (e.g. measured again on an idle machine: {@link SpikachuPaper#withLatencyNow}). */
    public SpikachuRun withLatencyMsPerStep(double ms) {
        return new SpikachuRun(setting, model, session, variant, cadence, settings, data, mode, seed, units, trainWindows, epochs, evalEvery, keptEpoch,
                r2, r2TestPy, r2TestMs, mse, signAgreement, scoredSamples, parameters, macs, acs, spikes, meanRate, steps, joulesPerWindow,
                profiledJoulesPerWindow, profiledMeanRate, ms, causalLeak, batchLeak, trainLoss, wallTimeS, backend, gitCommit, key);
    }

    /** Energy per 10-ms step and sample, J (the kit's counting, notebooks/papers/spikachu.md §6.2). */
    public double joulesPerStep() { return joulesPerWindow / steps; }

    /** The released profiler's energy per 10-ms step and sample, J: the unit of the released CSV. */
    public double profiledJoulesPerStep() { return profiledJoulesPerWindow / steps; }

    /**
     * False for a run whose released cadence never scored a trained candidate ({@code epochs ≤
     * evalEvery}): it returned its initialisation, and its numbers are not reported (the released
     * loop returns the untrained model for runs of 25 epochs or fewer).
     */
    public boolean reportable() { return !(RELEASED_CADENCE.equals(cadence) && epochs <= evalEvery); }

    /**
     * This run in the common shape: paper {@code spikachu}, the setting ({@code single}, {@code multi},
     * {@code fewshot-…}), the session as data set, the variant and selection cadence as semantics
     * ({@code <variant>; cadence=<kit|released>}); metrics under the names of {@link SpikachuTables#runs}
     * ({@code r2, r2_released_test_py, r2_released_test_ms, mse, sign_agreement, uJ_per_window,
     * uJ_per_step_released_profiler}), then {@code parameters, macs, acs, spikes, mean_rate} (NaN for
     * the ANN baselines, whose record holds -1) and {@code latency_ms_per_step}. Key, configuration,
     * recipe and data checksums come from {@link #key} (null for a run stored without one). A run that
     * is not {@link #reportable()} converts too; its semantics says so.
     */
    @Override
    public RunResult runResult() {
        RunResult.Metrics m = new RunResult.Metrics("spikachu/" + setting + "/" + model + "/" + session)
                .put("r2", r2).put("r2_released_test_py", r2TestPy).put("r2_released_test_ms", r2TestMs).put("mse", mse)
                .put("sign_agreement", signAgreement).put("uJ_per_window", joulesPerWindow * 1e6)
                .put("uJ_per_step_released_profiler", profiledJoulesPerStep() * 1e6).put("parameters", parameters).put("macs", macs)
                .put("acs", acs).put("spikes", spikes).put("mean_rate", meanRate < 0 ? Double.NaN : meanRate)
                .put("latency_ms_per_step", latencyMsPerStep);
        String semantics = variant + "; cadence=" + cadence + (reportable() ? "" : "; not reportable: the released cadence kept the untrained model");
        return new RunResult("spikachu", model, setting, session, seed, mode, data, key == null ? null : String.join("; ", key.data()),
                key == null ? null : key.hash(), key == null ? null : key.model(), key == null ? null : key.recipe(), semantics,
                m.map(), wallTimeS, backend, gitCommit);
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
