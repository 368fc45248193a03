package org.spikekit.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cache-blocked, register-tiled single-precision GEMM on heap arrays (the GotoBLAS/BLIS loop
 * nest). For one block of C it packs a {@code KC x NC} panel of op(B) into {@code NR}-column
 * slivers and an {@code MC x KC} block of op(A) into {@code MR}-row slivers; all four transpose
 * cases differ only in packing, and one {@code MR x NR} micro-kernel (8 rows x 2 vectors of
 * 16 lanes with AVX-512: 16 accumulators) does the arithmetic with fused multiply-adds.
 *
 * <p>Each element of C is accumulated over k in the same order whatever block of C a thread is
 * given, so results do not depend on the thread count. Packed panels are zero-padded to full
 * slivers; edge tiles go through a small scratch tile.
 */
final class Sgemm {
    private Sgemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Micro-tile: MR rows by NR = 2 vectors of columns. */
    static final int MR = 8, NR = 2 * L;
    /** Cache blocks: KC deep (B sliver KC x NR stays in L1), MC rows of A in L2, NC columns of B. */
    static final int KC = 256, MC = 128, NC = 1024;

    /**
     * Widest block of C (columns) for which MR rows of a non-transposed A are read in place rather
     * than packed (2 AVX2 cores, k 64–128: 1600 x 32 and 1600 x 64 1.1–1.3x faster in place,
     * 1600 x 256 and 256 x 1024 slower).
     */
    static final int DIRECT_NC = 4 * NR;

    /** Per-thread packing buffers, reused across calls. */
    static final class Workspace {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
    }

    /**
     * Computes rows {@code [m0, m1)} and columns {@code [n0, n1)} of
     * {@code C = alpha op(A) op(B) + beta C}; C is row-major with leading dimension {@code ldc}.
     * A is stored {@code [M, K]} (or {@code [K, M]} when {@code ta}) with leading dimension
     * {@code lda}, B {@code [K, N]} (or {@code [N, K]}) with {@code ldb}. Requires {@code k > 0}.
     */
    static void block(boolean ta, boolean tb, int m0, int m1, int n0, int n1, int k, float alpha,
                      float[] a, int ao, int lda, float[] b, int bo, int ldb,
                      float beta, float[] c, int co, int ldc, Workspace ws) {
        int kBlocks = (k + KC - 1) / KC;
        int kcStep = (k + kBlocks - 1) / kBlocks;  // even split: 300 -> 150 + 150, not 256 + 44
        for (int jc = n0; jc < n1; jc += NC) {
            int nc = Math.min(NC, n1 - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                boolean first = pc == 0;
                packB(tb, b, bo, ldb, pc, kc, jc, nc, ws.b);
                for (int ic = m0; ic < m1; ic += MC) {
                    int mc = Math.min(MC, m1 - ic), full = mc - mc % MR;
                    // whole MR-row slivers of op(A) are read in place when op(A) = Aᵀ (the MR values at one k
                    // are contiguous: stride lda per k), and when op(A) = A and C has few columns (MR rows
                    // read side by side, stride lda per row; with many columns packing pays off); only a
                    // last partial sliver is packed then
                    boolean inPlace = ta || nc <= DIRECT_NC;
                    if (!inPlace) packA(false, a, ao, lda, ic, mc, pc, kc, ws.a);
                    else if (full < mc) packA(ta, a, ao, lda, ic + full, mc - full, pc, kc, ws.a);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir), cOff = co + (ic + ir) * ldc + jc + jr;
                            if (!inPlace) {
                                kernel(kc, ws.a, ir * kc, MR, 1, ws.b, jr * kc, c, cOff, ldc, mr, nr, alpha, beta, first, ws.tile);
                            } else if (mr < MR) {
                                kernel(kc, ws.a, 0, MR, 1, ws.b, jr * kc, c, cOff, ldc, mr, nr, alpha, beta, first, ws.tile);
                            } else if (ta) {
                                kernel(kc, a, ao + pc * lda + ic + ir, lda, 1, ws.b, jr * kc, c, cOff, ldc, mr, nr, alpha, beta, first, ws.tile);
                            } else {
                                kernel(kc, a, ao + (ic + ir) * lda + pc, 1, lda, ws.b, jr * kc, c, cOff, ldc, mr, nr, alpha, beta, first, ws.tile);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Packs op(A)[ic .. ic+mc, pc .. pc+kc] into MR-row slivers: {@code ap[ir*kc + p*MR + r]}. */
    static void packA(boolean ta, float[] a, int ao, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (!ta) {
                for (int r = 0; r < mr; r++) {
                    int src = ao + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) ap[base + p * MR + r] = a[src + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = ao + (pc + p) * lda + ic + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < mr; r++) ap[dst + r] = a[src + r];
                }
            }
            if (mr < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int r = mr; r < MR; r++) ap[base + p * MR + r] = 0f;
                }
            }
        }
    }

    /** Packs op(B)[pc .. pc+kc, jc .. jc+nc] into NR-column slivers: {@code bp[jr*kc + p*NR + j]}. */
    static void packB(boolean tb, float[] b, int bo, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!tb) {
                for (int p = 0; p < kc; p++) {
                    int src = bo + (pc + p) * ldb + jc + jr;
                    int dst = base + p * NR;
                    if (nr == NR) {
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                        FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                    } else {
                        for (int j = 0; j < nr; j++) bp[dst + j] = b[src + j];
                        for (int j = nr; j < NR; j++) bp[dst + j] = 0f;
                    }
                }
            } else {
                for (int j = 0; j < nr; j++) {
                    int src = bo + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) bp[base + p * NR + j] = b[src + p];
                }
                if (nr < NR) {
                    for (int p = 0; p < kc; p++) {
                        for (int j = nr; j < NR; j++) bp[base + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * The MR x NR micro-kernel: accumulates {@code sum_p ap[ab + p·sa + r·sr] * bp[p, j]} in registers
     * ({@code sa, sr} = MR, 1 for a packed sliver; lda, 1 or 1, lda for one read in place) and
     * merges into C: {@code C = alpha*acc + beta*C} on the first k block (C not read when beta is
     * 0), {@code C += alpha*acc} on later ones.
     */
    static void kernel(int kc, float[] ap, int ab, int sa, int sr, float[] bp, int bb, float[] c, int co, int ldc,
                       int mr, int nr, float alpha, float beta, boolean first, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int pa = ab, pb = bb;
        for (int p = 0; p < kc; p++, pa += sa, pb += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1 * sr]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2 * sr]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3 * sr]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[pa + 4 * sr]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[pa + 5 * sr]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[pa + 6 * sr]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[pa + 7 * sr]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        // Spill the tile to scratch and merge from arrays: vectors never cross a method boundary,
        // which would make C2 box them inside the loop.
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
        merge(tile, c, co, ldc, mr, nr, alpha, beta, first);
    }

    /** {@code C = alpha*tile + beta*C} (first k block; C unread when beta is 0) or {@code C += alpha*tile}. */
    static void merge(float[] tile, float[] c, int co, int ldc, int mr, int nr, float alpha, float beta, boolean first) {
        boolean overwrite = first && beta == 0f;
        float bt = first ? beta : 1f;
        if (nr == NR) {
            FloatVector av = FloatVector.broadcast(S, alpha);
            for (int r = 0; r < mr; r++) {
                int o = co + r * ldc, t = r * NR;
                FloatVector t0 = FloatVector.fromArray(S, tile, t), t1 = FloatVector.fromArray(S, tile, t + L);
                if (overwrite) {
                    t0.mul(av).intoArray(c, o);
                    t1.mul(av).intoArray(c, o + L);
                } else {
                    t0.fma(av, FloatVector.fromArray(S, c, o).mul(bt)).intoArray(c, o);
                    t1.fma(av, FloatVector.fromArray(S, c, o + L).mul(bt)).intoArray(c, o + L);
                }
            }
            return;
        }
        for (int r = 0; r < mr; r++) {
            int row = co + r * ldc;
            for (int j = 0; j < nr; j++) {
                float t = tile[r * NR + j];
                c[row + j] = overwrite ? alpha * t : Math.fma(alpha, t, bt * c[row + j]);
            }
        }
    }
}
