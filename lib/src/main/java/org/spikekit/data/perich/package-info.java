/**
 * Perich, Gallego &amp; Miller (2018) sessions (DANDI 000688) as Spikachu uses them: the NWB
 * reader/writer, the seeded stand-in generator, the Spikachu preprocessing, sessions, decoding
 * windows and batches, and unit dropout.
 *
 * <p>Layer: shares {@code data}'s layer (above {@code core}, below {@code metrics}); checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.data.perich;
