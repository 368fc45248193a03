package org.spikekit.data.perich;

/**
 * One batch of decoding windows, time-major: row {@code r = t·batch + b} is time step (10 ms bin)
 * {@code t} of window {@code b}. Built by {@link DecodingWindows#batch}.
 *
 * <p>Per row: the binned spike counts (single-session batches only), the list of units that
 * spiked in the bin as global unit ids for the Spikachu tokenizer (a unit spiking k times appears
 * k times, in spike-time order), the z-scored velocity target, the loss weight and the behaviour
 * label of the velocity sample the bin is aligned to. Padded steps (after the end of a trailing
 * evaluation window's interval) have no spikes, target 0, weight 0 and label {@link #PAD}.
 *
 * <pre>{@code
 * DecodingBatch b = windows.batch(windows.trainEpoch(42, 0).subList(0, 64), UnitDropout.spikachu(), 7);
 * int r = b.row(t, j);
 * float vx = b.target()[2 * r], w = b.weight()[r];
 * for (int i = b.tokenOffsets()[r]; i < b.tokenOffsets()[r + 1]; i++) use(b.tokenUnits()[i]);
 * }</pre>
 *
 * @param steps T, time steps per window ({@code window / bin}, 100 for 1.0 s and 10 ms)
 * @param batch B, windows in the batch
 * @param binS bin width in seconds
 * @param sessionOf per window, its session's index in {@link DecodingWindows#sessions()}
 * @param windowStart per window, its start time in seconds
 * @param units N, columns of {@code counts}: the unit count of the batch's one session; 0 when
 *     {@code counts} is null
 * @param counts spike counts {@code [T, B, N]} row-major (index {@code (t·B + b)·N + unit}), local
 *     unit indices of the session; units dropped by unit dropout count 0. Null when the windows
 *     come from more than one session (use the tokens there).
 * @param tokenOffsets {@code T·B + 1} offsets into {@code tokenUnits} (CSR): row r's tokens are
 *     {@code tokenUnits[tokenOffsets[r] .. tokenOffsets[r+1])}
 * @param tokenUnits global unit ids ({@link DecodingWindows#unitOffset} + local index) of the
 *     spikes of each row
 * @param target z-scored velocity {@code [T, B, 2]} (index {@code 2·r + d})
 * @param weight loss weight {@code [T, B]}: the subtask weight of the aligned sample, 0 for padded
 *     steps
 * @param label behaviour label {@code [T, B]} ({@link PerichPrep#RANDOM} .. {@link PerichPrep#OUTLIER},
 *     {@link #PAD} for padded steps)
 */
public record DecodingBatch(int steps, int batch, double binS, int[] sessionOf, double[] windowStart, int units, float[] counts,
                            int[] tokenOffsets, int[] tokenUnits, float[] target, float[] weight, byte[] label) {
    /** Label of a padded step. */
    public static final byte PAD = -1;

    /** Row index of step {@code t} of window {@code b}. */
    public int row(int t, int b) { return t * batch + b; }

    /** Number of tokens (spikes) in row {@code r}. */
    public int tokens(int r) { return tokenOffsets[r + 1] - tokenOffsets[r]; }

    /** Number of tokens in the batch. */
    public int tokenCount() { return tokenUnits.length; }

    /** Whether every window comes from one session (then {@link #counts()} is present). */
    public boolean singleSession() { return counts != null; }

    /** Largest number of tokens in one row (what a padded token tensor needs). */
    public int maxTokensPerRow() {
        int m = 0;
        for (int r = 0; r < steps * batch; r++) m = Math.max(m, tokens(r));
        return m;
    }
}
