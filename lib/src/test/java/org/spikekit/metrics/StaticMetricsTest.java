package org.spikekit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.metrics.MetricLayer.InputKind;

class StaticMetricsTest {
    private final Backend be = new CpuBackend(1);

    private MetricModel model(DType type, List<Buffer> buffers) {
        Tensor w = be.fromHost(new float[] {1, 0, 2, 0, 0, 3}, 2, 3);       // 3 zeros of 6
        Tensor b = be.fromHost(new float[] {0, 0}, 2);                      // zero bias, Linear: not counted
        Tensor v = be.fromHost(new float[] {0, 1, 1, 1}, 2, 2);             // 1 zero of 4
        Tensor vb = be.fromHost(new float[] {0, 1}, 2);                     // RNN bias: counted
        Tensor tau = be.fromHost(new float[] {0, 0}, 2);                    // extra parameter: not a connection
        return new MetricModel("m", type,
                List.of(MetricLayer.linear("in", w, b, InputKind.SPIKES), MetricLayer.recurrent("rec", v, vb, InputKind.SPIKES)),
                List.of(tau), buffers, 250);
    }

    @Test
    void parameterCountAndFootprint() {
        MetricModel m32 = model(DType.FLOAT32, List.of(new Buffer("reset", 1, DType.INT64), new Buffer("fifo", 10, DType.FLOAT32)));
        assertEquals(6 + 2 + 4 + 2 + 2, new ParameterCount().of(m32));
        assertEquals(16 * 4 + 8 + 40, new Footprint().of(m32));
        MetricModel m16 = model(DType.FLOAT16, List.of());
        assertEquals(16 * 2, new Footprint().of(m16));
    }

    @Test
    void connectionSparsityExcludesLinearBiasIncludesRecurrentBias() {
        MetricModel m = model(DType.FLOAT32, List.of());
        // zeros: 3 (w) + 1 (v) + 1 (vb) = 5; weights: 6 + 4 + 2 = 12
        assertEquals(5.0 / 12, ConnectionSparsity.exact(m), 0.0);
        assertEquals(0.4167, new ConnectionSparsity().of(m), 0.0);
    }

    @Test
    void roundingIsPythonRound4() {
        assertEquals(0.3333, ConnectionSparsity.round4(1.0 / 3), 0.0);
        assertEquals(0.6667, ConnectionSparsity.round4(2.0 / 3), 0.0);
        assertEquals(0.455, ConnectionSparsity.round4(0.455), 0.0);
        // 0.00125 ≈ 0.001250000000000000026 in binary: rounds up, like Python round(0.00125, 4)
        assertEquals(0.0013, ConnectionSparsity.round4(0.00125), 0.0);
    }

    @Test
    void denseOpsAreFanInTimesFanOut() {
        assertEquals(6 + 4, new DenseOperations().of(model(DType.FLOAT32, List.of())));
    }

    @Test
    void fromModuleTurnsNonLayerParametersIntoExtras() {
        Parameter w = new Parameter("hidden.w", be.zeros(4, 3), true);
        Parameter tau = new Parameter("hidden.tau", be.zeros(4), true);
        Parameter ro = new Parameter("readout.w", be.zeros(2, 4), true);
        Module mod = () -> List.of(w, tau, ro);
        MetricModel m = MetricModel.fromModule("mod", mod,
                List.of(MetricLayer.linear("hidden", w.value(), null, InputKind.SPIKES),
                        MetricLayer.linear("readout", ro.value(), null, InputKind.SPIKES)),
                List.of(), DType.FLOAT32, 250);
        assertEquals(1, m.extraParameters().size());
        assertEquals(mod.numel(), new ParameterCount().of(m));
        assertEquals(1.0, new ConnectionSparsity().of(m), 0.0);
    }

    @Test
    void layerValidation() {
        assertThrows(IllegalArgumentException.class,
                () -> new MetricLayer("x", MetricLayer.Kind.LINEAR, be.zeros(2, 3), null, 2, 3, InputKind.REAL, 1));
        assertThrows(IllegalArgumentException.class,
                () -> MetricLayer.linear("x", be.zeros(2, 3), be.zeros(3), InputKind.REAL));
        Tensor w = be.zeros(1, 1);
        assertThrows(IllegalArgumentException.class, () -> new MetricModel("m", DType.FLOAT32,
                List.of(MetricLayer.linear("a", w, null, InputKind.REAL), MetricLayer.linear("a", w, null, InputKind.REAL)),
                List.of(), List.of(), 250));
    }
}
