package org.spikekit.data.perich;

import java.util.SplittableRandom;

/**
 * POYO's unit-dropout augmentation as Spikachu uses it for training (notebooks/papers/spikachu.md §3.3):
 * each training sample keeps a random subset of the session's units, the number
 * kept drawn from a "triangular-ish" density by rejection sampling.
 *
 * <p>The unnormalised density of the number of units kept, x:
 * <pre>
 *   f(x) = 0                                                      x &lt; min
 *        = 1 + (peak − 1)·(x − min)/(mode − min)                  min ≤ x ≤ mode
 *        = peak − (peak − 1)·(x − mode)/(max − mode)              mode &lt; x ≤ max
 *        = 1                                                      x &gt; max
 * </pre>
 * Sampling: propose {@code x ~ U(min, max)}, draw {@code u ~ U(0, 1)}, accept when
 * {@code u ≤ f(x)/M}; after more than {@code maxAttempts} rejections keep every unit. The count
 * kept is {@code min(⌊x⌋, n)} for a session of n units (a proposal above n keeps all, as slicing a
 * permutation does in POYO); a session with fewer than {@code min} units keeps all. The kept units
 * are a uniformly random subset of that size.
 *
 * <p>{@code asReleased}: the released POYO code divides by a second uniform draw instead of the
 * proposal density ({@code u ≤ f(x)/(M·v)}, {@code v ~ U(0, 1)}), which accepts x with probability
 * {@code a(1 − ln a)}, {@code a = f(x)/M}, instead of {@code a}: a flatter distribution than the
 * triangle. The default is the rejection sampler the parameters describe; {@code asReleased(true)}
 * reproduces the released draw. Spikachu's settings: {@link #spikachu()} (min 30, mode 100, max
 * 300, peak 4, M 10, 100 attempts).
 *
 * @param minUnits below this many units, keep all; lower end of the density
 * @param modeUnits the density's peak
 * @param maxUnits upper end of the proposal and of the falling edge
 * @param peak density at the mode (1 at min and max)
 * @param m rejection-sampling constant M
 * @param maxAttempts rejections before giving up (then all units are kept)
 * @param asReleased draw as the released code does (see above)
 */
public record UnitDropout(int minUnits, int modeUnits, int maxUnits, double peak, double m, int maxAttempts, boolean asReleased) {
    /** Validates the settings. */
    public UnitDropout {
        if (!(0 < minUnits && minUnits < modeUnits && modeUnits < maxUnits)) {
            throw new IllegalArgumentException("UnitDropout: need 0 < min < mode < max, got " + minUnits + ", " + modeUnits + ", " + maxUnits);
        }
        if (!(peak >= 1) || !(m >= peak) || maxAttempts < 0) {
            throw new IllegalArgumentException("UnitDropout: need peak >= 1, M >= peak (so f/M <= 1), maxAttempts >= 0; got "
                    + peak + ", " + m + ", " + maxAttempts);
        }
    }

    /** Spikachu's settings: min 30, mode 100, max 300, peak 4, M 10, 100 attempts; the intended sampler. */
    public static UnitDropout spikachu() { return new UnitDropout(30, 100, 300, 4, 10, 100, false); }

    /** The same settings, drawing as the released code ({@code true}) or as intended ({@code false}). */
    public UnitDropout asReleased(boolean released) {
        return new UnitDropout(minUnits, modeUnits, maxUnits, peak, m, maxAttempts, released);
    }

    /** The unnormalised density f(x) (see the class comment). */
    public double density(double x) {
        if (x < minUnits) return 0;
        if (x <= modeUnits) return 1 + (peak - 1) * (x - minUnits) / (modeUnits - minUnits);
        if (x <= maxUnits) return peak - (peak - 1) * (x - modeUnits) / (maxUnits - modeUnits);
        return 1;
    }

    /** Probability that a proposal at x is accepted (one attempt). */
    public double acceptance(double x) {
        double a = density(x) / m;
        if (!asReleased) return a;
        return a <= 0 ? 0 : a * (1 - Math.log(a));
    }

    /** The number of units to keep for a session of {@code n} units. */
    public int sampleCount(int n, SplittableRandom r) {
        if (n < minUnits) return n;
        for (int attempt = 0; attempt <= maxAttempts; attempt++) {
            double x = minUnits + r.nextDouble() * (maxUnits - minUnits);
            double u = r.nextDouble();
            double bound = asReleased ? density(x) / (m * r.nextDouble()) : density(x) / m;
            if (u <= bound) return (int) Math.min(n, Math.floor(x));
        }
        return n;
    }

    /** Which of {@code n} units to keep: a uniformly random subset of {@link #sampleCount} units. */
    public boolean[] keepMask(int n, SplittableRandom r) {
        int keep = sampleCount(n, r);
        boolean[] mask = new boolean[n];
        if (keep >= n) {
            java.util.Arrays.fill(mask, true);
            return mask;
        }
        // partial Fisher–Yates: the first `keep` entries of a random permutation
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        for (int i = 0; i < keep; i++) {
            int j = i + r.nextInt(n - i);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
            mask[idx[i]] = true;
        }
        return mask;
    }
}
