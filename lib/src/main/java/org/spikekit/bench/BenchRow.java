package org.spikekit.bench;

/**
 * One measured benchmark case, one CSV row of {@code results/bench/*.csv}.
 *
 * @param suite benchmark group, e.g. {@code gemm}, {@code lif}
 * @param backend backend name that ran it
 * @param caseName what was measured, e.g. {@code 256x1024x1024} or {@code forward T=1000 B=32 N=64}
 * @param unit unit of {@code value}, e.g. {@code GFLOP/s}, {@code neuron-steps/s}, {@code GB/s}
 * @param value median over repeats
 * @param spread (max - min) / 2 over repeats, same unit
 * @param repeats timed repeats after warm-up
 * @param note free text (threads, peak memory, reference compared with)
 */
public record BenchRow(String suite, String backend, String caseName, String unit,
                       double value, double spread, int repeats, String note) {}
