package org.spikekit.neuron;

import java.util.Locale;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;

/**
 * The kit's one family of spike nonlinearities: the forward pass {@code S(x)} and the
 * pseudo-derivative {@code dS/dx} used in its place in the backward pass, as functions of the
 * distance to threshold {@code x = U − θ} (dimensionless, in units of the membrane variable). Every
 * neuron model of the kit takes one of these: the RSNN LIF kernels and the Blocks/ALIF kernels
 * ({@link LifParams}, {@link AlifParams}), the snnTorch {@code Leaky} of the NeuroBench baselines
 * ({@link SnnTorchLeaky}, SNN2/SNN3), SpikingJelly's {@code ParametricLIFNode} of Spikachu
 * ({@code nn.ParametricLif}) and NIR imports.
 *
 * <h2>Scale convention, kind by kind</h2>
 * {@code s} is {@link #scale()}; every kind's {@code scale} is exactly the constant the reference
 * code passes, so no factory converts it.
 * <table>
 *   <caption>kinds</caption>
 *   <tr><th>kind</th><th>{@code s} means</th><th>{@code dS/dx}</th><th>peak (at 0)</th><th>reference, constant</th></tr>
 *   <tr><td>{@link Kind#SUPERSPIKE}</td><td>steepness β (1/width)</td><td>{@code 1/(s·|x| + 1)²}</td><td>1</td>
 *       <td>fmi-basel/stork {@code stork/activations.py} {@code SuperSpike}: {@code beta = 20} (l. 13, the RSNN
 *       paper's value), backward l. 38; snnTorch {@code snntorch/surrogate.py} {@code fast_sigmoid(slope)},
 *       backward l. 142, the same formula with {@code slope} = s (NeuroBench SNN2: 20);
 *       webstorms/Blocks {@code src/snn/surrogate.py} {@code FastSigmoid} (l. 6–21), {@code scale} = s, default 10</td></tr>
 *   <tr><td>{@link Kind#SIGMOID}</td><td>slope of the logistic σ</td><td>{@code s·σ(s·x)·(1 − σ(s·x))}</td><td>{@code s/4}</td>
 *       <td>SpikingJelly {@code surrogate.Sigmoid(alpha)}, α = s, default 4 (Spikachu's alternative,
 *       {@code configs/spikachu.yaml}); snnTorch {@code surrogate.sigmoid(slope)} is the same function</td></tr>
 *   <tr><td>{@link Kind#TRIANGLE}</td><td>half-width</td><td>{@code max(0, 1 − |x|/s)}</td><td>1</td>
 *       <td>kit-only (no reference constant)</td></tr>
 *   <tr><td>{@link Kind#MULTI_GAUSSIAN}</td><td>width σ of the central Gaussian</td>
 *       <td>{@code γ·[(1 + h)·N(x; 0, s) − h·N(x; s, 6s) − h·N(x; −s, 6s)]}, h = 0.15, γ = 0.5,
 *       N the normal density</td><td>{@code γ·(1 + h − (h/3)·e^{−1/72})/(√(2π)·s)} ≈ 0.2196/s (0.439 at s = 0.5)</td>
 *       <td>webstorms/Blocks {@code src/snn/surrogate.py} {@code MG.backward} (l. 50–60): {@code lens} = s = 0.5,
 *       {@code hight} = 0.15, {@code scale} = 6, {@code gamma} = 0.5 (Yin et al. 2021)</td></tr>
 *   <tr><td>{@link Kind#BOXCAR}</td><td>half-width</td><td>1 on {@code (−s, s]}, else 0</td><td>1</td>
 *       <td>webstorms/Blocks {@code src/snn/surrogate.py} {@code BoxCar.backward} (l. 36–37: zero where
 *       {@code x ≤ −0.5} or {@code x > 0.5}): s = 0.5</td></tr>
 *   <tr><td>{@link Kind#ATAN}</td><td>α</td><td>{@code (s/2)/(1 + (π/2·s·x)²)}</td><td>{@code s/2}</td>
 *       <td>snnTorch {@code snntorch/surrogate.py} {@code ATan.backward} (l. 197–201:
 *       {@code alpha / 2 / (1 + (pi/2·alpha·x)²)}), NeuroBench SNN3: α = 2; SpikingJelly
 *       {@code spikingjelly/activation_based/surrogate.py} {@code atan_backward}, the same expression,
 *       {@code ATan(alpha=2.0)} (Spikachu's {@code surrogate: 'atan'}, IoannisAsmanis/spikachu
 *       {@code configs/spikachu.yaml} l. 9)</td></tr>
 * </table>
 * Each {@code dS/dx} is the exact derivative of {@link #primitiveD}: {@code x/(1 + s|x|)},
 * {@code σ(s·x)}, a piecewise quadratic, {@code γ·[(1 + h)Φ(x/s) − hΦ((x − s)/6s) − hΦ((x + s)/6s)]},
 * {@code clamp(x, −s, s)} and {@code arctan(π/2·s·x)/π + 1/2}.
 *
 * <h2>Forward convention</h2>
 * {@link Forward} says what the forward pass emits, independent of the kind:
 * {@link Forward#STEP} {@code Θ(x)} = 1 for {@code x > 0} (stork {@code activations.py} l. 24
 * {@code out[input > 0] = 1}, snnTorch {@code surrogate.py} l. 135 and 190 {@code (input_ > 0)}, Blocks
 * {@code surrogate.py} l. 13, 30, 47 {@code input.gt(0)}); {@link Forward#STEP_AT_ZERO} 1 for
 * {@code x ≥ 0} (SpikingJelly's {@code heaviside}, {@code (x >= 0)}); {@link Forward#SMOOTH} the
 * primitive itself (a value in (0, 1); SpikingJelly's {@code spiking=False} mode), a test mode in
 * which the surrogate derivative is the true derivative so that whole networks can be held to finite
 * differences (only for {@link Kind#SIGMOID} and {@link Kind#ATAN}, whose primitives are
 * distribution functions).
 *
 * <h2>Factories by reference</h2>
 * {@link #superSpike} (stork), {@link #snnTorchFastSigmoid}, {@link #snnTorchAtan} (snnTorch: STEP),
 * {@link #spikingJellyAtan}, {@link #spikingJellySigmoid} (SpikingJelly: STEP_AT_ZERO),
 * {@link #multiGaussian}, {@link #boxcar} (Blocks: STEP). snnTorch's and SpikingJelly's ATan use the
 * same α convention (both {@code α/2/(1 + (π/2·α·x)²)}), so both factories pass α through unchanged
 * and differ only in the forward at {@code x = 0}.
 *
 * <h2>Precision</h2>
 * {@link #gradD} evaluates in double; {@link #grad} is {@code (float) gradD(x)} for every kind except
 * {@link Kind#ATAN}, whose {@link #grad} evaluates in float in the order of SpikingJelly's float32
 * expression ({@code z = (float)(π/2)·s·x; s/2/(1 + z²)}), the order the vectorised
 * {@code nn.ParametricLif} backward uses too; the snnTorch models use {@code (float) gradD(x)}.
 *
 * <pre>{@code
 * Surrogate s = Surrogate.of("superspike", 20);   // or Surrogate.superSpike(20)
 * float g = s.grad(0.05f);                          // 1/(20*0.05+1)^2 = 0.25
 * Surrogate.spikingJellyAtan().grad(0f);            // α/2 = 1
 * }</pre>
 *
 * @param kind    which pseudo-derivative (and primitive)
 * @param scale   the kind's constant as in the table above; finite and &gt; 0
 * @param forward what the forward pass emits
 */
public record Surrogate(Kind kind, float scale, Forward forward) {

    /** The available pseudo-derivatives; see the class table for each one's formula and scale. */
    public enum Kind { SUPERSPIKE, SIGMOID, TRIANGLE, MULTI_GAUSSIAN, BOXCAR, ATAN }

    /** What the forward pass emits. */
    public enum Forward {
        /** {@code Θ(x)}: 1 for {@code x > 0}, else 0 (stork, snnTorch, Blocks). */
        STEP,
        /** 1 for {@code x ≥ 0} ({@code −0} included), else 0 (SpikingJelly {@code heaviside}). */
        STEP_AT_ZERO,
        /** The primitive (test mode; {@link Kind#SIGMOID} and {@link Kind#ATAN} only). */
        SMOOTH
    }

    /** Multi-Gaussian constants of the Blocks code ({@code MG.backward}): height h, width ratio s, gain γ. */
    static final double MG_HEIGHT = 0.15, MG_WIDTH_RATIO = 6.0, MG_GAIN = 0.5;

    public Surrogate {
        if (kind == null) throw new IllegalArgumentException("Surrogate.kind must not be null");
        if (forward == null) throw new IllegalArgumentException("Surrogate.forward must not be null (STEP, STEP_AT_ZERO or SMOOTH)");
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("Surrogate.scale must be finite and > 0, got " + scale + " for " + kind);
        }
        if (forward == Forward.SMOOTH && kind != Kind.SIGMOID && kind != Kind.ATAN) {
            throw new IllegalArgumentException("Surrogate.forward SMOOTH needs kind SIGMOID or ATAN (a primitive in (0, 1)), got " + kind);
        }
    }

    /** {@code kind} with the {@link Forward#STEP} forward ({@code x > 0}). */
    public Surrogate(Kind kind, float scale) { this(kind, scale, Forward.STEP); }

    /** SuperSpike / fast sigmoid with steepness {@code beta}; stork's default and the RSNN paper's (20). */
    public static Surrogate superSpike(float beta) { return new Surrogate(Kind.SUPERSPIKE, beta); }

    /** snnTorch {@code surrogate.fast_sigmoid(slope)}: {@link Kind#SUPERSPIKE} with s = slope, forward {@code x > 0}. */
    public static Surrogate snnTorchFastSigmoid(float slope) { return new Surrogate(Kind.SUPERSPIKE, slope); }

    /** snnTorch {@code surrogate.atan(alpha)}: {@link Kind#ATAN} with s = α (same convention), forward {@code x > 0}. */
    public static Surrogate snnTorchAtan(float alpha) { return new Surrogate(Kind.ATAN, alpha); }

    /**
     * SpikingJelly {@code surrogate.ATan(alpha)}: {@link Kind#ATAN} with s = α (same convention as
     * snnTorch), forward {@code x ≥ 0}.
     */
    public static Surrogate spikingJellyAtan(float alpha) { return new Surrogate(Kind.ATAN, alpha, Forward.STEP_AT_ZERO); }

    /** SpikingJelly's default {@code surrogate.ATan()}, α = 2: Spikachu's released choice. */
    public static Surrogate spikingJellyAtan() { return spikingJellyAtan(2f); }

    /** SpikingJelly {@code surrogate.Sigmoid(alpha)}: {@link Kind#SIGMOID} with s = α, forward {@code x ≥ 0}. */
    public static Surrogate spikingJellySigmoid(float alpha) { return new Surrogate(Kind.SIGMOID, alpha, Forward.STEP_AT_ZERO); }

    /** SpikingJelly's default {@code surrogate.Sigmoid()}, α = 4. */
    public static Surrogate spikingJellySigmoid() { return spikingJellySigmoid(4f); }

    public static Surrogate sigmoid(float scale) { return new Surrogate(Kind.SIGMOID, scale); }

    public static Surrogate triangle(float halfWidth) { return new Surrogate(Kind.TRIANGLE, halfWidth); }

    /** Multi-Gaussian with width {@code sigma}; {@code multiGaussian(0.5f)} is the Blocks paper's "mg". */
    public static Surrogate multiGaussian(float sigma) { return new Surrogate(Kind.MULTI_GAUSSIAN, sigma); }

    /** Boxcar of half-width {@code halfWidth}; {@code boxcar(0.5f)} is the Blocks paper's "box_car". */
    public static Surrogate boxcar(float halfWidth) { return new Surrogate(Kind.BOXCAR, halfWidth); }

    /** Test mode: sigmoid forward AND backward (no surrogate mismatch), for finite-difference checks. */
    public static Surrogate smoothSigmoid(float scale) { return new Surrogate(Kind.SIGMOID, scale, Forward.SMOOTH); }

    /**
     * By name, case-insensitive, forward {@code x > 0} except {@code smooth_sigmoid}:
     * {@code superspike}, {@code fast_sigmoid} (alias of superspike), {@code sigmoid},
     * {@code triangle}, {@code smooth_sigmoid}, {@code mg} / {@code multi_gaussian},
     * {@code boxcar} / {@code box_car}, {@code atan} / {@code arctan}.
     */
    public static Surrogate of(String name, float scale) {
        if (name == null) throw new IllegalArgumentException("Surrogate.of: name must not be null");
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (n) {
            case "superspike", "fast_sigmoid", "fastsigmoid" -> new Surrogate(Kind.SUPERSPIKE, scale);
            case "sigmoid" -> new Surrogate(Kind.SIGMOID, scale);
            case "triangle" -> new Surrogate(Kind.TRIANGLE, scale);
            case "smooth_sigmoid", "smoothsigmoid" -> smoothSigmoid(scale);
            case "mg", "multi_gaussian", "multigaussian" -> new Surrogate(Kind.MULTI_GAUSSIAN, scale);
            case "boxcar", "box_car" -> new Surrogate(Kind.BOXCAR, scale);
            case "atan", "arctan" -> new Surrogate(Kind.ATAN, scale);
            default -> throw new IllegalArgumentException("unknown surrogate '" + name
                    + "'; expected one of superspike, fast_sigmoid, sigmoid, triangle, smooth_sigmoid, mg, boxcar, atan");
        };
    }

    /**
     * A SpikingJelly surrogate by the name Spikachu's config uses ({@code surrogate: 'atan'} or
     * {@code 'sigmoid'}), with SpikingJelly's default α (2 and 4).
     */
    public static Surrogate spikingJelly(String name) {
        if (name == null) throw new IllegalArgumentException("Surrogate.spikingJelly: name must be 'atan' or 'sigmoid', got null");
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "atan" -> spikingJellyAtan();
            case "sigmoid" -> spikingJellySigmoid();
            default -> throw new IllegalArgumentException("Surrogate.spikingJelly: name must be 'atan' or 'sigmoid', got '" + name + "'");
        };
    }

    /** The same kind and scale with another forward convention. */
    public Surrogate withForward(Forward f) { return new Surrogate(kind, scale, f); }

    /** The same kind and scale in the {@link Forward#SMOOTH} test mode. */
    public Surrogate asSmooth() { return withForward(Forward.SMOOTH); }

    /** True when the forward output is exactly 0 or 1 (so spikes can be stored as bits). */
    public boolean binaryForward() { return forward != Forward.SMOOTH; }

    /**
     * SpikingJelly's {@code heaviside}: 1 for {@code x ≥ 0} ({@code −0} included), else 0, without a
     * branch (spikes are data-dependent, so a branch would be mispredicted at every other spike).
     */
    public static float stepAtZero(float x) {
        return 1 - (Float.floatToRawIntBits(x + 0f) >>> 31);
    }

    /** Forward spike value for distance to threshold {@code x}. */
    public float spike(float x) {
        return switch (forward) {
            case STEP -> x > 0 ? 1f : 0f;
            case STEP_AT_ZERO -> stepAtZero(x);
            // SIGMOID: same float operations as spikeRef (affine, then UnaryOp.SIGMOID), so both paths agree bitwise
            case SMOOTH -> kind == Kind.SIGMOID ? UnaryOp.SIGMOID.apply(scale * x + 0f) : (float) primitiveD(x);
        };
    }

    /** Pseudo-derivative dS/dx at {@code x}: {@code (float) gradD(x)}, except ATAN in float (see the class comment). */
    public float grad(float x) {
        if (kind == Kind.ATAN) {
            float z = (float) (Math.PI / 2) * scale * x;
            return scale / 2f / (1f + z * z);
        }
        return (float) gradD(x);
    }

    /** Forward in double precision (for reference implementations and checks). */
    public double spikeD(double x) {
        return switch (forward) {
            case STEP -> x > 0 ? 1.0 : 0.0;
            case STEP_AT_ZERO -> x >= 0 ? 1.0 : 0.0;
            case SMOOTH -> primitiveD(x);
        };
    }

    /** Pseudo-derivative in double precision. */
    public double gradD(double x) {
        double s = scale;
        return switch (kind) {
            case SUPERSPIKE -> {
                double d = s * Math.abs(x) + 1.0;
                yield 1.0 / (d * d);
            }
            case SIGMOID -> {
                double sg = 1.0 / (1.0 + Math.exp(-s * x));
                yield s * sg * (1.0 - sg);
            }
            case TRIANGLE -> Math.max(0.0, 1.0 - Math.abs(x) / s);
            case MULTI_GAUSSIAN -> {
                double wide = MG_WIDTH_RATIO * s;
                yield MG_GAIN * ((1.0 + MG_HEIGHT) * normalPdf(x, 0.0, s)
                        - MG_HEIGHT * normalPdf(x, s, wide) - MG_HEIGHT * normalPdf(x, -s, wide));
            }
            case BOXCAR -> x > -s && x <= s ? 1.0 : 0.0;
            case ATAN -> {
                double u = Math.PI / 2 * s * x;
                yield s / 2 / (1.0 + u * u);
            }
        };
    }

    /**
     * The primitive whose derivative is {@link #gradD}, in double: {@code x/(1 + s|x|)} (SUPERSPIKE),
     * {@code σ(s·x)} (SIGMOID), {@code x − x|x|/(2s)} clamped to {@code ±s/2} beyond {@code |x| = s}
     * (TRIANGLE), {@code clamp(x, −s, s)} (BOXCAR), {@code arctan(π/2·s·x)/π + 1/2} (ATAN). The
     * multi-Gaussian's primitive needs the error function, which {@link Math} lacks: it throws.
     */
    public double primitiveD(double x) {
        double s = scale;
        return switch (kind) {
            case SUPERSPIKE -> x / (1.0 + s * Math.abs(x));
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-s * x));
            case TRIANGLE -> Math.abs(x) >= s ? Math.copySign(s / 2, x) : x - x * Math.abs(x) / (2 * s);
            case BOXCAR -> Math.max(-s, Math.min(s, x));
            case ATAN -> Math.atan(Math.PI / 2 * s * x) / Math.PI + 0.5;
            case MULTI_GAUSSIAN -> throw new UnsupportedOperationException(
                    "Surrogate.primitiveD: the multi-Gaussian's primitive needs erf, which java.lang.Math lacks");
        };
    }

    private static double normalPdf(double x, double mu, double sigma) {
        double z = (x - mu) / sigma;
        return Math.exp(-0.5 * z * z) / (Math.sqrt(2 * Math.PI) * sigma);
    }

    // ---- composed references (Backend primitives only) ---------------------------------------

    /** {@code out = spike(x)} from Backend primitives; {@code out} may alias {@code x}. */
    public void spikeRef(Backend be, Tensor x, Tensor out) {
        switch (forward) {
            case STEP -> be.map(UnaryOp.HEAVISIDE, x, out);
            case STEP_AT_ZERO -> {                                   // 1 − Θ(−x)
                be.affine(x, -1f, 0f, out);
                be.map(UnaryOp.HEAVISIDE, out, out);
                be.affine(out, -1f, 1f, out);
            }
            case SMOOTH -> {
                if (kind != Kind.SIGMOID) {
                    throw new UnsupportedOperationException("Surrogate.spikeRef: no backend primitive for the smooth " + kind + " forward");
                }
                be.affine(x, scale, 0f, out);
                be.map(UnaryOp.SIGMOID, out, out);
            }
        }
    }

    /**
     * {@code out = grad(x)} from Backend primitives; {@code tmp} is scratch of the same size. Same
     * formulas, not necessarily the same last bit (ATAN multiplies by the reciprocal).
     */
    public void gradRef(Backend be, Tensor x, Tensor out, Tensor tmp) {
        switch (kind) {
            case SUPERSPIKE -> {
                be.map(UnaryOp.ABS, x, out);
                be.affine(out, scale, 1f, out);
                be.map(UnaryOp.SQUARE, out, out);
                be.map(UnaryOp.RECIPROCAL, out, out);
            }
            case SIGMOID -> {
                be.affine(x, scale, 0f, out);
                be.map(UnaryOp.SIGMOID, out, out);       // σ
                be.affine(out, -1f, 1f, tmp);            // 1 − σ
                be.zip(BinaryOp.MUL, out, tmp, out);     // σ(1 − σ)
                be.affine(out, scale, 0f, out);
            }
            case TRIANGLE -> {
                be.map(UnaryOp.ABS, x, out);
                be.affine(out, -1f / scale, 1f, out);
                be.map(UnaryOp.RELU, out, out);
            }
            case MULTI_GAUSSIAN -> {
                double wide = MG_WIDTH_RATIO * scale;
                gaussianRef(be, x, 0.0, scale, MG_GAIN * (1.0 + MG_HEIGHT), out);
                gaussianRef(be, x, scale, wide, -MG_GAIN * MG_HEIGHT, tmp);
                be.axpby(1f, tmp, 1f, out);
                gaussianRef(be, x, -scale, wide, -MG_GAIN * MG_HEIGHT, tmp);
                be.axpby(1f, tmp, 1f, out);
            }
            case BOXCAR -> {
                be.affine(x, 1f, scale, out);
                be.map(UnaryOp.HEAVISIDE, out, out);          // x > −scale
                be.affine(x, 1f, -scale, tmp);
                be.map(UnaryOp.HEAVISIDE, tmp, tmp);          // x > scale
                be.axpby(-1f, tmp, 1f, out);
            }
            case ATAN -> {
                be.affine(x, (float) (Math.PI / 2) * scale, 0f, out);   // z = π/2·s·x
                be.map(UnaryOp.SQUARE, out, out);
                be.affine(out, 1f, 1f, out);                              // 1 + z²
                be.map(UnaryOp.RECIPROCAL, out, out);
                be.affine(out, scale / 2f, 0f, out);
            }
        }
    }

    /** E.g. {@code superspike(20.0)}, {@code atan(2.0, fires at x ≥ 0)}, {@code sigmoid(4.0, smooth)}. */
    @Override
    public String toString() {
        String f = switch (forward) {
            case STEP -> "";
            case STEP_AT_ZERO -> ", fires at x ≥ 0";
            case SMOOTH -> ", smooth";
        };
        return kind.name().toLowerCase(Locale.ROOT) + "(" + scale + f + ")";
    }

    /** {@code out = weight·N(x; mu, sigma)} from primitives. */
    private static void gaussianRef(Backend be, Tensor x, double mu, double sigma, double weight, Tensor out) {
        be.affine(x, (float) (1.0 / sigma), (float) (-mu / sigma), out);
        be.map(UnaryOp.SQUARE, out, out);
        be.affine(out, -0.5f, 0f, out);
        be.map(UnaryOp.EXP, out, out);
        be.affine(out, (float) (weight / (Math.sqrt(2 * Math.PI) * sigma)), 0f, out);
    }
}
