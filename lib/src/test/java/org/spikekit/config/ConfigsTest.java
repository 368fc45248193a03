package org.spikekit.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.model.Rsnn;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.ResetMode;
import org.spikekit.neuron.Surrogate;

/** The configuration JSON codec ({@link Json}, {@link Configs}): canonical text, strict reading, overrides. */
class ConfigsTest {

    static final Rsnn.Config TINY = Rsnn.Config.tiny(96);

    @Test
    void recordsAreWrittenFieldByFieldInDeclarationOrderWithShortestNumbers() {
        String j = Configs.toJson(TINY);
        assertTrue(j.startsWith("{\"inputs\":96,\"hidden\":64,\"outputs\":2,\"lif\":{\"tauMemS\":0.02,\"tauSynS\":0.01,\"dtS\":0.004,"
                + "\"threshold\":1.0,\"reset\":\"ZERO\",\"detachReset\":true,\"surrogate\":{\"kind\":\"SUPERSPIKE\",\"scale\":20.0,\"forward\":\"STEP\"},"), j);
        assertTrue(j.contains("\"readout\":{\"heads\":[{\"tauMemS\":0.05,\"tauSynS\":0.01}],\"dtS\":0.004,\"y0\":-0.01,"), j);
        assertTrue(j.endsWith("\"inputDropout\":0.3,\"hiddenDropout\":0.3}"), j);
        assertTrue(!j.contains(" ") && !j.contains("\n"), "no white space in the canonical form");
        assertEquals(j, Configs.toJson(Rsnn.Config.tiny(96)), "the same value gives the same text");
        String p = Configs.pretty(TINY);
        assertTrue(p.contains("\n  \"lif\": {\n    \"tauMemS\": 0.02,"), p);
        assertEquals(TINY, Configs.fromJson(p, Rsnn.Config.class));
        assertEquals(TINY, Configs.fromJson(j, Rsnn.Config.class));
    }

    /** Every float and double comes back with the same bits, from random bit patterns (finite ones) and edge values. */
    @Test
    void floatsAndDoublesRoundTripBitForBit() {
        record Pair(float f, double d) {}
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            double d = Double.longBitsToDouble(r.nextLong());
            if (!Float.isFinite(f) || !Double.isFinite(d)) continue;
            Pair back = Configs.fromJson(Configs.toJson(new Pair(f, d)), Pair.class);
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(back.f()), () -> "float " + f);
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(back.d()), () -> "double " + d);
        }
        for (float f : new float[] {0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 1e-16f, 2e-3f, 0.3f}) {
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(Configs.fromJson(Configs.toJson(new Pair(f, 0)), Pair.class).f()));
        }
        // non-finite values are written as explicit strings and read back into float/double fields only
        Pair nf = new Pair(Float.NaN, Double.NEGATIVE_INFINITY);
        assertEquals("{\"f\":\"NaN\",\"d\":\"-Infinity\"}", Configs.toJson(nf));
        assertEquals(nf, Configs.fromJson(Configs.toJson(nf), Pair.class));
        record I(int n) {}
        var e = assertThrows(IllegalArgumentException.class, () -> Configs.fromJson("{\"n\":\"NaN\"}", I.class));
        assertTrue(e.getMessage().contains("$.n (ConfigsTest.I.n, int): expected an integer, got \"NaN\""), e.getMessage());
        var big = assertThrows(IllegalArgumentException.class, () -> Configs.fromJson("{\"f\":1e39,\"d\":0}", Pair.class));
        assertTrue(big.getMessage().contains("1e39 is out of the float range"), big.getMessage());
    }

    @Test
    void readingNamesThePathTheRecordAndWhatWasExpected() {
        String j = Configs.toJson(TINY);
        var wrong = assertThrows(IllegalArgumentException.class,
                () -> Configs.fromJson(j.replace("\"tauMemS\":0.02", "\"tauMemS\":\"x\""), Rsnn.Config.class));
        assertEquals("$.lif.tauMemS (LifParams.tauMemS, double): expected a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got \"x\"",
                wrong.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> Configs.fromJson(j.replace("\"tauMemS\":0.02", "\"tauMem\":0.02"), Rsnn.Config.class));
        assertTrue(unknown.getMessage().startsWith("$.lif.tauMem: unknown field of LifParams; its fields: tauMemS, tauSynS, dtS,"), unknown.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> Configs.fromJson(j.replace("\"hidden\":64,", ""), Rsnn.Config.class));
        assertEquals("$: Rsnn.Config misses field hidden", missing.getMessage());
        var fraction = assertThrows(IllegalArgumentException.class,
                () -> Configs.fromJson(j.replace("\"hidden\":64", "\"hidden\":64.5"), Rsnn.Config.class));
        assertEquals("$.hidden (Rsnn.Config.hidden, int): expected an integer, got 64.5", fraction.getMessage());
        var range = assertThrows(IllegalArgumentException.class,
                () -> Configs.fromJson(j.replace("\"hidden\":64", "\"hidden\":3000000000"), Rsnn.Config.class));
        assertTrue(range.getMessage().contains("out of range"), range.getMessage());
        var en = assertThrows(IllegalArgumentException.class,
                () -> Configs.fromJson(j.replace("\"ZERO\"", "\"zero\""), Rsnn.Config.class));
        assertEquals("$.lif.reset (LifParams.reset, ResetMode): expected one of ZERO, SUBTRACT, got \"zero\"", en.getMessage());
        var list = assertThrows(IllegalArgumentException.class,
                () -> Configs.fromJson(j.replace("\"tauSynS\":0.01}]", "\"tauSynS\":true}]"), Rsnn.Config.class));
        assertTrue(list.getMessage().startsWith("$.readout.heads[0].tauSynS (ReadoutParams.Head.tauSynS, double): expected a number"), list.getMessage());
        // the record's own validation still runs
        var invalid = assertThrows(IllegalArgumentException.class,
                () -> Configs.fromJson(j.replace("\"synapticDelay\":2", "\"synapticDelay\":3"), Rsnn.Config.class));
        assertTrue(invalid.getMessage().startsWith("$.lif (LifParams): the values were refused: LifParams.synapticDelay must be 1 or 2 steps, got 3"),
                invalid.getMessage());
        var nul = assertThrows(IllegalArgumentException.class, () -> Configs.fromJson(j.replace("\"hidden\":64", "\"hidden\":null"), Rsnn.Config.class));
        assertTrue(nul.getMessage().contains("expected an integer, got null"), nul.getMessage());
    }

    @Test
    void theParserIsStrict() {
        for (String bad : List.of("{\"a\":1,}", "{\"a\":1} x", "{'a':1}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":1,\"a\":2}", "[1,]", "{\"a\":.5}",
                "{\"a\":1 // c\n}", "\"\\x\"", "tru", "")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad, "test"), bad);
            assertTrue(e.getMessage().startsWith("test: invalid JSON at line "), e.getMessage());
        }
        assertEquals(Map.of("a", List.of(new Json.Num("-1.5e3"), "é\n", true)), Json.parse(" {\"a\" : [-1.5e3, \"\\u00e9\\n\", true]}\n", "t"));
        assertEquals("{\"a\":[\"q\\\"\\\\\\u0001\"]}", Json.compact(Json.parse("{\"a\":[\"q\\\"\\\\\\u0001\"]}", "t")));
    }

    @Test
    void containersArraysAndSealedVariantsRoundTrip() {
        record Inner(String name, char c) {}
        record Box(List<Inner> items, Map<String, Double> weights, float[] fs, int[][] grid, Map<ResetMode, Integer> byEnum, List<Long> seeds) {}
        Box b = new Box(List.of(new Inner("a", 'x')), Map.of("z", 1.0, "a", 0.5), new float[] {1.5f, -0f}, new int[][] {{1}, {2, 3}},
                Map.of(ResetMode.SUBTRACT, 1), List.of(1L, 2L));
        String j = Configs.toJson(b);
        assertTrue(j.contains("\"weights\":{\"a\":0.5,\"z\":1.0}"), "map keys sorted: " + j);
        Box back = Configs.fromJson(j, Box.class);
        assertEquals(b.items(), back.items());
        assertEquals(b.weights(), back.weights());
        assertArrayEquals(b.fs(), back.fs());
        assertArrayEquals(b.grid()[1], back.grid()[1]);
        assertEquals(b.byEnum(), back.byEnum());
        assertEquals(j, Configs.toJson(back));

        Holder h = new Holder(List.of(new Shape.Circle(1.5), new Shape.Square(2)));
        String hj = Configs.toJson(h);
        assertEquals("{\"shapes\":[{\"@type\":\"Circle\",\"r\":1.5},{\"@type\":\"Square\",\"side\":2}]}", hj);
        assertEquals(h, Configs.fromJson(hj, Holder.class));
        var e = assertThrows(IllegalArgumentException.class, () -> Configs.fromJson(hj.replace("Square", "Oval"), Holder.class));
        assertTrue(e.getMessage().contains("$.shapes[1] (ConfigsTest.Holder.shapes, ConfigsTest.Shape): expected \"@type\" naming one of Circle, Square, got \"Oval\""),
                e.getMessage());
        assertEquals(new Holder(List.of(new Shape.Circle(1.5), new Shape.Square(7))), Configs.override(h, "shapes.1.side=7"));

        record Bad(Object o) {}
        var w = assertThrows(IllegalArgumentException.class, () -> Configs.toJson(new Bad(new StringBuilder("x"))));
        assertTrue(w.getMessage().startsWith("$.o (ConfigsTest.Bad.o, Object): a java.lang.StringBuilder cannot be written"), w.getMessage());
    }

    sealed interface Shape {
        record Circle(double r) implements Shape {}
        record Square(int side) implements Shape {}
    }

    record Holder(List<Shape> shapes) {}

    @Test
    void overridesSetFieldsByDottedPath() {
        Rsnn.Config c = Configs.override(TINY, "lif.tauMemS=0.03", "hidden=128", "lif.reset=SUBTRACT", "readout.heads.0.tauSynS=5e-3",
                "lif.surrogate={\"kind\": \"SIGMOID\", \"scale\": 4, \"forward\": \"STEP\"}");
        assertEquals(TINY.withHidden(128).lif().withTimescales(0.03, 10e-3, 4e-3).withReset(ResetMode.SUBTRACT, true)
                .withSurrogate(Surrogate.sigmoid(4f)), c.lif());
        assertEquals(128, c.hidden());
        assertEquals(new ReadoutParams.Head(50e-3, 5e-3), c.readout().heads().get(0));
        assertEquals(TINY.readout().y0(), c.readout().y0());
        assertEquals(TINY, Rsnn.Config.tiny(96), "the original is unchanged");
        assertEquals(TINY.readout().withSynapticDelay(1), Configs.override(TINY.readout(), "synapticDelay=1"));

        var noField = assertThrows(IllegalArgumentException.class, () -> Configs.override(TINY, "lif.tauMem=0.02"));
        assertEquals("override 'lif.tauMem=0.02': LifParams (at $.lif) has no field 'tauMem'; its fields: tauMemS, tauSynS, dtS, threshold, "
                + "reset, detachReset, surrogate, learnTimescales, learnThreshold, synapticDelay", noField.getMessage());
        var top = assertThrows(IllegalArgumentException.class, () -> Configs.override(TINY, "hiden=128"));
        assertTrue(top.getMessage().startsWith("override 'hiden=128': Rsnn.Config has no field 'hiden'; its fields: inputs, hidden, outputs,"),
                top.getMessage());
        var scalar = assertThrows(IllegalArgumentException.class, () -> Configs.override(TINY, "hidden.x=1"));
        assertEquals("override 'hidden.x=1': $.hidden is of type int, which has no field 'x'", scalar.getMessage());
        var index = assertThrows(IllegalArgumentException.class, () -> Configs.override(TINY, "readout.heads.1.tauSynS=1"));
        assertTrue(index.getMessage().contains("$.readout.heads is a list of 1 elements; '1' is not an index 0…0"), index.getMessage());
        var type = assertThrows(IllegalArgumentException.class, () -> Configs.override(TINY, "hidden=many"));
        assertEquals("override hidden=many: $.hidden (Rsnn.Config.hidden, int): expected an integer, got \"many\"", type.getMessage());
        var refused = assertThrows(IllegalArgumentException.class, () -> Configs.override(TINY, "inputDropout=1.5"));
        assertTrue(refused.getMessage().contains("Rsnn.Config: dropout must be in [0, 1)"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Configs.override(TINY, "hidden"));
        assertNotEquals(Configs.toJson(TINY), Configs.toJson(Configs.override(TINY, "hidden=128")));
    }

    @Test
    void filesAndFieldListings(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("rsnn.json");
        Configs.write(f, TINY);
        assertTrue(Files.readString(f).endsWith("}\n"));
        assertEquals(TINY, Configs.read(f, Rsnn.Config.class));
        Files.writeString(f, Files.readString(f).replace("\"hidden\": 64", "\"hidden\": \"64\""));
        var e = assertThrows(IllegalArgumentException.class, () -> Configs.read(f, Rsnn.Config.class));
        assertTrue(e.getMessage().startsWith(f + ": $.hidden (Rsnn.Config.hidden, int): expected an integer, got \"64\""), e.getMessage());
        List<String> fields = Configs.fields(Rsnn.Config.class);
        assertTrue(fields.contains("lif.tauMemS: double"), fields.toString());
        assertTrue(fields.contains("readout.heads: List<ReadoutParams.Head>"), fields.toString());
        assertTrue(fields.contains("readout.heads.<i>.tauMemS: double"), fields.toString());
        assertEquals(LifParams.rsnn(), Configs.fromJson(Configs.toJson(LifParams.rsnn()), LifParams.class));
    }
}
