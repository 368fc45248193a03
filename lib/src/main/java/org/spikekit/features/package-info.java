/**
 * STDP-CSNN feature extraction and whitening for the SpikeNN readout, cached under a
 * {@code report.RunKey}.
 *
 * <p>Layer: above {@code report} (its caches are keyed by {@code RunKey}) and {@code train}; below
 * {@code nir} and {@code paper}. The package order is checked by {@code LayeringTest}
 * (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.features;
