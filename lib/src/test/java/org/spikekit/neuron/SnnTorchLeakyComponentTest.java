package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * snnTorch Leaky as a component: the sequence kernel equals the pure step iterated bit for bit
 * (both call {@link SnnTorchLeaky#next}). Its backward is checked against a double-precision
 * forward-mode reference in {@code model.SnnTorchLeakyTest}.
 */
class SnnTorchLeakyComponentTest {
    final Backend be = new CpuBackend();

    @ParameterizedTest
    @EnumSource(SnnTorchLeaky.Reset.class)
    void sequenceEqualsIteratedStepBitForBit(SnnTorchLeaky.Reset reset) {
        SnnTorchLeaky n = new SnnTorchLeaky(0.85f, 1f, reset, Surrogate.snnTorchFastSigmoid(25f), true);
        int t = 50, b = 2, w = 9;
        Tensor x = be.zeros(t, b, w);
        be.randNormal(x, 3L, 0.3f, 0.5f);
        SnnTorchLeaky.State s0 = n.initState(be, b, w);
        NeuronModel.Run<SnnTorchLeaky.State> it = n.iterate(s0, x, null), seq = n.sequence(s0, x, null);
        double rate = be.sum(it.spikes()) / ((double) t * b * w);
        assertTrue(rate > 0.02 && rate < 0.98, "the check covers spiking, rate " + rate);
        assertArrayEquals(be.toHost(it.spikes()), be.toHost(seq.spikes()), "spikes");
        assertArrayEquals(be.toHost(it.last().mem()), be.toHost(seq.last().mem()), "last membrane");
        assertThrows(IllegalArgumentException.class, () -> n.step(s0, x.slice0(0), be.zeros(w, w)));
        Tensor m = be.zeros(b, w);
        be.fill(m, 0.5f);
        SnnTorchLeaky.State busy = new SnnTorchLeaky.State(m);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> n.sequence(busy, x, null));
        assertTrue(e.getMessage().contains("at rest"), e.getMessage());
    }
}
