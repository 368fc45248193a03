package org.spikekit.data.perich;

import java.util.List;

/** Ridge regression of z-scored velocity on causal binned counts (test helper). */
final class PerichSignal {
    private PerichSignal() {}

    static final int HIST = 10;

    /** Features of row (j, b): counts summed over steps j-4..j and j-9..j-5 per unit, plus 1. */
    static double[] features(DecodingBatch bt, int j, int b) {
        int n = bt.units();
        double[] x = new double[2 * n + 1];
        for (int q = j - HIST + 1; q <= j; q++) {
            int r = bt.row(q, b);
            int base = q > j - 5 ? 0 : n;
            for (int u = 0; u < n; u++) x[base + u] += bt.counts()[r * n + u];
        }
        x[2 * n] = 1;
        return x;
    }

    /** Held-out R² (mean over x, y) of a ridge decoder trained on one epoch of train windows, tested on the test windows. */
    static double r2(DecodingWindows w) {
        int n = w.sessions().get(0).units(), p = 2 * n + 1;
        double[][] xtx = new double[p][p];
        double[][] xty = new double[p][2];
        for (List<DecodingWindows.Window> ws : DecodingWindows.chunks(w.trainEpoch(1, 0), 64)) {
            DecodingBatch bt = w.batch(ws);
            for (int b = 0; b < bt.batch(); b++) {
                for (int j = HIST - 1; j < bt.steps(); j++) {
                    int r = bt.row(j, b);
                    if (bt.weight()[r] == 0) continue;
                    double[] x = features(bt, j, b);
                    for (int a = 0; a < p; a++) {
                        if (x[a] == 0) continue;
                        for (int c = 0; c < p; c++) xtx[a][c] += x[a] * x[c];
                        xty[a][0] += x[a] * bt.target()[2 * r];
                        xty[a][1] += x[a] * bt.target()[2 * r + 1];
                    }
                }
            }
        }
        double lambda = 10;
        for (int a = 0; a < p - 1; a++) xtx[a][a] += lambda;
        double[][] beta = solve(xtx, xty);
        double[] sse = new double[2], sum = new double[2], sumSq = new double[2];
        long m = 0;
        for (List<DecodingWindows.Window> ws : DecodingWindows.chunks(w.evalWindows(DecodingWindows.Split.TEST), 64)) {
            DecodingBatch bt = w.batch(ws);
            for (int b = 0; b < bt.batch(); b++) {
                for (int j = HIST - 1; j < bt.steps(); j++) {
                    int r = bt.row(j, b);
                    if (bt.weight()[r] == 0) continue;
                    double[] x = features(bt, j, b);
                    for (int d = 0; d < 2; d++) {
                        double pred = 0;
                        for (int a = 0; a < p; a++) pred += x[a] * beta[a][d];
                        double y = bt.target()[2 * r + d];
                        sse[d] += (y - pred) * (y - pred);
                        sum[d] += y;
                        sumSq[d] += y * y;
                    }
                    m++;
                }
            }
        }
        double r2 = 0;
        for (int d = 0; d < 2; d++) r2 += 1 - sse[d] / (sumSq[d] - sum[d] * sum[d] / m);
        return r2 / 2;
    }

    /** Solves A X = B (A symmetric positive definite) by Cholesky. */
    static double[][] solve(double[][] a, double[][] bm) {
        int p = a.length, k = bm[0].length;
        double[][] l = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int q = 0; q < j; q++) s -= l[i][q] * l[j][q];
                if (i == j) l[i][i] = Math.sqrt(Math.max(s, 1e-12));
                else l[i][j] = s / l[j][j];
            }
        }
        double[][] x = new double[p][k];
        for (int c = 0; c < k; c++) {
            double[] y = new double[p];
            for (int i = 0; i < p; i++) {
                double s = bm[i][c];
                for (int q = 0; q < i; q++) s -= l[i][q] * y[q];
                y[i] = s / l[i][i];
            }
            for (int i = p - 1; i >= 0; i--) {
                double s = y[i];
                for (int q = i + 1; q < p; q++) s -= l[q][i] * x[q][c];
                x[i][c] = s / l[i][i];
            }
        }
        return x;
    }
}
