/**
 * Networks: tinyRSNN/bigRSNN, SNN2/SNN3, Spikachu, ALIF networks, {@code StreamingDecoder},
 * released-checkpoint loading. Models do not train themselves: their trainers are in {@code train},
 * run protocols that store results in {@code paper}.
 *
 * <p>Layer: above {@code nn}; below {@code train}. The package order is checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.model;
