package org.spikekit.core;

import org.spikekit.compute.Backend;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.Tensor;

/**
 * Losses with their gradients. Each returns the loss value and, when {@code grad} is not null,
 * WRITES dL/d(prediction) into it (same shape as the prediction). Means are over all elements.
 */
public final class Losses {
    private Losses() {}

    /** {@code L = mean((pred − target)²)}; {@code dL/dpred = 2(pred − target)/n}. */
    public static double mse(Tensor pred, Tensor target, Tensor grad) {
        Backend be = pred.backend();
        check("mse", pred, target, grad);
        Tensor diff = be.zeros(pred.shape());
        be.zip(BinaryOp.SUB, pred, target, diff);
        double n = pred.size();
        double loss = be.dot(diff, diff) / n;
        if (grad != null) be.affine(diff, (float) (2.0 / n), 0f, grad);
        return loss;
    }

    /**
     * Weighted mean squared error over rows (Spikachu's training loss, after POYO's weighted
     * {@code mse}: notebooks/papers/spikachu.md §5.1): for predictions {@code [rows, D]} (any leading shape, last axis
     * D) and one weight per row,
     * {@code L = Σ_r w_r · mean_d (pred_rd − target_rd)² / Σ_r w_r}. Rows of weight 0 (padding,
     * masked samples) do not count. Returns 0 (and a zero gradient) when all weights are 0.
     */
    public static double weightedMse(Tensor pred, Tensor target, float[] weight, Tensor grad) {
        check("weightedMse", pred, target, grad);
        Backend be = pred.backend();
        int d = pred.dim(-1);
        int rows = Math.toIntExact(pred.size() / d);
        if (weight == null || weight.length != rows) {
            throw new IllegalArgumentException("weightedMse: expected " + rows + " row weights, got " + (weight == null ? "null" : weight.length));
        }
        float[] p = be.toHost(pred), y = be.toHost(target), g = grad == null ? null : new float[p.length];
        double wsum = 0, loss = 0;
        for (int r = 0; r < rows; r++) {
            if (!(weight[r] >= 0) || Float.isInfinite(weight[r])) throw new IllegalArgumentException("weightedMse: weight of row " + r + " is " + weight[r] + ", expected a finite value >= 0");
            wsum += weight[r];
        }
        if (wsum > 0) {
            for (int r = 0; r < rows; r++) {
                if (weight[r] == 0) continue;
                double rowSq = 0;
                for (int j = 0; j < d; j++) {
                    double e = p[r * d + j] - y[r * d + j];
                    rowSq += e * e;
                    if (g != null) g[r * d + j] = (float) (2 * weight[r] * e / (d * wsum));
                }
                loss += weight[r] * rowSq / d;
            }
            loss /= wsum;
        }
        if (g != null) be.copy(be.fromHost(g, pred.shape()), grad);
        return loss;
    }

    /**
     * {@code L = sqrt(mean((pred − target)²))} (the RSNN paper's training loss);
     * {@code dL/dpred = (pred − target)/(n·L)} (zero when L = 0).
     */
    public static double rmse(Tensor pred, Tensor target, Tensor grad) {
        Backend be = pred.backend();
        check("rmse", pred, target, grad);
        Tensor diff = be.zeros(pred.shape());
        be.zip(BinaryOp.SUB, pred, target, diff);
        double n = pred.size();
        double loss = Math.sqrt(be.dot(diff, diff) / n);
        if (grad != null) be.affine(diff, loss == 0 ? 0f : (float) (1.0 / (n * loss)), 0f, grad);
        return loss;
    }

    /**
     * Softmax cross-entropy, mean over rows: logits {@code [M, C]} (2-D view), integer labels.
     * {@code dL/dlogits = (softmax − onehot)/M}. Computed on the host (M·C values move once each way).
     */
    public static double crossEntropy(Tensor logits, int[] labels, Tensor grad) {
        Backend be = logits.backend();
        int m = logits.rows(), c = logits.cols();
        if (labels.length != m) throw new IllegalArgumentException("crossEntropy: " + labels.length + " labels for " + m + " rows of " + logits);
        if (grad != null && !grad.sameShape(logits)) throw new IllegalArgumentException("crossEntropy: grad " + grad + " must match logits " + logits);
        float[] z = be.toHost(logits);
        float[] g = grad == null ? null : new float[z.length];
        double total = 0;
        for (int r = 0; r < m; r++) {
            int y = labels[r];
            if (y < 0 || y >= c) throw new IllegalArgumentException("crossEntropy: label " + y + " at row " + r + " outside [0, " + c + ")");
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) mx = Math.max(mx, z[r * c + j]);
            double se = 0;
            for (int j = 0; j < c; j++) se += Math.exp(z[r * c + j] - mx);
            double lse = mx + Math.log(se);
            total += lse - z[r * c + y];
            if (g != null) {
                for (int j = 0; j < c; j++) {
                    double p = Math.exp(z[r * c + j] - lse);
                    g[r * c + j] = (float) ((p - (j == y ? 1 : 0)) / m);
                }
            }
        }
        if (grad != null) be.copy(be.fromHost(g, grad.shape()), grad);
        return total / m;
    }

    private static void check(String what, Tensor pred, Tensor target, Tensor grad) {
        if (!pred.sameShape(target)) throw new IllegalArgumentException(what + ": prediction " + pred + " and target " + target + " differ in shape");
        if (grad != null && !grad.sameShape(pred)) throw new IllegalArgumentException(what + ": grad " + grad + " must match prediction " + pred);
        if (pred.size() == 0) throw new IllegalArgumentException(what + ": empty prediction");
    }
}
