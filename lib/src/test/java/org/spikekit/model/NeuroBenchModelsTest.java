package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.metrics.ConnectionSparsity;
import org.spikekit.metrics.DType;
import org.spikekit.metrics.DenseOperations;
import org.spikekit.metrics.Footprint;
import org.spikekit.metrics.MetricModel;
import org.spikekit.metrics.ParameterCount;
import org.spikekit.metrics.R2;
import org.spikekit.metrics.SynapticOperations;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.Surrogate;

/**
 * NeuroBench descriptions of the real models against the published static numbers (notebooks/papers/rsnn.md §4.3,
 * §7.2), and the evaluator on tiny models whose operations, sparsities and predictions are
 * counted by hand.
 */
class NeuroBenchModelsTest {
    final Backend be = new CpuBackend(1);

    @ParameterizedTest(name = "{0} in={1}")
    @CsvSource({
            "tiny,96,FLOAT16,10500,21000,10368",
            "tiny,192,FLOAT16,16644,33288,16512",
            "big,96,FLOAT32,1159188,4636752,1157120",
            "big,192,FLOAT32,1257492,5029968,1255424"})
    void rsnnStaticNumbersMatchThePaper(String size, int in, DType type, long params, long footprint, long dense) {
        Rsnn m = new Rsnn(be, size.equals("tiny") ? Rsnn.Config.tiny(in) : Rsnn.Config.big(in), 1L);
        MetricModel d = m.describe(type);
        assertEquals(size.equals("tiny") ? "tinyRSNN" : "bigRSNN", d.name());
        assertEquals(params, new ParameterCount().of(d), "parameters (notebooks/papers/rsnn.md §4.3)");
        assertEquals(footprint, new Footprint().of(d), "footprint bytes (notebooks/papers/rsnn.md §7.2, Table 2)");
        assertEquals(dense, new DenseOperations().of(d), "dense ops (notebooks/papers/rsnn.md §7.2, Table 2)");
        assertEquals(0.0, new ConnectionSparsity().of(d), "unpruned");
        assertEquals(250.0, d.stepsPerSecond(), 0.0);
        assertEquals(m.trainableCount(), params, "describe counts exactly the trainable parameters");
    }

    @ParameterizedTest(name = "SNN2 in={0}")
    @CsvSource({"96,4900,19648", "192,9700,38848"})
    void snn2StaticNumbersMatchNeuroBench(int in, long dense, long footprint) {
        MetricModel d = new Snn2(be, Snn2.Config.neuroBench(in), 1L).describe(DType.FLOAT32);
        assertEquals(dense, new DenseOperations().of(d), "dense (NeuroBench SNN2 output)");
        assertEquals(dense, new ParameterCount().of(d), "weights only");
        assertEquals(footprint, new Footprint().of(d), "footprint: 4·weights + 2 Leaky × 24 B of snnTorch 0.7 buffers");
        assertEquals(0.0, new ConnectionSparsity().of(d));
    }

    @ParameterizedTest(name = "SNN3 in={0}")
    @CsvSource({"96,32928,24972,21504", "192,54432,43020,43008"})
    void snn3StaticNumbersAndMacsMatchNeuroBench(int in, long dense, long footprint, double macs) {
        Snn3 m = new Snn3(be, Snn3.Config.neuroBench(in), 1L);
        MetricModel d = m.describe(DType.FLOAT32);
        assertEquals(dense, new DenseOperations().of(d), "dense = 7 × (in·32 + 32·48 + 48·2)");
        assertEquals(footprint, new Footprint().of(d), "footprint: parameters + 3 Leaky × 20 B + data_buffer 1 × in float32");
        assertEquals(0.0, new ConnectionSparsity().of(d));
        // trained LayerNorm biases are non-zero, so every LayerNorm output is: fc1 costs 7·in·32 MACs per sample
        be.fill(m.byName().get("norm_layer.bias").value(), 0.01f);
        Tensor x = be.zeros(60, 1, in);
        be.randBernoulli(x, 3L, 0.1f);
        SynapticOperations.Ops ops = NeuroBenchEval.workloadOps(d, m.run(x)).compute();
        assertEquals(macs, ops.effectiveMacs(), 0.0, "effective MACs (NeuroBench SNN3 output, notebooks/papers/rsnn.md §7.3)");
        assertEquals(dense, ops.dense(), 0.0, "measured dense equals static dense");
        assertTrue(ops.effectiveAcs() > 0 && ops.effectiveAcs() <= 7 * (32 * 48 + 48 * 2), "ACs " + ops.effectiveAcs());
    }

    private void load(Parameter p, float... v) { be.copy(be.fromHost(v, p.shape()), p.value()); }

    /**
     * A 2-input, 3-neuron RSNN made memoryless (τ raw = −30 ⇒ β_mem = β_syn = 0 in float), so the
     * stork update reduces to I[n+1] = W·x[n] + V·S[n], U[n+1] = I[n]·(1 − S[n]), S[n] = Θ(U[n] − 1).
     * Input 0 (weight 2 to neuron 0) spikes at steps 0 and 3 ⇒ neuron 0 spikes at 2 and 5; neuron 0's
     * recurrent weight 0.5 to neuron 1 and input 1's weight 0.3 to neuron 2 stay below threshold 1.
     */
    @Test
    void rsnnWorkloadCountedByHand() {
        Rsnn m = new Rsnn(be, new Rsnn.Config(2, 3, 2, LifParams.rsnn(), ReadoutParams.tinyRsnn(), 0.3f, 0.3f), 1L);
        load(m.hiddenLayer().w(), 2, 0, 0, 0, 0, 0.3f);                 // [in, hidden]
        load(m.hiddenLayer().v(), 0, 0.5f, 0, 0, 0, 0, 0, 0, 0);       // [pre, post]
        load(m.readout().w(), 1, 0, 1, 1, 1, 1);                        // [hidden, out]
        be.fill(m.hiddenLayer().tauMemRaw().value(), -30f);
        be.fill(m.hiddenLayer().tauSynRaw().value(), -30f);
        int t = 8;
        float[] x = new float[t * 2];
        x[0] = 1;            // input 0 at steps 0, 3
        x[3 * 2] = 1;
        for (int n = 0; n <= 4; n++) x[n * 2 + 1] = 1;    // input 1 at steps 0..4
        Tensor xt = be.fromHost(x, t, 1, 2);
        Workload w = m.run(xt);
        float[] s = be.toHost(w.spikingOutputs().get(0));
        float[] expect = new float[t * 3];
        expect[3 * 3] = 1;                                // x[n] → S[n+3] (the released synaptic delay of 2 steps)
        expect[6 * 3] = 1;
        assertArrayEquals(expect, s, "neuron 0 spikes at steps 3 and 6, nothing else");

        NeuroBenchEval.Result r = NeuroBenchEval.evaluate(m, xt, be.zeros(t, 1, 2), DType.FLOAT32);
        // ACs: input layer 2 + 5 spikes × 1 target each; recurrent 2 spikes × 1; readout 2 spikes × 1 (w[0][1] = 0)
        assertEquals(11.0 / t, r.effectiveAcs(), 1e-12);
        assertEquals(0.0, r.effectiveMacs(), 0.0);
        assertEquals(2 * 3 + 3 * 3 + 3 * 2, r.denseOps(), 0.0);
        assertEquals(1 - 2.0 / (t * 3), r.activationSparsity(), 1e-12);
        assertEquals(0.619, r.connectionSparsity(), 0.0, "13 zeros of 21 weights = 0.6190 (rounded to 4 decimals)");
        assertEquals(6 + 9 + 6 + 3 + 3 + 2 + 2, r.parameters());
        assertEquals(4 * r.parameters(), r.footprintBytes());
        assertEquals(t, r.samples());
    }

    /**
     * SNN2 with 2 inputs and 2 hidden neurons: input 0 (weight 2) makes neuron 0 spike at once at
     * step 1; input 1 (weight 0.6) at steps 2 and 3 makes neuron 1 spike at step 3
     * (0.96·0.6 + 0.6 = 1.176); both reset to zero. The output membranes stay below 1.
     */
    @Test
    void snn2WorkloadAndPredictionCountedByHand() {
        Snn2 m = new Snn2(be, new Snn2.Config(2, 2, 2, 0.96f, 1f, Surrogate.snnTorchFastSigmoid(20f), 0.3f, true), 1L);
        load(m.fc1(), 2, 0, 0, 0.6f);                                          // [hidden, in]
        load(m.fcOut(), 0.5f, 0.25f, 0, 0.25f);                                 // [out, hidden]
        int t = 6;
        float[] x = new float[t * 2];
        x[1 * 2] = 1;
        x[2 * 2 + 1] = 1;
        x[3 * 2 + 1] = 1;
        Tensor xt = be.fromHost(x, t, 1, 2);
        float[] y = {0, 0, 0.5f, 0, 0.48f, 0, 0.7108f, 0.25f, 0.682368f, 0.24f, 0.65507328f, 0.2304f};
        Workload w = m.run(xt);
        assertArrayEquals(y, be.toHost(w.prediction()), 1e-6f, "output membranes");
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0}, be.toHost(w.spikingOutputs().get(0)), "hidden spikes");
        NeuroBenchEval.Result r = NeuroBenchEval.evaluate(m, xt, be.fromHost(y, t, 1, 2), DType.FLOAT32);
        // fc1: 1 + 2 input spikes × 1 target; fc_out: neuron 0 → 1 output (0.5), neuron 1 → 2 outputs
        assertEquals(6.0 / t, r.effectiveAcs(), 1e-12);
        assertEquals(0.0, r.effectiveMacs(), 0.0);
        assertEquals(8.0, r.denseOps(), 0.0);
        assertEquals(1 - 2.0 / (t * (2 + 2)), r.activationSparsity(), 1e-12, "lif1 and lif_out outputs both count");
        assertEquals(0.375, r.connectionSparsity(), 0.0);
        assertEquals(8 * 4 + 48, r.footprintBytes());
        assertEquals(1.0, r.r2(), 1e-6, "prediction equals the target");
    }

    /**
     * SNN3 with 2 inputs, 2 + 2 hidden neurons, all-zero input: LayerNorm output = its bias 0.25 at
     * every element; bias 10 makes neuron 0 of lif1 and lif2 spike on every internal step, bias −10
     * silences neuron 1; lif3 integrates the constant c = W3[:,0] + b3 = (−0.8, −2) over 7 steps with
     * β 0.5 and no reset: U3 = c·(2 − 2⁻⁶), ŷ = (2·U3_x, 3·U3_y).
     */
    @Test
    void snn3WorkloadAndPredictionCountedByHand() {
        Snn3 m = new Snn3(be, Snn3.Config.neuroBench(2).withLayers(2, 2), 1L);
        var p = m.byName();
        be.fill(p.get("norm_layer.bias").value(), 0.25f);
        load(p.get("fc1.weight"), 0.1f, 0, 0, 0.1f);
        load(p.get("fc1.bias"), 10, -10);
        load(p.get("fc2.weight"), 0.1f, 0.1f, 0, 0.1f);
        load(p.get("fc2.bias"), 10, -10);
        load(p.get("fc3.weight"), 0.2f, 0.3f, 0, 0.3f);
        load(p.get("fc3.bias"), -1, -2);
        load(p.get("v_x"), 2);
        load(p.get("v_y"), 3);
        int t = 5;
        Tensor x = be.zeros(t, 1, 2);
        Workload w = m.run(x);
        float[] pred = be.toHost(w.prediction());
        for (int n = 0; n < t; n++) {
            assertEquals(2 * -0.8 * 1.984375, pred[2 * n], 1e-5, "v_x·U3_x at step " + n);
            assertEquals(3 * -2 * 1.984375, pred[2 * n + 1], 1e-5, "v_y·U3_y at step " + n);
        }
        NeuroBenchEval.Result r = NeuroBenchEval.evaluate(m, x, be.zeros(t, 1, 2), DType.FLOAT32);
        assertEquals(7 * 2, r.effectiveMacs(), 1e-12, "fc1: 7 internal steps × 2 non-zero weights fed by non-zero LayerNorm output");
        assertEquals(7 + 7, r.effectiveAcs(), 1e-12, "fc2 and fc3: one spiking input × one non-zero weight, 7 times each");
        assertEquals(7 * (4 + 4 + 4), r.denseOps(), 0.0);
        assertEquals(1 - 2.0 / 6, r.activationSparsity(), 1e-12, "2 of 6 spiking outputs active on every internal step");
        assertEquals(4.0 / 12, r.connectionSparsity(), 1e-4);
        assertEquals(4 * (4 + 2 + 4 + 2 + 4 + 2 + 14 + 14 + 2) + 3 * 20 + 2 * 4, r.footprintBytes());
    }

    @Test
    void evaluatorR2IsTheGlobalNeuroBenchR2() {
        Snn2 m = new Snn2(be, Snn2.Config.neuroBench(5).withHidden(6), 4L);
        Tensor x = be.zeros(40, 1, 5);
        be.randBernoulli(x, 1L, 0.3f);
        float[] y = new float[80];
        Random r = new Random(1);
        for (int i = 0; i < y.length; i++) y[i] = (float) r.nextGaussian();
        Tensor yt = be.fromHost(y, 40, 1, 2);
        R2 ref = new R2();
        ref.update(m.predict(x), yt);
        NeuroBenchEval.Result res = NeuroBenchEval.evaluate(m, x, yt, DType.FLOAT32);
        assertEquals(ref.compute(), res.r2(), 0.0);
        assertArrayEquals(ref.perDimension(), res.r2PerDimension(), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NeuroBenchEval.evaluate(m, x, be.zeros(39, 1, 2), DType.FLOAT32));
        assertTrue(e.getMessage().contains("same T and B"), e.getMessage());
    }

    @Test
    void workloadLayersMatchTheDescription() {
        List<NeuroBenchModel> models = List.of(new Rsnn(be, new Rsnn.Config(4, 5, 2, LifParams.rsnn(), ReadoutParams.bigRsnn(), 0.3f, 0.3f), 1L),
                new Snn2(be, Snn2.Config.neuroBench(4).withHidden(5), 1L),
                new Snn3(be, Snn3.Config.neuroBench(4).withLayers(3, 5), 1L));
        for (NeuroBenchModel m : models) {
            MetricModel d = m.describe(DType.FLOAT32);
            Tensor x = be.zeros(20, 2, 4);
            be.randBernoulli(x, 2L, 0.3f);
            Workload w = m.run(x);
            assertEquals(d.layers().size(), w.layerInputs().size(), d.name());
            for (int i = 0; i < d.layers().size(); i++) {
                assertEquals(d.layers().get(i).name(), w.layerInputs().get(i).layer(), d.name());
                assertEquals(20 * d.layers().get(i).internalSteps(), w.layerInputs().get(i).calls(),
                        d.name() + " " + d.layers().get(i).name() + ": one call per step and internal step");
            }
            SynapticOperations.Ops ops = NeuroBenchEval.workloadOps(d, w).compute();
            assertEquals((double) new DenseOperations().of(d), ops.dense(), 1e-9, d.name() + " dense measured = static");
            assertEquals(40, w.samples());
        }
    }
}
