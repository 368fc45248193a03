package org.spikekit.compute;

/**
 * Whether the Vector API ({@code jdk.incubator.vector}) is in this JVM. It is an incubator module,
 * so the JVM resolves it only when asked: {@code --add-modules jdk.incubator.vector} on the class
 * path, or by {@code requires org.spikekit} on the module path (the module requires it). Without
 * it the first class that touches a vector type fails with a bare {@code NoClassDefFoundError};
 * the cpu backend checks first and throws {@link IllegalStateException} with {@link #MISSING}.
 */
public final class VectorApi {
    private VectorApi() {}

    /** The module the cpu backend's kernels use. */
    public static final String MODULE = "jdk.incubator.vector";

    /** What to add to the {@code java} command line. */
    public static final String JVM_FLAG = "--add-modules " + MODULE;

    /** The message of the error thrown when the module is absent. */
    public static final String MISSING = "the Vector API module " + MODULE + " is not in this JVM, and the cpu "
            + "backend's kernels need it. Add " + JVM_FLAG + " to the java command line (before -cp or -jar; "
            + "or in the environment variable JDK_JAVA_OPTIONS, or in Maven Surefire's <argLine>), or put the "
            + "spikekit jar on the module path, where its module descriptor resolves " + MODULE + " itself";

    private static final boolean PRESENT = probe();

    private static boolean probe() {
        try {
            Class.forName(MODULE + ".FloatVector", false, VectorApi.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** True when {@code jdk.incubator.vector} is resolved in this JVM. */
    public static boolean available() { return PRESENT; }

    /** Null when the Vector API is available, else {@link #MISSING}. */
    public static String unavailableReason() { return PRESENT ? null : MISSING; }

    /** Throws {@link IllegalStateException} ("{@code what}: " + {@link #MISSING}) when the module is absent. */
    public static void require(String what) {
        if (!PRESENT) throw new IllegalStateException(what + ": " + MISSING);
    }
}
