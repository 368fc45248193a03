/**
 * Allen Cell Types e-phys recordings for the Blocks paper's neuron fitting: the NWB 1.x reader,
 * the seeded stand-in in the CellTypesCache layout, spike detection, and the per-cell preprocessing.
 *
 * <p>Layer: shares {@code data}'s layer (above {@code core}, below {@code metrics}); checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.data.allen;
