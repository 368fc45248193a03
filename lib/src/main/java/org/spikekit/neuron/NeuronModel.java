package org.spikekit.neuron;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * A neuron as a component: its parameter record, its state record, a pure reference step for one
 * time bin, and the fused sequence kernel that runs many bins at once. A model holds a
 * {@code NeuronModel} (or the parameter record that builds one) instead of writing the dynamics out
 * itself; kernels are checked against {@link #step} iterated (see each implementation's test).
 *
 * <p>Shapes: a layer of {@code N} neurons for a batch of {@code B} rows; states hold {@code [B, N]}
 * tensors, inputs are the synaptic input of one bin {@code [B, N]} (the step of a sequence kernel
 * gets its slice {@code [t]} of {@code [T, B, N]}). Recurrent weights, where the neuron's kernel
 * takes them, are {@code [N(pre), N(post)]} and are applied to the layer's own spikes with the
 * neuron's delay; {@code null} for a feed-forward layer.
 *
 * <p>Purity: {@link #step} and {@link #sequence} never write into the state or the input they are
 * given; they return fresh tensors.
 *
 * <p>A non-spiking neuron ({@link ReadoutNeuron}, the leaky-integrator readout) returns its output
 * where a spiking one returns its spikes ({@link Step#spikes}, {@link Run#spikes}).
 *
 * <p>Numeric precision is a policy of the kernels, not of the model: {@link Precision} names it where
 * a neuron has a scalar form that can round every operation (the float16 emulation of the LIF and the
 * readout, {@link LifNeuron#membrane}, {@link ReadoutNeuron#output(Precision, double, double, double, double)}).
 *
 * @param <P> parameter record (configuration: time constants, reset, surrogate, …)
 * @param <S> state record between two bins
 */
public interface NeuronModel<P, S> {

    /** Short name for configs and provenance, e.g. {@code lif}, {@code alif}, {@code blocks}. */
    String name();

    /** The parameter record. */
    P params();

    /** The resting state for {@code batch} rows of {@code neurons} neurons. */
    S initState(Backend be, int batch, int neurons);

    /**
     * One time bin (pure): the reference definition of the dynamics.
     *
     * @param state the state before the bin (not modified)
     * @param input synaptic input of this bin {@code [B, N]} (not modified)
     * @param rec recurrent weights {@code [N, N]}, or null
     */
    Step<S> step(S state, Tensor input, Tensor rec);

    /**
     * The whole sequence through the fused kernel of the input's backend (inference, no tape).
     *
     * @param s0 initial state (not modified); neurons whose kernels only start from rest reject others
     * @param inputs {@code [T, B, N]} (not modified)
     * @param rec recurrent weights {@code [N, N]}, or null
     */
    Run<S> sequence(S s0, Tensor inputs, Tensor rec);

    /** The spikes {@code [B, N]} this bin emitted and the state after it. */
    record Step<S>(Tensor spikes, S state) {}

    /** The spikes {@code [T, B, N]} of a sequence and the state after its last bin. */
    record Run<S>(Tensor spikes, S last) {}

    /** {@link #step} iterated over {@code inputs [T, B, N]} from {@code s0}: what {@link #sequence} must equal. */
    default Run<S> iterate(S s0, Tensor inputs, Tensor rec) {
        if (inputs == null || inputs.rank() != 3) throw new IllegalArgumentException(name() + ": inputs must be [T, B, N], got " + inputs);
        Backend be = inputs.backend();
        Tensor spikes = be.zeros(inputs.shape());
        S s = s0;
        for (int k = 0; k < inputs.dim(0); k++) {
            Step<S> st = step(s, inputs.slice0(k), rec);
            be.copy(st.spikes(), spikes.slice0(k));
            s = st.state();
        }
        return new Run<>(spikes, s);
    }
}
