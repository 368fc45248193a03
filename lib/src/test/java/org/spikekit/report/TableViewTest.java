package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableViewTest {
    private static final char T = TableView.THIN_SPACE;

    /** The rows of an HTML table as lists of cell texts (header row first). */
    private static List<List<String>> cells(String html) {
        List<List<String>> rows = new ArrayList<>();
        Matcher tr = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(html);
        while (tr.find()) {
            List<String> row = new ArrayList<>();
            Matcher td = Pattern.compile("<t([dh])[^>]*>(.*?)</t\\1>", Pattern.DOTALL).matcher(tr.group(1));
            while (td.find()) row.add(td.group(2));
            rows.add(row);
        }
        return rows;
    }

    private static Table runs() {
        return Table.create("runs",
                StringColumn.create("session", "I1", "L2"),
                DoubleColumn.create("r2", 0.504333548425075, -1.077804864417665),
                DoubleColumn.create("act_sparsity", 0.9921727841979331, 0.5),
                IntColumn.create("footprint_bytes", 19648, 4636752),
                DoubleColumn.create("dense", 4900, 10368),
                DoubleColumn.create("eff_acs", 581.4493712772997, 12.5),
                DoubleColumn.create("wall_s", 3.258495285, Double.NaN),
                DoubleColumn.create("energy_j", 1.234567e-6, 9.87e-7));
    }

    @Test
    void htmlIsATableWithHeaderAndOneRowPerTableRow() {
        String html = TableView.of(runs()).html();
        assertTrue(html.startsWith("<table"), html);
        assertTrue(html.strip().endsWith("</table>"), html);
        assertEquals(1, html.split("<thead>", -1).length - 1, "one header");
        assertTrue(html.contains("<caption"), "the table's name is the caption");
        var rows = cells(html);
        assertEquals(3, rows.size(), "header + 2 rows");
        assertEquals(List.of("session", "r2", "act_sparsity", "footprint_bytes", "dense", "eff_acs", "wall_s", "energy_j"), rows.get(0));
        for (var r : rows) assertEquals(8, r.size(), r.toString());
    }

    @Test
    void numbersAreRoundedForDisplayAndRightAligned() {
        String html = TableView.of(runs()).html();
        var rows = cells(html);
        assertEquals(List.of("I1", "0.504", "0.9922", "19" + T + "648", "4" + T + "900", "581", "3.26", "1.23e-6"), rows.get(1));
        assertEquals(List.of("L2", "-1.078", "0.5000", "4" + T + "636" + T + "752", "10" + T + "368", "13", "", "9.87e-7"), rows.get(2));
        assertTrue(html.contains("<th style=\"text-align: right\">r2</th>"), html);
        assertTrue(html.contains("<th style=\"text-align: left\">session</th>"), html);
        assertTrue(html.contains("<td style=\"text-align: right; white-space: nowrap\" title=\"0.504333548425075\">0.504</td>"),
                "full value on hover: " + html);
        assertFalse(html.contains(">4900.0<") || html.contains(">0.504333548425075<"), "no full-precision text in cells");
    }

    @Test
    void textIsAlignedAndRoundedTheSameWay() {
        String text = TableView.of(runs()).text();
        String[] lines = text.split("\n");
        assertEquals("runs", lines[0]);
        assertTrue(lines[1].startsWith("session  "), lines[1]);
        assertTrue(lines[2].matches("[- ]+"), lines[2]);
        assertEquals(5, lines.length, text);
        int end = lines[1].indexOf("r2") + 2;
        assertEquals("0.504", lines[3].substring(end - 5, end), "numbers right-aligned under their header:\n" + text);
        assertEquals("-1.078", lines[4].substring(end - 6, end), text);
        assertTrue(lines[4].contains("4" + T + "636" + T + "752"), text);
    }

    @Test
    void explicitDecimalsWinOverTheNameAndMagnitudeRules() {
        Table wide = Table.create("table1_r2", StringColumn.create("session", "I1"),
                DoubleColumn.create("SNN2", 0.504333548425075), DoubleColumn.create("SNN2_sd", 0.0031),
                IntColumn.create("SNN2_n", new int[] {3}));
        assertEquals(List.of("I1", "0.504", "0.00310", "3"), cells(TableView.of(wide).html()).get(1), "default: 3 significant digits");
        assertEquals(List.of("I1", "0.504", "0.003", "3"), cells(TableView.of(wide).decimals(3).html()).get(1));
        assertEquals(List.of("I1", "0.5", "0.003", "3"), cells(TableView.of(wide).decimals(3).decimals(1, "SNN2").html()).get(1));
        var e = assertThrows(IllegalArgumentException.class, () -> TableView.of(wide).decimals(2, "SNN4"));
        assertTrue(e.getMessage().contains("SNN4") && e.getMessage().contains("SNN2_sd"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TableView.of(wide).decimals(-1));
    }

    /** Runs in a class loader of its own, where a DoubleColumn is the first tablesaw class used. */
    public static final class FreshLoader {
        public static String html() {
            var r2 = DoubleColumn.create("r2", 0.123456789);
            var sparsity = tech.tablesaw.api.FloatColumn.create("conn_sparsity", new float[] {0.12345f});
            return TableView.of(Table.create("t", r2, sparsity)).html();
        }
    }

    @Test
    void floatingColumnsAreRecognisedWhicheverTablesawClassLoadsFirst() throws Exception {
        // In a fresh JVM (a notebook kernel) that creates a DoubleColumn before touching ColumnType,
        // tablesaw's ColumnType.DOUBLE is not the instance the column reports; the kind of column
        // must be told by its class. A class loader of its own reproduces that order.
        java.util.List<java.net.URL> urls = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            urls.add(java.nio.file.Path.of(p).toUri().toURL());
        }
        try (var cl = new java.net.URLClassLoader(urls.toArray(new java.net.URL[0]), ClassLoader.getPlatformClassLoader())) {
            Class<?> fresh = Class.forName(FreshLoader.class.getName(), true, cl);
            assertNotSame(FreshLoader.class, fresh, "loaded apart from the test's own classes");
            String html = (String) fresh.getMethod("html").invoke(null);
            assertEquals(List.of("0.123", "0.1235"), cells(html).get(1), html);
        }
    }

    @Test
    void textAndNamesAreEscaped() {
        Table t = Table.create("a<b & \"c\"", StringColumn.create("x<y>", "<script>alert('x')</script> & more"));
        String html = TableView.of(t).html();
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<y>") || html.contains("<b "), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), html);
        assertTrue(html.contains("x&lt;y&gt;"), html);
        assertTrue(html.contains("a&lt;b &amp; &quot;c&quot;"), html);
        assertTrue(TableView.of(t).text().contains("<script>"), "text/plain is not escaped");
    }

    @Test
    void groupingLongsNegativeZeroAndInfinity() {
        assertEquals("1" + T + "234" + T + "567.89", TableView.group("1234567.89"));
        assertEquals("-12" + T + "345", TableView.group("-12345"));
        assertEquals("999", TableView.group("999"));
        Table t = Table.create("t", LongColumn.create("ops", 9_007_199_254_740_993L, 5),
                DoubleColumn.create("delta_r2", -0.0001, Double.POSITIVE_INFINITY));
        var row = cells(TableView.of(t).html());
        assertEquals(List.of("9" + T + "007" + T + "199" + T + "254" + T + "740" + T + "993", "0.000"), row.get(1),
                "a long keeps every digit; a value rounded to zero has no sign");
        assertEquals(List.of("5", "∞"), row.get(2));
    }

    @Test
    void longTablesAreCutWithANote() {
        Table t = Table.create("t", IntColumn.create("i", java.util.stream.IntStream.range(0, 30).toArray()));
        String html = TableView.of(t).maxRows(10).html();
        assertEquals(11, cells(html).size());
        assertTrue(html.contains("20 more rows not shown (30 in all)"), html);
        assertTrue(TableView.of(t).maxRows(10).text().contains("20 more rows not shown"), "text too");
        assertEquals(31, cells(TableView.of(t).html()).size(), "500 rows by default");
    }

    @Test
    void outsideTheKernelShowPrintsTheText() {
        assertFalse(Display.inKernel(), "tests do not run in the rapaio kernel");
        PrintStream old = System.out;
        var buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Display.show(TableView.of(runs()));
        } finally {
            System.setOut(old);
        }
        assertEquals(TableView.of(runs()).text(), buf.toString(StandardCharsets.UTF_8));
    }
}
