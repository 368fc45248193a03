package org.spikekit.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.data.DataChoice;
import org.spikekit.data.RunMode;

/**
 * What a sweep needs from a paper's driver: check a run spec, name its preparatory steps, say
 * whether it is done, run it (resuming whatever it left behind) and give its row of the merged table.
 * Implementations call the paper's own entry point, so a sweep run and a notebook run write the same
 * files. Registered papers: {@code rsnn} ({@link RsnnRuns}), {@code spikachu} ({@link SpikachuRuns}), {@code spikenn} ({@link SpikennRuns}).
 */
public interface PaperRuns {

    /** Where and how runs execute: the project root, the sweep, the data choice and the backend name. */
    record Context(Path root, Sweep sweep, DataChoice data, String backend) {
        /** The context of this process: {@code SPIKEKIT_HOME} (or the folder found above the working directory), {@code DATA}, {@code SPIKEKIT_BACKEND}. */
        public static Context fromEnvironment(Path root, Sweep sweep) {
            String d = System.getenv(DataChoice.ENV);
            String b = System.getenv("SPIKEKIT_BACKEND");
            return new Context(root, sweep, d == null || d.isBlank() ? DataChoice.AUTO : DataChoice.parse(d, "environment variable DATA"),
                    b == null || b.isBlank() ? "cpu" : b.strip());
        }

        public RunMode mode() { return sweep.runMode(); }
    }

    /** Told after every training epoch of a run. */
    @FunctionalInterface
    interface Progress {
        void epoch(String stage, int done, int total);
    }

    String paper();

    /** The override keys this paper accepts, each with what it sets. */
    Map<String, String> overrideKeys();

    /** The runs the paper's notebooks make in {@code mode}. */
    List<RunSpec> kitRuns(RunMode mode);

    /** Checks model, session and overrides; throws {@link IllegalArgumentException} naming the field and what is allowed. */
    void check(RunSpec spec);

    /** Preparatory steps {@code spec} needs done first (they run in phase 0); empty when none. */
    List<RunSpec> prerequisites(RunSpec spec, Sweep sweep);

    /**
     * Whether {@code spec}'s result (or, for a preparatory step, its state) is stored and may be reused:
     * the same model configuration, recipe, data and library ({@link org.spikekit.report.RunKey}).
     */
    boolean done(RunSpec spec, Context ctx);

    /** Runs {@code spec} (continuing from its checkpoints if an earlier attempt died); returns a one-line summary. */
    String run(RunSpec spec, Context ctx, Progress progress) throws IOException;

    /** The merged table's columns after {@code run, paper, model, session, seed, overrides}. */
    List<String> columns();

    /** {@code spec}'s values for {@link #columns()}, or null when it has no result yet (preparatory steps: always null). */
    Map<String, String> row(RunSpec spec, Context ctx) throws IOException;

    /** The driver of {@code paper}. */
    static PaperRuns of(String paper) {
        return switch (paper) {
            case "rsnn" -> RsnnRuns.INSTANCE;
            case "spikachu" -> SpikachuRuns.INSTANCE;
            case "spikenn" -> SpikennRuns.INSTANCE;
            default -> throw new IllegalArgumentException("no sweep driver for paper '" + paper + "'; known: " + known().keySet());
        };
    }

    /** Registered drivers by paper name. */
    static Map<String, PaperRuns> known() {
        Map<String, PaperRuns> m = new LinkedHashMap<>();
        m.put("rsnn", RsnnRuns.INSTANCE);
        m.put("spikachu", SpikachuRuns.INSTANCE);
        m.put("spikenn", SpikennRuns.INSTANCE);
        return m;
    }
}
