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
 * slots; per-neuron gradients are summed over rows at the end in row order, and dR is either summed
 * event by event with each element in (t, row) order whatever the thread count, or one backend gemm
 * (whose results do not depend on its thread count). So results are bit-identical for any number of
 * worker threads. The two dR paths add the same terms in different orders, so they agree to float
 * rounding, not bit for bit; which one runs depends only on the spike density (see
 * {@link #recurrentGrad}).
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

    /** Bytes of per-row state a worker keeps hot while it sweeps a tile of rows (about a quarter of a 1 MiB L2). */
    static final int TILE_STATE_BYTES = 256 << 10;

    /**
     * Batch rows per tile for a time-major sweep that keeps {@code arrays} float arrays of
     * per-row state: as many rows as fit {@code bytes} (normally {@link #TILE_STATE_BYTES}), at
     * least one. Rows are independent, so the tile size changes the order of work, never a result.
     */
    static int tileRows(int n, int arrays, int bytes) {
        return (int) Math.max(1, bytes / (4L * arrays * Math.max(1, n)));
    }

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

    /**
     * {@code dR = Σ_t S[t−d]ᵀ·dX[t]} ({@code [N, N]}, pre × post) for a fused kernel, or null
     * without recurrence. Spikes are sparse (the Blocks speed benchmark fires 0.4–1.7 % of
     * neuron-steps), so where at most one neuron-step in {@link #SPARSE_DR} spiked, dR is summed
     * event by event: for each spike of neuron k at (t, row), {@code dR[k, :] += dX[t + d, row, :]},
     * in (t, row) order; that costs rate·T·B·N² additions against the gemm's T·B·N² multiply-adds.
     * Denser rasters go to the gemm ({@link ReferenceAlifKernel#recurrentGrad}). Workers split the
     * columns of dR, so each element is summed in the same order for every thread count. The event
     * order is not the gemm's, so the sparse path's dR differs from the gemm's in the last bits: since
     * this path was added (session 10), training runs with sparse recurrent spiking moved slightly (the
     * quick-mode N-MNIST accuracies of notebook 41 changed by up to 0.055 after 8 epochs; SHD did not
     * change).
     *
     * @param sBits spike bits {@code [T, B, words(N)]} of the forward
     * @param gCur dL/dX {@code [T, B, N]}
     */
    static Tensor recurrentGrad(Backend be, Tensor rec, Tensor spikes, long[] sBits, Tensor gCur, int d, int threads) {
        if (rec == null) return null;
        final int t = gCur.dim(0), b = gCur.dim(1), n = gCur.dim(2), w = words(n);
        if (t <= d) return be.zeros(n, n);
        final int rows = (t - d) * b;
        long events = 0;
        for (int i = 0; i < rows * w; i++) events += Long.bitCount(sBits[i]);
        if (events * SPARSE_DR > (long) rows * n) return ReferenceAlifKernel.recurrentGrad(be, rec, spikes, gCur, d);
        final float[] g = data(gCur), dR = new float[n * n];
        final int go = off(gCur), groups = (n + LANES - 1) / LANES;
        final int nc = Math.max(1, Math.min(threads, Math.min(groups, (int) Math.min(Integer.MAX_VALUE, events * n >> 16))));
        forChunks(nc, ch -> {
            int j0 = chunkStart(groups, ch, nc) * LANES, j1 = Math.min(n, chunkStart(groups, ch + 1, nc) * LANES);
            int bound = j0 + SP.loopBound(j1 - j0);
            for (int row = 0; row < rows; row++) {
                int src = go + (row + d * b) * n;
                for (int u = 0; u < w; u++) {
                    long m = sBits[row * w + u];
                    while (m != 0) {
                        int k = (u << 6) + Long.numberOfTrailingZeros(m);
                        m &= m - 1;
                        int dst = k * n, j = j0;
                        for (; j < bound; j += LANES) {
                            FloatVector.fromArray(SP, dR, dst + j).add(FloatVector.fromArray(SP, g, src + j)).intoArray(dR, dst + j);
                        }
                        for (; j < j1; j++) dR[dst + j] += g[src + j];
                    }
                }
            }
        });
        return be.fromHost(dR, n, n);
    }

    /** dR is summed event by event when at most one neuron-step in this many spiked (see {@link #recurrentGrad}). */
    static final int SPARSE_DR = 16;

    /**
     * The input current of one row with its recurrent input, pulled from the spikes {@code d}
     * steps back: when that row spiked, {@code row = x[xo ..] + Σ R[k, :]} over its spiking
     * neurons k in increasing order (the additions of {@link #addRecurrent}) and true; else false
     * and {@code row} untouched (the caller reads {@code x} in place). The input is never written.
     */
    static boolean pullRecurrent(long[] sbits, int srcRowWord, int n, float[] r, int ro, float[] x, int xo, float[] row) {
        int w = words(n), u = 0;
        while (u < w && sbits[srcRowWord + u] == 0) u++;
        if (u == w) return false;
        System.arraycopy(x, xo, row, 0, n);
        addRecurrent(sbits, srcRowWord, n, r, ro, row, 0);
        return true;
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
