package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.model.Baselines.Kind;
import org.spikekit.model.Baselines.MlpConfig;
import org.spikekit.model.Baselines.RecurrentConfig;
import org.spikekit.nn.Dropout;
import org.spikekit.nn.Layer;
import org.spikekit.nn.Linear;
import org.spikekit.core.Tape;
import org.spikekit.train.Adam;

class BaselinesTest {
    private final Backend be = new CpuBackend();

    // ---- parameter counts ---------------------------------------------------------------------

    @Test
    void paperParameterCountsMatchHandArithmetic() {
        // MLP [1100, 256, 512, 1024, 1024, 512, 256, 2]: Σ in·out + out
        long mlp = (1100 * 256 + 256) + (256 * 512 + 512) + (512 * 1024 + 1024) + (1024 * 1024 + 1024)
                + (1024 * 512 + 512) + (512 * 256 + 256) + (256 * 2 + 2);
        assertEquals(2_644_994, mlp);
        // RNN: per block 212·(100+212) + 2·212 + 7·(212·424 + 2·212); readouts 3·(212·100 + 100) + 212·2 + 2
        long rnn = 4L * (212 * 312 + 424 + 7 * (212 * 424 + 424)) + 3 * (212 * 100 + 100) + 426;
        assertEquals(2_859_334, rnn);
        // GRU (b_ih and b_hh both): 3·164·264 + 6·164 + 3·(3·164·328 + 6·164) per block
        long gru = 4L * (3 * 164 * 264 + 6 * 164 + 3 * (3 * 164 * 328 + 6 * 164)) + 3 * (164 * 100 + 100) + 330;
        assertEquals(2_521_638, gru);  // notebooks/papers/spikachu.md §4.5: ≈ 2.5 M parameters for the GRU with N = 100
        long lstm = 4L * (4 * 162 * 262 + 8 * 162 + 3 * (4 * 162 * 324 + 8 * 162)) + 3 * (162 * 100 + 100) + 326;
        assertEquals(3_268_490, lstm);

        assertEquals(mlp, MlpConfig.paper(100).parameterCount());
        assertEquals(rnn, RecurrentConfig.paper(Kind.RNN, 100).parameterCount());
        assertEquals(gru, RecurrentConfig.paper(Kind.GRU, 100).parameterCount());
        assertEquals(lstm, RecurrentConfig.paper(Kind.LSTM, 100).parameterCount());
        long[] expected = {mlp, rnn, gru, lstm};
        for (Kind k : Kind.values()) {
            Baselines.Model m = Baselines.paper(be, k, 100, 42);
            assertEquals(expected[k.ordinal()], m.numel(), k.name());
        }
        assertEquals(List.of(1100, 256, 512, 1024, 1024, 512, 256, 2), MlpConfig.paper(100).dims());
    }

    @Test
    void recurrentBlocksAreCoreLinearDropoutWithDropoutAfterTheLastLinearToo() {
        Baselines.Model m = Baselines.recurrent(be, RecurrentConfig.paper(Kind.GRU, 100), 1);
        List<Layer> ls = m.layers();
        assertEquals(12, ls.size());
        for (int i = 0; i < 4; i++) {
            org.spikekit.nn.Gru core = (org.spikekit.nn.Gru) ls.get(3 * i);
            assertEquals(100, core.inputSize());
            assertEquals(164, core.hiddenSize());
            assertEquals(4, core.numLayers());
            assertEquals(0.1f, core.dropout());
            assertEquals(i < 3 ? 100 : 2, ((Linear) ls.get(3 * i + 1)).out());
            assertEquals(0.1f, ((Dropout) ls.get(3 * i + 2)).p());
        }
        assertTrue(m.parameters().stream().anyMatch(p -> p.name().equals("gru.b3.core.l3.b_hh")));
        assertTrue(m.parameters().stream().anyMatch(p -> p.name().equals("gru.b3.readout.w")));
    }

    // ---- energy -------------------------------------------------------------------------------

    @Test
    void energyMatchesHandArithmetic() {
        // GRU paper(100): first layer 3·[164·264 + 164] + 4·164 = 131,036; later 3·[164·328 + 164] + 656 = 162,524
        Baselines.Energy gru = Baselines.energy(RecurrentConfig.paper(Kind.GRU, 100));
        long gruMacs = 4L * (131_036 + 3 * 162_524) + 3 * 164 * 100 + 164 * 2;
        assertEquals(2_523_960, gruMacs);
        assertEquals(gruMacs, gru.macs());
        assertEquals(16L * 6 * 164 + 3 * 100 + 2, gru.acs());
        assertEquals(2_523_960 * 4.6e-12 + 16_046 * 0.9e-12, gru.joulesPerStep(), 1e-18);
        assertEquals(100 * gru.joulesPerStep(), gru.joulesPerWindow(), 1e-15);
        assertEquals(1.16246574e-5, gru.joulesPerStep(), 1e-13);

        // RNN: [212·(I+212) + 212] MACs and 2·212 ACs per layer
        Baselines.Energy rnn = Baselines.energy(RecurrentConfig.paper(Kind.RNN, 100));
        assertEquals(4L * ((212 * 312 + 212) + 7 * (212 * 424 + 212)) + 3 * 212 * 100 + 212 * 2, rnn.macs());
        assertEquals(32L * 2 * 212 + 302, rnn.acs());
        assertEquals(2_852_248, rnn.macs());

        // LSTM: 4·[162·(I+162) + 162] + 3·162 MACs, 4·2·162 + 162 ACs per layer
        Baselines.Energy lstm = Baselines.energy(RecurrentConfig.paper(Kind.LSTM, 100));
        assertEquals(4L * ((4 * (162 * 262 + 162) + 486) + 3 * (4 * (162 * 324 + 162) + 486)) + 3 * 162 * 100 + 162 * 2, lstm.macs());
        assertEquals(16L * 9 * 162 + 302, lstm.acs());
        assertEquals(3_265_596, lstm.macs());
        assertEquals(1.50430086e-5, lstm.joulesPerStep(), 1e-13);

        // MLP: Linear MACs and bias ACs only
        Baselines.Energy mlp = Baselines.energy(MlpConfig.paper(100));
        assertEquals(1100L * 256 + 256 * 512 + 512 * 1024 + 1024 * 1024 + 1024 * 512 + 512 * 256 + 256 * 2, mlp.macs());
        assertEquals(256 + 512 + 1024 + 1024 + 512 + 256 + 2, mlp.acs());
        assertEquals(2_641_408 * 4.6e-12 + 3_586 * 0.9e-12, mlp.joulesPerStep(), 1e-18);
        assertEquals(Kind.MLP, mlp.kind());
        assertEquals(7, mlp.terms().size());
        assertEquals(Baselines.energy(MlpConfig.quick(5)), Baselines.mlp(be, MlpConfig.quick(5), 1).energy());
        assertEquals(gru, Baselines.paper(be, Kind.GRU, 100, 1).energy());

        // a small case spelled out term by term: GRU, N = 3, 1 block of 2 layers, H = 2
        Baselines.Energy small = Baselines.energy(new RecurrentConfig(Kind.GRU, 3, 1, 2, 2, 2, 0f));
        assertEquals(List.of(new Baselines.Term("b0.core.l0", 3 * (2 * 5 + 2) + 8, 12),
                new Baselines.Term("b0.core.l1", 3 * (2 * 4 + 2) + 8, 12),
                new Baselines.Term("b0.readout", 4, 2)), small.terms());
    }

    // ---- shapes, errors -----------------------------------------------------------------------

    @Test
    void shapesAndBadInput() {
        for (Kind k : Kind.values()) {
            Baselines.Model m = Baselines.quick(be, k, 6, 1);
            Tensor y = m.forward(be.zeros(12, 3, 6), Tape.inference());
            assertArrayEquals(new int[] {12, 3, 2}, y.shape(), k.name());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(be.zeros(12, 3, 5), Tape.inference()));
            assertTrue(e.getMessage().contains(k.name()) && e.getMessage().contains("[T >= 1, B >= 1, 6]"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> RecurrentConfig.paper(Kind.MLP, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RecurrentConfig(Kind.GRU, 10, 4, 4, 0, 2, 0.1f));
        assertTrue(e.getMessage().contains("RecurrentConfig.hidden"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MlpConfig(10, 10, List.of(8), 2, 1.5f, false));
        assertTrue(e.getMessage().contains("MlpConfig.dropout"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MlpConfig.paper(0));
    }

    // ---- causality ----------------------------------------------------------------------------

    private float[] run(Layer m, float[] x, int t, int b, int n) {
        return be.toHost(m.forward(be.fromHost(x, t, b, n), Tape.inference()));
    }

    @Test
    void baselinesAreCausalExceptTheReleasedMlpRoll() {
        int t = 24, b = 2, n = 5, change = 15;
        float[] x = new float[t * b * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.floor(CounterRng.uniform(3, i) * 3);
        float[] x2 = x.clone();
        x2[(change * b + 1) * n + 2] += 2f;
        for (Kind k : Kind.values()) {
            Baselines.Model m = Baselines.quick(be, k, n, 7);
            float[] y = run(m, x, t, b, n), y2 = run(m, x2, t, b, n);
            int before = change * b * 2;
            assertArrayEquals(Arrays.copyOf(y, before), Arrays.copyOf(y2, before), k + ": outputs before the change moved");
            assertFalse(Arrays.equals(y, y2), k + ": the change had no effect at all");
        }
        // released MLP: circular roll, so a change at step 15 reaches steps 15 − 24 + k for lags k ≥ 10 → step 1
        Baselines.Model rel = Baselines.mlp(be, MlpConfig.quick(n).withAsReleased(true), 7);
        float[] y = run(rel, x, t, b, n), y2 = run(rel, x2, t, b, n);
        boolean leaked = false;
        for (int i = 0; i < change * b * 2; i++) leaked |= y[i] != y2[i];
        assertTrue(leaked, "asReleased MLP: the circular roll should leak the window end into its first bins");
        // only steps 0..(change + memory − t) = 0..1 (and ≥ change) are affected
        for (int i = 2 * b * 2; i < change * b * 2; i++) assertEquals(y[i], y2[i]);
    }

    // ---- training smoke -----------------------------------------------------------------------

    /** A learnable causal target: two leaky (decay 0.6) filters of fixed projections of the counts. */
    private static float[] target(float[] x, int t, int b, int n) {
        float[] y = new float[t * b * 2];
        for (int r = 0; r < b; r++) {
            float a = 0, c = 0;
            for (int s = 0; s < t; s++) {
                float px = 0, py = 0;
                for (int j = 0; j < n; j++) {
                    float v = x[(s * b + r) * n + j];
                    px += (j < n / 2 ? 1 : -1) * v;
                    py += ((j % 2 == 0) ? 1 : -1) * v;
                }
                a = 0.6f * a + 0.4f * px;
                c = 0.6f * c + 0.4f * py;
                y[(s * b + r) * 2] = a;
                y[(s * b + r) * 2 + 1] = c;
            }
        }
        return y;
    }

    private static double mse(float[] y, float[] target) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) (y[i] - target[i]) * (y[i] - target[i]);
        return s / y.length;
    }

    private void trainSmoke(Baselines.Model m, int steps, float lr) {
        int t = 30, b = 8, n = 8;
        float[] x = new float[t * b * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.floor(CounterRng.uniform(21, i) * 2.5);
        float[] tg = target(x, t, b, n);
        Tensor xt = be.fromHost(x, t, b, n);
        double before = mse(be.toHost(m.forward(xt, Tape.inference())), tg);
        Adam opt = new Adam(m, AdamConfig.defaults().withLr(lr));
        for (int step = 0; step < steps; step++) {
            Tape tape = Tape.training(100 + step);
            float[] y = be.toHost(m.forward(xt, tape));
            float[] g = new float[y.length];
            for (int i = 0; i < y.length; i++) g[i] = 2f * (y[i] - tg[i]) / y.length;
            m.zeroGrad();
            m.backward(be.fromHost(g, t, b, 2), tape);
            assertEquals(0, tape.pending());
            opt.step();
        }
        double after = mse(be.toHost(m.forward(xt, Tape.inference())), tg);
        assertTrue(after < 0.3 * before, m.kind() + ": loss " + before + " → " + after);
    }

    @Test
    void mlpTrains() { trainSmoke(Baselines.quick(be, Kind.MLP, 8, 1), 40, 3e-3f); }

    @Test
    void rnnTrains() { trainSmoke(Baselines.quick(be, Kind.RNN, 8, 1), 40, 3e-3f); }

    @Test
    void gruTrains() { trainSmoke(Baselines.quick(be, Kind.GRU, 8, 1), 40, 3e-3f); }

    @Test
    void lstmTrains() { trainSmoke(Baselines.quick(be, Kind.LSTM, 8, 1), 80, 1e-2f); }

    @Test
    void wholeBaselineGradientCheck() {
        // a tiny GRU baseline end to end (two blocks, dropout live with a fixed tape seed); the first
        // block's gradients are small after two blocks, so float rounding in the finite differences
        // weighs more than in the per-layer checks (RecurrentTest): tolerance 1e-2 here
        Baselines.Model m = Baselines.recurrent(be, new RecurrentConfig(Kind.GRU, 3, 2, 2, 4, 2, 0.2f), 5);
        org.spikekit.nn.LayerCheck.check(m, org.spikekit.nn.LayerCheck.randn(be, 8, 1f, 4, 2, 3), () -> Tape.training(9), 2e-2, 1e-2, 20, true);
        Baselines.Model mlp = Baselines.mlp(be, new MlpConfig(3, 2, List.of(5), 2, 0.2f, false), 5);
        org.spikekit.nn.LayerCheck.check(mlp, org.spikekit.nn.LayerCheck.randn(be, 8, 1f, 4, 2, 3), () -> Tape.training(9), 1e-2, 5e-3, 20, true);
    }

    @Test
    void releasedDecoderShiftsTheColumnsByTheBatchsLowestSpikingUnit() {
        // 3 steps, 2 windows, 4 units; units 0 and 1 never spike: the released columns move down by 2
        int n = 4;
        float[] counts = new float[3 * 2 * n];
        counts[0 * n + 2] = 1;            // row 0, unit 2
        counts[3 * n + 3] = 2;            // row 3, unit 3
        counts[5 * n + 2] = 1;            // row 5, unit 2
        float[] shifted = org.spikekit.model.BaselineDecoder.releasedColumns(counts, n);
        assertEquals(1f, shifted[0 * n + 0]);
        assertEquals(2f, shifted[3 * n + 1]);
        assertEquals(1f, shifted[5 * n + 0]);
        assertEquals(4f, sum(shifted));
        assertEquals(0f, shifted[0 * n + 2]);
        // a spike of unit 0 anywhere in the batch: no shift
        float[] withZero = counts.clone();
        withZero[4 * n] = 1;
        assertTrue(withZero == org.spikekit.model.BaselineDecoder.releasedColumns(withZero, n));
        // the released decoder reads the batch as the kit's decoder reads the shifted counts
        org.spikekit.data.perich.DecodingBatch b = new org.spikekit.data.perich.DecodingBatch(3, 2, 0.01, new int[2], new double[2], n, counts, new int[7], new int[0],
                new float[12], new float[6], new byte[6]);
        org.spikekit.data.perich.DecodingBatch bs = new org.spikekit.data.perich.DecodingBatch(3, 2, 0.01, new int[2], new double[2], n, shifted, new int[7], new int[0],
                new float[12], new float[6], new byte[6]);
        for (Kind k : List.of(Kind.MLP, Kind.GRU)) {
            BaselineDecoder rel = BaselineDecoder.released(be, k, n, 3, false), kit = BaselineDecoder.quick(be, k, n, 3);
            assertTrue(rel.isReleased() && !kit.isReleased());
            float[] yr = be.toHost(rel.forward(b, org.spikekit.core.Tape.inference()));
            float[] ys = be.toHost((k == Kind.MLP ? new BaselineDecoder(be, Baselines.mlp(be, MlpConfig.quick(n).withAsReleased(true), 3)) : kit)
                    .forward(bs, org.spikekit.core.Tape.inference()));
            float[] yk = be.toHost(kit.forward(b, org.spikekit.core.Tape.inference()));
            assertArrayEquals(ys, yr, 0f, k.name());
            assertFalse(java.util.Arrays.equals(yk, yr), k.name() + ": the shift changes the prediction");
        }
        assertTrue(BaselineDecoder.released(be, Kind.MLP, n, 3, true).model().describe().length() > 0);
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float x : a) s += x;
        return s;
    }
}
