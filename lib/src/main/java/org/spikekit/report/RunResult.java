package org.spikekit.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every paper's run has, in one shape: which paper, model, setting and session or data set,
 * the seed and mode, the data it ran on, what produced it (run key, configuration, semantics), its
 * metrics and its wall time. Each paper's run record gives one ({@link RunResults.Source#runResult()}), so runs
 * of different papers list side by side ({@link RunResults#table}); the records and their files stay
 * as they are. A field the paper's record does not hold is null (for {@code wallTimeS}: NaN).
 *
 * @param paper         {@code rsnn}, {@code spikachu}, {@code spikenn} or {@code blocks}
 * @param model         the model or method (e.g. {@code tinyRSNN}, {@code spikachu}, {@code S2-STDP+NCG}, {@code blocks})
 * @param setting       the setting or protocol within the paper (e.g. Spikachu {@code single}/{@code multi},
 *                      SpikeNN {@code single}/{@code gridsearch}, RSNN its epochs per stage); null if none
 * @param dataset       the session, data set or cell the run is on; null where the record does not say
 * @param seed          the run's seed; null for a run without one
 * @param mode          {@code quick} or {@code full}; null where the record does not say
 * @param data          where the data came from: {@code real} or {@code synthetic} (the stand-in); null where
 *                      the record does not say
 * @param dataChecksums the data's identity: the run key's data lines ({@code <name> <source> sha256=<hex>},
 *                      joined by {@code "; "}) or the record's data digest; null where the record has none
 * @param key           the run's key: {@link RunKey#hash()}, or the record's own key; null where it has none
 * @param config        the canonical configuration JSON ({@link RunKey#model}, a readout config, a setup); null if none
 * @param recipe        the canonical recipe JSON ({@link RunKey#recipe}); null if none
 * @param semantics     which semantics produced the numbers: the released code's or the paper text's / the
 *                      kit's (the record's variant or semantics label); null where the record has none
 * @param metrics       the run's numbers by name, in the paper's order, under the names of the paper's own
 *                      tables ({@code r2}, {@code test_acc}, {@code etv_median}, …); NaN: not measured
 * @param wallTimeS     wall time of the run in seconds (NaN: not recorded)
 * @param backend       compute backend that ran it; null if not recorded
 * @param code          the code that computed it (git commit, or library version and fingerprint); null if not recorded
 */
public record RunResult(String paper, String model, String setting, String dataset, Long seed, String mode, String data,
                        String dataChecksums, String key, String config, String recipe, String semantics,
                        Map<String, Double> metrics, double wallTimeS, String backend, String code) implements RunResults.Source {

    /**
     * The common columns of {@link RunResults#table}, in order; the metric columns stand after
     * {@code wall_s}. No metric may take one of these names.
     */
    public static final List<String> COLUMNS = List.of("paper", "model", "setting", "dataset", "seed", "mode", "data", "semantics",
            "wall_s", "backend", "code", "key", "data_checksums", "config", "recipe");

    public RunResult {
        paper = required("paper", paper, model);
        model = required("model", model, paper);
        if (metrics == null) throw new IllegalArgumentException("RunResult.metrics of " + paper + "/" + model + " must not be null (an empty map: no metrics)");
        Metrics m = new Metrics(paper + "/" + model);
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("RunResult.metrics of " + paper + "/" + model + ": metric '" + e.getKey() + "' has no value (null)");
            }
            m.put(e.getKey(), e.getValue());
        }
        metrics = m.map();
    }

    /** This result itself, so that lists of results and of paper records table alike. */
    @Override public RunResult runResult() { return this; }

    /** The metric {@code name}, or NaN when this run has none of that name. */
    public double metric(String name) { return metrics.getOrDefault(name, Double.NaN); }

    private static String required(String field, String v, String other) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("RunResult." + field + " must be a non-blank label, got " + (v == null ? "null" : "'" + v + "'")
                    + (other == null ? "" : " (run of " + other + ")"));
        }
        return v;
    }

    /**
     * Builds a metric map in insertion order, refusing what a table could not hold: a null or blank
     * name, a name given twice (names differing only in case count as the same: table columns are
     * matched ignoring case) and one of the common {@link #COLUMNS}.
     */
    public static final class Metrics {
        private final String owner;
        private final Map<String, Double> map = new LinkedHashMap<>();
        private final Map<String, String> lower = new LinkedHashMap<>();

        /** @param owner names the run in error messages, e.g. {@code rsnn/tinyRSNN} */
        public Metrics(String owner) { this.owner = owner; }

        /** Adds metric {@code name}; returns this builder. */
        public Metrics put(String name, double value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("RunResult.metrics of " + owner + ": a metric name must be non-blank, got "
                        + (name == null ? "null" : "'" + name + "'") + " (value " + value + ")");
            }
            String k = name.toLowerCase(Locale.ROOT);
            String before = lower.putIfAbsent(k, name);
            if (before != null) {
                throw new IllegalArgumentException("RunResult.metrics of " + owner + ": metric '" + name + "' is given twice"
                        + (before.equals(name) ? "" : " (as '" + before + "'; names are matched ignoring case)"));
            }
            if (COLUMNS.contains(k)) {
                throw new IllegalArgumentException("RunResult.metrics of " + owner + ": metric '" + name + "' has the name of a common column; "
                        + "the common columns are " + COLUMNS);
            }
            map.put(name, value);
            return this;
        }

        /** The metrics so far, in the order added (unmodifiable). */
        public Map<String, Double> map() { return Collections.unmodifiableMap(new LinkedHashMap<>(map)); }
    }
}
