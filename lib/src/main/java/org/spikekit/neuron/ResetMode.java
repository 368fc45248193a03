package org.spikekit.neuron;

/**
 * What a spike does to the membrane at the next update.
 * <ul>
 *   <li>{@link #ZERO}: multiplicative reset {@code U[n+1] = (...)·(1 − S[n])} (stork, the RSNN
 *       paper; snnTorch {@code reset_mechanism="zero"}).</li>
 *   <li>{@link #SUBTRACT}: {@code U[n+1] = (...) − θ·S[n]} (snnTorch {@code "subtract"}).</li>
 * </ul>
 */
public enum ResetMode { ZERO, SUBTRACT }
