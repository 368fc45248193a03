package org.spikekit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;

/**
 * Every row of {@code golden/neurobench_static.csv} (published NeuroBench numbers quoted in
 * notebooks/papers/rsnn.md §7, with the source of each) recomputed from the model descriptions in {@link GoldenModels}.
 *
 * <p>Footprint note: SNN2's published footprint exceeds 4 bytes × weights by exactly 48 B for both
 * input sizes (19,648 − 19,600; 38,848 − 38,800), i.e. a size-independent 24 B per snnTorch Leaky
 * layer. Our breakdown (3 float32 scalars beta/threshold/graded_spikes_factor + int64
 * reset_mechanism_val + 1-element float32 mem) reproduces it, but it is a reconstruction from
 * snnTorch's buffer registration, not checked against the snnTorch version NeuroBench ran.
 * SNN3's footprint (24,972 / 43,020 B) is not reconstructed and not tested: its excess over the
 * parameters we can name depends on buffers whose sizes the NeuroBench example outputs do not give.
 */
class NeuroBenchGoldenTest {
    private final Backend be = new CpuBackend(1);
    private final GoldenModels models = new GoldenModels(be);

    record Row(String model, String session, String metric, String value, String source) {}

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = NeuroBenchGoldenTest.class.getResourceAsStream("/golden/neurobench_static.csv")) {
            assertNotNull(in, "golden/neurobench_static.csv not on the test classpath");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = r.readLine();
            assertEquals("model,session,metric,value,source", header);
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                String[] f = line.split(",", 5);
                String src = f[4].startsWith("\"") ? f[4].substring(1, f[4].length() - 1) : f[4];
                assertFalse(src.isBlank(), "row without source: " + line);
                rows.add(new Row(f[0], f[1], f[2], f[3], src));
            }
        }
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenRow() throws IOException {
        return rows().stream().map(row -> DynamicTest.dynamicTest(
                row.model() + " " + row.session() + " " + row.metric() + " = " + row.value(), () -> check(row)));
    }

    private void check(Row row) {
        MetricModel m = models.model(row.model(), row.session());
        String why = row.model() + "/" + row.session() + " " + row.metric() + " (" + row.source() + ")";
        switch (row.metric()) {
            case "dense" -> assertEquals(Long.parseLong(row.value()), new DenseOperations().of(m), why);
            case "parameters" -> assertEquals(Long.parseLong(row.value()), new ParameterCount().of(m), why);
            case "footprint_bytes" -> assertEquals(Long.parseLong(row.value()), new Footprint().of(m), why);
            case "connection_sparsity" -> assertEquals(Double.parseDouble(row.value()), new ConnectionSparsity().of(m), 0.0, why);
            case "effective_macs" -> assertEquals(Double.parseDouble(row.value()), snn3Workload(m, 20).effectiveMacs(), 0.0, why);
            default -> throw new AssertionError("unknown metric in golden CSV: " + row.metric());
        }
    }

    /**
     * SNN3 on synthetic data: per output sample 7 internal steps; fc1 sees LayerNorm-like real values
     * (never 0 or ±1), fc2/fc3 see spikes. With all weights non-zero the effective MACs are
     * 7 × fanIn × 32 per sample whatever the data, as NeuroBench's SNN3 output shows.
     */
    private SynapticOperations.Ops snn3Workload(MetricModel m, int samples) {
        SynapticOperations ops = new SynapticOperations(m);
        Random rng = new Random(7);
        int in = m.layer("fc1").fanIn();
        for (int s = 0; s < samples; s++) {
            for (int k = 0; k < 7; k++) {
                float[] ln = new float[in];
                for (int j = 0; j < in; j++) ln[j] = (float) ((rng.nextBoolean() ? 1 : -1) * (0.05 + rng.nextDouble() * 0.9));
                ops.observe("fc1", ln);
                ops.observe("fc2", spikes(rng, 32, 0.2));
                ops.observe("fc3", spikes(rng, 48, 0.2));
            }
            ops.addSamples(1);
        }
        return ops.compute();
    }

    static float[] spikes(Random rng, int n, double p) {
        float[] x = new float[n];
        for (int j = 0; j < n; j++) x[j] = rng.nextDouble() < p ? 1f : 0f;
        return x;
    }

    @Test
    void snn3WorkloadDenseEqualsStaticDense() {
        for (String session : List.of("indy", "loco")) {
            MetricModel m = models.model("SNN3", session);
            assertEquals((double) new DenseOperations().of(m), snn3Workload(m, 5).dense(), 0.0, session);
        }
    }

    @Test
    void tinyRsnnWorkloadCountsAccumulatesOnlyAndMatchesStaticDense() {
        MetricModel m = models.model("tinyRSNN", "indy");
        SynapticOperations ops = new SynapticOperations(m);
        Random rng = new Random(3);
        long expectedAcs = 0;
        float[] hiddenPrev = new float[64];
        int steps = 50, batch = 2;
        for (int t = 0; t < steps; t++) {
            float[] x = spikes(rng, batch * 96, 0.05);
            float[] h = spikes(rng, batch * 64, 0.02);
            ops.observe("hidden.in", x);
            ops.observe("hidden.rec", h);
            ops.observe("readout", h);
            ops.addSamples(batch);
            // all weights non-zero: each input spike reaches every output of its layer
            for (float v : x) if (v != 0) expectedAcs += 64;
            for (float v : h) if (v != 0) expectedAcs += 64 + 2;
        }
        SynapticOperations.Ops r = ops.compute();
        assertEquals(10_368.0, r.dense(), 0.0);
        assertEquals(0.0, r.effectiveMacs(), 0.0);
        assertEquals((double) expectedAcs / (steps * batch), r.effectiveAcs(), 1e-12);
    }
}
