package org.spikekit.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.compute.Tensor;

/**
 * NeuroBench synaptic operations per output sample: Dense, Effective_MACs, Effective_ACs.
 *
 * <p>Per layer call with input x: the effective count is Σ over outputs of binary(W) · binary(x)
 * (non-zero → 1, bias ignored), i.e. the number of (non-zero input, non-zero weight) pairs; the dense
 * count is fanIn × fanOut. If every value of the observed input is in {−1, 0, 1} the effective ops
 * are accumulates (ACs), otherwise multiply-accumulates (MACs); the test is made per
 * {@link #observe} call on the whole tensor given, as NeuroBench tests each hooked layer input.
 * Totals are divided by the number of output samples declared with {@link #addSamples}.
 *
 * <p>Counting never builds binary matrices: the non-zero count of each weight column (the weights
 * fed by input j) is computed once, and a call costs one pass over its input: Σ over non-zero x_j
 * of nnz(W[:, j]). Weights are read when this object is built; build a new one after pruning.
 *
 * <p>Usage, one 4-ms step of a batch of B sequences: {@code observe("hidden.in", x)} with x
 * {@code [B, fanIn]}, {@code observe("hidden.rec", spikesPrev)}, {@code observe("readout", spikes)},
 * {@code addSamples(B)}. Layers with internal steps are observed once per internal step (or with all
 * internal steps stacked as rows). CONV layers are not supported by the workload count.
 */
public final class SynapticOperations implements WorkloadMetric<SynapticOperations.Ops> {

    /**
     * Per-sample averages.
     *
     * @param dense         fanIn × fanOut summed over all calls, per sample
     * @param effectiveMacs effective ops of calls with real-valued input, per sample
     * @param effectiveAcs  effective ops of calls with binary/ternary input, per sample
     * @param samples       samples the totals were divided by
     */
    public record Ops(double dense, double effectiveMacs, double effectiveAcs, long samples) {}

    private record Counted(MetricLayer layer, int[] columnNonZeros) {}

    private final Map<String, Counted> layers = new HashMap<>();
    private long dense, macs, acs, samples;

    public SynapticOperations(MetricModel model) {
        this(model.layers());
    }

    public SynapticOperations(List<MetricLayer> layerList) {
        for (MetricLayer l : layerList) {
            if (l.kind() == MetricLayer.Kind.CONV) {
                layers.put(l.name(), new Counted(l, null));
                continue;
            }
            float[] w = l.weight().backend().toHost(l.weight());
            int[] col = new int[l.fanIn()];
            for (int o = 0; o < l.fanOut(); o++) {
                int base = o * l.fanIn();
                for (int j = 0; j < l.fanIn(); j++) if (w[base + j] != 0f) col[j]++;
            }
            if (layers.put(l.name(), new Counted(l, col)) != null) {
                throw new IllegalArgumentException("duplicate layer name '" + l.name() + "'");
            }
        }
    }

    /** Counts calls of layer {@code layerName} on {@code input} of shape {@code [..., fanIn]}, one call per row. */
    public void observe(String layerName, Tensor input) {
        observe(layerName, input.backend().toHost(input));
    }

    /** Host form of {@link #observe(String, Tensor)}: rows × fanIn values, row-major. */
    public void observe(String layerName, float[] input) {
        Counted c = layers.get(layerName);
        if (c == null) throw new IllegalArgumentException("unknown layer '" + layerName + "'; known: " + layers.keySet());
        if (c.columnNonZeros() == null) {
            throw new UnsupportedOperationException("layer '" + layerName + "': CONV workload counting is not implemented");
        }
        int fanIn = c.layer().fanIn();
        if (input.length % fanIn != 0) {
            throw new IllegalArgumentException("layer '" + layerName + "': " + input.length
                    + " input values are not a multiple of fanIn = " + fanIn);
        }
        int rows = input.length / fanIn;
        int[] col = c.columnNonZeros();
        boolean events = true;
        long eff = 0;
        for (int i = 0; i < input.length; i++) {
            float v = input[i];
            if (v != 0f) {
                eff += col[i % fanIn];
                if (v != 1f && v != -1f) events = false;
            }
        }
        dense += (long) rows * fanIn * c.layer().fanOut();
        if (events) acs += eff;
        else macs += eff;
    }

    /** Declares that {@code n} more output samples were processed (e.g. the batch size per step). */
    public void addSamples(long n) {
        if (n < 0) throw new IllegalArgumentException("negative sample count " + n);
        samples += n;
    }

    @Override
    public Ops compute() {
        if (samples == 0) throw new IllegalStateException("SynapticOperations: no samples declared (addSamples)");
        return new Ops((double) dense / samples, (double) macs / samples, (double) acs / samples, samples);
    }

    /** Totals over all observed calls (not divided by samples): {dense, MACs, ACs}. */
    public long[] totals() { return new long[] {dense, macs, acs}; }

    @Override
    public void reset() {
        dense = macs = acs = samples = 0;
    }
}
