package org.spikekit.neuron;

import java.util.Locale;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;

/**
 * Spike nonlinearity used in the forward pass and the pseudo-derivative used in the backward
 * pass, as a function of the distance to threshold {@code x = U - theta} (dimensionless, in units
 * of the membrane variable).
 *
 * <p>Forward: {@code S = Θ(x)} (1 where {@code x > 0}, else 0) for every kind except
 * {@link Kind#SMOOTH_SIGMOID}, whose forward is {@code σ(scale·x)} and whose backward is its exact
 * derivative; that kind exists so the backpropagation-through-time machinery can be checked against
 * finite differences (a Heaviside forward has zero derivative almost everywhere).
 *
 * <p>Backward {@code dS/dx}:
 * <ul>
 *   <li>{@link Kind#SUPERSPIKE} (= fast sigmoid; Zenke &amp; Ganguli 2018, stork
 *       {@code SuperSpike}, snnTorch {@code fast_sigmoid(slope)}): {@code 1/(scale·|x| + 1)²},
 *       peak 1; the RSNN paper uses {@code scale = 20}.</li>
 *   <li>{@link Kind#SIGMOID}: {@code scale·σ(scale·x)·(1 − σ(scale·x))}, peak {@code scale/4}.</li>
 *   <li>{@link Kind#TRIANGLE}: {@code max(0, 1 − |x|/scale)} with {@code scale} = half-width,
 *       peak 1.</li>
 *   <li>{@link Kind#SMOOTH_SIGMOID}: as {@link Kind#SIGMOID}, but the forward is the sigmoid too.</li>
 *   <li>{@link Kind#MULTI_GAUSSIAN} ("mg", Yin et al. 2021; the Blocks paper's surrogate for all main
 *       results, notebooks/papers/blocks.md §4.3, {@code src/snn/surrogate.py} class {@code MG}):
 *       {@code γ·[(1 + h)·N(x; 0, σ) − h·N(x; σ, sσ) − h·N(x; −σ, sσ)]} with {@code σ = scale}
 *       (0.5 in the paper), fixed {@code h = 0.15}, {@code s = 6}, {@code γ = 0.5};
 *       {@code N(x; μ, σ)} is the normal density.</li>
 *   <li>{@link Kind#BOXCAR} (notebooks/papers/blocks.md §4.3, class {@code BoxCar}): 1 on {@code (−scale, scale]}, else 0
 *       ({@code scale = 0.5} in the paper).</li>
 * </ul>
 *
 * <pre>{@code
 * Surrogate s = Surrogate.of("superspike", 20);   // or Surrogate.superSpike(20)
 * float g = s.grad(0.05f);                          // 1/(20*0.05+1)^2 = 0.25
 * }</pre>
 *
 * @param kind which function
 * @param scale steepness (SUPERSPIKE, SIGMOID, SMOOTH_SIGMOID) or half-width (TRIANGLE); &gt; 0
 */
public record Surrogate(Kind kind, float scale) {

    /** The available surrogate functions. */
    public enum Kind { SUPERSPIKE, SIGMOID, TRIANGLE, SMOOTH_SIGMOID, MULTI_GAUSSIAN, BOXCAR }

    /** Multi-Gaussian constants of the Blocks code ({@code MG.backward}): height h, width ratio s, gain γ. */
    static final double MG_HEIGHT = 0.15, MG_WIDTH_RATIO = 6.0, MG_GAIN = 0.5;

    public Surrogate {
        if (kind == null) throw new IllegalArgumentException("Surrogate.kind must not be null");
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("Surrogate.scale must be finite and > 0, got " + scale + " for " + kind);
        }
    }

    /** SuperSpike / fast sigmoid with steepness {@code beta}; stork's default and the RSNN paper's (20). */
    public static Surrogate superSpike(float beta) { return new Surrogate(Kind.SUPERSPIKE, beta); }

    public static Surrogate sigmoid(float scale) { return new Surrogate(Kind.SIGMOID, scale); }

    public static Surrogate triangle(float halfWidth) { return new Surrogate(Kind.TRIANGLE, halfWidth); }

    /** Multi-Gaussian with width {@code sigma}; {@code multiGaussian(0.5f)} is the Blocks paper's "mg". */
    public static Surrogate multiGaussian(float sigma) { return new Surrogate(Kind.MULTI_GAUSSIAN, sigma); }

    /** Boxcar of half-width {@code halfWidth}; {@code boxcar(0.5f)} is the Blocks paper's "box_car". */
    public static Surrogate boxcar(float halfWidth) { return new Surrogate(Kind.BOXCAR, halfWidth); }

    /** Test mode: sigmoid forward AND backward (no surrogate mismatch), for finite-difference checks. */
    public static Surrogate smoothSigmoid(float scale) { return new Surrogate(Kind.SMOOTH_SIGMOID, scale); }

    /**
     * By name, case-insensitive: {@code superspike}, {@code fast_sigmoid} (alias of superspike),
     * {@code sigmoid}, {@code triangle}, {@code smooth_sigmoid}, {@code mg} / {@code multi_gaussian},
     * {@code boxcar} / {@code box_car}.
     */
    public static Surrogate of(String name, float scale) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        Kind k = switch (n) {
            case "superspike", "fast_sigmoid", "fastsigmoid" -> Kind.SUPERSPIKE;
            case "sigmoid" -> Kind.SIGMOID;
            case "triangle" -> Kind.TRIANGLE;
            case "smooth_sigmoid", "smoothsigmoid" -> Kind.SMOOTH_SIGMOID;
            case "mg", "multi_gaussian", "multigaussian" -> Kind.MULTI_GAUSSIAN;
            case "boxcar", "box_car" -> Kind.BOXCAR;
            default -> throw new IllegalArgumentException("unknown surrogate '" + name
                    + "'; expected one of superspike, fast_sigmoid, sigmoid, triangle, smooth_sigmoid, mg, boxcar");
        };
        return new Surrogate(k, scale);
    }

    /** True when the forward output is exactly 0 or 1 (so spikes can be stored as bits). */
    public boolean binaryForward() { return kind != Kind.SMOOTH_SIGMOID; }

    /** Forward spike value for distance to threshold {@code x}. */
    public float spike(float x) {
        // same float operations as spikeRef (affine, then UnaryOp.SIGMOID), so both paths agree bitwise
        if (kind == Kind.SMOOTH_SIGMOID) return UnaryOp.SIGMOID.apply(scale * x + 0f);
        return x > 0 ? 1f : 0f;
    }

    /** Pseudo-derivative dS/dx at {@code x}. */
    public float grad(float x) {
        return (float) gradD(x);
    }

    /** Forward in double precision (for reference implementations and checks). */
    public double spikeD(double x) {
        if (kind == Kind.SMOOTH_SIGMOID) return 1.0 / (1.0 + Math.exp(-scale * x));
        return x > 0 ? 1.0 : 0.0;
    }

    /** Pseudo-derivative in double precision. */
    public double gradD(double x) {
        double s = scale;
        return switch (kind) {
            case SUPERSPIKE -> {
                double d = s * Math.abs(x) + 1.0;
                yield 1.0 / (d * d);
            }
            case SIGMOID, SMOOTH_SIGMOID -> {
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
        };
    }

    private static double normalPdf(double x, double mu, double sigma) {
        double z = (x - mu) / sigma;
        return Math.exp(-0.5 * z * z) / (Math.sqrt(2 * Math.PI) * sigma);
    }

    // ---- composed references (Backend primitives only) ---------------------------------------

    /** {@code out = spike(x)} from Backend primitives; {@code out} may alias {@code x}. */
    public void spikeRef(Backend be, Tensor x, Tensor out) {
        if (kind == Kind.SMOOTH_SIGMOID) {
            be.affine(x, scale, 0f, out);
            be.map(UnaryOp.SIGMOID, out, out);
        } else {
            be.map(UnaryOp.HEAVISIDE, x, out);
        }
    }

    /** {@code out = grad(x)} from Backend primitives; {@code tmp} is scratch of the same size. */
    public void gradRef(Backend be, Tensor x, Tensor out, Tensor tmp) {
        switch (kind) {
            case SUPERSPIKE -> {
                be.map(UnaryOp.ABS, x, out);
                be.affine(out, scale, 1f, out);
                be.map(UnaryOp.SQUARE, out, out);
                be.map(UnaryOp.RECIPROCAL, out, out);
            }
            case SIGMOID, SMOOTH_SIGMOID -> {
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
        }
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
