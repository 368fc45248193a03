package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Event ordering and the original's quirks (notebooks/papers/spikenn.md §4.1). One neuron unless stated. */
class SingleSpikeLayerTest {
    static SingleSpikeLayer.Output run(SingleSpikeLayer l, int[] idx, float[] ts, float thr) {
        SingleSpikeLayer.Output o = new SingleSpikeLayer.Output(l.neurons());
        float[] th = new float[l.neurons()];
        java.util.Arrays.fill(th, thr);
        l.forward(idx, ts, 0, idx.length, th, null, false, o);
        return o;
    }

    static SingleSpikeLayer layer(float[] tau, float... w) {
        SingleSpikeLayer l = new SingleSpikeLayer(w.length, 1, tau, 1f);
        for (int j = 0; j < w.length; j++) l.setWeight(0, j, w[j]);
        return l;
    }

    @Test
    void spikesSharingATimestampAreIntegratedBeforeTheCheck() {
        SingleSpikeLayer l = layer(null, 0.6f, 0.6f, 0f);
        // j0 and j1 both at 0.2: V = 1.2 > 1 is seen at the check of t = 0.5 → fires at 0.2
        SingleSpikeLayer.Output o = run(l, new int[] {0, 1, 2}, new float[] {0.2f, 0.2f, 0.5f}, 1f);
        assertEquals(0.2f, o.times[0]);
        assertEquals(1.2f, o.potentials[0], 1e-6f);
        // j1 later at 0.3: fires at 0.3 (the time before the advance that revealed the crossing)
        o = run(l, new int[] {0, 1, 2}, new float[] {0.2f, 0.3f, 0.5f}, 1f);
        assertEquals(0.3f, o.times[0]);
    }

    @Test
    void theLastSpikeCanNeverCauseAFiring() {
        SingleSpikeLayer l = layer(null, 0.6f, 0.6f, 0.1f);
        SingleSpikeLayer.Output o = run(l, new int[] {0, 1}, new float[] {0.2f, 0.3f}, 1f);
        assertEquals(1f, o.times[0]);                 // V = 1.2 after the last spike, but no check follows
        assertEquals(1.2f, o.potentials[0], 1e-6f);
        assertEquals(0, o.fired);
        // the last spike triggers a check before its own integration even at an unchanged time:
        // j1 and j2 both at 0.3, the check at j2 sees V = 1.2 (j2 not yet added) → fires at 0.3
        o = run(l, new int[] {0, 1, 2}, new float[] {0.2f, 0.3f, 0.3f}, 1f);
        assertEquals(0.3f, o.times[0]);
        assertEquals(1.2f, o.potentials[0], 1e-6f);
    }

    @Test
    void thresholdIsStrict() {
        SingleSpikeLayer l = layer(null, 0.5f, 0.5f, 0f);
        assertEquals(1f, run(l, new int[] {0, 1, 2}, new float[] {0.1f, 0.2f, 0.3f}, 1f).times[0]);       // V == θ
        assertEquals(0.2f, run(l, new int[] {0, 1, 2}, new float[] {0.1f, 0.2f, 0.3f}, 0.999f).times[0]);
    }

    @Test
    void aSpikeAtTMaxTriggersItsCheckThenStopsTheSimulation() {
        // the original's forward_fc checks first and breaks after (earlier kit: broke before the
        // check, so a crossing revealed only by the t_max spike was lost)
        SingleSpikeLayer l = layer(null, 0.6f, 0.6f, 0.5f, 0.5f);
        SingleSpikeLayer.Output o = run(l, new int[] {0, 1, 2, 3}, new float[] {0.1f, 0.2f, 1f, 1f}, 1f);
        assertEquals(0.2f, o.times[0]);               // V = 1.2 seen at the check the spike at 1.0 triggers
        l = layer(null, 0.6f, 0.3f, 0.5f, 0.5f);
        o = run(l, new int[] {0, 1, 2, 3}, new float[] {0.1f, 0.2f, 1f, 1f}, 1f);
        assertEquals(1f, o.times[0]);                 // V = 0.9 at that check; the spikes at 1.0 are never integrated
        assertEquals(0.9f, o.potentials[0], 1e-6f);
        o = run(l, new int[] {0, 1, 2, 3}, new float[] {0.1f, 0.2f, 0.9f, 0.95f}, 1f);
        assertEquals(0.9f, o.times[0]);               // without the stop: V = 1.4 fires at 0.9
    }

    @Test
    void lifDecaysBeforeTheCheckAndAssignsThePreviousTime() {
        float[] tau = {1f};
        SingleSpikeLayer l = layer(tau, 1f, 0f, 0f);
        // V = 1 at t = 0; at t = 0.5 it has decayed to e^-0.5 = 0.6065 before the check
        SingleSpikeLayer.Output o = run(l, new int[] {0, 1, 2}, new float[] {0f, 0.5f, 0.7f}, 0.7f);
        assertEquals(1f, o.times[0]);                 // an IF neuron would fire at 0 here
        assertEquals((float) (Math.exp(-0.5) * Math.exp(-0.2)), o.potentials[0], 1e-6f);
        o = run(l, new int[] {0, 1, 2}, new float[] {0f, 0.5f, 0.7f}, 0.6f);
        assertEquals(0f, o.times[0]);                 // crossing seen after the decay, time t_prev = 0
        assertEquals((float) Math.exp(-0.5), o.potentials[0], 1e-6f);
        SingleSpikeLayer ifl = layer(null, 1f, 0f, 0f);
        assertEquals(0f, run(ifl, new int[] {0, 1, 2}, new float[] {0f, 0.5f, 0.7f}, 0.7f).times[0]);
    }

    @Test
    void firedNeuronsKeepTheirPotentialAndStopIntegrating() {
        SingleSpikeLayer l = new SingleSpikeLayer(3, 2, null, 1f);
        l.setWeight(0, 0, 2f);
        l.setWeight(0, 1, 5f);
        l.setWeight(1, 0, 0.5f);
        l.setWeight(1, 1, 0.2f);
        SingleSpikeLayer.Output o = run(l, new int[] {0, 1, 2}, new float[] {0.1f, 0.2f, 0.3f}, 1f);
        assertEquals(0.1f, o.times[0]);
        assertEquals(2f, o.potentials[0]);            // not 7: frozen at its firing check
        assertEquals(1f, o.times[1]);
        assertEquals(0.7f, o.potentials[1], 1e-6f);
    }

    @Test
    void silencedNeuronsNeitherFireNorWin() {
        SingleSpikeLayer l = new SingleSpikeLayer(3, 2, null, 1f);
        l.setWeight(0, 0, 2f);
        l.setWeight(1, 0, 1.5f);
        SingleSpikeLayer.Output o = new SingleSpikeLayer.Output(2);
        l.forward(new int[] {0, 1, 2}, new float[] {0.1f, 0.2f, 0.3f}, 0, 3, new float[] {1f, 1f}, new boolean[] {true, false}, false, o);
        assertEquals(1f, o.times[0]);
        assertEquals(0f, o.potentials[0]);
        assertEquals(0.1f, o.times[1]);
        assertEquals(1, SingleSpikeLayer.winner(o.times, o.potentials, 0, 2, new boolean[] {true, false}));
    }

    @Test
    void decisionRuleTies() {
        // earliest time wins
        assertEquals(2, SingleSpikeLayer.winner(new float[] {0.5f, 0.4f, 0.3f}, new float[] {9f, 9f, 1f}, 0, 3, null));
        // same time: larger V
        assertEquals(1, SingleSpikeLayer.winner(new float[] {0.3f, 0.3f, 0.5f}, new float[] {1.1f, 1.2f, 9f}, 0, 3, null));
        // same time and V: lower index
        assertEquals(0, SingleSpikeLayer.winner(new float[] {0.3f, 0.3f}, new float[] {1.2f, 1.2f}, 0, 2, null));
        // nothing fired: largest V
        assertEquals(2, SingleSpikeLayer.winner(new float[] {1f, 1f, 1f}, new float[] {0.2f, 0.1f, 0.3f}, 0, 3, null));
        // a range (one NCG) and exclusions
        assertEquals(3, SingleSpikeLayer.winner(new float[] {0.1f, 0.3f, 0.3f, 0.3f}, new float[] {5f, 1f, 2f, 3f}, 1, 4, null));
        assertEquals(-1, SingleSpikeLayer.winner(new float[] {0.1f}, new float[] {1f}, 0, 1, new boolean[] {true}));
    }

    @Test
    void stopAtFirstGivesTheSameWinner() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        SingleSpikeLayer l = new SingleSpikeLayer(200, 20, null, 1f);
        for (int i = 0; i < 20; i++) for (int j = 0; j < 200; j++) l.setWeight(i, j, (float) r.nextDouble());
        for (int trial = 0; trial < 50; trial++) {
            int n = 60;
            int[] idx = new int[n];
            float[] ts = new float[n];
            for (int k = 0; k < n; k++) {
                idx[k] = r.nextInt(200);
                ts[k] = (float) Math.floor(r.nextDouble() * 20) / 20f;      // many equal times
            }
            float[][] pair = sortByTime(idx, ts);
            float[] th = new float[20];
            java.util.Arrays.fill(th, 8f);
            SingleSpikeLayer.Output a = new SingleSpikeLayer.Output(20), b = new SingleSpikeLayer.Output(20);
            int[] si = new int[n];
            for (int k = 0; k < n; k++) si[k] = (int) pair[0][k];
            l.forward(si, pair[1], 0, n, th, null, false, a);
            l.forward(si, pair[1], 0, n, th, null, true, b);
            assertEquals(SingleSpikeLayer.winner(a.times, a.potentials, 0, 20, null), SingleSpikeLayer.winner(b.times, b.potentials, 0, 20, null));
            assertTrue(a.fired >= b.fired);
            assertFalse(a.truncated);
        }
    }

    private static float[][] sortByTime(int[] idx, float[] ts) {
        Integer[] ord = new Integer[idx.length];
        for (int k = 0; k < ord.length; k++) ord[k] = k;
        java.util.Arrays.sort(ord, (x, y) -> Float.compare(ts[x], ts[y]));
        float[][] out = new float[2][idx.length];
        for (int k = 0; k < ord.length; k++) {
            out[0][k] = idx[ord[k]];
            out[1][k] = ts[ord[k]];
        }
        return out;
    }

    /**
     * The layer's event loops (one vector, four vectors or the general loop, by N) give the bits of
     * a plain scalar replay of the class javadoc's rules: random weights and thresholds, equal-time
     * groups, silenced neurons, stopAtFirst, and a per-neuron weight scale.
     */
    @Test
    void everyEventLoopMatchesAScalarReplay() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        for (int n : new int[] {1, 10, 16, 17, 50, 64, 65, 200}) {
            int d = 97;
            SingleSpikeLayer l = new SingleSpikeLayer(d, n, null, 1f);
            float[] w = l.weights();
            for (int k = 0; k < w.length; k++) w[k] = (float) (r.nextDouble() * 0.2 - 0.02);
            for (int trial = 0; trial < 30; trial++) {
                int c = 1 + r.nextInt(d);
                int[] idx = new int[c];
                float[] ts = new float[c];
                for (int k = 0; k < c; k++) {
                    idx[k] = r.nextInt(d);
                    ts[k] = r.nextInt(40) / 40f;                        // many equal times
                }
                java.util.Arrays.sort(ts);
                float[] thr = new float[n], scale = trial % 3 == 0 ? new float[n] : null;
                boolean[] sil = trial % 4 == 1 ? new boolean[n] : null;
                for (int i = 0; i < n; i++) {
                    thr[i] = (float) (r.nextDouble() * c * 0.06);
                    if (scale != null) scale[i] = (float) (0.5 + r.nextDouble());
                    if (sil != null) sil[i] = r.nextInt(3) == 0;
                }
                boolean first = trial % 2 == 0;
                SingleSpikeLayer.Output got = new SingleSpikeLayer.Output(n);
                l.forward(idx, ts, 0, c, thr, sil, first, got, scale);
                // scalar replay
                float[] v = new float[n], te = new float[n], tOut = new float[n], vOut = new float[n];
                int active = 0;
                for (int i = 0; i < n; i++) {
                    boolean off = sil != null && sil[i];
                    te[i] = off ? Float.POSITIVE_INFINITY : thr[i];
                    tOut[i] = 1f;
                    vOut[i] = off ? 0f : Float.NaN;
                    if (!off) active++;
                }
                int fired = 0;
                boolean truncated = false;
                float tPrev = ts[0];
                for (int k = 0; k < c; k++) {
                    if (ts[k] != tPrev || k == c - 1) {
                        int now = 0;
                        for (int i = 0; i < n; i++) {
                            if (v[i] > te[i]) {
                                tOut[i] = tPrev;
                                vOut[i] = v[i];
                                te[i] = Float.POSITIVE_INFINITY;
                                now++;
                            }
                        }
                        tPrev = ts[k];
                        fired += now;
                        active -= now;
                        if (now > 0 && active == 0) break;
                        if (now > 0 && first) {
                            truncated = true;
                            break;
                        }
                    }
                    if (ts[k] >= 1f) break;
                    for (int i = 0; i < n; i++) v[i] += scale == null ? w[idx[k] * n + i] : w[idx[k] * n + i] * scale[i];
                }
                for (int i = 0; i < n; i++) if (Float.isNaN(vOut[i])) vOut[i] = v[i];
                String at = "N " + n + " trial " + trial;
                assertEquals(fired, got.fired, at);
                assertEquals(truncated, got.truncated, at);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(tOut[i]), Float.floatToRawIntBits(got.times[i]), at + " time " + i);
                    assertEquals(Float.floatToRawIntBits(vOut[i]), Float.floatToRawIntBits(got.potentials[i]), at + " potential " + i);
                }
            }
        }
    }
}
