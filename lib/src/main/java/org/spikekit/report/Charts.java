package org.spikekit.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Small XChart builders shared by the notebooks (styling in one place). */
public final class Charts {
    private Charts() {}

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
        return c;
    }

    /** Line chart of named series over a common x axis. */
    public static XYChart lines(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series) {
        XYChart c = new XYChartBuilder().width(720).height(360).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        for (var e : series.entrySet()) {
            if (e.getValue().length != x.length) {
                throw new IllegalArgumentException("lines: series '" + e.getKey() + "' has " + e.getValue().length
                        + " points, x has " + x.length);
            }
            c.addSeries(e.getKey(), x, e.getValue()).setMarker(SeriesMarkers.NONE);
        }
        return c;
    }

    /**
     * Grouped bar chart: one group per category, one bar per series. NaN values (no result) are
     * drawn as empty bars; {@code errors} (same shape, may be null or hold nulls) add error bars.
     */
    public static CategoryChart bars(String title, String yLabel, List<String> categories,
                                     Map<String, double[]> series, Map<String, double[]> errors) {
        CategoryChart c = new CategoryChartBuilder().width(720).height(400).title(title)
                .xAxisTitle("").yAxisTitle(yLabel).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
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
        return c;
    }

    /**
     * Scatter chart of named point sets; {@code logX} puts the x axis on a log scale (points with
     * x &lt;= 0 are then dropped, as a log axis cannot show them).
     */
    public static XYChart scatter(String title, String xLabel, String yLabel, boolean logX,
                                  Map<String, double[][]> points) {
        XYChart c = new XYChartBuilder().width(720).height(440).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setMarkerSize(8);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
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
        return c;
    }
}
