package org.spikekit.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anything that owns parameters. {@link #parameters()} lists them in a fixed order with unique
 * names (e.g. {@code hidden.w}, {@code readout.tauMemRaw}), so optimizers, checkpoints and
 * NeuroBench footprint/sparsity metrics can enumerate weights without knowing the model class.
 */
public interface Module {

    /** All parameters, trainable or not, in a stable order; names are unique. */
    List<Parameter> parameters();

    default List<Parameter> trainableParameters() {
        return parameters().stream().filter(Parameter::trainable).toList();
    }

    default void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    /** Total element count of all parameters. */
    default long numel() {
        long n = 0;
        for (Parameter p : parameters()) n += p.numel();
        return n;
    }

    /** Parameters by name, in order. */
    default Map<String, Parameter> byName() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (Parameter p : parameters()) m.put(p.name(), p);
        return m;
    }

    /** A module made of others, parameters concatenated in the given order; rejects duplicate names. */
    static Module of(Module... parts) {
        List<Parameter> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Module m : parts) {
            for (Parameter p : m.parameters()) {
                if (!seen.add(p.name())) throw new IllegalArgumentException("duplicate parameter name '" + p.name() + "'");
                all.add(p);
            }
        }
        List<Parameter> fixed = List.copyOf(all);
        return () -> fixed;
    }
}
