package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the notebooks' code cells (notebooks/NN_*.ipynb of this checkout): tables go
 * through {@code nb.show}, not as strings the kernel would send as bare HTML; series maps that decide
 * a legend's order are never built from {@code Map.of}/{@code HashMap} with several entries.
 */
class NotebookSourcesTest {
    private static final Pattern PRINT_ALL = Pattern.compile("\\.printAll\\(\\)|\\.print\\(\\)");
    private static final Pattern UNORDERED = Pattern.compile("new\\s+Hash(Map|Set)\\s*<");
    private static final Pattern MAP_OF = Pattern.compile("\\b(Map|Set)\\.of\\(");
    /** A statement at the start of a line that prints with printf/format: its value is the PrintStream. */
    private static final Pattern PRINTF_STATEMENT = Pattern.compile("(?m)^System\\.(out|err)\\.(printf|format)\\(");

    private static List<Path> notebooks() throws IOException {
        Path root = Notebook.findRoot(null, Path.of("").toAbsolutePath());
        try (Stream<Path> s = Files.list(root.resolve("notebooks"))) {
            List<Path> nbs = s.filter(p -> p.getFileName().toString().matches("\\d\\d_.*\\.ipynb")).sorted().toList();
            assertFalse(nbs.isEmpty(), "notebooks found under " + root);
            return nbs;
        }
    }

    private static List<String> codeCells(Path nb) throws IOException {
        JsonNode cells = new ObjectMapper().readTree(nb.toFile()).path("cells");
        List<String> out = new ArrayList<>();
        for (JsonNode c : cells) {
            StringBuilder src = new StringBuilder();
            if (c.path("source").isArray()) c.path("source").forEach(l -> src.append(l.asText()));
            else src.append(c.path("source").asText());
            out.add(c.path("cell_type").asText().equals("code") ? src.toString() : "");
        }
        return out;
    }

    /** Number of top-level arguments of the call whose '(' is at {@code open}. */
    static int arguments(String s, int open) {
        int depth = 0, args = 1;
        boolean any = false;
        for (int i = open; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(' || ch == '[' || ch == '{') depth++;
            else if (ch == ')' || ch == ']' || ch == '}') {
                if (--depth == 0) return any ? args : 0;
            } else if (ch == '"') {
                for (i++; i < s.length() && s.charAt(i) != '"'; i++) if (s.charAt(i) == '\\') i++;
                any = true;
            } else if (ch == ',' && depth == 1) args++;
            else if (depth == 1 && !Character.isWhitespace(ch)) any = true;
        }
        return args;
    }

    @Test
    void countsCallArguments() {
        String s = "Map.of(\"a, b\", f(1, 2), \"c\", x) + Map.of() + Map.of(\"U\", t)";
        List<Integer> n = new ArrayList<>();
        Matcher m = MAP_OF.matcher(s);
        while (m.find()) n.add(arguments(s, m.end() - 1));
        assertEquals(List.of(4, 0, 2), n);
    }

    @Test
    void tablesAreShownWithNbShowNotPrintedAsStrings() throws IOException {
        List<String> bad = new ArrayList<>();
        for (Path nb : notebooks()) {
            List<String> cells = codeCells(nb);
            for (int k = 0; k < cells.size(); k++) {
                if (PRINT_ALL.matcher(cells.get(k)).find()) bad.add(nb.getFileName() + " cell index " + k);
            }
        }
        assertEquals(List.of(), bad, "cells printing a table as a string (use nb.show(table))");
    }

    @Test
    void noCellEndsWithAPrintStreamValue() throws IOException {
        // JShell shows the value of a cell's last expression statement: System.out.printf(...) returns the
        // PrintStream, which the kernel sends as text/html "java.io.PrintStream@..." (the runner then fails)
        List<String> bad = new ArrayList<>();
        for (Path nb : notebooks()) {
            List<String> cells = codeCells(nb);
            for (int k = 0; k < cells.size(); k++) {
                Matcher m = PRINTF_STATEMENT.matcher(cells.get(k));
                int last = -1;
                while (m.find()) last = m.start();
                if (last >= 0 && !cells.get(k).substring(last).contains("\n}") && lastStatementStartsAt(cells.get(k), last)) {
                    bad.add(nb.getFileName() + " cell index " + k);
                }
            }
        }
        assertEquals(List.of(), bad, "cells whose last statement is System.out.printf (use println(String.format(...)))");
    }

    /** Whether no other top-level statement starts after {@code at} (a line beginning in column 0). */
    private static boolean lastStatementStartsAt(String src, int at) {
        String rest = src.substring(at);
        int nl = rest.indexOf('\n');
        while (nl >= 0) {
            String line = rest.substring(nl + 1);
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("//")) return false;
            int next = rest.indexOf('\n', nl + 1);
            nl = next;
        }
        return true;
    }

    @Test
    void noUnorderedCollectionsOfSeveralEntries() throws IOException {
        List<String> bad = new ArrayList<>();
        for (Path nb : notebooks()) {
            List<String> cells = codeCells(nb);
            for (int k = 0; k < cells.size(); k++) {
                String src = cells.get(k);
                if (UNORDERED.matcher(src).find()) bad.add(nb.getFileName() + " cell index " + k + ": new HashMap/HashSet");
                Matcher m = MAP_OF.matcher(src);
                while (m.find()) {
                    int args = arguments(src, m.end() - 1);
                    boolean several = m.group(1).equals("Map") ? args > 2 : args > 1;
                    if (several) bad.add(nb.getFileName() + " cell index " + k + ": " + m.group(1) + ".of with " + args + " arguments");
                }
            }
        }
        assertEquals(List.of(), bad, "iteration order of these changes from run to run (use LinkedHashMap / List.of)");
    }
}
