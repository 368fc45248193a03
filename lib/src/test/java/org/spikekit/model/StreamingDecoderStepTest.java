package org.spikekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.neuron.LeakyReadout;
import org.spikekit.neuron.LifNeuron;
import org.spikekit.neuron.LifParams;
import org.spikekit.neuron.LifState;
import org.spikekit.neuron.NeuronModel;
import org.spikekit.neuron.ReadoutParams;
import org.spikekit.neuron.ReadoutState;
import org.spikekit.neuron.RecurrentLifLayer;
import org.spikekit.neuron.ResetMode;

/**
 * The streaming decoder is the neuron components stepped bin by bin: per bin its hidden spikes,
 * membrane, current and pending input equal {@link LifNeuron#step} iterated, and its prediction
 * equals {@link LeakyReadout#forward} run one bin at a time on those spikes, bit for bit; both also
 * equal the sequence forward {@link Rsnn#forward} (spikes and predictions).
 *
 * <p>What the step is given: the step's own recurrence is a gemm, {@code c + S·V} (the recurrent
 * sum from +0, then added to the input current once), while the decoder, like the fused sequence
 * kernel {@code HostLifKernel}, adds the rows of V for the spiking neurons one by one onto the input
 * current, {@code ((c + V[k0]) + V[k1]) + …}; the two differ by float rounding. So the step is
 * called without V and given that current, summed here from the spikes that
 * {@link LifNeuron#fire} finds in the step's state (the spikes the step itself then emits, which is
 * checked). Everything the neuron does with it, the spike, reset and both updates, is the step's.
 */
class StreamingDecoderStepTest {
    final Backend be = new CpuBackend();

    /** Random weights (the init scaled so the hidden layer fires a few percent), decays away from their init. */
    Rsnn model(Rsnn.Config cfg, long seed, float inputGain, float recurrentGain) {
        Rsnn m = new Rsnn(be, cfg, seed);
        Tensor w = m.weights().get("input").value(), v = m.weights().get("recurrent").value();
        be.affine(w, inputGain, 0f, w);
        be.affine(v, recurrentGain, 0f, v);
        be.randUniform(m.hiddenLayer().tauMemRaw().value(), seed + 1, -0.5f, 1.5f);
        be.randUniform(m.hiddenLayer().tauSynRaw().value(), seed + 3, -0.5f, 1.5f);
        be.randUniform(m.readout().tauMemRaw().value(), seed + 4, 0f, 2f);
        be.randUniform(m.readout().tauSynRaw().value(), seed + 2, 0f, 2f);
        return m;
    }

    /** Sparse input {@code [t, 1, in]}: Bernoulli(p), a fifth of the events counts of 2 or 3. */
    static float[] sparseInput(int t, int in, double p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[t * in];
        for (int k = 0; k < x.length; k++) if (r.nextDouble() < p) x[k] = r.nextDouble() < 0.2 ? 2 + r.nextInt(2) : 1f;
        return x;
    }

    static void requireBits(float[] want, float[] got, int n, String what) {
        for (int j = 0; j < n; j++) {
            if (Float.floatToRawIntBits(want[j]) != Float.floatToRawIntBits(got[j])) {
                fail(what + " [" + j + "]: component " + want[j] + " vs streaming " + got[j]);
            }
        }
    }

    /** Runs the three paths over {@code t} bins; returns the hidden spike rate. */
    double assertStepIterated(Rsnn m, int t, double density, long seed) {
        int in = m.inputs(), n = m.config().hidden(), o = m.outputs();
        assertTrue(StreamingDecoder.depthBlock(in) == in, "the current below is summed in one depth block");
        float[] x = sparseInput(t, in, density, seed);
        float[] w = be.toHost(m.weights().get("input").value()), v = be.toHost(m.weights().get("recurrent").value());

        Rsnn.Pass seq = m.forward(be.fromHost(x, t, 1, in), false, 0L, false);
        float[] seqPred = be.toHost(seq.prediction()), seqSpikes = be.toHost(seq.spikes());

        RecurrentLifLayer hid = m.hiddenLayer();
        LifNeuron lif = new LifNeuron(hid.params(), hid.coefficients());
        LifState st = lif.initState(be, 1, n);
        LeakyReadout ro = m.readout();
        ReadoutState rs = ro.initialState(1);
        Tensor a = be.zeros(1, n), fired = be.zeros(1, n);

        StreamingDecoder d = StreamingDecoder.of(m);
        float[] bin = new float[in], out = new float[o], du = new float[n], di = new float[n], dp = new float[n];
        float[] c = new float[n];
        int[] list = new int[n];
        long spikes = 0;
        for (int k = 0; k < t; k++) {
            String at = "bin " + k + " (N = " + n + ")";
            System.arraycopy(x, k * in, bin, 0, in);
            d.step(bin, out);
            d.hiddenState(du, di, dp);
            int ns = d.lastSpikes(list);
            spikes += ns;

            // the neuron: S[k] from its state, the input current x·W + Σ_{S_j = 1} V[j, :] in the decoder's order, one step
            LifNeuron.fire(be, lif.params(), lif.coeffs(), st.u(), a, fired);
            float[] s = be.toHost(fired);
            java.util.Arrays.fill(c, 0f);
            for (int p = 0; p < in; p++) {
                if (bin[p] == 0f) continue;
                for (int j = 0; j < n; j++) c[j] = Math.fma(bin[p], w[p * n + j], c[j]);
            }
            for (int q = 0; q < n; q++) {
                if (s[q] == 0f) continue;
                assertEquals(1f, s[q], 0f, "binary spikes");
                for (int j = 0; j < n; j++) c[j] += v[q * n + j];
            }
            NeuronModel.Step<LifState> step = lif.step(st, be.fromHost(c, 1, n), null);
            float[] emitted = be.toHost(step.spikes());
            requireBits(s, emitted, n, at + " spikes the step emits vs its state's");
            st = step.state();

            // spikes: the component's, the decoder's list, the sequence forward's
            int q = 0;
            for (int j = 0; j < n; j++) {
                boolean listed = q < ns && list[q] == j;
                if (listed) q++;
                if (listed != (emitted[j] == 1f)) fail(at + ": neuron " + j + " spikes in the step " + emitted[j] + ", listed " + listed);
                if (emitted[j] != seqSpikes[k * n + j]) fail(at + ": neuron " + j + " spikes in the step " + emitted[j]
                        + ", sequence " + seqSpikes[k * n + j]);
            }
            assertEquals(q, ns, at + ": decoder lists only firing neurons");
            requireBits(be.toHost(st.u()), du, n, at + " U");
            requireBits(be.toHost(st.i()), di, n, at + " I");
            requireBits(be.toHost(st.pending()), dp, n, at + " pending input");

            // readout: one bin of the component, and the sequence forward
            LeakyReadout.Output r = ro.forward(be.fromHost(emitted, 1, 1, n), rs, false);
            rs = r.last();
            requireBits(be.toHost(r.y()), out, o, at + " prediction, readout stepped");
            float[] sp = new float[o];
            System.arraycopy(seqPred, k * o, sp, 0, o);
            requireBits(sp, out, o, at + " prediction, sequence forward");
        }
        return spikes / ((double) t * n);
    }

    @Test
    void tinyRsnnIsTheLifStepIterated() {
        double rate = assertStepIterated(model(Rsnn.Config.tiny(96), 31L, 3f, 2f), 300, 0.03, 32L);
        assertTrue(rate > 0.005 && rate < 0.3, "hidden layer should fire sparsely, rate " + rate);
    }

    @Test
    void bigRsnnIsTheLifStepIterated() {
        double rate = assertStepIterated(model(Rsnn.Config.big(96), 33L, 3f, 2f), 120, 0.03, 34L);
        assertTrue(rate > 0.005 && rate < 0.3, "hidden layer should fire sparsely, rate " + rate);
    }

    @Test
    void scalarTailSubtractiveResetAndDelayOne() {
        // 77 hidden: whole vectors and a scalar tail (for every SIMD width up to 64 lanes); subtractive reset; delay 1
        LifParams lp = LifParams.rsnn().withSynapticDelay(1).withReset(ResetMode.SUBTRACT, true);
        Rsnn.Config cfg = new Rsnn.Config(40, 77, 2, lp, ReadoutParams.bigRsnn().withSynapticDelay(1), 0f, 0f);
        double rate = assertStepIterated(model(cfg, 35L, 5f, 3f), 150, 0.1, 36L);
        assertTrue(rate > 0.03, "the check covers spiking, rate " + rate);
    }
}
