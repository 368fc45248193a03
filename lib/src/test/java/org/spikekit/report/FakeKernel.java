package org.spikekit.report;

import java.util.ArrayList;
import java.util.List;

/** A stand-in for the rapaio kernel's display API, found by {@link Display.Kernel#find} like the real one. */
public final class FakeKernel {
    private FakeKernel() {}

    /** As {@code org.rapaio.jupyter.kernel.MainApp}: the kernel in a static field. */
    public static final class Main {
        public static Sink kernel = new Sink();
    }

    /** As {@code DisplayData}: a map of MIME type to content, and a display id. */
    public static final class Data {
        public String html, text, id;

        public static Data fromHtml(String html) {
            Data d = new Data();
            d.html = html;
            return d;
        }

        public void putText(String text) { this.text = text; }

        public void setDisplayId(String id) { this.id = id; }
    }

    /** As {@code RapaioKernel}: records the messages. */
    public static final class Sink {
        public final List<String> calls = new ArrayList<>();
        public final List<Data> sent = new ArrayList<>();
        public boolean refuse;

        public void display(Data d) {
            if (refuse) throw new IllegalStateException("no cell running");
            calls.add("display");
            sent.add(d);
        }

        public void updateDisplay(Data d) {
            calls.add("update");
            sent.add(d);
        }
    }

    /** As a kernel without live displays (display only). */
    public static final class OldMain {
        public static OldSink kernel = new OldSink();
    }

    public static final class OldSink {
        public final List<Data> sent = new ArrayList<>();

        public void display(Data d) { sent.add(d); }
    }

    /** A kernel main class without the {@code kernel} field. */
    public static final class Broken {}

    static Display.Kernel kernel() {
        Main.kernel = new Sink();
        return Display.Kernel.find(Main.class.getName(), Data.class.getName(), FakeKernel.class.getClassLoader());
    }
}
