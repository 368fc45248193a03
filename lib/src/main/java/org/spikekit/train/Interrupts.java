package org.spikekit.train;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cooperative stopping of training loops. A notebook's interrupt (■) reaches a running cell only as
 * its thread's interrupt flag (the Java kernel cancels the cell's task with
 * {@code Future.cancel(true)}): every training loop of the kit calls {@link #check} once per batch
 * (per sample for the online STDP loops, per epoch for full-batch fits) on the thread that drives
 * it, and stops with a {@link TrainingInterruptedException} before starting the next batch. Loops
 * whose kernels run on parallel streams check in their outer per-batch loop; loops that hand work
 * to worker threads stop those with {@link #stopWorkers}.
 *
 * <p>A check is a read of the thread's flag (no allocation); the flag is never cleared, so the
 * callers above see it too. Checkpoints and result files are written atomically
 * ({@link org.spikekit.io.AtomicFiles}), so a stop leaves the last complete checkpoint: an
 * interrupt that arrives while a checkpoint is written either lets it finish (Java 25's file
 * streams do not react to interrupts) and the loop stops at its next check, or, on an interruptible
 * channel, cuts it short, which leaves the previous file ({@link #translate} names it).
 */
public final class Interrupts {
    private Interrupts() {}

    /** Whether the current thread has been asked to stop (its interrupt flag; not cleared). */
    public static boolean requested() {
        return Thread.currentThread().isInterrupted();
    }

    /**
     * Throws a {@link TrainingInterruptedException} naming {@code where} when the current thread is
     * interrupted; the flag stays set.
     */
    public static void check(String where) {
        if (Thread.currentThread().isInterrupted()) throw new TrainingInterruptedException(where);
    }

    /**
     * {@link #check(String)} for a batch loop; the message ({@code "<what> epoch e/E, batch b/B"}, both
     * shown 1-based) is built only when the thread is interrupted.
     *
     * @param epoch 0-based epoch index; {@code epochs} ≤ 0 leaves the epoch out
     * @param batch 0-based batch index about to run; {@code batches} ≤ 0 leaves the count out
     */
    public static void check(String what, int epoch, int epochs, int batch, int batches) {
        if (Thread.currentThread().isInterrupted()) throw new TrainingInterruptedException(where(what, epoch, epochs, "batch", batch, batches));
    }

    /** {@link #check(String, int, int, int, int)} for loops over other units than batches (e.g. {@code "sample"}). */
    public static void check(String what, int epoch, int epochs, String unit, int step, int steps) {
        if (Thread.currentThread().isInterrupted()) throw new TrainingInterruptedException(where(what, epoch, epochs, unit, step, steps));
    }

    /** The text of {@link #check(String, int, int, String, int, int)}. */
    static String where(String what, int epoch, int epochs, String unit, int step, int steps) {
        StringBuilder sb = new StringBuilder(what);
        if (epochs > 0) sb.append(" epoch ").append(epoch + 1).append('/').append(epochs);
        sb.append(epochs > 0 ? ", " : " ").append("before ").append(unit).append(' ').append(step + 1);
        if (steps > 0) sb.append('/').append(steps);
        return sb.toString();
    }

    /**
     * An exception thrown by work the interrupt cut short (e.g. a checkpoint write whose file channel
     * the interrupt closed) as a {@link TrainingInterruptedException} naming {@code where}, when the
     * current thread is interrupted; otherwise {@code e} itself.
     */
    public static RuntimeException translate(RuntimeException e, String where) {
        if (e instanceof TrainingInterruptedException || !requested()) return e;
        return new TrainingInterruptedException(where, e);
    }

    /**
     * Stops {@code pool}'s workers after the calling thread was interrupted: {@code shutdownNow}
     * (which interrupts them; their loops {@link #check} and stop) and a wait of at most
     * {@code waitSeconds} for them to end, so nothing keeps training (or writing) in the background
     * when the caller returns. The caller's interrupt flag is as before (set again when it was set).
     *
     * @return whether every worker ended within the wait
     */
    public static boolean stopWorkers(ExecutorService pool, long waitSeconds) {
        pool.shutdownNow();
        boolean ended = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        boolean interrupted = Thread.interrupted();              // awaitTermination refuses to wait while the flag is set
        try {
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                try {
                    ended = pool.awaitTermination(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        return ended;
    }
}
