package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

class ModelSummaryTest {
    @Test
    void oneRowPerParameterWithItsShapeSizeTrainabilityAndMagnitude() {
        Backend be = new CpuBackend();
        Parameter w = new Parameter("layer.w", be.fromHost(new float[] {1, -2, 3, -4, 5, -6}, 2, 3), true);
        Parameter th = new Parameter("layer.threshold", be.fromHost(new float[] {1, 1}, 2), false);
        Module m = Module.of(() -> List.of(w), () -> List.of(th));
        var t = ModelSummary.parameters(m);
        assertEquals(2, t.rowCount());
        assertEquals("layer.w", t.stringColumn("parameter").get(0));
        assertEquals("[2, 3]", t.stringColumn("shape").get(0));
        assertEquals(6L, t.longColumn("values").get(0));
        assertEquals("yes", t.stringColumn("trainable").get(0));
        assertEquals("no", t.stringColumn("trainable").get(1));
        assertEquals(3.5, t.doubleColumn("mean_abs").get(0), 1e-12);
    }
}
