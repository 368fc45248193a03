package org.spikekit.compute;

import java.util.Arrays;

/**
 * Pure-Java backend on the heap. This is the reference every other backend is tested against.
 * (First version: straightforward loops; vectorised and multi-threaded kernels replace them
 * behind the same methods.)
 */
public final class CpuBackend implements Backend {

    public CpuBackend() {}

    /** ServiceLoader entry. */
    public static final class Provider implements BackendProvider {
        @Override public String name() { return "cpu"; }
        @Override public String unavailableReason() { return null; }
        @Override public Backend create() { return new CpuBackend(); }
    }

    @Override public String name() { return "cpu"; }

    @Override
    public String deviceName() {
        return System.getProperty("os.arch") + " x " + Runtime.getRuntime().availableProcessors() + " threads";
    }

    @Override
    public boolean has(Capability c) {
        return c == Capability.HOST_MEMORY;
    }

    // ---- helpers ------------------------------------------------------------------------------

    static float[] data(Tensor t) {
        if (!(t.storage() instanceof HostStorage h)) {
            throw new IllegalArgumentException("tensor " + t + " does not live in host memory");
        }
        return h.data();
    }

    static int off(Tensor t) { return Math.toIntExact(t.offset()); }

    private void own(Tensor t) {
        if (t.backend() != this && !(t.backend() instanceof CpuBackend)) {
            throw new IllegalArgumentException("tensor " + t + " belongs to backend '" + t.backend().name() + "', not cpu");
        }
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Tensor zeros(int... shape) {
        return Tensor.of(this, new HostStorage(new float[Math.toIntExact(Tensor.sizeOf(shape))]), 0, shape);
    }

    @Override
    public Tensor fromHost(float[] data, int... shape) {
        long n = Tensor.sizeOf(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("fromHost: " + data.length + " values do not fill shape " + Arrays.toString(shape));
        }
        return Tensor.of(this, new HostStorage(data.clone()), 0, shape);
    }

    @Override
    public void toHost(Tensor src, float[] dst, int dstOffset) {
        own(src);
        System.arraycopy(data(src), off(src), dst, dstOffset, src.sizeInt());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        own(src); own(dst); Shapes.sameSize("copy", src, dst);
        System.arraycopy(data(src), off(src), data(dst), off(dst), src.sizeInt());
    }

    @Override
    public void fill(Tensor t, float value) {
        own(t);
        Arrays.fill(data(t), off(t), off(t) + t.sizeInt(), value);
    }

    // ---- gemm ---------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        own(a); own(b); own(c);
        Shapes.GemmDims d = Shapes.gemm(transA, transB, a, b, c);
        int m = d.m(), n = d.n(), k = d.k();
        float[] A = data(a), B = data(b), C = data(c);
        int ao = off(a), bo = off(b), co = off(c);
        int lda = a.cols(), ldb = b.cols();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? A[ao + p * lda + i] : A[ao + i * lda + p];
                    float bv = transB ? B[bo + j * ldb + p] : B[bo + p * ldb + j];
                    s += av * bv;
                }
                int ci = co + i * n + j;
                C[ci] = beta == 0f ? (float) (alpha * s) : (float) (alpha * s + beta * C[ci]);
            }
        }
    }

    // ---- elementwise --------------------------------------------------------------------------

    @Override
    public void map(UnaryOp op, Tensor x, Tensor out) {
        own(x); own(out); Shapes.sameSize("map " + op, x, out);
        float[] X = data(x), O = data(out);
        int xo = off(x), oo = off(out), n = x.sizeInt();
        for (int i = 0; i < n; i++) O[oo + i] = op.apply(X[xo + i]);
    }

    @Override
    public void zip(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        own(a); own(b); own(out); Shapes.sameSize("zip " + op, a, b); Shapes.sameSize("zip " + op, a, out);
        float[] A = data(a), B = data(b), O = data(out);
        int ao = off(a), bo = off(b), oo = off(out), n = a.sizeInt();
        for (int i = 0; i < n; i++) O[oo + i] = op.apply(A[ao + i], B[bo + i]);
    }

    @Override
    public void zipRow(BinaryOp op, Tensor a, Tensor row, Tensor out) {
        own(a); own(row); own(out); Shapes.sameSize("zipRow " + op, a, out);
        int m = a.rows(), n = a.cols();
        if (row.size() != n) {
            throw new IllegalArgumentException("zipRow " + op + ": row has " + row.size() + " elements, a has "
                    + n + " columns " + Arrays.toString(a.shape()));
        }
        float[] A = data(a), R = data(row), O = data(out);
        int ao = off(a), ro = off(row), oo = off(out);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) O[oo + i * n + j] = op.apply(A[ao + i * n + j], R[ro + j]);
        }
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        own(x); own(y); Shapes.sameSize("axpby", x, y);
        float[] X = data(x), Y = data(y);
        int xo = off(x), yo = off(y), n = x.sizeInt();
        for (int i = 0; i < n; i++) Y[yo + i] = alpha * X[xo + i] + beta * Y[yo + i];
    }

    @Override
    public void affine(Tensor x, float scale, float shift, Tensor out) {
        own(x); own(out); Shapes.sameSize("affine", x, out);
        float[] X = data(x), O = data(out);
        int xo = off(x), oo = off(out), n = x.sizeInt();
        for (int i = 0; i < n; i++) O[oo + i] = scale * X[xo + i] + shift;
    }

    // ---- reductions ---------------------------------------------------------------------------

    @Override
    public void sumRows(Tensor a, float beta, Tensor out) {
        own(a); own(out);
        int m = a.rows(), n = a.cols();
        if (out.size() != n) throw new IllegalArgumentException("sumRows: out has " + out.size() + " elements, expected " + n);
        float[] A = data(a), O = data(out);
        int ao = off(a), oo = off(out);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < m; i++) s += A[ao + i * n + j];
            O[oo + j] = beta == 0f ? (float) s : (float) (s + beta * O[oo + j]);
        }
    }

    @Override
    public void sumCols(Tensor a, float beta, Tensor out) {
        own(a); own(out);
        int m = a.rows(), n = a.cols();
        if (out.size() != m) throw new IllegalArgumentException("sumCols: out has " + out.size() + " elements, expected " + m);
        float[] A = data(a), O = data(out);
        int ao = off(a), oo = off(out);
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += A[ao + i * n + j];
            O[oo + i] = beta == 0f ? (float) s : (float) (s + beta * O[oo + i]);
        }
    }

    @Override
    public double sum(Tensor a) {
        own(a);
        float[] A = data(a);
        int ao = off(a), n = a.sizeInt();
        double s = 0;
        for (int i = 0; i < n; i++) s += A[ao + i];
        return s;
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        own(a); own(b); Shapes.sameSize("dot", a, b);
        float[] A = data(a), B = data(b);
        int ao = off(a), bo = off(b), n = a.sizeInt();
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) A[ao + i] * B[bo + i];
        return s;
    }

    @Override
    public boolean allFinite(Tensor a) {
        own(a);
        float[] A = data(a);
        int ao = off(a), n = a.sizeInt();
        for (int i = 0; i < n; i++) if (!Float.isFinite(A[ao + i])) return false;
        return true;
    }

    // ---- random -------------------------------------------------------------------------------

    @Override
    public void randUniform(Tensor t, long seed, float lo, float hi) {
        own(t);
        float[] D = data(t);
        int o = off(t), n = t.sizeInt();
        for (int i = 0; i < n; i++) D[o + i] = lo + (hi - lo) * CounterRng.uniform(seed, i);
    }

    @Override
    public void randNormal(Tensor t, long seed, float mean, float std) {
        own(t);
        float[] D = data(t);
        int o = off(t), n = t.sizeInt();
        for (int i = 0; i < n; i++) D[o + i] = mean + std * CounterRng.normal(seed, i);
    }

    @Override
    public void randBernoulli(Tensor t, long seed, float p) {
        own(t);
        float[] D = data(t);
        int o = off(t), n = t.sizeInt();
        for (int i = 0; i < n; i++) D[o + i] = CounterRng.uniform(seed, i) < p ? 1f : 0f;
    }

    // ---- optimizers ---------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig cfg, int step) {
        own(param); own(grad); own(m); own(v);
        Shapes.sameSize("adam grad", param, grad); Shapes.sameSize("adam m", param, m); Shapes.sameSize("adam v", param, v);
        if (step < 1) throw new IllegalArgumentException("adam step counts from 1, got " + step);
        float[] P = data(param), G = data(grad), M = data(m), V = data(v);
        int po = off(param), go = off(grad), mo = off(m), vo = off(v), n = param.sizeInt();
        float b1 = cfg.beta1(), b2 = cfg.beta2();
        float c1 = (float) (1 - Math.pow(b1, step)), c2 = (float) (1 - Math.pow(b2, step));
        float lr = cfg.lr(), eps = cfg.eps(), wd = cfg.weightDecay();
        for (int i = 0; i < n; i++) {
            float g = G[go + i];
            float mi = b1 * M[mo + i] + (1 - b1) * g;
            float vi = b2 * V[vo + i] + (1 - b2) * g * g;
            M[mo + i] = mi;
            V[vo + i] = vi;
            float p = P[po + i];
            if (wd > 0) p -= lr * wd * p;
            P[po + i] = p - lr * (mi / c1) / ((float) Math.sqrt(vi / c2) + eps);
        }
    }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        own(param); own(grad); own(velocity);
        Shapes.sameSize("sgd grad", param, grad); Shapes.sameSize("sgd velocity", param, velocity);
        float[] P = data(param), G = data(grad), W = data(velocity);
        int po = off(param), go = off(grad), wo = off(velocity), n = param.sizeInt();
        for (int i = 0; i < n; i++) {
            float w = momentum * W[wo + i] + G[go + i];
            W[wo + i] = w;
            P[po + i] -= lr * w;
        }
    }
}
