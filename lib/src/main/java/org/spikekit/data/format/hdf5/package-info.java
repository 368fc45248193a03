/**
 * The kit's HDF5 writer; not exported.
 *
 * <p>Layer: {@code data} (a sub-package has its ancestor's layer). The package order is checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.data.format.hdf5;
