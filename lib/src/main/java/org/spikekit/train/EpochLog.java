package org.spikekit.train;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Progress of training runs, one line per epoch (or per N epochs): epoch, loss, the validation
 * metric, seconds per epoch. Every training driver reports through one; a notebook's drivers print
 * to the cell's output, tests stay quiet (a driver built without a log is {@linkplain #silent()
 * silent}; {@link #byDefault()} is silent until a notebook starts).
 *
 * <pre>{@code
 * tinyRSNN I2 seed 5 finetune: epoch 3/12 | loss 0.4123 | val R2 0.5120 | 2.31 s/epoch | train R2 0.4410, lr 1.95e-03
 *   spikachu: epoch 25/50 | loss 0.2154 | selection R2 0.4410 | 1.05 s/epoch | lr 1.00e-03, selection loss 0.3120 (kept)
 * blocks shd BLOCKS arp 2 seed 1: epoch 2/3 | loss 3.0472 | test acc 0.0500 | 0.44 s/epoch | train acc 0.0167, training 0.38 s (ALIF kernel 0.24 s)
 * }</pre>
 *
 * <p>Which epochs print: the first, the last, every {@link #every(int) N}-th (by default N =
 * ⌈epochs/10⌉, about ten lines per run), those a trainer marks (e.g. a checkpoint selection), and
 * any epoch ending a minute or more after the last line, so a slow run shows a line at least once
 * a minute. Immutable; a {@link Run} is one training run's clock and is used by one thread.
 */
public final class EpochLog {
    /** An epoch that ends this long after the last printed line is printed. */
    static final double QUIET_SECONDS = 60;

    private static volatile EpochLog fallback = new EpochLog(null, 0);

    private final Consumer<String> out;
    private final int every;

    private EpochLog(Consumer<String> out, int every) {
        this.out = out;
        this.every = every;
    }

    /** Prints nothing. */
    public static EpochLog silent() { return new EpochLog(null, 0); }

    /** Lines to {@code out} ({@code null}: silent). */
    public static EpochLog to(Consumer<String> out) { return new EpochLog(out, 0); }

    /** Lines to {@code System.out} as it is when a line is printed (a notebook kernel rebinds it for every cell). */
    public static EpochLog stdout() { return new EpochLog(s -> System.out.println(s), 0); }

    /**
     * The log of trainers and drivers that were given none: silent, except in a notebook, where
     * {@link org.spikekit.report.Notebook#begin(String, String)} makes it {@link #stdout()}.
     */
    public static EpochLog byDefault() { return fallback; }

    /** Sets {@link #byDefault()} ({@code null}: silent). */
    public static void setDefault(EpochLog log) { fallback = log == null ? silent() : log; }

    /** This log printing every {@code n}-th epoch (besides the first, the last, marked ones and after a quiet minute); 0: ⌈epochs/10⌉. */
    public EpochLog every(int n) {
        if (n < 0) throw new IllegalArgumentException("EpochLog.every: n must be >= 0 (0: about ten lines per run), got " + n);
        return new EpochLog(out, n);
    }

    /** Whether this log prints nothing. */
    public boolean isSilent() { return out == null; }

    /** Prints a free line (a run starting, resuming, stopping). */
    public void line(String text) {
        if (out != null) out.accept(text);
    }

    /** Starts the clock of one run of {@code epochs} epochs, labelled {@code label} (e.g. {@code "tinyRSNN I2 seed 5 finetune"}). */
    public Run start(String label, int epochs) { return new Run(label, epochs); }

    /** One training run's lines: each epoch's seconds are measured from the previous epoch's end (or the start) unless given. */
    public final class Run {
        private final String label;
        private final int epochs;
        private long last = System.nanoTime(), lastPrinted = last;

        private Run(String label, int epochs) {
            this.label = label;
            this.epochs = epochs;
        }

        /** The log this run prints to. */
        public EpochLog log() { return EpochLog.this; }

        /**
         * Reports epoch {@code done} (1-based) with its training loss and validation metric (NaN: left
         * out of the line), timed from the previous report.
         */
        public void epoch(int done, double loss, String metric, double value) {
            epoch(done, loss, metric, value, Double.NaN, null, false);
        }

        /**
         * Reports epoch {@code done} (1-based).
         *
         * @param loss    training loss (NaN: none, e.g. STDP)
         * @param metric  name of the validation metric (e.g. {@code "val R2"}), or null
         * @param value   its value (NaN: not measured this epoch)
         * @param seconds the epoch's seconds (NaN: since the previous report)
         * @param extra   more fields for the end of the line, or null
         * @param mark    print this epoch whatever the period
         */
        public void epoch(int done, double loss, String metric, double value, double seconds, String extra, boolean mark) {
            long now = System.nanoTime();
            double s = Double.isNaN(seconds) ? (now - last) / 1e9 : seconds;
            last = now;
            if (out == null) return;
            int period = every > 0 ? every : Math.max(1, (epochs + 9) / 10);
            boolean show = mark || done <= 1 || done >= epochs || done % period == 0 || (now - lastPrinted) / 1e9 >= QUIET_SECONDS;
            if (!show) return;
            lastPrinted = now;
            out.accept(format(label, done, epochs, loss, metric, value, s, extra));
        }

        /** Prints a line about this run ({@code "<label>: <text>"}). */
        public void note(String text) {
            if (out != null) out.accept(label + ": " + text);
        }
    }

    /** One epoch line (see the class comment). */
    static String format(String label, int done, int epochs, double loss, String metric, double value, double seconds, String extra) {
        StringBuilder sb = new StringBuilder();
        sb.append(label).append(": epoch ").append(done).append('/').append(epochs);
        if (!Double.isNaN(loss)) sb.append(String.format(Locale.ROOT, Math.abs(loss) >= 0.01 || loss == 0 ? " | loss %.4f" : " | loss %.3e", loss));
        if (metric != null && !Double.isNaN(value)) sb.append(String.format(Locale.ROOT, " | %s %.4f", metric, value));
        sb.append(String.format(Locale.ROOT, " | %.2f s/epoch", seconds));
        if (extra != null && !extra.isBlank()) sb.append(" | ").append(extra);
        return sb.toString();
    }
}
