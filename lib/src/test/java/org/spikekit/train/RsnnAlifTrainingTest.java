package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.data.SequenceSet;
import org.spikekit.model.Rsnn;
import org.spikekit.neuron.HiddenNeuron;

/** tinyRSNN with ALIF hidden neurons is a config change: the RSNN recipe trains it as it trains the LIF model. */
class RsnnAlifTrainingTest {

    @Test
    void alifTinyRsnnTrainsWithTheRsnnRecipe() {
        Backend be = new CpuBackend();
        SequenceSet tr = TinyTask.velocity(16, 60, 12, 3L), va = TinyTask.velocity(8, 60, 12, 4L);
        Rsnn m = new Rsnn(be, Rsnn.Config.tiny(tr.inputs()).withHidden(16).withNeuron(HiddenNeuron.Alif.rsnn()), 1L);
        m.initFromData(tr, 1L);
        double r2Before = Trainer.evaluate(m, va, 8);
        Trainer.History h = new Trainer(TinyTask.config(6, 1L)).fit(m, tr, va, null);
        double[] loss = h.epochs().stream().mapToDouble(Trainer.Epoch::loss).toArray();
        for (double l : loss) assertTrue(Double.isFinite(l), Arrays.toString(loss));
        assertTrue(loss[loss.length - 1] < 0.92 * loss[0], "training loss should fall: " + Arrays.toString(loss));
        double r2After = Trainer.evaluate(m, va, 8);
        assertTrue(r2After > r2Before + 0.08, "validation R² " + r2Before + " → " + r2After);
        float[] s = be.toHost(m.forward(be.fromHost(Arrays.copyOf(va.x(), 60 * 12), 60, 1, 12), false, 0L, false).spikes());
        double rate = 0;
        for (float v : s) rate += v;
        assertTrue(rate > 0, "the ALIF hidden layer fires after training");
    }
}
