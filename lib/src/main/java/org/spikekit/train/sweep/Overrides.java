package org.spikekit.train.sweep;

import java.util.Locale;
import java.util.Map;

/** Reading a run's model name and override values, with errors that name the run, the key and what it sets. */
final class Overrides {
    private Overrides() {}

    /** Throws when a key of {@code spec} is not one of {@code keys}. */
    static void requireKnown(RunSpec spec, String paper, Map<String, String> keys) {
        for (String k : spec.overrides().keySet()) {
            if (!keys.containsKey(k)) {
                throw new IllegalArgumentException("run " + spec.id() + ": unknown " + paper + " override '" + k + "'; allowed: " + keys.keySet());
            }
        }
    }

    static int integer(RunSpec spec, String key, Map<String, String> keys) {
        String v = spec.overrides().get(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException x) {
            throw bad(spec, key, v, "an integer", keys);
        }
    }

    static double number(RunSpec spec, String key, Map<String, String> keys) {
        String v = spec.overrides().get(key);
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException x) {
            throw bad(spec, key, v, "a number", keys);
        }
    }

    static boolean bool(RunSpec spec, String key, Map<String, String> keys) {
        String v = spec.overrides().get(key);
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw bad(spec, key, v, "true or false", keys);
        };
    }

    /** {@code parse.apply(value)}, its error prefixed with the run's id. */
    static <T> T named(RunSpec spec, java.util.function.Function<String, T> parse, String value) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("run " + spec.id() + ": " + e.getMessage());
        }
    }

    private static IllegalArgumentException bad(RunSpec spec, String k, String v, String expected, Map<String, String> keys) {
        return new IllegalArgumentException("run " + spec.id() + ": override " + k + "='" + v + "' must be " + expected + " (" + keys.get(k) + ")");
    }
}
