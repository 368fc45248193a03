package org.spikekit.data.perich;

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
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spikekit.data.DataException;
import org.spikekit.data.format.Hdf5Files;
import org.spikekit.data.format.hdf5.Hdf5Writer;

/**
 * Reads (and, for the synthetic stand-in, writes) one session of Perich, Gallego &amp; Miller (2018)
 * as distributed on DANDI 000688: an NWB 2.x (HDF5) file such as
 * {@code sub-C/sub-C_ses-CO-20150311_behavior+ecephys.nwb}. The fields read are those of the
 * Spikachu preprocessing (notebooks/papers/spikachu.md §3.1):
 * <ul>
 *   <li>{@value #POSITION}: {@code data} float {@code [k, 2]} (cursor x, y in cm) and
 *       {@code timestamps} float {@code [k]} (seconds, finite, strictly increasing);</li>
 *   <li>{@value #VELOCITY} and {@value #ACCELERATION}: {@code data} float {@code [k, 2]} (cm/s,
 *       cm/s²) on the same timestamps — their own {@code timestamps} dataset (in pynwb files a
 *       link to the position's) is checked to equal the position's when present, and the
 *       position's are used when it is absent;</li>
 *   <li>{@value #TRIALS}: columns {@code start_time}, {@code stop_time} (finite, stop ≥ start),
 *       {@code result} (strings: 'R' reward, 'A' abort, 'F' fail, 'I' incomplete, ...),
 *       {@code target_id} (float, NaN allowed; required for center-out), {@code target_on_time},
 *       {@code go_cue_time} (float, NaN allowed; required for center-out),
 *       {@code num_attempted} (required for random-target, optional otherwise) and
 *       {@code go_cue_time_array} (optional, random-target: the go cues of each trial; a
 *       {@code [n, m]} dataset or an NWB ragged column with {@code go_cue_time_array_index});</li>
 *   <li>{@value #UNITS}: the NWB ragged array {@code spike_times} (float64, all units
 *       concatenated, finite) with {@code spike_times_index} (integer end offsets per unit,
 *       non-decreasing, the last one equal to the length of {@code spike_times}; a unit's times
 *       are sorted if they are not already);</li>
 *   <li>{@value #SUBJECT} (optional): the subject, else the letter of the file name.</li>
 * </ul>
 * Floating-point data may be float32 or float64; integer columns any integer width.
 *
 * <p>Session id: {@code <subject letter lower case>_<YYYYMMDD>_<center_out_reaching|random_target_reaching>}
 * (notebooks/papers/spikachu.md §3.1), taken from the DANDI file name ({@code sub-C_ses-CO-20150311...nwb}: task
 * from "CO"/"RT", date from the name) or from a kit file name
 * ({@code c_20150311_center_out_reaching.nwb}); for any other name the task comes from a
 * "CO"/"RT" token of the name, the date from {@code session_start_time} and the letter from the
 * subject id.
 *
 * <p>Every problem (missing file, not HDF5, truncated, a missing group or dataset, a wrong rank,
 * shape or datatype, non-finite or non-increasing timestamps, an index out of range or not
 * monotone, lengths that do not match) is a {@link DataException} whose message names the file,
 * the HDF5 path and what was expected.
 *
 * <p>SpikeKit's stand-in ({@link PerichGenerator}) is written in the same layout by
 * {@link #write} with the kit's {@link Hdf5Writer} (the velocity/acceleration timestamps are hard
 * links to the position's, text columns variable-length UTF-8 strings as pynwb writes them) and
 * carries its generator parameters in the root attribute {@value #GENERATOR}.
 */
public final class PerichNwb {
    private PerichNwb() {}

    /** HDF5 path of the cursor position TimeSeries group. */
    public static final String POSITION = "/processing/behavior/Position/cursor_pos";
    /** HDF5 path of the cursor velocity TimeSeries group. */
    public static final String VELOCITY = "/processing/behavior/Velocity/cursor_vel";
    /** HDF5 path of the cursor acceleration TimeSeries group. */
    public static final String ACCELERATION = "/processing/behavior/Acceleration/cursor_acc";
    /** HDF5 path of the trials table. */
    public static final String TRIALS = "/intervals/trials";
    /** HDF5 path of the units table. */
    public static final String UNITS = "/units";
    /** HDF5 path of the subject id. */
    public static final String SUBJECT = "/general/subject/subject_id";
    /** Root attribute holding the generator description of a SpikeKit stand-in. */
    public static final String GENERATOR = "spikekit_generator";
    static final String WHAT = "Perich NWB file";

    /** The two tasks of the data set, as in session ids. */
    public enum Task {
        /** Center-out reaching: 8 targets, instructed delay ("CO" in DANDI file names). */
        CENTER_OUT("center_out_reaching", "CO"),
        /** Random-target reaching: 4 targets per trial ("RT" in DANDI file names). */
        RANDOM_TARGET("random_target_reaching", "RT");

        private final String id;
        private final String code;

        Task(String id, String code) {
            this.id = id;
            this.code = code;
        }

        /** {@code center_out_reaching} or {@code random_target_reaching}. */
        public String id() { return id; }

        /** {@code CO} or {@code RT}. */
        public String code() { return code; }

        /** The task with this id ({@code center_out_reaching}) or code ({@code CO}). */
        public static Task parse(String s) {
            for (Task t : values()) if (t.id.equals(s) || t.code.equals(s)) return t;
            throw new IllegalArgumentException("unknown Perich task '" + s + "': expected center_out_reaching (CO) or random_target_reaching (RT)");
        }
    }

    /**
     * The trials table, one entry per trial; absent optional columns are all NaN.
     *
     * @param start {@code start_time}, seconds
     * @param stop {@code stop_time}, seconds ({@code >= start})
     * @param result {@code result}: "R" reward, "A" abort, "F" fail, "I" incomplete
     * @param targetId {@code target_id} (center-out target 0..7), NaN when none
     * @param numAttempted {@code num_attempted} (random-target), NaN when absent
     * @param targetOn {@code target_on_time}, NaN when none
     * @param goCue {@code go_cue_time}, NaN when none
     * @param goCueArray {@code go_cue_time_array} per trial its go cues (random-target; rows of a
     *     ragged column may differ in length), or null
     */
    public record Trials(double[] start, double[] stop, String[] result, double[] targetId, double[] numAttempted,
                         double[] targetOn, double[] goCue, double[][] goCueArray) {
        /** Checks that every column has one entry per trial. */
        public Trials {
            int n = start.length;
            if (stop.length != n || result.length != n || targetId.length != n || numAttempted.length != n
                    || targetOn.length != n || goCue.length != n || (goCueArray != null && goCueArray.length != n)) {
                throw new IllegalArgumentException("PerichNwb.Trials: every column needs one entry per trial (" + n + ")");
            }
        }

        /** Number of trials. */
        public int size() { return start.length; }

        /** Duration {@code stop − start} of trial {@code i}, seconds. */
        public double duration(int i) { return stop[i] - start[i]; }

        /**
         * The first go cue of trial {@code i}: {@code go_cue_time_array[i][0]} when the column is
         * present (what Spikachu reads for random-target trials), else {@code go_cue_time[i]}.
         */
        public double firstGoCue(int i) {
            return goCueArray != null && goCueArray[i].length > 0 ? goCueArray[i][0] : goCue[i];
        }
    }

    /**
     * One session as read from its file.
     *
     * @param id session id, e.g. {@code c_20150311_center_out_reaching}
     * @param subject subject id as stored ({@code general/subject/subject_id}), else the file name's letter
     * @param task center-out or random-target
     * @param date recording date {@code YYYYMMDD}
     * @param t sample times in seconds, strictly increasing ({@code k})
     * @param pos cursor position {@code [k, 2]} row-major (x0, y0, x1, y1, ...), cm
     * @param vel cursor velocity {@code [k, 2]} row-major, cm/s
     * @param acc cursor acceleration {@code [k, 2]} row-major, cm/s²
     * @param trials the trials table
     * @param spikes per unit, its spike times in seconds, ascending
     * @param generator the stand-in's generator description, "" for real files
     */
    public record Recording(String id, String subject, Task task, String date, double[] t, double[] pos, double[] vel,
                            double[] acc, Trials trials, double[][] spikes, String generator) {
        /** Checks that pos, vel and acc hold two values per sample. */
        public Recording {
            int k = t.length;
            if (pos.length != 2 * k || vel.length != 2 * k || acc.length != 2 * k) {
                throw new IllegalArgumentException("PerichNwb.Recording " + id + ": pos, vel and acc need 2·k = " + 2 * k
                        + " values, got " + pos.length + ", " + vel.length + ", " + acc.length);
            }
            generator = generator == null ? "" : generator;
        }

        /** Number of behaviour samples k. */
        public int samples() { return t.length; }

        /** Number of units. */
        public int units() { return spikes.length; }

        /** Total number of spikes. */
        public long spikeCount() {
            long n = 0;
            for (double[] s : spikes) n += s.length;
            return n;
        }
    }

    // ================================================================== names

    /** What a file name says about its session. */
    public record SessionName(char subject, Task task, String date) {
        /** {@code <letter>_<YYYYMMDD>_<task id>}. */
        public String id() { return subject + "_" + date + "_" + task.id(); }
    }

    private static final Pattern DANDI_NAME = Pattern.compile("sub-([A-Za-z])[A-Za-z0-9]*_ses-(CO|RT)-(\\d{8})(?:[_+.-].*)?\\.nwb");
    private static final Pattern KIT_NAME = Pattern.compile("([a-z])_(\\d{8})_(center_out_reaching|random_target_reaching)\\.nwb");

    /**
     * Parses a DANDI file name ({@code sub-C_ses-CO-20150311_behavior+ecephys.nwb}) or a kit
     * file name ({@code c_20150311_center_out_reaching.nwb}); empty for anything else.
     */
    public static Optional<SessionName> parseFileName(String name) {
        Matcher m = DANDI_NAME.matcher(name);
        if (m.matches()) {
            return Optional.of(new SessionName(Character.toLowerCase(m.group(1).charAt(0)), Task.parse(m.group(2)), m.group(3)));
        }
        m = KIT_NAME.matcher(name);
        if (m.matches()) return Optional.of(new SessionName(m.group(1).charAt(0), Task.parse(m.group(3)), m.group(2)));
        return Optional.empty();
    }

    // ================================================================== reading

    /** Reads and checks one session; see the class comment for the layout and the checks. */
    public static Recording read(Path file) {
        Hdf5Files.checkContainer(file, WHAT);
        try (HdfFile h = new HdfFile(file)) {
            return new Reader(file, h).read();
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DataException(file, file + ": cannot read as an NWB (HDF5) file (damaged?): " + e.getMessage(), e);
        }
    }

    /**
     * Only the generator description of a SpikeKit stand-in (root attribute {@value #GENERATOR}),
     * or "" for files without one (real files). Checks the container, not the other fields: used to
     * decide cheaply whether a stand-in must be rewritten.
     */
    public static String readGenerator(Path file) {
        Hdf5Files.checkContainer(file, WHAT);
        try (HdfFile h = new HdfFile(file)) {
            return generatorOf(h);
        } catch (RuntimeException e) {
            throw new DataException(file, file + ": cannot read as an NWB (HDF5) file (damaged?): " + e.getMessage(), e);
        }
    }

    private static String generatorOf(HdfFile h) {
        Attribute a = h.getAttribute(GENERATOR);
        return a != null && a.getData() instanceof String s ? s : "";
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

        Recording read() {
            Group posG = group(POSITION);
            double[] t = timestamps(POSITION + "/timestamps", dataset(posG, POSITION, "timestamps"));
            int k = t.length;
            if (k < 2) throw err(POSITION + "/timestamps", "expected at least 2 samples, got " + k);
            double[] pos = xy(dataset(posG, POSITION, "data"), POSITION + "/data", k);
            double[] vel = sameTimes(VELOCITY, t);
            double[] acc = sameTimes(ACCELERATION, t);
            String fileName = file.getFileName().toString();
            Optional<SessionName> parsed = parseFileName(fileName);
            String subject = optionalString(SUBJECT);
            Task task;
            String date;
            char letter;
            if (parsed.isPresent()) {
                task = parsed.get().task();
                date = parsed.get().date();
                letter = parsed.get().subject();
            } else {
                boolean co = fileName.matches(".*(^|[^A-Za-z])CO([^A-Za-z].*|$)");
                boolean rt = fileName.matches(".*(^|[^A-Za-z])RT([^A-Za-z].*|$)");
                String start = optionalString("/session_start_time");
                if (co == rt || subject == null || subject.isEmpty() || start == null || !start.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
                    throw new DataException(file, file + ": cannot tell the session: expected a file name like "
                            + "sub-C_ses-CO-20150311_behavior+ecephys.nwb (DANDI 000688) or c_20150311_center_out_reaching.nwb, "
                            + "or else a name holding CO or RT plus " + SUBJECT + " and /session_start_time (YYYY-MM-DD...)");
                }
                task = co ? Task.CENTER_OUT : Task.RANDOM_TARGET;
                date = start.substring(0, 4) + start.substring(5, 7) + start.substring(8, 10);
                letter = Character.toLowerCase(subject.charAt(0));
            }
            if (subject == null || subject.isEmpty()) subject = String.valueOf(Character.toUpperCase(letter));
            String id = letter + "_" + date + "_" + task.id();
            Trials trials = trials(task);
            double[][] spikes = units();
            return new Recording(id, subject, task, date, t, pos, vel, acc, trials, spikes, generatorOf(h));
        }

        // ------------------------------------------------------------ nodes

        /** The node at an absolute path with links resolved, or null when some component is absent. */
        Node find(String path) {
            Node n = h;
            StringBuilder at = new StringBuilder();
            for (String part : path.substring(1).split("/")) {
                at.append('/').append(part);
                if (!(n instanceof Group g)) throw err(at.substring(0, at.lastIndexOf("/")), "expected a group, found a " + n.getType());
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

        Group group(String path) {
            Node n = find(path);
            if (n == null) throw err(path, "missing (expected the NWB group " + path + ")");
            if (!(n instanceof Group g)) throw err(path, "expected a group, found a " + n.getType());
            return g;
        }

        Dataset dataset(Group g, String groupPath, String name) {
            Dataset d = optionalDataset(g, groupPath, name);
            if (d == null) throw err(groupPath + "/" + name, "missing (expected a dataset '" + name + "' in " + groupPath + ")");
            return d;
        }

        Dataset optionalDataset(Group g, String groupPath, String name) {
            Node c = g.getChildren().get(name);
            if (c == null) return null;
            Node n = resolve(c, groupPath + "/" + name);
            if (!(n instanceof Dataset d)) throw err(groupPath + "/" + name, "expected a dataset, found a " + n.getType());
            return d;
        }

        // ------------------------------------------------------------ values

        /** A float32/float64 dataset of the given rank, as a flat row-major array. */
        double[] floats(Dataset d, String path, int rank) {
            int[] dims = d.getDimensions();
            if (dims.length != rank) {
                throw err(path, "expected rank " + rank + ", got rank " + dims.length + " (shape " + shape(dims) + ")");
            }
            if (!(d.getDataType() instanceof FloatingPoint)) {
                throw err(path, "expected floating-point data (float64), got " + typeName(d.getDataType()));
            }
            if (d.getSize() == 0) return new double[0];
            return flat(d.getDataFlat(), path);
        }

        /** An integer or floating-point rank-1 dataset, as doubles. */
        double[] numbers(Dataset d, String path, boolean allowFloat) {
            int[] dims = d.getDimensions();
            if (dims.length != 1) throw err(path, "expected rank 1, got rank " + dims.length + " (shape " + shape(dims) + ")");
            DataType type = d.getDataType();
            boolean ok = type instanceof FixedPoint || (allowFloat && type instanceof FloatingPoint);
            if (!ok) throw err(path, "expected " + (allowFloat ? "numbers (integer or float)" : "integers") + ", got " + typeName(type));
            if (d.getSize() == 0) return new double[0];
            return flat(d.getDataFlat(), path);
        }

        double[] flat(Object data, String path) {
            double[] v = Hdf5Files.numbers(data);
            if (v == null) throw err(path, "expected numbers, got " + (data == null ? "nothing" : data.getClass().getSimpleName()));
            return v;
        }

        double[] timestamps(String path, Dataset d) {
            double[] t = floats(d, path, 1);
            for (int i = 0; i < t.length; i++) {
                if (!Double.isFinite(t[i])) throw err(path, "expected finite times, got " + t[i] + " at index " + i);
                if (i > 0 && !(t[i] > t[i - 1])) {
                    throw err(path, "expected strictly increasing times, got [" + (i - 1) + "] = " + t[i - 1] + ", [" + i + "] = " + t[i]);
                }
            }
            return t;
        }

        /** A {@code [k, 2]} float dataset with finite values. */
        double[] xy(Dataset d, String path, int k) {
            int[] dims = d.getDimensions();
            if (dims.length != 2 || dims[1] != 2) {
                throw err(path, "expected shape k × 2 (x, y per sample), got " + shape(dims));
            }
            if (dims[0] != k) {
                throw err(path, "expected " + k + " samples (the length of " + POSITION + "/timestamps), got " + dims[0]
                        + " (shape " + shape(dims) + ")");
            }
            double[] v = floats(d, path, 2);
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) throw err(path, "expected finite values, got " + v[i] + " at sample " + i / 2 + ", column " + i % 2);
            }
            return v;
        }

        /** Velocity or acceleration data, on the position's timestamps. */
        double[] sameTimes(String groupPath, double[] t) {
            Group g = group(groupPath);
            Dataset ts = optionalDataset(g, groupPath, "timestamps");
            if (ts != null) {
                double[] own = timestamps(groupPath + "/timestamps", ts);
                if (own.length != t.length) {
                    throw err(groupPath + "/timestamps", "expected the timestamps of " + POSITION + " (" + t.length
                            + " samples), got " + own.length + " samples");
                }
                for (int i = 0; i < t.length; i++) {
                    if (Math.abs(own[i] - t[i]) > 1e-9 * Math.max(1, Math.abs(t[i]))) {
                        throw err(groupPath + "/timestamps", "expected the timestamps of " + POSITION + ", differs at sample " + i
                                + ": " + own[i] + " vs " + t[i]);
                    }
                }
            }
            return xy(dataset(g, groupPath, "data"), groupPath + "/data", t.length);
        }

        String optionalString(String path) {
            Node n = find(path);
            if (n == null) return null;
            if (!(n instanceof Dataset d)) throw err(path, "expected a string dataset, found a " + n.getType());
            Object v = d.getData();
            if (v instanceof String s) return s.strip();
            if (v instanceof String[] a && a.length == 1) return a[0].strip();
            throw err(path, "expected one string, got " + typeName(d.getDataType()) + " of shape " + shape(d.getDimensions()));
        }

        // ------------------------------------------------------------ trials

        Trials trials(Task task) {
            Group g = group(TRIALS);
            String p = TRIALS;
            double[] start = floats(dataset(g, p, "start_time"), p + "/start_time", 1);
            int n = start.length;
            double[] stop = column(g, "stop_time", n, true, true);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(start[i])) throw err(p + "/start_time", "expected finite times, got " + start[i] + " at trial " + i);
                if (!Double.isFinite(stop[i])) throw err(p + "/stop_time", "expected finite times, got " + stop[i] + " at trial " + i);
                if (stop[i] < start[i]) {
                    throw err(p + "/stop_time", "expected stop_time >= start_time, trial " + i + " has start " + start[i] + ", stop " + stop[i]);
                }
            }
            String[] result = strings(dataset(g, p, "result"), p + "/result", n);
            boolean co = task == Task.CENTER_OUT;
            double[] targetId = column(g, "target_id", n, co, false);
            double[] targetOn = column(g, "target_on_time", n, co, false);
            double[] numAttempted = column(g, "num_attempted", n, !co, false);
            double[][] goArray = null;
            Dataset ga = optionalDataset(g, p, "go_cue_time_array");
            Dataset gi = optionalDataset(g, p, "go_cue_time_array_index");
            if (ga != null && gi != null) {
                goArray = ragged(ga, p + "/go_cue_time_array", gi, p + "/go_cue_time_array_index", n);
            } else if (ga != null) {
                String path = p + "/go_cue_time_array";
                int[] dims = ga.getDimensions();
                if (dims.length != 2 || dims[0] != n || dims[1] < 1) {
                    throw err(path, "expected shape n × m with n = " + n + " trials and m >= 1 go cues (or a ragged column with "
                            + "go_cue_time_array_index), got " + shape(dims));
                }
                double[] flat = floats(ga, path, 2);
                goArray = new double[n][];
                for (int i = 0; i < n; i++) goArray[i] = Arrays.copyOfRange(flat, i * dims[1], (i + 1) * dims[1]);
            }
            double[] goCue = column(g, "go_cue_time", n, co || goArray == null, false);
            return new Trials(start, stop, result, targetId, numAttempted, targetOn, goCue, goArray);
        }

        /** An NWB ragged column: rank-1 float data split by n integer end offsets. */
        double[][] ragged(Dataset data, String dataPath, Dataset index, String indexPath, int n) {
            double[] v = floats(data, dataPath, 1);
            double[] ends = numbers(index, indexPath, false);
            if (ends.length != n) throw err(indexPath, "expected " + n + " end offsets (one per trial), got " + ends.length);
            double[][] out = new double[n][];
            int prev = 0;
            for (int i = 0; i < n; i++) {
                double e = ends[i];
                if (e < prev || e > v.length || e != Math.rint(e)) {
                    throw err(indexPath, "entry " + i + " = " + e + ": expected non-decreasing end offsets in " + prev + ".." + v.length);
                }
                out[i] = Arrays.copyOfRange(v, prev, (int) e);
                prev = (int) e;
            }
            if (prev != v.length) {
                throw err(indexPath, "the last end offset is " + prev + " but " + dataPath + " holds " + v.length + " values: expected them equal");
            }
            return out;
        }

        /** A rank-1 numeric column of n values; absent and not required: all NaN. */
        double[] column(Group g, String name, int n, boolean required, boolean floatOnly) {
            String path = TRIALS + "/" + name;
            Dataset d = required ? dataset(g, TRIALS, name) : optionalDataset(g, TRIALS, name);
            if (d == null) {
                double[] nan = new double[n];
                Arrays.fill(nan, Double.NaN);
                return nan;
            }
            double[] v = floatOnly ? floats(d, path, 1) : numbers(d, path, true);
            if (v.length != n) throw err(path, "expected " + n + " values (one per trial, the length of start_time), got " + v.length);
            return v;
        }

        String[] strings(Dataset d, String path, int n) {
            DataType type = d.getDataType();
            boolean text = type instanceof StringData || (type instanceof VariableLength vl && vl.isVariableLengthString());
            if (!text) throw err(path, "expected strings ('R', 'A', 'F', 'I', ...), got " + typeName(type));
            int[] dims = d.getDimensions();
            if (dims.length != 1 || dims[0] != n) {
                throw err(path, "expected " + n + " strings (one per trial, the length of start_time), got shape " + shape(dims));
            }
            if (n == 0) return new String[0];
            Object v = d.getData();
            if (!(v instanceof String[] a)) throw err(path, "expected strings, got " + v.getClass().getSimpleName());
            String[] out = new String[n];
            for (int i = 0; i < n; i++) out[i] = a[i] == null ? "" : a[i].strip();
            return out;
        }

        // ------------------------------------------------------------ units

        double[][] units() {
            Group g = group(UNITS);
            String tp = UNITS + "/spike_times", ip = UNITS + "/spike_times_index";
            double[] times = floats(dataset(g, UNITS, "spike_times"), tp, 1);
            double[] index = numbers(dataset(g, UNITS, "spike_times_index"), ip, false);
            int n = index.length;
            if (n == 0) throw err(ip, "expected at least one unit, the table is empty");
            for (int i = 0; i < times.length; i++) {
                if (!Double.isFinite(times[i])) throw err(tp, "expected finite spike times, got " + times[i] + " at index " + i);
            }
            double[][] out = new double[n][];
            long prev = 0;
            for (int u = 0; u < n; u++) {
                double e = index[u];
                if (e < 0 || e > times.length || e != Math.rint(e)) {
                    throw err(ip, "entry " + u + " = " + e + " is out of range: expected end offsets 0.." + times.length
                            + " (the length of spike_times)");
                }
                long end = (long) e;
                if (end < prev) {
                    throw err(ip, "expected non-decreasing end offsets, entry " + u + " = " + end + " < entry " + (u - 1) + " = " + prev);
                }
                double[] s = Arrays.copyOfRange(times, (int) prev, (int) end);
                for (int i = 1; i < s.length; i++) {
                    if (s[i] < s[i - 1]) {
                        Arrays.sort(s);
                        break;
                    }
                }
                out[u] = s;
                prev = end;
            }
            if (prev != times.length) {
                throw err(ip, "the last end offset is " + prev + " but spike_times holds " + times.length
                        + " values: expected them equal (every spike belongs to a unit)");
            }
            return out;
        }
    }

    static String typeName(DataType t) { return Hdf5Files.typeName(t); }

    static String shape(int[] dims) { return Hdf5Files.shape(dims); }

    // ================================================================== writing

    /**
     * Writes {@code r} in the DANDI 000688 NWB layout (atomically). Refuses a recording that
     * {@link #read} would refuse (non-finite or non-increasing times, non-finite data, unsorted or
     * non-finite spike times) with an {@link IllegalArgumentException}.
     */
    public static void write(Recording r, Path file) {
        validate(r);
        try {
            layout(r).write(file);
        } catch (IOException e) {
            throw new DataException(file, file + ": cannot write the NWB file: " + e.getMessage(), e);
        }
    }

    private static void validate(Recording r) {
        double[] t = r.t();
        for (int i = 0; i < t.length; i++) {
            if (!Double.isFinite(t[i]) || (i > 0 && !(t[i] > t[i - 1]))) {
                throw new IllegalArgumentException(r.id() + ": timestamps must be finite and strictly increasing (index " + i + ")");
            }
        }
        for (double[] a : new double[][] {r.pos(), r.vel(), r.acc()}) {
            for (double v : a) if (!Double.isFinite(v)) throw new IllegalArgumentException(r.id() + ": behaviour data holds " + v);
        }
        for (int u = 0; u < r.units(); u++) {
            double[] s = r.spikes()[u];
            for (int i = 0; i < s.length; i++) {
                if (!Double.isFinite(s[i]) || (i > 0 && s[i] < s[i - 1])) {
                    throw new IllegalArgumentException(r.id() + ": unit " + u + " spike times must be finite and ascending (index " + i + ")");
                }
            }
        }
    }

    /** The file content as an editable writer (tests break it on purpose). */
    static Hdf5Writer layout(Recording r) {
        Hdf5Writer w = new Hdf5Writer();
        Hdf5Writer.Group root = w.root();
        root.attribute("namespace", "core").attribute("neurodata_type", "NWBFile").attribute("nwb_version", "2.6.0");
        if (!r.generator().isEmpty()) root.attribute(GENERATOR, r.generator());
        String date = r.date().substring(0, 4) + "-" + r.date().substring(4, 6) + "-" + r.date().substring(6, 8);
        root.vlenString("identifier", r.id());
        root.vlenString("session_description", (r.generator().isEmpty() ? "" : "SpikeKit synthetic stand-in: ")
                + (r.task() == Task.CENTER_OUT ? "center-out" : "random-target") + " reaching");
        root.vlenString("session_start_time", date + "T00:00:00+00:00");
        root.vlenString("timestamps_reference_time", date + "T00:00:00+00:00");
        Hdf5Writer.Group subject = root.group("general").group("subject");
        subject.attribute("namespace", "core").attribute("neurodata_type", "Subject");
        subject.vlenString("subject_id", r.subject());
        subject.vlenString("species", "Macaca mulatta");

        Hdf5Writer.Group behavior = root.group("processing").group("behavior");
        behavior.attribute("namespace", "core").attribute("neurodata_type", "ProcessingModule")
                .attribute("description", "cursor kinematics");
        int k = r.samples();
        Hdf5Writer.Group pos = behavior.group("Position");
        pos.attribute("namespace", "core").attribute("neurodata_type", "Position");
        Hdf5Writer.Group cp = pos.group("cursor_pos");
        cp.attribute("namespace", "core").attribute("neurodata_type", "SpatialSeries");
        cp.float64("data", new long[] {k, 2}, r.pos()).attribute("unit", "cm");
        Hdf5Writer.Dataset ts = cp.float64("timestamps", new long[] {k}, r.t());
        ts.attribute("unit", "seconds");
        series(behavior, "Velocity", "cursor_vel", r.vel(), k, ts, "cm/s");
        series(behavior, "Acceleration", "cursor_acc", r.acc(), k, ts, "cm/s^2");

        Trials tr = r.trials();
        int n = tr.size();
        Hdf5Writer.Group trials = root.group("intervals").group("trials");
        trials.attribute("namespace", "core").attribute("neurodata_type", "TimeIntervals").attribute("description", "trials");
        trials.uint64("id", new long[] {n}, range(n));
        trials.float64("start_time", new long[] {n}, tr.start());
        trials.float64("stop_time", new long[] {n}, tr.stop());
        trials.vlenStrings("result", tr.result());
        trials.float64("target_id", new long[] {n}, tr.targetId());
        trials.float64("target_on_time", new long[] {n}, tr.targetOn());
        trials.float64("go_cue_time", new long[] {n}, tr.goCue());
        if (r.task() == Task.RANDOM_TARGET) {
            long[] na = new long[n];
            for (int i = 0; i < n; i++) na[i] = (long) tr.numAttempted()[i];
            trials.uint64("num_attempted", new long[] {n}, na);
        }
        if (tr.goCueArray() != null && n > 0) {
            int m = n == 0 ? 0 : tr.goCueArray()[0].length;
            double[] flat = new double[n * m];
            for (int i = 0; i < n; i++) System.arraycopy(tr.goCueArray()[i], 0, flat, i * m, m);
            trials.float64("go_cue_time_array", new long[] {n, m}, flat);
        }

        Hdf5Writer.Group units = root.group("units");
        units.attribute("namespace", "core").attribute("neurodata_type", "Units").attribute("description", "sorted units");
        int u = r.units();
        long total = r.spikeCount();
        double[] all = new double[Math.toIntExact(total)];
        long[] index = new long[u];
        int at = 0;
        for (int i = 0; i < u; i++) {
            double[] s = r.spikes()[i];
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
            index[i] = at;
        }
        units.uint64("id", new long[] {u}, range(u));
        units.float64("spike_times", new long[] {all.length}, all);
        units.uint64("spike_times_index", new long[] {u}, index);
        return w;
    }

    private static void series(Hdf5Writer.Group behavior, String iface, String name, double[] data, int k, Hdf5Writer.Dataset ts,
                               String unit) {
        Hdf5Writer.Group g = behavior.group(iface);
        g.attribute("namespace", "core").attribute("neurodata_type", "BehavioralTimeSeries");
        Hdf5Writer.Group s = g.group(name);
        s.attribute("namespace", "core").attribute("neurodata_type", "TimeSeries");
        s.float64("data", new long[] {k, 2}, data).attribute("unit", unit);
        s.link("timestamps", ts);
    }

    private static long[] range(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** {@code sub-C_ses-CO-20150311_behavior+ecephys.nwb}, the DANDI name of a session id. */
    public static String dandiFileName(String sessionId) {
        Matcher m = Pattern.compile("([a-z])_(\\d{8})_(center_out_reaching|random_target_reaching)").matcher(sessionId);
        if (!m.matches()) throw new IllegalArgumentException("not a Perich session id: " + sessionId);
        String s = m.group(1).toUpperCase(Locale.ROOT);
        return "sub-" + s + "_ses-" + Task.parse(m.group(3)).code() + "-" + m.group(2) + "_behavior+ecephys.nwb";
    }
}
