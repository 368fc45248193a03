package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.compute.UnaryOp;

/**
 * Learnable per-unit time constants through a raw parameter r (stork): {@code τ = tau0S·softplus(r)},
 * {@code β = exp(−dtS/τ)}. Forward and chain rule, composed from Backend primitives.
 */
public final class Timescales {
    private Timescales() {}

    /** The raw value that gives τ = tau0S: {@code softplus⁻¹(1) = ln(e − 1)}. */
    public static final float RAW_FOR_BASE = (float) Math.log(Math.E - 1.0);

    /** New tensor {@code β = exp(−dtS / (tau0S·softplus(raw)))}, same shape as {@code raw}. */
    public static Tensor betas(Backend be, Tensor raw, double tau0S, double dtS) {
        Tensor b = be.zeros(raw.shape());
        be.map(UnaryOp.SOFTPLUS, raw, b);
        be.affine(b, (float) tau0S, 0f, b);          // τ
        be.map(UnaryOp.RECIPROCAL, b, b);
        be.affine(b, (float) -dtS, 0f, b);
        be.map(UnaryOp.EXP, b, b);
        return b;
    }

    /**
     * {@code gradRaw += gradBeta · dβ/dr} with {@code dβ/dr = β · dtS/τ² · tau0S·σ(r)
     * = β · dtS·σ(r) / (tau0S·softplus(r)²)}.
     */
    public static void backward(Backend be, Tensor raw, Tensor beta, double tau0S, double dtS, Tensor gradBeta,
                                Tensor gradRaw) {
        Tensor f = be.zeros(raw.shape()), sg = be.zeros(raw.shape());
        be.map(UnaryOp.SOFTPLUS, raw, f);
        be.map(UnaryOp.SQUARE, f, f);
        be.map(UnaryOp.RECIPROCAL, f, f);
        be.map(UnaryOp.SIGMOID, raw, sg);
        be.zip(BinaryOp.MUL, f, sg, f);
        be.zip(BinaryOp.MUL, f, beta, f);
        be.zip(BinaryOp.MUL, f, gradBeta, f);
        be.axpby((float) (dtS / tau0S), f, 1f, gradRaw);
    }

    /** Per-unit base time constants: {@code β = exp(−dtS / (tau0S[u]·softplus(raw[u])))}. */
    public static Tensor betas(Backend be, Tensor raw, Tensor tau0S, double dtS) {
        Tensor b = be.zeros(raw.shape());
        be.map(UnaryOp.SOFTPLUS, raw, b);
        be.zip(BinaryOp.MUL, b, tau0S, b);
        be.map(UnaryOp.RECIPROCAL, b, b);
        be.affine(b, (float) -dtS, 0f, b);
        be.map(UnaryOp.EXP, b, b);
        return b;
    }

    /** Chain rule of {@link #betas(Backend, Tensor, Tensor, double)}; adds into {@code gradRaw}. */
    public static void backward(Backend be, Tensor raw, Tensor beta, Tensor tau0S, double dtS, Tensor gradBeta,
                                Tensor gradRaw) {
        Tensor f = be.zeros(raw.shape()), sg = be.zeros(raw.shape());
        be.map(UnaryOp.SOFTPLUS, raw, f);
        be.map(UnaryOp.SQUARE, f, f);
        be.zip(BinaryOp.MUL, f, tau0S, f);
        be.map(UnaryOp.RECIPROCAL, f, f);
        be.map(UnaryOp.SIGMOID, raw, sg);
        be.zip(BinaryOp.MUL, f, sg, f);
        be.zip(BinaryOp.MUL, f, beta, f);
        be.zip(BinaryOp.MUL, f, gradBeta, f);
        be.axpby((float) dtS, f, 1f, gradRaw);
    }
}
