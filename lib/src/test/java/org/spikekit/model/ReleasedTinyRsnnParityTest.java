package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Parameter;
import org.spikekit.data.DataException;
import org.spikekit.data.format.TorchCheckpoint;
import org.spikekit.metrics.DType;
import org.spikekit.testing.ReferenceSets;
import org.spikekit.train.Half;

/**
 * The authors' released tinyRSNN checkpoints (reference set {@code rsnn-released}, every
 * {@code models/<session>/tinyRSNN-*.pth} found) load into the kit's {@link Rsnn} with their exact
 * float16 values, and the kit's static NeuroBench metrics of each equal the published ones
 * ({@code results/results_tinyRSNN_<recording>.json}) — per session as multisets, since the
 * published lists are not in file order. The forward pass against {@code golden-indy01-tinyRSNN-1/}
 * depends on the time semantics and is checked elsewhere; here only the decay factors, which
 * follow from the loaded raw time-constant parameters alone.
 */
class ReleasedTinyRsnnParityTest {

    final Backend be = new CpuBackend();
    final Path set = ReferenceSets.set("rsnn-released");

    @TempDir
    Path tmp;

    List<Path> checkpoints() {
        List<Path> files = ReleasedRsnn.checkpoints(set);
        assertFalse(files.isEmpty(), "no models/<session>/tinyRSNN-*.pth under " + set);
        return files;
    }

    static String session(Path pth) { return pth.getParent().getFileName().toString(); }

    @Test
    void everyCheckpointLoadsWithItsExactValues() {
        for (Path f : checkpoints()) {
            String s = session(f);
            ReleasedRsnn r = ReleasedRsnn.load(be, f);
            Rsnn m = r.model();
            // the set's README: Indy sessions have 96 input channels, Loco 192
            int inputs = s.startsWith("indy") ? 96 : s.startsWith("loco") ? 192 : -1;
            if (inputs > 0) assertEquals(inputs, r.inputs(), f.toString());
            assertEquals(64, m.config().hidden(), f.toString());
            assertEquals(1, m.headCount());
            assertEquals(DType.FLOAT16, r.parameterType(), f.toString());
            assertEquals(64L * r.inputs() + 64 * 64 + 64 * 2 + 64 + 64 + 2 + 2, m.trainableCount(), f.toString());

            // every value of the file, transposed where the kit stores [in, out]
            expectTransposed(m.hiddenLayer().w(), r, ReleasedRsnn.INPUT_WEIGHT);
            expectTransposed(m.hiddenLayer().v(), r, ReleasedRsnn.RECURRENT_WEIGHT);
            expectTransposed(m.readout().w(), r, ReleasedRsnn.READOUT_WEIGHT);
            expectSame(m.hiddenLayer().tauMemRaw(), r, ReleasedRsnn.HIDDEN_MEM);
            expectSame(m.hiddenLayer().tauSynRaw(), r, ReleasedRsnn.HIDDEN_SYN);
            expectSame(m.readout().tauMemRaw(), r, ReleasedRsnn.READOUT_MEM);
            expectSame(m.readout().tauSynRaw(), r, ReleasedRsnn.READOUT_SYN);
            for (Parameter p : m.trainableParameters()) {
                for (float v : be.toHost(p.value())) assertTrue(Half.representable(v), p.name() + " of " + f);
            }

            // every other key of the file is an alias of a loaded tensor (same storage view)
            TorchCheckpoint ck = TorchCheckpoint.read(f);
            assertEquals(ck.keys().size() - ReleasedRsnn.KEYS.size(), r.aliases().size(), f.toString());
            for (var a : r.aliases().entrySet()) {
                assertTrue(ck.get(a.getKey()).sameView(ck.get(a.getValue())), a + " in " + f);
            }
        }
    }

    private void expectTransposed(Parameter p, ReleasedRsnn r, String key) {
        TorchCheckpoint.Entry e = r.tensor(key);
        int rows = e.shape()[0], cols = e.shape()[1];
        assertEquals(List.of(cols, rows), List.of(p.shape()[0], p.shape()[1]), key);
        short[] bits = r.halfBits(key);
        float[] v = be.toHost(p.value());
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float want = Float.float16ToFloat(bits[i * cols + j]);
                if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(v[j * rows + i])) {
                    fail(key + "[" + i + ", " + j + "] of " + r.file() + ": file " + want + ", model " + v[j * rows + i]);
                }
            }
        }
    }

    private void expectSame(Parameter p, ReleasedRsnn r, String key) {
        short[] bits = r.halfBits(key);
        float[] v = be.toHost(p.value());
        assertEquals(bits.length, v.length, key);
        for (int i = 0; i < v.length; i++) assertEquals(Float.float16ToFloat(bits[i]), v[i], 0f, key + "[" + i + "] of " + r.file());
    }

    @Test
    void staticMetricsEqualThePublishedOnes() {
        Map<String, List<Path>> bySession = new LinkedHashMap<>();
        for (Path f : checkpoints()) bySession.computeIfAbsent(session(f), k -> new ArrayList<>()).add(f);
        StringBuilder table = new StringBuilder("session  checkpoint       footprint  sparsity  dense  published entries (0-based) and their R2\n");
        for (var e : bySession.entrySet()) {
            ReleasedRsnn.Published pub = ReleasedRsnn.published(set, e.getKey());
            List<String> kit = new ArrayList<>();
            for (Path f : e.getValue()) {
                ReleasedRsnn.Static s = ReleasedRsnn.load(be, f).staticMetrics();
                List<Integer> match = pub.matching(s);
                List<String> r2 = match.stream().map(i -> String.format("%d: %.4f", i, pub.r2().get(i))).toList();
                table.append(String.format("%-8s %-16s %9d  %.4f  %5d  %s%n", e.getKey(), f.getFileName(), s.footprintBytes(),
                        s.connectionSparsity(), s.denseOps(), match.size() == 1 ? r2 : "tie " + r2));
                assertFalse(match.isEmpty(), f + ": kit static metrics " + s + " equal no published entry of " + pub.recording()
                        + " (footprint " + pub.footprint() + ", connection sparsity " + pub.connectionSparsity() + ", dense " + pub.dense() + ")");
                kit.add(key(s.footprintBytes(), s.connectionSparsity(), s.denseOps()));
            }
            List<String> published = new ArrayList<>();
            for (int i = 0; i < pub.size(); i++) {
                published.add(key(pub.footprint().get(i), pub.connectionSparsity().get(i), pub.dense().get(i)));
            }
            Collections.sort(kit);
            Collections.sort(published);
            // the checkpoints present are a sub-multiset of the published entries; all of them when the counts agree
            List<String> left = new ArrayList<>(published);
            for (String k : kit) {
                assertTrue(left.remove(k), e.getKey() + ": more checkpoints with " + k + " than published entries; kit "
                        + kit + ", published " + published);
            }
            if (kit.size() == published.size()) assertEquals(published, kit, e.getKey());
        }
        System.out.print(table);
    }

    private static String key(double footprint, double sparsity, double dense) {
        return String.format("footprint=%.0f sparsity=%.4f dense=%.0f", footprint, sparsity, dense);
    }

    @Test
    void goldenDecayFactorsFollowFromTheLoadedRawParameters() {
        ReleasedGolden g = ReleasedGolden.read(set.resolve("golden-indy01-tinyRSNN-1"));
        ReleasedRsnn r = ReleasedRsnn.load(be, set.resolve("models/indy01/tinyRSNN-1.pth"));
        assertEquals(r.inputs(), g.inputs());
        assertEquals(r.model().config().hidden(), g.hidden());
        Rsnn m = r.model();
        // README of the set: β = exp(−Δt/τ), τ = softplus(p)·τ0, each operation rounded to float16
        expectBetas(g.betasHidden(), 0, be.toHost(m.hiddenLayer().tauSynRaw().value()), 10e-3, "hidden β_syn");
        expectBetas(g.betasHidden(), 1, be.toHost(m.hiddenLayer().tauMemRaw().value()), 20e-3, "hidden β_mem");
        expectBetas(g.betasReadout(), 0, be.toHost(m.readout().tauSynRaw().value()), 10e-3, "readout β_syn");
        expectBetas(g.betasReadout(), 1, be.toHost(m.readout().tauMemRaw().value()), 50e-3, "readout β_mem");
        // a swapped assignment would not reproduce them (the two rows differ)
        assertFalse(Arrays.equals(Arrays.copyOfRange(g.betasHidden(), 0, 64), Arrays.copyOfRange(g.betasHidden(), 64, 128)));
    }

    private static void expectBetas(short[] golden, int row, float[] raw, double tau0, String what) {
        for (int i = 0; i < raw.length; i++) {
            float sp = Half.round((float) Math.log1p(Math.exp(raw[i])));
            float tau = Half.round((float) (sp * tau0));
            float arg = Half.round((float) (-4e-3 / tau));
            float beta = Half.round((float) Math.exp(arg));
            short want = golden[row * raw.length + i];
            assertEquals(Float.float16ToFloat(want), beta, 0f, what + "[" + i + "]");
        }
    }

    // ---- what is not a released tinyRSNN is refused ----------------------------------------------------

    @Test
    void refusesUnexpectedAndMissingKeys() throws IOException {
        Path src = set.resolve("models/indy01/tinyRSNN-1.pth");
        Path renamed = withPickleEdited(src, "renamed.pth", "output_group.mem_param_readout", "output_group.mem_param_readouX");
        DataException e1 = assertThrows(DataException.class, () -> ReleasedRsnn.load(be, renamed));
        assertTrue(e1.getMessage().contains("unexpected key 'output_group.mem_param_readouX'"), e1.getMessage());
        assertTrue(e1.getMessage().contains("renamed.pth"), e1.getMessage());

        Path missing = withPickleEdited(src, "missing.pth", "con2.op.weight", "con2.op.wXight");
        DataException e2 = assertThrows(DataException.class, () -> ReleasedRsnn.load(be, missing));
        assertTrue(e2.getMessage().contains("tinyRSNN key 'con2.op.weight' is missing"), e2.getMessage());
    }

    /** A copy of a checkpoint whose pickle has {@code from} replaced by {@code to} (same length). */
    private Path withPickleEdited(Path src, String name, String from, String to) throws IOException {
        assertEquals(from.length(), to.length());
        Path out = tmp.resolve(name);
        try (ZipFile z = new ZipFile(src.toFile()); OutputStream os = Files.newOutputStream(out);
             ZipOutputStream zo = new ZipOutputStream(os)) {
            for (var it = z.entries(); it.hasMoreElements(); ) {
                ZipEntry e = it.nextElement();
                byte[] b;
                try (InputStream in = z.getInputStream(e)) {
                    b = in.readAllBytes();
                }
                if (e.getName().endsWith("/data.pkl")) {
                    String s = new String(b, StandardCharsets.ISO_8859_1);
                    assertTrue(s.contains(from), from);
                    b = s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
                }
                zo.putNextEntry(new ZipEntry(e.getName()));
                zo.write(b);
                zo.closeEntry();
            }
        }
        return out;
    }
}
