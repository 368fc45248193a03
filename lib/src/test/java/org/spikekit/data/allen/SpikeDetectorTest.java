package org.spikekit.data.allen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SpikeDetector} on synthetic traces with known spikes, noise and a subthreshold bump. */
class SpikeDetectorTest {
    static final double FS = 20000;

    /** A stand-in-shaped spike with its foot (threshold) at {@code at}. */
    static void spike(float[] v, int at, double foot) {
        double[] s = new double[20];
        s[0] = foot;
        s[1] = foot + 0.2;
        s[2] = foot + 0.25 * (30 - foot);
        s[3] = foot + 0.65 * (30 - foot);
        s[4] = 30;
        for (int j = 5; j < 20; j++) {
            double q = 1 - (j - 4) / 15.0;
            s[j] = -55 + 85 * q * q;
        }
        for (int j = 0; j < 20; j++) v[at + j] = (float) s[j];
        for (int j = 20; j < 200 && at + j < v.length; j++) v[at + j] = (float) (-65 + 10 * Math.exp(-(j - 20) / 40.0));
    }

    @Test
    void findsThresholdsOfKnownSpikesInNoise() {
        float[] v = new float[20000];
        Random r = new Random(5);
        for (int i = 0; i < v.length; i++) v[i] = (float) (-65 + 0.05 * r.nextGaussian());
        int[] at = {1000, 1400, 5000, 12345, 19000};
        for (int a : at) spike(v, a, -45 + r.nextGaussian());
        SpikeDetector.Spikes s = SpikeDetector.detect(v, FS);
        assertArrayEquals(at, s.threshold());
        assertArrayEquals(new int[] {1004, 1404, 5004, 12349, 19004}, s.peak());
        assertEquals(12345 / FS, s.thresholdTimes()[3], 1e-12);
    }

    @Test
    void voltsWithScaleGiveTheSameSpikes() {
        float[] mv = new float[4000], volts = new float[4000];
        java.util.Arrays.fill(mv, -70f);
        spike(mv, 777, -50);
        spike(mv, 2100, -48);
        for (int i = 0; i < mv.length; i++) volts[i] = mv[i] / 1000f;
        assertArrayEquals(new int[] {777, 2100}, SpikeDetector.detect(volts, FS, 1000, SpikeDetector.Config.allen()).threshold());
    }

    @Test
    void subthresholdBumpAndSmallBlipDoNotCount() {
        float[] v = new float[6000];
        java.util.Arrays.fill(v, -65f);
        // a fast (50 mV/ms) rise to -40 mV: crosses 20 mV/ms but peaks below -30 mV
        for (int j = 0; j < 10; j++) v[1000 + j] = (float) (-65 + 2.5 * (j + 1));
        for (int j = 10; j < 200; j++) v[1000 + j] = (float) (-40 - 25 * (1 - Math.exp(-(j - 10) / 30.0)));
        // a blip above -30 mV that is only 1.5 mV high
        for (int i = 1400; i < 2000; i++) v[i] = (float) (-65 + 36 * (i - 1400) / 600.0); // 1.2 mV/ms ramp up to -29 mV
        for (int i = 2000; i < 2600; i++) v[i] = -29f;
        v[2600] = -28f;
        v[2601] = -27.5f;
        for (int i = 2602; i < 3000; i++) v[i] = -29f;
        for (int i = 3000; i < 3600; i++) v[i] = (float) (-29 - 36 * (i - 3000) / 600.0);
        spike(v, 4000, -45);
        assertArrayEquals(new int[] {4000}, SpikeDetector.detect(v, FS).threshold());
    }

    @Test
    void smoothSpikeThresholdIsTheLastSampleBelowFivePercentOfTheUpstroke() {
        // V = -60 + 90·σ((i − 100)/2): max dV/dt at the centre; the threshold is where the slope drops below 5 % of it
        float[] v = new float[400];
        for (int i = 0; i < 200; i++) v[i] = (float) (-60 + 90 / (1 + Math.exp(-(i - 100) / 2.0)));
        for (int i = 200; i < 400; i++) v[i] = (float) (30 - 95 * (1 - Math.exp(-(i - 200) / 5.0)));
        double[] d = new double[399];
        for (int i = 0; i < 399; i++) d[i] = (v[i + 1] - v[i]) * FS / 1000;
        int up = 0;
        for (int i = 0; i < 200; i++) if (d[i] > d[up]) up = i;
        int want = up;
        while (d[want] >= 0.05 * d[up]) want--;
        assertArrayEquals(new int[] {want}, SpikeDetector.detect(v, FS).threshold());
    }

    @Test
    void emptyAndShortTracesHaveNoSpikes() {
        assertEquals(0, SpikeDetector.detect(new float[0], FS).count());
        assertEquals(0, SpikeDetector.detect(new float[] {1, 2}, FS).count());
    }
}
