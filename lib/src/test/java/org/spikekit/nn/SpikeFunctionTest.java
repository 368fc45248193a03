package org.spikekit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SpikeFunctionTest {

    @Test
    void surrogateDerivativesEqualFiniteDifferencesOfTheirPrimitives() {
        for (SpikeFunction f : new SpikeFunction[] {SpikeFunction.atan(), SpikeFunction.atan(5f), SpikeFunction.sigmoid(), SpikeFunction.sigmoid(1.5f)}) {
            for (double u = -2; u <= 2; u += 0.05) {
                double h = 1e-3;
                double num = (f.primitive((float) (u + h)) - f.primitive((float) (u - h))) / (2 * h);
                assertEquals(num, f.grad((float) u), 2e-3 * Math.max(1, f.alpha()), f + " at u=" + u);
            }
        }
    }

    @Test
    void atanMatchesSpikingJellyFormulas() {
        SpikeFunction f = SpikeFunction.atan();
        assertEquals(2f, f.alpha());
        assertEquals(1.0, f.grad(0f), 1e-7);                                   // α/2
        double z = Math.PI / 2 * 2 * 0.3;
        assertEquals(1.0 / (1 + z * z), f.grad(0.3f), 1e-6);
        assertEquals(0.5, f.primitive(0f), 1e-7);
        assertEquals(Math.atan(z) / Math.PI + 0.5, f.primitive(0.3f), 1e-6);
        assertEquals(1f, f.fire(0f));                                          // Θ fires at equality
        assertEquals(0f, f.fire(-1e-6f));
        assertEquals(1f, f.fire(-0f));
        assertEquals(1f, f.fire(Float.MAX_VALUE));
        assertEquals(0f, f.fire(-Float.MIN_VALUE));
        assertEquals(f.primitive(0.3f), f.asSmooth().fire(0.3f));
        assertEquals(f, f.asSmooth().asSpiking());
        SpikeFunction s = SpikeFunction.sigmoid();
        assertEquals(4f, s.alpha());
        assertEquals(1.0, s.grad(0f), 1e-7);                                   // α/4
        assertEquals(SpikeFunction.atan(), SpikeFunction.of("ATan"));
        assertEquals(SpikeFunction.sigmoid(), SpikeFunction.of("sigmoid"));
    }

    @Test
    void badValuesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SpikeFunction.of("relu"));
        assertThrows(IllegalArgumentException.class, () -> SpikeFunction.atan(0f));
        assertThrows(IllegalArgumentException.class, () -> new SpikeFunction(null, 2f, false));
    }
}
