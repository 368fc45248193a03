package org.spikekit.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * How much work a notebook does. {@code QUICK}: small synthetic data, few epochs and seeds, meant
 * for CI and a first look (whole kit well under an hour on 2 cores). {@code FULL}: paper scale.
 */
public enum RunMode {
    QUICK, FULL;

    /** Environment variable read by notebooks and the Makefile. */
    public static final String ENV = "MODE";

    public static RunMode parse(String s, String where) {
        for (RunMode m : values()) if (m.name().equalsIgnoreCase(s.trim())) return m;
        throw new IllegalArgumentException(where + ": unknown mode '" + s + "', expected one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }

    public String id() { return name().toLowerCase(Locale.ROOT); }
}
