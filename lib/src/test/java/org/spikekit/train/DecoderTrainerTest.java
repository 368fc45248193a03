package org.spikekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.core.Parameter;
import org.spikekit.data.RunMode;
import org.spikekit.data.perich.DecodingBatch;
import org.spikekit.data.perich.DecodingWindows;
import org.spikekit.data.perich.DecodingWindows.Split;
import org.spikekit.data.perich.PerichGenerator;
import org.spikekit.data.perich.PerichNwb;
import org.spikekit.data.perich.PerichPrep;
import org.spikekit.data.perich.PerichSession;
import org.spikekit.data.perich.UnitDropout;
import org.spikekit.model.BaselineDecoder;
import org.spikekit.model.Baselines;
import org.spikekit.model.CausalityProbe;
import org.spikekit.model.DecoderEnergy;
import org.spikekit.model.SpikachuDecoder;
import org.spikekit.nn.MovingAverage;
import org.spikekit.core.Tape;

/** One trainer for Spikachu and its baselines: learning, checkpoint selection, fine-tuning, causality. */
class DecoderTrainerTest {
    static final Backend BE = new CpuBackend();
    static DecodingWindows one, two;

    @BeforeAll
    static void data() {
        PerichNwb.Recording co = PerichGenerator.generate(
                PerichGenerator.config("c_20150311_center_out_reaching", RunMode.QUICK).withDurationS(150).withUnits(24));
        PerichNwb.Recording rt = PerichGenerator.generate(
                PerichGenerator.config("m_20140221_random_target_reaching", RunMode.QUICK).withDurationS(90).withUnits(16));
        List<PerichSession> s = PerichPrep.prepareAll(List.of(co, rt), List.of("synthetic", "synthetic"), PerichPrep.Options.spikachu()).sessions();
        one = new DecodingWindows(List.of(s.get(0)));
        two = new DecodingWindows(s);
    }

    static DecoderTrainer.Batches batches(DecodingWindows w, int size) {
        return e -> DecodingWindows.chunks(w.trainEpoch(11, e), size).stream().map(ws -> w.batch(ws, UnitDropout.spikachu(), 100L * e + ws.size())).toList();
    }

    static List<DecodingBatch> eval(DecodingWindows w, Split s) {
        return DecodingWindows.chunks(w.evalWindows(s), 32).stream().map(w::batch).toList();
    }

    @Test
    void baselineLearnsAndTheBestSelectionCheckpointIsRestored() {
        BaselineDecoder gru = BaselineDecoder.quick(BE, Baselines.Kind.GRU, 24, 3);
        MovingAverage sm = new MovingAverage(20, MovingAverage.Alignment.TRAILING);
        List<DecodingBatch> valid = eval(one, Split.VALID), test = eval(one, Split.TEST);
        double before = DecoderTrainer.evaluate(gru, test, sm).meanSessionR2();
        DecoderTrainer tr = new DecoderTrainer(DecoderTrainer.Config.baseline(15, MovingAverage.Alignment.TRAILING, 5).withEvalEvery(3).withLr(5e-3));
        DecoderTrainer.History h = tr.fit(gru, batches(one, 16), valid, null, null);
        assertEquals(15, h.epochs().size());
        double minSel = h.epochs().stream().mapToDouble(DecoderTrainer.Epoch::selectionLoss).filter(Double::isFinite).min().orElseThrow();
        assertEquals(minSel, h.bestSelectionLoss(), 0);
        assertTrue(h.epochs().get(h.keptEpoch()).kept());
        // the kept parameters are the ones in the model now
        assertEquals(h.bestSelectionLoss(), DecoderTrainer.evaluate(gru, valid, sm).loss(), 1e-9);
        DecoderTrainer.Evaluation after = DecoderTrainer.evaluate(gru, test, sm);
        assertTrue(after.meanSessionR2() > 0.2, "trained GRU test R2 " + after.meanSessionR2());
        assertTrue(after.meanSessionR2() > before + 0.2, "untrained " + before + " trained " + after.meanSessionR2());
        assertTrue(h.epochs().getLast().trainLoss() < h.epochs().getFirst().trainLoss());
        assertTrue(after.signAgreement() > 0.55, "sign agreement " + after.signAgreement() + " at R2 " + after.meanSessionR2());
    }

    @Test
    void spikachuTrainsThroughTheSameTrainerOnTwoSessions() {
        SpikachuDecoder m = new SpikachuDecoder(BE, "spikachu", SpikachuDecoder.Config.quick(two.totalUnits()), 4);
        MovingAverage sm = new MovingAverage(20, MovingAverage.Alignment.TRAILING);
        List<DecodingBatch> valid = eval(two, Split.VALID);
        double before = DecoderTrainer.evaluate(m, valid, sm).loss();
        DecoderTrainer.History h = new DecoderTrainer(DecoderTrainer.Config.spikachu(4, MovingAverage.Alignment.TRAILING, 5).withEvalEvery(1).withLr(3e-3))
                .fit(m, batches(two, 16), valid, null, null);
        assertTrue(h.bestSelectionLoss() < before, "selection loss " + before + " -> " + h.bestSelectionLoss());
        assertTrue(h.epochs().getLast().trainLoss() < h.epochs().getFirst().trainLoss(), "train loss " + h.epochs());
        DecoderTrainer.Evaluation ev = DecoderTrainer.evaluate(m, valid, sm);
        assertEquals(Set.of(0, 1), ev.r2BySession().keySet());
        // energy from an inference pass: spikes recorded, counts positive
        Tape tape = Tape.inference();
        m.forward(valid.getFirst(), tape);
        DecoderEnergy e = m.energy(tape, valid.getFirst().tokenCount() / (double) (valid.getFirst().steps() * valid.getFirst().batch()), 100);
        assertTrue(e.meanRate() > 0 && e.meanRate() < 1, "rate " + e.meanRate());
        assertTrue(e.joulesPerWindow() > 0 && e.acs() > 0 && e.macs() > 0);
    }

    @Test
    void unitIdentificationFineTuneChangesOnlyTheEmbeddings() {
        SpikachuDecoder m = new SpikachuDecoder(BE, "spikachu", SpikachuDecoder.Config.quick(two.totalUnits()), 4);
        Map<String, HostArray> before = DecoderTrainer.snapshot(m);
        String emb = m.unitIdentificationParameters().getFirst().name();
        DecoderTrainer.Batches b = e -> batches(one, 16).epoch(e).subList(0, 2);
        new DecoderTrainer(DecoderTrainer.Config.spikachu(1, MovingAverage.Alignment.TRAILING, 1)).fit(m, b, null, Set.of(emb), null);
        Map<String, HostArray> after = DecoderTrainer.snapshot(m);
        // BatchNorm running statistics are buffers, not trainable: they follow the data in training mode (as in PyTorch)
        Set<String> trainable = m.byName().values().stream().filter(Parameter::trainable).map(Parameter::name).collect(java.util.stream.Collectors.toSet());
        for (var en : before.entrySet()) {
            if (!trainable.contains(en.getKey())) continue;
            if (en.getKey().equals(emb)) assertNotEquals(en.getValue(), after.get(en.getKey()), "embeddings must move");
            else assertArrayEquals(en.getValue().data(), after.get(en.getKey()).data(), 0f, en.getKey() + " must stay frozen");
        }
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> new DecoderTrainer(DecoderTrainer.Config.spikachu(1, MovingAverage.Alignment.TRAILING, 1)).fit(m, b, null, Set.of(emb, "nope"), null));
        assertTrue(x.getMessage().contains("nope"), x.getMessage());
    }

    @Test
    void releasedCadenceScoresTheInitialModelNeverTheLastEpochAndReturnsTheInitialisationForShortRuns() {
        MovingAverage sm = new MovingAverage(20, MovingAverage.Alignment.TRAILING);
        List<DecodingBatch> valid = eval(one, Split.VALID);
        DecoderTrainer.Batches b = e -> batches(one, 16).epoch(e).subList(0, 2);
        // epochs <= evalEvery: the only candidate is the initialisation, restored bit for bit
        BaselineDecoder gru = BaselineDecoder.quick(BE, Baselines.Kind.GRU, 24, 3);
        Map<String, HostArray> init = DecoderTrainer.snapshot(gru);
        DecoderTrainer.Config rel = DecoderTrainer.Config.baseline(3, MovingAverage.Alignment.TRAILING, 5).withEvalEvery(3).withLr(5e-3)
                .withCadence(DecoderTrainer.Cadence.RELEASED);
        int[] moved = {0};
        DecoderTrainer.History h = new DecoderTrainer(rel).fit(gru, b, valid, null, null, null, (done, total) -> {
            Parameter w = gru.trainableParameters().getFirst();
            if (done == total && !java.util.Arrays.equals(init.get(w.name()).data(), HostArray.of(w.value()).data())) moved[0]++;
        });
        assertEquals(1, moved[0], "the weights did train before the end");
        assertEquals(-1, h.keptEpoch());
        assertTrue(h.epochs().stream().allMatch(e -> Double.isNaN(e.selectionLoss()) && !e.kept()), "no epoch is scored: " + h.epochs());
        Map<String, HostArray> after = DecoderTrainer.snapshot(gru);
        for (var en : init.entrySet()) assertArrayEquals(en.getValue().data(), after.get(en.getKey()).data(), 0f, en.getKey());
        assertEquals(h.bestSelectionLoss(), DecoderTrainer.evaluate(gru, valid, sm).batchMeanLoss(), 1e-12);
        // the kit's cadence scores (and may keep) the last epoch of the same run
        BaselineDecoder kitGru = BaselineDecoder.quick(BE, Baselines.Kind.GRU, 24, 3);
        DecoderTrainer.History hk = new DecoderTrainer(rel.withCadence(DecoderTrainer.Cadence.KIT)).fit(kitGru, b, valid, null, null);
        assertEquals(2, hk.keptEpoch());
        // 5 epochs, every 2: released scores before epochs 0, 2, 4 (after epochs 1 and 3), never after epoch 4
        DecoderTrainer.History h5 = new DecoderTrainer(rel.withEpochs(5).withEvalEvery(2)).fit(BaselineDecoder.quick(BE, Baselines.Kind.GRU, 24, 3), b, valid, null, null);
        assertEquals(List.of(1, 3), h5.epochs().stream().filter(e -> Double.isFinite(e.selectionLoss())).map(DecoderTrainer.Epoch::epoch).toList());
        assertTrue(Set.of(-1, 1, 3).contains(h5.keptEpoch()), "kept " + h5.keptEpoch());
        DecoderTrainer.History k5 = new DecoderTrainer(rel.withEpochs(5).withEvalEvery(2).withCadence(DecoderTrainer.Cadence.KIT))
                .fit(BaselineDecoder.quick(BE, Baselines.Kind.GRU, 24, 3), b, valid, null, null);
        assertEquals(List.of(1, 3, 4), k5.epochs().stream().filter(e -> Double.isFinite(e.selectionLoss())).map(DecoderTrainer.Epoch::epoch).toList());
        // the released selection loss is the unweighted mean of the batch losses, the kit's the Σw-pooled loss
        assertEquals(hk.bestSelectionLoss(), DecoderTrainer.evaluate(kitGru, valid, sm).loss(), 1e-12);
        List<DecodingBatch> small = DecodingWindows.chunks(one.evalWindows(Split.VALID), 5).stream().map(one::batch).toList();
        DecoderTrainer.Evaluation ev = DecoderTrainer.evaluate(kitGru, small, sm);
        double mean = 0;
        for (DecodingBatch x : small) mean += DecoderTrainer.evaluate(kitGru, List.of(x), sm).loss() / small.size();
        assertEquals(mean, ev.batchMeanLoss(), 1e-12);
        assertNotEquals(ev.loss(), ev.batchMeanLoss(), 1e-9);
    }

    @Test
    void releasedSampleRuleChoosesReachSamplesPerBatch() {
        BaselineDecoder gru = BaselineDecoder.quick(BE, Baselines.Kind.GRU, 24, 3);
        MovingAverage sm = new MovingAverage(20, MovingAverage.Alignment.TRAILING);
        List<DecodingBatch> ones = DecodingWindows.chunks(one.evalWindows(Split.TEST), 1).stream().map(one::batch).toList();
        long expected = 0, reach = 0;
        int without = 0;
        for (DecodingBatch x : ones) {
            long r5 = 0, any = 0;
            for (float w : x.weight()) {
                if (w >= 5f) r5++;
                if (w > 0) any++;
            }
            expected += r5 > 0 ? r5 : any;
            reach += r5;
            if (r5 == 0) without++;
        }
        assertTrue(without > 0 && reach > 0, "windows without a REACH sample: " + without);
        DecoderTrainer.Evaluation kit = DecoderTrainer.evaluate(gru, ones, sm), rel = DecoderTrainer.evaluate(gru, ones, sm, null, DecoderTrainer.SampleRule.PER_BATCH);
        assertEquals(reach, kit.scoredSamples(), "the kit scores the session's REACH samples only");
        assertEquals(expected, rel.scoredSamples(), "released: per batch, all samples of a batch without REACH");
        assertNotEquals(kit.meanSessionR2(), rel.meanSessionR2());
        assertEquals(kit.loss(), rel.loss(), 0, "the loss does not depend on the rule");
    }

    @Test
    void releasedFewShotTrainsNothingButBatchNormStatisticsMove() {
        // the released unit-identification fine-tune: the optimiser holds no live tensor, the model
        // runs in train mode; here: only = {} (no parameter) on a multi-session model
        SpikachuDecoder m = new SpikachuDecoder(BE, "spikachu", SpikachuDecoder.Config.quick(two.totalUnits()), 4);
        Map<String, HostArray> before = DecoderTrainer.snapshot(m);
        DecoderTrainer.Batches b = e -> batches(one, 8).epoch(e).subList(0, 2);
        DecoderTrainer.History h = new DecoderTrainer(DecoderTrainer.Config.spikachu(2, MovingAverage.Alignment.TRAILING, 1)
                .withCadence(DecoderTrainer.Cadence.RELEASED)).fit(m, b, null, Set.of(), null);
        assertTrue(h.epochs().stream().allMatch(e -> Double.isFinite(e.trainLoss()) && e.trainLoss() > 0), h.epochs().toString());
        Map<String, HostArray> after = DecoderTrainer.snapshot(m);
        int stats = 0;
        for (Parameter p : m.parameters()) {
            if (p.trainable()) {
                assertArrayEquals(before.get(p.name()).data(), after.get(p.name()).data(), 0f, p.name() + " must not move");
            } else if (p.name().endsWith(".runningMean") && !java.util.Arrays.equals(before.get(p.name()).data(), after.get(p.name()).data())) {
                stats++;
            }
        }
        assertTrue(stats > 10, "BatchNorm running means that moved: " + stats);
    }

    @Test
    void releasedSpikachuNeverTrainsItsUnitEmbeddings() {
        SpikachuDecoder m = new SpikachuDecoder(BE, "spikachu-released", SpikachuDecoder.Config.quick(one.totalUnits()).released(), 4);
        String emb = m.homogenizer().unitEmbeddings().name();
        assertFalse(m.trainableParameters().contains(m.homogenizer().unitEmbeddings()));
        assertTrue(new SpikachuDecoder(BE, "spikachu", SpikachuDecoder.Config.quick(one.totalUnits()), 4).trainableParameters().stream()
                .anyMatch(p -> p.name().equals(emb)));
        Map<String, HostArray> before = DecoderTrainer.snapshot(m);
        DecoderTrainer.Batches b = e -> batches(one, 8).epoch(e).subList(0, 2);
        new DecoderTrainer(DecoderTrainer.Config.spikachu(1, MovingAverage.Alignment.CENTRED, 1).withLr(3e-3)).fit(m, b, null, null, null);
        Map<String, HostArray> after = DecoderTrainer.snapshot(m);
        assertArrayEquals(before.get(emb).data(), after.get(emb).data(), 0f, "released unit embeddings stay at their initialisation");
        // the released thresholds (CuPy kernel: no threshold gradient) stay at their initial values as well
        List<String> vth = before.keySet().stream().filter(k -> k.endsWith(".vth")).toList();
        assertTrue(vth.size() > 20, "thresholds: " + vth.size());
        for (String k : vth) assertArrayEquals(before.get(k).data(), after.get(k).data(), 0f, k);
        assertFalse(java.util.Arrays.equals(before.get("spikachu.h.latents").data(), after.get("spikachu.h.latents").data()), "the rest trains");
        // unit identification on a frozen table has nothing to train
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> new DecoderTrainer(DecoderTrainer.Config.spikachu(1, MovingAverage.Alignment.CENTRED, 1)).fit(m, b, null, Set.of(emb), null));
        assertTrue(x.getMessage().contains("no parameter to train"), x.getMessage());
    }

    @Test
    void causalDefaultsAndTheReleasedLeaksAreMeasured() {
        DecodingBatch b = eval(one, Split.TEST).getFirst();
        SpikachuDecoder kit = new SpikachuDecoder(BE, "spikachu", SpikachuDecoder.Config.quick(one.totalUnits()), 2);
        SpikachuDecoder rel = new SpikachuDecoder(BE, "spikachu-released", SpikachuDecoder.Config.quick(one.totalUnits()).released(), 2);
        MovingAverage trailing = new MovingAverage(20, MovingAverage.Alignment.TRAILING), centred = new MovingAverage(20, MovingAverage.Alignment.CENTRED);
        CausalityProbe.Result k = CausalityProbe.probe(kit, trailing, b, 50);
        assertTrue(k.causal(), "kit default must be causal: " + k);
        assertTrue(k.maxChangeAfter() > 0, "the change must be seen: " + k);
        assertEquals(0.0, k.maxChangeOtherWindow(), 0.0);
        CausalityProbe.Result c = CausalityProbe.probe(kit, centred, b, 50);
        assertFalse(c.causal());
        assertEquals(10, c.lookAheadBins(), "centred 20 taps look 10 bins ahead: " + c);
        CausalityProbe.Result r = CausalityProbe.probe(rel, trailing, b, 50);
        assertTrue(r.causal(), "released core is causal in time: " + r);
        // (whether the released T·B-flattened SSA state visibly moves window 1 depends on whether its
        // MLP neurons spike; at initialisation they are silent, so that is not asserted here)
        BaselineDecoder lstm = BaselineDecoder.quick(BE, Baselines.Kind.LSTM, 24, 1);
        CausalityProbe.Result l = CausalityProbe.probe(lstm, trailing, b, 50);
        assertTrue(l.causal() && l.maxChangeAfter() > 0 && l.maxChangeOtherWindow() == 0, l.toString());
    }

    @Test
    void badInputIsRefusedWithItsName() {
        BaselineDecoder gru = BaselineDecoder.quick(BE, Baselines.Kind.GRU, 24, 3);
        DecodingBatch mixed = two.batch(List.of(two.evalWindows(Split.TEST).getFirst(), two.evalWindows(Split.TEST).getLast()));
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> gru.forward(mixed, Tape.inference()));
        assertTrue(x.getMessage().contains("mixes sessions"), x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DecoderTrainer.Config.spikachu(0, MovingAverage.Alignment.TRAILING, 1));
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> new DecoderTrainer(DecoderTrainer.Config.baseline(1, MovingAverage.Alignment.TRAILING, 1))
                .fit(gru, e -> List.of(), null, null, null));
        assertTrue(empty.getMessage().contains("no training batches"), empty.getMessage());
    }
}
