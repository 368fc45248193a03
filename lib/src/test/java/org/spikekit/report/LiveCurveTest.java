package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** {@link Display#live()} and {@link LiveCurve}: in a (fake) kernel, outside it, throttling, bad input. */
class LiveCurveTest {
    @TempDir Path root;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(1_000);

    private String printed() { return bytes.toString(StandardCharsets.UTF_8); }

    private LiveCurve curve(Display.Live live, long throttle, String... series) {
        return new LiveCurve(null, "Training x", "epoch", "value", List.of(series), live, throttle, clock::get);
    }

    private static Map<String, Double> m(Object... kv) {
        Map<String, Double> r = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) r.put((String) kv[i], (Double) kv[i + 1]);
        return r;
    }

    @Test
    void liveDisplayFirstShowsThenUpdatesTheSameId() {
        Display.Kernel k = FakeKernel.kernel();
        assertNotNull(k, "the fake kernel is found by reflection");
        Display.Live a = Display.live(k, out), b = Display.live(k, out);
        assertNotEquals(a.id(), b.id(), "every live display has an id of its own");
        a.update("<p>1</p>", "one");
        a.update("<p>2</p>", "two");
        b.update("<p>3</p>", "three");
        var sink = FakeKernel.Main.kernel;
        assertEquals(List.of("display", "update", "display"), sink.calls);
        assertEquals(a.id(), sink.sent.get(0).id);
        assertEquals(a.id(), sink.sent.get(1).id);
        assertEquals(b.id(), sink.sent.get(2).id);
        assertEquals("<p>2</p>", sink.sent.get(1).html);
        assertEquals("two", sink.sent.get(1).text);
        assertEquals("", printed(), "nothing printed in the kernel");
    }

    @Test
    void liveDisplayPrintsTheTextWhenTheKernelRefusesOrIsAbsent() {
        Display.Kernel k = FakeKernel.kernel();
        FakeKernel.Main.kernel.refuse = true;
        Display.live(k, out).update("<p>1</p>", "refused once");
        Display.Live outside = Display.live(null, out);
        assertFalse(outside.rich());
        outside.update("<p>x</p>", "plain text");
        assertEquals("refused once\nplain text\n", printed());
        assertEquals(1, outside.updates());
    }

    @Test
    void kernelWithoutLiveDisplaysSendsEachUpdateAsANewDisplay() {
        FakeKernel.OldMain.kernel = new FakeKernel.OldSink();
        Display.Kernel k = Display.Kernel.find(FakeKernel.OldMain.class.getName(), FakeKernel.Data.class.getName(), getClass().getClassLoader());
        assertNotNull(k);
        Display.Live live = Display.live(k, out);
        live.update("<p>1</p>", "one");
        live.update("<p>2</p>", "two");
        assertEquals(2, FakeKernel.OldMain.kernel.sent.size());
        assertEquals("", printed());
    }

    @Test
    void missingKernelIsNullAndBrokenKernelIsReported() {
        assertNull(Display.Kernel.find("org.spikekit.report.NoSuchKernel", FakeKernel.Data.class.getName(), getClass().getClassLoader()));
        assertNull(Display.Kernel.find(FakeKernel.Broken.class.getName(), FakeKernel.Data.class.getName(), getClass().getClassLoader()),
                "a main class without the kernel field: no display (reported on stderr)");
        assertFalse(Display.inKernel(), "tests do not run in the rapaio kernel");
    }

    @Test
    void curveRedrawsAtMostOncePerThrottlePeriodAndOnClose() {
        Display.Kernel k = FakeKernel.kernel();
        LiveCurve c = curve(Display.live(k, out), 500, "loss", "val R2");
        c.epoch(1, m("loss", 1.0, "val R2", 0.1));
        assertEquals(1, c.draws(), "the first point draws at once");
        clock.addAndGet(100);
        c.epoch(2, m("loss", 0.8, "val R2", 0.2));
        c.epoch(3, m("loss", 0.7));
        assertEquals(1, c.draws(), "within the throttle period: no redraw");
        clock.addAndGet(500);
        c.epoch(4, m("loss", 0.6));
        assertEquals(2, c.draws());
        c.close();
        assertEquals(2, c.draws(), "nothing new since the last redraw: close does not redraw");
        c.add("loss", 5, 0.5);
        assertEquals(2, c.draws(), "closed: no more redraws");

        var sink = FakeKernel.Main.kernel;
        assertEquals(List.of("display", "update"), sink.calls);
        String html = sink.sent.get(1).html;
        assertTrue(html.startsWith("<img alt=\"Training x\" src=\"data:image/png;base64,"), html.substring(0, Math.min(80, html.length())));
        assertEquals("Training x: loss 0.6000 at epoch 4 | val R2 0.2000 at epoch 2", sink.sent.get(1).text);
        XYChart chart = c.chart();
        assertEquals(List.of("loss", "val R2"), List.copyOf(chart.getSeriesMap().keySet()));
        assertEquals(5, chart.getSeriesMap().get("loss").getXData().length);
    }

    @Test
    void aSlowRedrawWaitsTenTimesItsDuration() {
        // every clock reading is 100 ms after the previous one: a redraw takes 100 ms
        long[] t = {0};
        LiveCurve c = new LiveCurve(null, "Slow", "epoch", "value", List.of("loss"), Display.live(FakeKernel.kernel(), out), 0,
                () -> t[0] += 100);
        c.epoch(1, m("loss", 1.0));
        c.epoch(2, m("loss", 0.5));
        assertEquals(2, c.draws(), "the first redraw's duration (class loading) does not count");
        for (int e = 3; e <= 11; e++) c.epoch(e, m("loss", 1.0 / e));
        assertEquals(2, c.draws(), "within 10 x 100 ms of the last redraw's end: no redraw");
        c.epoch(12, m("loss", 0.01));
        assertEquals(3, c.draws());
    }

    @Test
    void closeDrawsPendingPoints() {
        LiveCurve c = curve(Display.live(FakeKernel.kernel(), out), 10_000, "loss");
        c.epoch(1, m("loss", 1.0));
        c.epoch(2, m("loss", 0.5));
        assertEquals(1, c.draws());
        c.close();
        assertEquals(2, c.draws());
        c.close();
        assertEquals(2, c.draws(), "close twice: once");
        assertEquals(List.of("display", "update"), FakeKernel.Main.kernel.calls);
    }

    @Test
    void outsideTheKernelPrintsOneTextLineOnCloseAndNeverThrows() {
        LiveCurve c = curve(Display.live(null, out), 0, "loss", "val acc");
        for (int e = 1; e <= 5; e++) c.epoch(e, m("loss", 1.0 / e, "val acc", 0.5 + e / 100.0));
        assertEquals(0, c.draws(), "no drawing outside the kernel while training");
        assertEquals("", printed());
        c.close();
        assertEquals("Training x: loss 0.2000 at epoch 5 | val acc 0.5500 at epoch 5\n", printed());
        String before = printed();
        LiveCurve empty = curve(Display.live(null, out), 0, "loss");
        empty.close();
        LiveCurve emptyInKernel = curve(Display.live(FakeKernel.kernel(), out), 0, "loss");
        emptyInKernel.close();
        assertEquals(before, printed(), "a curve without a point shows nothing");
        assertEquals(List.of(), FakeKernel.Main.kernel.calls);
        assertEquals("Training x: no points yet", empty.text());
    }

    @Test
    void unknownSeriesAndNonFiniteValuesFollowTheDocumentedRules() {
        LiveCurve c = curve(Display.live(null, out), 0, "loss");
        var e = assertThrows(IllegalArgumentException.class, () -> c.add("acc", 1, 0.5));
        assertTrue(e.getMessage().contains("'acc'") && e.getMessage().contains("[loss]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.add("loss", Double.NaN, 0.5));
        assertTrue(e.getMessage().contains("x must be finite"), e.getMessage());
        c.add("loss", 1, Double.NaN).add("loss", 2, Double.POSITIVE_INFINITY);
        Map<String, Double> withNull = new LinkedHashMap<>();
        withNull.put("loss", null);
        withNull.put("other metric", 3.0);
        c.epoch(3, withNull);
        assertTrue(c.chart().getSeriesMap().isEmpty(), "non-finite and null values skipped, unknown metrics of an epoch ignored");
        c.add("loss", 4, 0.25);
        assertEquals(1, c.chart().getSeriesMap().get("loss").getXData().length);

        assertThrows(IllegalArgumentException.class, () -> curve(Display.live(null, out), 0));
        assertThrows(IllegalArgumentException.class, () -> curve(Display.live(null, out), 0, "loss", "loss"));
        assertThrows(IllegalArgumentException.class, () -> curve(Display.live(null, out), 0, "loss", " "));
        assertThrows(IllegalArgumentException.class, () -> curve(Display.live(null, out), -1, "loss"));
        var noNb = assertThrows(IllegalStateException.class, () -> c.finish("x"));
        assertTrue(noNb.getMessage().contains("Notebook.liveCurve"), noNb.getMessage());
    }

    @Test
    void finishSavesTheFigureWithProvenanceAndShowsIt() throws IOException {
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.createDirectories(root.resolve("notebooks"));
        Notebook nb = Notebook.begin("01_demo", "demo", Map.<String, String>of()::get, root.resolve("notebooks"));
        LiveCurve own = nb.liveCurve("Own", "loss", "loss");
        assertEquals(List.of("loss"), own.series());
        Display.Kernel k = FakeKernel.kernel();
        LiveCurve c = new LiveCurve(nb, "Training x", "epoch", "value", List.of("loss"), Display.live(k, out), 500, clock::get);
        c.epoch(1, m("loss", 1.0));
        XYChart saved = new XYChartBuilder().width(300).height(200).title("saved").build();
        saved.addSeries("a", new double[] {1, 2}, new double[] {3, 4});
        c.finish("demo_training", saved);
        assertTrue(Files.exists(nb.figuresDir().resolve("demo_training.png")));
        assertTrue(Files.exists(nb.figuresDir().resolve("demo_training.svg")));
        assertTrue(Files.exists(nb.figuresDir().resolve("demo_training.provenance.json")));
        assertEquals(List.of("display", "update"), FakeKernel.Main.kernel.calls, "the saved figure replaces the live chart");
        c.epoch(2, m("loss", 0.5));
        assertEquals(2, c.draws(), "finished: no more redraws");

        LiveCurve plain = new LiveCurve(nb, "Plain", "epoch", "loss", List.of("loss"), Display.live(null, out), 500, clock::get);
        plain.epoch(1, m("loss", 2.0));
        plain.finish("demo_plain");
        assertTrue(Files.exists(nb.figuresDir().resolve("demo_plain.png")));
        assertEquals("Plain: loss 2.000 at epoch 1\n", printed());
    }
}
