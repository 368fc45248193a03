package org.spikekit.core;

/**
 * IEEE binary16 rounding (round-to-nearest-even) of float and double values, kept as floats: the
 * primitive behind {@code train.Half} (float16 export of a model) and {@code model.HalfRsnn}
 * (emulated float16 inference). Values below the smallest subnormal (≈ 6e-8) become ±0, values
 * beyond ±65504 become ±infinity, NaN stays NaN.
 */
public final class Float16 {
    private Float16() {}

    /** {@code x} rounded to the nearest float16 value (ties to even), as a float. */
    public static float round(float x) { return Float.float16ToFloat(Float.floatToFloat16(x)); }

    /**
     * {@code x} rounded once to the nearest float16 value (ties to even), as a float: exact for every
     * double, unlike {@code round((float) x)}, which rounds twice and can land on the other side of a
     * float16 midpoint. Beyond the float16 range: ±infinity; NaN stays NaN.
     */
    public static float round(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) return (float) x;
        double a = Math.abs(x);
        // spacing of float16 values around a: 2^-24 below the normal range (2^-14), else 2^(e − 10)
        double ulp = a < 0x1p-14 ? 0x1p-24 : Math.scalb(1.0, Math.getExponent(a) - 10);
        double r = Math.rint(a / ulp) * ulp;                    // a/ulp and the product are exact (powers of two)
        if (r > 65504.0) return x > 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        return (float) Math.copySign(r, x);
    }

    /** True when {@code x} is a float16 value (bit-exact round trip, sign of zero included). */
    public static boolean representable(float x) {
        return Float.isNaN(x) || Float.floatToRawIntBits(round(x)) == Float.floatToRawIntBits(x);
    }
}
