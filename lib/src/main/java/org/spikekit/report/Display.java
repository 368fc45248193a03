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
 * <p>Outside the kernel (a plain JVM, tests, jshell) the text form is printed to
 * {@code System.out} instead.
 */
public final class Display {
    private Display() {}

    static final String KERNEL_MAIN = "org.rapaio.jupyter.kernel.MainApp";
    static final String DISPLAY_DATA = "org.rapaio.jupyter.kernel.display.DisplayData";

    /** The kernel's display entry point, looked up once; {@code null} outside the kernel. */
    private static final class Kernel {
        static final Kernel INSTANCE = find();

        final Object kernel;
        final Method fromHtml, putText, display;

        private Kernel(Object kernel, Method fromHtml, Method putText, Method display) {
            this.kernel = kernel;
            this.fromHtml = fromHtml;
            this.putText = putText;
            this.display = display;
        }

        private static Kernel find() {
            ClassLoader cl = Display.class.getClassLoader();
            Class<?> main;
            try {
                main = Class.forName(KERNEL_MAIN, false, cl);
            } catch (ClassNotFoundException | LinkageError e) {
                return null; // not running in the kernel
            }
            try {
                Class<?> dd = Class.forName(DISPLAY_DATA, true, cl);
                Object kernel = main.getField("kernel").get(null);
                return new Kernel(kernel, dd.getMethod("fromHtml", String.class), dd.getMethod("putText", String.class),
                        kernel.getClass().getMethod("display", dd));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                System.err.println("spikekit Display: found the rapaio kernel (" + KERNEL_MAIN + ") but not its display API ("
                        + e + "); tables are printed as text");
                return null;
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
        if (k != null) {
            try {
                System.out.flush();
                System.err.flush();
                Object dd = k.fromHtml.invoke(null, html);
                k.putText.invoke(dd, text);
                k.display.invoke(k.kernel, dd);
                return;
            } catch (IllegalAccessException | InvocationTargetException e) {
                Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
                System.err.println("spikekit Display: the kernel refused the display (" + cause + "); printing the text form");
            }
        }
        print(System.out, text);
    }

    /** Shows {@code view} as an HTML table and as aligned text. */
    public static void show(TableView view) {
        show(view.html(), view.text());
    }

    private static void print(PrintStream out, String text) {
        out.print(text.endsWith("\n") ? text : text + "\n");
        out.flush();
    }
}
