package org.spikekit.features;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Parameters of the STDP-CSNN feature extractor (notebooks/papers/spikenn.md §3.3, from the
 * configs {@code ft-extract/STDP-CSNN/csnn/config/{MNIST,F-MNIST,CIFAR10,CIFAR100}.json} of the
 * SpikeNN code at {@code b3d1865}). Use the per-data-set factories ({@link #mnist()},
 * {@link #fashionMnist()}, {@link #cifar10()}, {@link #cifar100()}, {@link #forDataset}) and
 * {@link #withEpochs} for quick runs.
 *
 * @param dataset data set the values are for ({@code mnist}, {@code fashion-mnist}, {@code cifar10}, {@code cifar100})
 * @param preprocess {@link Preprocess#DOG} (MNIST, F-MNIST) or {@link Preprocess#ZCA} (CIFAR)
 * @param dogSize DoG kernel size (7)
 * @param sigmaCenter DoG centre σ (1)
 * @param sigmaSurround DoG surround σ (2)
 * @param zcaSize ZCA whitening filter size (9)
 * @param zcaEpsilon ZCA regulariser ε (0.01)
 * @param zcaPatches at most this many training patches (stride 2) for the ZCA covariance (1e6)
 * @param filters convolution filters (128)
 * @param kernel convolution kernel size (5; stride 1, no padding)
 * @param thInit initial threshold (5 MNIST/F-MNIST, 10 CIFAR)
 * @param thMin minimum threshold (2)
 * @param tObj target firing time of threshold adaptation (0.75 MNIST, 0.80 F-MNIST, 0.95 CIFAR)
 * @param etaTh threshold learning rate η_θ (1)
 * @param aPlus multiplicative STDP α⁺ (0.1)
 * @param aMinus multiplicative STDP α⁻ (0.1)
 * @param beta multiplicative STDP β (1)
 * @param annealing per-epoch factor on η_θ, α⁺, α⁻ (0.95)
 * @param wMean weight init mean (0.5)
 * @param wStd weight init standard deviation (0.01), weights clipped to [0, 1]
 * @param epochs training epochs over the training split (100 in the paper)
 * @param pool max-pooling window on spike times (4)
 * @param poolStride pooling stride (4)
 * @param strictTrainFiring training fires on V &gt; θ (the AVX build of the simulator, default) or
 *     on V ≥ θ (its scalar build); inference always fires on V ≥ θ, as both builds do
 * @param originalPatchRange draw training patch origins in {@code [0, W_out − kernel]} as the
 *     simulator does ({@code Convolution::process_train_sample} bounds the random position by the
 *     layer's <em>output</em> width, so the last {@code kernel − 1} input rows/columns are never
 *     trained on); false draws in {@code [0, W_out − 1]} (every valid position)
 */
public record CsnnConfig(
        String dataset, Preprocess preprocess,
        int dogSize, float sigmaCenter, float sigmaSurround,
        int zcaSize, float zcaEpsilon, int zcaPatches,
        int filters, int kernel,
        float thInit, float thMin, float tObj, float etaTh,
        float aPlus, float aMinus, float beta, float annealing,
        float wMean, float wStd,
        int epochs, int pool, int poolStride,
        boolean strictTrainFiring, boolean originalPatchRange) {

    /** The preprocessing in front of latency coding. */
    public enum Preprocess {
        /** Difference-of-Gaussians on/off filter: 2 channels per input channel. */
        DOG,
        /** Patch ZCA whitening filters learnt on the training images, then sign separation: 2 channels per input channel. */
        ZCA
    }

    public CsnnConfig {
        if (filters < 1 || kernel < 1 || pool < 1 || poolStride < 1) throw new IllegalArgumentException("filters, kernel, pool and poolStride must be >= 1");
        if (epochs < 0) throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        if (dogSize < 1 || zcaSize < 1) throw new IllegalArgumentException("filter sizes must be >= 1");
        if (!(thMin >= 0) || !(thInit >= thMin)) throw new IllegalArgumentException("need 0 <= thMin <= thInit, got " + thMin + ", " + thInit);
        if (!(annealing > 0 && annealing <= 1)) throw new IllegalArgumentException("annealing must be in (0, 1], got " + annealing);
    }

    private static CsnnConfig base(String dataset, Preprocess p, float thInit, float tObj) {
        return new CsnnConfig(dataset, p, 7, 1f, 2f, 9, 0.01f, 1_000_000, 128, 5, thInit, 2f, tObj, 1f, 0.1f, 0.1f, 1f, 0.95f,
                0.5f, 0.01f, 100, 4, 4, true, true);
    }

    /** MNIST: DoG, θ₀ = 5, t_obj = 0.75. */
    public static CsnnConfig mnist() { return base("mnist", Preprocess.DOG, 5f, 0.75f); }

    /** Fashion-MNIST: DoG, θ₀ = 5, t_obj = 0.80. */
    public static CsnnConfig fashionMnist() { return base("fashion-mnist", Preprocess.DOG, 5f, 0.80f); }

    /** CIFAR-10: ZCA whitening (9×9×3, ε = 0.01), θ₀ = 10, t_obj = 0.95. */
    public static CsnnConfig cifar10() { return base("cifar10", Preprocess.ZCA, 10f, 0.95f); }

    /** CIFAR-100: as CIFAR-10 (the original reuses CIFAR-10's whitening filters; here they are learnt on the CIFAR-100 training split). */
    public static CsnnConfig cifar100() { return base("cifar100", Preprocess.ZCA, 10f, 0.95f); }

    /** The config of {@code dataset} ({@code mnist}, {@code fashion-mnist}, {@code cifar10}, {@code cifar100}). */
    public static CsnnConfig forDataset(String dataset) {
        return switch (dataset) {
            case "mnist" -> mnist();
            case "fashion-mnist" -> fashionMnist();
            case "cifar10" -> cifar10();
            case "cifar100" -> cifar100();
            default -> throw new IllegalArgumentException("no STDP-CSNN config for data set '" + dataset
                    + "': expected mnist, fashion-mnist, cifar10 or cifar100");
        };
    }

    public CsnnConfig withEpochs(int e) {
        return new CsnnConfig(dataset, preprocess, dogSize, sigmaCenter, sigmaSurround, zcaSize, zcaEpsilon, zcaPatches, filters,
                kernel, thInit, thMin, tObj, etaTh, aPlus, aMinus, beta, annealing, wMean, wStd, e, pool, poolStride,
                strictTrainFiring, originalPatchRange);
    }

    public CsnnConfig withFilters(int f) {
        return new CsnnConfig(dataset, preprocess, dogSize, sigmaCenter, sigmaSurround, zcaSize, zcaEpsilon, zcaPatches, f,
                kernel, thInit, thMin, tObj, etaTh, aPlus, aMinus, beta, annealing, wMean, wStd, epochs, pool, poolStride,
                strictTrainFiring, originalPatchRange);
    }

    /** Every parameter in one line (stored beside cached features). */
    public String describe() {
        return String.format(Locale.ROOT, "StdpCsnn v1 %s pre=%s dog=%d/%s/%s zca=%d/%s/%d filters=%d kernel=%d th=%s min=%s tobj=%s etath=%s"
                        + " ap=%s am=%s beta=%s anneal=%s w=%s/%s epochs=%d pool=%d/%d strict=%b origrange=%b",
                dataset, preprocess, dogSize, sigmaCenter, sigmaSurround, zcaSize, zcaEpsilon, zcaPatches, filters, kernel, thInit,
                thMin, tObj, etaTh, aPlus, aMinus, beta, annealing, wMean, wStd, epochs, pool, poolStride, strictTrainFiring,
                originalPatchRange);
    }

    /** First 12 hex digits of the SHA-256 of {@link #describe()}. */
    public String hash() {
        return sha256(describe()).substring(0, 12);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
