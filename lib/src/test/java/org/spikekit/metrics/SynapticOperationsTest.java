package org.spikekit.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.metrics.MetricLayer.InputKind;

/**
 * Hand-checked effective operations. W = [[1, 0, 2], [0, 0, 3]] (out 2 × in 3): input 0 reaches
 * 1 output, input 1 reaches none, input 2 reaches 2; dense = 3 × 2 = 6 per call.
 */
class SynapticOperationsTest {
    private final Backend be = new CpuBackend(1);

    private MetricLayer layer(boolean withBias) {
        return MetricLayer.linear("fc", be.fromHost(new float[] {1, 0, 2, 0, 0, 3}, 2, 3),
                withBias ? be.fromHost(new float[] {5, 5}, 2) : null, InputKind.SPIKES);
    }

    private SynapticOperations.Ops one(float[] x) {
        SynapticOperations ops = new SynapticOperations(List.of(layer(false)));
        ops.observe("fc", x);
        ops.addSamples(1);
        return ops.compute();
    }

    @Test
    void singleSpikeCountsTheNonZeroWeightsItFeeds() {
        assertEquals(new SynapticOperations.Ops(6, 0, 0, 1), one(new float[] {0, 1, 0}));   // dead input
        assertEquals(new SynapticOperations.Ops(6, 0, 1, 1), one(new float[] {1, 0, 0}));
        assertEquals(new SynapticOperations.Ops(6, 0, 2, 1), one(new float[] {0, 0, 1}));
        assertEquals(new SynapticOperations.Ops(6, 0, 3, 1), one(new float[] {1, 1, 1}));
    }

    @Test
    void ternaryInputIsAccumulatesRealInputIsMacs() {
        assertEquals(new SynapticOperations.Ops(6, 0, 3, 1), one(new float[] {-1, 0, 1}));
        assertEquals(new SynapticOperations.Ops(6, 1, 0, 1), one(new float[] {0.5f, 0, 0}));
        // one non-event value makes the whole call MACs, binarised count unchanged
        assertEquals(new SynapticOperations.Ops(6, 3, 0, 1), one(new float[] {1, 0, 2}));
    }

    @Test
    void biasIsNeverCounted() {
        SynapticOperations ops = new SynapticOperations(List.of(layer(true)));
        ops.observe("fc", new float[] {0, 0, 0});
        ops.addSamples(1);
        assertEquals(new SynapticOperations.Ops(6, 0, 0, 1), ops.compute());
    }

    @Test
    void averagesOverSamplesAndRowsAreCalls() {
        SynapticOperations ops = new SynapticOperations(List.of(layer(false)));
        // a batch of 2 samples as one tensor: rows {1,0,0} → 1 AC, {0,0,1} → 2 ACs
        ops.observe("fc", be.fromHost(new float[] {1, 0, 0, 0, 0, 1}, 2, 3));
        ops.addSamples(2);
        assertEquals(new SynapticOperations.Ops(6, 0, 1.5, 2), ops.compute());
        assertArrayEquals(new long[] {12, 0, 3}, ops.totals());
        ops.reset();
        assertThrows(IllegalStateException.class, ops::compute);
    }

    @Test
    void internalStepsMultiplyDense() {
        MetricLayer l = layer(false).withInternalSteps(7);
        assertEquals(42, l.denseOpsPerSample());
        SynapticOperations ops = new SynapticOperations(List.of(l));
        for (int k = 0; k < 7; k++) ops.observe("fc", new float[] {0, 0, 1});
        ops.addSamples(1);
        assertEquals(new SynapticOperations.Ops(42, 0, 14, 1), ops.compute());
    }

    @Test
    void rejectsUnknownLayersAndBadWidths() {
        SynapticOperations ops = new SynapticOperations(List.of(layer(false)));
        assertThrows(IllegalArgumentException.class, () -> ops.observe("nope", new float[3]));
        assertThrows(IllegalArgumentException.class, () -> ops.observe("fc", new float[4]));
    }
}
