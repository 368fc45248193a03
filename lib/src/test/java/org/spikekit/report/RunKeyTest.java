package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.MethodModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.config.Configs;
import org.spikekit.data.DataRecord;
import org.spikekit.model.Rsnn;

class RunKeyTest {
    static final RunKey.Library LIB = new RunKey.Library("a".repeat(64), 3, "1.0");

    static DataRecord file(String name, String sha) { return new DataRecord(name, "real", "raw/" + name, sha, ""); }

    @Test
    void equalPartsGiveEqualKeysAndHashesWhateverTheOrderOfTheDataFiles() {
        RunKey a = RunKey.of("M[x=1]", "r", List.of(file("b", "22"), file("a", "11")), LIB);
        RunKey b = RunKey.of("M[x=1]", "r", List.of(file("a", "11"), file("b", "22"), file("a", "11")), LIB);
        assertEquals(a, b);
        assertEquals(a.hash(), b.hash());
        assertEquals(List.of("a real sha256=11", "b real sha256=22"), a.data());
        assertTrue(a.differences(b).isEmpty());
        assertEquals("", a.why(b));
        assertEquals(12, a.shortHash().length());
        // a different part gives a different hash; a different library version alone does not (classes decide)
        assertNotEquals(a.hash(), RunKey.of("M[x=2]", "r", List.of(file("a", "11")), LIB).hash());
        RunKey relabelled = RunKey.of("M[x=1]", "r", List.of(file("b", "22"), file("a", "11")), new RunKey.Library(LIB.classes(), 3, "2.0"));
        assertEquals(a.hash(), relabelled.hash());
        assertTrue(a.differences(relabelled).isEmpty(), "the version is for people; the classes decide");
    }

    @Test
    void differencesNameEachPartAndWhatChanged() {
        Rsnn.Config c64 = Rsnn.Config.tiny(96), c128 = c64.withHidden(128);
        RunKey stored = RunKey.of("Rsnn." + c64, "seed=1; lr=0.002", List.of(file("indy", "0123456789abcdef".repeat(4))), LIB);
        RunKey now = RunKey.of("Rsnn." + c128, "seed=2; lr=0.002", List.of(file("indy", "fedcba9876543210".repeat(4)), file("loco", "99")),
                new RunKey.Library("b".repeat(64), 3, "1.1"));
        List<String> d = now.differences(stored);
        assertEquals(List.of(
                "model configuration differs (Rsnn.Config …hidden=64… → …hidden=128…)",
                "recipe differs (seed=1… → seed=2…)",
                "data changed (indy: …sha256=0123456789ab → …sha256=fedcba987654, loco added)",
                "library changed (classes aaaaaaaaaaaa → bbbbbbbbbbbb, kit 1.0 → 1.1)"), d);
        assertEquals(String.join("; ", d), now.why(stored));
        assertTrue(now.why(null).contains("older kit without a run key"));
        assertEquals("library fingerprint unavailable (unreadable: test)",
                new RunKey.Library(RunKey.Library.UNREADABLE + "test", 0, "1").differences(new RunKey.Library(RunKey.Library.UNREADABLE + "test", 0, "1")),
                "an unreadable library never matches, not even itself");
    }

    @Test
    void changeShowsTheFirstThreeDifferingComponents() {
        assertEquals("…b=2… → …b=3…; …d=4 → …d=5", RunKey.change("a=1, b=2, c=3, d=4", "a=1, b=3, c=3, d=5"));
        assertEquals("M …x=12… → …x=22…", RunKey.change("M[x=12, y=2]", "M[x=22, y=2]"));
        assertEquals("added …b=2, …", RunKey.change("{a=1, c=3}", "{a=1, b=2, c=3}"));
        assertEquals("removed …, lr=3…", RunKey.change("{a=1, lr=3}", "{a=1}"));
        assertEquals("…b=2… → …b=3…; …c=3… → …c=4…; …d=4… → …d=5…; and more", RunKey.change("a=1, b=2, c=3, d=4, e=5", "a=1, b=3, c=4, d=5, e=6"));
        assertEquals("added …, c=3", RunKey.change("a=1, b=2", "a=1, b=2, c=3"));
    }

    @Test
    void descriptionsThatShowAnObjectIdentityAreRefused() {
        Object o = new Object();
        var e = assertThrows(IllegalArgumentException.class, () -> RunKey.of("M[x=" + o + "]", "r", List.of(), LIB));
        assertTrue(e.getMessage().contains("RunKey.model is not canonical"), e.getMessage());
        Runnable lambda = () -> {};
        assertThrows(IllegalArgumentException.class, () -> RunKey.of("M", "r " + lambda, List.of(), LIB));
        assertThrows(IllegalArgumentException.class, () -> RunKey.of("M", "w=" + new float[1], List.of(), LIB));
        // the configuration records the drivers key with are canonical
        RunKey.canonical(Rsnn.Config.big(96).toString(), "big");
        RunKey.canonical(org.spikekit.train.Trainer.Config.rsnn(3, 1).toString(), "trainer");
        RunKey.canonical(org.spikekit.model.SpikachuDecoder.Config.paper(300).toString(), "spikachu");
        RunKey.canonical(org.spikekit.train.Pruning.Schedule.rsnn().toString(), "pruning");
    }

    @Test
    void theLibraryFingerprintIgnoresDebugInformationAndJarTimestampsButNotCode(@TempDir Path tmp) throws Exception {
        byte[] cls;
        try (InputStream in = RunKey.class.getResourceAsStream("RunKey.class")) {
            cls = in.readAllBytes();
        }
        ClassFile cf = ClassFile.of();
        byte[] noLines = ClassFile.of(ClassFile.LineNumbersOption.DROP_LINE_NUMBERS, ClassFile.DebugElementsOption.DROP_DEBUG)
                .transformClass(cf.parse(cls), ClassTransform.ACCEPT_ALL);
        assertFalse(java.util.Arrays.equals(cls, noLines));
        assertArrayEquals(RunKey.Library.digest("x.class", cls), RunKey.Library.digest("x.class", noLines),
                "line numbers and local variable names (what a comment edit moves) do not count");
        String dropped = cf.parse(cls).methods().stream().map(m -> m.methodName().stringValue()).filter(n -> n.equals("shortHash")).findFirst().orElseThrow();
        byte[] lessCode = cf.transformClass(cf.parse(cls), ClassTransform.dropping(e -> e instanceof MethodModel m && m.methodName().equalsString(dropped)));
        assertFalse(java.util.Arrays.equals(RunKey.Library.digest("x.class", cls), RunKey.Library.digest("x.class", lessCode)), "code counts");

        // a folder and a jar of the same entries (other timestamps, other order) have one fingerprint
        Path dir = tmp.resolve("classes");
        Files.createDirectories(dir.resolve("org/spikekit/report"));
        Files.createDirectories(dir.resolve("cuda"));
        Files.write(dir.resolve("org/spikekit/report/RunKey.class"), cls);
        Files.writeString(dir.resolve("cuda/k.cu"), "__global__ void k() {}");
        Files.writeString(dir.resolve("org/spikekit/version.properties"), "version=9");
        Files.writeString(dir.resolve("README.txt"), "not hashed");
        RunKey.Library fromDir = RunKey.Library.of(dir);
        assertEquals(2, fromDir.entries());
        Path jar = tmp.resolve("lib.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("cuda/k.cu", "org/spikekit/report/RunKey.class", "org/spikekit/version.properties")) {
                JarEntry e = new JarEntry(name);
                e.setLastModifiedTime(FileTime.fromMillis(1_000_000_000_000L + name.length()));
                out.putNextEntry(e);
                out.write(name.endsWith(".class") ? noLines : Files.readAllBytes(dir.resolve(name)));
                out.closeEntry();
            }
        }
        assertEquals(fromDir, RunKey.Library.of(jar));
        Files.writeString(dir.resolve("cuda/k.cu"), "__global__ void k() { int i; }");
        assertNotEquals(fromDir.classes(), RunKey.Library.of(dir).classes(), "a changed kernel counts");
        assertFalse(RunKey.Library.of(tmp.resolve("classes/cuda")).readable(), "a folder without the library is no fingerprint");
    }

    @Test
    void theRunningLibraryIsFingerprintedOnce() {
        RunKey.Library a = RunKey.Library.current();
        assertTrue(a.readable(), a.classes());
        assertTrue(a.entries() > 300, "every class of the library: " + a.entries());
        assertTrue(a == RunKey.Library.current());
        assertNull(a.differences(new RunKey.Library(a.classes(), a.entries(), "other")));
    }

    /** Keys written as canonical JSON (the paper drivers): what differs is named by field path. */
    @Test
    void jsonKeysNameTheChangedFieldsByPath() {
        String m64 = Configs.typed(Rsnn.Config.tiny(96));
        String m128 = Configs.typed(Configs.override(Rsnn.Config.tiny(96), "hidden=128", "lif.tauMemS=0.03"));
        assertEquals("Rsnn.Config: hidden 64 → 128; lif.tauMemS 0.02 → 0.03", RunKey.describe(m64, m128));
        assertEquals("a 1 → 2; b.c \"x\" → \"y\"; d removed (was [1,2]); and more",
                RunKey.describe("{\"a\":1,\"b\":{\"c\":\"x\"},\"d\":[1,2]}", "{\"a\":2,\"b\":{\"c\":\"y\"},\"e\":true}"));
        RunKey stored = RunKey.of("Rsnn.Config[inputs=96, hidden=64]", "seed=1", List.of(), LIB);
        RunKey now = RunKey.of(m64, "{\"seed\":1}", List.of(), LIB);
        assertEquals(List.of("model configuration differs (the stored run's key was written by an older kit as text; keys are canonical JSON now)",
                "recipe differs (the stored run's key was written by an older kit as text; keys are canonical JSON now)"), now.differences(stored));
    }
}
