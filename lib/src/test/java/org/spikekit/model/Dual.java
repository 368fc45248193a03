package org.spikekit.model;

import org.spikekit.neuron.Surrogate;
/**
 * Forward-mode automatic differentiation in double precision: a value and its derivative along one
 * seeded direction. The test references of SNN2/SNN3 are written over it, so one forward run gives
 * one directional derivative with exactly the semantics of PyTorch's autograd on the snnTorch model
 * (spike forward Θ with the surrogate as its derivative, detached reset flags), independently of
 * the hand-written backward passes under test.
 */
record Dual(double v, double d) {
    static final Dual ZERO = new Dual(0, 0);

    static Dual c(double v) { return new Dual(v, 0); }

    Dual add(Dual o) { return new Dual(v + o.v, d + o.d); }

    Dual sub(Dual o) { return new Dual(v - o.v, d - o.d); }

    Dual mul(Dual o) { return new Dual(v * o.v, d * o.v + v * o.d); }

    Dual scale(double s) { return new Dual(v * s, d * s); }

    Dual addConst(double s) { return new Dual(v + s, d); }

    /** 1/sqrt(this). */
    Dual rsqrt() {
        double r = 1 / Math.sqrt(v);
        return new Dual(r, -0.5 * r * r * r * d);
    }

    /** The spike function at this distance to threshold: forward value, surrogate derivative. */
    static Dual spike(Surrogate f, Dual x) { return new Dual(f.spikeD(x.v), f.gradD(x.v) * x.d); }

    /** As {@link #spike}, or with the derivative dropped when {@code detach} (PyTorch {@code .detach()}). */
    static Dual reset(Surrogate f, Dual x, boolean detach) {
        return detach ? c(f.spikeD(x.v)) : spike(f, x);
    }
}
