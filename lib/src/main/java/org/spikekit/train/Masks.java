package org.spikekit.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/**
 * Binary pruning masks by parameter name (1 = kept, 0 = pruned), e.g. from
 * {@link Pruning#magnitude}. A {@link Trainer} run with masks multiplies every masked gradient by its
 * mask before the optimiser step and every masked weight after it, so pruned weights stay exactly
 * zero (+0.0) through training. Parameters without a mask are untouched.
 */
public final class Masks {
    private static final Masks NONE = new Masks(Map.of());
    private final Map<String, HostArray> arrays;

    /**
     * @param arrays mask per parameter name; every value must be 0 or 1
     */
    public Masks(Map<String, HostArray> arrays) {
        Map<String, HostArray> m = new LinkedHashMap<>();
        for (Map.Entry<String, HostArray> e : arrays.entrySet()) {
            float[] v = e.getValue().data();
            for (int i = 0; i < v.length; i++) {
                if (v[i] != 0f && v[i] != 1f) {
                    throw new IllegalArgumentException("Masks: mask '" + e.getKey() + "' has value " + v[i] + " at index " + i + "; expected 0 or 1");
                }
            }
            m.put(e.getKey(), e.getValue());
        }
        this.arrays = java.util.Collections.unmodifiableMap(m);
    }

    /** No masks. */
    public static Masks none() { return NONE; }

    public boolean isEmpty() { return arrays.isEmpty(); }

    public Set<String> names() { return arrays.keySet(); }

    /** The masks by parameter name (0/1 arrays). */
    public Map<String, HostArray> arrays() { return arrays; }

    /** Pruned (zero) entries of the mask of {@code name}. */
    public long pruned(String name) {
        HostArray a = arrays.get(name);
        if (a == null) throw new IllegalArgumentException("Masks: no mask for '" + name + "'; masks exist for " + arrays.keySet());
        long z = 0;
        for (float x : a.data()) if (x == 0f) z++;
        return z;
    }

    /** Pruned entries over all masks. */
    public long pruned() {
        long z = 0;
        for (String n : arrays.keySet()) z += pruned(n);
        return z;
    }

    /** Entries over all masks. */
    public long numel() {
        long n = 0;
        for (HostArray a : arrays.values()) n += a.numel();
        return n;
    }

    /**
     * The masks resolved against the parameters of {@code module} on their backend.
     *
     * @param source named in errors (e.g. the checkpoint file)
     * @throws IllegalArgumentException naming the mask when the module has no such parameter or its shape differs
     */
    public Bound bind(Module module, String source) {
        Map<String, Parameter> byName = module.byName();
        List<Parameter> ps = new ArrayList<>();
        List<Tensor> ms = new ArrayList<>();
        for (Map.Entry<String, HostArray> e : arrays.entrySet()) {
            Parameter p = byName.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException(source + ": mask '" + e.getKey() + "' names no parameter of the model; the model has " + byName.keySet());
            }
            if (!e.getValue().sameShape(p.shape())) {
                throw new IllegalArgumentException(source + ": mask '" + e.getKey() + "' has shape " + e.getValue().shapeString()
                        + ", the parameter has " + Arrays.toString(p.shape()));
            }
            ps.add(p);
            ms.add(p.backend().fromHost(e.getValue().data(), e.getValue().shape()));
        }
        return new Bound(List.copyOf(ps), List.copyOf(ms));
    }

    /** Masks on device, bound to parameters. */
    public static final class Bound {
        private final List<Parameter> params;
        private final List<Tensor> masks;

        private Bound(List<Parameter> params, List<Tensor> masks) {
            this.params = params;
            this.masks = masks;
        }

        /** {@code w ← w·mask}, pruned entries become +0.0. */
        public void maskValues() {
            for (int k = 0; k < params.size(); k++) {
                Backend be = params.get(k).backend();
                Tensor v = params.get(k).value();
                be.zip(BinaryOp.MUL, v, masks.get(k), v);
                be.affine(v, 1f, 0f, v);          // −0.0 + 0 = +0.0; other values unchanged
            }
        }

        /** {@code grad ← grad·mask}. */
        public void maskGrads() {
            for (int k = 0; k < params.size(); k++) {
                Backend be = params.get(k).backend();
                Tensor g = params.get(k).grad();
                be.zip(BinaryOp.MUL, g, masks.get(k), g);
            }
        }
    }
}
