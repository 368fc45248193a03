package org.spikekit.train.stdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.data.spiking.SpikingDataset;
import org.spikekit.neuron.SingleSpikeLayer;

/**
 * Each rule's weight update on tiny hand-computed cases (notebooks/papers/spikenn.md §5.1–5.3). Inputs: j0 at 0.1,
 * j1 at 0.3, j2 at 0.5 (the last spike, which can never cause a firing), j3 silent.
 */
class StdpRulesTest {
    static final int[] IDX = {0, 1, 2};
    static final float[] TS = {0.1f, 0.3f, 0.5f};
    static final float EPS = 1e-6f;

    static String cfg(int n, String method, String opt, String reg, String trainer) {
        return """
            {"network": [{"n_neurons": %d, "firing_threshold": 1.0, "w_init_mean": 0.5, "w_init_std": 0.0,
                          "w_min": 0.0, "w_max": 1.0}],
             "optimizer": {"method": "%s", "ap": 0.1, "am": -0.05, "annealing": 0.5, "t_gap": 0.2 %s},
             %s
             "trainer": {"epochs": 1 %s}}
            """.formatted(n, method, opt, reg, trainer);
    }

    static ReadoutTrainer trainer(String json, int inputs, int classes) {
        return new ReadoutTrainer(SpikeNnConfig.parse(json, "test"), inputs, classes, 8, 0, true);
    }

    static void setRow(ReadoutTrainer t, int neuron, float... w) {
        for (int j = 0; j < w.length; j++) t.layer().setWeight(neuron, j, w[j]);
    }

    static float[] row(ReadoutTrainer t, int neuron) {
        float[] r = new float[t.layer().inputs()];
        for (int j = 0; j < r.length; j++) r[j] = t.layer().weight(neuron, j);
        return r;
    }

    /** Two neurons, two classes: n0 fires at 0.3 (V 1.2), n1 stays silent (V 0.9). */
    static ReadoutTrainer twoNeurons(String opt) {
        ReadoutTrainer t = trainer(cfg(2, "s2stdp", opt, "", ""), 4, 2);
        setRow(t, 0, 0.6f, 0.6f, 0.5f, 0.5f);
        setRow(t, 1, 0.2f, 0.2f, 0.5f, 0.5f);
        return t;
    }

    @Test
    void s2stdpTargetLateAndNonTargetSilent() {
        ReadoutTrainer t = twoNeurons("");
        assertTrue(t.trainSample(IDX, TS, 3, 0));
        // U = {0, 1}, n_t = 1: g_nt = g_t = 0.1; T̄ = min(mean{0.3}, 0.9) = 0.3
        // n0 target: T = 0.2, e = 0.1 → +0.01 on j0, j1 (t_j ≤ 0.3), −0.005 on j2 and silent j3
        assertArrayEquals(new float[] {0.61f, 0.61f, 0.495f, 0.495f}, row(t, 0), EPS);
        // n1 non-target, silent (t = 1): T = 0.4, e = 0.6 → every input causal, +0.06
        assertArrayEquals(new float[] {0.26f, 0.26f, 0.56f, 0.56f}, row(t, 1), EPS);
    }

    @Test
    void s2stdpAntiStdpWhenNonTargetIsEarly() {
        ReadoutTrainer t = twoNeurons("");
        assertTrue(!t.trainSample(IDX, TS, 3, 1));
        // n0 non-target: T = 0.4, e = −0.1 → anti-STDP: −0.01 causal, +0.005 others
        assertArrayEquals(new float[] {0.59f, 0.59f, 0.505f, 0.505f}, row(t, 0), EPS);
        // n1 target silent: T = 0.2, e = 0.8 → +0.08 everywhere
        assertArrayEquals(new float[] {0.28f, 0.28f, 0.58f, 0.58f}, row(t, 1), EPS);
    }

    @Test
    void sstdpTimeRangesLeaveASilentNonTargetAlone() {
        ReadoutTrainer t = twoNeurons(", \"use_time_ranges\": true");
        t.trainSample(IDX, TS, 3, 0);
        // n0 target: T = min(0.3, 0.2) = 0.2 → as S2-STDP
        assertArrayEquals(new float[] {0.61f, 0.61f, 0.495f, 0.495f}, row(t, 0), EPS);
        // n1 non-target: T = max(1, 0.4) = 1 → e = 0 → untouched
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.5f, 0.5f}, row(t, 1), 0f);
    }

    @Test
    void ignoreSilentBlocksOnlyTheDepressionOfSilentInputs() {
        // the original's stdp_additive with max_time = t_max: LTD only for inputs that spiked; a
        // silent input is still causal (t_max ≤ t_max) for a neuron that did not fire, so it is
        // potentiated (the kit once left every silent input alone)
        ReadoutTrainer t = twoNeurons(", \"ignore_silent\": true");
        t.trainSample(IDX, TS, 3, 0);
        assertArrayEquals(new float[] {0.61f, 0.61f, 0.495f, 0.5f}, row(t, 0), EPS);
        assertArrayEquals(new float[] {0.26f, 0.26f, 0.56f, 0.56f}, row(t, 1), EPS);
    }

    @Test
    void clipAndL1NormalisationOfUpdatedRows() {
        String json = cfg(2, "s2stdp", "", "", "").replace("\"w_min\": 0.0, \"w_max\": 1.0", "\"w_min\": 0.0, \"w_max\": 0.605, \"w_norm\": true");
        ReadoutTrainer t = trainer(json, 4, 2);
        float[] init0 = row(t, 0);
        float l1 = 0;
        for (float x : init0) l1 += x;
        assertEquals(2.0f, l1, EPS);                          // std 0: all weights 0.5
        setRow(t, 0, 0.6f, 0.6f, 0.5f, 0.5f);
        setRow(t, 1, 0.2f, 0.2f, 0.5f, 0.5f);
        t.trainSample(IDX, TS, 3, 0);
        // n0: 0.61 → clipped to 0.605, then the row is rescaled to its initial L1 norm 2.0
        float[] r0 = row(t, 0);
        float s = 0.605f + 0.605f + 0.495f + 0.495f;
        assertArrayEquals(new float[] {0.605f * 2 / s, 0.605f * 2 / s, 0.495f * 2 / s, 0.495f * 2 / s}, r0, EPS);
        float sum = 0;
        for (float x : r0) sum += x;
        assertEquals(2.0f, sum, 1e-5f);
    }

    /** Four neurons (two per class); class 0: n0 and n1 fire at 0.3 together, n1 with the larger V. */
    static ReadoutTrainer ncg(String opt, String trainer, boolean n0Larger) {
        ReadoutTrainer t = trainer(cfg(4, "s2stdp", ", \"class_inhib\": true" + opt, "", trainer), 3, 2);
        setRow(t, 0, n0Larger ? 0.7f : 0.6f, 0.6f, 0f);
        setRow(t, 1, n0Larger ? 0.6f : 0.7f, 0.6f, 0f);
        setRow(t, 2, 0.2f, 0.2f, 0f);                          // silent, V 0.4
        setRow(t, 3, 0.3f, 0.3f, 0f);                          // silent, V 0.6: wins group 1
        return t;
    }

    @Test
    void ncgUpdatesOnlyTheIntraClassWinners() {
        ReadoutTrainer t = ncg("", "", false);
        t.trainSample(IDX, TS, 3, 0);
        // U = {n1, n3}, |U| = C = 2, n_t = 1 → g_nt = g_t = 0.1; T̄ = 0.3 (losers count as silent)
        assertArrayEquals(new float[] {0.6f, 0.6f, 0f}, row(t, 0), 0f);       // loser: untouched
        assertArrayEquals(new float[] {0.71f, 0.61f, 0f}, row(t, 1), EPS);    // target, e 0.1; j2 clipped at 0
        assertArrayEquals(new float[] {0.2f, 0.2f, 0f}, row(t, 2), 0f);
        assertArrayEquals(new float[] {0.36f, 0.36f, 0.06f}, row(t, 3), EPS); // non-target, silent, e 0.6
        TrainStats st = statsAfterEpoch(t);
        assertArrayEquals(new int[] {0, 1, 0, 0}, st.targetWins().get(0));
        assertArrayEquals(new int[] {0, 0, 0, 1}, st.nonTargetWins().get(0));
    }

    private static TrainStats statsAfterEpoch(ReadoutTrainer t) {
        t.endEpoch(1.0);
        return t.stats();
    }

    @Test
    void labellingMakesNeuronZeroOfEachGroupNonTarget() {
        ReadoutTrainer t = ncg("", ", \"nt_neurons\": 1", true);
        assertTrue(!t.isTarget(0) && t.isTarget(1) && !t.isTarget(2) && t.isTarget(3));
        t.trainSample(IDX, TS, 3, 0);
        // n0 wins class 0 but is labelled non-target: T = T̄ + g_nt = 0.4, e = −0.1 → anti-STDP
        assertArrayEquals(new float[] {0.69f, 0.59f, 0.005f}, row(t, 0), EPS);
        assertArrayEquals(new float[] {0.6f, 0.6f, 0f}, row(t, 1), 0f);
    }

    @Test
    void rstdpRewardsOrPunishesOnlyTheWinnerWithAdaptiveRates() {
        String json = cfg(2, "rstdp", ", \"anti_ap\": -0.2, \"anti_am\": 0.02", "", "");
        ReadoutTrainer t = trainer(json, 4, 2);
        // adaptive start: STDP × (1 − 1/C) = × 0.5, anti × 1/C = × 0.5
        assertArrayEquals(new double[] {0.05, -0.025, -0.1, 0.01}, t.rates(), 1e-15);
        setRow(t, 0, 0.6f, 0.6f, 0.5f, 0.5f);
        setRow(t, 1, 0.2f, 0.2f, 0.5f, 0.5f);
        t.trainSample(IDX, TS, 3, 0);                          // n0 wins, class 0: reward
        assertArrayEquals(new float[] {0.65f, 0.65f, 0.475f, 0.475f}, row(t, 0), EPS);
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.5f, 0.5f}, row(t, 1), 0f);
        t.trainSample(IDX, TS, 3, 1);                          // n0 wins, label 1: punish
        assertArrayEquals(new float[] {0.55f, 0.55f, 0.485f, 0.485f}, row(t, 0), EPS);
        // end of epoch, annealing 0.5, training accuracy 0.75: STDP = base·(1 − acc), anti = base·acc
        t.endEpoch(0.75);
        assertArrayEquals(new double[] {0.05 * 0.25, -0.025 * 0.25, -0.1 * 0.75, 0.01 * 0.75}, t.rates(), 1e-15);
    }

    @Test
    void rstdpWithoutAdaptiveRatesOnlyAnneals() {
        ReadoutTrainer t = trainer(cfg(2, "rstdp", ", \"adaptive_lr\": false", "", ""), 4, 2);
        assertArrayEquals(new double[] {0.1, -0.05, -0.1, 0.05}, t.rates(), 0);          // anti defaults to −(a⁺, a⁻)
        t.endEpoch(0.75);
        assertArrayEquals(new double[] {0.05, -0.025, -0.05, 0.025}, t.rates(), 0);      // rates are the JSON doubles, halved exactly
    }

    /** Six neurons, three per class, no learning (a± = 0), n1 always wins class 0. */
    static ReadoutTrainer regulated(boolean twoThr) {
        String json = cfg(6, "s2stdp", ", \"class_inhib\": true",
                "\"regularizer\": {\"thr_lr\": 0.3, \"thr_anneal\": 0.5, \"use_two_thr\": " + twoThr + "},", "")
                .replace("\"ap\": 0.1, \"am\": -0.05", "\"ap\": 0.0, \"am\": 0.0");
        ReadoutTrainer t = trainer(json, 3, 2);
        setRow(t, 0, 0.3f, 0.3f, 0f);
        setRow(t, 1, 0.9f, 0.9f, 0f);
        setRow(t, 2, 0.2f, 0.2f, 0f);
        for (int i = 3; i < 6; i++) setRow(t, i, 0.1f, 0.1f, 0f);
        return t;
    }

    @Test
    void cr2RaisesTheWinnersTrainingThresholdClipsAtThetaAndResetsEachEpoch() {
        ReadoutTrainer t = regulated(true);
        t.trainSample(IDX, TS, 3, 0);
        // winner n1: θ̂ += 0.3·2/3 = 0.2; n0, n2: −0.1 → clipped back to θ = 1
        assertArrayEquals(new float[] {1f, 1.2f, 1f, 1f, 1f, 1f}, t.trainThresholds(), EPS);
        t.trainSample(IDX, TS, 3, 0);
        assertArrayEquals(new float[] {1f, 1.4f, 1f, 1f, 1f, 1f}, t.trainThresholds(), EPS);
        t.trainSample(IDX, TS, 3, 1);                          // label 1: group 1 regulated, class 0 untouched
        assertEquals(1.4f, t.trainThresholds()[1], EPS);
        assertArrayEquals(new float[] {1f, 1f, 1f, 1f, 1f, 1f}, t.thresholds(), 0f);      // decision θ fixed
        // an epoch of two class-0 samples: reset at its start, η annealed by 0.5 at each end
        SpikingDataset two = SpikingDataset.of(3, 1f, 2, new int[] {0, 0}, new int[] {0, 3, 6},
                new int[] {0, 1, 2, 0, 1, 2}, new float[] {0.1f, 0.3f, 0.5f, 0.1f, 0.3f, 0.5f});
        t.trainEpoch(two);
        assertArrayEquals(new float[] {1f, 1.4f, 1f, 1f, 1f, 1f}, t.trainThresholds(), EPS);
        assertEquals(0.15, t.thresholdRate(), 1e-15);
        t.trainEpoch(two);
        assertArrayEquals(new float[] {1f, 1.2f, 1f, 1f, 1f, 1f}, t.trainThresholds(), EPS);
        assertArrayEquals(new float[] {1f, 1f, 1f, 1f, 1f, 1f}, t.thresholds(), 0f);
    }

    @Test
    void cr1HasNoClipNoResetAndCopiesTrainingThresholdsToTheDecisionOnesEachEpoch() {
        ReadoutTrainer t = regulated(false);
        t.trainSample(IDX, TS, 3, 0);
        assertArrayEquals(new float[] {0.9f, 1.2f, 0.9f, 1f, 1f, 1f}, t.trainThresholds(), EPS);
        assertArrayEquals(new float[] {1f, 1f, 1f, 1f, 1f, 1f}, t.thresholds(), 0f);
        t.endEpoch(1.0);
        assertArrayEquals(new float[] {0.9f, 1.2f, 0.9f, 1f, 1f, 1f}, t.thresholds(), EPS);
        SpikingDataset one = SpikingDataset.of(3, 1f, 2, new int[] {0}, new int[] {0, 3}, IDX, TS);
        t.trainEpoch(one);                                     // η = 0.15 now; no reset
        assertArrayEquals(new float[] {0.85f, 1.3f, 0.85f, 1f, 1f, 1f}, t.trainThresholds(), EPS);
        assertArrayEquals(t.trainThresholds(), t.thresholds(), 0f);
    }

    @Test
    void crSkipsTheNonTargetNeuronOfTheGroup() {
        String json = cfg(6, "s2stdp", ", \"class_inhib\": true",
                "\"regularizer\": {\"thr_lr\": 0.3, \"thr_anneal\": 0.5},", ", \"nt_neurons\": 1")
                .replace("\"ap\": 0.1, \"am\": -0.05", "\"ap\": 0.0, \"am\": 0.0");
        ReadoutTrainer t = trainer(json, 3, 2);
        setRow(t, 0, 0.95f, 0.95f, 0f);                         // non-target neuron wins its NCG ...
        setRow(t, 1, 0.9f, 0.9f, 0f);                           // ... but CR competes among n1, n2 only
        setRow(t, 2, 0.2f, 0.2f, 0f);
        t.trainSample(IDX, TS, 3, 0);
        // |G| = 2: winner n1 += 0.3·1/2, n2 −= 0.15 → clipped at 1
        assertArrayEquals(new float[] {1f, 1.15f, 1f, 1f, 1f, 1f}, t.trainThresholds(), EPS);
    }

    @Test
    void outputDropoutVariantSilencesAboutPOfTheNeuronsAndGivesThemNoUpdate() {
        // the kit's earlier reading, now the labelled variant OUTPUT_DROPOUT_EXCLUDED (the released
        // code updates the dropped neurons too: SpikeNnSemanticsTest)
        // one class of 4 neurons, none can fire (θ huge): every active neuron gets e = g > 0
        String json = cfg(4, "s2stdp", "", "", ", \"dropout_out\": 0.25").replace("\"firing_threshold\": 1.0", "\"firing_threshold\": 100.0");
        ReadoutTrainer t = new ReadoutTrainer(SpikeNnConfig.parse(json, "test"), 4, 1, 8, 0, true,
                java.util.Set.of(ReadoutTrainer.Variant.OUTPUT_DROPOUT_EXCLUDED));
        int updated = 0, samples = 2000;
        for (int s = 0; s < samples; s++) {
            float[][] before = new float[4][];
            for (int i = 0; i < 4; i++) before[i] = row(t, i);
            t.trainSample(IDX, TS, 3, 0);
            for (int i = 0; i < 4; i++) if (!java.util.Arrays.equals(before[i], row(t, i))) updated++;
            for (int i = 0; i < 4; i++) setRow(t, i, 0.5f, 0.5f, 0.5f, 0.5f);
        }
        double frac = updated / (4.0 * samples);
        assertEquals(0.75, frac, 0.03, "fraction of neurons updated per sample");
    }

    @Test
    void s4nnUpdatesCausalSpikingInputsByNormalisedError() {
        String json = cfg(2, "s4nn", ", \"lr\": 0.1", "", "").replace("\"ap\": 0.1, \"am\": -0.05, ", "");
        ReadoutTrainer t = trainer(json, 4, 2);
        setRow(t, 0, 0.6f, 0.6f, 0.5f, 0.5f);
        setRow(t, 1, 0.2f, 0.2f, 0.5f, 0.5f);
        t.trainSample(IDX, TS, 3, 1);
        // base = min(0.3, 1 − g) = 0.3; n1 (true class) T = 0.3, e = 0.7; n0 T = 0.5, e = −0.2
        float norm = (float) Math.sqrt(0.7 * 0.7 + 0.2 * 0.2);
        float d0 = 0.1f * -0.2f / norm, d1 = 0.1f * 0.7f / norm;
        assertArrayEquals(new float[] {0.6f + d0, 0.6f + d0, 0.5f, 0.5f}, row(t, 0), EPS);       // causal: j0, j1
        // silent neuron: every input is causal, the silent j3 too (t_max ≤ t_max in the original's s4nn)
        assertArrayEquals(new float[] {0.2f + d1, 0.2f + d1, 0.5f + d1, 0.5f + d1}, row(t, 1), EPS);
    }

    @Test
    void predictionUsesTheDecisionRule() {
        ReadoutTrainer t = twoNeurons("");
        SpikingDataset one = SpikingDataset.of(4, 1f, 2, new int[] {0}, new int[] {0, 3}, IDX, TS);
        assertEquals(0, t.predict(one, 0));
        setRow(t, 0, 0.1f, 0.1f, 0.1f, 0.1f);                  // nobody fires: larger final V (n1, 0.9) wins
        assertEquals(1, t.predict(one, 0));
        assertEquals(SingleSpikeLayer.winner(new float[] {1f, 1f}, new float[] {0.3f, 0.9f}, 0, 2, null), 1);
    }
}
