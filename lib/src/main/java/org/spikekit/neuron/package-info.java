/**
 * Spiking neurons (and the non-spiking readout) as components, with their fused sequence kernels: recurrent LIF and
 * leaky-integrator layers with gradient-checked BPTT, standard and Blocks ALIF kernels, PLIF/LTLIF,
 * snnTorch Leaky and the single-spike layer.
 *
 * <h2>Neurons as components</h2>
 * Each neuron the papers use has a parameter record, a state record, one pure reference step, and a
 * fused sequence kernel tested against that step iterated ({@link org.spikekit.neuron.NeuronModel}):
 * <table>
 *   <caption>Neuron components</caption>
 *   <tr><th>neuron (paper)</th><th>component</th><th>params / state</th><th>fused kernel</th>
 *       <th>kernel = step iterated</th><th>gradient check</th></tr>
 *   <tr><td>current-based LIF (RSNN, stork)</td><td>{@link org.spikekit.neuron.LifNeuron}</td>
 *       <td>{@link org.spikekit.neuron.LifParams} + {@link org.spikekit.neuron.LifCoeffs} / {@link org.spikekit.neuron.LifState}</td>
 *       <td>{@link org.spikekit.neuron.HostLifKernel}</td>
 *       <td>reference kernel bit for bit; fused ≤ 2e-5 relative, spikes identical ({@code LifNeuronTest})</td>
 *       <td>{@code LifGradientCheckTest}</td></tr>
 *   <tr><td>leaky-integrator readout, non-spiking (RSNN, stork)</td><td>{@link org.spikekit.neuron.ReadoutNeuron}</td>
 *       <td>{@link org.spikekit.neuron.ReadoutParams} + per-unit β_mem, β_syn / {@link org.spikekit.neuron.ReadoutState}</td>
 *       <td>{@link org.spikekit.neuron.LeakyReadout}'s host loop ({@code ReadoutNeuron.sequence})</td>
 *       <td>bit for bit, and the primitive reference ({@code ReadoutNeuronTest})</td>
 *       <td>{@code LeakyReadoutTest} (finite differences)</td></tr>
 *   <tr><td>snnTorch Leaky (NeuroBench SNN2/SNN3)</td><td>{@link org.spikekit.neuron.SnnTorchLeaky}</td>
 *       <td>the record itself / {@code SnnTorchLeaky.State}</td><td>{@code SnnTorchLeaky.forward/backward}</td>
 *       <td>bit for bit ({@code SnnTorchLeakyComponentTest})</td><td>{@code model.SnnTorchLeakyTest} (forward-mode reference)</td></tr>
 *   <tr><td>PLIF / LTLIF (Spikachu)</td><td>{@link org.spikekit.neuron.PlifNeuron}</td>
 *       <td>the record itself / {@code PlifNeuron.State}</td><td>{@code PlifNeuron.run/backward} (used by {@code nn.ParametricLif})</td>
 *       <td>bit for bit ({@code PlifNeuronTest})</td><td>{@code nn.ParametricLifTest} (finite differences)</td></tr>
 *   <tr><td>ALIF (Blocks, standard)</td><td>{@link org.spikekit.neuron.AlifNeuron#standard}</td>
 *       <td>{@link org.spikekit.neuron.AlifParams} + {@link org.spikekit.neuron.AlifCoeffs} / {@code AlifNeuron.State}</td>
 *       <td>{@link org.spikekit.neuron.HostAlifKernel}</td><td>spikes bit for bit ({@code AlifNeuronTest})</td>
 *       <td>{@code AlifGradientCheckTest}</td></tr>
 *   <tr><td>ALIF run by Blocks</td><td>{@link org.spikekit.neuron.AlifNeuron#blocks}</td><td>as ALIF</td>
 *       <td>{@link org.spikekit.neuron.HostBlocksKernel}</td><td>spikes bit for bit ({@code AlifNeuronTest})</td>
 *       <td>{@code AlifGradientCheckTest} (its own reformulated graph)</td></tr>
 *   <tr><td>single-spike IF/LIF (SpikeNN)</td><td>{@link org.spikekit.neuron.SingleSpikeNeuron}</td>
 *       <td>{@code SingleSpikeNeuron.Params} / {@code SingleSpikeNeuron.State} (event-driven, no time grid)</td>
 *       <td>{@link org.spikekit.neuron.SingleSpikeLayer}</td><td>bit for bit ({@code SingleSpikeNeuronTest})</td>
 *       <td>none: trained without gradients</td></tr>
 * </table>
 * The per-step primitives ({@code LifNeuron.fire/advance/adjoint}, {@code AlifNeuron.advance},
 * {@code ReadoutNeuron.advance}) are the one written-out form of those dynamics: the reference kernels
 * iterate them (the readout's: {@code LeakyReadout}'s primitive reference path), the benchmark's naive
 * per-step RSNN ({@code bench.NaiveRsnn}) iterates them, and the float16 view of the RSNN
 * ({@code model.HalfRsnn}) uses the LIF's and the readout's scalar forms under the
 * {@link org.spikekit.neuron.Precision} policy FP16 (precision is a policy of the kernel, not a second
 * copy of the model). The streaming decoder ({@code model.StreamingDecoder}) calls the float32 forms:
 * the SIMD-lane forms {@code LifNeuron.spikeLanes/firesLanes/membraneLanes/currentLanes} in its vector
 * loop (the same float operations as {@code LifNeuron.membrane/current} with {@code Precision.FP32},
 * held together in {@code LifNeuronTest}), {@code LifNeuron.fires/membrane/current} in its scalar tail,
 * and {@code ReadoutNeuron.output/current} with {@code Precision.FP32} for its readout; per bin it
 * equals {@code LifNeuron.step} iterated (given the recurrent current summed row by row, as the fused
 * kernel sums it) and {@code LeakyReadout} stepped, bit for bit ({@code model.StreamingDecoderStepTest}).
 * {@code LeakyReadout}'s host loop calls the readout's float32 form in float arithmetic
 * ({@code ReadoutNeuron.output/current} without a precision: the same operations, the same bits).
 *
 * <p>Still written out elsewhere: the fused kernels' own loops, held to the step by tests rather
 * than calling it: {@link org.spikekit.neuron.HostLifKernel} writes the LIF forward update
 * (vector loops and scalar tail) and its adjoint itself, {@link org.spikekit.neuron.HostAlifKernel}
 * and {@link org.spikekit.neuron.HostBlocksKernel} likewise the ALIF's, and
 * {@link org.spikekit.neuron.LeakyReadout} writes the readout's adjoint in its two backward passes
 * (the readout component has no adjoint primitive; finite differences in {@code LeakyReadoutTest}).
 *
 * <h2>Trainable recurrent layers</h2>
 * {@link org.spikekit.neuron.RecurrentLifLayer} (LIF) and {@link org.spikekit.neuron.RecurrentAlifLayer}
 * (ALIF over the standard or Blocks kernel) are the two trainable recurrent layers, both seen by a
 * model through {@link org.spikekit.neuron.RecurrentLayer}; a model's configuration names which one
 * with a {@link org.spikekit.neuron.HiddenNeuron}. {@code model.Rsnn.Config.neuron} does: null (the
 * default, left out of the JSON) is the LIF, {@code HiddenNeuron.Alif.rsnn()} makes "tinyRSNN with ALIF
 * neurons" one edit ({@code RsnnAlifTest}, {@code RsnnAlifTrainingTest}). {@code model.AlifNet} still
 * runs its own copy of the ALIF layer's steps (checked equal to {@code RecurrentAlifLayer} forward and
 * backward in {@code RsnnAlifTest}); the RSNN's float16 view, streaming decoder, NIR export and
 * released-weights loader are written for the LIF and refuse an ALIF model.
 *
 * <p>Layer: above {@code metrics}; below {@code nn} and {@code model}. The package order is checked by
 * {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.neuron;
