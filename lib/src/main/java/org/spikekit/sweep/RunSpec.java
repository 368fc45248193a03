package org.spikekit.sweep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One run of a sweep: a paper, a model, a session (or data set), a seed and config overrides. Its
 * {@link #id()} names its log, its SLURM array entry and its row in the merged table; the paper's
 * driver ({@link PaperRuns}) names its result file.
 *
 * @param paper     which paper's driver runs it ({@code rsnn})
 * @param model     model label of that paper (e.g. {@code tinyRSNN})
 * @param session   session label (e.g. {@code I1}), or a preparatory step such as {@code pretrain-indy}
 * @param seed      training seed
 * @param overrides settings that differ from the paper's defaults for the mode, by key (sorted)
 */
public record RunSpec(String paper, String model, String session, long seed, Map<String, String> overrides) {

    static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]*");
    static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*");

    public RunSpec {
        label("paper", paper);
        label("model", model);
        label("session", session);
        if (seed < 0) throw new IllegalArgumentException("run spec: seed must be >= 0, got " + seed);
        TreeMap<String, String> o = new TreeMap<>();
        if (overrides != null) {
            for (var e : overrides.entrySet()) {
                if (e.getKey() == null || !KEY.matcher(e.getKey()).matches()) {
                    throw new IllegalArgumentException("run spec: override key '" + e.getKey() + "' must match " + KEY.pattern());
                }
                String v = e.getValue();
                if (v == null || v.isBlank() || v.chars().anyMatch(c -> c < 0x20 || c == ',' || c == '=' || c == '"')) {
                    throw new IllegalArgumentException("run spec: override " + e.getKey() + "='" + v
                            + "' must be a non-empty value without control characters, ',', '=' or '\"'");
                }
                o.put(e.getKey(), v.strip());
            }
        }
        overrides = java.util.Collections.unmodifiableSortedMap(o);
    }

    public RunSpec(String paper, String model, String session, long seed) {
        this(paper, model, session, seed, Map.of());
    }

    private static void label(String what, String v) {
        Objects.requireNonNull(v, "run spec: " + what);
        if (!LABEL.matcher(v).matches()) {
            throw new IllegalArgumentException("run spec: " + what + " '" + v + "' must match " + LABEL.pattern());
        }
    }

    /** {@code paper_model_session_seedK}, plus {@link #overridesTag()} when there are overrides. */
    public String id() {
        return paper + "_" + model + "_" + session + "_seed" + seed + (overrides.isEmpty() ? "" : "_" + overridesTag());
    }

    /** The overrides as {@code k=v,k=v} (sorted by key; empty without overrides). */
    public String overridesText() {
        StringBuilder sb = new StringBuilder();
        overrides.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }

    /** {@code o} + the first 8 hex digits of SHA-256 of {@link #overridesText()}; {@code default} without overrides. */
    public String overridesTag() {
        if (overrides.isEmpty()) return "default";
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(overridesText().getBytes(StandardCharsets.UTF_8));
            return "o" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses {@code k=v,k=v} (empty text: none). */
    public static Map<String, String> parseOverrides(String text) {
        Map<String, String> m = new TreeMap<>();
        if (text == null || text.isBlank()) return m;
        for (String kv : text.split(",")) {
            int i = kv.indexOf('=');
            if (i <= 0 || i == kv.length() - 1) {
                throw new IllegalArgumentException("override '" + kv + "' must be written key=value (several separated by ',')");
            }
            if (m.put(kv.substring(0, i).strip(), kv.substring(i + 1).strip()) != null) {
                throw new IllegalArgumentException("override key '" + kv.substring(0, i).strip() + "' given twice in '" + text + "'");
            }
        }
        return m;
    }
}
