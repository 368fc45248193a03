package org.spikekit.data.reaching;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReachGeneratorTest {
    static final ReachGenerator.Config QUICK = ReachGenerator.Config.indyLike().withDurationS(30);

    @Test
    void deterministicForASeed() {
        ReachSession a = ReachGenerator.generate("indy_x", QUICK);
        ReachSession b = ReachGenerator.generate("indy_x", QUICK);
        assertArrayEquals(a.t(), b.t());
        assertTrue(Arrays.deepEquals(a.cursorPos(), b.cursorPos()));
        assertTrue(Arrays.deepEquals(a.targetPos(), b.targetPos()));
        assertTrue(Arrays.deepEquals(a.spikeTimes(), b.spikeTimes()));
        assertEquals(a.generator(), b.generator());
        ReachSession c = ReachGenerator.generate("indy_x", QUICK.withSeed(2));
        assertFalse(Arrays.deepEquals(a.cursorPos(), c.cursorPos()));
        assertFalse(Arrays.deepEquals(a.spikeTimes(), c.spikeTimes()));
    }

    @Test
    void generatorStringHasEveryParameterAndSeed() {
        String g = ReachGenerator.generate("indy_x", QUICK.withSeed(77)).generator();
        assertTrue(g.startsWith("org.spikekit.data.ReachGenerator v1"), g);
        for (var comp : ReachGenerator.Config.class.getRecordComponents()) {
            assertTrue(g.contains(comp.getName() + "="), comp.getName() + " missing in " + g);
        }
        assertTrue(g.contains("seed=77"), g);
    }

    @Test
    void channelsNamesSlotsAndSignals() {
        ReachSession indy = ReachGenerator.generate("indy_x", QUICK);
        assertEquals(96, indy.channels());
        assertEquals(5, indy.unitSlots());
        assertEquals("M1 001", indy.channelNames().get(0));
        assertEquals("M1 096", indy.channelNames().get(95));
        assertEquals(7500, indy.samples());
        ReachSession loco = ReachGenerator.generate("loco_x", ReachGenerator.Config.locoLike().withDurationS(10));
        assertEquals(192, loco.channels());
        assertEquals("M1 096", loco.channelNames().get(95));
        assertEquals("S1 001", loco.channelNames().get(96));
        assertEquals("S1 096", loco.channelNames().get(191));
        // 250 Hz clock, finger consistent with the cursor, targets on the grid, cursor near the workspace
        double[] t = indy.t();
        assertEquals(0.004, t[1] - t[0], 1e-12);
        assertEquals(t[0] + 7499 * 0.004, t[7499], 1e-9);
        int changes = 0;
        for (int i = 0; i < indy.samples(); i++) {
            assertEquals(indy.cursorPos()[0][i], -10 * indy.fingerPos()[1][i], 1e-9);
            assertEquals(indy.cursorPos()[1][i], -10 * indy.fingerPos()[2][i], 1e-9);
            assertTrue(Math.abs(indy.cursorPos()[0][i]) < 95 && Math.abs(indy.cursorPos()[1][i]) < 95);
            double gx = (indy.targetPos()[0][i] + 80) / (160.0 / 7);
            assertEquals(Math.round(gx), gx, 1e-9);
            if (i > 0 && indy.targetPos()[0][i] != indy.targetPos()[0][i - 1] || i > 0 && indy.targetPos()[1][i] != indy.targetPos()[1][i - 1]) changes++;
        }
        // self-paced reaches: roughly one per 0.9-2 s
        assertTrue(changes > 30 / 2.0 && changes < 30 / 0.7, "reaches in 30 s: " + changes);
        // spikes sorted and inside the recording
        for (double[][] slot : indy.spikeTimes()) {
            for (double[] cell : slot) {
                for (int j = 0; j < cell.length; j++) {
                    assertTrue(cell[j] >= t[0] && cell[j] < t[7499] + 0.004);
                    if (j > 0) assertTrue(cell[j] - cell[j - 1] >= QUICK.refractoryS() - 1e-12);
                }
            }
        }
    }

    @Test
    void ratesAreRealistic() {
        ReachSession s = ReachGenerator.generate("indy_x", QUICK);
        double dur = s.samples() * 0.004;
        double sum = 0, hash = 0;
        int units = 0, hashUnits = 0, sorted = 0;
        for (int u = 0; u < 5; u++) {
            for (int c = 0; c < 96; c++) {
                double[] cell = s.spikeTimes()[u][c];
                if (ReachGenerator.unit(QUICK, c, u) == null) {
                    assertEquals(0, cell.length);
                    continue;
                }
                double r = cell.length / dur;
                sum += r;
                units++;
                if (u == 0) { hash += r; hashUnits++; } else sorted++;
            }
        }
        double mean = sum / units;
        assertTrue(mean > 5 && mean < 40, "mean unit rate " + mean);
        assertTrue(hashUnits > 80 && sorted > 100 && sorted < 300, "hash " + hashUnits + " sorted " + sorted);
        assertTrue(hash / hashUnits > 5 && hash / hashUnits < 40, "hash rate " + hash / hashUnits);
    }

    @Test
    void velocityIsLinearlyDecodable() {
        // 2-minute session, 100 ms trailing counts, least squares on the first 60 %, R² on the rest
        ReachSession s = ReachGenerator.generate("indy_x", ReachGenerator.Config.indyLike());
        var pr = PrimateReaching.of(s, PrimateReaching.Options.defaults().withBinWidth(0.1));
        int n = pr.steps(), f = pr.features(), cut = (int) (0.6 * n);
        int p = f + 1;
        double[][] xtx = new double[p][p];
        double[][] xty = new double[p][2];
        double[] row = new double[p];
        for (int i = 0; i < cut; i += 2) {
            fill(pr, i, row);
            for (int a = 0; a < p; a++) {
                if (row[a] == 0) continue;
                for (int b = 0; b < p; b++) xtx[a][b] += row[a] * row[b];
                xty[a][0] += row[a] * pr.label(0, i);
                xty[a][1] += row[a] * pr.label(1, i);
            }
        }
        for (int a = 0; a < p; a++) xtx[a][a] += 1.0;
        double[][] w = solve(xtx, xty);
        double r2 = 0;
        for (int d = 0; d < 2; d++) {
            double mean = 0, ss = 0, se = 0;
            for (int i = cut; i < n; i++) mean += pr.label(d, i);
            mean /= n - cut;
            for (int i = cut; i < n; i++) {
                fill(pr, i, row);
                double yh = 0;
                for (int a = 0; a < p; a++) yh += row[a] * w[a][d];
                double y = pr.label(d, i);
                se += (y - yh) * (y - yh);
                ss += (y - mean) * (y - mean);
            }
            r2 += 0.5 * (1 - se / ss);
        }
        assertTrue(r2 > 0.3, "held-out R² " + r2);
    }

    private static void fill(PrimateReaching pr, int i, double[] row) {
        for (int c = 0; c < pr.features(); c++) row[c] = pr.sample(c, i);
        row[pr.features()] = 1;
    }

    /** Gaussian elimination with partial pivoting, A X = B. */
    private static double[][] solve(double[][] a, double[][] b) {
        int n = a.length, m = b[0].length;
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
            double[] tmp = a[col]; a[col] = a[piv]; a[piv] = tmp;
            tmp = b[col]; b[col] = b[piv]; b[piv] = tmp;
            for (int r = col + 1; r < n; r++) {
                double fct = a[r][col] / a[col][col];
                for (int c = col; c < n; c++) a[r][c] -= fct * a[col][c];
                for (int c = 0; c < m; c++) b[r][c] -= fct * b[col][c];
            }
        }
        double[][] x = new double[n][m];
        for (int r = n - 1; r >= 0; r--) {
            for (int c = 0; c < m; c++) {
                double s = b[r][c];
                for (int k = r + 1; k < n; k++) s -= a[r][k] * x[k][c];
                x[r][c] = s / a[r][r];
            }
        }
        return x;
    }

    @Test
    void tuningDriftsSlowlyAcrossDays() {
        var c0 = ReachGenerator.Config.indyLike();
        double near = 0, far = 0;
        int nn = 0, nf = 0;
        for (int ch = 0; ch < 96; ch++) {
            var u0 = ReachGenerator.unit(c0, ch, 0);
            var u8 = ReachGenerator.unit(c0.withDay(8), ch, 0);
            var u300 = ReachGenerator.unit(c0.withDay(300), ch, 0);
            if (u0 == null) continue;
            near += u0.pdX() * u8.pdX() + u0.pdY() * u8.pdY();
            far += u0.pdX() * u300.pdX() + u0.pdY() * u300.pdY();
            nn++;
            nf++;
        }
        near /= nn;
        far /= nf;
        assertTrue(near > 0.95, "mean cos(ΔPD) over 8 days " + near);
        assertTrue(far < near - 0.03, "300 days " + far + " vs 8 days " + near);
        // the same monkey and day give the same tuning whatever the session seed
        assertEquals(ReachGenerator.unit(c0.withSeed(5), 3, 0), ReachGenerator.unit(c0.withSeed(9), 3, 0));
    }

    @Test
    void neuroBenchSessions() {
        assertEquals(6, ReachGenerator.NEUROBENCH_SESSIONS.size());
        var i1 = ReachGenerator.neuroBenchConfig("indy_20160622_01", ReachGenerator.Mode.QUICK);
        var i3 = ReachGenerator.neuroBenchConfig("indy_20170131_02", ReachGenerator.Mode.FULL);
        var l1 = ReachGenerator.neuroBenchConfig("loco_20170210_03", ReachGenerator.Mode.QUICK);
        assertEquals(76, i1.day());
        assertEquals(299, i3.day());
        assertEquals(0, l1.day());
        assertEquals(96, i1.channels());
        assertEquals(192, l1.channels());
        assertEquals(120.0, i1.durationS());
        assertEquals(600.0, i3.durationS());
        assertNotEquals(i1.seed(), i3.seed());
        assertEquals(i1.monkeySeed(), i3.monkeySeed());
        assertNotEquals(i1.monkeySeed(), l1.monkeySeed());
        var e = assertThrows(IllegalArgumentException.class, () -> ReachGenerator.neuroBenchConfig("rat_20160622_01", ReachGenerator.Mode.QUICK));
        assertTrue(e.getMessage().contains("indy_20160622_01"), e.getMessage());
    }

    @Test
    void badConfigsNameTheField() {
        var c = ReachGenerator.Config.indyLike();
        var e = assertThrows(IllegalArgumentException.class, () -> c.withDurationS(0.5));
        assertTrue(e.getMessage().contains("durationS"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.withChannels(0, 0));
        assertTrue(e.getMessage().contains("m1Channels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.withDay(-1));
        assertTrue(e.getMessage().contains("day"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.withMonkey("Indy!", 1));
        assertTrue(e.getMessage().contains("monkey"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.withDurationS(Double.NaN));
        assertTrue(e.getMessage().contains("durationS"), e.getMessage());
    }
}
