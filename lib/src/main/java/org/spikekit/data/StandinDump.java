package org.spikekit.data;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.data.allen.AllenNwb;
import org.spikekit.data.allen.AllenNwb.Sweep;
import org.spikekit.data.allen.AllenStandin;
import org.spikekit.data.perich.PerichGenerator;
import org.spikekit.data.perich.PerichNwb;
import org.spikekit.data.reaching.ODohertyData;
import org.spikekit.data.reaching.ODohertyFile;
import org.spikekit.data.reaching.ReachGenerator;
import org.spikekit.data.reaching.ReachSession;
import org.spikekit.data.spiking.ShdFile;

/**
 * Writes one small stand-in of every HDF5 layout the kit writes (with {@link
 * org.spikekit.data.format.hdf5.Hdf5Writer}) into a folder, each with a JSON file of what the kit's own
 * reader reads back from it, so that another HDF5 implementation can be checked against the kit:
 * {@code make test-hdf5} ({@code env/test-hdf5.sh}) opens every file with libhdf5 (h5py and
 * {@code h5dump}) and compares its values with the JSON.
 *
 * <p>Files (each {@code NAME.json} next to {@code NAME}): O'Doherty MATLAB v7.3 sessions
 * ({@code odoherty/*.mat}, {@link ODohertyFile}: one Indy-like with M1 channels, one Loco-like with
 * M1 and S1), Perich NWB sessions ({@code perich/*.nwb}, {@link PerichNwb}: one center-out, one
 * random-target), an SHD file ({@code shd/shd_train.h5}, {@link ShdFile}) and an Allen Cell Types
 * NWB 1.x file ({@code allen/ephys.nwb}, {@link AllenNwb}). Each is made by the same generator
 * and writer as {@code make data}'s stand-ins, shortened (2-s O'Doherty sessions with 4 channels
 * per area, 30-s Perich sessions with 6 units, 6 SHD samples, the Allen sweeps cut to 2,000 samples
 * around their first spike).
 *
 * <p>JSON: numbers as the reader returns them (float32 values widened exactly to double; NaN as
 * the bare token {@code NaN}, which Python's json reads); field names follow the HDF5 layout (see
 * {@code env/test-hdf5.py}).
 */
public final class StandinDump {
    private StandinDump() {}

    /** Writes every stand-in and its JSON into {@code dir}; returns the files written (stand-ins only). */
    public static List<Path> write(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        // NaN as the bare token NaN (Python's json reads it), not as the string "NaN"
        ObjectMapper json = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

        // O'Doherty: the writer and generator of make data's stand-ins, shortened
        for (String name : List.of("indy_20160622_01", "loco_20170210_03")) {
            ReachGenerator.Config c = name.startsWith("indy")
                    ? ReachGenerator.Config.indyLike().withChannels(4, 0)
                    : ReachGenerator.Config.locoLike().withChannels(4, 4);
            Path f = dir.resolve("odoherty").resolve(name + ".mat");
            Files.createDirectories(f.getParent());
            ODohertyFile.write(ReachGenerator.generate(name, c.withDurationS(2)), f, ODohertyData.SYNTHETIC_CREATED);
            ReachSession s = ODohertyFile.read(f);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t", s.t());
            m.put("cursor_pos", s.cursorPos());
            m.put("target_pos", s.targetPos());
            m.put("finger_pos", s.fingerPos());
            m.put("chan_names", s.channelNames());
            m.put("spikes", s.spikeTimes());
            m.put("generator", s.generator());
            json.writeValue(dir.resolve("odoherty").resolve(name + ".mat.json").toFile(), m);
            out.add(f);
        }

        // Perich: one session of each task
        for (String id : List.of("c_20150309_center_out_reaching", "t_20130830_random_target_reaching")) {
            PerichGenerator.Config c = PerichGenerator.config(id, RunMode.QUICK).withDurationS(30).withUnits(6);
            Path f = dir.resolve("perich").resolve(PerichNwb.dandiFileName(id));
            Files.createDirectories(f.getParent());
            PerichNwb.write(PerichGenerator.generate(c), f);
            PerichNwb.Recording r = PerichNwb.read(f);
            PerichNwb.Trials t = r.trials();
            Map<String, Object> trials = new LinkedHashMap<>();
            trials.put("start_time", t.start());
            trials.put("stop_time", t.stop());
            trials.put("result", t.result());
            trials.put("target_id", t.targetId());
            trials.put("target_on_time", t.targetOn());
            trials.put("go_cue_time", t.goCue());
            trials.put("num_attempted", t.numAttempted());
            trials.put("go_cue_time_array", t.goCueArray());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("subject_id", r.subject());
            m.put("timestamps", r.t());
            m.put("cursor_pos", r.pos());
            m.put("cursor_vel", r.vel());
            m.put("cursor_acc", r.acc());
            m.put("trials", trials);
            m.put("spike_times", r.spikes());
            m.put("generator", r.generator());
            json.writeValue(dir.resolve("perich").resolve(f.getFileName() + ".json").toFile(), m);
            out.add(f);
        }

        // SHD
        {
            Path f = dir.resolve("shd").resolve("shd_train.h5");
            Files.createDirectories(f.getParent());
            ShdFile.write(f, ShdFile.synthetic(ShdFile.Config.quick(1, 6)));
            ShdFile.ShdSet s = ShdFile.read(f);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("times", widen(s.times()));
            m.put("units", s.units());
            m.put("labels", s.labels());
            m.put("speaker", s.speakers());
            m.put("keys", s.keys());
            m.put("generator", s.generator());
            json.writeValue(dir.resolve("shd").resolve("shd_train.h5.json").toFile(), m);
            out.add(f);
        }

        // Allen: one simulated stand-in cell, its sweeps cut short
        {
            AllenStandin.Config cfg = AllenStandin.Config.standard(1, 1);
            List<Sweep> sweeps = new ArrayList<>();
            for (AllenStandin.SimSweep s : AllenStandin.simulate(cfg, 0).sweeps()) sweeps.add(shorten(s.sweep(), 2000));
            Path f = dir.resolve("allen").resolve("ephys.nwb");
            Files.createDirectories(f.getParent());
            AllenNwb.write(f, sweeps, cfg.describe() + " cell=0 (shortened for the HDF5 check)");
            List<Map<String, Object>> read = new ArrayList<>();
            for (int n : AllenNwb.sweepNumbers(f)) {
                Sweep w = AllenNwb.sweep(f, n);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("number", w.number());
                m.put("aibs_stimulus_name", w.stimulusName());
                m.put("rate", w.samplingRate());
                m.put("stimulus", widen(w.stimulus()));
                m.put("response", widen(w.response()));
                m.put("experiment_start", w.experimentStart());
                m.put("experiment_stop", w.experimentStop());
                m.put("spike_times", w.storedSpikeTimes());
                read.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sweeps", read);
            m.put("generator", AllenNwb.generator(f));
            json.writeValue(dir.resolve("allen").resolve("ephys.nwb.json").toFile(), m);
            out.add(f);
        }
        return out;
    }

    /**
     * The {@code n} samples of a sweep starting 500 samples before its first stored spike (or at
     * its start), with the experiment range and spike times moved along; a range that does not fit
     * becomes the middle of the cut.
     */
    static Sweep shorten(Sweep s, int n) {
        double fs = s.samplingRate();
        double[] sp = s.storedSpikeTimes();
        int from = sp == null || sp.length == 0 ? 0 : (int) Math.max(0, Math.min(s.samples() - n, Math.round(sp[0] * fs) - 500));
        double t0 = from / fs, t1 = (from + n) / fs;
        double[] spikes = null;
        if (sp != null) spikes = Arrays.stream(sp).filter(x -> x >= t0 && x < t1).map(x -> x - t0).toArray();
        long start = 0, stop = n - 1;
        if (s.experimentStart() != 0 || s.experimentStop() != s.samples() - 1) {
            start = n / 10;
            stop = n - 1 - n / 10;
        }
        return new Sweep(s.number(), s.stimulusName(), fs, Arrays.copyOfRange(s.stimulus(), from, from + n),
                Arrays.copyOfRange(s.response(), from, from + n), start, stop, spikes);
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static double[][] widen(float[][] a) {
        double[][] d = new double[a.length][];
        for (int i = 0; i < a.length; i++) d[i] = widen(a[i]);
        return d;
    }
}
