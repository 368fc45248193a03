package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

class ChartsTest {
    private static final List<String> SESSIONS = List.of("I1", "I2", "I3", "L1", "L2", "L3");
    private static final List<String> MODELS = List.of("SNN2", "SNN3", "tinyRSNN", "bigRSNN");

    /** The series of the RSNN paper's R² bar chart: kit and paper per model, in model order. */
    private static LinkedHashMap<String, double[]> rsnnSeries() {
        LinkedHashMap<String, double[]> m = new LinkedHashMap<>();
        for (int i = 0; i < MODELS.size(); i++) {
            m.put(MODELS.get(i) + " (kit)", new double[] {0.5 + i * 0.05, 0.5, 0.52, 0.5, 0.6, 0.6});
            m.put(MODELS.get(i) + " (paper)", new double[] {0.6 + i * 0.05, 0.5, 0.6, 0.57, 0.51, 0.62});
        }
        return m;
    }

    private static CategoryChart rsnnBars() {
        return Charts.bars("R² per session (kit on synthetic data vs paper)", "R²", SESSIONS, rsnnSeries(), null);
    }

    private static byte[] png(Chart<?, ?> c) throws IOException {
        var out = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG);
        return out.toByteArray();
    }

    /** The legend's box after painting the chart at its size (XChart keeps it in Chart.legend). */
    private static Rectangle2D legendBounds(Chart<?, ?> c) throws ReflectiveOperationException {
        BitmapEncoder.getBufferedImage(c);
        Field f = Chart.class.getDeclaredField("legend");
        f.setAccessible(true);
        Object legend = f.get(c);
        return (Rectangle2D) legend.getClass().getMethod("getBounds").invoke(legend);
    }

    private static void assertLegendInside(Chart<?, ?> c) throws ReflectiveOperationException {
        Rectangle2D b = legendBounds(c);
        assertTrue(b.getWidth() > 0 && b.getHeight() > 0, "legend painted: " + b);
        assertTrue(b.getMinX() >= 0 && b.getMinY() >= 0 && b.getMaxX() <= c.getWidth() && b.getMaxY() <= c.getHeight(),
                "legend " + b + " inside the " + c.getWidth() + "x" + c.getHeight() + " chart");
    }

    @Test
    void unorderedSeriesMapsAreRefused() {
        double[] x = {0, 1}, a = {1, 2}, b = {3, 4};
        var e = assertThrows(IllegalArgumentException.class,
                () -> Charts.lines("t", "x", "y", x, Map.of("v_x", a, "v_y", b)));
        assertTrue(e.getMessage().contains("LinkedHashMap") && e.getMessage().contains("lines"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Charts.bars("t", "y", List.of("c"),
                new java.util.HashMap<>(Map.of("a", new double[] {1}, "b", new double[] {2})), null));
        assertThrows(IllegalArgumentException.class, () -> Charts.scatter("t", "x", "y", false,
                Map.of("a", new double[][] {{1}, {1}}, "b", new double[][] {{2}, {2}})));
        assertDoesNotThrow(() -> Charts.lines("t", "x", "y", x, Map.of("U", a)), "one series has one order");
    }

    @Test
    void legendOrderIsTheMapOrder() {
        var series = new LinkedHashMap<String, double[]>();
        for (String k : List.of("v_y", "v_x", "w", "a")) series.put(k, new double[] {1, 2});
        XYChart c = Charts.lines("t", "x", "y", new double[] {0, 1}, series);
        assertEquals(List.of("v_y", "v_x", "w", "a"), new ArrayList<>(c.getSeriesMap().keySet()));
    }

    @Test
    void theSameInputDrawsTheSameImage() throws IOException {
        assertArrayEquals(png(rsnnBars()), png(rsnnBars()), "bar chart");
        var pts = new LinkedHashMap<String, double[][]>();
        pts.put("tinyRSNN (kit)", new double[][] {{300, 400}, {0.6, 0.65}});
        pts.put("tinyRSNN (paper)", new double[][] {{350, 420}, {0.75, 0.7}});
        assertArrayEquals(png(Charts.scatter("t", "ops", "R²", true, pts)), png(Charts.scatter("t", "ops", "R²", true, pts)));
    }

    @Test
    void paperStyleHasWhiteBackgroundsAndNoGreyPlotArea() {
        for (Chart<?, ?> c : List.<Chart<?, ?>>of(rsnnBars(), Charts.lines("t", "x", "y", new double[] {0, 1}, Map.of("a", new double[] {1, 2})),
                Charts.raster("r", new float[] {1, 0, 0, 1}, 2, 2, 1.0))) {
            assertEquals(Color.WHITE, c.getStyler().getChartBackgroundColor());
            assertEquals(Color.WHITE, c.getStyler().getPlotBackgroundColor());
            assertFalse(c.getStyler().isChartTitleBoxVisible());
        }
    }

    @Test
    void kitAndPaperOfOneModelShareAHuePaperLighter() {
        CategoryChart c = rsnnBars();
        for (String m : MODELS) {
            Color kit = c.getSeriesMap().get(m + " (kit)").getFillColor();
            Color paper = c.getSeriesMap().get(m + " (paper)").getFillColor();
            float[] k = Color.RGBtoHSB(kit.getRed(), kit.getGreen(), kit.getBlue(), null);
            float[] p = Color.RGBtoHSB(paper.getRed(), paper.getGreen(), paper.getBlue(), null);
            assertEquals(k[0], p[0], 0.02, m + ": same hue, kit " + kit + " paper " + paper);
            assertTrue(p[1] < k[1] && p[2] >= k[2], m + ": paper lighter (less saturated, not darker)");
        }
        var hues = MODELS.stream().map(m -> c.getSeriesMap().get(m + " (kit)").getFillColor()).distinct().count();
        assertEquals(MODELS.size(), hues, "one colour per model");
    }

    @Test
    void aModelKeepsItsColourAcrossCharts() {
        var pts = new LinkedHashMap<String, double[][]>();
        pts.put("bigRSNN (kit)", new double[][] {{3e4}, {0.65}});
        pts.put("tinyRSNN (kit)", new double[][] {{400}, {0.6}});
        pts.put("tinyRSNN (paper)", new double[][] {{350}, {0.75}});
        XYChart scatter = Charts.scatter("t", "ops", "R²", true, pts);
        CategoryChart bars = rsnnBars();
        for (String s : List.of("bigRSNN (kit)", "tinyRSNN (kit)", "tinyRSNN (paper)")) {
            assertEquals(bars.getSeriesMap().get(s).getFillColor(), scatter.getSeriesMap().get(s).getMarkerColor(), s);
        }
        var decoded = new LinkedHashMap<String, double[]>();
        decoded.put("v_x true", new double[] {1, 2});
        decoded.put("v_x tinyRSNN-1.pth (float16)", new double[] {1, 2});
        XYChart lines = Charts.lines("t", "x", "y", new double[] {0, 1}, decoded);
        assertEquals(bars.getSeriesMap().get("tinyRSNN (kit)").getFillColor(),
                lines.getSeriesMap().get("v_x tinyRSNN-1.pth (float16)").getLineColor(), "the model named inside a longer label");
        assertEquals(Charts.INK, lines.getSeriesMap().get("v_x true").getLineColor(), "ground truth near-black");
        assertEquals(Charts.MODEL_COLORS.get("spikachu"), Charts.seriesColors(List.of("gru", "spikachu")).get(1));
        assertNotEquals(Charts.seriesColors(List.of("spikachu")).get(0), Charts.seriesColors(List.of("spikachu-released")).get(0),
                "the released variant is a shade of its own");
    }

    @Test
    void unnamedSeriesTakeFreePaletteColoursInOrder() {
        List<Color> c = Charts.seriesColors(List.of("mnist", "tinyRSNN (kit)", "fashion-mnist", "cifar10"));
        assertEquals(Charts.PALETTE.get(1), c.get(0), "palette colour 0 belongs to tinyRSNN in this chart");
        assertEquals(Charts.PALETTE.get(0), c.get(1));
        assertEquals(Charts.PALETTE.get(2), c.get(2));
        assertEquals(Charts.PALETTE.get(3), c.get(3));
        assertEquals(c, Charts.seriesColors(List.of("mnist", "tinyRSNN (kit)", "fashion-mnist", "cifar10")), "same names, same colours");
    }

    @Test
    void theLegendCheckSeesAClippedLegend() throws ReflectiveOperationException {
        // the bar chart as it was: legend below the plot in one row, wider than the chart
        CategoryChart old = new CategoryChartBuilder().width(720).height(400).title("t").build();
        old.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        old.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        rsnnSeries().forEach((k, v) -> old.addSeries(k, SESSIONS, java.util.Arrays.stream(v).boxed().toList()));
        Rectangle2D b = legendBounds(old);
        assertTrue(b.getMinX() < 0 || b.getMaxX() > old.getWidth(), "old layout clipped: " + b);
    }

    @Test
    void legendsFitInTheirCharts() throws ReflectiveOperationException {
        assertLegendInside(rsnnBars());
        var pts = new LinkedHashMap<String, double[][]>();
        for (int i = 0; i < 6; i++) {
            pts.put("Blocks (SpikeKit, released ms→steps, " + (100 * i) + " frames, a long label)", new double[][] {{1, 2}, {0.8, 0.9}});
        }
        assertLegendInside(Charts.scatter("t", "x", "y", false, pts));
        var many = new LinkedHashMap<String, double[]>();
        for (int i = 0; i < 24; i++) many.put("n" + (i + 1) + (i < 2 ? " (non-target)" : ""), new double[] {1, 2});
        assertLegendInside(Charts.lines("t", "epoch", "updates", new double[] {1, 2}, many));
    }
}
