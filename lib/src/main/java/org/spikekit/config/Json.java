package org.spikekit.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader and writer (RFC 8259) for configuration values, on a plain tree:
 * {@code Map<String, Object>} (objects, keys in file order), {@code List<Object>} (arrays),
 * {@link String}, {@link Num} (numbers, kept as their text so that a float is parsed once, as a
 * float), {@link Boolean} and {@code null}.
 *
 * <p>Strict: one value and nothing after it but white space; no duplicate keys, comments, trailing
 * commas, single quotes, leading zeros, {@code NaN} or {@code Infinity} literals. Errors name the
 * line and column.
 *
 * <p>Two written forms: {@link #compact} (no white space at all; with {@link Configs} the canonical
 * text of a configuration, whose object keys come in a fixed order) and {@link #pretty} (two-space
 * indentation, arrays of scalars on one line) for people.
 */
public final class Json {
    private Json() {}

    /** A JSON number, as written (e.g. {@code 0.02}, {@code 1.0E-16}, {@code -3}). */
    public record Num(String text) {
        public Num {
            if (text == null || !text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                throw new IllegalArgumentException("not a JSON number: " + text);
            }
        }

        @Override public String toString() { return text; }
    }

    // ------------------------------------------------------------------ reading

    /** The tree of {@code text}; {@code source} names it in errors (a file name, "override"). */
    public static Object parse(String text, String source) {
        Reader r = new Reader(text, source);
        r.space();
        Object v = r.value(0);
        r.space();
        if (r.pos < text.length()) throw r.error("unexpected text after the value");
        return v;
    }

    private static final int MAX_DEPTH = 200;

    private static final class Reader {
        final String s;
        final String source;
        int pos;

        Reader(String s, String source) {
            if (s == null) throw new IllegalArgumentException((source == null ? "JSON" : source) + ": no text (null)");
            this.s = s;
            this.source = source == null ? "JSON" : source;
        }

        IllegalArgumentException error(String what) {
            int line = 1, col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') { line++; col = 1; } else col++;
            }
            String near = pos < s.length() ? " near '" + s.substring(pos, Math.min(s.length(), pos + 20)) + "'" : " at the end";
            return new IllegalArgumentException(source + ": invalid JSON at line " + line + ", column " + col + ": " + what + near);
        }

        void space() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++;
                else break;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
            if (pos >= s.length()) throw error("expected a value");
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) yield number();
                    throw error("expected a value (object, array, string, number, true, false or null)");
                }
            };
        }

        Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) throw error("expected " + word);
            pos += word.length();
            return v;
        }

        Num number() {
            int start = pos;
            if (s.charAt(pos) == '-') pos++;
            if (pos < s.length() && s.charAt(pos) == '0') {
                pos++;
                if (pos < s.length() && Character.isDigit(s.charAt(pos))) throw error("a number must not have a leading zero");
            } else if (!digits()) {
                throw error("expected digits");
            }
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                if (!digits()) throw error("expected digits after the decimal point");
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
                if (!digits()) throw error("expected digits in the exponent");
            }
            return new Num(s.substring(start, pos));
        }

        boolean digits() {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
            return pos > start;
        }

        String string() {
            pos++;                                    // opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return b.toString();
                if (c < 0x20) { pos--; throw error("control character in a string (write it as \\u" + String.format("%04x", (int) c) + ")"); }
                if (c != '\\') { b.append(c); continue; }
                if (pos >= s.length()) throw error("unterminated escape");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("short \\u escape");
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> { pos--; throw error("unknown escape \\" + e); }
                }
            }
        }

        Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            space();
            if (pos < s.length() && s.charAt(pos) == '}') { pos++; return m; }
            while (true) {
                space();
                if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a key in double quotes");
                int keyAt = pos;
                String k = string();
                if (m.containsKey(k)) { pos = keyAt; throw error("duplicate key \"" + k + "\""); }
                space();
                if (pos >= s.length() || s.charAt(pos) != ':') throw error("expected ':' after a key");
                pos++;
                space();
                m.put(k, value(depth + 1));
                space();
                if (pos < s.length() && s.charAt(pos) == ',') { pos++; continue; }
                if (pos < s.length() && s.charAt(pos) == '}') { pos++; return m; }
                throw error("expected ',' or '}'");
            }
        }

        List<Object> array(int depth) {
            pos++;
            List<Object> l = new ArrayList<>();
            space();
            if (pos < s.length() && s.charAt(pos) == ']') { pos++; return l; }
            while (true) {
                space();
                l.add(value(depth + 1));
                space();
                if (pos < s.length() && s.charAt(pos) == ',') { pos++; continue; }
                if (pos < s.length() && s.charAt(pos) == ']') { pos++; return l; }
                throw error("expected ',' or ']'");
            }
        }
    }

    // ------------------------------------------------------------------ writing

    /** {@code tree} without any white space. */
    public static String compact(Object tree) {
        StringBuilder b = new StringBuilder();
        write(b, tree, -1, 0);
        return b.toString();
    }

    /** {@code tree} indented by two spaces per level, arrays of scalars on one line, ending without a newline. */
    public static String pretty(Object tree) {
        StringBuilder b = new StringBuilder();
        write(b, tree, 2, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, int indent, int level) {
        switch (v) {
            case null -> b.append("null");
            case Boolean x -> b.append(x);
            case Num n -> b.append(n.text());
            case String x -> quote(b, x);
            case Map<?, ?> m -> {
                if (m.isEmpty()) { b.append("{}"); return; }
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) b.append(',');
                    first = false;
                    newline(b, indent, level + 1);
                    quote(b, (String) e.getKey());
                    b.append(indent < 0 ? ":" : ": ");
                    write(b, e.getValue(), indent, level + 1);
                }
                newline(b, indent, level);
                b.append('}');
            }
            case List<?> l -> {
                if (l.isEmpty()) { b.append("[]"); return; }
                boolean flat = indent < 0 || l.stream().noneMatch(x -> x instanceof Map || x instanceof List);
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) b.append(flat && indent >= 0 ? ", " : ",");
                    if (!flat) newline(b, indent, level + 1);
                    write(b, l.get(i), indent, level + 1);
                }
                if (!flat) newline(b, indent, level);
                b.append(']');
            }
            default -> throw new IllegalArgumentException("not a JSON tree node: " + v.getClass().getName());
        }
    }

    private static void newline(StringBuilder b, int indent, int level) {
        if (indent < 0) return;
        b.append('\n');
        b.repeat(' ', indent * level);
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    /** A deep, mutable copy of a tree (objects keep their key order). */
    static Object copy(Object tree) {
        return switch (tree) {
            case Map<?, ?> m -> {
                Map<String, Object> c = new LinkedHashMap<>();
                m.forEach((k, v) -> c.put((String) k, copy(v)));
                yield c;
            }
            case List<?> l -> {
                List<Object> c = new ArrayList<>();
                for (Object x : l) c.add(copy(x));
                yield c;
            }
            case null -> null;
            default -> tree;
        };
    }
}
