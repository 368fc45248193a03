package org.spikekit.train.stdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.spikekit.train.stdp.ReadoutTrainer.Variant;

/**
 * The released semantics of {@code ggoupy/SpikeNN} @ b3d1865 where the kit once read it otherwise
 * (each earlier reading is still available as a {@link Variant}), the every-row constraints and
 * the replay API ({@link ReadoutTrainer#setInitialWeights}, the observer).
 */
class SpikeNnSemanticsTest {
    static final float EPS = 1e-6f;

    static ReadoutTrainer trainer(String json, int inputs, int classes, Variant... variants) {
        return new ReadoutTrainer(SpikeNnConfig.parse(json, "test"), inputs, classes, 128, 0, false, Set.of(variants));
    }

    static String cfg(int n, String opt, String reg, String trainer, float thr) {
        return """
            {"network": [{"n_neurons": %d, "firing_threshold": %s, "w_init_mean": 0.5, "w_init_std": 0.0,
                          "w_min": 0.0, "w_max": 1.0}],
             "optimizer": {"method": "s2stdp", "ap": 0.1, "am": -0.05, "annealing": 0.5, "t_gap": 0.2 %s},
             %s
             "trainer": {"epochs": 1 %s}}
            """.formatted(n, thr, opt, reg, trainer);
    }

    /** 100 inputs spiking one by one at 0.005·(j+1); with weights 0.5 and θ 20 the neuron fires at 0.205. */
    static final int[] IDX = new int[100];
    static final float[] TS = new float[100];
    static {
        for (int j = 0; j < 100; j++) {
            IDX[j] = j;
            TS[j] = 0.005f * (j + 1);
        }
    }

    /**
     * Two classes, one neuron each; neuron 1 silent; released, n0 fires at the 41st spike. Label 0: U = {0, 1}, n_t = 1, g = 0.2 →
     * T̄ = t_0, n0's target t_0 − 0.1: e = 0.1, so +0.01 on causal inputs, −0.005 on the others.
     */
    static ReadoutTrainer inputDropout(Variant... v) {
        ReadoutTrainer t = trainer(cfg(2, "", "", ", \"dropout_in\": 0.5", 20f), 100, 2, v);
        for (int j = 0; j < 100; j++) t.layer().setWeight(1, j, 0.001f);
        return t;
    }

    @Test
    void inputDropoutHidesSpikesFromTheUpdateOnlyAndTheVariantFromTheForwardPassToo() {
        List<float[]> seen = new ArrayList<>();
        ReadoutTrainer t = inputDropout();
        t.setObserver((y, thr, out, win) -> seen.add(new float[] {out.times[0], out.potentials[0]}));
        t.trainSample(IDX, TS, 100, 0);
        // released (_impl.py forward_fc: mask_in gates in_spks only): every spike drives V
        assertEquals(TS[40], seen.get(0)[0]);
        assertEquals(20.5f, seen.get(0)[1], 1e-4f);
        int ltp = 0, ltd = 0;
        for (int j = 0; j < 100; j++) {
            float w = t.layer().weight(0, j);
            if (j <= 40 && Math.abs(w - 0.51f) < EPS) ltp++;
            else if (Math.abs(w - 0.495f) < EPS) ltd++;
        }
        assertEquals(100, ltp + ltd, "every step is +0.01 (kept causal input) or −0.005");
        assertTrue(ltp >= 8 && ltp <= 33, "about half of the 41 causal inputs kept: " + ltp);

        seen.clear();
        ReadoutTrainer v = inputDropout(Variant.INPUT_DROPOUT_IN_FORWARD);
        v.setObserver((y, thr, out, win) -> seen.add(new float[] {out.times[0], out.potentials[0]}));
        v.trainSample(IDX, TS, 100, 0);
        assertTrue(seen.get(0)[0] > 0.3f, "variant: dropped spikes do not drive V, so the neuron fires later: " + seen.get(0)[0]);
        assertEquals("kit-variant:input-dropout-in-forward", v.semantics());
        assertEquals(ReadoutTrainer.RELEASED, t.semantics());
    }

    /**
     * One class of 4 neurons, S2-STDP without NCG, dropout_out 0.3, θ low enough that every
     * active neuron fires: the dropped ones are the silent ones (t = t_max, V = 0).
     */
    @Test
    void outputDroppedNeuronsStillGetTheS2stdpUpdate() {
        int silentSeen = 0, samples = 400;
        for (Variant[] v : new Variant[][] {{}, {Variant.OUTPUT_DROPOUT_EXCLUDED}}) {
            ReadoutTrainer t = trainer(cfg(4, "", "", ", \"dropout_out\": 0.3", 5f), 100, 1, v);
            boolean[] silent = new boolean[4];
            t.setObserver((y, thr, out, win) -> {
                for (int i = 0; i < 4; i++) silent[i] = out.times[i] == 1f && out.potentials[i] == 0f;
            });
            for (int s = 0; s < samples; s++) {
                for (int i = 0; i < 4; i++) for (int j = 0; j < 100; j++) t.layer().setWeight(i, j, 0.5f);
                t.trainSample(IDX, TS, 100, 0);
                for (int i = 0; i < 4; i++) {
                    if (!silent[i]) continue;
                    silentSeen++;
                    float w0 = t.layer().weight(i, 0), w99 = t.layer().weight(i, 99);
                    if (v.length == 0) {
                        // released: a late target (e > 0) whose inputs are all causal, as it did not fire
                        assertTrue(w0 > 0.5f, "dropped neuron potentiated: " + w0);
                        assertEquals(w0, w99, 0f);
                    } else {
                        assertEquals(0.5f, w0, 0f);
                        assertEquals(0.5f, w99, 0f);
                    }
                }
            }
        }
        assertTrue(silentSeen > 0.2 * 2 * 4 * samples && silentSeen < 0.4 * 2 * 4 * samples, "dropped neuron-samples " + silentSeen);
    }

    /** CR-1 (no floor) over 3 target neurons of class 0, no learning, dropout_out 0.4. */
    @Test
    void outputDroppedNeuronsStillCompeteInTheRegulation() {
        String json = cfg(6, ", \"class_inhib\": true", "\"regularizer\": {\"thr_lr\": 0.3, \"use_two_thr\": false},",
                ", \"dropout_out\": 0.4", 5f).replace("\"ap\": 0.1, \"am\": -0.05", "\"ap\": 0.0, \"am\": 0.0");
        for (Variant[] v : new Variant[][] {{}, {Variant.OUTPUT_DROPOUT_EXCLUDED}}) {
            ReadoutTrainer t = trainer(json, 100, 2, v);
            for (int j = 0; j < 100; j++) t.layer().setWeight(1, j, 0.6f);        // n1 fires first when active
            boolean[] silent = new boolean[6];
            t.setObserver((y, thr, out, w) -> {
                for (int i = 0; i < 6; i++) silent[i] = out.times[i] == 1f && out.potentials[i] == 0f;
            });
            int droppedLosers = 0;
            for (int s = 0; s < 200; s++) {
                float[] before = t.trainThresholds().clone();
                t.trainSample(IDX, TS, 100, 0);
                float[] after = t.trainThresholds();
                int k = 0;
                for (int i = 0; i < 3; i++) if (v.length == 0 || !silent[i]) k++;
                for (int i = 0; i < 3; i++) {
                    float d = after[i] - before[i];
                    boolean counted = v.length == 0 || !silent[i];
                    if (!counted || k < 2) {
                        assertEquals(0f, d, 0f, "variant: a dropped neuron (or a group of < 2) is left alone");
                    } else if (d > 0) {
                        assertEquals(0.3f * (k - 1) / k, d, 1e-5f);
                    } else {
                        assertEquals(-0.3f / k, d, 1e-5f);
                        if (silent[i]) droppedLosers++;
                    }
                }
            }
            if (v.length == 0) assertTrue(droppedLosers > 50, "released: dropped neurons lose the competition " + droppedLosers);
        }
    }

    /**
     * Without NCG, n_t = M (released) vs M − nt_neurons (variant). Two classes × two neurons,
     * nt_neurons 1; only n1 (class 0, target-labelled) fires, at 0.3.
     */
    @Test
    void withoutClassInhibitionTheTargetCountIsTheNeuronsPerClass() {
        String json = cfg(4, "", "", ", \"nt_neurons\": 1", 1f);
        int[] idx = {0, 1, 2};
        float[] ts = {0.1f, 0.3f, 0.5f};
        for (Variant[] v : new Variant[][] {{}, {Variant.NT_TARGET_LABELLED}}) {
            ReadoutTrainer t = trainer(json, 4, 2, v);
            float[][] rows = {{0.2f, 0.2f, 0.5f, 0.5f}, {0.6f, 0.6f, 0.5f, 0.5f}, {0.2f, 0.2f, 0.5f, 0.5f}, {0.2f, 0.2f, 0.5f, 0.5f}};
            for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) t.layer().setWeight(i, j, rows[i][j]);
            t.trainSample(idx, ts, 3, 0);
            // |U| = 4, T̄ = 0.3. Released n_t = 2: g_nt = g_t = 0.1 → n1 e = 0.1, n0 (non-target) e = 1 − 0.4 = 0.6.
            // Variant n_t = 1: g_nt = 0.05, g_t = 0.15 → n1 e = 0.15, n0 e = 0.65.
            float e1 = v.length == 0 ? 0.1f : 0.15f, e0 = v.length == 0 ? 0.6f : 0.65f;
            assertEquals(0.6f + 0.1f * e1, t.layer().weight(1, 0), EPS);
            assertEquals(0.5f - 0.05f * e1, t.layer().weight(1, 3), EPS);
            assertEquals(0.2f + 0.1f * e0, t.layer().weight(0, 0), EPS);
        }
    }

    @Test
    void everyRowIsRenormalisedAfterEveryUpdateLosersToo() {
        // NCG with w_norm: n0 loses class 0 to n1 and is not updated, but its row is rescaled to its target
        String json = cfg(4, ", \"class_inhib\": true", "", "", 1f).replace("\"w_max\": 1.0", "\"w_max\": 1.0, \"w_norm\": true");
        ReadoutTrainer t = trainer(json, 4, 2);
        assertArrayEquals(new float[] {2f, 2f, 2f, 2f}, t.wNorm(), 0f);           // std 0: rows of 0.5
        float[] loser = {0.3f, 0.3f, 0.4f, 0.4f};                                  // L1 1.4, V 0.6 → silent
        for (int j = 0; j < 4; j++) t.layer().setWeight(0, j, loser[j]);
        for (int j = 0; j < 4; j++) t.layer().setWeight(1, j, 0.6f);
        t.trainSample(new int[] {0, 1, 2}, new float[] {0.1f, 0.3f, 0.5f}, 3, 0);
        for (int j = 0; j < 4; j++) assertEquals(loser[j] * (2f / 1.4f), t.layer().weight(0, j), EPS);
        // also when no neuron is updated at all (a± = 0): the rows still go back to their targets
        ReadoutTrainer z = trainer(json.replace("\"ap\": 0.1, \"am\": -0.05", "\"ap\": 0.0, \"am\": 0.0"), 4, 2);
        for (int j = 0; j < 4; j++) z.layer().setWeight(2, j, loser[j]);
        z.trainSample(new int[] {0, 1, 2}, new float[] {0.1f, 0.3f, 0.5f}, 3, 0);
        for (int j = 0; j < 4; j++) assertEquals(loser[j] * (2f / 1.4f), z.layer().weight(2, j), EPS);
    }

    @Test
    void initialWeightsWithTheirTargetsAreTakenAsGivenAndClippedByTheFirstUpdate() {
        String json = cfg(2, "", "", "", 1f).replace("\"w_max\": 1.0", "\"w_max\": 1.0, \"w_norm\": true");
        ReadoutTrainer t = trainer(json, 4, 2);
        float[] w = {0.1f, 0.2f, 0.3f, 1.5f, 0.4f, 0.4f, 0.4f, 0.4f};               // neuron-major; 1.5 > w_max
        t.setInitialWeights(w, new float[] {2.5f, 1.6f});
        assertArrayEquals(w, t.weightsByNeuron(), 0f);
        assertEquals(1.5f, t.layer().weight(0, 3), 0f);
        assertArrayEquals(new float[] {2.5f, 1.6f}, t.wNorm(), 0f);
        // neither neuron fires; n0 (target, e = 0.2) gets +0.02 on every input, n1 (e = 0) nothing;
        // then every row is clipped (1.52 → 1) and rescaled to its target, not clipped again
        t.trainSample(new int[] {0, 1, 2}, new float[] {0.1f, 0.3f, 0.5f}, 3, 0);
        assertEquals(1f * 2.5f / 1.66f, t.layer().weight(0, 3), 1e-5f);
        assertEquals(0.12f * 2.5f / 1.66f, t.layer().weight(0, 0), 1e-5f);
        float s1 = 0;
        for (int j = 0; j < 4; j++) s1 += t.layer().weight(1, j);
        assertEquals(1.6f, s1, 1e-5f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.setInitialWeights(w, null));
        assertTrue(e.getMessage().contains("w_norm"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.setInitialWeights(new float[7], new float[2]));
        assertTrue(e.getMessage().contains("N × D"), e.getMessage());
        ReadoutTrainer plain = trainer(cfg(2, "", "", "", 1f), 4, 2);
        e = assertThrows(IllegalArgumentException.class, () -> plain.setInitialWeights(w, new float[2]));
        assertTrue(e.getMessage().contains("no network.w_norm"), e.getMessage());
    }

    @Test
    void theObserverSeesEveryTrainingForwardPassUntruncated() {
        // R-STDP without CR or statistics stops its forward pass at the first firing; with an observer it does not
        String json = cfg(2, "", "", "", 1f).replace("\"method\": \"s2stdp\"", "\"method\": \"rstdp\"").replace(", \"t_gap\": 0.2", "");
        ReadoutTrainer t = trainer(json, 4, 2);
        for (int j = 0; j < 4; j++) {
            t.layer().setWeight(0, j, 0.6f);
            t.layer().setWeight(1, j, 0.4f);
        }
        List<float[]> times = new ArrayList<>();
        List<Integer> winners = new ArrayList<>();
        t.setObserver((y, thr, out, w) -> {
            times.add(out.times.clone());
            winners.add(w);
            assertFalse(out.truncated);
        });
        int[] idx = {0, 1, 2, 3};
        float[] ts = {0.1f, 0.2f, 0.3f, 0.4f};
        t.trainSample(idx, ts, 4, 1);
        assertEquals(1, times.size());
        assertArrayEquals(new float[] {0.2f, 0.3f}, times.get(0), 0f);             // n1 (V 1.2 at 0.3) fired too
        assertEquals(0, winners.get(0));
        t.setObserver(null);
        t.trainSample(idx, ts, 4, 1);
        assertEquals(1, times.size());
    }
}
