package org.spikekit.nn;

import org.spikekit.core.Tape;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.List;
import org.spikekit.compute.Backend;
import org.spikekit.compute.Tensor;
import org.spikekit.core.Parameter;

/**
 * Batch normalisation of the last (feature) axis over ALL leading axes, as PyTorch's
 * {@code BatchNorm1d(F)} inside SpikingJelly's multi-step {@code layer.BatchNorm1d} (which folds
 * time and batch, and Spikachu's scale tokens, into one batch axis; notebooks/papers/spikachu.md §4.2 B–E).
 *
 * <p>Training ({@code tape.training()}): {@code y = (x − μ)/sqrt(σ² + eps)·γ + β} with the batch mean
 * μ and the biased batch variance σ² per feature; the running statistics move by
 * {@code r ← (1 − m)·r + m·b} with momentum m = 0.1, using the UNBIASED batch variance
 * {@code σ²·n/(n − 1)} for the running variance. Evaluation: the running statistics replace the
 * batch ones. Parameters: {@code name.gamma} (1) and {@code name.beta} (0) trainable,
 * {@code name.runningMean} (0) and {@code name.runningVar} (1) frozen, so checkpoints carry them.
 * Statistics are accumulated in double precision.
 */
public final class BatchNorm implements Layer {
    private final String name;
    private final int features;
    private final float eps, momentum;
    private final Parameter gamma, beta, runningMean, runningVar;

    /** PyTorch defaults: eps 1e-5, momentum 0.1. */
    public BatchNorm(Backend be, String name, int features) { this(be, name, features, 1e-5f, 0.1f); }

    public BatchNorm(Backend be, String name, int features, float eps, float momentum) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("BatchNorm: name must not be blank");
        if (features < 1) throw new IllegalArgumentException("BatchNorm " + name + ": features must be >= 1, got " + features);
        if (!(eps > 0)) throw new IllegalArgumentException("BatchNorm " + name + ": eps must be > 0, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("BatchNorm " + name + ": momentum must be in [0, 1], got " + momentum);
        this.name = name;
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        Tensor g = be.zeros(features);
        be.fill(g, 1f);
        Tensor rv = be.zeros(features);
        be.fill(rv, 1f);
        this.gamma = new Parameter(name + ".gamma", g, true);
        this.beta = new Parameter(name + ".beta", be.zeros(features), true);
        this.runningMean = new Parameter(name + ".runningMean", be.zeros(features), false);
        this.runningVar = new Parameter(name + ".runningVar", rv, false);
    }

    public int features() { return features; }

    public Parameter runningMean() { return runningMean; }

    public Parameter runningVar() { return runningVar; }

    @Override
    public List<Parameter> parameters() { return List.of(gamma, beta, runningMean, runningVar); }

    /** xhat: the normalised input; scale: γ/sqrt(var + eps) per feature; train: whether batch statistics were used. */
    private record Rec(float[] xhat, float[] invStd, float[] gamma, boolean train, int[] shape) {}

    @Override
    public Tensor forward(Tensor x, Tape tape) {
        int[] s = Shapes.lastDim(x, features, "BatchNorm " + name);
        Backend be = x.backend();
        float[] v = HomogenizerKernels.host(x), g = be.toHost(gamma.value()), b = be.toHost(beta.value());
        final int f = features, rows = v.length / f;
        float[] mean = new float[f], inv = new float[f];
        boolean train = tape.training();
        if (train) {
            if (rows < 2) {
                throw new IllegalArgumentException("BatchNorm " + name + ": training needs more than 1 value per feature, got input " + java.util.Arrays.toString(s));
            }
            double[] sum = new double[f], sq = new double[f];
            org.spikekit.compute.LaneKernels.addRows(v, 0, f, 0, rows, sum);
            for (int j = 0; j < f; j++) sum[j] /= rows;
            columnSquares(v, rows, f, sum, sq);
            float[] rm = be.toHost(runningMean.value()), rv = be.toHost(runningVar.value());
            for (int j = 0; j < f; j++) {
                double var = sq[j] / rows;
                mean[j] = (float) sum[j];
                inv[j] = (float) (1 / Math.sqrt(var + eps));
                rm[j] = (float) ((1 - momentum) * rm[j] + momentum * sum[j]);
                rv[j] = (float) ((1 - momentum) * rv[j] + momentum * sq[j] / (rows - 1));
            }
            be.copy(be.fromHost(rm, f), runningMean.value());
            be.copy(be.fromHost(rv, f), runningVar.value());
        } else {
            float[] rm = be.toHost(runningMean.value()), rv = be.toHost(runningVar.value());
            for (int j = 0; j < f; j++) {
                mean[j] = rm[j];
                inv[j] = (float) (1 / Math.sqrt((double) rv[j] + eps));
            }
        }
        boolean keep = tape.keeps();
        float[] xhat = keep ? new float[v.length] : null;
        float[] y = new float[v.length];
        normalize(v, rows, f, mean, inv, g, b, xhat, y);
        tape.push(new Rec(xhat, inv, g, train, s));
        return HomogenizerKernels.wrap(be, y, s);
    }

    @Override
    public Tensor backward(Tensor gradOut, Tape tape) {
        Rec r = tape.pop(Rec.class);
        Backend be = gradOut.backend();
        float[] gy = HomogenizerKernels.host(gradOut), xh = r.xhat(), g = r.gamma(), inv = r.invStd();
        final int f = features, rows = gy.length / f;
        double[] dg = new double[f], db = new double[f];
        columnGrads(gy, xh, rows, f, dg, db);
        float[] gx = new float[gy.length];
        if (r.train()) {
            // dL/dx = γ·inv/n · (n·gy − Σgy − xhat·Σ(gy·xhat)), the batch statistics depending on x
            float[] a = new float[f], mb = new float[f], mx = new float[f];
            for (int j = 0; j < f; j++) {
                a[j] = g[j] * inv[j];
                mb[j] = (float) (db[j] / rows);
                mx[j] = (float) (dg[j] / rows);
            }
            inputGrad(gy, xh, rows, f, a, mb, mx, gx);
        } else {
            for (int row = 0; row < rows; row++) {
                int o = row * f;
                for (int j = 0; j < f; j++) gx[o + j] = gy[o + j] * g[j] * inv[j];
            }
        }
        float[] dgf = new float[f], dbf = new float[f];
        for (int j = 0; j < f; j++) {
            dgf[j] = (float) dg[j];
            dbf[j] = (float) db[j];
        }
        be.axpby(1f, be.fromHost(dgf, f), 1f, gamma.grad());
        be.axpby(1f, be.fromHost(dbf, f), 1f, beta.grad());
        return HomogenizerKernels.wrap(be, gx, r.shape());
    }

    @Override
    public String describe() { return "BatchNorm(" + features + ")"; }

    // ---- the loops over [rows, f], row-major: a vector body over features and a scalar tail, each
    // feature's double sums taken row by row in order and every float operation as written (no fused
    // multiply-add), so the vector and scalar forms give the same bits (BatchNormTest).

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** The vector forms need one float vector to convert into exactly two double vectors. */
    private static final boolean VEC = D.length() * 2 == F.length();

    private static int vecEnd(int f) { return VEC ? F.loopBound(f) : 0; }

    /** {@code acc[j] += d·d}, {@code d = v[r·f + j] − mean[j]} in double, for r = 0, 1, …. */
    static void columnSquares(float[] v, int rows, int f, double[] mean, double[] acc) {
        final int end = vecEnd(f), dl = D.length();
        for (int r = 0; r < rows; r++) {
            int o = r * f, j = 0;
            for (; j < end; j += F.length()) {
                FloatVector x = FloatVector.fromArray(F, v, o + j);
                DoubleVector d0 = ((DoubleVector) x.convertShape(VectorOperators.F2D, D, 0)).sub(DoubleVector.fromArray(D, mean, j));
                DoubleVector d1 = ((DoubleVector) x.convertShape(VectorOperators.F2D, D, 1)).sub(DoubleVector.fromArray(D, mean, j + dl));
                DoubleVector.fromArray(D, acc, j).add(d0.mul(d0)).intoArray(acc, j);
                DoubleVector.fromArray(D, acc, j + dl).add(d1.mul(d1)).intoArray(acc, j + dl);
            }
            for (; j < f; j++) {
                double d = v[o + j] - mean[j];
                acc[j] += d * d;
            }
        }
    }

    /** {@code xh = (v − mean[j])·inv[j]} (into {@code xhat} unless null), {@code y = xh·g[j] + b[j]}, in float. */
    static void normalize(float[] v, int rows, int f, float[] mean, float[] inv, float[] g, float[] b, float[] xhat, float[] y) {
        final int end = vecEnd(f);
        for (int r = 0; r < rows; r++) {
            int o = r * f, j = 0;
            for (; j < end; j += F.length()) {
                FloatVector xh = FloatVector.fromArray(F, v, o + j).sub(FloatVector.fromArray(F, mean, j)).mul(FloatVector.fromArray(F, inv, j));
                if (xhat != null) xh.intoArray(xhat, o + j);
                xh.mul(FloatVector.fromArray(F, g, j)).add(FloatVector.fromArray(F, b, j)).intoArray(y, o + j);
            }
            for (; j < f; j++) {
                float xh = (v[o + j] - mean[j]) * inv[j];
                if (xhat != null) xhat[o + j] = xh;
                y[o + j] = xh * g[j] + b[j];
            }
        }
    }

    /** {@code dg[j] += gy·xh} (the product in float) and {@code db[j] += gy}, in double, rows in order. */
    static void columnGrads(float[] gy, float[] xh, int rows, int f, double[] dg, double[] db) {
        final int end = vecEnd(f), dl = D.length();
        for (int r = 0; r < rows; r++) {
            int o = r * f, j = 0;
            for (; j < end; j += F.length()) {
                FloatVector gv = FloatVector.fromArray(F, gy, o + j), p = gv.mul(FloatVector.fromArray(F, xh, o + j));
                DoubleVector.fromArray(D, dg, j).add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 0)).intoArray(dg, j);
                DoubleVector.fromArray(D, dg, j + dl).add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 1)).intoArray(dg, j + dl);
                DoubleVector.fromArray(D, db, j).add((DoubleVector) gv.convertShape(VectorOperators.F2D, D, 0)).intoArray(db, j);
                DoubleVector.fromArray(D, db, j + dl).add((DoubleVector) gv.convertShape(VectorOperators.F2D, D, 1)).intoArray(db, j + dl);
            }
            for (; j < f; j++) {
                dg[j] += gy[o + j] * xh[o + j];
                db[j] += gy[o + j];
            }
        }
    }

    /** Training-mode {@code dL/dx = a[j]·(gy − mb[j] − xh·mx[j])}, in float. */
    static void inputGrad(float[] gy, float[] xh, int rows, int f, float[] a, float[] mb, float[] mx, float[] gx) {
        final int end = vecEnd(f);
        for (int r = 0; r < rows; r++) {
            int o = r * f, j = 0;
            for (; j < end; j += F.length()) {
                FloatVector.fromArray(F, gy, o + j).sub(FloatVector.fromArray(F, mb, j))
                        .sub(FloatVector.fromArray(F, xh, o + j).mul(FloatVector.fromArray(F, mx, j)))
                        .mul(FloatVector.fromArray(F, a, j)).intoArray(gx, o + j);
            }
            for (; j < f; j++) gx[o + j] = a[j] * (gy[o + j] - mb[j] - xh[o + j] * mx[j]);
        }
    }
}
