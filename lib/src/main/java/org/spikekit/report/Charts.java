package org.spikekit.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
}
