package org.spikekit.paper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Numbers a paper publishes, transcribed with their source into a CSV resource
 * ({@code org/spikekit/paper/<paper>_published.csv}: {@code metric,model,session,value,sd,source};
 * lines starting with {@code #} are comments). Tables print them beside the kit's own results; they
 * are never used as results.
 */
public final class PublishedNumbers {

    /** One published value; {@code sd} is NaN where the paper gives none. */
    public record Value(String metric, String model, String session, double value, double sd, String source) {}

    private final String paper;
    private final Map<String, Value> values;

    private PublishedNumbers(String paper, Map<String, Value> values) {
        this.paper = paper;
        this.values = values;
    }

    /** Loads the resource of {@code paper} (e.g. "rsnn"). */
    public static PublishedNumbers load(String paper) {
        String res = paper + "_published.csv";
        try (InputStream in = PublishedNumbers.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalArgumentException("no published numbers for paper '" + paper + "' (resource org/spikekit/paper/" + res + ")");
            return parse(paper, new String(in.readAllBytes(), StandardCharsets.UTF_8), res);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + res + ": " + e.getMessage(), e);
        }
    }

    static PublishedNumbers parse(String paper, String text, String where) {
        Map<String, Value> map = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        boolean header = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            List<String> f = splitCsv(line);
            if (!header) {
                if (!f.equals(List.of("metric", "model", "session", "value", "sd", "source"))) {
                    throw new IllegalArgumentException(where + ":" + (i + 1) + ": header must be metric,model,session,value,sd,source, got " + line);
                }
                header = true;
                continue;
            }
            if (f.size() != 6) throw new IllegalArgumentException(where + ":" + (i + 1) + ": expected 6 fields, got " + f.size());
            double v, sd;
            try {
                v = Double.parseDouble(f.get(3));
                sd = f.get(4).isEmpty() ? Double.NaN : Double.parseDouble(f.get(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ":" + (i + 1) + ": value/sd is not a number: " + line);
            }
            Value val = new Value(f.get(0), f.get(1), f.get(2), v, sd, f.get(5));
            if (map.put(key(val.metric(), val.model(), val.session()), val) != null) {
                throw new IllegalArgumentException(where + ":" + (i + 1) + ": duplicate " + val.metric() + "/" + val.model() + "/" + val.session());
            }
        }
        return new PublishedNumbers(paper, map);
    }

    private static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean q = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') q = !q;
            else if (c == ',' && !q) {
                out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        out.add(cur.toString());
        return out;
    }

    private static String key(String metric, String model, String session) { return metric + "\u0000" + model + "\u0000" + session; }

    public String paper() { return paper; }

    public Optional<Value> get(String metric, String model, String session) {
        return Optional.ofNullable(values.get(key(metric, model, session)));
    }

    /** The value, or NaN when the paper publishes none for this cell. */
    public double value(String metric, String model, String session) {
        return get(metric, model, session).map(Value::value).orElse(Double.NaN);
    }

    /** The standard deviation, or NaN. */
    public double sd(String metric, String model, String session) {
        return get(metric, model, session).map(Value::sd).orElse(Double.NaN);
    }

    public List<Value> all() { return List.copyOf(values.values()); }
}
