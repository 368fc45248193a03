/*
 * SpikeKit replacement for org.rapaio.jupyter.kernel.channels.LoopThread of rapaio-jupyter-kernel 3.0.1
 * (https://github.com/padreati/rapaio-jupyter-kernel, file
 * rapaio-jupyter-kernel/src/org/rapaio/jupyter/kernel/channels/LoopThread.java, identical in 3.0.1-3.0.4).
 * It keeps that class's name, package and public API (constructor, run, start, shutdown) so that the
 * jar's other classes link against it unchanged; env/patch-kernel.sh compiles it against the jar and
 * puts it into the patched copy the spikekit kernelspec runs.
 *
 * Derived from rapaio-jupyter-kernel, MIT License, Copyright 2023-2026 Aurelian Tutuianu;
 * the licence text is in env/kernel-fix/LICENSE. Changes by the SpikeKit authors, same licence.
 *
 * What differs from 3.0.1 (see env/rapaio-jupyter-kernel-startup-race.patch):
 *  1. start() sets `running` BEFORE Thread.start(). 3.0.1 sets it after, so a new thread that is
 *     scheduled before its starter's next statement reads running == false and returns at once:
 *     the socket stays bound but nobody reads it (shell: kernel_info never answered; control:
 *     shutdown/interrupt ignored; heartbeat: the client declares the kernel dead).
 *  2. An exception thrown by the loop body is logged and the loop goes on. In 3.0.1 it ends the
 *     thread silently (e.g. a NullPointerException from a request that arrives before Channels has
 *     its handlers, or a message with a bad signature), which leaves the channel dead as in 1.
 *     An exception after shutdown() (the context is being closed under a poll) ends the loop quietly.
 */
package org.rapaio.jupyter.kernel.channels;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A named thread that runs a body, sleeps a fixed period, and repeats until {@link #shutdown()}
 * or an interrupt.
 */
public final class LoopThread extends Thread {

    private static final Logger LOGGER = Logger.getLogger(LoopThread.class.getSimpleName());

    private volatile boolean running = false;
    private final long sleepMillis;
    private final Runnable body;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleepMillis = sleep;
        this.body = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            try {
                body.run();
            } catch (Throwable t) {
                if (!running) {
                    LOGGER.fine(getName() + ": loop ended by an exception after shutdown: " + t);
                    return;
                }
                // A dead channel thread is worse than a logged error: keep serving the socket.
                LOGGER.log(Level.SEVERE, getName() + ": exception in channel loop, continuing", t);
            }
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        // The flag must be true before the thread can first read it.
        running = true;
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}
