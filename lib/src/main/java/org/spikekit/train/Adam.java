package org.spikekit.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.compute.AdamConfig;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/**
 * Adam over the trainable parameters of a {@link Module}, one fused {@link Backend#adamStep} per
 * parameter. Moment buffers are created at construction, in parameter order. The learning rate can
 * be changed between steps ({@link #setLr}) for schedules.
 */
public final class Adam implements Optimizer {
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
    @Override
    public void step() {
        step++;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            p.backend().adamStep(p.value(), p.grad(), m.get(k), v.get(k), cfg, step);
        }
    }

    @Override
    public int steps() { return step; }

    public AdamConfig config() { return cfg; }

    /** The learning rate (float32). */
    @Override
    public double lr() { return cfg.lr(); }

    /** Sets the learning rate, rounded to float32. */
    @Override
    public void setLr(double lr) { cfg = cfg.withLr((float) lr); }

    @Override
    public List<Parameter> parameters() { return params; }

    /** Kind name in checkpoints. */
    public static final String KIND = "adam";

    /**
     * A host copy of the state: scalars {@code lr}, {@code steps}; buffers {@code <parameter>/m} and
     * {@code /v} per trainable parameter.
     */
    @Override
    public Checkpoint.Optimizer state() {
        Map<String, Double> sc = new LinkedHashMap<>();
        sc.put("lr", (double) cfg.lr());
        sc.put("steps", (double) step);
        Map<String, HostArray> buf = new LinkedHashMap<>();
        for (int k = 0; k < params.size(); k++) {
            buf.put(params.get(k).name() + "/m", HostArray.of(m.get(k)));
            buf.put(params.get(k).name() + "/v", HostArray.of(v.get(k)));
        }
        return new Checkpoint.Optimizer(KIND, sc, buf);
    }

    /**
     * Restores {@link #state()} of an Adam over the same parameters (names and shapes); everything
     * is checked before anything changes.
     */
    @Override
    public void restore(Checkpoint.Optimizer st, String source) {
        if (!KIND.equals(st.kind())) {
            throw new CheckpointException(source + ": optimiser state is '" + st.kind() + "', expected '" + KIND + "'");
        }
        int stepsRead = st.count("steps", source);
        double lrD = st.scalar("lr", source);
        st.requireBuffers(source, params, "m", "v");
        Map<String, HostArray> buf = st.buffers();
        for (int k = 0; k < params.size(); k++) {
            String n = params.get(k).name();
            buf.get(n + "/m").copyTo(m.get(k));
            buf.get(n + "/v").copyTo(v.get(k));
        }
        step = stepsRead;
        cfg = cfg.withLr((float) lrD);
    }
}
