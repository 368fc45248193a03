/**
 * Layers with hand-written forward and backward passes, composed into the Spikachu model and its
 * MLP/RNN/GRU/LSTM baselines (notebooks/papers/spikachu.md §4).
 *
 * <p>A {@link org.spikekit.nn.Layer} maps a tensor whose last dimension is its feature size to
 * another; sequences are time-major {@code [T, B, F]}. {@link org.spikekit.nn.Layer#forward}
 * pushes what its backward pass needs onto a {@link org.spikekit.core.Tape};
 * {@link org.spikekit.nn.Layer#backward} pops it again (last in, first out), returns the gradient
 * with respect to the layer's input and ADDS the parameter gradients into
 * {@link org.spikekit.core.Parameter#grad()}. Layers hold no per-call state, so one layer object
 * may be run several times within one tape (weights shared) as long as the backward calls come in
 * reverse order.
 *
 * <p>Every layer has a finite-difference gradient check in the tests; spiking layers are checked
 * with a smooth spike function (sigmoid forward, its exact derivative backward), which makes the
 * surrogate gradient the true gradient.
 *
 * <p>Layer: above {@code neuron} and {@code metrics}; below {@code model}. The package order is
 * checked by {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.nn;
