package org.spikekit.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import org.spikekit.compute.Backend;
import org.spikekit.core.Parameter;

/**
 * LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning") as the Spikachu recipe uses
 * it ({@code torch_optimizer.Lamb}, notebooks/papers/spikachu.md §5.1), per parameter tensor:
 * <pre>
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *   u = m/(√v + ε) + λ·θ          (no bias correction: torch_optimizer's default debias=False)
 *   r = clamp(‖θ‖, 0, 10)/‖u‖     (r = 1 when either norm is 0)
 *   θ ← θ − lr·r·u
 * </pre>
 * Defaults of the recipe: β = (0.9, 0.999), ε = 1e-8, λ = 1e-4. {@code debias=true} multiplies the
 * step by √(1−β2^t)/(1−β1^t). Host arithmetic (moments as float arrays); the trust ratio is taken
 * over the whole tensor, so every parameter moves by at most lr·10 in norm per step.
 */
public final class Lamb implements Optimizer {

    /**
     * Hyper-parameters; {@link #spikachu(double)} is the recipe's.
     *
     * @param lr learning rate, positive (the Spikachu recipe: 1e-3 for Spikachu, 2e-3 for the baselines,
     *     see {@link DecoderTrainer.Config})
     * @param beta1 decay of the first-moment average m, in [0, 1) (recipe 0.9)
     * @param beta2 decay of the second-moment average v, in [0, 1) (recipe 0.999)
     * @param eps ε added to √v in the denominator, positive (recipe 1e-8)
     * @param weightDecay λ, the decoupled weight decay added to the update as λ·θ, ≥ 0 (recipe 1e-4)
     * @param debias whether the step is multiplied by the bias correction √(1−β2^t)/(1−β1^t)
     *     (recipe false: torch_optimizer's default)
     */
    public record Config(double lr, double beta1, double beta2, double eps, double weightDecay, boolean debias) {
        public Config {
            if (!(lr > 0)) throw new IllegalArgumentException("Lamb.lr must be > 0, got " + lr);
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Lamb betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps > 0)) throw new IllegalArgumentException("Lamb.eps must be > 0, got " + eps);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("Lamb.weightDecay must be >= 0, got " + weightDecay);
        }

        /** lr as given, β (0.9, 0.999), ε 1e-8, weight decay 1e-4, no bias correction. */
        public static Config spikachu(double lr) { return new Config(lr, 0.9, 0.999, 1e-8, 1e-4, false); }

        public Config withLr(double l) { return new Config(l, beta1, beta2, eps, weightDecay, debias); }
    }

    private final List<Parameter> params;
    private final List<float[]> m = new ArrayList<>(), v = new ArrayList<>();
    private Config cfg;
    private int step;

    /** Optimises the given parameters (e.g. {@link org.spikekit.core.Module#trainableParameters()} or a chosen subset). */
    public Lamb(List<Parameter> params, Config cfg) {
        if (cfg == null) throw new IllegalArgumentException("Lamb: config must not be null");
        this.params = List.copyOf(params);
        this.cfg = cfg;
        for (Parameter p : this.params) {
            m.add(new float[Math.toIntExact(p.numel())]);
            v.add(new float[Math.toIntExact(p.numel())]);
        }
    }

    /** One update from the current gradients (does not zero them). */
    @Override
    public void step() {
        step++;
        double b1 = cfg.beta1(), b2 = cfg.beta2();
        double corr = cfg.debias() ? Math.sqrt(1 - Math.pow(b2, step)) / (1 - Math.pow(b1, step)) : 1.0;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            Backend be = p.backend();
            float[] th = be.toHost(p.value()), g = be.toHost(p.grad()), mk = m.get(k), vk = v.get(k);
            float[] u = new float[th.length];
            double wn = 0, un = 0;
            for (int i = 0; i < th.length; i++) {
                mk[i] = (float) (b1 * mk[i] + (1 - b1) * g[i]);
                vk[i] = (float) (b2 * vk[i] + (1 - b2) * (double) g[i] * g[i]);
                float ui = (float) (mk[i] / (Math.sqrt(vk[i]) + cfg.eps()) + cfg.weightDecay() * th[i]);
                u[i] = ui;
                wn += (double) th[i] * th[i];
                un += (double) ui * ui;
            }
            double wNorm = Math.min(Math.sqrt(wn), 10.0), uNorm = Math.sqrt(un);
            double trust = (wNorm == 0 || uNorm == 0) ? 1.0 : wNorm / uNorm;
            float s = (float) (cfg.lr() * corr * trust);
            for (int i = 0; i < th.length; i++) th[i] -= s * u[i];
            be.copy(be.fromHost(th, p.shape()), p.value());
        }
    }

    @Override
    public int steps() { return step; }

    @Override
    public double lr() { return cfg.lr(); }

    public Config config() { return cfg; }

    @Override
    public void setLr(double lr) { cfg = cfg.withLr(lr); }

    @Override
    public List<Parameter> parameters() { return params; }

    /** Moments and step count for a {@link Checkpoint}. */
    @Override
    public Checkpoint.Optimizer state() {
        Map<String, HostArray> buf = new LinkedHashMap<>();
        for (int k = 0; k < params.size(); k++) {
            buf.put(params.get(k).name() + "/m", new HostArray(params.get(k).shape(), m.get(k).clone()));
            buf.put(params.get(k).name() + "/v", new HostArray(params.get(k).shape(), v.get(k).clone()));
        }
        return new Checkpoint.Optimizer("lamb", Map.of("step", (double) step, "lr", cfg.lr()), buf);
    }

    /** Restores {@link #state()} of a run over the same parameters. */
    @Override
    public void restore(Checkpoint.Optimizer s, String source) {
        if (!"lamb".equals(s.kind())) throw new CheckpointException(source + ": optimizer state is '" + s.kind() + "', expected 'lamb'");
        int stepRead = s.count("step", source);
        double lrRead = s.scalar("lr", source);
        s.requireBuffers(source, params, "m", "v");
        for (int k = 0; k < params.size(); k++) {
            String n = params.get(k).name();
            HostArray hm = s.buffers().get(n + "/m"), hv = s.buffers().get(n + "/v");
            System.arraycopy(hm.data(), 0, m.get(k), 0, m.get(k).length);
            System.arraycopy(hv.data(), 0, v.get(k), 0, v.get(k).length);
        }
        step = stepRead;
        cfg = cfg.withLr(lrRead);
    }
}
