package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;
import org.spikekit.core.SequenceModel;
import org.spikekit.core.Tape;
import org.spikekit.data.SequenceSet;
import org.spikekit.model.Rsnn;

/** The RSNN recipe drives its model through the autograd contract ({@code forward(x, tape)}, {@code backward(g, tape)}) only. */
class TrainerContractTest {
    static final Backend BE = new CpuBackend();
    final SequenceSet train = TinyTask.velocity(12, 30, 10, 1L), val = TinyTask.velocity(4, 30, 10, 2L);

    /** An Rsnn reachable only through the contract: its pass-level methods refuse. */
    static final class ContractOnly implements SequenceModel {
        final Rsnn m;
        final boolean popRecord;
        int trainingPasses, spikeGradients;

        ContractOnly(Rsnn m, boolean popRecord) {
            this.m = m;
            this.popRecord = popRecord;
        }

        @Override public int inputs() { return m.inputs(); }
        @Override public int outputs() { return m.outputs(); }
        @Override public List<Parameter> parameters() { return m.parameters(); }

        @Override
        public Tensor forward(Tensor x, Tape tape) {
            if (tape.training()) trainingPasses++;
            return m.forward(x, tape);
        }

        @Override
        public Tensor backward(Tensor gradOut, Tape tape) {
            if (tape.gradient(SPIKES) != null) spikeGradients++;
            return popRecord ? m.backward(gradOut, tape) : null;
        }

        @Override
        public Pass forward(Tensor x, boolean training, long seed) { throw new AssertionError("pass-level forward called"); }

        @Override
        public void backward(Pass pass, Tensor gradPrediction, Tensor gradSpikes) { throw new AssertionError("pass-level backward called"); }
    }

    @Test
    void trainerUsesTheContractOnlyAndMatchesThePlainModelBitForBit() {
        Trainer.Config cfg = TinyTask.config(2, 7L);
        assertTrue(cfg.regularizer().lowerStrength() > 0 || cfg.regularizer().upperStrength() > 0, "the recipe's regularisers are on");
        Trainer.History plain = new Trainer(cfg).fit(TinyTask.model(BE, train, 8, 3L), train, val, null);
        ContractOnly c = new ContractOnly(TinyTask.model(BE, train, 8, 3L), true);
        Trainer.History wrapped = new Trainer(cfg).fit(c, train, val, null);
        assertEquals(2 * 2, c.trainingPasses, "2 epochs of 2 batches");
        assertEquals(c.trainingPasses, c.spikeGradients, "every backward gets the regulariser's dL/dspikes on the tape");
        assertEquals(plain.initialValR2(), wrapped.initialValR2(), 0);
        for (int e = 0; e < 2; e++) {
            assertEquals(plain.epochs().get(e).loss(), wrapped.epochs().get(e).loss(), 0, "epoch " + e + " loss");
            assertEquals(plain.epochs().get(e).valR2(), wrapped.epochs().get(e).valR2(), 0, "epoch " + e + " validation R2");
        }
    }

    @Test
    void aBackwardThatLeavesItsRecordIsRefused() {
        ContractOnly c = new ContractOnly(TinyTask.model(BE, train, 8, 3L), false);
        RuntimeException e = assertThrows(RuntimeException.class, () -> new Trainer(TinyTask.config(1, 7L)).fit(c, train, val, null));
        String msg = String.valueOf(e.getMessage()) + " / " + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(msg.contains("ContractOnly.backward left 1 record"), msg);
    }
}
