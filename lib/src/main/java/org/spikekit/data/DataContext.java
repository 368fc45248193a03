package org.spikekit.data;

import java.nio.file.Path;

/**
 * What a data loader needs from the run that calls it: where the project's data folder is, which
 * data to use ({@link DataChoice}), at which scale ({@link RunMode}), and where to record each data
 * file it read ({@link DataRecord}). {@code org.spikekit.report.Notebook} implements it, so a
 * notebook passes itself ({@code ImageData.load(nb, "mnist")}); tests and command-line tools can
 * pass a small implementation of their own. Keeping this interface here lets the data readers stay
 * below the report package.
 */
public interface DataContext {
    /** The project's data folder ({@code <root>/data}). */
    Path dataDir();

    /** Which data to use: real, stand-in, or real where present. */
    DataChoice data();

    /** Quick or paper-scale run. */
    RunMode mode();

    /** Records a data file the run used (its provenance lists every recorded file). */
    DataContext dataFile(DataRecord record);
}
