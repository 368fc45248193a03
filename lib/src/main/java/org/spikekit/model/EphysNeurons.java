package org.spikekit.model;

import java.util.List;
import java.util.Locale;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Differentiable;
import org.spikekit.core.Parameter;
import org.spikekit.core.Tape;
import org.spikekit.metrics.VanRossum;
import org.spikekit.neuron.AlifCoeffs;
import org.spikekit.neuron.AlifKernel;
import org.spikekit.neuron.AlifParams;

/**
 * One adaptive LIF neuron per recorded cell, fitted to the cell's spikes under current injection:
 * the Blocks paper's {@code models.Neuron} / {@code EphysTrainer} (notebooks/papers/blocks.md §5.3).
 * C cells are fitted at once as C independent neurons of one ALIF layer (no recurrence): each has
 * its own input weight w, β, p and b and its own input current, the loss is the sum of the cells'
 * losses and Adam is elementwise, so every cell's fit is the one it would get alone.
 * <pre>
 *   x_c[k]  = mean of the cell's normalised current over the k-th group of {@code ds} samples of the
 *             0.1-ms grid (average pooling; model time step dt = ds·0.1 ms)
 *   X_c[k]  = w_c·x_c[k]
 *   S_c     = ALIF(X_c; β_c, p_c, b_c, arp)      standard (step by step) or Blocks kernel
 *   ŝ_c[j]  = S_c[k] at j = k·ds (the first 0.1-ms sub-bin of step k), 0 elsewhere
 *   L       = Σ_c mean_rows VanRossum(ŝ_c, recorded_c; τ = 100 samples)
 * </pre>
 * Initial values (paper): w = ds, τ_mem 20 ms, τ_adapt 100 ms (β = exp(−dt/τ_mem), p = exp(−dt/τ_adapt)),
 * b = 0.1/ds (for the 0.05-ms control, {@link Config#paperFine}: two model steps per sample, the 20-kHz
 * current as input, spikes max-pooled over pairs onto the 0.1-ms grid, w = 0.5 and b = 0.2 by the same
 * rule dt/0.1 ms — the paper does not state them); β, p, b through the paper's clamps ({@link AlifCoeffs#fromRaw}). The backward pass is
 * hand-written: van Rossum gradient, spread back to the model steps, the kernel's surrogate
 * backward, then w and the clamps.
 *
 * <p>The kit's autograd contract ({@link Differentiable}): {@link #forward(Tensor, Tape)} maps the
 * pooled input {@code [T, rows, cells]} ({@link #pool}) to the model spikes {@code [T, rows, cells]}
 * and, when the tape keeps records, pushes its {@link Pass}; {@link #backward(Tensor, Tape)} pops it,
 * back-propagates dL/dS (e.g. from {@link #loss(Tensor, float[][][], double, Tensor)}), ADDS the
 * parameter gradients and returns null (the input is data). No dropout: every tape mode computes
 * the same spikes, and {@link Tape#inference()} keeps no record. The pass-object methods
 * ({@link #forward(Tensor, boolean)}, {@link #backward(Pass, Tensor)}) remain for code that reads
 * the kernel tape; both routes give bit-identical gradients.
 */
public final class EphysNeurons implements Differentiable<Tensor> {

    /**
     * @param cells neurons (one per cell)
     * @param kind standard or Blocks kernel
     * @param alif refractory period (steps of dt) and surrogate
     * @param ds samples of the 0.1-ms grid per model step (paper: 1, 5, 10, 20, 40, 80)
     * @param tauMemMs initial membrane time constant (20 ms)
     * @param tauAdaptMs initial adaptation time constant (100 ms)
     * @param sub model steps per 0.1-ms sample: 1, or 2 for the paper's 0.05-ms control (input = the
     *            20-kHz current, output spikes max-pooled over pairs onto the 0.1-ms grid; needs ds = 1)
     */
    public record Config(int cells, AlifNet.Kind kind, AlifParams alif, int ds, double tauMemMs, double tauAdaptMs, int sub) {
        public Config {
            if (cells < 1) throw new IllegalArgumentException("EphysNeurons.Config.cells must be >= 1, got " + cells);
            if (kind == null || alif == null) throw new IllegalArgumentException("EphysNeurons.Config: kind and alif must not be null");
            if (ds < 1) throw new IllegalArgumentException("EphysNeurons.Config.ds must be >= 1 sample per step, got " + ds);
            if (sub != 1 && !(sub == 2 && ds == 1)) {
                throw new IllegalArgumentException("EphysNeurons.Config.sub must be 1, or 2 with ds = 1 (the 0.05-ms control), got sub " + sub + ", ds " + ds);
            }
            if (!(tauMemMs > 0) || !(tauAdaptMs > 0)) {
                throw new IllegalArgumentException("EphysNeurons.Config: time constants must be > 0 ms, got " + tauMemMs + ", " + tauAdaptMs);
            }
        }

        /** The paper's fit: time step ds·0.1 ms, refractory period {@code arpMs} rounded to whole steps (at least 1), mg surrogate. */
        public static Config paper(int cells, AlifNet.Kind kind, int ds, double arpMs) {
            double dt = ds * GRID_MS;
            int arp = Math.max(1, (int) Math.round(arpMs / dt));
            return new Config(cells, kind, AlifParams.paper(arp), ds, 20, 100, 1);
        }

        /** The paper's 0.05-ms control: two model steps per 0.1-ms sample, fed the 20-kHz current. */
        public static Config paperFine(int cells, AlifNet.Kind kind, double arpMs) {
            int arp = Math.max(1, (int) Math.round(arpMs / (GRID_MS / 2)));
            return new Config(cells, kind, AlifParams.paper(arp), 1, 20, 100, 2);
        }

        public double dtMs() { return ds * GRID_MS / sub; }

        /** Initial input weight w = dt / 0.1 ms (= ds, the paper's "downsample factor"; 0.5 at 0.05 ms). */
        public float w0() { return (float) (dtMs() / GRID_MS); }

        /** Initial adaptation strength b = 0.1 / (dt / 0.1 ms) (= 0.1/ds, the paper's). */
        public float b0() { return (float) (0.1 / (dtMs() / GRID_MS)); }

        public Config withKind(AlifNet.Kind k) { return new Config(cells, k, alif, ds, tauMemMs, tauAdaptMs, sub); }

        public String describe() {
            return String.format(Locale.ROOT, "%s dt=%.2fms arp=%d steps (%.1f ms) %s init tau_mem=%.0fms tau_adapt=%.0fms w=%.1f b=%.3f%s",
                    kind.name().toLowerCase(Locale.ROOT), dtMs(), alif.arp(), alif.arp() * dtMs(), alif.surrogate(), tauMemMs, tauAdaptMs, w0(), b0(),
                    sub == 2 ? " (20-kHz input, output max-pooled x2)" : "");
        }
    }

    /** The recordings' grid: 0.1 ms (10 kHz). */
    public static final double GRID_MS = 0.1;

    private final Backend be;
    private final Config cfg;
    private final AlifKernel kernel;
    private final Parameter w, betaRaw, pRaw, bRaw;
    private long kernelNanos;

    public EphysNeurons(Backend be, Config cfg) {
        this(be, cfg, cfg.kind() == AlifNet.Kind.BLOCKS ? AlifKernel.blocks(be) : AlifKernel.standard(be));
    }

    /** With an explicit kernel (tests use a smooth stand-in to check the gradient chain). */
    public EphysNeurons(Backend be, Config cfg, AlifKernel kernel) {
        if (be == null || cfg == null || kernel == null) throw new IllegalArgumentException("EphysNeurons: backend, config and kernel must not be null");
        this.be = be;
        this.cfg = cfg;
        this.kernel = kernel;
        int c = cfg.cells();
        double dt = cfg.dtMs();
        w = new Parameter("in.w", filled(c, cfg.w0()), true);
        betaRaw = new Parameter("alif.betaRaw", filled(c, (float) Math.exp(-dt / cfg.tauMemMs())), true);
        pRaw = new Parameter("alif.pRaw", filled(c, (float) Math.exp(-dt / cfg.tauAdaptMs())), true);
        bRaw = new Parameter("alif.bRaw", filled(c, cfg.b0()), true);
    }

    private Tensor filled(int n, float v) {
        Tensor t = be.zeros(n);
        be.fill(t, v);
        return t;
    }

    public Config config() { return cfg; }

    @Override public List<Parameter> parameters() { return List.of(w, betaRaw, pRaw, bRaw); }

    /** The clamped coefficients the neurons use now. */
    public AlifCoeffs coeffs() { return AlifCoeffs.fromRaw(be, betaRaw.value(), pRaw.value(), bRaw.value()); }

    /** Wall time inside the ALIF kernel's forward and backward calls since construction, ns. */
    public long kernelNanos() { return kernelNanos; }

    /** Per cell: fitted w, τ_mem (ms), τ_adapt (ms), b, from the clamped coefficients. */
    public record Fitted(double w, double tauMemMs, double tauAdaptMs, double b) {}

    public Fitted fitted(int cell) {
        AlifCoeffs c = coeffs();
        double dt = cfg.dtMs();
        float beta = be.toHost(c.beta())[cell], p = be.toHost(c.p())[cell];
        return new Fitted(be.toHost(w.value())[cell], -dt / Math.log(beta), p <= 0 ? 0 : -dt / Math.log(p), be.toHost(c.b())[cell]);
    }

    // ------------------------------------------------------------------ data

    /**
     * Inputs on the model's grid: {@code current[c][r]} is cell c's normalised current of row r on
     * the 0.1-ms grid (rows = epochs or trials; every row of every cell the same length n);
     * returns {@code [n/ds, rows, cells]} of ds-sample means (a trailing partial group is dropped).
     */
    public Tensor pool(float[][][] current) {
        int c = cfg.cells(), ds = cfg.ds();
        if (current == null || current.length != c) {
            throw new IllegalArgumentException("EphysNeurons.pool: need the currents of " + c + " cells, got " + (current == null ? null : current.length));
        }
        int rows = current[0].length, n = current[0][0].length, t = n / ds;
        if (t < 1) throw new IllegalArgumentException("EphysNeurons.pool: " + n + " samples are fewer than one model step of " + ds);
        float[] x = new float[t * rows * c];
        for (int ci = 0; ci < c; ci++) {
            if (current[ci].length != rows) throw new IllegalArgumentException("EphysNeurons.pool: cell " + ci + " has " + current[ci].length + " rows, cell 0 " + rows);
            for (int r = 0; r < rows; r++) {
                float[] a = current[ci][r];
                if (a.length != n) throw new IllegalArgumentException("EphysNeurons.pool: cell " + ci + " row " + r + " has " + a.length + " samples, expected " + n);
                for (int k = 0; k < t; k++) {
                    double s = 0;
                    for (int j = 0; j < ds; j++) {
                        float v = a[k * ds + j];
                        if (!Float.isFinite(v)) throw new IllegalArgumentException("EphysNeurons.pool: cell " + ci + " row " + r + " sample " + (k * ds + j) + " is " + v);
                        s += v;
                    }
                    x[(k * rows + r) * c + ci] = (float) (s / ds);
                }
            }
        }
        return be.fromHost(x, t, rows, c);
    }

    // ------------------------------------------------------------------ forward / backward

    /** A forward pass: pooled input, model spikes {@code [T, rows, cells]} and the kernel tape. */
    public record Pass(Tensor x, Tensor spikes, org.spikekit.neuron.AlifTape tape) {
        public int steps() { return x.dim(0); }
        public int rows() { return x.dim(1); }
    }

    /** Forward returning the pass object (with the kernel tape when {@code keepTape}); training code uses {@link #forward(Tensor, Tape)}. */
    public Pass forward(Tensor x, boolean keepTape) {
        if (x == null || x.rank() != 3 || x.dim(2) != cfg.cells()) {
            throw new IllegalArgumentException("EphysNeurons: input must be [T, rows, " + cfg.cells() + "], got " + x);
        }
        float[] xs = be.toHost(x), wv = be.toHost(w.value());
        int c = cfg.cells();
        float[] cur = new float[xs.length];
        for (int i = 0; i < xs.length; i++) cur[i] = xs[i] * wv[i % c];
        long k0 = System.nanoTime();
        AlifKernel.AlifForward f = kernel.forward(cfg.alif(), coeffs(), be.fromHost(cur, x.shape()), null, keepTape);
        kernelNanos += System.nanoTime() - k0;
        return new Pass(x, f.spikes(), keepTape ? f.tape() : null);
    }

    /**
     * Model spikes of cell {@code cell}, row {@code row} on the 0.1-ms grid (length steps·ds): a
     * spike of model step k sits at sample k·ds.
     */
    public float[] spikesOnGrid(Pass p, int cell, int row) { return spikesOnGrid(p.spikes(), cell, row); }

    /** As {@link #spikesOnGrid(Pass, int, int)}, from the spikes {@code [T, rows, cells]} that {@link #forward(Tensor, Tape)} returns. */
    public float[] spikesOnGrid(Tensor spikes, int cell, int row) {
        if (spikes == null || spikes.rank() != 3 || spikes.dim(2) != cfg.cells()) {
            throw new IllegalArgumentException("EphysNeurons.spikesOnGrid: spikes must be [T, rows, " + cfg.cells() + "], got " + spikes);
        }
        int t = spikes.dim(0), rows = spikes.dim(1), c = cfg.cells(), ds = cfg.ds();
        float[] s = be.toHost(spikes);
        if (cfg.sub() == 2) {                                   // max-pool pairs of 0.05-ms steps
            float[] out = new float[t / 2];
            for (int j = 0; j < out.length; j++) out[j] = Math.max(s[(2 * j * rows + row) * c + cell], s[((2 * j + 1) * rows + row) * c + cell]);
            return out;
        }
        float[] out = new float[t * ds];
        for (int k = 0; k < t; k++) out[k * ds] = s[(k * rows + row) * c + cell];
        return out;
    }

    /** Samples of the 0.1-ms grid a pass of {@code steps} model steps covers. */
    int gridSamples(int steps) { return cfg.sub() == 2 ? steps / 2 : steps * cfg.ds(); }

    /**
     * The loss of every cell (mean van Rossum distance over rows against {@code recorded[c][r]} on the
     * 0.1-ms grid, compared over the model's steps·ds samples) and, if {@code gradSpikes} is not
     * null, dL/dS {@code [T, rows, cells]} of L = Σ_c loss_c written into it.
     */
    public double[] loss(Pass p, float[][][] recorded, double tau, Tensor gradSpikes) { return loss(p.spikes(), recorded, tau, gradSpikes); }

    /** As {@link #loss(Pass, float[][][], double, Tensor)}, from the spikes {@code [T, rows, cells]} that {@link #forward(Tensor, Tape)} returns. */
    public double[] loss(Tensor spikes, float[][][] recorded, double tau, Tensor gradSpikes) {
        if (spikes == null || spikes.rank() != 3 || spikes.dim(2) != cfg.cells()) {
            throw new IllegalArgumentException("EphysNeurons.loss: spikes must be [T, rows, " + cfg.cells() + "], got " + spikes);
        }
        int t = spikes.dim(0), rows = spikes.dim(1), c = cfg.cells(), ds = cfg.ds(), n = gridSamples(t);
        float[] sp = cfg.sub() == 2 && gradSpikes != null ? be.toHost(spikes) : null;
        if (recorded == null || recorded.length != c) throw new IllegalArgumentException("EphysNeurons.loss: need the spikes of " + c + " cells");
        float[] g = gradSpikes == null ? null : new float[t * rows * c];
        float[] gf = gradSpikes == null ? null : new float[n];
        double[] out = new double[c];
        for (int ci = 0; ci < c; ci++) {
            if (recorded[ci].length != rows) throw new IllegalArgumentException("EphysNeurons.loss: cell " + ci + " has " + recorded[ci].length + " recorded rows, the pass " + rows);
            for (int r = 0; r < rows; r++) {
                float[] rec = recorded[ci][r];
                if (rec.length < n) throw new IllegalArgumentException("EphysNeurons.loss: cell " + ci + " row " + r + " has " + rec.length + " samples, the model covers " + n);
                float[] m = spikesOnGrid(spikes, ci, r);
                out[ci] += VanRossum.distance(m, 0, rec, 0, n, tau, gf, 0) / rows;
                if (g != null && cfg.sub() == 2) {
                    for (int j = 0; j < n; j++) {                // to the pair's max, the first on a tie (as max-pooling's argmax)
                        int a = (2 * j * rows + r) * c + ci, b = ((2 * j + 1) * rows + r) * c + ci;
                        g[sp[b] > sp[a] ? b : a] = gf[j] / rows;
                    }
                } else if (g != null) {
                    for (int k = 0; k < t; k++) g[(k * rows + r) * c + ci] = gf[k * ds] / rows;
                }
            }
        }
        if (gradSpikes != null) {
            gradSpikes.requireShape("EphysNeurons.loss gradSpikes", t, rows, c);
            be.copy(be.fromHost(g, t, rows, c), gradSpikes);
        }
        return out;
    }

    /** Backpropagation from dL/dS {@code [T, rows, cells]}; ADDS into the parameter gradients. */
    public void backward(Pass p, Tensor gradSpikes) {
        if (p == null || p.tape() == null) throw new IllegalArgumentException("EphysNeurons.backward needs the Pass of forward(x, keepTape = true)");
        long k0 = System.nanoTime();
        AlifKernel.AlifGrads g = kernel.backward(cfg.alif(), p.tape(), gradSpikes);
        kernelNanos += System.nanoTime() - k0;
        int c = cfg.cells();
        float[] gx = be.toHost(g.gradCurrent()), xs = be.toHost(p.x());
        double[] gw = new double[c];
        for (int i = 0; i < gx.length; i++) gw[i % c] += (double) gx[i] * xs[i];
        float[] gwf = new float[c];
        for (int i = 0; i < c; i++) gwf[i] = (float) gw[i];
        be.axpby(1f, be.fromHost(gwf, c), 1f, w.grad());
        Tensor[] raw = AlifCoeffs.rawGrads(be, betaRaw.value(), pRaw.value(), bRaw.value(), g.gradBeta(), g.gradP(), g.gradB());
        be.axpby(1f, raw[0], 1f, betaRaw.grad());
        be.axpby(1f, raw[1], 1f, pRaw.grad());
        be.axpby(1f, raw[2], 1f, bRaw.grad());
    }

    // ------------------------------------------------------------------ the autograd contract

    /** Model spikes {@code [T, rows, cells]} of the pooled input {@code x}; pushes the {@link Pass} when {@code tape.keeps()}. */
    @Override
    public Tensor forward(Tensor x, Tape tape) {
        if (tape == null) throw new IllegalArgumentException("EphysNeurons.forward: tape must not be null (Tape.inference() for no gradients)");
        Pass p = forward(x, tape.keeps());
        tape.push(p);
        return p.spikes();
    }

    /** Pops the {@link Pass}, back-propagates dL/dS {@code [T, rows, cells]}, ADDS the parameter gradients; returns null (the input is data). */
    @Override
    public Tensor backward(Tensor gradSpikes, Tape tape) {
        if (tape == null) throw new IllegalArgumentException("EphysNeurons.backward: tape must not be null");
        Pass p = tape.pop(Pass.class);
        if (gradSpikes == null) throw new IllegalArgumentException("EphysNeurons.backward: gradSpikes must not be null");
        gradSpikes.requireShape("EphysNeurons.backward gradSpikes", p.steps(), p.rows(), cfg.cells());
        backward(p, gradSpikes);
        return null;
    }

    /** Copies cell {@code cell}'s parameter values from {@code from} into this model's (same cell count). */
    public void copyCell(EphysNeurons from, int cell) {
        List<Parameter> a = parameters(), b = from.parameters();
        for (int i = 0; i < a.size(); i++) {
            float[] dst = be.toHost(a.get(i).value()), src = be.toHost(b.get(i).value());
            dst[cell] = src[cell];
            be.copy(be.fromHost(dst, dst.length), a.get(i).value());
        }
    }
}
