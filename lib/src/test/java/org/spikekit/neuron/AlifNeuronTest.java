package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * ALIF and Blocks as components: the pure step iterated gives bit for bit the spikes of the
 * reference kernel (which iterates the same primitive), of the fused standard kernel and of both
 * Blocks kernels (the identity {@code AlifEquivalenceTest} holds them to). Gradients:
 * {@code AlifGradientCheckTest}.
 */
class AlifNeuronTest {
    final Backend be = new CpuBackend();

    @ParameterizedTest(name = "arp={0} recurrent={1}")
    @CsvSource({"0,false", "0,true", "2,true", "5,true", "3,false"})
    void iteratedStepEqualsEveryKernel(int arp, boolean recurrent) {
        AlifProblem pr = new AlifProblem(300 + arp, 60, 2, 13, recurrent, 1.0);
        AlifParams ap = AlifParams.paper(arp);
        AlifCoeffs c = pr.coeffs(be);
        Tensor x = pr.x(be), r = pr.r(be);
        float[] x0 = be.toHost(x);
        AlifNeuron std = AlifNeuron.standard(ap, c), blk = AlifNeuron.blocks(ap, c);
        NeuronModel.Run<AlifNeuron.State> it = std.iterate(std.initState(be, 2, 13), x, r);
        assertArrayEquals(x0, be.toHost(x), "step does not modify its input");
        float[] s = be.toHost(it.spikes());
        double rate = 0;
        for (float v : s) rate += v;
        rate /= s.length;
        assertTrue(rate > 0.01 && rate < 0.5, "the check covers spiking, rate " + rate);
        assertEquals(60, it.last().steps());
        assertArrayEquals(be.toHost(new ReferenceAlifKernel(be).forward(ap, c, x, r, false).spikes()), s, "reference standard kernel");
        assertArrayEquals(be.toHost(new ReferenceBlocksKernel(be).forward(ap, c, x, r, false).spikes()), s, "reference Blocks kernel");
        NeuronModel.Run<AlifNeuron.State> fs = std.sequence(std.initState(be, 2, 13), x, r);
        assertArrayEquals(be.toHost(fs.spikes()), s, "fused standard kernel");
        assertNull(fs.last(), "the ALIF kernels do not return a final state");
        assertArrayEquals(be.toHost(blk.sequence(blk.initState(be, 2, 13), x, r).spikes()), s, "fused Blocks kernel");
        assertEquals("blocks", blk.name());
        assertEquals("alif", std.name());
    }

    @Test
    void sequenceStartsAtRest() {
        AlifProblem pr = new AlifProblem(7, 5, 1, 4, false, 1.0);
        AlifNeuron std = AlifNeuron.standard(AlifParams.paper(1), pr.coeffs(be));
        AlifNeuron.State s1 = std.step(std.initState(be, 1, 4), pr.x(be).slice0(0), null).state();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> std.sequence(s1, pr.x(be), null));
        assertTrue(e.getMessage().contains("from rest"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> std.step(s1, be.zeros(1, 5), null));
        assertTrue(e.getMessage().contains("ALIF step input"), e.getMessage());
    }
}
