package org.spikekit.bench;

import java.util.List;
import java.util.Locale;

/** Writes {@link BenchRow}s as CSV with a header line; text fields are quoted when needed. */
public final class BenchCsv {
    private BenchCsv() {}

    public static final String HEADER = "suite,backend,case,unit,value,spread,repeats,note";

    public static String row(BenchRow r) {
        return String.join(",", quote(r.suite()), quote(r.backend()), quote(r.caseName()), quote(r.unit()),
                String.format(Locale.ROOT, "%.4g", r.value()), String.format(Locale.ROOT, "%.3g", r.spread()),
                Integer.toString(r.repeats()), quote(r.note()));
    }

    public static String format(List<BenchRow> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (BenchRow r : rows) sb.append(row(r)).append('\n');
        return sb.toString();
    }

    static String quote(String s) {
        if (s == null) return "";
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
