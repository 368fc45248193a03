package org.spikekit.neuron;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loop of {@link SnnTorchLeaky#forward} for the step spike ({@link Surrogate.Forward#STEP}):
 * lane by lane the float operations of {@link SnnTorchLeaky#next} and the spike, in the same order
 * ({@code β·U + I}, the reset flag {@code Θ(U − θ)} as 0 or 1 multiplied in, {@code Θ(U − θ)} of the
 * new membrane), so the results are bit-identical to the scalar loop. Only loaded when
 * {@code jdk.incubator.vector} is in the JVM ({@link org.spikekit.compute.VectorApi}).
 */
final class SnnTorchLeakyKernels {
    private SnnTorchLeakyKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /**
     * Steps of {@link SnnTorchLeaky#forward} of neuron {@code n} (step spike); {@code spk} may be null.
     * The last {@code width mod lanes} neurons of each step go through {@link SnnTorchLeaky#next} itself.
     */
    static void forwardStep(SnnTorchLeaky n, float[] cur, int steps, int width, float[] mem, float[] spk) {
        final float beta = n.beta(), th = n.threshold();
        final SnnTorchLeaky.Reset reset = n.reset();
        final int bound = S.loopBound(width);
        final FloatVector zero = FloatVector.zero(S);
        for (int s = 0; s < steps; s++) {
            final int o = s * width, p = o - width;
            int k = 0;
            for (; k < bound; k += S.length()) {
                FloatVector prev = s == 0 ? zero : FloatVector.fromArray(S, mem, p + k);
                FloatVector a = prev.mul(beta).add(FloatVector.fromArray(S, cur, o + k));
                FloatVector u;
                if (reset == SnnTorchLeaky.Reset.NONE) {
                    u = a;
                } else {
                    FloatVector r = zero.blend(1f, prev.sub(th).compare(VectorOperators.GT, 0f));
                    u = reset == SnnTorchLeaky.Reset.SUBTRACT ? a.sub(r.mul(th)) : a.sub(r.mul(a));
                }
                u.intoArray(mem, o + k);
                if (spk != null) {
                    VectorMask<Float> fired = u.sub(th).compare(VectorOperators.GT, 0f);
                    zero.blend(1f, fired).intoArray(spk, o + k);
                }
            }
            for (; k < width; k++) {
                float u = n.next(s == 0 ? 0f : mem[p + k], cur[o + k]);
                mem[o + k] = u;
                if (spk != null) spk[o + k] = n.spike().spike(u - th);
            }
        }
    }
}
