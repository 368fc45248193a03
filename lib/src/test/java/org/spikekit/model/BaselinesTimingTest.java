package org.spikekit.model;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;
import org.spikekit.model.Baselines.Kind;
import org.spikekit.nn.Tape;

/**
 * Forward + backward wall time of the baselines at T = 100, B = 32 on the cpu backend: every
 * quick(N = 60) baseline and the paper(100) GRU and LSTM. Off by default (it is a measurement, not a
 * check); run with {@code mvn -pl lib test -Dtest=BaselinesTimingTest -Dspikekit.timing=true}.
 */
@EnabledIfSystemProperty(named = "spikekit.timing", matches = "true")
class BaselinesTimingTest {
    private final Backend be = new CpuBackend();

    private void time(String label, Baselines.Model m, int reps) {
        int t = 100, b = 32, n = m.units();
        float[] x = new float[t * b * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.floor(CounterRng.uniform(1, i) * 2);
        Tensor xt = be.fromHost(x, t, b, n);
        Tensor g = be.zeros(t, b, m.outputs());
        be.fill(g, 1e-3f);
        double[] ms = new double[reps];
        for (int r = -3; r < reps; r++) {  // 3 warm-up runs
            long t0 = System.nanoTime();
            Tape tape = Tape.training(r + 10);
            m.forward(xt, tape);
            m.zeroGrad();
            m.backward(g, tape);
            if (r >= 0) ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("TIMING %-16s params %,10d  fwd+bwd median %8.1f ms (min %8.1f, %d reps, T=100 B=32, %s)%n",
                label, m.numel(), ms[reps / 2], ms[0], reps, be.deviceName());
    }

    @Test
    void forwardBackwardTimes() {
        for (Kind k : Kind.values()) time("quick(60) " + k, Baselines.quick(be, k, 60, 1), 15);
        time("paper(100) GRU", Baselines.paper(be, Kind.GRU, 100, 1), 5);
        time("paper(100) LSTM", Baselines.paper(be, Kind.LSTM, 100, 1), 5);
    }
}
