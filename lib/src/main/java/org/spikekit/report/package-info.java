/**
 * Notebook helpers: {@code Notebook}, figures, tables, provenance, run records, {@code RunKey} (when a
 * stored result is reused), {@code RunResult} (one shape for every paper's runs) and {@code RunResults}
 * (them as one table or CSV); rich cell output ({@code Display}, its live form {@code Display.live()})
 * and {@code LiveCurve} (a training curve redrawn in place while a stage trains).
 *
 * <p>Layer: above {@code train}; below {@code features}, {@code paper} and {@code sweep}. The package
 * order is checked by {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.report;
