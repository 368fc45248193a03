package org.spikekit.features;

import org.spikekit.data.images.ImageSet;

/**
 * Patch ZCA whitening filters for the CIFAR configs (notebooks/papers/spikenn.md §3.3 step 2; the original ships
 * them precomputed in {@code whiten-filters/CIFAR10}, a binary ClassParameter file the kit does not
 * parse — here they are recomputed from the training split, so they differ slightly; notebooks/papers/spikenn.md §9 item 4).
 *
 * <p>Patches of {@code zcaSize × zcaSize × C} pixels / 255 are taken at every position with
 * stride 2 ({@code y, x = 0, 2, 4, … ≤ H − size}) of the training images; when there are more
 * than {@code zcaPatches}, only every {@code s}-th image is used, {@code s = ⌈total/zcaPatches⌉}.
 * Covariance {@code Σ = E[(p − μ)(p − μ)ᵀ]} (double precision), eigen-decomposition
 * {@code Σ = U diag(s) Uᵀ} (cyclic Jacobi, all components kept), whitening matrix
 * {@code W = U diag(1/√(s + ε)) Uᵀ}. Filter {@code c} (one per input channel) is the row of
 * {@code W} for the patch centre's channel {@code c}, reshaped to {@code size × size × C}, minus
 * its mean. The bank is then applied like the DoG filter (edge-clamped same convolution, sign
 * separation into {@code 2C} channels). Deterministic: each covariance entry is summed in patch
 * order whatever the thread count ({@code seed} is not needed and not used).
 */
final class Zca {
    private Zca() {}

    static StdpCsnn.Prefilter filters(ImageSet train, CsnnConfig cfg, long seed, int threads) {
        int h = train.height(), w = train.width(), c = train.channels(), z = cfg.zcaSize();
        if (z > h || z > w) throw new IllegalArgumentException("ZCA patch " + z + " larger than the " + h + "x" + w + " images");
        int d = z * z * c;
        int perRow = (w - z) / 2 + 1, perCol = (h - z) / 2 + 1, perImage = perRow * perCol;
        long total = (long) perImage * train.n();
        int step = (int) Math.max(1, (total + cfg.zcaPatches() - 1) / cfg.zcaPatches());
        int images = (train.n() + step - 1) / step;
        long m = (long) images * perImage;
        // rows of the upper triangle split over workers so that each entry is summed in patch order
        double[][] s2 = new double[d][];
        double[] s1 = new double[d];
        int[] rowFrom = balancedRows(d, threads);
        StdpCsnn.parallelChunks(threads, threads, (worker, a, b) -> {
            for (int part = a; part < b; part++) {
                int r0 = rowFrom[part], r1 = rowFrom[part + 1];
                if (r0 == r1) continue;
                double[][] acc = new double[r1 - r0][];
                for (int r = r0; r < r1; r++) acc[r - r0] = new double[d - r];
                double[] sum = new double[d];
                double[] p = new double[d];
                byte[] px = train.pixels();
                int sz = h * w * c;
                for (int i = 0; i < train.n(); i += step) {
                    org.spikekit.train.Interrupts.check("ZCA covariance", 0, 0, "image", i, train.n());
                    for (int y = 0; y + z <= h; y += 2) {
                        for (int x = 0; x + z <= w; x += 2) {
                            int q = 0;
                            for (int ky = 0; ky < z; ky++) {
                                int o = i * sz + ((y + ky) * w + x) * c;
                                for (int k = 0; k < z * c; k++) p[q++] = (px[o + k] & 0xFF) / 255.0;
                            }
                            for (int r = r0; r < r1; r++) {
                                double pr = p[r];
                                double[] row = acc[r - r0];
                                for (int col = r; col < d; col++) row[col - r] += pr * p[col];
                                sum[r] += pr;
                            }
                        }
                    }
                }
                for (int r = r0; r < r1; r++) {
                    s2[r] = acc[r - r0];
                    s1[r] = sum[r];
                }
            }
        });
        double[][] cov = new double[d][d];
        for (int r = 0; r < d; r++) {
            for (int col = r; col < d; col++) {
                double v = s2[r][col - r] / m - (s1[r] / m) * (s1[col] / m);
                cov[r][col] = v;
                cov[col][r] = v;
            }
        }
        double[] eig = new double[d];
        double[][] u = new double[d][d];
        jacobi(cov, eig, u);
        float[] filters = new float[c * d];
        int centre = ((z / 2) * z + z / 2) * c;
        for (int ch = 0; ch < c; ch++) {
            int row = centre + ch;
            double[] wr = new double[d];
            double mean = 0;
            for (int j = 0; j < d; j++) {
                double v = 0;
                for (int k = 0; k < d; k++) v += u[row][k] * u[j][k] / Math.sqrt(Math.max(eig[k], 0) + cfg.zcaEpsilon());
                wr[j] = v;
                mean += v;
            }
            mean /= d;
            for (int j = 0; j < d; j++) filters[ch * d + j] = (float) (wr[j] - mean);
        }
        return new StdpCsnn.Prefilter(z, c, c, filters);
    }

    /** Row boundaries splitting the upper triangle of a d×d matrix into {@code parts} parts of about equal work. */
    static int[] balancedRows(int d, int parts) {
        int[] b = new int[parts + 1];
        long total = (long) d * (d + 1) / 2, acc = 0;
        int r = 0;
        for (int p = 1; p < parts; p++) {
            long target = total * p / parts;
            while (r < d && acc + (d - r) <= target) acc += d - r++;
            b[p] = r;
        }
        b[parts] = d;
        return b;
    }

    /**
     * Eigen-decomposition of the symmetric matrix {@code a} (destroyed) by cyclic Jacobi rotations:
     * {@code a = U diag(eig) Uᵀ}, eigenvector {@code k} in column {@code k} of {@code u}.
     */
    static void jacobi(double[][] a, double[] eig, double[][] u) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(u[i], 0);
            u[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, diag = 0;
            for (int p = 0; p < n; p++) {
                diag += a[p][p] * a[p][p];
                for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
            }
            if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (Math.abs(apq) < 1e-300) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double cs = 1 / Math.sqrt(t * t + 1), sn = t * cs;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = cs * akp - sn * akq;
                        a[k][q] = sn * akp + cs * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = cs * apk - sn * aqk;
                        a[q][k] = sn * apk + cs * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double ukp = u[k][p], ukq = u[k][q];
                        u[k][p] = cs * ukp - sn * ukq;
                        u[k][q] = sn * ukp + cs * ukq;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) eig[i] = a[i][i];
    }
}
