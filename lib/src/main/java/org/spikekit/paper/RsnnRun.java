package org.spikekit.paper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.spikekit.report.RunKey;
import org.spikekit.report.RunRecords;
import org.spikekit.report.RunResult;
import org.spikekit.report.RunResults;

/**
 * Result of one run of the RSNN paper's recipe: one model, one session, one seed. Every run is its
 * own JSON file ({@code results/rsnn/runs/<mode>/<model>_<session>_seed<k>.json}); tables are built by
 * merging the files present, so a run that died is simply run again and nothing finished is lost.
 *
 * @param model          tinyRSNN, bigRSNN, SNN2 or SNN3
 * @param session        short label I1 … L3
 * @param sessionFile    the session's file name (e.g. indy_20160622_01)
 * @param seed           training seed
 * @param data           "real" or "synthetic"
 * @param mode           quick or full
 * @param variant        which of the paper's released/text variants produced the numbers
 *                       (e.g. {@code split=as-released, upper-bound=as-released})
 * @param stages         epochs per stage, e.g. {@code pretrain=100, finetune=200, prune=100}
 * @param r2             NeuroBench R² on the test span (mean of x and y)
 * @param r2x            R² of v_x
 * @param r2y            R² of v_y
 * @param footprintBytes NeuroBench footprint of the evaluated model
 * @param connSparsity   connection sparsity
 * @param actSparsity    activation sparsity
 * @param dense          dense synaptic operations per 4-ms step
 * @param effMacs        effective MACs per step
 * @param effAcs         effective ACs per step
 * @param extra          further numbers (R² before pruning / before fp16, pruned fraction, …)
 * @param wallTimeS      wall time of the run
 * @param backend        compute backend
 * @param gitCommit      commit of the code that ran
 * @param key            what produced the run: model configuration, recipe, data checksums and library
 *                       fingerprint ({@link RunKey}); a stored run is reused only when its key matches
 *                       ({@link RsnnPaper#kept}); null in files written before keys existed
 */
public record RsnnRun(String model, String session, String sessionFile, long seed, String data, String mode,
                      String variant, Map<String, Integer> stages, double r2, double r2x, double r2y,
                      double footprintBytes, double connSparsity, double actSparsity, double dense, double effMacs,
                      double effAcs, Map<String, Double> extra, double wallTimeS, String backend, String gitCommit, RunKey key)
        implements RunResults.Source {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    public RsnnRun {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(session, "session");
        if (!LABEL.matcher(model).matches()) throw new IllegalArgumentException("RsnnRun.model must be a plain label, got '" + model + "'");
        if (!LABEL.matcher(session).matches()) throw new IllegalArgumentException("RsnnRun.session must be a plain label, got '" + session + "'");
        stages = stages == null ? Map.of() : Map.copyOf(stages);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
        if (!Double.isFinite(r2)) throw new IllegalArgumentException("RsnnRun.r2 of " + model + "/" + session + " is not finite: " + r2);
    }

    /**
     * This run in the common shape: paper {@code rsnn}, the session as data set, the epochs per stage
     * as setting ({@code pretrain=…, finetune=…, prune=…}; the rest of {@link #stages} is in the
     * recipe), the variant as semantics; metrics under the names of {@link RsnnTables#runs}
     * ({@code r2, r2_x, r2_y, footprint_bytes, conn_sparsity, act_sparsity, dense, eff_macs, eff_acs})
     * followed by {@link #extra} by name. Key, configuration, recipe and data checksums come from
     * {@link #key} (null for a run stored without one).
     */
    @Override
    public RunResult runResult() {
        String owner = "rsnn/" + model + "/" + session + "/seed" + seed;
        RunResult.Metrics m = new RunResult.Metrics(owner).put("r2", r2).put("r2_x", r2x).put("r2_y", r2y).put("footprint_bytes", footprintBytes)
                .put("conn_sparsity", connSparsity).put("act_sparsity", actSparsity).put("dense", dense).put("eff_macs", effMacs).put("eff_acs", effAcs);
        for (Map.Entry<String, Double> e : new TreeMap<>(extra).entrySet()) m.put(e.getKey(), e.getValue());
        String setting = String.join(", ", java.util.stream.Stream.of("pretrain", "finetune", "prune").filter(stages::containsKey)
                .map(k -> k + "=" + stages.get(k)).toList());
        return new RunResult("rsnn", model, setting.isEmpty() ? null : setting, session, seed, mode, data,
                key == null ? null : String.join("; ", key.data()), key == null ? null : key.hash(), key == null ? null : key.model(),
                key == null ? null : key.recipe(), variant, m.map(), wallTimeS, backend, gitCommit);
    }

    /** File name of this run. */
    public String fileName() { return fileName(model, session, seed); }

    public static String fileName(String model, String session, long seed) {
        return model + "_" + session + "_seed" + seed + ".json";
    }

    /** Writes the run atomically into {@code dir}; returns the path. */
    public Path write(Path dir) throws IOException { return RunRecords.write(dir, fileName(), this); }

    /** Reads one run file; a damaged file is reported with its path. */
    public static RsnnRun read(Path file) throws IOException { return RunRecords.read(file, RsnnRun.class, "RSNN run record", ""); }

    /** Every {@code *.json} run in {@code dir} (none when it does not exist), sorted by model, session, seed. */
    public static List<RsnnRun> readAll(Path dir) throws IOException {
        return RunRecords.readAll(dir, RsnnRun.class, "RSNN run record", "",
                Comparator.comparing(RsnnRun::model).thenComparing(RsnnRun::session).thenComparingLong(RsnnRun::seed));
    }
}
