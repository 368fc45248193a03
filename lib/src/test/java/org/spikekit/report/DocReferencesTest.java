package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reference to a paper note ({@code notebooks/papers/<paper>.md}) or to a numbered section of a
 * Markdown file ({@code <name>.md §N}) in the repository's text files — Java sources and resources,
 * notebooks (markdown and code cells), Markdown, CSV, shell, Python, Makefile, manifests — must name a
 * file that exists in the repository and a section number that is a heading of that file
 * ({@code ## 4 Model}, {@code ### 4.2 Readout}). A reference into {@code shared/} (the steering team's
 * folder, not shipped) always fails. Inside the paper notes, a bare {@code §N} refers to the note
 * itself and must exist too. Generated and downloaded trees (build outputs, {@code data/raw},
 * {@code data/synthetic}, {@code results/}, {@code figures/} except their READMEs) are not scanned.
 */
class DocReferencesTest {

    /** The four paper notes (besides the index README) every note-relative check knows. */
    static final List<String> NOTES = List.of("rsnn", "spikachu", "spikenn", "blocks");
    static final String NOTES_DIR = "notebooks/papers";

    /** A reference to a Markdown file: optional relative path, then the name. */
    private static final Pattern MD_REF = Pattern.compile("(?<![\\w/.+-])((?:[\\w.+-]+/)*)([\\w+-]+)\\.md\\b");
    /** The section list right after a file reference (matched from its end with {@code lookingAt}): {@code §4}, {@code §4.2–4.3}, {@code §3.2, §4}, {@code §3/§4}. */
    private static final Pattern SECTIONS = Pattern.compile(
            "[`'\"*)}]*[ \\t]*(§[ \\t]*\\d+(?:\\.\\d+)*(?:[ \\t]*[–-][ \\t]*§?[ \\t]*\\d+(?:\\.\\d+)*)?"
                    + "(?:[ \\t]*(?:,|/|;|and|or)[ \\t]*§[ \\t]*\\d+(?:\\.\\d+)*(?:[ \\t]*[–-][ \\t]*§?[ \\t]*\\d+(?:\\.\\d+)*)?)*)");
    /** A section number written without its §, right after a note reference ({@code rsnn.md 2.5}). */
    private static final Pattern NUMBER_WITHOUT_MARK = Pattern.compile("[`'\"*)}]*[ \\t]+\\d+\\.\\d+\\b");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)*");
    private static final Pattern BARE_SECTION = Pattern.compile("§[ \\t]*(\\d+(?:\\.\\d+)*)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}[ \\t]+(\\d+(?:\\.\\d+)*)[ \\t.]");

    /** One broken reference. */
    record Problem(String file, int line, String reference, String why) {
        @Override public String toString() { return file + ":" + line + ": '" + reference + "' — " + why; }
    }

    /** Resolves references against a project root; caches each file's section numbers. */
    static final class Checker {
        private final Path root;
        private final Map<Path, Set<String>> sections = new HashMap<>();

        Checker(Path root) { this.root = root.toAbsolutePath().normalize(); }

        Set<String> sectionsOf(Path md) {
            return sections.computeIfAbsent(md, p -> {
                try {
                    Set<String> s = new LinkedHashSet<>();
                    Matcher m = HEADING.matcher(Files.readString(p, StandardCharsets.UTF_8));
                    while (m.find()) s.add(m.group(1));
                    return s;
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
                }
            });
        }

        /** The file a reference written in {@code fromRel} names, or null when the repository lacks it. */
        Path resolve(String fromRel, String dir, String name) {
            String file = dir + name + ".md";
            List<Path> candidates = new ArrayList<>();
            Path from = root.resolve(fromRel).getParent();
            if (from != null) candidates.add(from.resolve(file));
            candidates.add(root.resolve(file));
            if (dir.isEmpty() || dir.endsWith("papers/")) candidates.add(root.resolve(NOTES_DIR).resolve(name + ".md"));
            for (Path c : candidates) {
                Path n = c.toAbsolutePath().normalize();
                if (n.startsWith(root) && Files.isRegularFile(n)) return n;
            }
            return null;
        }

        /** The problems of one text ({@code rel} = its path under the root, for resolving and reporting). */
        List<Problem> check(String rel, String text) {
            List<Problem> out = new ArrayList<>();
            List<int[]> explicit = new ArrayList<>();
            Matcher m = MD_REF.matcher(text);
            while (m.find()) {
                String dir = m.group(1), name = m.group(2), ref = m.group();
                Matcher sec = SECTIONS.matcher(text).region(m.end(), text.length());
                boolean hasSections = sec.lookingAt();
                boolean paperRef = dir.contains("papers/") || NOTES.contains(name) || name.startsWith("audit-");
                if (!paperRef && !hasSections) continue;  // an ordinary file name; not this test's business
                String shown = hasSections ? ref + text.substring(m.end(), sec.end()) : ref;
                int line = lineOf(text, m.start());
                Matcher bare = NUMBER_WITHOUT_MARK.matcher(text).region(m.end(), text.length());
                if (paperRef && !hasSections && bare.lookingAt()) {
                    out.add(new Problem(rel, line, ref + text.substring(m.end(), bare.end()), "a section number needs its § (write " + name + ".md §N)"));
                    continue;
                }
                if (dir.contains("shared/")) {
                    out.add(new Problem(rel, line, shown, "points into shared/, which is not part of the repository; cite "
                            + NOTES_DIR + "/<paper>.md or data/reference/<set>/README.md"));
                    continue;
                }
                Path target = resolve(rel, dir, name);
                if (target == null) {
                    out.add(new Problem(rel, line, shown, "no such file in the repository (notes live in " + NOTES_DIR + "/)"));
                    continue;
                }
                if (!hasSections) continue;
                explicit.add(new int[] {m.start(), sec.end()});
                Set<String> have = sectionsOf(target);
                Matcher num = NUMBER.matcher(sec.group(1));
                while (num.find()) {
                    if (!have.contains(num.group())) {
                        out.add(new Problem(rel, line, shown, "§" + num.group() + " is not a section of " + root.relativize(target)
                                + " (sections: " + have + ")"));
                    }
                }
            }
            // Inside a paper note, a bare §N means a section of that note.
            String noteName = noteOf(rel);
            if (noteName != null) {
                Set<String> own = sectionsOf(root.resolve(rel).toAbsolutePath().normalize());
                Matcher b = BARE_SECTION.matcher(text);
                outer:
                while (b.find()) {
                    for (int[] span : explicit) if (b.start() >= span[0] && b.start() < span[1]) continue outer;
                    if (!own.contains(b.group(1))) {
                        out.add(new Problem(rel, lineOf(text, b.start()), b.group(), "§" + b.group(1) + " is not a section of this note (sections: " + own + ")"));
                    }
                }
            }
            return out;
        }

        private static String noteOf(String rel) {
            for (String n : NOTES) if (rel.equals(NOTES_DIR + "/" + n + ".md")) return n;
            return null;
        }
    }

    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    /** Directories never scanned: build outputs, downloaded and generated data, editor folders. */
    private static final Set<String> SKIP_NAMES = Set.of(".git", "target", "node_modules", ".ipynb_checkpoints", ".idea", ".vscode");
    private static final Set<String> SKIP_PATHS = Set.of("data/raw", "data/synthetic", "data/features", "data/.cache", "env/kernel", "env/jupyter");
    /** This test's own source: its examples of broken references are meant to be broken. */
    private static final String SELF = "lib/src/test/java/org/spikekit/report/DocReferencesTest.java";
    /** Only their READMEs are tracked; the rest is output. */
    private static final Set<String> OUTPUT_DIRS = Set.of("results", "figures");

    /** The text of a file as the test reads it: notebooks as their cells' sources, binary files as null. */
    static String textOf(Path f) throws IOException {
        if (Files.size(f) > 4_000_000) return null;
        byte[] b = Files.readAllBytes(f);
        for (int i = 0; i < Math.min(b.length, 8192); i++) if (b[i] == 0) return null;
        String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(b)).toString();
        if (!f.getFileName().toString().endsWith(".ipynb")) return s;
        JsonNode cells = new ObjectMapper().readTree(s).path("cells");
        StringBuilder out = new StringBuilder();
        for (JsonNode c : cells) {
            if (c.path("source").isArray()) c.path("source").forEach(l -> out.append(l.asText()));
            else out.append(c.path("source").asText());
            out.append('\n');
        }
        return out.toString();
    }

    /** Every problem of every scanned file under {@code root}, and how many files were scanned. */
    static List<Problem> scan(Path root, int[] scanned) throws IOException {
        Path r = root.toAbsolutePath().normalize();
        Checker checker = new Checker(r);
        List<Problem> problems = new ArrayList<>();
        Files.walkFileTree(r, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(r)) return FileVisitResult.CONTINUE;
                String rel = r.relativize(dir).toString().replace('\\', '/');
                if (SKIP_NAMES.contains(dir.getFileName().toString()) || SKIP_PATHS.contains(rel)) return FileVisitResult.SKIP_SUBTREE;
                for (String o : OUTPUT_DIRS) if (rel.startsWith(o + "/")) return FileVisitResult.SKIP_SUBTREE;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isRegularFile()) return FileVisitResult.CONTINUE;
                String rel = r.relativize(file).toString().replace('\\', '/');
                int slash = rel.indexOf('/');
                if (slash > 0 && OUTPUT_DIRS.contains(rel.substring(0, slash)) && !rel.endsWith("/README.md")) return FileVisitResult.CONTINUE;
                if (rel.equals(SELF)) return FileVisitResult.CONTINUE;
                String text = textOf(file);
                if (text == null) return FileVisitResult.CONTINUE;
                scanned[0]++;
                problems.addAll(checker.check(rel, text));
                return FileVisitResult.CONTINUE;
            }
        });
        return problems;
    }

    private static Path root() {
        return Notebook.findRoot(null, Path.of("").toAbsolutePath());
    }

    @Test
    void everyReferenceResolves() throws IOException {
        int[] scanned = {0};
        List<Problem> problems = scan(root(), scanned);
        assertTrue(scanned[0] > 100, "scanned only " + scanned[0] + " files under " + root());
        assertTrue(problems.isEmpty(), problems.size() + " reference(s) to files or sections the repository lacks:\n"
                + String.join("\n", problems.stream().map(Problem::toString).toList()));
    }

    @Test
    void everyNoteHasTheCommonSections() {
        Checker c = new Checker(root());
        for (String n : NOTES) {
            Path p = root().resolve(NOTES_DIR).resolve(n + ".md");
            assertTrue(Files.isRegularFile(p), "missing paper note " + p);
            Set<String> s = c.sectionsOf(p);
            for (int i = 1; i <= 9; i++) assertTrue(s.contains(String.valueOf(i)), n + ".md lacks the common section §" + i + " (has " + s + ")");
        }
        assertTrue(Files.isRegularFile(root().resolve(NOTES_DIR).resolve("README.md")), "missing " + NOTES_DIR + "/README.md");
    }

    @Test
    void theCheckerFindsBrokenReferences(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve(NOTES_DIR));
        Files.writeString(tmp.resolve(NOTES_DIR).resolve("rsnn.md"), "# RSNN\n## 1 Paper\n## 2 Kit\n### 2.1 Where\nsee §2.1 and §7\n");
        Files.createDirectories(tmp.resolve("lib"));
        Checker c = new Checker(tmp);

        // Good references: full path, shorthand, relative to a notebook, section lists and ranges.
        assertEquals(List.of(), c.check("lib/A.java", "(notebooks/papers/rsnn.md §2.1; rsnn.md §1–2, §2.1)"));
        assertEquals(List.of(), c.check("notebooks/10_x.ipynb", "`papers/rsnn.md` §2"));
        assertEquals(List.of(), c.check("README.md", "see data/README.md for the layout; rsnn.md is the note"));

        List<Problem> p = c.check("lib/B.java", "a rsnn.md §3 b\nc ../shared/papers/rsnn.md §1\nd papers/spikachu.md §1\ne `papers/rsnn.md` §2.1–2.9\nf audit-x.md\ng other.md §1\nh (rsnn.md 2.1)");
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), p.stream().map(Problem::line).toList(), p.toString());
        assertTrue(p.get(0).why().contains("§3 is not a section"), p.get(0).toString());
        assertTrue(p.get(1).why().contains("shared/"), p.get(1).toString());
        assertTrue(p.get(2).why().contains("no such file"), p.get(2).toString());
        assertTrue(p.get(3).why().contains("§2.9"), p.get(3).toString());
        assertTrue(p.get(4).why().contains("no such file"), p.get(4).toString());
        assertTrue(p.get(5).why().contains("no such file"), p.get(5).toString());
        assertTrue(p.get(6).why().contains("needs its §"), p.get(6).toString());

        // Inside a note a bare § is checked against the note itself.
        List<Problem> own = c.check(NOTES_DIR + "/rsnn.md", Files.readString(tmp.resolve(NOTES_DIR).resolve("rsnn.md")));
        assertEquals(1, own.size(), own.toString());
        assertTrue(own.getFirst().why().contains("§7"), own.toString());

        // A notebook's § arrives JSON-escaped; the cells' sources are what is checked.
        Path nb = tmp.resolve("notebooks/20_x.ipynb");
        Files.writeString(nb, "{\"cells\":[{\"cell_type\":\"markdown\",\"source\":[\"`papers/rsnn.md` \\u00a78\"]}]}");
        List<Problem> inNb = c.check("notebooks/20_x.ipynb", textOf(nb));
        assertEquals(1, inNb.size(), inNb.toString());
        assertTrue(inNb.getFirst().why().contains("§8"), inNb.toString());
    }
}
