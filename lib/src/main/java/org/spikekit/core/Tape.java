package org.spikekit.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spikekit.compute.CounterRng;
import org.spikekit.compute.Tensor;

/**
 * The record of one forward pass: whether the model trains (dropout live, batch statistics
 * used and updated), a seed for random masks, the LIFO stack of per-layer records that backward
 * passes pop, and activity statistics (spike rates per spiking layer) read by energy estimates and
 * sparsity losses.
 *
 * <p>Random streams are handed out in call order ({@link #nextSeed()}), so the same model run on
 * a fresh tape with the same seed draws the same dropout masks; that is what makes finite
 * differences and resumed runs reproducible.
 */
public final class Tape {
    private final boolean training;
    private final boolean keep;
    private final long seed;
    private long streams;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<String, Activity> activity = new LinkedHashMap<>();
    private final Map<String, Tensor> outputs = new LinkedHashMap<>();
    private final Map<String, Tensor> gradients = new LinkedHashMap<>();

    /** Spike count and neuron-steps of one spiking layer during this pass (summed over calls). */
    public record Activity(String layer, int neurons, double spikes, double neuronSteps) {
        /** Fraction of neuron-steps with a spike. */
        public double rate() { return neuronSteps > 0 ? spikes / neuronSteps : 0; }
    }

    private Tape(boolean training, boolean keep, long seed) {
        this.training = training;
        this.keep = keep;
        this.seed = seed;
    }

    /** Training pass: dropout live, batch statistics, records kept for backward. */
    public static Tape training(long seed) { return new Tape(true, true, seed); }

    /** Evaluation pass: no dropout, running statistics, nothing kept. */
    public static Tape inference() { return new Tape(false, false, 0L); }

    /**
     * Evaluation-mode arithmetic (no dropout, running statistics) that still keeps records, for
     * gradients of a deterministic model (gradient checks, attribution).
     */
    public static Tape evalWithGrad() { return new Tape(false, true, 0L); }

    public boolean training() { return training; }

    /** True when layers must push records for a backward pass. */
    public boolean keeps() { return keep; }

    /** The seed this tape was made with (0 for evaluation tapes); models with their own seeded kernels draw from it directly. */
    public long seed() { return seed; }

    /** A fresh seed for the next random mask (deterministic in call order). */
    public long nextSeed() { return CounterRng.child(seed, streams++); }

    /** Pushes a record (ignored unless {@link #keeps()}). */
    public void push(Object record) {
        if (keep) stack.push(record);
    }

    /** Pops the most recent record, which must be of the given type. */
    public <T> T pop(Class<T> type) {
        if (!keep) throw new IllegalStateException("backward on a tape that keeps no records (use Tape.training or Tape.evalWithGrad)");
        Object o = stack.poll();
        if (o == null) throw new IllegalStateException("backward: tape is empty, expected a " + type.getSimpleName() + " record (more backward than forward calls?)");
        if (!type.isInstance(o)) {
            throw new IllegalStateException("backward: expected a " + label(type) + " record on the tape, found "
                    + label(o.getClass()) + " (backward calls out of order?)");
        }
        return type.cast(o);
    }

    /** A record type's name with its enclosing classes ({@code Rsnn.Pass}, not just {@code Pass}). */
    private static String label(Class<?> c) {
        if (c.isArray()) return c.getSimpleName();
        String n = c.getName();
        return n.substring(n.lastIndexOf('.') + 1).replace('$', '.');
    }

    /** Records still on the tape (0 after a complete backward pass). */
    public int pending() { return stack.size(); }

    /** Adds a spiking layer's spikes over {@code neuronSteps} neuron-steps to the activity record. */
    public void recordSpikes(String layer, int neurons, double spikes, double neuronSteps) {
        activity.merge(layer, new Activity(layer, neurons, spikes, neuronSteps),
                (a, b) -> new Activity(layer, a.neurons(), a.spikes() + b.spikes(), a.neuronSteps() + b.neuronSteps()));
    }

    /**
     * Publishes a named side output of the pass (e.g. {@code "spikes"}: the hidden spikes of a
     * sequence model, read by activity regularisers). Published on every tape, kept or not; a
     * second call with the same name replaces the first.
     */
    public void publish(String name, Tensor value) {
        if (name == null || value == null) throw new IllegalArgumentException("Tape.publish: name and value must not be null");
        outputs.put(name, value);
    }

    /** A side output published by the forward pass, or null when none has that name. */
    public Tensor output(String name) { return outputs.get(name); }

    /**
     * Hands back dL/d(side output {@code name}) for the backward pass (a loss term on that output,
     * e.g. an activity regulariser on the spikes). Must be called before the model's backward;
     * a second call replaces the first. The tensor is read, not copied.
     */
    public void addGradient(String name, Tensor grad) {
        if (!outputs.containsKey(name)) {
            throw new IllegalArgumentException("Tape.addGradient: no side output named '" + name + "' was published (published: " + outputs.keySet() + ")");
        }
        gradients.put(name, grad);
    }

    /** The gradient handed back for side output {@code name}, or null. */
    public Tensor gradient(String name) { return gradients.get(name); }

    /** Per-layer activity in call order. */
    public List<Activity> activity() { return Collections.unmodifiableList(new ArrayList<>(activity.values())); }

    /** Activity of one layer, or null. */
    public Activity activity(String layer) { return activity.get(layer); }
}
