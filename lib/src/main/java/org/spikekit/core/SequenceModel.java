package org.spikekit.core;

import org.spikekit.compute.Tensor;

/**
 * A model mapping an input sequence {@code [T, B, inputs]} to a prediction sequence
 * {@code [T, B, outputs]} (time-major), trained by {@link org.spikekit.train.Trainer}: the RSNN family
 * (tinyRSNN/bigRSNN, NeuroBench's SNN2 and SNN3) in the kit's one autograd contract,
 * {@link Differentiable}.
 *
 * <p>The contract's form here:
 * <ul>
 *   <li>{@link #forward(Tensor, Tape)} returns the prediction {@code [T, B, outputs]}, pushes the
 *       model's {@link Pass} as its record when {@link Tape#keeps()}, and publishes the hidden spikes
 *       {@code [T, B, N]} an activity regulariser reads as the side output {@link #SPIKES} (on every
 *       tape; models without such a sequence, e.g. SNN3, publish none). A training tape draws the
 *       dropout masks from {@link Tape#seed()}: the seed a trainer gives {@link Tape#training(long)}
 *       is the seed of the pass, exactly as in {@link #forward(Tensor, boolean, long)}.</li>
 *   <li>{@link #backward(Tensor, Tape)} pops that record and back-propagates dL/d(prediction) plus
 *       the gradient handed back for {@link #SPIKES} ({@link Tape#addGradient}, e.g. from
 *       {@code train.SpikeRegularizer}), adding into {@link Parameter#grad()}; it returns null (the
 *       input is data: no dL/dx).</li>
 *   <li>{@link Tape#evalWithGrad()} (no dropout, records kept) is supported by {@code Rsnn},
 *       {@code Snn2} and {@code Snn3}, which can keep a record of a pass without dropout; a model that
 *       only implements the pass-level methods below (e.g. the float16 inference view
 *       {@code HalfRsnn}) refuses it, and an inference-only model refuses training tapes.</li>
 * </ul>
 *
 * <pre>{@code
 * Tape tape = Tape.training(stepSeed);
 * Tensor pred = model.forward(x, tape);                          // [T, B, outputs]
 * Tensor spikes = tape.output(SequenceModel.SPIKES);             // [T, B, N], or null
 * tape.addGradient(SequenceModel.SPIKES, dSpikes);               // the regulariser's dL/dspikes
 * model.backward(dPred, tape);                                   // adds into the parameter gradients
 * }</pre>
 *
 * <p>Below the contract, each model has its pass-level methods, {@link #forward(Tensor, boolean, long)}
 * and {@link #backward(Pass, Tensor, Tensor)}, which hand the {@link Pass} (prediction, spikes and the
 * kernels' own records) to callers that need it directly: the kernels' tests and benchmarks, the
 * NeuroBench workload ({@code model.NeuroBenchModel#run}). The contract's default methods are built
 * on them, so a model (or a wrapper around one) that implements only these is a {@code Differentiable}
 * as well.
 */
public interface SequenceModel extends Differentiable<Tensor> {

    /** Name of the side output holding the hidden spikes {@code [T, B, N]} (before any dropout). */
    String SPIKES = "spikes";

    int inputs();

    int outputs();

    /** Result of a forward pass. */
    interface Pass {
        /** {@code [T, B, outputs]}. */
        Tensor prediction();

        /** Hidden spikes {@code [T, B, N]} seen by activity regularisers (before any dropout), or null. */
        Tensor spikes();
    }

    /**
     * The contract's forward pass (see the class comment), built on
     * {@link #forward(Tensor, boolean, long, boolean)}: a training tape runs
     * {@code forward(x, true, tape.seed(), true)}, an inference tape {@code forward(x, false, 0, false)}, an
     * evaluation tape that keeps records ({@link Tape#evalWithGrad()}) {@code forward(x, false, 0, true)}.
     */
    @Override
    default Tensor forward(Tensor x, Tape tape) {
        if (tape == null) throw new IllegalArgumentException(getClass().getSimpleName() + ".forward: tape must not be null");
        return onTape(forward(x, tape.training(), tape.training() ? tape.seed() : 0L, tape.keeps()), tape);
    }

    /**
     * The pass-level forward with the record kept or not independently of dropout. This default keeps a
     * record only in training mode (what {@link #forward(Tensor, boolean, long)} does) and refuses a
     * record without training; models that can keep one without dropout (Rsnn, Snn2, Snn3) override it.
     *
     * @param keepTape whether the pass must hold what the backward pass needs
     */
    default Pass forward(Tensor x, boolean training, long seed, boolean keepTape) {
        if (keepTape && !training) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + ": an evaluation tape that keeps records (Tape.evalWithGrad) "
                    + "is not supported by this sequence model (it keeps a record only in training mode); use Tape.training(seed) or Tape.inference()");
        }
        return forward(x, training, seed);
    }

    /**
     * The contract's backward pass: pops this model's {@link Pass} ({@link #passType()}) and runs
     * {@link #backward(Pass, Tensor, Tensor)} with {@code gradOut} and {@code tape.gradient(SPIKES)};
     * returns null (no dL/dx).
     */
    @Override
    default Tensor backward(Tensor gradOut, Tape tape) {
        if (tape == null) throw new IllegalArgumentException(getClass().getSimpleName() + ".backward: tape must not be null");
        backward(tape.pop(passType()), gradOut, tape.gradient(SPIKES));
        return null;
    }

    /**
     * The type of this model's {@link Pass}: the contract's backward pops a record of this type, so
     * another model's pass left on the tape is refused naming the expected one.
     */
    default Class<? extends Pass> passType() { return Pass.class; }

    /**
     * What the contract forward does with a pass: pushes it as the record when the tape keeps records,
     * publishes its spikes (when not null) as {@link #SPIKES}, and returns its prediction.
     */
    private static Tensor onTape(Pass pass, Tape tape) {
        tape.push(pass);
        if (pass.spikes() != null) tape.publish(SPIKES, pass.spikes());
        return pass.prediction();
    }

    /**
     * The pass-level forward: runs the model and returns its {@link Pass}.
     *
     * @param x input {@code [T, B, inputs]}; kept by reference until backward
     * @param training true: dropout is active (masks drawn from {@code seed}) and a tape is kept
     * @param seed seed of this step's dropout masks (ignored when not training)
     */
    Pass forward(Tensor x, boolean training, long seed);

    /**
     * The pass-level backward: backpropagation through time; ADDS into {@link Parameter#grad()}.
     *
     * @param pass from {@link #forward} with {@code training} true (or a tape-keeping variant)
     * @param gradPrediction dL/d(prediction) {@code [T, B, outputs]}
     * @param gradSpikes extra dL/d(spikes) {@code [T, B, N]} from regularisers, or null
     */
    void backward(Pass pass, Tensor gradPrediction, Tensor gradSpikes);
}
