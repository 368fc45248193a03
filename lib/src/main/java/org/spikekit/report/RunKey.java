package org.spikekit.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.spikekit.config.Configs;
import org.spikekit.config.Json;
import org.spikekit.data.DataRecord;

/**
 * Everything that produced a stored result, so that the result is reused only when all of it
 * matches (results/README.md, "When a stored result is reused"): the model configuration, the
 * recipe (training and evaluation settings, seed, variant, preprocessing), the data files (their
 * SHA-256) and the library that computed it ({@link Library}). A paper driver builds the key of a
 * run before it looks at the run's file, stores it in the file it writes, and reads a stored run
 * back only when {@link #differences} finds nothing; otherwise it says what differs and computes
 * the run again.
 *
 * <p>Canonical text: the paper drivers write the model configuration and the recipe as the
 * canonical JSON of the configuration records the run is computed from ({@link Configs#toJson}:
 * record fields in declaration order, map keys sorted, floats and doubles in Java's shortest
 * round-trip form, no white space), so the text is the same in every JVM and for every equal
 * configuration; the model under its type's name ({@link Configs#typed}). Keys stored by kits
 * before that held the records' {@code toString} text instead: such a run is computed once more,
 * and {@link #differences} says so. A text that shows an object's identity hash
 * ({@code Foo@1b6d3586}, a lambda) is not canonical and is refused. Data lines are sorted by name;
 * nothing depends on file-system order, time, or hash-map order.
 *
 * @param model   the model configuration, e.g. {@code {"Rsnn.Config":{"inputs":96,"hidden":64,...}}}
 * @param recipe  the recipe: variant, mode, seed, stages, trainer configurations, preprocessing (a JSON object)
 * @param data    one line per data file, {@code <name> <real|synthetic> sha256=<hex>} (data held only
 *                in memory, without a file: {@code sha256=none generator=<its generator>}), sorted
 * @param library the code that computed the result
 */
public record RunKey(String model, String recipe, List<String> data, Library library) {

    /** What the log says when a stored result is reused. */
    public static final String SAME = "same model configuration, recipe, data and library";

    private static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9_$]@[0-9a-f]{4,}\\b|\\$\\$Lambda");

    public RunKey {
        canonical(model, "RunKey.model");
        canonical(recipe, "RunKey.recipe");
        Objects.requireNonNull(data, "RunKey.data");
        data = List.copyOf(new TreeSet<>(data));
        Objects.requireNonNull(library, "RunKey.library");
    }

    /** The key of a result computed by {@code library} from {@code files} with {@code model} and {@code recipe}. */
    public static RunKey of(String model, String recipe, Collection<DataRecord> files, Library library) {
        List<String> lines = new ArrayList<>();
        for (DataRecord r : files) lines.add(dataLine(r));
        return new RunKey(model, recipe, lines, library);
    }

    /** {@code <name> <source> sha256=<hex>}, or for data without a file {@code ... sha256=none generator=<generator>}. */
    public static String dataLine(DataRecord r) {
        String sum = r.sha256() == null || r.sha256().isBlank() ? "none generator=" + r.generator() : r.sha256();
        return r.name() + " " + r.source() + " sha256=" + sum;
    }

    /**
     * Refuses a description that is not canonical: {@code null}, or one that shows an object
     * identity ({@code Object.toString} of a non-record, a lambda), which differs between JVMs.
     */
    public static String canonical(String text, String what) {
        if (text == null) throw new IllegalArgumentException(what + " must not be null");
        if (IDENTITY.matcher(text).find()) {
            throw new IllegalArgumentException(what + " is not canonical: it shows an object identity, which changes from run to run: " + text);
        }
        return text;
    }

    /** SHA-256 (hex) of the model configuration, recipe, data lines and library classes: names caches built from this key. */
    public String hash() {
        MessageDigest md = sha256();
        for (String part : List.of(model, recipe, String.join("\n", data), library.classes())) {
            byte[] b = part.getBytes(StandardCharsets.UTF_8);
            md.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
            md.update((byte) ':');
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The first 12 hex digits of {@link #hash()}, for file names. */
    public String shortHash() { return hash().substring(0, 12); }

    /**
     * Why a result stored with key {@code stored} does not stand for one computed with this key:
     * one reason per part that differs (model configuration, recipe, data, library), each naming
     * the difference; empty when every part matches. A {@code null} stored key (a file written
     * before keys existed) is one reason.
     */
    public List<String> differences(RunKey stored) {
        if (stored == null) {
            return List.of("it was written by an older kit without a run key (its model configuration, data checksums and library are unknown)");
        }
        List<String> out = new ArrayList<>();
        if (!model.equals(stored.model)) out.add("model configuration differs (" + describe(stored.model, model) + ")");
        if (!recipe.equals(stored.recipe)) out.add("recipe differs (" + describe(stored.recipe, recipe) + ")");
        if (!data.equals(stored.data)) out.add("data changed (" + dataChange(stored.data, data) + ")");
        String lib = library.differences(stored.library);
        if (lib != null) out.add(lib);
        return List.copyOf(out);
    }

    /** {@link #differences} as one clause: {@code "model configuration differs (...); library changed (...)"}, or "" when none. */
    public String why(RunKey stored) { return String.join("; ", differences(stored)); }

    /**
     * What differs between a stored description and the current one. Both JSON (the kit's keys):
     * the first three changed fields by path ({@link Configs#differences}), behind the type name
     * of a typed model configuration: {@code Rsnn.Config: hidden 64 → 128}; more end in
     * {@code "; and more"}. One of them text (a key stored by an older kit): says so. Both text:
     * {@link #change}.
     */
    public static String describe(String before, String after) {
        Object a = json(before), b = json(after);
        if (a != null && b != null) {
            String head = "";
            if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb && ma.size() == 1 && ma.keySet().equals(mb.keySet())) {
                String k = (String) ma.keySet().iterator().next();
                if (k.matches("[A-Z][A-Za-z0-9_.$]*")) {
                    head = k + ": ";
                    a = ma.get(k);
                    b = mb.get(k);
                }
            }
            List<String> d = Configs.differences(a, b);
            if (!d.isEmpty()) {
                return head + String.join("; ", d.subList(0, Math.min(MAX_PARTS, d.size()))) + (d.size() > MAX_PARTS ? "; and more" : "");
            }
        } else if ((a == null) != (b == null)) {
            return "the stored run's key was written by an older kit as text; keys are canonical JSON now";
        }
        return change(before, after);
    }

    private static Object json(String s) {
        if (s == null || !s.startsWith("{")) return null;
        try {
            return Json.parse(s, "key");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The components of {@code before} and {@code after} that differ (a component runs between
     * separators such as {@code ", "}, {@code "; "} or brackets), the first three of them, each cut
     * to about 60 characters, behind the text's leading type name:
     * {@code Rsnn.Config …hidden=64… → …hidden=128…}; more differences end in {@code "; and more"}.
     * Text only added or only removed shows as {@code added …, c=3} / {@code removed …}.
     */
    public static String change(String before, String after) {
        // the common tail, cut back to a component boundary, is left out (it only shows as "…")
        int n = Math.min(before.length(), after.length());
        int p0 = 0;
        while (p0 < n && before.charAt(p0) == after.charAt(p0)) p0++;
        int q = 0;
        while (q < n - p0 && before.charAt(before.length() - 1 - q) == after.charAt(after.length() - 1 - q)) q++;
        if (before.length() - q == p0 || after.length() - q == p0) {      // text only added or only removed
            boolean added = before.length() - q == p0;
            String s = added ? after : before;
            return (added ? "added " : "removed ") + shown(s, p0, s.length() - q, p0 > 0, q > 0);
        }
        int endB = componentEnd(before, before.length() - q, false), endA = componentEnd(after, after.length() - q, false);
        boolean tail = endB < before.length();
        String b = before.substring(0, endB), a = after.substring(0, endA);
        List<String> parts = new ArrayList<>();
        String head = "";
        boolean consumed = false;
        while (!b.equals(a) && parts.size() < MAX_PARTS) {
            int m = Math.min(b.length(), a.length());
            int p = 0;
            while (p < m && b.charAt(p) == a.charAt(p)) p++;
            int start = p;
            while (start > 0 && !boundary(b.charAt(start - 1))) start--;
            if (!consumed) {
                int bracket = before.indexOf('[');
                if (bracket > 0 && bracket < start && before.substring(0, bracket).matches("[A-Za-z0-9_.$]+")) head = before.substring(0, bracket) + " ";
            }
            boolean lead = consumed || start > 0;
            if (p == b.length() || p == a.length()) {          // one holds more than the other: show the rest of both
                parts.add(shown(b, start, b.length(), lead, tail) + " → " + shown(a, start, a.length(), lead, tail));
                b = a = "";
                break;
            }
            int eb = componentEnd(b, p, true), ea = componentEnd(a, p, true);
            parts.add(shown(b, start, eb, lead, tail) + " → " + shown(a, start, ea, lead, tail));
            b = b.substring(eb);
            a = a.substring(ea);
            consumed = true;
        }
        if (!b.equals(a)) parts.add("and more");
        return head + String.join("; ", parts);
    }

    private static final int MAX_PARTS = 3, MAX_SHOWN = 60;

    private static boolean boundary(char c) {
        return c == ' ' || c == ',' || c == ';' || c == '[' || c == '(' || c == '{' || c == '\n';
    }

    /**
     * Where the component at position {@code p} ends: the next separator or closing bracket at or
     * after {@code p} (with {@code past}, at least one character past {@code p}).
     */
    private static int componentEnd(String s, int p, boolean past) {
        int e = p;
        if (past && e < s.length()) e++;
        while (e < s.length() && !(boundary(s.charAt(e)) || s.charAt(e) == ']' || s.charAt(e) == ')' || s.charAt(e) == '}')) e++;
        return e;
    }

    private static String shown(String s, int start, int end, boolean lead, boolean tail) {
        String mid = s.substring(start, end);
        if (mid.length() > MAX_SHOWN) return (lead ? "…" : "") + mid.substring(0, MAX_SHOWN) + "…";
        if (mid.isEmpty()) mid = "(nothing)";
        return (lead ? "…" : "") + mid + (end < s.length() || tail ? "…" : "");
    }

    private static String dataChange(List<String> before, List<String> after) {
        Map<String, String> b = byName(before), a = byName(after);
        TreeSet<String> names = new TreeSet<>(b.keySet());
        names.addAll(a.keySet());
        List<String> out = new ArrayList<>();
        for (String name : names) {
            String x = b.get(name), y = a.get(name);
            if (x == null) out.add(name + " added");
            else if (y == null) out.add(name + " no longer used");
            else if (!x.equals(y)) out.add(name + ": " + change(shortSha(x.substring(name.length()).strip()), shortSha(y.substring(name.length()).strip())));
        }
        return String.join(", ", out);
    }

    /** A SHA-256 in a data line, shown by its first 12 hex digits. */
    private static final Pattern SHA = Pattern.compile("(sha256=[0-9a-f]{12})[0-9a-f]{52}");

    private static String shortSha(String line) { return SHA.matcher(line).replaceAll("$1"); }

    private static Map<String, String> byName(List<String> lines) {
        Map<String, String> m = new TreeMap<>();
        for (String l : lines) {
            int sp = l.indexOf(' ');
            m.put(sp < 0 ? l : l.substring(0, sp), l);
        }
        return m;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The code that computed a result: a SHA-256 over the library's class files and resources as
     * loaded (the jar's entries, or the {@code target/classes} folder in tests), beside the kit
     * version for people to read.
     *
     * <p>What is hashed: every entry under {@code org/spikekit/} and {@code cuda/} (the CUDA kernels
     * the cuda backend compiles at run time), in name order, each as its name and the SHA-256 of its
     * content, except {@code org/spikekit/version.properties} (the version is kept beside the hash).
     * A class file is hashed without its debug information — line numbers, local-variable tables,
     * and the stack maps derived from the code — and with its constant pool rebuilt from what remains
     * ({@link java.lang.classfile.ClassFile}): an edit of comments or javadoc moves line numbers
     * only and leaves the fingerprint alone, while a change of any method body, field, constant or
     * resource (the SpikeNN configs) changes it. javac writes the same class files from the same
     * sources, and jar entries are hashed by content, so the jar's timestamps do not enter:
     * two builds of the same sources give the same fingerprint. A documentation- or notebook-only
     * commit leaves it alone; any change of the library's code, even one that cannot change a
     * number, changes it (the safe side: such a result is computed again).
     *
     * @param classes    SHA-256 (hex) of the entries; {@code unreadable: <reason>} when they could not
     *                   be read (then no stored result is reused)
     * @param entries    entries hashed
     * @param version    the kit's version ({@link org.spikekit.Kit#version()}), for people
     */
    public record Library(String classes, int entries, String version) {
        /** The prefix of {@link #classes} when the library's files could not be read. */
        public static final String UNREADABLE = "unreadable: ";

        public Library {
            Objects.requireNonNull(classes, "Library.classes");
            version = version == null ? "unknown" : version;
        }

        private static volatile Library current;

        /** The library this JVM runs (computed once, about half a second). */
        public static Library current() {
            Library l = current;
            if (l == null) {
                synchronized (Library.class) {
                    l = current;
                    if (l == null) current = l = locate();
                }
            }
            return l;
        }

        private static Library locate() {
            CodeSource cs = RunKey.class.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null) return new Library(UNREADABLE + "no code source for " + RunKey.class.getName(), 0, org.spikekit.Kit.version());
            try {
                return of(Path.of(cs.getLocation().toURI()));
            } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException | UncheckedIOException e) {
                return new Library(UNREADABLE + cs.getLocation() + ": " + e.getMessage(), 0, org.spikekit.Kit.version());
            }
        }

        /** The fingerprint of the library in {@code location}: a class folder or a jar. */
        public static Library of(Path location) {
            TreeMap<String, byte[]> digests = new TreeMap<>();
            try {
                if (Files.isDirectory(location)) {
                    try (Stream<Path> walk = Files.walk(location)) {
                        for (Path p : walk.filter(Files::isRegularFile).toList()) {
                            String name = location.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                            if (hashed(name)) digests.put(name, digest(name, Files.readAllBytes(p)));
                        }
                    }
                } else {
                    try (JarFile jar = new JarFile(location.toFile())) {
                        for (JarEntry e : java.util.Collections.list(jar.entries())) {
                            if (e.isDirectory() || !hashed(e.getName())) continue;
                            try (InputStream in = jar.getInputStream(e)) {
                                digests.put(e.getName(), digest(e.getName(), in.readAllBytes()));
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading the library's classes in " + location + ": " + e.getMessage(), e);
            }
            if (digests.isEmpty()) return new Library(UNREADABLE + "no org/spikekit classes in " + location, 0, org.spikekit.Kit.version());
            MessageDigest md = sha256();
            for (var e : digests.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.getValue());
            }
            return new Library(HexFormat.of().formatHex(md.digest()), digests.size(), org.spikekit.Kit.version());
        }

        private static boolean hashed(String name) {
            return (name.startsWith("org/spikekit/") || name.startsWith("cuda/")) && !name.equals("org/spikekit/version.properties");
        }

        private static final ClassFile CANONICAL = ClassFile.of(ClassFile.DebugElementsOption.DROP_DEBUG,
                ClassFile.LineNumbersOption.DROP_LINE_NUMBERS, ClassFile.ConstantPoolSharingOption.NEW_POOL,
                ClassFile.StackMapsOption.DROP_STACK_MAPS);

        /** SHA-256 of an entry: a class file without its debug information, any other file as it is. */
        static byte[] digest(String name, byte[] content) {
            byte[] b = content;
            if (name.endsWith(".class")) {
                try {
                    b = CANONICAL.transformClass(CANONICAL.parse(content), ClassTransform.ACCEPT_ALL);
                } catch (RuntimeException e) {
                    b = content;                // a class the API cannot read: hashed as it is (still deterministic)
                }
            }
            return sha256().digest(b);
        }

        /** The first 12 hex digits of {@link #classes} (or the whole text when unreadable). */
        public String shortId() { return readable() ? classes.substring(0, Math.min(12, classes.length())) : classes; }

        /** Whether the library's files could be read. */
        public boolean readable() { return !classes.startsWith(UNREADABLE); }

        /**
         * Why a result computed by {@code stored} does not stand for one of this library, or null
         * when the classes match: {@code library changed (classes a1b2… → c3d4…, kit 0.1 → 0.2)}.
         */
        public String differences(Library stored) {
            if (stored == null) return "library unknown (the stored key names none)";
            if (!readable()) return "library fingerprint unavailable (" + classes + ")";
            if (classes.equals(stored.classes)) return null;
            return "library changed (classes " + stored.shortId() + " → " + shortId()
                    + (version.equals(stored.version) ? "" : ", kit " + stored.version + " → " + version) + ")";
        }
    }
}
