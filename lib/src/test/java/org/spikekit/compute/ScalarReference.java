package org.spikekit.compute;

/**
 * Straightforward scalar loops over host arrays that spell out the semantics documented on
 * {@link Backend}. Every backend is held to these; they favour clarity over speed and accumulate
 * in double where the contract says so.
 */
final class ScalarReference {
    private ScalarReference() {}

    /** Element (r, c) of op(X) where X is stored row-major with {@code cols} columns. */
    static float at(float[] x, int cols, boolean trans, int r, int c) {
        return trans ? x[c * cols + r] : x[r * cols + c];
    }

    /** Returns {@code alpha * op(A) op(B) + beta * C} (C ignored when beta == 0) in double. */
    static double[] gemm(boolean ta, boolean tb, float alpha, float[] a, int aCols, float[] b, int bCols,
                         float beta, float[] c, int m, int k, int n) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) at(a, aCols, ta, i, p) * at(b, bCols, tb, p, j);
                out[i * n + j] = beta == 0f ? alpha * s : alpha * s + (double) beta * c[i * n + j];
            }
        }
        return out;
    }

    /** Sum of |terms| per element of the gemm, used to scale its tolerance. */
    static double[] gemmMagnitude(boolean ta, boolean tb, float alpha, float[] a, int aCols, float[] b, int bCols,
                                  float beta, float[] c, int m, int k, int n) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += Math.abs((double) at(a, aCols, ta, i, p) * at(b, bCols, tb, p, j));
                out[i * n + j] = Math.abs(alpha) * s + (beta == 0f ? 0 : Math.abs((double) beta * c[i * n + j]));
            }
        }
        return out;
    }

    static float[] map(UnaryOp op, float[] x) {
        float[] o = new float[x.length];
        for (int i = 0; i < x.length; i++) o[i] = op.apply(x[i]);
        return o;
    }

    static float[] zip(BinaryOp op, float[] a, float[] b) {
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) o[i] = op.apply(a[i], b[i]);
        return o;
    }

    static float[] zipRow(BinaryOp op, float[] a, float[] row) {
        int n = row.length;
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) o[i] = op.apply(a[i], row[i % n]);
        return o;
    }

    static float[] axpby(float alpha, float[] x, float beta, float[] y) {
        float[] o = new float[x.length];
        for (int i = 0; i < x.length; i++) o[i] = beta == 0f ? alpha * x[i] : alpha * x[i] + beta * y[i];
        return o;
    }

    static float[] affine(float[] x, float scale, float shift) {
        float[] o = new float[x.length];
        for (int i = 0; i < x.length; i++) o[i] = scale * x[i] + shift;
        return o;
    }

    static double[] sumRows(float[] a, int m, int n, float beta, float[] out) {
        double[] o = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < m; i++) s += a[i * n + j];
            o[j] = beta == 0f ? s : s + (double) beta * out[j];
        }
        return o;
    }

    static double[] sumCols(float[] a, int m, int n, float beta, float[] out) {
        double[] o = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += a[i * n + j];
            o[i] = beta == 0f ? s : s + (double) beta * out[i];
        }
        return o;
    }

    static double sum(float[] a) {
        double s = 0;
        for (float v : a) s += v;
        return s;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /**
     * Adam with bias correction, in double precision so the float backends are compared with the
     * mathematical update rather than with one particular float rounding. Mutates p, m, v.
     */
    static void adam(float[] p, float[] g, float[] m, float[] v, AdamConfig cfg, int step) {
        double b1 = cfg.beta1(), b2 = cfg.beta2();
        double c1 = 1 - Math.pow(b1, step), c2 = 1 - Math.pow(b2, step);
        for (int i = 0; i < p.length; i++) {
            double mi = b1 * m[i] + (1 - b1) * g[i];
            double vi = b2 * v[i] + (1 - b2) * (double) g[i] * g[i];
            m[i] = (float) mi;
            v[i] = (float) vi;
            double pi = p[i];
            if (cfg.weightDecay() > 0) pi -= (double) cfg.lr() * cfg.weightDecay() * pi;
            p[i] = (float) (pi - cfg.lr() * (mi / c1) / (Math.sqrt(vi / c2) + cfg.eps()));
        }
    }

    /** SGD with momentum; mutates p and vel. */
    static void sgd(float[] p, float[] g, float[] vel, float lr, float momentum) {
        for (int i = 0; i < p.length; i++) {
            vel[i] = momentum * vel[i] + g[i];
            p[i] -= lr * vel[i];
        }
    }
}
