package org.spikekit.report;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.spikekit.io.AtomicFiles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Runs of any paper as one table: one row per {@link RunResult}, the common {@link RunResult#COLUMNS}
 * and one column per metric.
 * <pre>{@code
 * var runs = paper.runAll(RsnnPaper.Model.TINY);          // List<RsnnRun>
 * nb.show(RunResults.overview(runs));                     // any paper's run records, or RunResults
 * RunResults.writeCsv(Path.of("runs.csv"), RunResults.table(runs));
 * }</pre>
 */
public final class RunResults {
    private RunResults() {}

    /** A run record that can be read in the common shape: every paper's run record, and {@link RunResult} itself. */
    public interface Source {
        /** This run in the common shape. */
        RunResult runResult();
    }

    /**
     * One row per run, in the given order. Columns: {@code paper, model, setting, dataset, seed, mode,
     * data, semantics, wall_s}, then one column per metric (the union of the runs' metric names, in
     * the order they are first seen), then {@code backend, code, key, data_checksums, config, recipe}.
     * A field a run lacks is an empty cell; so is a metric it lacks, or one that is NaN.
     *
     * @throws IllegalArgumentException for a null list or element, or two runs whose metric names
     *                                  differ only in case (a table matches column names ignoring case)
     */
    public static Table table(List<? extends Source> runs) {
        if (runs == null) throw new IllegalArgumentException("RunResults.table: the list of runs must not be null");
        List<RunResult> rs = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) {
            Source s = runs.get(i);
            if (s == null) throw new IllegalArgumentException("RunResults.table: run " + i + " of " + runs.size() + " is null");
            RunResult r = s.runResult();
            if (r == null) throw new IllegalArgumentException("RunResults.table: run " + i + " (" + s.getClass().getSimpleName() + ") gave no result (null)");
            rs.add(r);
        }
        Map<String, String> names = new LinkedHashMap<>();   // lower case -> name as first seen
        for (int i = 0; i < rs.size(); i++) {
            for (String name : rs.get(i).metrics().keySet()) {
                String first = names.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
                if (first != null && !first.equals(name)) {
                    throw new IllegalArgumentException("RunResults.table: metric '" + name + "' of run " + i + " (" + rs.get(i).paper() + "/"
                            + rs.get(i).model() + ") differs only in case from metric '" + first + "' of an earlier run; a table matches "
                            + "column names ignoring case, so one of them must be renamed");
                }
            }
        }
        Map<String, StringColumn> text = new LinkedHashMap<>();
        for (String c : RunResult.COLUMNS) if (!c.equals("seed") && !c.equals("wall_s")) text.put(c, StringColumn.create(c));
        LongColumn seed = LongColumn.create("seed");
        DoubleColumn wall = DoubleColumn.create("wall_s");
        Map<String, DoubleColumn> metric = new LinkedHashMap<>();
        for (String name : names.values()) metric.put(name, DoubleColumn.create(name));
        for (RunResult r : rs) {
            append(text.get("paper"), r.paper());
            append(text.get("model"), r.model());
            append(text.get("setting"), r.setting());
            append(text.get("dataset"), r.dataset());
            if (r.seed() == null) seed.appendMissing();
            else seed.append(r.seed());
            append(text.get("mode"), r.mode());
            append(text.get("data"), r.data());
            append(text.get("semantics"), r.semantics());
            wall.append(r.wallTimeS());
            for (Map.Entry<String, DoubleColumn> e : metric.entrySet()) e.getValue().append(r.metric(e.getKey()));
            append(text.get("backend"), r.backend());
            append(text.get("code"), r.code());
            append(text.get("key"), r.key());
            append(text.get("data_checksums"), r.dataChecksums());
            append(text.get("config"), r.config());
            append(text.get("recipe"), r.recipe());
        }
        List<Column<?>> cols = new ArrayList<>();
        for (String c : RunResult.COLUMNS) {
            cols.add(c.equals("seed") ? seed : c.equals("wall_s") ? wall : text.get(c));
            if (c.equals("wall_s")) cols.addAll(metric.values());
        }
        return Table.create("run_results").addColumns(cols.toArray(Column<?>[]::new));
    }

    /** The long columns {@link #overview} leaves out: data checksums, configuration and recipe JSON. */
    public static final List<String> LONG_COLUMNS = List.of("data_checksums", "config", "recipe");

    /**
     * {@link #table} without the {@link #LONG_COLUMNS}, for showing in a notebook cell (the full
     * table, as {@link #writeCsv} writes it, keeps them).
     */
    public static Table overview(List<? extends Source> runs) {
        return table(runs).removeColumns(LONG_COLUMNS.toArray(String[]::new));
    }

    private static void append(StringColumn c, String v) {
        if (v == null) c.appendMissing();
        else c.append(v);
    }

    /**
     * Writes {@code table} as UTF-8 CSV to {@code file}, atomically (whole or not at all,
     * {@link AtomicFiles}); returns the path.
     */
    public static Path writeCsv(Path file, Table table) throws IOException {
        Objects.requireNonNull(file, "RunResults.writeCsv: file");
        Objects.requireNonNull(table, "RunResults.writeCsv: table");
        return AtomicFiles.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            table.write().csv(w);
            w.flush();
        });
    }

    /** {@link #table} of {@code runs} written with {@link #writeCsv(Path, Table)}. */
    public static Path writeCsv(Path file, List<? extends Source> runs) throws IOException {
        return writeCsv(file, table(runs));
    }
}
