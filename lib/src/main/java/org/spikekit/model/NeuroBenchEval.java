package org.spikekit.model;

import java.util.IdentityHashMap;
import java.util.Map;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.metrics.ActivationSparsity;
import org.spikekit.metrics.ConnectionSparsity;
import org.spikekit.metrics.DType;
import org.spikekit.metrics.Footprint;
import org.spikekit.metrics.MetricModel;
import org.spikekit.metrics.ParameterCount;
import org.spikekit.metrics.R2;
import org.spikekit.metrics.SynapticOperations;

/**
 * NeuroBench-style evaluation of a primate-reaching decoder (notebooks/papers/rsnn.md §6): the model runs once over
 * the whole test span as one sequence from its reset state, without dropout, and the metrics are
 * computed with the classes of {@code org.spikekit.metrics}:
 * <ul>
 *   <li>R²: one global R² per output dimension over the whole sequence, then the mean over x, y
 *       ({@link R2});</li>
 *   <li>footprint, parameter count, connection sparsity ({@link Footprint}, {@link ParameterCount},
 *       {@link ConnectionSparsity}) from {@link NeuroBenchModel#describe};</li>
 *   <li>activation sparsity over every spiking-layer output, all steps ({@link ActivationSparsity});</li>
 *   <li>Dense, effective MACs and effective ACs per output sample = per 4-ms step
 *       ({@link SynapticOperations}), each layer call classified on its own input as NeuroBench's
 *       hooks do.</li>
 * </ul>
 * The numerics are the model's own: an {@link Rsnn} runs in float32 whatever {@code parameterType}
 * says (the type only sets the footprint); wrap it in a {@link HalfRsnn} to evaluate it in emulated
 * float16 as the authors evaluated the tinyRSNN (R², activation sparsity and operations then come from
 * the float16 run).
 *
 * <pre>{@code
 * NeuroBenchEval.Result r = NeuroBenchEval.evaluate(tiny, xTest, yTest, DType.FLOAT16);
 * System.out.println(r.r2() + " " + r.effectiveAcs());
 * }</pre>
 */
public final class NeuroBenchEval {
    private NeuroBenchEval() {}

    /**
     * Metrics of one model on one test sequence.
     *
     * @param model              model name from the description
     * @param r2                 mean over dimensions of the global R²
     * @param r2PerDimension     R²_x, R²_y
     * @param footprintBytes     parameters × element size + buffers
     * @param parameters         parameter elements
     * @param connectionSparsity zero fraction of the connection weights, rounded to 4 decimals
     * @param activationSparsity 1 − non-zero fraction of all spiking-layer outputs
     * @param denseOps           dense synaptic operations per sample
     * @param effectiveMacs      effective multiply-accumulates per sample
     * @param effectiveAcs       effective accumulates per sample
     * @param samples            output samples (4-ms steps) evaluated
     */
    public record Result(String model, double r2, double[] r2PerDimension, long footprintBytes, long parameters,
                         double connectionSparsity, double activationSparsity, double denseOps, double effectiveMacs,
                         double effectiveAcs, long samples) {
        public Result { r2PerDimension = r2PerDimension.clone(); }

        @Override public double[] r2PerDimension() { return r2PerDimension.clone(); }
    }

    /**
     * Runs {@code model} on the test span and computes every metric.
     *
     * @param x             test inputs {@code [T, B, inputs]} (NeuroBench: B = 1, the whole span)
     * @param y             targets {@code [T, B, outputs]}
     * @param parameterType storage type for the footprint
     */
    public static Result evaluate(NeuroBenchModel model, Tensor x, Tensor y, DType parameterType) {
        if (x == null || y == null || x.rank() != 3 || y.rank() != 3 || x.dim(0) != y.dim(0) || x.dim(1) != y.dim(1)
                || x.dim(2) != model.inputs() || y.dim(2) != model.outputs()) {
            throw new IllegalArgumentException("NeuroBenchEval: x must be [T, B, " + model.inputs() + "] and y [T, B, "
                    + model.outputs() + "] with the same T and B, got " + x + " and " + y);
        }
        return evaluate(model, model.run(x), y, parameterType);
    }

    /**
     * The metrics of a workload already run on the test span (for callers that also need its
     * prediction, e.g. to plot decoded traces, without running the model twice).
     *
     * @param w what {@code model.run(x)} returned
     */
    public static Result evaluate(NeuroBenchModel model, Workload w, Tensor y, DType parameterType) {
        Tensor pred = w.prediction();
        if (y == null || !java.util.Arrays.equals(pred.shape(), y.shape())) {
            throw new IllegalArgumentException("NeuroBenchEval: y must have the prediction's shape "
                    + java.util.Arrays.toString(pred.shape()) + ", got " + y);
        }
        MetricModel mm = model.describe(parameterType);
        R2 r2 = new R2();
        r2.update(w.prediction(), y);
        SynapticOperations ops = workloadOps(mm, w);
        ActivationSparsity act = new ActivationSparsity();
        for (Tensor s : w.spikingOutputs()) act.observe(s);
        SynapticOperations.Ops o = ops.compute();
        return new Result(mm.name(), r2.compute(), r2.perDimension(), new Footprint().of(mm), new ParameterCount().of(mm),
                new ConnectionSparsity().of(mm), act.compute(), o.dense(), o.effectiveMacs(), o.effectiveAcs(), w.samples());
    }

    /**
     * Synaptic operations of a workload: each layer's calls observed one by one (so every call is
     * classified as ACs or MACs on its own input), divided by the workload's samples.
     */
    public static SynapticOperations workloadOps(MetricModel mm, Workload w) {
        SynapticOperations ops = new SynapticOperations(mm);
        Map<Tensor, float[]> host = new IdentityHashMap<>();
        for (Workload.LayerInput li : w.layerInputs()) {
            Backend be = li.inputs().backend();
            float[] all = host.computeIfAbsent(li.inputs(), be::toHost);
            int fanIn = mm.layer(li.layer()).fanIn();
            if (li.inputs().cols() != fanIn) {
                throw new IllegalArgumentException("NeuroBenchEval: layer '" + li.layer() + "' has fanIn " + fanIn
                        + " but its workload input is " + li.inputs());
            }
            int per = li.rowsPerCall() * fanIn;
            float[] call = new float[per];
            for (int c = 0, n = li.calls(); c < n; c++) {
                System.arraycopy(all, c * per, call, 0, per);
                ops.observe(li.layer(), call);
            }
        }
        ops.addSamples(w.samples());
        return ops;
    }
}
