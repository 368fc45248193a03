package org.spikekit.paper;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.spikekit.io.AtomicFiles;
import org.spikekit.report.RunKey;
import org.spikekit.report.RunResult;
import org.spikekit.report.RunResults;
import org.spikekit.train.stdp.ReadoutTrainer;
import org.spikekit.train.stdp.SpikeNnConfig;
import org.spikekit.train.stdp.TrainStats;

/**
 * Result of one SpikeNN readout run (one config × data split × seed), kept as one JSON file
 * {@code <label>-<key>.json}; protocols merge runs by reading these files, so a killed sweep loses
 * only the runs in flight. Everything except {@code wallTimeS} depends only on (config, data,
 * seed, protocol).
 *
 * @param key          hash of config, data identity, seed, protocol, semantics and library fingerprint
 *                     (see {@link SpikeNn#key}); a run file is reused only when its key matches
 * @param label        free label (e.g. {@code MNIST_s2stdp+ncg_fold3})
 * @param protocol     {@code single} or {@code gridsearch} (the latter may abort after epoch 3)
 * @param semantics    which semantics trained it: {@code released} (the authors' code) or
 *                     {@code kit-variant:...} ({@link ReadoutTrainer#semanticsLabel}); null in
 *                     files written before the field existed
 * @param seed         readout seed
 * @param data         data identity: digests of train, val and test
 * @param config       the config in the original syntax, defaults filled in
 * @param inputs       D
 * @param classes      C
 * @param sizes        samples in train, val, test
 * @param epochs       epochs run
 * @param bestValEpoch 1-based epoch of the best validation accuracy (0 without validation)
 * @param stop         EPOCHS, EARLY_STOPPING or GRIDSEARCH_STOP_ACC
 * @param trainAcc     training accuracy of the last epoch
 * @param valAcc       validation accuracy after the last epoch (NaN: no validation set)
 * @param testAcc      test accuracy after the last epoch: the number the protocol reports
 * @param trainAccs    per epoch
 * @param valAccs      per epoch
 * @param testAccs     per epoch
 * @param stats        per-epoch neuron statistics, or null when not recorded
 * @param wallTimeS    wall time of the run (the only field that varies between identical runs)
 * @param library      the library that computed it ({@link RunKey.Library}); null in files written
 *                     before it was recorded (their keys do not match, so they are run again)
 */
public record SpikeNnRun(String key, String label, String protocol, String semantics, long seed, String data, JsonNode config, int inputs,
                         int classes, int[] sizes, int epochs, int bestValEpoch, ReadoutTrainer.Stop stop, double trainAcc,
                         double valAcc, double testAcc, double[] trainAccs, double[] valAccs, double[] testAccs,
                         TrainStats stats, double wallTimeS, RunKey.Library library) implements RunResults.Source {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public SpikeNnRun {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(config, "config");
    }

    /** The config parsed back. */
    public SpikeNnConfig parsedConfig() {
        return SpikeNnConfig.parse(config.toString(), "run " + label + "-" + key);
    }

    /**
     * This run in the common shape: paper {@code spikenn}, the label as model, the protocol as
     * setting, no data set, mode or data source (the record holds none: {@link SpikennPaper.Row#runResults}
     * adds data set and method), the data digests as checksums, the config's canonical JSON
     * ({@link SpikeNnConfig#canonicalJson}); metrics under the names of {@link SpikennTables#runs}:
     * {@code train_acc, val_acc, test_acc}.
     */
    @Override
    public RunResult runResult() { return runResult(label, null); }

    /** {@link #runResult()} under another model name and with the data set it ran on. */
    RunResult runResult(String model, String dataset) {
        RunResult.Metrics m = new RunResult.Metrics("spikenn/" + label + "-" + key).put("train_acc", trainAcc).put("val_acc", valAcc)
                .put("test_acc", testAcc);
        String code = library == null ? null : "spikekit " + library.version() + " classes " + library.shortId();
        return new RunResult("spikenn", model, protocol, dataset, seed, null, null, data, key, parsedConfig().canonicalJson(), null, semantics,
                m.map(), wallTimeS, null, code);
    }

    /** File name of this run. */
    public String fileName() { return fileName(label, key); }

    static String fileName(String label, String key) { return label + "-" + key + ".json"; }

    /** Writes atomically into {@code dir}. */
    public Path write(Path dir) throws IOException {
        byte[] bytes = JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8);
        return AtomicFiles.write(dir.resolve(fileName()), out -> out.write(bytes));
    }

    /** Reads a run file. */
    public static SpikeNnRun read(Path file) throws IOException {
        return JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), SpikeNnRun.class);
    }

    /** Runs compare by everything except wall time (arrays by content). */
    public boolean sameResult(SpikeNnRun o) {
        try {
            // through text, so a run read from its file equals the one that wrote it (float vs double nodes)
            JsonNode a = JSON.readTree(JSON.writeValueAsString(this)), b = JSON.readTree(JSON.writeValueAsString(o));
            ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove("wallTimeS");
            ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove("wallTimeS");
            return a.equals(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
