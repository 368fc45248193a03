package org.spikekit.data;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.allen.AllenNwb;
import org.spikekit.data.format.Hdf5Files;
import org.spikekit.data.perich.PerichNwb;
import org.spikekit.data.reaching.ODohertyFile;
import org.spikekit.data.reaching.ReachSession;
import org.spikekit.data.spiking.ShdFile;

/**
 * The kit's readers on files written by libhdf5 (h5py), in the real layouts:
 * {@code src/test/resources/fixtures/<format>/}, made by {@code env/fixtures/make_fixtures.py}
 * ({@code make fixtures}); each format's {@code expected.json} holds the values the generator
 * wrote, and every value the reader returns is compared with it exactly.
 */
class LibHdf5FixturesTest {
    @TempDir Path dir;

    static Path fixture(String rel) {
        URL u = LibHdf5FixturesTest.class.getResource("/fixtures/" + rel);
        assertNotNull(u, "fixtures/" + rel + " not on the test classpath (regenerate with make fixtures)");
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode expected(String format) throws IOException {
        return new ObjectMapper().readTree(fixture(format + "/expected.json").toFile());
    }

    static double num(JsonNode n) {
        if (n.isTextual() && n.asText().equals("NaN")) return Double.NaN;
        assertTrue(n.isNumber(), "expected a number in expected.json, got " + n);
        return n.asDouble();
    }

    static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = num(a.get(i));
        return out;
    }

    static double[][] matrix(JsonNode a) {
        double[][] out = new double[a.size()][];
        for (int i = 0; i < out.length; i++) out[i] = doubles(a.get(i));
        return out;
    }

    static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }

    // ------------------------------------------------------------------ O'Doherty (MATLAB v7.3)

    @Test
    void odohertyMatlabFilesWrittenByLibhdf5ReadExactly() throws IOException {
        for (JsonNode s : expected("odoherty").get("sessions")) {
            Path f = fixture("odoherty/" + s.get("file").asText());
            String what = f.getFileName().toString();
            // the MATLAB user block: 512 bytes, superblock at 512, end of file address = file length
            byte[] head = Arrays.copyOf(Files.readAllBytes(f), 600);
            assertEquals("MATLAB 7.3 MAT-file", new String(head, 0, 19, java.nio.charset.StandardCharsets.US_ASCII), what);
            assertEquals("HDF", new String(head, 513, 3, java.nio.charset.StandardCharsets.US_ASCII), what);
            assertEquals(Files.size(f), Hdf5Files.endOfFile(ByteBuffer.wrap(head, 512, 88).slice().order(ByteOrder.LITTLE_ENDIAN)),
                    what + ": libhdf5 stores the absolute end of file address");

            ReachSession r = ODohertyFile.read(f);
            assertEquals(s.get("name").asText(), r.name(), what);
            assertArrayEquals(doubles(s.get("t")), r.t(), what + " t");
            assertTrue(Arrays.deepEquals(matrix(s.get("cursor_pos")), r.cursorPos()), what + " cursor_pos");
            assertTrue(Arrays.deepEquals(matrix(s.get("target_pos")), r.targetPos()), what + " target_pos");
            assertTrue(Arrays.deepEquals(matrix(s.get("finger_pos")), r.fingerPos()), what + " finger_pos");
            assertEquals(strings(s.get("chan_names")), r.channelNames(), what + " chan_names");
            JsonNode sp = s.get("spikes");
            assertEquals(sp.size(), r.unitSlots(), what + " unit slots");
            int empty = 0;
            for (int u = 0; u < sp.size(); u++) {
                for (int c = 0; c < sp.get(u).size(); c++) {
                    double[] want = doubles(sp.get(u).get(c));
                    assertArrayEquals(want, r.spikeTimes()[u][c], what + " spikes[" + u + "][" + c + "]");
                    if (want.length == 0) empty++;
                }
            }
            assertTrue(empty > 0, what + ": the fixture has empty cells (MATLAB's [0 0] with MATLAB_empty)");
            assertEquals("", r.generator(), what);
            assertEquals("", ODohertyFile.readGenerator(f), what);
        }
    }

    @Test
    void truncatedLibhdf5MatFileIsRefusedNamingTheLengths() throws IOException {
        Path src = fixture("odoherty/indy_fixture.mat");
        byte[] b = Files.readAllBytes(src);
        Path f = dir.resolve("indy_fixture.mat");
        Files.write(f, Arrays.copyOf(b, b.length - 100));
        IOException e = assertThrows(IOException.class, () -> ODohertyFile.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated HDF5 file")
                && e.getMessage().contains("ends at byte " + b.length) && e.getMessage().contains("has " + (b.length - 100) + " bytes"),
                e.getMessage());
        // the same through the check the NWB/SHD readers share (superblock at offset 0)
        Path g = dir.resolve("x.nwb");
        byte[] nwb = Files.readAllBytes(fixture("perich/sub-C_ses-CO-20150311_behavior+ecephys.nwb"));
        Files.write(g, Arrays.copyOf(nwb, nwb.length - 1));
        DataException d = assertThrows(DataException.class, () -> PerichNwb.read(g));
        assertTrue(d.getMessage().contains("truncated HDF5 file") && d.getMessage().contains("ends at byte " + nwb.length),
                d.getMessage());
    }

    // ------------------------------------------------------------------ Perich (NWB 2.x)

    @Test
    void perichNwbFilesAsPynwbWritesThemReadExactly() throws IOException {
        for (JsonNode s : expected("perich").get("sessions")) {
            Path f = fixture("perich/" + s.get("file").asText());
            String what = f.getFileName().toString();
            assertEquals("uint8", s.get("spike_times_index_dtype").asText(), what + ": hdmf's minimal-width VectorIndex");
            PerichNwb.Recording r = PerichNwb.read(f);
            assertEquals(s.get("id").asText(), r.id(), what);
            assertEquals(s.get("subject").asText(), r.subject(), what);
            assertEquals(PerichNwb.Task.parse(s.get("task").asText()), r.task(), what);
            assertEquals(s.get("date").asText(), r.date(), what);
            assertArrayEquals(doubles(s.get("t")), r.t(), what + " timestamps");
            assertArrayEquals(doubles(s.get("pos")), r.pos(), what + " cursor_pos");
            assertArrayEquals(doubles(s.get("vel")), r.vel(), what + " cursor_vel (timestamps a soft link)");
            assertArrayEquals(doubles(s.get("acc")), r.acc(), what + " cursor_acc (timestamps a soft link)");
            JsonNode tr = s.get("trials");
            PerichNwb.Trials t = r.trials();
            assertArrayEquals(doubles(tr.get("start")), t.start(), what + " start_time");
            assertArrayEquals(doubles(tr.get("stop")), t.stop(), what + " stop_time");
            assertEquals(strings(tr.get("result")), List.of(t.result()), what + " result (vlen UTF-8)");
            assertArrayEquals(doubles(tr.get("target_id")), t.targetId(), what + " target_id");
            assertArrayEquals(doubles(tr.get("target_on")), t.targetOn(), what + " target_on_time");
            assertArrayEquals(doubles(tr.get("go_cue")), t.goCue(), what + " go_cue_time");
            assertArrayEquals(doubles(tr.get("num_attempted")), t.numAttempted(), what + " num_attempted");
            assertTrue(Arrays.deepEquals(matrix(tr.get("go_cue_array")), t.goCueArray()), what + " go_cue_time_array (ragged)");
            assertTrue(Arrays.deepEquals(matrix(s.get("spikes")), r.spikes()), what + " units/spike_times (ragged, uint8 index)");
            assertTrue(Arrays.stream(r.spikes()).anyMatch(x -> x.length == 0), what + ": a unit without spikes");
            assertEquals("", r.generator(), what);
        }
    }

    // ------------------------------------------------------------------ SHD

    @Test
    void shdFileWithFloat16VlenTimesReadsExactly() throws IOException {
        JsonNode s = expected("shd");
        Path f = fixture("shd/" + s.get("file").asText());
        ShdFile.ShdSet set = ShdFile.read(f);
        JsonNode times = s.get("times"), units = s.get("units");
        assertEquals(times.size(), set.size());
        for (int i = 0; i < set.size(); i++) {
            double[] want = doubles(times.get(i));
            float[] got = set.times()[i];
            assertEquals(want.length, got.length, "sample " + i + " spike count");
            for (int k = 0; k < got.length; k++) assertEquals((float) want[k], got[k], "times[" + i + "][" + k + "] (float16)");
            int[] wu = new int[units.get(i).size()];
            for (int k = 0; k < wu.length; k++) wu[k] = units.get(i).get(k).asInt();
            assertArrayEquals(wu, set.units()[i], "units[" + i + "]");
        }
        int[] labels = new int[s.get("labels").size()], speakers = new int[s.get("speakers").size()];
        for (int i = 0; i < labels.length; i++) labels[i] = s.get("labels").get(i).asInt();
        for (int i = 0; i < speakers.length; i++) speakers[i] = s.get("speakers").get(i).asInt();
        assertArrayEquals(labels, set.labels());
        assertArrayEquals(speakers, set.speakers());
        assertEquals(strings(s.get("keys")), set.keys());
        assertEquals(ShdFile.KEYS, set.keys());
        assertTrue(Arrays.stream(set.times()).anyMatch(x -> x.length == 0), "a sample without spikes");
        assertEquals("", set.generator());
    }

    // ------------------------------------------------------------------ Allen (NWB 1.x)

    @Test
    void allenNwb1FileReadsExactly() throws IOException {
        JsonNode s = expected("allen");
        Path f = fixture("allen/" + s.get("file").asText());
        List<Integer> numbers = new ArrayList<>();
        s.get("sweeps").forEach(w -> numbers.add(w.get("number").asInt()));
        assertEquals(numbers, AllenNwb.sweepNumbers(f), "sweep numbers, ascending");
        Map<Integer, String> names = AllenNwb.stimulusNames(f);
        for (JsonNode w : s.get("sweeps")) {
            int n = w.get("number").asInt();
            String what = "Sweep_" + n;
            assertEquals(w.get("stimulus_name").asText(), names.get(n), what + " aibs_stimulus_name");
            AllenNwb.Sweep sw = AllenNwb.sweep(f, n);
            assertEquals(w.get("stimulus_name").asText(), sw.stimulusName(), what);
            assertEquals(num(w.get("rate")), sw.samplingRate(), what + " rate (float32 attribute)");
            assertArrayEquals(floats(w.get("stimulus")), sw.stimulus(), what + " stimulus");
            assertArrayEquals(floats(w.get("response")), sw.response(), what + " response × conversion");
            assertEquals(w.get("experiment_start").asLong(), sw.experimentStart(), what);
            assertEquals(w.get("experiment_stop").asLong(), sw.experimentStop(), what);
            if (w.get("spike_times").isNull()) {
                assertNull(sw.storedSpikeTimes(), what);
            } else {
                assertArrayEquals(doubles(w.get("spike_times")), sw.storedSpikeTimes(), what + " spike_times");
            }
        }
        assertEquals("", AllenNwb.generator(f));
    }

    static float[] floats(JsonNode a) {
        double[] d = doubles(a);
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
            assertEquals(d[i], (double) out[i], "expected.json holds float32 values");
        }
        return out;
    }
}
