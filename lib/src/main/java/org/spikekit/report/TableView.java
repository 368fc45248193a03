package org.spikekit.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A table as a reader sees it in a notebook: an HTML {@code <table>} (header row, numbers
 * right-aligned, values rounded for display) and the same table as aligned plain text. The values
 * are rounded for display only; the CSV written by {@link Notebook#table} keeps full precision, and
 * each HTML number cell carries the full value in its {@code title} (shown on hover).
 *
 * <p>Display precision, decided once per column so that a column's numbers line up:
 * <ul>
 *   <li>integer columns: whole numbers;</li>
 *   <li>floating-point columns, first rule that applies: decimals set with {@link #decimals(int, String...)}
 *       or {@link #decimals(int)}; a name with the word {@code sparsity}: 4 decimals; a name with the word
 *       {@code r2}, {@code r²}, {@code acc} or {@code accuracy} (words split at {@code _}, {@code -},
 *       spaces): 3 decimals; every value whole: whole numbers; largest magnitude below 0.001:
 *       3 significant digits in scientific notation ({@code 1.23e-6}); otherwise 3 significant digits
 *       for the largest magnitude (e.g. 0.1–1: 3 decimals, 1–10: 2, 100 and more: none, at most 6);</li>
 *   <li>numbers of a column whose largest magnitude is 10 000 or more are grouped by thousands with a
 *       narrow no-break space (U+202F, the SI thin space): {@code 4 636 752};</li>
 *   <li>missing values (NaN) are blank; other column types are shown as text, left-aligned.</li>
 * </ul>
 */
public final class TableView {
    /** Narrow no-break space (U+202F): the thousands separator of the display. */
    public static final char THIN_SPACE = '\u202F';
    /** Rows shown at most by default; the rest are counted in a note (the CSV has them all). */
    public static final int DEFAULT_MAX_ROWS = 500;

    private static final Pattern WORD_SPLIT = Pattern.compile("[_\\-\\s./()]+");

    private final Table table;
    private final Map<String, Integer> decimals = new LinkedHashMap<>();
    private Integer allDecimals;
    private String caption;
    private int maxRows = DEFAULT_MAX_ROWS;

    private TableView(Table table) {
        this.table = Objects.requireNonNull(table, "table");
        this.caption = table.name() == null ? "" : table.name();
    }

    /** A view of {@code table} with the default display precision. */
    public static TableView of(Table table) {
        return new TableView(table);
    }

    /** Shows the floating-point columns {@code columns} with {@code d} decimals (0 to 15). */
    public TableView decimals(int d, String... columns) {
        checkDecimals(d);
        if (columns.length == 0) {
            throw new IllegalArgumentException("decimals(" + d + "): name at least one column, or call decimals(" + d
                    + ") for every floating-point column");
        }
        for (String c : columns) {
            if (!table.containsColumn(c)) {
                throw new IllegalArgumentException("decimals(" + d + "): table '" + table.name() + "' has no column '" + c
                        + "' (columns: " + table.columnNames() + ")");
            }
            decimals.put(c, d);
        }
        return this;
    }

    /** Shows every floating-point column with {@code d} decimals (0 to 15) unless set per column. */
    public TableView decimals(int d) {
        checkDecimals(d);
        allDecimals = d;
        return this;
    }

    /** The caption above the table (default: the table's name; empty for none). */
    public TableView caption(String caption) {
        this.caption = caption == null ? "" : caption;
        return this;
    }

    /** Shows at most {@code rows} rows (at least 1); a note counts the rows left out. */
    public TableView maxRows(int rows) {
        if (rows < 1) throw new IllegalArgumentException("maxRows: expected at least 1, got " + rows);
        this.maxRows = rows;
        return this;
    }

    public Table table() { return table; }

    private static void checkDecimals(int d) {
        if (d < 0 || d > 15) throw new IllegalArgumentException("decimals: expected 0 to 15, got " + d);
    }

    // ---- formatting -------------------------------------------------------------------------------

    /** How one column is shown. */
    private record ColumnFormat(boolean numeric, boolean scientific, int decimals, boolean grouped) {}

    private ColumnFormat formatOf(Column<?> col) {
        if (!(col instanceof NumericColumn<?> num)) return new ColumnFormat(false, false, 0, false);
        // by class: ColumnType constants are not always the instances columns report (initialisation order)
        boolean floating = col instanceof DoubleColumn || col instanceof FloatColumn;
        double maxAbs = 0;
        boolean whole = true;
        for (int i = 0; i < num.size(); i++) {
            if (num.isMissing(i)) continue;
            double v = num.getDouble(i);
            if (!Double.isFinite(v)) continue;
            maxAbs = Math.max(maxAbs, Math.abs(v));
            if (v != Math.rint(v)) whole = false;
        }
        boolean grouped = maxAbs >= 10_000;
        if (!floating) return new ColumnFormat(true, false, 0, grouped);
        Integer set = decimals.getOrDefault(col.name(), allDecimals);
        if (set != null) return new ColumnFormat(true, false, set, grouped);
        List<String> words = Arrays.asList(WORD_SPLIT.split(col.name().toLowerCase(Locale.ROOT)));
        if (words.contains("sparsity")) return new ColumnFormat(true, false, 4, grouped);
        if (words.contains("r2") || words.contains("r²") || words.contains("acc") || words.contains("accuracy")) {
            return new ColumnFormat(true, false, 3, grouped);
        }
        if (whole && maxAbs < 1e15) return new ColumnFormat(true, false, 0, grouped);
        if (maxAbs > 0 && maxAbs < 1e-3) return new ColumnFormat(true, true, 2, false);
        int d = maxAbs == 0 ? 0 : Math.clamp(2 - (int) Math.floor(Math.log10(maxAbs)), 0, 6);
        return new ColumnFormat(true, false, d, grouped);
    }

    /** One value as shown; blank for a missing value. */
    private static String format(Column<?> col, int row, ColumnFormat f) {
        if (col.isMissing(row)) return "";
        if (!f.numeric()) return String.valueOf(col.get(row));
        double v = ((NumericColumn<?>) col).getDouble(row);
        if (Double.isNaN(v)) return "";
        if (Double.isInfinite(v)) return v > 0 ? "∞" : "-∞";
        if (f.scientific()) return scientific(v, f.decimals());
        String s;
        if (col instanceof LongColumn) {
            s = Long.toString(((LongColumn) col).getLong(row));
        } else {
            s = new BigDecimal(v).setScale(f.decimals(), RoundingMode.HALF_UP).toPlainString();
        }
        if (s.startsWith("-") && s.chars().allMatch(c -> c == '-' || c == '0' || c == '.')) s = s.substring(1);
        return f.grouped() ? group(s) : s;
    }

    /** {@code v} with {@code decimals + 1} significant digits as {@code m.mme-x}. */
    private static String scientific(double v, int decimals) {
        if (v == 0) return "0";
        String s = String.format(Locale.ROOT, "%." + decimals + "e", v);
        int e = s.indexOf('e');
        return s.substring(0, e) + "e" + Integer.parseInt(s.substring(e + 1));
    }

    /** Groups the integer digits of a plain decimal number by thousands with {@link #THIN_SPACE}. */
    static String group(String plain) {
        int start = plain.startsWith("-") ? 1 : 0;
        int dot = plain.indexOf('.');
        int end = dot < 0 ? plain.length() : dot;
        StringBuilder sb = new StringBuilder(plain.substring(0, start));
        for (int i = start; i < end; i++) {
            sb.append(plain.charAt(i));
            int left = end - i - 1;
            if (left > 0 && left % 3 == 0) sb.append(THIN_SPACE);
        }
        return sb.append(plain.substring(end)).toString();
    }

    /** The shown cells: row-major, {@code shownRows()} rows of {@code columnCount} values. */
    private List<String[]> cells(List<ColumnFormat> formats) {
        int rows = Math.min(maxRows, table.rowCount());
        List<String[]> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            String[] line = new String[table.columnCount()];
            for (int c = 0; c < line.length; c++) line[c] = format(table.column(c), r, formats.get(c));
            out.add(line);
        }
        return out;
    }

    private List<ColumnFormat> formats() {
        List<ColumnFormat> f = new ArrayList<>();
        for (Column<?> c : table.columns()) f.add(formatOf(c));
        return f;
    }

    private String omittedNote() {
        int left = table.rowCount() - Math.min(maxRows, table.rowCount());
        return left == 0 ? "" : "… " + left + " more row" + (left == 1 ? "" : "s") + " not shown (" + table.rowCount() + " in all)";
    }

    /** The table as HTML: {@code <table>} with a caption, a header row and one row per table row. */
    public String html() {
        List<ColumnFormat> formats = formats();
        StringBuilder sb = new StringBuilder();
        sb.append("<table class=\"spikekit-table\" style=\"border-collapse: collapse; font-variant-numeric: tabular-nums\">\n");
        if (!caption.isEmpty()) {
            sb.append("<caption style=\"caption-side: top; text-align: left; font-weight: bold\">")
                    .append(escape(caption)).append("</caption>\n");
        }
        sb.append("<thead><tr>");
        for (int c = 0; c < table.columnCount(); c++) {
            sb.append("<th style=\"text-align: ").append(formats.get(c).numeric() ? "right" : "left").append("\">")
                    .append(escape(table.column(c).name())).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        List<String[]> cells = cells(formats);
        for (int r = 0; r < cells.size(); r++) {
            sb.append("<tr>");
            for (int c = 0; c < cells.get(r).length; c++) {
                ColumnFormat f = formats.get(c);
                if (f.numeric()) {
                    sb.append("<td style=\"text-align: right; white-space: nowrap\"");
                    Column<?> col = table.column(c);
                    if (!col.isMissing(r)) sb.append(" title=\"").append(escape(String.valueOf(col.get(r)))).append('"');
                    sb.append('>');
                } else {
                    sb.append("<td style=\"text-align: left\">");
                }
                sb.append(escape(cells.get(r)[c])).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>");
        String note = omittedNote();
        if (!note.isEmpty()) sb.append("\n<p>").append(escape(note)).append(" — the CSV has every row</p>");
        return sb.toString();
    }

    /** The table as aligned plain text: caption, header, a rule, rows; numbers right-aligned. */
    public String text() {
        List<ColumnFormat> formats = formats();
        List<String[]> cells = cells(formats);
        int n = table.columnCount();
        int[] width = new int[n];
        for (int c = 0; c < n; c++) {
            width[c] = length(table.column(c).name());
            for (String[] row : cells) width[c] = Math.max(width[c], length(row[c]));
        }
        StringBuilder sb = new StringBuilder();
        if (!caption.isEmpty()) sb.append(caption).append('\n');
        String[] header = new String[n];
        for (int c = 0; c < n; c++) header[c] = table.column(c).name();
        line(sb, header, width, formats);
        String[] rule = new String[n];
        for (int c = 0; c < n; c++) rule[c] = "-".repeat(width[c]);
        line(sb, rule, width, formats);
        for (String[] row : cells) line(sb, row, width, formats);
        String note = omittedNote();
        if (!note.isEmpty()) sb.append(note).append('\n');
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] values, int[] width, List<ColumnFormat> formats) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < values.length; c++) {
            if (c > 0) l.append("  ");
            String pad = " ".repeat(width[c] - length(values[c]));
            if (formats.get(c).numeric()) l.append(pad).append(values[c]);
            else l.append(values[c]).append(pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
