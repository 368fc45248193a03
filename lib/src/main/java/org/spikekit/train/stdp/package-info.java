/**
 * The SpikeNN readout's learning rules (S2-STDP, SSTDP, R-STDP and the paper's other methods) and
 * their trainer ({@code ReadoutTrainer}) and configuration ({@code SpikeNnConfig}). The protocols that
 * run and store SpikeNN folds ({@code paper.SpikeNn}, {@code paper.SpikeNnRun}) sit above, in
 * {@code paper}: a rule trains a {@code neuron.SingleSpikeLayer} on a data set and needs nothing of
 * {@code model}.
 *
 * <p>Layer: {@code train} (a sub-package has its parent's layer): above {@code neuron} and
 * {@code data}. The package order is checked by {@code LayeringTest}
 * (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.train.stdp;
