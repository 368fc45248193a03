package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * PLIF/LTLIF as a component: the sequence kernel (vector loops for Heaviside spikes over full
 * vectors, scalar tail) equals the pure step iterated bit for bit, for both charges, both resets,
 * both outputs and the smooth test mode; N = 37 covers vectors and tails. Gradients are checked by
 * finite differences through {@code nn.ParametricLif} ({@code ParametricLifTest}).
 */
class PlifNeuronTest {
    final Backend be = new CpuBackend();

    @ParameterizedTest(name = "soft={0} decayInput={1} spikesOut={2} smooth={3}")
    @CsvSource({"false,false,true,false", "false,true,true,false", "true,false,true,false", "true,true,false,false",
            "false,false,false,false", "false,false,true,true", "true,true,true,true"})
    void sequenceEqualsIteratedStepBitForBit(boolean soft, boolean decayInput, boolean spikesOut, boolean smooth) {
        Surrogate f = Surrogate.spikingJellyAtan();
        if (smooth) f = f.withForward(Surrogate.Forward.SMOOTH);
        PlifNeuron n = new PlifNeuron(0.4f, 1f, soft, soft ? 0f : -0.2f, decayInput, false, f, spikesOut);
        int t = 30, b = 2, w = 37;
        Tensor x = be.zeros(t, b, w);
        be.randNormal(x, 11L, 0.5f, 0.9f);
        NeuronModel.Run<PlifNeuron.State> it = n.iterate(n.initState(be, b, w), x, null), seq = n.sequence(n.initState(be, b, w), x, null);
        assertArrayEquals(be.toHost(it.spikes()), be.toHost(seq.spikes()), "outputs");
        assertArrayEquals(be.toHost(it.last().v()), be.toHost(seq.last().v()), "last membrane");
        if (spikesOut && !smooth) {
            double rate = be.sum(it.spikes()) / ((double) t * b * w);
            assertTrue(rate > 0.02 && rate < 0.9, "the check covers spiking, rate " + rate);
        }
    }

    @Test
    void badInputIsNamed() {
        PlifNeuron n = new PlifNeuron(0.5f, 1f, false, 0f, false, false, Surrogate.spikingJellyAtan(), true);
        assertThrows(IllegalArgumentException.class, () -> new PlifNeuron(1.5f, 1f, false, 0f, false, false, Surrogate.spikingJellyAtan(), true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PlifNeuron(0.5f, 1f, false, 0f, false, false, Surrogate.superSpike(10f), true));
        assertTrue(e.getMessage().contains("PlifNeuron.spike"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> n.run(new float[6], new float[6], new float[5], 2, 3));
        assertTrue(e.getMessage().contains("steps·n"), e.getMessage());
    }
}
