package org.spikekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's packages form layers: a package may use its own layer and the layers below it,
 * never one above. This test reads every main source file ({@code src/main/java}), takes its
 * {@code package} line, its {@code import}s (single-type, wildcard and static) and the fully
 * qualified {@code org.spikekit.…} names in its code (comments and string literals are skipped:
 * a Javadoc link is documentation, not a dependency), and fails naming the file, line and
 * reference of every use of a higher layer.
 *
 * <p>{@link #ORDER} lists the layers bottom to top; a sub-package not listed has its parent's layer
 * ({@code compute.cuda} is {@code compute}, {@code train.stdp} is {@code train}). A package with no
 * layer fails the test: add it to {@link #ORDER} where it belongs.
 */
class LayeringTest {

    /** Bottom to top. Names are relative to {@code org.spikekit}; {@code ""} is the root package. */
    static final List<String> ORDER = List.of(
            "",          // Kit: the build's version; imports nothing of the kit
            "compute",   // tensors, backends (compute.cuda)
            "config",    // JSON configurations
            "io",        // atomic file writes
            "core",      // Module, Parameter, Init, Losses, SequenceModel, Float16: what layers and models share
            "data",      // data sets (data.format, data.reaching, data.perich, data.allen, data.images, data.spiking)
            "metrics",   // NeuroBench metrics, energy
            "neuron",    // LIF/ALIF layers and kernels
            "nn",        // Spikachu / baseline layers
            "model",     // networks
            "train",     // trainers, optimisers, checkpoints (train.stdp: SpikeNN readout learning rules)
            "report",    // Notebook, figures, tables, provenance, RunKey
            "features",  // STDP-CSNN features (cached under a report.RunKey)
            "nir",       // NIR import/export of models
            "paper",     // one driver per paper
            "sweep",     // sweeps of paper runs (local, SLURM)
            "bench");    // benchmarks

    private static final String ROOT = "org.spikekit";

    @Test
    void noUpwardImports() throws IOException {
        Path src = mainSources();
        List<String> violations = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(src)) {
            files = s.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals("module-info.java")).sorted().toList();
        }
        assertTrue(files.size() > 100, "expected the library's sources under " + src + ", found " + files.size() + " files");
        for (Path f : files) {
            Source s = parse(Files.readString(f));
            int from = rank(s.pkg, src.relativize(f).toString());
            for (Ref r : s.refs) {
                if (rank(r.pkg, src.relativize(f) + " (reference " + r.text + ")") <= from) continue;
                violations.add(src.relativize(f) + ":" + r.line + ": " + r.text + "  (" + layer(s.pkg) + " uses higher layer " + layer(r.pkg) + ")");
            }
        }
        if (!violations.isEmpty()) {
            fail(violations.size() + " upward uses (layers bottom to top: " + ORDER.stream().map(o -> o.isEmpty() ? "(root)" : o).toList() + "):\n  "
                    + String.join("\n  ", violations));
        }
    }

    /** Every package states its layer in a package-info.java. */
    @Test
    void everyPackageHasPackageInfo() throws IOException {
        Path src = mainSources();
        List<String> missing = new ArrayList<>();
        try (Stream<Path> s = Files.walk(src)) {
            for (Path dir : s.filter(Files::isDirectory).sorted().toList()) {
                boolean hasJava;
                try (Stream<Path> in = Files.list(dir)) {
                    hasJava = in.anyMatch(p -> p.toString().endsWith(".java") && !p.getFileName().toString().equals("module-info.java"));
                }
                if (hasJava && !Files.exists(dir.resolve("package-info.java"))) missing.add(src.relativize(dir).toString());
            }
        }
        assertEquals(List.of(), missing, "packages without package-info.java (state the package's layer there)");
    }

    /** The parser finds the kinds of reference the layering test relies on, and skips comments and strings. */
    @Test
    void parserFindsEveryKindOfReference() {
        Source s = parse("""
                package org.spikekit.nn;

                import java.util.List;
                import org.spikekit.compute.Tensor;
                import org.spikekit.train.*;
                import static org.spikekit.model.Rsnn.create;
                import static org.spikekit.paper.RsnnPaper.*;
                /** {@link org.spikekit.bench.BenchMain} */
                class X {
                    // org.spikekit.sweep.Sweep in a comment
                    String s = "org.spikekit.report.Notebook in a string";
                    Object o = new org.spikekit.features.Zca();
                    Object n = org.spikekit.compute.cuda.CudaBackend.Provider.class;
                }
                """);
        assertEquals("org.spikekit.nn", s.pkg);
        Map<String, String> byPkg = new TreeMap<>();
        for (Ref r : s.refs) byPkg.put(r.pkg, r.cls + "@" + r.line);
        assertEquals(Map.of(
                "org.spikekit.compute", "Tensor@4",
                "org.spikekit.train", "null@5",
                "org.spikekit.model", "Rsnn@6",
                "org.spikekit.paper", "RsnnPaper@7",
                "org.spikekit.features", "Zca@12",
                "org.spikekit.compute.cuda", "CudaBackend@13"), byPkg);
        assertEquals(ORDER.indexOf("compute"), rank("org.spikekit.compute.cuda", "x"));
        assertEquals(ORDER.indexOf("train"), rank("org.spikekit.train.stdp", "x"));
        assertEquals(0, rank("org.spikekit", "x"));
        assertEquals(ORDER.indexOf("data"), rank("org.spikekit.data.format.hdf5", "x"));
        assertTrue(rank("org.spikekit.data", "x") < rank("org.spikekit.report", "x"));
        assertTrue(rank("org.spikekit.paper", "x") > rank("org.spikekit.model", "x"));
    }

    // --- parsing ---------------------------------------------------------------------------------

    record Ref(String pkg, String cls, int line, String text) {}

    record Source(String pkg, List<Ref> refs) {}

    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
    private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s+(static\\s+)?(org\\.spikekit(?:\\.\\w+)*?)(\\.\\*)?\\s*;");
    /** A fully qualified name in code: lower-case package segments, then a class name. */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])(org\\.spikekit(?:\\.[a-z]\\w*)*)\\.([A-Z]\\w*)");

    static Source parse(String text) {
        String code = blankCommentsAndStrings(text);
        Matcher pm = PACKAGE.matcher(code);
        if (!pm.find()) throw new IllegalArgumentException("no package line");
        String pkg = pm.group(1);
        List<Ref> refs = new ArrayList<>();
        Matcher im = IMPORT.matcher(code);
        int importsEnd = pm.end();
        while (im.find()) {
            importsEnd = Math.max(importsEnd, im.end());
            String name = im.group(2);
            boolean wildcard = im.group(3) != null;
            // the package is the run of segments before the first upper-case one (a class)
            String[] parts = name.split("\\.");
            int k = 0;
            while (k < parts.length && !Character.isUpperCase(parts[k].charAt(0))) k++;
            String target = String.join(".", java.util.Arrays.copyOf(parts, k));
            String cls = k < parts.length ? parts[k] : null;
            if (cls == null && !wildcard) throw new IllegalArgumentException("import without a class: " + im.group());
            refs.add(new Ref(target, cls, line(code, im.start(2)), im.group().strip()));
        }
        Matcher qm = QUALIFIED.matcher(code);
        qm.region(importsEnd, code.length());
        while (qm.find()) refs.add(new Ref(qm.group(1), qm.group(2), line(code, qm.start()), qm.group()));
        return new Source(pkg, refs);
    }

    /** Replaces comments and string/char literals by spaces, keeping line breaks (so lines still count). */
    static String blankCommentsAndStrings(String s) {
        StringBuilder b = new StringBuilder(s);
        int n = s.length();
        for (int i = 0; i < n; ) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') b.setCharAt(i++, ' ');
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) if (s.charAt(i) != '\n') b.setCharAt(i, ' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                for (; i < end; i++) if (s.charAt(i) != '\n') b.setCharAt(i, ' ');
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') j += s.charAt(j) == '\\' ? 2 : 1;
                for (int end = Math.min(j + 1, n); i < end; i++) b.setCharAt(i, ' ');
            } else {
                i++;
            }
        }
        return b.toString();
    }

    private static int line(String s, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) if (s.charAt(i) == '\n') line++;
        return line;
    }

    // --- layers ----------------------------------------------------------------------------------

    /** The layer index of {@code pkg}: its own entry in {@link #ORDER}, else its nearest listed parent's. */
    static int rank(String pkg, String where) {
        if (pkg.equals(ROOT)) return ORDER.indexOf("");
        if (!pkg.startsWith(ROOT + ".")) throw new IllegalArgumentException(where + ": package " + pkg + " is outside " + ROOT);
        String rel = pkg.substring(ROOT.length() + 1);
        while (true) {
            int i = ORDER.indexOf(rel);
            if (i > 0) return i;
            int dot = rel.lastIndexOf('.');
            if (dot < 0) break;
            rel = rel.substring(0, dot);
        }
        fail(where + ": package " + pkg + " has no layer; add it to LayeringTest.ORDER where it belongs");
        return -1;
    }

    private static String layer(String pkg) {
        return pkg.equals(ROOT) ? "(root)" : pkg.substring(ROOT.length() + 1);
    }

    private static Path mainSources() {
        for (Path p : List.of(Path.of("src/main/java"), Path.of("lib/src/main/java"))) {
            if (Files.isDirectory(p.resolve("org/spikekit"))) return p;
        }
        throw new IllegalStateException("LayeringTest: no src/main/java/org/spikekit under " + Path.of("").toAbsolutePath()
                + " (run from the lib module or the repository root)");
    }
}
