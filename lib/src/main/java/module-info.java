/**
 * SpikeKit: spiking-neural-network models, training, data readers, metrics and report helpers
 * behind the kit's notebooks (tinyRSNN/bigRSNN, Spikachu, SpikeNN, Blocks).
 *
 * <p>On the module path ({@code requires org.spikekit;}) this descriptor resolves the Vector API
 * incubator module by itself; on the class path the JVM needs {@code --add-modules
 * jdk.incubator.vector}. The cuda backend calls native code through {@code java.lang.foreign}:
 * {@code --enable-native-access=org.spikekit} on the module path, {@code =ALL-UNNAMED} on the
 * class path.
 *
 * <p>The optional nd4j backend ({@code org.spikekit.compute.Nd4jBackend}, {@code Nd4jInterop}) is
 * not named here: ND4J 1.0.0-M2.1 cannot be a module (the JDK rejects the module descriptor of
 * {@code nd4j-api}, which lists a package the jar lacks, and its jars split packages such as
 * {@code org.eclipse}), so ND4J stays on the class path. This module is compiled to read the
 * class path for those classes ({@code --add-reads org.spikekit=ALL-UNNAMED}, lib/pom.xml), and
 * {@code Nd4jProvider} adds the same read edge at run time when it finds ND4J.
 */
module org.spikekit {
    requires jdk.incubator.vector;
    requires transitive java.desktop;   // BufferedImage in report.Notebook's API, AWT behind xchart
    requires java.management;       // ManagementFactory (benchmark launcher, sweep executor)
    requires jdk.management;        // com.sun.management.OperatingSystemMXBean: physical memory for sweeps

    requires io.jhdf;                                // HDF5 / MATLAB v7.3 / NWB readers (automatic module)
    // tables. tablesaw-core 0.44.4 has no module name of its own: "tablesaw.core" is derived from the
    // jar's file name (javac and Maven warn about this), and as an automatic module it declares none of
    // its dependencies, so module-path applications add --add-modules ALL-MODULE-PATH (lib/README.md).
    requires transitive tablesaw.core;
    requires transitive org.knowm.xchart;            // figures (automatic module)
    requires transitive com.fasterxml.jackson.databind;
    requires me.tongfei.progressbar;
    requires org.slf4j;

    exports org.spikekit;
    exports org.spikekit.bench;
    exports org.spikekit.compute;
    exports org.spikekit.config;
    exports org.spikekit.core;
    exports org.spikekit.data;
    exports org.spikekit.data.allen;
    exports org.spikekit.data.format;
    exports org.spikekit.data.images;
    exports org.spikekit.data.perich;
    exports org.spikekit.data.reaching;
    exports org.spikekit.data.spiking;
    exports org.spikekit.features;
    exports org.spikekit.io;
    exports org.spikekit.metrics;
    exports org.spikekit.model;
    exports org.spikekit.neuron;
    exports org.spikekit.nir;
    exports org.spikekit.nn;
    exports org.spikekit.paper;
    exports org.spikekit.report;
    exports org.spikekit.sweep;
    exports org.spikekit.train;
    exports org.spikekit.train.stdp;
    // not exported (implementation): org.spikekit.compute.cuda (reached through Backends.get("cuda")),
    // org.spikekit.data.format.hdf5 (the kit's HDF5 writer)

    // run records, provenance and sweep files are (de)serialised by Jackson through reflection
    opens org.spikekit.data to com.fasterxml.jackson.databind;   // DataRecord in provenance files
    opens org.spikekit.model to com.fasterxml.jackson.databind;
    opens org.spikekit.paper to com.fasterxml.jackson.databind;
    opens org.spikekit.report to com.fasterxml.jackson.databind;
    opens org.spikekit.sweep to com.fasterxml.jackson.databind;

    uses org.spikekit.compute.BackendProvider;
    provides org.spikekit.compute.BackendProvider with
            org.spikekit.compute.CpuBackend.Provider,
            org.spikekit.compute.Nd4jProvider,
            org.spikekit.compute.cuda.CudaBackend.Provider;
}
