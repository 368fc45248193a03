package org.spikekit.train;

import java.util.ArrayList;
import java.util.List;

/**
 * A training loop stopped because its thread was interrupted (a notebook's ■ button: the kernel
 * cancels the cell's task with {@code Future.cancel(true)}, which sets the thread's interrupt flag;
 * see {@link Interrupts}). The message names what stopped and where (epoch, batch), and each layer
 * the exception passes through may add a note on the state it leaves: which checkpoint holds which
 * epoch, which result files were or were not written, how to resume. The thread's interrupt flag
 * stays set.
 *
 * <pre>{@code
 * interrupted: Trainer epoch 4/12, batch 3/10; checkpoint .../finetune.ckpt holds epochs 1-3 of 12
 * (the same call resumes from it); tinyRSNN I2 seed 5: no run file written, run it again to resume
 * }</pre>
 */
public final class TrainingInterruptedException extends RuntimeException {
    private final String where;
    private final List<String> notes = new ArrayList<>();

    /** @param where what stopped and where, e.g. {@code "Trainer epoch 4/12, batch 3/10"} */
    public TrainingInterruptedException(String where) {
        this(where, null);
    }

    /** @param cause the exception the interrupt caused (e.g. a checkpoint write closed by the interrupt), or null */
    public TrainingInterruptedException(String where, Throwable cause) {
        super(where, cause);
        this.where = where;
    }

    /** What stopped and where. */
    public String where() { return where; }

    /** Notes added on the way up: the state left behind. */
    public List<String> notes() { return List.copyOf(notes); }

    /** Adds a note on the state left behind (checkpoint, files, how to resume) and returns this exception to rethrow. */
    public TrainingInterruptedException note(String note) {
        if (note != null && !note.isBlank()) notes.add(note);
        return this;
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder("interrupted: ").append(where);
        for (String n : notes) sb.append("; ").append(n);
        return sb.toString();
    }
}
