package org.spikekit.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.spikekit.train.EpochListener;

/**
 * A line chart that grows while a cell trains: each {@link #add} or {@link #epoch} adds points to
 * named series, and the chart is redrawn in place in the cell's output ({@link Display#live()}) at
 * most once per throttle period (500 ms by default, or ten times the last redraw's duration when
 * that is longer, so that drawing slows training by a tenth at most) and always by {@link #close()}
 * and {@link #finish}. Passed to a walk's training stage as its {@link EpochListener}:
 *
 * <pre>{@code
 * var curve = nb.liveCurve("Training gru on " + session, "value", "loss", "selection loss");
 * var history = walk.train(curve);
 * curve.finish("gru_walk_training", SpikachuTables.trainingCurve("Training gru on " + session, history));
 * }</pre>
 *
 * <p>In the kernel each redraw is the chart as a PNG inside HTML with a one-line text form (the last
 * point of every series). Outside the kernel nothing is drawn while training (the epoch lines are
 * the log's): {@link #close()} / {@link #finish} print the one-line text form once.
 *
 * <p>Input rules: a series must be one of those the curve was made with ({@link #add} of another
 * throws, naming the known ones); {@link #epoch} draws the metrics it has series for and ignores
 * the others (a stage reports more metrics than a curve shows). A non-finite {@code y} (a metric
 * not measured that epoch) is skipped; a non-finite {@code x} is an error. Used by one thread.
 */
public final class LiveCurve implements EpochListener, AutoCloseable {
    /** Default shortest time between two redraws while points arrive, in milliseconds. */
    public static final long THROTTLE_MS = 500;

    private final Notebook nb;
    private final String title, xLabel, yLabel;
    private final Map<String, List<double[]>> series = new LinkedHashMap<>();
    private final Display.Live live;
    private final long throttleMs;
    private final LongSupplier clockMs;
    /**
     * While training, a redraw waits at least this many times the last redraw's duration, the first
     * one's not counted (redrawing takes at most about a tenth of the time).
     */
    static final long RENDER_SHARE = 10;

    private long lastDraw = Long.MIN_VALUE, lastRenderMs;
    private boolean dirty, closed;
    private int draws;

    /**
     * @param nb         the notebook {@link #finish} saves figures with (null: {@code finish} refuses)
     * @param names      the series, in legend order
     * @param live       where the chart is shown
     * @param throttleMs shortest time between two redraws while points arrive ({@code >= 0})
     * @param clockMs    the clock in milliseconds (tests pass their own)
     */
    LiveCurve(Notebook nb, String title, String xLabel, String yLabel, List<String> names, Display.Live live, long throttleMs,
              LongSupplier clockMs) {
        this.nb = nb;
        this.title = Objects.requireNonNull(title, "title");
        this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
        this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
        this.live = Objects.requireNonNull(live, "live");
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        if (throttleMs < 0) throw new IllegalArgumentException("LiveCurve: throttleMs must be >= 0, got " + throttleMs);
        this.throttleMs = throttleMs;
        if (names == null || names.isEmpty()) throw new IllegalArgumentException("LiveCurve '" + title + "': give at least one series name");
        for (String n : names) {
            if (n == null || n.isBlank()) throw new IllegalArgumentException("LiveCurve '" + title + "': series names must not be blank, got " + names);
            if (series.put(n, new ArrayList<>()) != null) throw new IllegalArgumentException("LiveCurve '" + title + "': series '" + n + "' given twice in " + names);
        }
    }

    /** A curve over epochs shown in the cell's output ({@link Display#live()}), not tied to a notebook. */
    public static LiveCurve of(String title, String yLabel, String... series) {
        return new LiveCurve(null, title, "epoch", yLabel, List.of(series), Display.live(), THROTTLE_MS, System::currentTimeMillis);
    }

    /** The series names, in legend order. */
    public List<String> series() { return List.copyOf(series.keySet()); }

    /** Number of redraws so far (throttled). */
    public int draws() { return draws; }

    /** The live display the curve draws into. */
    public Display.Live display() { return live; }

    /**
     * Adds the point ({@code x}, {@code y}) to {@code name} and redraws unless the last redraw was
     * less than the throttle period ago. A non-finite {@code y} is skipped.
     *
     * @throws IllegalArgumentException for a series the curve was not made with, or a non-finite {@code x}
     */
    public LiveCurve add(String name, double x, double y) {
        List<double[]> pts = series.get(name);
        if (pts == null) throw new IllegalArgumentException("LiveCurve '" + title + "': no series '" + name + "' (has " + series.keySet() + ")");
        if (!Double.isFinite(x)) throw new IllegalArgumentException("LiveCurve '" + title + "': series '" + name + "' x must be finite, got " + x);
        if (Double.isFinite(y)) {
            pts.add(new double[] {x, y});
            dirty = true;
        }
        maybeDraw();
        return this;
    }

    /**
     * Adds, at x = {@code epoch}, the value of every metric that has a series of this curve (others
     * are ignored; null and non-finite values skipped), then redraws as {@link #add} does.
     */
    @Override
    public void epoch(int epoch, Map<String, Double> metrics) {
        Objects.requireNonNull(metrics, "metrics");
        for (var e : metrics.entrySet()) {
            List<double[]> pts = series.get(e.getKey());
            if (pts != null && e.getValue() != null && Double.isFinite(e.getValue())) {
                pts.add(new double[] {epoch, e.getValue()});
                dirty = true;
            }
        }
        maybeDraw();
    }

    /** {@link #epoch(int, Map)}, returning this. */
    public LiveCurve point(int epoch, Map<String, Double> metrics) {
        epoch(epoch, metrics);
        return this;
    }

    private void maybeDraw() {
        if (!dirty || closed || !live.rich()) return;
        long now = clockMs.getAsLong();
        if (lastDraw != Long.MIN_VALUE && now - lastDraw < Math.max(throttleMs, RENDER_SHARE * lastRenderMs)) return;
        boolean first = draws == 0;
        draw(chart());
        long end = clockMs.getAsLong();
        lastRenderMs = first ? 0 : end - now; // the first redraw also loads the chart classes and fonts
        lastDraw = end;
    }

    /** The chart of the points so far (the series without points are left out of it). */
    public XYChart chart() {
        List<String> drawn = series.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        int[] size = Charts.sizeWithLegend(720, 360, drawn.isEmpty() ? series.keySet() : drawn);
        XYChart c = new XYChartBuilder().width(size[0]).height(size[1]).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (String n : drawn) {
            List<double[]> pts = series.get(n);
            double[] x = new double[pts.size()], y = new double[pts.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = pts.get(i)[0];
                y[i] = pts.get(i)[1];
            }
            c.addSeries(n, x, y).setMarker(pts.size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        if (drawn.isEmpty()) c.getStyler().setLegendVisible(false);
        Charts.finish(c);
        return c;
    }

    /** The one-line text form: the title and the last point of every series that has one. */
    public String text() {
        StringBuilder sb = new StringBuilder(title);
        String sep = ": ";
        for (var e : series.entrySet()) {
            if (e.getValue().isEmpty()) continue;
            double[] p = e.getValue().get(e.getValue().size() - 1);
            sb.append(sep).append(String.format(Locale.ROOT, "%s %.4g at %s %s", e.getKey(), p[1], xLabel, fmt(p[0])));
            sep = " | ";
        }
        if (sep.equals(": ")) sb.append(": no points yet");
        return sb.toString();
    }

    private static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : String.format(Locale.ROOT, "%.4g", x);
    }

    private void draw(Chart<?, ?> c) {
        draws++;
        dirty = false;
        String text = text();
        if (!live.rich()) {
            live.update("", text);
            return;
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            BitmapEncoder.saveBitmap(c, png, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("LiveCurve '" + title + "': rendering the chart: " + e.getMessage(), e);
        }
        live.update("<img alt=\"" + escape(title) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"/>", text);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Draws the final state (unless nothing changed since the last redraw; outside the kernel: prints
     * the text form) and stops redrawing; a curve without a point shows nothing (e.g. a stage that
     * trained nothing because its result was kept). Again: nothing.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        boolean any = series.values().stream().anyMatch(p -> !p.isEmpty());
        if (any && (dirty || !live.rich())) draw(chart());
    }

    /**
     * Closes the curve and saves its chart as {@code figures/<group>/<section>.png}/{@code .svg}
     * ({@link Notebook#figure}); the live output keeps the final chart.
     *
     * @throws IllegalStateException when the curve was made without a notebook ({@link #of})
     */
    public void finish(String section) {
        XYChart c = chart();
        saveAndShow(section, c);
    }

    /**
     * Closes the curve, saves {@code chart} (e.g. the stage's full training-curve figure) as
     * {@link Notebook#figure} does, and shows it in place of the live chart, so the cell shows one
     * figure: the saved one.
     *
     * @throws IllegalStateException when the curve was made without a notebook ({@link #of})
     */
    public void finish(String section, Chart<?, ?> chart) {
        saveAndShow(section, Objects.requireNonNull(chart, "chart"));
    }

    private void saveAndShow(String section, Chart<?, ?> c) {
        if (nb == null) throw new IllegalStateException("LiveCurve '" + title + "': finish(section) saves through a Notebook; make the curve with Notebook.liveCurve");
        nb.figure(section, c);
        closed = true;
        draw(c);
    }
}
