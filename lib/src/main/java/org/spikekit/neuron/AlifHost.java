package org.spikekit.neuron;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;

/**
 * Helpers shared by the fused ALIF kernels ({@link HostAlifKernel}, {@link HostBlocksKernel}).
 *
 * <p>Determinism: work is split over batch rows only. Everything a row computes (its state,
 * its currents, its spikes, its per-neuron gradient contributions) lives in that row's own
 * slots; per-neuron gradients are summed over rows at the end in row order, and dR is one backend
 * gemm (whose results do not depend on its thread count). So results are bit-identical for any
 * number of worker threads.
 */
final class AlifHost {
    private AlifHost() {}

    static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SP.length();

    static float[] data(Tensor t) { return HostLifKernel.data(t); }

    static int off(Tensor t) { return HostLifKernel.off(t); }

    /** Words of bits per batch row. */
    static int words(int n) { return (n + 63) >>> 6; }

    static void storeBits(long[] bits, int rowWord, int j, long laneBits) {
        bits[rowWord + (j >>> 6)] |= laneBits << (j & 63);
    }

    static VectorMask<Float> loadMask(long[] bits, int rowWord, int j) {
        return VectorMask.fromLong(SP, bits[rowWord + (j >>> 6)] >>> (j & 63));
    }

    static boolean bit(long[] bits, int rowWord, int j) {
        return (bits[rowWord + (j >>> 6)] >>> (j & 63) & 1L) != 0;
    }

    static void setBit(long[] bits, int rowWord, int j) {
        bits[rowWord + (j >>> 6)] |= 1L << (j & 63);
    }

    /** Runs {@code body(chunk)} for {@code nc} chunks, in parallel when {@code nc > 1}. */
    static void forChunks(int nc, IntConsumer body) {
        if (nc == 1) body.accept(0);
        else IntStream.range(0, nc).parallel().forEach(body);
    }

    static int chunkStart(int b, int ch, int nc) { return (int) ((long) b * ch / nc); }

    /**
     * {@code out[j] = sur.grad(x[j])} for j in [0, n), in SIMD lanes ({@link SurrogateLanes}: the
     * same bits in every JIT tier and for every thread count); {@code work}: per-thread scratch of
     * {@link SurrogateLanes#WORK} doubles.
     */
    static void surrogateGrad(Surrogate sur, float[] x, int xo, float[] out, int oo, int n, double[] work) {
        SurrogateLanes.grad(sur, x, xo, out, oo, n, work);
    }

    /**
     * Event-driven recurrent input of one row: {@code dst[:] += R[k, :]} for each neuron k whose
     * spike bit is set, in increasing k (the same order in both fused kernels, so their currents
     * agree bit for bit).
     */
    static void addRecurrent(long[] sbits, int rowWord, int n, float[] r, int ro, float[] dst, int dOff) {
        int bound = SP.loopBound(n);
        for (int w = 0; w < words(n); w++) {
            long m = sbits[rowWord + w];
            while (m != 0) {
                int k = (w << 6) + Long.numberOfTrailingZeros(m);
                m &= m - 1;
                int vr = ro + k * n, j = 0;
                for (; j < bound; j += LANES) {
                    FloatVector.fromArray(SP, dst, dOff + j).add(FloatVector.fromArray(SP, r, vr + j)).intoArray(dst, dOff + j);
                }
                for (; j < n; j++) dst[dOff + j] += r[vr + j];
            }
        }
    }

    /** Column sums of {@code rows [b, n]} in row order 0..b−1 (deterministic), as a new tensor. */
    static Tensor sumRows(Backend be, float[] rows, int b, int n) {
        float[] out = new float[n];
        for (int r = 0; r < b; r++) {
            int o = r * n;
            for (int j = 0; j < n; j++) out[j] += rows[o + j];
        }
        return be.fromHost(out, n);
    }

    static int defaultThreads() { return Runtime.getRuntime().availableProcessors(); }
}
