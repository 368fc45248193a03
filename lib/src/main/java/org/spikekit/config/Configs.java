package org.spikekit.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Configurations as data: every configuration of the kit is a Java record (model configurations
 * such as {@code Rsnn.Config}, neuron parameters such as {@code LifParams}, trainer configurations,
 * the paper drivers' {@code Settings}), and this class writes any of them as JSON, reads it back,
 * and overrides fields by dotted path, with the same rules everywhere (notebooks, the sweep CLI,
 * run keys).
 *
 * <p>Mapping (generic over records; no annotations):
 * <ul>
 *   <li>a record is an object with one key per component, in declaration order (so the compact
 *       text is canonical: the same value always gives the same text); reading a record runs its
 *       canonical constructor, so its validation still applies;</li>
 *   <li>an enum is its constant's name; {@code boolean} is {@code true}/{@code false}; a
 *       {@code String} (or {@code char}) is a string;</li>
 *   <li>integers are JSON integers (an {@code int} field refuses {@code 1.5} and values out of
 *       range); {@code float} and {@code double} are written in Java's shortest round-trip form
 *       ({@link Float#toString}, {@link Double#toString}), so reading them back gives the same bits;
 *       non-finite values are written explicitly as the strings {@code "NaN"}, {@code "Infinity"},
 *       {@code "-Infinity"} (JSON has no such numbers) and read back only into float and double
 *       fields;</li>
 *   <li>a {@code List} and an array are JSON arrays; a {@code Map} with string (or enum) keys is an
 *       object whose keys are written sorted;</li>
 *   <li>a component declared as a sealed interface or abstract class holds one of its permitted
 *       records, written with an extra key {@code "@type"} naming the record's simple name;</li>
 *   <li>a component declared as a sealed interface whose value is null is left out when written,
 *       and reads back as null when it is missing: such a component is an optional choice whose
 *       absence means the record's default (e.g. {@code Rsnn.Config.neuron}, null for the LIF of
 *       {@code lif}), so adding one to a record leaves the text of its existing values unchanged.</li>
 * </ul>
 *
 * <p>Reading is strict ({@link Json}): an unknown field, a missing field or a value of the wrong
 * type is an {@link IllegalArgumentException} naming the JSON path, the record and its field, e.g.
 * {@code $.lif.tauMemS (LifParams.tauMemS, double): expected a number, got "x"}.
 */
public final class Configs {
    private Configs() {}

    /** The key that names the record of a sealed-interface component. */
    public static final String TYPE_KEY = "@type";

    // ================================================================== public API

    /** The canonical JSON text of {@code value}: no white space, record fields in declaration order, map keys sorted. */
    public static String toJson(Object value) { return Json.compact(tree(value)); }

    /** {@code value} as indented JSON, for notebooks and files. */
    public static String pretty(Object value) { return Json.pretty(tree(value)); }

    /** {@code value} as a JSON tree ({@link Json}): maps, lists, strings, {@link Json.Num}, booleans, nulls. */
    public static Object tree(Object value) {
        return encode(value, value == null ? Object.class : value.getClass(), "$", null, null);
    }

    /**
     * The canonical JSON of {@code value} under its type's name, {@code {"Rsnn.Config":{"inputs":96,...}}}:
     * how run keys name a model configuration ({@code org.spikekit.report.RunKey}).
     */
    public static String typed(Object value) {
        if (value == null) throw new IllegalArgumentException("typed: no value (null)");
        return Json.compact(Map.of(typeName(value.getClass()), tree(value)));
    }

    /**
     * What differs between two JSON trees, one entry per changed leaf in the first-found order,
     * {@code path before → after} with the path in {@link #override} syntax ({@code lif.tauMemS 0.02 → 0.03},
     * {@code readout.heads.1 added {...}}, {@code stages.context removed (was 49)}); values longer than
     * 40 characters are cut. Empty when the trees are equal.
     */
    public static List<String> differences(Object before, Object after) {
        List<String> out = new ArrayList<>();
        diff(before, after, "", out);
        return out;
    }

    private static void diff(Object a, Object b, String path, List<String> out) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            for (Object k : ma.keySet()) {
                String p = path.isEmpty() ? (String) k : path + "." + k;
                if (!mb.containsKey(k)) out.add(p + " removed (was " + cut(ma.get(k)) + ")");
                else diff(ma.get(k), mb.get(k), p, out);
            }
            for (Object k : mb.keySet()) if (!ma.containsKey(k)) out.add((path.isEmpty() ? (String) k : path + "." + k) + " added " + cut(mb.get(k)));
        } else if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
            for (int i = 0; i < la.size(); i++) diff(la.get(i), lb.get(i), path.isEmpty() ? Integer.toString(i) : path + "." + i, out);
        } else if (!java.util.Objects.equals(a, b)) {
            out.add((path.isEmpty() ? "" : path + " ") + cut(a) + " → " + cut(b));
        }
    }

    private static String cut(Object node) {
        String s = Json.compact(node);
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** Reads {@code json} as a {@code type}; errors name the JSON path, the record and its field. */
    public static <T> T fromJson(String json, Class<T> type) {
        return fromTree(Json.parse(json, typeName(type) + " JSON"), type);
    }

    /** Reads a JSON tree as a {@code type}. */
    public static <T> T fromTree(Object tree, Class<T> type) {
        @SuppressWarnings("unchecked")
        T t = (T) decode(tree, type, "$", null, null);
        return t;
    }

    /** Reads the JSON file {@code file} as a {@code type}; errors name the file. */
    public static <T> T read(Path file, Class<T> type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        try {
            return fromTree(Json.parse(text, file.toString()), type);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith(file.toString()) ? m : file + ": " + m, e);
        }
    }

    /** Writes {@code value} to {@code file} as {@link #pretty} JSON with a final newline. */
    public static void write(Path file, Object value) {
        try {
            Files.writeString(file, pretty(value) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A copy of {@code cfg} with fields set by {@code path=value} assignments, e.g.
     * {@code override(c, "lif.tauMemS=0.02", "hidden=128", "readout.heads.0.tauMemS=0.05")}. A path
     * is dotted field names from the top record (a list element by its index, a map entry by its
     * key); the value is JSON ({@code 128}, {@code 2e-3}, {@code true}, {@code [1, 2]},
     * {@code {"kind": "SUPERSPIKE", "scale": 20.0}}), or, when it is not JSON, the text as a string
     * (so {@code reset=SUBTRACT} names an enum constant without quotes). Every assignment is applied
     * before the record is built again, so its validation sees them all together. A path that does
     * not exist is refused, listing the fields at that level.
     */
    public static <T> T override(T cfg, String... assignments) { return override(cfg, Arrays.asList(assignments)); }

    /** {@link #override(Object, String...)} with a list of assignments. */
    public static <T> T override(T cfg, List<String> assignments) {
        if (cfg == null) throw new IllegalArgumentException("override: no configuration (null)");
        Object tree = Json.copy(tree(cfg));
        for (String a : assignments) {
            int eq = a == null ? -1 : a.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("override '" + a + "': expected path=value, e.g. hidden=128 or lif.tauMemS=0.02");
            tree = assign(tree, cfg.getClass(), a.substring(0, eq).strip(), a.substring(eq + 1).strip(), a);
        }
        try {
            @SuppressWarnings("unchecked")
            T t = (T) decode(tree, cfg.getClass(), "$", null, null);
            return t;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("override " + String.join(", ", assignments) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The fields of {@code type}, one line each, {@code path: type}, nested records expanded
     * ({@code lif.tauMemS: double}); a list of records shows its element's fields under
     * {@code heads.<i>.}. What {@link #override} accepts as paths.
     */
    public static List<String> fields(Class<?> type) {
        List<String> out = new ArrayList<>();
        fields(type, "", out, 0);
        return List.copyOf(out);
    }

    /** {@code Rsnn.Config} for {@code org.spikekit.model.Rsnn$Config}: the class with its enclosing classes, without the package. */
    public static String typeName(Class<?> c) {
        if (c.isArray()) return typeName(c.getComponentType()) + "[]";
        Class<?> outer = c.getEnclosingClass();
        return outer == null ? c.getSimpleName() : typeName(outer) + "." + c.getSimpleName();
    }

    // ================================================================== writing

    private static Object encode(Object v, Type declared, String path, Class<?> owner, String field) {
        if (v == null) return null;
        Class<?> c = v.getClass();
        if (v instanceof Boolean || v instanceof String) return v;
        if (v instanceof Character ch) return String.valueOf(ch);
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return new Json.Num(v.toString());
        if (v instanceof Float f) return Float.isFinite(f) ? new Json.Num(Float.toString(f)) : nonFinite(f);
        if (v instanceof Double d) return Double.isFinite(d) ? new Json.Num(Double.toString(d)) : nonFinite(d);
        if (v instanceof Enum<?> e) return e.name();
        if (c.isRecord()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Class<?> d = raw(declared);
            if (d != c && d != Object.class && (d.isInterface() || Modifier.isAbstract(d.getModifiers()))) m.put(TYPE_KEY, c.getSimpleName());
            for (RecordComponent rc : c.getRecordComponents()) {
                Object x;
                try {
                    var acc = rc.getAccessor();
                    acc.trySetAccessible();
                    x = acc.invoke(v);
                } catch (IllegalAccessException | InvocationTargetException ex) {
                    throw new IllegalArgumentException(path + ": cannot read " + typeName(c) + "." + rc.getName() + ": " + ex, ex);
                }
                if (x == null && optional(rc)) continue;            // an optional choice left at its default
                m.put(rc.getName(), encode(x, rc.getGenericType(), path + "." + rc.getName(), c, rc.getName()));
            }
            return m;
        }
        if (v instanceof List<?> l) {
            Type el = typeArg(declared, 0);
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) out.add(encode(l.get(i), el, path + "[" + i + "]", owner, field));
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            Type el = typeArg(declared, 1);
            Map<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String k = switch (e.getKey()) {
                    case String s -> s;
                    case Enum<?> en -> en.name();
                    case null, default -> throw new IllegalArgumentException(where(path, owner, field, declared)
                            + ": a map key must be a string or an enum to be written as JSON, got " + e.getKey());
                };
                sorted.put(k, encode(e.getValue(), el, path + "." + k, owner, field));
            }
            return new LinkedHashMap<>(sorted);
        }
        if (c.isArray()) {
            int n = Array.getLength(v);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(encode(Array.get(v, i), c.getComponentType(), path + "[" + i + "]", owner, field));
            return out;
        }
        throw new IllegalArgumentException(where(path, owner, field, declared) + ": a " + c.getName()
                + " cannot be written as configuration JSON (only records, enums, numbers, booleans, strings, lists, maps and arrays of them)");
    }

    private static String nonFinite(double d) { return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity"; }

    // ================================================================== reading

    private static Object decode(Object node, Type type, String path, Class<?> owner, String field) {
        Class<?> c = raw(type);
        if (node == null) {
            if (c.isPrimitive()) throw fail(path, owner, field, type, "expected " + expected(c) + ", got null");
            return null;
        }
        if (c == int.class || c == Integer.class) return integer(node, path, owner, field, type).intValueExact();
        if (c == long.class || c == Long.class) return integer(node, path, owner, field, type).longValueExact();
        if (c == short.class || c == Short.class) return integer(node, path, owner, field, type).shortValueExact();
        if (c == byte.class || c == Byte.class) return integer(node, path, owner, field, type).byteValueExact();
        if (c == double.class || c == Double.class) return real(node, path, owner, field, type, false);
        if (c == float.class || c == Float.class) return (float) real(node, path, owner, field, type, true);
        if (c == boolean.class || c == Boolean.class) {
            if (node instanceof Boolean b) return b;
            throw fail(path, owner, field, type, "expected true or false, got " + shown(node));
        }
        if (c == String.class) {
            if (node instanceof String s) return s;
            throw fail(path, owner, field, type, "expected a string, got " + shown(node));
        }
        if (c == char.class || c == Character.class) {
            if (node instanceof String s && s.length() == 1) return s.charAt(0);
            throw fail(path, owner, field, type, "expected a one-character string, got " + shown(node));
        }
        if (c.isEnum()) {
            if (node instanceof String s) {
                for (Object k : c.getEnumConstants()) if (((Enum<?>) k).name().equals(s)) return k;
            }
            throw fail(path, owner, field, type, "expected one of " + Arrays.stream(c.getEnumConstants()).map(k -> ((Enum<?>) k).name())
                    .collect(Collectors.joining(", ")) + ", got " + shown(node));
        }
        if (c.isRecord()) return record(node, c, path, owner, field, type);
        if (List.class.isAssignableFrom(c) || c == Collection.class) {
            if (!(node instanceof List<?> l)) throw fail(path, owner, field, type, "expected an array, got " + shown(node));
            Type el = typeArg(type, 0);
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) out.add(decode(l.get(i), el, path + "[" + i + "]", owner, field));
            return Collections.unmodifiableList(out);
        }
        if (Map.class.isAssignableFrom(c)) {
            if (!(node instanceof Map<?, ?> m)) throw fail(path, owner, field, type, "expected an object, got " + shown(node));
            Class<?> kt = raw(typeArg(type, 0));
            Type vt = typeArg(type, 1);
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = (String) e.getKey();
                Object key = kt == String.class || kt == Object.class ? k : decode(k, kt, path + "." + k, owner, field);
                out.put(key, decode(e.getValue(), vt, path + "." + k, owner, field));
            }
            return Collections.unmodifiableMap(out);
        }
        if (c.isArray()) {
            if (!(node instanceof List<?> l)) throw fail(path, owner, field, type, "expected an array, got " + shown(node));
            Type el = type instanceof GenericArrayType g ? g.getGenericComponentType() : c.getComponentType();
            Object a = Array.newInstance(c.getComponentType(), l.size());
            for (int i = 0; i < l.size(); i++) Array.set(a, i, decode(l.get(i), el, path + "[" + i + "]", owner, field));
            return a;
        }
        if (c.isSealed()) {
            if (!(node instanceof Map<?, ?> m)) throw fail(path, owner, field, type, "expected an object, got " + shown(node));
            Object tag = m.get(TYPE_KEY);
            Class<?> pick = tag instanceof String s ? permitted(c, s) : null;
            if (pick == null) {
                throw fail(path, owner, field, type, "expected \"" + TYPE_KEY + "\" naming one of " + Arrays.stream(c.getPermittedSubclasses())
                        .map(Class::getSimpleName).collect(Collectors.joining(", ")) + ", got " + shown(tag));
            }
            return record(node, pick, path, owner, field, type);
        }
        throw fail(path, owner, field, type, "a " + typeText(type) + " cannot be read from configuration JSON");
    }

    /** A component declared as a sealed interface: null is written by leaving it out. */
    private static boolean optional(RecordComponent rc) {
        Class<?> t = rc.getType();
        return t.isInterface() && t.isSealed();
    }

    private static Class<?> permitted(Class<?> sealed, String name) {
        for (Class<?> p : sealed.getPermittedSubclasses()) if (p.getSimpleName().equals(name) && p.isRecord()) return p;
        return null;
    }

    private static Object record(Object node, Class<?> c, String path, Class<?> owner, String field, Type declared) {
        if (!(node instanceof Map<?, ?> m)) throw fail(path, owner, field, declared, "expected an object (" + typeName(c) + "), got " + shown(node));
        RecordComponent[] rcs = c.getRecordComponents();
        List<String> names = Arrays.stream(rcs).map(RecordComponent::getName).toList();
        boolean tagged = c != raw(declared);
        for (Object k : m.keySet()) {
            if (!names.contains(k) && !(tagged && TYPE_KEY.equals(k))) {
                throw new IllegalArgumentException(path + "." + k + ": unknown field of " + typeName(c) + "; its fields: " + String.join(", ", names));
            }
        }
        List<String> missing = Arrays.stream(rcs).filter(rc -> !m.containsKey(rc.getName()) && !optional(rc))
                .map(RecordComponent::getName).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(path + ": " + typeName(c) + " misses field" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing));
        }
        Object[] args = new Object[rcs.length];
        Class<?>[] types = new Class<?>[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            types[i] = rcs[i].getType();
            args[i] = decode(m.get(rcs[i].getName()), rcs[i].getGenericType(), path + "." + rcs[i].getName(), c, rcs[i].getName());
        }
        try {
            Constructor<?> k = c.getDeclaredConstructor(types);
            k.trySetAccessible();
            return k.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            throw new IllegalArgumentException(path + " (" + typeName(c) + "): the values were refused: " + t.getMessage(), t);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(path + ": cannot build " + typeName(c) + ": " + e, e);
        }
    }

    private static BigDecimal integer(Object node, String path, Class<?> owner, String field, Type type) {
        Class<?> c = raw(type);
        if (node instanceof Json.Num n) {
            BigDecimal d = new BigDecimal(n.text());
            try {
                BigDecimal i = d.setScale(0);                   // refuses a fraction
                long lo = c == byte.class || c == Byte.class ? Byte.MIN_VALUE : c == short.class || c == Short.class ? Short.MIN_VALUE
                        : c == int.class || c == Integer.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
                long hi = c == byte.class || c == Byte.class ? Byte.MAX_VALUE : c == short.class || c == Short.class ? Short.MAX_VALUE
                        : c == int.class || c == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
                if (i.compareTo(BigDecimal.valueOf(lo)) < 0 || i.compareTo(BigDecimal.valueOf(hi)) > 0) {
                    throw fail(path, owner, field, type, "expected " + expected(c) + ", got " + n.text() + " (out of range)");
                }
                return i;
            } catch (ArithmeticException x) {
                throw fail(path, owner, field, type, "expected " + expected(c) + ", got " + n.text());
            }
        }
        throw fail(path, owner, field, type, "expected " + expected(c) + ", got " + shown(node));
    }

    private static double real(Object node, String path, Class<?> owner, String field, Type type, boolean single) {
        if (node instanceof Json.Num n) {
            double d = single ? Float.parseFloat(n.text()) : Double.parseDouble(n.text());
            if (Double.isInfinite(d)) throw fail(path, owner, field, type, n.text() + " is out of the " + (single ? "float" : "double") + " range");
            return d;
        }
        if (node instanceof String s) {
            switch (s) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default:
            }
        }
        throw fail(path, owner, field, type, "expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got " + shown(node));
    }

    private static String expected(Class<?> c) {
        if (c == int.class || c == long.class || c == short.class || c == byte.class || c == Integer.class || c == Long.class
                || c == Short.class || c == Byte.class) return "an integer";
        if (c == double.class || c == float.class || c == Double.class || c == Float.class) return "a number";
        if (c == boolean.class || c == Boolean.class) return "true or false";
        return "a value";
    }

    /** {@code $.lif.tauMemS (LifParams.tauMemS, double)}. */
    private static String where(String path, Class<?> owner, String field, Type type) {
        String what = owner == null ? typeText(type) : typeName(owner) + "." + field + ", " + typeText(type);
        return path + " (" + what + ")";
    }

    private static IllegalArgumentException fail(String path, Class<?> owner, String field, Type type, String what) {
        return new IllegalArgumentException(where(path, owner, field, type) + ": " + what);
    }

    private static String shown(Object node) {
        if (node instanceof Map<?, ?>) return "an object";
        if (node instanceof List<?>) return "an array";
        String s = Json.compact(node);
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    // ================================================================== overrides

    private static Object assign(Object tree, Class<?> root, String path, String valueText, String assignment) {
        if (path.isEmpty()) throw new IllegalArgumentException("override '" + assignment + "': no field named before '='");
        Object value;
        try {
            value = Json.parse(valueText, "override");
        } catch (IllegalArgumentException notJson) {
            value = valueText;                                   // a bare word: a string (enum constant, name)
        }
        String[] seg = path.split("\\.", -1);
        Type type = root;
        Object node = tree;
        String at = "$";
        for (int i = 0; i < seg.length; i++) {
            String s = seg[i];
            Class<?> c = raw(type);
            Object child;
            Type childType;
            if (c.isSealed() && node instanceof Map<?, ?> m && m.get(TYPE_KEY) instanceof String tag && permitted(c, tag) != null) {
                c = permitted(c, tag);
            }
            if (c.isRecord()) {
                RecordComponent rc = Arrays.stream(c.getRecordComponents()).filter(r -> r.getName().equals(s)).findFirst().orElse(null);
                if (rc == null) {
                    throw new IllegalArgumentException("override '" + assignment + "': " + typeName(c) + (at.equals("$") ? "" : " (at " + at + ")")
                            + " has no field '" + s + "'; its fields: " + Arrays.stream(c.getRecordComponents()).map(RecordComponent::getName)
                            .collect(Collectors.joining(", ")));
                }
                childType = rc.getGenericType();
                child = node instanceof Map<?, ?> m ? m.get(s) : null;
            } else if ((List.class.isAssignableFrom(c) || c.isArray()) && node instanceof List<?> l) {
                int k;
                try {
                    k = Integer.parseInt(s);
                } catch (NumberFormatException x) {
                    k = -1;
                }
                if (k < 0 || k >= l.size()) {
                    throw new IllegalArgumentException("override '" + assignment + "': " + at + " is a list of " + l.size()
                            + " elements; '" + s + "' is not an index 0…" + (l.size() - 1));
                }
                childType = c.isArray() ? c.getComponentType() : typeArg(type, 0);
                child = l.get(k);
            } else if (Map.class.isAssignableFrom(c) && node instanceof Map<?, ?> m) {
                childType = typeArg(type, 1);
                child = m.get(s);
            } else {
                throw new IllegalArgumentException("override '" + assignment + "': " + at + " is " + (node == null ? "null" : "of type " + typeText(type))
                        + ", which has no field '" + s + "'");
            }
            if (i == seg.length - 1) {
                set(node, s, value);
                return tree;
            }
            node = child;
            type = childType;
            at = at + "." + s;
        }
        throw new IllegalStateException("not reached");
    }

    @SuppressWarnings("unchecked")
    private static void set(Object container, String key, Object value) {
        if (container instanceof Map<?, ?> m) ((Map<String, Object>) m).put(key, value);
        else ((List<Object>) container).set(Integer.parseInt(key), value);
    }

    // ================================================================== field listing

    private static void fields(Type type, String prefix, List<String> out, int depth) {
        Class<?> c = raw(type);
        if (depth > 20) return;
        for (RecordComponent rc : c.getRecordComponents()) {
            String p = prefix + rc.getName();
            Type t = rc.getGenericType();
            out.add(p + ": " + typeText(t));
            Class<?> rt = raw(t);
            if (rt.isRecord()) fields(rt, p + ".", out, depth + 1);
            else if (List.class.isAssignableFrom(rt) && raw(typeArg(t, 0)).isRecord()) fields(typeArg(t, 0), p + ".<i>.", out, depth + 1);
        }
    }

    // ================================================================== types

    private static Class<?> raw(Type t) {
        return switch (t) {
            case Class<?> c -> c;
            case ParameterizedType p -> (Class<?>) p.getRawType();
            case GenericArrayType g -> Array.newInstance(raw(g.getGenericComponentType()), 0).getClass();
            case WildcardType w -> raw(w.getUpperBounds()[0]);
            default -> Object.class;
        };
    }

    private static Type typeArg(Type t, int i) {
        if (t instanceof ParameterizedType p && p.getActualTypeArguments().length > i) {
            Type a = p.getActualTypeArguments()[i];
            return a instanceof WildcardType w ? w.getUpperBounds()[0] : a;
        }
        return Object.class;
    }

    private static String typeText(Type t) {
        return switch (t) {
            case Class<?> c -> c.isPrimitive() ? c.getName() : typeName(c);
            case ParameterizedType p -> typeText(p.getRawType()) + "<" + Arrays.stream(p.getActualTypeArguments()).map(Configs::typeText)
                    .collect(Collectors.joining(", ")) + ">";
            case WildcardType w -> typeText(w.getUpperBounds()[0]);
            default -> t.getTypeName();
        };
    }
}
