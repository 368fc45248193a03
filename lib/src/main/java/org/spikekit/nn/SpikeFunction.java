package org.spikekit.nn;

/**
 * The spike nonlinearity of {@link ParametricLif} as a function of the distance to threshold
 * {@code u = H − V_th}, with the surrogate derivative used in its backward pass — SpikingJelly's
 * {@code surrogate.ATan} and {@code surrogate.Sigmoid}, the two surrogates Spikachu's config allows
 * (notebooks/papers/spikachu.md §4.1; {@code surrogate: 'atan'} is the released choice).
 *
 * <p>Forward (spiking kinds): {@code S = Θ(u)} = 1 where {@code u ≥ 0} (SpikingJelly's
 * {@code heaviside} fires at equality), else 0. Backward:
 * <ul>
 *   <li>{@link Kind#ATAN}: {@code α/2 / (1 + (π/2·α·u)²)}, the derivative of the primitive
 *       {@code atan(π/2·α·u)/π + 1/2}; SpikingJelly's default α = 2.</li>
 *   <li>{@link Kind#SIGMOID}: {@code α·σ(αu)(1 − σ(αu))}, the derivative of {@code σ(αu)};
 *       SpikingJelly's default α = 4.</li>
 * </ul>
 *
 * <p>{@link #asSmooth()} gives the SMOOTH test mode of the same kind: the forward is the primitive
 * itself (a value in (0, 1) instead of a spike) and the backward its exact derivative, so the
 * surrogate gradient becomes the true gradient and whole networks can be checked against finite
 * differences.
 *
 * <pre>{@code
 * SpikeFunction f = SpikeFunction.atan();   // α = 2
 * f.fire(0.1f);                             // 1
 * f.grad(0.0f);                             // α/2 = 1
 * }</pre>
 *
 * @param kind   the surrogate family
 * @param alpha  steepness α &gt; 0
 * @param smooth true for the smooth test mode (forward = primitive)
 */
public record SpikeFunction(Kind kind, float alpha, boolean smooth) {

    /** Surrogate families. */
    public enum Kind { ATAN, SIGMOID }

    public SpikeFunction {
        if (kind == null) throw new IllegalArgumentException("SpikeFunction.kind must not be null");
        if (!(alpha > 0) || !Float.isFinite(alpha)) {
            throw new IllegalArgumentException("SpikeFunction.alpha must be finite and > 0, got " + alpha + " for " + kind);
        }
    }

    /** Heaviside forward, ATan surrogate with SpikingJelly's default α = 2 (Spikachu's choice). */
    public static SpikeFunction atan() { return new SpikeFunction(Kind.ATAN, 2f, false); }

    public static SpikeFunction atan(float alpha) { return new SpikeFunction(Kind.ATAN, alpha, false); }

    /** Heaviside forward, sigmoid surrogate with SpikingJelly's default α = 4. */
    public static SpikeFunction sigmoid() { return new SpikeFunction(Kind.SIGMOID, 4f, false); }

    public static SpikeFunction sigmoid(float alpha) { return new SpikeFunction(Kind.SIGMOID, alpha, false); }

    /** By config name as in Spikachu's yaml: {@code atan} or {@code sigmoid} (default α). */
    public static SpikeFunction of(String name) {
        if (name == null) throw new IllegalArgumentException("SpikeFunction: name must be 'atan' or 'sigmoid', got null");
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "atan" -> atan();
            case "sigmoid" -> sigmoid();
            default -> throw new IllegalArgumentException("SpikeFunction: name must be 'atan' or 'sigmoid', got '" + name + "'");
        };
    }

    /** The same kind and α in the smooth test mode (forward = primitive, backward = its derivative). */
    public SpikeFunction asSmooth() { return new SpikeFunction(kind, alpha, true); }

    /** The same kind and α with the Heaviside forward. */
    public SpikeFunction asSpiking() { return new SpikeFunction(kind, alpha, false); }

    /** Forward value: {@code Θ(u)}, or {@link #primitive(float)} in smooth mode. */
    public float fire(float u) {
        return smooth ? primitive(u) : step(u);
    }

    /**
     * {@code Θ(u)} = 1 for {@code u ≥ 0} (−0 included), else 0, without a branch: spikes are
     * data-dependent, so a branch would be mispredicted at every other spike.
     */
    static float step(float u) {
        return 1 - (Float.floatToRawIntBits(u + 0f) >>> 31);
    }

    /** The smooth function whose derivative is the surrogate gradient. */
    public float primitive(float u) {
        return switch (kind) {
            case ATAN -> (float) (Math.atan(Math.PI / 2 * alpha * u) / Math.PI + 0.5);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-(double) alpha * u)));
        };
    }

    /** Backward: the surrogate derivative dS/du at {@code u} (the exact derivative of the primitive). */
    public float grad(float u) {
        return switch (kind) {
            case ATAN -> {
                float z = (float) (Math.PI / 2) * alpha * u;
                yield alpha / 2f / (1f + z * z);
            }
            case SIGMOID -> {
                double s = 1.0 / (1.0 + Math.exp(-(double) alpha * u));
                yield (float) (alpha * s * (1 - s));
            }
        };
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "(α=" + alpha + (smooth ? ", smooth" : "") + ")";
    }
}
