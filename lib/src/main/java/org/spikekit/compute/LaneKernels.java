package org.spikekit.compute;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API loops over host arrays that other packages share with the cpu backend's own
 * ({@link VectorKernels}): the counter random stream of {@link CounterRng} in long lanes, and column
 * sums in double. Each gives the bits of its scalar definition. Needs {@code jdk.incubator.vector}
 * (see {@link VectorApi}).
 */
public final class LaneKernels {
    private LaneKernels() {}

    /** Long lanes of the counter hash. */
    public static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    /** Float lanes matching {@link #LS} lane for lane (half its width). */
    public static final VectorSpecies<Float> LF = VectorSpecies.of(float.class, VectorShape.forBitSize(LS.length() * Float.SIZE));
    private static final LongVector IOTA = LongVector.zero(LS).addIndex(1);

    /**
     * The {@code k} bound of {@link #uniformBelow} for probability {@code p}: {@code u = k·2^-24 < p} is
     * {@code k < ⌈p·2^24⌉} (no k when p is NaN or ≤ 0).
     */
    public static long uniformThreshold(float p) { return (long) Math.ceil((double) p * 16777216.0); }

    /**
     * Lane k: {@code CounterRng.uniform(seed, index + k) < p}, with {@code threshold =
     * uniformThreshold(p)}; the hash of {@link CounterRng#bits} in long lanes.
     */
    public static VectorMask<Float> uniformBelow(long seed, long index, long threshold) {
        LongVector z = IOTA.add(seed * CounterRng.GOLDEN + index);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
        return z.lanewise(VectorOperators.LSHR, 40).compare(VectorOperators.LT, threshold).cast(LF);
    }

    /** Column sums of {@code a [m, n]} (row-major from {@code ao}) into {@code acc[n]} in double, rows [r0, r1) in order. */
    public static void addRows(float[] a, int ao, int n, int r0, int r1, double[] acc) { VectorKernels.addRows(a, ao, n, r0, r1, acc); }
}
