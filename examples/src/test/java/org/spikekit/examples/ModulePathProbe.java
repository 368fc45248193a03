package org.spikekit.examples;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.data.RunMode;
import org.spikekit.report.Charts;
import org.spikekit.sweep.Sweep;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/**
 * Run by {@link ModulePathTest} with SpikeKit and its dependencies on the module path and without
 * {@code --add-modules jdk.incubator.vector}: prints what the module system resolved, then uses the
 * parts that depend on the module descriptor (service providers, Jackson's reflective access to
 * records, the cpu backend's Vector API kernels) and the libraries its API hands out (tablesaw
 * tables, xchart charts).
 */
public final class ModulePathProbe {
    private ModulePathProbe() {}

    public static void main(String[] args) throws Exception {
        Module m = Backend.class.getModule();
        ModuleDescriptor d = m.getDescriptor();
        System.out.println("module " + m.getName() + " automatic=" + (d != null && d.isAutomatic()));
        System.out.println("vector " + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        System.out.println("backends " + Backends.names());
        System.out.println("nd4j " + Backends.unavailableReason("nd4j"));
        Sweep s = Sweep.kit("rsnn", RunMode.QUICK);
        Path f = Files.createTempDirectory("spikekit-probe").resolve("sweep.json");
        s.write(f);
        System.out.println("sweep round trip " + Sweep.read(f).equals(s) + " (" + s.runs().size() + " runs)");
        Table t = Table.create("t", DoubleColumn.create("x", 1, 2, 3));
        System.out.println("tablesaw rows " + t.where(t.doubleColumn("x").isGreaterThan(1)).rowCount());
        var chart = Charts.lines("probe", "x", "y", new double[] {0, 1, 2}, Map.of("y", new double[] {0, 1, 4}));
        System.out.println("xchart image " + BitmapEncoder.getBufferedImage(chart).getWidth());
        System.out.printf("r2 %.3f%n", TrainTinyRsnn.trainAndTest(20, 2, 8));
    }
}
