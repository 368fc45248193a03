package org.spikekit.compute;

/**
 * ServiceLoader entry of the {@code nd4j} backend. Deliberately free of ND4J types, so listing the
 * backends works when ND4J is not on the classpath; {@link #unavailableReason()} then says which
 * artifacts to add. ND4J's own start-up (native libraries) happens in {@link #create()}.
 */
public final class Nd4jProvider implements BackendProvider {
    static final String API_CLASS = "org.nd4j.linalg.factory.Nd4j";
    static final String[] NATIVE_BACKENDS = {
        "org.nd4j.linalg.cpu.nativecpu.CpuBackend",   // nd4j-native
        "org.nd4j.linalg.jcublas.JCublasBackend",     // nd4j-cuda-*
    };

    @Override public String name() { return "nd4j"; }

    /**
     * Lets the module org.spikekit read the class path, where ND4J lives (ND4J 1.0.0-M2.1 cannot be
     * put on the module path: see module-info.java). A no-op when SpikeKit itself is on the class
     * path. Called by the classes that link against ND4J before they touch it.
     */
    static void readClassPath() {
        Module self = Nd4jProvider.class.getModule();
        ClassLoader loader = Nd4jProvider.class.getClassLoader();
        if (self.isNamed() && loader != null) self.addReads(loader.getUnnamedModule());
    }

    @Override
    public String unavailableReason() {
        return reasonFor(Nd4jProvider.class.getClassLoader());
    }

    /** Null when the ND4J API and one ND4J backend are visible to {@code loader}. */
    static String reasonFor(ClassLoader loader) {
        if (!present(API_CLASS, loader)) {
            return "ND4J is not on the classpath (class " + API_CLASS + " not found); add org.nd4j:nd4j-native "
                    + "(and its linux-x86_64 classifier jars) or org.nd4j:nd4j-native-platform, version 1.0.0-M2.1";
        }
        for (String b : NATIVE_BACKENDS) if (present(b, loader)) return null;
        return "ND4J API found but no ND4J backend (looked for " + String.join(", ", NATIVE_BACKENDS)
                + "); add org.nd4j:nd4j-native or org.nd4j:nd4j-cuda-11.6";
    }

    private static boolean present(String cls, ClassLoader loader) {
        try {
            Class.forName(cls, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public Backend create() {
        String why = unavailableReason();
        if (why != null) throw new IllegalStateException("backend 'nd4j' cannot start: " + why);
        try {
            return new Nd4jBackend();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("backend 'nd4j' failed to start (native libraries of ND4J/OpenBLAS "
                    + "for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "?): " + e, e);
        }
    }
}
