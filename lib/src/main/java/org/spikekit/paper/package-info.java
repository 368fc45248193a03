/**
 * One driver per paper, as the notebooks call it, with the run protocols that store and reuse results
 * ({@code RsnnRun}, {@code SpikachuRun}, {@code SpikeNn}/{@code SpikeNnRun}) and the published
 * numbers. Every run record ({@code RsnnRun}, {@code SpikachuRun}, {@code SpikeNnRun},
 * {@code BlocksSupervised.Run}, {@code BlocksEphys.Fit}) also reads as a {@code report.RunResult}.
 *
 * <p>Layer: above {@code nir}, {@code features}, {@code report} and {@code train}; below
 * {@code sweep}. The package order is checked by {@code LayeringTest}
 * (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.paper;
