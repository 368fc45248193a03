package org.spikekit.compute;

/** Parameter-free elementwise functions; {@link #apply(float)} is the reference definition. */
public enum UnaryOp {
    IDENTITY, NEG, ABS, SQUARE, SQRT, RECIPROCAL, EXP, LOG, SIGMOID, TANH, RELU, SOFTPLUS,
    /** 1 where x &gt; 0, else 0 (the spike nonlinearity). */
    HEAVISIDE;

    public float apply(float x) {
        return switch (this) {
            case IDENTITY -> x;
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SQUARE -> x * x;
            case SQRT -> (float) Math.sqrt(x);
            case RECIPROCAL -> 1f / x;
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
            case TANH -> (float) Math.tanh(x);
            case RELU -> x > 0 ? x : 0f;
            // log(1 + e^x), stable for large |x|
            case SOFTPLUS -> (float) (Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs((double) x))));
            case HEAVISIDE -> x > 0 ? 1f : 0f;
        };
    }
}
