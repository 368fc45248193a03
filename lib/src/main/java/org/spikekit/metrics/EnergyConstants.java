package org.spikekit.metrics;

/**
 * Energy per operation for {@link EnergyEstimate}.
 *
 * @param acPicojoule  energy of one accumulate (AC), pJ
 * @param macPicojoule energy of one multiply-accumulate (MAC), pJ
 * @param node         process node the numbers are for
 * @param source       where the numbers come from
 */
public record EnergyConstants(double acPicojoule, double macPicojoule, String node, String source) {

    /** 32-bit float add 0.9 pJ, multiply-add 4.6 pJ at 45 nm (Horowitz, ISSCC 2014), as in Spikachu. */
    public static final EnergyConstants HOROWITZ_45NM =
            new EnergyConstants(0.9, 4.6, "45 nm", "Horowitz 2014, ISSCC, 32-bit float add 0.9 pJ / mult+add 4.6 pJ");

    public EnergyConstants {
        if (!(acPicojoule >= 0) || !(macPicojoule >= 0)) {
            throw new IllegalArgumentException("energies must be non-negative, got " + acPicojoule + ", " + macPicojoule);
        }
    }
}
