package org.spikekit.compute;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds backends by name. {@code cpu} is built in; others ({@code cuda}, {@code nd4j}) register a
 * {@link BackendProvider} through {@code META-INF/services}. A requested backend that cannot start
 * throws with the reason; it is never replaced by another one silently.
 */
public final class Backends {
    private Backends() {}

    /** Environment variable (and system property {@code spikekit.backend}) that picks the default. */
    public static final String ENV = "SPIKEKIT_BACKEND";

    /** Names of all registered providers, whether or not they can start here. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) out.add(p.name());
        return out;
    }

    /** True when the named backend is registered and reports it can start on this machine. */
    public static boolean available(String name) {
        return unavailableReason(name) == null;
    }

    /**
     * Null when the named backend can start here; otherwise why not (e.g. which classes or native
     * libraries are missing, or that no such backend is registered).
     */
    public static String unavailableReason(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(n)) return p.unavailableReason();
        }
        return "no backend named '" + name + "' is registered; registered: " + names();
    }

    /** Starts the named backend or throws {@link IllegalStateException} saying why it cannot. */
    public static Backend get(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(n)) {
                String why = p.unavailableReason();
                if (why != null) throw new IllegalStateException("backend '" + n + "' cannot start: " + why);
                return p.create();
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'; registered: " + names());
    }

    /** The backend named by {@code -Dspikekit.backend}, else {@code SPIKEKIT_BACKEND}, else cpu. */
    public static Backend fromEnvironment() {
        return get(selectedName());
    }

    public static String selectedName() {
        String s = System.getProperty("spikekit.backend");
        if (s == null || s.isBlank()) s = System.getenv(ENV);
        if (s == null || s.isBlank()) s = "cpu";
        return s.trim().toLowerCase(Locale.ROOT);
    }
}
