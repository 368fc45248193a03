package org.spikekit.neuron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link SurrogateLanes} against the scalar {@link Surrogate#grad} and {@link Math#exp}. */
class SurrogateLanesTest {

    static final List<Surrogate> ALL = List.of(Surrogate.multiGaussian(0.5f), Surrogate.superSpike(20f), Surrogate.sigmoid(5f),
            Surrogate.smoothSigmoid(3f), Surrogate.triangle(0.5f), Surrogate.boxcar(0.5f), Surrogate.multiGaussian(0.1f));

    /** Differing values (float bits) between lanes and scalar over {@code x}; fails if any differs by more than 1 ulp. */
    static int differing(Surrogate s, float[] x) {
        float[] out = new float[x.length];
        double[] work = new double[SurrogateLanes.WORK];
        // odd offsets and lengths exercise the chunk and lane remainders
        for (int i = 0, len = 1; i < x.length; i += len, len = len % 300 + 37) {
            SurrogateLanes.grad(s, x, i, out, i, Math.min(len, x.length - i), work);
        }
        int diff = 0;
        for (int i = 0; i < x.length; i++) {
            float want = s.grad(x[i]);
            int a = Float.floatToIntBits(want), b = Float.floatToIntBits(out[i]);
            if (a == b) continue;
            diff++;
            assertTrue(Math.abs(a - b) == 1 && Float.isFinite(want), s + " at x = " + x[i] + ": scalar " + want + ", lanes " + out[i]);
        }
        return diff;
    }

    @Test
    void sameBitsAsTheScalarSurrogate() {
        SplittableRandom r = new SplittableRandom(11);
        float[] x = new float[1 << 20];
        for (int i = 0; i < x.length; i++) x[i] = (float) (i % 2 == 0 ? r.nextDouble(-8, 8) : r.nextGaussian() * 0.3);
        for (Surrogate s : ALL) {
            int d = differing(s, x);
            // exp-free kinds are exact; the exp polynomial is within an ulp (double) of Math.exp, which
            // moves a float result only next to a rounding boundary: none seen over 2^24 values
            assertTrue(d <= x.length >>> 16, s + ": " + d + " of " + x.length + " values differ from the scalar surrogate");
            if (s.kind() == Surrogate.Kind.SUPERSPIKE || s.kind() == Surrogate.Kind.TRIANGLE || s.kind() == Surrogate.Kind.BOXCAR) {
                assertEquals(0, d, s + " has no exp, so lanes and scalar must agree exactly");
            }
        }
    }

    @Test
    void edgeValuesAsTheScalarSurrogate() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1e10f, -1e10f, 1e5f, -1e5f, 300f, -300f, 150f, -150f, 40f, -40f, 20f, -20f,
                19.3f, -27.3f, 0.5f, -0.5f, 1e-30f, -1e-30f, 3f, -3f};
        for (Surrogate s : ALL) {
            float[] out = new float[x.length];
            SurrogateLanes.grad(s, x, 0, out, 0, x.length, new double[SurrogateLanes.WORK]);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(s.grad(x[i])), Float.floatToIntBits(out[i]), s + " at x = " + x[i]);
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> SurrogateLanes.grad(Surrogate.multiGaussian(0.5f), x, 0, new float[x.length], 0, x.length, new double[8]));
    }

    @Test
    void sameBitsBeforeAndAfterWarmUp() {
        float[] x = new float[3 * SurrogateLanes.CHUNK + 5];
        for (int i = 0; i < x.length; i++) x[i] = (i * 0.7548776f % 1f - 0.5f) * 12f;
        double[] work = new double[SurrogateLanes.WORK];
        for (Surrogate s : ALL) {
            float[] cold = new float[x.length], warm = new float[x.length];
            SurrogateLanes.grad(s, x, 0, cold, 0, x.length, work);
            for (int w = 0; w < 3_000; w++) SurrogateLanes.grad(s, x, 0, warm, 0, x.length, work);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(cold[i]), Float.floatToIntBits(warm[i]), s + " at " + x[i] + ": cold vs after warm-up");
            }
        }
    }

    @Test
    void expWithinOneUlpOfMathExp() {
        SplittableRandom r = new SplittableRandom(5);
        int lanes = SurrogateLanes.DS.length();
        double[] x = new double[(1 << 18) / lanes * lanes];
        for (int i = 0; i < x.length; i++) x[i] = i % 3 == 0 ? r.nextDouble(-760, 720) : r.nextDouble(-20, 20);
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -0.0, 709.78, 709.79, 710, -745.1,
                -745.2, -708.4, -720, 1e-300, -1e-300, 1, -1, Math.log(2), 0.5 * Math.log(2), -0.5 * Math.log(2)};
        System.arraycopy(special, 0, x, 0, special.length);
        double[] y = x.clone();
        SurrogateLanes.expInPlace(y, 0, y.length);
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i]);
            if (Double.isNaN(want) || Double.isInfinite(want) || want == 0) {
                assertEquals(want, y[i], 0, "exp(" + x[i] + ")");
            } else {
                assertTrue(Math.abs(y[i] - want) <= Math.ulp(want), "exp(" + x[i] + ") = " + y[i] + ", Math.exp " + want);
            }
        }
    }
}
