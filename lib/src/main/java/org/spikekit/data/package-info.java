/**
 * Data plumbing shared by every data set: which data a run uses ({@link org.spikekit.data.DataChoice},
 * {@link org.spikekit.data.RunMode}, {@link org.spikekit.data.DataContext}), the one "real if present
 * and verified, else the stand-in" rule ({@link org.spikekit.data.DataSource}), the manifest of real
 * files with their checksums, digest cache and downloads ({@link org.spikekit.data.DataManifest},
 * {@link org.spikekit.data.DigestCache}, {@link org.spikekit.data.DataFetch}), provenance
 * ({@link org.spikekit.data.DataRecord}), the {@code make data} command line
 * ({@link org.spikekit.data.DataCli}) and small shared types ({@link org.spikekit.data.Intervals},
 * {@link org.spikekit.data.Splits}, {@link org.spikekit.data.SequenceSet}).
 *
 * <p>Each data set lives in a sub-package with its reader, session type, preprocessing and
 * synthetic stand-in: {@code reaching} (O'Doherty / NeuroBench primate reaching), {@code perich}
 * (Perich et al. sessions for Spikachu), {@code allen} (Allen Cell Types e-phys for Blocks),
 * {@code images} (MNIST, Fashion-MNIST, CIFAR), {@code spiking} (SHD, N-MNIST, SpikeNN spike-time
 * sets); file formats that are not tied to one data set are in {@code format} (the kit's HDF5
 * writer in {@code format.hdf5}).
 *
 * <p>Layer: above {@code core}; below {@code metrics}; its sub-packages share the layer. It uses
 * nothing of {@code report} (a notebook reaches the loaders through {@link org.spikekit.data.DataContext},
 * which {@code report.Notebook} implements). The package order is checked by {@code LayeringTest}
 * (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.data;
