/**
 * Readers, preprocessing and stand-in generators of every data set.
 *
 * <p>Layer: above {@code core}; below {@code metrics}. Its sub-package {@code data.hdf5} shares the
 * layer. (Until the data split lands, {@code data} still uses a few {@code report} types;
 * {@code LayeringTest.PENDING_DATA_SPLIT} lists that edge.) The package order is checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.data;
