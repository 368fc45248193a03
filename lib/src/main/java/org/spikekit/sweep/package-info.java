/**
 * Sweeps of paper runs: planning, local execution in child JVMs, SLURM job arrays, merged tables
 * ({@code SweepCli} is the command line).
 *
 * <p>Layer: above {@code paper} (it runs the paper drivers); below {@code bench}. The package order is
 * checked by {@code LayeringTest} (lib/src/test/java/org/spikekit/LayeringTest.java).
 */
package org.spikekit.sweep;
