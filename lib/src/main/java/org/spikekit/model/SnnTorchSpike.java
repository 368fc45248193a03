package org.spikekit.model;

import java.util.Locale;

/**
 * The spike nonlinearity of an snnTorch neuron and the pseudo-derivative its autograd function
 * uses, as a function of the distance to threshold {@code x = U − θ}. Definitions follow the
 * snnTorch {@code surrogate} module (snntorch.readthedocs.io, "snntorch.surrogate"; the forward of
 * every surrogate is {@code (x > 0).float()}, i.e. strictly greater):
 * <ul>
 *   <li>{@link Kind#FAST_SIGMOID} ({@code surrogate.fast_sigmoid(slope)}, Zenke &amp; Ganguli 2018):
 *       forward Θ(x), backward {@code 1/(slope·|x| + 1)²}, the derivative of
 *       {@code x/(1 + slope·|x|)}. NeuroBench SNN2 uses slope 20.</li>
 *   <li>{@link Kind#ATAN} ({@code surrogate.atan(alpha)}, Fang et al. 2021): forward Θ(x), backward
 *       {@code (α/2)/(1 + (π/2·α·x)²)}, the derivative of {@code (1/π)·arctan(π/2·α·x) + 1/2}.
 *       NeuroBench SNN3 uses α = 2.</li>
 *   <li>{@link Kind#SMOOTH_SIGMOID}: not an snnTorch function. Forward {@code σ(scale·x)}, backward
 *       its exact derivative, so a whole model becomes differentiable and its hand-written
 *       backward can be held to central finite differences.</li>
 * </ul>
 *
 * <pre>{@code
 * SnnTorchSpike s = SnnTorchSpike.atan(2f);
 * float g = s.grad(0f);            // α/2 = 1
 * }</pre>
 *
 * @param kind  which function
 * @param scale slope (FAST_SIGMOID), α (ATAN) or steepness (SMOOTH_SIGMOID); finite and &gt; 0
 */
public record SnnTorchSpike(Kind kind, float scale) {

    /** The available spike functions. */
    public enum Kind { FAST_SIGMOID, ATAN, SMOOTH_SIGMOID }

    public SnnTorchSpike {
        if (kind == null) throw new IllegalArgumentException("SnnTorchSpike.kind must not be null");
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("SnnTorchSpike.scale must be finite and > 0, got " + scale + " for " + kind);
        }
    }

    /** snnTorch {@code surrogate.fast_sigmoid(slope)}. */
    public static SnnTorchSpike fastSigmoid(float slope) { return new SnnTorchSpike(Kind.FAST_SIGMOID, slope); }

    /** snnTorch {@code surrogate.atan(alpha)}. */
    public static SnnTorchSpike atan(float alpha) { return new SnnTorchSpike(Kind.ATAN, alpha); }

    /** Sigmoid forward and backward (gradient checks only). */
    public static SnnTorchSpike smoothSigmoid(float scale) { return new SnnTorchSpike(Kind.SMOOTH_SIGMOID, scale); }

    /** By name, case-insensitive: {@code fast_sigmoid}, {@code atan}, {@code smooth_sigmoid}. */
    public static SnnTorchSpike of(String name, float scale) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        Kind k = switch (n) {
            case "fast_sigmoid", "fastsigmoid" -> Kind.FAST_SIGMOID;
            case "atan", "arctan" -> Kind.ATAN;
            case "smooth_sigmoid", "smoothsigmoid" -> Kind.SMOOTH_SIGMOID;
            default -> throw new IllegalArgumentException("SnnTorchSpike: unknown spike function '" + name
                    + "'; expected one of fast_sigmoid, atan, smooth_sigmoid");
        };
        return new SnnTorchSpike(k, scale);
    }

    /** True when the forward output is exactly 0 or 1. */
    public boolean binaryForward() { return kind != Kind.SMOOTH_SIGMOID; }

    /** Forward value at distance to threshold {@code x}. */
    public float spike(float x) {
        if (kind == Kind.SMOOTH_SIGMOID) return (float) (1.0 / (1.0 + Math.exp(-(double) (scale * x))));
        return x > 0 ? 1f : 0f;
    }

    /** Pseudo-derivative dS/dx at {@code x}. */
    public float grad(float x) { return (float) gradD(x); }

    /** Forward value in double precision. */
    public double spikeD(double x) {
        if (kind == Kind.SMOOTH_SIGMOID) return 1.0 / (1.0 + Math.exp(-scale * x));
        return x > 0 ? 1.0 : 0.0;
    }

    /** Pseudo-derivative in double precision. */
    public double gradD(double x) {
        double s = scale;
        return switch (kind) {
            case FAST_SIGMOID -> {
                double d = s * Math.abs(x) + 1.0;
                yield 1.0 / (d * d);
            }
            case ATAN -> {
                double u = Math.PI / 2 * s * x;
                yield s / 2 / (1.0 + u * u);
            }
            case SMOOTH_SIGMOID -> {
                double sg = 1.0 / (1.0 + Math.exp(-s * x));
                yield s * sg * (1.0 - sg);
            }
        };
    }

    /**
     * The smooth function whose derivative {@link #gradD} is: {@code x/(1 + slope·|x|)},
     * {@code arctan(π/2·α·x)/π + 1/2}, or {@code σ(scale·x)}.
     */
    public double primitiveD(double x) {
        double s = scale;
        return switch (kind) {
            case FAST_SIGMOID -> x / (1.0 + s * Math.abs(x));
            case ATAN -> Math.atan(Math.PI / 2 * s * x) / Math.PI + 0.5;
            case SMOOTH_SIGMOID -> 1.0 / (1.0 + Math.exp(-s * x));
        };
    }
}
