package org.spikekit.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spikekit.config.Configs;

/**
 * Reading a run's model name and override values, with errors that name the run, the key and what it sets.
 * A paper's override keys set fields of its settings record through {@link Configs#override}, the
 * mechanism notebooks use: each key names one or more fields ({@code batch} sets
 * {@code batchSize}; Spikachu's {@code epochs} sets {@code spikachuEpochs} and
 * {@code baselineEpochs}), values are JSON scalars ({@code 3}, {@code 2e-3}, {@code true}); a
 * boolean may also be written {@code yes}/{@code no}/{@code 1}/{@code 0}, as before.
 */
final class Overrides {
    private Overrides() {}

    /**
     * {@code defaults} with the spec's overrides among {@code keys} applied ({@link Configs#override}):
     * key {@code k} sets the fields {@code fields.get(k)}, or the field {@code k} when it has no entry.
     * Keys outside {@code keys} are left to the caller (e.g. RSNN's {@code model.*}).
     */
    static <T> T apply(RunSpec spec, T defaults, Map<String, String> keys, Map<String, List<String>> fields) {
        List<String> booleans = Configs.fields(defaults.getClass()).stream().filter(f -> f.endsWith(": boolean"))
                .map(f -> f.substring(0, f.indexOf(':'))).toList();
        List<String> assignments = new ArrayList<>();
        for (var e : spec.overrides().entrySet()) {
            if (!keys.containsKey(e.getKey())) continue;
            if (List.of("nan", "infinity", "-infinity", "inf", "-inf").contains(e.getValue().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("run " + spec.id() + ": override " + e.getKey() + "='" + e.getValue() + "' must be finite");
            }
            for (String f : fields.getOrDefault(e.getKey(), List.of(e.getKey()))) {
                assignments.add(f + "=" + (booleans.contains(f) ? bool(e.getValue()) : e.getValue()));
            }
        }
        try {
            return Configs.override(defaults, assignments);
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("run " + spec.id() + " (overrides " + spec.overridesText() + "): " + x.getMessage(), x);
        }
    }

    /** {@code yes/1/true} as {@code true}, {@code no/0/false} as {@code false}; anything else as given (the override then names it). */
    private static String bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> "true";
            case "false", "0", "no" -> "false";
            default -> v;
        };
    }

    /** Throws when a key of {@code spec} is not one of {@code keys}. */
    static void requireKnown(RunSpec spec, String paper, Map<String, String> keys) { requireKnown(spec, paper, keys, null); }

    /** Throws when a key of {@code spec} is not one of {@code keys} and does not start with {@code prefix} (null: no prefix). */
    static void requireKnown(RunSpec spec, String paper, Map<String, String> keys, String prefix) {
        for (String k : spec.overrides().keySet()) {
            if (!keys.containsKey(k) && (prefix == null || !k.startsWith(prefix))) {
                throw new IllegalArgumentException("run " + spec.id() + ": unknown " + paper + " override '" + k + "'; allowed: " + keys.keySet()
                        + (prefix == null ? "" : " and " + prefix + "<field>"));
            }
        }
    }

    /** {@code parse.apply(value)}, its error prefixed with the run's id. */
    static <T> T named(RunSpec spec, java.util.function.Function<String, T> parse, String value) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("run " + spec.id() + ": " + e.getMessage());
        }
    }
}
