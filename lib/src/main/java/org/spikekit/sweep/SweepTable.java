package org.spikekit.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.spikekit.io.AtomicFiles;

/**
 * The merged table of a sweep: one row per run whose result file is present, columns
 * {@code run, paper, model, session, seed, overrides} then each paper's {@link PaperRuns#columns()};
 * rows in the sweep's order. It holds only what the runs computed (no wall times, hosts or commits),
 * so two executors running the same sweep write byte-identical tables. Written atomically to
 * {@code results/sweeps/<name>/table.csv}.
 *
 * @param csv     the table
 * @param rows    runs present
 * @param missing ids of runs without a result
 */
public record SweepTable(String csv, int rows, List<String> missing) {

    public SweepTable { missing = List.copyOf(missing); }

    /** Merges the result files present. */
    public static SweepTable merge(PaperRuns.Context ctx) throws IOException {
        Sweep sw = ctx.sweep();
        LinkedHashSet<String> cols = new LinkedHashSet<>(List.of("run", "paper", "model", "session", "seed", "overrides"));
        for (RunSpec r : sw.runs()) cols.addAll(PaperRuns.of(r.paper()).columns());
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        List<String> missing = new ArrayList<>();
        int n = 0;
        for (RunSpec r : sw.runs()) {
            Map<String, String> row = PaperRuns.of(r.paper()).row(r, ctx);
            if (row == null) {
                missing.add(r.id());
                continue;
            }
            n++;
            List<String> v = new ArrayList<>();
            for (String c : cols) {
                v.add(switch (c) {
                    case "run" -> r.id();
                    case "paper" -> r.paper();
                    case "model" -> r.model();
                    case "session" -> r.session();
                    case "seed" -> Long.toString(r.seed());
                    case "overrides" -> r.overridesText();
                    default -> row.getOrDefault(c, "");
                });
            }
            sb.append(String.join(",", v.stream().map(SweepTable::quote).toList())).append('\n');
        }
        return new SweepTable(sb.toString(), n, missing);
    }

    /** Writes the table as {@code file} (atomically). */
    public Path write(Path file) throws IOException {
        byte[] b = csv.getBytes(StandardCharsets.UTF_8);
        return AtomicFiles.write(file, out -> out.write(b));
    }

    static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
