package org.spikekit.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every field of every configuration record is documented (issue 22, item 4: "every config a JSON
 * round-trippable value with documented fields"). Users edit configurations as JSON, so each record
 * component needs a non-empty {@code @param} in the Javadoc directly above its record declaration, and
 * that Javadoc names no component the record lacks. The records are found as
 * {@link ConfigRoundTripTest#noConfigurationRecordIsLeftOut} finds them (compiled records named
 * {@code *Config}, {@code *Settings}, {@code *Params}, {@code *Options} or {@code *Setup}); each one's
 * source is read from {@code src/main/java}.
 */
class ConfigDocsTest {

    private static final Pattern NAMED = Pattern.compile(".*(Config|Settings|Params|Options|Setup)");
    private static final Pattern PARAM = Pattern.compile("\\s*@param\\s+(\\S+)(.*)", Pattern.DOTALL);
    /** A block tag: an {@code @name} that begins a line of the comment (after its asterisk). */
    private static final Pattern BLOCK_TAG = Pattern.compile("(?m)^[ \\t]*@\\w+");

    @Test
    void everyConfigurationFieldHasADocumentedParam() throws Exception {
        Path src = mainSources();
        Set<String> missing = new TreeSet<>();
        Set<String> stale = new TreeSet<>();
        Set<String> unlocated = new TreeSet<>();
        int records = 0;
        int components = 0;
        for (Class<?> c : configurationRecords()) {
            Class<?> top = c;
            while (top.getEnclosingClass() != null) top = top.getEnclosingClass();
            Path file = src.resolve(top.getName().replace('.', '/') + ".java");
            String where = src.relativize(file).toString().replace('\\', '/');
            String label = c.getName().substring(c.getPackageName().length() + 1).replace('$', '.');
            if (!Files.isRegularFile(file)) {
                unlocated.add(where + ": " + label + " (no such source file)");
                continue;
            }
            String text = Files.readString(file);
            String doc;
            try {
                doc = javadocAbove(text, c);
            } catch (IllegalStateException e) {
                unlocated.add(where + ": " + label + " (" + e.getMessage() + ")");
                continue;
            }
            Map<String, String> params = params(doc);
            Set<String> names = new LinkedHashSet<>();
            records++;
            for (RecordComponent rc : c.getRecordComponents()) {
                components++;
                names.add(rc.getName());
                String said = params.get(rc.getName());
                if (said == null || said.isBlank()) missing.add(where + ": " + label + "." + rc.getName());
            }
            for (String p : params.keySet()) {
                if (!names.contains(p)) stale.add(where + ": " + label + " documents @param " + p + ", which is no component");
            }
        }
        assertTrue(unlocated.isEmpty(), "configuration records whose declaration or Javadoc was not found in the sources: " + unlocated);
        assertTrue(records >= 40, "found " + records + " configuration records");
        StringBuilder report = new StringBuilder();
        if (!missing.isEmpty()) {
            report.append(missing.size()).append(" of ").append(components).append(" configuration fields have no @param in the Javadoc ")
                    .append("above their record:\n  ").append(String.join("\n  ", missing)).append('\n');
        }
        if (!stale.isEmpty()) report.append("stale @param tags on configuration records:\n  ").append(String.join("\n  ", stale));
        assertTrue(report.isEmpty(), report::toString);
    }

    /** The compiled configuration records, as {@link ConfigRoundTripTest#noConfigurationRecordIsLeftOut} enumerates them. */
    static List<Class<?>> configurationRecords() throws Exception {
        Path classes = Path.of(Configs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(classes.resolve("org/spikekit")), "compiled classes at " + classes);
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(classes.resolve("org/spikekit"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = classes.relativize(p).toString().replace('/', '.').replace('\\', '.').replaceFirst("\\.class$", "");
                Class<?> c = Class.forName(name, false, Configs.class.getClassLoader());
                if (c.isRecord() && NAMED.matcher(c.getSimpleName()).matches()) out.add(c);
            }
        }
        return out;
    }

    /**
     * The text of the Javadoc comment directly above {@code c}'s declaration in {@code text} (only
     * annotations and modifiers may stand between them). The declaration is looked for outside comments
     * and string literals; where the file declares several records of that name, the one inside a type
     * named like {@code c}'s enclosing class is taken.
     */
    static String javadocAbove(String text, Class<?> c) {
        String code = maskCommentsAndStrings(text);
        Matcher m = Pattern.compile("\\brecord\\s+" + Pattern.quote(c.getSimpleName()) + "\\b\\s*(<|\\()").matcher(code);
        List<Integer> at = new ArrayList<>();
        while (m.find()) at.add(m.start());
        if (at.size() > 1) {
            // several records of this name in one file: keep those inside a type named like c's enclosing type
            Class<?> outer = c.getEnclosingClass();
            if (outer != null) {
                Pattern decl = Pattern.compile("\\b(class|interface|record|enum)\\s+" + Pattern.quote(outer.getSimpleName()) + "\\b");
                Matcher d = decl.matcher(code);
                if (d.find()) {
                    int from = d.start();
                    int end = closingBrace(code, code.indexOf('{', from));
                    at.removeIf(i -> i < from || i > end);
                }
            }
        }
        if (at.size() != 1) throw new IllegalStateException(at.size() + " declarations of record " + c.getSimpleName());
        int i = at.get(0);
        // step back over modifiers and annotations to the end of the comment above
        String before = text.substring(0, i);
        Matcher mods = Pattern.compile("(?:\\s*(?:@[\\w.]+(?:\\([^)]*\\))?|public|protected|private|static|final|strictfp|sealed|non-sealed))*\\s*$")
                .matcher(before);
        int end = mods.find() ? mods.start() : i;
        if (!text.startsWith("*/", end - 2)) throw new IllegalStateException("no Javadoc directly above record " + c.getSimpleName());
        int start = text.lastIndexOf("/**", end - 2);
        if (start < 0) throw new IllegalStateException("no Javadoc directly above record " + c.getSimpleName());
        return text.substring(start + 3, end - 2);
    }

    /** The {@code @param} tags of a Javadoc body: name to text, leading asterisks and whitespace removed. */
    static Map<String, String> params(String doc) {
        String body = doc.replaceAll("(?m)^\\s*\\*", " ");
        Matcher t = BLOCK_TAG.matcher(body);
        List<Integer> tags = new ArrayList<>();
        while (t.find()) tags.add(t.start());
        tags.add(body.length());
        Map<String, String> out = new LinkedHashMap<>();
        for (int k = 0; k + 1 < tags.size(); k++) {
            Matcher m = PARAM.matcher(body.substring(tags.get(k), tags.get(k + 1)));
            if (m.matches()) out.merge(m.group(1), m.group(2).strip(), (x, y) -> x + " " + y);
        }
        return out;
    }

    /** {@code text} with comments and string/char literals replaced by spaces (same length, newlines kept). */
    static String maskCommentsAndStrings(String text) {
        StringBuilder b = new StringBuilder(text);
        int n = text.length();
        int i = 0;
        while (i < n) {
            char ch = text.charAt(i);
            int end;
            if (text.startsWith("//", i)) {
                end = text.indexOf('\n', i);
                if (end < 0) end = n;
            } else if (text.startsWith("/*", i)) {
                end = text.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (text.startsWith("\"\"\"", i)) {
                end = text.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
            } else if (ch == '"' || ch == '\'') {
                end = i + 1;
                while (end < n && text.charAt(end) != ch) end += text.charAt(end) == '\\' ? 2 : 1;
                end = Math.min(n, end + 1);
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) if (b.charAt(k) != '\n') b.setCharAt(k, ' ');
            i = end;
        }
        return b.toString();
    }

    private static int closingBrace(String code, int open) {
        if (open < 0) return code.length();
        int depth = 0;
        for (int k = open; k < code.length(); k++) {
            if (code.charAt(k) == '{') depth++;
            else if (code.charAt(k) == '}' && --depth == 0) return k;
        }
        return code.length();
    }

    private static Path mainSources() {
        for (Path p : List.of(Path.of("src/main/java"), Path.of("lib/src/main/java"))) {
            if (Files.isDirectory(p.resolve("org/spikekit"))) return p;
        }
        throw new IllegalStateException("ConfigDocsTest: no src/main/java/org/spikekit under " + Path.of("").toAbsolutePath()
                + " (run from the lib module or the repository root)");
    }
}
