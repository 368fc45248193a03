/**
 * File formats not tied to one data set: NumPy {@code .npy}, gzip-compressed tar, PyTorch
 * checkpoints, and the HDF5 container checks shared by the HDF5 readers (the kit's HDF5 writer is
 * the internal {@code format.hdf5}).
 *
 * <p>Layer: shares {@code data}'s layer (above {@code core}, below {@code metrics}); checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.data.format;
