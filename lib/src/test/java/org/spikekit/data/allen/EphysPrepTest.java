package org.spikekit.data.allen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataException;

/** {@link EphysPrep} on a one-cell {@link AllenStandin}: bit-exact spike trains and the stimulus in pA. */
class EphysPrepTest {
    @TempDir static Path dir;
    static AllenStandin.SimCell cell;
    static Path nwb;

    @BeforeAll
    static void standin() {
        List<AllenStandin.SimCell> cells = AllenStandin.write(dir, new AllenStandin.Config(7, 1, AllenStandin.SWEEP_SECONDS, 3, 1));
        cell = cells.get(0);
        nwb = AllenData.nwb(dir, cell.truth().specimenId());
    }

    static AllenStandin.SimSweep sim(int number) {
        for (AllenStandin.SimSweep s : cell.sweeps()) if (s.sweep().number() == number) return s;
        throw new AssertionError("no sweep " + number);
    }

    /** The generator's spike steps of sweep {@code number} on the prep grid ({@code per} samples of the grid per 0.1-ms step). */
    static float[][] expected(int number, int per, int n) {
        float[][] out = new float[3][n];
        for (int e = 0; e < 3; e++) {
            long start = Math.round(EphysPrep.EPOCH_STARTS_S[e] * 10_000 * per);
            for (int k : sim(number).spikeSteps()) {
                long bin = (long) k * per - start;
                if (bin >= 0 && bin < n) out[e][(int) bin] = 1f;
            }
        }
        return out;
    }

    @Test
    void recoversTheGeneratorsSpikeTrainsAndStimulusExactly() {
        EphysPrep.Cell c = EphysPrep.prepare(nwb, 42, 10_000, 1.0, -70, -45);
        assertEquals(42, c.specimenId());
        assertEquals(-70, c.vrestMv());
        assertEquals(4, c.test().size());
        assertEquals(0.1, c.train().dtMs(), 1e-12);
        assertEquals(10_000, c.train().samples());
        List<EphysPrep.Epochs> all = new ArrayList<>(List.of(c.train()));
        all.addAll(c.test());
        int[] numbers = {20, 30, 31, 32, 33};
        int total = 0;
        for (int j = 0; j < all.size(); j++) {
            EphysPrep.Epochs ep = all.get(j);
            AllenNwb.Sweep sw = sim(numbers[j]).sweep();
            float[][] want = expected(numbers[j], 1, 10_000);
            for (int e = 0; e < 3; e++) {
                assertArrayEquals(want[e], ep.spikes()[e], "sweep " + numbers[j] + " epoch " + e);
                int s0 = (int) Math.round(EphysPrep.EPOCH_STARTS_S[e] * AllenStandin.FS);
                for (int i = 0; i < 10_000; i += 997) {
                    assertEquals(sw.stimulus()[s0 + 2 * i] * 1e12, ep.currentPa()[e][i], 1e-4, "current sweep " + numbers[j]);
                    assertEquals(sw.response()[s0 + 2 * i] * 1e3, ep.voltageMv()[e][i], 1e-4, "voltage sweep " + numbers[j]);
                }
            }
            total += ep.spikeCount();
            // the 1.5x epoch fires in every sweep
            float n15 = 0;
            for (float v : ep.spikes()[2]) n15 += v;
            assertTrue(n15 >= 3, "sweep " + numbers[j] + " 1.5x epoch has " + n15 + " spikes");
        }
        assertTrue(total > 30, "total spikes " + total);
        // the four Noise 2 repeats share the stimulus but not the spikes
        assertArrayEquals(c.test().get(0).currentPa()[1], c.test().get(3).currentPa()[1]);
        assertTrue(!java.util.Arrays.equals(c.test().get(0).spikes()[2], c.test().get(1).spikes()[2]), "repeats should differ");
        // DC of the three epochs: 0.75, 1, 1.5 x amplitude
        double amp = cell.truth().amplitudePa();
        for (int e = 0; e < 3; e++) {
            double m = 0;
            for (float v : c.train().currentPa()[e]) m += v;
            assertEquals(new double[] {0.75, 1, 1.5}[e] * amp, m / 10_000, 0.1 * amp, "epoch " + e + " mean current");
        }
    }

    @Test
    void twentyKilohertzGridBinsTheSameSpikesAtTwiceTheResolution() {
        AllenNwb.Sweep sw = AllenNwb.sweep(nwb, 30);
        EphysPrep.Epochs ep = EphysPrep.epochs(nwb, sw, 20_000, 1.0);
        assertEquals(0.05, ep.dtMs(), 1e-12);
        float[][] want = expected(30, 2, 20_000);
        for (int e = 0; e < 3; e++) assertArrayEquals(want[e], ep.spikes()[e]);
    }

    @Test
    void storedSpikeTimesAreTheGeneratorsSteps() {
        AllenNwb.Sweep sw = AllenNwb.sweep(nwb, 31);
        int[] steps = sim(31).spikeSteps();
        assertEquals(steps.length, sw.storedSpikeTimes().length);
        for (int i = 0; i < steps.length; i++) assertEquals(steps[i] / 10_000.0, sw.storedSpikeTimes()[i], 1e-12);
        int[] det = SpikeDetector.detect(sw.response(), sw.samplingRate(), 1000, SpikeDetector.Config.allen()).threshold();
        int[] want = new int[steps.length];
        for (int i = 0; i < steps.length; i++) want[i] = 2 * steps[i];
        assertArrayEquals(want, det);
    }

    @Test
    void rateThatDoesNotDivideTheSamplingRateIsRefused() {
        AllenNwb.Sweep sw = AllenNwb.sweep(nwb, 20);
        DataException e = assertThrows(DataException.class, () -> EphysPrep.epochs(nwb, sw, 3_000, 1.0));
        assertTrue(e.getMessage().contains("not an integer multiple"), e.getMessage());
        assertTrue(e.getMessage().contains(nwb.toString()), e.getMessage());
    }

    @Test
    void cellsWithoutFourNoise2SweepsOrWithoutNoise1AreRefused(@TempDir Path tmp) {
        AllenNwb.Sweep a = AllenNwbTest.sweep(1, "Noise 1", 10, null);
        Path three = tmp.resolve("three.nwb");
        AllenNwb.write(three, List.of(a, AllenNwbTest.sweep(2, "Noise 2", 10, null), AllenNwbTest.sweep(3, "Noise 2", 10, null),
                AllenNwbTest.sweep(4, "Noise 2", 10, null)), "");
        DataException e = assertThrows(DataException.class, () -> EphysPrep.prepare(three, 1, 10_000, 1, -70, -45));
        assertTrue(e.getMessage().contains("exactly 4"), e.getMessage());
        Path none = tmp.resolve("none.nwb");
        AllenNwb.write(none, List.of(AllenNwbTest.sweep(2, "Noise 2", 10, null)), "");
        e = assertThrows(DataException.class, () -> EphysPrep.prepare(none, 1, 10_000, 1, -70, -45));
        assertTrue(e.getMessage().contains("'Noise 1'"), e.getMessage());
    }

    @Test
    void tooShortSweepIsRefused(@TempDir Path tmp) {
        List<AllenNwb.Sweep> s = new ArrayList<>(List.of(AllenNwbTest.sweep(1, "Noise 1", 1000, null)));
        for (int i = 0; i < 4; i++) s.add(AllenNwbTest.sweep(2 + i, "Noise 2", 1000, null));
        Path f = tmp.resolve("short.nwb");
        AllenNwb.write(f, s, "");
        DataException e = assertThrows(DataException.class, () -> EphysPrep.prepare(f, 1, 10_000, 1, -70, -45));
        assertTrue(e.getMessage().contains("too short") && e.getMessage().contains("/epochs/Sweep_1"), e.getMessage());
    }
}
