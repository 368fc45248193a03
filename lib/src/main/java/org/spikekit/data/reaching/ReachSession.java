package org.spikekit.data.reaching;

import java.util.List;
import java.util.Objects;

/**
 * One session of self-paced reaching with sorted spikes, in the content of the O'Doherty et al.
 * (2017) files ("Nonhuman Primate Reaching with Multichannel Sensorimotor Cortex
 * Electrophysiology", Zenodo 583331) but independent of their file format. The file reader and
 * writer convert this record to and from MATLAB v7.3 (HDF5); generators produce it; NeuroBench
 * preprocessing consumes it.
 *
 * <p>Array layout is feature-major, as h5py shows the files: {@code cursorPos[d][k]} for d = x, y.
 *
 * @param name session name, e.g. {@code indy_20160622_01}
 * @param t sample times in seconds (250 Hz, length k)
 * @param cursorPos cursor position in mm, {@code [2][k]}
 * @param fingerPos hand-tracker fingertip {@code [3 or 6][k]} in cm (z, −x, −y[, az, el, roll]); may be null
 * @param targetPos current target in mm, {@code [2][k]} (piecewise constant; a change starts a reach)
 * @param channelNames one name per electrode channel, e.g. {@code "M1 001"}
 * @param spikeTimes {@code [unit slot 0..u-1][channel]} spike times in seconds; slot 0 is the
 *     unsorted ("hash") unit; an empty cell is an empty array (the files store it as [0, 0])
 * @param generator for synthetic sessions the generator and its parameters, else empty
 */
public record ReachSession(String name, double[] t, double[][] cursorPos, double[][] fingerPos,
                           double[][] targetPos, List<String> channelNames, double[][][] spikeTimes,
                           String generator) {
    public ReachSession {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(t, "t");
        int k = t.length;
        requireRows("cursor_pos", cursorPos, 2, k, name);
        requireRows("target_pos", targetPos, 2, k, name);
        if (fingerPos != null && fingerPos.length != 3 && fingerPos.length != 6) {
            throw new IllegalArgumentException(name + ": finger_pos must have 3 or 6 rows, got " + fingerPos.length);
        }
        if (fingerPos != null) requireRows("finger_pos", fingerPos, fingerPos.length, k, name);
        channelNames = List.copyOf(channelNames);
        if (spikeTimes.length == 0) throw new IllegalArgumentException(name + ": spikes has no unit slots");
        for (int u = 0; u < spikeTimes.length; u++) {
            if (spikeTimes[u].length != channelNames.size()) {
                throw new IllegalArgumentException(name + ": spikes slot " + u + " has " + spikeTimes[u].length
                        + " channels, chan_names has " + channelNames.size());
            }
        }
        generator = generator == null ? "" : generator;
    }

    private static void requireRows(String field, double[][] a, int rows, int k, String name) {
        if (a == null || a.length != rows) {
            throw new IllegalArgumentException(name + ": " + field + " must have " + rows + " rows");
        }
        for (double[] r : a) {
            if (r.length != k) {
                throw new IllegalArgumentException(name + ": " + field + " rows must have " + k + " samples (length of t), got " + r.length);
            }
        }
    }

    public int samples() { return t.length; }

    public int channels() { return channelNames.size(); }

    public int unitSlots() { return spikeTimes.length; }
}
