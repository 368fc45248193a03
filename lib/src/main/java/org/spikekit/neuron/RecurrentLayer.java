package org.spikekit.neuron;

import java.util.List;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;

/**
 * What a model needs to know of its trainable recurrent spiking layer whatever its neuron
 * ({@link RecurrentLifLayer}, {@link RecurrentAlifLayer}): sizes, the two synaptic weight matrices
 * (for initialisation, metrics, pruning) and the neuron's own parameters. Running it stays with
 * the concrete layer, whose state and tape are its neuron's.
 */
public interface RecurrentLayer extends Module {

    String name();

    int inputs();

    int neurons();

    /** Input weights {@code [inputs, N]}. */
    Parameter w();

    /** Recurrent weights {@code [N(pre), N(post)]}, or null for a feed-forward layer. */
    Parameter v();

    /** The neuron's parameters (time constants, threshold, adaptation …), in {@link #parameters()} order. */
    List<Parameter> neuronParameters();

    /** The neuron, as a configuration names it. */
    HiddenNeuron neuron();
}
