package org.spikekit.report;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** What a model holds, as a table a notebook cell shows: one row per parameter tensor. */
public final class ModelSummary {
    private ModelSummary() {}

    /**
     * One row per parameter of {@code model}, in its order: name, shape, number of values,
     * trainable (as {@link Module#trainableParameters()} says), mean |value|.
     */
    public static Table parameters(Module model) {
        StringColumn name = StringColumn.create("parameter"), shape = StringColumn.create("shape"), tr = StringColumn.create("trainable");
        LongColumn n = LongColumn.create("values");
        DoubleColumn mag = DoubleColumn.create("mean_abs");
        Set<Parameter> trainable = new HashSet<>(model.trainableParameters());
        for (Parameter p : model.parameters()) {
            name.append(p.name());
            shape.append(Arrays.toString(p.shape()));
            n.append(p.numel());
            tr.append(trainable.contains(p) ? "yes" : "no");
            float[] v = p.backend().toHost(p.value());
            double sum = 0;
            for (float f : v) sum += Math.abs(f);
            mag.append(v.length == 0 ? Double.NaN : sum / v.length);
        }
        return Table.create("parameters").addColumns(name, shape, n, tr, mag);
    }
}
