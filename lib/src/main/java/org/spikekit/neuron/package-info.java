/**
 * Recurrent LIF and leaky-integrator layers with gradient-checked BPTT, standard and Blocks ALIF
 * kernels, the single-spike layer.
 *
 * <p>Layer: above {@code metrics}; below {@code nn} and {@code model}. The package order is checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.neuron;
