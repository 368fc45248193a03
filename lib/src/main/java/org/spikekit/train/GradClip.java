package org.spikekit.train;

import java.util.List;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/** Gradient clipping by global norm (PyTorch {@code clip_grad_norm_}). */
public final class GradClip {
    private GradClip() {}

    /** {@code sqrt(Σ_p ||grad_p||²)} over the given parameters, accumulated in double. */
    public static double globalNorm(List<Parameter> params) {
        double s = 0;
        for (Parameter p : params) s += p.backend().dot(p.grad(), p.grad());
        return Math.sqrt(s);
    }

    /**
     * Scales all gradients by {@code maxNorm/norm} when the global norm exceeds {@code maxNorm}.
     * Only trainable parameters count. Returns the norm before clipping.
     */
    public static double clipGlobalNorm(Module m, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        List<Parameter> ps = m.trainableParameters();
        double norm = globalNorm(ps);
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-12));
            for (Parameter p : ps) p.backend().affine(p.grad(), scale, 0f, p.grad());
        }
        return norm;
    }
}
