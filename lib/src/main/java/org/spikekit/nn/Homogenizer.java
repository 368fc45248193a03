package org.spikekit.nn;

import org.spikekit.core.Tape;

import static org.spikekit.nn.HomogenizerKernels.forRanges;
import static org.spikekit.nn.HomogenizerKernels.host;
import static org.spikekit.nn.HomogenizerKernels.mask;
import static org.spikekit.nn.HomogenizerKernels.wrap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.HostStorage;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Init;
import org.spikekit.core.Module;
import org.spikekit.core.Parameter;
import org.spikekit.metrics.EnergyConstants;
import org.spikekit.metrics.EnergyEstimate;

/**
 * Spikachu's causal homogenizer (notebooks/papers/spikachu.md §4.2 A): the spikes of each 10-ms bin become a fixed
 * number of real-valued "virtual channels", whatever the session and its units.
 *
 * <p>Per row (one bin of one sample; row {@code r = t·B + b} of a time-major batch):
 * <ol>
 * <li>every spike in the bin is a token; its unit's learnable embedding {@code units[u]} (a
 *     {@code [vocab, D]} table, N(0, 0.02²) at start) is the token's key/value input; a unit that
 *     spiked k times gives k tokens;</li>
 * <li>L learnable latent tokens {@code latents [L, D]} (N(0, 0.02²)) are the queries of one
 *     Perceiver-style cross-attention block with one head: {@code q = LN_q(latents)·Wq + bq},
 *     {@code k = LN_kv(e)·Wk + bk}, {@code v = LN_kv(e)·Wv + bv}, weights
 *     {@code softmax_tokens(q·kᵀ/√D)}, attention dropout on the weights,
 *     {@code h1 = latents + drop(out(weights·v))} (query residual; {@code out} is a D→D Linear);</li>
 * <li>{@code h2 = h1 + drop(MLP(LN(h1)))} with MLP = Linear D→ratio·D, GELU, Linear ratio·D→D;</li>
 * <li>the L×D latents are flattened (L·D) and projected by a Linear L·D → C: the row's C virtual
 *     channels.</li>
 * </ol>
 * Each row sees only its own bin's spikes, so the homogenizer is causal. As in the released code
 * ({@code models/attention.py}, {@code CrossAttention} with {@code cross_attn_lin_dropout}), the
 * attention branch is dropped out before the query residual ({@link Config#attnOutDropout()}) as
 * well as the MLP output ({@link Config#mlpDropout()}).
 *
 * <p><b>Empty bins.</b> A row without tokens has every key masked: its attention weights are all
 * zero (the released code zeroes the masked weights after the softmax), so the attention output
 * is the {@code out} bias alone and {@code h1 = latents + drop(bout)}. Without live dropout
 * (evaluation, or both residual dropouts 0) every empty row has the same output; it is computed
 * once per forward and copied, and its gradient is the sum of the empty rows' gradients. In
 * training with live residual dropout each empty row draws its own masks and is computed on its
 * own (the attention step is still skipped).
 *
 * <p><b>Speed.</b> The queries are computed once per forward; keys, values and scores of all
 * tokens of the batch are single gemms ({@code [n, D]·[D, D]}, {@code K·Qᵀ [n, L]}), and the
 * per-latent layers (out, MLP, projection) are gemms over all computed rows; only the softmax over
 * each row's tokens and the weighted sums of values are per-row loops, split across threads by
 * rows. GELU, dropout masks and the large LayerNorm are vectorised or threaded host loops whose
 * results do not depend on the thread count.
 *
 * <p><b>Input.</b> {@link Tokens}: per row, a CSR list of global unit ids (multi-session:
 * global id = session offset + local unit, {@link #sessionOffsets}); the vocabulary is the union of
 * all sessions' units and the rest of the homogenizer is shared across sessions. Output: a
 * {@code [T, B, C]} tensor.
 *
 * <p><b>Unit identification</b> (the released config's {@code finetune_with_unit_identification}: freeze
 * everything, train only unit embeddings): {@link #unitIdentificationParameters()} lists just
 * the embedding table ({@code <name>.units}); {@link #withVocabulary} extends the table for a new
 * session's units while keeping every trained value.
 *
 * <p><b>Tape contract</b> as {@link Layer}'s (the input is tokens, not a tensor, so this is a
 * {@link Module} with its own forward/backward): {@link #forward} pushes one record after those of
 * its inner {@link Linear} and {@link LayerNorm} layers (the LayerNorm before the MLP, which runs on
 * rows·L vectors, keeps its parameters in a {@link LayerNorm} but runs the same arithmetic split
 * across threads); {@link #backward} pops them in reverse and ADDS into every
 * parameter's gradient, including a scatter-add into the embedding rows that were used. Dropout
 * masks come from the tape's next seeds (attention, attention branch, MLP, in that order, each
 * drawn when its probability is above 0 in training); the mask of the attention weight of token
 * {@code t} and latent {@code l} is element {@code t·L + l}, the residual masks of row r are
 * elements {@code r·L·D + l·D + d}, so a row's masks do not depend on which rows are computed.
 *
 * <pre>{@code
 * Homogenizer h = new Homogenizer(be, "homog", Homogenizer.Config.paper(vocab), seed);
 * var tokens = new Homogenizer.Tokens(100, 32, offsets, units);    // offsets: int[100·32 + 1]
 * Tape tape = Tape.training(step);
 * Tensor channels = h.forward(tokens, tape);                        // [100, 32, 128]
 * ... h.backward(dChannels, tape);
 * }</pre>
 */
public final class Homogenizer implements Module {

    /**
     * Sizes and dropout rates.
     *
     * @param vocab          number of unit embeddings (all sessions' units)
     * @param dim            D, width of unit embeddings, latents and q/k/v (paper 32)
     * @param latents        L, number of latent query tokens (paper 128)
     * @param channels       C, virtual channels out (paper 128)
     * @param mlpRatio       MLP hidden width / D (paper 4)
     * @param attnDropout    dropout on the attention weights (paper 0.1)
     * @param attnOutDropout dropout on the attention branch before the query residual (released
     *                       {@code cross_attn_lin_dropout}, 0.3)
     * @param mlpDropout     dropout on the MLP output before its residual (paper 0.3)
     */
    public record Config(int vocab, int dim, int latents, int channels, int mlpRatio,
                         float attnDropout, float attnOutDropout, float mlpDropout) {

        public Config {
            positive("vocab", vocab);
            positive("dim", dim);
            positive("latents", latents);
            positive("channels", channels);
            positive("mlpRatio", mlpRatio);
            probability("attnDropout", attnDropout);
            probability("attnOutDropout", attnOutDropout);
            probability("mlpDropout", mlpDropout);
            if ((long) latents * dim > Integer.MAX_VALUE / 64) {
                throw new IllegalArgumentException("Homogenizer.Config: latents·dim = " + (long) latents * dim + " is too large");
            }
        }

        private static void positive(String field, int v) {
            if (v < 1) throw new IllegalArgumentException("Homogenizer.Config." + field + " must be >= 1, got " + v);
        }

        private static void probability(String field, float p) {
            if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Homogenizer.Config." + field + " must be in [0, 1), got " + p);
        }

        /** The released configuration ({@code configs/spikachu.yaml}): D 32, L 128, C 128, ratio 4, dropouts 0.1 / 0.3 / 0.3. */
        public static Config paper(int vocab) { return new Config(vocab, 32, 128, 128, 4, 0.1f, 0.3f, 0.3f); }

        /** A small configuration for quick runs on a CPU: D 16, L 16, C 32, ratio 4, the paper's dropouts. */
        public static Config quick(int vocab) { return new Config(vocab, 16, 16, 32, 4, 0.1f, 0.3f, 0.3f); }

        public Config withVocab(int v) { return new Config(v, dim, latents, channels, mlpRatio, attnDropout, attnOutDropout, mlpDropout); }

        /** All three dropout rates set to 0. */
        public Config withoutDropout() { return new Config(vocab, dim, latents, channels, mlpRatio, 0f, 0f, 0f); }

        /** MLP hidden width {@code mlpRatio·dim}. */
        public int hidden() { return mlpRatio * dim; }

        /** Parameters other than the unit embeddings: latents, three LayerNorms, q/k/v/out, MLP, projection. */
        public long sharedParameterCount() {
            long d = dim, l = latents, h = hidden();
            return l * d + 3 * 2 * d + 4 * (d * d + d) + (d * h + h) + (h * d + d) + (l * d * channels + channels);
        }

        /**
         * Operations per step (one bin of one sample) with {@code meanTokens} spikes in the bin, per
         * notebooks/papers/spikachu.md §6.2, counting what a dense implementation computes for that bin:
         * <ul>
         * <li>Linear layers: rows·in·out MACs plus rows·out bias ACs, for every row the layer is
         *     applied to (k and v: n tokens; out and the MLP: L latents; projection: 1 row);</li>
         * <li>attention: {@code heads·(Nq·Nk·d_qk) + heads·(Nq·Nk·d_v) + 3·heads·Nq·Nk} MACs with
         *     Nq = L, Nk = n, one head;</li>
         * <li>LayerNorm: 6 MACs per normalised feature (mean, centring, variance, scaling, γ, β),
         *     the per-feature cost §6.2 there gives BatchNorm, times the vectors normalised (n for
         *     LN_kv, L for the MLP's LN);</li>
         * <li>the two residual additions: L·D ACs each;</li>
         * <li>not counted: the queries {@code LN_q(latents)·Wq + bq}, which do not depend on the
         *     input and are computed once per model; embedding look-ups (memory reads); softmax
         *     beyond the formula's 3 per weight; GELU (no activation function is counted in §6.2).</li>
         * </ul>
         * The count is linear in n, so it may be given a mean. A deployment that caches the
         * empty-bin output (a constant) spends nothing on empty bins: multiply by the fraction of
         * non-empty bins and pass the mean over non-empty bins.
         */
        public OpCounts opsPerStep(double meanTokens) {
            if (!(meanTokens >= 0) || Double.isInfinite(meanTokens)) {
                throw new IllegalArgumentException("opsPerStep: meanTokens must be finite and >= 0, got " + meanTokens);
            }
            double n = meanTokens, d = dim, l = latents, h = hidden(), c = channels;
            double macs = 6 * d * n                       // LN_kv
                    + 2 * n * d * d                       // k, v
                    + (l * n * d + l * n * d + 3 * l * n) // attention, one head
                    + l * d * d                           // out
                    + 6 * d * l                           // LN before the MLP
                    + l * d * h + l * h * d               // MLP
                    + l * d * c;                          // projection
            double acs = 2 * n * d                        // k, v biases
                    + l * d                               // out bias
                    + l * d                               // query residual
                    + l * h + l * d                       // MLP biases
                    + l * d                               // MLP residual
                    + c;                                  // projection bias
            return new OpCounts(macs, acs);
        }

        /**
         * The released profiler's count ({@code network_profiling.py}) for this module: every
         * {@code nn.Linear} counted once as in·out MACs plus out bias ACs (not per row it is applied
         * to), LayerNorms not counted, the attention module's MACs
         * {@code Nq·Nk·d + Nq·Nk·d + 3·Nq·Nk} with Nk = {@code paddedTokens} (the released code pads
         * every bin to the largest spike count in the batch), no ACs for attention.
         */
        public OpCounts opsPerStepAsReleased(double paddedTokens) {
            if (!(paddedTokens >= 0) || Double.isInfinite(paddedTokens)) {
                throw new IllegalArgumentException("opsPerStepAsReleased: paddedTokens must be finite and >= 0, got " + paddedTokens);
            }
            double n = paddedTokens, d = dim, l = latents, h = hidden(), c = channels;
            double macs = 4 * d * d + d * h + h * d + l * d * c + (l * n * d + l * n * d + 3 * l * n);
            double acs = 4 * d + h + d + c;
            return new OpCounts(macs, acs);
        }
    }

    /**
     * Operation counts per step.
     *
     * @param macs multiply-accumulates
     * @param acs  accumulates
     */
    public record OpCounts(double macs, double acs) {
        /** Energy per step, pJ: MACs·E_MAC + ACs·E_AC. */
        public double picojoules(EnergyConstants c) { return macs * c.macPicojoule() + acs * c.acPicojoule(); }

        /** As an {@link EnergyEstimate} at {@code stepsPerSecond} steps per second (100 for 10-ms bins). */
        public EnergyEstimate energy(EnergyConstants c, double stepsPerSecond) { return EnergyEstimate.of(acs, macs, c, stepsPerSecond); }
    }

    /**
     * The spikes of a batch, bin by bin: row {@code r = t·batch + b} holds the global unit ids
     * {@code units[offsets[r] .. offsets[r+1])} of the spikes of sample b in bin t (a unit that
     * spiked k times appears k times; order within a row does not matter). The arrays are copied;
     * the accessors return the stored copies, which must not be changed.
     *
     * @param steps   T, bins per sequence
     * @param batch   B, sequences
     * @param offsets {@code int[T·B + 1]}, non-decreasing, from 0 to {@code units.length}
     * @param units   global unit ids, all rows concatenated
     */
    public record Tokens(int steps, int batch, int[] offsets, int[] units) {
        public Tokens {
            if (steps < 1) throw new IllegalArgumentException("Homogenizer.Tokens: steps must be >= 1, got " + steps);
            if (batch < 1) throw new IllegalArgumentException("Homogenizer.Tokens: batch must be >= 1, got " + batch);
            if (offsets == null) throw new IllegalArgumentException("Homogenizer.Tokens: tokenOffsets is null");
            if (units == null) throw new IllegalArgumentException("Homogenizer.Tokens: tokenUnits is null");
            long rows = (long) steps * batch;
            if (rows + 1 != offsets.length) {
                throw new IllegalArgumentException("Homogenizer.Tokens: tokenOffsets must have steps·batch + 1 = " + (rows + 1)
                        + " entries (" + steps + "·" + batch + " rows), got " + offsets.length);
            }
            if (offsets[0] != 0) throw new IllegalArgumentException("Homogenizer.Tokens: tokenOffsets[0] must be 0, got " + offsets[0]);
            for (int r = 0; r < rows; r++) {
                if (offsets[r + 1] < offsets[r]) {
                    throw new IllegalArgumentException("Homogenizer.Tokens: tokenOffsets must be non-decreasing, but tokenOffsets["
                            + (r + 1) + "] = " + offsets[r + 1] + " < tokenOffsets[" + r + "] = " + offsets[r]);
                }
            }
            if (offsets[(int) rows] != units.length) {
                throw new IllegalArgumentException("Homogenizer.Tokens: tokenOffsets[" + rows + "] = " + offsets[(int) rows]
                        + " must equal tokenUnits.length = " + units.length);
            }
            for (int i = 0; i < units.length; i++) {
                if (units[i] < 0) throw new IllegalArgumentException("Homogenizer.Tokens: tokenUnits[" + i + "] = " + units[i] + " is negative");
            }
            offsets = offsets.clone();
            units = units.clone();
        }

        /** Number of rows T·B. */
        public int rows() { return steps * batch; }

        /** Number of tokens (spikes) in all rows. */
        public int count() { return units.length; }

        /** Tokens in row r. */
        public int count(int row) { return offsets[row + 1] - offsets[row]; }

        /** Rows without tokens. */
        public int emptyRows() {
            int e = 0;
            for (int r = 0; r < rows(); r++) if (offsets[r + 1] == offsets[r]) e++;
            return e;
        }

        /** Mean tokens per row. */
        public double meanPerRow() { return (double) units.length / rows(); }
    }

    /** LayerNorm epsilon (PyTorch's default). */
    static final float LN_EPS = 1e-5f;

    private final Backend be;
    private final String name;
    private final Config cfg;
    private final Parameter units, latents;
    private final LayerNorm lnKv, lnQ, lnMlp;
    private final Linear q, k, v, out, mlp1, mlp2, proj;
    private final List<Parameter> params;

    /**
     * @param name parameter prefix: {@code name.units}, {@code name.latents}, {@code name.lnKv.*},
     *             {@code name.lnQ.*}, {@code name.q.*}, {@code name.k.*}, {@code name.v.*},
     *             {@code name.out.*}, {@code name.lnMlp.*}, {@code name.mlp1.*}, {@code name.mlp2.*},
     *             {@code name.proj.*}
     * @param seed model seed; each parameter's seed derives from it and the parameter's name
     *             ({@link Init#seedFor}); Linear layers start as PyTorch's {@code nn.Linear}
     */
    public Homogenizer(Backend be, String name, Config cfg, long seed) {
        if (be == null) throw new IllegalArgumentException("Homogenizer: backend is null");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("Homogenizer: name must not be blank");
        if (cfg == null) throw new IllegalArgumentException("Homogenizer: config is null");
        this.be = be;
        this.name = name;
        this.cfg = cfg;
        int d = cfg.dim(), h = cfg.hidden();
        Tensor u = be.zeros(cfg.vocab(), d);
        Init.normal(u, Init.seedFor(seed, name + ".units"), 0f, 0.02f);
        this.units = new Parameter(name + ".units", u, true);
        Tensor z = be.zeros(cfg.latents(), d);
        Init.normal(z, Init.seedFor(seed, name + ".latents"), 0f, 0.02f);
        this.latents = new Parameter(name + ".latents", z, true);
        this.lnKv = new LayerNorm(be, name + ".lnKv", d);
        this.lnQ = new LayerNorm(be, name + ".lnQ", d);
        this.q = new Linear(be, name + ".q", d, d, true, seed);
        this.k = new Linear(be, name + ".k", d, d, true, seed);
        this.v = new Linear(be, name + ".v", d, d, true, seed);
        this.out = new Linear(be, name + ".out", d, d, true, seed);
        this.lnMlp = new LayerNorm(be, name + ".lnMlp", d);
        this.mlp1 = new Linear(be, name + ".mlp1", d, h, true, seed);
        this.mlp2 = new Linear(be, name + ".mlp2", h, d, true, seed);
        this.proj = new Linear(be, name + ".proj", cfg.latents() * d, cfg.channels(), true, seed);
        List<Parameter> all = new ArrayList<>();
        all.add(units);
        all.add(latents);
        for (Module m : new Module[] {lnKv, lnQ, q, k, v, out, lnMlp, mlp1, mlp2, proj}) all.addAll(m.parameters());
        this.params = Module.of(() -> all).parameters();
    }

    public Config config() { return cfg; }

    public String name() { return name; }

    /** All parameters: {@code units}, {@code latents}, then the layers in data-flow order. */
    @Override
    public List<Parameter> parameters() { return params; }

    /** The unit embedding table {@code [vocab, D]}, named {@code <name>.units}. */
    public Parameter unitEmbeddings() { return units; }

    /** The latent query tokens {@code [L, D]}, named {@code <name>.latents}. */
    public Parameter latentTokens() { return latents; }

    /**
     * What unit-identification fine-tuning trains: the unit embeddings only (everything else
     * stays frozen, as the released config's {@code finetune_with_unit_identification}).
     */
    public List<Parameter> unitIdentificationParameters() { return List.of(units); }

    /** Everything except the unit embeddings (shared by all sessions). */
    public List<Parameter> sharedParameters() { return params.subList(1, params.size()); }

    /**
     * Global unit ids for multi-session training: session s's local unit j has global id
     * {@code offsets[s] + j}; the returned array has one more entry than sessions, its last entry
     * is the vocabulary size.
     */
    public static int[] sessionOffsets(int... unitsPerSession) {
        if (unitsPerSession == null) throw new IllegalArgumentException("sessionOffsets: unitsPerSession is null");
        int[] o = new int[unitsPerSession.length + 1];
        for (int s = 0; s < unitsPerSession.length; s++) {
            if (unitsPerSession[s] < 0) throw new IllegalArgumentException("sessionOffsets: unitsPerSession[" + s + "] = " + unitsPerSession[s] + " is negative");
            o[s + 1] = Math.addExact(o[s], unitsPerSession[s]);
        }
        return o;
    }

    /**
     * A homogenizer with a vocabulary of {@code vocab} units that holds this one's trained values:
     * every shared parameter is copied, embedding rows {@code [0, config().vocab())} are copied and
     * the new rows start N(0, 0.02²) from {@code seed}. This is how a new session's units join a
     * pretrained model before unit-identification fine-tuning.
     */
    public Homogenizer withVocabulary(int vocab, long seed) {
        if (vocab < cfg.vocab()) {
            throw new IllegalArgumentException("withVocabulary: vocab must be >= the current " + cfg.vocab() + ", got " + vocab);
        }
        Homogenizer h = new Homogenizer(be, name, cfg.withVocab(vocab), seed);
        for (int i = 1; i < params.size(); i++) be.copy(params.get(i).value(), h.params.get(i).value());
        be.copy(units.value(), h.units.value().narrow0(0, cfg.vocab()));
        return h;
    }

    @Override
    public String toString() {
        return "Homogenizer(" + name + ": vocab " + cfg.vocab() + ", D " + cfg.dim() + ", L " + cfg.latents() + ", C " + cfg.channels() + ")";
    }

    // ---- forward ------------------------------------------------------------------------------

    private record Rec(Tokens tok, int[] comp, int[] rowIndex, int proto,
                       float[] attn, Tensor kt, float[] vals, Tensor qs, float[] xhat, float[] invStd, float[] geluGrad,
                       long seedAttn, long seedOut, long seedMlp, float pAttn, float pOut, float pMlp) {}

    /** {@link #forward(Tokens, Tape)} with the arrays of {@link Tokens}. */
    public Tensor forward(int steps, int batch, int[] tokenOffsets, int[] tokenUnits, Tape tape) {
        return forward(new Tokens(steps, batch, tokenOffsets, tokenUnits), tape);
    }

    /**
     * The virtual channels {@code [T, B, C]} of every bin. In training ({@code tape.training()})
     * the three dropouts are live.
     *
     * @throws IllegalArgumentException when a unit id is outside the vocabulary
     */
    public Tensor forward(Tokens tok, Tape tape) {
        if (tok == null) throw new IllegalArgumentException("Homogenizer.forward: tokens are null");
        if (tape == null) throw new IllegalArgumentException("Homogenizer.forward: tape is null");
        int[] uid = tok.units(), off = tok.offsets();
        for (int i = 0; i < uid.length; i++) {
            if (uid[i] >= cfg.vocab()) {
                throw new IllegalArgumentException("Homogenizer " + name + ": tokenUnits[" + i + "] = " + uid[i]
                        + " is outside the vocabulary [0, " + cfg.vocab() + ")");
            }
        }
        final int d = cfg.dim(), l = cfg.latents(), c = cfg.channels(), h = cfg.hidden(), ld = l * d;
        final int rows = tok.rows(), n = tok.count();
        boolean train = tape.training();
        final float pAttn = train ? cfg.attnDropout() : 0f, pOut = train ? cfg.attnOutDropout() : 0f, pMlp = train ? cfg.mlpDropout() : 0f;
        final long seedAttn = pAttn > 0 ? tape.nextSeed() : 0L;
        final long seedOut = pOut > 0 ? tape.nextSeed() : 0L;
        final long seedMlp = pMlp > 0 ? tape.nextSeed() : 0L;

        // Rows to compute: every row under live residual dropout, else the non-empty rows plus one
        // shared empty row (comp entry -1) when there are empty rows.
        final int[] comp, rowIndex = new int[rows];
        int proto = -1;
        if (pOut > 0 || pMlp > 0) {
            comp = new int[rows];
            for (int r = 0; r < rows; r++) comp[r] = rowIndex[r] = r;
        } else {
            int empty = tok.emptyRows();
            comp = new int[rows - empty + (empty > 0 ? 1 : 0)];
            int i = 0;
            for (int r = 0; r < rows; r++) if (off[r + 1] > off[r]) comp[rowIndex[r] = i++] = r;
            if (empty > 0) {
                proto = i;
                comp[i] = -1;
                for (int r = 0; r < rows; r++) if (off[r + 1] == off[r]) rowIndex[r] = proto;
            }
        }
        final int rc = comp.length;
        if ((long) rc * l * Math.max(d, h) > Integer.MAX_VALUE - 16 || (long) n * Math.max(l, d) > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("Homogenizer " + name + ": " + rc + " rows of " + l + "×" + h + " MLP activations or "
                    + n + " tokens exceed one Java array; split the batch (steps·batch = " + rows + ")");
        }

        // Queries, shared by every row: LN_q(latents)·Wq + bq, scaled by 1/√D.
        Tensor qt = q.forward(lnQ.forward(latents.value(), tape), tape);
        float[] qsArr = host(qt);
        float scale = (float) (1 / Math.sqrt(d));
        for (int i = 0; i < qsArr.length; i++) qsArr[i] *= scale;
        Tensor qs = wrap(be, qsArr, l, d);

        // Keys and values of all tokens at once; scores sT [n, L] = K·qsᵀ; softmax per row and latent.
        Tensor kt = null;
        float[] vals = null, attn = null;
        if (n > 0) {
            float[] emb = host(units.value()), e = new float[n * d];
            for (int t = 0; t < n; t++) System.arraycopy(emb, uid[t] * d, e, t * d, d);
            Tensor en = lnKv.forward(wrap(be, e, n, d), tape);
            kt = k.forward(en, tape);
            vals = host(v.forward(en, tape));
            Tensor st = be.zeros(n, l);
            be.gemm(false, true, 1f, kt, qs, 0f, st);
            attn = host(st);
            softmax(attn, off, l, rows);
        }

        // Attention output per computed row: o[i, l, :] = Σ_t drop(a[t, l])·v[t, :]; zero for empty rows.
        float[] o = new float[rc * ld];
        if (n > 0) {
            final float[] a = attn, vv = vals;
            final float keep = 1f - pAttn, inv = 1f / keep;
            forRanges(rc, 16, (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    int r = comp[i];
                    if (r < 0) continue;
                    for (int t = off[r]; t < off[r + 1]; t++) {
                        int vt = t * d;
                        for (int j = 0; j < l; j++) {
                            float w = a[t * l + j];
                            if (pAttn > 0) w *= mask(seedAttn, (long) t * l + j, keep, inv);
                            if (w == 0f) continue;
                            int ob = (i * l + j) * d;
                            for (int x = 0; x < d; x++) o[ob + x] += w * vv[vt + x];
                        }
                    }
                }
            });
        }

        // h1 = latents + drop(out(o)).
        float[] h1 = host(out.forward(wrap(be, o, rc * l, d), tape));
        final float[] z = host(latents.value());
        residual(h1, z, true, h1, comp, ld, pOut, seedOut);

        // h2 = h1 + drop(MLP(LN(h1))).
        final boolean keeps = tape.keeps();
        float[] x2 = new float[h1.length], xhat = keeps ? new float[h1.length] : null, invStd = keeps ? new float[rc * l] : null;
        HomogenizerKernels.layerNorm(h1, host(lnMlp.parameters().get(0).value()), host(lnMlp.parameters().get(1).value()),
                LN_EPS, rc * l, d, x2, xhat, invStd);
        Tensor g = mlp1.forward(wrap(be, x2, rc * l, d), tape);
        final float[] gArr = host(g), gg = new float[gArr.length], dgg = keeps ? new float[gArr.length] : null;
        forRanges(gArr.length, 1 << 14, (f, t) -> HomogenizerKernels.gelu(gArr, gg, dgg, f, t));
        float[] h2 = host(mlp2.forward(wrap(be, gg, rc * l, h), tape));
        residual(h2, h1, false, h2, comp, ld, pMlp, seedMlp);

        // Flatten the latents of each row and project to the C virtual channels.
        float[] y = host(proj.forward(wrap(be, h2, rc, ld), tape));
        float[] res = new float[rows * c];
        for (int r = 0; r < rows; r++) System.arraycopy(y, rowIndex[r] * c, res, r * c, c);
        tape.push(new Rec(tok, comp, rowIndex, proto, attn, kt, vals, qs, xhat, invStd, dgg, seedAttn, seedOut, seedMlp, pAttn, pOut, pMlp));
        return wrap(be, res, tok.steps(), tok.batch(), c);
    }

    /**
     * {@code dst[i, e] = base[e or i·ld + e] + drop(x[i, e])} over the computed rows (base is read
     * once per row when {@code broadcast}, e.g. the latents). The mask of row {@code comp[i]} and
     * element e is element {@code comp[i]·ld + e} of the stream {@code seed}. dst may alias x.
     */
    private static void residual(float[] dst, float[] base, boolean broadcast, float[] x, int[] comp, int ld, float p, long seed) {
        forRanges(comp.length, 16, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int o = i * ld, bo = broadcast ? 0 : o;
                if (p > 0) {
                    HomogenizerKernels.dropout(x, o, base, bo, dst, o, ld, seed, (long) comp[i] * ld, 1f - p);
                } else {
                    for (int e = 0; e < ld; e++) dst[o + e] = base[bo + e] + x[o + e];
                }
            }
        });
    }

    /** In place: per row and latent, softmax over the row's tokens of {@code s [n, L]}. */
    private static void softmax(float[] s, int[] off, int l, int rows) {
        forRanges(rows, 64, (r0, r1) -> {
            float[] mx = new float[l];
            double[] sum = new double[l];
            for (int r = r0; r < r1; r++) {
                int t0 = off[r], t1 = off[r + 1];
                if (t0 == t1) continue;
                Arrays.fill(mx, Float.NEGATIVE_INFINITY);
                Arrays.fill(sum, 0);
                for (int t = t0; t < t1; t++) {
                    for (int j = 0; j < l; j++) mx[j] = Math.max(mx[j], s[t * l + j]);
                }
                for (int t = t0; t < t1; t++) {
                    for (int j = 0; j < l; j++) {
                        float e = (float) Math.exp(s[t * l + j] - mx[j]);
                        s[t * l + j] = e;
                        sum[j] += e;
                    }
                }
                for (int t = t0; t < t1; t++) {
                    for (int j = 0; j < l; j++) s[t * l + j] = (float) (s[t * l + j] / sum[j]);
                }
            }
        });
    }

    // ---- backward -----------------------------------------------------------------------------

    /**
     * Pops the record of the matching {@link #forward} and ADDS the gradients of every parameter
     * (the unit embeddings get a scatter-add into the rows that were used).
     *
     * @param gradOut dL/d(output), {@code [T, B, C]}
     */
    public void backward(Tensor gradOut, Tape tape) {
        if (tape == null) throw new IllegalArgumentException("Homogenizer.backward: tape is null");
        if (gradOut == null) throw new IllegalArgumentException("Homogenizer.backward: gradOut is null");
        Rec rec = tape.pop(Rec.class);
        Tokens tok = rec.tok();
        final int d = cfg.dim(), l = cfg.latents(), c = cfg.channels(), h = cfg.hidden(), ld = l * d;
        final int rows = tok.rows(), n = tok.count();
        final int[] comp = rec.comp(), off = tok.offsets(), uid = tok.units();
        final int rc = comp.length;
        gradOut.requireShape("Homogenizer " + name + " backward: gradOut", tok.steps(), tok.batch(), c);

        // Gradient per computed row; the shared empty row collects the sum over empty rows.
        float[] gy = host(gradOut), dy = new float[rc * c];
        double[] protoSum = rec.proto() >= 0 ? new double[c] : null;
        for (int r = 0; r < rows; r++) {
            int i = rec.rowIndex()[r];
            if (i == rec.proto()) {
                for (int x = 0; x < c; x++) protoSum[x] += gy[r * c + x];
            } else {
                System.arraycopy(gy, r * c, dy, i * c, c);
            }
        }
        if (protoSum != null) for (int x = 0; x < c; x++) dy[rec.proto() * c + x] = (float) protoSum[x];

        // Projection, MLP residual and MLP.
        final float[] dh2 = host(proj.backward(wrap(be, dy, rc, c), tape));
        float[] dm = dh2;
        if (rec.pMlp() > 0) {
            dm = new float[dh2.length];
            dropBack(dm, dh2, comp, ld, rec.pMlp(), rec.seedMlp());
        }
        final float[] dg = host(mlp2.backward(wrap(be, dm, rc * l, d), tape));
        final float[] gg = rec.geluGrad();
        forRanges(dg.length, 1 << 15, (f, t) -> {
            for (int i = f; i < t; i++) dg[i] *= gg[i];
        });
        Parameter gamma = lnMlp.parameters().get(0), beta = lnMlp.parameters().get(1);
        double[] dGamma = new double[d], dBeta = new double[d];
        final float[] dh1 = HomogenizerKernels.layerNormBackward(host(mlp1.backward(wrap(be, dg, rc * l, h), tape)),
                rec.xhat(), rec.invStd(), host(gamma.value()), rc * l, d, dGamma, dBeta);
        be.axpby(1f, wrap(be, toFloat(dGamma), d), 1f, gamma.grad());
        be.axpby(1f, wrap(be, toFloat(dBeta), d), 1f, beta.grad());
        forRanges(dh1.length, 1 << 15, (f, t) -> {
            for (int i = f; i < t; i++) dh1[i] += dh2[i];
        });

        // Query residual: the latents get the sum over rows; the attention branch its dropout.
        Tensor dz = be.zeros(l, d);
        be.sumRows(wrap(be, dh1, rc, ld), 0f, dz);
        float[] dp = dh1;
        if (rec.pOut() > 0) {
            dp = new float[dh1.length];
            dropBack(dp, dh1, comp, ld, rec.pOut(), rec.seedOut());
        }
        final float[] dO = host(out.backward(wrap(be, dp, rc * l, d), tape));

        Tensor dQs;
        if (n > 0) {
            final float[] a = rec.attn(), vv = rec.vals(), ds = new float[n * l], dv = new float[n * d];
            final float pAttn = rec.pAttn(), keep = 1f - pAttn, inv = 1f / keep;
            final long seedAttn = rec.seedAttn();
            forRanges(rc, 16, (i0, i1) -> {
                double[] dot = new double[l];
                for (int i = i0; i < i1; i++) {
                    int r = comp[i];
                    if (r < 0 || off[r] == off[r + 1]) continue;
                    // dA (after dropout) = dO·vᵀ, dv = dropped weightsᵀ·dO; then through dropout.
                    for (int t = off[r]; t < off[r + 1]; t++) {
                        int vt = t * d;
                        for (int j = 0; j < l; j++) {
                            float m = pAttn > 0 ? mask(seedAttn, (long) t * l + j, keep, inv) : 1f;
                            int ob = (i * l + j) * d;
                            float w = a[t * l + j] * m, s = 0f;
                            for (int x = 0; x < d; x++) {
                                s += dO[ob + x] * vv[vt + x];
                                dv[vt + x] += w * dO[ob + x];
                            }
                            ds[t * l + j] = s * m;
                        }
                    }
                    // Softmax: dS = A ⊙ (dA − Σ_tokens A·dA).
                    Arrays.fill(dot, 0);
                    for (int t = off[r]; t < off[r + 1]; t++) {
                        for (int j = 0; j < l; j++) dot[j] += (double) a[t * l + j] * ds[t * l + j];
                    }
                    for (int t = off[r]; t < off[r + 1]; t++) {
                        for (int j = 0; j < l; j++) ds[t * l + j] = (float) (a[t * l + j] * (ds[t * l + j] - dot[j]));
                    }
                }
            });
            Tensor dsT = wrap(be, ds, n, l);
            dQs = be.zeros(l, d);
            be.gemm(true, false, 1f, dsT, rec.kt(), 0f, dQs);
            Tensor dK = be.zeros(n, d);
            be.gemm(false, false, 1f, dsT, rec.qs(), 0f, dK);
            Tensor den = v.backward(wrap(be, dv, n, d), tape);
            be.axpby(1f, k.backward(dK, tape), 1f, den);
            scatterAdd(host(lnKv.backward(den, tape)), uid, d);
        } else {
            dQs = be.zeros(l, d);
        }

        // Queries: q = LN_q(latents)·Wq + bq, scaled by 1/√D in the scores.
        be.affine(dQs, (float) (1 / Math.sqrt(d)), 0f, dQs);
        Tensor dzq = lnQ.backward(q.backward(dQs, tape), tape);
        be.axpby(1f, dzq, 1f, dz);
        be.axpby(1f, dz, 1f, latents.grad());
    }

    /** {@code dst = mask ⊙ g} with the masks of {@link #residual}. */
    private static void dropBack(float[] dst, float[] g, int[] comp, int ld, float p, long seed) {
        forRanges(comp.length, 16, (i0, i1) -> {
            for (int i = i0; i < i1; i++) HomogenizerKernels.dropout(g, i * ld, null, 0, dst, i * ld, ld, seed, (long) comp[i] * ld, 1f - p);
        });
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    /** Adds token gradients {@code de [n, D]} into the embedding rows of their units, in token order. */
    private void scatterAdd(float[] de, int[] uid, int d) {
        Tensor grad = units.grad();
        float[] direct = grad.storage() instanceof HostStorage hs && grad.offset() == 0
                && hs.data().length == grad.size() ? hs.data() : null;
        float[] acc = direct != null ? direct : new float[cfg.vocab() * d];
        for (int t = 0; t < uid.length; t++) {
            int ub = uid[t] * d, tb = t * d;
            for (int x = 0; x < d; x++) acc[ub + x] += de[tb + x];
        }
        if (direct == null) be.axpby(1f, wrap(be, acc, cfg.vocab(), d), 1f, grad);
    }
}
