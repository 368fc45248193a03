package org.spikekit.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.spikekit.Kit;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.compute.Tensor;
import org.spikekit.data.DataManifest;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What a bug report needs, in one table: JDK, library version, run settings, backends, data
 * availability (the DJL {@code debugEnvironment} habit). Used by notebook 00.
 */
public final class Environment {
    private Environment() {}

    /** Two-column table (key, value) describing this machine and run. */
    public static Table describe(Notebook nb, Backend backend) {
        StringColumn k = StringColumn.create("key");
        StringColumn v = StringColumn.create("value");
        add(k, v, "spikekit.version", Kit.version());
        add(k, v, "java.version", System.getProperty("java.version"));
        add(k, v, "java.vendor", System.getProperty("java.vendor"));
        add(k, v, "java.home", System.getProperty("java.home"));
        add(k, v, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        add(k, v, "cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        add(k, v, "max.heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        add(k, v, "vector.float.lanes", vectorLanes());
        add(k, v, "mode", nb.mode().id());
        add(k, v, "data", nb.data().id());
        add(k, v, "seed", Long.toString(nb.seed()));
        add(k, v, "backend", backend.name());
        add(k, v, "backend.device", backend.deviceName());
        for (String name : Backends.names()) {
            add(k, v, "backend." + name + ".available", Backends.available(name) ? "yes" : "no");
        }
        return Table.create("environment", k, v);
    }

    /** One row per file of {@code data/manifest}: name, paper, state (real, absent, bad) and detail. */
    public static Table dataAvailability(Notebook nb) {
        Path manifest = nb.dataDir().resolve("manifest");
        StringColumn name = StringColumn.create("data_set");
        StringColumn paper = StringColumn.create("paper");
        StringColumn state = StringColumn.create("state");
        StringColumn detail = StringColumn.create("detail");
        if (Files.isRegularFile(manifest)) {
            List<DataManifest.Status> st = DataManifest.read(manifest).check(nb.dataDir().resolve("raw"));
            for (DataManifest.Status s : st) {
                name.append(s.entry().name());
                paper.append(s.entry().paper());
                state.append(s.summary());
                detail.append(s.message());
            }
        }
        return Table.create("data_availability", name, paper, state, detail);
    }

    /**
     * Sanity figure for a backend: histogram of {@code n} normal draws made on that backend
     * against the standard normal density.
     */
    public static XYChart rngCheckChart(Backend backend, int n, long seed) {
        Tensor t = backend.zeros(n);
        backend.randNormal(t, seed, 0f, 1f);
        float[] x = backend.toHost(t);
        int bins = 40;
        double lo = -4, hi = 4, w = (hi - lo) / bins;
        double[] centers = new double[bins], dens = new double[bins], pdf = new double[bins];
        for (float f : x) {
            int b = (int) Math.floor((f - lo) / w);
            if (b >= 0 && b < bins) dens[b]++;
        }
        for (int b = 0; b < bins; b++) {
            centers[b] = lo + (b + 0.5) * w;
            dens[b] /= n * w;
            pdf[b] = Math.exp(-centers[b] * centers[b] / 2) / Math.sqrt(2 * Math.PI);
        }
        XYChart c = new XYChartBuilder().width(640).height(400)
                .title("Normal draws on backend '" + backend.name() + "' (n=" + n + ", seed=" + seed + ")")
                .xAxisTitle("value").yAxisTitle("density").build();
        c.addSeries("histogram", centers, dens).setMarker(SeriesMarkers.CIRCLE);
        c.addSeries("N(0,1) density", centers, pdf).setMarker(SeriesMarkers.NONE);
        return Charts.finish(c);
    }

    private static String vectorLanes() {
        try {
            Class<?> fv = Class.forName("jdk.incubator.vector.FloatVector");
            Object species = fv.getField("SPECIES_PREFERRED").get(null);
            return Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("length").invoke(species).toString();
        } catch (ReflectiveOperationException | LinkageError e) {
            return "unavailable (start the JVM with --add-modules jdk.incubator.vector)";
        }
    }

    private static void add(StringColumn k, StringColumn v, String key, String value) {
        k.append(key);
        v.append(value == null ? "" : value);
    }
}
