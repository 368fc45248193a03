package org.spikekit.data.allen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataException;
import org.spikekit.data.format.hdf5.Hdf5TestAccess;
import org.spikekit.data.format.hdf5.Hdf5Writer;

/** {@link AllenNwb}: round trip through the kit's writer and jhdf, and every error path on small files. */
class AllenNwbTest {
    @TempDir Path dir;

    static AllenNwb.Sweep sweep(int n, String name, int samples, double[] spikes) {
        float[] st = new float[samples], rs = new float[samples];
        for (int i = 0; i < samples; i++) {
            st[i] = (float) ((i % 7) * 1e-11);
            rs[i] = (float) (-0.07 + i * 1e-5);
        }
        return new AllenNwb.Sweep(n, name, 20000, st, rs, 2, samples - 1, spikes);
    }

    Path write(List<AllenNwb.Sweep> sweeps, Consumer<Hdf5Writer.Group> edit) throws Exception {
        Hdf5Writer w = AllenNwb.layout(sweeps, "");
        edit.accept(w.root());
        Path f = dir.resolve("e" + System.nanoTime() + ".nwb");
        w.write(f);
        return f;
    }

    static Hdf5Writer.Group g(Hdf5Writer.Group root, String path) {
        Hdf5Writer.Group g = root;
        for (String p : path.substring(1).split("/")) g = (Hdf5Writer.Group) g.get(p);
        return g;
    }

    @Test
    void roundTripReadsTracesRateRangesNamesAndSpikes() throws Exception {
        AllenNwb.Sweep a = sweep(3, "Noise 1", 50, new double[] {0.001, 0.002});
        AllenNwb.Sweep b = new AllenNwb.Sweep(12, "Noise 2", 20000, a.stimulus(), a.response(), 0, 49, null);
        AllenNwb.Sweep c = sweep(4, "Long Square", 10, null);
        Path f = dir.resolve("ephys.nwb");
        AllenNwb.write(f, List.of(a, b, c), "gen x");
        assertEquals(List.of(3, 4, 12), AllenNwb.sweepNumbers(f));
        assertEquals(Map.of(3, "Noise 1", 4, "Long Square", 12, "Noise 2"), AllenNwb.stimulusNames(f));
        assertEquals("gen x", AllenNwb.generator(f));
        AllenNwb.Sweep r = AllenNwb.sweep(f, 3);
        assertEquals(3, r.number());
        assertEquals("Noise 1", r.stimulusName());
        assertEquals(20000.0, r.samplingRate());
        assertArrayEquals(a.stimulus(), r.stimulus());
        assertArrayEquals(a.response(), r.response());
        assertEquals(2, r.experimentStart());
        assertEquals(49, r.experimentStop());
        assertArrayEquals(new double[] {0.001, 0.002}, r.storedSpikeTimes());
        AllenNwb.Sweep r12 = AllenNwb.sweep(f, 12);
        assertNull(r12.storedSpikeTimes());
        assertEquals(0, r12.experimentStart());
        assertEquals(49, r12.experimentStop());
        Path plain = dir.resolve("plain.nwb");
        AllenNwb.write(plain, List.of(c), "");
        assertEquals("", AllenNwb.generator(plain));
    }

    @Test
    void conversionMultipliesAndInt16AndFloat64StorageAreAccepted() throws Exception {
        AllenNwb.Sweep a = sweep(1, "Noise 1", 4, null);
        Path f = write(List.of(a), root -> {
            Hdf5Writer.Group ts = g(root, "/acquisition/timeseries/Sweep_1");
            Hdf5TestAccess.int16(ts, "data", new long[] {4}, new short[] {-700, -650, 0, 300}).float64Attribute("conversion", 1e-4);
            Hdf5Writer.Group st = g(root, "/stimulus/presentation/Sweep_1");
            st.float64("data", new long[] {4}, new double[] {1, 2, 3, 4}).float64Attribute("conversion", 1e-12);
        });
        AllenNwb.Sweep r = AllenNwb.sweep(f, 1);
        assertArrayEquals(new float[] {-0.07f, -0.065f, 0f, 0.03f}, r.response());
        assertArrayEquals(new float[] {1e-12f, 2e-12f, 3e-12f, 4e-12f}, r.stimulus());
    }

    private void fails(Path f, int sweep, String... parts) {
        DataException e = assertThrows(DataException.class, () -> AllenNwb.sweep(f, sweep));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }

    @Test
    void missingFileAndNonHdf5AreNamed() throws Exception {
        fails(dir.resolve("none.nwb"), 1, "not found");
        Path txt = dir.resolve("t.nwb");
        Files.writeString(txt, "hello, not HDF5");
        fails(txt, 1, "not an HDF5 file");
        DataException e = assertThrows(DataException.class, () -> AllenNwb.stimulusNames(txt));
        assertTrue(e.getMessage().contains("not an HDF5 file"));
    }

    @Test
    void missingSweepGroupsAndDatasetsAreNamed() throws Exception {
        List<AllenNwb.Sweep> s = List.of(sweep(1, "Noise 1", 8, null));
        fails(write(s, r -> { }), 2, "/epochs/Sweep_2", "missing", "[1]");
        fails(write(s, r -> r.remove("epochs")), 1, "/epochs", "missing");
        fails(write(s, r -> g(r, "/epochs/Sweep_1").remove("response")), 1, "/epochs/Sweep_1/response/timeseries", "missing");
        fails(write(s, r -> g(r, "/epochs/Sweep_1/stimulus").remove("timeseries")), 1, "/epochs/Sweep_1/stimulus/timeseries", "missing");
        fails(write(s, r -> g(r, "/acquisition/timeseries/Sweep_1").remove("data")), 1,
                "/epochs/Sweep_1/response/timeseries/data", "missing");
        fails(write(s, r -> g(r, "/epochs/Sweep_1/stimulus").remove("count")), 1, "/epochs/Sweep_1/stimulus/count", "missing");
        fails(write(s, r -> g(r, "/epochs/Sweep_1/stimulus").remove("idx_start")), 1, "/epochs/Sweep_1/stimulus/idx_start", "scalar integer");
        fails(write(s, r -> g(r, "/stimulus/presentation/Sweep_1").remove("starting_time")), 1, "starting_time", "missing");
        fails(write(s, r -> g(r, "/epochs/Sweep_1/stimulus").uint64("count", new long[0], new long[] {99})), 1,
                "/epochs/Sweep_1/stimulus/count", "1..8");
        fails(write(s, r -> g(r, "/epochs/Sweep_1/stimulus").uint64("idx_start", new long[0], new long[] {3})), 1, "idx_start", "expected 0");
        fails(write(s, r -> g(r, "/epochs/Sweep_1/stimulus").float64("count", new long[0], new double[] {8})), 1, "count", "integer");
    }

    @Test
    void wrongRankNanAndRateProblemsAreNamed() throws Exception {
        List<AllenNwb.Sweep> s = List.of(sweep(1, "Noise 1", 8, null));
        fails(write(s, r -> g(r, "/acquisition/timeseries/Sweep_1").float32("data", new long[] {2, 4}, new float[8])), 1,
                "/epochs/Sweep_1/response/timeseries/data", "rank 1", "2 × 4");
        float[] nan = new float[8];
        nan[5] = Float.NaN;
        fails(write(s, r -> g(r, "/stimulus/presentation/Sweep_1").float32("data", new long[] {8}, nan)), 1,
                "/epochs/Sweep_1/stimulus/timeseries/data", "finite", "index 5");
        fails(write(s, r -> g(r, "/stimulus/presentation/Sweep_1").float64("starting_time", new long[0], new double[] {0})), 1,
                "/epochs/Sweep_1/stimulus/timeseries/starting_time", "rate");
        fails(write(s, r -> g(r, "/stimulus/presentation/Sweep_1").float64("starting_time", new long[0], new double[] {0})
                .float64Attribute("rate", 0)), 1, "starting_time@rate", "positive");
        fails(write(s, r -> g(r, "/stimulus/presentation/Sweep_1").float64("starting_time", new long[0], new double[] {0})
                .float64Attribute("rate", -5)), 1, "starting_time@rate", "positive", "-5");
        fails(write(s, r -> g(r, "/stimulus/presentation/Sweep_1").float64("starting_time", new long[0], new double[] {0})
                .attribute("rate", "fast")), 1, "starting_time@rate", "number");
        fails(write(s, r -> g(r, "/acquisition/timeseries/Sweep_1").strings("data", new String[] {"a"})), 1,
                "/epochs/Sweep_1/response/timeseries/data", "float32, float64 or integer");
        fails(write(s, r -> g(r, "/stimulus/presentation/Sweep_1").float64("aibs_stimulus_name", new long[0], new double[] {1})), 1,
                "aibs_stimulus_name", "string");
        fails(write(s, r -> g(r, "/epochs").group("Experiment_1").group("stimulus").uint64("idx_start", new long[0], new long[] {0})), 1,
                "/epochs/Experiment_1/stimulus/count", "missing");
        fails(write(s, r -> {
            Hdf5Writer.Group x = g(r, "/epochs").group("Experiment_1").group("stimulus");
            x.uint64("idx_start", new long[0], new long[] {0});
            x.uint64("count", new long[0], new long[] {20});
        }), 1,
                "/epochs/Experiment_1/stimulus", "inside the sweep");
    }

    @Test
    void missingStimulusNameReadsAsEmpty() throws Exception {
        Path f = write(List.of(sweep(1, "Noise 1", 8, null)), r -> g(r, "/stimulus/presentation/Sweep_1").remove("aibs_stimulus_name"));
        assertEquals(Map.of(1, ""), AllenNwb.stimulusNames(f));
        assertEquals("", AllenNwb.sweep(f, 1).stimulusName());
    }
}
