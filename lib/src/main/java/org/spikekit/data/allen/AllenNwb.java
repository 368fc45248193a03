package org.spikekit.data.allen;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spikekit.data.DataException;
import org.spikekit.data.format.Hdf5Files;
import org.spikekit.data.format.hdf5.Hdf5Writer;

/**
 * Reads (and, for SpikeKit's stand-in, writes) an Allen Cell Types Database {@code ephys.nwb}:
 * an NWB 1.x HDF5 file, laid out as AllenSDK's {@code NwbDataSet} reads it. Per sweep {@code N}:
 * <ul>
 *   <li>{@code /epochs/Sweep_N/stimulus/timeseries}: the stimulus TimeSeries group (in Allen files
 *       a link to {@code /stimulus/presentation/Sweep_N}) with dataset {@code data} (amperes) and
 *       dataset {@code starting_time} whose attribute {@code rate} is the sampling rate in Hz;</li>
 *   <li>{@code /epochs/Sweep_N/response/timeseries}: the response TimeSeries group (a link to
 *       {@code /acquisition/timeseries/Sweep_N}) with dataset {@code data} (volts);</li>
 *   <li>{@code /epochs/Sweep_N/stimulus/idx_start} and {@code count}: scalar integers, the sweep's
 *       sample range; {@code idx_start} must be 0 (AllenSDK asserts the same);</li>
 *   <li>optional {@code /epochs/Experiment_N/stimulus/idx_start} and {@code count}: the experiment
 *       range (the sweep without its test pulse); absent: the whole sweep, as in AllenSDK;</li>
 *   <li>optional {@code /stimulus/presentation/Sweep_N/aibs_stimulus_name}: a scalar string such
 *       as "Noise 1", "Noise 2", "Long Square" (AllenSDK {@code get_sweep_metadata}); absent: "";</li>
 *   <li>optional {@code /analysis/spike_times/Sweep_N}: spike times in seconds from the sweep start
 *       (float64).</li>
 * </ul>
 * A {@code data} dataset may be float32, float64 or any integer type (e.g. int16); a
 * {@code conversion} attribute, when present, multiplies it (NWB: data × conversion = SI units).
 *
 * <p>Every problem (missing file, not HDF5, a missing group, dataset or attribute, a wrong rank
 * or type, NaN or infinite samples, a non-positive rate, an index range outside the data) is a
 * {@link DataException} whose message names the file, the HDF5 path and what was expected.
 *
 * <p>SpikeKit's stand-in ({@link AllenStandin}) is written in this layout by {@link #write} with
 * the kit's {@link Hdf5Writer} (epoch timeseries are hard links to the presentation and
 * acquisition groups) and carries its generator description in the root attribute
 * {@value #GENERATOR}.
 */
public final class AllenNwb {
    private AllenNwb() {}

    /** Root attribute holding the generator description of a SpikeKit stand-in. */
    public static final String GENERATOR = "spikekit_generator";
    static final String WHAT = "Allen Cell Types NWB file";
    private static final Pattern SWEEP = Pattern.compile("Sweep_(\\d+)");

    /**
     * One sweep as {@code NwbDataSet.get_sweep} returns it, plus its stimulus name and stored spikes.
     *
     * @param number sweep number N
     * @param stimulusName {@code aibs_stimulus_name}, "" when absent
     * @param samplingRate Hz, positive
     * @param stimulus injected current, amperes (data × conversion)
     * @param response membrane potential, volts (data × conversion)
     * @param experimentStart first sample of the experiment range (AllenSDK {@code index_range[0]})
     * @param experimentStop last sample of the experiment range, inclusive (AllenSDK {@code index_range[1]})
     * @param storedSpikeTimes {@code /analysis/spike_times/Sweep_N}, seconds from the sweep start, or null
     */
    public record Sweep(int number, String stimulusName, double samplingRate, float[] stimulus, float[] response,
                        long experimentStart, long experimentStop, double[] storedSpikeTimes) {
        public Sweep {
            stimulusName = stimulusName == null ? "" : stimulusName;
        }

        /** Samples of the stimulus trace. */
        public int samples() { return stimulus.length; }

        /** Duration of the stimulus trace in seconds. */
        public double seconds() { return stimulus.length / samplingRate; }
    }

    // ================================================================== reading

    /** The sweep numbers N of the groups {@code /epochs/Sweep_N}, ascending. */
    public static List<Integer> sweepNumbers(Path file) {
        return open(file, r -> r.sweepNumbers());
    }

    /**
     * Sweep number → stimulus name ({@code /stimulus/presentation/Sweep_N/aibs_stimulus_name}, ""
     * when absent), for every sweep of {@link #sweepNumbers}; reads no traces.
     */
    public static Map<Integer, String> stimulusNames(Path file) {
        return open(file, r -> {
            Map<Integer, String> out = new TreeMap<>();
            for (int n : r.sweepNumbers()) out.put(n, r.stimulusName(n));
            return Collections.unmodifiableMap(out);
        });
    }

    /** Reads sweep {@code number} (its traces, rate, ranges, name and stored spikes). */
    public static Sweep sweep(Path file, int number) {
        return open(file, r -> r.sweep(number));
    }

    /** The stand-in generator description (root attribute {@value #GENERATOR}), "" for real files. */
    public static String generator(Path file) {
        return open(file, r -> {
            Attribute a = r.h.getAttribute(GENERATOR);
            return a != null && a.getData() instanceof String s ? s : "";
        });
    }

    private static <T> T open(Path file, Function<Reader, T> body) {
        Hdf5Files.checkContainer(file, WHAT);
        try (HdfFile h = new HdfFile(file)) {
            return body.apply(new Reader(file, h));
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DataException(file, file + ": cannot read as an NWB (HDF5) file (damaged?): " + e.getMessage(), e);
        }
    }

    /** Reads the fields of one open file; every message names the file and the HDF5 path. */
    private static final class Reader {
        final Path file;
        final HdfFile h;

        Reader(Path file, HdfFile h) {
            this.file = file;
            this.h = h;
        }

        DataException err(String path, String what) {
            return new DataException(file, file + ": " + path + ": " + what);
        }

        List<Integer> sweepNumbers() {
            Node e = find("/epochs");
            if (e == null) throw err("/epochs", "missing (expected the NWB 1.x epochs group holding Sweep_N groups)");
            if (!(e instanceof Group g)) throw err("/epochs", "expected a group, found a " + e.getType());
            List<Integer> out = new ArrayList<>();
            for (String name : g.getChildren().keySet()) {
                Matcher m = SWEEP.matcher(name);
                if (m.matches()) {
                    try {
                        out.add(Integer.parseInt(m.group(1)));
                    } catch (NumberFormatException ex) {
                        throw err("/epochs/" + name, "sweep number out of range");
                    }
                }
            }
            Collections.sort(out);
            return out;
        }

        String stimulusName(int n) {
            String path = "/stimulus/presentation/Sweep_" + n + "/aibs_stimulus_name";
            Node node = find(path);
            if (node == null) return "";
            if (!(node instanceof Dataset d)) throw err(path, "expected a string dataset, found a " + node.getType());
            DataType t = d.getDataType();
            boolean text = t instanceof StringData || (t instanceof VariableLength vl && vl.isVariableLengthString());
            if (!text) throw err(path, "expected a scalar string (e.g. \"Noise 1\"), got " + typeName(t));
            Object v = d.getData();
            if (v instanceof String s) return s.strip();
            if (v instanceof String[] a && a.length == 1) return a[0] == null ? "" : a[0].strip();
            throw err(path, "expected one string (e.g. \"Noise 1\"), got shape " + shape(d.getDimensions()));
        }

        Sweep sweep(int n) {
            String ep = "/epochs/Sweep_" + n;
            Node epoch = find(ep);
            if (epoch == null) {
                throw err(ep, "missing (no sweep " + n + "; the file has sweeps " + sweepNumbers() + ")");
            }
            if (!(epoch instanceof Group)) throw err(ep, "expected a group, found a " + epoch.getType());
            String stPath = ep + "/stimulus/timeseries", rsPath = ep + "/response/timeseries";
            Group st = group(stPath, "the stimulus TimeSeries, a link to /stimulus/presentation/Sweep_" + n);
            Group rs = group(rsPath, "the response TimeSeries, a link to /acquisition/timeseries/Sweep_" + n);
            double rate = rate(st, stPath);
            float[] stim = trace(st, stPath);
            float[] resp = trace(rs, rsPath);
            long start = scalarInt(ep + "/stimulus/idx_start");
            long count = scalarInt(ep + "/stimulus/count");
            if (start != 0) {
                throw err(ep + "/stimulus/idx_start", "expected 0 (the sweep's range starts at its first sample, as AllenSDK "
                        + "requires), got " + start);
            }
            if (count < 1 || count > stim.length) {
                throw err(ep + "/stimulus/count", "expected 1.." + stim.length + " samples (the length of " + stPath
                        + "/data), got " + count);
            }
            long expStart = 0, expStop = count - 1;
            String xp = "/epochs/Experiment_" + n;
            if (find(xp) != null) {
                expStart = scalarInt(xp + "/stimulus/idx_start");
                long c = scalarInt(xp + "/stimulus/count");
                if (expStart < 0 || c < 1 || expStart + c > stim.length) {
                    throw err(xp + "/stimulus", "expected an experiment range inside the sweep's " + stim.length
                            + " samples, got idx_start " + expStart + ", count " + c);
                }
                expStop = expStart + c - 1;
            }
            double[] spikes = null;
            String sp = "/analysis/spike_times/Sweep_" + n;
            Node sn = find(sp);
            if (sn != null) {
                if (!(sn instanceof Dataset d)) throw err(sp, "expected a dataset of spike times, found a " + sn.getType());
                spikes = spikeTimes(d, sp);
            }
            return new Sweep(n, stimulusName(n), rate, stim, resp, expStart, expStop, spikes);
        }

        double rate(Group ts, String tsPath) {
            String p = tsPath + "/starting_time";
            Dataset d = dataset(ts, tsPath, "starting_time");
            Attribute a = d.getAttribute("rate");
            if (a == null) throw err(p, "missing attribute 'rate' (expected the sampling rate in Hz)");
            Object v = a.getData();
            if (!(v instanceof Number num)) {
                throw err(p + "@rate", "expected a scalar number (sampling rate in Hz), got "
                        + (v == null ? "nothing" : v.getClass().getSimpleName()));
            }
            double r = num.doubleValue();
            if (!(r > 0) || !Double.isFinite(r)) throw err(p + "@rate", "expected a positive finite sampling rate in Hz, got " + r);
            return r;
        }

        /** {@code data} of a TimeSeries group: rank 1, numeric, finite, times its {@code conversion}. */
        float[] trace(Group ts, String tsPath) {
            String p = tsPath + "/data";
            Dataset d = dataset(ts, tsPath, "data");
            int[] dims = d.getDimensions();
            if (dims.length != 1) throw err(p, "expected rank 1 (one sample per time point), got shape " + shape(dims));
            if (dims[0] < 1) throw err(p, "expected at least one sample, the dataset is empty");
            DataType t = d.getDataType();
            if (!(t instanceof FloatingPoint || t instanceof FixedPoint)) {
                throw err(p, "expected float32, float64 or integer samples, got " + typeName(t));
            }
            double conv = 1.0;
            Attribute ca = d.getAttribute("conversion");
            if (ca != null) {
                if (!(ca.getData() instanceof Number num) || !Double.isFinite(num.doubleValue()) || num.doubleValue() == 0) {
                    throw err(p + "@conversion", "expected a finite non-zero number (data × conversion = SI units), got " + ca.getData());
                }
                conv = num.doubleValue();
            }
            Object raw = d.getData();
            float[] out = new float[dims[0]];
            switch (raw) {
                case float[] f -> {
                    for (int i = 0; i < f.length; i++) {
                        if (!Float.isFinite(f[i])) throw err(p, "expected finite samples, got " + f[i] + " at index " + i);
                        out[i] = conv == 1.0 ? f[i] : (float) (f[i] * conv);
                    }
                }
                case double[] f -> {
                    for (int i = 0; i < f.length; i++) {
                        if (!Double.isFinite(f[i])) throw err(p, "expected finite samples, got " + f[i] + " at index " + i);
                        out[i] = (float) (f[i] * conv);
                    }
                }
                case short[] s -> {
                    for (int i = 0; i < s.length; i++) out[i] = (float) (s[i] * conv);
                }
                default -> {
                    double[] v = Hdf5Files.numbers(raw);
                    if (v == null || v.length != out.length) {
                        throw err(p, "expected " + out.length + " numbers, got " + (raw == null ? "nothing" : raw.getClass().getSimpleName()));
                    }
                    for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] * conv);
                }
            }
            return out;
        }

        double[] spikeTimes(Dataset d, String p) {
            int[] dims = d.getDimensions();
            if (dims.length != 1) throw err(p, "expected rank 1 (spike times in seconds), got shape " + shape(dims));
            if (!(d.getDataType() instanceof FloatingPoint)) throw err(p, "expected float64 spike times, got " + typeName(d.getDataType()));
            if (dims[0] == 0) return new double[0];
            double[] v = Hdf5Files.numbers(d.getData());
            if (v == null) throw err(p, "expected numbers");
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) throw err(p, "expected finite spike times, got " + v[i] + " at index " + i);
            }
            return v;
        }

        long scalarInt(String path) {
            Node node = find(path);
            if (node == null) throw err(path, "missing (expected a scalar integer dataset)");
            if (!(node instanceof Dataset d)) throw err(path, "expected a scalar integer dataset, found a " + node.getType());
            int[] dims = d.getDimensions();
            if (!(dims.length == 0 || (dims.length == 1 && dims[0] == 1))) {
                throw err(path, "expected a scalar integer, got shape " + shape(dims));
            }
            if (!(d.getDataType() instanceof FixedPoint)) throw err(path, "expected an integer, got " + typeName(d.getDataType()));
            Object v = d.getData();
            if (v instanceof Number num) return num.longValue();
            double[] a = Hdf5Files.numbers(v);
            if (a == null || a.length != 1) throw err(path, "expected one integer");
            return (long) a[0];
        }

        // ------------------------------------------------------------ nodes

        /** The node at an absolute path with links resolved, or null when some component is absent. */
        Node find(String path) {
            Node n = h;
            StringBuilder at = new StringBuilder();
            for (String part : path.substring(1).split("/")) {
                at.append('/').append(part);
                if (!(n instanceof Group g)) return null;
                Node c = g.getChildren().get(part);
                if (c == null) return null;
                n = resolve(c, at.toString());
            }
            return n;
        }

        Node resolve(Node n, String path) {
            if (n instanceof Link l) {
                try {
                    return l.getTarget();
                } catch (RuntimeException e) {
                    throw err(path, "broken link to '" + l.getTargetPath() + "' (" + e.getMessage() + ")");
                }
            }
            return n;
        }

        Group group(String path, String what) {
            Node n = find(path);
            if (n == null) throw err(path, "missing (expected " + what + ")");
            if (!(n instanceof Group g)) throw err(path, "expected a group (" + what + "), found a " + n.getType());
            return g;
        }

        Dataset dataset(Group g, String groupPath, String name) {
            Node c = g.getChildren().get(name);
            if (c == null) throw err(groupPath + "/" + name, "missing (expected a dataset '" + name + "' in " + groupPath + ")");
            Node n = resolve(c, groupPath + "/" + name);
            if (!(n instanceof Dataset d)) throw err(groupPath + "/" + name, "expected a dataset, found a " + n.getType());
            return d;
        }
    }

    static String typeName(DataType t) { return Hdf5Files.typeName(t); }

    static String shape(int[] dims) { return Hdf5Files.shape(dims); }

    // ================================================================== writing

    /**
     * Writes {@code sweeps} in the layout above (atomically), float32 traces with
     * {@code conversion} 1.0; {@code generator} (non-empty for stand-ins) goes into the root
     * attribute {@value #GENERATOR}.
     */
    public static void write(Path file, List<Sweep> sweeps, String generator) {
        try {
            layout(sweeps, generator).write(file);
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot write the NWB file: " + e.getMessage(), e);
        }
    }

    /** The file content as an editable writer (tests break it on purpose). */
    static Hdf5Writer layout(List<Sweep> sweeps, String generator) {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group root = w.root();
        root.attribute("nwb_version", "NWB-1.0.5");
        if (generator != null && !generator.isEmpty()) root.attribute(GENERATOR, generator);
        root.vlenString("identifier", generator == null || generator.isEmpty() ? "ephys" : "SpikeKit stand-in");
        Hdf5Writer.Group presentation = root.group("stimulus").group("presentation");
        Hdf5Writer.Group acquisition = root.group("acquisition").group("timeseries");
        Hdf5Writer.Group epochs = root.group("epochs");
        Hdf5Writer.Group spikes = null;
        for (Sweep s : sweeps) {
            String name = "Sweep_" + s.number();
            Hdf5Writer.Group st = series(presentation.group(name), "CurrentClampStimulusSeries", s.stimulus(), "Amps", s.samplingRate());
            st.vlenString("aibs_stimulus_name", s.stimulusName());
            Hdf5Writer.Group rs = series(acquisition.group(name), "CurrentClampSeries", s.response(), "Volts", s.samplingRate());
            int n = s.stimulus().length;
            Hdf5Writer.Group e = epochs.group(name);
            e.float64("start_time", new long[0], new double[] {0});
            e.float64("stop_time", new long[0], new double[] {n / s.samplingRate()});
            range(e.group("stimulus"), 0, n, st);
            range(e.group("response"), 0, n, rs);
            if (s.experimentStart() != 0 || s.experimentStop() != n - 1) {
                Hdf5Writer.Group x = epochs.group("Experiment_" + s.number());
                long c = s.experimentStop() - s.experimentStart() + 1;
                range(x.group("stimulus"), s.experimentStart(), c, st);
                range(x.group("response"), s.experimentStart(), c, rs);
            }
            if (s.storedSpikeTimes() != null) {
                if (spikes == null) spikes = root.group("analysis").group("spike_times");
                spikes.float64(name, new long[] {s.storedSpikeTimes().length}, s.storedSpikeTimes());
            }
        }
        return w;
    }

    private static Hdf5Writer.Group series(Hdf5Writer.Group g, String type, float[] data, String unit, double rate) {
        g.attribute("neurodata_type", "TimeSeries").attribute("ancestry", type);
        g.float32("data", new long[] {data.length}, data).float64Attribute("conversion", 1.0).attribute("unit", unit);
        g.float64("starting_time", new long[0], new double[] {0}).float64Attribute("rate", rate).attribute("unit", "Seconds");
        return g;
    }

    private static void range(Hdf5Writer.Group g, long start, long count, Hdf5Writer.Group ts) {
        g.uint64("idx_start", new long[0], new long[] {start});
        g.uint64("count", new long[0], new long[] {count});
        g.link("timeseries", ts);
    }
}
