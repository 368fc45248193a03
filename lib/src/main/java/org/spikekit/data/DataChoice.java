package org.spikekit.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which data a run uses. {@code AUTO}: the real file where it is present and verified, else the
 * synthetic stand-in; {@code REAL}: real files only (a missing file is an error);
 * {@code SYNTHETIC}: stand-ins only.
 */
public enum DataChoice {
    AUTO, REAL, SYNTHETIC;

    /** Environment variable read by notebooks and the Makefile. */
    public static final String ENV = "DATA";

    public static DataChoice parse(String s, String where) {
        for (DataChoice m : values()) if (m.name().equalsIgnoreCase(s.trim())) return m;
        throw new IllegalArgumentException(where + ": unknown data choice '" + s + "', expected one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }

    public String id() { return name().toLowerCase(Locale.ROOT); }
}
