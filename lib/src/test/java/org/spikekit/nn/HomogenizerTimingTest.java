package org.spikekit.nn;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/**
 * Forward+backward times of the homogenizer at T = 100, B = 32, vocab 300, about half the rows
 * empty and ≈ 2 spikes per row: {@code SPIKEKIT_TIMING=1 mvn -pl lib test -Dtest=HomogenizerTimingTest}.
 * Skipped otherwise (it measures, it does not check).
 */
class HomogenizerTimingTest {

    @Test
    void forwardBackwardTimes() {
        assumeTrue(System.getenv("SPIKEKIT_TIMING") != null, "set SPIKEKIT_TIMING=1 to measure");
        Backend be = new CpuBackend();
        Homogenizer.Tokens tok = HomogenizerTest.randomTokens(100, 32, 300, 7);
        System.out.printf("tokens: %d rows, %d spikes (%.2f per row), %d empty rows; %s%n",
                tok.rows(), tok.count(), tok.meanPerRow(), tok.emptyRows(), be.deviceName());
        for (Homogenizer.Config c : new Homogenizer.Config[] {Homogenizer.Config.quick(300), Homogenizer.Config.paper(300)}) {
            Homogenizer h = new Homogenizer(be, "homog", c, 1);
            for (boolean training : new boolean[] {true, false}) {
                int reps = c.dim() > 16 ? 8 : 50;
                double[] fwd = new double[reps], all = new double[reps];
                for (int i = -5; i < reps; i++) {
                    Tape t = training ? Tape.training(i + 10) : Tape.evalWithGrad();
                    long t0 = System.nanoTime();
                    Tensor y = h.forward(tok, t);
                    long t1 = System.nanoTime();
                    h.backward(y, t);
                    long t2 = System.nanoTime();
                    if (i >= 0) {
                        fwd[i] = (t1 - t0) / 1e6;
                        all[i] = (t2 - t0) / 1e6;
                    }
                }
                Arrays.sort(fwd);
                Arrays.sort(all);
                System.out.printf("%-6s D %d L %d C %d %-14s forward %.1f ms, forward+backward %.1f ms (median of %d)%n",
                        c.dim() > 16 ? "paper" : "quick", c.dim(), c.latents(), c.channels(),
                        training ? "training" : "evalWithGrad", fwd[reps / 2], all[reps / 2], reps);
            }
        }
    }
}
