package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

/** Golden single-neuron trajectories worked by hand from the equations, and config validation. */
class LifDynamicsTest {
    final Backend be = new CpuBackend();

    private float[][] trajectory(ResetMode reset, LifKernel k, int delay) {
        LifParams lp = LifParams.rsnn().withReset(reset, true).withSynapticDelay(delay);
        RecurrentLifLayer l = new RecurrentLifLayer(be, "n", 1, 1, false, lp, 1L, k);
        be.fill(l.w().value(), 1f);
        be.fill(l.tauMemRaw().value(), Timescales.RAW_FOR_BASE);
        be.fill(l.tauSynRaw().value(), Timescales.RAW_FOR_BASE);
        Tensor x = be.zeros(12, 1, 1);
        be.fill(x, 2f);                                   // constant drive h = 2
        var out = l.forward(x, LifState.zeros(be, 1, 1), false);
        return new float[][] {be.toHost(out.spikes()), be.toHost(out.last().u())};
    }

    @Test
    void constantDriveTrajectoryByHand() {
        for (int delay = 1; delay <= 2; delay++) {
        for (ResetMode reset : ResetMode.values()) {
            for (LifKernel k : new LifKernel[] {new HostLifKernel(be), new ReferenceLifKernel(be)}) {
                double bm = Math.exp(-4.0 / 20), bs = Math.exp(-4.0 / 10);
                double u = 0, i = 0;
                float[][] got = trajectory(reset, k, delay);
                int spikes = 0;
                for (int n = 0; n < 12; n++) {
                    double s = u - 1 > 0 ? 1 : 0;
                    spikes += (int) s;
                    assertEquals(s, got[0][n], 0.0, reset + " " + k.name() + " delay " + delay + " S[" + n + "]");
                    double m = bm * u + (1 - bm) * i;
                    i = bs * i + (delay == 2 && n == 0 ? 0 : 2);   // with delay 2 the drive of step n enters at n + 1
                    u = reset == ResetMode.ZERO ? m * (1 - s) : m - s;
                }
                assertEquals(u, got[1][0], 1e-5, reset + " " + k.name() + " U[12]");
                assertEquals(true, spikes >= 2, "constant drive should fire repeatedly, fired " + spikes);
            }
        }
        }
    }

    @Test
    void firstInputReachesSpikesDelayPlusOneStepsLater() {
        for (int delay = 1; delay <= 2; delay++) {
            RecurrentLifLayer l = new RecurrentLifLayer(be, "n", 1, 1, false, LifParams.rsnn().withSynapticDelay(delay), 1L);
            be.fill(l.w().value(), 100f);
            Tensor x = be.zeros(5, 1, 1);
            be.fill(x.slice0(0), 1f);
            float[] s = be.toHost(l.forward(x, LifState.zeros(be, 1, 1), false).spikes());
            for (int n = 0; n <= delay + 1; n++) {
                assertEquals(n == delay + 1 ? 1f : 0f, s[n], "delay " + delay + ": x[0] first fires the neuron at step " + (delay + 1));
            }
        }
        assertEquals(2, LifParams.rsnn().synapticDelay(), "the RSNN as released: stork's one-step connection delay");
    }

    @Test
    void recurrentSpikeReachesTheOtherNeuronDelayPlusOneStepsLater() {
        // neuron 0 driven to fire at step delay + 1; neuron 1 fed only by neuron 0 through V
        for (int delay = 1; delay <= 2; delay++) {
            RecurrentLifLayer l = new RecurrentLifLayer(be, "n", 1, 2, true, LifParams.rsnn().withSynapticDelay(delay), 1L);
            be.copy(be.fromHost(new float[] {100f, 0f}, 1, 2), l.w().value());
            be.copy(be.fromHost(new float[] {0f, 100f, 0f, 0f}, 2, 2), l.v().value());
            Tensor x = be.zeros(8, 1, 1);
            be.fill(x.slice0(0), 1f);
            float[] s = be.toHost(l.forward(x, LifState.zeros(be, 1, 2), false).spikes());
            int first0 = -1, first1 = -1;
            for (int n = 0; n < 8; n++) {
                if (first0 < 0 && s[2 * n] == 1f) first0 = n;
                if (first1 < 0 && s[2 * n + 1] == 1f) first1 = n;
            }
            assertEquals(delay + 1, first0, "delay " + delay + ": input → spike");
            assertEquals(2 * (delay + 1), first1, "delay " + delay + ": the recurrent loop takes delay + 1 steps");
        }
        assertThrows(IllegalArgumentException.class, () -> LifParams.rsnn().withSynapticDelay(3));
    }

    @Test
    void discretisationAndValidation() {
        Discretised d = LifParams.rsnn().discretised();
        assertEquals(Math.exp(-0.2), d.betaMem(), 1e-12);
        assertEquals(Math.exp(-0.4), d.betaSyn(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> LifParams.rsnn().withTimescales(-1, 1e-2, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> Surrogate.of("nope", 1f));
        assertThrows(IllegalArgumentException.class, () -> Surrogate.superSpike(0f));
        assertEquals(Surrogate.Kind.SUPERSPIKE, Surrogate.of("fast_sigmoid", 20f).kind());
        assertThrows(IllegalArgumentException.class, () -> new RecurrentLifLayer(be, "x", 3, 2, true, LifParams.rsnn(), 1L)
                .forward(be.zeros(2, 1, 4), LifState.zeros(be, 1, 2), false));
    }

    @Test
    void timescaleGradientFlowsToRawParameters() {
        // dβ/dr by central differences of Timescales.betas (float, h = 1e-2)
        Tensor raw = be.fromHost(new float[] {-0.5f, 0.2f, 1.3f}, 3);
        Tensor beta = Timescales.betas(be, raw, 20e-3, 4e-3);
        Tensor g = be.zeros(3), ones = be.zeros(3);
        be.fill(ones, 1f);
        Timescales.backward(be, raw, beta, 20e-3, 4e-3, ones, g);
        float[] r = be.toHost(raw), an = be.toHost(g);
        for (int k = 0; k < 3; k++) {
            double h = 1e-3;
            double sp1 = Math.log1p(Math.exp(r[k] + h)), sm1 = Math.log1p(Math.exp(r[k] - h));
            double fd = (Math.exp(-4e-3 / (20e-3 * sp1)) - Math.exp(-4e-3 / (20e-3 * sm1))) / (2 * h);
            assertEquals(fd, an[k], 1e-4 * Math.abs(fd) + 1e-7, "dβ/dr[" + k + "]");
        }
    }
}
