/**
 * Spike data sets: SHD and N-MNIST for the Blocks paper (readers, stand-ins, where they come from)
 * and the single-spike sample sets of the SpikeNN readout (with their seeded stand-in).
 *
 * <p>Layer: shares {@code data}'s layer (above {@code core}, below {@code metrics}); checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.data.spiking;
