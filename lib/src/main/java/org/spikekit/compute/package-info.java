/**
 * Tensors ({@code Tensor}), the {@code Backend} contract and the cpu, nd4j and cuda backends.
 *
 * <p>Layer: above the root package; below {@code config} and everything else of the kit (its
 * sub-package {@code compute.cuda} shares the layer). The package order is checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.compute;
