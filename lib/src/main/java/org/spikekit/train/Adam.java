package org.spikekit.train;

import java.util.ArrayList;
import java.util.List;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * Adam over the trainable parameters of a {@link Module}, one fused {@link Backend#adamStep} per
 * parameter. Moment buffers are created at construction, in parameter order. The learning rate can
 * be changed between steps ({@link #setLr}) for schedules.
 */
public final class Adam {
    private final List<Parameter> params;
    private final List<Tensor> m = new ArrayList<>(), v = new ArrayList<>();
    private AdamConfig cfg;
    private int step;

    public Adam(Module module, AdamConfig cfg) {
        this.params = module.trainableParameters();
        this.cfg = cfg;
        for (Parameter p : params) {
            m.add(p.backend().zeros(p.shape()));
            v.add(p.backend().zeros(p.shape()));
        }
    }

    /** Applies one update from the current gradients (does not zero them). */
    public void step() {
        step++;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            p.backend().adamStep(p.value(), p.grad(), m.get(k), v.get(k), cfg, step);
        }
    }

    public int steps() { return step; }

    public AdamConfig config() { return cfg; }

    public void setLr(float lr) { cfg = cfg.withLr(lr); }

    public List<Parameter> parameters() { return params; }
}
