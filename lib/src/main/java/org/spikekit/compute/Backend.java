package org.spikekit.compute;

/**
 * The compute primitives every model is written against. A backend owns the storage of its
 * tensors; all tensors passed to one call must belong to that backend and be contiguous views.
 *
 * <p>Matrix arguments are read as 2-D: all leading dimensions fold into rows
 * ({@link Tensor#rows()} x {@link Tensor#cols()}), so a time-major {@code [T, B, N]} sequence is a
 * {@code [T*B, N]} matrix. Output tensors may alias inputs for elementwise operations unless a
 * method says otherwise. Shape mismatches throw {@link IllegalArgumentException} naming the
 * operation and both shapes; so does a tensor owned by another kind of backend.
 *
 * <p>Conformance: {@code BackendConformanceTest} (test sources) holds every backend to these
 * semantics against scalar loops; a new backend adds one subclass of it.
 *
 * <p>Randomness is counter based ({@link CounterRng}): element {@code i} of a draw with seed
 * {@code s} is the same number on every backend, so results do not depend on the backend chosen.
 *
 * <p>Backends are chosen explicitly ({@link Backends#get(String)}, {@code SPIKEKIT_BACKEND}) and
 * never swapped silently.
 */
public interface Backend extends AutoCloseable {

    /** Short name used for selection and provenance: {@code cpu}, {@code cuda}, {@code nd4j}. */
    String name();

    /** Human-readable device description, e.g. CPU model and thread count or GPU name. */
    String deviceName();

    boolean has(Capability capability);

    // ---- memory -------------------------------------------------------------------------------

    /** New zero-filled tensor. */
    Tensor zeros(int... shape);

    /** New tensor holding a copy of {@code data} (length must equal the shape's size). */
    Tensor fromHost(float[] data, int... shape);

    /** Copies {@code src} into {@code dst[dstOffset ..]}; blocks until the data is on the host. */
    void toHost(Tensor src, float[] dst, int dstOffset);

    /** Copies the tensor into a new host array. */
    default float[] toHost(Tensor src) {
        float[] out = new float[src.sizeInt()];
        toHost(src, out, 0);
        return out;
    }

    /** Element-by-element copy between tensors of equal size (shapes may differ). */
    void copy(Tensor src, Tensor dst);

    void fill(Tensor t, float value);

    /** Waits until all queued work of this backend is done (no-op on synchronous backends). */
    default void synchronize() {}

    // ---- linear algebra -----------------------------------------------------------------------

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(X) = X} or {@code X^T}.
     * A, B and C are read as 2-D matrices; C must not alias A or B. With {@code beta == 0} the
     * old contents of C are ignored (NaN in C does not propagate). With an inner dimension of 0,
     * {@code C = beta * C}. Results are float32 sums of products; the order of accumulation is the
     * backend's (tests allow an error growing with k).
     */
    void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c);

    // ---- elementwise --------------------------------------------------------------------------

    /** {@code out[i] = op(x[i])}. */
    void map(UnaryOp op, Tensor x, Tensor out);

    /** {@code out[i] = op(a[i], b[i])}; all three of equal size. */
    void zip(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /**
     * Row broadcast: {@code a} is {@code [M, N]} (2-D view), {@code row} has N elements,
     * {@code out[m, n] = op(a[m, n], row[n])}.
     */
    void zipRow(BinaryOp op, Tensor a, Tensor row, Tensor out);

    /** {@code y = alpha * x + beta * y}. With {@code beta == 0} the old y is not read (NaN in y does not propagate). */
    void axpby(float alpha, Tensor x, float beta, Tensor y);

    /** {@code out = scale * x + shift}. */
    void affine(Tensor x, float scale, float shift, Tensor out);

    // ---- reductions ---------------------------------------------------------------------------

    /**
     * Column sums of the 2-D view {@code a [M, N]}: {@code out[n] = beta*out[n] + sum_m a[m, n]}, accumulated
     * in double precision. With {@code beta == 0} the old out is not read.
     */
    void sumRows(Tensor a, float beta, Tensor out);

    /**
     * Row sums of the 2-D view {@code a [M, N]}: {@code out[m] = beta*out[m] + sum_n a[m, n]}, accumulated
     * in double precision. With {@code beta == 0} the old out is not read.
     */
    void sumCols(Tensor a, float beta, Tensor out);

    /** Sum of all elements, accumulated in double precision. */
    double sum(Tensor a);

    /** Sum of a[i]*b[i], accumulated in double precision. */
    double dot(Tensor a, Tensor b);

    /** True when no element is NaN or infinite. */
    boolean allFinite(Tensor a);

    // ---- random -------------------------------------------------------------------------------

    /** Uniform in [lo, hi): element i is {@link CounterRng#uniform(long, long)} scaled. */
    void randUniform(Tensor t, long seed, float lo, float hi);

    /** Normal(mean, std): element i from {@link CounterRng#normal(long, long)}. */
    void randNormal(Tensor t, long seed, float mean, float std);

    /** 1 with probability p, else 0 (element i uses {@link CounterRng#uniform(long, long)} &lt; p). */
    void randBernoulli(Tensor t, long seed, float p);

    // ---- optimizers ---------------------------------------------------------------------------

    /**
     * One fused Adam step on a parameter tensor (Kingma &amp; Ba 2015, with bias correction; decoupled
     * weight decay as AdamW when {@code cfg.weightDecay() > 0}). {@code step} counts from 1.
     */
    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig cfg, int step);

    /** SGD with momentum: {@code vel = momentum*vel + grad; param -= lr * vel}. */
    void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum);

    @Override
    default void close() {}
}
