package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Parameter;
import org.spikekit.data.SequenceSet;
import org.spikekit.model.HalfRsnn;
import org.spikekit.model.Rsnn;

/** float16 rounding, the 2-byte export format, and R² of a trained model in float16. */
class HalfTest {
    final Backend be = new CpuBackend();

    @TempDir
    Path dir;

    @Test
    void roundingIsIeeeHalfNearestEven() {
        assertEquals(0.0999755859375f, Half.round(0.1f), 0f);
        assertEquals(65504f, Half.round(65504f), 0f);
        assertEquals(Float.POSITIVE_INFINITY, Half.round(65520f), 0f, "65520 is the tie above 65504: rounds to infinity");
        assertEquals(2048f, Half.round(2049f), 0f, "tie between 2048 and 2050 → even mantissa");
        assertEquals(2052f, Half.round(2051f), 0f, "tie between 2050 and 2052 → even mantissa");
        assertEquals(0x1p-24f, Half.round(0x1p-24f), 0f, "smallest subnormal");
        assertEquals(0f, Half.round(0x1p-26f), 0f);
        assertTrue(Half.representable(-0.0f) && Half.representable(1.5f) && Half.representable(Float.NaN));
        assertFalse(Half.representable(0.1f));
        assertFalse(Half.representable(1f + 0x1p-11f));
        assertTrue(Half.representable(1f + 0x1p-10f));
    }

    @Test
    void roundedParametersAreExactlyHalfAndSaveInTwoBytesEach() throws Exception {
        SequenceSet train = TinyTask.velocity(8, 30, 12, 1L);
        Rsnn m = TinyTask.model(be, train, 16, 3L);
        assertFalse(Half.isHalf(m));
        Map<String, float[]> before = new java.util.HashMap<>();
        for (Parameter p : m.parameters()) before.put(p.name(), be.toHost(p.value()));
        Half.Report rep = Half.roundParameters(m);
        for (Parameter p : m.parameters()) {
            float[] a = before.get(p.name()), r = be.toHost(p.value());
            for (int i = 0; i < a.length; i++) {
                // half an ulp: 2^-11 relative for normal values, 2^-25 absolute in the subnormal range
                assertTrue(Math.abs((double) a[i] - r[i]) <= Math.max(0x1p-11 * Math.abs(a[i]), 0x1p-25), p.name() + "[" + i + "]");
            }
        }
        assertTrue(Half.isHalf(m));
        assertEquals(m.numel(), rep.values());
        assertTrue(rep.changed() > m.numel() / 2, "most float32 weights are not float16 values");
        for (Parameter p : m.parameters()) for (float x : be.toHost(p.value())) assertTrue(Half.representable(x), p.name());
        assertEquals(0, Half.roundParameters(m).changed(), "rounding is idempotent");

        Path f = Half.write(dir.resolve("tiny-fp16.ckpt"), m, Map.of("session", "synthetic"));
        long size = Files.size(f);
        long header = size - Half.parameterBytes(m);
        assertTrue(header > 0 && header < 512, "2 bytes per parameter plus a small header (names, shapes, CRC): " + header + " bytes");
        assertEquals(Checkpoint.HEADER_BYTES + Checkpoint.TRAILER_BYTES + expectedPayloadWithoutValues(m, Map.of("precision", "float16", "session", "synthetic")),
                header, "header bytes are exactly the documented layout");
        Checkpoint back = Half.read(f);
        assertEquals("float16", back.meta().get("precision"));
        Rsnn fresh = TinyTask.model(be, train, 16, 9L);
        back.loadInto(fresh);
        for (Parameter p : m.parameters()) {
            assertArrayEquals(be.toHost(p.value()), be.toHost(fresh.byName().get(p.name()).value()), 0f, p.name() + " loads back exactly");
        }
    }

    /** Bytes of the payload besides the parameter values: the layout documented in {@link Checkpoint}. */
    private static long expectedPayloadWithoutValues(Rsnn m, Map<String, String> meta) {
        long n = 4;                                                      // meta count
        for (Map.Entry<String, String> e : meta.entrySet()) n += 8 + e.getKey().length() + e.getValue().length();
        n += 4;                                                          // parameter count
        for (Parameter p : m.parameters()) n += 4 + p.name().length() + 1 + 1 + 4L * p.shape().length;
        n += 4;                                                          // mask count
        n += 1 + 1;                                                      // no optimiser, no progress
        return n;
    }

    @Test
    void writingRefusesValuesThatAreNotHalf() {
        SequenceSet train = TinyTask.velocity(8, 30, 12, 1L);
        Rsnn m = TinyTask.model(be, train, 8, 3L);
        Path f = dir.resolve("x.ckpt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Half.write(f, m));
        assertTrue(e.getMessage().contains("hidden.w") && e.getMessage().contains("roundParameters"), e.getMessage());
        assertFalse(Files.exists(f));
        be.fill(m.readout().w().value(), 1e5f);
        Map<String, float[]> before = new java.util.HashMap<>();
        for (Parameter p : m.parameters()) before.put(p.name(), be.toHost(p.value()));
        e = assertThrows(IllegalArgumentException.class, () -> Half.roundParameters(m));
        assertTrue(e.getMessage().contains("readout.w") && e.getMessage().contains("65504"), e.getMessage());
        for (Parameter p : m.parameters()) assertArrayEquals(before.get(p.name()), be.toHost(p.value()), 0f, "unchanged: " + p.name());
    }

    @Test
    void float32ReferenceLoopMatchesTheModel() {
        SequenceSet set = TinyTask.velocity(4, 50, 12, 5L);
        Rsnn m = TinyTask.model(be, set, 16, 3L);
        SequenceSet.Batch bt = set.batch(be, new int[] {0, 1, 2, 3});
        float[] ref = be.toHost(m.predict(bt.x()));
        float[] loop = be.toHost(new HalfRsnn(m, false).forward(bt.x(), false, 0L).prediction());
        assertArrayEquals(ref, loop, 1e-5f);
        float[] s1 = be.toHost(m.forward(bt.x(), false, 0L, false).spikes());
        float[] s2 = be.toHost(new HalfRsnn(m, false).forward(bt.x(), false, 0L).spikes());
        assertArrayEquals(s1, s2, 0f);
        assertTrue(be.sum(m.forward(bt.x(), false, 0L, false).spikes()) > 0, "the check covers spiking");
        assertThrows(UnsupportedOperationException.class, () -> new HalfRsnn(m, true).forward(bt.x(), true, 0L));
    }

    @Test
    void trainedTinyModelKeepsItsR2InFloat16() {
        SequenceSet train = TinyTask.velocity(32, 100, 16, 11L), test = TinyTask.velocity(8, 100, 16, 13L);
        Rsnn m = TinyTask.model(be, train, 32, 4L);
        new Trainer(TinyTask.config(15, 21L)).fit(m, train, null, null);
        double r32 = Trainer.evaluate(m, test, 8);
        Half.Report rep = Half.roundParameters(m);
        double r16w = Trainer.evaluate(m, test, 8);                          // float16 weights, float32 state
        HalfRsnn h = new HalfRsnn(m, true);
        double r16 = Trainer.evaluate(h, test, 8);                           // float16 weights, inputs, states, outputs
        SequenceSet.Batch bt = test.batch(be, new int[] {0, 1});
        for (float y : be.toHost(h.forward(bt.x(), false, 0L).prediction())) assertTrue(Half.representable(y));
        String log = String.format("test R2 float32 %.5f, float16 weights %.5f, float16 arithmetic %.5f (max rel weight change %.2e)",
                r32, r16w, r16, rep.maxRelChange());
        System.out.println(log);
        assertTrue(r32 > 0.2, "the model learned something: " + log);
        assertEquals(r32, r16w, 0.01, log);
        assertEquals(r32, r16, 0.02, log);                                 // measured 0.011 below float32 on this toy task
    }
}
