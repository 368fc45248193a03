/**
 * What layers, neurons, metrics, models and trainers share: {@code Module} and {@code Parameter}
 * (trainable tensors and their gradients), {@code Init} and {@code FluctuationInit} (weight
 * initialisation), {@code Losses}, the one autograd contract ({@code Differentiable}: forward and
 * backward on a {@code Tape}, which every model trained by gradient implements; {@code SequenceModel}
 * is the RSNN family's form of it) and {@code Float16} rounding. Nothing here trains: trainers and optimisers are in {@code train}.
 *
 * <p>Layer: above {@code compute} and {@code config}; below {@code data}, {@code neuron}, {@code nn},
 * {@code metrics}, {@code model} and {@code train}. The package order is checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.core;
