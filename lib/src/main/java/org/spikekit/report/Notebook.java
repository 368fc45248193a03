package org.spikekit.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.spikekit.Kit;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataContext;
import org.spikekit.data.DataRecord;
import org.spikekit.data.ProjectRoot;
import org.spikekit.data.RunMode;
import org.spikekit.io.AtomicFiles;
import org.spikekit.train.EpochLog;
import tech.tablesaw.api.Table;

/**
 * The context of one notebook run: where outputs go, the run settings read from the environment,
 * and one-line helpers that save a figure or a table together with its provenance.
 *
 * <pre>{@code
 * var nb = Notebook.begin("00_environment");          // MODE, BACKEND, DATA, SEED from the env
 * nb.figure("demo_lif_trace", chart);                   // figures/00_environment/demo_lif_trace.{png,svg}
 * nb.table("environment", table);                       // results/00_environment/environment.csv
 * nb.show(table);                                       // an HTML table (and text) in the cell's output
 * }</pre>
 *
 * <p>Settings (environment variables, each with a default): {@code MODE} quick|full (quick),
 * {@code BACKEND} (falls back to {@code SPIKEKIT_BACKEND}, then cpu), {@code DATA}
 * auto|real|synthetic (auto), {@code SEED} (1), {@code SPIKEKIT_HOME} the project root (else found
 * by walking up from the working directory to the folder holding {@code pom.xml} and
 * {@code notebooks/}). Every file is written atomically; a table or figure and its provenance
 * JSON are written together or not at all.
 *
 * <p>Training in a cell prints a progress line per epoch (or per few, {@link EpochLog}) and stops
 * at the next batch when the cell is interrupted (■), with the last complete checkpoint kept:
 * running the cell again resumes the runs that checkpoint (see
 * {@link org.spikekit.train.Interrupts}).
 */
public final class Notebook implements DataContext {
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_\\-]*");
    /** Notebook names follow the file names, which may carry model names such as 11_train_tinyRSNN. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_\\-]*");

    private final String name;
    private final String group;
    private final Path root;
    private final RunMode mode;
    private final DataChoice data;
    private final String backend;
    private final long seed;
    private final Instant started;
    private final GitInfo git;
    private final Map<String, Object> config = new LinkedHashMap<>();
    private final List<DataRecord> dataFiles = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();
    private String device = "";

    private Notebook(String name, String group, Path root, RunMode mode, DataChoice data, String backend, long seed) {
        this.name = name;
        this.group = group;
        this.root = root;
        this.mode = mode;
        this.data = data;
        this.backend = backend;
        this.seed = seed;
        this.started = Instant.now();
        this.git = GitInfo.of(root);
    }

    /** Starts a notebook whose outputs go to {@code results/<name>/} and {@code figures/<name>/}. */
    public static Notebook begin(String name) {
        return begin(name, name);
    }

    /**
     * Starts a notebook whose outputs go to the folder {@code group} (e.g. a paper: {@code rsnn}).
     * From here on, training loops that were given no progress log print theirs to the cell's
     * output ({@link EpochLog#byDefault()} becomes {@link EpochLog#stdout()}).
     */
    public static Notebook begin(String name, String group) {
        Notebook nb = begin(name, group, System::getenv, Path.of("").toAbsolutePath());
        EpochLog.setDefault(EpochLog.stdout());
        return nb;
    }

    /** Testable form: {@code env} supplies environment variables, {@code cwd} the working folder. */
    public static Notebook begin(String name, String group, Function<String, String> env, Path cwd) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("notebook name '" + name + "' must match " + NAME.pattern()
                    + " (letters, digits, '_' and '-')");
        }
        requireSlug("output group", group);
        RunMode mode = RunMode.parse(or(env.apply(RunMode.ENV), "quick"), "environment variable " + RunMode.ENV);
        DataChoice data = DataChoice.parse(or(env.apply(DataChoice.ENV), "auto"), "environment variable " + DataChoice.ENV);
        String backend = or(env.apply("BACKEND"), or(env.apply("SPIKEKIT_BACKEND"), "cpu")).trim().toLowerCase();
        String seedText = or(env.apply("SEED"), "1").trim();
        long seed;
        try {
            seed = Long.parseLong(seedText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("environment variable SEED: expected an integer, got '" + seedText + "'");
        }
        Path root = findRoot(env.apply("SPIKEKIT_HOME"), cwd);
        return new Notebook(name, group, root, mode, data, backend, seed);
    }

    /**
     * The project root: {@code home} (the value of {@code SPIKEKIT_HOME}) when set, else the first
     * folder at or above {@code cwd} holding {@code pom.xml} and {@code notebooks/}
     * ({@link ProjectRoot#find(String, Path)}).
     */
    public static Path findRoot(String home, Path cwd) {
        return ProjectRoot.find(home, cwd);
    }

    private static String or(String v, String dflt) {
        return v == null || v.isBlank() ? dflt : v;
    }

    static void requireSlug(String what, String s) {
        if (s == null || !SLUG.matcher(s).matches()) {
            throw new IllegalArgumentException(what + " '" + s + "' must match " + SLUG.pattern()
                    + " (lower-case letters, digits, '_' and '-')");
        }
    }

    // ---- settings -----------------------------------------------------------------------------

    public String name() { return name; }
    public String group() { return group; }
    public Path root() { return root; }
    @Override
    public RunMode mode() { return mode; }
    public boolean quick() { return mode == RunMode.QUICK; }
    @Override
    public DataChoice data() { return data; }
    public String backend() { return backend; }
    public long seed() { return seed; }
    public Path resultsDir() { return root.resolve("results").resolve(group); }
    public Path figuresDir() { return root.resolve("figures").resolve(group); }
    @Override
    public Path dataDir() { return root.resolve("data"); }

    /**
     * Progress and result lines of the drivers built for this notebook: printed to {@code System.out}
     * as it is at each line (the kernel rebinds it to the running cell's output).
     */
    public Consumer<String> log() { return s -> System.out.println(s); }

    /** The training progress lines of this notebook ({@link EpochLog}: one line per epoch or per few), printed as {@link #log()}. */
    public EpochLog progress() { return EpochLog.to(log()); }

    /** Records the device description of the backend that actually ran. */
    public Notebook device(String description) {
        this.device = Objects.requireNonNull(description);
        return this;
    }

    /** Adds configuration entries recorded in every provenance written after this call. */
    public Notebook config(String key, Object value) {
        config.put(key, value);
        return this;
    }

    /** Adds a data file recorded in every provenance written after this call. */
    @Override
    public Notebook dataFile(DataRecord record) {
        dataFiles.add(record);
        return this;
    }

    /** Files written so far, in order. */
    public List<Path> written() { return Collections.unmodifiableList(written); }

    // ---- outputs ------------------------------------------------------------------------------

    /** The provenance record for a section written now. */
    public Provenance provenance(String section) {
        double wall = started.until(Instant.now(), ChronoUnit.MILLIS) / 1000.0;
        return new Provenance(Kit.version(), git.commit(), git.dirty(), name, section,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), wall, mode.id(), data.id(),
                backend, device, seed, config, dataFiles,
                System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());
    }

    /**
     * Saves {@code table} as {@code results/<group>/<section>.csv} with
     * {@code <section>.provenance.json} beside it and returns the CSV path.
     */
    public Path table(String section, Table table) {
        requireSlug("section", section);
        Path csv = resultsDir().resolve(section + ".csv");
        return withProvenance(section, csv, () -> AtomicFiles.write(csv, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            table.write().csv(w);
            w.flush();
        }));
    }

    /**
     * Shows {@code table} in the cell's output as an HTML {@code <table>} with a plain-text
     * alternative, values rounded for display ({@link TableView}); outside Jupyter it prints the text.
     * Call it anywhere in a cell; it returns nothing, so nothing is shown twice.
     */
    public void show(Table table) {
        Display.show(TableView.of(table));
    }

    /** Shows {@code view} (a table with display settings, e.g. {@code TableView.of(t).decimals(3)}). */
    public void show(TableView view) {
        Display.show(view);
    }

    /**
     * Saves {@code chart} as {@code figures/<group>/<section>.png} and {@code .svg} with a
     * provenance JSON, and returns the rendered image: as a cell's last expression it displays
     * inline.
     */
    public BufferedImage figure(String section, Chart<?, ?> chart) {
        requireSlug("section", section);
        Path dir = figuresDir();
        Path png = dir.resolve(section + ".png");
        Path svg = dir.resolve(section + ".svg");
        withProvenance(section, png, () -> {
            AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
            try {
                AtomicFiles.write(svg, out -> VectorGraphicsEncoder.saveVectorGraphic(chart, out,
                        VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(png);
                throw e;
            }
            written.add(svg);
            return png;
        });
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * A training curve over epochs drawn in place in the cell's output while a stage trains
     * ({@link LiveCurve}; pass it to the walk's training stage as its listener) with the series
     * {@code series} in legend order; {@link LiveCurve#finish(String, Chart)} saves the final figure
     * as {@link #figure} does.
     */
    public LiveCurve liveCurve(String title, String yLabel, String... series) {
        return new LiveCurve(this, title, "epoch", yLabel, List.of(series), Display.live(), LiveCurve.THROTTLE_MS, System::currentTimeMillis);
    }

    @FunctionalInterface
    private interface IoAction {
        Path run() throws IOException;
    }

    private Path withProvenance(String section, Path main, IoAction write) {
        Path prov = main.resolveSibling(section + ".provenance.json");
        try {
            Path out = write.run();
            try {
                provenance(section).write(prov);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(out);
                throw e;
            }
            written.add(out);
            written.add(prov);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + main + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Notebook " + name + " [mode=" + mode.id() + ", backend=" + backend + ", data=" + data.id()
                + ", seed=" + seed + ", root=" + root + "]";
    }
}
