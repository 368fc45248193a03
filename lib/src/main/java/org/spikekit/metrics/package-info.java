/**
 * NeuroBench-style metrics for SpikeKit models, written from the metric definitions in the
 * NeuroBench paper and docs (no code taken from NeuroBench).
 *
 * <p>Three contracts (STYLE point 9):
 * <ul>
 *   <li>{@link org.spikekit.metrics.StreamingMetric}: accuracy metrics fed with
 *       {@code update(prediction, target)} per batch or sequence ({@link org.spikekit.metrics.R2}).</li>
 *   <li>{@link org.spikekit.metrics.StaticMetric}: computed from a {@link org.spikekit.metrics.MetricModel}
 *       alone ({@link org.spikekit.metrics.Footprint}, {@link org.spikekit.metrics.ConnectionSparsity},
 *       {@link org.spikekit.metrics.ParameterCount}, {@link org.spikekit.metrics.DenseOperations}).</li>
 *   <li>{@link org.spikekit.metrics.WorkloadMetric}: fed with what the model does while it runs on the
 *       test data: layer inputs and spiking outputs ({@link org.spikekit.metrics.SynapticOperations},
 *       {@link org.spikekit.metrics.ActivationSparsity}).</li>
 * </ul>
 * A model is described independently of its class by a {@link org.spikekit.metrics.MetricModel}: one
 * {@link org.spikekit.metrics.MetricLayer} per weight matrix, extra parameters (e.g. per-neuron time
 * constants) and non-parameter {@link org.spikekit.metrics.Buffer}s.
 *
 * <p>Layer: above {@code data} and {@code core}; below {@code neuron} and {@code nn}. The package
 * order is checked by {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.metrics;
