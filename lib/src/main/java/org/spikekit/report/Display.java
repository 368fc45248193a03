package org.spikekit.report;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Objects;

/**
 * Rich output of a notebook cell, like IPython's {@code display()}: one Jupyter {@code display_data}
 * message carrying the same content as {@code text/html} and {@code text/plain}, sent at the point
 * of the call (anywhere in a cell, as often as wanted).
 *
 * <p>The notebooks run in the rapaio Java kernel (io.github.padreati:rapaio-jupyter-kernel 3.0.1).
 * Its cells and the kit's classes share a class loader whose parent holds the kernel, so the kit
 * reaches the kernel by reflection and has no compile-time dependency on it: it builds an
 * {@code org.rapaio.jupyter.kernel.display.DisplayData} ({@code fromHtml}, then {@code putText}; a
 * map of MIME type to content) and hands it to {@code MainApp.kernel.display(DisplayData)}, which
 * publishes it on the IOPub channel while a cell runs (kernel sources:
 * {@code org/rapaio/jupyter/kernel/core/RapaioKernel.java}, {@code display(DisplayData)};
 * {@code org/rapaio/jupyter/kernel/global/Global.java}, {@code display(String, Object)} does the
 * same after rendering an object). A cell's printed output is flushed first, so text and tables
 * appear in the order the cell produced them.
 *
 * <p>{@link #live()} is an output replaced in place by each update (a Jupyter {@code display_id}:
 * {@code DisplayData.setDisplayId}, then {@code RapaioKernel.updateDisplay(DisplayData)} for the
 * updates), e.g. a training curve ({@link LiveCurve}).
 *
 * <p>Outside the kernel (a plain JVM, tests, jshell) the text form is printed to
 * {@code System.out} instead.
 */
public final class Display {
    private Display() {}

    static final String KERNEL_MAIN = "org.rapaio.jupyter.kernel.MainApp";
    static final String DISPLAY_DATA = "org.rapaio.jupyter.kernel.display.DisplayData";

    /** The kernel's display entry point, looked up once; {@code null} outside the kernel. */
    static final class Kernel {
        static final Kernel INSTANCE = find(KERNEL_MAIN, DISPLAY_DATA, Display.class.getClassLoader());

        final Object kernel;
        final Method fromHtml, putText, display;
        /** For {@link Live}: {@code DisplayData.setDisplayId(String)} and {@code updateDisplay(DisplayData)}; null when the kernel lacks them. */
        final Method setDisplayId, updateDisplay;

        private Kernel(Object kernel, Method fromHtml, Method putText, Method display, Method setDisplayId, Method updateDisplay) {
            this.kernel = kernel;
            this.fromHtml = fromHtml;
            this.putText = putText;
            this.display = display;
            this.setDisplayId = setDisplayId;
            this.updateDisplay = updateDisplay;
        }

        /**
         * The display API of the kernel whose main class {@code mainName} holds the kernel in its
         * static field {@code kernel}, with display data class {@code dataName}; null when
         * {@code mainName} is not on {@code cl} (not running in that kernel). Tests pass a fake kernel.
         */
        static Kernel find(String mainName, String dataName, ClassLoader cl) {
            Class<?> main;
            try {
                main = Class.forName(mainName, false, cl);
            } catch (ClassNotFoundException | LinkageError e) {
                return null; // not running in the kernel
            }
            try {
                Class<?> dd = Class.forName(dataName, true, cl);
                Object kernel = main.getField("kernel").get(null);
                Method setId = null, update = null;
                try {
                    setId = dd.getMethod("setDisplayId", String.class);
                    update = kernel.getClass().getMethod("updateDisplay", dd);
                } catch (NoSuchMethodException e) {
                    // an older kernel: live displays show each update as a new output
                }
                return new Kernel(kernel, dd.getMethod("fromHtml", String.class), dd.getMethod("putText", String.class),
                        kernel.getClass().getMethod("display", dd), setId, update);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                System.err.println("spikekit Display: found the rapaio kernel (" + mainName + ") but not its display API ("
                        + e + "); tables are printed as text");
                return null;
            }
        }

        /** Sends one display (or, with {@code update}, an update of display {@code id}); false when the kernel refused it. */
        boolean send(String html, String text, String id, boolean update) {
            try {
                System.out.flush();
                System.err.flush();
                Object dd = fromHtml.invoke(null, html);
                putText.invoke(dd, text);
                if (id != null && setDisplayId != null) setDisplayId.invoke(dd, id);
                if (update && updateDisplay != null) updateDisplay.invoke(kernel, dd);
                else display.invoke(kernel, dd);
                return true;
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
                System.err.println("spikekit Display: the kernel refused the display (" + cause + "); printing the text form");
                return false;
            }
        }
    }

    /** Whether cells run in the rapaio Jupyter kernel, so that {@link #show} sends rich output. */
    public static boolean inKernel() {
        return Kernel.INSTANCE != null;
    }

    /**
     * Shows {@code html} (a fragment with at least one element, e.g. a {@code <table>}) and its
     * plain-text form {@code text}: one display message in the kernel, else {@code text} on
     * {@code System.out}.
     */
    public static void show(String html, String text) {
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(text, "text");
        Kernel k = Kernel.INSTANCE;
        if (k != null && k.send(html, text, null, false)) return;
        print(System.out, text);
    }

    /** Shows {@code view} as an HTML table and as aligned text. */
    public static void show(TableView view) {
        show(view.html(), view.text());
    }

    /**
     * A new live display: an output that each {@link Live#update} replaces in place (Jupyter's
     * {@code display_id}), e.g. a training curve redrawn after every epoch. Nothing is shown until
     * the first update.
     */
    public static Live live() {
        return new Live(Kernel.INSTANCE, System.out);
    }

    /** Testable form: {@code kernel} (null: outside the kernel) and where the text form goes. */
    static Live live(Kernel kernel, PrintStream out) {
        return new Live(kernel, out);
    }

    private static final java.util.concurrent.atomic.AtomicLong LIVE_IDS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * One output of a cell that is replaced in place by every {@link #update}: in the kernel the
     * first update is a {@code display_data} message with a display id of its own and each later
     * one an {@code update_display_data} message with the same id (nbclient applies them in
     * headless runs too, so the executed notebook keeps the last content). Outside the kernel, or
     * when the kernel refuses a message, each update prints its text form to {@code System.out}.
     * Used by one thread.
     */
    public static final class Live {
        private final Kernel kernel;
        private final PrintStream out;
        private final String id = "spikekit-live-" + ProcessHandle.current().pid() + "-" + LIVE_IDS.incrementAndGet();
        private boolean shown;
        private int updates;

        private Live(Kernel kernel, PrintStream out) {
            this.kernel = kernel;
            this.out = out;
        }

        /** The Jupyter display id of this output. */
        public String id() { return id; }

        /** Whether updates go to the kernel (else to the text output). */
        public boolean rich() { return kernel != null; }

        /** Updates made so far. */
        public int updates() { return updates; }

        /** Shows {@code html} and its text form {@code text} in place of what this display showed before. */
        public void update(String html, String text) {
            Objects.requireNonNull(html, "html");
            Objects.requireNonNull(text, "text");
            updates++;
            if (kernel != null && kernel.send(html, text, id, shown)) {
                shown = true;
                return;
            }
            print(out, text);
        }
    }

    private static void print(PrintStream out, String text) {
        out.print(text.endsWith("\n") ? text : text + "\n");
        out.flush();
    }
}
