/**
 * The benchmarks behind {@code make bench}.
 *
 * <p>Layer: the top: it may use every other package. The package order is checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.bench;
