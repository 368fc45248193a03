package org.spikekit.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.spikekit.data.images.ImageSet;
import org.spikekit.train.EpochLog;
import org.spikekit.train.Fitter;
import org.spikekit.train.Interrupts;
import org.spikekit.train.TrainingInterruptedException;

/**
 * The STDP-CSNN feature extractor of SpikeNN (Goupy et al., NeurIPS 2024), after Falez et al.'s CSNN
 * simulator ({@code ft-extract/STDP-CSNN/csnn}: {@code process/OnOffFilter.cpp},
 * {@code process/Scaling.cpp} (FeatureScaling), {@code InputConverter.cpp} (LatencyCoding),
 * {@code layer/Convolution.cpp}, {@code stdp/Multiplicative.cpp}, {@code layer/Pooling.cpp}),
 * exactly as notebooks/papers/spikenn.md §3.3 restates it. Per image:
 *
 * <ol>
 *   <li>pixels / 255;
 *   <li>preprocessing: DoG on/off filter ({@link #dogKernel}; edge-clamped "same" convolution;
 *       channel {@code 2z} = max(0, v), {@code 2z+1} = max(0, −v)) or ZCA whitening ({@link Zca});
 *   <li>per-feature min/max scaling with the training split's min and max:
 *       {@code x' = (x − min)/(max − min)}, 0 when max = min (not clipped for other splits);
 *   <li>latency coding {@code t = max(0, 1 − x')}; {@code t = 1} means no spike;
 *   <li>a convolution of {@code filters} non-leaky single-spike IF neurons ({@code kernel}², stride 1,
 *       no padding) per position; neuron {@code f} fires at the time of the input spike after
 *       which {@code V ≥ θ_f} (input spikes in ascending time, ties in input index order);
 *   <li>max-pooling on spike times ({@code pool}×{@code pool}, stride {@code poolStride}: the
 *       earliest spike passes); output layout {@code [py][px][f]} row-major; no spike → 1.0.
 * </ol>
 *
 * MNIST: 28×28×1 → 28×28×2 → 24×24×128 → 6×6×128 = 4608 features; CIFAR: 7×7×128 = 6272.
 *
 * <p>Training ({@link #train}; {@code Convolution::train} of the simulator), for {@code epochs}
 * passes over the training split in its given order (no reshuffling): one random patch per sample
 * (origin drawn as in the simulator, see {@link CsnnConfig#originalPatchRange()}); its spikes are
 * presented in time order to all filters at that single position; the first filter (lowest index
 * on the spike where any crosses) whose potential exceeds its threshold ({@code V > θ}, or
 * {@code V ≥ θ} with {@code strictTrainFiring = false}) wins at that spike's time {@code t_k}, and
 * the sample ends with one update:
 * <ul>
 *   <li>thresholds, for every filter {@code z} in order: {@code θ_z −= η_θ (t_k − t_obj)}; then
 *       {@code θ_k += η_θ} for the winner, {@code θ_z −= η_θ/(F−1)} for the others; then
 *       {@code θ_z = max(θ_min, θ_z)};
 *   <li>multiplicative STDP on the winner's weights: {@code w += α⁺ exp(−β w)} if the input spiked at
 *       {@code t_pre ≤ t_k}, else (later or never) {@code w −= α⁻ exp(β (w − 1))}; clip to [0, 1].
 * </ul>
 * No winner → no update. After each epoch {@code η_θ, α⁺, α⁻ ×= annealing}. Weights start
 * N(wMean, wStd) clipped to [0, 1]; thresholds start at {@code thInit}.
 *
 * <p>Numerics: float32 throughout (times, potentials, weights, thresholds), as the simulator.
 * Randomness: {@code SplittableRandom(seed)} — weights first (filter-major, then
 * {@code (ky, kx, channel)}), then per sample the patch row and column; the simulator's
 * {@code std::mt19937} stream is not reproduced, so features agree with the original statistically,
 * not bit for bit (notebooks/papers/spikenn.md §9 item 3). Deterministic for a seed; {@link #extract} gives the
 * same bytes for any thread count (each image is computed independently, in a fixed way).
 *
 * <p>Speed: input spikes are precomputed per training sample once (sparse, sorted), the
 * convolution is event-driven (empty patches cost nothing) and vectorised across filters with the
 * Vector API, and extraction is parallel over images.
 */
public final class StdpCsnn {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final float NO_SPIKE = Float.POSITIVE_INFINITY;

    private final CsnnConfig cfg;
    private final int h, w, cin, pc;
    private final Prefilter prefilter;
    private final float[] min, max;
    private final float[] wT; // [patch input l][filter f]
    private final float[] th;
    private final int oh, ow, ph, pw;
    /** Row, column and channel of each input index {@code (y·W + x)·C + c} (avoids divisions in the hot loops). */
    private final int[] yOf, xOf, cOf;

    private StdpCsnn(CsnnConfig cfg, int h, int w, int cin, Prefilter prefilter, float[] min, float[] max, float[] wT, float[] th) {
        this.cfg = cfg;
        this.h = h;
        this.w = w;
        this.cin = cin;
        this.pc = prefilter.outChannels();
        this.prefilter = prefilter;
        this.min = min;
        this.max = max;
        this.wT = wT;
        this.th = th;
        this.oh = h - cfg.kernel() + 1;
        this.ow = w - cfg.kernel() + 1;
        if (oh < 1 || ow < 1) throw new IllegalArgumentException(h + "x" + w + " images are smaller than the " + cfg.kernel() + "x" + cfg.kernel() + " kernel");
        this.ph = (oh - cfg.pool()) / cfg.poolStride() + 1;
        this.pw = (ow - cfg.pool()) / cfg.poolStride() + 1;
        if (ph < 1 || pw < 1) throw new IllegalArgumentException("pooling " + cfg.pool() + " does not fit the " + oh + "x" + ow + " convolution output");
        int nf = h * w * pc;
        yOf = new int[nf];
        xOf = new int[nf];
        cOf = new int[nf];
        for (int g = 0; g < nf; g++) {
            cOf[g] = g % pc;
            yOf[g] = g / pc / w;
            xOf[g] = g / pc % w;
        }
    }

    public CsnnConfig config() { return cfg; }

    /** Output shape {@code {pooled rows, pooled columns, filters}}, e.g. {@code {6, 6, 128}} for MNIST. */
    public int[] outputShape() { return new int[] {ph, pw, cfg.filters()}; }

    /** Number of features per image ({@code 4608} for MNIST). */
    public int features() { return ph * pw * cfg.filters(); }

    /** Thresholds after training (copy). */
    public float[] thresholds() { return th.clone(); }

    /** Weights after training, {@code [filter][ky][kx][channel]} row-major (copy). */
    public float[] weights() {
        int f = cfg.filters(), pl = cfg.kernel() * cfg.kernel() * pc;
        float[] out = new float[f * pl];
        for (int l = 0; l < pl; l++) for (int z = 0; z < f; z++) out[z * pl + l] = wT[l * f + z];
        return out;
    }

    /** Per-feature minimum and maximum of the preprocessed training images (copies). */
    public float[] scalingMin() { return min.clone(); }

    public float[] scalingMax() { return max.clone(); }

    // ================================================================== preprocessing

    /**
     * The DoG on/off kernel of {@code OnOffFilterHelper::generate_filter}: squared distance
     * {@code d² = ((i+1) − size/2 − 0.5)² + ((j+1) − size/2 − 0.5)²} (real division: offsets
     * −3..3 for size 7), {@code g_σ = exp(−d²/(2σ²)) / (2πσ²)}, each Gaussian normalised to sum 1,
     * kernel = {@code g_c/Σg_c − g_s/Σg_s}; float32 arithmetic. Row-major {@code size × size}.
     */
    public static float[] dogKernel(int size, float sigmaCenter, float sigmaSurround) {
        float[] g1 = new float[size * size], g2 = new float[size * size];
        float s1 = 0, s2 = 0;
        float c = (float) size / 2.0f + 0.5f;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                float di = (i + 1) - c, dj = (j + 1) - c;
                float d2 = di * di + dj * dj;
                g1[i * size + j] = (float) ((1.0f / (2.0f * (float) Math.PI)) * (1.0f / (sigmaCenter * sigmaCenter))
                        * Math.exp(-d2 / 2.0f / (sigmaCenter * sigmaCenter)));
                g2[i * size + j] = (float) ((1.0f / (2.0f * (float) Math.PI)) * (1.0f / (sigmaSurround * sigmaSurround))
                        * Math.exp(-d2 / 2.0f / (sigmaSurround * sigmaSurround)));
                s1 += g1[i * size + j];
                s2 += g2[i * size + j];
            }
        }
        float[] k = new float[size * size];
        for (int i = 0; i < k.length; i++) k[i] = g1[i] / s1 - g2[i] / s2;
        return k;
    }

    /**
     * A bank of same-size filters with edge clamping and sign separation: output channel
     * {@code 2z} = max(0, v_z), {@code 2z+1} = max(0, −v_z), where {@code v_z} is filter {@code z}
     * ({@code size × size × cin}) applied at each pixel with coordinates clamped to the image.
     */
    record Prefilter(int size, int cin, int cout, float[] filters) {
        int outChannels() { return 2 * cout; }

        /** The DoG filter bank: filter {@code z} applies the DoG kernel to input channel {@code z} only. */
        static Prefilter dog(CsnnConfig cfg, int cin) {
            float[] k = dogKernel(cfg.dogSize(), cfg.sigmaCenter(), cfg.sigmaSurround());
            int s = cfg.dogSize();
            float[] f = new float[cin * s * s * cin];
            for (int z = 0; z < cin; z++) for (int p = 0; p < s * s; p++) f[(z * s * s + p) * cin + z] = k[p];
            return new Prefilter(s, cin, cin, f);
        }

        /** Applies the bank to {@code img} ({@code h×w×cin} in [0,1]) into {@code out} ({@code h×w×2cout}). */
        void apply(float[] img, int h, int w, float[] out) {
            int half = size / 2;
            int oc = 2 * cout;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int z = 0; z < cout; z++) {
                        float v = 0;
                        int fb = z * size * size * cin;
                        for (int fy = 0; fy < size; fy++) {
                            int yi = Math.min(Math.max(y + fy - half, 0), h - 1);
                            for (int fx = 0; fx < size; fx++) {
                                int xi = Math.min(Math.max(x + fx - half, 0), w - 1);
                                int ib = (yi * w + xi) * cin, kb = fb + (fy * size + fx) * cin;
                                for (int c = 0; c < cin; c++) v += img[ib + c] * filters[kb + c];
                            }
                        }
                        out[(y * w + x) * oc + 2 * z] = Math.max(0f, v);
                        out[(y * w + x) * oc + 2 * z + 1] = Math.max(0f, -v);
                    }
                }
            }
        }
    }

    /** Pixels / 255 of image {@code i}, then the prefilter. */
    private void preprocess(ImageSet s, int i, float[] img, float[] out) {
        int sz = h * w * cin;
        byte[] px = s.pixels();
        for (int k = 0; k < sz; k++) img[k] = (px[i * sz + k] & 0xFF) / 255.0f;
        prefilter.apply(img, h, w, out);
    }

    /** Latency code of the scaled features: {@code t = max(0, 1 − x')}, x' = (x−min)/(max−min) (0 when max = min); t = 1 → no spike. */
    static float latency(float x, float min, float max) {
        float scaled = min == max ? 0f : (x - min) / (max - min);
        float t = Math.max(0.0f, 1.0f - scaled);
        return t == 1.0f ? NO_SPIKE : t;
    }

    /**
     * The input spikes of one preprocessed image, sorted by time then input index:
     * {@code idx[k]} (input index {@code (y·W + x)·C + c}) and {@code t[k]}; returns the count.
     */
    int spikes(float[] feat, int[] idx, float[] t, long[] keys) {
        int n = 0;
        for (int k = 0; k < feat.length; k++) {
            float tk = latency(feat[k], min[k], max[k]);
            if (tk != NO_SPIKE) {
                // time is >= 0 so its IEEE bits order like the value; index breaks ties
                keys[n++] = ((long) Float.floatToRawIntBits(tk) << 32) | k;
            }
        }
        Arrays.sort(keys, 0, n);
        for (int k = 0; k < n; k++) {
            idx[k] = (int) keys[k];
            t[k] = Float.intBitsToFloat((int) (keys[k] >>> 32));
        }
        return n;
    }

    // ================================================================== training

    /**
     * The STDP feature training in the kit's common trainer shape ({@link Fitter}): {@link #fit} is
     * {@link StdpCsnn#train(ImageSet, CsnnConfig, long, int, EpochLog.Run)} with these settings; its
     * result is the trained network.
     *
     * @param lines progress lines, or null
     */
    public record Trainer(CsnnConfig cfg, long seed, int threads, EpochLog.Run lines) implements Fitter<ImageSet, StdpCsnn> {
        public Trainer {
            if (cfg == null) throw new IllegalArgumentException("StdpCsnn.Trainer: config must not be null");
            if (threads < 1) throw new IllegalArgumentException("StdpCsnn.Trainer: threads must be >= 1, got " + threads);
        }

        @Override
        public StdpCsnn fit(ImageSet train) { return StdpCsnn.train(train, cfg, seed, threads, lines); }
    }

    /** Trains on {@code train} (its order is the presentation order); {@code threads} parallelise the preprocessing. */
    public static StdpCsnn train(ImageSet train, CsnnConfig cfg, long seed, int threads) {
        return train(train, cfg, seed, threads, null);
    }

    /**
     * {@link #train(ImageSet, CsnnConfig, long, int)} telling {@code lines} (or nobody, when null) after
     * every STDP epoch: the fraction of samples whose patch made a filter fire, the mean threshold.
     * Stops before the next sample (or chunk of preprocessing) when the thread is interrupted
     * ({@link Interrupts}).
     */
    public static StdpCsnn train(ImageSet train, CsnnConfig cfg, long seed, int threads, EpochLog.Run lines) {
        if (train.n() == 0) throw new IllegalArgumentException(train.name() + ": empty training set");
        int h = train.height(), w = train.width(), cin = train.channels();
        Prefilter pre = switch (cfg.preprocess()) {
            case DOG -> Prefilter.dog(cfg, cin);
            case ZCA -> Zca.filters(train, cfg, seed, threads);
        };
        int pc = pre.outChannels();
        int nf = h * w * pc;
        // pass 1: per-feature min / max over the training split (order-free, so deterministic in parallel)
        float[][] mins = new float[threads][], maxs = new float[threads][];
        StdpCsnn probe = new StdpCsnn(cfg, h, w, cin, pre, new float[nf], new float[nf], new float[0], new float[0]);
        parallelChunks(train.n(), threads, (worker, from, to) -> {
            float[] mn = new float[nf], mx = new float[nf];
            Arrays.fill(mn, Float.MAX_VALUE);
            Arrays.fill(mx, -Float.MAX_VALUE);
            float[] img = new float[h * w * cin], out = new float[nf];
            for (int i = from; i < to; i++) {
                probe.preprocess(train, i, img, out);
                for (int k = 0; k < nf; k++) {
                    mn[k] = Math.min(mn[k], out[k]);
                    mx[k] = Math.max(mx[k], out[k]);
                }
            }
            synchronized (mins) {
                if (mins[worker] == null) {
                    mins[worker] = mn;
                    maxs[worker] = mx;
                } else {
                    for (int k = 0; k < nf; k++) {
                        mins[worker][k] = Math.min(mins[worker][k], mn[k]);
                        maxs[worker][k] = Math.max(maxs[worker][k], mx[k]);
                    }
                }
            }
        });
        float[] min = new float[nf], max = new float[nf];
        Arrays.fill(min, Float.MAX_VALUE);
        Arrays.fill(max, -Float.MAX_VALUE);
        for (int t = 0; t < threads; t++) {
            if (mins[t] == null) continue;
            for (int k = 0; k < nf; k++) {
                min[k] = Math.min(min[k], mins[t][k]);
                max[k] = Math.max(max[k], maxs[t][k]);
            }
        }
        // weights and thresholds
        SplittableRandom rng = new SplittableRandom(seed);
        int f = cfg.filters(), k = cfg.kernel(), pl = k * k * pc;
        float[] wT = new float[pl * f];
        for (int z = 0; z < f; z++) {
            for (int l = 0; l < pl; l++) {
                double v = cfg.wMean() + cfg.wStd() * rng.nextGaussian();
                wT[l * f + z] = (float) Math.max(0.0, Math.min(1.0, v));
            }
        }
        float[] th = new float[f];
        Arrays.fill(th, cfg.thInit());
        StdpCsnn net = new StdpCsnn(cfg, h, w, cin, pre, min, max, wT, th);
        if (cfg.epochs() > 0) net.trainEpochs(train, rng, threads, lines);
        return net;
    }

    /** Sparse input spikes of every training sample, computed once. */
    record SpikeTable(int[] offset, short[] idx, float[] t) {}

    SpikeTable spikeTable(ImageSet s, int threads) {
        int n = s.n(), nf = h * w * pc;
        int[][] chunkIdx = new int[n][];
        float[][] chunkT = new float[n][];
        parallelChunks(n, threads, (worker, from, to) -> {
            float[] img = new float[h * w * cin], out = new float[nf], t = new float[nf];
            int[] idx = new int[nf];
            long[] keys = new long[nf];
            for (int i = from; i < to; i++) {
                preprocess(s, i, img, out);
                int m = spikes(out, idx, t, keys);
                chunkIdx[i] = Arrays.copyOf(idx, m);
                chunkT[i] = Arrays.copyOf(t, m);
            }
        });
        int[] off = new int[n + 1];
        for (int i = 0; i < n; i++) off[i + 1] = off[i] + chunkIdx[i].length;
        if (nf > 65535) throw new IllegalStateException("input of " + nf + " features does not fit the 16-bit spike index");
        short[] idx = new short[off[n]];
        float[] t = new float[off[n]];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < chunkIdx[i].length; k++) idx[off[i] + k] = (short) chunkIdx[i][k];
            System.arraycopy(chunkT[i], 0, t, off[i], chunkT[i].length);
            chunkIdx[i] = null;
            chunkT[i] = null;
        }
        return new SpikeTable(off, idx, t);
    }

    private void trainEpochs(ImageSet train, SplittableRandom rng, int threads, EpochLog.Run lines) {
        SpikeTable table = spikeTable(train, threads);
        int f = cfg.filters(), k = cfg.kernel(), pl = k * k * pc;
        float etaTh = cfg.etaTh(), ap = cfg.aPlus(), am = cfg.aMinus();
        float[] v = new float[f];
        float[] inTime = new float[pl];
        int[] pIdx = new int[pl];
        float[] pT = new float[pl];
        int rangeY = cfg.originalPatchRange() ? oh - k : oh - 1;
        int rangeX = cfg.originalPatchRange() ? ow - k : ow - 1;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            int winners = 0;
            for (int i = 0; i < train.n(); i++) {
                Interrupts.check("STDP-CSNN training", epoch, cfg.epochs(), "sample", i, train.n());
                // as Convolution::process_train_sample: a position only when the filter is smaller than the layer
                int py = k < oh ? rng.nextInt(Math.max(rangeY, 0) + 1) : 0;
                int px = k < ow ? rng.nextInt(Math.max(rangeX, 0) + 1) : 0;
                int m = patch(table, i, py, px, pIdx, pT);
                Arrays.fill(inTime, NO_SPIKE);
                for (int s = 0; s < m; s++) inTime[pIdx[s]] = pT[s];
                int winner = -1;
                float tPost = 0;
                Arrays.fill(v, 0f);
                outer:
                for (int s = 0; s < m; s++) {
                    int base = pIdx[s] * f;
                    for (int z = 0; z < f; z++) {
                        v[z] += wT[base + z];
                        if (cfg.strictTrainFiring() ? v[z] > th[z] : v[z] >= th[z]) {
                            winner = z;
                            tPost = pT[s];
                            break outer;
                        }
                    }
                }
                if (winner < 0) continue;
                winners++;
                updateThresholds(th, winner, tPost, cfg.tObj(), etaTh, cfg.thMin());
                stdp(wT, f, winner, inTime, tPost, ap, am, cfg.beta());
            }
            etaTh *= cfg.annealing();
            ap *= cfg.annealing();
            am *= cfg.annealing();
            if (lines != null) {
                lines.epoch(epoch + 1, Double.NaN, "samples with a winner", winners / (double) train.n(), Double.NaN,
                        String.format(java.util.Locale.ROOT, "mean threshold %.3f", mean(th)), false);
            }
        }
    }

    private static double mean(float[] a) {
        double s = 0;
        for (float v : a) s += v;
        return a.length == 0 ? Double.NaN : s / a.length;
    }

    /** The spikes of sample {@code i} inside the patch at {@code (py, px)}, as patch-local indices {@code (ky·K + kx)·C + c}, in time order. */
    private int patch(SpikeTable tb, int i, int py, int px, int[] pIdx, float[] pT) {
        int k = cfg.kernel(), m = 0;
        for (int s = tb.offset()[i]; s < tb.offset()[i + 1]; s++) {
            int g = tb.idx()[s] & 0xFFFF;
            int dy = yOf[g] - py, dx = xOf[g] - px;
            if (dy < 0 || dy >= k || dx < 0 || dx >= k) continue;
            pIdx[m] = (dy * k + dx) * pc + cOf[g];
            pT[m++] = tb.t()[s];
        }
        return m;
    }

    /**
     * Threshold adaptation after filter {@code winner} fired at {@code tPost} (see the class comment;
     * {@code Convolution.cpp}: the t_obj term is skipped when t_obj = 0, as there).
     */
    static void updateThresholds(float[] th, int winner, float tPost, float tObj, float eta, float thMin) {
        int f = th.length;
        for (int z = 0; z < f; z++) {
            if (tObj != 0) th[z] -= eta * (tPost - tObj);
            if (z != winner) th[z] -= eta / (float) (f - 1);
            else th[z] += eta;
            th[z] = Math.max(thMin, th[z]);
        }
    }

    /** Multiplicative STDP ({@code stdp/Multiplicative.cpp}) on column {@code winner} of {@code wT} ({@code [input][filter]}). */
    static void stdp(float[] wT, int filters, int winner, float[] inTime, float tPost, float ap, float am, float beta) {
        for (int l = 0; l < inTime.length; l++) {
            int o = l * filters + winner;
            float wv = wT[o];
            float nv = inTime[l] <= tPost ? wv + ap * (float) Math.exp(-beta * wv) : wv - am * (float) Math.exp(beta * (wv - 1.0f));
            wT[o] = Math.max(0f, Math.min(1f, nv));
        }
    }

    // ================================================================== inference

    /**
     * Feature spike times of every image of {@code s}: {@code float[n · features()]}, image {@code i}
     * at {@code i · features()}, layout {@code [py][px][filter]}; 1.0 where no spike.
     * Parallel over images with {@code threads} workers; identical output for any thread count.
     */
    public float[] extract(ImageSet s, int threads) {
        requireCompatible(s);
        int d = features();
        float[] out = new float[Math.multiplyExact(s.n(), d)];
        parallelChunks(s.n(), threads, (worker, from, to) -> {
            Scratch sc = new Scratch();
            for (int i = from; i < to; i++) extractOne(s, i, sc, out, i * d);
        });
        return out;
    }

    private void requireCompatible(ImageSet s) {
        if (s.height() != h || s.width() != w || s.channels() != cin) {
            throw new IllegalArgumentException(s.name() + ": images are " + s.height() + "x" + s.width() + "x" + s.channels()
                    + ", the extractor was trained on " + h + "x" + w + "x" + cin);
        }
    }

    /** Per-worker buffers. */
    private final class Scratch {
        final int nf = h * w * pc, np = oh * ow;
        final float[] img = new float[h * w * cin], feat = new float[nf], t = new float[nf];
        final float[] v = new float[np * cfg.filters()], first = new float[np * cfg.filters()];
        final int[] idx = new int[nf], remaining = new int[np], touched = new int[np];
        final boolean[] used = new boolean[np];
        final long[] keys = new long[nf];
    }

    /**
     * Event-driven convolution of one image: each input spike, in time order, is added to every
     * conv position whose receptive field holds it (as the simulator's {@code forward}), vectorised
     * over the filters; a position stops integrating once all its filters have fired. The first
     * firing times are then pooled (minimum) into the output.
     */
    private void extractOne(ImageSet s, int i, Scratch sc, float[] out, int at) {
        preprocess(s, i, sc.img, sc.feat);
        int n = spikes(sc.feat, sc.idx, sc.t, sc.keys);
        int f = cfg.filters(), k = cfg.kernel();
        float[] v = sc.v, first = sc.first;
        int nt = 0;
        int upper = S.loopBound(f);
        for (int q = 0; q < n; q++) {
            int g = sc.idx[q], c = cOf[g], y = yOf[g], x = xOf[g];
            float t = sc.t[q];
            int oy0 = Math.max(0, y - k + 1), oy1 = Math.min(y, oh - 1);
            int ox0 = Math.max(0, x - k + 1), ox1 = Math.min(x, ow - 1);
            for (int oy = oy0; oy <= oy1; oy++) {
                int rowBase = (y - oy) * k;
                for (int ox = ox0; ox <= ox1; ox++) {
                    int pos = oy * ow + ox;
                    if (!sc.used[pos]) {
                        sc.used[pos] = true;
                        sc.touched[nt++] = pos;
                        sc.remaining[pos] = f;
                        Arrays.fill(v, pos * f, pos * f + f, 0f);
                        Arrays.fill(first, pos * f, pos * f + f, NO_SPIKE);
                    } else if (sc.remaining[pos] == 0) {
                        continue;
                    }
                    int wb = ((rowBase + x - ox) * pc + c) * f, vb = pos * f;
                    int fired = 0, z = 0;
                    for (; z < upper; z += S.length()) {
                        FloatVector vv = FloatVector.fromArray(S, v, vb + z).add(FloatVector.fromArray(S, wT, wb + z));
                        vv.intoArray(v, vb + z);
                        VectorMask<Float> ge = vv.compare(VectorOperators.GE, FloatVector.fromArray(S, th, z));
                        if (ge.anyTrue()) {
                            FloatVector fv = FloatVector.fromArray(S, first, vb + z);
                            VectorMask<Float> fresh = ge.and(fv.compare(VectorOperators.EQ, NO_SPIKE));
                            if (fresh.anyTrue()) {
                                fv.blend(t, fresh).intoArray(first, vb + z);
                                fired += fresh.trueCount();
                            }
                        }
                    }
                    for (; z < f; z++) {
                        v[vb + z] += wT[wb + z];
                        if (v[vb + z] >= th[z] && first[vb + z] == NO_SPIKE) {
                            first[vb + z] = t;
                            fired++;
                        }
                    }
                    sc.remaining[pos] -= fired;
                }
            }
        }
        int pool = cfg.pool(), stride = cfg.poolStride();
        Arrays.fill(out, at, at + features(), 1.0f);
        for (int e = 0; e < nt; e++) {
            int pos = sc.touched[e];
            sc.used[pos] = false;
            int oy = pos / ow, ox = pos % ow;
            int pyLo = Math.max(0, ceilDiv(oy - pool + 1, stride)), pyHi = Math.min(ph - 1, oy / stride);
            int pxLo = Math.max(0, ceilDiv(ox - pool + 1, stride)), pxHi = Math.min(pw - 1, ox / stride);
            for (int py = pyLo; py <= pyHi; py++) {
                for (int px = pxLo; px <= pxHi; px++) {
                    int o = at + (py * pw + px) * f;
                    for (int z = 0; z < f; z++) out[o + z] = Math.min(out[o + z], first[pos * f + z]);
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    // ================================================================== threads

    @FunctionalInterface
    interface Chunk {
        void run(int worker, int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in contiguous chunks on {@code threads} workers (inline when
     * 1); stops between chunks when the calling thread is interrupted, after stopping the workers.
     */
    static void parallelChunks(int n, int threads, Chunk body) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (threads == 1 || n < 2) {
            for (int from = 0; from < n; from += 256) {               // in chunks, to check for an interrupt between them
                Interrupts.check("STDP-CSNN pass", 0, 0, "image", from, n);
                body.run(0, from, Math.min(n, from + 256));
            }
            return;
        }
        int chunk = Math.max(1, Math.min(256, (n + threads * 8 - 1) / (threads * 8)));
        ExecutorService ex = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "stdp-csnn");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> fs = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                fs.add(ex.submit(() -> {
                    int from;
                    while ((from = next.getAndAdd(chunk)) < n) {
                        Interrupts.check("STDP-CSNN worker", 0, 0, "image", from, n);
                        body.run(worker, from, Math.min(n, from + chunk));
                    }
                }));
            }
            for (Future<?> fu : fs) fu.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Interrupts.stopWorkers(ex, 30);
            throw new TrainingInterruptedException("STDP-CSNN parallel pass over " + n + " images (workers stopped)", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error er) throw er;
            throw new IllegalStateException(e.getCause());
        } finally {
            ex.shutdownNow();
        }
    }

    /** For tests: a network with given state. */
    static StdpCsnn of(CsnnConfig cfg, int h, int w, int cin, float[] min, float[] max, float[] wT, float[] th) {
        return new StdpCsnn(cfg, h, w, cin, Prefilter.dog(cfg, cin), min, max, wT, th);
    }

    float[] weightsTransposed() { return wT; }
}
