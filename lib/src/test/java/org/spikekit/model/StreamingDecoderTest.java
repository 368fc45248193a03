package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.ResetMode;

/** The streaming decoder reproduces {@link Rsnn#predict} bit for bit, bin by bin. */
class StreamingDecoderTest {
    final Backend be = new CpuBackend();

    /** Random spike input {@code [t, b, in]}: Bernoulli(p), a few bins with counts 2 or 3 when {@code counts}. */
    static float[] spikes(int t, int b, int in, double p, boolean counts, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[t * b * in];
        for (int k = 0; k < x.length; k++) {
            if (r.nextDouble() < p) x[k] = counts && r.nextDouble() < 0.2 ? 2 + r.nextInt(2) : 1f;
        }
        return x;
    }

    /** Model with its init weights scaled so the hidden layer fires at a trained-like few percent. */
    Rsnn model(Rsnn.Config cfg, long seed, float inputGain, float recurrentGain) {
        Rsnn m = new Rsnn(be, cfg, seed);
        Tensor w = m.weights().get("input").value(), v = m.weights().get("recurrent").value();
        be.affine(w, inputGain, 0f, w);
        be.affine(v, recurrentGain, 0f, v);
        // learnable time constants away from their init, so per-neuron decays differ
        be.randUniform(m.hiddenLayer().tauMemRaw().value(), seed + 1, -0.5f, 1.5f);
        be.randUniform(m.readout().tauSynRaw().value(), seed + 2, 0f, 2f);
        return m;
    }

    /**
     * Runs the sequence path and the decoder (one decoder per batch row) and requires equal bits
     * of every prediction; returns the hidden firing rate of the sequence path.
     */
    double assertBitIdentical(Rsnn m, float[] x, int t, int b) {
        int in = m.inputs(), o = m.outputs();
        Rsnn.Pass p = m.forward(be.fromHost(x, t, b, in), false, 0L, false);
        float[] want = be.toHost(p.prediction());
        long spikes = 0;
        for (int r = 0; r < b; r++) {
            StreamingDecoder d = StreamingDecoder.of(m);
            float[] bin = new float[in], out = new float[o];
            for (int k = 0; k < t; k++) {
                System.arraycopy(x, (k * b + r) * in, bin, 0, in);
                d.step(bin, out);
                spikes += d.lastSpikeCount();
                for (int j = 0; j < o; j++) {
                    float e = want[(k * b + r) * o + j];
                    if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(out[j])) {
                        fail("row " + r + " step " + k + " output " + j + ": sequence " + e + " vs streaming " + out[j]
                                + " (hidden " + m.config().hidden() + ", inputs " + in + ")");
                    }
                }
            }
        }
        double rate = be.sum(p.spikes()) / ((double) t * b * m.config().hidden());
        assertEquals(be.sum(p.spikes()), spikes, 0.0, "same hidden spikes in both paths");
        return rate;
    }

    @Test
    void tinyRsnnIsBitIdenticalToTheSequencePass() {
        Rsnn m = model(Rsnn.Config.tiny(96), 3L, 3f, 2f);
        double rate = assertBitIdentical(m, spikes(400, 3, 96, 0.03, false, 5L), 400, 3);
        assertTrue(rate > 0.005 && rate < 0.3, "hidden layer should fire sparsely, rate " + rate);
    }

    @Test
    void tinyRsnnWithSpikeCountsAndLocoInputs() {
        Rsnn m = model(Rsnn.Config.tiny(192), 4L, 3f, 2f);
        double rate = assertBitIdentical(m, spikes(300, 2, 192, 0.03, true, 6L), 300, 2);
        assertTrue(rate > 0.005, "rate " + rate);
    }

    @Test
    void bigRsnnIsBitIdenticalToTheSequencePass() {
        // hidden 1024: the readout gemm sums over 4 depth blocks of 256; five heads
        Rsnn m = model(Rsnn.Config.big(96), 7L, 3f, 2f);
        double rate = assertBitIdentical(m, spikes(250, 2, 96, 0.03, true, 8L), 250, 2);
        assertTrue(rate > 0.005 && rate < 0.3, "hidden layer should fire sparsely, rate " + rate);
    }

    @Test
    void depthBlockedInputGemmAndSubtractiveReset() {
        // 600 inputs: the input gemm sums in 3 blocks of 200; 300 hidden: readout in 2 blocks of 150
        LifParams lp = LifParams.rsnn().withReset(ResetMode.SUBTRACT, true);
        Rsnn.Config cfg = new Rsnn.Config(600, 300, 3, lp, ReadoutParams.bigRsnn(), 0.3f, 0.3f);
        assertEquals(200, StreamingDecoder.depthBlock(600));
        assertEquals(150, StreamingDecoder.depthBlock(300));
        assertEquals(256, StreamingDecoder.depthBlock(256));
        Rsnn m = model(cfg, 9L, 3f, 2f);
        double rate = assertBitIdentical(m, spikes(200, 2, 600, 0.02, true, 10L), 200, 2);
        assertTrue(rate > 0.005, "rate " + rate);
    }

    @Test
    void delayOneDenseFiringAndAWidthWithATail() {
        // 77 hidden (4 full vectors of 16 and a 13-neuron tail), delay 1 everywhere, many spikes per
        // step: the recurrent rows are summed four at a time, then one by one, then the scalar tail
        LifParams lp = LifParams.rsnn().withSynapticDelay(1);
        Rsnn.Config cfg = new Rsnn.Config(40, 77, 2, lp, ReadoutParams.bigRsnn().withSynapticDelay(1), 0.3f, 0.3f);
        Rsnn m = model(cfg, 21L, 5f, 3f);
        double rate = assertBitIdentical(m, spikes(150, 2, 40, 0.1, false, 22L), 150, 2);
        assertTrue(rate > 0.06, "at least ~5 of 77 neurons should fire per step, rate " + rate);
    }

    @Test
    void fp16RoundedWeights() {
        Rsnn m = model(Rsnn.Config.tiny(96), 11L, 3f, 2f);
        for (Parameter p : m.weights().values()) {
            float[] w = be.toHost(p.value());
            for (int k = 0; k < w.length; k++) w[k] = Float.float16ToFloat(Float.floatToFloat16(w[k]));
            be.copy(be.fromHost(w, p.shape()), p.value());
        }
        double rate = assertBitIdentical(m, spikes(300, 2, 96, 0.03, false, 12L), 300, 2);
        assertTrue(rate > 0.005, "rate " + rate);
    }

    @Test
    void resetStartsANewSequenceAndTheDecoderIsASnapshot() {
        Rsnn m = model(Rsnn.Config.tiny(96), 13L, 3f, 2f);
        int t = 120;
        float[] x = spikes(t, 1, 96, 0.05, false, 14L);
        StreamingDecoder d = StreamingDecoder.of(m);
        float[][] first = new float[t][];
        for (int k = 0; k < t; k++) first[k] = d.step(java.util.Arrays.copyOfRange(x, k * 96, k * 96 + 96));
        assertEquals(t, d.steps());
        be.fill(m.weights().get("readout").value(), 0f);               // later changes do not reach d
        d.reset();
        assertEquals(0, d.steps());
        for (int k = 0; k < t; k++) {
            float[] again = d.step(java.util.Arrays.copyOfRange(x, k * 96, k * 96 + 96));
            assertEquals(first[k][0], again[0], 0f, "step " + k);
            assertEquals(first[k][1], again[1], 0f, "step " + k);
        }
        // without input the prediction is the decaying readout start −0.01 (no spikes, all currents 0)
        StreamingDecoder q = StreamingDecoder.of(m);
        float[] y = q.step(new float[96]);
        assertTrue(y[0] < 0 && y[0] > -0.01f, "Y[1] = β·(−0.01), got " + y[0]);
    }

    @Test
    void wrongLengthsAreRefusedWithTheExpectedSize() {
        StreamingDecoder d = StreamingDecoder.of(new Rsnn(be, Rsnn.Config.tiny(96), 1L));
        assertEquals(96, d.inputs());
        assertEquals(2, d.outputs());
        var e = assertThrows(IllegalArgumentException.class, () -> d.step(new float[95]));
        assertTrue(e.getMessage().contains("96") && e.getMessage().contains("95"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.step(new float[96], new float[3]));
        assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.step(null));
        assertThrows(IllegalArgumentException.class, () -> StreamingDecoder.of(null));
        assertEquals(0, d.steps(), "refused bins do not advance the state");
    }

    @Test
    void noAllocationPerStepOnceCompiled() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled(), "allocation counter unavailable");
        var tmx = (com.sun.management.ThreadMXBean) mx;
        long tid = Thread.currentThread().threadId();
        StreamingDecoder d = StreamingDecoder.of(model(Rsnn.Config.tiny(96), 15L, 3f, 2f));
        float[] x = spikes(4096, 1, 96, 0.03, true, 16L);
        float[][] bins = new float[4096][];
        for (int k = 0; k < bins.length; k++) bins[k] = java.util.Arrays.copyOfRange(x, k * 96, k * 96 + 96);
        float[] out = new float[2];
        // The interpreter and C1 box Vector-API values; wait (bounded) for the compiled code.
        double perStep = Double.NaN;
        for (int window = 0; window < 60; window++) {
            long a0 = tmx.getThreadAllocatedBytes(tid);
            for (int k = 0; k < 20_000; k++) d.step(bins[k & 4095], out);
            perStep = (tmx.getThreadAllocatedBytes(tid) - a0) / 20_000.0;
            if (perStep < 0.5) break;
        }
        assertTrue(perStep < 0.5, "step(in, out) allocates " + perStep + " bytes per step after warm-up");
    }
}
