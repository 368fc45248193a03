package org.spikekit.compute;

import java.util.Arrays;

/** Shape checks shared by every backend, so all of them fail with the same message. */
public final class Shapes {
    private Shapes() {}

    /** Dimensions of {@code C[m, n] = op(A)[m, k] · op(B)[k, n]}. */
    public record GemmDims(int m, int n, int k) {}

    /** Checks the operands of a gemm (2-D views) and returns its dimensions. */
    public static GemmDims gemm(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(A) is " + m + "x" + k + ", op(B) is " + kb + "x" + n
                    + ", C is " + c.rows() + "x" + c.cols() + " (A " + Arrays.toString(a.shape()) + (transA ? "^T" : "")
                    + ", B " + Arrays.toString(b.shape()) + (transB ? "^T" : "") + ")");
        }
        return new GemmDims(m, n, k);
    }

    /** Throws naming {@code op} and both shapes unless the tensors have the same element count. */
    public static void sameSize(String op, Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(op + ": size mismatch " + Arrays.toString(a.shape())
                    + " vs " + Arrays.toString(b.shape()));
        }
    }
}
