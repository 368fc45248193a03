package org.spikekit.data.perich;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataException;
import org.spikekit.data.format.hdf5.Hdf5Writer;
import org.spikekit.data.perich.PerichNwb.Recording;
import org.spikekit.data.perich.PerichNwb.Task;

class PerichNwbTest {
    @TempDir Path dir;

    static Recording co;
    static Recording rt;

    @BeforeAll
    static void generate() {
        co = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.CO, 60, 12));
        rt = PerichGenerator.generate(PerichFixtures.small(PerichFixtures.RT, 60, 10));
    }

    private static void assertSame(Recording a, Recording b) {
        assertEquals(a.id(), b.id());
        assertEquals(a.subject(), b.subject());
        assertEquals(a.task(), b.task());
        assertEquals(a.date(), b.date());
        assertArrayEquals(a.t(), b.t());
        assertArrayEquals(a.pos(), b.pos());
        assertArrayEquals(a.vel(), b.vel());
        assertArrayEquals(a.acc(), b.acc());
        assertEquals(a.generator(), b.generator());
        PerichNwb.Trials x = a.trials(), y = b.trials();
        assertArrayEquals(x.start(), y.start());
        assertArrayEquals(x.stop(), y.stop());
        assertArrayEquals(x.result(), y.result());
        assertArrayEquals(x.targetId(), y.targetId());
        assertArrayEquals(x.targetOn(), y.targetOn());
        assertArrayEquals(x.goCue(), y.goCue());
        if (a.task() == Task.RANDOM_TARGET) {
            assertArrayEquals(x.numAttempted(), y.numAttempted());
            for (int i = 0; i < x.size(); i++) assertArrayEquals(x.goCueArray()[i], y.goCueArray()[i]);
        } else {
            assertNull(y.goCueArray());
            assertTrue(Arrays.stream(y.numAttempted()).allMatch(Double::isNaN));
        }
        assertEquals(a.units(), b.units());
        for (int u = 0; u < a.units(); u++) assertArrayEquals(a.spikes()[u], b.spikes()[u], "unit " + u);
    }

    @Test
    void standInRoundTripsUnderKitAndDandiNames() {
        for (Recording r : new Recording[] {co, rt}) {
            Path f = dir.resolve(r.id() + ".nwb");
            PerichNwb.write(r, f);
            assertSame(r, PerichNwb.read(f));
            assertEquals(r.generator(), PerichNwb.readGenerator(f));
            Path dandi = dir.resolve("sub-X").resolve(PerichNwb.dandiFileName(r.id()));
            PerichNwb.write(PerichFixtures.realLike(r), dandi);
            Recording back = PerichNwb.read(dandi);
            assertEquals(r.id(), back.id());
            assertEquals("", back.generator());
            assertEquals("", PerichNwb.readGenerator(dandi));
        }
        assertEquals("sub-C_ses-CO-20150311_behavior+ecephys.nwb", PerichNwb.dandiFileName("c_20150311_center_out_reaching"));
    }

    @Test
    void fileNamesGiveTheSessionId() {
        assertEquals("c_20150311_center_out_reaching",
                PerichNwb.parseFileName("sub-C_ses-CO-20150311_behavior+ecephys.nwb").orElseThrow().id());
        assertEquals("t_20130830_random_target_reaching", PerichNwb.parseFileName("sub-T_ses-RT-20130830.nwb").orElseThrow().id());
        assertEquals("m_20140221_random_target_reaching",
                PerichNwb.parseFileName("m_20140221_random_target_reaching.nwb").orElseThrow().id());
        assertTrue(PerichNwb.parseFileName("session.nwb").isEmpty());
        assertTrue(PerichNwb.parseFileName("sub-C_ses-XX-20150311.nwb").isEmpty());
    }

    @Test
    void otherNamesUseSessionStartTimeAndSubject() {
        Path f = dir.resolve("monkey_CO_session.nwb");
        PerichNwb.write(co, f);
        Recording r = PerichNwb.read(f);
        assertEquals("c_20150311_center_out_reaching", r.id());
        Hdf5Writer w = PerichNwb.layout(co);
        w.root().remove("session_start_time");
        Path g = dir.resolve("monkey_CO_other.nwb");
        writeQuietly(w, g);
        DataException e = assertThrows(DataException.class, () -> PerichNwb.read(g));
        assertMentions(e, g.toString(), "cannot tell the session", "sub-C_ses-CO-20150311_behavior+ecephys.nwb");
    }

    @Test
    void missingSubjectFallsBackToTheFileNamesLetter() {
        Path f = broken(co, w -> w.root().remove("general"));
        assertEquals("C", PerichNwb.read(f).subject());
    }

    @Test
    void velocityWithoutOwnTimestampsUsesThePositions() {
        Path f = broken(co, w -> group(w, "processing/behavior/Velocity/cursor_vel").remove("timestamps"));
        assertArrayEquals(co.vel(), PerichNwb.read(f).vel());
    }

    // ------------------------------------------------------------------ error paths

    private Path broken(Recording r, Consumer<Hdf5Writer> edit) {
        Hdf5Writer w = PerichNwb.layout(r);
        edit.accept(w);
        Path f = dir.resolve(r.id() + ".nwb");
        writeQuietly(w, f);
        return f;
    }

    private static void writeQuietly(Hdf5Writer w, Path f) {
        try {
            w.write(f);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Hdf5Writer.Group group(Hdf5Writer w, String path) {
        Hdf5Writer.Group g = w.root();
        for (String p : path.split("/")) g = (Hdf5Writer.Group) g.get(p);
        return g;
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }

    /** Reads {@code f}, expects a DataException naming the file, the HDF5 path and each of {@code parts}. */
    private static void refused(Path f, String hdf5Path, String... parts) {
        DataException e = assertThrows(DataException.class, () -> PerichNwb.read(f));
        assertEquals(f, e.file());
        assertMentions(e, f.toString(), hdf5Path);
        assertMentions(e, parts);
    }

    @Test
    void missingNotHdf5AndTruncatedFilesAreRefused() throws IOException {
        Path none = dir.resolve("nope.nwb");
        DataException e = assertThrows(DataException.class, () -> PerichNwb.read(none));
        assertMentions(e, "Perich NWB file not found", none.toString());
        Path text = dir.resolve("c_20150311_center_out_reaching.nwb");
        Files.writeString(text, "not hdf5 at all");
        e = assertThrows(DataException.class, () -> PerichNwb.read(text));
        assertMentions(e, text.toString(), "not an HDF5 file");
        PerichNwb.write(co, text);
        byte[] all = Files.readAllBytes(text);
        Files.write(text, Arrays.copyOf(all, all.length - 1000));
        e = assertThrows(DataException.class, () -> PerichNwb.read(text));
        assertMentions(e, text.toString(), "truncated HDF5 file");
    }

    @Test
    void missingGroupsAndDatasets() {
        refused(broken(co, w -> group(w, "processing/behavior").remove("Velocity")), PerichNwb.VELOCITY, "missing");
        refused(broken(co, w -> group(w, "processing/behavior/Acceleration/cursor_acc").remove("data")),
                PerichNwb.ACCELERATION + "/data", "missing");
        refused(broken(co, w -> group(w, "processing/behavior/Position/cursor_pos").remove("timestamps")),
                PerichNwb.POSITION + "/timestamps", "missing");
        refused(broken(co, w -> w.root().remove("units")), PerichNwb.UNITS, "missing");
        refused(broken(co, w -> group(w, "intervals/trials").remove("result")), PerichNwb.TRIALS + "/result", "missing");
        refused(broken(co, w -> group(w, "intervals/trials").remove("go_cue_time")), PerichNwb.TRIALS + "/go_cue_time", "missing");
        refused(broken(rt, w -> group(w, "intervals/trials").remove("num_attempted")), PerichNwb.TRIALS + "/num_attempted", "missing");
        // random-target: the go cue array alone is enough
        Path f = broken(rt, w -> group(w, "intervals/trials").remove("go_cue_time"));
        PerichNwb.Trials tr = PerichNwb.read(f).trials();
        for (int i = 0; i < tr.size(); i++) assertEquals(rt.trials().firstGoCue(i), tr.firstGoCue(i));
    }

    @Test
    void raggedGoCueArrayIsReadToo() {
        PerichNwb.Trials tr = rt.trials();
        int n = tr.size();
        double[] flat = new double[4 * n - 1];
        long[] ends = new long[n];
        int at = 0;
        for (int i = 0; i < n; i++) {
            int m = i == 0 ? 3 : 4;                       // the first trial lists 3 go cues
            System.arraycopy(tr.goCueArray()[i], 0, flat, at, m);
            ends[i] = at += m;
        }
        Path f = broken(rt, w -> {
            Hdf5Writer.Group g = group(w, "intervals/trials");
            g.float64("go_cue_time_array", new long[] {flat.length}, flat);
            g.uint64("go_cue_time_array_index", new long[] {n}, ends);
        });
        PerichNwb.Trials back = PerichNwb.read(f).trials();
        assertEquals(3, back.goCueArray()[0].length);
        for (int i = 0; i < n; i++) assertEquals(tr.firstGoCue(i), back.firstGoCue(i));
        long[] bad = ends.clone();
        bad[n - 1] = flat.length - 1;
        Path g = broken(rt, w -> {
            Hdf5Writer.Group t = group(w, "intervals/trials");
            t.float64("go_cue_time_array", new long[] {flat.length}, flat);
            t.uint64("go_cue_time_array_index", new long[] {n}, bad);
        });
        refused(g, PerichNwb.TRIALS + "/go_cue_time_array_index", "the last end offset is " + (flat.length - 1));
    }

    @Test
    void wrongRankShapeAndLength() {
        int k = co.samples();
        refused(broken(co, w -> group(w, "processing/behavior/Position/cursor_pos").float64("timestamps", new long[] {k, 1}, co.t())),
                PerichNwb.POSITION + "/timestamps", "expected rank 1, got rank 2");
        refused(broken(co, w -> group(w, "processing/behavior/Position/cursor_pos").float64("data", new long[] {k, 3}, new double[3 * k])),
                PerichNwb.POSITION + "/data", "expected shape k × 2", k + " × 3");
        refused(broken(co, w -> group(w, "processing/behavior/Velocity/cursor_vel").float64("data", new long[] {k - 1, 2},
                        Arrays.copyOf(co.vel(), 2 * k - 2))),
                PerichNwb.VELOCITY + "/data", "expected " + k + " samples", "got " + (k - 1));
        int n = co.trials().size();
        refused(broken(co, w -> group(w, "intervals/trials").float64("target_id", new long[] {n - 1}, new double[n - 1])),
                PerichNwb.TRIALS + "/target_id", "expected " + n + " values");
        refused(broken(co, w -> group(w, "intervals/trials").vlenStrings("result", new String[] {"R"})),
                PerichNwb.TRIALS + "/result", "expected " + n + " strings");
        refused(broken(rt, w -> group(w, "intervals/trials").float64("go_cue_time_array", new long[] {rt.trials().size()},
                        new double[rt.trials().size()])),
                PerichNwb.TRIALS + "/go_cue_time_array", "expected shape n × m");
    }

    @Test
    void badTimestampsAndValues() {
        int k = co.samples();
        double[] nan = co.t().clone();
        nan[5] = Double.NaN;
        refused(broken(co, w -> group(w, "processing/behavior/Position/cursor_pos").float64("timestamps", new long[] {k}, nan)),
                PerichNwb.POSITION + "/timestamps", "expected finite times", "index 5");
        double[] flat = co.t().clone();
        flat[7] = flat[6];
        refused(broken(co, w -> group(w, "processing/behavior/Position/cursor_pos").float64("timestamps", new long[] {k}, flat)),
                PerichNwb.POSITION + "/timestamps", "strictly increasing", "[6]", "[7]");
        double[] shifted = co.t().clone();
        shifted[9] += 0.001;
        refused(broken(co, w -> group(w, "processing/behavior/Velocity/cursor_vel").float64("timestamps", new long[] {k}, shifted)),
                PerichNwb.VELOCITY + "/timestamps", "expected the timestamps of " + PerichNwb.POSITION, "sample 9");
        double[] pos = co.pos().clone();
        pos[11] = Double.POSITIVE_INFINITY;
        refused(broken(co, w -> group(w, "processing/behavior/Position/cursor_pos").float64("data", new long[] {k, 2}, pos)),
                PerichNwb.POSITION + "/data", "expected finite values", "sample 5, column 1");
        int n = co.trials().size();
        double[] stop = co.trials().stop().clone();
        stop[2] = co.trials().start()[2] - 1;
        refused(broken(co, w -> group(w, "intervals/trials").float64("stop_time", new long[] {n}, stop)),
                PerichNwb.TRIALS + "/stop_time", "expected stop_time >= start_time", "trial 2");
        double[] spikes = new double[(int) co.spikeCount()];
        spikes[3] = Double.NaN;
        refused(broken(co, w -> group(w, "units").float64("spike_times", new long[] {spikes.length}, spikes)),
                PerichNwb.UNITS + "/spike_times", "expected finite spike times", "index 3");
    }

    @Test
    void wrongDatatypes() {
        int k = co.samples(), n = co.trials().size(), u = co.units();
        long[] ints = new long[k];
        for (int i = 0; i < k; i++) ints[i] = i;
        refused(broken(co, w -> group(w, "processing/behavior/Position/cursor_pos").uint64("timestamps", new long[] {k}, ints)),
                PerichNwb.POSITION + "/timestamps", "expected floating-point data", "uint64");
        refused(broken(co, w -> group(w, "intervals/trials").float64("result", new long[] {n}, new double[n])),
                PerichNwb.TRIALS + "/result", "expected strings", "float64");
        refused(broken(co, w -> group(w, "units").float64("spike_times_index", new long[] {u}, new double[u])),
                PerichNwb.UNITS + "/spike_times_index", "expected integers", "float64");
        refused(broken(co, w -> group(w, "intervals/trials").vlenStrings("start_time", co.trials().result())),
                PerichNwb.TRIALS + "/start_time", "expected floating-point data");
        // fixed-length strings (h5py S1) are fine for result
        Path f = broken(co, w -> group(w, "intervals/trials").strings("result", co.trials().result()));
        assertArrayEquals(co.trials().result(), PerichNwb.read(f).trials().result());
        // any integer width for the index
        char[] idx16 = new char[u];
        long end = 0;
        for (int i = 0; i < u; i++) {
            end += co.spikes()[i].length;
            idx16[i] = (char) Math.min(end, 65535);
        }
        if (end <= 65535) {
            Path g = broken(co, w -> group(w, "units").uint16("spike_times_index", new long[] {u}, idx16));
            assertEquals(co.spikeCount(), PerichNwb.read(g).spikeCount());
        }
    }

    @Test
    void badSpikeIndex() {
        int u = co.units();
        long total = co.spikeCount();
        long[] idx = new long[u];
        long end = 0;
        for (int i = 0; i < u; i++) idx[i] = end += co.spikes()[i].length;
        long[] over = idx.clone();
        over[u - 1] = total + 5;
        refused(broken(co, w -> group(w, "units").uint64("spike_times_index", new long[] {u}, over)),
                PerichNwb.UNITS + "/spike_times_index", "out of range", "0.." + total);
        long[] swapped = idx.clone();
        swapped[1] = idx[2];
        swapped[2] = idx[1];
        refused(broken(co, w -> group(w, "units").uint64("spike_times_index", new long[] {u}, swapped)),
                PerichNwb.UNITS + "/spike_times_index", "non-decreasing", "entry 2");
        long[] shortIdx = idx.clone();
        shortIdx[u - 1] = total - 1;
        refused(broken(co, w -> group(w, "units").uint64("spike_times_index", new long[] {u}, shortIdx)),
                PerichNwb.UNITS + "/spike_times_index", "the last end offset is " + (total - 1), "holds " + total);
        refused(broken(co, w -> group(w, "units").uint64("spike_times_index", new long[] {0}, new long[0])),
                PerichNwb.UNITS + "/spike_times_index", "at least one unit");
    }

    @Test
    void writerRefusesWhatTheReaderWould() {
        double[] t = co.t().clone();
        t[3] = t[2];
        Recording bad = new Recording(co.id(), co.subject(), co.task(), co.date(), t, co.pos(), co.vel(), co.acc(), co.trials(),
                co.spikes(), "");
        assertThrows(IllegalArgumentException.class, () -> PerichNwb.write(bad, dir.resolve("bad.nwb")));
    }
}
