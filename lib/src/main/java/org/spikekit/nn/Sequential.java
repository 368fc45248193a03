package org.spikekit.nn;

import org.spikekit.core.Tape;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/** Layers applied in order; backward in reverse. Parameter names must be unique across the layers. */
public final class Sequential implements Layer {
    private final List<Layer> layers;
    private final List<Parameter> params;

    public Sequential(List<? extends Layer> layers) {
        if (layers == null || layers.isEmpty()) throw new IllegalArgumentException("Sequential: needs at least one layer");
        this.layers = List.copyOf(layers);
        this.params = Module.of(this.layers.toArray(Module[]::new)).parameters();
    }

    public Sequential(Layer... layers) { this(List.of(layers)); }

    public List<Layer> layers() { return layers; }

    @Override
    public List<Parameter> parameters() { return params; }

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        Tensor h = x;
        for (Layer l : layers) h = l.forward(h, tape);
        return h;
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Tensor g = gradOut;
        for (int i = layers.size() - 1; i >= 0; i--) g = layers.get(i).backward(g, tape);
        return g;
    }

    /** Appends {@code more} after these layers. */
    public Sequential then(Layer... more) {
        List<Layer> all = new ArrayList<>(layers);
        all.addAll(List.of(more));
        return new Sequential(all);
    }

    @Override
    public String describe() { return layers.stream().map(Layer::describe).collect(Collectors.joining(" → ")); }
}
