package org.spikekit.nir;

/**
 * How {@link NirNetwork} discretises a NIR graph. NIR graphs are continuous-time and carry no time
 * step; every simulator picks its own ({@code docs/source/primitives.md} of neuromorphs/NIR:
 * "backends are free to implement as they want").
 *
 * @param dtS           time step Δt in seconds. The NIR paper's example files were made for
 *                      1e-4 s (their READMEs; snnTorch's exporter and importer hard-code it); the kit
 *                      writes the step of the model it exports into the graph metadata
 *                      ({@code spikekit_dt}), see {@link #forGraph}
 * @param reset         when a spiking neuron resets, see {@link ResetTiming}
 * @param initialStates whether a node's {@code spikekit_initial_v} metadata (written by the kit for
 *                      the RSNN readout, Y[0] = −0.01) sets its initial state; without it every
 *                      state starts at 0, as in any other NIR simulator
 */
public record NirOptions(double dtS, ResetTiming reset, boolean initialStates) {

    /**
     * When a spiking neuron (LIF, CubaLIF, IF) resets after a threshold crossing.
     *
     * <ul>
     *   <li>{@link #SAME_STEP}: the membrane is set to v_reset in the step that crossed the threshold,
     *       and the next step integrates from there. This is NIR's definition (v ← v_reset on a
     *       spike) as its reference implementation runs it
     *       ({@code paper/03_rnn/extras/debug_CubaLIF/nir_reference_impl.py}) and as snnTorch's
     *       importer configures its neurons ({@code reset_delay=False},
     *       {@code snntorch/import_nir.py}).</li>
     *   <li>{@link #NEXT_STEP}: the crossing step keeps its membrane; the step after it sets the
     *       membrane to v_reset instead of integrating, so that step's input is lost. This is the
     *       multiplicative reset of the kit's RSNN (stork: U[n+1] = (β·U[n] + (1 − β)·I[n])·(1 − S[n]))
     *       and of snnTorch 0.7's {@code Leaky} with reset to zero (SNN2: U = A − R·A with R the
     *       previous step's spike); the kit exports those models with this timing.</li>
     * </ul>
     */
    public enum ResetTiming {
        SAME_STEP, NEXT_STEP;

        /** The metadata spelling ({@code "same-step"}, {@code "next-step"}). */
        public String label() { return this == SAME_STEP ? "same-step" : "next-step"; }

        public static ResetTiming ofLabel(String s) {
            for (ResetTiming r : values()) if (r.label().equals(s)) return r;
            throw new IllegalArgumentException("reset timing must be 'same-step' or 'next-step', got '" + s + "'");
        }
    }

    /** Graph metadata key: the time step (seconds) of the model the kit exported. */
    public static final String META_DT = "spikekit_dt";
    /** Graph metadata key: the reset timing of the model the kit exported ({@link ResetTiming#label()}). */
    public static final String META_RESET = "spikekit_reset_timing";
    /** Node metadata key: initial membrane state (array of the node's shape). */
    public static final String META_INITIAL_V = "spikekit_initial_v";

    public NirOptions {
        if (!(dtS > 0) || !Double.isFinite(dtS)) throw new IllegalArgumentException("NirOptions.dtS must be > 0 s, got " + dtS);
        if (reset == null) throw new IllegalArgumentException("NirOptions.reset must not be null");
    }

    /** Δt with NIR's reset timing ({@link ResetTiming#SAME_STEP}), initial-state metadata honoured. */
    public static NirOptions of(double dtS) { return new NirOptions(dtS, ResetTiming.SAME_STEP, true); }

    /**
     * The options a graph asks for in its metadata ({@value #META_DT}, {@value #META_RESET}, both
     * written by {@link NirExport}), else {@code fallbackDtS} with {@link ResetTiming#SAME_STEP}.
     */
    public static NirOptions forGraph(NirGraph g, double fallbackDtS) {
        double dt = g.metadata().get(META_DT) instanceof Number n ? n.doubleValue() : fallbackDtS;
        ResetTiming r = g.metadata().get(META_RESET) instanceof String s ? ResetTiming.ofLabel(s) : ResetTiming.SAME_STEP;
        return new NirOptions(dt, r, true);
    }

    public NirOptions withReset(ResetTiming r) { return new NirOptions(dtS, r, initialStates); }

    public NirOptions withDt(double dt) { return new NirOptions(dt, reset, initialStates); }

    public NirOptions withInitialStates(boolean on) { return new NirOptions(dtS, reset, on); }
}
