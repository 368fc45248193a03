package org.spikekit.metrics;

/**
 * Operation-count energy model E = ACs · E_AC + MACs · E_MAC from NeuroBench effective synaptic
 * operations (biases and neuron updates not included; Spikachu's own profile also adds bias ACs,
 * BatchNorm MACs and per-spike energy, which is a different estimate and not this class).
 *
 * @param picojoulePerSample energy per output sample, pJ
 * @param wattsAverage       energy per second at the model's execution rate, i.e. average power, W
 */
public record EnergyEstimate(double picojoulePerSample, double wattsAverage) {

    /** Estimate from effective ops per sample at {@code samplesPerSecond} output samples per second. */
    public static EnergyEstimate of(SynapticOperations.Ops ops, EnergyConstants c, double samplesPerSecond) {
        return of(ops.effectiveAcs(), ops.effectiveMacs(), c, samplesPerSecond);
    }

    /** Estimate from ACs and MACs per sample. */
    public static EnergyEstimate of(double acsPerSample, double macsPerSample, EnergyConstants c, double samplesPerSecond) {
        if (!(samplesPerSecond > 0)) throw new IllegalArgumentException("samplesPerSecond must be positive, got " + samplesPerSecond);
        double pj = acsPerSample * c.acPicojoule() + macsPerSample * c.macPicojoule();
        return new EnergyEstimate(pj, pj * 1e-12 * samplesPerSecond);
    }

    /** Estimate at the model's own rate ({@link MetricModel#stepsPerSecond()}) with Horowitz 45-nm constants. */
    public static EnergyEstimate of(SynapticOperations.Ops ops, MetricModel model) {
        return of(ops, EnergyConstants.HOROWITZ_45NM, model.stepsPerSecond());
    }

    /** Energy per second in joules (same number as {@link #wattsAverage()}). */
    public double joulePerSecond() { return wattsAverage; }
}
