package org.spikekit.compute;

/** Elementwise functions of two arguments; {@link #apply(float, float)} is the reference. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN,
    /** 1 where a &gt; b, else 0. */
    GREATER;

    public float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case GREATER -> a > b ? 1f : 0f;
        };
    }
}
