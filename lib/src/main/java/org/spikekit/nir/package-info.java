/**
 * NIR files in and out: reading a NIR graph into a runnable network, exporting the kit's models.
 *
 * <p>Layer: above {@code model} and {@code features}; below {@code paper}. The package order is
 * checked by {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.nir;
