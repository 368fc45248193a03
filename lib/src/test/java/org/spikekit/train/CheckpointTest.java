package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.data.SequenceSet;
import org.spikekit.model.Rsnn;

/** Checkpoints: exact resumption, file format checks, strict loading, atomic writes. */
class CheckpointTest {
    final Backend be = new CpuBackend();
    final SequenceSet train = TinyTask.velocity(20, 40, 12, 1L), val = TinyTask.velocity(6, 40, 12, 2L);

    @TempDir
    Path dir;

    private static Map<String, float[]> weights(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Parameter p : m.parameters()) out.put(p.name(), p.backend().toHost(p.value()));
        return out;
    }

    private static void assertSameWeights(Module a, Module b) {
        Map<String, float[]> wa = weights(a), wb = weights(b);
        assertEquals(wa.keySet(), wb.keySet());
        for (String n : wa.keySet()) assertArrayEquals(wa.get(n), wb.get(n), 0f, n);
    }

    @Test
    void resumedRunIsBitIdenticalToUninterruptedRun() {
        int epochs = 6, k = 3;
        Trainer.Config cfg = TinyTask.config(epochs, 11L);
        Trainer.EpochCallback cb = (model, e) -> Map.of("epochPlusOne", e.epoch() + 1.0);

        Rsnn a = TinyTask.model(be, train, 16, 5L);
        Trainer.History ha = new Trainer(cfg).fit(a, train, val, cb);

        Path ck = dir.resolve("run.ckpt");
        Rsnn b = TinyTask.model(be, train, 16, 5L);
        Trainer.Run first = new Trainer(cfg).start(b, train, val);
        first.runTo(k, cb, ck, 1);
        assertEquals(k, Checkpoint.read(ck).progress().epochsDone());

        // a fresh model with another init seed and a fresh trainer: everything must come from the file
        Rsnn c = TinyTask.model(be, train, 16, 99L);
        Trainer.History hc = new Trainer(cfg).resume(ck, c, train, val, cb, 1);

        assertSameWeights(a, c);
        assertEquals(ha, hc, "history incl. initial val R2, per-epoch loss, lr, train/val R2 and callback metrics");
        double[] va = ha.epochs().stream().mapToDouble(Trainer.Epoch::valR2).toArray();
        double[] vc = hc.epochs().stream().mapToDouble(Trainer.Epoch::valR2).toArray();
        assertArrayEquals(va, vc, 0.0);
        assertEquals(Trainer.evaluate(a, val, 8), Trainer.evaluate(c, val, 8), 0.0);
        // and the final checkpoint (optimiser moments included) equals one written by the uninterrupted run
        Checkpoint end = Checkpoint.read(ck);
        assertEquals(epochs, end.progress().epochsDone());
        Trainer.Run again = new Trainer(cfg).start(TinyTask.model(be, train, 16, 5L), train, val);
        again.runTo(epochs, cb);
        Checkpoint ref = again.checkpoint();
        assertEquals(ref.parameters(), end.parameters());
        assertEquals(ref.optimizer().buffers(), end.optimizer().buffers());
        assertEquals(ref.optimizer().scalars(), end.optimizer().scalars());
    }

    @Test
    void fitOrResumeContinuesAfterACrash() {
        Trainer.Config cfg = TinyTask.config(4, 3L);
        Path ck = dir.resolve("job.ckpt");
        Rsnn ref = TinyTask.model(be, train, 12, 1L);
        Trainer.History hr = new Trainer(cfg).fit(ref, train, null, null);
        // the first attempt dies in epoch 3 (index 2), after the checkpoint of epoch 2 was written
        Rsnn m1 = TinyTask.model(be, train, 12, 1L);
        RuntimeException crash = assertThrows(RuntimeException.class, () -> new Trainer(cfg).fitOrResume(ck, m1, train, null,
                (m, e) -> { if (e.epoch() == 2) throw new RuntimeException("simulated crash"); return null; }, 1));
        assertEquals("simulated crash", crash.getMessage());
        assertEquals(2, Checkpoint.read(ck).progress().epochsDone());
        Rsnn m2 = TinyTask.model(be, train, 12, 42L);
        Trainer.History h2 = new Trainer(cfg).fitOrResume(ck, m2, train, null, null, 1);
        assertSameWeights(ref, m2);
        assertEquals(hr, h2);
    }

    @Test
    void checkpointRoundTripsEveryField() {
        Rsnn m = TinyTask.model(be, train, 8, 3L);
        Trainer.Run run = new Trainer(TinyTask.config(2, 7L)).start(m, train, val);
        run.runTo(2, (mm, e) -> Map.of("x", 0.5 * e.epoch()));
        Checkpoint ck = run.checkpoint().withMeta("model.seed", "3");
        Path f = ck.write(dir.resolve("a.ckpt"));
        Checkpoint back = Checkpoint.read(f);
        assertEquals(ck.parameters(), back.parameters());
        assertEquals(ck.meta(), back.meta());
        assertEquals("3", back.meta().get("model.seed"));
        assertEquals(ck.progress(), back.progress());
        assertEquals(ck.optimizer().kind(), back.optimizer().kind());
        assertEquals(ck.optimizer().buffers(), back.optimizer().buffers());
        assertEquals(run.optimizer().steps(), back.optimizer().scalar("steps", "t"), 0.0);
        assertEquals(run.optimizer().lr(), (float) back.optimizer().scalar("lr", "t"), 0f);
        assertTrue(back.maskArrays().isEmpty());
        assertTrue(back.source().contains(f.toString()));
    }

    @Test
    void writesAreAtomicAndLeaveNoTemporaryFiles() throws IOException {
        Rsnn m = TinyTask.model(be, train, 8, 3L);
        Path f = dir.resolve("m.ckpt");
        Checkpoint.of(m).write(f);
        byte[] before = Files.readAllBytes(f);
        // a write that fails half-way (value beyond the float16 range) leaves the old file as it was
        Map<String, HostArray> bad = new LinkedHashMap<>(Checkpoint.of(m).parameters());
        bad.put("hidden.w", new HostArray(new int[] {1}, new float[] {1e6f}));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.ofArrays(bad).write(f, Checkpoint.Precision.FP16));
        assertTrue(e.getMessage().contains("hidden.w") && e.getMessage().contains("float16"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary files left behind");
        }
    }

    // ---- errors --------------------------------------------------------------------------------

    private Path written() {
        Rsnn m = TinyTask.model(be, train, 8, 3L);
        Trainer.Run run = new Trainer(TinyTask.config(1, 7L)).start(m, train, null);
        run.runTo(1, null);
        return run.save(dir.resolve("ok.ckpt"));
    }

    private static void assertMessage(Throwable t, String... parts) {
        for (String p : parts) assertTrue(t.getMessage().contains(p), "'" + p + "' missing in: " + t.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope.ckpt");
        assertMessage(assertThrows(CheckpointException.class, () -> Checkpoint.read(f)), f.toString(), "not found");
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        Path ok = written();
        byte[] all = Files.readAllBytes(ok);
        for (int keep : new int[] {all.length - 1, all.length / 2, 15, 3, 0}) {
            Path f = dir.resolve("cut" + keep + ".ckpt");
            Files.write(f, Arrays.copyOf(all, keep));
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(f));
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
            if (keep >= 8) assertMessage(e, "truncated");
        }
    }

    @Test
    void corruptPayloadFailsTheChecksum() throws IOException {
        byte[] all = Files.readAllBytes(written());
        all[Checkpoint.HEADER_BYTES + 40] ^= 0x10;
        Path f = Files.write(dir.resolve("flip.ckpt"), all);
        assertMessage(assertThrows(CheckpointException.class, () -> Checkpoint.read(f)), f.toString(), "corrupt", "CRC-32");
    }

    @Test
    void wrongMagicAndVersionAreNamed() throws IOException {
        Path txt = Files.writeString(dir.resolve("notes.ckpt"), "just some text, long enough to have a header");
        assertMessage(assertThrows(CheckpointException.class, () -> Checkpoint.read(txt)), txt.toString(), "not a SpikeKit checkpoint");
        byte[] all = Files.readAllBytes(written());
        ByteBuffer.wrap(all).putInt(8, Checkpoint.VERSION + 1);
        Path f = Files.write(dir.resolve("v2.ckpt"), all);
        assertMessage(assertThrows(CheckpointException.class, () -> Checkpoint.read(f)), f.toString(),
                "format version " + (Checkpoint.VERSION + 1), "reads versions 1 to " + Checkpoint.VERSION, "newer");
    }

    @Test
    void versionOneFilesAreReadWithoutBurnIn() throws IOException {
        Rsnn m = TinyTask.model(be, train, 8, 3L);
        Trainer.Config cfg = TinyTask.config(4, 11L);
        Path f2 = Checkpoint.of(m).withProgress(new Checkpoint.Progress(cfg.withBurnIn(7), 0, 0.25, List.of())).write(dir.resolve("v2.ckpt"));
        Checkpoint.Progress p2 = Checkpoint.read(f2).progress();
        assertEquals(7, p2.config().burnIn());
        // the same file in format 1: the payload ends with burn-in (int32), epochs done (int32),
        // initial val R2 (float64), history count (int32); drop the burn-in and re-seal
        byte[] all = Files.readAllBytes(f2);
        int len = (int) ByteBuffer.wrap(all).getLong(12);
        int at = Checkpoint.HEADER_BYTES + len - 20;
        assertEquals(7, ByteBuffer.wrap(all).getInt(at));
        byte[] payload = new byte[len - 4];
        System.arraycopy(all, Checkpoint.HEADER_BYTES, payload, 0, at - Checkpoint.HEADER_BYTES);
        System.arraycopy(all, at + 4, payload, at - Checkpoint.HEADER_BYTES, len - (at - Checkpoint.HEADER_BYTES) - 4);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(payload);
        ByteBuffer v1 = ByteBuffer.allocate(Checkpoint.HEADER_BYTES + payload.length + Checkpoint.TRAILER_BYTES);
        v1.put(Checkpoint.MAGIC).putInt(1).putLong(payload.length).put(payload).putInt((int) crc.getValue());
        Path f1 = Files.write(dir.resolve("v1.ckpt"), v1.array());
        Checkpoint.Progress p1 = Checkpoint.read(f1).progress();
        assertEquals(0, p1.config().burnIn());
        assertEquals(cfg, p1.config());
        assertEquals(0.25, p1.initialValR2());
        assertEquals(0, p1.epochsDone());
    }

    @Test
    void versionTwoFilesAreReadWithoutTheBatchMeanTrainR2() throws IOException {
        Rsnn m = TinyTask.model(be, train, 8, 3L);
        Trainer.Config cfg = TinyTask.config(4, 11L);
        Trainer.Epoch ep = new Trainer.Epoch(0, 2e-3, 0.5, 0.4, 0.1, 0.31, 0.297, 0.2, Map.of());
        Path f3 = Checkpoint.of(m).withProgress(new Checkpoint.Progress(cfg, 1, 0.25, List.of(ep))).write(dir.resolve("v3.ckpt"));
        assertEquals(0.297, Checkpoint.read(f3).progress().history().get(0).trainR2Batches());
        // format 2: the one epoch ends with val R2 (float64), then the metrics count (int32); no batch-mean R2
        byte[] all = Files.readAllBytes(f3);
        int len = (int) ByteBuffer.wrap(all).getLong(12);
        int at = Checkpoint.HEADER_BYTES + len - 4 - 8;            // the batch-mean train R2 of the last epoch
        assertEquals(0.297, ByteBuffer.wrap(all).getDouble(at));
        byte[] payload = new byte[len - 8];
        System.arraycopy(all, Checkpoint.HEADER_BYTES, payload, 0, at - Checkpoint.HEADER_BYTES);
        System.arraycopy(all, at + 8, payload, at - Checkpoint.HEADER_BYTES, 4);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(payload);
        ByteBuffer v2 = ByteBuffer.allocate(Checkpoint.HEADER_BYTES + payload.length + Checkpoint.TRAILER_BYTES);
        v2.put(Checkpoint.MAGIC).putInt(2).putLong(payload.length).put(payload).putInt((int) crc.getValue());
        Trainer.Epoch back = Checkpoint.read(Files.write(dir.resolve("v2.ckpt"), v2.array())).progress().history().get(0);
        assertEquals(0.31, back.trainR2());
        assertEquals(0.2, back.valR2());
        assertTrue(Double.isNaN(back.trainR2Batches()), "not in format 2");
    }

    @Test
    void missingExtraAndMisshapenParametersAreNamed() {
        Rsnn small = TinyTask.model(be, train, 8, 3L), other = TinyTask.model(be, train, 16, 3L);
        Path f = Checkpoint.of(small).write(dir.resolve("small.ckpt"));
        Checkpoint ck = Checkpoint.read(f);
        Map<String, float[]> before = weights(other);
        assertMessage(assertThrows(CheckpointException.class, () -> ck.loadInto(other)),
                f.toString(), "'hidden.w'", "[12, 8]", "expects [12, 16]");
        Map<String, float[]> after = weights(other);
        for (String n : before.keySet()) assertArrayEquals(before.get(n), after.get(n), 0f, "a failed load changes nothing: " + n);

        Map<String, HostArray> without = new LinkedHashMap<>(ck.parameters());
        without.remove("hidden.v");
        Path g = Checkpoint.ofArrays(without).write(dir.resolve("nov.ckpt"));
        assertMessage(assertThrows(CheckpointException.class, () -> Checkpoint.read(g).loadInto(small)),
                g.toString(), "'hidden.v'", "[8, 8]", "missing");

        Map<String, HostArray> extra = new LinkedHashMap<>(ck.parameters());
        extra.put("hidden.bias", new HostArray(new int[] {8}, new float[8]));
        assertMessage(assertThrows(CheckpointException.class, () -> Checkpoint.ofArrays(extra).loadInto(small)),
                "'hidden.bias'", "not a parameter of the model");
    }

    @Test
    void resumeRefusesMismatchedRuns() {
        Path ok = written();
        Rsnn m = TinyTask.model(be, train, 8, 3L);
        assertMessage(assertThrows(CheckpointException.class,
                () -> new Trainer(TinyTask.config(1, 8L)).resume(ok, m, train, null)), ok.toString(), "seed 7 vs 8");
        assertMessage(assertThrows(CheckpointException.class,
                () -> new Trainer(TinyTask.config(1, 7L).withCosineTMax(5)).resume(ok, m, train, null)), "cosine T_max 1 vs 5");
        // more epochs with an explicit T_max equal to the saved one is a valid continuation
        assertNotNull(new Trainer(TinyTask.config(3, 7L).withCosineTMax(1)).resume(ok, m, train, null));
        Path params = Checkpoint.of(m).write(dir.resolve("params.ckpt"));
        assertMessage(assertThrows(CheckpointException.class,
                () -> new Trainer(TinyTask.config(1, 7L)).resume(params, m, train, null)), params.toString(), "no trainer progress");
        Rsnn wide = TinyTask.model(be, train, 16, 3L);
        assertMessage(assertThrows(CheckpointException.class,
                () -> new Trainer(TinyTask.config(1, 7L)).resume(ok, wide, train, null)), ok.toString(), "hidden.w", "[12, 16]");
    }

    @Test
    void optimiserStateAndMasksMustFitTheModel() {
        Checkpoint ok = Checkpoint.read(written());
        Trainer t = new Trainer(TinyTask.config(1, 7L));
        Checkpoint.Optimizer o = ok.optimizer();
        Map<String, HostArray> fewer = new LinkedHashMap<>(o.buffers());
        fewer.remove("hidden.v/g2");
        Checkpoint noG2 = ok.withOptimizer(new Checkpoint.Optimizer(o.kind(), o.scalars(), fewer));
        assertMessage(assertThrows(CheckpointException.class, () -> t.resume(noG2, TinyTask.model(be, train, 8, 3L), train, null)),
                ok.source(), "'hidden.v/g2'", "[8, 8]", "missing");
        Map<String, HostArray> wrong = new LinkedHashMap<>(o.buffers());
        wrong.put("hidden.w/mem", new HostArray(new int[] {3}, new float[3]));
        Checkpoint badShape = ok.withOptimizer(new Checkpoint.Optimizer(o.kind(), o.scalars(), wrong));
        assertMessage(assertThrows(CheckpointException.class, () -> t.resume(badShape, TinyTask.model(be, train, 8, 3L), train, null)),
                "'hidden.w/mem'", "[3]", "[12, 8]");
        Checkpoint adam = ok.withOptimizer(new Checkpoint.Optimizer("adam", o.scalars(), o.buffers()));
        assertMessage(assertThrows(CheckpointException.class, () -> t.resume(adam, TinyTask.model(be, train, 8, 3L), train, null)),
                "'adam'", "expected 'smorms3'");
        Checkpoint badMask = ok.withMasks(new Masks(Map.of("readout.w", new HostArray(new int[] {2, 8}, new float[16]))));
        assertMessage(assertThrows(CheckpointException.class, () -> t.resume(badMask, TinyTask.model(be, train, 8, 3L), train, null)),
                ok.source(), "mask 'readout.w'", "[2, 8]", "[8, 2]");
    }

    @Test
    void precisionChoiceChangesOnlyParameterBytes() throws IOException {
        Rsnn m = TinyTask.model(be, train, 8, 3L);
        Half.roundParameters(m);
        Checkpoint ck = Checkpoint.of(m);
        long f32 = Files.size(ck.write(dir.resolve("f32.ckpt")));
        long f16 = Files.size(ck.write(dir.resolve("f16.ckpt"), Checkpoint.Precision.FP16));
        assertEquals(2 * m.numel(), f32 - f16, "float16 stores 2 bytes per parameter value instead of 4");
        assertEquals(ck.parameters(), Checkpoint.read(dir.resolve("f16.ckpt")).parameters(), "fp16-representable values load back exactly");
        assertFalse(ck.parameters().isEmpty());
    }
}
