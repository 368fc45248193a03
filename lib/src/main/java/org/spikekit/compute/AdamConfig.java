package org.spikekit.compute;

/**
 * Adam hyper-parameters.
 *
 * @param lr learning rate
 * @param beta1 decay of the first-moment estimate
 * @param beta2 decay of the second-moment estimate
 * @param eps added to the root of the second moment
 * @param weightDecay decoupled weight decay (AdamW); 0 for plain Adam
 */
public record AdamConfig(float lr, float beta1, float beta2, float eps, float weightDecay) {
    public AdamConfig {
        if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0,1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0,1), got " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
    }

    /** PyTorch defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static AdamConfig defaults() {
        return new AdamConfig(1e-3f, 0.9f, 0.999f, 1e-8f, 0f);
    }

    public AdamConfig withLr(float newLr) {
        return new AdamConfig(newLr, beta1, beta2, eps, weightDecay);
    }
}
