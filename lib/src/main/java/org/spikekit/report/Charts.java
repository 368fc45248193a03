package org.spikekit.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.regex.Pattern;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Small XChart builders shared by the notebooks, with the styling in one place.
 *
 * <p>Every chart gets a paper-like style ({@link #style}): white background and plot area, light
 * solid grid lines, a thin grey plot border, the legend to the right of the plot in a chart wide
 * and tall enough to hold it. Series are drawn in the order of the map passed in, which must
 * therefore have an order of its own ({@link SequencedMap}, e.g. {@code LinkedHashMap}; a
 * {@code Map.of} or {@code HashMap} with several entries is refused, as its order changes from run
 * to run). Colours follow the model a series belongs to ({@link #seriesColors}): one hue per model
 * in every chart, the paper's numbers in a lighter tint of it, the authors' released variant in a
 * darker shade, ground truth and recordings in near-black.
 */
public final class Charts {
    private Charts() {}

    // ---- style ---------------------------------------------------------------------------------

    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Color GRID = new Color(0xE3, 0xE3, 0xE3);
    static final Color BORDER = new Color(0x80, 0x80, 0x80);
    static final Color INK = new Color(0x22, 0x22, 0x22);

    /** Tableau 10, the palette of colours given to series in order when no model names them. */
    static final List<Color> PALETTE = List.of(
            new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
            new Color(0xB07AA1), new Color(0x9C755F), new Color(0xFF9DA7), new Color(0xEDC948), new Color(0xBAB0AC));

    /**
     * The colour of each model, the same in every chart. Models of one paper have distinct hues; the
     * papers' charts never mix, so a hue may serve one model of each paper.
     */
    public static final Map<String, Color> MODEL_COLORS;
    static {
        Map<String, Color> m = new java.util.LinkedHashMap<>();
        // RSNN paper (Liu et al.)
        m.put("tinyRSNN", PALETTE.get(0));
        m.put("bigRSNN", PALETTE.get(2));
        m.put("SNN2", PALETTE.get(4));
        m.put("SNN3", PALETTE.get(5));
        // Spikachu and its baselines
        m.put("spikachu", PALETTE.get(0));
        m.put("mlp", PALETTE.get(3));
        m.put("rnn", PALETTE.get(6));
        m.put("gru", PALETTE.get(1));
        m.put("lstm", PALETTE.get(5));
        // Blocks
        m.put("Blocks", PALETTE.get(0));
        m.put("standard", PALETTE.get(1));
        MODEL_COLORS = java.util.Collections.unmodifiableMap(m);
    }

    private static final List<Map.Entry<String, Pattern>> MODEL_PATTERNS = MODEL_COLORS.keySet().stream()
            .sorted((a, b) -> b.length() - a.length())
            .map(k -> Map.entry(k, word(k)))
            .toList();
    private static final Pattern PAPER = word("paper"), PUBLISHED = word("published"), RELEASED = word("released"),
            TRUTH = Pattern.compile("(?i)(?<![\\p{Alnum}])(true|recorded)(?![\\p{Alnum}])");
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP,
            SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_DOWN};

    private static Pattern word(String w) {
        return Pattern.compile("(?i)(?<![\\p{Alnum}])" + Pattern.quote(w) + "(?![\\p{Alnum}])");
    }

    /** What a series shows, read from its name. */
    enum Variant { KIT, PAPER, RELEASED, TRUTH }

    /** The model named in {@code series} (a whole word, any case), or null. */
    static String modelOf(String series) {
        for (var e : MODEL_PATTERNS) if (e.getValue().matcher(series).find()) return e.getKey();
        return null;
    }

    static Variant variantOf(String series) {
        if (PAPER.matcher(series).find() || PUBLISHED.matcher(series).find()) return Variant.PAPER;
        if (RELEASED.matcher(series).find()) return Variant.RELEASED;
        if (modelOf(series) == null && TRUTH.matcher(series).find()) return Variant.TRUTH;
        return Variant.KIT;
    }

    /** {@code c} mixed with white ({@code f} = 0: unchanged, 1: white). */
    static Color tint(Color c, double f) {
        return new Color(mix(c.getRed(), 255, f), mix(c.getGreen(), 255, f), mix(c.getBlue(), 255, f));
    }

    /** {@code c} mixed with black ({@code f} = 0: unchanged, 1: black). */
    static Color shade(Color c, double f) {
        return new Color(mix(c.getRed(), 0, f), mix(c.getGreen(), 0, f), mix(c.getBlue(), 0, f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }

    /**
     * The colour of each series of a chart, in order. A series naming a model ({@link #MODEL_COLORS},
     * matched as a whole word) takes the model's hue: as is for the kit's own result, a lighter tint
     * for the paper's ({@code paper}/{@code published} in the name), a darker shade for the authors'
     * released variant ({@code released}); a further series of the same model and kind is shaded a
     * little darker each time. A series naming no model is near-black when it is ground truth
     * ({@code true}/{@code recorded}), else it takes the next {@link #PALETTE} colour that no model of
     * the chart uses. Depends on the names and their order only.
     */
    public static List<Color> seriesColors(List<String> names) {
        Set<Color> taken = new HashSet<>();
        for (String n : names) {
            String m = modelOf(n);
            if (m != null) taken.add(MODEL_COLORS.get(m));
        }
        Map<String, Integer> repeats = new HashMap<>();
        List<Color> out = new ArrayList<>(names.size());
        int next = 0;
        for (String n : names) {
            String m = modelOf(n);
            Variant v = variantOf(n);
            Color base;
            if (m != null) {
                base = MODEL_COLORS.get(m);
            } else if (v == Variant.TRUTH) {
                base = INK;
            } else {
                while (next < PALETTE.size() && taken.contains(PALETTE.get(next))) next++;
                base = next < PALETTE.size() ? PALETTE.get(next++) : PALETTE.get(Math.floorMod(n.hashCode(), PALETTE.size()));
                taken.add(base);
            }
            Color c = switch (v) {
                case PAPER -> tint(base, 0.5);
                case RELEASED -> shade(base, 0.35);
                default -> base;
            };
            int k = m == null ? 0 : repeats.merge(m + "|" + v, 1, Integer::sum) - 1;
            out.add(k == 0 ? c : shade(c, Math.min(0.6, 0.2 * k)));
        }
        return out;
    }

    /** The marker of each series of a scatter chart, in order: by kind, then by repeat within the kind. */
    static List<Marker> seriesMarkers(List<String> names) {
        Map<String, Integer> repeats = new HashMap<>();
        List<Marker> out = new ArrayList<>();
        for (String n : names) {
            Variant v = variantOf(n);
            int first = switch (v) {
                case PAPER -> 3;    // diamond
                case RELEASED -> 1; // square
                default -> 0;       // circle
            };
            int k = repeats.merge(modelOf(n) + "|" + v, 1, Integer::sum) - 1;
            out.add(MARKERS[(first + k) % MARKERS.length]);
        }
        return out;
    }

    /**
     * The paper-like style, applied to a chart built elsewhere too: white chart and plot area, light
     * solid grid, grey plot border, no title box, sans-serif fonts, legend with a thin border and,
     * where the chart has axes, dark error bars. Returns {@code chart}.
     */
    public static <C extends Chart<?, ?>> C style(C chart) {
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(true);
        s.setPlotBorderColor(BORDER);
        s.setChartFontColor(INK);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(TITLE_FONT);
        s.setLegendFont(LEGEND_FONT);
        s.setLegendBackgroundColor(Color.WHITE);
        s.setLegendBorderColor(GRID);
        s.setAntiAlias(true);
        if (s instanceof AxesChartStyler a) {
            a.setPlotGridLinesVisible(true);
            a.setPlotGridLinesColor(GRID);
            a.setPlotGridLinesStroke(new BasicStroke(0.8f));
            a.setAxisTitleFont(AXIS_TITLE_FONT);
            a.setAxisTickLabelsFont(TICK_FONT);
            a.setAxisTickLabelsColor(INK);
            a.setAxisTickMarksColor(BORDER);
            a.setErrorBarsColor(INK);
        }
        return chart;
    }

    /**
     * {@link #style} plus the colours of {@link #seriesColors} (and, on a scatter chart, the markers
     * of the kinds: circle for the kit, diamond for the paper, square for a released variant; paper
     * lines dashed) for the series added so far. Returns {@code chart}.
     */
    public static <C extends Chart<?, ?>> C finish(C chart) {
        style(chart);
        List<String> names = new ArrayList<>(chart.getSeriesMap().keySet());
        List<Color> colors = seriesColors(names);
        if (chart instanceof XYChart xy) {
            List<Marker> markers = seriesMarkers(names);
            int i = 0;
            for (XYSeries s : xy.getSeriesMap().values()) {
                Color c = colors.get(i);
                s.setLineColor(c);
                s.setMarkerColor(c);
                s.setFillColor(c);
                if (s.getMarker() == null) s.setMarker(markers.get(i));
                if (variantOf(names.get(i)) == Variant.PAPER) s.setLineStyle(SeriesLines.DASH_DASH);
                i++;
            }
        } else if (chart instanceof CategoryChart cat) {
            int i = 0;
            for (CategorySeries s : cat.getSeriesMap().values()) {
                Color c = colors.get(i++);
                s.setFillColor(c);
                s.setLineColor(c);
                s.setMarkerColor(c);
            }
        }
        return chart;
    }

    /**
     * {width, height} of a chart that holds a vertical legend of {@code names} at the right of its plot
     * without clipping it: at least the base size, wider by the legend's widest entry, taller when
     * the entries need it.
     */
    static int[] sizeWithLegend(int width, int height, Collection<String> names) {
        FontRenderContext frc = new FontRenderContext(null, true, true);
        double text = 0;
        for (String n : names) text = Math.max(text, LEGEND_FONT.getStringBounds(n, frc).getWidth());
        // legend box: padding, the 20-px series mark, padding, text, padding, margins (XChart Legend_)
        int legend = (int) Math.ceil(text) + 80;
        int entries = (int) Math.ceil(names.size() * (Math.max(20, LEGEND_FONT.getSize() * 1.4) + 10)) + 140;
        return new int[] {Math.max(width, 560 + legend), Math.max(height, entries)};
    }

    /**
     * Checks that {@code series} iterates in an order of its own (so the legend and colours are the
     * same on every run): a {@link SequencedMap} such as {@code LinkedHashMap}, or at most one entry.
     */
    public static void requireOrdered(String chart, Map<String, ?> series) {
        if (series.size() > 1 && !(series instanceof SequencedMap<?, ?>)) {
            throw new IllegalArgumentException(chart + ": the series map (" + series.getClass().getName() + ", keys "
                    + series.keySet() + ") has no order of its own, so the legend would change from run to run; "
                    + "pass a LinkedHashMap (put the series in the order to draw them)");
        }
    }

    /**
     * Spike raster of one sample: {@code spikes} is time-major {@code [T, N]} (any value &gt; 0 is
     * a spike), drawn as one dot per spike at (step·dtMs, neuron).
     */
    public static XYChart raster(String title, float[] spikes, int steps, int neurons, double dtMs) {
        if ((long) steps * neurons != spikes.length) {
            throw new IllegalArgumentException("raster: " + spikes.length + " values do not make [" + steps + ", " + neurons + "]");
        }
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (int n = 0; n < neurons; n++) {
                if (spikes[t * neurons + n] > 0) {
                    xs.add(t * dtMs);
                    ys.add((double) n);
                }
            }
        }
        XYChart c = new XYChartBuilder().width(720).height(360).title(title)
                .xAxisTitle("time (ms)").yAxisTitle("neuron").build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(3);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisMin(0.0).setXAxisMax(steps * dtMs);
        if (xs.isEmpty()) {
            xs.add(0.0);
            ys.add(-1.0);
        }
        c.addSeries("spikes", xs, ys);
        finish(c);
        c.getSeriesMap().get("spikes").setMarkerColor(INK);
        return c;
    }

    /** Line chart of named series over a common x axis, in the order of {@code series} (ordered: {@link #requireOrdered}). */
    public static XYChart lines(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series) {
        requireOrdered("lines", series);
        int[] size = sizeWithLegend(720, 360, series.keySet());
        XYChart c = new XYChartBuilder().width(size[0]).height(size[1]).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (var e : series.entrySet()) {
            if (e.getValue().length != x.length) {
                throw new IllegalArgumentException("lines: series '" + e.getKey() + "' has " + e.getValue().length
                        + " points, x has " + x.length);
            }
            c.addSeries(e.getKey(), x, e.getValue()).setMarker(SeriesMarkers.NONE);
        }
        return finish(c);
    }

    /**
     * Grouped bar chart: one group per category, one bar per series. NaN values (no result) are
     * drawn as empty bars; {@code errors} (same shape, may be null or hold nulls) add error bars.
     * Series in the order of {@code series} (ordered: {@link #requireOrdered}); the legend stands at
     * the right of the plot, in a chart wide enough for it.
     */
    public static CategoryChart bars(String title, String yLabel, List<String> categories,
                                     Map<String, double[]> series, Map<String, double[]> errors) {
        requireOrdered("bars", series);
        int[] size = sizeWithLegend(720, 400, series.keySet());
        CategoryChart c = new CategoryChartBuilder().width(size[0]).height(size[1]).title(title)
                .xAxisTitle("").yAxisTitle(yLabel).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        for (var e : series.entrySet()) {
            double[] v = e.getValue();
            if (v.length != categories.size()) {
                throw new IllegalArgumentException("bars: series '" + e.getKey() + "' has " + v.length
                        + " values, expected one per category (" + categories.size() + ")");
            }
            List<Double> ys = new ArrayList<>();
            for (double x : v) ys.add(Double.isFinite(x) ? x : 0.0);
            double[] err = errors == null ? null : errors.get(e.getKey());
            if (err != null) {
                List<Double> es = new ArrayList<>();
                for (double x : err) es.add(Double.isFinite(x) ? x : 0.0);
                c.addSeries(e.getKey(), categories, ys, es);
            } else {
                c.addSeries(e.getKey(), categories, ys);
            }
        }
        return finish(c);
    }

    /**
     * Scatter chart of named point sets, in the order of {@code points} (ordered: {@link #requireOrdered});
     * {@code logX} puts the x axis on a log scale (points with x &lt;= 0 are then dropped, as a log
     * axis cannot show them).
     */
    public static XYChart scatter(String title, String xLabel, String yLabel, boolean logX,
                                  Map<String, double[][]> points) {
        requireOrdered("scatter", points);
        int[] size = sizeWithLegend(720, 440, points.keySet());
        XYChart c = new XYChartBuilder().width(size[0]).height(size[1]).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setMarkerSize(8);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (var e : points.entrySet()) {
            double[][] xy = e.getValue();
            if (xy.length != 2 || xy[0].length != xy[1].length) {
                throw new IllegalArgumentException("scatter: series '" + e.getKey() + "' must be {x[], y[]} of equal length");
            }
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (int i = 0; i < xy[0].length; i++) {
                if (!Double.isFinite(xy[0][i]) || !Double.isFinite(xy[1][i]) || (logX && xy[0][i] <= 0)) continue;
                xs.add(xy[0][i]);
                ys.add(xy[1][i]);
            }
            if (!xs.isEmpty()) c.addSeries(e.getKey(), xs, ys);
        }
        return finish(c);
    }
}
